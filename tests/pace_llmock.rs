//! The pacer against real llmock with a requests-per-minute limit: 40 calls at
//! concurrency 8 through one paced transport all answer, and llmock's own grading of the
//! client finds no retry storm and no retry that ignored `Retry-After`.
//!
//! Skipped (with a note) unless `FRONTIER_LLMOCK` names the `llmock` program; the e2e
//! setup installs it (tests/e2e/setup). Run it with
//! `FRONTIER_LLMOCK=.e2e/venv/bin/llmock cargo test --test pace_llmock -- --nocapture`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use frontier::provider::http::{HttpProvider, Transport};
use frontier::provider::openai::OpenAiWire;
use frontier::provider::pace::Pacer;
use frontier::provider::retry::RetryPolicy;
use frontier::provider::{ChatRequest, Provider, Secret, StreamEvent};
use futures::StreamExt as _;
use pretty_assertions::assert_eq;
use serde_json::Value;
use tokio::time::Instant;

const CALLS: usize = 40;
const CONCURRENCY: usize = 8;
/// llmock's bucket starts full: the first 30 calls go at once, then one every 2 s.
const RPM: u32 = 30;

/// `llmock serve` on a free port of 127.0.0.1, stopped (by its PID) when dropped.
struct Llmock {
    child: Child,
    base: String,
}

impl Drop for Llmock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Llmock {
    async fn start(program: &str) -> Llmock {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = Command::new(program)
            .args(["serve", "--host", "127.0.0.1", "--port", &port.to_string(), "--tool-mode", "off"])
            .args(["--log-level", "warning", "--rpm", &RPM.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {program}: {e}"));
        let llmock = Llmock { child, base: format!("http://127.0.0.1:{port}") };
        let give_up = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(health) = llmock.get("/health").await
                && health["status"] == "ok"
            {
                return llmock;
            }
            assert!(Instant::now() < give_up, "llmock was not healthy within 60 s");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn text(&self, path: &str) -> reqwest::Result<String> {
        let client = reqwest::Client::builder().timeout(Duration::from_secs(15)).build()?;
        client.get(format!("{}{path}", self.base)).send().await?.text().await
    }

    async fn get(&self, path: &str) -> Result<Value, String> {
        let text = self.text(path).await.map_err(|e| e.to_string())?;
        serde_json::from_str(&text).map_err(|e| e.to_string())
    }
}

/// The answer to `user`, through `provider`.
async fn answer(provider: &dyn Provider, user: String) -> Result<String, String> {
    let request = ChatRequest {
        system: "Be terse.".into(),
        user,
        conversation: Default::default(),
        json_schema: None,
        deadline: Instant::now() + Duration::from_secs(180),
        params: Default::default(),
    };
    let mut text = String::new();
    let mut stream = provider.stream(request);
    while let Some(event) = stream.next().await {
        match event.map_err(|e| e.to_string())? {
            StreamEvent::Delta(delta) => text.push_str(&delta),
            StreamEvent::Restart { .. } => text.clear(),
            StreamEvent::Done { .. } => {}
        }
    }
    Ok(text)
}

#[tokio::test]
async fn calls_over_an_rpm_limit_are_paced_without_a_retry_storm() {
    let Some(program) = std::env::var_os("FRONTIER_LLMOCK") else {
        eprintln!("note: skipped; set FRONTIER_LLMOCK to the llmock program to run it");
        return;
    };
    let llmock = Llmock::start(&program.to_string_lossy()).await;
    let pacer = Arc::new(Pacer::new(CONCURRENCY));
    let transport = Transport::new(Duration::from_secs(30), RetryPolicy::default()).unwrap().paced(pacer);
    let provider = HttpProvider::<OpenAiWire>::new(
        Arc::new(transport),
        &format!("{}/v1", llmock.base),
        "gpt-4o-mini",
        Some(Secret::new("sk-llmock-pacing-test")),
    );
    let started = Instant::now();
    let answers: Vec<Result<String, String>> = futures::stream::iter(0..CALLS)
        .map(|i| answer(&provider, format!("Question number {i}: what is {i} plus one?")))
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    let took = started.elapsed();

    let failed: Vec<&String> = answers.iter().filter_map(|a| a.as_ref().err()).collect();
    assert_eq!(failed, Vec::<&String>::new(), "every call answers");
    assert!(answers.iter().all(|a| a.as_ref().is_ok_and(|t| !t.is_empty())));

    let requests = llmock.get("/_llmock/requests").await.unwrap();
    let statuses: Vec<u64> =
        requests["requests"].as_array().unwrap().iter().map(|r| r["status"].as_u64().unwrap()).collect();
    let limited = statuses.iter().filter(|s| **s == 429).count();
    let verdict = llmock.get("/_llmock/verdict").await.unwrap();
    let text = llmock.text("/_llmock/verdict?format=text").await.unwrap();
    eprintln!(
        "{CALLS} calls at concurrency {CONCURRENCY}, llmock --rpm {RPM}: {} attempts, {limited} answered 429, {:.1} s\n{text}",
        statuses.len(),
        took.as_secs_f64()
    );
    let codes: Vec<&str> =
        verdict["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap_or_default()).collect();
    assert_eq!((verdict["passed"].as_bool(), codes), (Some(true), Vec::<&str>::new()), "{text}");
    assert_eq!(statuses.len(), CALLS + limited, "every attempt but the answered ones was a 429");
    // Each of the calls over the bucket may be refused once, and each of the calls in
    // flight when the bucket ran dry: no more. Unpaced, the calls over the bucket each
    // take up to three 429s, and some fail.
    assert!(limited <= (CALLS - RPM as usize) + CONCURRENCY, "{limited} attempts answered 429\n{text}");
}
