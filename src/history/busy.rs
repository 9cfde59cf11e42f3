//! How long the history waits for another process that holds the database or its
//! inbox: one bound for SQLite's busy handler, the switch to WAL mode and the inbox's
//! lock, and the number a `Busy` error quotes.

/// How long a writer waits for another to finish before giving up: a record takes
/// milliseconds, so this covers many concurrent runs finishing at once.
pub const BUSY_TIMEOUT_MS: u64 = 5_000;
