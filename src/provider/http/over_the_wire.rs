//! The transport's policy against a real socket: a local server on 127.0.0.1 that
//! redirects, sends an endless error body, or quotes the key, driven through each
//! adapter's `HttpProvider` exactly as a run drives it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::StreamExt as _;
use pretty_assertions::assert_eq;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;

use super::{Adapter, HttpProvider, Transport};
use crate::provider::anthropic::AnthropicWire;
use crate::provider::gemini::GeminiWire;
use crate::provider::openai::OpenAiWire;
use crate::provider::retry::RetryPolicy;
use crate::provider::{ChatRequest, ErrorKind, Provider, ProviderError, Secret};

const KEY: &str = "sk-SENTINELQWERTYZXCVBNMPLKJ";

/// What the local server answers every request with.
#[derive(Clone)]
enum Answer {
    /// These bytes, then close.
    Bytes(Vec<u8>),
    /// An error status head, then body bytes forever (until the client goes away).
    EndlessErrorBody,
    /// Each piece after its pause in milliseconds, then close.
    Paced(Vec<(u64, Vec<u8>)>),
}

/// A server on 127.0.0.1; counts the requests it got and the body bytes it managed to send.
struct Server {
    origin: String,
    requests: Arc<AtomicUsize>,
    sent: Arc<AtomicUsize>,
}

async fn serve(answer: Answer) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let (requests, sent) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let (r, b) = (requests.clone(), sent.clone());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            r.fetch_add(1, Ordering::SeqCst);
            let (answer, sent) = (answer.clone(), b.clone());
            tokio::spawn(async move {
                read_request(&mut socket).await;
                match answer {
                    Answer::Bytes(bytes) => {
                        let _ = socket.write_all(&bytes).await;
                    }
                    Answer::Paced(pieces) => {
                        for (pause, bytes) in pieces {
                            tokio::time::sleep(Duration::from_millis(pause)).await;
                            if socket.write_all(&bytes).await.is_err() {
                                break;
                            }
                        }
                    }
                    Answer::EndlessErrorBody => {
                        let head = "HTTP/1.1 500 Internal Server Error\r\ncontent-type: text/plain\r\n\r\n";
                        let _ = socket.write_all(head.as_bytes()).await;
                        let chunk = vec![b'x'; 64 << 10];
                        while socket.write_all(&chunk).await.is_ok() {
                            sent.fetch_add(chunk.len(), Ordering::SeqCst);
                        }
                    }
                }
                let _ = socket.shutdown().await;
            });
        }
    });
    Server { origin, requests, sent }
}

/// Reads one request's head and its `content-length` body.
async fn read_request(socket: &mut tokio::net::TcpStream) {
    let mut seen = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        let Ok(n) = socket.read(&mut chunk).await else { return };
        if n == 0 {
            return;
        }
        seen.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&seen).to_ascii_lowercase();
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse::<usize>().ok())
                .unwrap_or(0);
            if seen.len() >= end + 4 + length {
                return;
            }
        }
    }
}

fn transport() -> Arc<Transport> {
    let retry =
        RetryPolicy { max_attempts: 3, base_delay: Duration::from_millis(1), max_delay: Duration::from_millis(5) };
    Arc::new(Transport::new(Duration::from_secs(20), retry).unwrap())
}

/// The error a request through adapter `A` to `base_url` ends with.
async fn failure_of<A: Adapter>(base_url: &str) -> ProviderError {
    let provider = HttpProvider::<A>::new(transport(), base_url, "m", Some(Secret::new(KEY)));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let request = ChatRequest {
        system: "sys".into(),
        user: "the prompt".into(),
        json_schema: None,
        deadline,
        params: crate::provider::Params::default(),
        conversation: Default::default(),
    };
    let mut stream = provider.stream(request);
    while let Some(event) = stream.next().await {
        if let Err(err) = event {
            return err;
        }
    }
    panic!("the request to {base_url} succeeded")
}

async fn every_adapter(base_url: &str) -> [ProviderError; 3] {
    [
        failure_of::<OpenAiWire>(base_url).await,
        failure_of::<AnthropicWire>(base_url).await,
        failure_of::<GeminiWire>(base_url).await,
    ]
}

#[tokio::test]
async fn no_redirect_is_followed_by_any_adapter() {
    // Where the redirects point: a listener that must never see a connection.
    let elsewhere = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    elsewhere.set_nonblocking(true).unwrap();
    let target = format!("http://{}/stolen", elsewhere.local_addr().unwrap());
    for status in [301, 302, 303, 307, 308] {
        let head = format!("HTTP/1.1 {status} Moved\r\nlocation: {target}\r\ncontent-length: 0\r\n\r\n");
        let server = serve(Answer::Bytes(head.into_bytes())).await;
        for err in every_adapter(&server.origin).await {
            assert_eq!(err, ProviderError::Redirect { status, location: format!("`{target}`") });
            assert_eq!(err.kind(), ErrorKind::Request);
            let shown = err.to_string();
            assert!(shown.contains(&target) && shown.contains("base_url"), "{shown}");
        }
        // One request per adapter: a redirect is not retried.
        assert_eq!(server.requests.load(Ordering::SeqCst), 3, "HTTP {status}");
        // Each request ended before this check, so a followed redirect would have
        // connected already: nothing may be waiting in the listener's queue.
        match elsewhere.accept() {
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            other => panic!("HTTP {status}: the redirect target got a connection: {other:?}"),
        }
    }
}

#[tokio::test]
async fn an_endless_error_body_is_read_to_the_cap_and_dropped() {
    let server = serve(Answer::EndlessErrorBody).await;
    let provider = HttpProvider::<OpenAiWire>::new(
        Arc::new(
            Transport::new(Duration::from_secs(20), RetryPolicy { max_attempts: 1, ..RetryPolicy::default() }).unwrap(),
        ),
        &server.origin,
        "m",
        Some(Secret::new(KEY)),
    );
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let request = ChatRequest {
        system: "s".into(),
        user: "u".into(),
        json_schema: None,
        deadline,
        params: crate::provider::Params::default(),
        conversation: Default::default(),
    };
    let outcome: Vec<_> = provider.stream(request).collect().await;
    let Some(Err(ProviderError::Http { status: 500, message, .. })) = outcome.last() else {
        panic!("{outcome:?}");
    };
    assert_eq!(message, &format!("{}…", "x".repeat(crate::provider::ERROR_TEXT_LIMIT)));
    // The server's writes failed once the client dropped the connection: what it got out
    // is the cap plus what the sockets' buffers held, far from endless.
    for _ in 0..200 {
        tokio::task::yield_now().await;
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let sent = server.sent.load(Ordering::SeqCst);
    assert!(sent < 32 << 20, "the client kept reading: {sent} bytes sent");
}

#[tokio::test]
async fn a_key_straddling_the_cut_of_an_error_body_leaves_no_prefix() {
    for offset in 280..=305 {
        let body = format!("{}{KEY}{}", "x".repeat(offset), "x".repeat(500));
        let response = format!("HTTP/1.1 400 Bad Request\r\ncontent-length: {}\r\n\r\n{body}", body.len());
        let server = serve(Answer::Bytes(response.into_bytes())).await;
        for err in every_adapter(&server.origin).await {
            let shown = err.to_string();
            assert!(!shown.contains(&KEY[..4]), "offset {offset}: {shown}");
        }
    }
}

#[tokio::test]
async fn refusals_and_errors_mid_stream_are_redacted_over_the_wire() {
    let quote = format!("{}{KEY}", "y".repeat(295));
    let sse = |frame: String| {
        format!("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: {}\r\n\r\n{frame}", frame.len())
    };
    let openai = sse(format!("data: {{\"error\":{{\"message\":\"{quote}\"}}}}\n\n"));
    let anthropic = sse(format!(
        "event: error\ndata: {{\"type\":\"error\",\"error\":{{\"type\":\"authentication_error\",\"message\":\"{quote}\"}}}}\n\n"
    ));
    let gemini = sse(format!("data: {{\"promptFeedback\":{{\"blockReason\":\"{quote}\"}}}}\n\n"));
    let (o, a, g) = (
        serve(Answer::Bytes(openai.into())).await,
        serve(Answer::Bytes(anthropic.into())).await,
        serve(Answer::Bytes(gemini.into())).await,
    );
    let errors = [
        failure_of::<OpenAiWire>(&o.origin).await,
        failure_of::<AnthropicWire>(&a.origin).await,
        failure_of::<GeminiWire>(&g.origin).await,
    ];
    let cut = |prefix: &str| format!("{prefix}{}[reda…", "y".repeat(295));
    assert_eq!(
        errors,
        [
            ProviderError::Remote(cut("")),
            ProviderError::Refused(cut("")),
            ProviderError::Refused(format!("{}…", &cut("blocked: ")[..crate::provider::ERROR_TEXT_LIMIT])),
        ]
    );
}

#[tokio::test]
async fn a_key_that_makes_an_invalid_header_fails_once_without_a_request() {
    let server = serve(Answer::Bytes(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n".to_vec())).await;
    let provider = HttpProvider::<AnthropicWire>::new(transport(), &server.origin, "m", Some(Secret::new("sk-a\nb")));
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let request = ChatRequest {
        system: "s".into(),
        user: "u".into(),
        json_schema: None,
        deadline,
        params: crate::provider::Params::default(),
        conversation: Default::default(),
    };
    let outcome: Vec<_> = provider.stream(request).collect().await;
    assert!(matches!(outcome.as_slice(), [Err(ProviderError::Unsendable(_))]), "{outcome:?}");
    assert_eq!(server.requests.load(Ordering::SeqCst), 0);
}

/// An OpenAI stream's head, and its frames: a role-only one (its content empty), text, the end.
const SSE_HEAD: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n\r\n";
const ROLE_ONLY: &[u8] = b"data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n";
const HELLO: &[u8] = b"data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"},\"finish_reason\":null}]}\n\n";
const DONE: &[u8] = b"data: [DONE]\n\n";

/// What a request to `server` with an idle timeout of `idle_ms` and the given
/// first-token timeout streams: its text, or its error.
async fn outcome(server: &Server, idle_ms: u64, first_token: Option<Duration>) -> Result<String, ProviderError> {
    let retry =
        RetryPolicy { max_attempts: 3, base_delay: Duration::from_millis(1), max_delay: Duration::from_millis(5) };
    let transport =
        Transport::new(Duration::from_millis(idle_ms), retry).unwrap().with_first_token_timeout(first_token);
    let provider = HttpProvider::<OpenAiWire>::new(Arc::new(transport), &server.origin, "m", None);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    let request = ChatRequest {
        system: "s".into(),
        user: "u".into(),
        conversation: Default::default(),
        json_schema: None,
        deadline,
        params: crate::provider::Params::default(),
    };
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
