//! What the user must still do, after an MCP install, for each host to start frontier's
//! server and let its model call the tools for a run of minutes.
//!
//! Knows nothing about the files (`paths`) or what they hold (`entry`).

use std::path::Path;

use crate::config::Host;

/// The notes `frontier install HOST --mcp` prints after writing, for the project `dir`
/// or (`None`) the user.
pub fn follow_up(host: Host, project: Option<&Path>) -> Vec<String> {
    let s = |text: &str| text.to_string();
    match (host, project) {
        (Host::ClaudeCode, None) => {
            vec![s(
                "Claude Code starts the server with each session; `claude mcp list` and `/mcp` in a session show it",
            )]
        }
        (Host::ClaudeCode, Some(_)) => {
            vec![s("Claude Code asks once, at the next session in this project, whether to use the servers of its \
             `.mcp.json` (`claude mcp list` shows frontier as pending approval until then)")]
        }
        (Host::Codex, None) => {
            vec![s("Codex starts the server with each session; `codex mcp list` shows it")]
        }
        (Host::Codex, Some(dir)) => vec![format!(
            "Codex reads `{}` only in a trusted project: accept its trust prompt there, or set \
             `trust_level = \"trusted\"` under `[projects.\"{}\"]` in your Codex config.toml",
            dir.join(".codex/config.toml").display(),
            dir.display()
        )],
        (Host::Gemini, _) => {
            vec![s("Gemini CLI starts MCP servers only in trusted folders; `gemini mcp list` shows the server and \
             `/mcp` in a session lists its tools")]
        }
        (Host::Qwen, project) => {
            let mut notes = vec![s(
                "Qwen Code defers MCP tools behind its `tool_search` (the model sees only their names until it \
                 loads one); to offer frontier's tools up front, add `mcp__frontier__fuse` (and any other) to \
                 `tools.visible` in your Qwen settings.json",
            )];
            if project.is_some() {
                notes.push(s(
                    "Qwen Code asks you to approve a project's MCP servers in an interactive session (`/mcp`); \
                     until then headless runs leave frontier pending",
                ));
            }
            notes
        }
        (Host::Copilot, None) => {
            vec![s("GitHub Copilot CLI starts the server with each session; `copilot mcp list` shows it, and its \
             tools reach the model as `frontier-fuse`, ...")]
        }
        (Host::Copilot, Some(_)) => vec![s(
            "GitHub Copilot CLI reads a project's `.github/mcp.json` only in a trusted folder: trust it at the \
             prompt (or run with `--trust-folder`)",
        )],
        (Host::OpenCode | Host::Kilo, _) => {
            let cli = host.key();
            vec![format!("{} starts the server with each session; `{cli} mcp list` shows it", host.display_name())]
        }
        (Host::Droid, _) => vec![s(
            "Factory Droid starts the server with each session (`droid mcp list` shows it) and defers its tools \
             behind its tool search: the model finds `fuse` there when it needs a second opinion",
        )],
        (Host::Cline, _) => {
            vec![s("the Cline CLI reads this file (`cline mcp list`); the Cline VS Code extension keeps its own \
             `cline_mcp_settings.json` in VS Code's globalStorage: add the same entry there from its MCP Servers view")]
        }
        (Host::Continue, project) => {
            let block = project.map_or_else(
                || "~/.continue/mcpServers/frontier.yaml".to_string(),
                |dir| dir.join(".continue/mcpServers/frontier.yaml").display().to_string(),
            );
            vec![
                s("the Continue editor extension loads every block file in `.continue/mcpServers/` with its config \
                 (your config.yaml is unchanged) and offers MCP tools in agent mode"),
                format!(
                    "the `cn` CLI reads no `.continue/mcpServers/` directory: pass the file to it, \
                 `cn --mcp {block}`"
                ),
            ]
        }
        (Host::Cursor, _) => {
            vec![s("Cursor starts the server when it (re)loads its MCP settings: check it in Settings → MCP; Cursor \
             documents no per-server tool timeout")]
        }
        (Host::Windsurf, _) => vec![s("Windsurf reads the file when Cascade starts: press refresh in its MCP panel")],
        (Host::VsCode, _) => {
            vec![s("VS Code asks once whether to trust and start the new server; `MCP: List Servers` shows it, and \
             agent mode offers its tools")]
        }
        (Host::Zed, _) => vec![s(
            "Zed starts the server when its settings change; the Agent Panel's settings show it with a green dot",
        )],
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn continue_notes_name_the_block_file_for_the_cn_cli() {
        assert_eq!(
            follow_up(Host::Continue, Some(Path::new("/repo")))[1],
            "the `cn` CLI reads no `.continue/mcpServers/` directory: pass the file to it, \
             `cn --mcp /repo/.continue/mcpServers/frontier.yaml`"
        );
        assert_eq!(
            follow_up(Host::Continue, None),
            vec![
                "the Continue editor extension loads every block file in `.continue/mcpServers/` with its config \
                 (your config.yaml is unchanged) and offers MCP tools in agent mode"
                    .to_string(),
                "the `cn` CLI reads no `.continue/mcpServers/` directory: pass the file to it, \
                 `cn --mcp ~/.continue/mcpServers/frontier.yaml`"
                    .to_string(),
            ]
        );
    }
}
