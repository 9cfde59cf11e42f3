//! A scope armed with a shape (docs/configuration.md): `mode` and `compose` take `--param`,
//! `--grace`, `--quorum`, `--rounds` and `--judge council`, check them when they arm with the messages a run's flags
//! get, and every run of the scope (the hook's, and `run` without a panel) honours them,
//! with a run's own flags over them.

// Tests may panic on what they do not expect.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::TestEnv;
use common::workspace::{arm, claude_event, repo};
use pretty_assertions::assert_eq;
use serde_json::{Value, json};

/// A panel on the fake server, judged and synthesised there too.
const PANEL: &[&str] = &["--models", "local:a,local:b", "--judge", "local:j", "--synth", "local:s"];

fn status(env: &TestEnv) -> Value {
    let out = env.frontier(["status", "--json"]).output();
    assert_eq!(out.code, Some(0), "{out}");
    out.json()
}

fn temperature_sent_to(env: &TestEnv, model: &str) -> Vec<Value> {
    env.server().requests_for(model).into_iter().map(|r| r.body["temperature"].clone()).collect()
}

#[test]
fn a_scope_keeps_its_shape_and_its_runs_honour_it_under_their_own_flags() {
    let env = TestEnv::new();
    let mut args = vec!["mode", "fusion"];
    args.extend(PANEL);
    args.extend(["--param", "local:a.temperature=0.25", "--grace", "0.5", "--quorum", "1"]);
    let out = env.frontier(args).output();
    assert_eq!(out.code, Some(0), "{out}");
    assert_eq!(status(&env)["shape"], json!({"params": ["local:a.temperature=0.25"], "grace_secs": 0.5, "quorum": 1}));
    let human = env.frontier(["status"]).output();
    assert!(human.stdout.contains("shape   --param local:a.temperature=0.25 · grace 0.5s · quorum 1\n"), "{human}");

    // `run` without a panel runs the scope's, with its parameters...
    let out = env.frontier(["run", "--json", "Why?"]).output();
    assert_eq!(out.code, Some(0), "{out}");
    assert_eq!(out.json()["panel"][0]["params"], json!({"temperature": 0.25}));
    assert_eq!(temperature_sent_to(&env, "a"), [json!(0.25)]);
    assert_eq!(temperature_sent_to(&env, "b"), [Value::Null]);
    // ...and the run's own --param over them.
    let out = env.frontier(["run", "--json", "--param", "local:a.temperature=0.75", "Why?"]).output();
    assert_eq!(out.code, Some(0), "{out}");
    assert_eq!(temperature_sent_to(&env, "a"), [json!(0.25), json!(0.75)]);

    // Re-arming replaces the shape (it was checked against the old panel); the tuning stays.
    let out = env.frontier(["tune", "--min-chars", "40"]).output();
    assert_eq!(out.code, Some(0), "{out}");
    let out = env.frontier(["mode", "fusion", "--models", "local:a,local:b"]).output();
    assert_eq!(out.code, Some(0), "{out}");
    let state = status(&env);
    assert_eq!((state["shape"].clone(), state["tuning"]["min_chars"].clone()), (json!({}), json!(40)));
}

#[test]
fn a_hooked_run_cuts_a_straggler_after_the_armed_grace() {
    let env = TestEnv::new();
    let repo = repo(&env);
    let panel = "mock:a?delay_ms=100,mock:b?delay_ms=150,mock:slow?delay_ms=8000";
    arm(
        &env,
        &repo,
        &[
            "mode",
            "fusion",
            "--scope",
            "claude-project",
            "--models",
            panel,
            "--judge",
            "mock:judge",
            "--synth",
            "mock:synth",
            "--grace",
            "0.3",
        ],
    );
    let start = Instant::now();
    let out = env
        .frontier(["hook"])
        .stdin(&claude_event(&repo, "Why does my borrow checker complain about two borrows?"))
        .output();
    let took = start.elapsed();
    assert_eq!(out.code, Some(0), "{out}");
    assert!(out.stdout.contains("additionalContext"), "{out}");
    // The straggler answers after 8 s: the run ended long before.
    assert!(took < Duration::from_secs(6), "took {took:?}");
    let show = env.frontier(["show", "last", "--json"]).output();
    assert_eq!(show.code, Some(0), "{show}");
    let slow = &show.json()["panel"][2];
    assert_eq!((slow["model"].clone(), slow["cut"].clone()), (json!("mock:slow"), json!(true)), "{slow}");
}

#[test]
fn a_scope_armed_with_rounds_and_a_council_runs_them_in_the_hook() {
    let env = TestEnv::new();
    let repo = repo(&env);
    arm(
        &env,
        &repo,
        &[
            "mode",
            "fusion",
            "--scope",
            "claude-project",
            "--models",
            "local:a,local:b,local:c",
            "--judge",
            "council",
            "--synth",
            "local:s",
            "--rounds",
            "2",
        ],
    );
    let mut status = env.command(["status", "--json", "--scope", "claude-project"]);
    let state: Value = serde_json::from_slice(&status.current_dir(&repo).output().unwrap().stdout).unwrap();
    assert_eq!((state["judge"].clone(), state["shape"].clone()), (json!("council"), json!({"rounds": 2})));
    let out = env
        .frontier(["hook"])
        .stdin(&claude_event(&repo, "Why does my borrow checker complain about two borrows?"))
        .output();
    assert_eq!(out.code, Some(0), "{out}");
    assert!(out.stdout.contains("additionalContext"), "{out}");
    let report = env.frontier(["show", "last", "--json"]).output().json();
    assert_eq!(report["rounds"].as_array().map(Vec::len), Some(1), "the first of two rounds is kept");
    assert_eq!(report["council"]["rankers"].as_array().map(Vec::len), Some(3), "{}", report["council"]);
    assert_eq!(report["judge"], Value::Null, "the council judges, not a model");
}

#[test]
fn a_shape_its_runs_would_refuse_is_refused_when_it_is_armed() {
    let env = TestEnv::new().extra_config("\n[models.cli]\nroutes = [\"claude-cli:opus\"]\n");
    let text = env.transcript(&[
        &["mode", "fusion", "--models", "mock:a,mock:b", "--param", "mock:c.temperature=1"],
        &["mode", "fusion", "--models", "mock:a,mock:b", "--param", "mock:a.temperature=9"],
        &["mode", "fusion", "--models", "mock:a,cli", "--param", "cli.temperature=1"],
        &["mode", "fusion", "--models", "mock:a,mock:b", "--quorum", "3"],
        &["mode", "fusion", "--models", "mock:a,mock:b", "--grace", "0"],
        &["mode", "single", "--model", "mock:a", "--grace", "1"],
        &["mode", "single", "--model", "mock:a", "--rounds", "2"],
        &["mode", "fusion", "--models", "mock:a,mock:b", "--rounds", "4"],
        &["mode", "fusion", "--models", "mock:a,mock:b", "--synth", "council"],
        &["mode", "off", "--param", "mock:a.temperature=1"],
        &["compose", "--models", "mock:a,mock:b", "--quorum", "5"],
        &["compose", "--models", "mock:a,mock:b", "--param", "mock:z.reasoning=high"],
    ]);
    insta::assert_snapshot!(text);
    // Nothing was armed by any of them.
    assert_eq!(status(&env)["mode"], json!("off"));
}

#[test]
fn compose_saves_the_whole_shape_in_the_preset_it_saves() {
    let env = TestEnv::new();
    let out = env
        .frontier([
            "compose",
            "--models",
            "mock:a,mock:b",
            "--param",
            "mock:b.reasoning=high",
            "--grace",
            "2",
            "--quorum",
            "1",
            "--save",
            "tuned",
        ])
        .output();
    assert_eq!(out.code, Some(0), "{out}");
    let preset = std::fs::read_to_string(env.frontier_home().join("config/presets/tuned.toml")).unwrap();
    assert!(preset.contains("grace_secs = 2.0\nquorum = 1\n"), "{preset}");
    assert!(preset.contains("{ model = \"mock:b\", reasoning = \"high\" }"), "{preset}");
    assert_eq!(status(&env)["shape"], json!({}), "the preset holds the whole shape");
    let shown = env.frontier(["preset", "show", "tuned", "--json"]).output().json();
    assert_eq!(
        [&shown["params"], &shown["grace_secs"], &shown["quorum"]],
        [&json!(["mock:b.reasoning=high"]), &json!(2.0), &json!(1)]
    );
    // A preset's quorum is checked against its panel when it loads.
    let dir = env.frontier_home().join("config/presets");
    std::fs::write(dir.join("wide.toml"), "panel = [\"mock:a\", \"mock:b\"]\nquorum = 3\n").unwrap();
    let out = env.frontier(["run", "--preset", "wide", "Why?"]).output();
    assert_eq!(out.code, Some(2), "{out}");
    assert!(out.stderr.contains("`quorum` is 3; it must be from 1 to the panel's 2 members"), "{out}");
    let out = env.frontier(["run", "--json", "Why?"]).output();
    assert_eq!(out.code, Some(0), "{out}");
    assert_eq!(out.json()["panel"][1]["params"], json!({"reasoning": "high"}));

    // Without --save, the scope holds the whole shape.
    let out = env.frontier(["compose", "--models", "mock:a,mock:b", "--param", "mock:a.temperature=0.5"]).output();
    assert_eq!(out.code, Some(0), "{out}");
    assert_eq!(status(&env)["shape"], json!({"params": ["mock:a.temperature=0.5"]}));
}
