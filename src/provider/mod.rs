//! Providers turn one chat request into a stream of events: text deltas, then a final
//! event with token usage and the stop reason.
//!
//! Adapters (`openai`) are pure: they build a wire request and parse stream frames. One
//! place (`http`) does the I/O, with retries, backoff, idle timeouts and end-of-stream
//! checks written once. `mock` answers offline. This layer knows nothing about panels,
//! judges or synthesis.

pub mod agent_cli;
pub mod anthropic;
pub mod gemini;
pub mod http;
pub mod mock;
pub mod openai;
mod secret;
pub mod sse;

use std::sync::Arc;
use std::time::Duration;

use futures::stream::BoxStream;
use serde::{Deserialize, Serialize};

pub use http::HttpProvider;
pub use secret::Secret;

use crate::config::catalog::{ProviderKind, Route};
use crate::env::Env;

/// One request to a model: a system instruction and one user message.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatRequest {
    pub system: String,
    pub user: String,
    /// Ask for output matching this JSON schema, where the provider supports it.
    pub json_schema: Option<JsonSchema>,
    /// When the caller stops waiting; retries are not started past it.
    pub deadline: tokio::time::Instant,
}

#[derive(Debug, Clone, PartialEq)]
pub struct JsonSchema {
    pub name: String,
    pub schema: serde_json::Value,
}

/// Tokens a request consumed, as the provider reported them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    pub input_tokens: u64,
    pub output_tokens: u64,
}

impl std::ops::AddAssign for Usage {
    fn add_assign(&mut self, other: Usage) {
        // Counts come from servers: a hostile one must not overflow them.
        self.input_tokens = self.input_tokens.saturating_add(other.input_tokens);
        self.output_tokens = self.output_tokens.saturating_add(other.output_tokens);
    }
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
    #[error("`{program}` is not installed or not on PATH")]
    MissingProgram { program: String },
    #[error("HTTP {status}: {message}")]
    Http { status: u16, message: String, retry_after: Option<Duration> },
    #[error("connection failed: {0}")]
    Connect(String),
    #[error("no event for {}s; the stream stalled", .0.as_secs())]
    Idle(Duration),
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
            ProviderError::MissingKey { .. } | ProviderError::MissingProgram { .. } => ErrorKind::Auth,
            ProviderError::Http { status: 429, .. } => ErrorKind::RateLimited,
            ProviderError::Http { status: 401 | 403, .. } => ErrorKind::Auth,
            ProviderError::Http { status: 402, .. } => ErrorKind::Credits,
            ProviderError::Http { status: 408, .. } | ProviderError::Deadline | ProviderError::Idle(_) => {
                ErrorKind::Timeout
            }
            ProviderError::Http { status, .. } if *status >= 500 => ErrorKind::Server,
            ProviderError::Http { .. } => ErrorKind::Request,
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

    /// Whether another attempt may succeed: rate limits, server errors, broken
    /// connections and broken streams; never other 4xx.
    pub fn is_retryable(&self) -> bool {
        match self {
            ProviderError::Http { status, .. } => *status == 429 || *status == 408 || *status >= 500,
            ProviderError::Connect(_)
            | ProviderError::Idle(_)
            | ProviderError::Truncated
            | ProviderError::Malformed(_)
            | ProviderError::Remote(_) => true,
            // An agent CLI retries its own API calls; frontier does not start it again.
            ProviderError::MissingKey { .. }
            | ProviderError::MissingProgram { .. }
            | ProviderError::Refused(_)
            | ProviderError::Deadline
            | ProviderError::BadModelId { .. }
            | ProviderError::Cli { .. } => false,
        }
    }
}

/// Builds the provider for `route`. Fails without sending anything when the route is not
/// ready (a key variable is unset, an agent CLI is not installed).
pub fn connect(route: &Route, env: &Env, transport: &Arc<http::Transport>) -> Result<Arc<dyn Provider>, ProviderError> {
    let key = || match &route.provider.api_key_env {
        Some(var) => {
            env.var(var).map(|v| Some(Secret::new(v))).ok_or_else(|| ProviderError::MissingKey { var: var.clone() })
        }
        None => Ok(None),
    };
    let (base_url, model) = (route.provider.base_url.as_str(), route.model.as_str());
    Ok(match route.provider.kind {
        ProviderKind::Mock => Arc::new(mock::MockProvider::new(model, route.mock.clone())),
        ProviderKind::OpenAi => {
            Arc::new(HttpProvider::<openai::OpenAiWire>::new(transport.clone(), base_url, model, key()?))
        }
        ProviderKind::Anthropic => {
            Arc::new(HttpProvider::<anthropic::AnthropicWire>::new(transport.clone(), base_url, model, key()?))
        }
        ProviderKind::Gemini => {
            Arc::new(HttpProvider::<gemini::GeminiWire>::new(transport.clone(), base_url, model, key()?))
        }
        ProviderKind::ClaudeCli | ProviderKind::CodexCli | ProviderKind::GeminiCli => {
            let (program, override_var) = route.provider.kind.cli_program().unwrap_or_default();
            let wanted = env.var(override_var).unwrap_or(program);
            let path = env
                .find_program(wanted)
                .ok_or_else(|| ProviderError::MissingProgram { program: wanted.to_string() })?;
            Arc::new(agent_cli::AgentCliProvider::new(route.provider.kind, path, model, env))
        }
    })
}
