//! End-to-end benchmarks of the `frontier` binary, process start to exit, with mock
//! members of fixed latency (no network). Prints a Markdown table for
//! docs/benchmarks.md.
//!
//! Run: `cargo bench --bench cli` (or `bench/run`). `FRONTIER_BENCH_RUNS=N` changes the
//! number of runs per case.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_frontier");

/// The critical path of the fusion cases: slowest member 300 ms, judge 100, synth 100.
const CRITICAL_PATH: Duration = Duration::from_millis(500);

struct Case {
    name: &'static str,
    args: Vec<String>,
    /// What the case is compared against: the critical path, or nothing.
    baseline: Duration,
    runs: usize,
}

fn fusion_case(name: &'static str, members: usize, runs: usize) -> Case {
    // Latencies spread under the slowest member's 300 ms, as a real panel's would be.
    let panel: Vec<String> = (0..members)
        .map(|i| {
            let delay = if i == 0 { 300 } else { 150 + (i * 37) % 140 };
            format!("mock:m{i}?delay_ms={delay}")
        })
        .collect();
    Case {
        name,
        args: vec![
            "run".into(),
            "--json".into(),
            "--concurrency".into(),
            members.to_string(),
            "--models".into(),
            panel.join(","),
            "--judge".into(),
            "mock:judge?delay_ms=100".into(),
            "--synth".into(),
            "mock:synth?delay_ms=100".into(),
            "Explain why the borrow checker rejects two mutable borrows.".into(),
        ],
        baseline: CRITICAL_PATH,
        runs,
    }
}

fn time_once(home: &Path, args: &[String]) -> Duration {
    let start = Instant::now();
    let status = Command::new(BIN)
        .args(args)
        .env_clear()
        .env("FRONTIER_HOME", home)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    let elapsed = start.elapsed();
    match status {
        Ok(s) if s.success() => elapsed,
        other => panic!("frontier {args:?} failed: {other:?}"),
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2}", d.as_secs_f64() * 1000.0)
}

#[allow(clippy::print_stdout)]
fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing: run one round then.
    let full = std::env::args().any(|a| a == "--bench");
    let runs: usize =
        std::env::var("FRONTIER_BENCH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(if full { 30 } else { 1 });
    let home = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let cases = vec![
        fusion_case("run, panel of 3 (mock, 500 ms critical path)", 3, runs),
        fusion_case("run, panel of 8 (mock, 500 ms critical path)", 8, runs),
        Case { name: "status", args: vec!["status".into()], baseline: Duration::ZERO, runs: runs * 5 },
        Case {
            name: "catalog --json",
            args: vec!["catalog".into(), "--json".into()],
            baseline: Duration::ZERO,
            runs: runs * 5,
        },
    ];
    println!("| case | runs | median ms | p95 ms | median over critical path ms |");
    println!("|---|---:|---:|---:|---:|");
    for case in cases {
        time_once(home.path(), &case.args); // warm-up: page cache, dynamic loader
        let mut samples: Vec<Duration> = (0..case.runs).map(|_| time_once(home.path(), &case.args)).collect();
        samples.sort();
        let median = percentile(&samples, 0.5);
        let over = if case.baseline.is_zero() { "-".to_string() } else { ms(median.saturating_sub(case.baseline)) };
        println!("| {} | {} | {} | {} | {over} |", case.name, case.runs, ms(median), ms(percentile(&samples, 0.95)));
    }
}
