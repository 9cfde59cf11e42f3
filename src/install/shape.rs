//! What frontier found in a host's settings or MCP file instead of the shape it edits:
//! the merges' errors (`merge`, `merge_mcp`), which the caller turns into a refusal
//! naming the file (`settings_file::unexpected_shape`).
//!
//! Knows nothing about files or hosts: a key path and what was there.

/// An unexpected shape, by the key path where it was met (`hooks.UserPromptSubmit`,
/// `mcpServers.frontier`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Shape {
    /// The document's top level is not an object.
    #[error("the file does not hold a JSON object")]
    NoObjectAtTheTop,
    #[error("`{0}` is not an object")]
    NotAnObject(String),
    #[error("`{0}` is not a list")]
    NotAList(String),
    #[error("`{0}` is not a table")]
    NotATable(String),
    /// frontier's entry's name is taken by a server that runs another program.
    #[error("`{key}` is another server: it runs `{command}`, not frontier")]
    AnotherServer { key: String, command: String },
    /// frontier's entry's name is taken by a server that runs no command (a remote one).
    #[error("`{0}` is another server: it runs no command")]
    NoCommand(String),
}
