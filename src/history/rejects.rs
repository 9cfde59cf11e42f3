//! Where inbox lines that are not records go: `history.sqlite3-rejects`, next to the
//! database. Each line is appended as it was read (so it can be looked at, or fixed and
//! put back in the inbox), to a file created 0600 (the lines may hold prompts), never
//! through a symbolic link and never into anything but a regular file (a FIFO there would
//! block the reader for good). The file is bounded: a line that would take it past
//! `REJECTS_BYTES` is dropped and counted, so the first evidence stays and a writer that
//! keeps appending garbage can't fill the disk.
//!
//! Only `inbox::ingest` writes here, holding the inbox's exclusive lock: writes never
//! interleave. Nothing here reads the file back.

use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};

use rustix::fs::OFlags;

use super::entry::Rejection;
use super::notice::Notice;

/// The most the rejects file holds: a whole inbox's worth (`inbox::INGEST_BYTES`).
pub const REJECTS_BYTES: u64 = 4 << 20;

/// The rejects file of the database at `db`.
pub fn path_of(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_os_string();
    name.push("-rejects");
    PathBuf::from(name)
}

/// Appends `lines` to the rejects file of `db`, as far as the bound allows, and says
/// what became of them; `first` is why the first line was not a record. Never fails: a
/// file that can't be written costs only the lines, which are counted as not kept.
pub fn set_aside(db: &Path, lines: &[&[u8]], first: Rejection) -> Notice {
    let file = path_of(db);
    let (kept, dropped) = match append_bounded(&file, lines) {
        Ok(kept) if kept == lines.len() => (kept, None),
        Ok(kept) => (kept, Some(format!("the file is full ({} MiB); look at it, then delete it", REJECTS_BYTES >> 20))),
        Err(why) => (0, Some(why.to_string())),
    };
    Notice::SetAside { lines: lines.len(), kept, file, first, dropped }
}

/// Why the rejects file took no line, as the notice words it.
#[derive(Debug, thiserror::Error)]
enum Unwritable {
    #[error("`{}` can't be opened ({error})", path.display())]
    Open { path: PathBuf, error: std::io::Error },
    #[error("its metadata can't be read ({0})")]
    Metadata(std::io::Error),
    #[error("`{}` is not a regular file", .0.display())]
    NotRegular(PathBuf),
    #[error("`{}` is readable by others and can't be made private ({error})", path.display())]
    NotPrivate { path: PathBuf, error: std::io::Error },
    #[error("its size can't be read ({0})")]
    Size(std::io::Error),
    #[error("it can't be written ({0})")]
    Write(std::io::Error),
}

/// Appends the first of `lines` that fit under the bound, in one write; how many did.
fn append_bounded(path: &Path, lines: &[&[u8]]) -> Result<usize, Unwritable> {
    let mut file = open(path)?;
    let mut size = file.metadata().map_err(Unwritable::Size)?.len();
    let mut text = Vec::new();
    let mut kept = 0;
    for line in lines {
        let len = u64::try_from(line.len()).unwrap_or(u64::MAX).saturating_add(1);
        if size.saturating_add(len) > REJECTS_BYTES {
            // Later lines may be shorter, but keeping them out of order would make the
            // file say less than it seems to: stop at the first that doesn't fit.
            break;
        }
        size += len;
        text.extend_from_slice(line);
        text.push(b'\n');
        kept += 1;
    }
    file.write_all(&text).map_err(Unwritable::Write)?;
    Ok(kept)
}

/// Opens the rejects file for appending (creating it 0600), refusing a symbolic link and
/// anything but a regular file without blocking on it; a file someone made readable to
/// others is narrowed to 0600 first.
fn open(path: &Path) -> Result<File, Unwritable> {
    let file = OpenOptions::new()
        .append(true)
        .create(true)
        .mode(0o600)
        .custom_flags((OFlags::NOFOLLOW | OFlags::NONBLOCK).bits() as i32)
        .open(path)
        .map_err(|error| Unwritable::Open { path: path.to_path_buf(), error })?;
    let meta = file.metadata().map_err(Unwritable::Metadata)?;
    if !meta.is_file() {
        return Err(Unwritable::NotRegular(path.to_path_buf()));
    }
    if meta.permissions().mode() & 0o077 != 0 {
        file.set_permissions(std::fs::Permissions::from_mode(0o600))
            .map_err(|error| Unwritable::NotPrivate { path: path.to_path_buf(), error })?;
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    fn aside(db: &Path, lines: &[&str]) -> Notice {
        let lines: Vec<&[u8]> = lines.iter().map(|l| l.as_bytes()).collect();
        set_aside(db, &lines, Rejection::NoRunId)
    }

    fn notice(lines: usize, kept: usize, file: &Path, dropped: Option<&str>) -> Notice {
        Notice::SetAside {
            lines,
            kept,
            file: file.to_path_buf(),
            first: Rejection::NoRunId,
            dropped: dropped.map(str::to_string),
        }
    }

    #[test]
    fn lines_are_appended_verbatim_to_a_private_file() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("history.sqlite3");
        let file = path_of(&db);
        assert_eq!(aside(&db, &["{\"a\":1}", "garbage \u{1b}[2J"]), notice(2, 2, &file, None));
        assert_eq!(aside(&db, &["third"]), notice(1, 1, &file, None));
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "{\"a\":1}\ngarbage \u{1b}[2J\nthird\n");
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);

        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        aside(&db, &["fourth"]);
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600, "narrowed again");
    }

    #[test]
    fn past_the_bound_lines_are_counted_and_not_kept() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("history.sqlite3");
        let file = path_of(&db);
        let big = "x".repeat(usize::try_from(REJECTS_BYTES).unwrap() / 2);
        let full = "the file is full (4 MiB); look at it, then delete it";
        assert_eq!(aside(&db, &[&big, &big, "small"]), notice(3, 1, &file, Some(full)));
        assert_eq!(aside(&db, &["small"]), notice(1, 1, &file, None));
        assert_eq!(aside(&db, &[&big]), notice(1, 0, &file, Some(full)));
        assert!(std::fs::metadata(&file).unwrap().len() <= REJECTS_BYTES);
    }

    #[test]
    fn a_symlink_or_a_fifo_in_its_place_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("history.sqlite3");
        let target = dir.path().join("elsewhere");
        std::os::unix::fs::symlink(&target, path_of(&db)).unwrap();
        let Notice::SetAside { kept: 0, dropped: Some(why), .. } = aside(&db, &["x"]) else {
            panic!("a symlink was written through")
        };
        assert!(why.contains("can't be opened"), "{why}");
        assert!(!target.exists());

        std::fs::remove_file(path_of(&db)).unwrap();
        rustix::fs::mknodat(rustix::fs::CWD, path_of(&db), rustix::fs::FileType::Fifo, 0o600.into(), 0).unwrap();
        let Notice::SetAside { kept: 0, dropped: Some(_), .. } = aside(&db, &["x"]) else {
            panic!("a FIFO was written")
        };
    }
}
