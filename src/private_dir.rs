//! frontier's own directories: every directory it makes under its config and state
//! roots is created 0700 whatever the umask ([`create_all`]), and a subdirectory of the
//! state root is written in and pruned only through a descriptor opened without
//! following a link ([`PrivateDir`]). A symbolic link in the subdirectory's place is
//! refused, so a write, a rename or a prune can only ever touch that directory's own
//! entries: checking the path and then using it would leave a moment in which the link
//! could be swapped in.
//!
//! The root itself (the state dir, `FRONTIER_HOME/state`) is followed if it is a link:
//! the user chose it. Knows nothing about what the files hold.

use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io::{self, Write as _};
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt as _;
use std::os::unix::fs::DirBuilderExt as _;
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rustix::fs::{AtFlags, FileType, Mode, OFlags};

/// The mode of every directory frontier makes: only the user may list or enter it.
pub const DIR_MODE: u32 = 0o700;
/// The mode of every file written here.
pub const FILE_MODE: u32 = 0o600;

/// Why a private directory or a file in it could not be used.
#[derive(Debug)]
pub enum DirError {
    /// `path` is a symbolic link where frontier's own directory or file should be.
    Symlink(PathBuf),
    Io {
        action: &'static str,
        path: PathBuf,
        source: io::Error,
    },
}

impl DirError {
    fn io(action: &'static str, path: &Path, source: impl Into<io::Error>) -> DirError {
        DirError::Io { action, path: path.to_path_buf(), source: source.into() }
    }
}

/// Creates `dir` and every missing ancestor, each 0700: `mkdir`'s mode is masked by the
/// umask, so each directory made here is then set to 0700 explicitly (through a
/// descriptor that does not follow a link). Directories already there are left as they
/// are.
pub fn create_all(dir: &Path) -> io::Result<()> {
    let mut missing = Vec::new();
    for ancestor in dir.ancestors().filter(|a| !a.as_os_str().is_empty()) {
        if std::fs::symlink_metadata(ancestor).is_ok() {
            break;
        }
        missing.push(ancestor);
    }
    for made in missing.into_iter().rev() {
        match std::fs::DirBuilder::new().mode(DIR_MODE).create(made) {
            Ok(()) => {
                let fd = rustix::fs::open(made, dir_flags() | OFlags::NOFOLLOW, Mode::empty())?;
                rustix::fs::fchmod(&fd, Mode::from_raw_mode(DIR_MODE))?;
            }
            // Another process made it first.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && made.is_dir() => {}
            Err(e) => return Err(e),
        }
    }
    if dir.is_dir() { Ok(()) } else { Err(io::Error::new(io::ErrorKind::NotADirectory, "not a directory")) }
}

/// A regular file in a [`PrivateDir`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: OsString,
    pub modified: SystemTime,
}

/// An open subdirectory of a root (`<state>/answers`, `<state>/progress`, ...): every
/// write, rename and removal goes through its descriptor, never through its path again.
#[derive(Debug)]
pub struct PrivateDir {
    fd: OwnedFd,
    path: PathBuf,
}

impl PrivateDir {
    /// Opens `path`, whose parent is the root: the root is created 0700 if missing and
    /// followed if a link; `path` itself is created 0700 if missing, set back to 0700 if
    /// others could enter it, and refused if it is a symbolic link or not a directory.
    pub fn open(path: &Path) -> Result<PrivateDir, DirError> {
        let (Some(root), Some(name)) = (path.parent(), single_name(path.file_name())) else {
            let source = io::Error::new(io::ErrorKind::InvalidInput, "not a subdirectory of a root");
            return Err(DirError::io("open", path, source));
        };
        create_all(root).map_err(|e| DirError::io("create", root, e))?;
        let root_fd = rustix::fs::open(root, dir_flags(), Mode::empty()).map_err(|e| DirError::io("open", root, e))?;
        let open = || rustix::fs::openat(&root_fd, name, dir_flags() | OFlags::NOFOLLOW, Mode::empty());
        let fd = match open() {
            Ok(fd) => fd,
            Err(rustix::io::Errno::NOENT) => {
                match rustix::fs::mkdirat(&root_fd, name, Mode::from_raw_mode(DIR_MODE)) {
                    Ok(()) | Err(rustix::io::Errno::EXIST) => {}
                    Err(e) => return Err(DirError::io("create", path, e)),
                }
                open().map_err(|e| refusal(&root_fd, name, path, e))?
            }
            Err(e) => return Err(refusal(&root_fd, name, path, e)),
        };
        let stat = rustix::fs::fstat(&fd).map_err(|e| DirError::io("read the metadata of", path, e))?;
        if stat.st_mode & 0o077 != 0 {
            rustix::fs::fchmod(&fd, Mode::from_raw_mode(DIR_MODE))
                .map_err(|e| DirError::io("make private", path, e))?;
        }
        Ok(PrivateDir { fd, path: path.to_path_buf() })
    }

    /// Replaces the file `name` with `contents`, mode 0600, so that readers only ever see
    /// the old or the new contents: a new file beside it, synced, renamed over it. A
    /// symbolic link named `name` is refused rather than replaced.
    pub fn write(&self, name: &str, contents: &[u8]) -> Result<PathBuf, DirError> {
        let path = self.file_path(name)?;
        if self.is_symlink(name) {
            return Err(DirError::Symlink(path));
        }
        let temp = format!(".frontier-{:016x}.tmp", crate::random::u64());
        let flags = OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC;
        let fd = rustix::fs::openat(&self.fd, temp.as_str(), flags, Mode::from_raw_mode(FILE_MODE))
            .map_err(|e| DirError::io("create a temporary file in", &self.path, e))?;
        let mut file = File::from(fd);
        let written = file
            .write_all(contents)
            .and_then(|()| file.sync_all())
            .and_then(|()| rustix::fs::renameat(&self.fd, temp.as_str(), &self.fd, name).map_err(io::Error::from));
        if let Err(e) = written {
            let _ = rustix::fs::unlinkat(&self.fd, temp.as_str(), AtFlags::empty());
            return Err(DirError::io("write", &path, e));
        }
        Ok(path)
    }

    /// Removes the entry `name` (a link is removed itself, never what it points to).
    pub fn remove(&self, name: &OsStr) -> Result<(), DirError> {
        let path = self.path.join(name);
        if single_name(Some(name)).is_none() {
            return Err(DirError::io("remove", &path, io::Error::from(io::ErrorKind::InvalidInput)));
        }
        rustix::fs::unlinkat(&self.fd, name, AtFlags::empty()).map_err(|e| DirError::io("remove", &path, e))
    }

    /// The regular files in the directory (not links, not directories), unsorted.
    pub fn files(&self) -> Result<Vec<Entry>, DirError> {
        let listing = rustix::fs::Dir::read_from(&self.fd).map_err(|e| DirError::io("list", &self.path, e))?;
        let mut files = Vec::new();
        for entry in listing.flatten() {
            let name = OsStr::from_bytes(entry.file_name().to_bytes());
            if single_name(Some(name)).is_none() {
                continue;
            }
            let Ok(stat) = rustix::fs::statat(&self.fd, name, AtFlags::SYMLINK_NOFOLLOW) else { continue };
            if FileType::from_raw_mode(stat.st_mode) == FileType::RegularFile {
                let secs = u64::try_from(stat.st_mtime).unwrap_or(0);
                let nanos = u32::try_from(stat.st_mtime_nsec).unwrap_or(0);
                let modified = UNIX_EPOCH + Duration::new(secs, nanos.min(999_999_999));
                files.push(Entry { name: name.to_os_string(), modified });
            }
        }
        Ok(files)
    }

    /// Removes the files whose name ends in `.EXTENSION` past the newest `keep` or last
    /// modified more than `max_age` before `now`, never `spare`. Best effort: a file that
    /// can't be read or removed stays.
    pub fn prune(&self, extension: &str, spare: &str, keep: usize, max_age: Duration, now: SystemTime) {
        let Ok(entries) = self.files() else { return };
        let mut files: Vec<Entry> =
            entries.into_iter().filter(|e| Path::new(&e.name).extension().is_some_and(|x| x == extension)).collect();
        files.sort_by(|a, b| b.modified.cmp(&a.modified).then_with(|| b.name.cmp(&a.name)));
        for (rank, file) in files.iter().enumerate() {
            let old = now.duration_since(file.modified).is_ok_and(|age| age > max_age);
            if (rank >= keep || old) && file.name != spare {
                let _ = self.remove(&file.name);
            }
        }
    }

    /// A new handle on the directory, with its own open file description: a lock taken
    /// on it is released when it is dropped.
    pub fn handle(&self) -> Result<File, DirError> {
        rustix::fs::openat(&self.fd, ".", dir_flags(), Mode::empty())
            .map(File::from)
            .map_err(|e| DirError::io("open", &self.path, e))
    }

    fn file_path(&self, name: &str) -> Result<PathBuf, DirError> {
        let path = self.path.join(name);
        match single_name(Some(OsStr::new(name))) {
            Some(_) => Ok(path),
            None => Err(DirError::io("write", &path, io::Error::from(io::ErrorKind::InvalidInput))),
        }
    }

    fn is_symlink(&self, name: &str) -> bool {
        rustix::fs::statat(&self.fd, name, AtFlags::SYMLINK_NOFOLLOW)
            .is_ok_and(|s| FileType::from_raw_mode(s.st_mode) == FileType::Symlink)
    }
}

fn dir_flags() -> OFlags {
    OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC
}

/// `name` when it is one plain path component (not `.`, `..`, empty, or holding `/`).
fn single_name(name: Option<&OsStr>) -> Option<&OsStr> {
    let name = name?;
    let mut components = Path::new(name).components();
    match (components.next(), components.next()) {
        (Some(Component::Normal(n)), None) if n == name => Some(name),
        _ => None,
    }
}

/// The error for a subdirectory that would not open without following: a link is named
/// as one.
fn refusal(root: &OwnedFd, name: &OsStr, path: &Path, errno: rustix::io::Errno) -> DirError {
    match rustix::fs::statat(root, name, AtFlags::SYMLINK_NOFOLLOW) {
        Ok(s) if FileType::from_raw_mode(s.st_mode) == FileType::Symlink => DirError::Symlink(path.to_path_buf()),
        _ => DirError::io("open", path, errno),
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt as _;

    use pretty_assertions::assert_eq;

    use super::*;

    fn mode(path: &Path) -> u32 {
        std::fs::symlink_metadata(path).map(|m| m.permissions().mode() & 0o777).unwrap_or(0)
    }

    #[test]
    fn directories_made_are_0700_those_already_there_are_left_alone() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap_or_else(|e| panic!("{e}"));
        create_all(&dir.path().join("a/b/c")).unwrap_or_else(|e| panic!("{e}"));
        let modes: Vec<u32> = ["", "a", "a/b", "a/b/c"].iter().map(|p| mode(&dir.path().join(p))).collect();
        assert_eq!(modes, [0o755, 0o700, 0o700, 0o700]);
        create_all(&dir.path().join("a/b/c")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.path().join("file"), "x").unwrap_or_else(|e| panic!("{e}"));
        assert!(create_all(&dir.path().join("file")).is_err(), "a file is not a directory");
    }

    #[test]
    fn a_subdirectory_is_made_private_and_written_atomically() {
        let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let sub = root.path().join("state/answers");
        let dir = PrivateDir::open(&sub).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((mode(&root.path().join("state")), mode(&sub)), (0o700, 0o700));
        let path = dir.write("a.md", b"one").unwrap_or_else(|e| panic!("{e:?}"));
        dir.write("a.md", b"two").unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((path.clone(), std::fs::read_to_string(&path).ok()), (sub.join("a.md"), Some("two".to_string())));
        assert_eq!(mode(&path), 0o600);
        let names: Vec<OsString> = dir.files().unwrap_or_default().into_iter().map(|e| e.name).collect();
        assert_eq!(names, vec![OsString::from("a.md")], "no temporary file is left");
        dir.remove(OsStr::new("a.md")).unwrap_or_else(|e| panic!("{e:?}"));
        assert!(!path.exists());
        for bad in ["../x", "", ".", "a/b"] {
            assert!(dir.write(bad, b"x").is_err(), "{bad}");
            assert!(dir.remove(OsStr::new(bad)).is_err(), "{bad}");
        }
        // A subdirectory others could enter is made private again.
        std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o777)).unwrap_or_else(|e| panic!("{e}"));
        PrivateDir::open(&sub).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(mode(&sub), 0o700);
    }

    #[test]
    fn a_symlinked_subdirectory_or_file_is_refused_and_its_target_untouched() {
        let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let elsewhere = root.path().join("elsewhere");
        std::fs::create_dir_all(&elsewhere).unwrap_or_else(|e| panic!("{e}"));
        std::fs::set_permissions(&elsewhere, std::fs::Permissions::from_mode(0o755)).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(elsewhere.join("notes.md"), "mine").unwrap_or_else(|e| panic!("{e}"));
        let sub = root.path().join("state/answers");
        std::fs::create_dir_all(root.path().join("state")).unwrap_or_else(|e| panic!("{e}"));
        std::os::unix::fs::symlink(&elsewhere, &sub).unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(PrivateDir::open(&sub), Err(DirError::Symlink(p)) if p == sub));
        assert_eq!(mode(&elsewhere), 0o755, "the target's mode is not changed");

        let progress = root.path().join("state/progress");
        let dir = PrivateDir::open(&progress).unwrap_or_else(|e| panic!("{e:?}"));
        std::os::unix::fs::symlink(elsewhere.join("notes.md"), progress.join("s.json"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(dir.write("s.json", b"x"), Err(DirError::Symlink(_))));
        assert_eq!(dir.files().unwrap_or_default(), vec![], "a link is not a file of the directory");
        dir.remove(OsStr::new("s.json")).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(std::fs::read_to_string(elsewhere.join("notes.md")).ok().as_deref(), Some("mine"));
    }
}
