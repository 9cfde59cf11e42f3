//! `--diff [REV]` (docs/context.md): `git diff REV`, which compares the work tree (staged
//! and unstaged changes alike) with `REV`. git runs as a child with a deadline, its
//! output read only as far as the budget could take; the files `secret` names are left
//! out with `:(exclude)` pathspecs, so a changed `.env` never leaks through the diff.
//! Untracked files are not in a diff: name them with `-f`. git runs as `git` (the child
//! module) runs it: nothing the repository's own config, attributes or hooks name is
//! executed, and the work tree diffed is the one holding `.git`.
//!
//! Knows nothing about the budget's origin; finds git on the environment's `PATH`.

mod git;

use std::time::Duration;

use self::git::{Failure, Git};
use super::read::{self, Text};
use super::{Gathered, Piece, Source, SourceKind, secret};
use crate::env::Env;
use crate::error::{Error, Result, echo};

/// How long git may take, all its runs together: a diff of a large tree takes well under
/// a second.
pub const DEADLINE: Duration = Duration::from_secs(10);

/// The diff of the work tree in `env`'s directory against `rev`, read within
/// `budget_chars`.
pub fn gather(rev: &str, env: &Env, budget_chars: usize) -> Result<Gathered> {
    gather_within(rev, env, budget_chars, DEADLINE)
}

fn gather_within(rev: &str, env: &Env, budget_chars: usize, deadline: Duration) -> Result<Gathered> {
    if rev.is_empty() || rev.starts_with('-') {
        return Err(Error::usage(
            format!("`--diff={}` is not a revision", echo(rev)),
            "give a commit, a branch or a tag, e.g. --diff=HEAD~1, or --diff alone for HEAD",
        ));
    }
    let program = env
        .find_program("git")
        .ok_or_else(|| Error::usage("--diff needs git, which is not on PATH", "install git, or leave out --diff"))?;
    let limit = read::read_limit(budget_chars);
    let failed = |f: Failure| failure(f, rev, env, deadline);
    let git = Git::new(program, env.cwd(), deadline).prepare(env).map_err(failed)?;
    let mut args = vec![
        "diff".to_string(),
        "--no-color".into(),
        "--no-ext-diff".into(),
        "--no-textconv".into(),
        // A submodule's own git (its dirty state, an inline diff) would run with the
        // submodule's config; its commit changing is shown without one.
        "--ignore-submodules=dirty".into(),
        "--submodule=short".into(),
        rev.into(),
        "--".into(),
    ];
    args.extend(secret::git_exclusions());
    let output = git.run(&args, limit).map_err(failed)?;
    let cut = output.stdout.len() > limit;
    if !output.status.success() && !cut {
        return Err(failed(Failure::Said(output.stderr)));
    }
    let path = Some(rev.to_string());
    let text = match read::decode(output.stdout, limit) {
        Text::Text { text, .. } => text,
        // A diff is git's own text; bytes of a file that is not UTF-8 are replaced, not
        // a reason to drop the whole diff.
        Text::Binary => String::new(),
    };
    if text.is_empty() {
        let skipped =
            vec![Source { kind: SourceKind::Diff, path, bytes: 0, truncated: false, skipped: Some("empty".into()) }];
        return Ok(Gathered { skipped, ..Gathered::default() });
    }
    Ok(Gathered { pieces: vec![Piece::new(SourceKind::Diff, path, text)], ..Gathered::default() })
}

/// The usage error for a git that could not give the diff.
fn failure(failure: Failure, rev: &str, env: &Env, deadline: Duration) -> Error {
    let stderr = match failure {
        Failure::Start(e) => {
            return Error::usage(format!("--diff could not start git: {e}"), "install git, or leave out --diff");
        }
        Failure::TimedOut => {
            return Error::usage(
                format!("--diff: git diff {} did not finish within {}s", echo(rev), deadline.as_secs()),
                "name the files with -f instead, or diff a smaller change",
            );
        }
        Failure::ElsewhereWorkTree { work_tree, root } => {
            return Error::usage(
                format!(
                    "--diff: the repository's config makes `{}` its work tree, not `{}` where its .git is",
                    work_tree.display(),
                    root.display()
                ),
                "frontier diffs only the directory holding .git (remove `core.worktree` from the repository's \
                 config if you trust it), or name the files with -f",
            );
        }
        Failure::TooManyFilters => {
            return Error::usage(
                "--diff: the repository's config defines more filter drivers than frontier reads",
                "name the files with -f instead",
            );
        }
        Failure::Said(stderr) => stderr,
    };
    let lower = stderr.to_ascii_lowercase();
    if lower.contains("not a git repository") {
        return Error::usage(
            format!("--diff: {} is not inside a git repository", env.cwd().display()),
            "run frontier from inside a git work tree, or leave out --diff",
        );
    }
    // git's fatal line says what failed; a warning before it (lazy fetching) is context.
    let lines = || stderr.lines().filter(|l| !l.trim().is_empty());
    let said = lines().find_map(|l| l.strip_prefix("fatal: ")).or_else(|| lines().next());
    let hint = if lower.contains("lazy fetching disabled") {
        "this partial clone lacks objects the diff needs, and frontier lets git fetch nothing (the repository's \
         config would choose what runs): fetch them yourself, e.g. `git fetch`, or diff a revision you have"
    } else {
        "check the revision (`git log --oneline` lists them; a new repository has no HEAD before its first commit)"
    };
    Error::usage(format!("--diff: git diff {} failed: {}", echo(rev), echo(said.unwrap_or("no message"))), hint)
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::process::{Command, Stdio};
    use std::time::Instant;

    use pretty_assertions::assert_eq;

    use super::*;

    fn env(dir: &Path) -> Env {
        Env::from_parts([("PATH", std::env::var("PATH").unwrap_or_default())], dir)
    }

    fn git(dir: &Path, args: &[&str]) {
        let status = Command::new("git")
            .current_dir(dir)
            .args(["-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"])
            .args(args)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .stdout(Stdio::null())
            .status()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(status.success(), "git {args:?}");
    }

    fn repo() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        git(dir.path(), &["init", "-q"]);
        for (name, text) in [("a.rs", "fn a() {}\n"), (".env", "KEY=OLD\n"), ("tls.key", "OLD KEY\n")] {
            std::fs::write(dir.path().join(name), text).unwrap_or_else(|e| panic!("{e}"));
        }
        git(dir.path(), &["add", "-A"]);
        git(dir.path(), &["commit", "-q", "-m", "one"]);
        dir
    }

    fn message(result: Result<Gathered>) -> String {
        result.err().map(|e| format!("{e} | {}", e.hint())).unwrap_or_default()
    }

    #[test]
    fn staged_and_unstaged_changes_are_in_the_diff_and_secret_files_are_not() {
        let dir = repo();
        std::fs::write(dir.path().join("a.rs"), "fn a() { staged() }\n").unwrap_or_else(|e| panic!("{e}"));
        git(dir.path(), &["add", "a.rs"]);
        std::fs::write(dir.path().join("b.rs"), "fn b() {}\n").unwrap_or_else(|e| panic!("{e}"));
        git(dir.path(), &["add", "b.rs"]);
        std::fs::write(dir.path().join("b.rs"), "fn b() { unstaged() }\n").unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.path().join(".env"), "KEY=NEW-SECRET\n").unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.path().join("tls.key"), "NEW KEY\n").unwrap_or_else(|e| panic!("{e}"));
        let g = gather("HEAD", &env(dir.path()), 100_000).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(g.pieces.len(), 1);
        let text = &g.pieces[0].text;
        assert!(text.contains("+fn a() { staged() }") && text.contains("+fn b() { unstaged() }"), "{text}");
        assert!(!text.contains("SECRET") && !text.contains("KEY"), "{text}");
        assert_eq!(g.pieces[0].path.as_deref(), Some("HEAD"));
    }

    #[test]
    fn an_empty_diff_is_listed_not_an_error() {
        let dir = repo();
        let g = gather("HEAD", &env(dir.path()), 100_000).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(g.pieces, vec![]);
        assert_eq!(g.skipped[0].skipped.as_deref(), Some("empty"));
    }

    #[test]
    fn outside_a_repository_a_bad_revision_or_no_git_is_a_usage_error() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let outside = message(gather("HEAD", &env(dir.path()).clone(), 100));
        assert!(
            outside.contains("is not inside a git repository | run frontier from inside a git work tree"),
            "{outside}"
        );
        let repo = repo();
        let bad = message(gather("nope", &env(repo.path()), 100));
        assert!(bad.starts_with("--diff: git diff nope failed: bad revision 'nope' | check the revision"), "{bad}");
        let option = message(gather("--output=/tmp/x", &env(repo.path()), 100));
        assert!(option.starts_with("`--diff=--output=/tmp/x` is not a revision"), "{option}");
        let no_git = message(gather("HEAD", &Env::from_parts([("PATH", "/nonexistent")], repo.path()), 100));
        assert_eq!(no_git, "--diff needs git, which is not on PATH | install git, or leave out --diff");
    }

    #[test]
    fn a_git_that_hangs_is_killed_at_the_deadline() {
        let bin = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let fake = bin.path().join("git");
        crate::testing::write_program(&fake, "#!/bin/sh\nsleep 30\n");
        let env = Env::from_parts([("PATH", bin.path().to_string_lossy().into_owned())], bin.path());
        let started = Instant::now();
        let err = message(gather_within("HEAD", &env, 100, Duration::from_secs(1)));
        assert_eq!(
            err,
            "--diff: git diff HEAD did not finish within 1s | name the files with -f instead, or diff a smaller change"
        );
        assert!(started.elapsed() < Duration::from_secs(6), "took {:?}", started.elapsed());
    }

    #[test]
    fn a_long_diff_is_read_only_as_far_as_the_budget_could_take() {
        let dir = repo();
        std::fs::write(dir.path().join("a.rs"), "x\n".repeat(200_000)).unwrap_or_else(|e| panic!("{e}"));
        let g = gather("HEAD", &env(dir.path()), 1000).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(g.pieces[0].text.len(), read::read_limit(1000));
    }
}
