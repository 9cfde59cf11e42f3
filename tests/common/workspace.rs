//! A git workspace for hook tests: the repository, arming a scope in it, and the prompt
//! events each host sends.

use std::path::{Path, PathBuf};

use serde_json::json;

use super::TestEnv;

/// A git repository inside the test's directory: the hook's workspace.
pub fn repo(env: &TestEnv) -> PathBuf {
    let repo = env.work_dir().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::create_dir_all(repo.join("src")).unwrap();
    repo
}

/// Runs `frontier ARGS` in `repo` and checks that it succeeded.
pub fn arm(env: &TestEnv, repo: &Path, args: &[&str]) {
    let mut cmd = env.command(args);
    cmd.current_dir(repo);
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

pub fn claude_event(cwd: &Path, prompt: &str) -> String {
    // A transcript path that does not exist: Claude Code's first turn (tests of the
    // conversation context name their own).
    json!({"session_id": "s1", "transcript_path": cwd.join("no-transcript.jsonl"), "cwd": cwd, "prompt_id": "p1",
           "permission_mode": "default", "hook_event_name": "UserPromptSubmit", "prompt": prompt})
    .to_string()
}

pub fn codex_event(cwd: &Path, prompt: &str) -> String {
    json!({"session_id": "s2", "turn_id": "t1", "model": "gpt-5.5", "transcript_path": null, "cwd": cwd,
           "hook_event_name": "UserPromptSubmit", "prompt": prompt})
    .to_string()
}

pub fn gemini_event(cwd: &Path, prompt: &str) -> String {
    json!({"session_id": "s3", "cwd": cwd, "hook_event_name": "BeforeAgent", "prompt": prompt,
           "timestamp": "2026-11-21T00:00:00Z"})
    .to_string()
}
