//! A paced transport against a real socket: a 429 with `Retry-After` that one call gets
//! holds every other call to that server until it is up, an attempt's permit comes back
//! when its stream is dropped half way, and a success counts when the caller stops
//! reading at `Done`.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt as _;
use pretty_assertions::assert_eq;
use tokio::io::AsyncWriteExt as _;
use tokio::net::TcpListener;
use tokio::time::Instant;

use super::stalls::{DONE, HELLO, SSE_HEAD};
use super::{read_request, request};
use crate::provider::http::{HttpProvider, Transport};
use crate::provider::openai::OpenAiWire;
use crate::provider::pace::{self, Pacer};
use crate::provider::retry::RetryPolicy;
use crate::provider::{Provider, StreamEvent};

const LIMITED: &[u8] = b"HTTP/1.1 429 Too Many Requests\r\nretry-after: 1\r\ncontent-type: application/json\r\ncontent-length: 40\r\n\r\n{\"error\":{\"message\":\"rate limit hit\"}}\n\n";

/// Which prompt (`a` or `b`) arrived, in whole seconds after the server started.
type Arrivals = Arc<Mutex<Vec<(String, u64)>>>;

/// A server on 127.0.0.1 that answers its first request with a 429 and `Retry-After: 1`,
/// the others with `Hello`, or, when `stall`, sends every request `Hello` and then nothing.
async fn serve(stall: bool) -> (String, Arrivals) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let arrivals: Arrivals = Arc::default();
    let seen = arrivals.clone();
    let start = Instant::now();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                let body = read_request(&mut socket).await;
                let prompt = if body.contains("call-a") { "a" } else { "b" };
                let first = {
                    let mut seen = seen.lock().unwrap();
                    seen.push((prompt.to_string(), start.elapsed().as_secs()));
                    seen.len() == 1
                };
                let answer = if stall {
                    [SSE_HEAD, HELLO].concat()
                } else if first {
                    LIMITED.to_vec()
                } else {
                    [SSE_HEAD, HELLO, DONE].concat()
                };
                let _ = socket.write_all(&answer).await;
                if stall {
                    tokio::time::sleep(Duration::from_secs(60)).await;
                }
                let _ = socket.shutdown().await;
            });
        }
    });
    (origin, arrivals)
}

fn transport(pacer: Option<&Arc<Pacer>>) -> Arc<Transport> {
    let retry =
        RetryPolicy { max_attempts: 3, base_delay: Duration::from_millis(1), max_delay: Duration::from_millis(5) };
    let transport = Transport::new(Duration::from_secs(20), retry).unwrap();
    Arc::new(match pacer {
        Some(pacer) => transport.paced(pacer.clone()),
        None => transport,
    })
}

async fn text_of(transport: Arc<Transport>, origin: String, prompt: &str) -> String {
    let provider = HttpProvider::<OpenAiWire>::new(transport, &origin, "m", None);
    let mut text = String::new();
    let mut stream = provider.stream(request(prompt));
    while let Some(event) = stream.next().await {
        match event.unwrap() {
            StreamEvent::Delta(d) => text.push_str(&d),
            StreamEvent::Restart { .. } => text.clear(),
            StreamEvent::Done { .. } => {}
        }
    }
    text
}

/// Call `a` gets the 429; once it has, call `b` starts. Returns when each prompt reached
/// the server, and both answers.
async fn two_calls(pacer: Option<&Arc<Pacer>>) -> (Vec<(String, u64)>, [String; 2]) {
    let (origin, arrivals) = serve(false).await;
    let transport = transport(pacer);
    let a = tokio::spawn(text_of(transport.clone(), origin.clone(), "call-a"));
    // `a` has heard the 429 when the lane has slowed down, or (unpaced) soon after it arrived.
    match pacer {
        Some(pacer) => {
            let lane = pacer.lane(&pace::origin_of(&origin));
            until(|| lane.allowance() < 2).await;
        }
        None => {
            until(|| !arrivals.lock().unwrap().is_empty()).await;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    let b = text_of(transport, origin, "call-b").await;
    let a = a.await.unwrap();
    let arrivals = arrivals.lock().unwrap().clone();
    (arrivals, [a, b])
}

/// Waits until `done`, at most 5 s.
async fn until(done: impl Fn() -> bool) {
    let give_up = Instant::now() + Duration::from_secs(5);
    while !done() {
        assert!(Instant::now() < give_up, "gave up waiting");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn arrived(order: [(&str, u64); 3]) -> Vec<(String, u64)> {
    order.iter().map(|(prompt, secs)| (prompt.to_string(), *secs)).collect()
}

/// With a pacer, `b` waits out the `Retry-After` that `a` got, and `a`'s retry comes a
/// spacing after `b` (the lane starts its waiters one at a time after a pause).
#[tokio::test]
async fn a_429_holds_every_call_to_that_server_until_its_retry_after_is_up() {
    let pacer = Arc::new(Pacer::new(2));
    let (arrivals, answers) = two_calls(Some(&pacer)).await;
    assert_eq!(answers, ["Hello".to_string(), "Hello".to_string()]);
    assert_eq!(arrivals, arrived([("a", 0), ("b", 1), ("a", 2)]));
}

/// Without one (every command but `eval`), only the call that got the 429 waits.
#[tokio::test]
async fn without_a_pacer_only_the_call_that_got_the_429_waits() {
    let (arrivals, answers) = two_calls(None).await;
    assert_eq!(answers, ["Hello".to_string(), "Hello".to_string()]);
    assert_eq!(arrivals, arrived([("a", 0), ("b", 0), ("a", 1)]));
}

#[tokio::test]
async fn a_paced_attempt_gives_its_permit_back_when_its_stream_is_dropped_half_way() {
    let (origin, _) = serve(true).await;
    let pacer = Arc::new(Pacer::new(1));
    let provider = HttpProvider::<OpenAiWire>::new(transport(Some(&pacer)), &origin, "m", None);
    let lane = pacer.lane(&pace::origin_of(&origin));
    let mut stream = provider.stream(request("call-a"));
    assert_eq!(stream.next().await, Some(Ok(StreamEvent::Delta("Hello".into()))));
    assert_eq!(lane.in_flight(), 1);
    drop(stream);
    assert_eq!(lane.in_flight(), 0);
    // The lane (of one) is free for the next call.
    let mut next = provider.stream(request("call-b"));
    assert_eq!(next.next().await, Some(Ok(StreamEvent::Delta("Hello".into()))));
}

/// The pipeline stops reading at `Done` and drops the stream: the success must count by
/// then, or a lane that halved its allowance for a 429 stays slow for the whole eval.
#[tokio::test]
async fn a_success_counts_when_the_caller_stops_reading_at_done() {
    let (origin, _) = serve(false).await;
    let pacer = Arc::new(Pacer::new(2));
    let provider = HttpProvider::<OpenAiWire>::new(transport(Some(&pacer)), &origin, "m", None);
    let lane = pacer.lane(&pace::origin_of(&origin));
    // The first attempt gets the 429 (the allowance halves to 1), the retry `Hello`.
    let mut stream = provider.stream(request("call-a"));
    let mut text = String::new();
    loop {
        match stream.next().await {
            Some(Ok(StreamEvent::Delta(d))) => text.push_str(&d),
            Some(Ok(StreamEvent::Done { .. })) => break,
            other => panic!("unexpected {other:?}"),
        }
    }
    drop(stream);
    assert_eq!(text, "Hello");
    // One success after a halving to one is a run as long as the allowance: back to two.
    assert_eq!((lane.allowance(), lane.in_flight()), (2, 0));
}
