//! One model call as the pipeline sees it: a participant, a request, a timeout; the
//! stream consumed into text and usage, or a failure with its true cause.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt as _;
use tokio::time::Instant;

use super::cost::{Price, estimate_tokens};
use crate::provider::{ChatRequest, ErrorKind, JsonSchema, Provider, ProviderError, StreamEvent, Usage};

/// A model taking part in a run: its display name, its route, and its provider (or why
/// it could not be set up, such as a missing key).
#[derive(Clone)]
pub struct Participant {
    pub model: String,
    pub route: String,
    pub provider: Result<Arc<dyn Provider>, ProviderError>,
    /// What its tokens cost; `None` when no price is known (agent CLIs, unpriced routes).
    pub price: Option<Price>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    pub text: String,
    pub usage: Usage,
    /// The provider reported no usage: `usage` is estimated from the text.
    pub usage_estimated: bool,
    pub latency: Duration,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CallFailure {
    pub error: String,
    pub kind: ErrorKind,
    pub latency: Duration,
}

/// What the caller wants to hear while the answer streams in.
pub enum Listener<'a> {
    None,
    /// Called with each delta, and with `None` when the stream restarts after a retry.
    Stream(&'a (dyn Fn(Option<&str>) + Sync)),
}

/// Sends the request and collects the answer within `timeout`.
pub async fn call(
    participant: &Participant,
    system: &str,
    user: &str,
    json_schema: Option<JsonSchema>,
    timeout: Duration,
    listener: Listener<'_>,
) -> Result<Completion, CallFailure> {
    let start = Instant::now();
    let fail = |error: String, kind: ErrorKind| CallFailure { error, kind, latency: start.elapsed() };
    let provider = match &participant.provider {
        Ok(provider) => provider,
        Err(err) => return Err(fail(err.to_string(), err.kind())),
    };
    let deadline = start + timeout;
    let request = ChatRequest { system: system.to_string(), user: user.to_string(), json_schema, deadline };
    let mut stream = provider.stream(request);
    let mut text = String::new();
    let mut finished = None;
    // The transport stops at the same deadline; either way the call timed out.
    let timed_out = || fail(format!("timed out after {}s", timeout.as_secs_f64().round()), ErrorKind::Timeout);
    loop {
        let event = match tokio::time::timeout_at(deadline, stream.next()).await {
            Err(_) | Ok(Some(Err(ProviderError::Deadline))) => return Err(timed_out()),
            Ok(None) => break,
            Ok(Some(Err(err))) => return Err(fail(err.to_string(), err.kind())),
            Ok(Some(Ok(event))) => event,
        };
        match event {
            StreamEvent::Delta(delta) => {
                if let Listener::Stream(f) = &listener {
                    f(Some(&delta));
                }
                text.push_str(&delta);
            }
            StreamEvent::Restart { .. } => {
                if let Listener::Stream(f) = &listener {
                    f(None);
                }
                text.clear();
            }
            StreamEvent::Done { usage, .. } => {
                finished = Some(usage);
                break;
            }
        }
    }
    let Some(usage) = finished else {
        return Err(fail(ProviderError::Truncated.to_string(), ErrorKind::Stream));
    };
    if text.trim().is_empty() {
        return Err(fail("the model returned an empty answer".into(), ErrorKind::Stream));
    }
    let (usage, usage_estimated) = match usage {
        Some(usage) => (usage, false),
        None => {
            let input_tokens = estimate_tokens(system) + estimate_tokens(user);
            (Usage { input_tokens, output_tokens: estimate_tokens(&text) }, true)
        }
    };
    Ok(Completion { text, usage, usage_estimated, latency: start.elapsed() })
}
