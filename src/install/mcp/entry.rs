//! frontier's entry in each host's list of MCP servers: how the host spells a stdio
//! server that runs `BIN mcp`, and the tool-call timeout a fusion of minutes needs
//! where the host reads one from the entry (in the host's own unit).
//!
//! Knows nothing about where the entry goes (`paths`) or how it is merged (`merge_mcp`).

use serde_json::{Value, json};

use super::{ARG, TOOL_TIMEOUT_SECS};
use crate::config::Host;

/// frontier's entry as `host` reads it. Values are strings, lists of strings, booleans
/// or integers, so that the same entry can be written as TOML or YAML.
pub fn entry(host: Host, program: &str) -> Value {
    let ms = TOOL_TIMEOUT_SECS * 1000;
    match host {
        Host::ClaudeCode => json!({"type": "stdio", "command": program, "args": [ARG]}),
        // A fusion takes minutes; Codex's own tool timeout is 60 s.
        Host::Codex => json!({"command": program, "args": [ARG], "tool_timeout_sec": TOOL_TIMEOUT_SECS}),
        // Qwen Code (a Gemini CLI fork) counts `timeout` in milliseconds, like Gemini CLI.
        Host::Gemini | Host::Qwen => json!({"command": program, "args": [ARG], "timeout": ms}),
        // Copilot CLI: `tools` says which of the server's tools it may call ("*": all);
        // `timeout` is the tool-call timeout in milliseconds.
        Host::Copilot => {
            json!({"type": "local", "command": program, "args": [ARG], "tools": ["*"], "timeout": ms})
        }
        // OpenCode and Kilo: the command is one list; `timeout` (ms) bounds each request.
        Host::OpenCode | Host::Kilo => {
            json!({"type": "local", "command": [program, ARG], "enabled": true, "timeout": ms})
        }
        Host::Droid => json!({"type": "stdio", "command": program, "args": [ARG], "disabled": false}),
        // Cline counts `timeout` in seconds (its default is 60).
        Host::Cline => json!({"type": "stdio", "command": program, "args": [ARG], "disabled": false,
                              "timeout": TOOL_TIMEOUT_SECS}),
        Host::Continue => json!({"name": super::NAME, "type": "stdio", "command": program, "args": [ARG]}),
        Host::VsCode => json!({"type": "stdio", "command": program, "args": [ARG]}),
        Host::Cursor | Host::Windsurf | Host::Zed => json!({"command": program, "args": [ARG]}),
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn each_host_gets_its_own_entry() {
        let b = "/b/frontier";
        assert_eq!(entry(Host::ClaudeCode, b), json!({"type": "stdio", "command": b, "args": ["mcp"]}));
        assert_eq!(entry(Host::Codex, b), json!({"command": b, "args": ["mcp"], "tool_timeout_sec": 600}));
        assert_eq!(entry(Host::Gemini, b), json!({"command": b, "args": ["mcp"], "timeout": 600_000}));
        assert_eq!(entry(Host::Qwen, b), json!({"command": b, "args": ["mcp"], "timeout": 600_000}));
        assert_eq!(
            entry(Host::OpenCode, b),
            json!({"type": "local", "command": [b, "mcp"], "enabled": true, "timeout": 600_000})
        );
        assert_eq!(entry(Host::Kilo, b), entry(Host::OpenCode, b));
        assert_eq!(
            entry(Host::Cline, b),
            json!({"type": "stdio", "command": b, "args": ["mcp"], "disabled": false, "timeout": 600})
        );
        assert_eq!(entry(Host::Zed, b), json!({"command": b, "args": ["mcp"]}));
    }
}
