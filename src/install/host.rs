//! What frontier knows about each host's own files: where its settings and skills live
//! for the user and for a project, which event carries the prompt, the shape of a hook
//! entry and the unit of its timeout, and what the user must still do afterwards.
//!
//! Where each host keeps its MCP servers is here too (`mcp_path`); what their entries
//! look like is in `mcp`.
//!
//! Facts checked against the hosts' documentation and the CLIs pinned in docs/testing.md
//! (docs/hooks.md lists them): Claude Code and Codex read `UserPromptSubmit` entries with
//! a `timeout` in seconds; Gemini CLI reads `BeforeAgent` entries with a `timeout` in
//! milliseconds and an optional `name`.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

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

/// A host and a location, with the files they resolve to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub host: Host,
    pub location: Location,
    settings: PathBuf,
    skill: PathBuf,
    mcp: PathBuf,
}

impl Target {
    /// Resolves the files of `host` at `location`. User files follow each host's own
    /// override of its home (`CLAUDE_CONFIG_DIR`, `CODEX_HOME`, `GEMINI_CLI_HOME`).
    pub fn resolve(host: Host, location: Location, env: &Env) -> Result<Target> {
        if !matches!(host, Host::ClaudeCode | Host::Codex | Host::Gemini | Host::OpenCode | Host::Kilo) {
            return Err(unsupported(host));
        }
        let (settings, skills, mcp) = match &location {
            Location::Project(dir) => match host {
                Host::ClaudeCode => {
                    (dir.join(".claude/settings.json"), dir.join(".claude/skills"), dir.join(".mcp.json"))
                }
                Host::Codex => {
                    (dir.join(".codex/hooks.json"), dir.join(".agents/skills"), dir.join(".codex/config.toml"))
                }
                Host::Gemini => {
                    let settings = dir.join(".gemini/settings.json");
                    (settings.clone(), dir.join(".gemini/skills"), settings)
                }
                Host::OpenCode | Host::Kilo => {
                    let (config, file) = plugin_dirs(host);
                    plugin_files(&dir.join(config), dir.join(file))
                }
                _ => return Err(unsupported(host)),
            },
            Location::User => {
                let var = |name: &str| env.var(name).map(|dir| env.cwd().join(dir));
                let home = || {
                    var("HOME").ok_or_else(|| {
                        Error::usage("HOME is not set", "set HOME, or install into one project with --project DIR")
                    })
                };
                match host {
                    Host::ClaudeCode => {
                        // Claude Code keeps user-scope MCP servers in `.claude.json`: in
                        // CLAUDE_CONFIG_DIR when set, else beside (not in) `~/.claude`.
                        let (dir, state) = match var("CLAUDE_CONFIG_DIR") {
                            Some(dir) => (dir.clone(), dir.join(".claude.json")),
                            None => (home()?.join(".claude"), home()?.join(".claude.json")),
                        };
                        (dir.join("settings.json"), dir.join("skills"), state)
                    }
                    Host::Codex => {
                        let dir = var("CODEX_HOME").map_or_else(|| home().map(|h| h.join(".codex")), Ok)?;
                        (dir.join("hooks.json"), home()?.join(".agents/skills"), dir.join("config.toml"))
                    }
                    Host::Gemini => {
                        let dir = var("GEMINI_CLI_HOME").map_or_else(home, Ok)?.join(".gemini");
                        (dir.join("settings.json"), dir.join("skills"), dir.join("settings.json"))
                    }
                    Host::OpenCode | Host::Kilo => {
                        // Both follow the XDG base directory spec: `$XDG_CONFIG_HOME/<name>`.
                        let config = var("XDG_CONFIG_HOME").map_or_else(|| home().map(|h| h.join(".config")), Ok)?;
                        let dir = config.join(host.key());
                        let (_, file) = plugin_dirs(host);
                        plugin_files(&dir, dir.join(file))
                    }
                    _ => return Err(unsupported(host)),
                }
            }
        };
        Ok(Target { host, location, settings, skill: skills.join("frontier/SKILL.md"), mcp })
    }

    /// The file that lists the host's MCP servers.
    pub fn mcp_path(&self) -> PathBuf {
        self.mcp.clone()
    }

    /// The settings file that holds the hook entry.
    pub fn settings_path(&self) -> PathBuf {
        self.settings.clone()
    }

    /// Where the host looks for frontier's skill.
    pub fn skill_path(&self) -> PathBuf {
        self.skill.clone()
    }
}

/// OpenCode's and Kilo's project config directory and config file.
fn plugin_dirs(host: Host) -> (&'static str, &'static str) {
    match host {
        Host::Kilo => (".kilo", "kilo.json"),
        _ => (".opencode", "opencode.json"),
    }
}

/// The plugin, skill and MCP files of a host that takes frontier as a plugin in its
/// config directory `dir`.
fn plugin_files(dir: &Path, config_file: PathBuf) -> (PathBuf, PathBuf, PathBuf) {
    (dir.join("plugins").join(super::plugin::FILE_NAME), dir.join("skills"), config_file)
}

/// Whether the host takes frontier's hook as a plugin file (`install::plugin`) rather
/// than as an entry in its hook settings.
pub fn takes_plugin(host: Host) -> bool {
    matches!(host, Host::OpenCode | Host::Kilo)
}

/// The `--scope` word that arms this host's workspace scope of the current directory.
pub fn project_scope(host: Host) -> &'static str {
    match host {
        Host::ClaudeCode => "claude-project",
        Host::Codex => "codex-project",
        Host::Gemini => "gemini-project",
        Host::Qwen => "qwen-project",
        Host::Copilot => "copilot-project",
        Host::OpenCode => "opencode-project",
        Host::Kilo => "kilo-project",
        Host::Droid => "droid-project",
        Host::Cline | Host::Continue | Host::Cursor | Host::Windsurf | Host::VsCode | Host::Zed => "",
    }
}

/// The event that carries the user's prompt.
pub fn event(host: Host) -> &'static str {
    match host {
        Host::Gemini => "BeforeAgent",
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
    let Some(path) = program.to_str() else {
        return Err(Error::refused(
            format!("the path of this frontier binary is not valid UTF-8: `{}`", program.display()),
            "install frontier under a UTF-8 path (for example with `cargo install --path .`) and run it from there",
        ));
    };
    Ok(format!("{} hook --host {}", shell_quote(path), host.key()))
}

/// One hook entry (a handler inside a matcher group) as the host reads it.
pub fn handler(host: Host, command: &str) -> Value {
    let (timeout, _) = timeout(host);
    match host {
        Host::Gemini => json!({"name": "frontier", "type": "command", "command": command, "timeout": timeout}),
        _ => json!({"type": "command", "command": command, "timeout": timeout}),
    }
}

/// What the user must still do for the hook to run, after an install.
pub fn follow_up(target: &Target) -> Vec<String> {
    let mut notes = Vec::new();
    match (target.host, &target.location) {
        (Host::ClaudeCode, _) => {
            notes
                .push("Claude Code loads the hook when a session starts; `/hooks` in Claude Code lists it".to_string());
        }
        (Host::Codex, location) => {
            notes.push(
                "Codex skips a new or changed hook until you trust it: start `codex`, type `/hooks`, and trust \
                 frontier's UserPromptSubmit hook (again after each reinstall that changes it)"
                    .to_string(),
            );
            if let Location::Project(dir) = location {
                notes.push(format!(
                    "Codex reads `{}` only in a trusted project: accept its trust prompt there, or set \
                     `trust_level = \"trusted\"` under `[projects.\"{}\"]` in your Codex config.toml",
                    dir.join(".codex").display(),
                    dir.display()
                ));
            }
        }
        (Host::Gemini, Location::User) => {
            notes.push("Gemini CLI loads the hook when a session starts; `/hooks panel` lists it".to_string());
        }
        (Host::Gemini, Location::Project(dir)) => {
            notes.push(format!(
                "Gemini CLI reads `{}` only in a trusted folder (when folder trust is on, trust it at the prompt); \
                 it warns once about the new project hook, then runs it",
                dir.join(".gemini/settings.json").display()
            ));
        }
        (Host::OpenCode | Host::Kilo, location) => {
            let name = target.host.display_name();
            let package = match target.host {
                Host::Kilo => "@kilocode/plugin",
                _ => "@opencode-ai/plugin",
            };
            let dir = target.settings.parent().and_then(Path::parent).unwrap_or(Path::new(".")).display();
            notes.push(format!("{name} loads the plugin when it starts: restart any running {name}"));
            notes.push(format!(
                "frontier's plugin imports nothing, but {name} itself installs `{package}` into `{dir}` from the npm \
                 registry each time it starts, until it is there; to keep it offline, install it once: \
                 `npm install --prefix {dir} {package}`"
            ));
            if let Location::Project(_) = location {
                let plugin = target.settings.display();
                notes.push(format!("the plugin names this machine's frontier binary: keep `{plugin}` out of commits"));
            }
        }
        _ => {}
    }
    notes
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
            (t.settings_path(), t.skill_path())
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
            Target::resolve(host, Location::User, &env).map(|t| t.settings_path()).unwrap_or_else(|e| panic!("{e}"))
        };
        assert_eq!(settings(Host::ClaudeCode), PathBuf::from("/cc/settings.json"));
        assert_eq!(settings(Host::Codex), PathBuf::from("/work/cx/hooks.json"));
        assert_eq!(settings(Host::Gemini), PathBuf::from("/g/.gemini/settings.json"));
        let mcp =
            |host| Target::resolve(host, Location::User, &env).map(|t| t.mcp_path()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(mcp(Host::ClaudeCode), PathBuf::from("/cc/.claude.json"));
        assert_eq!(mcp(Host::Codex), PathBuf::from("/work/cx/config.toml"));
        assert_eq!(mcp(Host::Gemini), PathBuf::from("/g/.gemini/settings.json"));
    }

    #[test]
    fn mcp_files_of_each_host_for_the_user_and_a_project() {
        let env = Env::from_parts([("HOME", "/home/u")], "/work");
        let mcp = |host, location| {
            Target::resolve(host, location, &env).map(|t| t.mcp_path()).unwrap_or_else(|e| panic!("{e}"))
        };
        let p = |s: &str| PathBuf::from(s);
        assert_eq!(mcp(Host::ClaudeCode, Location::User), p("/home/u/.claude.json"));
        assert_eq!(mcp(Host::Codex, Location::User), p("/home/u/.codex/config.toml"));
        assert_eq!(mcp(Host::Gemini, Location::User), p("/home/u/.gemini/settings.json"));
        let project = || Location::Project(p("/repo"));
        assert_eq!(mcp(Host::ClaudeCode, project()), p("/repo/.mcp.json"));
        assert_eq!(mcp(Host::Codex, project()), p("/repo/.codex/config.toml"));
        assert_eq!(mcp(Host::Gemini, project()), p("/repo/.gemini/settings.json"));
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
