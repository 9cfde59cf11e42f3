//! SIGTERM, SIGHUP and SIGINT cancel a run the same way: the real `frontier` binary runs
//! fake `claude`, `codex` and `gemini` programs (shell scripts on a temp PATH) that each
//! start a grandchild and hang; the test signals frontier once all of them are running,
//! then checks the exit code (128 + the signal; 0 for the hook, whose contract is to never
//! fail the host's turn), that no process of theirs survives, and that frontier's private
//! TMPDIR (where codex's `--output-last-message` directory goes) is empty again.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use common::workspace::{claude_event, repo};
use common::{TestEnv, gone_soon};
use pretty_assertions::assert_eq;
use rustix::process::{Pid, Signal};

const PROMPT: &str = "Why is the sky blue, in three sentences?";
const CLIS: [&str; 3] = ["claude", "codex", "gemini"];
const PANEL: &str = "claude-cli:opus,codex-cli:gpt-5.5,gemini-cli:gemini-3.1-pro";
/// How long the fakes (and frontier) may take to start, and frontier to exit once signalled.
const GENEROUS: Duration = Duration::from_secs(20);

/// The test's world: fake CLIs, the directory they record their pids in, and the
/// private TMPDIR frontier and its children get.
struct Scene {
    env: TestEnv,
    pids: PathBuf,
    tmp: PathBuf,
}

impl Scene {
    fn new() -> Scene {
        let env = TestEnv::new();
        let [pids, tmp] = ["pids", "tmp"].map(|d| env.work_dir().join(d));
        for dir in [&pids, &tmp] {
            std::fs::create_dir_all(dir).unwrap();
        }
        env.real_programs(&["basename", "cat", "mv", "sleep"]);
        for name in CLIS {
            env.fake_program(name, &common::hanging_cli(&pids));
        }
        Scene { env, pids, tmp }
    }

    /// `frontier ARGS` with the fakes on PATH and the private TMPDIR.
    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = self.env.command(args);
        cmd.env("TMPDIR", &self.tmp);
        cmd
    }

    /// Waits until every fake CLI and its grandchild are running; returns their pids.
    fn wait_for_every_cli(&self, frontier: &mut Child) -> Vec<String> {
        let until = Instant::now() + GENEROUS;
        let files: Vec<PathBuf> = CLIS
            .iter()
            .flat_map(|name| ["child", "grandchild"].map(|which| self.pids.join(format!("{name}.{which}"))))
            .collect();
        while !files.iter().all(|f| f.exists()) {
            if let Some(status) = frontier.try_wait().unwrap() {
                panic!("frontier ended ({status}) before every fake CLI started");
            }
            assert!(Instant::now() < until, "the fake CLIs never all started");
            std::thread::sleep(Duration::from_millis(20));
        }
        files.iter().map(|f| std::fs::read_to_string(f).unwrap().trim().to_string()).collect()
    }

    /// The scratch directory frontier made for codex's last message, checked to be in
    /// the private TMPDIR and to exist while codex runs (so that "gone" means removed).
    fn codex_scratch_dir(&self) -> PathBuf {
        let file = std::fs::read_to_string(self.pids.join("codex.scratch")).unwrap();
        let dir = Path::new(file.trim()).parent().unwrap().to_path_buf();
        assert_eq!(dir.parent(), Some(self.tmp.as_path()), "codex's scratch dir is in TMPDIR");
        assert!(dir.is_dir(), "{} exists while codex runs", dir.display());
        dir
    }

    /// Asserts that every pid is gone and that TMPDIR is empty.
    fn assert_clean(&self, pids: &[String]) {
        for pid in pids {
            assert!(gone_soon(pid), "process {pid} outlived frontier");
        }
        let left: Vec<PathBuf> = std::fs::read_dir(&self.tmp).unwrap().map(|e| e.unwrap().path()).collect();
        assert_eq!(left, Vec::<PathBuf>::new(), "TMPDIR is empty again");
    }
}

fn send(child: &Child, signal: Signal) {
    let pid = Pid::from_raw(i32::try_from(child.id()).unwrap()).unwrap();
    rustix::process::kill_process(pid, signal).unwrap();
}

/// Waits for `child` to exit, killing it and failing the test past `GENEROUS`.
fn wait_bounded(child: &mut Child) -> ExitStatus {
    let until = Instant::now() + GENEROUS;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if Instant::now() > until {
            let _ = child.kill();
            panic!("frontier did not exit within {GENEROUS:?} of the signal");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn read_all(stream: Option<impl std::io::Read>) -> String {
    let mut text = String::new();
    stream.unwrap().read_to_string(&mut text).unwrap();
    text
}

/// Runs a panel of the three fake CLIs, sends `signal` once they all run, and checks
/// the exit code, the message, the processes and TMPDIR.
fn cancel_a_run_with(signal: Signal, name: &str, code: i32) {
    let scene = Scene::new();
    let mut cmd = scene.command(&["run", PROMPT, "--models", PANEL, "--judge", "mock:j", "--synth", "mock:s"]);
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut frontier = cmd.spawn().unwrap();
    let pids = scene.wait_for_every_cli(&mut frontier);
    scene.codex_scratch_dir();
    send(&frontier, signal);
    let status = wait_bounded(&mut frontier);
    let (stdout, stderr) = (read_all(frontier.stdout.take()), read_all(frontier.stderr.take()));
    assert_eq!(status.code(), Some(code), "{name}: {stderr}");
    assert_eq!(stdout, "", "{name}: no answer on stdout");
    assert!(
        stderr.contains(&format!("error: cancelled by {name}\nhint: the run was interrupted; nothing was kept\n")),
        "{name}: {stderr}"
    );
    scene.assert_clean(&pids);
}

#[test]
fn sigterm_cancels_a_run_kills_every_cli_and_exits_143() {
    cancel_a_run_with(Signal::TERM, "SIGTERM", 143);
}

#[test]
fn sighup_cancels_a_run_kills_every_cli_and_exits_129() {
    cancel_a_run_with(Signal::HUP, "SIGHUP", 129);
}

#[test]
fn sigint_cancels_a_run_kills_every_cli_and_exits_130() {
    cancel_a_run_with(Signal::INT, "SIGINT", 130);
}

#[test]
fn sigterm_to_an_armed_hook_kills_every_cli_and_the_hook_still_exits_quietly() {
    let scene = Scene::new();
    let repo = repo(&scene.env);
    let arm = scene
        .command(&[
            "mode",
            "fusion",
            "--models",
            PANEL,
            "--judge",
            "mock:j",
            "--synth",
            "mock:s",
            "--scope",
            "claude-project",
        ])
        .current_dir(&repo)
        .output()
        .unwrap();
    assert!(arm.status.success(), "{}", String::from_utf8_lossy(&arm.stderr));
    let mut cmd = scene.command(&["hook"]);
    cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut hook = cmd.spawn().unwrap();
    let mut stdin = hook.stdin.take().unwrap();
    stdin.write_all(claude_event(&repo, PROMPT).as_bytes()).unwrap();
    drop(stdin);
    let pids = scene.wait_for_every_cli(&mut hook);
    scene.codex_scratch_dir();
    let progress_dir = scene.env.frontier_home().join("state/progress");
    assert_eq!(std::fs::read_dir(&progress_dir).unwrap().count(), 1, "the run's progress file is there");
    send(&hook, Signal::TERM);
    let status = wait_bounded(&mut hook);
    let (stdout, stderr) = (read_all(hook.stdout.take()), read_all(hook.stderr.take()));
    // Exit 0 with nothing on stdout: the host lets the prompt through unchanged.
    assert_eq!(
        (status.code(), stdout.as_str(), stderr.as_str()),
        (
            Some(0),
            "",
            "frontier hook: cancelled by SIGTERM; every model it started was stopped; \
             the prompt went through unchanged\n"
        )
    );
    scene.assert_clean(&pids);
    assert_eq!(std::fs::read_dir(&progress_dir).unwrap().count(), 0, "the progress file is removed");
}
