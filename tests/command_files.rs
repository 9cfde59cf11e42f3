//! The `/frontier` command ports as users meet them through `frontier install`: the file
//! each host reads (Cursor's command, Windsurf's and Cline's workflows alone; Gemini CLI's
//! command beside its hook), for a project and for the user; idempotence, update in
//! place, a file of that name that is not frontier's, dry runs, and uninstall.

// Tests may panic on what they do not expect.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use common::TestEnv;
use common::files::{ok, project, tree, write};
use pretty_assertions::assert_eq;

/// The hosts frontier writes only a command for, and where it goes in a project.
const COMMAND_ONLY: [(&str, &str); 3] = [
    ("cursor", ".cursor/commands/frontier.md"),
    ("windsurf", ".windsurf/workflows/frontier.md"),
    ("cline", ".clinerules/workflows/frontier.md"),
];

fn template(host: &str) -> String {
    let raw = match host {
        "cursor" => include_str!("../templates/commands/cursor.md"),
        "windsurf" => include_str!("../templates/commands/windsurf.md"),
        "cline" => include_str!("../templates/commands/cline.md"),
        "gemini" => include_str!("../templates/commands/gemini.toml"),
        other => panic!("no template for {other}"),
    };
    let line =
        format!("frontier:command, written by `frontier install {host}`; `frontier uninstall {host}` removes it");
    let marker = if host == "gemini" { format!("# {line}") } else { format!("<!-- {line} -->") };
    raw.replace("%MARKER%", &marker)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn redact(env: &TestEnv, text: &str) -> String {
    text.replace(&project(env).display().to_string(), "[PROJECT]").replace(&env.home().display().to_string(), "[HOME]")
}

#[test]
fn a_host_without_a_hook_gets_its_command_and_nothing_else_then_loses_it_on_uninstall() {
    for (host, file) in COMMAND_ONLY {
        let env = TestEnv::new();
        let dir = project(&env);
        let first = ok(&env, &["install", host, "--project", "proj"]);
        assert_eq!(tree(&dir).last().map(String::as_str), Some(file), "{host}: only the command");
        assert_eq!(read(&dir.join(file)), template(host), "{host}");
        assert!(first.stderr.contains("does not autorun frontier"), "{first}");

        let again = ok(&env, &["install", host, "--project", "proj"]);
        assert!(again.stderr.contains("already installed, nothing to change"), "{again}");
        assert_eq!(read(&dir.join(file)), template(host), "{host}: unchanged");

        ok(&env, &["uninstall", host, "--project", "proj"]);
        assert_eq!(tree(&dir), Vec::<String>::new(), "{host}: the project is as it was");
        let none = ok(&env, &["uninstall", host, "--project", "proj"]);
        assert!(none.stderr.contains("not installed, nothing to remove"), "{none}");
    }
}

#[test]
fn user_commands_go_where_each_host_reads_them() {
    let env = TestEnv::new();
    for (host, file) in [
        ("cursor", ".cursor/commands/frontier.md"),
        ("windsurf", ".codeium/windsurf/global_workflows/frontier.md"),
        ("cline", ".cline/data/workflows/frontier.md"),
        ("gemini", ".gemini/commands/frontier.toml"),
    ] {
        ok(&env, &["install", host, "--user"]);
        assert_eq!(read(&env.home().join(file)), template(host), "{host}");
    }
    // Gemini CLI's own home variable moves its user files, the command with them.
    let moved = TestEnv::new();
    let gemini_home = moved.work_dir().join("gemini-home");
    let outcome = moved.frontier(["install", "gemini", "--user"]).env("GEMINI_CLI_HOME", gemini_home.to_str().unwrap());
    assert_eq!(outcome.output().code, Some(0));
    assert_eq!(read(&gemini_home.join(".gemini/commands/frontier.toml")), template("gemini"));
}

#[test]
fn gemini_gets_its_command_beside_the_hook_and_the_skill() {
    let env = TestEnv::new();
    let dir = project(&env);
    let outcome = ok(&env, &["install", "gemini", "--project", "proj"]);
    assert_eq!(read(&dir.join(".gemini/commands/frontier.toml")), template("gemini"));
    assert!(dir.join(".gemini/settings.json").is_file() && dir.join(".gemini/skills/frontier/SKILL.md").is_file());
    assert!(outcome.stderr.contains("`/frontier <question>` in Gemini CLI"), "{outcome}");
    // The MCP server alone brings no command.
    let mcp = TestEnv::new();
    let mcp_dir = project(&mcp);
    ok(&mcp, &["install", "gemini", "--mcp", "--project", "proj"]);
    assert!(!mcp_dir.join(".gemini/commands").exists());

    ok(&env, &["uninstall", "gemini", "--project", "proj"]);
    assert_eq!(tree(&dir), Vec::<String>::new());
}

#[test]
fn an_older_frontier_command_is_updated_in_place_and_backed_up() {
    let env = TestEnv::new();
    let path = project(&env).join(".cursor/commands/frontier.md");
    let older = "<!-- frontier:command, written by `frontier install cursor`; older -->\nrun frontier\n";
    write(&path, older);
    let outcome = ok(&env, &["install", "cursor", "--project", "proj"]);
    assert!(outcome.stderr.contains("command /frontier updated in"), "{outcome}");
    assert_eq!(read(&path), template("cursor"));
    assert_eq!(read(&path.with_file_name("frontier.md.frontier-backup")), older);
}

#[test]
fn a_file_of_that_name_that_is_not_frontiers_is_refused_and_kept() {
    for (host, file) in [("windsurf", ".windsurf/workflows/frontier.md"), ("gemini", ".gemini/commands/frontier.toml")]
    {
        let env = TestEnv::new();
        let dir = project(&env);
        let mine = "prompt = \"my own /frontier\"\n";
        write(&dir.join(file), mine);
        let outcome = env.frontier(["install", host, "--project", "proj"]).output();
        assert_eq!(outcome.code, Some(1), "{outcome}");
        let named = format!("error: `{}` is not frontier's command", dir.join(file).display());
        assert!(outcome.stderr.starts_with(&named), "{outcome}");
        assert!(outcome.stderr.contains("\nhint: rename or move that file"), "{outcome}");
        // Planned in full first: for Gemini CLI the hook and skill are not written either.
        assert_eq!(tree(&dir).last().map(String::as_str), Some(file), "{host}: nothing else written");
        assert_eq!(read(&dir.join(file)), mine);

        let outcome = ok(&env, &["uninstall", host, "--project", "proj"]);
        assert!(outcome.stderr.contains("that file is not frontier's"), "{outcome}");
        assert_eq!(read(&dir.join(file)), mine, "{host}: left in place");
    }
}

#[test]
fn a_command_dry_run_writes_nothing_and_prints_the_file() {
    let env = TestEnv::new();
    let dir = project(&env);
    let outcome = ok(&env, &["install", "cline", "--project", "proj", "--dry-run"]);
    assert_eq!(tree(&dir), Vec::<String>::new(), "a dry run writes nothing");
    let path = dir.join(".clinerules/workflows/frontier.md");
    let added: String = template("cline").lines().map(|l| format!("+{l}\n")).collect();
    assert!(outcome.stdout.starts_with(&format!("--- /dev/null\n+++ b{}\n@@ ", path.display())), "{outcome}");
    assert!(outcome.stdout.ends_with(&added), "the whole file, added:\n{outcome}");
    insta::assert_snapshot!(redact(&env, &outcome.stderr));
}

#[test]
fn a_first_command_install_tells_how_to_use_it() {
    let env = TestEnv::new();
    let outcome = ok(&env, &["install", "cursor", "--user"]);
    assert_eq!(outcome.stdout, "");
    insta::assert_snapshot!(redact(&env, &outcome.stderr));
}

#[test]
fn a_host_with_neither_hook_nor_command_points_to_mcp() {
    let env = TestEnv::new();
    for host in ["continue", "vscode", "zed"] {
        let outcome = env.frontier(["install", host, "--user"]).output();
        assert_eq!(outcome.code, Some(1), "{outcome}");
        assert!(outcome.stderr.contains("has no prompt hook frontier can use and no /frontier command"), "{outcome}");
        assert!(outcome.stderr.contains(&format!("hint: `frontier install {host} --mcp`")), "{outcome}");
    }
    assert_eq!(tree(&env.home()), Vec::<String>::new(), "nothing written");
}
