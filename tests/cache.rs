//! End to end: the synth continues the judge's conversation, over each API, against the
//! fake server that records every request body. When judge and synth are one model on
//! one route, the synth's request repeats the judge's messages byte for byte (so the
//! provider's prompt cache can serve them), Anthropic's shared prefix carries
//! `cache_control` in both requests, and the cached input tokens the server reports
//! show in the report per call and in the totals, priced at the cached rate.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{Recorded, TestEnv};
use pretty_assertions::assert_eq;
use serde_json::{Value, json};

const PROMPT: &str = "Why is the sky blue?";
const ANTHROPIC_KEY: &str = "sk-ant-sentinel-AAA111";
const GEMINI_KEY: &str = "AIza-sentinel-GGG222";

/// Providers `local` (OpenAI), `claude` (Anthropic) and `goog` (Gemini) on the fake
/// server, with prices for the judges, so that their calls carry a cost.
fn env() -> TestEnv {
    let env = TestEnv::new();
    let origin = env.server().origin();
    let base_url = env.server().base_url();
    env.config(&format!(
        "[retry]\nmax_attempts = 1\nbase_delay_ms = 10\n\n\
         [providers.local]\nkind = \"openai\"\nbase_url = \"{base_url}\"\n\n\
         [providers.claude]\nkind = \"anthropic\"\nbase_url = \"{origin}\"\napi_key_env = \"TEST_ANTHROPIC_KEY\"\n\n\
         [providers.goog]\nkind = \"gemini\"\nbase_url = \"{origin}\"\napi_key_env = \"TEST_GEMINI_KEY\"\n\n\
         [prices]\n\
         \"claude:judge\" = {{ input = 3.0, output = 15.0, cached_input = 0.3, cache_write = 3.75 }}\n"
    ))
}

/// `run PROMPT --json` with two members on `provider`, judged and synthesised by
/// `judge` and `synth` of the same provider; returns the report and the requests made
/// to the judge's model and to the synth's, in order.
fn fusion(env: &TestEnv, provider: &str, judge: &str, synth: &str) -> (Value, Vec<Recorded>) {
    let panel = format!("{provider}:a,{provider}:b");
    let (judge, synth) = (format!("{provider}:{judge}"), format!("{provider}:{synth}"));
    let args = ["run", PROMPT, "--json", "--models", &panel, "--judge", &judge, "--synth", &synth];
    let out = env.frontier(args).env("TEST_ANTHROPIC_KEY", ANTHROPIC_KEY).env("TEST_GEMINI_KEY", GEMINI_KEY).output();
    assert_eq!(out.code, Some(0), "{out}");
    let report = out.json();
    assert_eq!(
        [&report["judge"]["ok"], &report["synth"]["ok"], &report["final_source"]],
        [&json!(true), &json!(true), &json!("synth")],
        "{report:#}"
    );
    let asked: Vec<Recorded> = env
        .server()
        .requests()
        .into_iter()
        .filter(|r| [judge.split_once(':').unwrap().1, synth.split_once(':').unwrap().1].contains(&r.model()))
        .collect();
    assert_eq!(asked.len(), 2, "one judge request and one synth request: {asked:#?}");
    (report, asked)
}

/// The JSON text of `value`, to compare byte for byte.
fn bytes(value: &Value) -> String {
    serde_json::to_string(value).unwrap()
}

/// The synth's `key` array begins with all of the judge's, byte for byte, then adds the
/// verdict as the model's turn and one user turn; returns those two.
fn continues(judge: &Value, synth: &Value, key: &str) -> (Value, Value) {
    let first = judge[key].as_array().unwrap();
    let then = synth[key].as_array().unwrap();
    assert_eq!(then.len(), first.len() + 2, "{synth:#}");
    assert_eq!(bytes(&Value::from(then[..first.len()].to_vec())), bytes(&judge[key]));
    (then[first.len()].clone(), then[first.len() + 1].clone())
}

#[test]
fn over_openai_the_synth_repeats_the_judges_messages_and_adds_the_verdict_and_its_task() {
    let env = env();
    let (report, asked) = fusion(&env, "local", "judge", "judge");
    let (judge, synth) = (&asked[0].body, &asked[1].body);
    let (verdict, task) = continues(judge, synth, "messages");
    assert_eq!(judge["messages"][0]["content"], json!(common_system()));
    // The judge asks for the verdict in words, not by a schema the synth couldn't send.
    assert_eq!([judge.get("response_format"), synth.get("response_format")], [None, None]);
    assert_eq!(verdict["role"], "assistant");
    assert!(verdict["content"].as_str().unwrap().contains("\"ranking\""), "{verdict}");
    assert_eq!(task["role"], "user");
    assert!(task["content"].as_str().unwrap().starts_with("## Your next task"), "{task}");
    assert!(report["analysis"].is_object(), "the verdict asked in words is the run's analysis");
}

#[test]
fn over_anthropic_both_requests_mark_the_shared_prefix_and_the_cache_read_is_reported_and_priced() {
    let env = env();
    let (report, asked) = fusion(&env, "claude", "judge", "judge");
    let (judge, synth) = (&asked[0].body, &asked[1].body);
    let (verdict, task) = continues(judge, synth, "messages");
    let user = asked[0].user_message();
    assert!(user.starts_with("## Question\n\nWhy is the sky blue?") && user.contains("\n[[answer B "), "{user}");
    let marked = json!([{"type": "text", "text": user, "cache_control": {"type": "ephemeral"}}]);
    let system = json!([{"type": "text", "text": common_system(), "cache_control": {"type": "ephemeral"}}]);
    assert_eq!([&judge["system"], &judge["messages"]], [&system, &json!([{"role": "user", "content": marked}])]);
    assert_eq!(bytes(&synth["system"]), bytes(&judge["system"]));
    assert_eq!([judge.get("tools"), synth.get("tools"), synth.get("tool_choice")], [None, None, None]);
    assert_eq!([&verdict["role"], &task["role"]], [&json!("assistant"), &json!("user")]);

    // The fake server reports 2 cache-read tokens a call: shown per call and in the totals.
    let served = |i: usize| asked[i].usage.unwrap().as_report();
    assert_eq!([&report["judge"]["usage"], &report["synth"]["usage"]], [&served(0), &served(1)]);
    assert_eq!(report["judge"]["usage"]["cached_input_tokens"], json!(2));
    let per_call: u64 = ["panel/0", "panel/1", "judge", "synth"]
        .iter()
        .map(|p| report.pointer(&format!("/{p}/usage/cached_input_tokens")).and_then(Value::as_u64).unwrap())
        .sum();
    assert_eq!(report["totals"]["cached_input_tokens"], json!(per_call));
    // Priced: the uncached input at $3, the 2 cached tokens at $0.30, the output at $15.
    let usage = asked[0].usage.unwrap();
    let want = ((usage.prompt_tokens - 2) as f64 * 3.0 + 2.0 * 0.3 + usage.completion_tokens as f64 * 15.0) / 1e6;
    let cost = report["judge"]["cost_usd"].as_f64().unwrap();
    assert!((cost - want).abs() < 1e-12, "{cost} != {want}");
}

#[test]
fn over_gemini_the_synth_repeats_the_judges_contents() {
    let env = env();
    let (_, asked) = fusion(&env, "goog", "judge", "judge");
    let (judge, synth) = (&asked[0].body, &asked[1].body);
    let (verdict, task) = continues(judge, synth, "contents");
    assert_eq!(bytes(&synth["systemInstruction"]), bytes(&judge["systemInstruction"]));
    assert_eq!([judge.get("generationConfig"), synth.get("generationConfig")], [None, None]);
    assert_eq!([&verdict["role"], &task["role"]], [&json!("model"), &json!("user")]);
}

#[test]
fn a_synth_on_another_model_continues_the_conversation_unmarked_and_without_the_judges_tool() {
    let env = env();
    let (_, asked) = fusion(&env, "claude", "judge", "synth");
    let (judge, synth) = (&asked[0].body, &asked[1].body);
    // No cache to share with another model: the judge keeps its forced tool, nothing is marked.
    assert_eq!(judge["tool_choice"], json!({"type": "tool", "name": "judge_verdict"}));
    assert_eq!(judge["system"], json!(common_system()));
    let (verdict, _) = continues(judge, synth, "messages");
    assert_eq!([synth.get("tools"), synth.get("tool_choice")], [None, None]);
    assert!(!bytes(synth).contains("cache_control"), "{synth:#}");
    // The verdict the tool returned is the assistant's turn, as text.
    assert!(verdict["content"].as_str().unwrap().contains("\"ranking\""), "{verdict}");
}

#[test]
fn a_failed_judge_leaves_the_synth_its_standalone_request() {
    let env = env();
    let args =
        ["run", PROMPT, "--json", "--models", "local:a,local:b", "--judge", "local:junk", "--synth", "local:junk"];
    let out = env.frontier(args).output();
    assert_eq!(out.code, Some(0), "{out}");
    let asked = env.server().requests_for("junk");
    assert_eq!(asked.len(), 3, "the judge, its re-ask, and the synth: {asked:#?}");
    let synth = &asked[2].body["messages"];
    assert_eq!(synth.as_array().map(Vec::len), Some(2), "{synth:#}");
    assert!(synth[0]["content"].as_str().unwrap().starts_with("You write the final answer"), "{synth:#}");
    let user = asked[2].user_message();
    assert!(user.contains("## Candidate answers\n\n") && user.contains("\n[[answer A "), "{user}");
}

/// The judge's system text, as the crate defines it.
fn common_system() -> &'static str {
    "You are an impartial judge of answers to a user's question. \
     The answers come from different assistants, shown only under neutral labels in a random order; \
     judge each on correctness first, then completeness, clarity and usefulness. \
     Do not favour an answer for its length, its position, or for agreeing with the others: \
     a correct minority answer beats a popular wrong one. \
     Reply with one JSON object and nothing else."
}

/// The session's cache key of each member's request of `run`, by member, from the fake
/// server's recording: `None` where the request carried none.
fn cache_keys(env: &TestEnv, provider: &str) -> Vec<Option<String>> {
    let panel = format!("{provider}:a,{provider}:b");
    let judge = format!("{provider}:judge");
    let out =
        env.frontier(["run", PROMPT, "--json", "--models", &panel, "--judge", &judge, "--synth", &judge]).output();
    assert_eq!(out.code, Some(0), "{out}");
    let asked = env.server().requests();
    let key = |model: &str| {
        let last = asked.iter().rev().find(|r| r.model() == model).unwrap();
        last.body.get("prompt_cache_key").map(|k| k.as_str().unwrap().to_string())
    };
    vec![key("a"), key("b")]
}

#[test]
fn an_openai_kind_server_gets_the_sessions_cache_key_only_when_its_provider_takes_one() {
    let env = TestEnv::new();
    let base_url = env.server().base_url();
    let env = env.config(&format!(
        "[providers.local]\nkind = \"openai\"\nbase_url = \"{base_url}\"\n\n\
         [providers.keyed]\nkind = \"openai\"\nbase_url = \"{base_url}\"\nprompt_cache_key = true\n"
    ));
    // A compatible server may refuse a field it does not know: by default it gets none.
    assert_eq!(cache_keys(&env, "local"), vec![None, None]);
    let first = cache_keys(&env, "keyed");
    let keys: Vec<&str> = first.iter().map(|k| k.as_deref().unwrap()).collect();
    assert!(keys.iter().all(|k| k.len() == "frontier-".len() + 24 && k.starts_with("frontier-")), "{keys:?}");
    assert_ne!(keys[0], keys[1], "each member has a cache of its own");
    // A run that continues nothing is a session of its own, with keys of its own.
    let second = cache_keys(&env, "keyed");
    assert!(second.iter().all(|k| !first.contains(k)), "{first:?} {second:?}");
}
