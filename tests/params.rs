//! Model parameters as users set them (docs/configuration.md): on a config.toml model, per
//! member in a preset's inline table, per run with `--param`; where each goes in the
//! request, what the report records, and the refusals, before any request, of a
//! parameter a route can't honour or a `--param` that names no model of the run.

// Tests may panic on what they do not expect.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::TestEnv;
use pretty_assertions::assert_eq;
use serde_json::{Value, json};

/// A config.toml model with its own parameters, served by the fake server.
const DEEP: &str = "\n[models.deep]\nroutes = [\"local:deep-1\"]\nreasoning = \"low\"\ntemperature = 0.3\n";

fn write_preset(env: &TestEnv, name: &str, text: &str) {
    let dir = env.frontier_home().join("config/presets");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{name}.toml")), text).unwrap();
}

fn params_of(call: &Value) -> Value {
    call.get("params").cloned().unwrap_or(Value::Null)
}

#[test]
fn each_layer_overrides_the_one_before_and_the_report_and_the_wire_show_it() {
    let env = TestEnv::new().extra_config(DEEP);
    write_preset(
        &env,
        "tuned",
        "panel = [{ model = \"deep\", reasoning = \"high\" }, \"local:plain\"]\n\
         judge = \"local:plain\"\nsynth = { model = \"deep\", max_output_tokens = 300 }\n",
    );
    let outcome =
        env.frontier(["run", "--json", "--preset", "tuned", "--param", "deep.temperature=0.9", "Why?"]).output();
    assert_eq!(outcome.code, Some(0), "{outcome}");
    let report = outcome.json();
    // The model's own (low, 0.3) under the preset's (high; for the synth, 300 tokens),
    // under the run's (0.9, for every call of `deep`).
    assert_eq!(params_of(&report["panel"][0]), json!({"temperature": 0.9, "reasoning": "high"}));
    assert_eq!(params_of(&report["panel"][1]), Value::Null, "a call without parameters writes no key");
    assert_eq!(params_of(&report["judge"]), Value::Null);
    assert_eq!(params_of(&report["synth"]), json!({"temperature": 0.9, "max_output_tokens": 300, "reasoning": "low"}));
    let bodies: Vec<Value> = env.server().requests_for("deep-1").into_iter().map(|r| r.body).collect();
    let fields = |b: &Value| {
        json!({
            "temperature": b["temperature"],
            "max_completion_tokens": b["max_completion_tokens"],
            "reasoning_effort": b["reasoning_effort"],
        })
    };
    assert_eq!(
        bodies.iter().map(fields).collect::<Vec<_>>(),
        [
            json!({"temperature": 0.9, "max_completion_tokens": null, "reasoning_effort": "high"}),
            json!({"temperature": 0.9, "max_completion_tokens": 300, "reasoning_effort": "low"}),
        ]
    );
    for r in env.server().requests_for("plain") {
        for key in ["temperature", "max_completion_tokens", "reasoning_effort"] {
            assert!(r.body.get(key).is_none(), "{key} in {}", r.body);
        }
    }
}

#[test]
fn mock_routes_take_every_parameter_and_the_report_echoes_them() {
    let env = TestEnv::new();
    let outcome = env
        .frontier([
            "run",
            "--json",
            "--model",
            "mock:a",
            "--param",
            "mock:a.max_output_tokens=50",
            "--param",
            "mock:a.reasoning=medium",
            "hi",
        ])
        .output();
    assert_eq!(outcome.code, Some(0), "{outcome}");
    assert_eq!(params_of(&outcome.json()["panel"][0]), json!({"max_output_tokens": 50, "reasoning": "medium"}));
}

#[test]
fn a_parameter_nothing_can_honour_is_refused_before_any_request() {
    let env = TestEnv::new().extra_config(
        "\n[models.hot]\nroutes = [\"claude-cli:opus\"]\ntemperature = 0.5\n\
         \n[providers.anth]\nkind = \"anthropic\"\nbase_url = \"http://127.0.0.1:9\"\n",
    );
    write_preset(
        &env,
        "thinking",
        "panel = [\"mock:a\", { model = \"gemini-cli:gemini-3.1-pro\", reasoning = \"high\" }]\n",
    );
    let text = env.transcript(&[
        &["run", "--models", "mock:a,local:m", "--param", "local:x.temperature=1", "q"],
        &["run", "--model", "mock:a", "--param", "mock:a.temp=1", "q"],
        &["run", "--model", "mock:a", "--param", "mock:a.temperature=2.5", "q"],
        &["run", "--model", "mock:a", "--param", "mock:a.reasoning", "q"],
        &["run", "--model", "claude-cli:opus", "--param", "claude-cli:opus.max_output_tokens=10", "q"],
        &["run", "--model", "anth:claude-x", "--param", "anth:claude-x.temperature=1.5", "q"],
        &[
            "run",
            "--model",
            "anth:claude-x",
            "--param",
            "anth:claude-x.temperature=0.2",
            "--param",
            "anth:claude-x.reasoning=low",
            "q",
        ],
        &["mode", "single", "--model", "hot"],
        &["mode", "fusion", "--preset", "thinking"],
        &["compose", "--models", "mock:a,hot"],
        &["status"],
    ]);
    insta::assert_snapshot!(text);
    assert_eq!(env.server().requests().len(), 0, "nothing was sent");
}
