//! End to end: the real `frontier` binary runs a fusion panel against a fake
//! OpenAI-compatible server on 127.0.0.1 (see `common`), and each test checks one thing
//! a user relies on: concurrency limits, anonymised judging, degrading on failures,
//! typed failure reasons, the recursion guard, retries, usage, and secrets kept secret.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{JUNK_ANSWER, NEUTRAL_ANSWER, TestEnv, answer_of};
use pretty_assertions::assert_eq;
use serde_json::{Value, json};

const PROMPT: &str = "Why is the sky blue?";

/// `run PROMPT --json` with a custom panel, judge and synth.
fn fusion(panel: &[&str], judge: &str, synth: &str) -> Vec<String> {
    let mut args: Vec<String> = ["run", PROMPT, "--json", "--models"].map(String::from).to_vec();
    args.push(panel.join(","));
    args.extend(["--judge", judge, "--synth", synth].map(String::from));
    args
}

/// The fields `keys` of `value`, as one object to compare whole.
fn pick(value: &Value, keys: &[&str]) -> Value {
    keys.iter().map(|k| (k.to_string(), value[*k].clone())).collect::<serde_json::Map<_, _>>().into()
}

/// `value` without the fields `keys` (for values that vary from run to run).
fn without(value: &Value, keys: &[&str]) -> Value {
    let mut value = value.clone();
    if let Some(object) = value.as_object_mut() {
        for key in keys {
            object.remove(*key);
        }
    }
    value
}

fn panel_models(report: &Value) -> Vec<&str> {
    report["panel"].as_array().unwrap().iter().map(|m| m["model"].as_str().unwrap()).collect()
}

/// Six slow members, slowest first, so that they finish in the reverse of panel order.
const SLOW_PANEL: [&str; 6] = [
    "local:slow-600-m1",
    "local:slow-550-m2",
    "local:slow-500-m3",
    "local:slow-450-m4",
    "local:slow-400-m5",
    "local:slow-350-m6",
];

fn run_slow_panel(concurrency: usize) -> (TestEnv, Value) {
    let env = TestEnv::new();
    let mut args = fusion(&SLOW_PANEL, "local:judge", "local:synth");
    args.extend(["--concurrency".to_string(), concurrency.to_string()]);
    let out = env.frontier(args).output();
    assert_eq!(out.code, Some(0), "{out}");
    let report = out.json();
    // Results keep panel order, whatever order the members finished in.
    assert_eq!(panel_models(&report), SLOW_PANEL.to_vec());
    let contents: Vec<&str> =
        report["panel"].as_array().unwrap().iter().map(|m| m["content"].as_str().unwrap_or_default()).collect();
    let expected: Vec<String> = SLOW_PANEL.iter().map(|m| answer_of(m.trim_start_matches("local:"))).collect();
    assert_eq!(contents, expected);
    let slow_requests = env.server().requests().iter().filter(|r| r.model().starts_with("slow-")).count();
    assert_eq!(slow_requests, 6);
    (env, report)
}

#[test]
fn members_run_at_most_concurrency_at_once() {
    let (env, _) = run_slow_panel(2);
    assert_eq!(env.server().max_slow_in_flight(), 2);
}

#[test]
fn members_all_run_at_once_when_concurrency_allows() {
    let (env, _) = run_slow_panel(6);
    assert_eq!(env.server().max_slow_in_flight(), 6);
}

#[test]
fn the_judge_sees_neutral_labels_and_no_model_names() {
    let env = TestEnv::new();
    let out = env.frontier(fusion(&["local:anon-zebra", "local:anon-yak"], "local:judge", "local:synth")).output();
    assert_eq!(out.code, Some(0), "{out}");
    let report = out.json();

    let judged: Vec<_> = env.server().requests().into_iter().filter(|r| r.is_judge()).collect();
    assert_eq!(judged.len(), 1, "one judge request: {judged:#?}");
    let body = judged[0].body.to_string();
    for name in ["zebra", "yak", "anon-"] {
        assert!(!body.contains(name), "the judge's request names `{name}`: {body}");
    }
    let user = judged[0].user_message();
    assert!(user.contains("\n[[answer A "), "{user}");
    assert!(user.contains("\n[[answer B "), "{user}");
    assert!(user.contains(NEUTRAL_ANSWER), "{user}");

    // The labels map back to the models in the report: the fake judge ranks A, then B.
    let label_of = |model: &str| {
        report["panel"]
            .as_array()
            .unwrap()
            .iter()
            .position(|m| m["model"] == model)
            .map(|i| (i, report["panel"][i]["label"].as_str().unwrap().to_string()))
            .unwrap()
    };
    let (zebra, zebra_label) = label_of("local:anon-zebra");
    let (yak, yak_label) = label_of("local:anon-yak");
    let mut labels = vec![zebra_label.clone(), yak_label.clone()];
    labels.sort();
    assert_eq!(labels, ["A", "B"]);
    let by_label = |label: &str| {
        if zebra_label == label { ("local:anon-zebra", zebra) } else { ("local:anon-yak", yak) }
    };
    let score = |label: &str, score: f64| {
        let (model, member) = by_label(label);
        json!({
            "label": label,
            "model": model,
            "member": member,
            "score": score,
            "reason": format!("judge finds answer {label} fine"),
        })
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
    assert_eq!(report["final"], json!(answer_of("synth")));
}

#[test]
fn failed_and_timed_out_members_leave_the_run_ok() {
    let env = TestEnv::new();
    let mut args = fusion(&["local:a", "local:fail-500", "local:fail-400", "local:hang"], "local:judge", "local:synth");
    args.extend(["--timeout", "1"].map(String::from));
    let out = env.frontier(args).output();
    assert_eq!(out.code, Some(0), "{out}");
    let report = out.json();

    let usage_a = env.server().requests_for("a")[0].usage.unwrap().as_report();
    // The hung member's error must say what happened: the request was sent, and no
    // answer came within the timeout (its wording is checked apart from the rest).
    let hang_error = report["panel"][3]["error"].as_str().unwrap_or_default();
    assert!(hang_error.contains("timed out"), "the error of a member that never answered: {hang_error:?}");
    let panel: Vec<Value> = report["panel"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| without(m, &["latency_ms"]))
        .map(|m| match m["model"].as_str() {
            Some("local:hang") => without(&m, &["error"]),
            _ => m,
        })
        .collect();
    // A failed member's error names the URL it called.
    let called = format!("{}/chat/completions", env.server().base_url());
    let failed = |model: &str, error: Option<&str>, kind: &str| {
        let member = json!({
            "model": model, "route": model, "label": null, "ok": false, "content": null,
            "error": error, "error_kind": kind, "usage": null, "usage_estimated": false, "cost_usd": null,
        });
        if error.is_none() { without(&member, &["error"]) } else { member }
    };
    assert_eq!(
        panel,
        vec![
            json!({
                // Its answer is the only one: no judge saw it under a label.
                "model": "local:a", "route": "local:a", "label": null, "ok": true,
                "content": answer_of("a"), "error": null, "error_kind": null, "usage": usage_a,
                // No price is configured for the local routes.
                "usage_estimated": false, "cost_usd": null,
            }),
            failed(
                "local:fail-500",
                Some(&format!("HTTP 500: fake failure 500 for fail-500 (from {called})")),
                "server"
            ),
            failed(
                "local:fail-400",
                Some(&format!("HTTP 400: fake failure 400 for fail-400 (from {called})")),
                "request"
            ),
            failed("local:hang", None, "timeout"),
        ]
    );
    assert_eq!(
        pick(&report, &["status", "failed_models", "failure_reason", "final", "final_source"]),
        json!({
            "status": "ok",
            "failed_models": ["local:fail-500", "local:fail-400", "local:hang"],
            "failure_reason": null,
            "final": answer_of("a"),
            "final_source": "sole_survivor",
        })
    );
    // One survivor answers alone: neither the judge nor the synth was asked.
    assert_eq!((env.server().requests_for("judge").len(), env.server().requests_for("synth").len()), (0, 0));
    // Retries are off: each failing member was asked once.
    assert_eq!(env.server().requests_for("fail-500").len(), 1);
    assert_eq!(env.server().requests_for("fail-400").len(), 1);
}

#[test]
fn junk_judge_output_is_re_asked_once_then_the_synth_uses_the_raw_answers() {
    let env = TestEnv::new();
    let out = env.frontier(fusion(&["local:a", "local:b"], "local:junk", "local:synth")).output();
    assert_eq!(out.code, Some(0), "{out}");
    let report = out.json();

    assert_eq!(
        pick(&report, &["status", "analysis", "final", "final_source", "failed_models"]),
        json!({
            "status": "ok",
            "analysis": null,
            "final": answer_of("synth"),
            "final_source": "synth",
            "failed_models": [],
        })
    );
    assert_eq!(pick(&report["judge"], &["model", "ok"]), json!({"model": "local:junk", "ok": false}));
    let notes: Vec<&str> = report["notes"].as_array().unwrap().iter().map(|n| n.as_str().unwrap()).collect();
    assert_eq!(notes.len(), 1, "{notes:?}");
    // The note says the judge failed and that the answer comes from the raw answers.
    assert!(notes[0].starts_with("judge failed (") && notes[0].contains("raw answers"), "{notes:?}");

    let judged = env.server().requests_for("junk");
    assert_eq!(judged.len(), 2, "asked once, re-asked once");
    assert!(judged.iter().all(|r| r.is_judge()));
    assert!(judged[1].user_message().contains("Your previous reply could not be used"), "{}", judged[1].user_message());
    let synth = env.server().requests_for("synth");
    assert_eq!(synth.len(), 1);
    let user = synth[0].user_message();
    assert!(user.contains("No judge's analysis"), "{user}");
    assert!(!user.contains(JUNK_ANSWER), "{user}");
    assert!(user.contains(&answer_of("a")) && user.contains(&answer_of("b")), "{user}");
}

#[test]
fn all_members_failing_exits_1_with_a_typed_reason() {
    for (panel, reason) in [
        (["local:fail-500", "local:fail-503"], "all_panels_failed"),
        (["local:fail-429", "local:fail-429-b"], "rate_limited"),
    ] {
        let env = TestEnv::new();
        let out = env.frontier(fusion(&panel, "local:judge", "local:synth")).output();
        assert_eq!(out.code, Some(1), "{out}");
        assert!(out.stderr.starts_with("error: run failed"), "{out}");
        let report = out.json();
        assert_eq!(
            pick(&report, &["status", "failure_reason", "failed_models", "final", "analysis", "judge", "synth"]),
            json!({
                "status": "error",
                "failure_reason": reason,
                "failed_models": panel,
                "final": null,
                "analysis": null,
                "judge": null,
                "synth": null,
            })
        );
        // Neither the judge nor the synth was asked.
        let asked: Vec<String> = env.server().requests().iter().map(|r| format!("local:{}", r.model())).collect();
        let mut asked_sorted = asked.clone();
        asked_sorted.sort();
        let mut expected = panel.map(String::from).to_vec();
        expected.sort();
        assert_eq!(asked_sorted, expected);
    }
}

#[test]
fn frontier_depth_1_refuses_before_any_request() {
    let env = TestEnv::new();
    let out =
        env.frontier(fusion(&["local:a", "local:b"], "local:judge", "local:synth")).env("FRONTIER_DEPTH", "1").output();
    assert_eq!(out.code, Some(1), "{out}");
    assert!(out.stderr.starts_with("error: run failed"), "{out}");
    let report = out.json();
    assert_eq!(
        pick(&report, &["status", "failure_reason", "panel", "final"]),
        json!({
            "status": "error",
            "failure_reason": "fusion_invocation_capped",
            "panel": [],
            "final": null,
        })
    );
    assert_eq!(env.server().requests().len(), 0);
}

#[test]
fn frontier_depth_0_or_empty_runs_normally() {
    for depth in ["0", ""] {
        let env = TestEnv::new();
        let out = env
            .frontier(fusion(&["local:a", "local:b"], "local:judge", "local:synth"))
            .env("FRONTIER_DEPTH", depth)
            .output();
        assert_eq!(out.code, Some(0), "FRONTIER_DEPTH={depth:?}: {out}");
        let report = out.json();
        assert_eq!(
            pick(&report, &["status", "failure_reason", "final"]),
            json!({"status": "ok", "failure_reason": null, "final": answer_of("synth")}),
            "FRONTIER_DEPTH={depth:?}"
        );
        // Two members, the judge and the synth.
        assert_eq!(env.server().requests().len(), 4, "FRONTIER_DEPTH={depth:?}");
    }
}

#[test]
fn server_errors_are_retried_and_other_4xx_are_not() {
    let env = TestEnv::new().retries(3, 10);
    let out = env
        .frontier(fusion(&["local:flaky-2", "local:fail-400", "local:fail-500"], "local:judge", "local:synth"))
        .output();
    assert_eq!(out.code, Some(0), "{out}");
    let report = out.json();
    assert_eq!(
        pick(&report["panel"][0], &["model", "ok", "content", "error"]),
        json!({"model": "local:flaky-2", "ok": true, "content": answer_of("flaky-2"), "error": null})
    );
    assert_eq!(report["failed_models"], json!(["local:fail-400", "local:fail-500"]));
    let attempts = |model: &str| env.server().requests_for(model).len();
    assert_eq!(
        [attempts("flaky-2"), attempts("fail-400"), attempts("fail-500")],
        [3, 1, 3],
        "attempts of flaky-2 (503 twice, then ok), fail-400, fail-500"
    );
}

#[test]
fn usage_is_reported_per_call_and_summed_in_totals() {
    let env = TestEnv::new();
    let out = env.frontier(fusion(&["local:a", "local:bb"], "local:judge", "local:synth")).output();
    assert_eq!(out.code, Some(0), "{out}");
    let report = out.json();
    let server = env.server();
    let reported = |model: &str| {
        let requests = server.requests_for(model);
        assert_eq!(requests.len(), 1, "{model}");
        requests[0].usage.unwrap()
    };
    assert_eq!(
        [
            report["panel"][0]["usage"].clone(),
            report["panel"][1]["usage"].clone(),
            report["judge"]["usage"].clone(),
            report["synth"]["usage"].clone(),
        ],
        [
            reported("a").as_report(),
            reported("bb").as_report(),
            reported("judge").as_report(),
            reported("synth").as_report(),
        ]
    );
    let all: Vec<_> = ["a", "bb", "judge", "synth"].into_iter().map(reported).collect();
    assert_eq!(
        pick(&report["totals"], &["input_tokens", "output_tokens"]),
        json!({
            "input_tokens": all.iter().map(|u| u.prompt_tokens).sum::<u64>(),
            "output_tokens": all.iter().map(|u| u.completion_tokens).sum::<u64>(),
        })
    );
}

#[test]
fn an_api_key_never_reaches_output_or_files() {
    const SENTINEL: &str = "sk-sentinel-XYZ123";
    let env = TestEnv::new().keyed_provider("keyed", "SENTINEL_KEY");
    let mut outcomes = Vec::new();
    // Two members echo the key back, in an error body and in a mid-stream error frame:
    // as JSON, as human output, and when every member fails.
    let mixed = fusion(&["local:a", "keyed:echo-auth", "keyed:echo-auth-stream"], "local:judge", "local:synth");
    let human: Vec<String> = mixed.iter().filter(|a| *a != "--json").cloned().collect();
    let alone = fusion(&["keyed:echo-auth"], "local:judge", "local:synth");
    for args in [mixed, human, alone] {
        let out = env.frontier(args).env("SENTINEL_KEY", SENTINEL).output();
        assert!(!out.stdout.contains(SENTINEL) && !out.stderr.contains(SENTINEL), "the key leaked:\n{out}");
        outcomes.push(out);
    }
    assert_eq!(outcomes.iter().map(|o| o.code).collect::<Vec<_>>(), [Some(0), Some(0), Some(1)], "{outcomes:#?}");
    let report = outcomes[0].json();
    assert_eq!(
        [
            pick(&report["panel"][1], &["model", "ok", "error_kind"]),
            pick(&report["panel"][2], &["model", "ok", "error_kind"]),
        ],
        [
            json!({"model": "keyed:echo-auth", "ok": false, "error_kind": "auth"}),
            json!({"model": "keyed:echo-auth-stream", "ok": false, "error_kind": "stream"}),
        ]
    );
    // What the server said does reach the user, minus the key.
    for (member, start) in [
        (1, "HTTP 401: invalid key: you sent `Bearer "),
        (2, "the provider reported an error mid-stream: stream broke; you sent `Bearer "),
    ] {
        let error = report["panel"][member]["error"].as_str().unwrap_or_default();
        assert!(error.starts_with(start), "{error}");
    }
    assert_eq!(outcomes[2].json()["failure_reason"], "auth_failed");

    // The server did get the key, and only on the provider that names it.
    let server = env.server();
    let mut keyed = server.requests_for("echo-auth");
    assert_eq!(keyed.len(), 3);
    keyed.extend(server.requests_for("echo-auth-stream"));
    assert_eq!(keyed.len(), 5);
    for request in &keyed {
        assert_eq!(request.headers.get("authorization").map(String::as_str), Some("Bearer sk-sentinel-XYZ123"));
    }
    for request in server.requests_for("a") {
        assert_eq!(request.headers.get("authorization"), None);
    }
    for (path, text) in env.files() {
        assert!(!text.contains(SENTINEL), "the key is stored in {}", path.display());
    }
}
