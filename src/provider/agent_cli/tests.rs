//! Read-only by construction: no argv any CLI is given can grant writes or bypass
//! approval, whatever the model id; and failures read as what they are.

use std::path::Path;

use pretty_assertions::assert_eq;

use super::*;
use crate::provider::ErrorKind;

/// Flags (and flag values) that grant writes, skip approval or widen the sandbox in any
/// of the three CLIs, or load configuration that could.
const FORBIDDEN: &[&str] = &[
    "--dangerously-skip-permissions",
    "--allow-dangerously-skip-permissions",
    "bypassPermissions",
    "acceptEdits",
    "auto",
    "dontAsk",
    "--yolo",
    "-y",
    "yolo",
    "auto_edit",
    "workspace-write",
    "danger-full-access",
    "--dangerously-bypass-approvals-and-sandbox",
    "--dangerously-bypass-hook-trust",
    "--full-auto",
    "--approve-for-me",
    "--trust",
    "--skip-trust",
    "--add-dir",
    "--allowedTools",
    "--allowed-tools",
    "--settings",
    "--config",
    "-c",
    "--enable",
    "--profile",
    "--sandbox=danger-full-access",
];

const HOSTILE: &[&str] = &[
    "opus --yolo",
    "--yolo",
    "--dangerously-skip-permissions",
    "-y",
    "opus\n--permission-mode\nbypassPermissions",
    "gpt-5.5\t--sandbox danger-full-access",
    "-c",
    "--full-auto",
    "opus\u{0}--yolo",
    " opus",
];

fn argv_of(cli: AgentCli, model: &ModelId) -> Vec<String> {
    argv_with(cli, model, None)
}

fn argv_with(cli: AgentCli, model: &ModelId, reasoning: Option<Reasoning>) -> Vec<String> {
    let args = match cli {
        AgentCli::Claude => claude::argv(model, reasoning),
        AgentCli::Codex => codex::argv(model, Path::new("/tmp/frontier-cli-x/last-message.txt"), reasoning),
        AgentCli::Gemini => gemini::argv(model),
    };
    args.into_iter().map(|a| a.into_string().expect("UTF-8")).collect()
}

/// The (flag, value) pairs that keep each CLI read-only, which must each appear once.
fn read_only_pairs(cli: AgentCli) -> &'static [(&'static str, &'static str)] {
    match cli {
        AgentCli::Claude => &[("--permission-mode", "plan")],
        AgentCli::Codex => &[("--sandbox", "read-only"), ("--ask-for-approval", "never")],
        AgentCli::Gemini => &[("--approval-mode", "plan")],
    }
}

fn assert_read_only(cli: AgentCli, args: &[String]) {
    for (i, arg) in args.iter().enumerate() {
        // The one `-c` allowed: codex's reasoning effort, set to one of the three levels.
        let effort = [Reasoning::Low, Reasoning::Medium, Reasoning::High].map(codex::reasoning_override);
        if cli == AgentCli::Codex && arg == "-c" && args.get(i + 1).is_some_and(|v| effort.contains(v)) {
            continue;
        }
        assert!(!FORBIDDEN.contains(&arg.as_str()), "{cli:?} argv contains {arg:?}: {args:?}");
    }
    for (flag, value) in read_only_pairs(cli) {
        let at: Vec<usize> = args.iter().enumerate().filter(|(_, a)| a == flag).map(|(i, _)| i).collect();
        assert_eq!(at.len(), 1, "{cli:?} must pass {flag} exactly once: {args:?}");
        assert_eq!(args.get(at[0] + 1).map(String::as_str), Some(*value), "{cli:?}: {args:?}");
    }
}

#[test]
fn every_cli_argv_is_read_only() {
    for cli in [AgentCli::Claude, AgentCli::Codex, AgentCli::Gemini] {
        for model in ["opus", "gpt-5.5", "gemini-3.1-pro", "yolo", "auto", "acceptEdits"] {
            for reasoning in [None, Some(Reasoning::Low), Some(Reasoning::Medium), Some(Reasoning::High)] {
                let args = argv_with(cli, &ModelId::parse(model).expect("valid"), reasoning);
                // The model id is a value, so a model merely named like a mode is harmless.
                let without_model: Vec<String> = args.iter().filter(|a| *a != model).cloned().collect();
                assert_read_only(cli, &without_model);
            }
        }
    }
}

#[test]
fn a_parameter_a_cli_has_no_flag_for_is_refused_not_dropped() {
    let params = crate::provider::Params { temperature: Some(0.5), ..Default::default() };
    for cli in [AgentCli::Claude, AgentCli::Codex, AgentCli::Gemini] {
        let err = provider(cli, "opus").job(&ChatRequest { params, ..request() }).err().expect("refused");
        assert_eq!(err, ProviderError::Unsendable(format!("`{}` takes no `temperature`", cli.program())));
    }
    let codex = provider(AgentCli::Codex, "gpt-5.5");
    let reasoning = crate::provider::Params { reasoning: Some(Reasoning::High), ..Default::default() };
    assert!(codex.job(&ChatRequest { params: reasoning, ..request() }).is_ok());
}

#[test]
fn hostile_model_ids_never_reach_an_argv() {
    for cli in [AgentCli::Claude, AgentCli::Codex, AgentCli::Gemini] {
        for model in HOSTILE {
            let provider = provider(cli, model);
            let err = provider.job(&request()).err().expect("refused");
            assert!(matches!(err, ProviderError::BadModelId { .. }), "{cli:?} {model:?}: {err:?}");
            assert_eq!(err.kind(), ErrorKind::Request);
            assert!(!crate::provider::retry::is_retryable(&err));
        }
    }
}

#[test]
fn a_model_id_is_always_exactly_one_argument_after_the_model_flag() {
    for (cli, flag) in [(AgentCli::Claude, "--model"), (AgentCli::Codex, "-m"), (AgentCli::Gemini, "-m")] {
        let args = argv_of(cli, &ModelId::parse("claude-opus-4-8[1m]").expect("valid"));
        let at = args.iter().position(|a| a == flag).expect("model flag");
        assert_eq!(args[at + 1], "claude-opus-4-8[1m]");
        assert_eq!(args.iter().filter(|a| *a == flag).count(), 1);
    }
}

fn provider(cli: AgentCli, model: &str) -> AgentCliProvider {
    let env = Env::from_parts(
        [("PATH", "/usr/bin"), ("HOME", "/nonexistent-home"), ("ANTHROPIC_API_KEY", "sk-ant-sentinel-123")],
        "/work",
    );
    AgentCliProvider::new(cli, PathBuf::from("/usr/bin/true"), model, &env)
}

fn request() -> ChatRequest {
    ChatRequest {
        system: "sys".into(),
        user: "hi".into(),
        json_schema: None,
        deadline: tokio::time::Instant::now(),
        params: crate::provider::Params::default(),
        conversation: Default::default(),
    }
}

fn job(cli: AgentCli) -> Job {
    provider(cli, "m").job(&request()).expect("valid job")
}

fn finished(code: Option<i32>, stdout: &str, stderr: &str) -> Finished {
    Finished { code, signal: None, stdout: stdout.into(), stdout_overflow: false, stderr_tail: stderr.into() }
}

#[test]
fn a_job_carries_the_prompt_the_cwd_and_the_allow_listed_env() {
    let job = job(AgentCli::Claude);
    assert_eq!(job.spawn.stdin, "sys\n\nhi\n");
    assert_eq!(job.spawn.cwd, PathBuf::from("/work"));
    let names: Vec<&str> = job.spawn.env.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(names, ["PATH", "HOME", "ANTHROPIC_API_KEY", "FRONTIER_DEPTH"]);
}

#[test]
fn a_nonzero_exit_quotes_the_stderr_tail_without_secrets_or_escapes() {
    let stderr = "\u{1b}[31mboom: key sk-ant-sentinel-123 rejected\u{1b}[0m\n";
    let err = job(AgentCli::Claude).outcome(Reply::Unreadable("x".into()), &finished(Some(2), "", stderr)).unwrap_err();
    assert_eq!(err.to_string(), "`claude` failed (exit code 2): stderr: boom: key [redacted] rejected");
    assert_eq!(err.kind(), ErrorKind::Server);
    assert!(!crate::provider::retry::is_retryable(&err));
}

#[test]
fn a_key_anywhere_in_a_long_stderr_or_cut_by_its_kept_tail_leaves_no_piece() {
    const KEY: &str = "sk-ant-sentinel-123";
    let job = job(AgentCli::Claude);
    let shown = |stderr: &str| {
        let err = job.outcome(Reply::Unreadable("x".into()), &finished(Some(2), "", stderr)).unwrap_err();
        err.to_string()
    };
    let pieces: Vec<&str> = (0..=KEY.len() - 4).map(|i| &KEY[i..i + 4]).collect();
    // The kept tail of stderr (`run::STDERR_TAIL_BYTES`) may begin inside the key.
    assert_eq!(shown("entinel-123 rejected"), "`claude` failed (exit code 2): stderr: [redacted] rejected");
    for offset in 0..=2000 {
        let filler = ".".repeat(2000);
        let stderr = format!("{}{KEY}{}", &filler[..offset], &filler[offset..]);
        let text = shown(&stderr);
        assert!(!pieces.iter().any(|p| text.contains(p)), "offset {offset}: {text}");
    }
}

#[test]
fn a_reported_error_keeps_its_status_for_the_failure_reason() {
    let reply = Reply::Error { api_status: Some(429), detail: "rate limited".into() };
    let err = job(AgentCli::Gemini).outcome(reply, &finished(Some(1), "", "")).unwrap_err();
    assert_eq!(
        err,
        ProviderError::Cli {
            program: "gemini".into(),
            code: Some(1),
            api_status: Some(429),
            detail: "rate limited".into()
        }
    );
    assert_eq!(err.kind(), ErrorKind::RateLimited);
}

#[test]
fn an_answer_with_a_failed_exit_is_a_failure_and_silence_says_so() {
    let answer = Reply::Answer(Answer { text: "half".into(), usage: None, stop_reason: None });
    let err = job(AgentCli::Codex).outcome(answer, &finished(Some(1), "", "")).unwrap_err();
    assert_eq!(err.to_string(), "`codex` failed (exit code 1): it printed nothing");
}

#[test]
fn unreadable_output_of_a_clean_exit_names_what_was_missing() {
    let err = job(AgentCli::Claude)
        .outcome(Reply::Unreadable("printed no JSON".into()), &finished(Some(0), "hello", ""))
        .unwrap_err();
    assert_eq!(err.to_string(), "`claude` failed (exit code 0): printed no JSON; stdout: hello");
}

#[test]
fn long_details_keep_their_end() {
    let stderr = format!("{}the real cause", "noise ".repeat(500));
    let err =
        job(AgentCli::Claude).outcome(Reply::Unreadable("x".into()), &finished(Some(1), "", &stderr)).unwrap_err();
    let ProviderError::Cli { detail, .. } = err else { panic!() };
    assert!(detail.starts_with('…') && detail.ends_with("the real cause"), "{detail}");
    assert!(detail.chars().count() <= DETAIL_LIMIT_CHARS + 1);
}

#[test]
fn escapes_and_control_characters_are_stripped() {
    assert_eq!(strip_escapes("\u{1b}[1;31mred\u{1b}[0m\tok\r\n\u{7}"), "red\tok\n");
    assert_eq!(tail_chars("  short  ", 10), "short");
    assert_eq!(tail_chars("ééééé", 3), "…ééé");
}

fn collect(provider: &AgentCliProvider, request: ChatRequest) -> Vec<Result<StreamEvent, ProviderError>> {
    use futures::StreamExt as _;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    runtime.block_on(provider.stream(request).collect())
}

#[test]
fn the_whole_answer_is_one_delta_then_done() {
    let dir = tempfile::tempdir().expect("temp dir");
    let script = dir.path().join("claude");
    let body = r#"{"type":"result","subtype":"success","is_error":false,"result":"Blue.","stop_reason":"end_turn","usage":{"input_tokens":3,"output_tokens":1}}"#;
    crate::testing::write_program(&script, &format!("#!/bin/sh\ncat >/dev/null\necho '{body}'\n"));
    let env = Env::from_parts([("PATH", "/usr/bin:/bin")], dir.path());
    let provider = AgentCliProvider::new(AgentCli::Claude, script, "opus", &env);
    let mut request = request();
    request.deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    assert_eq!(
        collect(&provider, request),
        [
            Ok(StreamEvent::Delta("Blue.".into())),
            Ok(StreamEvent::Done { usage: Some(Usage::new(3, 1)), stop_reason: Some("end_turn".into()) })
        ]
    );
}

#[test]
fn a_request_already_past_its_deadline_spawns_nothing() {
    let env = Env::from_parts([("PATH", "/usr/bin")], "/");
    // Spawning this would fail as a missing program, not as a deadline.
    let provider = AgentCliProvider::new(AgentCli::Claude, PathBuf::from("/nonexistent/claude"), "opus", &env);
    assert_eq!(collect(&provider, request()), [Err(ProviderError::Deadline)]);
}

#[test]
fn a_program_gone_since_set_up_is_missing() {
    let env = Env::from_parts([("PATH", "/usr/bin")], "/");
    let provider = AgentCliProvider::new(AgentCli::Gemini, PathBuf::from("/nonexistent/gemini"), "g", &env);
    let mut request = request();
    request.deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(30);
    assert_eq!(
        collect(&provider, request),
        [Err(ProviderError::MissingProgram { program: "/nonexistent/gemini".into() })]
    );
}
