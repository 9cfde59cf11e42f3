//! The editor agents whose prompt hook frontier serves. Install writes their settings
//! files, the hook reads their events and the scopes name their workspaces after them,
//! so the one list lives here, below all three.
//!
//! Knows nothing about what each host's files or events look like; `install` and
//! `hook` know that.

/// An editor agent whose hook frontier serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    ClaudeCode,
    Codex,
    Gemini,
}
