//! Opening the history database: the file is created 0600 before SQLite sees it (so its
//! `-wal` and `-shm` files are 0600 too), WAL mode lets readers and one writer work at
//! once, and a busy timeout makes concurrent writers wait their turn instead of failing.
//! Whoever opens it moves the inbox in (`inbox`). A reader that may not write the state
//! dir gets a read-only view instead (`read_only`), through the same `Store` and the same
//! queries.

use std::fs::OpenOptions;
use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
use std::path::Path;
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};

use super::busy::BUSY_TIMEOUT_MS;
use super::error::{HistoryError, HistoryErrorKind};
use super::store::Store;
use super::{inbox, read_only, schema};

impl Store {
    /// Opens the database at `path`, creating it (and its directory) when missing.
    pub fn open_or_create(path: &Path) -> Result<Store, HistoryError> {
        refuse_symlink(path)?;
        if let Some(dir) = path.parent() {
            crate::private_dir::create_all(dir).map_err(|e| HistoryError::io(dir, "create the state dir", &e))?;
        }
        OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(path)
            .map_err(|e| HistoryError::io(path, "create the file", &e))?;
        Store::open(path)
    }

    /// Opens the database at `path` for reading; `None` when there is no history yet
    /// (neither the database nor records waiting in its inbox). When the state dir or
    /// its files may not be written, a read-only view of the database and the records
    /// waiting in the inbox, which stay there.
    pub fn open_existing(path: &Path) -> Result<Option<Store>, HistoryError> {
        refuse_symlink(path)?;
        let inbox = inbox::path_of(path);
        if !path.exists() && !inbox.exists() {
            return Ok(None);
        }
        if !may_write(path) {
            return read_only::open(path).map(Some);
        }
        if path.exists() { Store::open(path).map(Some) } else { Store::open_or_create(path).map(Some) }
    }

    fn open(path: &Path) -> Result<Store, HistoryError> {
        keep_private(path)?;
        let sqlite = |e: rusqlite::Error| HistoryError::sqlite(path, &e);
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let mut conn = Connection::open_with_flags(path, flags).map_err(sqlite)?;
        conn.busy_timeout(Duration::from_millis(BUSY_TIMEOUT_MS)).map_err(sqlite)?;
        enter_wal_mode(&conn).map_err(sqlite)?;
        // In WAL mode, NORMAL never corrupts the database; a power cut can only lose the
        // last runs. It spares every run an fsync, which a history record isn't worth.
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(sqlite)?;
        // By default the last connection to close checkpoints the WAL into the database
        // and deletes the `-wal` and `-shm` files, with four fsyncs, and the next run creates
        // them again: most of a run's history cost (about 4 ms here). Leaving the WAL in
        // place makes a record one unsynced append. But one process per run never resets a
        // WAL left in place: each new process reads the whole file to rebuild its index,
        // and past the autocheckpoint size every commit checkpoints and the file still
        // grows. So `Drop` folds it in on close once it passes `WAL_FOLD_BYTES`: one run in
        // about thirty pays the fsyncs.
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, true).map_err(sqlite)?;
        schema::migrate(&mut conn).map_err(sqlite)?;
        let mut store = Store { conn, path: path.to_path_buf(), notices: Vec::new(), writable: true };
        // Whoever opens the database brings in the runs recorded since it was last opened.
        let set_aside = inbox::ingest(&mut store)?;
        store.notices.extend(set_aside);
        Ok(store)
    }
}

/// Puts the database in WAL mode, which it then stays in. Switching a new file to WAL
/// needs it to itself, and SQLite answers "database is locked" at once, without the busy
/// handler, when another connection is switching it too: runs that create the history
/// together (the first hooks of a new machine) wait their turn here instead.
fn enter_wal_mode(conn: &Connection) -> rusqlite::Result<()> {
    let give_up = std::time::Instant::now() + Duration::from_millis(BUSY_TIMEOUT_MS);
    loop {
        match conn.pragma_update(None, "journal_mode", "WAL") {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy && std::time::Instant::now() < give_up =>
            {
                std::thread::sleep(Duration::from_millis(5));
            }
            done => return done,
        }
    }
}

/// Whether this process may write the state dir and the history's files there: moving
/// the inbox in creates files (the `-wal`, the rejects) and writes the others. A read-only
/// mount, a sandbox or a directory made read-only says no.
fn may_write(path: &Path) -> bool {
    let writable = |p: &Path| rustix::fs::access(p, rustix::fs::Access::WRITE_OK).is_ok();
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    writable(dir) && [path.to_path_buf(), inbox::path_of(path)].iter().all(|p| !p.exists() || writable(p))
}

fn refuse_symlink(path: &Path) -> Result<(), HistoryError> {
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(HistoryError::new(path, HistoryErrorKind::Io, "refusing to use a symbolic link"));
    }
    Ok(())
}

/// The database holds the user's prompts: only they may read it.
fn keep_private(path: &Path) -> Result<(), HistoryError> {
    let mode = std::fs::metadata(path).map_err(|e| HistoryError::io(path, "read the file's metadata", &e))?;
    if mode.permissions().mode() & 0o077 != 0 {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| HistoryError::io(path, "make the file private", &e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creates_a_private_wal_database_and_reopens_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state/history.sqlite3");
        assert!(Store::open_existing(&path).unwrap().is_none());
        let store = Store::open_or_create(&path).unwrap();
        let mode: String = store.conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
        drop(store);
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        assert!(Store::open_existing(&path).unwrap().is_some());
    }

    #[test]
    fn garbage_is_reported_as_corrupt() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.sqlite3");
        std::fs::write(&path, "this is not a database, not even close; ".repeat(100)).unwrap();
        let err = Store::open_or_create(&path).err().unwrap();
        assert_eq!(err.kind, HistoryErrorKind::Corrupt, "{err}");
    }

    #[test]
    fn an_unwritable_state_dir_is_an_io_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("state"), "a file where the dir should be").unwrap();
        let err = Store::open_or_create(&dir.path().join("state/history.sqlite3")).err().unwrap();
        assert_eq!(err.kind, HistoryErrorKind::Io, "{err}");
    }

    #[test]
    fn symlinks_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("elsewhere.sqlite3");
        let link = dir.path().join("history.sqlite3");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(Store::open_or_create(&link).is_err());
        assert!(!target.exists());
    }
}
