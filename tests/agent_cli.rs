//! End to end: the real `frontier` binary drives fake `claude`, `codex` and `gemini`
//! programs (small `/bin/sh` scripts that record their argv, stdin and environment,
//! then print what the real CLI prints). Each test checks one thing a user relies on:
//! the answer and its usage arrive, the CLI ran read-only with exactly the expected argv
//! and an allow-listed environment, failures and timeouts are reported as such, and no
//! process outlives the run.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{Outcome, TestEnv, gone_soon};
use pretty_assertions::assert_eq;
use serde_json::{Value, json};

const PROMPT: &str = "Why is the sky blue?";
/// A variable only the parent has; no child may see it.
const PARENT_ONLY: (&str, &str) = ("SECRET_PARENT_ONLY", "parent-sentinel-value");
const ANTHROPIC_KEY: &str = "sk-ant-integration-sentinel";

/// Fake CLIs on the test's `PATH` (`TestEnv::bin_dir`), each logging to
/// `<dir>/<name>.{args,stdin,env}`.
struct FakeClis<'a> {
    env: &'a TestEnv,
    dir: PathBuf,
}

/// The real programs the fake CLIs' scripts call.
const SCRIPT_TOOLS: &[&str] = &["cat", "env", "mv", "sleep"];

impl FakeClis<'_> {
    fn new(env: &TestEnv) -> FakeClis<'_> {
        let dir = env.work_dir().join("cli-logs");
        std::fs::create_dir_all(&dir).unwrap();
        env.real_programs(SCRIPT_TOOLS);
        FakeClis { env, dir }
    }

    /// Writes an executable `name` that records its invocation, then runs `body`.
    fn install(&self, name: &str, body: &str) -> PathBuf {
        let log = self.dir.join(name);
        let script = format!(
            "log='{log}'\n\
             : > \"$log.args\"\n\
             for a in \"$@\"; do printf '%s\\n' \"$a\" >> \"$log.args\"; done\n\
             cat > \"$log.stdin\"\n\
             env > \"$log.env\"\n\
             {body}",
            log = log.display()
        );
        self.env.fake_program(name, &script)
    }

    fn read(&self, name: &str, what: &str) -> String {
        std::fs::read_to_string(self.dir.join(format!("{name}.{what}")))
            .unwrap_or_else(|e| panic!("{name} was not run ({what}: {e})"))
    }

    fn args(&self, name: &str) -> Vec<String> {
        self.read(name, "args").lines().map(str::to_string).collect()
    }

    fn env(&self, name: &str) -> Vec<(String, String)> {
        self.read(name, "env")
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }
}

const CLAUDE_OK: &str = r#"cat <<'EOF'
{"type":"result","subtype":"success","is_error":false,"result":"Rayleigh scattering, says claude.","stop_reason":"end_turn","usage":{"input_tokens":12,"cache_creation_input_tokens":100,"cache_read_input_tokens":1000,"output_tokens":9}}
EOF"#;

const CODEX_OK: &str = r#"out=''; prev=''
for a in "$@"; do [ "$prev" = "--output-last-message" ] && out="$a"; prev="$a"; done
printf 'Rayleigh scattering, says codex.' > "$out"
echo '{"type":"thread.started","thread_id":"t1"}'
echo '{"type":"item.completed","item":{"id":"item_0","type":"agent_message","text":"Rayleigh scattering, says codex."}}'
echo '{"type":"turn.completed","usage":{"input_tokens":6713,"cached_input_tokens":0,"output_tokens":34,"reasoning_output_tokens":0}}'"#;

const GEMINI_OK: &str = r#"echo 'Warning: 256-color support not detected.' >&2
cat <<'EOF'
{
  "session_id": "s1",
  "response": "Rayleigh scattering, says gemini.",
  "stats": {"models": {"gemini-3.1-pro": {"tokens": {"input": 40, "prompt": 50, "candidates": 20, "total": 75, "cached": 10, "thoughts": 5, "tool": 0}}}}
}
EOF"#;

/// `run PROMPT --json` with `model` alone on the panel and mock judge and synth, so that
/// the CLI is run exactly once.
fn run_member(env: &TestEnv, model: &str, extra: &[&str]) -> Outcome {
    let mut args = vec!["run", PROMPT, "--json", "--models", model, "--judge", "mock:judge", "--synth", "mock:synth"];
    args.extend_from_slice(extra);
    env.frontier(args).env(PARENT_ONLY.0, PARENT_ONLY.1).env("ANTHROPIC_API_KEY", ANTHROPIC_KEY).output()
}

fn member(report: &Value) -> &Value {
    &report["panel"][0]
}

/// The prompt a panel member receives: the member instruction, then the question.
fn assert_prompt(stdin: &str) {
    assert!(stdin.ends_with(&format!("\n\n{PROMPT}\n")), "stdin: {stdin:?}");
}

fn assert_child_env(clis: &FakeClis, name: &str) -> Vec<(String, String)> {
    let env = clis.env(name);
    let get = |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    assert_eq!(get("FRONTIER_DEPTH"), Some("1"));
    assert_eq!(get(PARENT_ONLY.0), None, "the parent's variables leaked: {env:?}");
    assert_eq!(get("FRONTIER_HOME"), None);
    assert!(get("PATH").is_some() && get("HOME").is_some());
    env
}

#[test]
fn claude_answers_with_usage_from_a_read_only_run() {
    let env = TestEnv::new();
    let clis = FakeClis::new(&env);
    clis.install("claude", CLAUDE_OK);
    let out = run_member(&env, "claude-cli:opus", &[]);
    assert_eq!(out.code, Some(0), "{out}");
    let report = out.json();
    assert_eq!(member(&report)["content"], "Rayleigh scattering, says claude.");
    assert_eq!(
        member(&report)["usage"],
        json!({"input_tokens": 1112, "output_tokens": 9, "cached_input_tokens": 1000, "cache_write_tokens": 100})
    );
    assert_eq!(
        clis.args("claude"),
        ["-p", "--output-format", "json", "--permission-mode", "plan", "--no-session-persistence", "--model", "opus"]
    );
    assert_prompt(&clis.read("claude", "stdin"));
    let child_env = assert_child_env(&clis, "claude");
    assert!(child_env.contains(&("ANTHROPIC_API_KEY".into(), ANTHROPIC_KEY.into())), "{child_env:?}");
}

#[test]
fn codex_answers_from_its_last_message_file_with_usage() {
    let env = TestEnv::new();
    let clis = FakeClis::new(&env);
    clis.install("codex", CODEX_OK);
    let out = run_member(&env, "codex-cli:gpt-5.5", &[]);
    assert_eq!(out.code, Some(0), "{out}");
    let report = out.json();
    assert_eq!(member(&report)["content"], "Rayleigh scattering, says codex.");
    assert_eq!(member(&report)["usage"], json!({"input_tokens": 6713, "output_tokens": 34}));
    let args = clis.args("codex");
    let file = args.iter().position(|a| a == "--output-last-message").map(|i| args[i + 1].clone()).unwrap();
    assert_eq!(
        args,
        [
            "--ask-for-approval",
            "never",
            "exec",
            "--skip-git-repo-check",
            "--sandbox",
            "read-only",
            "--ephemeral",
            "--color",
            "never",
            "--json",
            "-m",
            "gpt-5.5",
            "--output-last-message",
            &file,
            "-"
        ]
    );
    assert!(!Path::new(&file).exists(), "the scratch file {file} is removed after the run");
    assert_prompt(&clis.read("codex", "stdin"));
    let child_env = assert_child_env(&clis, "codex");
    assert!(!child_env.iter().any(|(k, _)| k == "ANTHROPIC_API_KEY"), "claude's key reached codex: {child_env:?}");
}

#[test]
fn gemini_answers_with_usage_and_the_prompt_on_stdin() {
    let env = TestEnv::new();
    let clis = FakeClis::new(&env);
    clis.install("gemini", GEMINI_OK);
    let out = run_member(&env, "gemini-cli:gemini-3.1-pro", &[]);
    assert_eq!(out.code, Some(0), "{out}");
    let report = out.json();
    assert_eq!(member(&report)["content"], "Rayleigh scattering, says gemini.");
    assert_eq!(member(&report)["usage"], json!({"input_tokens": 50, "output_tokens": 25}));
    assert_eq!(
        clis.args("gemini"),
        ["--output-format", "json", "--approval-mode", "plan", "-m", "gemini-3.1-pro", "-p", ""]
    );
    assert_prompt(&clis.read("gemini", "stdin"));
    let child_env = assert_child_env(&clis, "gemini");
    assert!(!child_env.iter().any(|(k, _)| k == "ANTHROPIC_API_KEY"), "{child_env:?}");
}

#[test]
fn a_failing_cli_fails_its_member_with_its_stderr_tail_and_no_key() {
    let env = TestEnv::new();
    let clis = FakeClis::new(&env);
    clis.install(
        "claude",
        &format!("echo 'starting up' >&2\necho 'fatal: overloaded (key {ANTHROPIC_KEY})' >&2\nexit 3"),
    );
    let out = run_member(&env, "claude-cli:opus", &[]);
    assert_eq!(out.code, Some(1), "{out}");
    let report = out.json();
    assert_eq!(report["failure_reason"], "all_panels_failed");
    assert_eq!(member(&report)["ok"], false);
    assert_eq!(
        member(&report)["error"],
        "`claude` failed (exit code 3): stderr: starting up\nfatal: overloaded (key [redacted])"
    );
    assert!(!out.stdout.contains(ANTHROPIC_KEY) && !out.stderr.contains(ANTHROPIC_KEY), "{out}");
}

#[test]
fn a_reported_auth_error_is_an_auth_failure() {
    let env = TestEnv::new();
    let clis = FakeClis::new(&env);
    let body = r#"echo '{"type":"result","subtype":"success","is_error":true,"api_error_status":null,"result":"Not logged in · Please run /login"}'
exit 1"#;
    clis.install("claude", body);
    let out = run_member(&env, "claude-cli:opus", &[]);
    assert_eq!(out.code, Some(1), "{out}");
    let report = out.json();
    assert_eq!(report["failure_reason"], "auth_failed");
    assert_eq!(member(&report)["error"], "`claude` failed (exit code 1): Not logged in · Please run /login");
}

#[test]
fn a_hostile_model_id_is_refused_before_anything_runs() {
    let env = TestEnv::new();
    let clis = FakeClis::new(&env);
    clis.install("claude", CLAUDE_OK);
    let out = run_member(&env, "claude-cli:--dangerously-skip-permissions", &[]);
    // Refused while the panel is resolved, as a usage error, before any member starts.
    assert_eq!(out.code, Some(2), "{out}");
    assert!(out.stderr.contains("can't be passed to an agent CLI"), "{out}");
    assert!(!clis.dir.join("claude.args").exists(), "claude was started");
}

#[test]
fn frontier_claude_bin_is_used_instead_of_path() {
    let env = TestEnv::new();
    let clis = FakeClis::new(&env);
    clis.install("claude", "echo 'the one on PATH must not run' >&2\nexit 9");
    let chosen = clis.install("my-claude", CLAUDE_OK);
    let out = env
        .frontier(["run", PROMPT, "--json", "--models", "claude-cli:opus", "--judge", "mock:j", "--synth", "mock:s"])
        .env("FRONTIER_CLAUDE_BIN", chosen.to_str().unwrap())
        .output();
    assert_eq!(out.code, Some(0), "{out}");
    assert_eq!(member(&out.json())["content"], "Rayleigh scattering, says claude.");
    assert!(!clis.dir.join("claude.args").exists());
}

/// A `claude` that starts a grandchild, records both pids, and hangs.
const CLAUDE_HANGS: &str = r#"sleep 1000 &
echo $! > "$log.tmp" && mv "$log.tmp" "$log.grandchild"
echo $$ > "$log.tmp" && mv "$log.tmp" "$log.child"
sleep 1000"#;

fn pids(clis: &FakeClis) -> Vec<String> {
    ["child", "grandchild"].iter().map(|w| clis.read("claude", w).trim().to_string()).collect()
}

#[test]
fn a_cli_past_its_timeout_is_killed_with_everything_it_started() {
    let env = TestEnv::new();
    let clis = FakeClis::new(&env);
    clis.install("claude", CLAUDE_HANGS);
    let started = Instant::now();
    let out = run_member(&env, "claude-cli:opus", &["--timeout", "1"]);
    assert!(started.elapsed() < Duration::from_secs(15), "took {:?}", started.elapsed());
    assert_eq!(out.code, Some(1), "{out}");
    let report = out.json();
    assert_eq!(report["failure_reason"], "timeout");
    assert_eq!(member(&report)["error"], "timed out after 1s");
    for pid in pids(&clis) {
        assert!(gone_soon(&pid), "process {pid} outlived frontier");
    }
}

#[test]
fn ctrl_c_kills_a_running_cli_with_everything_it_started() {
    let env = TestEnv::new();
    let clis = FakeClis::new(&env);
    clis.install("claude", CLAUDE_HANGS);
    let mut cmd = env.command(["run", PROMPT, "--models", "claude-cli:opus", "--judge", "mock:j", "--synth", "mock:s"]);
    cmd.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null());
    let mut child = cmd.spawn().unwrap();
    let until = Instant::now() + Duration::from_secs(20);
    while !(clis.dir.join("claude.child").exists() && clis.dir.join("claude.grandchild").exists()) {
        assert!(Instant::now() < until, "the fake claude never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    let killed = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130));
    for pid in pids(&clis) {
        assert!(gone_soon(&pid), "process {pid} outlived frontier");
    }
}

#[test]
fn a_catalog_model_falls_back_to_the_logged_in_cli_when_no_key_is_set() {
    let env = TestEnv::new();
    let clis = FakeClis::new(&env);
    clis.install("claude", CLAUDE_OK);
    // No ANTHROPIC_API_KEY and no OPENROUTER_API_KEY: `opus` must route to the claude CLI.
    let out = env.frontier(["run", "--model", "opus", "--json", PROMPT]).output();
    assert_eq!(out.code, Some(0), "{out}");
    let report = out.json();
    assert_eq!(
        (member(&report)["model"].clone(), member(&report)["route"].clone()),
        ("opus".into(), "claude-cli:opus".into())
    );
    assert_eq!(report["final"], "Rayleigh scattering, says claude.");
}
