//! Carrying out a plan, and what it will do beforehand: whether it changes anything, the
//! settings file's diff, the backups it writes (`<name>.frontier-backup`, mode 0600)
//! before rewriting a file.
//!
//! Knows nothing about what the writes hold: the plan decided that.

use std::path::{Path, PathBuf};

use super::edit::Write;
use super::host::Location;
use super::{Plan, diff, skill};
use crate::config::atomic;
use crate::error::Result;

impl Plan {
    /// Whether carrying out the plan would change any file.
    pub fn changes_anything(&self) -> bool {
        !self.writes.is_empty()
    }

    /// The change to the settings file as a unified diff, if it changes.
    pub fn settings_diff(&self) -> Option<String> {
        let write = self.writes.iter().find(|w| w.path == self.settings_path)?;
        Some(diff::unified(&write.path, write.old.as_deref(), write.new.as_deref()))
    }

    /// The backups carrying out the plan writes: one per existing file it rewrites. A
    /// skill removed because it is identical to ours needs none.
    pub fn backups(&self) -> Vec<PathBuf> {
        self.writes.iter().filter(|w| w.old.is_some() && w.new.is_some()).map(|w| backup_path(&w.path)).collect()
    }

    /// Carries out the plan: for each file it rewrites, first a backup of the current
    /// contents (mode 0600), then the new contents, written atomically. A file it deletes
    /// (a skill identical to ours, a settings file that held only frontier's entry) needs
    /// no backup; in a project, the directories that deleting it leaves empty go too, up
    /// to the project's own, so an uninstall leaves the project as it found it.
    pub fn apply(&self) -> Result<()> {
        carry_out(self.writes.iter(), &self.target.location)
    }
}

/// Carries out `writes` at `location`, as `Plan::apply` describes.
pub(super) fn carry_out<'a>(writes: impl Iterator<Item = &'a Write>, location: &Location) -> Result<()> {
    for write in writes {
        match (&write.old, &write.new) {
            (old, Some(new)) => {
                if let Some(old) = old {
                    atomic::write(&backup_path(&write.path), old)?;
                }
                atomic::write(&write.path, new)?;
            }
            (_, None) => {
                skill::remove(&write.path)?;
                if let Location::Project(root) = location {
                    remove_empty_dirs(&write.path, root);
                }
            }
        }
    }
    Ok(())
}

/// Removes each directory above `path` that is empty, up to (not including) `root`.
fn remove_empty_dirs(path: &Path, root: &Path) {
    for dir in path.ancestors().skip(1).take_while(|d| d.starts_with(root) && *d != root) {
        match std::fs::remove_dir(dir) {
            Ok(()) => {}
            // Already gone (the skill's own directory goes with it).
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            // The first directory that still holds something ends it, harmlessly.
            Err(_) => break,
        }
    }
}

/// Where the previous contents of `path` are kept: `<name>.frontier-backup` beside it.
pub fn backup_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".frontier-backup");
    path.with_file_name(name)
}
