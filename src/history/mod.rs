//! Run history: every finished run, its whole `RunReport` plus the columns `frontier
//! runs` lists and `--stats` aggregates, in one SQLite database in the state dir
//! (`history.sqlite3`, WAL mode, mode 0600). A run appends its record to the database's
//! inbox (`history.sqlite3-inbox`, `inbox`), and whoever next opens the database moves
//! the waiting records in: a run pays an append, not a SQLite commit.
//!
//! The report is handled as an opaque JSON value: the columns are read from it by key
//! (`run_id`, `totals/cost_usd`, `panel/*/latency_ms`, ...), so fields added to the
//! report are stored without a change here, and a key it lacks is stored as NULL. Each
//! inbox line is checked first (`entry`): a line that is not a usable record is set aside
//! (`rejects`) and reported once ([`Notice`]), never blocking the rest. Any stored time
//! prints (`when`), and a state dir this process may not write is read through a
//! read-only view (`read_only`).
//!
//! Knows nothing about how a run is carried out, about configuration (the callers pass
//! the database's path and the `history` switch), or about terminals: recording never
//! fails a run (`record_or_warning` returns a warning for the caller to print), and the
//! commands render what the queries return. Nothing here prints.

mod busy;
mod cache;
pub mod entry;
mod error;
mod inbox;
mod notice;
mod open;
mod prompts;
mod query;
mod read_only;
mod record;
mod rejects;
mod schema;
pub mod stats;
mod store;
mod thread;
pub mod when;

pub use error::{HistoryError, HistoryErrorKind};
pub use notice::Notice;
pub use prompts::Prompt;
pub use query::{Found, Summary, Window};
pub use stats::ModelStats;
pub use store::Store;
pub use thread::{MAX_THREAD_RUNS, Thread};

use std::path::Path;

use crate::pipeline::RunReport;

/// What started a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source<'a> {
    /// `frontier run`.
    Run,
    /// A turn of `frontier chat`.
    Chat,
    /// An editor agent's prompt hook, in this scope.
    Hook { scope: &'a str },
    /// A tool call to `frontier mcp` (`fuse` or `ask`).
    Mcp,
}

impl Source<'_> {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Run => "run",
            Source::Chat => "chat",
            Source::Hook { .. } => "hook",
            Source::Mcp => "mcp",
        }
    }

    pub fn scope(self) -> Option<String> {
        match self {
            Source::Run | Source::Chat | Source::Mcp => None,
            Source::Hook { scope } => Some(scope.to_string()),
        }
    }
}

/// Records `report` in the database at `path` when `enabled`; a failure is returned as
/// the text of a warning (without its `warning: ` prefix), for the caller to print.
pub fn record_or_warning(enabled: bool, path: &Path, report: &RunReport, source: Source<'_>) -> Option<String> {
    if !enabled {
        return None;
    }
    let appended = serde_json::to_value(report)
        .map_err(|e| HistoryError::new(path, HistoryErrorKind::Other, format!("the report is not JSON ({e})")))
        .and_then(|value| {
            let wall_ms = i64::try_from(report.totals.wall_ms).unwrap_or(i64::MAX);
            let entry = entry::Entry {
                started_at_ms: record::started_at_ms(wall_ms),
                source: source.as_str().to_string(),
                scope: source.scope(),
                report: value,
            };
            inbox::append(path, &entry)
        });
    let size = match appended {
        Ok(size) => size,
        Err(err) => return Some(format!("history: run {} was not recorded: {err}; {}", report.run_id, err.hint())),
    };
    // The run only appends; the inbox moves into the database when history is read, or
    // here once it has grown past its bound.
    if size <= inbox::INGEST_BYTES {
        return None;
    }
    match Store::open_or_create(path) {
        // The run that moved the inbox in is the one to tell about lines it set aside.
        Ok(store) => store.notices().first().map(ToString::to_string),
        Err(err) => Some(format!("history: run {} waits in the inbox: {err}; {}", report.run_id, err.hint())),
    }
}
