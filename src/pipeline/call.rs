//! One model call as the pipeline sees it: a participant, a request, a timeout and a
//! cap on the answer's size; the stream consumed into text and usage, or a failure with
//! its true cause. Past the cap the answer is cut, kept, and the stream dropped. A call
//! that fails after part of its answer arrived keeps that part (`Partial`) with its
//! tokens estimated, since a provider bills what it generated; an answer the provider
//! stopped at its output-token cap is marked (`token_capped`). Its latency is counted in
//! whole milliseconds (`ms`), as the report counts every time.
//!
//! Knows nothing about stages or reports: what the call was for is the caller's.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt as _;
use tokio::time::Instant;

use super::cost::{Price, estimate_tokens};
use crate::provider::{
    ChatRequest, Conversation, ErrorKind, JsonSchema, Params, Provider, ProviderError, StreamEvent, Usage, stop,
};

/// A model taking part in a run: its display name, its route, and its provider (or why
/// it could not be set up, such as a missing key).
#[derive(Clone)]
pub struct Participant {
    pub model: String,
    pub route: String,
    pub provider: Result<Arc<dyn Provider>, ProviderError>,
    /// What its tokens cost; `None` when no price is known (agent CLIs, unpriced routes).
    pub price: Option<Price>,
    /// The parameters every request to it carries, already checked against its route.
    pub params: Params,
}

impl Participant {
    /// Its parameters as a report records them: none when it has none.
    pub fn reported_params(&self) -> Option<Params> {
        (!self.params.is_empty()).then_some(self.params)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    pub text: String,
    pub usage: Usage,
    /// The provider reported no usage: `usage` is estimated from the text.
    pub usage_estimated: bool,
    pub latency: Duration,
    /// The answer went past the cap: `text` is its first `max_bytes`, the rest was never
    /// read (and `usage` is estimated, the provider's report being at the stream's end).
    pub truncated: bool,
    /// The provider stopped the answer at its output-token cap (`max_output_tokens`, or
    /// the provider's own): it may end mid-thought.
    pub token_capped: bool,
}

/// What had arrived of an answer when its call failed or was cut.
#[derive(Debug, Clone, PartialEq)]
pub struct Partial {
    pub text: String,
    /// Estimated from the request and `text`: a provider reports usage at a stream's end,
    /// which never came.
    pub usage: Usage,
}

impl Partial {
    /// The part `text` of an answer to `system` and `user` after `conversation`; `None`
    /// when nothing (or only whitespace) arrived.
    pub fn of(text: String, system: &str, conversation: &Conversation, user: &str) -> Option<Partial> {
        (!text.trim().is_empty()).then(|| Partial { usage: estimated_usage(system, conversation, user, &text), text })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct CallFailure {
    pub error: String,
    pub kind: ErrorKind,
    pub latency: Duration,
    /// Not a failure of the model: the panel's grace period ran out while it was still
    /// answering (`--grace`), and its call was dropped.
    pub cut: bool,
    /// The part of the answer that had arrived, if any: kept for the reader and counted,
    /// never judged as an answer.
    pub partial: Option<Partial>,
}

/// What the caller wants to hear while the answer streams in.
pub enum Listener<'a> {
    None,
    /// Called with each delta, and with `None` when the stream restarts after a retry.
    Stream(&'a (dyn Fn(Option<&str>) + Sync)),
}

/// Sends the request (`user` after the turns of `conversation`) and collects the answer
/// within `timeout`, keeping at most `max_bytes` of it.
#[allow(clippy::too_many_arguments)] // one call's whole request
pub async fn converse(
    participant: &Participant,
    system: &str,
    conversation: &Conversation,
    user: &str,
    json_schema: Option<JsonSchema>,
    timeout: Duration,
    max_bytes: usize,
    listener: Listener<'_>,
) -> Result<Completion, CallFailure> {
    let start = Instant::now();
    let fail = |error: String, kind: ErrorKind, partial: Option<Partial>| CallFailure {
        error,
        kind,
        latency: start.elapsed(),
        cut: false,
        partial,
    };
    let provider = match &participant.provider {
        Ok(provider) => provider,
        Err(err) => return Err(fail(err.to_string(), err.kind(), None)),
    };
    let deadline = start + timeout;
    let request = ChatRequest {
        system: system.to_string(),
        user: user.to_string(),
        json_schema,
        deadline,
        params: participant.params,
        conversation: conversation.clone(),
    };
    let mut stream = provider.stream(request);
    let mut text = String::new();
    let mut finished = None;
    let mut truncated = false;
    let partial = |text: String| Partial::of(text, system, conversation, user);
    // The transport stops at the same deadline; either way the call timed out.
    let timed_out = |text: String| {
        fail(format!("timed out after {}s", timeout.as_secs_f64().round()), ErrorKind::Timeout, partial(text))
    };
    loop {
        let event = match tokio::time::timeout_at(deadline, stream.next()).await {
            Err(_) | Ok(Some(Err(ProviderError::Deadline))) => return Err(timed_out(text)),
            Ok(None) => break,
            Ok(Some(Err(err))) => return Err(fail(err.to_string(), err.kind(), partial(text))),
            Ok(Some(Ok(event))) => event,
        };
        match event {
            StreamEvent::Delta(delta) => {
                let room = max_bytes.saturating_sub(text.len());
                let kept = &delta[..floor_char_boundary(&delta, room)];
                if let Listener::Stream(f) = &listener {
                    f(Some(kept));
                }
                text.push_str(kept);
                if kept.len() < delta.len() {
                    // Dropping the stream (on return) cancels the request: the rest is
                    // never read, let alone held.
                    truncated = true;
                    break;
                }
            }
            StreamEvent::Restart { .. } => {
                if let Listener::Stream(f) = &listener {
                    f(None);
                }
                text.clear();
            }
            StreamEvent::Done { usage, stop_reason } => {
                finished = Some((usage, stop_reason));
                break;
            }
        }
    }
    drop(stream);
    let (usage, stop_reason) = match finished {
        Some(done) => done,
        None if truncated => (None, None),
        None => return Err(fail(ProviderError::Truncated.to_string(), ErrorKind::Stream, partial(text))),
    };
    if text.trim().is_empty() {
        return Err(fail("the model returned an empty answer".into(), ErrorKind::Stream, None));
    }
    let (usage, usage_estimated) = match usage {
        Some(usage) => (usage, false),
        None => (estimated_usage(system, conversation, user, &text), true),
    };
    let token_capped = stop_reason.as_deref().is_some_and(stop::is_token_cap);
    Ok(Completion { text, usage, usage_estimated, latency: start.elapsed(), truncated, token_capped })
}

/// The tokens of a request (`system`, the turns before, `user`) and of the answer `text`,
/// estimated for a provider that reported none.
fn estimated_usage(system: &str, conversation: &Conversation, user: &str, text: &str) -> Usage {
    let prior = conversation.prior.iter().map(|t| estimate_tokens(&t.text)).sum::<u64>();
    let input_tokens = estimate_tokens(system) + prior + estimate_tokens(user);
    Usage::new(input_tokens, estimate_tokens(text))
}

/// Whole milliseconds, as the report counts time.
pub(super) fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// The largest index at most `index` that falls on a char boundary of `text`
/// (`str::floor_char_boundary` is newer than the crate's minimum Rust).
fn floor_char_boundary(text: &str, index: usize) -> usize {
    if index >= text.len() {
        return text.len();
    }
    (0..=index).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use pretty_assertions::assert_eq;

    use super::*;
    use crate::provider::EventStream;

    /// Streams `deltas` then `Done`, counting the events the caller pulls.
    struct Scripted {
        deltas: Vec<&'static str>,
        pulled: Arc<AtomicUsize>,
    }

    impl Provider for Scripted {
        fn stream(&self, _: ChatRequest) -> EventStream {
            let pulled = self.pulled.clone();
            let mut events: Vec<StreamEvent> = self.deltas.iter().map(|d| StreamEvent::Delta(d.to_string())).collect();
            events.push(StreamEvent::Done { usage: Some(Usage::new(1, 2)), stop_reason: None });
            Box::pin(futures::stream::iter(events).map(move |e| {
                pulled.fetch_add(1, Ordering::SeqCst);
                Ok(e)
            }))
        }
    }

    /// `converse` with a request of one message.
    async fn call(
        participant: &Participant,
        user: &str,
        timeout: Duration,
        max_bytes: usize,
        listener: Listener<'_>,
    ) -> Result<Completion, CallFailure> {
        converse(participant, "system", &Conversation::default(), user, None, timeout, max_bytes, listener).await
    }

    /// Calls a scripted provider with a cap; returns the completion, what the listener
    /// heard, and how many events were pulled.
    async fn capped(deltas: Vec<&'static str>, max_bytes: usize) -> (Completion, String, usize) {
        let pulled = Arc::new(AtomicUsize::new(0));
        let provider: Arc<dyn Provider> = Arc::new(Scripted { deltas, pulled: pulled.clone() });
        let participant = Participant {
            model: "m".into(),
            route: "r".into(),
            provider: Ok(provider),
            price: None,
            params: Params::default(),
        };
        let heard = Mutex::new(String::new());
        let listen = |d: Option<&str>| heard.lock().unwrap().push_str(d.unwrap_or_default());
        let timeout = Duration::from_secs(5);
        let result = call(&participant, "u", timeout, max_bytes, Listener::Stream(&listen)).await;
        let completion = result.unwrap_or_else(|f| panic!("{f:?}"));
        let heard = heard.into_inner().unwrap();
        (completion, heard, pulled.load(Ordering::SeqCst))
    }

    #[tokio::test]
    async fn an_answer_past_the_cap_is_cut_at_a_char_boundary_kept_and_not_read_further() {
        // "é" is two bytes: a cap of 6 falls inside the second one.
        let (completion, heard, pulled) = capped(vec!["abcé", "é and more", "never read", "nor this"], 6).await;
        assert_eq!((completion.text.as_str(), completion.truncated), ("abcé", true));
        assert_eq!(heard, "abcé", "the listener hears what is kept, no more");
        assert_eq!(pulled, 2, "the stream is dropped at the delta that crossed the cap");
        assert!(completion.usage_estimated, "the provider's usage comes after the cut");
    }

    #[tokio::test]
    async fn an_answer_exactly_at_the_cap_is_whole() {
        let (completion, heard, _) = capped(vec!["abc", "def"], 6).await;
        assert_eq!(
            (completion.text.as_str(), completion.truncated, completion.usage_estimated),
            ("abcdef", false, false)
        );
        assert_eq!(heard, "abcdef");
        let (completion, _, _) = capped(vec!["abc", "def", "g"], 6).await;
        assert_eq!((completion.text.as_str(), completion.truncated), ("abcdef", true));
    }

    /// Streams `deltas`, then ends with `stop` as its stop reason, or (`None`) never ends.
    struct Ending {
        deltas: Vec<&'static str>,
        stop: Option<&'static str>,
    }

    impl Provider for Ending {
        fn stream(&self, _: ChatRequest) -> EventStream {
            let deltas: Vec<_> = self.deltas.iter().map(|d| Ok(StreamEvent::Delta(d.to_string()))).collect();
            let stop = self.stop;
            let done = futures::stream::once(async move {
                match stop {
                    Some(reason) => Ok(StreamEvent::Done { usage: None, stop_reason: Some(reason.into()) }),
                    None => futures::future::pending().await,
                }
            });
            Box::pin(futures::stream::iter(deltas).chain(done))
        }
    }

    async fn ended(deltas: Vec<&'static str>, stop: Option<&'static str>) -> Result<Completion, CallFailure> {
        let participant = Participant {
            model: "m".into(),
            route: "r".into(),
            provider: Ok(Arc::new(Ending { deltas, stop })),
            price: None,
            params: Params::default(),
        };
        let timeout = Duration::from_millis(50);
        call(&participant, "user", timeout, 1 << 20, Listener::None).await
    }

    #[tokio::test]
    async fn a_call_timed_out_mid_answer_keeps_the_part_with_its_tokens_estimated() {
        let failure = ended(vec!["The answer is ", "forty"], None).await.err().unwrap();
        let partial = Partial { text: "The answer is forty".into(), usage: Usage::new(3, 5) };
        assert_eq!((failure.kind, failure.partial), (ErrorKind::Timeout, Some(partial)));
        let nothing = ended(vec![], None).await.err().unwrap();
        assert_eq!(nothing.partial, None, "no text arrived: nothing to keep or count");
    }

    #[tokio::test]
    async fn an_answer_stopped_at_the_token_cap_is_marked_in_each_apis_words() {
        for (stop, capped) in [("length", true), ("max_tokens", true), ("MAX_TOKENS", true), ("stop", false)] {
            let completion = ended(vec!["forty"], Some(stop)).await.unwrap();
            assert_eq!(completion.token_capped, capped, "{stop}");
        }
    }

    #[test]
    fn char_boundaries_floor() {
        assert_eq!([0, 1, 2, 3, 4, 9].map(|i| floor_char_boundary("aé€", i)), [0, 1, 1, 3, 3, 6]);
    }
}
