//! The one place providers do I/O: send a wire request over HTTP, decode its SSE stream
//! (`sse`, bounded), and hand each frame to a wire format's parser. Retries (429, 5xx,
//! broken connections and streams) with exponential backoff and jitter, honouring
//! `Retry-After`; abandons a stream that completes no event within the idle timeout
//! (bytes that complete none do not count); stops reading at the request's deadline
//! however fast the bytes come, yielding to the runtime after every chunk; never starts
//! an attempt past the deadline; treats a stream that ends without its end marker as a
//! failure.
//!
//! Knows nothing about any provider's JSON: that is the `WireFormat`'s business.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt as _;
use tokio::time::Instant;

use super::sse::{self, Frame};
use super::{ChatRequest, EventStream, Provider, ProviderError, Secret, StreamEvent};
use crate::config::settings::RetryPolicy;

/// How long to wait for a TCP/TLS connection.
pub const CONNECT_TIMEOUT_MS: u64 = 10_000;
/// The most of an error body quoted in an error message.
const ERROR_BODY_LIMIT: usize = 300;

/// An HTTP request as an adapter builds it.
#[derive(Debug, Clone, PartialEq)]
pub struct WireRequest {
    pub url: String,
    /// Headers other than the secret one.
    pub headers: Vec<(String, String)>,
    /// The header that carries the key, as (name, prefix), e.g. ("authorization", "Bearer ").
    pub auth: Option<(String, String, Secret)>,
    pub body: serde_json::Value,
}

/// Parses one provider's SSE frames into stream events.
pub trait WireFormat: Send + Sync + 'static {
    /// What the parser remembers between frames of one attempt (usage, stop reason).
    type State: Default + Send;

    /// Events for one SSE frame. A `Done` event marks the provider's end of stream.
    fn parse(&self, state: &mut Self::State, frame: &Frame) -> Result<Vec<StreamEvent>, ProviderError>;
}

/// One HTTP API: how a request is built (pure) and, as a `WireFormat`, how its stream
/// is parsed.
pub trait Adapter: WireFormat + Default {
    fn build_request(base_url: &str, model: &str, key: Option<Secret>, request: &ChatRequest) -> WireRequest;
}

/// A model reached over HTTP through the adapter `A`: the adapter translates, the
/// transport does the I/O.
pub struct HttpProvider<A> {
    transport: Arc<Transport>,
    base_url: String,
    model: String,
    key: Option<Secret>,
    adapter: std::marker::PhantomData<fn() -> A>,
}

impl<A: Adapter> HttpProvider<A> {
    pub fn new(transport: Arc<Transport>, base_url: &str, model: &str, key: Option<Secret>) -> Self {
        let (base_url, model) = (base_url.to_string(), model.to_string());
        HttpProvider { transport, base_url, model, key, adapter: std::marker::PhantomData }
    }
}

impl<A: Adapter> Provider for HttpProvider<A> {
    fn stream(&self, request: ChatRequest) -> EventStream {
        let wire = A::build_request(&self.base_url, &self.model, self.key.clone(), &request);
        self.transport.stream(Arc::new(A::default()), wire, request.deadline)
    }
}

/// Sends requests; shared by every HTTP provider of a run.
#[derive(Debug)]
pub struct Transport {
    client: reqwest::Client,
    idle_timeout: Duration,
    retry: RetryPolicy,
}

impl Transport {
    pub fn new(idle_timeout: Duration, retry: RetryPolicy) -> Result<Transport, ProviderError> {
        let client = reqwest::Client::builder()
            .connect_timeout(Duration::from_millis(CONNECT_TIMEOUT_MS))
            .user_agent(concat!("frontier/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ProviderError::Connect(e.to_string()))?;
        Ok(Transport { client, idle_timeout, retry })
    }

    /// Streams `request`, retrying as the policy allows until `deadline`.
    pub fn stream<W: WireFormat>(
        self: &Arc<Self>,
        wire: Arc<W>,
        request: WireRequest,
        deadline: Instant,
    ) -> EventStream {
        let this = self.clone();
        Box::pin(async_stream::try_stream! {
            let mut attempt: u32 = 0;
            loop {
                attempt += 1;
                let mut emitted = false;
                let failure = match this.send(&request, deadline).await {
                    Err(err) => err,
                    Ok(response) => {
                        let mut state = W::State::default();
                        let mut body = response.bytes_stream();
                        let mut decoder = sse::Decoder::new();
                        // Idle means no *event* for `idle_timeout`, not no bytes: keep-alive
                        // comments, a trickle, or an endless line complete none, so they do not
                        // keep a stream alive (docs/configuration.md, `idle_timeout_secs`).
                        let mut idle_at = Instant::now() + this.idle_timeout;
                        let mut undecodable: Option<sse::SseError> = None;
                        let mut outcome = Err(ProviderError::Truncated);
                        'read: loop {
                            while let Some(frame) = decoder.next_frame() {
                                idle_at = Instant::now() + this.idle_timeout;
                                let events = match wire.parse(&mut state, &frame) {
                                    Ok(events) => events,
                                    Err(err) => { outcome = Err(err); break 'read; }
                                };
                                let mut done = false;
                                for event in events {
                                    done |= matches!(event, StreamEvent::Done { .. });
                                    emitted |= matches!(event, StreamEvent::Delta(_));
                                    yield event;
                                }
                                if done { outcome = Ok(()); break 'read; }
                            }
                            // The events before a decoding error count, however the bytes came.
                            if let Some(err) = undecodable.take() {
                                outcome = Err(ProviderError::Malformed(err.to_string()));
                                break;
                            }
                            // Checked before every read: a read that is ready at once never lets
                            // `timeout_at` see its deadline pass.
                            let now = Instant::now();
                            if now >= deadline { outcome = Err(ProviderError::Deadline); break; }
                            if now >= idle_at { outcome = Err(ProviderError::Idle(this.idle_timeout)); break; }
                            match tokio::time::timeout_at(idle_at.min(deadline), body.next()).await {
                                Err(_) => continue,
                                Ok(None) => break,
                                Ok(Some(Err(err))) => {
                                    outcome = Err(ProviderError::Malformed(format!("reading the stream failed: {}", describe_reqwest(&err))));
                                    break;
                                }
                                Ok(Some(Ok(chunk))) => undecodable = decoder.feed(&chunk).err(),
                            }
                            // Gives the thread back after every chunk: a server that never pauses
                            // must not starve the caller's timers or Ctrl-C.
                            tokio::task::yield_now().await;
                        }
                        match outcome {
                            Ok(()) => return,
                            Err(err) => err,
                        }
                    }
                };
                let failure = match &request.auth {
                    Some((_, _, key)) => redact(failure, key),
                    None => failure,
                };
                let delay = this.retry_delay(&failure, attempt);
                match delay {
                    Some(delay) if Instant::now() + delay < deadline => {
                        if emitted {
                            yield StreamEvent::Restart { reason: failure.to_string() };
                        }
                        tokio::time::sleep(delay).await;
                    }
                    _ => Err(failure)?,
                }
            }
        })
    }

    async fn send(&self, request: &WireRequest, deadline: Instant) -> Result<reqwest::Response, ProviderError> {
        let mut builder = self.client.post(&request.url).json(&request.body);
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        if let Some((name, prefix, key)) = &request.auth {
            builder = builder.header(name, format!("{prefix}{}", key.expose()));
        }
        let response = match tokio::time::timeout_at(deadline, builder.send()).await {
            Err(_) => return Err(ProviderError::Deadline),
            Ok(Err(err)) => return Err(ProviderError::Connect(describe_reqwest(&err))),
            Ok(Ok(response)) => response,
        };
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        let retry_after = retry_after(response.headers());
        let body =
            tokio::time::timeout_at(deadline, response.text()).await.ok().and_then(Result::ok).unwrap_or_default();
        let message = error_message(&body, status.canonical_reason().unwrap_or("error"));
        Err(ProviderError::Http { status: status.as_u16(), message, retry_after })
    }

    /// How long to wait before the next attempt, or `None` when it must not be retried.
    fn retry_delay(&self, failure: &ProviderError, attempt: u32) -> Option<Duration> {
        if !failure.is_retryable() || attempt >= self.retry.max_attempts {
            return None;
        }
        if let ProviderError::Http { retry_after: Some(after), .. } = failure {
            return Some(*after);
        }
        let exp = self.retry.base_delay.saturating_mul(1 << (attempt - 1).min(16));
        let capped = exp.min(self.retry.max_delay);
        // Full jitter over the upper half: spreads retries of concurrent members apart.
        let half = capped / 2;
        Some(half + half.mul_f64(crate::random::unit()))
    }
}

fn redact(err: ProviderError, key: &Secret) -> ProviderError {
    match err {
        ProviderError::Http { status, message, retry_after } => {
            ProviderError::Http { status, message: key.redact(&message), retry_after }
        }
        ProviderError::Connect(m) => ProviderError::Connect(key.redact(&m)),
        ProviderError::Malformed(m) => ProviderError::Malformed(key.redact(&m)),
        ProviderError::Remote(m) => ProviderError::Remote(key.redact(&m)),
        other => other,
    }
}

/// `Retry-After` in seconds (the HTTP-date form is rare for APIs and ignored).
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    let secs: f64 = value.trim().parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(3600.0)))
}

/// The `error.message` of a JSON error body, else the body's start, else the status text.
fn error_message(body: &str, fallback: &str) -> String {
    let from_json = serde_json::from_str::<serde_json::Value>(body).ok().and_then(|v| {
        let err = v.get("error")?;
        err.get("message").and_then(|m| m.as_str()).or_else(|| err.as_str()).map(str::to_string)
    });
    let text = from_json.unwrap_or_else(|| body.trim().to_string());
    if text.is_empty() {
        return fallback.to_string();
    }
    let mut text: String = text.chars().take(ERROR_BODY_LIMIT).collect();
    if text.len() < body.len() && text.chars().count() == ERROR_BODY_LIMIT {
        text.push('…');
    }
    text
}

fn describe_reqwest(err: &reqwest::Error) -> String {
    // reqwest's Display stops at the outermost layer; the cause says what really failed.
    let mut text = err.to_string();
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text = format!("{text}: {cause}");
        source = cause.source();
    }
    text
}

/// Replays recorded stream bytes through a wire format, for the adapters' tests and the
/// fuzz targets (`crate::fuzzing`, docs/fuzzing.md).
pub(crate) mod testing {
    use super::WireFormat;
    use crate::provider::sse::Decoder;
    use crate::provider::{ProviderError, StreamEvent};

    /// Feeds `bytes`, split in two at `cut`, through the SSE decoder and `wire`'s parser,
    /// applying the transport's rules: a stream without an end marker is truncated, and
    /// the events decoded before a decoding error are parsed before it is reported.
    pub fn replay<W: WireFormat>(wire: &W, bytes: &[u8], cut: usize) -> Result<Vec<StreamEvent>, ProviderError> {
        replay_chunks(wire, [&bytes[..cut], &bytes[cut..]])
    }

    /// As `replay`, with the stream in any number of chunks.
    pub fn replay_chunks<'a, W: WireFormat>(
        wire: &W,
        chunks: impl IntoIterator<Item = &'a [u8]>,
    ) -> Result<Vec<StreamEvent>, ProviderError> {
        let mut decoder = Decoder::new();
        let mut state = W::State::default();
        let mut events = Vec::new();
        for chunk in chunks {
            let fed = decoder.feed(chunk);
            while let Some(frame) = decoder.next_frame() {
                let parsed = wire.parse(&mut state, &frame)?;
                let done = parsed.iter().any(|e| matches!(e, StreamEvent::Done { .. }));
                events.extend(parsed);
                if done {
                    return Ok(events);
                }
            }
            fed.map_err(|e| ProviderError::Malformed(e.to_string()))?;
        }
        Err(ProviderError::Truncated)
    }

    /// The text of the deltas in `events`.
    #[cfg(test)]
    pub fn text(events: &[StreamEvent]) -> String {
        events.iter().filter_map(|e| if let StreamEvent::Delta(t) = e { Some(t.as_str()) } else { None }).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_are_summarised() {
        assert_eq!(error_message(r#"{"error":{"message":"Rate limit"}}"#, "Too Many"), "Rate limit");
        assert_eq!(error_message("", "Too Many Requests"), "Too Many Requests");
        assert_eq!(error_message("plain text", "x"), "plain text");
    }

    #[test]
    fn retry_after_is_honoured_and_other_4xx_are_not_retried() {
        let t = Transport::new(Duration::from_secs(1), RetryPolicy::default()).unwrap_or_else(|e| panic!("{e}"));
        let limited =
            ProviderError::Http { status: 429, message: "slow".into(), retry_after: Some(Duration::from_secs(2)) };
        assert_eq!(t.retry_delay(&limited, 1), Some(Duration::from_secs(2)));
        let bad = ProviderError::Http { status: 400, message: "bad".into(), retry_after: None };
        assert_eq!(t.retry_delay(&bad, 1), None);
        let last = ProviderError::Http { status: 503, message: "x".into(), retry_after: None };
        assert_eq!(t.retry_delay(&last, RetryPolicy::default().max_attempts), None);
        let delay = t.retry_delay(&last, 2).unwrap_or_default();
        assert!(delay >= Duration::from_millis(500) && delay <= Duration::from_millis(1000), "{delay:?}");
    }

    /// Fuzzing regression: a stream that starts with a UTF-8 byte order mark (which the SSE
    /// format says to skip) panicked in eventsource-stream 0.2.3, the decoder used then,
    /// which sliced the decoded text inside the 3-byte mark.
    #[test]
    fn a_stream_starting_with_a_byte_order_mark_parses() {
        use crate::provider::StreamEvent;
        use crate::provider::anthropic::AnthropicWire;
        use crate::provider::gemini::GeminiWire;
        use crate::provider::openai::OpenAiWire;
        fn check<W: WireFormat>(wire: &W, stream: &str, stop_reason: Option<&str>) {
            let want = Ok(vec![StreamEvent::Done { usage: None, stop_reason: stop_reason.map(str::to_string) }]);
            for cut in 0..=stream.len() {
                assert_eq!(testing::replay(wire, stream.as_bytes(), cut), want, "{stream:?} cut at {cut}");
            }
        }
        check(&OpenAiWire, "\u{feff}data: [DONE]\n\n", None);
        check(&AnthropicWire, "\u{feff}event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n", None);
        check(&GeminiWire, "\u{feff}data: {\"candidates\": [{\"finishReason\": \"STOP\"}]}\n\n", Some("STOP"));
    }
}
