//! `frontier hook` inside GitHub Copilot CLI, from the stdin it recorded
//! (tests/fixtures/copilot/): its own hook's answer in its top-level shape, and a Claude
//! Code project hook that Copilot runs (`COPILOT_CLI=1` in the child's environment),
//! which reads Copilot's scope, answers in Copilot's shape, and stays out when Copilot's
//! own frontier hook is registered too.

// Tests may panic on what they do not expect.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use common::workspace::{arm, repo};
use common::{Outcome, TestEnv};
use pretty_assertions::assert_eq;
use serde_json::Value;

const PROMPT: &str = "Why does my borrow checker complain about two mutable borrows?";

/// A recorded stdin with the workspace's `cwd` and a prompt long enough to be fanned.
fn recorded(name: &str, cwd: &Path) -> String {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/copilot").join(name))
        .unwrap();
    let mut event: Value = serde_json::from_str(&text).unwrap();
    event["cwd"] = Value::from(cwd.display().to_string());
    event["prompt"] = Value::from(PROMPT);
    event.to_string()
}

/// The environment Copilot CLI 1.0.102 gives its hooks (minus its own paths).
fn in_copilot(env: &TestEnv, args: &[&str], stdin: &str, project: &Path) -> Outcome {
    let dir = project.display().to_string();
    env.frontier([&["hook"][..], args].concat())
        .env("COPILOT_CLI", "1")
        .env("COPILOT_PROJECT_DIR", &dir)
        .env("CLAUDE_PROJECT_DIR", &dir)
        .env("COPILOT_CLI_BINARY_VERSION", "1.0.102")
        .stdin(stdin)
        .output()
}

/// The one line of Copilot's shape, and its context.
fn copilot_context(out: &Outcome) -> String {
    assert_eq!(out.code, Some(0), "{out}");
    assert_eq!(out.stdout.matches('\n').count(), 1, "one line of JSON: {out}");
    let value = out.json();
    let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["additionalContext"], "top-level additionalContext only: {out}");
    value["additionalContext"].as_str().unwrap().to_string()
}

fn assert_nothing(out: &Outcome, why: &str) {
    assert_eq!((out.code, out.stdout.as_str()), (Some(0), ""), "{why}: {out}");
}

#[test]
fn copilots_own_hook_answers_at_the_top_level_from_copilots_scope() {
    let env = TestEnv::new();
    let repo = repo(&env);
    let stdin = recorded("user-prompt-submitted.json", &repo.join("src"));
    assert_nothing(&in_copilot(&env, &["--host", "copilot"], &stdin, &repo), "off");
    arm(&env, &repo, &["mode", "single", "--model", "local:solo", "--scope", "copilot-project"]);
    for args in [&["--host", "copilot"][..], &[]] {
        let text = copilot_context(&in_copilot(&env, args, &stdin, &repo));
        assert!(text.starts_with("⚡ Frontier · single · local:solo · 1 model · "), "{text}");
        assert!(text.contains("Begin your reply with the banner line above"), "{text}");
    }
    // Another host's scope arms nothing here.
    arm(&env, &repo, &["mode", "off", "--scope", "copilot-project"]);
    arm(&env, &repo, &["mode", "single", "--model", "local:solo", "--scope", "claude-project"]);
    assert_nothing(&in_copilot(&env, &["--host", "copilot"], &stdin, &repo), "claude-project armed only");
    assert_eq!(env.server().requests().len(), 2, "one model call for each armed hook");
}

#[test]
fn a_claude_code_hook_run_by_copilot_reads_copilots_scope_and_pays_for_nothing_when_it_is_off() {
    let env = TestEnv::new();
    let repo = repo(&env);
    let stdin = recorded("claude-settings-hook.json", &repo);
    arm(&env, &repo, &["mode", "single", "--model", "local:solo", "--scope", "claude-project"]);
    assert_nothing(&in_copilot(&env, &["--host", "claude-code"], &stdin, &repo), "Copilot's scope is off");
    assert_eq!(env.server().requests().len(), 0, "no model call whose answer could not arrive");
    // The same stdin outside Copilot is Claude Code's, and its armed scope runs.
    let out = env.frontier(["hook", "--host", "claude-code"]).stdin(&stdin).output();
    assert_eq!(out.json()["hookSpecificOutput"]["hookEventName"], "UserPromptSubmit", "{out}");
    assert_eq!(env.server().requests().len(), 1);
}

#[test]
fn a_claude_code_hook_run_by_copilot_answers_in_copilots_shape() {
    let env = TestEnv::new();
    let repo = repo(&env);
    let stdin = recorded("claude-settings-hook.json", &repo);
    arm(&env, &repo, &["mode", "single", "--model", "local:solo", "--scope", "copilot-project"]);
    let text = copilot_context(&in_copilot(&env, &["--host", "claude-code"], &stdin, &repo));
    assert!(text.starts_with("⚡ Frontier · single · local:solo · 1 model · "), "{text}");
    assert_eq!(env.server().requests().len(), 1);
}

#[test]
fn with_copilots_own_frontier_hook_registered_the_claude_code_one_stays_out() {
    let env = TestEnv::new();
    let repo = repo(&env);
    arm(&env, &repo, &["mode", "single", "--model", "local:solo", "--scope", "copilot-project"]);
    let installed = env.frontier(["install", "copilot", "--project", &repo.display().to_string()]).output();
    assert_eq!(installed.code, Some(0), "{installed}");
    let claude = recorded("claude-settings-hook.json", &repo);
    assert_nothing(&in_copilot(&env, &["--host", "claude-code"], &claude, &repo), "Copilot's own hook answers");
    assert_eq!(env.server().requests().len(), 0);
    let own = recorded("user-prompt-submitted.json", &repo);
    copilot_context(&in_copilot(&env, &["--host", "copilot"], &own, &repo));
    assert_eq!(env.server().requests().len(), 1, "one panel for the prompt");
}

#[test]
fn claude_code_started_from_a_copilot_shell_is_still_claude_code() {
    let env = TestEnv::new();
    let repo = repo(&env);
    arm(&env, &repo, &["mode", "single", "--model", "local:solo", "--scope", "claude-project"]);
    // Claude Code's own stdin names its transcript, and it sets CLAUDECODE.
    let stdin = common::workspace::claude_event(&repo, PROMPT);
    let out = env
        .frontier(["hook", "--host", "claude-code"])
        .env("COPILOT_CLI", "1")
        .env("CLAUDECODE", "1")
        .stdin(&stdin)
        .output();
    assert_eq!(out.json()["hookSpecificOutput"]["hookEventName"], "UserPromptSubmit", "{out}");
}
