//! The one place providers do I/O: send a wire request over HTTP, decode its SSE stream
//! (`sse`, bounded), and hand each frame to a wire format's parser. Retries what
//! `retry::decide` says to (429, 408, 5xx, broken connections and streams, after the
//! backoff it gives); before a stream's first content (a non-empty text delta) waits up to
//! the first-token timeout (by default, the request's own deadline), since a reasoning
//! model may think for minutes before it writes; once content has come, abandons a
//! stream that completes no event within the idle timeout (bytes that complete none do
//! not count); stops reading at the request's deadline
//! however fast the bytes come, yielding to the runtime after every chunk; never starts
//! an attempt past the deadline; treats a stream that ends without its end marker as a
//! failure. With a `pace::Pacer`, each attempt first waits for its provider's lane and
//! tells it of a 429 or 503 (which slows every call to that provider) and of a success.
//!
//! The attempt loop and its deadlines (request, first token, idle, retry backoff) are
//! one state machine and stay together here; one attempt's request and its response's
//! head are `send`'s.
//!
//! One policy for every provider: no redirect is followed (a 3xx is an error naming
//! where it pointed), error bodies are read to a small cap, and every failure passes the
//! one redaction chokepoint (`ProviderError::scrubbed`) before anyone sees it. Tests and
//! the fuzz targets replay recorded bytes through a wire format with `testing`, which is
//! compiled only for them.
//!
//! Knows nothing about any provider's JSON (the `WireFormat`'s business) or which
//! failures are worth another attempt (`retry`'s).

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt as _;
use tokio::time::Instant;

use super::pace::{self, Pacer};
use super::retry::{self, RetryPolicy};
use super::sse::{self, Frame};
use super::{ChatRequest, EventStream, Provider, ProviderError, Secret, StreamEvent, redact_all};
use send::describe_reqwest;

/// How long to wait for a TCP/TLS connection.
pub const CONNECT_TIMEOUT_MS: u64 = 10_000;
/// The most of an error body that is read; the rest is never downloaded. Enough for any
/// real API's error object (they are well under 4 KiB).
pub const ERROR_BODY_CAP_BYTES: usize = 64 << 10;

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
    /// Whether the provider takes the session's cache key (`prompt_cache_key`); when it
    /// does not, requests go out without it.
    cache_key: bool,
    adapter: std::marker::PhantomData<fn() -> A>,
}

impl<A: Adapter> HttpProvider<A> {
    pub fn new(transport: Arc<Transport>, base_url: &str, model: &str, key: Option<Secret>) -> Self {
        let (base_url, model) = (base_url.to_string(), model.to_string());
        HttpProvider { transport, base_url, model, key, cache_key: true, adapter: std::marker::PhantomData }
    }

    /// The same provider, sending the session's cache key only if `accepted`.
    pub fn cache_key(self, accepted: bool) -> Self {
        HttpProvider { cache_key: accepted, ..self }
    }
}

impl<A: Adapter> Provider for HttpProvider<A> {
    fn stream(&self, mut request: ChatRequest) -> EventStream {
        if !self.cache_key {
            request.conversation.cache_key = None;
        }
        let wire = A::build_request(&self.base_url, &self.model, self.key.clone(), &request);
        self.transport.stream(Arc::new(A::default()), wire, request.deadline)
    }
}

impl WireRequest {
    /// What must never appear in an error about this request: the key, and a password
    /// written into the URL's userinfo (`https://user:pw@host/...`).
    fn secrets(&self) -> Vec<Secret> {
        let key = self.auth.as_ref().map(|(_, _, key)| key.clone());
        let url = reqwest::Url::parse(&self.url).ok();
        let password = url.as_ref().and_then(|u| u.password()).filter(|p| !p.is_empty()).map(Secret::new);
        key.into_iter().chain(password).collect()
    }
}

/// Sends requests; shared by every HTTP provider of a run (a model with its own
/// first-token timeout gets a copy that shares the connection pool).
#[derive(Debug, Clone)]
pub struct Transport {
    client: reqwest::Client,
    idle_timeout: Duration,
    /// How long an attempt may go without content before its first text delta; `None`
    /// waits until the request's deadline (the member timeout).
    first_token_timeout: Option<Duration>,
    retry: RetryPolicy,
    /// Paces attempts per provider across every transport that shares it (`frontier
    /// eval`); `None`: each attempt starts as soon as it can.
    pacer: Option<Arc<Pacer>>,
}

impl Transport {
    pub fn new(idle_timeout: Duration, retry: RetryPolicy) -> Result<Transport, ProviderError> {
        let client = reqwest::Client::builder()
            // A redirect would carry the key header (reqwest drops only `Authorization`)
            // and, for 307/308, the prompt to wherever the server points: `send` turns
            // every 3xx into an error instead.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_millis(CONNECT_TIMEOUT_MS))
            .user_agent(concat!("frontier/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ProviderError::Unsendable(describe_reqwest(&e)))?;
        Ok(Transport { client, idle_timeout, first_token_timeout: None, retry, pacer: None })
    }

    /// The same transport (and connection pool) with another first-token timeout.
    pub fn with_first_token_timeout(&self, first_token_timeout: Option<Duration>) -> Transport {
        Transport { first_token_timeout, ..self.clone() }
    }

    /// The same transport, every attempt waiting for its provider's lane of `pacer`, and
    /// telling it of a 429 or 503 and of a success.
    pub fn paced(self, pacer: Arc<Pacer>) -> Transport {
        Transport { pacer: Some(pacer), ..self }
    }

    /// The pacer the transport's attempts wait for, if any.
    pub fn pacer(&self) -> Option<&Arc<Pacer>> {
        self.pacer.as_ref()
    }

    /// Streams `request`, retrying as the policy allows until `deadline`.
    pub fn stream<W: WireFormat>(
        self: &Arc<Self>,
        wire: Arc<W>,
        request: WireRequest,
        deadline: Instant,
    ) -> EventStream {
        let this = self.clone();
        let secrets = request.secrets();
        // Where failures say they called: no userinfo, no key (a gateway may take one in
        // its path), and no query (Gemini's `?alt=sse` says nothing to the user).
        let shown_url =
            redact_all(&secrets, &super::base_url::hide_userinfo(request.url.split('?').next().unwrap_or_default()));
        let lane = this.pacer.as_ref().map(|pacer| pacer.lane(&pace::origin_of(&request.url)));
        Box::pin(async_stream::try_stream! {
            let mut attempt: u32 = 0;
            loop {
                attempt += 1;
                let mut emitted = false;
                // Held for the whole attempt, stream included; waiting for it counts
                // against the deadline.
                let mut permit = match &lane {
                    Some(lane) => Some(lane.acquire(deadline).await?),
                    None => None,
                };
                let failure = match this.send(&request, deadline).await {
                    Err(err) => err,
                    Ok(response) => {
                        let mut state = W::State::default();
                        let mut body = response.bytes_stream();
                        let mut decoder = sse::Decoder::new();
                        // Until the first content, only the first-token deadline (fixed when
                        // the attempt started) and the request's deadline apply: frames that
                        // carry no text (a role, an empty delta, a ping, thinking the adapter
                        // drops) neither count as content nor move that deadline, so a server
                        // can't hold a call open with them. After it, idle means no *event*
                        // for `idle_timeout`, not no bytes: keep-alive comments, a trickle, or
                        // an endless line complete none, so they do not keep a stream alive
                        // (docs/configuration.md, `idle_timeout_secs`, `first_token_timeout_secs`).
                        let first_token_at = this.first_token_timeout.map_or(deadline, |t| (Instant::now() + t).min(deadline));
                        let mut idle_at: Option<Instant> = None;
                        let mut undecodable: Option<sse::SseError> = None;
                        let mut outcome = Err(ProviderError::Truncated);
                        'read: loop {
                            while let Some(frame) = decoder.next_frame() {
                                let events = match wire.parse(&mut state, &frame) {
                                    Ok(events) => events,
                                    Err(err) => { outcome = Err(err); break 'read; }
                                };
                                let content = events.iter().any(|e| matches!(e, StreamEvent::Delta(text) if !text.is_empty()));
                                if content || idle_at.is_some() {
                                    idle_at = Some(Instant::now() + this.idle_timeout);
                                }
                                let mut done = false;
                                for event in events {
                                    let last = matches!(event, StreamEvent::Done { .. });
                                    done |= last;
                                    emitted |= matches!(event, StreamEvent::Delta(_));
                                    // Callers stop reading at `Done` and drop the stream, so
                                    // the success counts before it is handed over: else a lane
                                    // that slowed down for a 429 never speeds up again.
                                    if last && let Some(permit) = permit.take() {
                                        permit.succeeded();
                                    }
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
                            let wait_until = match idle_at {
                                Some(idle_at) if now >= idle_at => { outcome = Err(ProviderError::Idle(this.idle_timeout)); break; }
                                Some(idle_at) => idle_at,
                                None if now >= first_token_at => {
                                    let waited = this.first_token_timeout.unwrap_or_default();
                                    outcome = Err(ProviderError::FirstToken(waited));
                                    break;
                                }
                                None => first_token_at,
                            };
                            match tokio::time::timeout_at(wait_until.min(deadline), body.next()).await {
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
                            // The permit counted the success at `Done`.
                            Ok(()) => return,
                            Err(err) => err,
                        }
                    }
                };
                // The chokepoint: nothing below, nor any caller, sees the failure unredacted.
                let failure = failure.scrubbed(&secrets).called(&shown_url);
                let delay = retry::decide(&failure, attempt, &this.retry);
                // A provider over its limit slows every call to it, not only this one.
                match (permit, &failure) {
                    (Some(permit), ProviderError::Http { status: 429 | 503, retry_after, .. }) => {
                        permit.limited(retry_after.or(delay).unwrap_or_else(|| retry::backoff(attempt, &this.retry)));
                    }
                    (permit, _) => drop(permit),
                }
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
}

mod send;

#[cfg(any(test, fuzzing))]
pub(crate) mod testing;

#[cfg(test)]
mod over_the_wire;

#[cfg(test)]
mod redaction;

#[cfg(test)]
pub(crate) mod conformance;

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;
    use crate::provider::StreamEvent;
    use crate::provider::anthropic::AnthropicWire;
    use crate::provider::gemini::GeminiWire;
    use crate::provider::openai::OpenAiWire;

    /// Fuzzing regression: a stream that starts with a UTF-8 byte order mark (which the SSE
    /// format says to skip) panicked in eventsource-stream 0.2.3, the decoder used then,
    /// which sliced the decoded text inside the 3-byte mark.
    #[test]
    fn a_stream_starting_with_a_byte_order_mark_parses() {
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

    #[test]
    fn the_password_in_a_base_url_is_a_secret_of_the_request() {
        let key = "sk-SENTINELQWERTYZXCVBNMPLKJ";
        let wire = WireRequest {
            url: "https://user:pw-sentinel@api.example/v1/chat/completions".into(),
            headers: Vec::new(),
            auth: Some(("authorization".into(), "Bearer ".into(), Secret::new(key))),
            body: serde_json::Value::Null,
        };
        assert_eq!(wire.secrets(), vec![Secret::new(key), Secret::new("pw-sentinel")]);
        let err = ProviderError::Remote(format!("saw {key} and pw-sentinel")).scrubbed(&wire.secrets());
        assert_eq!(err, ProviderError::Remote("saw [redacted] and [redacted]".into()));
    }
}
