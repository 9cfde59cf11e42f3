//! What frontier adds on top of an agent CLI: `frontier run --model claude-cli:opus`
//! against a fake `claude` with a fixed 200 ms latency, side by side with running that
//! same fake directly (same argv, same prompt on stdin). Runs alternate, so drift on a
//! shared machine hits both columns alike. Prints a Markdown table for
//! docs/benchmarks.md.
//!
//! Run: `cargo bench --bench agent_cli`. `FRONTIER_BENCH_RUNS=N` changes the number of
//! runs per case.

use std::io::Write as _;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The binary to time: `FRONTIER_BENCH_BIN` (bench/run sets it to the static release
/// build of scripts/build-release), else the one cargo built for this bench.
fn bin() -> &'static str {
    let path = std::env::var("FRONTIER_BENCH_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_frontier").to_string());
    Box::leak(path.into_boxed_str())
}
const PROMPT: &str = "Explain why the borrow checker rejects two mutable borrows.";
/// The most frontier may add over the CLI itself.
const OVERHEAD_BAR: Duration = Duration::from_millis(20);

/// A `claude` that reads its prompt, takes 200 ms, and prints a result object.
const FAKE_CLAUDE: &str = r#"#!/bin/sh
cat > /dev/null
sleep 0.2
echo '{"type":"result","subtype":"success","is_error":false,"result":"Because aliasing and mutation together break memory safety.","stop_reason":"end_turn","usage":{"input_tokens":20,"output_tokens":9}}'
"#;

/// The argv frontier passes (see src/provider/agent_cli/claude.rs).
const CLAUDE_ARGS: &[&str] =
    &["-p", "--output-format", "json", "--permission-mode", "plan", "--no-session-persistence", "--model", "opus"];

fn install_fake(dir: &Path) -> PathBuf {
    let path = dir.join("claude");
    std::fs::write(&path, FAKE_CLAUDE).unwrap_or_else(|e| panic!("write the fake claude: {e}"));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap_or_else(|e| panic!("chmod: {e}"));
    path
}

/// Runs `cmd` with `stdin` fed, and times it from spawn to exit.
fn time_once(mut cmd: Command, stdin: &str) -> Duration {
    let start = Instant::now();
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {cmd:?}: {e}"));
    if let Some(mut input) = child.stdin.take() {
        let _ = input.write_all(stdin.as_bytes());
    }
    let status = child.wait();
    let elapsed = start.elapsed();
    match status {
        Ok(s) if s.success() => elapsed,
        other => panic!("{cmd:?} failed: {other:?}"),
    }
}

fn direct(fake: &Path) -> Command {
    let mut cmd = Command::new(fake);
    cmd.args(CLAUDE_ARGS).env_clear().env("PATH", std::env::var_os("PATH").unwrap_or_default());
    cmd
}

fn through_frontier(home: &Path, fake_dir: &Path) -> Command {
    let path = format!("{}:{}", fake_dir.display(), std::env::var("PATH").unwrap_or_default());
    let mut cmd = Command::new(bin());
    cmd.args(["run", "--model", "claude-cli:opus", PROMPT])
        .env_clear()
        .env("FRONTIER_HOME", home)
        .env("HOME", home)
        .env("PATH", path);
    cmd
}

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
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
    let fake_dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
    let fake = install_fake(fake_dir.path());
    // Warm-up: page cache, dynamic loader.
    time_once(direct(&fake), PROMPT);
    time_once(through_frontier(home.path(), fake_dir.path()), "");
    let (mut cli, mut frontier) = (Vec::with_capacity(runs), Vec::with_capacity(runs));
    for _ in 0..runs {
        cli.push(time_once(direct(&fake), PROMPT));
        frontier.push(time_once(through_frontier(home.path(), fake_dir.path()), ""));
    }
    let (cli, frontier) = (median(&mut cli), median(&mut frontier));
    let overhead = frontier.saturating_sub(cli);
    println!("| case | runs | median ms |");
    println!("|---|---:|---:|");
    println!("| fake `claude` (200 ms) run directly | {runs} | {} |", ms(cli));
    println!("| `frontier run --model claude-cli:opus` over it | {runs} | {} |", ms(frontier));
    let verdict = if overhead <= OVERHEAD_BAR { "within" } else { "OVER" };
    println!("\nmedian overhead: {} ms ({verdict} the {} ms bar)", ms(overhead), OVERHEAD_BAR.as_millis());
}
