//! Run history as users meet it: concurrent runs all recorded and returned whole,
//! hooked and failed runs recorded, per-model statistics, the `history = false` switch,
//! and a corrupt or locked database that warns but never fails a run.

// Tests may panic on what they do not expect.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt as _;
use std::path::PathBuf;
use std::process::Stdio;

use common::workspace::{arm, claude_event, repo};
use common::{Outcome, TestEnv};
use pretty_assertions::assert_eq;
use serde_json::{Value, json};

fn db(env: &TestEnv) -> PathBuf {
    env.frontier_home().join("state/history.sqlite3")
}

/// `runs --json --limit 100`, parsed.
fn runs(env: &TestEnv) -> Vec<Value> {
    let out = env.frontier(["runs", "--json", "--limit", "100"]).output();
    assert_eq!(out.code, Some(0), "{out}");
    out.json().as_array().unwrap().clone()
}

fn show_json(env: &TestEnv, id: &str) -> Value {
    let out = env.frontier(["show", id, "--json"]).output();
    assert_eq!(out.code, Some(0), "{out}");
    out.json()
}

/// The lines of stderr that are history warnings.
fn warnings(out: &Outcome) -> Vec<&str> {
    out.stderr.lines().filter(|l| l.starts_with("warning: history: ")).collect()
}

#[test]
fn sixteen_concurrent_runs_leave_sixteen_records_returned_whole() {
    let env = TestEnv::new();
    // Every command is built (and config.toml written) before any starts.
    let commands: Vec<_> = (0..16)
        .map(|i| {
            let mut cmd = env.command(["run", "--preset", "demo", "--json", &format!("question number {i}")]);
            cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
            cmd
        })
        .collect();
    let children: Vec<_> = commands.into_iter().map(|mut cmd| cmd.spawn().unwrap()).collect();
    let reports: Vec<Value> = children
        .into_iter()
        .map(|child| {
            let out = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(out.status.success(), "{stderr}");
            assert!(!stderr.contains("warning"), "{stderr}");
            serde_json::from_slice(&out.stdout).unwrap()
        })
        .collect();

    let listed = runs(&env);
    assert_eq!(listed.len(), 16);
    let ids =
        |values: &[Value]| values.iter().map(|v| v["run_id"].as_str().unwrap().to_string()).collect::<BTreeSet<_>>();
    assert_eq!(ids(&listed), ids(&reports));
    let starts: Vec<&str> = listed.iter().map(|r| r["started_at"].as_str().unwrap()).collect();
    assert!(starts.windows(2).all(|w| w[0] >= w[1]), "newest first: {starts:?}");

    for report in &reports {
        let id = report["run_id"].as_str().unwrap();
        assert_eq!(&show_json(&env, id), report, "run {id} comes back whole");
        let summary = listed.iter().find(|r| r["run_id"] == id).unwrap();
        let models: Vec<&Value> = report["panel"].as_array().unwrap().iter().map(|m| &m["model"]).collect();
        assert_eq!(
            summary,
            &json!({
                "run_id": id,
                "started_at": summary["started_at"],
                "started_at_ms": summary["started_at_ms"],
                "source": "run",
                "scope": null,
                "mode": "fusion",
                "preset": "demo",
                "status": "ok",
                "failure_reason": null,
                "models": models,
                "input_tokens": report["totals"]["input_tokens"],
                "output_tokens": report["totals"]["output_tokens"],
                "cost_usd": report["totals"]["cost_usd"],
                "wall_ms": report["totals"]["wall_ms"],
                "prompt_head": report["prompt"],
                "cached_input_tokens": 0,
                "thread": null,
            })
        );
    }

    // The prompts are in there: only the user may read the files.
    let state = env.frontier_home().join("state");
    for entry in std::fs::read_dir(state).unwrap().flatten() {
        if entry.file_name().to_string_lossy().starts_with("history.sqlite3") {
            assert_eq!(entry.metadata().unwrap().permissions().mode() & 0o777, 0o600, "{:?}", entry.path());
        }
    }
}

#[test]
fn a_hooked_run_is_recorded_with_its_source_and_scope_and_the_off_path_opens_nothing() {
    let env = TestEnv::new();
    let repo = repo(&env);
    let prompt = "Why does my borrow checker complain about two mutable borrows?";
    let hook = || env.frontier(["hook", "--host", "claude-code"]).stdin(&claude_event(&repo, prompt)).output();

    let off = hook();
    assert_eq!((off.code, off.stdout.as_str()), (Some(0), ""), "{off}");
    assert!(!db(&env).exists(), "the off path never touches the history");

    arm(
        &env,
        &repo,
        &["mode", "fusion", "--models", "mock:a,mock:b", "--judge", "mock:j", "--scope", "claude-project"],
    );
    let on = hook();
    assert_eq!(on.code, Some(0), "{on}");
    assert!(on.stdout.contains("additionalContext"), "{on}");
    let listed = runs(&env);
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0]["source"], "hook");
    assert!(listed[0]["scope"].as_str().unwrap().starts_with("cc-"), "{listed:?}");
    let report = show_json(&env, listed[0]["run_id"].as_str().unwrap());
    assert_eq!(report["prompt"], prompt);
    assert_eq!(report["status"], "ok");
}

#[test]
fn failed_runs_are_recorded_with_their_failure_reason() {
    let env = TestEnv::new();
    let out = env.frontier(["run", "--json", "--models", "mock:a?fail=500,mock:b?fail=500", "hi"]).output();
    assert_eq!(out.code, Some(1), "{out}");
    let listed = runs(&env);
    assert_eq!(listed.len(), 1);
    assert_eq!((&listed[0]["status"], &listed[0]["failure_reason"]), (&json!("error"), &json!("all_panels_failed")));
    assert_eq!(show_json(&env, listed[0]["run_id"].as_str().unwrap()), out.json());

    // Refused before it started: nothing ran, so nothing is recorded.
    let nested = env.frontier(["run", "--preset", "demo", "hi"]).env("FRONTIER_DEPTH", "1").output();
    assert_eq!(nested.code, Some(1), "{nested}");
    assert_eq!(runs(&env).len(), 1);
}

#[test]
fn show_takes_a_unique_prefix_and_names_an_unknown_id() {
    let env = TestEnv::new();
    let out = env.frontier(["run", "--json", "--model", "mock:a", "hi"]).output();
    let id = out.json()["run_id"].as_str().unwrap().to_string();
    assert_eq!(show_json(&env, &id[..id.len() - 3]), out.json());

    let human = env.frontier(["show", &id]).output();
    assert_eq!(human.code, Some(0), "{human}");
    for part in [format!("run {id} · "), "prompt:\n  hi\n".into(), "│ panel ".into(), "answer (single):\n".into()] {
        assert!(human.stdout.contains(&part), "{part:?} in:\n{human}");
    }

    let unknown = env.frontier(["show", "nope"]).output();
    assert_eq!(unknown.code, Some(2), "{unknown}");
    assert_eq!(
        unknown.stderr,
        "error: unknown run id `nope`\nhint: `frontier runs` lists the recorded runs and their ids\n"
    );
}

#[test]
fn show_finds_a_run_by_the_random_end_of_its_id_and_lists_a_shared_part() {
    let env = TestEnv::new();
    let ids: Vec<String> = (0..2)
        .map(|_| {
            let out = env.frontier(["run", "--json", "--model", "mock:a", "hi"]).output();
            assert_eq!(out.code, Some(0), "{out}");
            out.json()["run_id"].as_str().unwrap().to_string()
        })
        .collect();
    // `20261207-173308-6c50e3e6`: the last part is random, and four of its characters do.
    let end = |id: &str| id.rsplit('-').next().unwrap().to_string();
    let (a, b) = (end(&ids[0]), end(&ids[1]));
    let part = (0..=a.len() - 4).map(|i| &a[i..i + 4]).find(|p| !b.contains(p)).unwrap();
    assert_eq!(show_json(&env, part)["run_id"], ids[0].as_str());
    let by_end = env.frontier(["show", &end(&ids[1])]).output();
    assert!(by_end.stdout.contains(&format!("run {} · ", ids[1])), "{by_end}");

    // Both ids hold `-`: it names neither, and the error lists both.
    let shared = env.frontier(["show", "-"]).output();
    assert_eq!(shared.code, Some(2), "{shared}");
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(
        shared.stderr,
        format!("error: run id `-` matches more than one run\nhint: give more of the id: {}\n", sorted.join(", "))
    );
}

#[test]
fn stats_count_runs_calls_and_successes_per_model() {
    let env = TestEnv::new();
    let fusion = ["--judge", "mock:j", "--synth", "mock:j"];
    for (panel, code) in [
        (vec!["--models", "mock:a?delay_ms=40,mock:b"], 0),
        (vec!["--models", "mock:a,mock:b?fail=500"], 0),
        (vec!["--model", "mock:a?fail=500"], 1),
    ] {
        let mut args = vec!["run", "hi"];
        args.extend(&panel);
        if panel[0] == "--models" {
            args.extend(fusion);
        }
        let out = env.frontier(args).output();
        assert_eq!(out.code, Some(code), "{out}");
    }
    let out = env.frontier(["runs", "--stats", "--json"]).output();
    assert_eq!(out.code, Some(0), "{out}");
    let stats = out.json();
    let counts: Vec<(&str, Value)> = stats
        .as_object()
        .unwrap()
        .iter()
        .map(|(model, s)| {
            (model.as_str(), json!([s["runs"], s["calls"], s["ok"], s["success_rate"], s.get("cost_usd").is_some()]))
        })
        .collect();
    assert_eq!(
        counts,
        vec![
            ("mock:a", json!([3, 3, 2, 2.0 / 3.0, true])),
            ("mock:b", json!([2, 2, 1, 0.5, true])),
            // The second run's one survivor answered alone: no judge or synth call.
            ("mock:j", json!([1, 2, 2, 1.0, true])),
        ]
    );
    for (model, s) in stats.as_object().unwrap() {
        assert!(s["p50_ms"].as_u64().unwrap() <= s["p95_ms"].as_u64().unwrap(), "{model}: {s}");
    }

    let table = env.frontier(["runs", "--stats"]).output();
    assert_eq!(table.code, Some(0), "{table}");
    assert!(table.stdout.contains("│ mock:a ") && table.stdout.contains("67%"), "{table}");
    assert!(table.stdout.contains("3 runs recorded · total cost "), "{table}");
}

#[test]
fn history_off_records_nothing_and_runs_says_so() {
    let env = TestEnv::new();
    let config = format!("history = false\n{}", env.config_toml());
    let env = env.config(&config);
    let out = env.frontier(["run", "--model", "mock:a", "hi"]).output();
    assert_eq!(out.code, Some(0), "{out}");
    assert!(!db(&env).exists());
    let listed = env.frontier(["runs", "--json"]).output();
    assert_eq!((listed.code, listed.json()), (Some(0), json!([])), "{listed}");
    assert!(listed.stderr.contains("note: history is off (`history = false` in "), "{listed}");
}

#[test]
fn a_corrupt_database_never_fails_a_run_and_loses_no_record() {
    let env = TestEnv::new();
    let garbage = "this is not a SQLite database\n".repeat(200);
    std::fs::create_dir_all(db(&env).parent().unwrap()).unwrap();
    std::fs::write(db(&env), &garbage).unwrap();

    // A run only appends to the history's inbox: the database is not opened, and the
    // run neither waits nor warns.
    let out = env.frontier(["run", "--model", "mock:a?reply=forty+two", "hi"]).output();
    assert_eq!((out.code, out.stdout.as_str()), (Some(0), "forty two\n"), "{out}");
    assert_eq!(warnings(&out), Vec::<&str>::new(), "{out}");

    // Nor does the hook: stdout stays the host's JSON.
    let repo = repo(&env);
    arm(&env, &repo, &["mode", "single", "--model", "mock:a", "--scope", "claude-project"]);
    let hooked = env.frontier(["hook"]).stdin(&claude_event(&repo, "a long enough prompt for the hook")).output();
    assert_eq!(hooked.code, Some(0), "{hooked}");
    assert!(hooked.json()["hookSpecificOutput"]["additionalContext"].is_string(), "{hooked}");
    assert_eq!(warnings(&hooked), Vec::<&str>::new(), "{hooked}");

    // Reading the history is where the damage shows, with what to do about it.
    let listed = env.frontier(["runs"]).output();
    assert_eq!(listed.code, Some(1), "{listed}");
    let path = db(&env).display().to_string();
    assert!(listed.stderr.starts_with(&format!("error: run history: `{path}` is not a usable history database")));
    assert!(listed.stderr.contains(&format!("\nhint: move `{path}` aside and frontier starts a new history")));
    assert_eq!(std::fs::read_to_string(db(&env)).unwrap(), garbage, "the user's file is left as it was");

    // Moved aside as the hint says, the new history holds both runs: none was lost.
    std::fs::rename(db(&env), db(&env).with_extension("broken")).unwrap();
    let sources: Vec<String> =
        runs(&env).iter().map(|r| r["source"].as_str().unwrap_or_default().to_string()).collect();
    assert_eq!(sources, ["hook", "run"], "newest first");
}

#[test]
fn a_locked_database_never_holds_up_a_run() {
    let env = TestEnv::new();
    let first = env.frontier(["run", "--model", "mock:a", "first"]).output();
    assert_eq!(first.code, Some(0), "{first}");
    assert_eq!(runs(&env).len(), 1);

    let holder = rusqlite::Connection::open(db(&env)).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let out = env.frontier(["run", "--model", "mock:a?reply=still+here", "second"]).output();
    holder.execute_batch("COMMIT").unwrap();
    drop(holder);

    assert_eq!((out.code, out.stdout.as_str()), (Some(0), "still here\n"), "{out}");
    assert_eq!(warnings(&out), Vec::<&str>::new(), "{out}");
    assert_eq!(runs(&env).len(), 2, "the second run waited in the inbox, and arrived");
}

#[test]
fn no_api_key_ever_reaches_the_database() {
    const SENTINEL: &str = "sk-sentinel-5d0c9a7f3e21";
    // A port nothing listens on: bind one, then let it go.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let env = TestEnv::new().keyed_provider("keyed", "OPENAI_API_KEY");
    let config = format!(
        "{}\n[providers.closed]\nkind = \"openai\"\nbase_url = \"http://127.0.0.1:{closed}/v1\"\napi_key_env = \"OPENAI_API_KEY\"\n",
        env.config_toml()
    );
    let env = env.config(&config);
    let out = env
        .frontier([
            "run",
            "--json",
            "--models",
            "closed:gpt-x,keyed:echo-auth,mock:a",
            "--judge",
            "mock:j",
            "--synth",
            "mock:j",
            "hi",
        ])
        .env("OPENAI_API_KEY", SENTINEL)
        .output();
    assert_eq!(out.code, Some(0), "{out}");
    assert_eq!(out.json()["failed_models"].as_array().unwrap().len(), 2, "{out}");
    let listed = runs(&env);
    assert_eq!(listed.len(), 1);
    // The server did echo the key back; what was stored is the redacted error.
    let stored = show_json(&env, listed[0]["run_id"].as_str().unwrap());
    assert!(stored["panel"][1]["error"].as_str().unwrap().contains("you sent `Bearer "), "{stored}");

    let state = env.frontier_home().join("state");
    let files: Vec<_> = std::fs::read_dir(state).unwrap().flatten().map(|e| e.path()).collect();
    assert!(files.iter().any(|p| p.ends_with("history.sqlite3")), "{files:?}");
    for file in files.iter().filter(|p| p.is_file()) {
        let bytes = std::fs::read(file).unwrap();
        assert!(!bytes.windows(SENTINEL.len()).any(|w| w == SENTINEL.as_bytes()), "{file:?} holds the key");
    }
}

#[test]
fn an_inbox_nobody_reads_is_moved_in_by_the_run_that_fills_it() {
    let env = TestEnv::new();
    let inbox = db(&env).with_file_name("history.sqlite3-inbox");
    std::fs::create_dir_all(inbox.parent().unwrap()).unwrap();
    let padding = "x".repeat(4 << 20);
    let old = json!({"started_at_ms": 1, "source": "run", "report": {"run_id": "20200101-000000-00000001", "padding": padding}});
    std::fs::write(&inbox, format!("{old}\n")).unwrap();

    let out = env.frontier(["run", "--model", "mock:a", "hi"]).output();
    assert_eq!(out.code, Some(0), "{out}");
    assert_eq!(warnings(&out), Vec::<&str>::new(), "{out}");
    assert!(db(&env).exists(), "the run that took the inbox past 4 MiB created the database");
    assert_eq!(std::fs::metadata(&inbox).unwrap().len(), 0, "and moved the inbox in");
    assert_eq!(runs(&env).len(), 2);
}
