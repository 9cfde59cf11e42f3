//! What `frontier run`, `show` and `runs` look like to a person: `run` in a real
//! pseudo-terminal of a fixed size (80 and 160 columns), where the answer stays findable
//! (its heading within the last 24 lines, its words whole) and the demo shows what
//! fusion does; `show`, `show --markdown` and
//! `runs` at `COLUMNS=80`, with a member failing with a 2,000-character error and a judge
//! giving 500-character reasons; no line is ever wider than the terminal. And the live
//! progress line: with a 3-second member, the elapsed seconds and the pending members
//! change on screen while nothing else happens.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::TestEnv;
use common::pty::{assert_fits, in_terminal, screen, stable};

/// A fusion run with long outside text: a member's 2,000-character error, a judge's
/// 500-character reasons. One-second members keep latencies the same from run to run.
const LONG_RUN: &[&str] = &[
    "run",
    "--seed",
    "7",
    "--models",
    "mock:one?delay_ms=1000,mock:two?delay_ms=1000,mock:bad?fail=503&error_chars=2000&delay_ms=1000",
    "--judge",
    "mock:judge?reason_chars=500",
    "--synth",
    "mock:synth",
    "Why is the sky blue?",
];

/// Every redraw of the live line, in order.
fn redraws(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    text.split("\r\x1b[2K").skip(1).map(|s| s.split(['\n', '\r']).next().unwrap_or("").to_string()).collect()
}

/// The answer's heading is among the last 24 lines of the screen: on an 80×24 terminal
/// the answer is still in view once the run has ended.
fn assert_heading_in_view(lines: &[String]) {
    let shown: Vec<&String> = lines.iter().rev().skip_while(|l| l.is_empty()).take(24).collect();
    assert!(shown.iter().any(|l| l.starts_with("── answer · ")), "no heading in the last 24 lines:\n{lines:#?}");
}

/// Every word of `text` is whole on one line of the screen: nothing was split.
fn assert_whole(lines: &[String], text: &str) {
    for word in text.split_whitespace() {
        assert!(lines.iter().any(|l| l.contains(word)), "`{word}` is split across lines:\n{lines:#?}");
    }
}

#[test]
fn run_on_a_terminal_heads_the_answer_and_ends_in_a_few_lines_naming_the_run_at_80_and_160_columns() {
    for columns in [80u16, 160] {
        let env = TestEnv::new();
        let bytes = in_terminal(&env, LONG_RUN, columns);
        let lines = screen(&bytes);
        assert_fits(&lines, usize::from(columns));
        let shown = stable(&lines.join("\n"));
        if columns == 80 {
            assert_heading_in_view(&lines);
        }
        // 2,000 characters are about 150 times `mock failure`: cut to one line, a few remain.
        let flat = shown.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.matches("mock failure").count() < 20, "the error is cut:\n{shown}");
        insta::assert_snapshot!(format!("run_{columns}_columns"), shown);
    }
}

#[test]
fn the_demo_at_80_columns_shows_members_disagreeing_the_verdict_and_a_fused_answer_marked_as_a_demo() {
    let env = TestEnv::new();
    let lines = screen(&in_terminal(&env, &["run", "--seed", "7", "--preset", "demo", "What is 6*7?"], 80));
    assert_fits(&lines, 80);
    assert_heading_in_view(&lines);
    let report = env.frontier(["show", "last", "--json"]).output().json();
    let answer = report["final"].as_str().unwrap();
    assert!(answer.starts_with("6 × 7 = 42.") && answer.contains("demo, played by mock models"), "{answer}");
    assert_whole(&lines, answer);
    let contents: Vec<&str> =
        report["panel"].as_array().unwrap().iter().map(|m| m["content"].as_str().unwrap()).collect();
    assert_eq!(contents, ["6 × 7 = 42. Check: 42 ÷ 7 = 6.", "6 × 7 = 48.", "42."]);
    let verdict = report["analysis"]["contradictions"][0].as_str().unwrap();
    assert!(verdict.contains("say 42") && verdict.contains("right, since 6 × 7 = 42"), "{verdict}");
    assert_whole(&lines, verdict);
    insta::assert_snapshot!("demo_80_columns", stable(&lines.join("\n")));
}

#[test]
fn the_live_line_shows_elapsed_seconds_and_the_members_still_pending() {
    let env = TestEnv::new();
    let args = [
        "run",
        "--models",
        "mock:quick?delay_ms=1000,mock:slow?delay_ms=3000",
        "--judge",
        "mock:j",
        "--synth",
        "mock:s",
        "hi",
    ];
    let bytes = in_terminal(&env, &args, 100);
    let panel: Vec<String> = redraws(&bytes).into_iter().filter(|r| r.starts_with("panel ")).collect();
    let with = |needle: &str| panel.iter().position(|r| r.contains(needle));
    let both = with("waiting for mock:quick, mock:slow").unwrap_or_else(|| panic!("{panel:#?}"));
    let slow_only =
        panel.iter().position(|r| r.ends_with("waiting for mock:slow")).unwrap_or_else(|| panic!("{panel:#?}"));
    assert!(both < slow_only, "{panel:#?}");
    for second in ["· 0s ·", "· 1s ·", "· 2s ·"] {
        assert!(with(second).is_some(), "{second} in {panel:#?}");
    }
    let two_seconds = with("panel 1/2 · 2s · waiting for mock:slow").unwrap_or_else(|| panic!("{panel:#?}"));
    assert!(slow_only <= two_seconds, "{panel:#?}");
}

#[test]
fn show_show_markdown_and_runs_fit_80_columns() {
    let env = TestEnv::new();
    let out = env.frontier(LONG_RUN).output();
    assert_eq!(out.code, Some(0), "{out}");
    let id = env.frontier(["runs", "--json"]).output().json()[0]["run_id"].as_str().unwrap().to_string();

    let show = env.frontier(["show", "last"]).env("COLUMNS", "80").env("TZ", "UTC").output();
    assert_eq!(show.code, Some(0), "{show}");
    let lines: Vec<String> = show.stdout.lines().map(str::to_string).collect();
    assert_fits(&lines, 80);
    assert!(show.stdout.contains(&format!("run {id} · ")), "{show}");
    // The whole error is in `show`, wrapped: 2,000 characters of `mock failure`.
    let flat = show.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.matches("mock failure").count() >= 2000 / 13, "{show}");
    insta::assert_snapshot!("show_80_columns", stable(&show.stdout));

    let markdown = env.frontier(["show", &id, "--markdown"]).env("TZ", "UTC").output();
    assert_eq!(markdown.code, Some(0), "{markdown}");
    insta::assert_snapshot!("show_markdown", stable(&markdown.stdout));

    let runs = env.frontier(["runs"]).env("COLUMNS", "80").env("TZ", "UTC").output();
    assert_eq!(runs.code, Some(0), "{runs}");
    assert_fits(&runs.stdout.lines().map(str::to_string).collect::<Vec<_>>(), 80);
    insta::assert_snapshot!("runs_80_columns", stable(&runs.stdout));

    let stats = env.frontier(["runs", "--stats", "--since", "1h", "--limit", "5"]).env("COLUMNS", "80").output();
    assert_eq!(stats.code, Some(0), "{stats}");
    assert_fits(&stats.stdout.lines().map(str::to_string).collect::<Vec<_>>(), 80);
    insta::assert_snapshot!("runs_stats_80_columns", stable(&stats.stdout));
}

/// Two rounds and a council, one member failing: what `run` ends with, and `show`.
const COUNCIL_RUN: &[&str] = &[
    "run",
    "--seed",
    "7",
    "--rounds",
    "2",
    "--judge",
    "council",
    "--models",
    "mock:one,mock:two,mock:three,mock:bad?fail=503",
    "--synth",
    "mock:synth",
    "Why?",
];

#[test]
fn rounds_and_a_council_show_on_a_terminal_and_in_show_at_80_columns() {
    let env = TestEnv::new();
    let lines = screen(&in_terminal(&env, COUNCIL_RUN, 80));
    assert_fits(&lines, 80);
    let shown = stable(&lines.join("\n"));
    assert!(shown.contains("council (Borda points, rankings): "), "{shown}");
    insta::assert_snapshot!("run_council_80_columns", shown);

    let show = env.frontier(["show", "last"]).env("COLUMNS", "80").env("TZ", "UTC").output();
    assert_eq!(show.code, Some(0), "{show}");
    assert_fits(&show.stdout.lines().map(str::to_string).collect::<Vec<_>>(), 80);
    insta::assert_snapshot!("show_council_80_columns", stable(&show.stdout));
    let markdown = env.frontier(["show", "last", "--markdown"]).env("TZ", "UTC").output();
    assert_eq!(markdown.code, Some(0), "{markdown}");
    insta::assert_snapshot!("show_council_markdown", stable(&markdown.stdout));
}
