//! Walking a directory for context: `.gitignore` (and `.ignore`, `.git/info/exclude`, the
//! global git excludes) honoured, hidden directories skipped and hidden files set apart
//! (`Met::Hidden`: the caller lists the secrets among them), symbolic links
//! never followed out of the tree, names sorted so that two runs send the same files in
//! the same order. The `ignore` crate does the walk and the ignore rules; this file
//! only chooses its settings and sorts what it meets into files to read and files to
//! skip.
//!
//! Knows nothing about reading files, secrets or budgets.

use std::path::{Path, PathBuf};

/// The most files one walk visits: a context budget holds some hundreds of files at most,
/// and a walk of a home directory must end in reasonable time.
pub const MAX_FILES: usize = 10_000;

/// What a walk met.
#[derive(Debug, PartialEq, Eq)]
pub enum Met {
    /// A regular file, or a link to one inside the tree.
    File(PathBuf),
    /// A hidden file (its name starts with a dot): never read, and not listed unless the
    /// caller has a reason to name it (a `.env` is a secret). Hidden directories are not
    /// entered at all.
    Hidden(PathBuf),
    /// Something not sent, and why.
    Skipped(PathBuf, String),
    /// The walk stopped at [`MAX_FILES`].
    Stopped,
}

/// Every file under `root`, in sorted order, for `visit` to take; `visit` returns
/// `false` to stop the walk.
pub fn walk(root: &Path, visit: &mut dyn FnMut(Met) -> bool) {
    let tree = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let walker = ignore::WalkBuilder::new(root)
        // Hidden files are met (as `Met::Hidden`) so that a secret among them can be
        // listed; hidden directories (`.git`, `.venv`) are not entered.
        .hidden(false)
        .filter_entry(|e| e.depth() == 0 || !(is_hidden(e.file_name()) && e.file_type().is_some_and(|t| t.is_dir())))
        .git_ignore(true)
        .git_exclude(true)
        .git_global(true)
        .ignore(true)
        .parents(true)
        // A .gitignore is honoured outside a git repository too: a user who wrote one
        // does not want those files sent, repository or not.
        .require_git(false)
        .follow_links(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .build();
    let mut files = 0usize;
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = path_of(&e).unwrap_or(root).to_path_buf();
                if !visit(Met::Skipped(path, format!("unreadable ({})", short(&e)))) {
                    return;
                }
                continue;
            }
        };
        let Some(file_type) = entry.file_type() else { continue };
        if entry.depth() == 0 || file_type.is_dir() {
            continue;
        }
        files += 1;
        if files > MAX_FILES {
            visit(Met::Stopped);
            return;
        }
        let hidden = is_hidden(entry.file_name());
        let path = entry.into_path();
        let met = if hidden {
            Met::Hidden(path)
        } else if file_type.is_file() {
            Met::File(path)
        } else if file_type.is_symlink() {
            match std::fs::canonicalize(&path) {
                Ok(target) if target.starts_with(&tree) && target.is_file() => Met::File(path),
                Ok(target) if target.starts_with(&tree) => {
                    Met::Skipped(path, "link to a directory, not followed".into())
                }
                _ => Met::Skipped(path, "link out of the tree".into()),
            }
        } else {
            Met::Skipped(path, "not a regular file".into())
        };
        if !visit(met) {
            return;
        }
    }
}

/// Whether a file name is hidden by the Unix convention: it starts with a dot.
fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.as_encoded_bytes().first() == Some(&b'.')
}

/// The path an error is about, when it names one.
fn path_of(e: &ignore::Error) -> Option<&Path> {
    match e {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => path_of(err),
        _ => None,
    }
}

/// The error's message without the path the caller already shows.
fn short(e: &ignore::Error) -> String {
    match e {
        ignore::Error::WithPath { err, .. } => short(err),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => short(err),
        ignore::Error::Io(io) => io.kind().to_string(),
        other => other.to_string(),
    }
}
