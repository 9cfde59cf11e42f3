//! The end of a transcript file, read without trusting the path: a regular file on an
//! ordinary file system only, at most the last bytes asked for, from a line boundary.
//!
//! Knows nothing about what the lines hold.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use super::reach;

/// Why the transcript could not be read, worded for the report.
#[derive(Debug, thiserror::Error)]
pub(super) enum TailError {
    /// Not a failure: a new session has no transcript yet, so nothing is noted.
    #[error("not found (a new session has none yet)")]
    NotFound,
    #[error("unreadable ({0})")]
    Unreadable(#[from] std::io::Error),
    #[error("not a regular file")]
    NotAFile,
    /// What `reach` found in a regular file's place once the path was resolved.
    #[error("{}", .0.reason())]
    Special(reach::Special),
}

/// The last `cap` bytes of the file at `path` as text, starting at a line boundary; or
/// why it can't be read.
pub(super) fn read_tail(path: &Path, cap: u64) -> Result<String, TailError> {
    // Checked before opening: opening a FIFO would wait for a writer forever.
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => TailError::NotFound,
        _ => TailError::Unreadable(e),
    })?;
    if !meta.is_file() {
        return Err(TailError::NotAFile);
    }
    // The path is the host's word: opened as `reach` opens context, a regular file on an
    // ordinary file system only, without waiting (a transcript_path of /proc/kmsg would
    // block a plain read forever).
    let real = std::fs::canonicalize(path)?;
    let mut file = match reach::open(&real)? {
        reach::Opened::File(file) => file,
        reach::Opened::Special(special) => return Err(TailError::Special(special)),
    };
    let start = meta.len().saturating_sub(cap);
    if start > 0 {
        file.seek(SeekFrom::Start(start))?;
    }
    let mut bytes = Vec::new();
    // `take`: the file may grow while it is read (the host writes as it goes).
    file.take(cap).read_to_end(&mut bytes)?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    if start == 0 {
        return Ok(text);
    }
    // The first line read is most likely the end of one that began before the tail.
    Ok(text.split_once('\n').map_or(String::new(), |(_, rest)| rest.to_string()))
}
