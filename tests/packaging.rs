//! The plugin packaging at the repository root: every manifest parses, carries the
//! fields its host requires and points only at files that exist; the skill and the
//! slash command say what agents need; and the hook shim finds the binary (FRONTIER_BIN,
//! then PATH, then ~/.cargo/bin), names the host, and never blocks a turn when the
//! binary is missing.

// Tests may panic on what they do not expect.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use pretty_assertions::assert_eq;
use serde_json::Value;

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn manifest(path: &str) -> Value {
    let text = std::fs::read_to_string(repo().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path} is not JSON: {e}"))
}

fn str_at<'a>(doc: &'a Value, pointer: &str, file: &str) -> &'a str {
    let value = doc.pointer(pointer).and_then(Value::as_str).unwrap_or_default();
    assert!(!value.trim().is_empty(), "{file}: {pointer} is missing or empty");
    value
}

/// Every string in `doc` that is a `./`-relative path.
fn relative_paths(doc: &Value, out: &mut Vec<String>) {
    match doc {
        Value::String(s) if s.starts_with("./") => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| relative_paths(v, out)),
        Value::Object(map) => map.values().for_each(|v| relative_paths(v, out)),
        _ => {}
    }
}

#[test]
fn claude_code_manifests_have_what_claude_code_requires() {
    let plugin = manifest(".claude-plugin/plugin.json");
    assert_eq!(str_at(&plugin, "/name", "plugin.json"), "frontier");
    assert_eq!(str_at(&plugin, "/version", "plugin.json"), VERSION, "the plugin's version is the crate's");
    str_at(&plugin, "/description", "plugin.json");
    // Claude Code loads hooks/hooks.json by itself; naming it again is a duplicate-load error.
    assert!(plugin.get("hooks").is_none(), "plugin.json must not name the default hooks/hooks.json");

    let market = manifest(".claude-plugin/marketplace.json");
    str_at(&market, "/name", "marketplace.json");
    str_at(&market, "/owner/name", "marketplace.json");
    let entries = market["plugins"].as_array().expect("marketplace.json lists plugins");
    assert_eq!(entries.len(), 1);
    assert_eq!(str_at(&entries[0], "/name", "marketplace.json"), "frontier");
    assert_eq!(entries[0]["version"], VERSION);
    let source = str_at(&entries[0], "/source", "marketplace.json");
    assert!(repo().join(source).join(".claude-plugin/plugin.json").is_file(), "source {source} holds the plugin");
}

#[test]
fn codex_manifests_have_what_codex_requires() {
    let plugin = manifest(".codex-plugin/plugin.json");
    assert_eq!(str_at(&plugin, "/name", "plugin.json"), "frontier");
    assert_eq!(str_at(&plugin, "/version", "plugin.json"), VERSION);
    str_at(&plugin, "/description", "plugin.json");
    str_at(&plugin, "/interface/displayName", "plugin.json");
    assert_eq!(str_at(&plugin, "/skills", "plugin.json"), "./skills/");
    assert_eq!(str_at(&plugin, "/hooks", "plugin.json"), "./hooks/hooks.json");
    for prompt in plugin["interface"]["defaultPrompt"].as_array().into_iter().flatten() {
        assert!(prompt.as_str().is_some_and(|p| p.len() <= 128), "Codex drops default prompts over 128 characters");
    }

    let market = manifest(".agents/plugins/marketplace.json");
    str_at(&market, "/name", "marketplace.json");
    let entries = market["plugins"].as_array().expect("marketplace.json lists plugins");
    assert_eq!(entries.len(), 1);
    assert_eq!(str_at(&entries[0], "/name", "marketplace.json"), "frontier");
    assert_eq!(str_at(&entries[0], "/source/source", "marketplace.json"), "local");
    assert_eq!(str_at(&entries[0], "/policy/installation", "marketplace.json"), "AVAILABLE");
    assert_eq!(str_at(&entries[0], "/policy/authentication", "marketplace.json"), "ON_INSTALL");
    str_at(&entries[0], "/category", "marketplace.json");
    // Local sources are relative to the marketplace root, the directory holding `.agents/`.
    let source = str_at(&entries[0], "/source/path", "marketplace.json");
    assert!(repo().join(source).join(".codex-plugin/plugin.json").is_file(), "source {source} holds the plugin");
}

#[test]
fn every_path_a_manifest_names_exists() {
    for file in [
        ".claude-plugin/plugin.json",
        ".claude-plugin/marketplace.json",
        ".codex-plugin/plugin.json",
        ".agents/plugins/marketplace.json",
        "hooks/hooks.json",
    ] {
        let mut paths = Vec::new();
        relative_paths(&manifest(file), &mut paths);
        for path in paths {
            assert!(repo().join(&path).exists(), "{file} names {path}, which does not exist");
        }
    }
    // The default locations the hosts read without being told.
    for path in ["hooks/hooks.json", "skills/frontier/SKILL.md", "commands/frontier.md"] {
        assert!(repo().join(path).is_file(), "{path}");
    }
}

#[test]
fn the_plugin_hook_runs_the_shim_on_prompt_submit_with_a_600_second_timeout() {
    let hooks = manifest("hooks/hooks.json");
    let events: Vec<&String> = hooks["hooks"].as_object().expect("a `hooks` object").keys().collect();
    assert_eq!(events, ["UserPromptSubmit"]);
    let groups = hooks["hooks"]["UserPromptSubmit"].as_array().unwrap();
    assert_eq!(groups.len(), 1);
    let handlers = groups[0]["hooks"].as_array().unwrap();
    assert_eq!(handlers.len(), 1);
    assert_eq!(handlers[0]["type"], "command");
    assert_eq!(handlers[0]["timeout"], 600, "seconds, in both Claude Code and Codex");
    let command = handlers[0]["command"].as_str().unwrap();
    assert_eq!(command, "\"${CLAUDE_PLUGIN_ROOT}/hooks/frontier-hook\"");
    let shim = repo().join("hooks/frontier-hook");
    let mode = std::fs::metadata(&shim).unwrap().permissions().mode();
    assert_eq!(mode & 0o111, 0o111, "the shim is executable");
}

#[test]
fn the_skill_and_the_slash_command_say_what_agents_need() {
    let skill = std::fs::read_to_string(repo().join("skills/frontier/SKILL.md")).unwrap();
    let front = frontmatter(&skill);
    assert!(front.contains("\nname: frontier\n"), "{front}");
    assert!(front.contains("\ndescription: "), "{front}");
    for needed in [
        "frontier catalog",
        "Never guess a model id",
        "frontier run",
        "frontier mode",
        "frontier status",
        "frontier compose",
        "frontier preset",
        "frontier doctor",
        "frontier tune",
        "Frontier ON (<label>)",
        "frontier status --scope codex-project --json",
        // When an agent should and should not call the MCP server's tools.
        "**Call `fuse` when",
        "**Do not call `fuse`**",
        "already fused",
        "- `ask`:",
        "- `catalog`:",
        "- `runs`:",
        "`show`:",
    ] {
        assert!(skill.contains(needed), "SKILL.md does not mention {needed:?}");
    }

    let command = std::fs::read_to_string(repo().join("commands/frontier.md")).unwrap();
    let front = frontmatter(&command);
    assert!(front.contains("\ndescription: "), "{front}");
    assert!(front.contains("\nallowed-tools: Bash(frontier:*)\n"), "{front}");
    assert!(command.contains("!`frontier status --scope claude-project`"), "runs status first");
    assert!(command.contains("frontier $ARGUMENTS"), "passes the arguments through");
}

/// The `---` block at the top of a Markdown file, with its delimiters' newlines.
fn frontmatter(text: &str) -> &str {
    assert!(text.starts_with("---\n"), "starts with frontmatter");
    let end = text[4..].find("\n---\n").expect("frontmatter ends") + 4;
    &text[3..=end]
}

// -- the shim ---------------------------------------------------------------------

/// A fake `frontier` that prints its arguments and its stdin, and exits 0.
fn fake(dir: &Path, name: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let path = dir.join("frontier");
    // Written by a shell, so that no other test's fork holds it open for writing when it
    // runs ("Text file busy").
    let script = format!("#!/bin/sh\necho \"{name}: $*\"\n/bin/cat\n");
    let written = Command::new("/bin/sh")
        .args(["-c", r#"printf '%s' "$1" > "$0" && chmod 755 "$0""#])
        .arg(&path)
        .arg(script)
        .status()
        .unwrap();
    assert!(written.success());
    path
}

/// Runs the shim with `sh`, in `cwd`, with only `vars` in its environment and `stdin`.
/// Fails the test if the shim does not read all of its stdin: a host writing the hook's
/// input must never meet a closed pipe.
fn shim(cwd: &Path, vars: &[(&str, &Path)], args: &[&str], stdin: &str) -> Output {
    use std::io::Write as _;
    let mut child = Command::new("/bin/sh")
        .arg(repo().join("hooks/frontier-hook"))
        .args(args)
        .env_clear()
        .envs(vars.iter().map(|(k, v)| (*k, *v)))
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let written = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    let output = child.wait_with_output().unwrap();
    assert!(written.is_ok(), "the shim did not read its stdin to the end: {written:?}");
    output
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn the_shim_prefers_frontier_bin_then_path_then_cargo_bin() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let explicit = fake(&t.join("explicit"), "FRONTIER_BIN");
    let on_path = t.join("path");
    fake(&on_path, "PATH");
    let home = t.join("home");
    fake(&home.join(".cargo/bin"), "cargo");
    let stdin = "{\"hook_event_name\":\"UserPromptSubmit\",\"prompt\":\"hi\"}";

    let all: &[(&str, &Path)] = &[("FRONTIER_BIN", &explicit), ("PATH", &on_path), ("HOME", &home)];
    let out = shim(t, all, &[], stdin);
    assert_eq!(
        (out.status.code(), text(&out.stdout), text(&out.stderr)),
        (Some(0), format!("FRONTIER_BIN: hook\n{stdin}"), String::new())
    );

    let out = shim(t, &[("PATH", &on_path), ("HOME", &home)], &[], stdin);
    assert_eq!(text(&out.stdout), format!("PATH: hook\n{stdin}"));

    let out = shim(t, &[("PATH", &t.join("empty")), ("HOME", &home)], &[], stdin);
    assert_eq!(text(&out.stdout), format!("cargo: hook\n{stdin}"));

    // A FRONTIER_BIN that is not an executable file falls through to PATH.
    let out = shim(t, &[("FRONTIER_BIN", &t.join("nope")), ("PATH", &on_path)], &[], stdin);
    assert_eq!(text(&out.stdout), format!("PATH: hook\n{stdin}"));
}

#[test]
fn the_shim_names_the_host_it_runs_under() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let bin = fake(&t.join("bin"), "f");
    let root = t.join("plugin");
    let other = t.join("elsewhere");
    let host = |vars: &[(&str, &Path)], args: &[&str]| {
        let mut all = vec![("FRONTIER_BIN", bin.as_path())];
        all.extend_from_slice(vars);
        text(&shim(t, &all, args, "").stdout)
    };
    // Claude Code sets CLAUDE_PLUGIN_ROOT only; Codex sets PLUGIN_ROOT too, to the same path.
    assert_eq!(host(&[("CLAUDE_PLUGIN_ROOT", &root)], &[]), "f: hook --host claude-code\n");
    assert_eq!(host(&[("CLAUDE_PLUGIN_ROOT", &root), ("PLUGIN_ROOT", &root)], &[]), "f: hook --host codex\n");
    // A PLUGIN_ROOT inherited from elsewhere does not make it Codex.
    assert_eq!(host(&[("CLAUDE_PLUGIN_ROOT", &root), ("PLUGIN_ROOT", &other)], &[]), "f: hook --host claude-code\n");
    // Outside a plugin, `frontier hook` tells the host from its stdin; an explicit host wins.
    assert_eq!(host(&[], &[]), "f: hook\n");
    assert_eq!(host(&[("CLAUDE_PLUGIN_ROOT", &root)], &["--host", "gemini"]), "f: hook --host gemini\n");
}

#[test]
fn without_a_binary_the_shim_says_how_to_install_it_and_lets_the_turn_go_on() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let empty = t.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let big = format!("{{\"prompt\":\"{}\"}}", "x".repeat(256 * 1024));
    let out = shim(t, &[("PATH", &empty), ("HOME", t)], &[], &big);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), "", "nothing on stdout: the host adds nothing to the turn");
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("cargo install --path <frontier checkout>") && stderr.contains("FRONTIER_BIN"), "{stderr}");
}
