//! Which wire protocol or program a provider is: the three HTTP APIs, the three agent
//! CLIs (one variant carrying which), and the built-in mock; with the names a
//! `[providers.NAME]` table writes them as (`openai`, `claude-cli`, ...).
//!
//! Knows nothing about catalogs or routes; how a kind is reached is `connect`'s business,
//! and where an agent CLI's program is found is `lookup`'s.

/// The wire protocol a provider speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderKind {
    /// OpenAI Chat Completions, or any server compatible with it.
    OpenAi,
    /// Anthropic Messages API.
    Anthropic,
    /// Google Gemini `streamGenerateContent`.
    Gemini,
    /// A locally installed, logged-in coding agent run headless and read-only.
    AgentCli(AgentCli),
    /// The built-in offline mock.
    Mock,
}

/// The agent CLIs frontier can drive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentCli {
    /// The `claude` CLI, logged in, in plan mode.
    Claude,
    /// The `codex` CLI, logged in, read-only sandbox.
    Codex,
    /// The `gemini` CLI, logged in, plan approval mode.
    Gemini,
}

/// The kinds a `[providers.NAME]` table may name, as written there (the mock is built in
/// and can't be configured).
pub const CONFIGURABLE_KINDS: &[(&str, ProviderKind)] = &[
    ("openai", ProviderKind::OpenAi),
    ("anthropic", ProviderKind::Anthropic),
    ("gemini", ProviderKind::Gemini),
    ("claude-cli", ProviderKind::AgentCli(AgentCli::Claude)),
    ("codex-cli", ProviderKind::AgentCli(AgentCli::Codex)),
    ("gemini-cli", ProviderKind::AgentCli(AgentCli::Gemini)),
];

impl ProviderKind {
    /// The kind a `[providers.NAME]` table's `kind` names, if it names one.
    pub fn parse(kind: &str) -> Option<ProviderKind> {
        CONFIGURABLE_KINDS.iter().find(|(name, _)| *name == kind).map(|(_, k)| *k)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::Mock => "mock",
            other => CONFIGURABLE_KINDS.iter().find(|(_, k)| *k == other).map_or("mock", |(name, _)| name),
        }
    }

    /// The agent CLI, for the agent-CLI kinds.
    pub fn agent_cli(self) -> Option<AgentCli> {
        match self {
            ProviderKind::AgentCli(cli) => Some(cli),
            ProviderKind::OpenAi | ProviderKind::Anthropic | ProviderKind::Gemini | ProviderKind::Mock => None,
        }
    }
}

impl AgentCli {
    /// The program's default name, looked up on `PATH`.
    pub fn program(self) -> &'static str {
        match self {
            AgentCli::Claude => "claude",
            AgentCli::Codex => "codex",
            AgentCli::Gemini => "gemini",
        }
    }

    /// The variable that names another program (or a path) to run instead.
    pub fn override_var(self) -> &'static str {
        match self {
            AgentCli::Claude => "FRONTIER_CLAUDE_BIN",
            AgentCli::Codex => "FRONTIER_CODEX_BIN",
            AgentCli::Gemini => "FRONTIER_GEMINI_BIN",
        }
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn every_configurable_kind_reads_back_as_written() {
        for (name, kind) in CONFIGURABLE_KINDS {
            assert_eq!(ProviderKind::parse(name), Some(*kind));
            assert_eq!(kind.as_str(), *name);
        }
        assert_eq!(ProviderKind::parse("mock"), None, "the mock is built in, not configured");
        assert_eq!(ProviderKind::Mock.as_str(), "mock");
        assert_eq!(ProviderKind::parse("claude"), None);
    }

    #[test]
    fn only_agent_cli_kinds_name_a_program() {
        let programs: Vec<_> = CONFIGURABLE_KINDS
            .iter()
            .filter_map(|(_, k)| k.agent_cli())
            .map(|cli| (cli.program(), cli.override_var()))
            .collect();
        assert_eq!(
            programs,
            [("claude", "FRONTIER_CLAUDE_BIN"), ("codex", "FRONTIER_CODEX_BIN"), ("gemini", "FRONTIER_GEMINI_BIN")]
        );
    }
}
