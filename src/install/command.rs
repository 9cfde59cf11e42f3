//! frontier's `/frontier` command (a workflow in Windsurf and Cline) for the hosts the
//! tool frontier replaces shipped one to: Cursor, Windsurf, Cline, Gemini CLI and Qwen
//! Code. Where each host reads its command files, for the user and for a project, the
//! file frontier writes there (templates/commands/, embedded), and planning its install
//! or removal: a file that carries frontier's marker line is frontier's and is updated
//! in place or removed; any other file of that name is left alone (an install refuses).
//!
//! Facts from each host's documentation, and for Qwen Code its 0.24.4 package: Cursor
//! reads `.cursor/commands/*.md` and `~/.cursor/commands/`; Windsurf `.windsurf/workflows/`
//! and `~/.codeium/windsurf/global_workflows/`; Cline `.clinerules/workflows/` and
//! `~/.cline/data/workflows/`; Gemini CLI `.gemini/commands/*.toml` (`description`,
//! `prompt`, `{{args}}`) and `~/.gemini/commands/` (`$GEMINI_CLI_HOME/.gemini`); Qwen Code
//! `.qwen/commands/*.md` (front matter `description`, `{{args}}`) and `~/.qwen/commands/`
//! (`$QWEN_HOME`).
//!
//! Knows nothing about the hook or the MCP server registered beside it: the commands
//! layer plans those and this together.

use std::path::{Path, PathBuf};

use super::edit::Write;
use super::host::Location;
use super::{apply, diff, settings_file};
use crate::config::Host;
use crate::env::Env;
use crate::error::{Error, Result};

/// What happens to the command file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommandChange {
    /// Written where there was none.
    Added,
    /// An older or edited frontier command is replaced (and backed up).
    Updated,
    /// Already this frontier's, byte for byte.
    Unchanged,
    /// frontier's command file is deleted.
    Removed,
    /// There is none.
    Absent,
    /// A file of that name that is not frontier's: left alone.
    Foreign,
}

/// A planned install or removal of one host's command file.
#[derive(Debug, Clone)]
pub struct CommandPlan {
    pub host: Host,
    pub location: Location,
    pub path: PathBuf,
    pub change: CommandChange,
    write: Option<Write>,
}

/// What the user types in `host` to run the command.
pub fn invocation(host: Host) -> &'static str {
    match host {
        // Cline names a workflow by its file name.
        Host::Cline => "/frontier.md",
        _ => "/frontier",
    }
}

/// Where `host` reads frontier's command file at `location`, or `None` for a host
/// frontier writes no command for.
pub fn path(host: Host, location: &Location, env: &Env) -> Result<Option<PathBuf>> {
    let relative = match host {
        Host::Cursor => ".cursor/commands/frontier.md",
        Host::Windsurf => ".windsurf/workflows/frontier.md",
        Host::Cline => ".clinerules/workflows/frontier.md",
        Host::Gemini => ".gemini/commands/frontier.toml",
        Host::Qwen => ".qwen/commands/frontier.md",
        _ => return Ok(None),
    };
    let dir = match location {
        Location::Project(dir) => return Ok(Some(dir.join(relative))),
        Location::User => {
            let dir = super::home::user_dir(host, env)?;
            match host {
                Host::Cursor | Host::Gemini | Host::Qwen => dir.join("commands"),
                Host::Windsurf => dir.join("global_workflows"),
                Host::Cline => dir.join("data/workflows"),
                _ => return Ok(None),
            }
        }
    };
    let name = Path::new(relative).file_name().unwrap_or_default();
    Ok(Some(dir.join(name)))
}

/// The start of the line that marks a command file as frontier's.
const MARK: &str = "frontier:command, written by `frontier install";

/// Whether `text` is a command file frontier wrote (any version).
pub fn is_frontier(text: &str) -> bool {
    text.lines().take(8).any(|line| line.contains(MARK))
}

/// The command file frontier writes for `host`, or `None` for a host without one.
pub fn text(host: Host) -> Option<String> {
    // The marker is a comment that reaches no model where the format has one outside the
    // prompt: TOML's, and YAML's in Qwen Code's front matter.
    let (template, hash_comment) = match host {
        Host::Cursor => (include_str!("../../templates/commands/cursor.md"), false),
        Host::Windsurf => (include_str!("../../templates/commands/windsurf.md"), false),
        Host::Cline => (include_str!("../../templates/commands/cline.md"), false),
        Host::Gemini => (include_str!("../../templates/commands/gemini.toml"), true),
        Host::Qwen => (include_str!("../../templates/commands/qwen.md"), true),
        _ => return None,
    };
    let key = host.key();
    let line = format!("{MARK} {key}`; `frontier uninstall {key}` removes it");
    let marker = if hash_comment { format!("# {line}") } else { format!("<!-- {line} -->") };
    Some(template.replace("%MARKER%", &marker))
}

/// Plans writing frontier's command file for `host` at `location`; `None` for a host
/// without one. A file of that name that is not frontier's is refused.
pub fn plan_install(host: Host, location: &Location, env: &Env) -> Result<Option<CommandPlan>> {
    let (Some(path), Some(new)) = (path(host, location, env)?, text(host)) else { return Ok(None) };
    let old = settings_file::read(&path)?;
    let change = match old.as_deref() {
        None => CommandChange::Added,
        Some(text) if text == new => CommandChange::Unchanged,
        Some(text) if is_frontier(text) => CommandChange::Updated,
        Some(_) => {
            return Err(Error::refused(
                format!("`{}` is not frontier's command, and frontier would write its own there", path.display()),
                format!(
                    "rename or move that file (its /{} command is yours), then run the command again",
                    path.file_stem().unwrap_or_default().to_string_lossy()
                ),
            ));
        }
    };
    let write = (change != CommandChange::Unchanged).then(|| Write { path: path.clone(), old, new: Some(new) });
    Ok(Some(CommandPlan { host, location: location.clone(), path, change, write }))
}

/// Plans removing frontier's command file for `host` at `location`; `None` for a host
/// without one. A file of that name that is not frontier's stays.
pub fn plan_uninstall(host: Host, location: &Location, env: &Env) -> Result<Option<CommandPlan>> {
    let Some(path) = path(host, location, env)? else { return Ok(None) };
    let old = settings_file::read(&path)?;
    let (change, write) = match old {
        None => (CommandChange::Absent, None),
        Some(text) if is_frontier(&text) => {
            (CommandChange::Removed, Some(Write { path: path.clone(), old: Some(text), new: None }))
        }
        Some(_) => (CommandChange::Foreign, None),
    };
    Ok(Some(CommandPlan { host, location: location.clone(), path, change, write }))
}

impl CommandPlan {
    /// Whether carrying out the plan would change the file.
    pub fn changes_anything(&self) -> bool {
        self.write.is_some()
    }

    /// The change as a unified diff, if there is one.
    pub fn diff(&self) -> Option<String> {
        let w = self.write.as_ref()?;
        Some(diff::unified(&w.path, w.old.as_deref(), w.new.as_deref()))
    }

    /// The backup carrying out the plan writes: the previous contents of a file it
    /// rewrites.
    pub fn backup(&self) -> Option<PathBuf> {
        let w = self.write.as_ref()?;
        (w.old.is_some() && w.new.is_some()).then(|| apply::backup_path(&w.path))
    }

    /// Carries out the plan, as `Plan::apply` does a hook's.
    pub fn apply(&self) -> Result<()> {
        apply::carry_out(self.write.iter(), &self.location)
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    fn at(host: Host, location: &Location, env: &Env) -> Option<PathBuf> {
        path(host, location, env).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn each_hosts_command_file_for_the_user_and_a_project() {
        let env = Env::from_parts([("HOME", "/home/u")], "/work");
        let project = Location::Project(PathBuf::from("/repo"));
        let cases = [
            (Host::Cursor, "/repo/.cursor/commands/frontier.md", "/home/u/.cursor/commands/frontier.md"),
            (
                Host::Windsurf,
                "/repo/.windsurf/workflows/frontier.md",
                "/home/u/.codeium/windsurf/global_workflows/frontier.md",
            ),
            (Host::Cline, "/repo/.clinerules/workflows/frontier.md", "/home/u/.cline/data/workflows/frontier.md"),
            (Host::Gemini, "/repo/.gemini/commands/frontier.toml", "/home/u/.gemini/commands/frontier.toml"),
            (Host::Qwen, "/repo/.qwen/commands/frontier.md", "/home/u/.qwen/commands/frontier.md"),
        ];
        for (host, in_project, for_user) in cases {
            assert_eq!(at(host, &project, &env), Some(PathBuf::from(in_project)), "{host:?}");
            assert_eq!(at(host, &Location::User, &env), Some(PathBuf::from(for_user)), "{host:?}");
        }
        for host in [Host::ClaudeCode, Host::Codex, Host::Copilot, Host::Continue, Host::VsCode, Host::Zed] {
            assert_eq!(at(host, &project, &env), None, "{host:?}");
            assert_eq!(text(host), None, "{host:?}");
        }
    }

    #[test]
    fn gemini_and_qwen_homes_move_their_user_commands() {
        let env = Env::from_parts([("HOME", "/home/u"), ("GEMINI_CLI_HOME", "/g"), ("QWEN_HOME", "q")], "/work");
        assert_eq!(at(Host::Gemini, &Location::User, &env), Some(PathBuf::from("/g/.gemini/commands/frontier.toml")));
        assert_eq!(at(Host::Qwen, &Location::User, &env), Some(PathBuf::from("/work/q/commands/frontier.md")));
    }

    #[test]
    fn every_command_carries_its_marker_and_no_unfilled_slot() {
        for host in Host::ALL {
            let Some(text) = text(host) else { continue };
            assert!(is_frontier(&text), "{host:?}");
            assert!(!text.contains('%'), "{host:?}: an unfilled slot");
            assert!(text.contains(&format!("`frontier uninstall {}` removes it", host.key())), "{host:?}");
            let autorun = if host.autoruns() { "can autorun frontier" } else { "does not autorun frontier" };
            assert!(text.contains(&format!("{} {autorun}", host.display_name())), "{host:?} says whether it autoruns");
            assert!(text.contains("frontier run"), "{host:?}");
            assert!(text.contains(&format!("frontier install {} --mcp", host.key())), "{host:?} names MCP");
            if host.autoruns() {
                let scope = format!("--scope {}-project", host.key());
                assert!(text.contains(&format!("frontier mode off {scope}")), "{host:?} says how to disarm");
            }
        }
    }

    #[test]
    fn gemini_reads_a_toml_command_with_a_description_and_a_prompt_taking_the_args() {
        let text = text(Host::Gemini).unwrap_or_default();
        let doc: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
        let mut keys: Vec<&str> = doc.keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(keys, ["description", "prompt"]);
        assert!(doc["prompt"].as_str().is_some_and(|p| p.contains("{{args}}")));
    }

    #[test]
    fn in_an_autorun_host_the_prompt_opens_as_the_slash_command_so_the_hook_leaves_it_alone() {
        // Gemini CLI hands its hook the expanded command: opening with `/frontier ARGS`,
        // it reads as a slash command to the hook's guards, and the panel runs once.
        let gemini: toml::Table = toml::from_str(&text(Host::Gemini).unwrap_or_default()).unwrap_or_default();
        assert!(gemini["prompt"].as_str().is_some_and(|p| p.starts_with("/frontier {{args}}\n")));
        let qwen = text(Host::Qwen).unwrap_or_default();
        let body = qwen.splitn(3, "---\n").nth(2).unwrap_or_default();
        assert!(body.starts_with("/frontier {{args}}\n"), "{body}");
    }

    #[test]
    fn qwen_and_windsurf_commands_open_with_their_front_matter() {
        for host in [Host::Qwen, Host::Windsurf] {
            let text = text(host).unwrap_or_default();
            assert!(text.starts_with("---\ndescription: "), "{host:?}");
        }
        assert!(text(Host::Qwen).unwrap_or_default().contains("{{args}}"));
    }
}
