//! Silence before the first text is not a stall (a reasoning model thinks); after it, the
//! idle timeout cuts a stream and the retry policy starts it again; a first-token timeout
//! bounds the wait for text, whatever comes before it.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use futures::StreamExt as _;
use pretty_assertions::assert_eq;

use super::{Answer, Server, request, serve};
use crate::provider::http::{HttpProvider, Transport};
use crate::provider::openai::OpenAiWire;
use crate::provider::retry::RetryPolicy;
use crate::provider::{Provider, ProviderError};

/// An OpenAI stream's head, and its frames: a role-only one (its content empty), text, the end.
pub(super) const SSE_HEAD: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\n";
const ROLE_ONLY: &[u8] = b"data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n";
pub(super) const HELLO: &[u8] = b"data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"},\"finish_reason\":null}]}\n\n";
pub(super) const DONE: &[u8] = b"data: [DONE]\n\n";

/// What a request to `server` with an idle timeout of `idle_ms` and the given
/// first-token timeout streams: its text, or its error.
async fn outcome(server: &Server, idle_ms: u64, first_token: Option<Duration>) -> Result<String, ProviderError> {
    let retry =
        RetryPolicy { max_attempts: 3, base_delay: Duration::from_millis(1), max_delay: Duration::from_millis(5) };
    let transport =
        Transport::new(Duration::from_millis(idle_ms), retry).unwrap().with_first_token_timeout(first_token);
    let provider = HttpProvider::<OpenAiWire>::new(Arc::new(transport), &server.origin, "m", None);
    let request = request("u");
    let mut text = String::new();
    let mut stream = provider.stream(request);
    while let Some(event) = stream.next().await {
        match event? {
            crate::provider::StreamEvent::Delta(d) => text.push_str(&d),
            crate::provider::StreamEvent::Restart { .. } => text.clear(),
            crate::provider::StreamEvent::Done { .. } => {}
        }
    }
    Ok(text)
}

/// A model that thinks (streams nothing, then a role-only frame and keep-alives, which
/// are not content) for longer than the idle timeout before its first text answers in
/// one attempt: the idle timeout only applies once text has come.
#[tokio::test]
async fn silence_before_the_first_text_is_not_a_stall() {
    let server = serve(Answer::Paced(vec![
        (0, SSE_HEAD.to_vec()),
        (300, ROLE_ONLY.to_vec()),
        (300, b": keep-alive\n\n".to_vec()),
        (300, HELLO.to_vec()),
        (0, DONE.to_vec()),
    ]))
    .await;
    assert_eq!(outcome(&server, 200, None).await, Ok("Hello".to_string()));
    assert_eq!(server.requests.load(Ordering::SeqCst), 1, "answered in one attempt");
}

/// A stream that stalls after its first text is cut by the idle timeout and retried as
/// the retry policy says (three attempts here), then fails naming the stall.
#[tokio::test]
async fn a_stall_after_the_first_text_is_cut_by_the_idle_timeout_and_retried() {
    let server = serve(Answer::Paced(vec![(0, SSE_HEAD.to_vec()), (0, HELLO.to_vec()), (2_000, DONE.to_vec())])).await;
    assert_eq!(outcome(&server, 200, None).await, Err(ProviderError::Idle(Duration::from_millis(200))));
    assert_eq!(server.requests.load(Ordering::SeqCst), 3);
}

/// A first-token timeout bounds the wait for the first text, whatever comes before it:
/// a role-only frame does not count as text, nor move the deadline.
#[tokio::test]
async fn the_first_token_timeout_bounds_the_wait_for_text() {
    let server = serve(Answer::Paced(vec![
        (0, SSE_HEAD.to_vec()),
        (100, ROLE_ONLY.to_vec()),
        (100, ROLE_ONLY.to_vec()),
        (2_000, HELLO.to_vec()),
        (0, DONE.to_vec()),
    ]))
    .await;
    let took = std::time::Instant::now();
    let first_token = Duration::from_millis(300);
    assert_eq!(outcome(&server, 10_000, Some(first_token)).await, Err(ProviderError::FirstToken(first_token)));
    assert_eq!(server.requests.load(Ordering::SeqCst), 3, "retried like any timeout");
    assert!(took.elapsed() < Duration::from_secs(5), "{:?}", took.elapsed());
}
