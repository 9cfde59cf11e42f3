//! The history database as an open connection: the `Store` every part of the history
//! reads and writes through, the empty one in memory that the read-only view builds on,
//! and what closing it does with a large WAL. How a database on disk is opened (created
//! private, put in WAL mode, its inbox moved in, or read without writing) is `open`'s.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};

use super::busy::BUSY_TIMEOUT_MS;
use super::error::HistoryError;
use super::notice::Notice;
use super::schema;

/// Past this size the `-wal` file is folded into the database when the store closes
/// (about 30 runs' records). See `Drop for Store`.
const WAL_FOLD_BYTES: u64 = 1 << 20;

/// An open, migrated history database.
pub struct Store {
    pub(super) conn: Connection,
    pub(super) path: PathBuf,
    /// What opening it found to tell the user: lines of the inbox set aside, records
    /// left waiting.
    pub(super) notices: Vec<Notice>,
    /// `false` for the read-only view: nothing on disk is written, not even on close.
    pub(super) writable: bool,
}

impl Store {
    /// An empty history in memory that nothing on disk backs (`path` names it in errors):
    /// what the read-only view builds on, and where the fuzz target stores what it read.
    /// It can attach databases by URI (`file:...?mode=ro`) and keeps its temporary
    /// tables and views in memory too.
    pub fn in_memory(path: &Path) -> Result<Store, HistoryError> {
        let sqlite = |e: rusqlite::Error| HistoryError::sqlite(path, &e);
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = Connection::open_in_memory_with_flags(flags).map_err(sqlite)?;
        conn.pragma_update(None, "temp_store", "MEMORY").map_err(sqlite)?;
        conn.busy_timeout(Duration::from_millis(BUSY_TIMEOUT_MS)).map_err(sqlite)?;
        schema::migrate(&mut conn).map_err(sqlite)?;
        Ok(Store { conn, path: path.to_path_buf(), notices: Vec::new(), writable: false })
    }

    /// What opening the store found to tell the user, once.
    pub fn notices(&self) -> &[Notice] {
        &self.notices
    }

    pub(super) fn error(&self, err: &rusqlite::Error) -> HistoryError {
        HistoryError::sqlite(&self.path, err)
    }
}

impl Drop for Store {
    /// Lets SQLite checkpoint and delete a large WAL as the last connection closes (it
    /// skips that when another process still has the database open, so this never
    /// waits). Once every `WAL_FOLD_BYTES` of records, a run pays the four fsyncs every
    /// run used to pay.
    fn drop(&mut self) {
        if !self.writable {
            return;
        }
        let mut wal = self.path.clone().into_os_string();
        wal.push("-wal");
        if std::fs::metadata(&wal).is_ok_and(|m| m.len() > WAL_FOLD_BYTES) {
            // A failure leaves the WAL for a later run to fold: nothing is lost.
            let _ = self.conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_wal_is_folded_into_the_database_on_close_and_a_small_one_kept() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.sqlite3");
        let wal = dir.path().join("history.sqlite3-wal");
        let store = Store::open_or_create(&path).unwrap();
        store.conn.execute_batch("CREATE TABLE t (x BLOB); INSERT INTO t VALUES (zeroblob(1000));").unwrap();
        drop(store);
        assert!(wal.exists(), "a small WAL stays in place");
        let store = Store::open_or_create(&path).unwrap();
        let big = i64::try_from(WAL_FOLD_BYTES).unwrap() + 4096;
        store.conn.execute("INSERT INTO t VALUES (zeroblob(?1))", [big]).unwrap();
        assert!(std::fs::metadata(&wal).unwrap().len() > WAL_FOLD_BYTES);
        drop(store);
        assert!(!wal.exists(), "the WAL past WAL_FOLD_BYTES is checkpointed and removed");
        let store = Store::open_existing(&path).unwrap().unwrap();
        let rows: i64 = store.conn.query_row("SELECT count(*) FROM t", [], |r| r.get(0)).unwrap();
        assert_eq!(rows, 2, "nothing was lost");
    }
}
