//! The one place an agent CLI is run: spawn it with exactly the environment it was
//! given, feed the prompt on stdin and close it, capture stdout (capped) and the tail of
//! stderr, and wait for it to exit.
//!
//! The child leads a process group of its own. When it exits, the group is killed, so
//! nothing it started outlives it; when the future is dropped first (the deadline
//! passed, or the run was cancelled), the whole group is killed with SIGKILL. Knows
//! nothing about any CLI's flags or output.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};

use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWriteExt as _};

/// The most of stdout kept; a CLI that prints more has failed.
pub const STDOUT_LIMIT_BYTES: usize = 16 << 20;
/// How much of the end of stderr is kept, for error messages.
pub const STDERR_TAIL_BYTES: usize = 64 << 10;
/// The most of a file written by the CLI (codex's last message) that is read.
pub const FILE_LIMIT_BYTES: u64 = 16 << 20;
/// The most of a CLI's config file that is read.
pub const CONFIG_LIMIT_BYTES: u64 = 1 << 20;

/// A fully specified child process.
#[derive(Debug, Clone, PartialEq)]
pub struct Spawn {
    pub program: PathBuf,
    pub args: Vec<OsString>,
    /// The complete environment: nothing else is inherited.
    pub env: Vec<(String, String)>,
    pub cwd: PathBuf,
    pub stdin: String,
}

/// How a child ended and what it printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finished {
    /// The exit code; `None` when a signal ended it.
    pub code: Option<i32>,
    /// The signal that ended it, if one did.
    pub signal: Option<i32>,
    pub stdout: String,
    /// Whether stdout went past `STDOUT_LIMIT_BYTES` (the rest was discarded).
    pub stdout_overflow: bool,
    /// The last `STDERR_TAIL_BYTES` of stderr.
    pub stderr_tail: String,
}

impl Finished {
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }
}

/// Why a child could not be run at all.
#[derive(Debug)]
pub enum SpawnError {
    NotFound,
    Other(std::io::Error),
}

/// Runs `spawn` to completion. Dropping the future kills the child's process group.
pub async fn run(spawn: Spawn) -> Result<Finished, SpawnError> {
    let mut command = tokio::process::Command::new(&spawn.program);
    command
        .args(&spawn.args)
        .env_clear()
        .envs(spawn.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .current_dir(&spawn.cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .kill_on_drop(true);
    let mut child = command.spawn().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => SpawnError::NotFound,
        _ => SpawnError::Other(e),
    })?;
    let group = GroupKiller::new(child.id());
    let (stdin, stdout, stderr) = (child.stdin.take(), child.stdout.take(), child.stderr.take());

    let feed = async move {
        if let Some(mut stdin) = stdin {
            // A child that exits without reading its input is judged by its exit status.
            let _ = stdin.write_all(spawn.stdin.as_bytes()).await;
            let _ = stdin.shutdown().await;
        }
    };
    let exit = async {
        let status = child.wait().await;
        // Whatever the child left behind goes with it, which also closes any pipe a
        // straggler still held open.
        group.kill();
        status
    };
    let (status, (), (stdout, stdout_overflow), stderr_tail) =
        tokio::join!(exit, feed, read_head(stdout, STDOUT_LIMIT_BYTES), read_tail(stderr, STDERR_TAIL_BYTES));
    let status = status.map_err(SpawnError::Other)?;
    Ok(Finished {
        code: status.code(),
        signal: signal_of(status),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stdout_overflow,
        stderr_tail: String::from_utf8_lossy(&stderr_tail).into_owned(),
    })
}

fn signal_of(status: ExitStatus) -> Option<i32> {
    use std::os::unix::process::ExitStatusExt as _;
    status.signal()
}

/// The first `limit` bytes of `reader`; reads on to the end so the writer never blocks.
async fn read_head(reader: Option<impl AsyncRead + Unpin>, limit: usize) -> (Vec<u8>, bool) {
    let (mut kept, mut overflow) = (Vec::new(), false);
    let Some(mut reader) = reader else {
        return (kept, overflow);
    };
    let mut chunk = vec![0u8; 64 << 10];
    while let Ok(n) = reader.read(&mut chunk).await {
        if n == 0 {
            break;
        }
        let room = limit.saturating_sub(kept.len());
        kept.extend_from_slice(&chunk[..n.min(room)]);
        overflow |= n > room;
    }
    (kept, overflow)
}

/// The last `limit` bytes of `reader`.
async fn read_tail(reader: Option<impl AsyncRead + Unpin>, limit: usize) -> Vec<u8> {
    let mut kept = Vec::new();
    let Some(mut reader) = reader else {
        return kept;
    };
    let mut chunk = vec![0u8; 16 << 10];
    while let Ok(n) = reader.read(&mut chunk).await {
        if n == 0 {
            break;
        }
        kept.extend_from_slice(&chunk[..n]);
        if kept.len() > 2 * limit {
            kept.drain(..kept.len() - limit);
        }
    }
    if kept.len() > limit {
        kept.drain(..kept.len() - limit);
    }
    kept
}

/// Sends SIGKILL to a child's process group: once by `kill`, or on drop if `kill` was
/// never called.
struct GroupKiller {
    group: Option<rustix::process::Pid>,
    done: std::sync::atomic::AtomicBool,
}

impl GroupKiller {
    fn new(child_id: Option<u32>) -> GroupKiller {
        // Never process 1 or below: `kill(-1)` would signal every process we may signal.
        let group = child_id.and_then(|id| i32::try_from(id).ok()).filter(|id| *id > 1);
        GroupKiller { group: group.and_then(rustix::process::Pid::from_raw), done: false.into() }
    }

    fn kill(&self) {
        if self.done.swap(true, std::sync::atomic::Ordering::SeqCst) {
            return;
        }
        if let Some(group) = self.group {
            // ESRCH (the group is already empty) is the normal case after a clean exit.
            let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
        }
    }
}

impl Drop for GroupKiller {
    fn drop(&mut self) {
        self.kill();
    }
}

/// A private directory under `tmp` for files a CLI writes; removed when dropped.
pub fn scratch_dir(tmp: &Path) -> std::io::Result<tempfile::TempDir> {
    tempfile::Builder::new().prefix("frontier-cli-").tempdir_in(tmp)
}

/// Up to `limit` bytes of the file at `path` as text; `None` if it can't be read.
pub async fn read_file(path: &Path, limit: u64) -> Option<String> {
    let file = tokio::fs::File::open(path).await.ok()?;
    let mut bytes = Vec::new();
    file.take(limit).read_to_end(&mut bytes).await.ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// Up to `limit` bytes of a small config file as text, read at set-up time.
pub fn read_config(path: &Path, limit: u64) -> Option<String> {
    use std::io::Read as _;
    let file = std::fs::File::open(path).ok()?;
    let mut text = String::new();
    file.take(limit).read_to_string(&mut text).ok()?;
    Some(text)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn sh(script: &str, stdin: &str) -> Spawn {
        Spawn {
            program: PathBuf::from("/bin/sh"),
            args: vec!["-c".into(), script.into()],
            env: vec![("PATH".into(), "/usr/bin:/bin".into()), ("ONLY".into(), "this".into())],
            cwd: std::env::temp_dir(),
            stdin: stdin.into(),
        }
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime").block_on(f)
    }

    #[test]
    fn feeds_stdin_and_captures_both_streams_and_the_exit_code() {
        let done = block_on(run(sh("cat; echo oops >&2; exit 3", "the prompt"))).expect("runs");
        assert_eq!(
            done,
            Finished {
                code: Some(3),
                signal: None,
                stdout: "the prompt".into(),
                stdout_overflow: false,
                stderr_tail: "oops\n".into()
            }
        );
    }

    #[test]
    fn the_child_sees_only_the_given_environment() {
        let done = block_on(run(sh("env | sort", ""))).expect("runs");
        let names: Vec<&str> = done.stdout.lines().filter_map(|l| l.split('=').next()).collect();
        // `sh` itself may add PWD, SHLVL and `_`.
        let foreign: Vec<&&str> = names.iter().filter(|n| !["ONLY", "PATH", "PWD", "SHLVL", "_"].contains(n)).collect();
        assert!(foreign.is_empty(), "unexpected variables: {foreign:?}");
        assert!(done.stdout.contains("ONLY=this"));
    }

    #[test]
    fn a_large_prompt_and_output_do_not_deadlock() {
        let prompt = "x".repeat(1 << 20);
        let done = block_on(run(sh("cat; head -c 300000 /dev/zero >&2", &prompt))).expect("runs");
        assert_eq!(done.stdout.len(), prompt.len());
        assert_eq!(done.stderr_tail.len(), STDERR_TAIL_BYTES);
    }

    #[test]
    fn a_missing_program_is_not_found() {
        let mut spawn = sh("", "");
        spawn.program = PathBuf::from("/nonexistent/frontier-test-cli");
        assert!(matches!(block_on(run(spawn)), Err(SpawnError::NotFound)));
    }

    #[test]
    fn a_child_killed_by_a_signal_has_no_code() {
        let done = block_on(run(sh("kill -9 $$", ""))).expect("runs");
        assert_eq!((done.code, done.signal), (None, Some(9)));
    }

    #[test]
    fn a_straggler_holding_stdout_does_not_keep_the_run_waiting() {
        let started = std::time::Instant::now();
        let done = block_on(run(sh("sleep 30 & echo answer", ""))).expect("runs");
        assert_eq!(done.stdout, "answer\n");
        assert!(started.elapsed() < Duration::from_secs(10), "waited {:?}", started.elapsed());
    }

    #[test]
    fn dropping_the_run_kills_the_whole_group() {
        let dir = tempfile::tempdir().expect("temp dir");
        let pids = dir.path().join("pids");
        let script =
            format!("sleep 1000 & echo $! > {p}.tmp; echo $$ >> {p}.tmp; mv {p}.tmp {p}; wait", p = pids.display());
        block_on(async {
            let _ = tokio::time::timeout(Duration::from_millis(1500), async {
                let pending = run(sh(&script, ""));
                tokio::pin!(pending);
                tokio::select! {
                    _ = &mut pending => panic!("the child should still be running"),
                    () = wait_for(&pids) => {}
                }
            })
            .await;
        });
        let pids = std::fs::read_to_string(&pids).expect("the script wrote its pids");
        for pid in pids.split_whitespace() {
            assert!(gone_soon(pid), "process {pid} outlived the run");
        }
    }

    async fn wait_for(path: &Path) {
        while !path.exists() {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Whether process `pid` is gone (or a zombie) within a few seconds.
    fn gone_soon(pid: &str) -> bool {
        for _ in 0..250 {
            match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
                Err(_) => return true,
                Ok(stat) if stat.rsplit(')').next().is_some_and(|rest| rest.trim_start().starts_with('Z')) => {
                    return true;
                }
                Ok(_) => std::thread::sleep(Duration::from_millis(20)),
            }
        }
        false
    }
}
