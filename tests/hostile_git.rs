//! A hostile repository under `frontier run --diff` (docs/security.md, "The repository's
//! git config"): a work tree handed over as an archive carries its own `.git/config`,
//! `.git/info/attributes`, `.git/hooks/` and `.gitattributes`, naming programs for git to
//! run. Each program here would leave a marker file; after `--diff`, none exists, and
//! the diff still reaches the model. Each case runs with every git on the machine
//! (Debian's and the one in /usr/local), since frontier runs whichever is on `PATH`.

// Tests may panic on what they do not expect.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};

use common::{Outcome, TestEnv};
use pretty_assertions::assert_eq;

/// Every git on the machine that frontier could find on a `PATH`.
fn gits() -> Vec<PathBuf> {
    let found: Vec<PathBuf> =
        ["/usr/bin/git", "/usr/local/bin/git"].iter().map(PathBuf::from).filter(|p| p.is_file()).collect();
    assert!(!found.is_empty(), "no git to test with");
    found
}

/// A test environment whose `PATH` holds `git` (a link to `real`) and the hostile
/// programs, with a directory for their markers.
struct Setup {
    env: TestEnv,
    git: PathBuf,
    markers: PathBuf,
}

impl Setup {
    fn new(real: &Path) -> Setup {
        let env = TestEnv::new();
        let markers = env.work_dir().join("markers");
        std::fs::create_dir_all(&markers).unwrap();
        env.fake_program("placeholder", "exit 0");
        std::os::unix::fs::symlink(real, env.bin_dir().join("git")).unwrap();
        Setup { git: real.to_path_buf(), env, markers }
    }

    /// A program that leaves `markers/NAME` (with its arguments) and exits with `status`,
    /// passing stdin through (a filter must write something).
    fn hostile(&self, name: &str) -> PathBuf {
        let body = format!(
            "echo \"$0 $*\" >> '{}/{name}'\nwhile IFS= read -r line; do printf '%s\\n' \"$line\"; done\nexit 0",
            self.markers.display()
        );
        self.env.fake_program(&format!("evil-{name}"), &body)
    }

    fn markers(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.markers)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn clear_markers(&self) {
        for entry in std::fs::read_dir(&self.markers).unwrap().flatten() {
            std::fs::remove_file(entry.path()).unwrap();
        }
    }

    /// `git ARGS` in `dir` as the user would type it, with none of the developer's config.
    fn git(&self, dir: &Path, args: &[&str]) -> std::process::Output {
        Command::new(&self.git)
            .current_dir(dir)
            .args(["-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"])
            .args(["-c", "protocol.file.allow=always"])
            .args(args)
            .env_clear()
            .env("PATH", format!("{}:/usr/bin:/bin", self.env.bin_dir().display()))
            .env("HOME", self.env.home())
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    fn git_ok(&self, dir: &Path, args: &[&str]) {
        let out = self.git(dir, args);
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }

    /// `frontier ARGS` run in `dir`.
    fn frontier(&self, dir: &Path, args: &[&str]) -> Outcome {
        let mut cmd = self.env.command(args);
        cmd.current_dir(dir);
        let output = cmd.output().unwrap();
        Outcome {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// A repository at `dir` with `a.txt` and `b.txt` committed.
    fn repo(&self, dir: &Path) {
        std::fs::create_dir_all(dir).unwrap();
        self.git_ok(dir, &["init", "-q"]);
        std::fs::write(dir.join("a.txt"), "one\n").unwrap();
        std::fs::write(dir.join("b.txt"), "two\n").unwrap();
        self.git_ok(dir, &["add", "-A"]);
        self.git_ok(dir, &["commit", "-q", "-m", "one"]);
    }
}

/// Makes every file under `dir` (but `.git`) look changed to git's index, so that the
/// next diff hashes them again, which is when filters, fsmonitor and the index hooks run.
fn touch_all(dir: &Path, offset_secs: u64) {
    let when = SystemTime::now() - Duration::from_secs(3600 + offset_secs);
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if entry.file_name() == ".git" {
            continue;
        }
        if path.is_dir() {
            touch_all(&path, offset_secs);
        } else {
            std::fs::File::options().write(true).open(&path).unwrap().set_modified(when).unwrap();
        }
    }
}

#[test]
fn a_repositorys_fsmonitor_filters_and_hooks_never_run_under_diff_and_the_diff_still_arrives() {
    for real in gits() {
        let s = Setup::new(&real);
        let repo = s.env.work_dir().join("repo");
        s.repo(&repo);
        // A submodule whose own config names programs too.
        let sub = s.env.work_dir().join("sub");
        s.repo(&sub);
        s.git_ok(&repo, &["submodule", "-q", "add", sub.to_str().unwrap(), "sm"]);
        s.git_ok(&repo, &["commit", "-q", "-m", "sm"]);
        let in_sub = repo.join("sm");
        for (name, text) in [("c.txt", "three\n"), ("d.txt", "four\n")] {
            std::fs::write(repo.join(name), text).unwrap();
        }
        s.git_ok(&repo, &["add", "-A"]);
        s.git_ok(&repo, &["commit", "-q", "-m", "cd"]);
        let config = |dir: &Path, key: &str, value: &str| s.git_ok(dir, &["config", key, value]);
        config(&repo, "core.fsmonitor", s.hostile("fsmonitor").to_str().unwrap());
        config(&repo, "filter.evil.clean", s.hostile("clean-gitattributes").to_str().unwrap());
        config(&repo, "filter.evil.required", "true");
        config(&repo, "filter.info.clean", s.hostile("clean-info-attributes").to_str().unwrap());
        config(&repo, "filter.a=b.clean", s.hostile("clean-odd-name").to_str().unwrap());
        config(&repo, "filter.proc.process", s.hostile("process").to_str().unwrap());
        config(&repo, "diff.submodule", "diff");
        config(&in_sub, "core.fsmonitor", s.hostile("submodule-fsmonitor").to_str().unwrap());
        config(&in_sub, "filter.sub.clean", s.hostile("submodule-clean").to_str().unwrap());
        std::fs::write(repo.join(".gitattributes"), "* filter=evil\nb.txt filter=a=b\nc.txt filter=proc\n").unwrap();
        std::fs::write(repo.join(".git/info/attributes"), "a.txt filter=info\n").unwrap();
        std::fs::write(in_sub.join(".gitattributes"), "* filter=sub\n").unwrap();
        // The hook in the repository's own hooks directory (a link: the program is written
        // by the helper, never from this process).
        std::fs::create_dir_all(repo.join(".git/hooks")).unwrap();
        std::os::unix::fs::symlink(s.hostile("post-index-change"), repo.join(".git/hooks/post-index-change")).unwrap();
        std::fs::write(repo.join("a.txt"), "one\nA-CHANGED-7d1e\n").unwrap();
        std::fs::write(repo.join("b.txt"), "two\nB-CHANGED-7d1e\n").unwrap();
        std::fs::write(in_sub.join("a.txt"), "one\nSUB-CHANGED\n").unwrap();
        // The repository is as hostile as it looks: git itself runs every program.
        touch_all(&repo, 0);
        let _ = s.git(&repo, &["--no-pager", "diff", "HEAD"]);
        let all = [
            "clean-gitattributes",
            "clean-info-attributes",
            "clean-odd-name",
            "fsmonitor",
            "post-index-change",
            "process",
            "submodule-clean",
            "submodule-fsmonitor",
        ];
        assert_eq!(s.markers(), all, "{}: plain git runs every program", real.display());
        // A new commit in the submodule: the superproject's diff shows it as one.
        s.git_ok(&in_sub, &["commit", "-q", "-am", "sub"]);
        s.clear_markers();

        touch_all(&repo, 60);
        let out = s.frontier(&repo, &["run", "--model", "local:m1", "--json", "--diff", "what changed?"]);
        assert_eq!(out.code, Some(0), "{}: {out}", real.display());
        assert_eq!(s.markers(), Vec::<String>::new(), "{}: programs ran under frontier", real.display());
        let requests = s.env.server().requests();
        assert_eq!(requests.len(), 1, "{}", real.display());
        let user = requests[0].user_message();
        assert!(user.contains("+A-CHANGED-7d1e") && user.contains("+B-CHANGED-7d1e"), "{}: {user}", real.display());
        assert!(user.contains("Subproject commit"), "a submodule's commit still shows: {user}");
        // `diff.submodule = diff` would run git in the submodule for its changes' text.
        assert!(!user.contains("SUB-CHANGED"), "no git ran inside the submodule: {user}");
    }
}

#[test]
fn a_partial_clone_fetches_nothing_under_diff_and_says_why() {
    for real in gits() {
        let s = Setup::new(&real);
        let repo = s.env.work_dir().join("repo");
        s.repo(&repo);
        // A blob the repository lacks, with a promisor remote whose fetch runs a program.
        let blob = String::from_utf8(s.git(&repo, &["rev-parse", "HEAD:a.txt"]).stdout).unwrap();
        let blob = blob.trim();
        std::fs::remove_file(repo.join(".git/objects").join(&blob[..2]).join(&blob[2..])).unwrap();
        for (key, value) in [
            ("core.repositoryformatversion", "1"),
            ("extensions.partialClone", "origin"),
            ("remote.origin.url", "ssh://example.invalid/x"),
            ("remote.origin.promisor", "true"),
            ("core.sshCommand", s.hostile("ssh").to_str().unwrap()),
        ] {
            s.git_ok(&repo, &["config", key, value]);
        }
        std::fs::write(repo.join("a.txt"), "changed\n").unwrap();
        let out = s.frontier(&repo, &["run", "--model", "local:m1", "--diff", "q"]);
        assert_eq!(out.code, Some(2), "{}: {out}", real.display());
        assert_eq!(s.markers(), Vec::<String>::new(), "{}: the fetch ran", real.display());
        assert!(out.stderr.contains("hint: this partial clone lacks objects the diff needs"), "{out}");
        assert_eq!(s.env.server().requests().len(), 0);
    }
}

#[test]
fn a_work_tree_set_elsewhere_by_the_repositorys_config_is_refused() {
    let s = Setup::new(&gits()[0]);
    let repo = s.env.work_dir().join("repo");
    s.repo(&repo);
    // The index and HEAD know `secret.txt`; `core.worktree` points at a directory the
    // repository does not own, where the file differs: its contents would be the diff.
    let elsewhere = s.env.work_dir().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::write(repo.join("secret.txt"), "old\n").unwrap();
    s.git_ok(&repo, &["add", "secret.txt"]);
    s.git_ok(&repo, &["commit", "-q", "-m", "s"]);
    std::fs::write(elsewhere.join("secret.txt"), "USERS-SECRET-5c2a\n").unwrap();
    s.git_ok(&repo, &["config", "core.worktree", elsewhere.to_str().unwrap()]);
    let out = s.frontier(&repo, &["run", "--model", "local:m1", "--diff", "q"]);
    assert_eq!(out.code, Some(2), "{out}");
    let stderr = out.stderr.replace(&s.env.work_dir().canonicalize().unwrap().display().to_string(), "[DIR]");
    assert_eq!(
        stderr,
        "error: --diff: the repository's config makes `[DIR]/elsewhere` its work tree, not `[DIR]/repo` where its \
         .git is\nhint: frontier diffs only the directory holding .git (remove `core.worktree` from the repository's \
         config if you trust it), or name the files with -f\n"
    );
    assert_eq!(s.env.server().requests().len(), 0);
}
