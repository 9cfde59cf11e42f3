//! Providers turn one chat request into a stream of events: text deltas, then a final
//! event with token usage and the stop reason.
//!
//! Adapters (`openai`) are pure: they build a wire request and parse stream frames. One
//! place (`http`) does the I/O, with retries, backoff, idle timeouts and end-of-stream
//! checks written once. `mock` answers offline. This layer knows nothing about panels,
//! judges or synthesis.

pub mod http;
pub mod mock;
pub mod openai;
mod secret;

use std::sync::Arc;
use std::time::Duration;

use futures::stream::BoxStream;
use serde::{Deserialize, Serialize};

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
        self.input_tokens += other.input_tokens;
        self.output_tokens += other.output_tokens;
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
    #[error("HTTP {status}: {message}")]
    Http { status: u16, message: String, retry_after: Option<Duration> },
    #[error("connection failed: {0}")]
    Connect(String),
    #[error("no data for {}s; the stream stalled", .0.as_secs())]
    Idle(Duration),
    #[error("the stream ended without its end marker")]
    Truncated,
    #[error("malformed stream: {0}")]
    Malformed(String),
    #[error("the provider reported an error mid-stream: {0}")]
    Remote(String),
    /// The request's deadline passed: before a response, mid-stream, or before a retry.
    #[error("no complete answer before the deadline")]
    Deadline,
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
            ProviderError::MissingKey { .. } => ErrorKind::Auth,
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
            ProviderError::MissingKey { .. } | ProviderError::Deadline => false,
        }
    }
}

/// Builds the provider for `route`. Fails without sending anything when the route is not
/// ready (a key variable is unset).
pub fn connect(route: &Route, env: &Env, transport: &Arc<http::Transport>) -> Result<Arc<dyn Provider>, ProviderError> {
    match route.provider.kind {
        ProviderKind::Mock => Ok(Arc::new(mock::MockProvider::new(&route.model, route.mock.clone()))),
        ProviderKind::OpenAi => {
            let key = match &route.provider.api_key_env {
                Some(var) => {
                    Some(Secret::new(env.var(var).ok_or_else(|| ProviderError::MissingKey { var: var.clone() })?))
                }
                None => None,
            };
            Ok(Arc::new(openai::OpenAiProvider::new(transport.clone(), &route.provider.base_url, &route.model, key)))
        }
    }
}
