//! What frontier knows about each host's own files: where its settings and skills live
//! for the user and for a project, which event carries the prompt, the shape of a hook
//! entry and the unit of its timeout, and what the user must still do afterwards.
//!
//! A target for an MCP install (`Target::resolve_mcp`) takes its file from `mcp::path`,
//! which knows every host; it carries the hook's settings and skill only where this file
//! knows them.
//!
//! Facts checked against the hosts' documentation and the CLIs pinned in docs/testing.md
//! (docs/hooks.md lists them): Claude Code and Codex read `UserPromptSubmit` entries with
//! a `timeout` in seconds; Gemini CLI reads `BeforeAgent` entries with a `timeout` in
//! milliseconds and an optional `name`; GitHub Copilot CLI 1.0.102 reads every `*.json`
//! in a project's `.github/hooks/` (trusted folders only) and in `~/.copilot/hooks/`
//! (`$COPILOT_HOME/hooks/`), each `{"version": 1, "hooks": {"userPromptSubmitted": [...]}}`
//! with handlers `{"type": "command", "bash": ..., "timeoutSec": ...}`, and skills in
//! `.github/skills/` and `~/.copilot/skills/`; Qwen Code (`.qwen/settings.json`) and Factory
//! Droid (`.factory/settings.json`) read Claude Code's shape, `timeout` in seconds (Qwen
//! Code reads 1000 or more as milliseconds), and skills from `skills/` beside it.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::{home, mcp};
use crate::config::Host;
use crate::env::Env;
use crate::error::{Error, Result};

/// Seconds a host lets frontier's hook run: the hooks' usual ceiling, above the run's
/// own budget (540 s by default) with room to relay the answer.
pub const HOOK_TIMEOUT_SECS: u64 = 600;

/// Whose settings to edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// The user's own settings, for every project.
    User,
    /// One project's settings, under this (absolute) directory.
    Project(PathBuf),
}

impl Location {
    /// The project's directory, or `None` for the user.
    pub fn project(&self) -> Option<&Path> {
        match self {
            Location::User => None,
            Location::Project(dir) => Some(dir),
        }
    }
}

/// A host and a location, with the files they resolve to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub host: Host,
    pub location: Location,
    settings: Option<PathBuf>,
    skill: Option<PathBuf>,
    mcp: Option<PathBuf>,
}

impl Target {
    /// Resolves the files of `host` at `location`; a user's are in the host's own
    /// directory (`home::user_dir`).
    pub fn resolve(host: Host, location: Location, env: &Env) -> Result<Target> {
        if !host.autoruns() {
            return Err(unsupported(host));
        }
        let (settings, skills) = match &location {
            Location::Project(dir) => match host {
                Host::ClaudeCode => (dir.join(".claude/settings.json"), dir.join(".claude/skills")),
                Host::Codex => (dir.join(".codex/hooks.json"), dir.join(".agents/skills")),
                Host::Gemini => (dir.join(".gemini/settings.json"), dir.join(".gemini/skills")),
                Host::Copilot => (dir.join(COPILOT_HOOKS_FILE), dir.join(".github/skills")),
                Host::Qwen => (dir.join(".qwen/settings.json"), dir.join(".qwen/skills")),
                Host::Droid => (dir.join(".factory/settings.json"), dir.join(".factory/skills")),
                Host::OpenCode | Host::Kilo => plugin_files(&dir.join(plugin_dirs(host))),
                _ => return Err(unsupported(host)),
            },
            Location::User => {
                let dir = home::user_dir(host, env)?;
                match host {
                    // Codex reads skills from the shared `~/.agents/skills`.
                    Host::Codex => (dir.join("hooks.json"), home::home(env)?.join(".agents/skills")),
                    Host::Copilot => (dir.join("hooks/frontier.json"), dir.join("skills")),
                    Host::OpenCode | Host::Kilo => plugin_files(&dir),
                    _ => (dir.join("settings.json"), dir.join("skills")),
                }
            }
        };
        let mcp = mcp::path(host, location.project(), env).ok();
        Ok(Target { host, location, settings: Some(settings), skill: Some(skills.join("frontier/SKILL.md")), mcp })
    }

    /// Resolves the file that lists `host`'s MCP servers at `location` (refused where the
    /// host has none there), with the hook's settings and skill where `resolve` knows them.
    pub fn resolve_mcp(host: Host, location: Location, env: &Env) -> Result<Target> {
        let mcp = mcp::path(host, location.project(), env)?;
        let (settings, skill) = match Target::resolve(host, location.clone(), env) {
            Ok(hook) => (hook.settings, hook.skill),
            Err(_) => (None, None),
        };
        Ok(Target { host, location, settings, skill, mcp: Some(mcp) })
    }

    /// The file that lists the host's MCP servers (none where the host has none here).
    pub fn mcp_path(&self) -> Option<PathBuf> {
        self.mcp.clone()
    }

    /// The settings file that holds the hook entry.
    pub fn settings_path(&self) -> Result<PathBuf> {
        self.settings.clone().ok_or_else(|| unsupported(self.host))
    }

    /// Where the host looks for frontier's skill (none where frontier copies none).
    pub fn skill_path(&self) -> Option<PathBuf> {
        self.skill.clone()
    }
}

/// OpenCode's and Kilo's project config directory and config file.
fn plugin_dirs(host: Host) -> &'static str {
    match host {
        Host::Kilo => ".kilo",
        _ => ".opencode",
    }
}

/// The plugin and skill files of a host that takes frontier as a plugin in its config
/// directory `dir`.
fn plugin_files(dir: &Path) -> (PathBuf, PathBuf) {
    (dir.join("plugins").join(super::plugin::FILE_NAME), dir.join("skills"))
}

/// How a host's hook registration is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HookShape {
    /// Matcher groups under `hooks.<event>`, each with a `hooks` list (`merge`).
    Groups,
    /// A flat list of handlers under `hooks.<event>` in a file of frontier's own
    /// (GitHub Copilot CLI; `merge_copilot`).
    Handlers,
    /// A plugin file the host loads instead of a hook entry (OpenCode, Kilo; `plugin`).
    Plugin,
}

/// How `host`'s hook registration is written.
pub fn hook_shape(host: Host) -> HookShape {
    match host {
        Host::Copilot => HookShape::Handlers,
        Host::OpenCode | Host::Kilo => HookShape::Plugin,
        _ => HookShape::Groups,
    }
}

/// Where a project keeps frontier's Copilot CLI hooks file: a file of its own among the
/// project's `.github/hooks/*.json`.
const COPILOT_HOOKS_FILE: &str = ".github/hooks/frontier.json";

/// Whether GitHub Copilot CLI has frontier's own hook registered for a session in one of
/// `projects` (their `.github/hooks/`) or for the user (`$COPILOT_HOME/hooks/`).
pub fn copilot_hook_registered(projects: &[PathBuf], env: &Env) -> bool {
    let mut dirs: Vec<PathBuf> = projects.iter().map(|p| p.join(".github/hooks")).collect();
    if let Ok(target) = Target::resolve(Host::Copilot, Location::User, env) {
        dirs.extend(target.settings.as_deref().and_then(Path::parent).map(Path::to_path_buf));
    }
    dirs.iter().any(|dir| super::merge_copilot::registered_in(dir, event(Host::Copilot)))
}

/// The event that carries the user's prompt.
pub fn event(host: Host) -> &'static str {
    match host {
        Host::Gemini => "BeforeAgent",
        Host::Copilot => "userPromptSubmitted",
        Host::OpenCode | Host::Kilo => "chat.message",
        _ => "UserPromptSubmit",
    }
}

/// The hook timeout as the host writes it, and its unit.
pub fn timeout(host: Host) -> (u64, &'static str) {
    match host {
        Host::Gemini | Host::OpenCode | Host::Kilo => (HOOK_TIMEOUT_SECS * 1000, "ms"),
        _ => (HOOK_TIMEOUT_SECS, "s"),
    }
}

/// The shell command the host runs: the binary's path (quoted when it needs to be), then
/// `hook --host HOST`. Hosts run hook commands through a shell.
pub fn command(host: Host, program: &Path) -> Result<String> {
    let path = super::program::utf8(program)?;
    Ok(format!("{} hook --host {}", shell_quote(path), host.key()))
}

/// One hook entry (a handler inside a matcher group) as the host reads it.
pub fn handler(host: Host, command: &str) -> Value {
    let (timeout, _) = timeout(host);
    match host {
        Host::Gemini => json!({"name": "frontier", "type": "command", "command": command, "timeout": timeout}),
        Host::Copilot => json!({"type": "command", "bash": command, "timeoutSec": timeout}),
        _ => json!({"type": "command", "command": command, "timeout": timeout}),
    }
}

/// What `install` says of a host it can't register with yet.
pub fn unsupported(host: Host) -> Error {
    Error::refused(
        format!("frontier can't register with {} yet", host.display_name()),
        "docs/hooks.md lists the hosts `frontier install` supports",
    )
}

/// `s` as one shell word: unchanged when it holds only safe characters, else in single
/// quotes.
fn shell_quote(s: &str) -> String {
    let safe = !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "/._-+@%:,=".contains(c));
    if safe { s.to_string() } else { format!("'{}'", s.replace('\'', r"'\''")) }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn paths_of_each_host_for_the_user_and_a_project() {
        let env = Env::from_parts([("HOME", "/home/u")], "/work");
        let paths = |host, location| {
            let t = Target::resolve(host, location, &env).unwrap_or_else(|e| panic!("{e}"));
            (t.settings_path().unwrap_or_else(|e| panic!("{e}")), t.skill_path().unwrap_or_default())
        };
        let p = |s: &str| PathBuf::from(s);
        assert_eq!(
            paths(Host::ClaudeCode, Location::User),
            (p("/home/u/.claude/settings.json"), p("/home/u/.claude/skills/frontier/SKILL.md"))
        );
        assert_eq!(
            paths(Host::Codex, Location::User),
            (p("/home/u/.codex/hooks.json"), p("/home/u/.agents/skills/frontier/SKILL.md"))
        );
        assert_eq!(
            paths(Host::Gemini, Location::User),
            (p("/home/u/.gemini/settings.json"), p("/home/u/.gemini/skills/frontier/SKILL.md"))
        );
        let project = || Location::Project(p("/repo"));
        assert_eq!(
            paths(Host::ClaudeCode, project()),
            (p("/repo/.claude/settings.json"), p("/repo/.claude/skills/frontier/SKILL.md"))
        );
        assert_eq!(
            paths(Host::Codex, project()),
            (p("/repo/.codex/hooks.json"), p("/repo/.agents/skills/frontier/SKILL.md"))
        );
        assert_eq!(
            paths(Host::Gemini, project()),
            (p("/repo/.gemini/settings.json"), p("/repo/.gemini/skills/frontier/SKILL.md"))
        );
    }

    #[test]
    fn each_hosts_own_home_variable_moves_its_user_files() {
        let env = Env::from_parts(
            [("HOME", "/home/u"), ("CLAUDE_CONFIG_DIR", "/cc"), ("CODEX_HOME", "cx"), ("GEMINI_CLI_HOME", "/g")],
            "/work",
        );
        let settings = |host| {
            Target::resolve(host, Location::User, &env)
                .and_then(|t| t.settings_path())
                .unwrap_or_else(|e| panic!("{e}"))
        };
        assert_eq!(settings(Host::ClaudeCode), PathBuf::from("/cc/settings.json"));
        assert_eq!(settings(Host::Codex), PathBuf::from("/work/cx/hooks.json"));
        assert_eq!(settings(Host::Gemini), PathBuf::from("/g/.gemini/settings.json"));
        let mcp = |host| Target::resolve_mcp(host, Location::User, &env).map(|t| t.mcp_path());
        assert_eq!(mcp(Host::ClaudeCode).ok().flatten(), Some(PathBuf::from("/cc/.claude.json")));
    }

    #[test]
    fn an_mcp_target_has_the_hooks_skill_where_the_hook_is_known() {
        let env = Env::from_parts([("HOME", "/home/u")], "/work");
        let target = |host| Target::resolve_mcp(host, Location::User, &env).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(target(Host::Gemini).skill_path(), Some(PathBuf::from("/home/u/.gemini/skills/frontier/SKILL.md")));
        assert_eq!(target(Host::Gemini).mcp_path(), Some(PathBuf::from("/home/u/.gemini/settings.json")));
        assert_eq!(target(Host::Zed).skill_path(), None);
        assert_eq!(target(Host::Zed).mcp_path(), Some(PathBuf::from("/home/u/.config/zed/settings.json")));
        assert!(Target::resolve_mcp(Host::Windsurf, Location::Project(PathBuf::from("/r")), &env).is_err());
    }

    #[test]
    fn user_files_need_a_home() {
        let env = Env::from_parts::<&str, &str>([], "/work");
        assert!(matches!(Target::resolve(Host::Codex, Location::User, &env), Err(Error::Usage { .. })));
        assert!(Target::resolve(Host::Codex, Location::Project(PathBuf::from("/repo")), &env).is_ok());
    }

    #[test]
    fn commands_quote_paths_that_need_it() {
        let command = |path: &str| command(Host::Codex, Path::new(path)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(command("/home/u/.cargo/bin/frontier"), "/home/u/.cargo/bin/frontier hook --host codex");
        assert_eq!(command("/My Tools/frontier"), "'/My Tools/frontier' hook --host codex");
        assert_eq!(command("/it's/frontier"), r"'/it'\''s/frontier' hook --host codex");
    }

    #[test]
    fn gemini_counts_its_timeout_in_milliseconds() {
        assert_eq!(handler(Host::Codex, "f hook --host codex")["timeout"], 600);
        assert_eq!(handler(Host::ClaudeCode, "f hook --host claude-code")["timeout"], 600);
        assert_eq!(handler(Host::Gemini, "f hook --host gemini")["timeout"], 600_000);
    }
}
