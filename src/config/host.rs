//! The editor agents frontier registers with. Install writes their files, the hook reads
//! their events and the scopes name their workspaces after them, so the one list lives
//! here, below all three.
//!
//! Knows nothing about what each host's files or events look like; `install` and
//! `hook` know that.

/// An editor agent frontier can register with: its prompt hook (where the host's hook
/// can add context), its MCP server, or a `/frontier` command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Host {
    ClaudeCode,
    Codex,
    Gemini,
    Qwen,
    Copilot,
    OpenCode,
    Kilo,
    Droid,
    Cline,
    Continue,
    Cursor,
    Windsurf,
    VsCode,
    Zed,
}

impl Host {
    /// Every host, in the order `status` and the docs list them.
    pub const ALL: [Host; 14] = [
        Host::ClaudeCode,
        Host::Codex,
        Host::Gemini,
        Host::Qwen,
        Host::Copilot,
        Host::OpenCode,
        Host::Kilo,
        Host::Droid,
        Host::Cline,
        Host::Continue,
        Host::Cursor,
        Host::Windsurf,
        Host::VsCode,
        Host::Zed,
    ];

    /// The name the command line uses (`frontier install NAME`, `hook --host NAME`).
    pub fn key(self) -> &'static str {
        match self {
            Host::ClaudeCode => "claude-code",
            Host::Codex => "codex",
            Host::Gemini => "gemini",
            Host::Qwen => "qwen",
            Host::Copilot => "copilot",
            Host::OpenCode => "opencode",
            Host::Kilo => "kilo",
            Host::Droid => "droid",
            Host::Cline => "cline",
            Host::Continue => "continue",
            Host::Cursor => "cursor",
            Host::Windsurf => "windsurf",
            Host::VsCode => "vscode",
            Host::Zed => "zed",
        }
    }

    /// The host's name as users know it.
    pub fn display_name(self) -> &'static str {
        match self {
            Host::ClaudeCode => "Claude Code",
            Host::Codex => "Codex",
            Host::Gemini => "Gemini CLI",
            Host::Qwen => "Qwen Code",
            Host::Copilot => "GitHub Copilot CLI",
            Host::OpenCode => "OpenCode",
            Host::Kilo => "Kilo",
            Host::Droid => "Factory Droid",
            Host::Cline => "Cline",
            Host::Continue => "Continue",
            Host::Cursor => "Cursor",
            Host::Windsurf => "Windsurf",
            Host::VsCode => "VS Code",
            Host::Zed => "Zed",
        }
    }

    /// The `--scope` word that names this host's workspace scope of the current directory
    /// (`claude-project`, ...); only the hosts that autorun have one.
    pub fn project_alias(self) -> Option<&'static str> {
        Some(match self {
            Host::ClaudeCode => "claude-project",
            Host::Codex => "codex-project",
            Host::Gemini => "gemini-project",
            Host::Qwen => "qwen-project",
            Host::Copilot => "copilot-project",
            Host::OpenCode => "opencode-project",
            Host::Kilo => "kilo-project",
            Host::Droid => "droid-project",
            Host::Cline | Host::Continue | Host::Cursor | Host::Windsurf | Host::VsCode | Host::Zed => return None,
        })
    }

    /// Whether the host's prompt hook can add context, so that an armed workspace runs
    /// every prompt through frontier there. The others take frontier's MCP server (and
    /// some a `/frontier` command) only; docs/hooks.md says why for each.
    pub fn autoruns(self) -> bool {
        matches!(
            self,
            Host::ClaudeCode
                | Host::Codex
                | Host::Gemini
                | Host::Qwen
                | Host::Copilot
                | Host::OpenCode
                | Host::Kilo
                | Host::Droid
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactly_the_hosts_that_autorun_have_a_project_alias() {
        for host in Host::ALL {
            assert_eq!(host.project_alias().is_some(), host.autoruns(), "{host:?}");
        }
    }

    #[test]
    fn every_host_has_its_own_key() {
        let keys: std::collections::BTreeSet<&str> = Host::ALL.iter().map(|h| h.key()).collect();
        assert_eq!(keys.len(), Host::ALL.len());
    }
}
