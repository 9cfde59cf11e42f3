//! Gemini CLI (`gemini`): the argv of a headless, read-only run, and the parser of the
//! object `--output-format json` prints (the answer on stdout, an error on stderr).
//!
//! Pure. Verified against Gemini CLI 0.61.0 (see docs/providers.md).

use std::ffi::OsString;

use serde::Deserialize;

use super::model_id::ModelId;
use super::{Answer, Reply};
use crate::provider::Usage;

/// `gemini` headless in plan (read-only) mode. `-p` makes it headless and is appended to
/// stdin, so an empty `-p` with the prompt on stdin keeps the prompt out of argv (where
/// it would be visible to other users and limited to 128 KiB).
pub fn argv(model: &ModelId) -> Vec<OsString> {
    ["--output-format", "json", "--approval-mode", "plan", "-m", model.as_str(), "-p", ""]
        .into_iter()
        .map(OsString::from)
        .collect()
}

#[derive(Debug, Deserialize)]
struct Output {
    #[serde(default)]
    response: Option<String>,
    #[serde(default)]
    stats: Option<Stats>,
    #[serde(default)]
    error: Option<ErrorObject>,
}

#[derive(Debug, Deserialize)]
struct Stats {
    #[serde(default)]
    models: std::collections::BTreeMap<String, ModelStats>,
}

#[derive(Debug, Deserialize)]
struct ModelStats {
    tokens: Option<Tokens>,
}

/// Gemini counts: `prompt` includes the cached tokens; `thoughts` are billed as output
/// but not counted in `candidates`.
#[derive(Debug, Deserialize)]
struct Tokens {
    #[serde(default)]
    prompt: u64,
    #[serde(default)]
    candidates: u64,
    #[serde(default)]
    thoughts: u64,
}

#[derive(Debug, Deserialize)]
struct ErrorObject {
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    code: Option<serde_json::Value>,
}

/// Reads what `gemini --output-format json` printed: the result object on stdout, or
/// (on failure) an error object at the end of stderr.
pub fn parse(stdout: &str, stderr: &str) -> Reply {
    let Some(output) = json_object(stdout).or_else(|| json_object(stderr)) else {
        return Reply::Unreadable("printed no JSON result object".into());
    };
    if let Some(error) = output.error {
        let api_status = error.code.and_then(|c| c.as_u64()).and_then(|c| u16::try_from(c).ok());
        let api_status = api_status.filter(|s| (400..=599).contains(s));
        let detail = error.message.unwrap_or_else(|| "it reported an error without a message".into());
        return Reply::Error { api_status, detail };
    }
    let Some(text) = output.response else {
        return Reply::Unreadable("printed a JSON object without `response`".into());
    };
    let usage = output.stats.and_then(|stats| {
        let tokens: Vec<Tokens> = stats.models.into_values().filter_map(|m| m.tokens).collect();
        (!tokens.is_empty()).then(|| {
            Usage::new(
                tokens.iter().fold(0u64, |sum, t| sum.saturating_add(t.prompt)),
                tokens.iter().fold(0u64, |sum, t| sum.saturating_add(t.candidates.saturating_add(t.thoughts))),
            )
        })
    });
    Reply::Answer(Answer { text, usage, stop_reason: None })
}

/// `text` as one JSON object, else the object that starts at its last line reading `{`
/// (gemini pretty-prints its object after any warnings and stack traces).
fn json_object(text: &str) -> Option<Output> {
    serde_json::from_str(text.trim()).ok().or_else(|| {
        let start = text.rfind("\n{\n").map(|i| i + 1)?;
        serde_json::from_str(text[start..].trim()).ok()
    })
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    const SUCCESS: &str = include_str!("../../../tests/fixtures/agent_cli/gemini-0.61.0-success.json");
    const ERROR_STDERR: &str = include_str!("../../../tests/fixtures/agent_cli/gemini-0.61.0-error-stderr.txt");

    #[test]
    fn argv_is_headless_plan_mode_with_the_prompt_on_stdin() {
        let args: Vec<String> = argv(&ModelId::parse("gemini-3.1-pro").expect("valid"))
            .into_iter()
            .map(|a| a.into_string().expect("UTF-8"))
            .collect();
        assert_eq!(args, ["--output-format", "json", "--approval-mode", "plan", "-m", "gemini-3.1-pro", "-p", ""]);
    }

    #[test]
    fn a_recorded_answer_parses_with_usage() {
        let reply = parse(SUCCESS, "Warning: 256-color support not detected.\n");
        let Reply::Answer(answer) = reply else { panic!("not an answer: {reply:?}") };
        assert!(answer.text.starts_with("Hello! You said: <session_context>"), "{}", answer.text);
        assert_eq!(answer.usage, Some(Usage::new(5465, 34)));
    }

    #[test]
    fn usage_adds_models_and_thoughts() {
        let out = r#"{"response":"ok","stats":{"models":{
            "gemini-3.1-pro":{"tokens":{"prompt":100,"candidates":10,"thoughts":5,"cached":40}},
            "gemini-2.5-flash-lite":{"tokens":{"prompt":20,"candidates":1,"thoughts":0}}}}}"#;
        let Reply::Answer(answer) = parse(out, "") else { panic!() };
        assert_eq!(answer.usage, Some(Usage::new(120, 16)));
        let Reply::Answer(answer) = parse(r#"{"response":"ok"}"#, "") else { panic!() };
        assert_eq!(answer.usage, None);
    }

    #[test]
    fn a_recorded_error_on_stderr_carries_its_message_and_status() {
        assert_eq!(
            parse("", ERROR_STDERR),
            Reply::Error {
                api_status: Some(404),
                detail: r#"{"error":{"message":"Not Found","type":"invalid_request_error","param":null,"code":"not_found"}}"#
                    .into()
            }
        );
    }

    #[test]
    fn output_without_a_result_object_is_unreadable() {
        assert!(matches!(parse("", "Gemini CLI is not running in a trusted directory."), Reply::Unreadable(_)));
        assert!(matches!(parse(r#"{"session_id":"x"}"#, ""), Reply::Unreadable(_)));
    }

    /// Fuzzing regression: token counts summing past `u64::MAX`, across models or as
    /// candidates plus thoughts, overflowed (a panic with overflow checks on, a wrapped
    /// count without).
    #[test]
    fn huge_token_counts_do_not_overflow() {
        let across = r#"{"response":"ok","stats":{"models":{"a":{"tokens":{"prompt":18446744073709551615}},"b":{"tokens":{"prompt":1}}}}}"#;
        assert!(matches!(parse(across, ""), Reply::Answer(_)));
        let thoughts =
            r#"{"response":"ok","stats":{"models":{"a":{"tokens":{"candidates":18446744073709551615,"thoughts":1}}}}}"#;
        assert!(matches!(parse(thoughts, ""), Reply::Answer(_)));
    }
}
