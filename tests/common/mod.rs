//! Shared helpers for the integration tests: a fake OpenAI-compatible Chat Completions
//! server on 127.0.0.1, and a `TestEnv` that runs the real `frontier` binary against it
//! with a temporary `FRONTIER_HOME` and a cleared environment whose `PATH` holds only the
//! programs a test names (`fake_program`, `real_program`), so that a `claude`, `codex` or
//! `gemini` on the developer's own `PATH` can never take part in a test.
//!
//! The server's behaviour is chosen per request by the `model` field of the body:
//!
//! | model | behaviour |
//! |---|---|
//! | `slow-<ms>[-suffix]` | waits `<ms>` before answering; counted in `max_slow_in_flight` |
//! | `fail-<status>[-suffix]` | that HTTP status with a JSON error body |
//! | `flaky-<n>[-suffix]` | 503 for the first `<n>` requests of that model, then answers |
//! | `hang` | never answers |
//! | `junk` | answers `this is not json at all`, even when a JSON schema is asked |
//! | `anon-*` | answers neutral text that does not contain the model's name |
//! | `echo-auth` | 401 with an error body quoting the request's `Authorization` header |
//! | `echo-auth-stream` | a 200 stream whose first frame is an error quoting that header |
//! | `nousage-*` | answers normally but reports no token usage |
//! | anything else | answers at once with text containing the model's name |
//!
//! A request carrying `response_format.json_schema` (the judge) gets a valid verdict for
//! the labels of the schema's `ranking` enum, unless the model is `junk` or fails.
//!
//! The same server also speaks Anthropic's and Gemini's streaming APIs, chosen by the
//! request path (`native`); there the model comes from the body or the path.

// Each test crate uses its own subset of these helpers.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

pub mod files;
pub mod hostile;
pub mod mcp;
mod native;
pub mod outside;
pub mod pty;
pub mod workspace;

/// What the neutral (`anon-*`) models answer.
pub const NEUTRAL_ANSWER: &str = "The sky looks blue because air scatters short wavelengths more.";
/// What the `junk` model answers.
pub const JUNK_ANSWER: &str = "this is not json at all";
/// The longest a single `frontier` invocation may take before the test fails.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);

/// The text a normal model answers with: it names the model, so tests can tell answers apart.
pub fn answer_of(model: &str) -> String {
    format!("Answer from {model}: the sky is blue because of Rayleigh scattering.")
}

/// `text` %-escaped for a mock's query (every byte that is not alphanumeric), as in
/// `mock:NAME?reply=TEXT`.
pub fn form_escape(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// Token usage as the server reported it in a stream's last chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    /// Of `prompt_tokens`, those the server said came from its prompt cache.
    pub cached_tokens: u64,
}

impl Usage {
    /// The same usage as a `RunReport` shows it (cached tokens only when there are some).
    pub fn as_report(self) -> Value {
        let mut usage = json!({"input_tokens": self.prompt_tokens, "output_tokens": self.completion_tokens});
        if self.cached_tokens > 0 {
            usage["cached_input_tokens"] = json!(self.cached_tokens);
        }
        usage
    }
}

/// One request the server received.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    /// Header names in lower case.
    pub headers: BTreeMap<String, String>,
    pub body: Value,
    /// What the server reported, when it answered with a stream.
    pub usage: Option<Usage>,
}

impl Recorded {
    pub fn model(&self) -> &str {
        model_of(&self.path, &self.body)
    }

    /// Whether the request asks for a JSON schema, as only the judge does.
    pub fn is_judge(&self) -> bool {
        ["/response_format/json_schema", "/tool_choice", "/generationConfig/responseSchema"]
            .iter()
            .any(|p| self.body.pointer(p).is_some())
    }

    /// The text of the request's first user message (every block's, when it is a list of
    /// blocks, as Anthropic's are when marked for caching), and of the user messages right
    /// after it: a question whose context is split where its stable part ends is sent as
    /// consecutive user turns.
    pub fn user_message(&self) -> String {
        let text = |m: &Value| -> String {
            match &m["content"] {
                Value::String(s) => s.clone(),
                Value::Array(blocks) => blocks.iter().filter_map(|b| b["text"].as_str()).collect(),
                _ => String::new(),
            }
        };
        let messages = self.body["messages"].as_array().cloned().unwrap_or_default();
        messages.iter().skip_while(|m| m["role"] != "user").take_while(|m| m["role"] == "user").map(text).collect()
    }
}

impl Recorded {
    /// The text of the request's last message: a synth that continues the judge's
    /// conversation is told its task (and its answer's budget) there.
    pub fn last_message(&self) -> &str {
        let last = ["/messages", "/contents"].iter().find_map(|p| self.body.pointer(p)?.as_array()?.last());
        last.and_then(|m| {
            m["content"]
                .as_str()
                .or_else(|| m["content"][0]["text"].as_str())
                .or_else(|| m["parts"][0]["text"].as_str())
        })
        .unwrap_or_default()
    }
}

#[derive(Debug, Default)]
struct State {
    requests: Vec<Recorded>,
    in_flight: usize,
    max_in_flight: usize,
    slow_in_flight: usize,
    max_slow_in_flight: usize,
    /// Requests seen so far per model, for the stateful behaviours.
    seen: BTreeMap<String, usize>,
}

/// The fake server. It stops when dropped.
pub struct FakeServer {
    port: u16,
    state: Arc<Mutex<State>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl FakeServer {
    /// Binds 127.0.0.1 on a free port and serves on a thread of its own.
    pub fn start() -> FakeServer {
        let state = Arc::new(Mutex::new(State::default()));
        let (port_tx, port_rx) = std::sync::mpsc::channel();
        let (stop, mut stopped) = tokio::sync::oneshot::channel::<()>();
        let shared = state.clone();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("the fake server's runtime starts");
            runtime.block_on(async move {
                let listener = TcpListener::bind("127.0.0.1:0").await.expect("the fake server binds 127.0.0.1");
                let port = listener.local_addr().expect("a bound address").port();
                port_tx.send(port).expect("the test waits for the port");
                loop {
                    tokio::select! {
                        _ = &mut stopped => break,
                        accepted = listener.accept() => {
                            if let Ok((socket, _)) = accepted {
                                tokio::spawn(serve(socket, shared.clone()));
                            }
                        }
                    }
                }
            });
            // Drops the tasks still running (`hang` never finishes by itself).
            runtime.shutdown_background();
        });
        let port = port_rx.recv().expect("the fake server reports its port");
        FakeServer { port, state, stop: Some(stop), thread: Some(thread) }
    }

    /// The OpenAI-style base URL, ending in `/v1`.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}/v1", self.port)
    }

    /// The base URL without a version, as Anthropic and Gemini providers take it.
    pub fn origin(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Every request received, in arrival order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.state().requests.clone()
    }

    /// The requests whose body names `model` (without the `provider:` prefix).
    pub fn requests_for(&self, model: &str) -> Vec<Recorded> {
        self.requests().into_iter().filter(|r| r.model() == model).collect()
    }

    /// The most requests of any model that were in flight at once.
    pub fn max_in_flight(&self) -> usize {
        self.state().max_in_flight
    }

    /// The most requests of `slow-*` models that were in flight at once.
    pub fn max_slow_in_flight(&self) -> usize {
        self.state().max_slow_in_flight
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// What a model does, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Behaviour {
    Answer { delay_ms: u64 },
    Neutral,
    Junk,
    Fail(u16),
    Flaky(usize),
    Hang,
    EchoAuth,
    EchoAuthStream,
}

/// The model a request names: in the body, or in a Gemini path.
fn model_of<'a>(path: &'a str, body: &'a Value) -> &'a str {
    body["model"].as_str().or_else(|| native::model_in_path(path)).unwrap_or_default()
}

/// The number right after `prefix` in `model`, up to the next `-`.
fn number_after(model: &str, prefix: &str) -> Option<u64> {
    let rest = model.strip_prefix(prefix)?;
    rest.split('-').next()?.parse().ok()
}

fn behaviour(model: &str) -> Behaviour {
    if let Some(delay_ms) = number_after(model, "slow-") {
        Behaviour::Answer { delay_ms }
    } else if let Some(status) = number_after(model, "fail-") {
        Behaviour::Fail(u16::try_from(status).unwrap_or(500))
    } else if let Some(n) = number_after(model, "flaky-") {
        Behaviour::Flaky(usize::try_from(n).unwrap_or(0))
    } else if model.starts_with("anon-") {
        Behaviour::Neutral
    } else {
        match model {
            "hang" => Behaviour::Hang,
            "junk" => Behaviour::Junk,
            "echo-auth" => Behaviour::EchoAuth,
            "echo-auth-stream" => Behaviour::EchoAuthStream,
            _ => Behaviour::Answer { delay_ms: 0 },
        }
    }
}

/// Counts a request in flight until dropped (`finish`).
struct InFlight {
    state: Arc<Mutex<State>>,
    slow: bool,
    done: bool,
}

impl InFlight {
    fn begin(state: &Arc<Mutex<State>>, slow: bool) -> InFlight {
        let mut s = state.lock().unwrap_or_else(|p| p.into_inner());
        s.in_flight += 1;
        s.max_in_flight = s.max_in_flight.max(s.in_flight);
        if slow {
            s.slow_in_flight += 1;
            s.max_slow_in_flight = s.max_slow_in_flight.max(s.slow_in_flight);
        }
        InFlight { state: state.clone(), slow, done: false }
    }

    fn finish(&mut self) {
        if std::mem::replace(&mut self.done, true) {
            return;
        }
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        s.in_flight -= 1;
        if self.slow {
            s.slow_in_flight -= 1;
        }
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.finish();
    }
}

async fn serve(mut socket: TcpStream, state: Arc<Mutex<State>>) {
    let Some((method, path, headers, body)) = read_request(&mut socket).await else {
        return;
    };
    // The models lists `doctor` probes to prove a base URL's path (not recorded: no model
    // is asked anything).
    if method == "GET" && matches!(path.as_str(), "/v1/models" | "/v1beta/models") {
        let list = json!({"object": "list", "data": [], "models": []}).to_string();
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            list.len()
        );
        let _ = socket.write_all(format!("{head}{list}").as_bytes()).await;
        let _ = socket.shutdown().await;
        return;
    }
    let body: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let model = model_of(&path, &body).to_string();
    let behaviour = behaviour(&model);
    let (index, seen_before) = {
        let mut s = state.lock().unwrap_or_else(|p| p.into_inner());
        s.requests.push(Recorded {
            method,
            path: path.clone(),
            headers: headers.clone(),
            body: body.clone(),
            usage: None,
        });
        let seen = s.seen.entry(model.clone()).or_default();
        let before = *seen;
        *seen += 1;
        (s.requests.len() - 1, before)
    };
    let slow = matches!(behaviour, Behaviour::Answer { delay_ms } if delay_ms > 0);
    let mut flight = InFlight::begin(&state, slow);

    if let Some(api) = native::Api::of(&path) {
        if let Behaviour::Answer { delay_ms } = behaviour {
            tokio::time::sleep(Duration::from_millis(delay_ms)).await;
        }
        flight.finish();
        return match native::reply(api, &model, &body, &headers, behaviour, seen_before) {
            native::Reply::Hang => std::future::pending().await,
            native::Reply::Error { status, body } => write_error(&mut socket, status, &body).await,
            native::Reply::Stream { frames, usage } => {
                state.lock().unwrap_or_else(|p| p.into_inner()).requests[index].usage = usage;
                write_frames(&mut socket, &frames).await;
            }
        };
    }
    if path != "/v1/chat/completions" {
        flight.finish();
        let error = json!({"error": {"message": format!("no route {path}")}});
        return write_error(&mut socket, 404, &error).await;
    }
    let text = match behaviour {
        Behaviour::Hang => std::future::pending::<String>().await,
        Behaviour::Fail(status) => {
            flight.finish();
            let error =
                json!({"error": {"message": format!("fake failure {status} for {model}"), "type": "server_error"}});
            return write_error(&mut socket, status, &error).await;
        }
        Behaviour::Flaky(n) if seen_before < n => {
            flight.finish();
            let error = json!({"error": {"message": format!("flaky {model} is overloaded"), "type": "server_error"}});
            return write_error(&mut socket, 503, &error).await;
        }
        Behaviour::EchoAuth => {
            flight.finish();
            let sent = headers.get("authorization").cloned().unwrap_or_default();
            let error = json!({"error": {"message": format!("invalid key: you sent `{sent}`"), "type": "invalid_request_error"}});
            return write_error(&mut socket, 401, &error).await;
        }
        Behaviour::EchoAuthStream => {
            flight.finish();
            let sent = headers.get("authorization").cloned().unwrap_or_default();
            let error =
                json!({"error": {"message": format!("stream broke; you sent `{sent}`"), "type": "server_error"}});
            let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n";
            let _ = socket.write_all(format!("{head}data: {error}\n\n").as_bytes()).await;
            let _ = socket.shutdown().await;
            return;
        }
        Behaviour::Junk => JUNK_ANSWER.to_string(),
        Behaviour::Answer { delay_ms } => {
            tokio::time::sleep(Duration::from_millis(delay_ms)).await;
            reply_text(&model, &body, answer_of(&model))
        }
        Behaviour::Flaky(_) => reply_text(&model, &body, answer_of(&model)),
        Behaviour::Neutral => reply_text(&model, &body, NEUTRAL_ANSWER.to_string()),
    };
    // `nousage-*` models report no usage, as some OpenAI-compatible servers don't.
    let usage = (!model.starts_with("nousage")).then(|| usage_of(&body, &text));
    {
        let mut s = state.lock().unwrap_or_else(|p| p.into_inner());
        s.requests[index].usage = usage;
    }
    write_stream(&mut socket, &model, &text, usage, &mut flight).await;
}

/// The judge gets a verdict; everyone else gets `plain`.
fn reply_text(model: &str, body: &Value, plain: String) -> String {
    let labels = body.pointer("/response_format/json_schema/schema/properties/ranking/items/enum");
    match labels.and_then(Value::as_array).cloned().or_else(|| labels_asked_in_words(body)) {
        Some(labels) => verdict(model, &labels),
        None => plain,
    }
}

/// The labels of a judge's request that asks for the verdict in words only (as it does
/// when the synth will continue its conversation): its last message is the judge's, whose
/// task, after the last answer's frame, names the labels to score (`for each label (A, B)`).
pub fn labels_asked_in_words(body: &Value) -> Option<Vec<Value>> {
    let last = ["/messages", "/contents"].iter().find_map(|p| body.pointer(p)?.as_array()?.last())?;
    let text = last["content"]
        .as_str()
        .or_else(|| last["content"][0]["text"].as_str())
        .or_else(|| last["parts"][0]["text"].as_str())?;
    let task = &text[text.rfind("## Your task")?..];
    if !task.contains("\"ranking\"") {
        return None;
    }
    let listed = task.split_once("for each label (")?.1.split_once(')')?.0;
    let labels: Vec<Value> = listed.split(", ").map(|l| Value::from(l.trim())).collect();
    (!labels.is_empty()).then_some(labels)
}

/// A valid verdict ranking the labels in the schema's order, best first.
fn verdict(model: &str, labels: &[Value]) -> String {
    let labels: Vec<&str> = labels.iter().filter_map(Value::as_str).collect();
    let scores: serde_json::Map<String, Value> = labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let score = 9usize.saturating_sub(i);
            let reason = format!("{model} finds answer {l} fine");
            (l.to_string(), json!({"score": score, "reason": reason}))
        })
        .collect();
    json!({
        "scores": scores,
        "ranking": labels,
        "consensus": ["the sky is blue"],
        "contradictions": [],
        "partial_coverage": [],
        "unique_insights": [],
        "blind_spots": [],
    })
    .to_string()
}

/// Deterministic usage that depends on the request and the answer.
fn usage_of(body: &Value, text: &str) -> Usage {
    let prompt_chars: usize = body["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m["content"].as_str())
        .map(|c| c.chars().count())
        .sum();
    Usage {
        prompt_tokens: (prompt_chars / 4 + 1) as u64,
        completion_tokens: text.split_whitespace().count() as u64,
        cached_tokens: 0,
    }
}

async fn read_request(socket: &mut TcpStream) -> Option<(String, String, BTreeMap<String, String>, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = std::str::from_utf8(&buf[..head_end]).ok()?;
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split(' ');
    let method = request_line.next()?.to_string();
    let path = request_line.next()?.to_string();
    let headers: BTreeMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length: usize = headers.get("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    body.truncate(length);
    Some((method, path, headers, body))
}

async fn write_error(socket: &mut TcpStream, status: u16, error: &Value) {
    let body = error.to_string();
    let head = format!(
        "HTTP/1.1 {status} Fake Error\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        body.len()
    );
    let _ = socket.write_all(head.as_bytes()).await;
    let _ = socket.write_all(body.as_bytes()).await;
    let _ = socket.shutdown().await;
}

fn chunk(model: &str, choices: Value, usage: Option<Usage>) -> String {
    let mut value = json!({
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": model,
        "choices": choices,
    });
    if let Some(u) = usage {
        value["usage"] = json!({
            "prompt_tokens": u.prompt_tokens,
            "completion_tokens": u.completion_tokens,
            "total_tokens": u.prompt_tokens + u.completion_tokens,
        });
    }
    format!("data: {value}\n\n")
}

/// Streams `text` as Chat Completions chunks, the usage chunk, then `[DONE]`. The
/// request stops counting as in flight just before `[DONE]`, so that a client which
/// waits for `[DONE]` can never see it still counted.
async fn write_stream(socket: &mut TcpStream, model: &str, text: &str, usage: Option<Usage>, flight: &mut InFlight) {
    let head =
        "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\nconnection: close\r\n\r\n";
    if socket.write_all(head.as_bytes()).await.is_err() {
        return;
    }
    let mut frames = vec![chunk(
        model,
        json!([{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": null}]),
        None,
    )];
    let pieces: Vec<&str> = text.split_inclusive(' ').collect();
    for (i, piece) in pieces.iter().enumerate() {
        let finish = if i + 1 == pieces.len() { json!("stop") } else { Value::Null };
        frames.push(chunk(model, json!([{"index": 0, "delta": {"content": piece}, "finish_reason": finish}]), None));
    }
    if usage.is_some() {
        frames.push(chunk(model, json!([]), usage));
    }
    for frame in frames {
        if socket.write_all(frame.as_bytes()).await.is_err() {
            return;
        }
        let _ = socket.flush().await;
    }
    flight.finish();
    let _ = socket.write_all(b"data: [DONE]\n\n").await;
    let _ = socket.flush().await;
    let _ = socket.shutdown().await;
}

/// Writes a 200 SSE response of `frames`, then closes.
async fn write_frames(socket: &mut TcpStream, frames: &[String]) {
    let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n";
    if socket.write_all(head.as_bytes()).await.is_err() {
        return;
    }
    for frame in frames {
        if socket.write_all(frame.as_bytes()).await.is_err() {
            return;
        }
        let _ = socket.flush().await;
    }
    let _ = socket.shutdown().await;
}

/// A temporary `FRONTIER_HOME` with a `config.toml` pointing provider `local` at a fresh
/// fake server, and a way to run the `frontier` binary in it.
pub struct TestEnv {
    server: FakeServer,
    dir: tempfile::TempDir,
    max_attempts: u32,
    base_delay_ms: u64,
    keyed: Vec<(String, String)>,
    /// Replaces the generated config.toml when set.
    config_text: Option<String>,
    /// Appended to the generated config.toml.
    extra_config: String,
}

impl Default for TestEnv {
    fn default() -> Self {
        TestEnv::new()
    }
}

impl TestEnv {
    /// Retries off (`max_attempts = 1`), so that failures show at once.
    pub fn new() -> TestEnv {
        TestEnv {
            server: FakeServer::start(),
            dir: tempfile::tempdir().expect("a temp dir"),
            max_attempts: 1,
            base_delay_ms: 10,
            keyed: Vec::new(),
            config_text: None,
            extra_config: String::new(),
        }
    }

    /// Appends `text` (TOML) to the generated config.toml.
    pub fn extra_config(mut self, text: &str) -> TestEnv {
        self.extra_config.push_str(text);
        self
    }

    /// Uses `text` as config.toml instead of the generated one.
    pub fn config(mut self, text: &str) -> TestEnv {
        self.config_text = Some(text.to_string());
        self
    }

    /// Sets `[retry] max_attempts` and `base_delay_ms`.
    pub fn retries(mut self, max_attempts: u32, base_delay_ms: u64) -> TestEnv {
        self.max_attempts = max_attempts;
        self.base_delay_ms = base_delay_ms;
        self
    }

    /// Adds a provider `name` on the same server whose key is read from `var`.
    pub fn keyed_provider(mut self, name: &str, var: &str) -> TestEnv {
        self.keyed.push((name.to_string(), var.to_string()));
        self
    }

    pub fn server(&self) -> &FakeServer {
        &self.server
    }

    /// The directory `FRONTIER_HOME` points to.
    pub fn frontier_home(&self) -> PathBuf {
        self.dir.path().join("frontier")
    }

    /// The directory `HOME` points to.
    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    pub fn config_toml(&self) -> String {
        if let Some(text) = &self.config_text {
            return text.clone();
        }
        let base_url = self.server.base_url();
        let mut text = format!(
            "[retry]\nmax_attempts = {}\nbase_delay_ms = {}\n\n\
             [providers.local]\nkind = \"openai\"\nbase_url = \"{base_url}\"\n",
            self.max_attempts, self.base_delay_ms
        );
        for (name, var) in &self.keyed {
            text.push_str(&format!(
                "\n[providers.{name}]\nkind = \"openai\"\nbase_url = \"{base_url}\"\napi_key_env = \"{var}\"\n"
            ));
        }
        text.push_str(&self.extra_config);
        text
    }

    /// `$ frontier ARGS`, the exit code and stderr of each case in turn, with the home
    /// directory written `[FRONTIER_HOME]`: a transcript for one snapshot.
    pub fn transcript(&self, cases: &[&[&str]]) -> String {
        let mut out = String::new();
        for args in cases {
            let outcome = self.frontier(*args).output();
            out.push_str(&format!("$ frontier {}\nexit {:?}\n{}\n", args.join(" "), outcome.code, outcome.stderr));
        }
        out.replace(&self.frontier_home().display().to_string(), "[FRONTIER_HOME]")
    }

    /// The one directory on the child's `PATH`; empty until a test names programs.
    pub fn bin_dir(&self) -> PathBuf {
        self.dir.path().join("bin")
    }

    /// Writes an executable `/bin/sh` script `name` with `body` into `bin_dir`, and returns
    /// its path. The commands in `body` resolve through the same `PATH`: name the real
    /// ones it needs with `real_program`.
    ///
    /// A shell writes it: written from this multi-threaded process, another test's `fork`
    /// could hold it open for writing when it runs, which fails with "Text file busy".
    pub fn fake_program(&self, name: &str, body: &str) -> PathBuf {
        let path = self.ensure_bin_dir().join(name);
        let status = std::process::Command::new("/bin/sh")
            .args(["-c", r#"printf '%s' "$1" > "$0" && chmod 755 "$0""#])
            .arg(&path)
            .arg(format!("#!/bin/sh\n{body}\n"))
            .status()
            .expect("a shell can write a fake program");
        assert!(status.success(), "writing {} failed: {status}", path.display());
        path
    }

    /// Links each of the system's own `names` (found in `/usr/bin` or `/bin`, never via the
    /// developer's `PATH`) into `bin_dir`, for fake programs that call them.
    pub fn real_programs(&self, names: &[&str]) {
        let bin = self.ensure_bin_dir();
        for name in names {
            let real = ["/usr/bin", "/bin"]
                .iter()
                .map(|dir| Path::new(dir).join(name))
                .find(|p| p.is_file())
                .unwrap_or_else(|| panic!("`{name}` is in neither /usr/bin nor /bin"));
            let link = bin.join(name);
            if !link.exists() {
                std::os::unix::fs::symlink(&real, &link).expect("a real program can be linked");
            }
        }
    }

    fn ensure_bin_dir(&self) -> PathBuf {
        let bin = self.bin_dir();
        std::fs::create_dir_all(&bin).expect("the bin dir can be created");
        bin
    }

    /// `frontier ARGS` with only PATH (`bin_dir`), HOME and FRONTIER_HOME in its environment.
    pub fn frontier<I, S>(&self, args: I) -> Invocation
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let mut cmd = assert_cmd::Command::from_std(self.command(args));
        cmd.timeout(COMMAND_TIMEOUT);
        Invocation { cmd }
    }

    /// The same command as a `std::process::Command`, for tests that spawn it.
    pub fn command<I, S>(&self, args: I) -> std::process::Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let config_dir = self.frontier_home().join("config");
        std::fs::create_dir_all(&config_dir).expect("the config dir can be created");
        std::fs::create_dir_all(self.home()).expect("HOME can be created");
        std::fs::write(config_dir.join("config.toml"), self.config_toml()).expect("config.toml can be written");
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_frontier"));
        cmd.env_clear()
            .env("HOME", self.home())
            .env("FRONTIER_HOME", self.frontier_home())
            .env("PATH", self.bin_dir())
            .current_dir(self.dir.path())
            .args(args);
        cmd
    }

    /// The directory commands run in.
    pub fn work_dir(&self) -> &Path {
        self.dir.path()
    }

    /// Every file frontier may have written (under the work dir, apart from `bin_dir`'s
    /// programs), with its contents (lossy UTF-8).
    pub fn files(&self) -> Vec<(PathBuf, String)> {
        fn walk(dir: &Path, skip: &Path, out: &mut Vec<(PathBuf, String)>) {
            let Ok(entries) = std::fs::read_dir(dir) else {
                return;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path == skip {
                    continue;
                }
                if path.is_dir() {
                    walk(&path, skip, out);
                } else if let Ok(bytes) = std::fs::read(&path) {
                    out.push((path, String::from_utf8_lossy(&bytes).into_owned()));
                }
            }
        }
        let mut out = Vec::new();
        walk(self.dir.path(), &self.bin_dir(), &mut out);
        out
    }
}

/// One prepared run of the binary.
pub struct Invocation {
    cmd: assert_cmd::Command,
}

impl Invocation {
    /// Adds a variable to the child's environment (never to the test process's).
    pub fn env(mut self, key: &str, value: &str) -> Invocation {
        self.cmd.env(key, value);
        self
    }

    /// Feeds `text` on the child's stdin.
    pub fn stdin(mut self, text: &str) -> Invocation {
        self.cmd.write_stdin(text.to_string());
        self
    }

    pub fn output(mut self) -> Outcome {
        let output = self.cmd.output().expect("frontier runs");
        Outcome {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }
}

/// What a run of the binary printed, and how it exited.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Outcome {
    /// stdout parsed as one JSON document (a `RunReport` for `run --json`).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}):\n{self}"))
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "exit code: {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}", self.code, self.stdout, self.stderr)
    }
}

/// Whether process `pid` is gone (or a zombie awaiting its reaper) within a few seconds.
pub fn gone_soon(pid: &str) -> bool {
    let until = std::time::Instant::now() + Duration::from_secs(5);
    while std::time::Instant::now() < until {
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            Err(_) => return true,
            Ok(stat) if stat.rsplit(')').next().is_some_and(|rest| rest.trim_start().starts_with('Z')) => return true,
            Ok(_) => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    false
}

/// The body of a fake agent CLI (for `fake_program`) that hangs: it records where frontier
/// asked for codex's last message, reads its prompt, starts a grandchild, records both
/// pids in `pids` (`NAME.child`, `NAME.grandchild`, atomically by rename) and sleeps.
pub fn hanging_cli(pids: &Path) -> String {
    format!(
        r#"name=$(basename "$0")
dir='{dir}'
prev=
for a in "$@"; do
    if [ "$prev" = --output-last-message ]; then printf '%s\n' "$a" > "$dir/$name.scratch"; fi
    prev=$a
done
cat > /dev/null
sleep 300 &
echo $! > "$dir/$name.tmp" && mv "$dir/$name.tmp" "$dir/$name.grandchild"
echo $$ > "$dir/$name.tmp" && mv "$dir/$name.tmp" "$dir/$name.child"
sleep 300
"#,
        dir = pids.display()
    )
}
