//! What `status` and `doctor` say about the hosts frontier is registered with: found in
//! each host's own files by reading them only, a file that is a link (dotfiles) counted,
//! and a file that is missing, malformed or not a file never failing either command.

// Tests may panic on what they do not expect.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::TestEnv;
use common::files::write;
use pretty_assertions::assert_eq;
use serde_json::{Value, json};

/// `(whose, host, autoruns, [via])` of a report's `installed`.
fn listed(report: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    for whose in ["workspace", "user"] {
        for h in report["installed"][whose].as_array().unwrap() {
            let vias: Vec<&Value> = h["entries"].as_array().unwrap().iter().map(|e| &e["via"]).collect();
            out.push(json!([whose, h["host"], h["autoruns"], vias]));
        }
    }
    out
}

#[test]
fn status_and_doctor_read_each_hosts_files_and_never_fail_on_them() {
    let env = TestEnv::new();
    let repo = env.work_dir().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    let home = env.home();
    // The user's Claude Code settings are a link into dotfiles: they count.
    let dotfiles = env.work_dir().join("dotfiles/claude-settings.json");
    write(
        &dotfiles,
        r#"{"hooks":{"UserPromptSubmit":[{"hooks":[{"type":"command","command":"frontier hook --host claude-code"}]}]}}"#,
    );
    std::fs::create_dir_all(home.join(".claude")).unwrap();
    std::os::unix::fs::symlink(&dotfiles, home.join(".claude/settings.json")).unwrap();
    // Malformed, foreign or not a file: not installed, and no failure.
    write(&home.join(".gemini/settings.json"), "{ not json");
    std::fs::create_dir_all(home.join(".cursor/commands/frontier.md")).unwrap();
    write(&repo.join(".codex/config.toml"), "[mcp_servers.frontier\n");
    write(&repo.join(".mcp.json"), r#"{"mcpServers":{"frontier":{"command":"npx","args":["other"]}}}"#);
    write(&repo.join(".clinerules/workflows/frontier.md"), "# my own workflow\n");
    // frontier's own, through `install`.
    let out = env.command(["install", "windsurf", "--project", "."]).current_dir(&repo).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let expected =
        vec![json!(["workspace", "windsurf", false, ["command"]]), json!(["user", "claude-code", true, ["hook"]])];
    for command in ["status", "doctor"] {
        let out = env.command([command, "--json"]).current_dir(&repo).output().unwrap();
        assert!(out.status.success(), "{command}: {}", String::from_utf8_lossy(&out.stderr));
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(listed(&report), expected, "{command}");
        let human = env.command([command]).current_dir(&repo).output().unwrap();
        assert!(human.status.success(), "{command}");
        let text = String::from_utf8(human.stdout).unwrap();
        assert!(text.contains("Windsurf     no autorun  /frontier workflow"), "{command}:\n{text}");
        assert!(text.contains("Claude Code  autoruns    hook"), "{command}:\n{text}");
    }
}

#[test]
fn a_workspace_at_the_home_directory_lists_its_files_once_as_the_users() {
    let env = TestEnv::new();
    let home = env.home();
    let out = env.command(["install", "cursor", "--user"]).current_dir(&home).output().unwrap();
    assert!(out.status.success());
    let out = env.command(["status", "--json"]).current_dir(&home).output().unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(listed(&report), [json!(["user", "cursor", false, ["command"]])]);
}
