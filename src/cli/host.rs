//! The arguments of the commands an editor agent's side uses: `hook` (run by the host on
//! every prompt), `statusline`, and `install` / `uninstall` (register frontier with the
//! host), and the hosts' names they share (`HostArg`).
//!
//! Raw values only: what each host's files and protocols look like is `install`'s and
//! `hook`'s business.

use clap::{Args, ValueEnum};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HostArg {
    ClaudeCode,
    Codex,
    Gemini,
    Qwen,
    Copilot,
    #[value(name = "opencode")]
    OpenCode,
    Kilo,
    Droid,
    Cline,
    Continue,
    Cursor,
    Windsurf,
    #[value(name = "vscode")]
    VsCode,
    Zed,
}

#[derive(Debug, Args)]
pub struct HookArgs {
    /// The host calling the hook; told from its stdin when absent.
    #[arg(long, value_enum)]
    pub host: Option<HostArg>,
}

#[derive(Debug, Args)]
pub struct StatuslineArgs {
    /// The scope to show; by default the Claude Code workspace scope of stdin's `cwd`.
    #[arg(long, value_name = "SCOPE")]
    pub scope: Option<String>,
}

#[derive(Debug, Args)]
pub struct InstallArgs {
    /// The editor agent.
    #[arg(value_enum)]
    pub host: HostArg,
    /// Edit your own settings, for every project.
    #[arg(long, conflicts_with = "project")]
    pub user: bool,
    /// Edit one project's settings, under DIR.
    #[arg(long, value_name = "DIR")]
    pub project: Option<std::path::PathBuf>,
    /// Show the change as a diff; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Register (or remove) frontier's MCP server, `frontier mcp`, instead of its prompt hook.
    #[arg(long)]
    pub mcp: bool,
}
