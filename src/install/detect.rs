//! Which hosts have frontier registered, in a project and for the user, for `status` and
//! `doctor`. One table: for each host and location, the places frontier's entries would
//! be (`spots`: its prompt hook or plugin where the host autoruns, its MCP server, its
//! `/frontier` command), each with the file and how to recognise frontier there. The
//! table is built from what `install` itself writes (`Target`'s files, `plan::holds`,
//! `command`), so a host `install` learns to register with is detected with it.
//!
//! Read-only and cheap: one read of each file that exists, following symbolic links (a
//! dotfiles link still counts), none larger than `MAX_BYTES`; a file that is missing,
//! unreadable or unparsable just holds nothing. Never fails.
//!
//! Knows nothing about how the result is shown: the commands do that.

use std::path::{Path, PathBuf};

use super::host::{Location, Target};
use super::{Kind, command, plan};
use crate::config::Host;
use crate::env::Env;

/// The largest file read (Claude Code's `~/.claude.json` grows with its history).
const MAX_BYTES: u64 = 32 * 1024 * 1024;

/// A way frontier is registered with a host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Via {
    /// The prompt hook (a plugin in OpenCode and Kilo): prompts run through frontier.
    Hook,
    /// The `/frontier` command or workflow.
    Command,
    /// The MCP server.
    Mcp,
}

/// One place frontier's entry would be, and how to tell it is there.
#[derive(Debug, Clone)]
pub struct Spot {
    pub host: Host,
    pub via: Via,
    pub path: PathBuf,
    recognise: Recognise,
}

#[derive(Debug, Clone)]
enum Recognise {
    /// frontier's hook or MCP entry in a file `install` edits for this target.
    Entry(Box<Target>, Kind),
    /// A command file that carries frontier's marker.
    Command,
}

/// Every place frontier's entries for `host` at `location` would be. A host `install`
/// cannot register with there has none.
pub fn spots(host: Host, location: &Location, env: &Env) -> Vec<Spot> {
    let mut spots = Vec::new();
    let mut entry = |target: Result<Target, _>, via, kind| {
        if let Some((target, path)) = target.ok().and_then(|t| plan::entry_path(&t, kind).ok().map(|p| (t, p))) {
            spots.push(Spot { host, via, path, recognise: Recognise::Entry(Box::new(target), kind) });
        }
    };
    if host.autoruns() {
        entry(Target::resolve(host, location.clone(), env), Via::Hook, Kind::Hook);
    }
    entry(Target::resolve_mcp(host, location.clone(), env), Via::Mcp, Kind::Mcp);
    if let Ok(Some(path)) = command::path(host, location, env) {
        spots.push(Spot { host, via: Via::Command, path, recognise: Recognise::Command });
    }
    spots.sort_by_key(|s| s.via);
    spots
}

/// The places at `location` where frontier is registered, host by host in
/// `Host::ALL`'s order.
pub fn installed(location: &Location, env: &Env) -> Vec<Spot> {
    Host::ALL.iter().flat_map(|&host| spots(host, location, env)).filter(Spot::present).collect()
}

impl Spot {
    /// Whether frontier's entry is there.
    pub fn present(&self) -> bool {
        let Some(text) = read(&self.path) else { return false };
        match &self.recognise {
            Recognise::Entry(target, kind) => plan::holds(target, *kind, Some(&text)).unwrap_or(false),
            Recognise::Command => command::is_frontier(&text),
        }
    }
}

/// The text of the regular file at `path` (through a link), if it is one and small enough.
fn read(path: &Path) -> Option<String> {
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_BYTES {
        return None;
    }
    std::fs::read_to_string(path).ok()
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    fn write(path: &Path, text: &str) {
        std::fs::create_dir_all(path.parent().unwrap_or(Path::new("/"))).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(path, text).unwrap_or_else(|e| panic!("{e}"));
    }

    fn found(location: &Location, env: &Env) -> Vec<(Host, Via)> {
        installed(location, env).iter().map(|s| (s.host, s.via)).collect()
    }

    #[test]
    fn frontiers_entries_are_found_and_anything_else_is_not() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let home = dir.path().join("home");
        let repo = dir.path().join("repo");
        let env = Env::from_parts([("HOME", home.to_str().unwrap_or_default())], dir.path());
        let hook = r#"{"hooks":{"UserPromptSubmit":[{"hooks":[{"type":"command","command":"/b/frontier hook --host claude-code"}]}]}}"#;
        write(&repo.join(".claude/settings.json"), hook);
        write(&repo.join(".mcp.json"), r#"{"mcpServers":{"other":{"command":"npx"}}}"#);
        write(&repo.join(".gemini/settings.json"), "{ not json");
        write(&repo.join(".cursor/commands/frontier.md"), &command::text(Host::Cursor).unwrap_or_default());
        write(&repo.join(".windsurf/workflows/frontier.md"), "my own workflow\n");
        write(
            &home.join(".codex/config.toml"),
            "[mcp_servers.frontier]\ncommand = \"/b/frontier\"\nargs = [\"mcp\"]\n",
        );
        std::fs::create_dir_all(home.join(".gemini/commands/frontier.toml")).unwrap_or_else(|e| panic!("{e}"));
        let project = Location::Project(repo.clone());
        assert_eq!(found(&project, &env), [(Host::ClaudeCode, Via::Hook), (Host::Cursor, Via::Command)]);
        assert_eq!(found(&Location::User, &env), [(Host::Codex, Via::Mcp)]);
    }

    #[test]
    fn no_home_means_no_user_spots_and_nothing_fails() {
        let env = Env::from_parts::<&str, &str>([], "/nowhere");
        assert!(spots(Host::Cursor, &Location::User, &env).is_empty());
        assert!(installed(&Location::User, &env).is_empty());
    }

    #[test]
    fn an_autorun_host_has_a_hook_spot_and_a_command_host_a_command_spot() {
        let env = Env::from_parts([("HOME", "/home/u")], "/work");
        let vias = |host| spots(host, &Location::User, &env).iter().map(|s| s.via).collect::<Vec<_>>();
        assert_eq!(vias(Host::Gemini), [Via::Hook, Via::Command, Via::Mcp]);
        assert_eq!(vias(Host::ClaudeCode), [Via::Hook, Via::Mcp]);
        assert!(vias(Host::Cursor).contains(&Via::Command));
        assert!(!vias(Host::Cursor).contains(&Via::Hook), "Cursor does not autorun");
    }
}
