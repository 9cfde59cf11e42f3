//! `frontier install HOST --mcp` and `uninstall --mcp` for the hosts beyond Claude Code,
//! Codex and Gemini CLI, in each one's own file and shape: the entry each gets, merging
//! with the servers and keys already there, idempotence, backups, uninstall taking out
//! frontier's entry only, the locations a host lacks, files with comments, Continue's
//! block file, and dry runs.

// Tests may panic on what they do not expect.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::files::{binary, project, read_json, write};
use common::{Outcome, TestEnv};
use pretty_assertions::assert_eq;
use serde_json::{Value, json};

fn run(env: &TestEnv, args: &[&str]) -> Outcome {
    env.frontier(args).output()
}

fn ok(env: &TestEnv, args: &[&str]) -> Outcome {
    let outcome = run(env, args);
    assert_eq!(outcome.code, Some(0), "frontier {}:\n{outcome}", args.join(" "));
    outcome
}

/// (host, the user file under HOME, the project file or None, the server table, the entry)
fn json_hosts() -> Vec<(&'static str, &'static str, Option<&'static str>, &'static str, Value)> {
    let b = binary();
    vec![
        (
            "qwen",
            ".qwen/settings.json",
            Some(".qwen/settings.json"),
            "mcpServers",
            json!({"command": b, "args": ["mcp"], "timeout": 600_000}),
        ),
        (
            "copilot",
            ".copilot/mcp-config.json",
            Some(".github/mcp.json"),
            "mcpServers",
            json!({"type": "local", "command": b, "args": ["mcp"], "tools": ["*"], "timeout": 600_000}),
        ),
        (
            "opencode",
            ".config/opencode/opencode.json",
            Some("opencode.json"),
            "mcp",
            json!({"type": "local", "command": [b, "mcp"], "enabled": true, "timeout": 600_000}),
        ),
        (
            "kilo",
            ".config/kilo/kilo.json",
            Some("kilo.json"),
            "mcp",
            json!({"type": "local", "command": [b, "mcp"], "enabled": true, "timeout": 600_000}),
        ),
        (
            "droid",
            ".factory/mcp.json",
            Some(".factory/mcp.json"),
            "mcpServers",
            json!({"type": "stdio", "command": b, "args": ["mcp"], "disabled": false}),
        ),
        (
            "cline",
            ".cline/data/settings/cline_mcp_settings.json",
            None,
            "mcpServers",
            json!({"type": "stdio", "command": b, "args": ["mcp"], "disabled": false, "timeout": 600}),
        ),
        ("cursor", ".cursor/mcp.json", Some(".cursor/mcp.json"), "mcpServers", json!({"command": b, "args": ["mcp"]})),
        ("windsurf", ".codeium/windsurf/mcp_config.json", None, "mcpServers", json!({"command": b, "args": ["mcp"]})),
        (
            "vscode",
            ".config/Code/User/mcp.json",
            Some(".vscode/mcp.json"),
            "servers",
            json!({"type": "stdio", "command": b, "args": ["mcp"]}),
        ),
        (
            "zed",
            ".config/zed/settings.json",
            Some(".zed/settings.json"),
            "context_servers",
            json!({"command": b, "args": ["mcp"]}),
        ),
    ]
}

#[test]
fn each_host_gets_its_own_entry_in_its_own_file_for_the_user_and_a_project() {
    let env = TestEnv::new();
    let proj = project(&env);
    for (host, user, in_project, table, entry) in json_hosts() {
        ok(&env, &["install", host, "--mcp", "--user"]);
        assert_eq!(read_json(&env.home().join(user)), json!({table: {"frontier": entry.clone()}}), "{host}");
        let Some(file) = in_project else {
            let outcome = run(&env, &["install", host, "--mcp", "--project", "proj"]);
            assert_eq!(outcome.code, Some(2), "{host}: {outcome}");
            assert!(outcome.stderr.contains("has no project file for MCP servers"), "{host}: {outcome}");
            assert!(outcome.stderr.contains(&format!("`frontier install {host} --mcp --user`")), "{outcome}");
            continue;
        };
        ok(&env, &["install", host, "--mcp", "--project", "proj"]);
        assert_eq!(read_json(&proj.join(file)), json!({table: {"frontier": entry}}), "{host}");
    }
}

#[test]
fn an_install_merges_is_idempotent_and_an_uninstall_restores_the_file() {
    for (host, user, _, table, entry) in json_hosts() {
        let env = TestEnv::new();
        let path = env.home().join(user);
        let theirs = json!({"command": "docs-mcp", "args": ["--stdio"]});
        let original = json!({"theme": "dark", table: {"docs": theirs}, "zz": [1, 2]});
        write(&path, &serde_json::to_string_pretty(&original).unwrap());
        let installed = ok(&env, &["install", host, "--mcp", "--user"]);
        assert!(installed.stderr.contains("server  frontier added to"), "{host}: {installed}");
        let mut expected = original.clone();
        expected[table]["frontier"] = entry;
        assert_eq!(read_json(&path), expected, "{host}");
        let keys: Vec<String> = read_json(&path)[table].as_object().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["docs", "frontier"], "{host}: frontier goes after the user's servers");
        let backup = std::fs::read_to_string(
            path.with_file_name(format!("{}.frontier-backup", path.file_name().unwrap().to_string_lossy())),
        )
        .unwrap();
        assert_eq!(serde_json::from_str::<Value>(&backup).unwrap(), original, "{host}: the backup");

        let first = std::fs::read(&path).unwrap();
        let again = ok(&env, &["install", host, "--mcp", "--user"]);
        assert!(again.stderr.contains("already installed, nothing to change"), "{host}: {again}");
        assert_eq!(std::fs::read(&path).unwrap(), first, "{host}: byte-identical");

        let removed = ok(&env, &["uninstall", host, "--mcp", "--user"]);
        assert!(removed.stderr.contains("server  frontier removed from"), "{host}: {removed}");
        assert_eq!(read_json(&path), original, "{host}: only frontier's entry goes");
        let none = ok(&env, &["uninstall", host, "--mcp", "--user"]);
        assert!(none.stderr.contains("not installed, nothing to remove"), "{host}: {none}");
    }
}

#[test]
fn a_server_of_the_users_named_frontier_is_refused_and_left_intact() {
    let env = TestEnv::new();
    let path = env.home().join(".config/opencode/opencode.json");
    let text = "{\n  \"mcp\": {\"frontier\": {\"type\": \"local\", \"command\": [\"npx\", \"their-frontier\"]}}\n}\n";
    write(&path, text);
    for verb in ["install", "uninstall"] {
        let outcome = run(&env, &[verb, "opencode", "--mcp", "--user"]);
        assert_eq!(outcome.code, Some(1), "{outcome}");
        assert!(outcome.stderr.contains("`mcp.frontier` is another server: it runs `npx`, not frontier"), "{outcome}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), text, "left intact");
    }
}

#[test]
fn a_file_with_comments_is_refused_with_the_entry_to_add_by_hand() {
    let env = TestEnv::new();
    let path = env.home().join(".config/zed/settings.json");
    let text = "// Zed settings\n{\n  \"theme\": \"One Dark\", // mine\n}\n";
    write(&path, text);
    let outcome = run(&env, &["install", "zed", "--mcp", "--user"]);
    assert_eq!(outcome.code, Some(1), "{outcome}");
    assert_eq!(
        outcome.stderr.replace(&binary(), "[FRONTIER]").replace(&env.home().display().to_string(), "[HOME]"),
        "error: `[HOME]/.config/zed/settings.json` is not plain JSON (comments or trailing commas, which Zed \
         allows); frontier would lose them by rewriting it\n\
         hint: add frontier's entry by hand, under `context_servers`: \"frontier\": \
         {\"command\":\"[FRONTIER]\",\"args\":[\"mcp\"]}\n"
    );
    let outcome = run(&env, &["uninstall", "zed", "--mcp", "--user"]);
    assert!(outcome.stderr.contains("hint: take `frontier` out of `context_servers` by hand"), "{outcome}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text, "left intact");
}

#[test]
fn continue_gets_a_block_file_of_frontiers_own() {
    let env = TestEnv::new();
    let proj = project(&env);
    let config = env.home().join(".continue/config.yaml");
    let yaml = "# mine\nmodels: []\nmcpServers:\n  - name: docs\n    command: docs-mcp\n";
    write(&config, yaml);
    let block = format!(
        "# Written by `frontier install continue --mcp`; `frontier uninstall` removes it.\n\
         name: frontier\nversion: 0.0.1\nschema: v1\nmcpServers:\n  - name: \"frontier\"\n    type: \"stdio\"\n    \
         command: \"{}\"\n    args:\n      - \"mcp\"\n",
        binary()
    );
    ok(&env, &["install", "continue", "--mcp", "--user"]);
    let user = env.home().join(".continue/mcpServers/frontier.yaml");
    assert_eq!(std::fs::read_to_string(&user).unwrap(), block);
    assert_eq!(std::fs::read_to_string(&config).unwrap(), yaml, "the user's config.yaml is not touched");
    let again = ok(&env, &["install", "continue", "--mcp", "--user"]);
    assert!(again.stderr.contains("already installed, nothing to change"), "{again}");
    ok(&env, &["uninstall", "continue", "--mcp", "--user"]);
    assert!(!user.exists());

    ok(&env, &["install", "continue", "--mcp", "--project", "proj"]);
    assert_eq!(std::fs::read_to_string(proj.join(".continue/mcpServers/frontier.yaml")).unwrap(), block);
    ok(&env, &["uninstall", "continue", "--mcp", "--project", "proj"]);
    assert!(!proj.join(".continue").exists(), "the directories it made go with it");

    let theirs = proj.join(".continue/mcpServers/frontier.yaml");
    write(&theirs, "name: mine\n");
    for verb in ["install", "uninstall"] {
        let outcome = run(&env, &[verb, "continue", "--mcp", "--project", "proj"]);
        assert_eq!(outcome.code, Some(1), "{outcome}");
        assert!(outcome.stderr.contains("it is not a file frontier wrote"), "{outcome}");
        assert_eq!(std::fs::read_to_string(&theirs).unwrap(), "name: mine\n");
    }
}

#[test]
fn a_dry_run_writes_nothing_and_prints_the_change() {
    let env = TestEnv::new();
    let path = env.home().join(".copilot/mcp-config.json");
    write(&path, "{\n  \"mcpServers\": {\n    \"docs\": {\"command\": \"docs-mcp\"}\n  }\n}\n");
    let before = std::fs::read(&path).unwrap();
    let outcome = ok(&env, &["install", "copilot", "--mcp", "--user", "--dry-run"]);
    assert_eq!(std::fs::read(&path).unwrap(), before, "a dry run writes nothing");
    insta::assert_snapshot!(
        format!("--- stdout ---\n{}--- stderr ---\n{}", outcome.stdout, outcome.stderr)
            .replace(&binary(), "[FRONTIER]")
            .replace(&env.home().display().to_string(), "[HOME]")
    );
}
