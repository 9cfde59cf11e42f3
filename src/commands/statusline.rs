//! `frontier statusline`: a one-line badge for Claude Code's status line — the armed
//! mode and, while a hooked run is in flight, its stage. Prints nothing when the scope
//! is off. Reads the state file and the progress file only, and stdin with a deadline:
//! a host that never closes the pipe gets nothing, within a few seconds, rather than a
//! status line that hangs.

use std::io::IsTerminal as _;

use serde::Deserialize;

use crate::cli::StatuslineArgs;
use crate::config::{Host, Paths};
use crate::env::Env;
use crate::error::Result;
use crate::hook::progress;
use crate::hook::stdin::{self, STDIN_DEADLINE};
use crate::scope;
use crate::scope::state::{self, Armed};

/// The most stdin the status line reads; Claude Code's JSON is a few kilobytes.
const MAX_STDIN_BYTES: usize = 1 << 20;

/// What frontier reads of Claude Code's status-line JSON.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct StatuslineInput {
    cwd: Option<std::path::PathBuf>,
    workspace: Workspace,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Workspace {
    current_dir: Option<std::path::PathBuf>,
    project_dir: Option<std::path::PathBuf>,
}

pub fn run(args: StatuslineArgs, env: &Env) -> Result<i32> {
    // A stdin that does not close in time, or is too large, is not Claude Code's: print
    // nothing, like an off scope.
    let Some(input) = read_input() else { return Ok(0) };
    let dir = input
        .workspace
        .project_dir
        .or(input.workspace.current_dir)
        .or(input.cwd)
        .unwrap_or_else(|| env.cwd().to_path_buf());
    let paths = Paths::resolve(env)?;
    let scope = scope::resolve(args.scope.as_deref(), env, Some((Host::ClaudeCode, &dir)))?;
    let loaded = state::load(&paths.scopes_dir(), &scope.name);
    let label = match &loaded.state.armed {
        Armed::Off => return Ok(0),
        Armed::Single { model } => model.as_str(),
        Armed::Preset { name } => name.as_str(),
        Armed::Custom { .. } => "custom",
    };
    let live = progress::read(&paths.state_dir, &scope.name);
    let badge = progress::badge(loaded.state.armed.mode().as_str(), label, live.as_ref());
    crate::render::write_stdout(&format!("{badge}\n"));
    Ok(0)
}

/// Claude Code pipes its JSON; a person at a terminal pipes nothing, so don't wait.
/// Unparsable JSON reads as no JSON (the working directory decides the scope).
fn read_input() -> Option<StatuslineInput> {
    if std::io::stdin().is_terminal() {
        return Some(StatuslineInput::default());
    }
    let bytes = stdin::read_all(STDIN_DEADLINE, MAX_STDIN_BYTES).ok()?;
    Some(serde_json::from_slice(&bytes).unwrap_or_default())
}
