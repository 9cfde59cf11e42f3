//! frontier's own directories (docs/security.md, "The state directory"): every
//! directory it makes is 0700 whatever the umask, and a symbolic link in place of a
//! state subdirectory (`answers/`, `progress/`) is never written, renamed or pruned
//! through: the files of the directory it points to stay as they are.

// Tests may panic on what they do not expect.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};

use common::workspace::{claude_event, repo};
use common::{Outcome, TestEnv};
use pretty_assertions::assert_eq;

const PROMPT: &str = "Why does my borrow checker complain about two mutable borrows?";

/// `cmd` run by a shell that first sets the umask to 000, so that every mode frontier
/// asks for is what it gets unless it sets it explicitly.
fn under_umask_000(cmd: &Command) -> Command {
    let mut wrapped = Command::new("/bin/sh");
    wrapped.args(["-c", "umask 000; exec \"$0\" \"$@\""]).arg(cmd.get_program()).args(cmd.get_args());
    wrapped.env_clear();
    for (key, value) in cmd.get_envs() {
        if let Some(value) = value {
            wrapped.env(key, value);
        }
    }
    if let Some(dir) = cmd.get_current_dir() {
        wrapped.current_dir(dir);
    }
    wrapped
}

/// Runs `cmd` with `stdin`, under umask 000.
fn run(cmd: &Command, stdin: &str) -> Outcome {
    let mut child =
        under_umask_000(cmd).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), stdin.as_bytes()).unwrap();
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    Outcome {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// `frontier ARGS` in `dir`, under umask 000, checked to succeed.
fn frontier_ok(env: &TestEnv, dir: &Path, args: &[&str]) -> Outcome {
    let mut cmd = env.command(args);
    cmd.current_dir(dir);
    let out = run(&cmd, "");
    assert_eq!(out.code, Some(0), "frontier {args:?}: {out}");
    out
}

/// The hook as Claude Code calls it from `repo`, under umask 000.
fn hook(env: &TestEnv, repo: &Path) -> Outcome {
    run(&env.command(["hook"]), &claude_event(repo, PROMPT))
}

/// Arms a fusion of mock members from `repo` whose synth answers `reply` (written into the
/// scope's state file: too long for an argument); returns the scope's name.
fn arm_with_reply(env: &TestEnv, repo: &Path, reply: &str) -> String {
    let mut cmd = env.command([
        "mode",
        "fusion",
        "--models",
        "mock:a,mock:b",
        "--judge",
        "mock:j",
        "--synth",
        "mock:s",
        "--scope",
        "claude-project",
    ]);
    cmd.current_dir(repo);
    let out = run(&cmd, "");
    assert_eq!(out.code, Some(0), "{out}");
    let scopes = env.frontier_home().join("state/scopes");
    let file = std::fs::read_dir(&scopes).unwrap().flatten().map(|e| e.path()).next().unwrap();
    let escaped = common::form_escape(reply);
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("synth = \"mock:s\"", &format!("synth = \"mock:s?reply={escaped}\""))).unwrap();
    file.file_stem().unwrap().to_string_lossy().into_owned()
}

/// An answer longer than Claude Code's ceiling, so that the hook saves it to a file.
fn long_answer() -> String {
    (0..600).map(|i| format!("line {i} of an answer too long for the host's hook context\n")).collect()
}

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path).unwrap().permissions().mode() & 0o777
}

/// Every directory and file under `dir`, with its mode, relative to `dir`.
fn modes(dir: &Path) -> Vec<(String, u32)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, u32)>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            let name = path.strip_prefix(root).unwrap().display().to_string();
            let is_dir = entry.file_type().unwrap().is_dir();
            out.push((if is_dir { format!("{name}/") } else { name }, mode(&path)));
            if is_dir {
                walk(root, &path, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// The names and contents of the files in `dir`.
fn listing(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read_to_string(e.path()).unwrap()))
        .collect();
    files.sort();
    files
}

#[test]
fn every_directory_frontier_makes_is_0700_and_every_file_0600_under_umask_000() {
    let env = TestEnv::new();
    let repo = repo(&env);
    arm_with_reply(&env, &repo, &long_answer());
    let out = hook(&env, &repo);
    assert!(out.stdout.contains("The whole answer is in the file"), "the answer was saved to a file: {out}");
    frontier_ok(&env, &repo, &["preset", "save", "mine", "--models", "mock:a,mock:b"]);
    frontier_ok(&env, &repo, &["run", "--model", "mock:a", "q"]);
    frontier_ok(&env, &repo, &["runs"]);
    let found = modes(&env.frontier_home());
    let dirs: Vec<&(String, u32)> = found.iter().filter(|(name, _)| name.ends_with('/')).collect();
    // `config/` is the test harness's, made before frontier runs.
    let made = ["config/presets/", "state/", "state/answers/", "state/progress/", "state/scopes/", "state/sessions/"];
    assert_eq!(
        dirs.iter()
            .filter(|(name, _)| name != "config/")
            .map(|(name, mode)| (name.as_str(), *mode))
            .collect::<Vec<_>>(),
        made.map(|name| (name, 0o700)),
        "{found:?}"
    );
    let open: Vec<&(String, u32)> = found
        .iter()
        .filter(|(name, mode)| !name.ends_with('/') && name != "config/config.toml" && mode & 0o077 != 0)
        .collect();
    assert_eq!(open, Vec::<&(String, u32)>::new(), "files others could read: {found:?}");
    assert!(found.iter().any(|(name, _)| name.starts_with("state/answers/") && name.ends_with(".md")), "{found:?}");
}

#[test]
fn a_symlinked_answers_directory_is_not_written_or_pruned_through() {
    let env = TestEnv::new();
    let repo = repo(&env);
    // The user's notes: 60 Markdown files, one from 2020; the prune would keep 50.
    let notes = env.work_dir().join("notes");
    std::fs::create_dir_all(&notes).unwrap();
    for i in 0..60u64 {
        let path = notes.join(format!("note-{i:02}.md"));
        std::fs::write(&path, format!("note {i}")).unwrap();
        let when = if i == 0 {
            SystemTime::UNIX_EPOCH + Duration::from_secs(1_580_000_000)
        } else {
            SystemTime::now() - Duration::from_secs(60 * i)
        };
        std::fs::File::options().write(true).open(&path).unwrap().set_modified(when).unwrap();
    }
    let before = (listing(&notes), mode(&notes));
    arm_with_reply(&env, &repo, &long_answer());
    let answers = env.frontier_home().join("state/answers");
    std::os::unix::fs::symlink(&notes, &answers).unwrap();
    let out = hook(&env, &repo);
    // The hook can't save the whole answer, so it fails in its one line, which the host
    // shows the user; the prompt goes on unchanged (the run is in history: `frontier show`
    // has the answer).
    let refused =
        format!("could not save the whole answer: refusing to write through the symbolic link `{}`", answers.display());
    assert_eq!(out.code, Some(0), "{out}");
    assert_eq!(out.stderr.lines().count(), 1, "{out}");
    assert!(out.stderr.contains(&refused), "{out}");
    let message = out.json();
    assert!(message.get("hookSpecificOutput").is_none(), "no context is added: {out}");
    assert!(message["systemMessage"].as_str().unwrap().contains(&refused), "{out}");
    assert_eq!((listing(&notes), mode(&notes)), before, "the notes are all there, unchanged, and nothing was added");
}

#[test]
fn a_symlinked_progress_directory_is_not_written_or_removed_through() {
    let env = TestEnv::new();
    let repo = repo(&env);
    let scope = arm_with_reply(&env, &repo, "a short answer");
    // Where the link points, a file with the very name of the scope's progress file.
    let elsewhere: PathBuf = env.work_dir().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(elsewhere.join(format!("{scope}.json")), "mine").unwrap();
    std::fs::write(elsewhere.join("other.txt"), "also mine").unwrap();
    let before = listing(&elsewhere);
    std::os::unix::fs::symlink(&elsewhere, env.frontier_home().join("state/progress")).unwrap();
    let out = hook(&env, &repo);
    // The progress file is a nicety: the hook answers without it.
    assert_eq!(out.code, Some(0), "{out}");
    assert!(out.stdout.contains("a short answer"), "{out}");
    assert_eq!(listing(&elsewhere), before, "nothing written, replaced or removed");
}
