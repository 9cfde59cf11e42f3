//! Redirects are never followed, an endless error body is read to the cap and dropped,
//! and the key never reaches an error, whatever the server sends; a key that makes an
//! invalid header fails without a request.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use futures::StreamExt as _;
use pretty_assertions::assert_eq;

use super::{Answer, KEY, every_adapter, failure_of, request, serve, transport};
use crate::provider::anthropic::AnthropicWire;
use crate::provider::gemini::GeminiWire;
use crate::provider::http::{HttpProvider, Transport};
use crate::provider::openai::OpenAiWire;
use crate::provider::retry::RetryPolicy;
use crate::provider::{ErrorKind, Provider, ProviderError, Secret};

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
    let request = request("u");
    let outcome: Vec<_> = provider.stream(request).collect().await;
    let Some(Err(ProviderError::Http { status: 500, message, .. })) = outcome.last() else {
        panic!("{outcome:?}");
    };
    // The server's words cut to the limit, then the URL that was called.
    let called = format!("{}/chat/completions", server.origin);
    assert_eq!(message, &format!("{}… (from {called})", "x".repeat(crate::provider::ERROR_TEXT_LIMIT)));
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
    let request = request("u");
    let outcome: Vec<_> = provider.stream(request).collect().await;
    assert!(matches!(outcome.as_slice(), [Err(ProviderError::Unsendable(_))]), "{outcome:?}");
    assert_eq!(server.requests.load(Ordering::SeqCst), 0);
}
