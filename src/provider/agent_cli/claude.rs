//! Claude Code (`claude`): the argv of a headless, read-only run, and the parser of the
//! result object `--output-format json` prints.
//!
//! Pure. Verified against Claude Code 2.1.197 (see docs/providers.md).

use std::ffi::OsString;

use serde::Deserialize;

use super::model_id::ModelId;
use super::{Answer, Reply};
use crate::provider::{Reasoning, Usage};

/// `claude -p` in plan mode (no edits, no commands): the prompt is read from stdin, and
/// the session is not saved to the user's history. A reasoning level becomes
/// `--effort LEVEL`, the one parameter Claude Code has a flag for.
pub fn argv(model: &ModelId, reasoning: Option<Reasoning>) -> Vec<OsString> {
    let effort = reasoning.map(|r| ["--effort", r.as_str()]);
    ["-p", "--output-format", "json", "--permission-mode", "plan", "--no-session-persistence", "--model"]
        .into_iter()
        .chain([model.as_str()])
        .chain(effort.into_iter().flatten())
        .map(OsString::from)
        .collect()
}

/// The last object `--output-format json` prints (`"type": "result"`).
#[derive(Debug, Deserialize)]
struct ResultObject {
    #[serde(default)]
    subtype: Option<String>,
    #[serde(default)]
    is_error: bool,
    #[serde(default)]
    api_error_status: Option<u16>,
    #[serde(default)]
    result: Option<String>,
    #[serde(default)]
    stop_reason: Option<String>,
    #[serde(default)]
    usage: Option<UsageObject>,
}

/// Anthropic usage: `input_tokens` excludes the cache reads and writes, so they are added.
#[derive(Debug, Deserialize)]
struct UsageObject {
    #[serde(default)]
    input_tokens: u64,
    #[serde(default)]
    cache_creation_input_tokens: u64,
    #[serde(default)]
    cache_read_input_tokens: u64,
    #[serde(default)]
    output_tokens: u64,
}

/// Messages Claude Code prints for a missing or rejected login, which it reports
/// without an HTTP status.
const AUTH_MESSAGES: &[&str] = &["Not logged in", "Invalid API key", "OAuth token has expired", "Please run /login"];

/// Reads what `claude -p --output-format json` printed on stdout.
pub fn parse(stdout: &str) -> Reply {
    let Some(object) = result_object(stdout) else {
        return Reply::Unreadable("printed no JSON result object".into());
    };
    let message = object.result.unwrap_or_default();
    let failed_subtype = object.subtype.as_deref().filter(|s| *s != "success");
    if object.is_error || failed_subtype.is_some() {
        let detail = match (message.trim().is_empty(), failed_subtype) {
            (false, _) => message,
            (true, Some(subtype)) => format!("the run ended with `{subtype}`"),
            (true, None) => "it reported an error without a message".into(),
        };
        let api_status =
            object.api_error_status.or_else(|| AUTH_MESSAGES.iter().any(|m| detail.contains(m)).then_some(401));
        return Reply::Error { api_status, detail };
    }
    let usage = object.usage.map(|u| Usage {
        input_tokens: u
            .input_tokens
            .saturating_add(u.cache_creation_input_tokens)
            .saturating_add(u.cache_read_input_tokens),
        output_tokens: u.output_tokens,
        cached_input_tokens: u.cache_read_input_tokens,
        cache_write_tokens: u.cache_creation_input_tokens,
    });
    Reply::Answer(Answer { text: message, usage, stop_reason: object.stop_reason })
}

/// The whole of stdout as one object, else its last line that is one.
fn result_object(stdout: &str) -> Option<ResultObject> {
    serde_json::from_str(stdout.trim()).ok().or_else(|| {
        stdout.lines().rev().filter(|l| l.trim_start().starts_with('{')).find_map(|l| serde_json::from_str(l).ok())
    })
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    const SUCCESS: &str = include_str!("../../../tests/fixtures/agent_cli/claude-2.1.197-success.json");
    const API_ERROR: &str = include_str!("../../../tests/fixtures/agent_cli/claude-2.1.197-api-error.json");
    const NOT_LOGGED_IN: &str = include_str!("../../../tests/fixtures/agent_cli/claude-2.1.197-not-logged-in.json");

    fn args(model: &str) -> Vec<String> {
        argv(&ModelId::parse(model).expect("valid"), None)
            .into_iter()
            .map(|a| a.into_string().expect("UTF-8"))
            .collect()
    }

    #[test]
    fn argv_is_headless_plan_mode_with_the_model() {
        assert_eq!(
            args("opus"),
            [
                "-p",
                "--output-format",
                "json",
                "--permission-mode",
                "plan",
                "--no-session-persistence",
                "--model",
                "opus"
            ]
        );
    }

    #[test]
    fn a_reasoning_level_is_claudes_effort() {
        let args: Vec<String> = argv(&ModelId::parse("opus").expect("valid"), Some(Reasoning::High))
            .into_iter()
            .map(|a| a.into_string().expect("UTF-8"))
            .collect();
        assert_eq!(args[args.len() - 4..], ["--model", "opus", "--effort", "high"]);
    }

    #[test]
    fn a_recorded_answer_parses_with_usage() {
        let Reply::Answer(answer) = parse(SUCCESS) else { panic!("not an answer: {:?}", parse(SUCCESS)) };
        assert!(answer.text.starts_with("Hello! You said: <system-reminder>"), "{}", answer.text);
        assert_eq!(answer.usage, Some(Usage::new(119, 34)));
        assert_eq!(answer.stop_reason.as_deref(), Some("end_turn"));
    }

    #[test]
    fn cache_tokens_count_as_input() {
        let line = r#"{"type":"result","subtype":"success","is_error":false,"result":"ok","usage":{"input_tokens":10,"cache_creation_input_tokens":200,"cache_read_input_tokens":3000,"output_tokens":7}}"#;
        let Reply::Answer(answer) = parse(line) else { panic!() };
        assert_eq!(
            answer.usage,
            Some(Usage { input_tokens: 3210, output_tokens: 7, cached_input_tokens: 3000, cache_write_tokens: 200 })
        );
    }

    #[test]
    fn a_result_without_usage_reports_none() {
        let Reply::Answer(answer) = parse(r#"{"type":"result","subtype":"success","is_error":false,"result":"ok"}"#)
        else {
            panic!()
        };
        assert_eq!((answer.text.as_str(), answer.usage), ("ok", None));
    }

    #[test]
    fn recorded_errors_carry_their_message_and_status() {
        assert_eq!(
            parse(API_ERROR),
            Reply::Error {
                api_status: Some(422),
                detail: "API Error: 422 body → messages → 1 → role: Input should be 'user' or 'assistant'".into()
            }
        );
        assert_eq!(
            parse(NOT_LOGGED_IN),
            Reply::Error { api_status: Some(401), detail: "Not logged in · Please run /login".into() }
        );
    }

    #[test]
    fn a_failed_subtype_is_an_error_even_without_is_error() {
        let line = r#"{"type":"result","subtype":"error_max_turns","is_error":false}"#;
        assert_eq!(
            parse(line),
            Reply::Error { api_status: None, detail: "the run ended with `error_max_turns`".into() }
        );
    }

    #[test]
    fn the_result_line_is_found_after_other_output() {
        let text = format!("some banner\n{}\n", SUCCESS.trim());
        assert!(matches!(parse(&text), Reply::Answer(_)));
        assert!(matches!(parse("not json"), Reply::Unreadable(_)));
        assert!(matches!(parse(""), Reply::Unreadable(_)));
    }

    /// Fuzzing regression: input and cache token counts summing past `u64::MAX` overflowed
    /// (a panic with overflow checks on, a wrapped count without).
    #[test]
    fn huge_token_counts_do_not_overflow() {
        let line = r#"{"type":"result","subtype":"success","is_error":false,"result":"ok","usage":{"input_tokens":18446744073709551615,"cache_read_input_tokens":1}}"#;
        assert!(matches!(parse(line), Reply::Answer(_)));
    }
}
