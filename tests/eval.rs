//! `frontier eval` through the real binary: accuracy against references equals the
//! scripted truth; a grader that always prefers the answer shown first scores ties, and
//! a side that gives no answer loses without a grading call; an interrupted eval resumes
//! without asking any model a finished item again (counted on the fake server); the dry
//! run estimates and sends nothing, and `--max-cost` refuses before anything is sent;
//! the armed preset is compared with each of its members by default; prompts come from
//! history; bad input is a usage error that names it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use common::TestEnv;
use pretty_assertions::assert_eq;
use serde_json::{Value, json};

/// Writes `lines` as a set file in the work dir and returns its name.
fn set(env: &TestEnv, name: &str, lines: &[Value]) -> String {
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(env.work_dir().join(name), text).unwrap();
    name.to_string()
}

/// Each contender's label and a part of its score, from `eval --json`.
fn by_label(summary: &Value, part: &str) -> BTreeMap<String, Value> {
    summary["contenders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["label"].as_str().unwrap().to_string(), c[part].clone()))
        .collect()
}

/// The evals' directories under the state dir.
fn evals(env: &TestEnv) -> Vec<PathBuf> {
    let dir = env.frontier_home().join("state/evals");
    let mut dirs: Vec<PathBuf> =
        std::fs::read_dir(dir).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    dirs.sort();
    dirs
}

/// The progress lines of an eval on stderr (not a terminal): `(done, total)` each.
fn progress(stderr: &str) -> Vec<(u64, u64)> {
    stderr
        .lines()
        .filter_map(|l| l.strip_prefix("eval: ")?.split_once(" items")?.0.split_once('/'))
        .map(|(done, total)| (done.parse().unwrap(), total.parse().unwrap()))
        .collect()
}

fn lines_of(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path).unwrap_or_default().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn accuracy_against_references_is_the_scripted_truth_for_each_contender() {
    let env = TestEnv::new();
    let numeric = |id: &str, answer: &str| json!({"id": id, "prompt": format!("q {id}"), "reference": answer, "match": "numeric"});
    let file =
        set(&env, "set.jsonl", &[numeric("a", "42"), numeric("b", "42"), numeric("c", "42"), numeric("d", "41")]);
    let out = env
        .frontier(["eval", &file, "-c", "mock:right?reply=42", "-c", "mock:wrong?reply=The+answer+is+41.", "--json"])
        .output();
    assert_eq!(out.code, Some(0), "{out}");
    let summary = out.json();
    let accuracy = by_label(&summary, "accuracy");
    let counts: BTreeMap<&str, (u64, u64)> = accuracy
        .iter()
        .map(|(label, a)| (label.as_str(), (a["correct"].as_u64().unwrap(), a["scored"].as_u64().unwrap())))
        .collect();
    assert_eq!(
        counts,
        BTreeMap::from([("mock:right?reply=42", (3, 4)), ("mock:wrong?reply=The+answer+is+41.", (1, 4))])
    );
    let right = &accuracy["mock:right?reply=42"]["interval"];
    assert_eq!(right["estimate"], json!(0.75));
    assert!(right["low"].as_f64().unwrap() < 0.75 && right["high"].as_f64().unwrap() > 0.75, "{right}");
    assert_eq!((&summary["complete"], &summary["grader"], &summary["items"]), (&json!(true), &Value::Null, &json!(4)));
    // Every answer was recorded as it finished, in the eval's own directory.
    let dirs = evals(&env);
    assert_eq!(dirs.len(), 1);
    let results = lines_of(&dirs[0].join("results.jsonl"));
    assert_eq!(results.len(), 8);
    assert!(dirs[0].join("report.md").is_file() && dirs[0].join("chart.svg").is_file());
}

#[test]
fn a_grader_that_always_prefers_the_first_answer_shown_scores_ties_not_wins() {
    let env = TestEnv::new();
    let file =
        set(&env, "open.jsonl", &[json!({"prompt": "one"}), json!({"prompt": "two"}), json!({"prompt": "three"})]);
    let args = ["eval", &file, "-c", "local:a", "-c", "local:b", "--grader", "mock:first?reply=A", "--json"];
    let out = env.frontier(args).output();
    assert_eq!(out.code, Some(0), "{out}");
    let summary = out.json();
    let versus = by_label(&summary, "versus");
    assert_eq!(versus["local:a"], Value::Null, "the baseline is not graded against itself");
    let b = &versus["local:b"];
    assert_eq!((&b["wins"], &b["ties"], &b["losses"], &b["ungraded"]), (&json!(0), &json!(3), &json!(0), &json!(0)));
    assert_eq!(b["win_rate"]["estimate"], json!(0.5));
    // Each pair in both orders, and each order's verdict kept.
    let grades: Vec<Value> = lines_of(&evals(&env)[0].join("results.jsonl"))
        .into_iter()
        .filter(|r| r["kind"] == "grade")
        .map(|r| json!([r["orders"], r["pairing"]]))
        .collect();
    assert_eq!(grades, vec![json!([["first", "first"], "tie"]); 3]);
    assert_eq!(summary["baseline"], json!("local:a"));
}

#[test]
fn a_side_that_gives_no_answer_loses_without_a_grading_call() {
    let env = TestEnv::new();
    let file = set(&env, "open.jsonl", &[json!({"prompt": "one"}), json!({"prompt": "two"})]);
    let args = ["eval", &file, "-c", "local:a", "-c", "local:fail-500", "--grader", "local:g", "--json"];
    let out = env.frontier(args).output();
    assert_eq!(out.code, Some(0), "{out}");
    let versus = by_label(&out.json(), "versus");
    let failed = &versus["local:fail-500"];
    assert_eq!((&failed["wins"], &failed["ties"], &failed["losses"]), (&json!(0), &json!(0), &json!(2)));
    assert_eq!(env.server().requests_for("g").len(), 0);
}

#[test]
fn an_interrupted_eval_resumes_without_asking_for_a_finished_item_again() {
    let env = TestEnv::new();
    let items: Vec<Value> =
        (0..6).map(|i| json!({"id": format!("q{i}"), "prompt": format!("question {i}"), "reference": "x", "match": "contains"})).collect();
    let file = set(&env, "set.jsonl", &items);
    let child = env
        .command(["eval", &file, "-c", "local:slow-300-a", "-c", "local:slow-300-b", "--concurrency", "1"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Interrupted once a few answers are recorded.
    let until = Instant::now() + Duration::from_secs(20);
    let results = loop {
        if let Some(dir) = evals(&env).first() {
            let results = dir.join("results.jsonl");
            if lines_of(&results).len() >= 3 {
                break results;
            }
        }
        assert!(Instant::now() < until, "no results recorded");
        std::thread::sleep(Duration::from_millis(50));
    };
    std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    let id = evals(&env)[0].file_name().unwrap().to_string_lossy().into_owned();
    assert!(stderr.contains(&format!("frontier eval --resume {id}")), "{stderr}");
    // One message, and it says what is true: what finished is kept (not a run's "nothing
    // was kept").
    let said: Vec<&str> = stderr.lines().filter(|l| !l.starts_with("eval: ")).collect();
    assert_eq!(
        said,
        [
            "error: cancelled by SIGINT".to_string(),
            format!("hint: what finished is kept; `frontier eval --resume {id}` goes on from there")
        ],
        "{stderr}"
    );
    // What finished before the interrupt: (model, question) pairs.
    let finished: Vec<(String, String)> = lines_of(&results)
        .iter()
        .map(|r| {
            let model = r["contender"].as_str().unwrap().trim_start_matches("local:").to_string();
            (model, r["item"].as_str().unwrap().replace('q', "question "))
        })
        .collect();
    assert!(finished.len() < 12, "interrupted before the end: {finished:?}");
    let out = env.frontier(["eval", "--resume", &id, "--json"]).output();
    assert_eq!(out.code, Some(0), "{out}");
    let summary = out.json();
    assert_eq!(summary["complete"], json!(true));
    // The progress counts each item once, those finished before the interrupt included.
    let counted = progress(&out.stderr);
    assert_eq!(counted.last(), Some(&(6, 6)), "{out}");
    assert!(counted.iter().all(|(done, total)| done <= total), "{counted:?}");
    // Every model was asked each question exactly once, across both invocations.
    let mut asked: BTreeMap<(String, String), usize> = BTreeMap::new();
    for request in env.server().requests() {
        *asked.entry((request.model().to_string(), request.last_message().to_string())).or_default() += 1;
    }
    assert_eq!(asked.len(), 12, "{asked:?}");
    for pair in &finished {
        assert_eq!(asked.get(pair), Some(&1), "{pair:?} finished before the interrupt; {asked:?}");
    }
    // Only what was in flight when it stopped ran again: at most one run per contender.
    assert!(asked.values().filter(|n| **n > 1).count() <= 2, "{asked:?}");
    assert_eq!(lines_of(&results).len(), 12);
    // A complete eval, resumed again, runs nothing and counts nothing.
    let requests = env.server().requests().len();
    let out = env.frontier(["eval", "--resume", &id, "--json"]).output();
    assert_eq!(out.code, Some(0), "{out}");
    assert_eq!(progress(&out.stderr), Vec::<(u64, u64)>::new(), "{out}");
    assert_eq!(env.server().requests().len(), requests);
}

#[test]
fn a_dry_run_estimates_and_sends_nothing_and_max_cost_refuses_before_anything_is_sent() {
    let env = TestEnv::new().extra_config(
        "\n[prices]\n\"local:a\" = { input = 1000.0, output = 2000.0 }\n\"local:g\" = { input = 1.0, output = 1.0 }\n",
    );
    let file = set(&env, "open.jsonl", &[json!({"prompt": "one"}), json!({"prompt": "two", "reference": "2"})]);
    let out = env
        .frontier(["eval", &file, "-c", "local:a", "-c", "local:b", "--grader", "local:g", "--dry-run", "--json"])
        .output();
    assert_eq!(out.code, Some(0), "{out}");
    let plan = out.json();
    assert_eq!(
        (&plan["items"], &plan["items_without_reference"], &plan["grading_calls"], &plan["calls"], &plan["unpriced"]),
        (&json!(2), &json!(1), &json!(2), &json!(6), &json!(["local:b"]))
    );
    assert!(plan["estimated_usd"].as_f64().unwrap() > 1.0, "{plan}");
    let out = env
        .frontier(["eval", &file, "-c", "local:a", "-c", "local:b", "--grader", "local:g", "--max-cost", "0.5"])
        .output();
    assert_eq!(out.code, Some(2), "{out}");
    assert!(out.stderr.contains("over --max-cost $0.50"), "{out}");
    assert_eq!(env.server().requests().len(), 0);
    assert_eq!(evals(&env), Vec::<PathBuf>::new());
}

#[test]
fn the_armed_preset_is_compared_with_each_of_its_members_by_default() {
    let env = TestEnv::new();
    let armed = env.frontier(["mode", "fusion", "--preset", "demo"]).output();
    assert_eq!(armed.code, Some(0), "{armed}");
    let out = env.frontier(["eval", "--sample", "--dry-run", "--json"]).output();
    assert_eq!(out.code, Some(0), "{out}");
    let plan = out.json();
    let labels: Vec<&str> =
        plan["contenders"].as_array().unwrap().iter().map(|c| c["label"].as_str().unwrap()).collect();
    assert_eq!(labels, ["demo", "mock:alpha", "mock:beta", "mock:gamma"]);
    // Each member alone as the preset names it, its options kept.
    let specs: Vec<&str> = plan["contenders"].as_array().unwrap().iter().map(|c| c["spec"].as_str().unwrap()).collect();
    assert_eq!(
        specs,
        [
            "--preset demo",
            "--model 'mock:alpha?delay_ms=120&demo=worked'",
            "--model 'mock:beta?delay_ms=200&demo=slip'",
            "--model 'mock:gamma?delay_ms=300&demo=terse'"
        ]
    );
    assert_eq!((&plan["baseline"], &plan["grader"]), (&json!("demo"), &Value::Null));
}

#[test]
fn prompts_come_from_history_newest_first_each_once() {
    let env = TestEnv::new();
    for prompt in ["first question", "second question", "first question"] {
        let out = env.frontier(["run", prompt, "--model", "local:a", "--json"]).output();
        assert_eq!(out.code, Some(0), "{out}");
    }
    let args = ["eval", "--from-history", "-c", "local:a", "-c", "local:b", "--grader", "mock:first?reply=A", "--json"];
    let out = env.frontier(args).output();
    assert_eq!(out.code, Some(0), "{out}");
    assert_eq!(out.json()["items"], json!(2));
    let copy = lines_of(&evals(&env)[0].join("items.jsonl"));
    let prompts: Vec<&str> = copy.iter().map(|l| l["prompt"].as_str().unwrap()).collect();
    assert_eq!(prompts, ["first question", "second question"]);
}

#[test]
fn bad_input_is_a_usage_error_that_names_it() {
    let env = TestEnv::new();
    let file = set(
        &env,
        "bad.jsonl",
        &[json!({"prompt": "fine"}), json!({"prompt": "x", "reference": "(", "match": "regex"})],
    );
    let cases: [&[&str]; 6] = [
        &["eval", "-c", "local:a"],
        &["eval", &file, "-c", "local:a"],
        &["eval", "--sample", "-c", "nosuchpreset --judge none"],
        &["eval", "--sample", "-c", "local:a", "-c", "local:a"],
        &["eval", "--sample", "-c", "local:a", "--baseline", "local:z"],
        &["eval", "--resume", "20260101-000000-deadbeef"],
    ];
    let transcript = env.transcript(&cases);
    insta::assert_snapshot!(transcript);
    assert_eq!(env.server().requests().len(), 0);
}

#[test]
fn the_summary_at_80_columns() {
    // Catalog names, as a user's models have: the mock's options stay in config.toml.
    let env = TestEnv::new().extra_config(
        "\n[models.steady]\nroutes = [\"mock:steady?delay_ms=200&reply=42\"]\n\
         [models.wordy]\nroutes = [\"mock:wordy?delay_ms=400&reply=The+answer+is+41\"]\n\
         [models.grader]\nroutes = [\"mock:grader?reply=A\"]\n",
    );
    let reference = |id: &str, answer: &str| json!({"id": id, "prompt": format!("q {id}"), "reference": answer});
    let file = set(
        &env,
        "mixed.jsonl",
        &[
            reference("r1", "42"),
            reference("r2", "42"),
            reference("r3", "41"),
            json!({"id": "o1", "prompt": "open one"}),
            json!({"id": "o2", "prompt": "open two"}),
        ],
    );
    let args = ["eval", &file, "-c", "steady", "-c", "wordy", "--grader", "grader"];
    let out = env.frontier(args).env("COLUMNS", "80").output();
    assert_eq!(out.code, Some(0), "{out}");
    // Times vary by a few milliseconds (the two models' delays set which is faster); ids
    // by the clock: both kept to their width.
    insta::with_settings!({filters => vec![
        (r"\b2\d\d(\s)ms\b", "2xx${1}ms"),
        (r"\b4\d\d(\s)ms\b", "4xx${1}ms"),
        (r"\d{8}-\d{6}-[0-9a-f]{8}", "YYYYMMDD-HHMMSS-xxxxxxxx"),
    ]}, {
        insta::assert_snapshot!(out.stdout);
    });
    assert!(out.stdout.lines().all(|l| l.chars().count() <= 80), "{}", out.stdout);
    assert!(out.stderr.contains("report: ") && out.stderr.contains("chart: "), "{out}");
}

#[test]
fn an_items_files_are_sent_as_context_and_one_outside_the_workspace_is_not() {
    let env = TestEnv::new();
    std::fs::write(env.work_dir().join("pool.rs"), "fn pool() { /* MARKER-7731 */ }\n").unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("secret.txt"), "OUTSIDE-4410").unwrap();
    let file = set(
        &env,
        "ctx.jsonl",
        &[
            json!({"id": "in", "prompt": "why does pool deadlock?", "files": ["pool.rs"], "reference": "x", "match": "contains"}),
            json!({"id": "out", "prompt": "read it", "files": [outside.path().join("secret.txt")], "reference": "x", "match": "contains"}),
        ],
    );
    let out = env.frontier(["eval", &file, "-c", "local:a", "--json"]).output();
    assert_eq!(out.code, Some(0), "{out}");
    let bodies: Vec<String> = env.server().requests().iter().map(|r| r.user_message()).collect();
    assert_eq!(bodies.len(), 1, "only the item inside the workspace ran: {bodies:?}");
    assert!(bodies[0].contains("MARKER-7731"), "{}", bodies[0]);
    assert!(!bodies.iter().any(|b| b.contains("OUTSIDE-4410")));
    // The item that could not run is a failed answer, and the user was told why.
    assert!(out.stderr.contains("note: item out, local:a: not run:"), "{out}");
    assert_eq!(by_label(&out.json(), "failed")["local:a"], json!(1));
}

#[test]
fn the_whole_eval_and_each_provider_stay_within_their_bounds() {
    let env = TestEnv::new();
    // Calls long enough that the ones allowed at once overlap however loaded the machine.
    let items: Vec<Value> =
        (0..4).map(|i| json!({"prompt": format!("p{i}"), "reference": "x", "match": "contains"})).collect();
    let file = set(&env, "set.jsonl", &items);
    let args = ["eval", &file, "-c", "local:slow-500-a", "-c", "local:slow-500-b", "--concurrency", "3", "--json"];
    let out = env.frontier(args).output();
    assert_eq!(out.code, Some(0), "{out}");
    assert_eq!(env.server().max_slow_in_flight(), 3, "--concurrency 3: at most (and here exactly) 3 at once");
    let env = TestEnv::new();
    let file = set(&env, "set.jsonl", &items);
    let args = ["eval", &file, "-c", "local:slow-500-a", "-c", "local:slow-500-b", "--per-provider", "1", "--json"];
    let out = env.frontier(args).output();
    assert_eq!(out.code, Some(0), "{out}");
    assert_eq!(env.server().max_slow_in_flight(), 1, "--per-provider 1: one call to the server at a time");
}

#[test]
fn a_grader_that_is_also_a_contender_is_said_to_be_one() {
    let env = TestEnv::new();
    let file = set(&env, "open.jsonl", &[json!({"prompt": "one"})]);
    let out = env.frontier(["eval", &file, "-c", "local:a", "-c", "local:b", "--grader", "local:b", "--json"]).output();
    assert_eq!(out.code, Some(0), "{out}");
    let note = "the grader local:b is also in local:b: graders favour their own answers; --grader can name a model \
                outside the eval";
    assert!(out.stderr.contains(&format!("warning: {note}")), "{out}");
    assert_eq!(out.json()["notes"], json!([note]));
}

#[test]
fn a_panel_whose_judge_gave_no_verdict_is_said_to_have_fused_without_one() {
    let env = TestEnv::new();
    let file = set(
        &env,
        "set.jsonl",
        &[json!({"prompt": "one", "reference": "x"}), json!({"prompt": "two", "reference": "y"})],
    );
    let panel = "--models local:a,local:b --judge local:junk --synth local:s";
    let out = env.frontier(["eval", &file, "-c", panel, "-c", "local:a", "--json"]).output();
    assert_eq!(out.code, Some(0), "{out}");
    assert_eq!(
        out.json()["notes"],
        json!([format!("{panel}: its judge gave no verdict in 2 of 2 runs, so the synth fused without one there")])
    );
}
