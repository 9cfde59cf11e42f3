//! `-f PATH` (docs/context.md) and the MCP tools' `files`: files, directories and globs,
//! read through the [`Collector`] within the budget and the [`Reach`]. Every item is
//! judged by the workspace rule (`reach`) before anything is read: a name outside the
//! workspace (an absolute path, `..`, a glob whose walk would start outside) is a usage
//! error naming the item unless the user allowed it; a name inside whose links lead out is
//! skipped and listed. Secret-bearing files (`secret`) named explicitly, special files
//! (FIFOs, devices, /proc) named explicitly, a missing path, a directory with nothing to
//! send and a glob that matches nothing are usage errors naming the item. A directory or
//! glob that an earlier item already covered is not walked again.
//!
//! Knows nothing about how the budget was chosen, where the workspace is, or what the
//! pieces become.

use std::path::Path;

use super::collect::{Added, Collector};
use super::glob::{self, Glob};
use super::reach::{self, Outside, Place, Reach};
use super::walk::MAX_FILES;
use super::{Gathered, SourceKind, secret};
use crate::error::{Error, Result, echo};

pub use super::collect::OVER_BUDGET;

/// The pieces for `items` (each a file, a directory or a glob, relative to `cwd`), read
/// within `budget_chars` characters and within `reach`. `stop` is asked between items,
/// files and the entries of a walk; once it says yes, the gather ends at once with
/// [`stopped`]'s error and nothing it read is sent.
pub fn gather(
    items: &[String],
    cwd: &Path,
    reach: &Reach,
    budget_chars: usize,
    stop: &dyn Fn() -> bool,
) -> Result<Gathered> {
    let cwd = std::fs::canonicalize(cwd).unwrap_or_else(|_| cwd.to_path_buf());
    let mut collector = Collector::new(SourceKind::File, &cwd, reach, budget_chars, stop);
    for item in items {
        if collector.stopped() {
            break;
        }
        if glob::is_glob(item) {
            glob_item(&mut collector, item)?;
        } else {
            path_item(&mut collector, item)?;
        }
    }
    collector.finish().ok_or_else(stopped)
}

/// The error of a gather whose caller asked it to stop.
pub fn stopped() -> Error {
    Error::refused("gathering the context was stopped before it finished", "nothing it read was sent")
}

/// A path named with `-f`: a file or a directory.
fn path_item(collector: &mut Collector<'_>, item: &str) -> Result<()> {
    let path = collector.cwd().join(item);
    let shown = &echo(item);
    let missing = |e: std::io::Error| {
        let what = match e.kind() {
            std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
            kind => format!("cannot be read ({kind})"),
        };
        Error::usage(
            format!("`-f {shown}`: {what}"),
            format!("paths are relative to the working directory, {}", collector.cwd().display()),
        )
    };
    let real = match collector.reach().place(&path).map_err(missing)? {
        Place::Readable(real) => real,
        Place::NamedOutside => return Err(outside(collector.reach(), shown)),
        Place::LinksOutside => {
            collector.skip(&path, reach::LINKS_OUTSIDE);
            return Ok(());
        }
    };
    match reach::kind(&real).map_err(missing)? {
        reach::Kind::Directory => match collector.directory(&path, &real) {
            Some(added) if !collector.halted() => check_added(shown, "directory", &added),
            _ => Ok(()),
        },
        reach::Kind::File if secret::is_secret_path(&path) || secret::is_secret_path(&real) => {
            Err(Error::usage(format!("`-f {shown}` may hold secrets, so it is never sent"), secret::HINT))
        }
        reach::Kind::File => {
            collector.file(&path, false);
            Ok(())
        }
        reach::Kind::Special(special) => Err(Error::usage(
            format!("`-f {shown}` is {}", special.reason()),
            "name a file or a directory: FIFOs, sockets, devices and the files of /proc and /sys are never read",
        )),
    }
}

/// A `-f` glob: the files under its base that it matches.
fn glob_item(collector: &mut Collector<'_>, item: &str) -> Result<()> {
    let glob = Glob::new(item, collector.cwd())?;
    let shown = &echo(item);
    let no_match = || {
        Error::usage(
            format!("`-f {shown}` matches no file"),
            "globs match under the working directory, skipping hidden and .gitignored files; quote the pattern so \
             the shell leaves it alone",
        )
    };
    let real = match collector.reach().place(&glob.base) {
        Ok(Place::Readable(real)) => real,
        Ok(Place::NamedOutside) => return Err(outside(collector.reach(), shown)),
        Ok(Place::LinksOutside) => {
            collector.skip(&glob.base, reach::LINKS_OUTSIDE);
            return Ok(());
        }
        Err(_) => return Err(no_match()),
    };
    let added = match reach::kind(&real) {
        Ok(reach::Kind::Directory) => match collector.glob(&glob, &real) {
            Some(added) if !collector.halted() => added,
            _ => return Ok(()),
        },
        Ok(reach::Kind::File) if glob.matches(&glob.base) => {
            Added { met: 1, sendable: usize::from(collector.file(&glob.base, true)) }
        }
        _ => Added::default(),
    };
    if added.met == 0 {
        return Err(no_match());
    }
    check_added(shown, "glob", &added)
}

/// The usage error for an item named outside the workspace, with what the asker can do.
fn outside(reach: &Reach, shown: &str) -> Error {
    let root = reach.root().display();
    let hint = match reach.outside() {
        Outside::Never => format!(
            "MCP callers read files only inside the workspace, {root} (the git root, else the server's working \
             directory)"
        ),
        Outside::Refused | Outside::Allowed => format!(
            "context is read only inside the workspace, {root} (the git root, else the working directory); to send a \
             file from outside it, name it with --outside-workspace"
        ),
    };
    Error::usage(format!("`-f {shown}` is outside the workspace"), hint)
}

fn check_added(item: &str, what: &str, added: &Added) -> Result<()> {
    if added.sendable > 0 {
        return Ok(());
    }
    let why = if added.met == 0 {
        format!("has no file to send (hidden and .gitignored files are skipped, up to {MAX_FILES} files walked)")
    } else {
        format!(
            "has nothing to send: its {} file(s) are all binary, secret, special, unreadable or links leading out",
            added.met
        )
    };
    Err(Error::usage(format!("`-f {item}` ({what}) {why}"), "name text files, or a directory that holds some"))
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use std::path::PathBuf;

    use super::*;
    use crate::context::{Source, read};

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

    /// What `items` give in `cwd`, its own workspace, for the command line's user.
    fn gather(items: &[String], cwd: &Path, budget_chars: usize) -> Result<Gathered> {
        super::gather(items, cwd, &Reach::new(cwd, Outside::Refused), budget_chars, &|| false)
    }

    fn within(items: &[String], cwd: &Path, outside: Outside) -> Result<Gathered> {
        super::gather(items, cwd, &Reach::new(cwd, outside), 100_000, &|| false)
    }

    fn fifo(path: &Path) {
        let made = std::process::Command::new("mkfifo").arg(path).status().unwrap_or_else(|e| panic!("{e}"));
        assert!(made.success());
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
        std::os::unix::fs::symlink(dir.path().join("outside.txt"), cwd.join("notes.md"))
            .unwrap_or_else(|e| panic!("{e}"));
        let err = error(gather(&items(&["*.md"]), &cwd, 100_000));
        assert!(
            err.starts_with("`-f *.md` (glob) has nothing to send: its 1 file(s) are all binary, secret, special"),
            "{err}"
        );
    }

    #[test]
    fn a_link_met_in_a_walk_is_read_only_inside_the_tree_and_the_workspace() {
        let dir = tree();
        let cwd = cwd(&dir);
        let link = |target: &Path, at: &str| {
            std::os::unix::fs::symlink(target, cwd.join(at)).unwrap_or_else(|e| panic!("{e}"))
        };
        link(&dir.path().join("outside.txt"), "nested/out.txt");
        link(dir.path(), "nested/updir");
        link(&cwd.join("a.rs"), "nested/up.rs");
        link(Path::new("c.md"), "nested/same.md");
        std::fs::write(cwd.join("nested/.envrc"), "export KEY=SECRET\n").unwrap_or_else(|e| panic!("{e}"));
        link(&cwd.join("nested/.envrc"), "nested/settings.txt");
        fifo(&cwd.join("nested/pipe"));
        link(&cwd.join("nested/pipe"), "nested/to-pipe");
        let g = gather(&items(&["nested"]), &cwd, 100_000).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            sent(&g),
            vec![("nested/c.md", "# c\n"), ("nested/deep/b.rs", "fn b() {}\n")],
            "the link to c.md is c.md"
        );
        assert_eq!(
            skipped(&g),
            vec![
                ("nested/.envrc", "secret"),
                ("nested/out.txt", "links outside the workspace"),
                ("nested/pipe", "not a regular file (a FIFO)"),
                ("nested/settings.txt", "secret"),
                ("nested/to-pipe", "not a regular file (a FIFO)"),
                ("nested/up.rs", "link out of the tree"),
                ("nested/updir", "links outside the workspace"),
            ]
        );
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
    fn a_path_named_outside_the_workspace_is_refused_unless_the_user_allowed_it() {
        let dir = tree();
        let cwd = cwd(&dir);
        let outside = dir.path().join("outside.txt").display().to_string();
        let root = cwd.display();
        let cli = format!(
            "context is read only inside the workspace, {root} (the git root, else the working directory); to send a \
             file from outside it, name it with --outside-workspace"
        );
        for item in ["../outside.txt", outside.as_str(), "nested/../../outside.txt", "../*.txt", "../proj/../*"] {
            let err = error(gather(&items(&["a.rs", item]), &cwd, 100_000));
            assert_eq!(err, format!("`-f {item}` is outside the workspace | {cli}"));
        }
        let mcp = within(&items(&["../outside.txt"]), &cwd, Outside::Never);
        assert_eq!(
            error(mcp),
            format!(
                "`-f ../outside.txt` is outside the workspace | MCP callers read files only inside the workspace, \
                 {root} (the git root, else the server's working directory)"
            )
        );
        let g = within(&items(&["../outside.txt", &outside]), &cwd, Outside::Allowed).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(sent(&g), vec![("../outside.txt", "OUTSIDE\n")], "shown as named, read once");
    }

    #[test]
    fn a_named_link_leading_out_is_listed_and_read_only_with_the_users_leave() {
        let dir = tree();
        let cwd = cwd(&dir);
        std::os::unix::fs::symlink(dir.path().join("outside.txt"), cwd.join("notes.md"))
            .unwrap_or_else(|e| panic!("{e}"));
        std::os::unix::fs::symlink(dir.path(), cwd.join("updir")).unwrap_or_else(|e| panic!("{e}"));
        let g = gather(&items(&["notes.md", "updir", "updir/*.txt", "a.rs"]), &cwd, 100_000)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(sent(&g), vec![("a.rs", "fn a() {}\n")]);
        assert_eq!(
            skipped(&g),
            vec![("notes.md", "links outside the workspace"), ("updir", "links outside the workspace")],
            "listed once each"
        );
        let g = within(&items(&["notes.md"]), &cwd, Outside::Allowed).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(sent(&g), vec![("notes.md", "OUTSIDE\n")]);
    }

    #[test]
    fn the_whole_workspace_is_in_reach_from_a_subdirectory() {
        let dir = tree();
        let sub = cwd(&dir).join("nested");
        let reach = Reach::new(&cwd(&dir), Outside::Refused);
        let g = super::gather(&items(&["../a.rs"]), &sub, &reach, 100, &|| false).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(sent(&g), vec![("../a.rs", "fn a() {}\n")]);
    }

    #[test]
    fn a_special_file_named_is_refused_without_being_opened() {
        let dir = tree();
        let cwd = cwd(&dir);
        fifo(&cwd.join("pipe"));
        let hint = "name a file or a directory: FIFOs, sockets, devices and the files of /proc and /sys are never read";
        assert_eq!(
            error(gather(&items(&["pipe"]), &cwd, 100)),
            format!("`-f pipe` is not a regular file (a FIFO) | {hint}")
        );
        let allowed = |item: &str| error(within(&items(&[item]), &cwd, Outside::Allowed));
        assert_eq!(allowed("/dev/zero"), format!("`-f /dev/zero` is not a regular file (a device) | {hint}"));
        if cfg!(target_os = "linux") {
            assert_eq!(
                allowed("/proc/self/status"),
                format!("`-f /proc/self/status` is not a regular file (on procfs) | {hint}")
            );
            // Walked, /proc's files are listed, never read.
            let g = within(&items(&["/proc/self/net"]), &cwd, Outside::Allowed);
            assert!(error(g).contains("has nothing to send"));
        }
    }

    #[test]
    fn a_directory_named_again_or_covered_by_an_earlier_walk_is_not_walked_again() {
        let dir = tree();
        let cwd = cwd(&dir);
        // The stop check is asked once an item and once for each entry a walk meets: what
        // it counts is the work done.
        let count = |list: &[&str]| {
            let calls = std::cell::Cell::new(0usize);
            let stop = || {
                calls.set(calls.get() + 1);
                false
            };
            let reach = Reach::new(&cwd, Outside::Refused);
            let g = super::gather(&items(list), &cwd, &reach, 100_000, &stop).unwrap_or_else(|e| panic!("{e}"));
            (calls.get(), g)
        };
        let (once, one) = count(&["."]);
        let mut many = vec!["."; 2000];
        many.extend(["./nested", "nested/deep", "../proj", "*", "./*", "nested/*"]);
        let (calls, all) = count(&many);
        assert_eq!(calls, once + many.len() - 1, "one walk: every other item was covered before its walk");
        assert_eq!((sent(&all), skipped(&all)), (sent(&one), skipped(&one)));
        // An ignored directory was not entered by the walk of `.`: named, it is still walked.
        let (_, with_ignored) = count(&[".", "build"]);
        assert_eq!(sent(&with_ignored).last(), Some(&("build/out.rs", "OUT\n")));
    }

    #[test]
    fn a_gather_asked_to_stop_ends_at_the_next_entry_and_sends_nothing() {
        let dir = tree();
        let cwd = cwd(&dir);
        let calls = std::cell::Cell::new(0usize);
        let stop = || {
            calls.set(calls.get() + 1);
            calls.get() > 3
        };
        let reach = Reach::new(&cwd, Outside::Refused);
        let err = super::gather(&items(&[".", "a.rs"]), &cwd, &reach, 100_000, &stop).err().map(|e| e.to_string());
        assert_eq!(err.as_deref(), Some("gathering the context was stopped before it finished"));
        assert_eq!(calls.get(), 4, "not asked again once it said stop");
        // A tree of directories alone is stopped as promptly.
        for i in 0..50 {
            std::fs::create_dir_all(cwd.join(format!("many/d{i:02}/e"))).unwrap_or_else(|e| panic!("{e}"));
        }
        calls.set(0);
        let err = super::gather(&items(&["many"]), &cwd, &reach, 100_000, &stop).err().map(|e| e.to_string());
        assert_eq!(err.as_deref(), Some("gathering the context was stopped before it finished"));
        assert_eq!(calls.get(), 4);
    }
}
