//! Writing a small file so that readers only ever see the old or the new contents:
//! a temporary file in the same directory, synced, then renamed over the target. A file
//! in a subdirectory of the state dir is written by `private_dir` instead, through the
//! directory's descriptor; [`dir_error`] words its failures.
//!
//! Knows nothing about what the file holds.

use std::io::Write as _;
use std::path::Path;

use crate::error::{Error, Result};
use crate::private_dir::{self, DirError};

/// Replaces `path` with `contents`, mode 0600, creating missing directories as the
/// umask allows: for the editor agents' own files. Refuses to write through a symbolic
/// link.
pub fn write(path: &Path, contents: &str) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io("create directory", dir, e))?;
    replace(path, dir, contents)
}

/// [`write`] for a file in frontier's config dir: missing directories are made 0700.
pub fn write_private(path: &Path, contents: &str) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    private_dir::create_all(dir).map_err(|e| Error::io("create directory", dir, e))?;
    replace(path, dir, contents)
}

/// A failure of one of frontier's own directories, as frontier reports it.
pub fn dir_error(err: DirError) -> Error {
    match err {
        DirError::Symlink(path) => Error::Symlink { path },
        DirError::Io { action, path, source } => Error::io(action, path, source),
    }
}

fn replace(path: &Path, dir: &Path, contents: &str) -> Result<()> {
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
        return Err(Error::Symlink { path: path.to_path_buf() });
    }
    // tempfile creates the file with mode 0600 and removes it if anything below fails.
    let mut tmp = tempfile::Builder::new()
        .prefix(".frontier-")
        .suffix(".tmp")
        .tempfile_in(dir)
        .map_err(|e| Error::io("create a temporary file in", dir, e))?;
    tmp.write_all(contents.as_bytes())
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(|e| Error::io("write", tmp.path().to_path_buf(), e))?;
    tmp.persist(path).map_err(|e| Error::io("replace", path, e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt as _;

    use super::*;

    #[test]
    fn writes_0600_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let path = dir.path().join("sub/a.toml");
        write(&path, "x = 1\n").unwrap_or_else(|e| panic!("{e}"));
        write(&path, "x = 2\n").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(std::fs::read_to_string(&path).ok().as_deref(), Some("x = 2\n"));
        let mode = std::fs::metadata(&path).map(|m| m.permissions().mode() & 0o777).ok();
        assert_eq!(mode, Some(0o600));
        let names: Vec<_> = std::fs::read_dir(dir.path().join("sub"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, vec!["a.toml".to_string()]);
    }

    #[test]
    fn directories_of_a_private_write_are_0700() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        write_private(&dir.path().join("config/presets/a.toml"), "x = 1\n").unwrap_or_else(|e| panic!("{e}"));
        let mode = |p: &str| std::fs::metadata(dir.path().join(p)).map(|m| m.permissions().mode() & 0o777).ok();
        let modes = [mode("config"), mode("config/presets"), mode("config/presets/a.toml")];
        assert_eq!(modes, [Some(0o700), Some(0o700), Some(0o600)]);
    }

    #[test]
    fn refuses_symlinks() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let target = dir.path().join("target");
        std::fs::write(&target, "keep").unwrap_or_else(|e| panic!("{e}"));
        let link = dir.path().join("link.toml");
        std::os::unix::fs::symlink(&target, &link).unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(write(&link, "x"), Err(Error::Symlink { .. })));
        assert_eq!(std::fs::read_to_string(&target).ok().as_deref(), Some("keep"));
    }
}
