//! Entry points for the fuzz targets in `fuzz/` (docs/fuzzing.md): thin wrappers that
//! reach parsers kept private to their layers, each doing exactly what the real loader
//! does minus the file I/O. Compiled only under `--cfg fuzzing` (cargo-fuzz sets it) and
//! in unit tests, which keep it building; not part of frontier's interface.
//!
//! The parsers that are already public (hook stdin, the guards, the judge) are called by
//! the targets directly and have no wrapper here. config's two file parsers have
//! text-level entry points of their own (`config::config_text`,
//! `config::presets::user_preset_text`), so no raw config type is named here.

use std::path::Path;

use crate::config::{Catalog, Preset, Settings, presets, toml_file};
use crate::error::{Error, Result};
use crate::provider::agent_cli::{Reply, claude, codex, gemini};
use crate::provider::http::{WireFormat, testing};
use crate::provider::{ProviderError, StreamEvent};
use crate::scope::state::{ScopeState, ScopeStateToml};

/// Feeds `bytes`, split in two at `cut`, through the SSE decoder and `wire`'s parser, as
/// the adapters' unit tests do; `cut` past the end is clamped.
pub fn sse_replay<W: WireFormat>(
    wire: &W,
    bytes: &[u8],
    cut: usize,
) -> std::result::Result<Vec<StreamEvent>, ProviderError> {
    testing::replay(wire, bytes, cut.min(bytes.len()))
}

/// `text` as config.toml, resolved as `Config::load` does: settings, and the built-in
/// catalog with the file's providers, models, aliases and prices on top.
pub fn config_file(text: &str) -> Result<(Settings, Catalog)> {
    crate::config::config_text(text)
}

/// `text` as a user preset file called `name`, checked against `catalog` as
/// `Presets::load` checks one.
pub fn preset_file(name: &str, text: &str, catalog: &Catalog) -> Result<Preset> {
    presets::user_preset_text(name, text, catalog)
}

/// `text` as a scope's state file, read as `state::load` reads one (whose callers treat
/// an error as `off` with a warning).
pub fn scope_state(text: &str) -> Result<ScopeState> {
    let path = Path::new("scopes/default.toml");
    let raw: ScopeStateToml = toml_file::parse(text, path, "scope state")?;
    raw.into_state().map_err(|e| Error::InvalidFile {
        what: "scope state",
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}

/// `state` as `state::update` writes it.
pub fn encode_scope_state(state: &ScopeState) -> std::result::Result<String, toml::ser::Error> {
    toml::to_string(&ScopeStateToml::from_state(state))
}

/// What an agent CLI's parser made of its output: `Ok(())` for an answer, else the API
/// status and detail of a reported error, or `None` for unreadable output.
pub type CliReply = std::result::Result<(), Option<(Option<u16>, String)>>;

fn summarise(reply: Reply) -> CliReply {
    match reply {
        Reply::Answer(_) => Ok(()),
        Reply::Error { api_status, detail } => Err(Some((api_status, detail))),
        Reply::Unreadable(_) => Err(None),
    }
}

/// `claude -p --output-format json`'s stdout, parsed.
pub fn claude_cli(stdout: &str) -> CliReply {
    summarise(claude::parse(stdout))
}

/// `codex exec --json`'s events and its last-message file, parsed.
pub fn codex_cli(events: &str, last_message: Option<&str>) -> CliReply {
    summarise(codex::parse(events, last_message))
}

/// The key variables a codex `config.toml` names.
pub fn codex_config_key_vars(text: &str) -> Vec<String> {
    codex::key_vars_in_config(text)
}

/// `gemini --output-format json`'s stdout and stderr, parsed.
pub fn gemini_cli(stdout: &str, stderr: &str) -> CliReply {
    summarise(gemini::parse(stdout, stderr))
}
