//! The transport's policy against a real socket: a local server on 127.0.0.1 that
//! redirects, sends an endless error body, or quotes the key, driven through each
//! adapter's `HttpProvider` exactly as a run drives it.
//!
//! This file is the server and the calls through it; `policy` holds the tests of
//! redirects, error bodies and redaction, `stalls` those of the first-token and idle
//! timeouts.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod pacing;
mod policy;
mod stalls;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::StreamExt as _;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;

use super::{Adapter, HttpProvider, Transport};
use crate::provider::anthropic::AnthropicWire;
use crate::provider::gemini::GeminiWire;
use crate::provider::openai::OpenAiWire;
use crate::provider::retry::RetryPolicy;
use crate::provider::{ChatRequest, Provider, ProviderError, Secret};

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

/// Reads one request's head and its `content-length` body, and returns them as text.
async fn read_request(socket: &mut tokio::net::TcpStream) -> String {
    let mut seen = Vec::new();
    let mut chunk = [0u8; 4096];
    while let Ok(n) = socket.read(&mut chunk).await {
        if n == 0 {
            break;
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
                break;
            }
        }
    }
    String::from_utf8_lossy(&seen).into_owned()
}

fn transport() -> Arc<Transport> {
    let retry =
        RetryPolicy { max_attempts: 3, base_delay: Duration::from_millis(1), max_delay: Duration::from_millis(5) };
    Arc::new(Transport::new(Duration::from_secs(20), retry).unwrap())
}

/// A plain request (no schema, no parameters, nothing before it) of `user`, due in 20 s.
fn request(user: &str) -> ChatRequest {
    ChatRequest {
        system: "sys".into(),
        user: user.into(),
        json_schema: None,
        deadline: tokio::time::Instant::now() + Duration::from_secs(20),
        params: crate::provider::Params::default(),
        conversation: Default::default(),
    }
}

/// The error a request through adapter `A` to `base_url` ends with.
async fn failure_of<A: Adapter>(base_url: &str) -> ProviderError {
    let provider = HttpProvider::<A>::new(transport(), base_url, "m", Some(Secret::new(KEY)));
    let mut stream = provider.stream(request("the prompt"));
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
