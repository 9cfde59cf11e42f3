//! `frontier install` and `frontier uninstall` as users meet them: the entry each host
//! gets, merging with what is there, idempotence, stale paths, backups, dry runs,
//! removal of frontier's entry only, and the files frontier refuses to touch.

// Tests may panic on what they do not expect.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};

use common::files::{binary, project, read_json, tree, write};
use common::{Outcome, TestEnv};
use pretty_assertions::assert_eq;
use serde_json::{Value, json};

const SKILL: &str = include_str!("../skills/frontier/SKILL.md");

fn command(host: &str) -> String {
    format!("{} hook --host {host}", binary())
}

/// Every file the test could have written to, outside frontier's own home.
fn host_files(env: &TestEnv) -> Vec<(PathBuf, String)> {
    env.files().into_iter().filter(|(p, _)| !p.starts_with(env.frontier_home())).collect()
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn run(env: &TestEnv, args: &[&str]) -> Outcome {
    env.frontier(args).env("CODEX_HOME", &env.home().join("codex-home").display().to_string()).output()
}

fn ok(env: &TestEnv, args: &[&str]) -> Outcome {
    let outcome = run(env, args);
    assert_eq!(outcome.code, Some(0), "frontier {}:\n{outcome}", args.join(" "));
    outcome
}

/// Replaces what varies between runs (temp dirs, the binary's path) in `text`.
fn redact(env: &TestEnv, text: &str) -> String {
    text.replace(&binary(), "[FRONTIER]")
        .replace(&project(env).display().to_string(), "[PROJECT]")
        .replace(&env.work_dir().display().to_string(), "[TMP]")
}

#[test]
fn a_fresh_install_writes_each_hosts_own_entry_and_the_skill() {
    let env = TestEnv::new();
    let proj = project(&env);
    let handler = |host: &str| json!({"type": "command", "command": command(host), "timeout": 600});
    let cases = [
        ("claude-code", ".claude/settings.json", "UserPromptSubmit", handler("claude-code"), ".claude/skills"),
        ("codex", ".codex/hooks.json", "UserPromptSubmit", handler("codex"), ".agents/skills"),
        (
            "gemini",
            ".gemini/settings.json",
            "BeforeAgent",
            json!({"name": "frontier", "type": "command", "command": command("gemini"), "timeout": 600_000}),
            ".gemini/skills",
        ),
    ];
    for (host, file, event, handler, skills) in cases {
        ok(&env, &["install", host, "--project", "proj"]);
        let settings = proj.join(file);
        assert_eq!(read_json(&settings), json!({"hooks": {event: [{"hooks": [handler]}]}}), "{host}");
        assert_eq!(mode(&settings), 0o600, "{host}");
        let skill = proj.join(skills).join("frontier/SKILL.md");
        assert_eq!(std::fs::read_to_string(&skill).unwrap(), SKILL, "{host}");
        assert!(!proj.join(format!("{file}.frontier-backup")).exists(), "nothing to back up for a new file");
    }
}

#[test]
fn user_installs_go_to_each_hosts_home() {
    let env = TestEnv::new();
    let home = env.home();
    ok(&env, &["install", "claude-code", "--user"]);
    ok(&env, &["install", "codex", "--user"]);
    ok(&env, &["install", "gemini", "--user"]);
    for (settings, skill) in [
        (".claude/settings.json", ".claude/skills/frontier/SKILL.md"),
        ("codex-home/hooks.json", ".agents/skills/frontier/SKILL.md"),
        (".gemini/settings.json", ".gemini/skills/frontier/SKILL.md"),
    ] {
        assert!(read_json(&home.join(settings))["hooks"].is_object(), "{settings}");
        assert_eq!(std::fs::read_to_string(home.join(skill)).unwrap(), SKILL, "{skill}");
    }
    assert!(!home.join(".codex").exists(), "CODEX_HOME is honoured");

    // Without CODEX_HOME, Codex's home is ~/.codex.
    let plain = TestEnv::new();
    let outcome = plain.frontier(["install", "codex", "--user"]).output();
    assert_eq!(outcome.code, Some(0), "{outcome}");
    assert!(plain.home().join(".codex/hooks.json").is_file());
}

#[test]
fn merging_keeps_every_other_key_and_hook_in_order() {
    let env = TestEnv::new();
    let settings = project(&env).join(".claude/settings.json");
    let original = json!({
        "model": "opus",
        "permissions": {"allow": ["Bash(ls:*)"]},
        "hooks": {
            "Stop": [{"hooks": [{"type": "command", "command": "notify-send done"}]}],
            "UserPromptSubmit": [{"matcher": "", "hooks": [{"type": "command", "command": "lint-prompt", "timeout": 5}]}]
        },
        "statusLine": {"type": "command", "command": "frontier statusline"}
    });
    write(&settings, &serde_json::to_string_pretty(&original).unwrap());
    ok(&env, &["install", "claude-code", "--project", "proj"]);
    let merged = read_json(&settings);
    let mut expected = original.clone();
    expected["hooks"]["UserPromptSubmit"]
        .as_array_mut()
        .unwrap()
        .push(json!({"hooks": [{"type": "command", "command": command("claude-code"), "timeout": 600}]}));
    assert_eq!(merged, expected);
    let keys: Vec<&String> = merged.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["model", "permissions", "hooks", "statusLine"], "key order is kept");
    let events: Vec<&String> = merged["hooks"].as_object().unwrap().keys().collect();
    assert_eq!(events, ["Stop", "UserPromptSubmit"]);
}

#[test]
fn a_second_install_changes_nothing() {
    let env = TestEnv::new();
    let settings = project(&env).join(".gemini/settings.json");
    write(&settings, "{\n    \"theme\": \"dark\"\n}\n");
    ok(&env, &["install", "gemini", "--project", "proj"]);
    let first = std::fs::read(&settings).unwrap();
    let backup = std::fs::read(project(&env).join(".gemini/settings.json.frontier-backup")).unwrap();
    let again = ok(&env, &["install", "gemini", "--project", "proj"]);
    assert!(again.stderr.contains("already installed, nothing to change"), "{again}");
    assert_eq!(std::fs::read(&settings).unwrap(), first, "byte-identical");
    assert_eq!(std::fs::read(project(&env).join(".gemini/settings.json.frontier-backup")).unwrap(), backup);
    assert!(
        String::from_utf8(first).unwrap().contains("\n    \"theme\": \"dark\",\n"),
        "the file's 4-space indent is kept"
    );
}

#[test]
fn a_stale_frontier_entry_is_updated_in_place() {
    let env = TestEnv::new();
    let hooks = env.home().join("codex-home/hooks.json");
    let stale = json!({"hooks": {"UserPromptSubmit": [
        {"hooks": [{"type": "command", "command": "/old/place/frontier hook --host codex", "timeout": 30}]},
        {"hooks": [{"type": "command", "command": "other-hook"}]}
    ]}});
    write(&hooks, &serde_json::to_string_pretty(&stale).unwrap());
    let outcome = ok(&env, &["install", "codex", "--user"]);
    assert!(outcome.stderr.contains("UserPromptSubmit updated in"), "{outcome}");
    assert_eq!(
        read_json(&hooks),
        json!({"hooks": {"UserPromptSubmit": [
            {"hooks": [{"type": "command", "command": command("codex"), "timeout": 600}]},
            {"hooks": [{"type": "command", "command": "other-hook"}]}
        ]}})
    );
}

#[test]
fn the_previous_file_is_backed_up_before_a_change() {
    let env = TestEnv::new();
    let settings = project(&env).join(".claude/settings.json");
    let original = "{\"model\": \"sonnet\"}";
    write(&settings, original);
    let outcome = ok(&env, &["install", "claude-code", "--project", "proj"]);
    let backup = project(&env).join(".claude/settings.json.frontier-backup");
    assert_eq!(std::fs::read_to_string(&backup).unwrap(), original);
    assert_eq!(mode(&backup), 0o600);
    assert!(outcome.stderr.contains(&format!("backup  previous contents kept in {}", backup.display())), "{outcome}");

    let skill = project(&env).join(".claude/skills/frontier/SKILL.md");
    write(&skill, "an older frontier skill\n");
    ok(&env, &["install", "claude-code", "--project", "proj"]);
    assert_eq!(std::fs::read_to_string(&skill).unwrap(), SKILL);
    assert_eq!(
        std::fs::read_to_string(project(&env).join(".claude/skills/frontier/SKILL.md.frontier-backup")).unwrap(),
        "an older frontier skill\n"
    );
}

#[test]
fn a_dry_run_writes_nothing_and_prints_the_change() {
    let env = TestEnv::new();
    let settings = project(&env).join(".codex/hooks.json");
    write(&settings, "{\n  \"hooks\": {\n    \"Stop\": []\n  }\n}\n");
    let before = host_files(&env);
    let outcome = ok(&env, &["install", "codex", "--project", "proj", "--dry-run"]);
    assert_eq!(host_files(&env), before, "a dry run writes nothing");
    assert!(outcome.stdout.starts_with(&format!("--- a{}\n+++ b{}\n", settings.display(), settings.display())));
    insta::assert_snapshot!(redact(
        &env,
        &format!("--- stdout ---\n{}--- stderr ---\n{}", outcome.stdout, outcome.stderr)
    ));

    let fresh = TestEnv::new();
    project(&fresh);
    let before = host_files(&fresh);
    let outcome = fresh.frontier(["uninstall", "gemini", "--project", "proj", "--dry-run"]).output();
    assert_eq!((outcome.code, outcome.stdout.as_str()), (Some(0), ""), "{outcome}");
    assert_eq!(host_files(&fresh), before);
}

#[test]
fn a_first_install_tells_what_is_left_to_do() {
    let env = TestEnv::new();
    project(&env);
    let outcome = ok(&env, &["install", "codex", "--project", "proj"]);
    assert_eq!(outcome.stdout, "");
    insta::assert_snapshot!(redact(&env, &outcome.stderr));
}

#[test]
fn uninstall_removes_only_frontiers_entry_and_its_unchanged_skill() {
    let env = TestEnv::new();
    let settings = project(&env).join(".gemini/settings.json");
    let original = json!({
        "security": {"auth": {"selectedType": "gemini-api-key"}},
        "hooks": {"BeforeAgent": [{"hooks": [{"name": "guard", "type": "command", "command": "guard.sh"}]}]}
    });
    write(&settings, &serde_json::to_string_pretty(&original).unwrap());
    ok(&env, &["install", "gemini", "--project", "proj"]);
    assert_ne!(read_json(&settings), original);
    let outcome = ok(&env, &["uninstall", "gemini", "--project", "proj"]);
    assert!(outcome.stderr.contains("BeforeAgent removed from"), "{outcome}");
    assert_eq!(read_json(&settings), original);
    assert!(!project(&env).join(".gemini/skills/frontier").exists(), "the skill and its directory are gone");

    let again = ok(&env, &["uninstall", "gemini", "--project", "proj"]);
    assert!(again.stderr.contains("not installed, nothing to remove"), "{again}");

    // A skill that is not byte-identical to ours stays.
    ok(&env, &["install", "claude-code", "--project", "proj"]);
    let skill = project(&env).join(".claude/skills/frontier/SKILL.md");
    write(&skill, &format!("{SKILL}\nmy own notes\n"));
    let outcome = ok(&env, &["uninstall", "claude-code", "--project", "proj"]);
    assert!(outcome.stderr.contains("it differs from this frontier's skill"), "{outcome}");
    assert!(skill.is_file());
    // The settings file held only frontier's entry: it goes, rather than stay as `{}`.
    assert!(!project(&env).join(".claude/settings.json").exists());
}

#[test]
fn uninstall_leaves_a_project_that_had_nothing_as_it_found_it() {
    for host in ["claude-code", "codex", "gemini"] {
        for mcp in [false, true] {
            let env = TestEnv::new();
            let dir = project(&env);
            let flag: &[&str] = if mcp { &["--mcp"] } else { &[] };
            ok(&env, &[&["install", host, "--project", "proj"][..], flag].concat());
            assert_ne!(tree(&dir), Vec::<String>::new(), "{host} {flag:?} installed something");
            ok(&env, &[&["uninstall", host, "--project", "proj"][..], flag].concat());
            assert_eq!(tree(&dir), Vec::<String>::new(), "{host} {flag:?}: no file, backup or empty directory left");
        }
    }
}

#[test]
fn a_malformed_file_is_refused_and_left_intact() {
    let env = TestEnv::new();
    let settings = project(&env).join(".claude/settings.json");
    for text in ["{\"hooks\": {\"UserPromptSubmit\": [", "{\"hooks\": []}", "[1, 2]"] {
        write(&settings, text);
        for args in
            [&["install", "claude-code", "--project", "proj"][..], &["uninstall", "claude-code", "--project", "proj"]]
        {
            let outcome = run(&env, args);
            assert_eq!(outcome.code, Some(1), "{outcome}");
            assert!(outcome.stderr.starts_with("error: "), "{outcome}");
            assert!(outcome.stderr.contains(&format!("`{}`", settings.display())), "names the file:\n{outcome}");
            assert!(outcome.stderr.contains("\nhint: frontier leaves a file"), "{outcome}");
            assert_eq!(std::fs::read_to_string(&settings).unwrap(), text, "left intact");
        }
    }
    assert!(!project(&env).join(".claude/settings.json.frontier-backup").exists());
    assert!(!project(&env).join(".claude/skills").exists(), "nothing else was written either");
}

#[test]
fn a_symlinked_settings_file_is_refused() {
    let env = TestEnv::new();
    let target = env.work_dir().join("dotfiles/settings.json");
    write(&target, "{}");
    let link = project(&env).join(".claude/settings.json");
    std::fs::create_dir_all(link.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let outcome = run(&env, &["install", "claude-code", "--project", "proj"]);
    assert_eq!(outcome.code, Some(1), "{outcome}");
    assert!(
        outcome
            .stderr
            .starts_with(&format!("error: refusing to edit `{}`: it is a symbolic link\nhint: ", link.display())),
        "{outcome}"
    );
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "{}");
}

#[test]
fn whose_settings_must_be_said() {
    let env = TestEnv::new();
    for args in [
        &["install", "codex"][..],
        &["uninstall", "gemini"],
        &["install", "codex", "--user", "--project", "proj"],
        &["install", "codex", "--project", "no/such/dir"],
        &["install", "notepad", "--user"],
    ] {
        let outcome = run(&env, args);
        assert_eq!(outcome.code, Some(2), "{outcome}");
        assert!(outcome.stderr.starts_with("error: ") && outcome.stderr.contains("\nhint: "), "{outcome}");
    }
    let outcome = run(&env, &["install", "codex"]);
    assert_eq!(
        outcome.stderr,
        "error: say whose Codex settings to change: --user or --project DIR\n\
         hint: `frontier install codex --user` changes your own settings, for every project; \
         `frontier install codex --project .` changes this project's only\n"
    );
    assert_eq!(host_files(&env), Vec::new(), "nothing written");
}

// -- `--mcp`: frontier's MCP server in each host's own list of servers --------------

fn mcp_json_entry(host: &str) -> Value {
    match host {
        "claude-code" => json!({"type": "stdio", "command": binary(), "args": ["mcp"]}),
        _ => json!({"command": binary(), "args": ["mcp"], "timeout": 600_000}),
    }
}

fn codex_section() -> String {
    format!("[mcp_servers.frontier]\ncommand = \"{}\"\nargs = [\"mcp\"]\ntool_timeout_sec = 600\n", binary())
}

#[test]
fn mcp_installs_write_each_hosts_own_file_for_a_project_and_the_user() {
    let env = TestEnv::new();
    let proj = project(&env);
    let home = env.home();
    for scope in [&["--project", "proj"][..], &["--user"]] {
        for host in ["claude-code", "codex", "gemini"] {
            ok(&env, &[&["install", host, "--mcp"][..], scope].concat());
        }
    }
    assert_eq!(read_json(&proj.join(".mcp.json")), json!({"mcpServers": {"frontier": mcp_json_entry("claude-code")}}));
    assert_eq!(
        read_json(&home.join(".claude.json")),
        json!({"mcpServers": {"frontier": mcp_json_entry("claude-code")}})
    );
    assert_eq!(std::fs::read_to_string(proj.join(".codex/config.toml")).unwrap(), codex_section());
    assert_eq!(std::fs::read_to_string(home.join("codex-home/config.toml")).unwrap(), codex_section());
    for settings in [proj.join(".gemini/settings.json"), home.join(".gemini/settings.json")] {
        assert_eq!(read_json(&settings), json!({"mcpServers": {"frontier": mcp_json_entry("gemini")}}));
    }
    assert!(!proj.join(".claude/settings.json").exists(), "the MCP install registers no hook");
    assert_eq!(std::fs::read_to_string(proj.join(".claude/skills/frontier/SKILL.md")).unwrap(), SKILL);
    assert_eq!(mode(&home.join(".claude.json")), 0o600);
}

#[test]
fn an_mcp_install_merges_into_existing_files_and_a_second_changes_nothing() {
    let env = TestEnv::new();
    let state = env.home().join(".claude.json");
    let original = json!({
        "numStartups": 3,
        "projects": {"/x": {"allowedTools": []}},
        "mcpServers": {"docs": {"type": "stdio", "command": "docs-mcp", "args": []}}
    });
    write(&state, &serde_json::to_string_pretty(&original).unwrap());
    ok(&env, &["install", "claude-code", "--mcp", "--user"]);
    let mut expected = original.clone();
    expected["mcpServers"]["frontier"] = mcp_json_entry("claude-code");
    assert_eq!(read_json(&state), expected);
    let keys: Vec<String> = read_json(&state)["mcpServers"].as_object().unwrap().keys().cloned().collect();
    assert_eq!(keys, ["docs", "frontier"]);
    let first = std::fs::read(&state).unwrap();
    let again = ok(&env, &["install", "claude-code", "--mcp", "--user"]);
    assert!(again.stderr.contains("already installed, nothing to change"), "{again}");
    assert_eq!(std::fs::read(&state).unwrap(), first, "byte-identical");

    let config = env.home().join("codex-home/config.toml");
    let text = "# my codex setup\nmodel = \"gpt-5.5\" # fast enough\n\n[mcp_servers.docs]\ncommand = \"docs-mcp\"\n";
    write(&config, text);
    ok(&env, &["install", "codex", "--mcp", "--user"]);
    assert_eq!(std::fs::read_to_string(&config).unwrap(), format!("{text}\n{}", codex_section()));
    let first = std::fs::read(&config).unwrap();
    ok(&env, &["install", "codex", "--mcp", "--user"]);
    assert_eq!(std::fs::read(&config).unwrap(), first, "byte-identical");
}

#[test]
fn a_stale_mcp_entry_is_updated_and_the_users_keys_kept() {
    let env = TestEnv::new();
    let settings = project(&env).join(".gemini/settings.json");
    write(
        &settings,
        &serde_json::to_string_pretty(&json!({"mcpServers": {"frontier": {
            "command": "/old/place/frontier", "args": ["mcp"], "env": {"FRONTIER_HOME": "/h"}
        }}}))
        .unwrap(),
    );
    let outcome = ok(&env, &["install", "gemini", "--mcp", "--project", "proj"]);
    assert!(outcome.stderr.contains("server  frontier updated in"), "{outcome}");
    assert_eq!(
        read_json(&settings),
        json!({"mcpServers": {"frontier": {
            "command": binary(), "args": ["mcp"], "env": {"FRONTIER_HOME": "/h"}, "timeout": 600_000
        }}})
    );

    let config = project(&env).join(".codex/config.toml");
    write(&config, "[mcp_servers.frontier]\n# pinned by me\ncommand = \"/old/frontier\"\nargs = [\"mcp\"]\n");
    ok(&env, &["install", "codex", "--mcp", "--project", "proj"]);
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        format!(
            "[mcp_servers.frontier]\n# pinned by me\ncommand = \"{}\"\nargs = [\"mcp\"]\ntool_timeout_sec = 600\n",
            binary()
        )
    );
}

#[test]
fn mcp_uninstall_removes_only_frontiers_server_and_keeps_the_skill_the_hook_uses() {
    let env = TestEnv::new();
    let proj = project(&env);
    let settings = proj.join(".gemini/settings.json");
    let original = json!({"mcpServers": {"docs": {"command": "docs-mcp"}}, "ui": {"theme": "dark"}});
    write(&settings, &serde_json::to_string_pretty(&original).unwrap());
    ok(&env, &["install", "gemini", "--project", "proj"]);
    ok(&env, &["install", "gemini", "--mcp", "--project", "proj"]);
    let skill = proj.join(".gemini/skills/frontier/SKILL.md");

    let outcome = ok(&env, &["uninstall", "gemini", "--mcp", "--project", "proj"]);
    assert!(outcome.stderr.contains("server  frontier removed from"), "{outcome}");
    assert!(outcome.stderr.contains("frontier's hook is still registered there and uses it"), "{outcome}");
    assert!(skill.is_file(), "the hook still uses the skill");
    let left = read_json(&settings);
    assert_eq!(left["mcpServers"], original["mcpServers"]);
    assert!(left["hooks"]["BeforeAgent"].is_array(), "the hook is untouched");

    ok(&env, &["uninstall", "gemini", "--project", "proj"]);
    assert_eq!(read_json(&settings), original);
    assert!(!skill.exists(), "neither uses it now");

    // Codex: the TOML section goes, the rest of the file stays byte for byte.
    let config = proj.join(".codex/config.toml");
    let text = "model = \"o3\"\n\n[mcp_servers.docs]\ncommand = \"docs-mcp\"\n";
    write(&config, text);
    ok(&env, &["install", "codex", "--mcp", "--project", "proj"]);
    ok(&env, &["uninstall", "codex", "--mcp", "--project", "proj"]);
    assert_eq!(std::fs::read_to_string(&config).unwrap(), text);
    let again = ok(&env, &["uninstall", "codex", "--mcp", "--project", "proj"]);
    assert!(again.stderr.contains("not installed, nothing to remove"), "{again}");
}

#[test]
fn an_mcp_dry_run_writes_nothing_and_prints_the_change() {
    let env = TestEnv::new();
    let config = env.home().join("codex-home/config.toml");
    write(&config, "# mine\nmodel = \"o3\"\n");
    let before = host_files(&env);
    let outcome = ok(&env, &["install", "codex", "--mcp", "--user", "--dry-run"]);
    assert_eq!(host_files(&env), before, "a dry run writes nothing");
    insta::assert_snapshot!(redact(
        &env,
        &format!("--- stdout ---\n{}--- stderr ---\n{}", outcome.stdout, outcome.stderr)
            .replace(&env.home().display().to_string(), "[HOME]")
    ));
    ok(&env, &["install", "codex", "--mcp", "--user"]);
    let before = host_files(&env);
    let outcome = ok(&env, &["uninstall", "codex", "--mcp", "--user", "--dry-run"]);
    assert_eq!(host_files(&env), before);
    assert!(outcome.stdout.contains(&format!("-[mcp_servers.frontier]\n-command = \"{}\"\n", binary())), "{outcome}");
}

#[test]
fn malformed_or_foreign_mcp_entries_are_refused_and_left_intact() {
    let env = TestEnv::new();
    let proj = project(&env);
    let cases = [
        ("claude-code", proj.join(".mcp.json"), "{\"mcpServers\": {", "is not valid JSON"),
        ("claude-code", proj.join(".mcp.json"), "{\"mcpServers\": []}", "`mcpServers` is not an object"),
        (
            "claude-code",
            proj.join(".mcp.json"),
            "{\"mcpServers\": {\"frontier\": {\"command\": \"npx\", \"args\": [\"other\"]}}}",
            "`mcpServers.frontier` is another server: it runs `npx`, not frontier",
        ),
        ("codex", proj.join(".codex/config.toml"), "[mcp_servers\ncommand = 1\n", "is not valid TOML"),
        ("codex", proj.join(".codex/config.toml"), "mcp_servers = \"no\"\n", "`mcp_servers` is not a table"),
    ];
    for (host, path, text, says) in cases {
        write(&path, text);
        for verb in ["install", "uninstall"] {
            let outcome = run(&env, &[verb, host, "--mcp", "--project", "proj"]);
            assert_eq!(outcome.code, Some(1), "{outcome}");
            assert!(outcome.stderr.starts_with("error: "), "{outcome}");
            assert!(outcome.stderr.contains(&format!("`{}`", path.display())), "names the file:\n{outcome}");
            assert!(outcome.stderr.contains(says), "{says}:\n{outcome}");
            assert!(outcome.stderr.contains("\nhint: frontier leaves a file"), "{outcome}");
            assert_eq!(std::fs::read_to_string(&path).unwrap(), text, "left intact");
        }
    }
    assert!(!proj.join(".claude/skills").exists(), "nothing else was written either");
}
