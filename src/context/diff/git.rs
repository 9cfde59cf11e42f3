//! Running git in a repository frontier did not write, without running what the
//! repository names. A work tree handed over as an archive can carry its own
//! `.git/config`, `.git/info/attributes`, `.git/hooks/` and `.gitattributes`, and git
//! runs programs they name while it only reads: the fsmonitor hook and a `clean` filter
//! whenever a diff refreshes the index, hooks such as `post-index-change` when it writes
//! the index back, `core.sshCommand` or `remote.*.uploadpack` when a partial clone fetches
//! a missing object, and git processes in each submodule, which read that submodule's
//! own config. Every git here starts from [`Git::command`], which turns each of those off
//! for the one process (docs/design-notes.md says why each is enough):
//!
//! - `-c core.fsmonitor=false`, `-c core.hooksPath=/dev/null`;
//! - `-c protocol.allow=never` and `GIT_NO_LAZY_FETCH=1`: no transport, so no fetch;
//! - `-c safe.bareRepository=explicit`: a bare repository planted inside a work tree is
//!   not picked up as the repository;
//! - every filter driver the repository's own config (its local and worktree scopes,
//!   with the files they include) defines is set again on the command line, where git
//!   looks last: to the user's own value when their global or system config (or their
//!   `GIT_CONFIG_PARAMETERS`) defines it, as git-lfs does, else to nothing and not
//!   required. A driver named in `.gitattributes` or `info/attributes` is only a name; the
//!   program is the config's, so this covers both;
//! - `--no-pager`, and from the caller `--no-ext-diff`, `--no-textconv`,
//!   `--ignore-submodules=dirty` and `--submodule=short` (no git in a submodule).
//!
//! Besides, the work tree git diffs must be the directory holding `.git`: a
//! `core.worktree` in the repository's config would point the diff at any directory,
//! such as the user's home, and send what differs there.
//!
//! Knows nothing about diffs or budgets: it runs git subcommands within one deadline.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::{OsStr, OsString};
use std::io::Read as _;
use std::os::unix::ffi::{OsStrExt as _, OsStringExt as _};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::env::Env;

/// The config every git frontier runs is given on its command line, over whatever the
/// repository's own says.
pub const FIXED_CONFIG: [&str; 4] =
    ["core.fsmonitor=false", "core.hooksPath=/dev/null", "protocol.allow=never", "safe.bareRepository=explicit"];
/// The variables a filter driver is made of: each is set again when the repository
/// defines the driver.
const FILTER_VARIABLES: [&str; 4] = ["clean", "smudge", "process", "required"];
/// The scopes whose config is the user's own (`command` is `GIT_CONFIG_PARAMETERS` and
/// `-c`); any other (`local`, `worktree`, ...) came with the repository.
const TRUSTED_SCOPES: [&[u8]; 3] = [b"system", b"global", b"command"];
/// The most of git's error output kept: its first line is what the user sees.
const MAX_STDERR_BYTES: u64 = 16 << 10;
/// The most of the filter listing read; a repository whose config defines more is
/// refused rather than half neutralised.
const MAX_LISTING_BYTES: usize = 1 << 20;
/// The prefix of the variables that carry the values of [`Override`]s to git.
const VALUE_VARIABLE: &str = "FRONTIER_GIT_CONFIG_";

/// A config variable set for one run of git. Bytes, not text: a driver's name need not
/// be UTF-8, and a name changed in conversion would miss the driver it must override.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    pub key: Vec<u8>,
    pub value: Vec<u8>,
}

/// Why git could not be asked.
#[derive(Debug)]
pub enum Failure {
    /// git did not start.
    Start(std::io::Error),
    /// The deadline passed (and everything git started was killed).
    TimedOut,
    /// git failed and said this on stderr.
    Said(String),
    /// git's work tree is not the directory holding `.git`.
    ElsewhereWorkTree { work_tree: PathBuf, root: PathBuf },
    /// The repository defines more filter drivers than frontier reads.
    TooManyFilters,
}

/// What a finished git printed: stdout up to the caller's limit (and one byte more, so
/// that a cut shows), and the start of stderr.
#[derive(Debug)]
pub struct Output {
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
    pub stderr: String,
}

/// One git program in one directory, with the deadline every run of it shares and the
/// filter drivers to override.
#[derive(Debug)]
pub struct Git {
    program: PathBuf,
    cwd: PathBuf,
    until: Instant,
    filters: Vec<Override>,
}

impl Git {
    pub fn new(program: PathBuf, cwd: &Path, deadline: Duration) -> Git {
        Git { program, cwd: cwd.to_path_buf(), until: Instant::now() + deadline, filters: Vec::new() }
    }

    /// Checks that git's work tree is the directory holding `.git` (unless the user's
    /// environment names the repository) and reads the filter drivers the repository
    /// defines, so that every later [`Git::run`] overrides them.
    pub fn prepare(mut self, env: &Env) -> Result<Git, Failure> {
        let top = self.run(&["rev-parse", "--show-toplevel"], 4096)?;
        if !top.status.success() {
            return Err(Failure::Said(top.stderr));
        }
        let user_chose = env.var("GIT_DIR").is_some() || env.var("GIT_WORK_TREE").is_some();
        if !user_chose {
            let work_tree = PathBuf::from(OsString::from_vec(trim_newline(top.stdout)));
            let cwd = std::fs::canonicalize(&self.cwd).unwrap_or_else(|_| self.cwd.clone());
            let root = cwd.ancestors().find(|d| d.join(".git").exists()).unwrap_or(&cwd);
            let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
            if std::fs::canonicalize(&work_tree).unwrap_or_else(|_| work_tree.clone()) != root {
                return Err(Failure::ElsewhereWorkTree { work_tree, root });
            }
        }
        let listing = self.run(&["config", "-z", "--show-scope", "--get-regexp", r"^filter\."], MAX_LISTING_BYTES)?;
        match listing.status.code() {
            _ if listing.stdout.len() > MAX_LISTING_BYTES => Err(Failure::TooManyFilters),
            Some(0) => {
                self.filters = overrides(&listing.stdout);
                Ok(self)
            }
            // 1: no key matched.
            Some(1) if listing.stdout.is_empty() => Ok(self),
            _ => Err(Failure::Said(listing.stderr)),
        }
    }

    /// `git ARGS` as frontier runs it: the fixed config and the filter overrides before
    /// the subcommand, their values in the environment, no pager, no optional locks, no
    /// lazy fetch, no prompt.
    pub fn command<S: AsRef<OsStr>>(&self, args: &[S]) -> Command {
        let mut command = Command::new(&self.program);
        command
            .current_dir(&self.cwd)
            .env("GIT_OPTIONAL_LOCKS", "0")
            .env("GIT_NO_LAZY_FETCH", "1")
            .env("GIT_TERMINAL_PROMPT", "0")
            .arg("--no-pager");
        for config in FIXED_CONFIG {
            command.arg("-c").arg(config);
        }
        // `--config-env=KEY=VARIABLE` rather than `-c KEY=VALUE`: git splits the latter at
        // its first `=`, and a driver's name may hold one (`filter "a=b"`); the former at
        // its last. One variable per distinct value.
        let mut variables: BTreeMap<&[u8], String> = BTreeMap::new();
        for o in &self.filters {
            let next = variables.len();
            let variable = variables.entry(&o.value).or_insert_with(|| format!("{VALUE_VARIABLE}{next}"));
            let mut arg = b"--config-env=".to_vec();
            arg.extend_from_slice(&o.key);
            arg.push(b'=');
            arg.extend_from_slice(variable.as_bytes());
            command.arg(OsString::from_vec(arg));
        }
        for (value, variable) in variables {
            command.env(variable, OsStr::from_bytes(value));
        }
        command.args(args);
        command
    }

    /// Runs `git ARGS` until it ends or the deadline passes, keeping `limit` bytes of its
    /// output and one more. Past the limit the reader stops: git then fails on a closed
    /// pipe, and the caller sees the cut.
    pub fn run<S: AsRef<OsStr>>(&self, args: &[S], limit: usize) -> Result<Output, Failure> {
        let mut child = self
            .command(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // Its own process group, so that the deadline ends whatever git started too,
            // and nothing is left holding the pipes the readers wait on.
            .process_group(0)
            .spawn()
            .map_err(Failure::Start)?;
        let (Some(stdout), Some(stderr)) = (child.stdout.take(), child.stderr.take()) else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(Failure::Start(std::io::Error::other("git's output pipes were not set up")));
        };
        // Readers on their own threads, so that a full pipe never stalls git while this
        // thread watches the clock.
        let out = std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = stdout.take(limit as u64 + 1).read_to_end(&mut bytes);
            bytes
        });
        let err = std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = stderr.take(MAX_STDERR_BYTES).read_to_end(&mut bytes);
            bytes
        });
        let group = i32::try_from(child.id()).ok().filter(|id| *id > 1).and_then(rustix::process::Pid::from_raw);
        let kill_group = || {
            if let Some(group) = group {
                // ESRCH (the group is already gone) is the usual case after a clean exit.
                let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
            }
        };
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if Instant::now() < self.until => std::thread::sleep(Duration::from_millis(5)),
                _ => {
                    kill_group();
                    let _ = child.wait();
                    break None;
                }
            }
        };
        kill_group();
        let stdout = out.join().unwrap_or_default();
        let stderr = String::from_utf8_lossy(&err.join().unwrap_or_default()).into_owned();
        let status = status.ok_or(Failure::TimedOut)?;
        Ok(Output { status, stdout, stderr })
    }
}

/// The overrides for `listing`, the output of `git config -z --show-scope --get-regexp
/// '^filter\.'` (records `SCOPE NUL KEY [LF VALUE] NUL`): every variable of every driver
/// that a scope other than the user's defines anything of, set to the user's own last
/// value, else emptied (`required` to false). In order of the drivers' names.
pub fn overrides(listing: &[u8]) -> Vec<Override> {
    let mut fields = listing.split(|b| *b == 0);
    let mut planted: BTreeSet<&[u8]> = BTreeSet::new();
    let mut trusted: BTreeMap<&[u8], &[u8]> = BTreeMap::new();
    while let (Some(scope), Some(entry)) = (fields.next(), fields.next()) {
        let (key, value) = match entry.iter().position(|b| *b == b'\n') {
            Some(at) => (&entry[..at], &entry[at + 1..]),
            // A key without `=` is a boolean true.
            None => (entry, &b"true"[..]),
        };
        if TRUSTED_SCOPES.contains(&scope) {
            trusted.insert(key, value);
        } else if let Some(name) = driver_name(key) {
            planted.insert(name);
        }
    }
    let mut out = Vec::new();
    for name in planted {
        for variable in FILTER_VARIABLES {
            let mut key = b"filter.".to_vec();
            key.extend_from_slice(name);
            key.push(b'.');
            key.extend_from_slice(variable.as_bytes());
            let unset: &[u8] = if variable == "required" { b"false" } else { b"" };
            let value = trusted.get(key.as_slice()).copied().unwrap_or(unset).to_vec();
            out.push(Override { key, value });
        }
    }
    out
}

/// `NAME` of `filter.NAME.VARIABLE` (the name may hold dots); none for `filter.VARIABLE`.
fn driver_name(key: &[u8]) -> Option<&[u8]> {
    let rest = key.strip_prefix(b"filter.")?;
    let dot = rest.iter().rposition(|b| *b == b'.')?;
    Some(&rest[..dot])
}

fn trim_newline(mut bytes: Vec<u8>) -> Vec<u8> {
    if bytes.last() == Some(&b'\n') {
        bytes.pop();
    }
    bytes
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    fn o(key: &str, value: &str) -> Override {
        Override { key: key.as_bytes().to_vec(), value: value.as_bytes().to_vec() }
    }

    #[test]
    fn every_driver_the_repository_defines_is_emptied_or_given_the_users_own_value() {
        let listing = b"global\0filter.lfs.clean\ngit-lfs clean -- %f\0\
            global\0filter.lfs.process\ngit-lfs filter-process\0\
            global\0filter.lfs.required\0\
            global\0filter.mine.clean\nmine\0\
            local\0filter.evil.clean\n/tmp/x.sh\0\
            worktree\0filter.a=b.process\nsh -c x\0\
            local\0filter.lfs.clean\nevil\0\
            local\0filter.Dotted.name.required\0\
            unknown\0filter.odd.smudge\nx\0\
            local\0filter.clean\nno driver\0";
        let all = |name: &str, values: [&str; 4]| -> Vec<Override> {
            FILTER_VARIABLES.iter().zip(values).map(|(v, value)| o(&format!("filter.{name}.{v}"), value)).collect()
        };
        let want = [
            all("Dotted.name", ["", "", "", "false"]),
            all("a=b", ["", "", "", "false"]),
            all("evil", ["", "", "", "false"]),
            // Redefined by the repository: the user's own git-lfs again, as their config has it.
            all("lfs", ["git-lfs clean -- %f", "", "git-lfs filter-process", "true"]),
            all("odd", ["", "", "", "false"]),
        ]
        .concat();
        assert_eq!(overrides(listing), want);
        assert_eq!(overrides(b""), vec![]);
        assert_eq!(overrides(b"global\0filter.lfs.clean\ngit-lfs clean\0"), vec![], "the user's own are left alone");
    }

    #[test]
    fn a_drivers_name_that_is_not_utf8_is_overridden_byte_for_byte() {
        let got = overrides(b"local\0filter.\xff\xfe.clean\nx\0");
        assert_eq!(got[0], Override { key: b"filter.\xff\xfe.clean".to_vec(), value: Vec::new() });
    }

    #[test]
    fn the_command_turns_off_what_the_repository_could_run_and_overrides_its_drivers() {
        let mut git = Git::new(PathBuf::from("/usr/bin/git"), Path::new("/w"), Duration::from_secs(1));
        git.filters = vec![
            o("filter.a=b.clean", ""),
            o("filter.a=b.required", "false"),
            o("filter.lfs.clean", "git-lfs clean -- %f"),
            o("filter.lfs.smudge", ""),
        ];
        let command = git.command(&["diff", "--no-ext-diff", "HEAD"]);
        let args: Vec<&OsStr> = command.get_args().collect();
        assert_eq!(
            args,
            [
                "--no-pager",
                "-c",
                "core.fsmonitor=false",
                "-c",
                "core.hooksPath=/dev/null",
                "-c",
                "protocol.allow=never",
                "-c",
                "safe.bareRepository=explicit",
                "--config-env=filter.a=b.clean=FRONTIER_GIT_CONFIG_0",
                "--config-env=filter.a=b.required=FRONTIER_GIT_CONFIG_1",
                "--config-env=filter.lfs.clean=FRONTIER_GIT_CONFIG_2",
                "--config-env=filter.lfs.smudge=FRONTIER_GIT_CONFIG_0",
                "diff",
                "--no-ext-diff",
                "HEAD",
            ]
            .map(OsStr::new)
        );
        let mut envs: Vec<(String, String)> = command
            .get_envs()
            .map(|(k, v)| (k.to_string_lossy().into_owned(), v.unwrap_or_default().to_string_lossy().into_owned()))
            .collect();
        envs.sort();
        let want = [
            ("FRONTIER_GIT_CONFIG_0", ""),
            ("FRONTIER_GIT_CONFIG_1", "false"),
            ("FRONTIER_GIT_CONFIG_2", "git-lfs clean -- %f"),
            ("GIT_NO_LAZY_FETCH", "1"),
            ("GIT_OPTIONAL_LOCKS", "0"),
            ("GIT_TERMINAL_PROMPT", "0"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()));
        assert_eq!(envs, want);
        assert_eq!(command.get_current_dir(), Some(Path::new("/w")));
    }
}
