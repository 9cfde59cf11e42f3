//! What frontier knows about registering its MCP server (`frontier mcp`) with each host:
//! the file format, the table that lists servers, the entry each host reads, and what
//! the user must still do afterwards.
//!
//! Facts checked against the CLIs pinned in docs/testing.md (docs/mcp.md records what each
//! showed): Claude Code reads `mcpServers` from a project's `.mcp.json` and from
//! `~/.claude.json` (`$CLAUDE_CONFIG_DIR/.claude.json`) for the user, with
//! `type = "stdio"`; Codex reads `[mcp_servers.NAME]` from `$CODEX_HOME/config.toml` and,
//! in a trusted project, from `.codex/config.toml`, and stops a tool call after 60 s
//! unless `tool_timeout_sec` says otherwise; Gemini CLI reads `mcpServers` from
//! `settings.json` (user or project), with a `timeout` in milliseconds.
//!
//! Knows nothing about files: `mod` reads and writes them, `merge_mcp` edits them.

use std::path::Path;

use serde_json::{Value, json};

use super::host::{HOOK_TIMEOUT_SECS, Location, Target};
use crate::config::Host;
use crate::error::{Error, Result};

/// The server's name in every host's list, and so the key of frontier's entry.
pub const NAME: &str = "frontier";

/// The argument that makes the frontier binary an MCP server.
pub const ARG: &str = "mcp";

/// How a host's MCP file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Toml,
}

/// The format of `host`'s MCP file and the key of its server table.
pub fn table(host: Host) -> (Format, &'static str) {
    match host {
        Host::Codex => (Format::Toml, "mcp_servers"),
        _ => (Format::Json, "mcpServers"),
    }
}

/// The program hosts start: the binary's absolute path, unquoted (hosts spawn it
/// directly, with `args`, not through a shell).
pub fn program(program: &Path) -> Result<String> {
    program.to_str().map(str::to_string).ok_or_else(|| {
        Error::refused(
            format!("the path of this frontier binary is not valid UTF-8: `{}`", program.display()),
            "install frontier under a UTF-8 path (for example with `cargo install --path .`) and run it from there",
        )
    })
}

/// frontier's entry as `host` reads it. Values are strings, lists of strings or
/// integers, so that the same entry can be written as TOML.
pub fn entry(host: Host, program: &str) -> Value {
    match host {
        Host::ClaudeCode => json!({"type": "stdio", "command": program, "args": [ARG]}),
        // A fusion takes minutes; Codex's own tool timeout is 60 s.
        Host::Codex => json!({"command": program, "args": [ARG], "tool_timeout_sec": HOOK_TIMEOUT_SECS}),
        Host::Gemini => json!({"command": program, "args": [ARG], "timeout": HOOK_TIMEOUT_SECS * 1000}),
        _ => json!({"command": program, "args": [ARG]}),
    }
}

/// Whether an entry's `command` runs a program named `frontier` (bare or by path).
pub fn is_frontier_program(command: &str) -> bool {
    Path::new(command.trim()).file_name().is_some_and(|name| name == NAME)
}

/// What the user must still do for the host to start the server, after an install.
pub fn follow_up(target: &Target) -> Vec<String> {
    let note = match (target.host, &target.location) {
        (Host::ClaudeCode, Location::User) => {
            "Claude Code starts the server with each session; `claude mcp list` and `/mcp` in a session show it"
                .to_string()
        }
        (Host::ClaudeCode, Location::Project(_)) => {
            "Claude Code asks once, at the next session in this project, whether to use the servers of its \
             `.mcp.json` (`claude mcp list` shows frontier as pending approval until then)"
                .to_string()
        }
        (Host::Codex, Location::User) => {
            "Codex starts the server with each session; `codex mcp list` shows it".to_string()
        }
        (Host::Codex, Location::Project(dir)) => format!(
            "Codex reads `{}` only in a trusted project: accept its trust prompt there, or set \
             `trust_level = \"trusted\"` under `[projects.\"{}\"]` in your Codex config.toml",
            dir.join(".codex/config.toml").display(),
            dir.display()
        ),
        (Host::Gemini, _) => {
            "Gemini CLI starts MCP servers only in trusted folders; `gemini mcp list` shows the server and \
             `/mcp` in a session lists its tools"
                .to_string()
        }
        _ => return Vec::new(),
    };
    vec![note]
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn each_host_gets_its_own_entry() {
        assert_eq!(
            entry(Host::ClaudeCode, "/b/frontier"),
            json!({"type": "stdio", "command": "/b/frontier", "args": ["mcp"]})
        );
        assert_eq!(
            entry(Host::Codex, "/b/frontier"),
            json!({"command": "/b/frontier", "args": ["mcp"], "tool_timeout_sec": 600})
        );
        assert_eq!(
            entry(Host::Gemini, "/b/frontier"),
            json!({"command": "/b/frontier", "args": ["mcp"], "timeout": 600_000})
        );
    }

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
