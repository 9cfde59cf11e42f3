//! `frontier install copilot` and `frontier uninstall copilot`: GitHub Copilot CLI's own
//! hooks file (`.github/hooks/frontier.json`, `~/.copilot/hooks/frontier.json`), merged
//! with what is there, idempotent, foreign handlers kept, dry run shown, removed whole.

// Tests may panic on what they do not expect.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::TestEnv;
use common::files::{binary, ok, project, read_json, tree, write};
use pretty_assertions::assert_eq;
use serde_json::{Value, json};

fn ours() -> Value {
    json!({"type": "command", "bash": format!("{} hook --host copilot", binary()), "timeoutSec": 600})
}

#[test]
fn a_project_install_writes_its_own_hooks_file_and_the_skill_and_uninstall_takes_them_away() {
    let env = TestEnv::new();
    let dir = project(&env);
    ok(&env, &["install", "copilot", "--project", "proj"]);
    let hooks = dir.join(".github/hooks/frontier.json");
    assert_eq!(read_json(&hooks), json!({"version": 1, "hooks": {"userPromptSubmitted": [ours()]}}));
    assert_eq!(
        std::fs::read_to_string(dir.join(".github/skills/frontier/SKILL.md")).unwrap(),
        include_str!("../skills/frontier/SKILL.md")
    );
    let again = ok(&env, &["install", "copilot", "--project", "proj"]);
    assert!(again.stderr.contains("already installed, nothing to change"), "{again}");
    ok(&env, &["uninstall", "copilot", "--project", "proj"]);
    assert_eq!(tree(&dir), Vec::<String>::new(), "no file, backup or empty directory left");
}

#[test]
fn a_user_install_goes_to_copilots_home() {
    let env = TestEnv::new();
    ok(&env, &["install", "copilot", "--user"]);
    let hooks = env.home().join(".copilot/hooks/frontier.json");
    assert_eq!(read_json(&hooks), json!({"version": 1, "hooks": {"userPromptSubmitted": [ours()]}}));
    assert!(env.home().join(".copilot/skills/frontier/SKILL.md").is_file());
    let moved = env.work_dir().join("copilot-home");
    let outcome =
        env.frontier(["install", "copilot", "--user"]).env("COPILOT_HOME", &moved.display().to_string()).output();
    assert_eq!(outcome.code, Some(0), "{outcome}");
    assert!(moved.join("hooks/frontier.json").is_file());
}

#[test]
fn foreign_handlers_and_keys_stay_and_a_stale_entry_is_updated_in_place() {
    let env = TestEnv::new();
    let hooks = project(&env).join(".github/hooks/frontier.json");
    let lint = json!({"type": "command", "bash": "./lint.sh", "timeoutSec": 5});
    let stale =
        json!({"type": "command", "bash": "/old/frontier hook --host copilot", "timeoutSec": 30, "env": {"A": "1"}});
    write(
        &hooks,
        &serde_json::to_string_pretty(&json!({"version": 1, "disableAllHooks": false, "hooks": {
            "sessionStart": [lint.clone()], "userPromptSubmitted": [lint.clone(), stale]}}))
        .unwrap(),
    );
    let outcome = ok(&env, &["install", "copilot", "--project", "proj"]);
    assert!(outcome.stderr.contains("updated in"), "{outcome}");
    let mut updated = ours();
    updated["env"] = json!({"A": "1"});
    let want = json!({"version": 1, "disableAllHooks": false, "hooks": {
        "sessionStart": [lint.clone()], "userPromptSubmitted": [lint.clone(), updated]}});
    assert_eq!(read_json(&hooks), want);
    assert!(hooks.with_file_name("frontier.json.frontier-backup").is_file(), "the previous file is backed up");
    // Uninstall keeps what is not frontier's, so the file stays.
    ok(&env, &["uninstall", "copilot", "--project", "proj"]);
    assert_eq!(
        read_json(&hooks),
        json!({"version": 1, "disableAllHooks": false, "hooks": {
            "sessionStart": [lint.clone()], "userPromptSubmitted": [lint]}})
    );
}

#[test]
fn a_dry_run_writes_nothing_and_prints_the_change() {
    let env = TestEnv::new();
    let dir = project(&env);
    let outcome = ok(&env, &["install", "copilot", "--project", "proj", "--dry-run"]);
    assert_eq!(tree(&dir), Vec::<String>::new(), "a dry run writes nothing");
    let text = format!("--- stdout ---\n{}--- stderr ---\n{}", outcome.stdout, outcome.stderr)
        .replace(&binary(), "[FRONTIER]")
        .replace(&dir.display().to_string(), "[PROJECT]");
    insta::assert_snapshot!(text);
}

#[test]
fn a_malformed_hooks_file_is_refused_and_left_intact() {
    let env = TestEnv::new();
    let hooks = project(&env).join(".github/hooks/frontier.json");
    write(&hooks, "{\"hooks\": []}\n");
    let outcome = env.frontier(["install", "copilot", "--project", "proj"]).output();
    assert_eq!(outcome.code, Some(1), "{outcome}");
    assert!(outcome.stderr.contains("`hooks` is not an object"), "{outcome}");
    assert_eq!(std::fs::read_to_string(&hooks).unwrap(), "{\"hooks\": []}\n");
}
