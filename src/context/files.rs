//! `-f PATH` (DESIGN.md §4.2): files, directories and globs, read into pieces within the
//! budget. A file is read only as far as the budget could take it; once the budget is
//! spent, further files are listed as over it without being read. Secret-bearing files
//! (`secret`) named explicitly are a usage error; met in a walk or a glob they are skipped
//! and listed, as are binary files. A missing path, a directory with nothing to send and
//! a glob that matches nothing are usage errors naming the item.
//!
//! The [`Collector`] is shared with `mention`, which applies the same rules to the files
//! a prompt mentions, as skipped sources rather than errors.
//!
//! Knows nothing about how the budget was chosen or what the pieces become.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::glob::{self, Glob};
use super::read::{self, Text};
use super::walk::{self, MAX_FILES, Met};
use super::{Gathered, Piece, SourceKind, secret};
use crate::error::{Error, Result, echo};

/// The pieces for `items` (each a file, a directory or a glob, relative to `cwd`), read
/// within `budget_chars` characters.
pub fn gather(items: &[String], cwd: &Path, budget_chars: usize) -> Result<Gathered> {
    let mut collector = Collector::new(SourceKind::File, cwd, budget_chars);
    for item in items {
        if glob::is_glob(item) {
            collector.glob(item)?;
        } else {
            collector.item(item)?;
        }
    }
    Ok(collector.finish())
}

/// Reason a file is listed without being read: the budget is spent. The same words as
/// `assemble`'s, for the same cause.
pub const OVER_BUDGET: &str = "over the context budget";

/// Gathers files of one kind under one budget, each file once.
pub struct Collector<'a> {
    kind: SourceKind,
    cwd: &'a Path,
    remaining: usize,
    seen: HashSet<PathBuf>,
    gathered: Gathered,
}

/// What one item of a walk or glob added.
#[derive(Default)]
struct Added {
    /// Files met at all (matched, for a glob).
    met: usize,
    /// Files sent, or listed only because the budget was spent.
    sendable: usize,
}

impl<'a> Collector<'a> {
    pub fn new(kind: SourceKind, cwd: &'a Path, budget_chars: usize) -> Self {
        Collector { kind, cwd, remaining: budget_chars, seen: HashSet::new(), gathered: Gathered::default() }
    }

    pub fn finish(self) -> Gathered {
        self.gathered
    }

    /// The path as the user would name it: relative to the working directory when it is
    /// inside it.
    pub fn display(&self, path: &Path) -> String {
        path.strip_prefix(self.cwd).unwrap_or(path).to_string_lossy().into_owned()
    }

    pub fn skip(&mut self, path: &Path, why: impl Into<String>) {
        let path = self.display(path);
        self.gathered.skipped.push(super::Source {
            kind: self.kind,
            path: Some(path),
            bytes: 0,
            truncated: false,
            skipped: Some(why.into()),
        });
    }

    /// A path named with `-f`: a file or a directory.
    fn item(&mut self, item: &str) -> Result<()> {
        let path = self.cwd.join(item);
        let item = &echo(item);
        let meta = std::fs::metadata(&path).map_err(|e| {
            let what = match e.kind() {
                std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
                kind => format!("cannot be read ({kind})"),
            };
            Error::usage(
                format!("`-f {item}`: {what}"),
                format!("paths are relative to the working directory, {}", self.cwd.display()),
            )
        })?;
        if meta.is_dir() {
            let added = self.walk_directory(&path);
            return self.check_added(item, "directory", &added);
        }
        if !meta.is_file() {
            return Err(Error::usage(format!("`-f {item}` is not a regular file"), "name a file or a directory"));
        }
        // The name given and the name it links to: `notes -> .env` is as secret as `.env`.
        let target = std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone());
        if secret::is_secret_path(&path) || secret::is_secret_path(&target) {
            return Err(Error::usage(format!("`-f {item}` may hold secrets, so it is never sent"), secret::HINT));
        }
        self.file(&path, false);
        Ok(())
    }

    /// Every file of the directory at `root`, by the walk's rules.
    /// Every file of the directory at `root`, by the walk's rules (for `mention`).
    pub fn directory(&mut self, root: &Path) {
        self.walk_directory(root);
    }

    fn walk_directory(&mut self, root: &Path) -> Added {
        let mut added = Added::default();
        walk::walk(root, &mut |met| self.met(root, met, None, &mut added));
        added
    }

    /// A `-f` glob: the files under its base that it matches.
    fn glob(&mut self, item: &str) -> Result<()> {
        let glob = Glob::new(item, self.cwd)?;
        let item = &echo(item);
        let mut added = Added::default();
        if glob.base.is_dir() {
            let base = glob.base.clone();
            walk::walk(&base, &mut |met| self.met(&base, met, Some(&glob), &mut added));
        } else if glob.base.is_file() && glob.matches(&glob.base) {
            added.met += 1;
            added.sendable += usize::from(self.file(&glob.base, true));
        }
        if added.met == 0 {
            return Err(Error::usage(
                format!("`-f {item}` matches no file"),
                "globs match under the working directory, skipping hidden and .gitignored files; quote the \
                 pattern so the shell leaves it alone",
            ));
        }
        self.check_added(item, "glob", &added)
    }

    fn check_added(&self, item: &str, what: &str, added: &Added) -> Result<()> {
        if added.sendable > 0 {
            return Ok(());
        }
        let why = if added.met == 0 {
            format!("has no file to send (hidden and .gitignored files are skipped, up to {MAX_FILES} files walked)")
        } else {
            format!("has nothing to send: its {} file(s) are all binary, secret or unreadable", added.met)
        };
        Err(Error::usage(format!("`-f {item}` ({what}) {why}"), "name text files, or a directory that holds some"))
    }

    /// Takes what a walk of `root` met; `false` stops the walk.
    fn met(&mut self, root: &Path, met: Met, glob: Option<&Glob>, added: &mut Added) -> bool {
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
            Met::Stopped => self.skip(root, format!("walk stopped after {MAX_FILES} files; name fewer files")),
        }
        true
    }

    /// Reads one file into a piece, or lists why not. `in_walk`: met in a walk or a glob,
    /// where a secret is skipped rather than refused. Whether it counts as sendable.
    pub fn file(&mut self, path: &Path, in_walk: bool) -> bool {
        let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if !self.seen.insert(key) {
            return true;
        }
        if in_walk && secret::is_secret_path(path) {
            self.skip(path, "secret");
            return false;
        }
        if self.remaining == 0 {
            self.skip(path, OVER_BUDGET);
            return true;
        }
        match read::file(path, read::read_limit(self.remaining)) {
            Ok(Text::Text { text, .. }) => {
                self.remaining = self.remaining.saturating_sub(text.chars().count());
                let display = self.display(path);
                self.gathered.pieces.push(Piece { kind: self.kind, path: Some(display), text });
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

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;
    use crate::context::Source;

    /// A tree with everything a walk must tell apart.
    fn tree() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let write = |rel: &str, bytes: &[u8]| {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap_or(dir.path())).unwrap_or_else(|e| panic!("{e}"));
            std::fs::write(path, bytes).unwrap_or_else(|e| panic!("{e}"));
        };
        write("proj/.gitignore", b"ignored.txt\nbuild/\n");
        write("proj/a.rs", b"fn a() {}\n");
        write("proj/ignored.txt", b"IGNORED\n");
        write("proj/build/out.rs", b"OUT\n");
        write("proj/.hidden", b"HIDDEN\n");
        write("proj/.git-hooks/pre", b"HOOK\n");
        write("proj/logo.png", b"\x89PNG\r\n\x1a\n\0\0\0");
        write("proj/.env", b"KEY=SECRET\n");
        write("proj/server.pem", b"-----BEGIN PRIVATE KEY-----\n");
        write("proj/nested/deep/b.rs", b"fn b() {}\n");
        write("proj/nested/c.md", b"# c\n");
        write("outside.txt", b"OUTSIDE\n");
        dir
    }

    fn cwd(dir: &tempfile::TempDir) -> PathBuf {
        dir.path().join("proj")
    }

    fn sent(g: &Gathered) -> Vec<(&str, &str)> {
        g.pieces.iter().map(|p| (p.path.as_deref().unwrap_or_default(), p.text.as_str())).collect()
    }

    fn skipped(g: &Gathered) -> Vec<(&str, &str)> {
        g.skipped
            .iter()
            .map(|s| (s.path.as_deref().unwrap_or_default(), s.skipped.as_deref().unwrap_or_default()))
            .collect()
    }

    fn items(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    fn error(result: Result<Gathered>) -> String {
        match result {
            Ok(g) => panic!("expected an error, got {g:?}"),
            Err(e) => format!("{e} | {}", e.hint()),
        }
    }

    #[test]
    fn a_directory_walk_skips_ignored_and_hidden_files_and_lists_binaries_and_secrets() {
        let dir = tree();
        let g = gather(&items(&["."]), &cwd(&dir), 100_000).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            sent(&g),
            vec![("a.rs", "fn a() {}\n"), ("nested/c.md", "# c\n"), ("nested/deep/b.rs", "fn b() {}\n")]
        );
        // `.hidden` and `.git-hooks/` are left out unlisted; `.env`, hidden too, is named.
        assert_eq!(skipped(&g), vec![(".env", "secret"), ("logo.png", "binary"), ("server.pem", "secret")]);
        assert!(g.skipped.iter().all(|s: &Source| s.kind == SourceKind::File && s.bytes == 0));
    }

    #[test]
    fn a_named_file_is_sent_whole_and_a_named_secret_is_refused_with_a_hint() {
        let dir = tree();
        let g =
            gather(&items(&["a.rs", "nested/c.md", "./a.rs"]), &cwd(&dir), 100_000).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(sent(&g), vec![("a.rs", "fn a() {}\n"), ("nested/c.md", "# c\n")], "a file named twice goes once");
        let err = error(gather(&items(&[".env"]), &cwd(&dir), 100_000));
        assert!(err.starts_with("`-f .env` may hold secrets, so it is never sent | files that commonly"), "{err}");
        let err = error(gather(&items(&["server.pem"]), &cwd(&dir), 100_000));
        assert!(err.starts_with("`-f server.pem` may hold secrets"), "{err}");
    }

    #[test]
    fn a_link_to_a_secret_is_as_secret_as_the_file() {
        let dir = tree();
        std::os::unix::fs::symlink(".env", cwd(&dir).join("notes.txt")).unwrap_or_else(|e| panic!("{e}"));
        let err = error(gather(&items(&["notes.txt"]), &cwd(&dir), 100_000));
        assert!(err.starts_with("`-f notes.txt` may hold secrets"), "{err}");
    }

    #[test]
    fn a_named_binary_is_skipped_and_listed() {
        let dir = tree();
        let g = gather(&items(&["logo.png", "a.rs"]), &cwd(&dir), 100_000).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(sent(&g), vec![("a.rs", "fn a() {}\n")]);
        assert_eq!(skipped(&g), vec![("logo.png", "binary")]);
    }

    #[test]
    fn a_glob_matches_under_the_cwd_honouring_gitignore() {
        let dir = tree();
        let g = gather(&items(&["**/*.rs"]), &cwd(&dir), 100_000).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(sent(&g), vec![("a.rs", "fn a() {}\n"), ("nested/deep/b.rs", "fn b() {}\n")]);
        let g = gather(&items(&["nested/*"]), &cwd(&dir), 100_000).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(sent(&g), vec![("nested/c.md", "# c\n")], "`*` does not cross a `/`");
        let g = gather(&items(&["*"]), &cwd(&dir), 100_000).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(skipped(&g), vec![(".env", "secret"), ("logo.png", "binary"), ("server.pem", "secret")]);
    }

    #[test]
    fn missing_paths_empty_directories_and_globs_matching_nothing_are_usage_errors() {
        let dir = tree();
        let cwd = cwd(&dir);
        let err = error(gather(&items(&["nope.rs"]), &cwd, 100_000));
        assert_eq!(
            err,
            format!(
                "`-f nope.rs`: no such file or directory | paths are relative to the working directory, {}",
                cwd.display()
            )
        );
        let err = error(gather(&items(&["*.go"]), &cwd, 100_000));
        assert!(err.starts_with("`-f *.go` matches no file | "), "{err}");
        std::fs::create_dir(cwd.join("empty")).unwrap_or_else(|e| panic!("{e}"));
        let err = error(gather(&items(&["empty"]), &cwd, 100_000));
        assert!(err.starts_with("`-f empty` (directory) has no file to send"), "{err}");
        let g = gather(&items(&["build"]), &cwd, 100_000).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(sent(&g), vec![("build/out.rs", "OUT\n")], "an ignored directory named explicitly is sent");
        let err = error(gather(&items(&["*.png"]), &cwd, 100_000));
        assert!(err.starts_with("`-f *.png` (glob) has nothing to send: its 1 file(s) are all binary"), "{err}");
    }

    #[test]
    fn a_link_out_of_the_tree_is_not_followed() {
        let dir = tree();
        let cwd = cwd(&dir);
        std::os::unix::fs::symlink(dir.path().join("outside.txt"), cwd.join("nested/out.txt"))
            .unwrap_or_else(|e| panic!("{e}"));
        std::os::unix::fs::symlink("c.md", cwd.join("nested/same.md")).unwrap_or_else(|e| panic!("{e}"));
        let g = gather(&items(&["nested"]), &cwd, 100_000).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            sent(&g),
            vec![("nested/c.md", "# c\n"), ("nested/deep/b.rs", "fn b() {}\n")],
            "the link to c.md is c.md"
        );
        assert_eq!(skipped(&g), vec![("nested/out.txt", "link out of the tree")]);
    }

    #[test]
    fn reading_stops_where_the_budget_does() {
        let dir = tree();
        let cwd = cwd(&dir);
        std::fs::write(cwd.join("big.txt"), "x".repeat(1 << 20)).unwrap_or_else(|e| panic!("{e}"));
        let g = gather(&items(&["big.txt", "a.rs"]), &cwd, 1000).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(g.pieces[0].text.len(), read::read_limit(1000), "read only as far as the budget could take");
        assert_eq!(skipped(&g), vec![("a.rs", OVER_BUDGET)], "listed, not read, once the budget is spent");
    }

    #[test]
    fn a_path_outside_the_cwd_is_shown_as_given() {
        let dir = tree();
        let g = gather(&items(&["../outside.txt"]), &cwd(&dir), 100).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(sent(&g), vec![("../outside.txt", "OUTSIDE\n")]);
    }
}
