//! A run without a judge (`--judge none`), through the real binary against the fake
//! server of `common`: no judge request, the synth reads every answer framed and is told
//! the run has no judge by design; the report, `run`'s lines and `show` say so. The same
//! shape armed by `mode` (a hooked run and `run` use it), named by a preset file and by
//! the MCP `fuse` tool, and kept by a follow-up; and the places where `none` is refused.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::mcp::{Session, text_of};
use common::pty::{assert_fits, in_terminal, screen, stable};
use common::workspace::{arm, claude_event, repo};
use common::{TestEnv, answer_of};
use pretty_assertions::assert_eq;
use serde_json::{Value, json};

const PROMPT: &str = "Why is the sky blue?";
/// What the synth is told when the run has no judge by design.
const BY_DESIGN: &str = "This run has no judge, by design: you are the one who compares the candidates.";

/// Every model asked, in the order of the requests, with whether it was asked as a judge.
fn asked(env: &TestEnv) -> Vec<(String, bool)> {
    let mut asked: Vec<(String, bool)> =
        env.server().requests().iter().map(|r| (r.model().to_string(), r.is_judge())).collect();
    asked.sort();
    asked
}

/// The synth's one request carries each answer in its frame and the by-design wording,
/// never the wording of a judge that failed.
fn assert_synth_weighed(env: &TestEnv, members: &[&str]) {
    let synth = env.server().requests_for("s");
    assert_eq!(synth.len(), 1);
    let user = synth[0].user_message();
    for m in members {
        assert!(user.contains(&answer_of(m)), "{m}: {user}");
    }
    assert!(user.contains("## Candidate answers"), "{user}");
    assert!(user.contains(BY_DESIGN), "{user}");
    assert!(!user.contains("No judge's analysis is available"), "{user}");
}

#[test]
fn a_run_without_a_judge_asks_no_judge_and_the_synth_weighs_every_answer() {
    let env = TestEnv::new();
    let args = ["run", PROMPT, "--json", "--models", "local:a,local:b", "--judge", "none", "--synth", "local:s"];
    let out = env.frontier(args).output();
    assert_eq!(out.code, Some(0), "{out}");
    let report = out.json();
    assert_eq!(
        asked(&env),
        [("a".to_string(), false), ("b".to_string(), false), ("s".to_string(), false)],
        "one call fewer: no judge"
    );
    assert_synth_weighed(&env, &["a", "b"]);
    assert_eq!(
        (&report["no_judge"], &report["judge"], &report["analysis"], &report["notes"], &report["final_source"]),
        (&json!(true), &Value::Null, &Value::Null, &json!([]), &json!("synth"))
    );
    // `show --json` keeps it, and a run with a judge has no such key.
    let shown = env.frontier(["show", "last", "--json"]).output().json();
    assert_eq!(shown["no_judge"], json!(true));
    let judged = env.frontier(["run", PROMPT, "--json", "--models", "local:a,local:b"]).output().json();
    assert_eq!(judged.get("no_judge"), None);
}

#[test]
fn a_follow_up_of_a_run_without_a_judge_has_none_either() {
    let env = TestEnv::new();
    let args = ["run", PROMPT, "--json", "--models", "local:a,local:b", "--judge", "none", "--synth", "local:s"];
    assert_eq!(env.frontier(args).output().code, Some(0));
    let out = env.frontier(["run", "And at sunset?", "--json", "--continue"]).output();
    assert_eq!(out.code, Some(0), "{out}");
    let report = out.json();
    assert_eq!((report["no_judge"].clone(), report["thread"]["turn"].clone()), (json!(true), json!(2)));
    assert!(env.server().requests().iter().all(|r| !r.is_judge()));
}

#[test]
fn rounds_without_a_judge_are_fine() {
    let env = TestEnv::new();
    let args = ["run", PROMPT, "--json", "--rounds", "2", "--models", "local:a,local:b", "--judge", "none"];
    let out = env.frontier(args).output();
    assert_eq!(out.code, Some(0), "{out}");
    assert_eq!(out.json()["rounds"].as_array().map(Vec::len), Some(1));
    assert!(env.server().requests().iter().all(|r| !r.is_judge()));
}

#[test]
fn a_run_and_show_say_there_was_no_judge_at_80_columns() {
    let env = TestEnv::new();
    let run =
        ["run", "--seed", "7", "--judge", "none", "--models", "mock:one,mock:two", "--synth", "mock:synth", "Why?"];
    let lines = screen(&in_terminal(&env, &run, 80));
    assert_fits(&lines, 80);
    let shown = stable(&lines.join("\n"));
    assert!(shown.contains("judge none"), "{shown}");
    insta::assert_snapshot!("run_no_judge_80_columns", shown);

    let show = env.frontier(["show", "last"]).env("COLUMNS", "80").env("TZ", "UTC").output();
    assert_eq!(show.code, Some(0), "{show}");
    assert_fits(&show.stdout.lines().map(str::to_string).collect::<Vec<_>>(), 80);
    insta::assert_snapshot!("show_no_judge_80_columns", stable(&show.stdout));
}

#[test]
fn a_scope_armed_without_a_judge_runs_so_in_the_hook_and_in_run() {
    let env = TestEnv::new();
    let repo = repo(&env);
    let mode = ["mode", "fusion", "--scope", "claude-project", "--models", "local:a,local:b", "--judge", "none"];
    arm(&env, &repo, &[&mode[..], &["--synth", "local:s"]].concat());
    let mut status = env.command(["status", "--json", "--scope", "claude-project"]);
    let state: Value = serde_json::from_slice(&status.current_dir(&repo).output().unwrap().stdout).unwrap();
    assert_eq!(state["judge"], json!("none"));

    let out = env.frontier(["hook"]).stdin(&claude_event(&repo, "Why does my borrow checker complain?")).output();
    assert_eq!(out.code, Some(0), "{out}");
    assert!(out.stdout.contains("additionalContext"), "{out}");
    assert_eq!(env.frontier(["show", "last", "--json"]).output().json()["no_judge"], json!(true));
    assert_synth_weighed(&env, &["a", "b"]);

    let mut run = env.command(["run", "--json", "--scope", "claude-project", PROMPT]);
    let out = run.current_dir(&repo).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((report["no_judge"].clone(), report["judge"].clone()), (json!(true), Value::Null));
    assert!(env.server().requests().iter().all(|r| !r.is_judge()));
}

#[test]
fn a_preset_file_may_have_no_judge() {
    let env = TestEnv::new();
    let presets = env.frontier_home().join("config").join("presets");
    std::fs::create_dir_all(&presets).unwrap();
    std::fs::write(
        presets.join("unjudged.toml"),
        "panel = [\"local:a\", \"local:b\"]\njudge = \"none\"\nsynth = \"local:s\"\n",
    )
    .unwrap();
    let out = env.frontier(["run", PROMPT, "--json", "--preset", "unjudged"]).output();
    assert_eq!(out.code, Some(0), "{out}");
    assert_eq!(out.json()["no_judge"], json!(true));
    assert_synth_weighed(&env, &["a", "b"]);
}

#[test]
fn the_mcp_fuse_tool_takes_no_judge() {
    let env = TestEnv::new();
    let mut mcp = Session::start(&env, &[]);
    let arguments = json!({"prompt": PROMPT, "models": ["local:a", "local:b"], "judge": "none", "synth": "local:s"});
    let (text, is_error) = text_of(&mcp.call(1, "fuse", arguments));
    assert!(!is_error, "{text}");
    assert!(text.contains(&answer_of("s")), "{text}");
    // After the frame, among frontier's own lines.
    let after = text.rsplit("[[end frontier-answer").next().unwrap_or_default();
    assert!(after.contains("\njudge: none, by design (--judge none): the synth weighed the answers itself"), "{text}");
    assert!(mcp.finish().success());
    assert_synth_weighed(&env, &["a", "b"]);
    assert!(env.server().requests().iter().all(|r| !r.is_judge()));
}

#[test]
fn none_is_refused_where_it_cannot_mean_no_judge() {
    let env = TestEnv::new();
    let refused = |args: &[&str]| {
        let out = env.frontier(args).output();
        assert_eq!(out.code, Some(2), "{out}");
        out.stderr
    };
    assert_eq!(
        refused(&["run", PROMPT, "--model", "local:a", "--judge", "none"]),
        "error: --judge and --synth need a panel, but --model runs one model alone\n\
         hint: use `--models a,b --judge j` for fusion, or drop --judge/--synth\n"
    );
    assert_eq!(
        refused(&["run", PROMPT, "--models", "local:a,local:b", "--synth", "none"]),
        "error: `none` is not a model: it only says there is no judge, as `--judge none`\n\
         hint: name a model for the panel and the synth, e.g. `--models opus,gpt-5.5 --judge none`\n"
    );
    let env = TestEnv::new().extra_config("[models.none]\nroutes = [\"local:n\"]\n");
    let out = env.frontier(["run", PROMPT, "--models", "local:a,local:b"]).output();
    assert_eq!(out.code, Some(2), "{out}");
    assert!(out.stderr.contains("`none` is a reserved name (`--judge none` is a run without a judge)"), "{out}");
}
