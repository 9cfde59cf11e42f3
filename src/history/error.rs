//! What can go wrong with the history database, sorted into the few cases a user can
//! act on differently, each with its own hint.

use std::fmt;
use std::path::{Path, PathBuf};

use rusqlite::ErrorCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryErrorKind {
    /// The file is not a SQLite database, or is damaged.
    Corrupt,
    /// Another process held the database longer than the busy timeout.
    Busy,
    /// The file or its directory can't be created, opened or written.
    Io,
    /// Anything else SQLite or the report's JSON can report.
    Other,
}

#[derive(Debug)]
pub struct HistoryError {
    pub path: PathBuf,
    pub kind: HistoryErrorKind,
    pub detail: String,
}

impl HistoryError {
    pub fn new(path: &Path, kind: HistoryErrorKind, detail: impl Into<String>) -> Self {
        HistoryError { path: path.to_path_buf(), kind, detail: detail.into() }
    }

    pub fn sqlite(path: &Path, err: &rusqlite::Error) -> Self {
        let kind = match err.sqlite_error_code() {
            Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => HistoryErrorKind::Corrupt,
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => HistoryErrorKind::Busy,
            Some(
                ErrorCode::CannotOpen
                | ErrorCode::ReadOnly
                | ErrorCode::PermissionDenied
                | ErrorCode::SystemIoFailure
                | ErrorCode::DiskFull,
            ) => HistoryErrorKind::Io,
            _ => HistoryErrorKind::Other,
        };
        HistoryError::new(path, kind, err.to_string())
    }

    pub fn io(path: &Path, action: &str, err: &std::io::Error) -> Self {
        HistoryError::new(path, HistoryErrorKind::Io, format!("could not {action} ({err})"))
    }

    /// What the user can do about it.
    pub fn hint(&self) -> String {
        let path = self.path.display();
        match self.kind {
            HistoryErrorKind::Corrupt => {
                format!(
                    "move `{path}` aside and frontier starts a new history (or set `history = false` in config.toml)"
                )
            }
            HistoryErrorKind::Busy => {
                format!(
                    "another process is holding it (`fuser {path}` names it); frontier itself holds it for milliseconds"
                )
            }
            HistoryErrorKind::Io => {
                "check that the state dir exists and that you may write it (or set `history = false` in config.toml)"
                    .into()
            }
            HistoryErrorKind::Other => {
                format!("if this persists, move `{path}` aside and frontier starts a new history")
            }
        }
    }
}

impl fmt::Display for HistoryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.display();
        match self.kind {
            HistoryErrorKind::Corrupt => write!(f, "`{path}` is not a usable history database ({})", self.detail),
            HistoryErrorKind::Busy => {
                let secs = super::busy::BUSY_TIMEOUT_MS / 1000;
                write!(f, "`{path}` stayed locked for more than {secs} s ({})", self.detail)
            }
            HistoryErrorKind::Io | HistoryErrorKind::Other => write!(f, "`{path}`: {}", self.detail),
        }
    }
}

impl std::error::Error for HistoryError {}

impl From<HistoryError> for crate::error::Error {
    fn from(err: HistoryError) -> Self {
        crate::error::Error::refused(format!("run history: {err}"), err.hint())
    }
}
