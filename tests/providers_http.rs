//! End to end: the real `frontier` binary runs fusion panels whose members speak the
//! Anthropic Messages API and Gemini's `streamGenerateContent`, against the fake server
//! (see `common::native`). Each test checks one thing a user relies on: answers, usage
//! and the judge's verdict come through; overloads are retried; keys stay secret.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{TestEnv, answer_of};
use pretty_assertions::assert_eq;
use serde_json::{Value, json};

const PROMPT: &str = "Why is the sky blue?";
const ANTHROPIC_KEY: &str = "sk-ant-sentinel-AAA111";
const GEMINI_KEY: &str = "AIza-sentinel-GGG222";

/// A fake server with provider `claude` (kind `anthropic`) and `goog` (kind `gemini`).
fn env(max_attempts: u32) -> TestEnv {
    let env = TestEnv::new();
    let origin = env.server().origin();
    let config = format!(
        "[retry]\nmax_attempts = {max_attempts}\nbase_delay_ms = 10\n\n\
         [providers.claude]\nkind = \"anthropic\"\nbase_url = \"{origin}\"\napi_key_env = \"TEST_ANTHROPIC_KEY\"\n\n\
         [providers.goog]\nkind = \"gemini\"\nbase_url = \"{origin}\"\napi_key_env = \"TEST_GEMINI_KEY\"\n"
    );
    env.config(&config)
}

/// `run PROMPT [--json] --models PANEL --judge JUDGE --synth SYNTH` with both keys set.
fn fusion(env: &TestEnv, panel: &[&str], judge: &str, synth: &str, json: bool) -> common::Outcome {
    let mut args = vec!["run", PROMPT];
    if json {
        args.push("--json");
    }
    let panel = panel.join(",");
    args.extend(["--models", panel.as_str(), "--judge", judge, "--synth", synth]);
    env.frontier(args).env("TEST_ANTHROPIC_KEY", ANTHROPIC_KEY).env("TEST_GEMINI_KEY", GEMINI_KEY).output()
}

/// The fields `keys` of `value`, as one object to compare whole.
fn pick(value: &Value, keys: &[&str]) -> Value {
    keys.iter().map(|k| (k.to_string(), value[*k].clone())).collect::<serde_json::Map<_, _>>().into()
}

fn assert_no_key(out: &common::Outcome) {
    for key in [ANTHROPIC_KEY, GEMINI_KEY] {
        assert!(!out.stdout.contains(key) && !out.stderr.contains(key), "a key leaked:\n{out}");
    }
}

#[test]
fn a_panel_of_anthropic_and_gemini_answers_is_judged_by_a_forced_tool_and_synthesised() {
    let env = env(1);
    let out = fusion(&env, &["claude:claude-x", "goog:gemini-x"], "claude:judge", "goog:synth", true);
    assert_eq!(out.code, Some(0), "{out}");
    assert_no_key(&out);
    let report = out.json();
    let server = env.server();
    let served = |model: &str| {
        let requests = server.requests_for(model);
        assert_eq!(requests.len(), 1, "{model}: {requests:#?}");
        requests[0].usage.unwrap().as_report()
    };

    let member = |i: usize| pick(&report["panel"][i], &["model", "ok", "content", "usage"]);
    assert_eq!(
        [member(0), member(1)],
        [
            json!({"model": "claude:claude-x", "ok": true, "content": answer_of("claude-x"), "usage": served("claude-x")}),
            json!({"model": "goog:gemini-x", "ok": true, "content": answer_of("gemini-x"), "usage": served("gemini-x")}),
        ]
    );
    assert_eq!(
        [pick(&report["judge"], &["ok", "usage"]), pick(&report["synth"], &["ok", "usage"])],
        [json!({"ok": true, "usage": served("judge")}), json!({"ok": true, "usage": served("synth")})]
    );
    assert_eq!(
        pick(&report, &["status", "final", "final_source", "failed_models", "notes"]),
        json!({"status": "ok", "final": answer_of("synth"), "final_source": "synth", "failed_models": [], "notes": []})
    );

    // The verdict came as the forced tool's input: the fake judge ranks A, then B.
    let by_label = |label: &str| {
        let i = (0..2).find(|i| report["panel"][*i]["label"] == label).unwrap();
        (report["panel"][i]["model"].clone(), i)
    };
    let score = |label: &str, score: f64| {
        let (model, member) = by_label(label);
        json!({"label": label, "model": model, "member": member, "score": score, "reason": format!("judge finds answer {label} fine")})
    };
    assert_eq!(
        report["analysis"],
        json!({
            "scores": [score("A", 9.0), score("B", 8.0)],
            "ranking": [by_label("A").0, by_label("B").0],
            "consensus": ["the sky is blue"],
            "contradictions": [],
            "partial_coverage": [],
            "unique_insights": [],
            "blind_spots": [],
        })
    );

    // Each API got its own path and headers, and its key only in its own header.
    let judge = &server.requests_for("judge")[0];
    assert_eq!(judge.body["tool_choice"], json!({"type": "tool", "name": "judge_verdict"}));
    for request in server.requests() {
        let seen = |name: &str| request.headers.get(name).map(String::as_str);
        assert_eq!([seen("authorization"), seen("content-type")], [None, Some("application/json")], "{request:#?}");
        if request.path == "/v1/messages" {
            assert_eq!(
                [seen("x-api-key"), seen("anthropic-version"), seen("x-goog-api-key")],
                [Some(ANTHROPIC_KEY), Some("2023-06-01"), None]
            );
        } else {
            let model = request.model();
            assert_eq!(request.path, format!("/v1beta/models/{model}:streamGenerateContent?alt=sse"));
            assert_eq!([seen("x-goog-api-key"), seen("x-api-key")], [Some(GEMINI_KEY), None]);
        }
    }
}

#[test]
fn an_overloaded_anthropic_529_and_a_gemini_503_are_retried() {
    let env = env(3);
    let out = fusion(&env, &["claude:flaky-2", "goog:flaky-1"], "claude:judge", "goog:synth", true);
    assert_eq!(out.code, Some(0), "{out}");
    let report = out.json();
    let member = |i: usize| pick(&report["panel"][i], &["model", "ok", "content"]);
    assert_eq!(
        [member(0), member(1)],
        [
            json!({"model": "claude:flaky-2", "ok": true, "content": answer_of("flaky-2")}),
            json!({"model": "goog:flaky-1", "ok": true, "content": answer_of("flaky-1")}),
        ]
    );
    let attempts = |model: &str| env.server().requests_for(model).len();
    assert_eq!([attempts("flaky-2"), attempts("flaky-1")], [3, 2], "529 twice then ok; 503 once then ok");
}

#[test]
fn keys_echoed_back_by_either_api_never_reach_output_or_files() {
    let env = env(1);
    let panel = ["claude:echo-auth", "claude:echo-auth-stream", "goog:echo-auth", "goog:echo-auth-stream", "claude:a"];
    for json in [true, false] {
        let out = fusion(&env, &panel, "claude:judge", "goog:synth", json);
        assert_eq!(out.code, Some(0), "{out}");
        assert_no_key(&out);
        if json {
            let report = out.json();
            let kinds: Vec<&Value> = (0..5).map(|i| &report["panel"][i]["error_kind"]).collect();
            assert_eq!(kinds, [&json!("auth"), &json!("stream"), &json!("auth"), &json!("stream"), &Value::Null]);
            // What the server said reaches the user, minus the key.
            let error = report["panel"][1]["error"].as_str().unwrap_or_default();
            assert!(error.contains("stream broke; you sent `[redacted]`"), "{error}");
        }
    }
    for (path, text) in env.files() {
        assert!(!text.contains(ANTHROPIC_KEY) && !text.contains(GEMINI_KEY), "a key is stored in {}", path.display());
    }
}
