//! The history read without writing anything, for a state dir this process may not
//! write (a read-only mount, an agent's sandbox, a directory made read-only). The records
//! waiting in the inbox go into a scratch database in memory; the database on disk is
//! attached read-only beside it; and two temporary views named `runs` and `calls` (SQLite
//! resolves `temp` before the other schemas) show both as one history, the database's
//! rows first. So every query runs unchanged. Nothing on disk changes: the inbox keeps
//! its records for the next reader that may write, and its lines that are not records
//! are counted, not moved.
//!
//! A database in WAL mode is read with its `-wal` and `-shm` files as they are. One whose
//! last writer folded the WAL in and deleted both files can't be opened read-only the
//! usual way (SQLite would create the `-shm`), so it is opened immutable: with no `-wal`
//! there is nothing else to read.

use std::path::Path;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_encode};
use rusqlite::Connection;

use super::error::HistoryError;
use super::inbox;
use super::notice::Notice;
use super::schema::{CALL_COLUMNS, RUN_COLUMNS};
use super::store::Store;

/// What a path may keep unescaped in a SQLite URI.
const PATH_CHARS: &AsciiSet = &NON_ALPHANUMERIC.remove(b'/').remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// The history at `path` and the records waiting in its inbox, read-only.
pub fn open(path: &Path) -> Result<Store, HistoryError> {
    let sqlite = |e: rusqlite::Error| HistoryError::sqlite(path, &e);
    let mut store = Store::in_memory(path)?;
    let inbox = inbox::path_of(path);
    // Inserted before the views exist: `runs` is still the scratch table.
    let waiting = match inbox::waiting(path) {
        Ok((records, unusable)) => {
            store.record_all(&records)?;
            Some(unusable)
        }
        Err(err) => {
            store.notices.push(Notice::InboxUnreadable { inbox: inbox.clone(), detail: err.detail });
            None
        }
    };
    let attached = path.exists() && attach(&store.conn, path).map_err(sqlite)?;
    if let Some(unusable) = waiting {
        let new = if attached {
            "SELECT count(*) FROM main.runs WHERE run_id NOT IN (SELECT run_id FROM disk.runs)"
        } else {
            "SELECT count(*) FROM main.runs"
        };
        let records: i64 = store.conn.query_row(new, [], |row| row.get(0)).map_err(sqlite)?;
        let records = usize::try_from(records).unwrap_or(0);
        if records > 0 || unusable > 0 {
            let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
            store.notices.push(Notice::Waiting { records, unusable, inbox, dir });
        }
    }
    Ok(store)
}

/// Attaches the database at `path` as `disk`, read-only, and puts the views over it;
/// `false` when it has no tables yet (nothing to show but what waits).
fn attach(conn: &Connection, path: &Path) -> rusqlite::Result<bool> {
    let uri = format!("file:{}", percent_encode(path.as_os_str().as_encoded_bytes(), PATH_CHARS));
    let attach = |query: &str| {
        conn.execute("ATTACH DATABASE ?1 AS disk", [format!("{uri}?{query}")])?;
        // Attaching opens nothing: the first read does.
        conn.query_row(
            "SELECT count(*) FROM disk.sqlite_master WHERE type = 'table' AND name IN ('runs', 'calls')",
            [],
            |row| row.get::<_, i64>(0),
        )
    };
    let tables = match attach("mode=ro") {
        Ok(tables) => tables,
        Err(err) => {
            let mut wal = path.as_os_str().to_os_string();
            wal.push("-wal");
            if Path::new(&wal).exists() {
                return Err(err);
            }
            // Attached or not (a failed ATTACH leaves nothing to detach).
            let _ = conn.execute_batch("DETACH DATABASE disk");
            attach("immutable=1")?
        }
    };
    if tables < 2 {
        return Ok(false);
    }
    conn.execute_batch(&format!(
        "CREATE TEMP VIEW runs AS
           SELECT rowid AS rowid, {RUN_COLUMNS} FROM disk.runs
           UNION ALL
           SELECT rowid + (SELECT ifnull(max(rowid), 0) FROM disk.runs), {RUN_COLUMNS} FROM main.runs
           WHERE run_id NOT IN (SELECT run_id FROM disk.runs);
         CREATE TEMP VIEW calls AS
           SELECT {CALL_COLUMNS} FROM disk.calls
           UNION ALL
           SELECT {CALL_COLUMNS} FROM main.calls WHERE run_id NOT IN (SELECT run_id FROM disk.runs);"
    ))?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use pretty_assertions::assert_eq;
    use serde_json::json;

    use super::*;
    use crate::history::Source;
    use crate::history::entry::Entry;

    fn report(id: &str) -> serde_json::Value {
        json!({"run_id": id, "status": "ok", "mode": "single", "prompt": id,
               "panel": [{"model": "m", "route": "mock:m", "ok": true, "latency_ms": 3}]})
    }

    fn wait(db: &Path, id: &str, started_at_ms: i64) {
        let entry = Entry { started_at_ms, source: "run".into(), scope: None, report: report(id) };
        inbox::append(db, &entry).unwrap();
    }

    /// Every file of `dir` and its bytes.
    fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
        let mut files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap())
            .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read(e.path()).unwrap()))
            .collect();
        files.sort();
        files
    }

    #[test]
    fn the_database_and_the_waiting_records_read_as_one_history_and_nothing_changes() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("history.sqlite3");
        let mut store = Store::open_or_create(&db).unwrap();
        store.record(&report("r1"), Source::Run).unwrap();
        store.record(&report("r2"), Source::Run).unwrap();
        drop(store);
        // Waiting: a new run, a run already in the database (a reader died before emptying
        // the inbox), and a line that is not a record.
        wait(&db, "r3", i64::MAX);
        wait(&db, "r2", 1);
        let mut inbox = std::fs::OpenOptions::new().append(true).open(inbox::path_of(&db)).unwrap();
        inbox.write_all(b"garbage\n").unwrap();
        let before = files(dir.path());

        let store = open(&db).unwrap();
        let ids: Vec<String> = store.list(10).unwrap().into_iter().map(|s| s.run_id).collect();
        assert_eq!(ids, ["r3", "r2", "r1"], "the waiting run is the newest; r2 is listed once");
        assert!(matches!(store.find("r3").unwrap(), crate::history::Found::One(_, r) if r == report("r3")));
        assert_eq!(store.call_samples().unwrap().len(), 3);
        assert_eq!(store.totals().unwrap().0, 3);
        let waiting =
            Notice::Waiting { records: 1, unusable: 1, inbox: inbox::path_of(&db), dir: dir.path().to_path_buf() };
        assert_eq!(store.notices(), [waiting]);
        drop(store);
        // SQLite may add its `-shm` where it may write (this test's dir); nothing else.
        let after: Vec<_> = files(dir.path()).into_iter().filter(|(name, _)| !name.ends_with("-shm")).collect();
        let before: Vec<_> = before.into_iter().filter(|(name, _)| !name.ends_with("-shm")).collect();
        assert_eq!(after, before, "nothing on disk changed");
    }

    #[test]
    fn waiting_records_alone_make_a_history() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("history.sqlite3");
        wait(&db, "r1", 5);
        let store = open(&db).unwrap();
        let ids: Vec<String> = store.list(10).unwrap().into_iter().map(|s| s.run_id).collect();
        assert_eq!(ids, ["r1"]);
        assert!(matches!(store.notices(), [Notice::Waiting { records: 1, unusable: 0, .. }]));
        drop(store);
        assert!(!db.exists(), "no database was created");
    }

    #[test]
    fn a_path_sqlite_would_read_as_uri_syntax_is_escaped() {
        let dir = tempfile::tempdir().unwrap();
        let odd = dir.path().join("a?mode=rwc#%20 b");
        std::fs::create_dir(&odd).unwrap();
        let db = odd.join("history.sqlite3");
        Store::open_or_create(&db).unwrap().record(&report("r1"), Source::Run).unwrap();
        let store = open(&db).unwrap();
        assert_eq!(store.list(10).unwrap().len(), 1);
    }
}
