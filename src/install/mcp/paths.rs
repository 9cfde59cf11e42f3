//! Where each host keeps its MCP servers, for the user and for a project; a location a
//! host lacks is refused with a hint naming the one it has. User files are in the host's
//! own directory (`install::home`).
//!
//! Knows nothing about what the files hold (`entry`, `merge_mcp`).

use std::path::{Path, PathBuf};

use super::super::home;
use crate::config::Host;
use crate::env::Env;
use crate::error::{Error, Result};

/// The file that lists `host`'s MCP servers in the project `dir`, or (`None`) the user's.
pub fn path(host: Host, project: Option<&Path>, env: &Env) -> Result<PathBuf> {
    match project {
        Some(dir) => {
            let relative = match host {
                Host::ClaudeCode => ".mcp.json",
                Host::Codex => ".codex/config.toml",
                Host::Gemini => ".gemini/settings.json",
                Host::Qwen => ".qwen/settings.json",
                Host::Copilot => ".github/mcp.json",
                Host::OpenCode => "opencode.json",
                Host::Kilo => "kilo.json",
                Host::Droid => ".factory/mcp.json",
                Host::Continue => ".continue/mcpServers/frontier.yaml",
                Host::Cursor => ".cursor/mcp.json",
                Host::VsCode => ".vscode/mcp.json",
                Host::Zed => ".zed/settings.json",
                Host::Cline | Host::Windsurf => return Err(no_project(host)),
            };
            Ok(dir.join(relative))
        }
        None => user(host, env),
    }
}

fn user(host: Host, env: &Env) -> Result<PathBuf> {
    let dir = home::user_dir(host, env)?;
    Ok(match host {
        // Claude Code keeps user-scope MCP servers in `.claude.json`: in
        // CLAUDE_CONFIG_DIR when set, else beside (not in) `~/.claude`.
        Host::ClaudeCode => {
            home::var(env, "CLAUDE_CONFIG_DIR").map_or_else(|| home::home(env), Ok)?.join(".claude.json")
        }
        Host::Codex => dir.join("config.toml"),
        Host::Gemini | Host::Qwen | Host::Zed => dir.join("settings.json"),
        Host::Copilot => dir.join("mcp-config.json"),
        Host::OpenCode => dir.join("opencode.json"),
        Host::Kilo => dir.join("kilo.json"),
        Host::Droid | Host::Cursor | Host::VsCode => dir.join("mcp.json"),
        Host::Cline => dir.join("data/settings/cline_mcp_settings.json"),
        Host::Continue => dir.join("mcpServers/frontier.yaml"),
        Host::Windsurf => dir.join("mcp_config.json"),
    })
}

/// A host that reads MCP servers only from the user's own file.
fn no_project(host: Host) -> Error {
    let (name, key) = (host.display_name(), host.key());
    let why = match host {
        Host::Cline => "Cline keeps its MCP servers in the user's `cline_mcp_settings.json` only",
        _ => "Windsurf keeps its MCP servers in the user's `~/.codeium/windsurf/mcp_config.json` only",
    };
    Error::usage(
        format!("{name} has no project file for MCP servers: {why}"),
        format!("register frontier for your user instead: `frontier install {key} --mcp --user`"),
    )
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn user_and_project_files_of_each_host() {
        let env = Env::from_parts([("HOME", "/home/u")], "/work");
        let user = |host| path(host, None, &env).unwrap_or_else(|e| panic!("{e}"));
        let project = |host| path(host, Some(Path::new("/repo")), &env);
        let p = PathBuf::from;
        assert_eq!(user(Host::ClaudeCode), p("/home/u/.claude.json"));
        assert_eq!(user(Host::Codex), p("/home/u/.codex/config.toml"));
        assert_eq!(user(Host::Copilot), p("/home/u/.copilot/mcp-config.json"));
        assert_eq!(user(Host::OpenCode), p("/home/u/.config/opencode/opencode.json"));
        assert_eq!(user(Host::Cline), p("/home/u/.cline/data/settings/cline_mcp_settings.json"));
        assert_eq!(user(Host::Windsurf), p("/home/u/.codeium/windsurf/mcp_config.json"));
        assert_eq!(user(Host::Zed), p("/home/u/.config/zed/settings.json"));
        assert_eq!(project(Host::ClaudeCode).ok(), Some(p("/repo/.mcp.json")));
        assert_eq!(project(Host::Kilo).ok(), Some(p("/repo/kilo.json")));
        assert_eq!(project(Host::VsCode).ok(), Some(p("/repo/.vscode/mcp.json")));
        assert_eq!(project(Host::Continue).ok(), Some(p("/repo/.continue/mcpServers/frontier.yaml")));
        assert_eq!(project(Host::Copilot).ok(), Some(p("/repo/.github/mcp.json")));
        for host in [Host::Cline, Host::Windsurf] {
            let err = project(host).err().map(|e| e.to_string()).unwrap_or_default();
            assert!(err.contains("has no project file for MCP servers"), "{err}");
        }
    }

    #[test]
    fn each_hosts_own_home_variable_moves_its_user_file() {
        let env = Env::from_parts(
            [
                ("HOME", "/home/u"),
                ("CLAUDE_CONFIG_DIR", "/cc"),
                ("CODEX_HOME", "cx"),
                ("GEMINI_CLI_HOME", "/g"),
                ("COPILOT_HOME", "/cp"),
                ("XDG_CONFIG_HOME", "/xdg"),
            ],
            "/work",
        );
        let user = |host| path(host, None, &env).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(user(Host::ClaudeCode), PathBuf::from("/cc/.claude.json"));
        assert_eq!(user(Host::Codex), PathBuf::from("/work/cx/config.toml"));
        assert_eq!(user(Host::Gemini), PathBuf::from("/g/.gemini/settings.json"));
        assert_eq!(user(Host::Copilot), PathBuf::from("/cp/mcp-config.json"));
        assert_eq!(user(Host::Kilo), PathBuf::from("/xdg/kilo/kilo.json"));
        assert_eq!(user(Host::Zed), PathBuf::from("/xdg/zed/settings.json"));
    }
}
