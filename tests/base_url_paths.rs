//! A base URL with the wrong `/v1` convention, as a newcomer writes it, met through the
//! binary against the fake server: `doctor` calls it not ready with the fix (add or drop
//! `/v1`), and the right one ready; a run against it names the URL it called and the fix;
//! a wrong port keeps its reason (connection refused) and the URL; `doctor` with a broken
//! config.toml prints the error and still lists what it can check.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::net::TcpListener;

use common::TestEnv;
use pretty_assertions::assert_eq;
use serde_json::{Value, json};

const KEY: &str = "sk-test-sentinel-KKK999";

/// A fake server with one keyless provider `p` of `kind` at `base_url` (`{origin}` and
/// `{v1}` stand for the server's origin and its `/v1` URL).
fn env_with(kind: &str, base_url: &str) -> TestEnv {
    let env = TestEnv::new();
    let base_url = base_url.replace("{origin}", &env.server().origin()).replace("{v1}", &env.server().base_url());
    env.config(&format!(
        "[retry]\nmax_attempts = 1\nbase_delay_ms = 10\n\n\
         [providers.p]\nkind = \"{kind}\"\nbase_url = \"{base_url}\"\n"
    ))
}

fn provider(report: &Value, name: &str) -> Value {
    report["providers"].as_array().into_iter().flatten().find(|p| p["name"] == name).cloned().unwrap_or_default()
}

/// What `doctor --json` says about provider `p`: ready, the probe, what is missing, the fix.
fn doctor_on(env: &TestEnv) -> Value {
    let outcome = env.frontier(["doctor", "--json"]).output();
    assert_eq!(outcome.code, Some(0), "{outcome}");
    let p = provider(&outcome.json(), "p");
    json!({"ready": p["ready"], "probe": p["probe"], "missing": p["missing"], "fix": p["fix"]})
}

fn port_of(env: &TestEnv) -> String {
    env.server().origin().rsplit(':').next().unwrap_or_default().to_string()
}

#[test]
fn doctor_calls_an_openai_base_url_without_v1_not_ready_and_says_to_add_it() {
    let env = env_with("openai", "{origin}");
    let port = port_of(&env);
    assert_eq!(
        doctor_on(&env),
        json!({
            "ready": false,
            "probe": format!("answers HTTP 404 at http://127.0.0.1:{port}/models"),
            "missing": format!(
                "the server at 127.0.0.1:{port} answers 404 at http://127.0.0.1:{port}/models: \
                 not where base_url's path says it serves the API"
            ),
            "fix": "base_url may need /v1 ([providers.p] base_url in config.toml)",
        })
    );
}

#[test]
fn doctor_calls_an_anthropic_or_gemini_base_url_with_v1_not_ready_and_says_to_drop_it() {
    for (kind, route) in [("anthropic", "/v1/v1/models"), ("gemini", "/v1/v1beta/models")] {
        let env = env_with(kind, "{v1}");
        let port = port_of(&env);
        let found = doctor_on(&env);
        assert_eq!(found["ready"], false, "{kind}: {found}");
        assert_eq!(found["probe"], format!("answers HTTP 404 at http://127.0.0.1:{port}{route}"), "{kind}");
        assert_eq!(found["fix"], "drop /v1 from base_url ([providers.p] base_url in config.toml)", "{kind}");
    }
}

#[test]
fn doctor_calls_each_kind_ready_at_its_right_base_url() {
    for (kind, base_url) in [("openai", "{v1}"), ("anthropic", "{origin}"), ("gemini", "{origin}")] {
        let env = env_with(kind, base_url);
        assert_eq!(
            doctor_on(&env),
            json!({"ready": true, "probe": "answers HTTP 200", "missing": null, "fix": null}),
            "{kind} at {base_url}"
        );
    }
}

#[test]
fn doctor_output_for_a_wrong_base_url() {
    let env = env_with("openai", "{origin}");
    let outcome = env.frontier(["doctor"]).env("COLUMNS", "80").output();
    let port = port_of(&env);
    let lines: String = outcome
        .stdout
        .lines()
        .skip_while(|l| !l.starts_with("  ✗ p "))
        .take_while(|l| !l.starts_with("  ✗ together") && !l.is_empty())
        .map(|l| format!("{}\n", l.replace(&port, "[PORT]")))
        .collect();
    insta::assert_snapshot!(lines);
}

/// `text` with every duration (`26 ms`) and run id written as a placeholder.
fn without_times(text: &str) -> String {
    let ms = regex::Regex::new(r"\b\d+ ms\b").expect("a valid pattern");
    let id = regex::Regex::new(r"\b\d{8}-\d{6}-[0-9a-f]{8}\b").expect("a valid pattern");
    id.replace_all(&ms.replace_all(text, "[MS]"), "[RUN]").into_owned()
}

/// `run` of one model on provider `p`, with its key given as a key would be.
fn run_one(env: &TestEnv) -> common::Outcome {
    env.frontier(["run", "hello", "--models", "p:m"]).env("TEST_KEY", KEY).output()
}

#[test]
fn a_run_against_an_openai_base_url_without_v1_names_the_url_and_the_fix() {
    let env = env_with("openai", "{origin}");
    let outcome = run_one(&env);
    assert_eq!(outcome.code, Some(1), "{outcome}");
    let port = port_of(&env);
    let stderr = without_times(&outcome.stderr);
    assert!(
        stderr.contains(&format!(
            "p:m failed after [MS]: HTTP 404: no such route at http://127.0.0.1:{port}/chat/completions; \
             base_url may need /v1 (the server said: "
        )),
        "{outcome}"
    );
    assert!(outcome.stderr.contains("`frontier doctor`"), "{outcome}");
    // The member's line and the run's error, not the table (its layout is not this test's).
    let said: String = stderr
        .lines()
        .filter(|l| l.contains("p:m failed") || l.starts_with("error:") || l.starts_with("hint:"))
        .map(|l| format!("{}\n", l.replace(&port, "[PORT]")))
        .collect();
    insta::assert_snapshot!(said);
}

#[test]
fn a_run_against_an_anthropic_base_url_with_v1_says_to_drop_it_and_shows_no_key() {
    let env = TestEnv::new();
    let v1 = env.server().base_url();
    let env = env.config(&format!(
        "[retry]\nmax_attempts = 1\n\n[providers.p]\nkind = \"anthropic\"\nbase_url = \"{v1}\"\napi_key_env = \"TEST_KEY\"\n"
    ));
    let outcome = run_one(&env);
    assert_eq!(outcome.code, Some(1), "{outcome}");
    assert!(
        outcome.stderr.contains(&format!("HTTP 404: no such route at {v1}/v1/messages; drop /v1 from base_url")),
        "{outcome}"
    );
    assert!(!outcome.stderr.contains(&KEY[..12]), "{outcome}");
}

#[test]
fn a_run_against_a_wrong_port_keeps_the_reason_and_names_the_url() {
    let port = {
        let listener = TcpListener::bind("127.0.0.1:0").expect("binds");
        listener.local_addr().expect("has an address").port()
    };
    let env = env_with("openai", &format!("http://127.0.0.1:{port}/v1"));
    let outcome = run_one(&env);
    assert_eq!(outcome.code, Some(1), "{outcome}");
    // The reason first (its os error number differs between systems), then the URL.
    let said = outcome.stderr.lines().find(|l| l.contains("p:m failed")).unwrap_or_default();
    let reason = said.split("connection failed: ").nth(1).unwrap_or_default();
    assert!(reason.starts_with("Connection refused"), "{outcome}");
    assert!(reason.ends_with(&format!(" at http://127.0.0.1:{port}/v1/chat/completions")), "{outcome}");
    assert!(outcome.stderr.contains("`frontier doctor`"), "{outcome}");
    assert!(!outcome.stderr.contains("`frontier catalog`"), "{outcome}");
}

#[test]
fn doctor_with_a_broken_config_prints_the_error_then_what_it_can_check() {
    let env = TestEnv::new().config("[providers.p]\nkind = \"openai\"\nbase_url = 7\n");
    let outcome = env.frontier(["doctor"]).env("COLUMNS", "80").output();
    assert_eq!(outcome.code, Some(2), "{outcome}");
    assert!(outcome.stderr.starts_with("error: "), "{outcome}");
    for cli in ["claude-cli", "codex-cli", "gemini-cli"] {
        assert!(outcome.stdout.contains(&format!("✗ {cli}")), "{cli} missing from\n{}", outcome.stdout);
    }
    let home = env.frontier_home().display().to_string();
    let head: String =
        outcome.stdout.lines().take(3).map(|l| format!("{}\n", l.replace(&home, "[FRONTIER_HOME]"))).collect();
    insta::assert_snapshot!(format!("{}---\n{head}", outcome.stderr.replace(&home, "[FRONTIER_HOME]")));
    let json = env.frontier(["doctor", "--json"]).output();
    assert_eq!(json.code, Some(2), "{json}");
    let report = json.json();
    assert!(report["config_error"].as_str().is_some_and(|e| !e.is_empty()), "{report}");
    assert_eq!(provider(&report, "codex-cli")["ready"], false);
}
