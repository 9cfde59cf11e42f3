//! End-to-end benchmarks of the `frontier` binary, process start to exit, with mock
//! members of fixed latency (no network). Prints a Markdown table for
//! docs/benchmarks.md.
//!
//! Run: `cargo bench --bench cli` (or `bench/run`). `FRONTIER_BENCH_RUNS=N` changes the
//! number of runs per case.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The binary to time: `FRONTIER_BENCH_BIN` (bench/run sets it to the static release
/// build of scripts/build-release), else the one cargo built for this bench.
fn bin() -> &'static str {
    let path = std::env::var("FRONTIER_BENCH_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_frontier").to_string());
    Box::leak(path.into_boxed_str())
}

/// The critical path of the fusion cases: slowest member 300 ms, judge 100, synth 100.
const CRITICAL_PATH: Duration = Duration::from_millis(500);
/// The critical path of a panel of one, which answers alone: its member's 300 ms.
const SOLE_PATH: Duration = Duration::from_millis(300);

struct Case {
    name: &'static str,
    /// The program to time: frontier, or a baseline such as `true`.
    program: &'static str,
    args: Vec<String>,
    /// A file to feed on stdin (the hook's event), if any.
    stdin: Option<std::path::PathBuf>,
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
        program: bin(),
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
        // One member answers alone (no judge, no synth): its own 300 ms is the path.
        baseline: if members == 1 { SOLE_PATH } else { CRITICAL_PATH },
        runs,
        stdin: None,
    }
}

/// A fusion whose third member straggles (200, 300 and 3000 ms; judge and synth 100 ms),
/// with `grace` as `--grace` when given. Its critical path: the straggler's 3 s without
/// a grace; the quorum's 300 ms plus the grace with one (then judge and synth).
fn straggler_case(name: &'static str, grace: Option<&str>, runs: usize) -> Case {
    let mut args: Vec<String> = [
        "run",
        "--json",
        "--models",
        "mock:a?delay_ms=200,mock:b?delay_ms=300,mock:straggler?delay_ms=3000",
        "--judge",
        "mock:judge?delay_ms=100",
        "--synth",
        "mock:synth?delay_ms=100",
    ]
    .map(String::from)
    .to_vec();
    let baseline = match grace {
        Some(secs) => {
            args.extend(["--grace".to_string(), secs.to_string()]);
            Duration::from_millis(300 + 200) + Duration::from_secs_f64(secs.parse().unwrap_or_default())
        }
        None => Duration::from_millis(3000 + 200),
    };
    args.push("Explain why the borrow checker rejects two mutable borrows.".into());
    Case { name, program: bin(), args, baseline, runs, stdin: None }
}

fn time_once(home: &Path, program: &str, args: &[String], stdin: Option<&Path>) -> Duration {
    let input = match stdin {
        Some(path) => Stdio::from(std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))),
        None => Stdio::null(),
    };
    let start = Instant::now();
    let status = Command::new(program)
        .args(args)
        .stdin(input)
        .env_clear()
        .env("FRONTIER_HOME", home)
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    let elapsed = start.elapsed();
    match status {
        Ok(s) if s.success() => elapsed,
        other => panic!("{program} {args:?} failed: {other:?}"),
    }
}

/// A Claude Code `UserPromptSubmit` event from a git repository whose scope is off.
fn hook_event(home: &Path) -> std::path::PathBuf {
    let repo = home.join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap_or_else(|e| panic!("{e}"));
    let event = format!(
        "{{\"session_id\":\"s\",\"cwd\":\"{}\",\"hook_event_name\":\"UserPromptSubmit\",\"prompt\":\"why does this deadlock when two tasks lock in opposite order?\"}}",
        repo.display()
    );
    let path = home.join("event.json");
    std::fs::write(&path, event).unwrap_or_else(|e| panic!("{e}"));
    path
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
        fusion_case("run, panel of 1 (mock, 300 ms critical path: it answers alone)", 1, runs),
        fusion_case("run, panel of 3 (mock, 500 ms critical path)", 3, runs),
        fusion_case("run, panel of 8 (mock, 500 ms critical path)", 8, runs),
        // Side by side: a straggler waited for, and cut after half a second of grace.
        straggler_case("run, straggler 200/300/3000 ms, no --grace (3.2 s critical path)", None, runs.div_ceil(6)),
        straggler_case(
            "run, straggler 200/300/3000 ms, --grace 0.5 (1.0 s critical path)",
            Some("0.5"),
            runs.div_ceil(6),
        ),
        Case {
            name: "status",
            program: bin(),
            args: vec!["status".into()],
            baseline: Duration::ZERO,
            runs: runs * 5,
            stdin: None,
        },
        Case {
            name: "catalog --json",
            program: bin(),
            args: vec!["catalog".into(), "--json".into()],
            baseline: Duration::ZERO,
            runs: runs * 5,
            stdin: None,
        },
        Case {
            name: "baseline: `true` (process start and exit alone)",
            program: "true",
            args: Vec::new(),
            baseline: Duration::ZERO,
            runs: runs * 5,
            stdin: Some(hook_event(home.path())),
        },
        Case {
            name: "hook, scope off (the off path)",
            program: bin(),
            args: vec!["hook".into(), "--host".into(), "claude-code".into()],
            baseline: Duration::ZERO,
            runs: runs * 5,
            stdin: Some(hook_event(home.path())),
        },
    ];
    println!("| case | runs | median ms | p95 ms | median over critical path ms |");
    println!("|---|---:|---:|---:|---:|");
    for case in cases {
        let stdin = case.stdin.as_deref();
        time_once(home.path(), case.program, &case.args, stdin); // warm-up: page cache, dynamic loader
        let mut samples: Vec<Duration> =
            (0..case.runs).map(|_| time_once(home.path(), case.program, &case.args, stdin)).collect();
        samples.sort();
        let median = percentile(&samples, 0.5);
        let over = if case.baseline.is_zero() { "-".to_string() } else { ms(median.saturating_sub(case.baseline)) };
        println!("| {} | {} | {} | {} | {over} |", case.name, case.runs, ms(median), ms(percentile(&samples, 0.95)));
    }
}
