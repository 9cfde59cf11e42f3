//! Codex (`codex exec`): the argv of a headless, read-only run, the parser of its JSONL
//! events and last-message file, and the key variables the user's codex config names.
//!
//! Pure. Verified against Codex 0.169.0 (see docs/providers.md).

use std::ffi::OsString;
use std::path::Path;

use serde::Deserialize;

use super::model_id::ModelId;
use super::{Answer, Reply};
use crate::provider::{Reasoning, Usage};

/// `codex exec` in the read-only sandbox, never asking for approval, reading the prompt
/// from stdin (`-`), printing JSONL events (for usage) and writing the final message to
/// `last_message`. `--ask-for-approval` is a global option, so it comes before `exec`.
/// A reasoning level becomes `-c model_reasoning_effort="LEVEL"`: the one `-c` frontier
/// ever passes, its key fixed here and its value one of three words.
pub fn argv(model: &ModelId, last_message: &Path, reasoning: Option<Reasoning>) -> Vec<OsString> {
    let mut args: Vec<OsString> = [
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
        model.as_str(),
        "--output-last-message",
    ]
    .into_iter()
    .map(OsString::from)
    .collect();
    args.push(last_message.as_os_str().to_owned());
    if let Some(level) = reasoning {
        args.push("-c".into());
        args.push(reasoning_override(level).into());
    }
    args.push("-".into());
    args
}

/// The `-c` override that sets codex's reasoning effort to `level`.
pub(crate) fn reasoning_override(level: Reasoning) -> String {
    format!("model_reasoning_effort=\"{}\"", level.as_str())
}

/// One line of `codex exec --json`; only the fields read here.
#[derive(Debug, Deserialize)]
struct Event {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    usage: Option<UsageObject>,
    #[serde(default)]
    item: Option<Item>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    error: Option<ErrorObject>,
}

/// OpenAI usage: `input_tokens` already includes the cached ones, and `output_tokens`
/// the reasoning ones.
#[derive(Debug, Deserialize)]
struct UsageObject {
    #[serde(default)]
    input_tokens: u64,
    #[serde(default)]
    cached_input_tokens: u64,
    #[serde(default)]
    output_tokens: u64,
}

#[derive(Debug, Deserialize)]
struct Item {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    text: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ErrorObject {
    message: String,
}

/// Reads the JSONL `events` on stdout and the `last_message` file (if it could be read).
/// The file is the answer; the events give usage, a fallback answer, and the error.
pub fn parse(events: &str, last_message: Option<&str>) -> Reply {
    let mut usage: Option<Usage> = None;
    let (mut last_agent_message, mut last_error, mut failed) = (None, None, None);
    for event in events.lines().filter_map(|l| serde_json::from_str::<Event>(l).ok()) {
        match event.kind.as_str() {
            "turn.completed" => {
                if let Some(u) = event.usage {
                    let total = usage.get_or_insert_with(Usage::default);
                    *total += Usage {
                        cached_input_tokens: u.cached_input_tokens,
                        ..Usage::new(u.input_tokens, u.output_tokens)
                    };
                }
            }
            "item.completed" => {
                if let Some(item) = event.item.filter(|i| i.kind == "agent_message") {
                    last_agent_message = item.text;
                }
            }
            "turn.failed" => failed = event.error.map(|e| e.message),
            "error" => last_error = event.message,
            _ => {}
        }
    }
    if let Some(detail) = failed {
        return Reply::Error { api_status: reported_status(&detail), detail };
    }
    let text = last_message.filter(|t| !t.trim().is_empty()).map(str::to_string).or(last_agent_message);
    match (text, last_error) {
        (Some(text), _) => Reply::Answer(Answer { text, usage, stop_reason: None }),
        (None, Some(detail)) => Reply::Error { api_status: reported_status(&detail), detail },
        (None, None) => Reply::Unreadable("wrote no last message".into()),
    }
}

/// The HTTP status in codex's `unexpected status 401 Unauthorized: ...` messages.
fn reported_status(detail: &str) -> Option<u16> {
    let rest = detail.split_once("unexpected status ")?.1;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok().filter(|s| (100..600).contains(s))
}

/// The variables the user's codex `config.toml` says hold keys: each
/// `[model_providers.<name>]`'s `env_key`, and the variables its `env_http_headers` read.
pub fn key_vars_in_config(text: &str) -> Vec<String> {
    let Ok(config) = text.parse::<toml::Table>() else {
        return Vec::new();
    };
    let providers = config.get("model_providers").and_then(toml::Value::as_table);
    let mut vars: Vec<String> = providers
        .into_iter()
        .flat_map(|p| p.values())
        .filter_map(toml::Value::as_table)
        .flat_map(|provider| {
            let key = provider.get("env_key").and_then(toml::Value::as_str);
            let headers = provider.get("env_http_headers").and_then(toml::Value::as_table);
            key.into_iter().chain(headers.into_iter().flat_map(|h| h.values().filter_map(toml::Value::as_str)))
        })
        .filter(|name| is_var_name(name))
        .map(str::to_string)
        .collect();
    vars.sort();
    vars.dedup();
    vars
}

fn is_var_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    const EVENTS: &str = include_str!("../../../tests/fixtures/agent_cli/codex-0.169.0-events.jsonl");
    const LAST_MESSAGE: &str = include_str!("../../../tests/fixtures/agent_cli/codex-0.169.0-last-message.txt");
    const OFFLINE: &str = include_str!("../../../tests/fixtures/agent_cli/codex-0.169.0-offline-events.jsonl");

    #[test]
    fn argv_is_read_only_exec_with_stdin_and_the_output_file() {
        let args: Vec<String> = argv(&ModelId::parse("gpt-5.5").expect("valid"), Path::new("/tmp/x/last.txt"), None)
            .into_iter()
            .map(|a| a.into_string().expect("UTF-8"))
            .collect();
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
                "/tmp/x/last.txt",
                "-"
            ]
        );
    }

    #[test]
    fn a_recorded_run_answers_from_the_file_with_usage_from_the_events() {
        let reply = parse(EVENTS, Some(LAST_MESSAGE));
        let Reply::Answer(answer) = reply else { panic!("not an answer: {reply:?}") };
        assert_eq!(answer.text, LAST_MESSAGE);
        assert_eq!(answer.usage, Some(Usage::new(6713, 34)));
    }

    #[test]
    fn without_the_file_the_last_agent_message_is_the_answer() {
        for file in [None, Some(""), Some(" \n")] {
            let Reply::Answer(answer) = parse(EVENTS, file) else { panic!("{file:?}") };
            assert!(answer.text.starts_with("Hello! You said: You are Codex"), "{}", answer.text);
        }
    }

    #[test]
    fn usage_adds_up_over_turns_and_is_none_when_unreported() {
        let two = concat!(
            r#"{"type":"turn.completed","usage":{"input_tokens":10,"cached_input_tokens":4,"output_tokens":2}}"#,
            "\n",
            r#"{"type":"turn.completed","usage":{"input_tokens":5,"cached_input_tokens":0,"output_tokens":1}}"#,
        );
        let Reply::Answer(answer) = parse(two, Some("ok")) else { panic!() };
        assert_eq!(answer.usage, Some(Usage { cached_input_tokens: 4, ..Usage::new(15, 3) }));
        let Reply::Answer(answer) = parse("", Some("ok")) else { panic!() };
        assert_eq!(answer.usage, None);
    }

    #[test]
    fn a_run_without_an_answer_reports_its_last_error() {
        assert_eq!(
            parse(OFFLINE, Some("")),
            Reply::Error {
                api_status: None,
                detail: "Reconnecting... waiting for network (Connection failed: error sending request)".into()
            }
        );
        let failed = r#"{"type":"turn.failed","error":{"message":"unexpected status 401 Unauthorized"}}"#;
        assert_eq!(
            parse(failed, Some("")),
            Reply::Error { api_status: Some(401), detail: "unexpected status 401 Unauthorized".into() }
        );
        assert!(matches!(parse("", None), Reply::Unreadable(_)));
    }

    #[test]
    fn key_variables_come_from_the_configured_providers() {
        let config = r#"
            model_provider = "local"
            [model_providers.local]
            base_url = "http://127.0.0.1:1/v1"
            env_key = "LOCAL_API_KEY"
            [model_providers.azure]
            env_key = "AZURE_OPENAI_API_KEY"
            env_http_headers = { "X-Org" = "ORG_HEADER_VALUE", "X-Bad" = "not a name" }
            [model_providers.nokey]
            base_url = "http://127.0.0.1:2/v1"
        "#;
        assert_eq!(key_vars_in_config(config), ["AZURE_OPENAI_API_KEY", "LOCAL_API_KEY", "ORG_HEADER_VALUE"]);
        assert_eq!(key_vars_in_config("this is = not toml ["), Vec::<String>::new());
        assert_eq!(key_vars_in_config(""), Vec::<String>::new());
    }

    /// Fuzzing regression: `turn.completed` usage summing past `u64::MAX` overflowed in
    /// `Usage`'s `+=` (a panic with overflow checks on, a wrapped count without).
    #[test]
    fn huge_token_counts_do_not_overflow() {
        let events = concat!(
            "{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":18446744073709551615}}\n",
            "{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":1}}\n",
        );
        assert!(matches!(parse(events, Some("ok")), Reply::Answer(_)));
    }
}
