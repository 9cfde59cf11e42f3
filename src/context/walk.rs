//! Walking a directory for context: `.gitignore` (and `.ignore`, `.git/info/exclude`, the
//! global git excludes) honoured, hidden directories skipped and hidden files set apart
//! (`Met::Hidden`: the caller lists the secrets among them), symbolic links
//! never followed out of the tree nor out of what the [`Reach`] allows, special files
//! (FIFOs, sockets, devices) told from their directory entry and never opened, names
//! sorted so that two runs send the same files in the same order. The `ignore` crate
//! does the walk and the ignore rules; this file only chooses its settings and sorts what
//! it meets into files to read and files to skip. It reports the directories it entered,
//! so that the caller walks each only once.
//!
//! Knows nothing about reading files, secrets or budgets.

use std::path::{Path, PathBuf};

use super::reach::{self, Reach};

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
    /// A directory the walk enters: nothing to take, but a chance to stop between entries
    /// however few files a tree holds.
    Directory,
}

/// What a walk covered.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Walked {
    /// The directories it entered, resolved (the tree's root first).
    pub entered: Vec<PathBuf>,
    /// Whether it met everything under the root: `visit` did not stop it, nor did
    /// [`MAX_FILES`].
    pub complete: bool,
}

/// Every file under `root`, in sorted order, for `visit` to take; `visit` returns
/// `false` to stop the walk.
pub fn walk(root: &Path, reach: &Reach, visit: &mut dyn FnMut(Met) -> bool) -> Walked {
    let tree = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let mut walked = Walked { entered: vec![tree.clone()], complete: false };
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
                    return walked;
                }
                continue;
            }
        };
        let Some(file_type) = entry.file_type() else { continue };
        if entry.depth() == 0 {
            continue;
        }
        if file_type.is_dir() {
            // Not a link (links are not followed): its resolved path is the tree's plus
            // the same steps. Past MAX_FILES of them, the rest only go unrecorded (and
            // may be walked again if named again).
            if let Ok(rel) = entry.path().strip_prefix(root)
                && walked.entered.len() < MAX_FILES
            {
                walked.entered.push(tree.join(rel));
            }
            if !visit(Met::Directory) {
                return walked;
            }
            continue;
        }
        files += 1;
        if files > MAX_FILES {
            visit(Met::Stopped);
            return walked;
        }
        let hidden = is_hidden(entry.file_name());
        let path = entry.into_path();
        let met = if hidden {
            Met::Hidden(path)
        } else if file_type.is_file() {
            Met::File(path)
        } else if file_type.is_symlink() {
            link(path, &tree, reach)
        } else {
            let special = reach::special_type(file_type).unwrap_or(reach::Special::Other);
            Met::Skipped(path, special.reason())
        };
        if !visit(met) {
            return walked;
        }
    }
    walked.complete = true;
    walked
}

/// A symbolic link met in a walk of `tree`: a file only if it leads to a regular file
/// inside the tree and inside what `reach` allows; never followed into a directory.
fn link(path: PathBuf, tree: &Path, reach: &Reach) -> Met {
    let Ok(target) = std::fs::canonicalize(&path) else { return Met::Skipped(path, "broken link".into()) };
    if !reach.may_read(&target) {
        return Met::Skipped(path, reach::LINKS_OUTSIDE.into());
    }
    if !target.starts_with(tree) {
        return Met::Skipped(path, "link out of the tree".into());
    }
    match reach::kind(&target) {
        Ok(reach::Kind::File) => Met::File(path),
        Ok(reach::Kind::Directory) => Met::Skipped(path, "link to a directory, not followed".into()),
        Ok(reach::Kind::Special(special)) => Met::Skipped(path, special.reason()),
        Err(e) => Met::Skipped(path, format!("unreadable ({})", e.kind())),
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
