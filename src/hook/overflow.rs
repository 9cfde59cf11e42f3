//! Where an answer too long for the host's hook context goes whole: one file per run,
//! `<state>/answers/<run_id>.md`, mode 0600, written atomically, that the host's agent
//! is told to read. The directory is pruned on every write: the newest `KEEP` files
//! stay, and any older than `MAX_AGE` go (the agent reads its file within the turn; a
//! week covers going back to it). The directory is opened once, 0700, refusing a
//! symbolic link in its place, and written and pruned through that descriptor: a link
//! never leads the prune to another directory's files.
//!
//! Knows nothing about hosts or what the context says around the path.

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use crate::config::atomic;
use crate::private_dir::PrivateDir;

/// How many answer files the directory keeps.
pub const KEEP: usize = 50;
/// Older answer files go, whatever their number.
pub const MAX_AGE: Duration = Duration::from_secs(7 * 24 * 3600);

/// The directory of the answer files, under the state dir.
pub fn dir(state_dir: &Path) -> PathBuf {
    state_dir.join("answers")
}

/// Why the answer file could not be written: the directory's or the file's failure as
/// frontier words it everywhere (`cause`, e.g. a symbolic link refused), and what to do
/// about it (`hint`), for whoever tells the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("could not save the whole answer: {cause}")]
pub struct SaveError {
    pub cause: String,
    pub hint: String,
}

/// Writes `answer` whole to `dir/<run_id>.md` and prunes the directory; returns the
/// file's absolute path.
pub fn save(dir: &Path, run_id: &str, answer: &str, now: SystemTime) -> Result<PathBuf, SaveError> {
    // Run ids are `20260101-000000-0000abcd`; anything else is kept out of the path.
    let name: String =
        run_id.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' }).collect();
    let file = format!("{name}.md");
    let failed = |e| {
        let error = atomic::dir_error(e);
        SaveError { cause: error.to_string(), hint: error.hint() }
    };
    let private = PrivateDir::open(dir).map_err(failed)?;
    let path = private.write(&file, answer.as_bytes()).map_err(failed)?;
    private.prune("md", &file, KEEP, MAX_AGE, now);
    Ok(std::path::absolute(&path).unwrap_or(path))
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt as _;

    use pretty_assertions::assert_eq;

    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> =
            std::fs::read_dir(dir).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        names
    }

    #[test]
    fn the_whole_answer_lands_in_a_0600_file_named_after_the_run() {
        let home = tempfile::tempdir().unwrap();
        let dir = dir(home.path());
        let answer = "多くの ✓ answer\n".repeat(5_000);
        let path = save(&dir, "20260101-000000-0000abcd", &answer, SystemTime::now()).unwrap();
        assert_eq!(path, dir.join("20260101-000000-0000abcd.md"));
        assert!(path.is_absolute());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), answer);
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(names(&dir), vec!["20260101-000000-0000abcd.md"], "no temporary file left");
        let odd = save(&dir, "../x/y", "a", SystemTime::now()).unwrap();
        assert_eq!(odd, dir.join("___x_y.md"));
    }

    #[test]
    fn pruning_keeps_the_newest_50_and_nothing_older_than_a_week() {
        let home = tempfile::tempdir().unwrap();
        let dir = dir(home.path());
        std::fs::create_dir_all(&dir).unwrap();
        let now = SystemTime::now();
        // 60 files, one a minute back from now, then one 8 days old, and a non-answer file.
        for i in 0..60u64 {
            let path = dir.join(format!("run-{i:02}.md"));
            std::fs::write(&path, "x").unwrap();
            let file = std::fs::File::options().write(true).open(&path).unwrap();
            file.set_modified(now - Duration::from_secs(60 * (i + 1))).unwrap();
        }
        let stale = dir.join("stale.md");
        std::fs::write(&stale, "x").unwrap();
        std::fs::File::options()
            .write(true)
            .open(&stale)
            .unwrap()
            .set_modified(now - MAX_AGE - Duration::from_secs(3600))
            .unwrap();
        std::fs::write(dir.join("notes.txt"), "mine").unwrap();
        save(&dir, "new", "answer", now).unwrap();
        let mut want: Vec<String> = (0..49).map(|i| format!("run-{i:02}.md")).collect();
        want.push("new.md".into());
        want.push("notes.txt".into());
        want.sort();
        assert_eq!(names(&dir), want);
    }

    #[test]
    fn a_symlinked_answers_directory_is_refused_and_nothing_in_its_target_is_pruned() {
        let home = tempfile::tempdir().unwrap();
        let notes = home.path().join("notes");
        std::fs::create_dir_all(&notes).unwrap();
        let old = SystemTime::now() - MAX_AGE * 300;
        for i in 0..60 {
            let path = notes.join(format!("note-{i:02}.md"));
            std::fs::write(&path, "mine").unwrap();
            std::fs::File::options().write(true).open(&path).unwrap().set_modified(old).unwrap();
        }
        std::os::unix::fs::symlink(&notes, dir(home.path())).unwrap();
        let err = save(&dir(home.path()), "20260101-000000-0000abcd", "answer", SystemTime::now()).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "could not save the whole answer: refusing to write through the symbolic link `{}`",
                dir(home.path()).display()
            )
        );
        assert_eq!(err.hint, "replace the link with a regular file, or point FRONTIER_HOME elsewhere");
        assert_eq!(names(&notes).len(), 60);
    }
}
