//! The [`Collector`] that `-f` items (`files`) and a prompt's mentions (`mention`) read
//! through: each file once, each directory walked once, every read within what the
//! [`Reach`] allows and within one budget, every skip listed once, and a stop check
//! consulted between files and between the entries of a walk.
//!
//! A file is read only as far as the budget could take it; once the budget is spent,
//! further files are listed as over it without being read. Met in a walk or a glob, a
//! secret-bearing file (`secret`, by its name or by the name its link leads to) and a
//! binary are skipped and listed.
//!
//! Knows nothing about how items are named (paths, globs, mentions) or what errors they
//! make: its callers decide that.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::glob::Glob;
use super::reach::{self, Opened, Reach};
use super::read::{self, Text};
use super::walk::{self, MAX_FILES, Met};
use super::{Gathered, Piece, SourceKind, secret};

/// Reason a file is listed without being read: the budget is spent. The same words as
/// `assemble`'s, for the same cause.
pub const OVER_BUDGET: &str = "over the context budget";

/// Gathers files of one kind under one budget, each file once.
pub struct Collector<'a> {
    kind: SourceKind,
    cwd: &'a Path,
    reach: &'a Reach,
    remaining: usize,
    /// Files read or listed, resolved.
    seen: HashSet<PathBuf>,
    /// Skips listed, by the path shown.
    listed: HashSet<String>,
    /// Directories a complete walk of a directory entered, resolved: walking one again, or
    /// a glob under one, adds nothing.
    walked: HashSet<PathBuf>,
    /// The patterns of the globs already walked.
    globbed: HashSet<String>,
    stop: &'a dyn Fn() -> bool,
    stopped: bool,
    gathered: Gathered,
}

/// What one walk or glob added.
#[derive(Debug, Default)]
pub struct Added {
    /// Files met at all (matched, for a glob), listed as skipped ones included.
    pub met: usize,
    /// Files sent, or listed only because the budget was spent.
    pub sendable: usize,
}

impl<'a> Collector<'a> {
    /// `cwd` resolved: the paths shown are relative to it.
    pub fn new(
        kind: SourceKind,
        cwd: &'a Path,
        reach: &'a Reach,
        budget_chars: usize,
        stop: &'a dyn Fn() -> bool,
    ) -> Self {
        Collector {
            kind,
            cwd,
            reach,
            remaining: budget_chars,
            seen: HashSet::new(),
            listed: HashSet::new(),
            walked: HashSet::new(),
            globbed: HashSet::new(),
            stop,
            stopped: false,
            gathered: Gathered::default(),
        }
    }

    /// What was gathered, or `None` when the stop check turned true on the way.
    pub fn finish(self) -> Option<Gathered> {
        (!self.stopped).then_some(self.gathered)
    }

    /// Whether the caller asked to stop (it stays stopped).
    pub fn stopped(&mut self) -> bool {
        self.stopped = self.stopped || (self.stop)();
        self.stopped
    }

    /// Whether the stop check has said yes (without asking it again).
    pub fn halted(&self) -> bool {
        self.stopped
    }

    pub fn cwd(&self) -> &Path {
        self.cwd
    }

    pub fn reach(&self) -> &Reach {
        self.reach
    }

    /// The path as the user would name it: relative to the working directory when it is
    /// inside it.
    pub fn display(&self, path: &Path) -> String {
        path.strip_prefix(self.cwd).unwrap_or(path).to_string_lossy().into_owned()
    }

    /// Lists `path` as not sent, once.
    pub fn skip(&mut self, path: &Path, why: impl Into<String>) {
        let path = self.display(path);
        if !self.listed.insert(path.clone()) {
            return;
        }
        self.gathered.skipped.push(super::Source {
            kind: self.kind,
            path: Some(path),
            bytes: 0,
            truncated: false,
            skipped: Some(why.into()),
        });
    }

    /// Every file of the directory `path` (resolved: `real`), by the walk's rules;
    /// `None` when a complete walk already covered it.
    pub fn directory(&mut self, path: &Path, real: &Path) -> Option<Added> {
        if self.walked.contains(real) {
            return None;
        }
        let mut added = Added::default();
        let reach = self.reach;
        let walked = walk::walk(path, reach, &mut |met| self.met(path, met, None, &mut added));
        if walked.complete {
            self.walked.extend(walked.entered);
        } else if let Some(root) = walked.entered.into_iter().next() {
            // Cut at MAX_FILES: walking it again would stop at the same file.
            self.walked.insert(root);
        }
        Some(added)
    }

    /// The files under `glob`'s base (resolved: `real_base`) that it matches; `None`
    /// when the same pattern was walked, or a complete walk covered the base.
    pub fn glob(&mut self, glob: &Glob, real_base: &Path) -> Option<Added> {
        if self.walked.contains(real_base) || !self.globbed.insert(glob.pattern().to_string()) {
            return None;
        }
        let mut added = Added::default();
        let reach = self.reach;
        walk::walk(&glob.base, reach, &mut |met| self.met(&glob.base, met, Some(glob), &mut added));
        Some(added)
    }

    /// Takes what a walk of `root` met; `false` stops the walk.
    fn met(&mut self, root: &Path, met: Met, glob: Option<&Glob>, added: &mut Added) -> bool {
        if self.stopped() {
            return false;
        }
        match met {
            Met::File(path) => {
                if glob.is_some_and(|g| !g.matches(&path)) {
                    return true;
                }
                added.met += 1;
                added.sendable += usize::from(self.file(&path, true));
            }
            Met::Skipped(path, why) => {
                if glob.is_none_or(|g| g.matches(&path)) {
                    added.met += 1;
                    self.skip(&path, why);
                }
            }
            // Hidden files are never read; a secret among them (a `.env`) is named, so the
            // user sees it was kept back.
            Met::Hidden(path) => {
                if glob.is_none_or(|g| g.matches(&path)) && secret::is_secret_path(&path) {
                    self.skip(&path, "secret");
                }
            }
            Met::Stopped => {
                self.skip(root, format!("walk stopped after {MAX_FILES} files; name fewer files"));
                self.gathered.notes.push(format!(
                    "context: {} has more than {MAX_FILES} files; only the first {MAX_FILES} were looked at \
                     (name a narrower directory or glob)",
                    self.display(root)
                ));
            }
            Met::Directory => {}
        }
        true
    }

    /// Reads one file into a piece, or lists why not. `in_walk`: met in a walk or a glob,
    /// where a secret is skipped rather than refused. Whether it counts as sendable.
    pub fn file(&mut self, path: &Path, in_walk: bool) -> bool {
        let real = match std::fs::canonicalize(path) {
            Ok(real) => real,
            Err(e) => {
                self.skip(path, format!("unreadable ({})", e.kind()));
                return false;
            }
        };
        if !self.seen.insert(real.clone()) {
            return true;
        }
        // The walks and the named items checked this already; checked again here, where
        // every read passes, in case a link changed in between.
        if !self.reach.may_read(&real) {
            self.skip(path, reach::LINKS_OUTSIDE);
            return false;
        }
        // The name given and the name it links to: `notes -> .env` is as secret as `.env`.
        if in_walk && (secret::is_secret_path(path) || secret::is_secret_path(&real)) {
            self.skip(path, "secret");
            return false;
        }
        if self.remaining == 0 {
            self.skip(path, OVER_BUDGET);
            return true;
        }
        let text = match reach::open(&real) {
            Ok(Opened::File(file)) => read::file(file, read::read_limit(self.remaining)),
            Ok(Opened::Special(special)) => {
                self.skip(path, special.reason());
                return false;
            }
            Err(e) => Err(e),
        };
        match text {
            Ok(Text::Text { text, .. }) => {
                self.remaining = self.remaining.saturating_sub(text.chars().count());
                let display = self.display(path);
                self.gathered.pieces.push(Piece::new(self.kind, Some(display), text));
                true
            }
            Ok(Text::Binary) => {
                self.skip(path, "binary");
                false
            }
            Err(e) => {
                self.skip(path, format!("unreadable ({})", e.kind()));
                false
            }
        }
    }
}
