//! Registering frontier with an editor agent in the host's own files, as its prompt
//! hook (Claude Code, Codex, Gemini CLI, Qwen Code, Factory Droid, GitHub Copilot CLI;
//! OpenCode and Kilo through a plugin file), as an MCP server (`frontier mcp`, every host
//! `config::Host` lists) or as a `/frontier` command, and copying its skill; and removing
//! them again.
//!
//! `host` knows where each host keeps its settings and skills and what its hook entry
//! looks like; `mcp` where each host keeps its MCP servers and what its entry looks like.
//! `merge` (matcher groups), `merge_copilot` (Copilot CLI's flat handler lists) and
//! `merge_mcp` edit a parsed document (failing with the `shape` they did not expect),
//! `mcp_block` writes a YAML file of frontier's own (Continue's block files), and
//! `plugin` is the plugin file OpenCode and Kilo load instead of a hook entry; `edit`
//! turns such an edit of one file into a planned write; `settings_file` reads and renders
//! those files; `skill` is the embedded SKILL.md; `diff` shows a planned change. A change
//! is planned in full (`plan`: every file read and checked) before anything is written
//! (`apply`), so a refusal leaves every file as it was and `--dry-run` is the plan alone.
//! The hook and the MCP server are registered independently; they share the skill, which
//! stays while either is there. `home` finds each host's own directory for the user,
//! `program` the binary's path as the files name it. `command` is the `/frontier`
//! command some hosts read (planned on its own, beside a hook or alone), `detect` finds
//! what is registered where. This file holds the outcomes a plan reports.
//!
//! Knows nothing about how frontier's own arguments are parsed (it writes only the
//! `hook --host HOST` or `mcp` line a host runs), or about what the hook or the server
//! do.

mod apply;
pub mod command;
pub mod detect;
mod diff;
mod edit;
mod follow_up;
mod home;
pub mod host;
mod mcp;
mod mcp_block;
mod merge;
mod merge_copilot;
mod merge_mcp;
mod plan;
mod plugin;
mod program;
mod settings_file;
mod skill;

pub use apply::backup_path;
pub use host::{Location, Target, copilot_hook_registered};
pub use plan::{Plan, plan_install, plan_uninstall};
pub use skill::SKILL;

/// What is registered with the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The prompt hook (`frontier hook --host HOST`), in the host's hook settings.
    Hook,
    /// The MCP server (`frontier mcp`), in the host's list of MCP servers.
    Mcp,
}

/// What happens to frontier's entry (its hook handler, or its MCP server).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryChange {
    /// A new entry.
    Added,
    /// An existing frontier entry now runs this binary (or had another timeout or host).
    Updated,
    /// The entry is already exactly this one.
    Unchanged,
    /// frontier's entry is taken out.
    Removed,
    /// There is no frontier entry to take out.
    Absent,
}

/// What happens to the copied skill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkillChange {
    /// Written where there was none.
    Added,
    /// A different SKILL.md was there; it is replaced (and backed up).
    Replaced,
    /// Already byte-identical to ours.
    Unchanged,
    /// Byte-identical to ours, so removed.
    Removed,
    /// Differs from ours (edited, or another version's), so left in place.
    Kept,
    /// Left in place because the other registration (hook or MCP server) still uses it.
    InUse,
    /// There is none.
    Absent,
}

/// What the user must still do for the host to use what was installed.
pub fn follow_up(target: &Target, kind: Kind) -> Vec<String> {
    match kind {
        Kind::Hook => follow_up::hook(target),
        Kind::Mcp => mcp::follow_up(target.host, target.location.project()),
    }
}
