//! Scopes and what is armed in them: runtime state the commands and the hook share, not
//! configuration the user writes. `resolve` decides which scope a command acts on (and
//! names workspace scopes); `state` reads and writes a scope's state file.
//!
//! Knows nothing about presets or models beyond their names, nor about how a run is
//! carried out.

mod resolve;
pub mod state;

pub use resolve::{
    DEFAULT_SCOPE, Scope, ScopeSource, expand, resolve, workspace_hash, workspace_root, workspace_scope,
};
