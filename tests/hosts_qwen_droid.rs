//! Qwen Code and Factory Droid as users meet them: `frontier install qwen|droid` and
//! `uninstall` in each host's own settings (merging, idempotence, foreign entries kept,
//! dry runs), and `frontier hook` fed the stdin and environment each real CLI gave its
//! hook (Qwen Code 0.24.4, Droid 0.225.2), with their session files as conversation.

// Tests may panic on what they do not expect.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};

use common::files::{binary, ok, project, read_json, write};
use common::workspace::{arm, repo};
use common::{Outcome, TestEnv};
use pretty_assertions::assert_eq;
use serde_json::{Value, json};

const SKILL: &str = include_str!("../skills/frontier/SKILL.md");

/// The handler `install` writes for `host`: Claude Code's shape, 600 seconds.
fn handler(host: &str) -> Value {
    json!({"type": "command", "command": format!("{} hook --host {host}", binary()), "timeout": 600})
}

fn host_files(env: &TestEnv) -> Vec<(PathBuf, String)> {
    env.files().into_iter().filter(|(p, _)| !p.starts_with(env.frontier_home())).collect()
}

fn redact(env: &TestEnv, text: &str) -> String {
    text.replace(&binary(), "[FRONTIER]")
        .replace(&project(env).display().to_string(), "[PROJECT]")
        .replace(&env.work_dir().display().to_string(), "[TMP]")
}

/// (host, project settings file, project skills dir)
const HOSTS: [(&str, &str, &str); 2] =
    [("qwen", ".qwen/settings.json", ".qwen/skills"), ("droid", ".factory/settings.json", ".factory/skills")];

#[test]
fn a_project_install_writes_each_hosts_entry_and_skill_and_a_second_changes_nothing() {
    for (host, file, skills) in HOSTS {
        let env = TestEnv::new();
        let proj = project(&env);
        ok(&env, &["install", host, "--project", "proj"]);
        let settings = proj.join(file);
        assert_eq!(read_json(&settings), json!({"hooks": {"UserPromptSubmit": [{"hooks": [handler(host)]}]}}));
        assert_eq!(std::fs::read_to_string(proj.join(skills).join("frontier/SKILL.md")).unwrap(), SKILL, "{host}");
        let first = host_files(&env);
        let again = ok(&env, &["install", host, "--project", "proj"]);
        assert!(again.stderr.contains("already installed, nothing to change"), "{again}");
        assert_eq!(host_files(&env), first, "{host}: byte-identical");
    }
}

#[test]
fn user_installs_go_to_each_hosts_home_or_its_override() {
    let env = TestEnv::new();
    ok(&env, &["install", "qwen", "--user"]);
    ok(&env, &["install", "droid", "--user"]);
    let home = env.home();
    for (settings, skill, host) in [
        (".qwen/settings.json", ".qwen/skills/frontier/SKILL.md", "qwen"),
        (".factory/settings.json", ".factory/skills/frontier/SKILL.md", "droid"),
    ] {
        assert_eq!(read_json(&home.join(settings))["hooks"]["UserPromptSubmit"][0]["hooks"][0], handler(host));
        assert_eq!(std::fs::read_to_string(home.join(skill)).unwrap(), SKILL);
    }

    // QWEN_HOME is Qwen Code's `~/.qwen`; FACTORY_HOME_OVERRIDE is Droid's `~`.
    let moved = TestEnv::new();
    let qwen_home = moved.work_dir().join("qh");
    let factory_home = moved.work_dir().join("fh");
    for (host, var, dir) in [("qwen", "QWEN_HOME", &qwen_home), ("droid", "FACTORY_HOME_OVERRIDE", &factory_home)] {
        let out = moved.frontier(["install", host, "--user"]).env(var, &dir.display().to_string()).output();
        assert_eq!(out.code, Some(0), "{out}");
    }
    assert!(qwen_home.join("settings.json").is_file() && qwen_home.join("skills/frontier/SKILL.md").is_file());
    assert!(factory_home.join(".factory/settings.json").is_file());
    assert!(!moved.home().join(".qwen").exists() && !moved.home().join(".factory").exists());
}

#[test]
fn install_merges_with_the_hosts_own_settings_and_uninstall_gives_them_back() {
    let qwen = json!({
        "privacy": {"usageStatisticsEnabled": false},
        "tools": {"visible": ["mcp__everything__echo"]},
        "hooks": {"UserPromptSubmit": [{"hooks": [{"type": "command", "command": "lint-prompt", "timeout": 5}]}]},
        "mcpServers": {"everything": {"command": "everything", "args": ["stdio"]}}
    });
    let droid = json!({
        "cloudSessionSync": false,
        "customModels": [{"model": "mock-model", "baseUrl": "http://127.0.0.1:1/v1", "provider": "generic-chat-completion-api"}],
        "hooks": {"SessionStart": [{"matcher": "*", "hooks": [{"type": "command", "command": "greet"}]}]}
    });
    for ((host, file, _), original) in HOSTS.into_iter().zip([qwen, droid]) {
        let env = TestEnv::new();
        let settings = project(&env).join(file);
        write(&settings, &serde_json::to_string_pretty(&original).unwrap());
        ok(&env, &["install", host, "--project", "proj"]);
        let mut expected = original.clone();
        let groups = expected["hooks"].as_object_mut().unwrap().entry("UserPromptSubmit").or_insert(json!([]));
        groups.as_array_mut().unwrap().push(json!({"hooks": [handler(host)]}));
        let merged = read_json(&settings);
        assert_eq!(merged, expected, "{host}");
        let keys: Vec<&String> = merged.as_object().unwrap().keys().collect();
        let original_keys: Vec<&String> = original.as_object().unwrap().keys().collect();
        assert_eq!(keys, original_keys, "{host}: key order is kept");

        let out = ok(&env, &["uninstall", host, "--project", "proj"]);
        assert!(out.stderr.contains("UserPromptSubmit removed from"), "{out}");
        assert_eq!(read_json(&settings), original, "{host}");
        assert!(!project(&env).join(file).with_file_name("skills").join("frontier").exists(), "{host}");
    }
}

#[test]
fn uninstall_leaves_a_project_that_had_nothing_as_it_found_it() {
    for (host, _, _) in HOSTS {
        let env = TestEnv::new();
        let dir = project(&env);
        ok(&env, &["install", host, "--project", "proj"]);
        ok(&env, &["uninstall", host, "--project", "proj"]);
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 0, "{host}: nothing left");
        let again = ok(&env, &["uninstall", host, "--project", "proj"]);
        assert!(again.stderr.contains("not installed, nothing to remove"), "{again}");
    }
}

#[test]
fn dry_runs_write_nothing_and_print_the_change_and_what_is_left_to_do() {
    let mut shown = String::new();
    for (host, file, _) in HOSTS {
        let env = TestEnv::new();
        write(&project(&env).join(file), "{\n  \"theme\": \"dark\"\n}\n");
        let before = host_files(&env);
        let dry = ok(&env, &["install", host, "--project", "proj", "--dry-run"]);
        assert_eq!(host_files(&env), before, "{host}: a dry run writes nothing");
        let done = ok(&env, &["install", host, "--project", "proj"]);
        shown += &redact(
            &env,
            &format!(
                "=== install {host} --dry-run ===\n--- stdout ---\n{}--- stderr ---\n{}=== install {host} ===\n{}",
                dry.stdout, dry.stderr, done.stderr
            ),
        );
    }
    insta::assert_snapshot!(shown);
}

// -- the hook, with what each CLI sent its hook -----------------------------------------

/// Qwen Code 0.24.4's `UserPromptSubmit` stdin, as recorded; a tool result's event has
/// an empty `prompt` and no `submitted_prompt`.
fn qwen_event(cwd: &Path, prompt: &str, transcript: &Path) -> String {
    json!({"session_id": "d8ab9bc1", "transcript_path": transcript, "cwd": cwd, "hook_event_name": "UserPromptSubmit",
           "timestamp": "2026-12-07T19:36:10.284Z", "permission_mode": "auto", "prompt_id": "d8ab9bc1########2",
           "prompt": prompt, "submitted_prompt": prompt})
    .to_string()
}

/// Factory Droid 0.225.2's, as recorded in a stream-jsonrpc session.
fn droid_event(cwd: &Path, prompt: &str, transcript: &Path) -> String {
    json!({"session_id": "728669fc", "transcript_path": transcript, "cwd": cwd, "permission_mode": "off",
           "hook_event_name": "UserPromptSubmit", "message_id": "7178b904", "prompt": prompt, "has_images": false})
    .to_string()
}

/// The variables each host set in its hook's environment (recorded): both set Claude
/// Code's CLAUDE_PROJECT_DIR as well as their own.
fn host_vars(host: &str, repo: &Path) -> Vec<(&'static str, String)> {
    let dir = repo.display().to_string();
    match host {
        "qwen" => vec![
            ("QWEN_PROJECT_DIR", dir.clone()),
            ("CLAUDE_PROJECT_DIR", dir.clone()),
            ("GEMINI_PROJECT_DIR", dir),
            ("QWEN_CODE_SESSION_ID", "d8ab9bc1".to_string()),
        ],
        _ => {
            vec![("FACTORY_PROJECT_DIR", dir.clone()), ("DROID_PROJECT_DIR", dir.clone()), ("CLAUDE_PROJECT_DIR", dir)]
        }
    }
}

fn hook(env: &TestEnv, host: &str, repo: &Path, named: bool, stdin: &str) -> Outcome {
    let args: &[&str] = if named { &["hook", "--host", host] } else { &["hook"] };
    let mut invocation = env.frontier(args).stdin(stdin);
    for (key, value) in host_vars(host, repo) {
        invocation = invocation.env(key, &value);
    }
    invocation.output()
}

fn context(out: &Outcome) -> String {
    assert_eq!(out.code, Some(0), "{out}");
    let value = out.json();
    assert_eq!(value["hookSpecificOutput"]["hookEventName"], "UserPromptSubmit", "{out}");
    value["hookSpecificOutput"]["additionalContext"].as_str().unwrap().to_string()
}

const PROMPT: &str = "Why does my borrow checker complain about two mutable borrows?";

type Event = fn(&Path, &str, &Path) -> String;
const EVENTS: [(&str, Event); 2] = [("qwen", qwen_event), ("droid", droid_event)];

#[test]
fn each_hosts_scope_runs_its_hook_with_or_without_host_and_no_other_hosts_scope_does() {
    for (host, event) in EVENTS {
        let env = TestEnv::new();
        let repo = repo(&env);
        let stdin = event(&repo.join("src"), PROMPT, &repo.join("no-transcript.jsonl"));
        // Claude Code's scope armed: the host's own variables come first, so nothing runs.
        arm(&env, &repo, &["mode", "single", "--model", "mock:solo?reply=forty+two", "--scope", "claude-project"]);
        for named in [true, false] {
            let out = hook(&env, host, &repo, named, &stdin);
            assert_eq!((out.code, out.stdout.as_str()), (Some(0), ""), "{host} named={named}: {out}");
        }
        let scope = format!("{host}-project");
        arm(&env, &repo, &["mode", "single", "--model", "mock:solo?reply=forty+two", "--scope", &scope]);
        for named in [true, false] {
            let text = context(&hook(&env, host, &repo, named, &stdin));
            assert!(text.starts_with("⚡ Frontier · single · mock:solo?reply=forty+two · 1 model · "), "{text}");
            assert!(text.contains("\nforty two\n[[end frontier-answer "), "{text}");
        }
        let mut status = env.command(["status", "--scope", &scope]);
        status.current_dir(&repo);
        let status = String::from_utf8(status.output().unwrap().stdout).unwrap();
        assert!(status.contains(&format!("{host}-")) && status.contains("single"), "{status}");
        arm(&env, &repo, &["mode", "off", "--scope", &scope]);
        let out = hook(&env, host, &repo, true, &stdin);
        assert_eq!((out.code, out.stdout.as_str()), (Some(0), ""), "{host} disarmed: {out}");
    }
}

#[test]
fn qwen_codes_event_for_a_tool_result_runs_nothing_even_when_armed() {
    let env = TestEnv::new();
    let repo = repo(&env);
    arm(&env, &repo, &["mode", "single", "--model", "local:solo", "--scope", "qwen-project"]);
    arm(&env, &repo, &["tune", "--min-chars", "0", "--scope", "qwen-project"]);
    let mut tool_result: Value =
        serde_json::from_str(&qwen_event(&repo, "", &repo.join("no-transcript.jsonl"))).unwrap();
    tool_result.as_object_mut().unwrap().remove("submitted_prompt");
    for named in [true, false] {
        let out = hook(&env, "qwen", &repo, named, &tool_result.to_string());
        assert_eq!((out.code, out.stdout.as_str(), out.stderr.as_str()), (Some(0), "", ""), "{out}");
    }
    assert_eq!(env.server().requests().len(), 0, "no model was asked");
}

#[test]
fn the_panel_gets_the_first_turn_from_each_hosts_session_file() {
    const SECOND: &str = "And why are sunsets red? second turn";
    const TURNS: &str =
        "user: Why is the sky blue? first turn\n\nassistant: First canned answer: the sky scatters blue light.";
    for ((host, event), (fixture, lines)) in
        EVENTS.into_iter().zip([("qwen-0.24.4.jsonl", 4), ("droid-0.225.2.jsonl", 6)])
    {
        let env = TestEnv::new();
        let repo = repo(&env);
        let scope = format!("{host}-project");
        arm(&env, &repo, &["mode", "single", "--model", "local:solo", "--scope", &scope]);
        // The file as it stood when the host's second hook ran.
        let recorded = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/transcripts").join(fixture),
        )
        .unwrap();
        let transcript = env.work_dir().join(fixture);
        std::fs::write(&transcript, recorded.split_inclusive('\n').take(lines).collect::<String>()).unwrap();
        context(&hook(&env, host, &repo, true, &event(&repo, SECOND, &transcript)));
        let requests = env.server().requests();
        assert_eq!(requests.len(), 1, "{host}");
        let user = requests[0].user_message();
        let heading = format!("--- conversation so far {} ---\n{TURNS}\n[[end context ", transcript.display());
        assert!(user.contains(&heading), "{host}: {user}");
        assert!(!user.contains("HOOK-CONTEXT-MARKER"), "{host}: the first turn's hook output is not conversation");
    }
}
