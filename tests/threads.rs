//! Threads and the providers' caches in the history, through the binary: `show` prints a
//! follow-up's thread (each turn, the shown run marked) and the share of input read from
//! the providers' caches, per run and over the thread; a thread's first run lists its
//! follow-ups; `runs` marks follow-ups and `runs --stats` gives the cache share per model
//! and overall, all at 80 columns. `show --json` stays the stored report exactly.
//!
//! The records are written to the history's inbox as a run appends them, from a real
//! run's report with its id, prompt, thread link and token counts set: a thread made
//! this way does not depend on how a follow-up is started.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write as _;

use common::{Outcome, TestEnv};
use pretty_assertions::assert_eq;
use serde_json::{Value, json};

const ROOT: &str = "20261207-100000-aaaa0001";
const SECOND: &str = "20261207-100500-aaaa0002";
const THIRD: &str = "20261207-101000-aaaa0003";
const ALONE: &str = "20261207-090000-bbbb0001";
/// 2026-12-07 10:00:00 UTC, in Unix ms.
const ROOT_MS: i64 = 1_796_637_600_000;

/// A real run's report, as `run --json` prints it (from an environment of its own, so
/// that it is not recorded beside the crafted ones).
fn template() -> Value {
    let scratch = TestEnv::new();
    let out = scratch.frontier(["run", "--json", "--model", "mock:a?reply=Use backoff.", "Why retry?"]).output();
    assert_eq!(out.code, Some(0), "{out}");
    out.json()
}

/// The template as run `id` asking `prompt`, with `input` input tokens of which `cached`
/// were read from a cache, continuing `thread` (root, parent, turn) if given.
fn report(id: &str, prompt: &str, input: u64, cached: u64, thread: Option<(&str, &str, u32)>) -> Value {
    let mut report = template();
    report["run_id"] = json!(id);
    report["prompt"] = json!(prompt);
    // Times the mock's run took vary: fixed ones, for the snapshots.
    report["totals"]["wall_ms"] = json!(1_200);
    report["panel"][0]["latency_ms"] = json!(1_100);
    let mut usage = json!({"input_tokens": input, "output_tokens": 40});
    if cached > 0 {
        usage["cached_input_tokens"] = json!(cached);
    }
    report["panel"][0]["usage"] = usage.clone();
    for (key, value) in usage.as_object().unwrap() {
        report["totals"][key] = value.clone();
    }
    if let Some((root, parent, turn)) = thread {
        report["thread"] = json!({"root": root, "parent": parent, "turn": turn});
    }
    report
}

/// Appends each report to the history's inbox as a run started at `ms` would.
fn record(env: &TestEnv, reports: &[(i64, &Value)]) {
    let inbox = env.frontier_home().join("state/history.sqlite3-inbox");
    std::fs::create_dir_all(inbox.parent().unwrap()).unwrap();
    let mut file = std::fs::OpenOptions::new().create(true).append(true).open(inbox).unwrap();
    for (ms, report) in reports {
        writeln!(file, "{}", json!({"started_at_ms": ms, "source": "run", "report": report})).unwrap();
    }
}

/// A history with a standalone run and a thread of three turns, the last one failed.
fn history() -> (TestEnv, Vec<Value>) {
    let env = TestEnv::new();
    let mut third = report(THIRD, "And with jitter, which kind?", 9_000, 0, Some((ROOT, SECOND, 3)));
    third["status"] = json!("error");
    third["failure_reason"] = json!("all_panels_failed");
    let reports = vec![
        report(ALONE, "Unrelated question", 800, 0, None),
        report(ROOT, "Why do retries need backoff when the server sheds load?", 3_000, 0, None),
        report(SECOND, "How often should a client retry?", 6_000, 4_500, Some((ROOT, ROOT, 2))),
        third,
    ];
    let starts = [ROOT_MS - 3_600_000, ROOT_MS, ROOT_MS + 300_000, ROOT_MS + 600_000];
    record(&env, &starts.iter().copied().zip(&reports).collect::<Vec<_>>());
    (env, reports)
}

/// `frontier ARGS` at 80 columns, in UTC, as a pipe sees it.
fn at_80(env: &TestEnv, args: &[&str]) -> Outcome {
    let out = env.frontier(args).env("COLUMNS", "80").env("TZ", "UTC").output();
    assert_eq!(out.code, Some(0), "{out}");
    for line in out.stdout.lines() {
        assert!(line.chars().count() <= 80, "over 80 columns: {line:?}");
    }
    out
}

/// The part of `show`'s text before its prompt: the headline, the cache share, the thread.
fn head(out: &Outcome) -> String {
    out.stdout.split("\nprompt:").next().unwrap().to_string()
}

#[test]
fn show_prints_a_follow_ups_thread_and_the_cache_share_of_the_run_and_the_thread() {
    let (env, _) = history();
    insta::assert_snapshot!(head(&at_80(&env, &["show", SECOND])), @r"
    run 20261207-100500-aaaa0002 · 2026-12-07 10:05:00 +00:00 · run
    single · ok · 1.2s · 6000/40 tokens · $0
    cache: 75% of 6,000 input tokens read from the providers' caches

    thread: 3 runs, begun by 20261207-100000-aaaa0001
       turn 1  20261207-100000-aaaa0001  ok     Why do retries need backoff when th…
    >  turn 2  20261207-100500-aaaa0002  ok     How often should a client retry?
       turn 3  20261207-101000-aaaa0003  error  And with jitter, which kind?
      cache, all turns: 25% of 18,000 input tokens read from the providers' caches
    ");
}

#[test]
fn a_threads_first_run_lists_its_follow_ups_and_a_turn_without_cache_hits_says_0_percent() {
    let (env, _) = history();
    let root = head(&at_80(&env, &["show", ROOT]));
    assert!(root.contains("\ncache: 0% of 3,000 input tokens read from the providers' caches\n"), "{root}");
    assert!(root.contains("\n>  turn 1  20261207-100000-aaaa0001  ok  "), "{root}");
    assert!(root.contains("\n   turn 3  20261207-101000-aaaa0003  error  And with jitter"), "{root}");
    let last = head(&at_80(&env, &["show", "last"]));
    assert!(last.contains("\n>  turn 3  20261207-101000-aaaa0003  error  "), "{last}");
}

#[test]
fn a_run_outside_any_thread_that_read_no_cache_says_nothing_of_either() {
    let (env, _) = history();
    let alone = head(&at_80(&env, &["show", ALONE]));
    assert_eq!(
        alone,
        "run 20261207-090000-bbbb0001 · 2026-12-07 09:00:00 +00:00 · run\nsingle · ok · 1.2s · 800/40 tokens · $0\n"
    );
}

#[test]
fn show_json_is_the_stored_report_and_runs_json_carries_the_thread() {
    let (env, reports) = history();
    let out = env.frontier(["show", SECOND, "--json"]).output();
    assert_eq!(out.code, Some(0), "{out}");
    assert_eq!(out.json(), reports[2]);
    let listed = env.frontier(["runs", "--json"]).output().json();
    let threads: Vec<(&str, &Value, &Value)> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["run_id"].as_str().unwrap(), &r["thread"], &r["cached_input_tokens"]))
        .collect();
    assert_eq!(
        threads,
        vec![
            (THIRD, &json!({"root": ROOT, "parent": SECOND, "turn": 3}), &json!(0)),
            (SECOND, &json!({"root": ROOT, "parent": ROOT, "turn": 2}), &json!(4_500)),
            (ROOT, &Value::Null, &json!(0)),
            (ALONE, &Value::Null, &json!(0)),
        ]
    );
}

#[test]
fn runs_marks_follow_ups_at_80_columns() {
    let (env, _) = history();
    insta::assert_snapshot!(at_80(&env, &["runs"]).stdout, @r"
    ┌──────────────────────────┬──────────────────┬────────────────┬────────┬──────┐
    │ run                      ┆ started (local)  ┆ prompt         ┆ status ┆ wall │
    ╞══════════════════════════╪══════════════════╪════════════════╪════════╪══════╡
    │ 20261207-101000-aaaa0003 ┆ 2026-12-07 10:10 ┆ ↳3 And with    ┆ error  ┆ 1.2s │
    │                          ┆                  ┆ jitter, which  ┆        ┆      │
    │                          ┆                  ┆ kind?          ┆        ┆      │
    │ 20261207-100500-aaaa0002 ┆ 2026-12-07 10:05 ┆ ↳2 How often   ┆ ok     ┆ 1.2s │
    │                          ┆                  ┆ should a       ┆        ┆      │
    │                          ┆                  ┆ client retry?  ┆        ┆      │
    │ 20261207-100000-aaaa0001 ┆ 2026-12-07 10:00 ┆ Why do retries ┆ ok     ┆ 1.2s │
    │                          ┆                  ┆ need backoff   ┆        ┆      │
    │                          ┆                  ┆ when the se…   ┆        ┆      │
    │ 20261207-090000-bbbb0001 ┆ 2026-12-07 09:00 ┆ Unrelated      ┆ ok     ┆ 1.2s │
    │                          ┆                  ┆ question       ┆        ┆      │
    └──────────────────────────┴──────────────────┴────────────────┴────────┴──────┘
    ");
}

#[test]
fn runs_stats_give_the_cache_share_per_model_and_overall() {
    let (env, _) = history();
    insta::assert_snapshot!(at_80(&env, &["runs", "--stats"]).stdout, @r"
    ┌────────┬───────┬──────┬───────┬────┬─────────┬──────┬──────┬──────┬───────┐
    │ model  ┆ role  ┆ runs ┆ calls ┆ ok ┆ success ┆ p50  ┆ p95  ┆ cost ┆ cache │
    ╞════════╪═══════╪══════╪═══════╪════╪═════════╪══════╪══════╪══════╪═══════╡
    │ mock:a ┆ panel ┆ 4    ┆ 4     ┆ 4  ┆ 100%    ┆ 1.1s ┆ 1.1s ┆ $0   ┆ 23%   │
    └────────┴───────┴──────┴───────┴────┴─────────┴──────┴──────┴──────┴───────┘
    4 runs recorded · total cost $0
    cache: 23% of 18,800 input tokens read from the providers' caches
    ");
    let stats = env.frontier(["runs", "--stats", "--json"]).output().json();
    assert_eq!(
        [&stats["mock:a"]["input_tokens"], &stats["mock:a"]["cached_input_tokens"]],
        [&json!(18_800), &json!(4_500)]
    );
    assert_eq!(stats["mock:a"]["roles"]["panel"]["cached_input_tokens"], json!(4_500));
}

#[test]
fn stats_over_providers_that_cache_nothing_have_no_cache_column() {
    let env = TestEnv::new();
    record(&env, &[(ROOT_MS, &report(ALONE, "q", 800, 0, None))]);
    let out = at_80(&env, &["runs", "--stats"]);
    assert!(!out.stdout.contains("cache"), "{out}");
}
