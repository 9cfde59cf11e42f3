//! `frontier install opencode|kilo` and `uninstall`: frontier's plugin file in the host's
//! config directory (a project's `.opencode/plugins/` or `.kilo/plugins/`, or the user's
//! `$XDG_CONFIG_HOME/<host>/plugins/`), idempotence, updating an older frontier plugin,
//! refusing a file of that name that frontier did not write, dry runs; and `frontier hook
//! --host opencode|kilo` answering the plugin's event in the shape the plugin reads.

// Tests may panic on what they do not expect.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use common::TestEnv;
use common::files::{binary, ok, project, tree, write};
use pretty_assertions::assert_eq;
use serde_json::Value;

const SKILL: &str = include_str!("../skills/frontier/SKILL.md");
const TEMPLATE: &str = include_str!("../plugins/opencode/frontier.js");

/// The plugin `install` writes for `host`: the template with this binary and the host.
fn plugin(host: &str) -> String {
    TEMPLATE
        .replacen("const FRONTIER = \"frontier\";", &format!("const FRONTIER = {};", Value::from(binary())), 1)
        .replacen("const HOST = \"opencode\";", &format!("const HOST = \"{host}\";"), 1)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn a_project_install_writes_the_plugin_and_the_skill_and_uninstall_takes_them_away() {
    for (host, dir) in [("opencode", ".opencode"), ("kilo", ".kilo")] {
        let env = TestEnv::new();
        let proj = project(&env);
        let outcome = ok(&env, &["install", host, "--project", "proj"]);
        let file = proj.join(dir).join("plugins/frontier.js");
        assert_eq!(read(&file), plugin(host), "{host}");
        assert_eq!(read(&proj.join(dir).join("skills/frontier/SKILL.md")), SKILL, "{host}");
        assert!(outcome.stderr.contains(&format!("hook    chat.message added to {}", file.display())), "{outcome}");
        assert!(outcome.stderr.contains(&format!("--scope {host}-project")), "{outcome}");

        let again = ok(&env, &["install", host, "--project", "proj"]);
        assert!(again.stderr.contains("already installed, nothing to change"), "{again}");
        assert_eq!(read(&file), plugin(host), "byte-identical");

        ok(&env, &["uninstall", host, "--project", "proj"]);
        assert_eq!(tree(&proj), Vec::<String>::new(), "{host}: no file, backup or empty directory left");
    }
}

#[test]
fn user_installs_go_to_the_xdg_config_dir() {
    let env = TestEnv::new();
    ok(&env, &["install", "opencode", "--user"]);
    let opencode = env.home().join(".config/opencode");
    assert_eq!(read(&opencode.join("plugins/frontier.js")), plugin("opencode"));
    assert_eq!(read(&opencode.join("skills/frontier/SKILL.md")), SKILL);

    let xdg = env.work_dir().join("xdg");
    let outcome =
        env.frontier(["install", "kilo", "--user"]).env("XDG_CONFIG_HOME", &xdg.display().to_string()).output();
    assert_eq!(outcome.code, Some(0), "{outcome}");
    assert_eq!(read(&xdg.join("kilo/plugins/frontier.js")), plugin("kilo"));
    assert!(!env.home().join(".config/kilo").exists());
}

#[test]
fn an_older_frontier_plugin_is_updated_in_place_and_backed_up() {
    let env = TestEnv::new();
    let file = project(&env).join(".opencode/plugins/frontier.js");
    let older = "// frontier's plugin for OpenCode and Kilo, written by `frontier install opencode|kilo`.\n\
                 const FRONTIER = \"/old/place/frontier\";\n";
    write(&file, older);
    let outcome = ok(&env, &["install", "opencode", "--project", "proj"]);
    assert!(outcome.stderr.contains("hook    chat.message updated in"), "{outcome}");
    assert_eq!(read(&file), plugin("opencode"));
    assert_eq!(read(&file.with_file_name("frontier.js.frontier-backup")), older);
    // The backup's name is not a plugin the host loads (`plugins/*.{js,ts}`).
    assert!(!file.with_file_name("frontier.js.frontier-backup").display().to_string().ends_with(".js"));
}

#[test]
fn a_file_of_that_name_frontier_did_not_write_is_refused_and_left_intact() {
    let env = TestEnv::new();
    let proj = project(&env);
    let file = proj.join(".kilo/plugins/frontier.js");
    let theirs = "export const Frontier = async () => ({});\n";
    write(&file, theirs);
    let before = tree(&proj);
    let outcome = env.frontier(["install", "kilo", "--project", "proj"]).output();
    assert_eq!(outcome.code, Some(1), "{outcome}");
    assert!(outcome.stderr.contains("it is not a plugin frontier wrote"), "{outcome}");
    assert!(outcome.stderr.contains("hint: move or rename that file"), "{outcome}");
    assert_eq!((read(&file), tree(&proj)), (theirs.to_string(), before.clone()), "nothing written, not even the skill");

    let outcome = ok(&env, &["uninstall", "kilo", "--project", "proj"]);
    assert!(outcome.stderr.contains("not installed, nothing to remove"), "{outcome}");
    assert_eq!((read(&file), tree(&proj)), (theirs.to_string(), before));
}

#[test]
fn a_dry_run_writes_nothing_and_prints_the_plugin_it_would_write() {
    let env = TestEnv::new();
    let proj = project(&env);
    let outcome = ok(&env, &["install", "opencode", "--project", "proj", "--dry-run"]);
    assert_eq!(tree(&proj), Vec::<String>::new(), "a dry run writes nothing");
    let text = format!("--- stdout ---\n{}--- stderr ---\n{}", outcome.stdout, outcome.stderr);
    insta::assert_snapshot!(text.replace(&binary(), "[FRONTIER]").replace(&proj.display().to_string(), "[PROJECT]"));
}

// -- the hook, as the plugin calls it ------------------------------------------------

/// What the plugin sent from inside the real OpenCode 1.18.33 (`opencode run "..."`
/// quotes its argument), with `cwd` set to `dir`.
fn event(dir: &Path) -> String {
    serde_json::json!({
        "hook_event_name": "chat.message",
        "session_id": "ses_dae033116ffecP7EBWhRd6cQbD",
        "cwd": dir,
        "prompt": "\"why does this deadlock when two threads lock in turn?\"",
    })
    .to_string()
}

#[test]
fn the_hook_answers_the_plugin_with_a_top_level_context_only_when_its_hosts_scope_is_armed() {
    let env = TestEnv::new();
    // The workspace is the directory commands run in, as the host's would be.
    let proj = env.work_dir().canonicalize().unwrap();
    std::fs::create_dir_all(proj.join(".git")).unwrap();
    let hook = |host: &str| env.frontier(["hook", "--host", host]).stdin(&event(&proj)).output();
    for host in ["opencode", "kilo"] {
        let quiet = hook(host);
        assert_eq!((quiet.code, quiet.stdout.as_str(), quiet.stderr.as_str()), (Some(0), "", ""), "{host} off");
    }
    ok(&env, &["mode", "fusion", "--preset", "demo", "--scope", "opencode-project"]);

    let out = hook("opencode");
    assert_eq!(out.code, Some(0), "{out}");
    let value: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {out}"));
    let keys: Vec<&String> = value.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["additionalContext"]);
    let context = value["additionalContext"].as_str().unwrap();
    assert!(context.starts_with("⚡ Frontier · fusion · demo · 3 models · "), "{context}");
    assert!(context.contains("[[end frontier-answer "), "{context}");
    // Kilo's scope is its own: arming OpenCode's does not arm it.
    assert_eq!(hook("kilo").stdout, "");
}
