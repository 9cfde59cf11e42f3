//! The history's inbox: a run appends its record to a file next to the database, in one
//! `write`, and the records move into the database when history is next read (or when
//! the inbox grows past `INGEST_BYTES`).
//!
//! Why not insert at once: one process per run means every insert opens SQLite cold,
//! rebuilds the WAL's index by reading the whole `-wal` file, loads the schema and
//! commits several pages, about 2 ms of every run (docs/benchmarks.md). An append is a
//! few microseconds, and the readers (`runs`, `show`) pay the insert instead, in one
//! transaction for every record waiting.
//!
//! Writers hold a shared `flock` on the inbox while they append, the reader that moves
//! records into the database an exclusive one while it reads, inserts and empties it,
//! so no record lands between the read and the emptying. Inserting is idempotent (a
//! record whose run id is already in the database is skipped): a reader that died
//! after its commit and before emptying the inbox loses and doubles nothing.
//!
//! Lines are checked as they are read (`entry::parse`): the records go in, and a line
//! that is not one (a writer killed mid-line, garbage, a report without a usable run
//! id) is set aside in the rejects file (`rejects`) and reported once, so no line can
//! keep the others out or the inbox from being emptied.
//!
//! Knows nothing about what a report holds beyond the `Entry` around it.

use std::fs::{File, OpenOptions};
use std::io::{Read as _, Write as _};
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rustix::fs::{FlockOperation, OFlags, flock};

use super::busy::BUSY_TIMEOUT_MS;
use super::entry::{self, Entry, Record, Rejection};
use super::error::{HistoryError, HistoryErrorKind};
use super::notice::Notice;
use super::rejects;
use super::store::Store;

/// Past this size a writer moves the inbox into the database itself, so an inbox that
/// nobody reads (no `runs`, no `show`) stays bounded: one run in many pays the insert.
pub const INGEST_BYTES: u64 = 4 << 20;

/// How the inbox is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Access {
    /// A run appending its record (creating the file 0600 when missing).
    Append,
    /// A reader moving the records in, then emptying the file.
    Ingest,
    /// A reader that may not write: read, and left as it is.
    Read,
}

/// The inbox of the database at `db`.
pub fn path_of(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_os_string();
    name.push("-inbox");
    PathBuf::from(name)
}

/// Appends `entry` to the inbox of `db` (creating it 0600), in one write under a shared
/// lock. Returns the inbox's size after the append.
pub fn append(db: &Path, entry: &Entry) -> Result<u64, HistoryError> {
    let inbox = path_of(db);
    if let Some(dir) = db.parent() {
        crate::private_dir::create_all(dir).map_err(|e| HistoryError::io(dir, "create the state dir", &e))?;
    }
    let json = serde_json::to_string(entry)
        .map_err(|e| HistoryError::new(&inbox, HistoryErrorKind::Other, format!("the report is not JSON ({e})")))?;
    // A leading newline: a line a crashed writer left unfinished ends there, instead of
    // swallowing this record.
    let line = format!("\n{json}\n");
    let mut file = open(&inbox, Access::Append)?;
    lock(&file, &inbox, FlockOperation::NonBlockingLockShared)?;
    file.write_all(line.as_bytes()).map_err(|e| HistoryError::io(&inbox, "append to the history inbox", &e))?;
    file.metadata().map(|m| m.len()).map_err(|e| HistoryError::io(&inbox, "read the inbox's size", &e))
}

/// Moves every record in the inbox of `store` into the database, in one transaction,
/// sets the lines that are not records aside, then empties the inbox. Returns what the
/// user should hear about the lines set aside, if any were.
pub fn ingest(store: &mut Store) -> Result<Option<Notice>, HistoryError> {
    let inbox = path_of(&store.path);
    let mut file = match open(&inbox, Access::Ingest) {
        Ok(file) => file,
        Err(_) if !inbox.exists() => return Ok(None),
        Err(e) => return Err(e),
    };
    lock(&file, &inbox, FlockOperation::NonBlockingLockExclusive)?;
    let text = read(&mut file, &inbox)?;
    let (records, rejected) = sort(&text);
    store.record_all(&records)?;
    // After the commit: a reader that fails to commit leaves the lines where they were,
    // and the next one sets them aside once.
    let notice = rejected.first().map(|(_, why)| {
        let lines: Vec<&[u8]> = rejected.iter().map(|(line, _)| *line).collect();
        rejects::set_aside(&store.path, &lines, why.clone())
    });
    file.set_len(0).map_err(|e| HistoryError::io(&inbox, "empty the history inbox", &e))?;
    Ok(notice)
}

/// The records waiting in the inbox of `db`, read without changing anything (for a state
/// dir that may not be written), and how many lines are not records.
pub fn waiting(db: &Path) -> Result<(Vec<Record>, usize), HistoryError> {
    let inbox = path_of(db);
    let mut file = match open(&inbox, Access::Read) {
        Ok(file) => file,
        Err(_) if !inbox.exists() => return Ok((Vec::new(), 0)),
        Err(e) => return Err(e),
    };
    // Exclusive, on a file opened for reading: no writer is half-way through a line.
    lock(&file, &inbox, FlockOperation::NonBlockingLockExclusive)?;
    let text = read(&mut file, &inbox)?;
    let (records, rejected) = sort(&text);
    Ok((records, rejected.len()))
}

/// The inbox's lines, as records and as the lines that are not, each with why. Blank
/// lines are the separators writers put before their records, not lines.
fn sort(text: &[u8]) -> (Vec<Record>, Vec<(&[u8], Rejection)>) {
    let mut records = Vec::new();
    let mut rejected = Vec::new();
    for line in text.split(|&b| b == b'\n').filter(|l| !l.trim_ascii().is_empty()) {
        let parsed = std::str::from_utf8(line)
            .map_err(|e| Rejection::Malformed(format!("not UTF-8: {e}")))
            .and_then(entry::parse);
        match parsed {
            Ok(record) => records.push(record),
            Err(why) => rejected.push((line, why)),
        }
    }
    (records, rejected)
}

/// The whole inbox, as bytes: a line that is not UTF-8 is set aside as it is.
fn read(file: &mut File, inbox: &Path) -> Result<Vec<u8>, HistoryError> {
    let mut bytes = Vec::new();
    file.read_to_end(&mut bytes).map_err(|e| HistoryError::io(inbox, "read the history inbox", &e))?;
    Ok(bytes)
}

/// Opens the inbox as `access` says; never through a symbolic link, and never anything
/// but a regular file (opened without blocking, so a FIFO put there can't hang a run).
fn open(inbox: &Path, access: Access) -> Result<File, HistoryError> {
    let mut options = OpenOptions::new();
    match access {
        Access::Append => options.append(true).create(true).mode(0o600),
        Access::Ingest => options.read(true).write(true),
        Access::Read => options.read(true),
    };
    let file = options
        .custom_flags((OFlags::NOFOLLOW | OFlags::NONBLOCK).bits() as i32)
        .open(inbox)
        .map_err(|e| HistoryError::io(inbox, "open the history inbox", &e))?;
    let meta = file.metadata().map_err(|e| HistoryError::io(inbox, "read the inbox's metadata", &e))?;
    if !meta.is_file() {
        return Err(HistoryError::new(inbox, HistoryErrorKind::Io, "the history inbox is not a regular file"));
    }
    Ok(file)
}

/// Takes `operation` (a non-blocking lock) on `file`, retrying for as long as the
/// database's busy timeout: a reader moving records in holds it for milliseconds.
fn lock(file: &File, inbox: &Path, operation: FlockOperation) -> Result<(), HistoryError> {
    let give_up = Instant::now() + Duration::from_millis(BUSY_TIMEOUT_MS);
    loop {
        match flock(file, operation) {
            Ok(()) => return Ok(()),
            Err(e) if e == rustix::io::Errno::WOULDBLOCK && Instant::now() < give_up => {
                std::thread::sleep(Duration::from_millis(2));
            }
            Err(rustix::io::Errno::WOULDBLOCK) => {
                return Err(HistoryError::new(inbox, HistoryErrorKind::Busy, "the history inbox stayed locked"));
            }
            Err(e) => return Err(HistoryError::io(inbox, "lock the history inbox", &e.into())),
        }
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;
    use serde_json::json;

    use super::*;

    fn entry(id: &str, started_at_ms: i64) -> Entry {
        Entry {
            started_at_ms,
            source: "run".into(),
            scope: None,
            report: json!({"run_id": id, "mode": "single", "status": "ok", "panel": [], "totals": {"wall_ms": 5}}),
        }
    }

    fn run_ids(store: &Store) -> Vec<(String, i64)> {
        let mut stmt = store.conn.prepare("SELECT run_id, started_at_ms FROM runs ORDER BY run_id").unwrap();
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect()
    }

    #[test]
    fn appended_records_reach_the_database_once_with_their_start_time() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("state/history.sqlite3");
        append(&db, &entry("r1", 1_000)).unwrap();
        append(&db, &entry("r2", 2_000)).unwrap();
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(std::fs::metadata(path_of(&db)).unwrap().permissions().mode() & 0o777, 0o600);
        let store = Store::open_existing(&db).unwrap().expect("an inbox alone makes a history");
        assert_eq!(run_ids(&store), vec![("r1".into(), 1_000), ("r2".into(), 2_000)]);
        assert_eq!(std::fs::metadata(path_of(&db)).unwrap().len(), 0, "the inbox is emptied");
        drop(store);
        // A reader that died after its commit left the records in the inbox: nothing doubles.
        append(&db, &entry("r2", 2_000)).unwrap();
        append(&db, &entry("r3", 3_000)).unwrap();
        let store = Store::open_existing(&db).unwrap().unwrap();
        assert_eq!(run_ids(&store).len(), 3);
    }

    #[test]
    fn a_line_a_killed_writer_left_unfinished_costs_only_itself_and_is_set_aside() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("history.sqlite3");
        append(&db, &entry("r1", 1)).unwrap();
        let cut = r#"{"started_at_ms":2,"source":"run","report":{"run_id":"cut"#;
        let mut file = OpenOptions::new().append(true).open(path_of(&db)).unwrap();
        file.write_all(cut.as_bytes()).unwrap();
        append(&db, &entry("r3", 3)).unwrap();
        let store = Store::open_existing(&db).unwrap().unwrap();
        assert_eq!(run_ids(&store), vec![("r1".into(), 1), ("r3".into(), 3)]);
        assert_eq!(std::fs::read_to_string(rejects::path_of(&db)).unwrap(), format!("{cut}\n"));
        assert!(matches!(store.notices(), [Notice::SetAside { lines: 1, kept: 1, .. }]), "{:?}", store.notices());
    }

    #[test]
    fn lines_that_are_not_records_are_set_aside_once_and_the_rest_go_in() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("history.sqlite3");
        append(&db, &entry("r1", 1)).unwrap();
        let bad: [&[u8]; 6] = [
            br#"{"started_at_ms":2,"source":"run","report":{"status":"ok"}}"#,
            br#"{"started_at_ms":3,"source":"run","report":{"run_id":42}}"#,
            br#"{"started_at_ms":4,"source":"run","report":null}"#,
            b"garbage",
            b"{\"started_at_ms\":5,\"source\":\"run\",\"report\":{\"run_id\":\"r\xff\"}}",
            br#"{"started_at_ms":6,"source":"run","report":{"run_id":"r1; DROP TABLE runs"}}"#,
        ];
        let mut file = OpenOptions::new().append(true).open(path_of(&db)).unwrap();
        for line in bad {
            file.write_all(&[line, b"\n"].concat()).unwrap();
        }
        append(&db, &entry("r2", 7)).unwrap();

        let store = Store::open_existing(&db).unwrap().unwrap();
        assert_eq!(run_ids(&store), vec![("r1".into(), 1), ("r2".into(), 7)]);
        assert_eq!(std::fs::metadata(path_of(&db)).unwrap().len(), 0, "the inbox is emptied");
        let file = rejects::path_of(&db);
        assert_eq!(std::fs::read(&file).unwrap(), bad.iter().flat_map(|l| [*l, b"\n"].concat()).collect::<Vec<u8>>());
        let expected = Notice::SetAside { lines: 6, kept: 6, file, first: Rejection::NoRunId, dropped: None };
        assert_eq!(store.notices(), [expected]);
        drop(store);

        append(&db, &entry("r3", 8)).unwrap();
        let store = Store::open_existing(&db).unwrap().unwrap();
        assert_eq!(store.notices(), [], "told once");
        assert_eq!(run_ids(&store).len(), 3);
    }

    #[test]
    fn concurrent_writers_and_a_reader_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("history.sqlite3");
        std::thread::scope(|s| {
            for t in 0..4 {
                let db = &db;
                s.spawn(move || {
                    for i in 0..25 {
                        append(db, &entry(&format!("t{t}-{i}"), i)).unwrap();
                    }
                });
            }
            let db = &db;
            s.spawn(move || {
                for _ in 0..10 {
                    drop(Store::open_or_create(db).unwrap());
                }
            });
        });
        let store = Store::open_existing(&db).unwrap().unwrap();
        assert_eq!(run_ids(&store).len(), 100);
    }

    #[test]
    fn a_symlinked_inbox_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("history.sqlite3");
        let target = dir.path().join("elsewhere");
        std::os::unix::fs::symlink(&target, path_of(&db)).unwrap();
        let err = append(&db, &entry("r1", 1)).err().unwrap();
        assert_eq!(err.kind, HistoryErrorKind::Io, "{err}");
        assert!(!target.exists());
    }

    #[test]
    fn a_fifo_in_place_of_the_inbox_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("history.sqlite3");
        rustix::fs::mknodat(rustix::fs::CWD, path_of(&db), rustix::fs::FileType::Fifo, 0o600.into(), 0).unwrap();
        let err = append(&db, &entry("r1", 1)).err().unwrap();
        assert_eq!(err.kind, HistoryErrorKind::Io, "{err}");
        let err = Store::open_existing(&db).err().unwrap();
        assert_eq!((err.kind, err.detail.as_str()), (HistoryErrorKind::Io, "the history inbox is not a regular file"));
        assert_eq!(waiting(&db).err().map(|e| e.detail).as_deref(), Some("the history inbox is not a regular file"));
    }
}
