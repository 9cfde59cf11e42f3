//! Providers turn one chat request into a stream of events: text deltas, then a final
//! event with token usage and the stop reason. The bottom layer of a run: it imports
//! only `env` and `random`, and owns the values the layers above hand it.
//!
//! Adapters (`openai`, `anthropic`, `gemini`) are pure: they build a wire request and
//! parse stream frames. One place (`http`) does the I/O, with idle timeouts and
//! end-of-stream checks written once; one place (`retry`) decides what is retried and
//! when. `agent_cli` runs the coding agents, `mock` answers offline, and `connect` picks
//! one of them for an `Endpoint`. The shared values live here too: the provider `kind`,
//! the `base_url`, token `usage` and prices, and the `lookup` of keys and programs that
//! readiness shares. This layer knows nothing about catalogs, panels, judges or
//! synthesis.

pub mod agent_cli;
pub mod anthropic;
pub mod base_url;
pub mod basic_env;
#[cfg(test)]
mod cache_figure;
mod connect;
pub mod conversation;
pub mod gemini;
pub mod http;
pub mod kind;
pub mod lookup;
pub mod mock;
pub mod openai;
pub mod pace;
pub mod params;
pub mod retry;
mod secret;
pub mod sse;
pub mod stop;
pub mod usage;

use std::time::Duration;

use futures::stream::BoxStream;
use serde::{Deserialize, Serialize};

pub use base_url::{BaseUrl, Loopback};
pub use connect::{Endpoint, connect};
pub use conversation::{Conversation, Message, Role, Turn};
pub use http::HttpProvider;
pub use kind::{AgentCli, ProviderKind};
pub use params::{ParamKey, Params, Reasoning};
pub use secret::{MIN_KEY_CHARS, Secret, redact_all};
pub use usage::{Price, Usage};

/// One request to a model: a system instruction and a user message, after the earlier
/// turns of the `conversation` it continues, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatRequest {
    pub system: String,
    pub user: String,
    /// The turns before `user` and the prefix it shares with an earlier request.
    pub conversation: Conversation,
    /// Ask for output matching this JSON schema, where the provider supports it.
    pub json_schema: Option<JsonSchema>,
    /// When the caller stops waiting; retries are not started past it.
    pub deadline: tokio::time::Instant,
    /// The model's parameters; each adapter translates them into its API's fields.
    pub params: Params,
}

#[derive(Debug, Clone, PartialEq)]
pub struct JsonSchema {
    pub name: String,
    pub schema: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StreamEvent {
    /// More text of the answer.
    Delta(String),
    /// The attempt so far failed and is being retried: discard the text received.
    Restart { reason: String },
    /// The answer is complete.
    Done { usage: Option<Usage>, stop_reason: Option<String> },
}

pub type EventStream = BoxStream<'static, Result<StreamEvent, ProviderError>>;

/// A backend that can answer chat requests.
pub trait Provider: Send + Sync {
    fn stream(&self, request: ChatRequest) -> EventStream;
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProviderError {
    #[error("{var} is not set")]
    MissingKey { var: String },
    /// The key variable holds fewer than `MIN_KEY_CHARS` characters: no real key is that
    /// short, and so short a value could not be told apart from other text when errors
    /// are redacted. Refused before anything is sent.
    #[error(
        "{var} is too short to be an API key (fewer than {MIN_KEY_CHARS} characters); set it to the key, or drop the provider's api_key_env if its server needs none"
    )]
    ShortKey { var: String },
    #[error("`{program}` is not installed or not on PATH")]
    MissingProgram { program: String },
    #[error("HTTP {status}: {message}")]
    Http { status: u16, message: String, retry_after: Option<Duration> },
    /// The server answered with a redirect, which is never followed: a key header or the
    /// prompt must not be sent on to an address the user did not configure.
    #[error(
        "HTTP {status}: redirected to {location}, which frontier does not follow (it would carry the key and the prompt there); if that address is the right one, make it the provider's base_url"
    )]
    Redirect { status: u16, location: String },
    /// The request could not be built (a header value a key variable made invalid, a URL
    /// the HTTP client rejects): trying again builds the same request.
    #[error("the request could not be built: {0}")]
    Unsendable(String),
    #[error("connection failed: {0}")]
    Connect(String),
    #[error("no event for {}s; the stream stalled", .0.as_secs())]
    Idle(Duration),
    /// No text came within the first-token timeout (`first_token_timeout_secs`) of the
    /// attempt's start; the idle timeout only applies once text has come.
    #[error("no answer text within {}s (first_token_timeout_secs)", .0.as_secs_f64())]
    FirstToken(Duration),
    #[error("the stream ended without its end marker")]
    Truncated,
    #[error("malformed stream: {0}")]
    Malformed(String),
    #[error("the provider reported an error mid-stream: {0}")]
    Remote(String),
    /// The provider refused the request itself (a blocked prompt, an invalid request):
    /// sending it again would get the same answer.
    #[error("the provider refused the request: {0}")]
    Refused(String),
    /// The request's deadline passed: before a response, mid-stream, or before a retry.
    #[error("no complete answer before the deadline")]
    Deadline,
    /// A model id an agent CLI must not receive (it could be read as a flag).
    #[error("model id {model:?} can't be passed to an agent CLI: {reason}")]
    BadModelId { model: String, reason: &'static str },
    /// An agent CLI exited unsuccessfully or reported an error. `api_status` is the HTTP
    /// status it reported for its own API call, when it said; `detail` is its message or
    /// the tail of its stderr, already truncated and redacted.
    #[error("`{program}` failed{}: {detail}", .code.map(|c| format!(" (exit code {c})")).unwrap_or_default())]
    Cli { program: String, code: Option<i32>, api_status: Option<u16>, detail: String },
}

/// The class of a failure, for failure reasons and retries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    RateLimited,
    Auth,
    Credits,
    Timeout,
    Server,
    Request,
    Connection,
    Stream,
}

impl ProviderError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            ProviderError::MissingKey { .. }
            | ProviderError::ShortKey { .. }
            | ProviderError::MissingProgram { .. } => ErrorKind::Auth,
            ProviderError::Http { status: 429, .. } => ErrorKind::RateLimited,
            ProviderError::Http { status: 401 | 403, .. } => ErrorKind::Auth,
            ProviderError::Http { status: 402, .. } => ErrorKind::Credits,
            ProviderError::Http { status: 408, .. }
            | ProviderError::Deadline
            | ProviderError::Idle(_)
            | ProviderError::FirstToken(_) => ErrorKind::Timeout,
            ProviderError::Http { status, .. } if *status >= 500 => ErrorKind::Server,
            ProviderError::Http { .. } | ProviderError::Redirect { .. } | ProviderError::Unsendable(_) => {
                ErrorKind::Request
            }
            ProviderError::Connect(_) => ErrorKind::Connection,
            ProviderError::Truncated | ProviderError::Malformed(_) | ProviderError::Remote(_) => ErrorKind::Stream,
            ProviderError::Refused(_) => ErrorKind::Request,
            ProviderError::BadModelId { .. } => ErrorKind::Request,
            ProviderError::Cli { api_status: Some(429), .. } => ErrorKind::RateLimited,
            ProviderError::Cli { api_status: Some(401 | 403), .. } => ErrorKind::Auth,
            ProviderError::Cli { api_status: Some(402), .. } => ErrorKind::Credits,
            ProviderError::Cli { api_status: Some(400..=499), .. } => ErrorKind::Request,
            ProviderError::Cli { .. } => ErrorKind::Server,
        }
    }

    /// The same error with `f` applied to every text in it that came from outside
    /// (a server's message, a header, a parser's quote of the input, a CLI's output).
    /// The match is exhaustive on purpose: a new variant that carries text must say here
    /// what happens to it, so the redaction chokepoint can't miss it.
    pub fn map_text(self, f: impl Fn(&str) -> String) -> ProviderError {
        match self {
            ProviderError::Http { status, message, retry_after } => {
                ProviderError::Http { status, message: f(&message), retry_after }
            }
            ProviderError::Redirect { status, location } => ProviderError::Redirect { status, location: f(&location) },
            ProviderError::Unsendable(m) => ProviderError::Unsendable(f(&m)),
            ProviderError::Connect(m) => ProviderError::Connect(f(&m)),
            ProviderError::Malformed(m) => ProviderError::Malformed(f(&m)),
            ProviderError::Remote(m) => ProviderError::Remote(f(&m)),
            ProviderError::Refused(m) => ProviderError::Refused(f(&m)),
            ProviderError::BadModelId { model, reason } => ProviderError::BadModelId { model: f(&model), reason },
            ProviderError::Cli { program, code, api_status, detail } => {
                ProviderError::Cli { program, code, api_status, detail: f(&detail) }
            }
            // Names of variables and programs from the user's own config, and no text.
            ProviderError::MissingKey { var } => ProviderError::MissingKey { var },
            ProviderError::ShortKey { var } => ProviderError::ShortKey { var },
            ProviderError::MissingProgram { program } => ProviderError::MissingProgram { program },
            ProviderError::Idle(after) => ProviderError::Idle(after),
            ProviderError::FirstToken(after) => ProviderError::FirstToken(after),
            ProviderError::Truncated => ProviderError::Truncated,
            ProviderError::Deadline => ProviderError::Deadline,
        }
    }

    /// The same error naming `url`, the address that was called (already shown without
    /// userinfo and redacted), where that is what the user needs to fix it: an HTTP error
    /// says where it came from, and a 404 whose URL suggests a base_url without its `/v1`
    /// (or with one too many) says that first; a connection failure says where it tried.
    pub fn called(self, url: &str) -> ProviderError {
        match self {
            ProviderError::Http { status, message, retry_after } => {
                let fix = if status == 404 { base_url::no_route_fix(url) } else { None };
                // The fix before the server's words: a line cut to fit keeps what to do.
                let message = match fix {
                    Some(fix) => format!("no such route at {url}; {fix} (the server said: {message})"),
                    None => format!("{message} (from {url})"),
                };
                ProviderError::Http { status, message, retry_after }
            }
            ProviderError::Connect(reason) => ProviderError::Connect(format!("{reason} at {url}")),
            other => other,
        }
    }

    /// The one redaction chokepoint for a failure: every outside text in `self` with
    /// each of `secrets` removed (whole, and any part of one at the text's edges), and
    /// only then cut to `ERROR_TEXT_LIMIT` characters. Cutting first would let a key
    /// that straddles the cut leave its first characters behind.
    pub fn scrubbed(self, secrets: &[Secret]) -> ProviderError {
        // Cut after redacting: a key cut in half would no longer be found.
        self.map_text(|text| crate::text::cut(&redact_all(secrets, text), ERROR_TEXT_LIMIT))
    }
}

/// The most characters of any outside text quoted in an error.
pub const ERROR_TEXT_LIMIT: usize = 300;

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    const KEY: &str = "sk-SENTINELQWERTYZXCVBNMPLKJ";

    /// One of every variant, each text field quoting `KEY` (twice, once cut at the end).
    fn every_variant() -> Vec<ProviderError> {
        let quote = format!("says {KEY} then {}", &KEY[..12]);
        vec![
            ProviderError::MissingKey { var: "V".into() },
            ProviderError::ShortKey { var: "V".into() },
            ProviderError::MissingProgram { program: "p".into() },
            ProviderError::Http { status: 400, message: quote.clone(), retry_after: None },
            ProviderError::Redirect { status: 302, location: format!("`http://h/?k={KEY}`") },
            ProviderError::Unsendable(quote.clone()),
            ProviderError::Connect(quote.clone()),
            ProviderError::Idle(Duration::from_secs(1)),
            ProviderError::Truncated,
            ProviderError::Malformed(quote.clone()),
            ProviderError::Remote(quote.clone()),
            ProviderError::Refused(quote.clone()),
            ProviderError::Deadline,
            ProviderError::BadModelId { model: quote.clone(), reason: "r" },
            ProviderError::Cli { program: "claude".into(), code: Some(1), api_status: None, detail: quote },
            ProviderError::FirstToken(Duration::from_secs(1)),
        ]
    }

    /// The position of `err`'s variant. The match has no wildcard: a new variant fails to
    /// compile here until it is given a number, and then the test below fails until
    /// `every_variant` has one of it.
    fn ordinal(err: &ProviderError) -> usize {
        match err {
            ProviderError::MissingKey { .. } => 0,
            ProviderError::ShortKey { .. } => 1,
            ProviderError::MissingProgram { .. } => 2,
            ProviderError::Http { .. } => 3,
            ProviderError::Redirect { .. } => 4,
            ProviderError::Unsendable(_) => 5,
            ProviderError::Connect(_) => 6,
            ProviderError::Idle(_) => 7,
            ProviderError::Truncated => 8,
            ProviderError::Malformed(_) => 9,
            ProviderError::Remote(_) => 10,
            ProviderError::Refused(_) => 11,
            ProviderError::Deadline => 12,
            ProviderError::BadModelId { .. } => 13,
            ProviderError::Cli { .. } => 14,
            ProviderError::FirstToken(_) => 15,
        }
    }

    #[test]
    fn the_chokepoint_removes_the_key_from_every_variant() {
        let all = every_variant();
        assert_eq!(all.iter().map(ordinal).collect::<Vec<_>>(), (0..all.len()).collect::<Vec<_>>());
        for err in all {
            let kind = err.kind();
            let scrubbed = err.scrubbed(&[Secret::new(KEY)]);
            let shown = scrubbed.to_string();
            assert!(!shown.contains(&KEY[..MIN_KEY_CHARS]), "{shown}");
            assert_eq!(scrubbed.kind(), kind, "redaction keeps the class of the failure");
        }
    }

    #[test]
    fn a_failure_names_the_url_it_called_and_a_wrong_path_its_fix() {
        let http = |status| ProviderError::Http { status, message: "Not Found".into(), retry_after: None };
        assert_eq!(
            http(404).called("http://127.0.0.1:8080/chat/completions").to_string(),
            "HTTP 404: no such route at http://127.0.0.1:8080/chat/completions; base_url may need /v1 (the server said: Not Found)"
        );
        // A 404 under a right-looking path is about something else (a model not pulled).
        assert_eq!(
            http(404).called("http://h/v1/chat/completions").to_string(),
            "HTTP 404: Not Found (from http://h/v1/chat/completions)"
        );
        assert_eq!(
            ProviderError::Connect("Connection refused (os error 111)".into()).called("http://h:9/v1/x").to_string(),
            "connection failed: Connection refused (os error 111) at http://h:9/v1/x"
        );
        assert_eq!(ProviderError::Deadline.called("http://h"), ProviderError::Deadline);
    }

    #[test]
    fn texts_are_cut_after_redaction_and_marked() {
        let long = format!("{}{KEY}", "x".repeat(ERROR_TEXT_LIMIT - 2));
        let err = ProviderError::Remote(long).scrubbed(&[Secret::new(KEY)]);
        assert_eq!(err, ProviderError::Remote(format!("{}[r…", "x".repeat(ERROR_TEXT_LIMIT - 2))));
    }
}
