//! What frontier knows about registering its MCP server (`frontier mcp`) with each host:
//! the name and program of frontier's entry, and the shape family of each host's file.
//! `paths` says where each host keeps its servers (for the user, for a project, or
//! neither); `entry` what frontier's entry holds there, with the host's tool timeout;
//! `notes` what the user must still do afterwards.
//!
//! Facts checked against the CLIs pinned in tests/e2e/setup where they run here, and
//! against each host's documentation where they don't (docs/mcp.md says which).
//!
//! Knows nothing about files: `plan` reads and writes them, `merge_mcp` and `mcp_block`
//! edit them.

mod entry;
mod notes;
mod paths;

use std::path::Path;

pub use entry::entry;
pub use notes::follow_up;
pub use paths::path;

use crate::config::Host;
use crate::error::Result;

/// The server's name in every host's list, and so the key of frontier's entry.
pub const NAME: &str = "frontier";

/// The argument that makes the frontier binary an MCP server.
pub const ARG: &str = "mcp";

/// Seconds a host lets one tool call run, where its entry says: as long as the hook's
/// ceiling, above a run's own budget (540 s by default) with room to relay the answer.
pub const TOOL_TIMEOUT_SECS: u64 = 600;

/// How a host lists its MCP servers: the family of file edits that registers frontier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A JSON object of servers, keyed by name, under this key of the file's root object.
    Json(&'static str),
    /// A TOML table of servers, keyed by name, under this key.
    Toml(&'static str),
    /// A YAML file of frontier's own holding a one-server `mcpServers` list (Continue's
    /// block files), so that the user's own YAML is never rewritten.
    YamlBlock,
}

/// The shape of `host`'s MCP file.
pub fn shape(host: Host) -> Shape {
    match host {
        Host::Codex => Shape::Toml("mcp_servers"),
        Host::OpenCode | Host::Kilo => Shape::Json("mcp"),
        Host::VsCode => Shape::Json("servers"),
        Host::Zed => Shape::Json("context_servers"),
        Host::Continue => Shape::YamlBlock,
        Host::ClaudeCode
        | Host::Gemini
        | Host::Qwen
        | Host::Copilot
        | Host::Droid
        | Host::Cline
        | Host::Cursor
        | Host::Windsurf => Shape::Json("mcpServers"),
    }
}

/// Whether the host's JSON files may hold comments (JSONC), which frontier can't keep
/// when it rewrites a file: such a file is refused with the entry to add by hand.
pub fn allows_comments(host: Host) -> bool {
    matches!(host, Host::Zed | Host::VsCode | Host::OpenCode | Host::Kilo)
}

/// The program hosts start: the binary's absolute path, unquoted (hosts spawn it
/// directly, with `args`, not through a shell).
pub fn program(program: &Path) -> Result<String> {
    super::program::utf8(program).map(str::to_string)
}

/// Whether an entry's `command` runs a program named `frontier` (bare or by path).
pub fn is_frontier_program(command: &str) -> bool {
    Path::new(command.trim()).file_name().is_some_and(|name| name == NAME)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_frontier_programs_only() {
        assert!(is_frontier_program("/home/u/.cargo/bin/frontier"));
        assert!(is_frontier_program("frontier"));
        assert!(is_frontier_program("/My Tools/frontier"));
        assert!(!is_frontier_program("npx"));
        assert!(!is_frontier_program("/usr/bin/frontier-mcp"));
        assert!(!is_frontier_program(""));
    }
}
