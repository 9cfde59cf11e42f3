//! The built-in offline mock provider, for tests, demos and benchmarks. Answers with
//! deterministic text derived from its name and the request (up to the random nonces
//! frontier frames outside text with: 32 lowercase hex digits, left out of the hash, so
//! the same question gets the same answer run after run); asked for structured
//! output, it returns a JSON value that satisfies the requested schema (so as a judge it
//! scores exactly the labels it was shown). `delay_ms`, `fail`, `stop` and `reply`
//! options inject latency, failures, stop reasons and scripted text; `demo=ROLE` plays a
//! part in the demo preset's run (`demo`).
//!
//! Knows nothing about judges or panels: only chat requests and JSON schemas (the demo
//! mode alone reads the judge's keys in a schema). The options and their query syntax
//! are `options`.

mod demo;
mod options;

use std::time::Duration;

pub use options::{MockFailure, MockOptionError, MockOptions};
use serde_json::{Map, Value, json};

use super::usage::{Usage, estimate_tokens};
use super::{ChatRequest, EventStream, Provider, ProviderError, Role, StreamEvent};

pub struct MockProvider {
    name: String,
    options: MockOptions,
}

impl MockProvider {
    pub fn new(name: &str, options: MockOptions) -> Self {
        MockProvider { name: name.to_string(), options }
    }

    /// The full answer to `request`, or the failure the options ask for.
    fn answer(&self, request: &ChatRequest) -> Option<String> {
        if let Some(reply) = &self.options.reply {
            return Some(reply.clone());
        }
        // Every message counts, its nonces left out.
        // A message's blocks are one text: the answer is the same however it was split.
        let messages: Vec<String> = request.messages().iter().map(|m| m.text().into_owned()).collect();
        let texts: Vec<String> = messages.iter().map(|m| without_nonces(m)).collect();
        let mut parts = vec![self.name.as_bytes(), request.system.as_bytes()];
        parts.extend(texts.iter().map(|t| t.as_bytes()));
        let seed = fnv1a(&parts);
        let turn = this_turn(request);
        let opening = turn.first().map_or(request.user.as_str(), String::as_str);
        if let Some(role) = self.options.demo {
            let raw: Vec<&str> = turn.iter().map(String::as_str).collect();
            return Some(match &request.json_schema {
                Some(schema) => demo::verdict(&schema.schema, &raw, instance(&schema.schema, seed, "")).to_string(),
                None => demo::prose(role, &self.name, &raw),
            });
        }
        Some(match &request.json_schema {
            Some(schema) => {
                let mut value = instance(&schema.schema, seed, "");
                if let Some(chars) = self.options.reason_chars {
                    lengthen_reasons(&mut value, chars);
                }
                value.to_string()
            }
            None => prose(&self.name, opening, seed),
        })
    }
}

/// The messages of `request`'s own turn (a message's blocks joined): from the last that shows the question to a judge, a
/// ranker or the synth (`## Question`), which a synth continuing the judge's
/// conversation has before its own; else the last user message alone. The thread of
/// earlier turns before it is not this turn's question.
fn this_turn(request: &ChatRequest) -> Vec<String> {
    let mut merged: Vec<(Role, String)> = request.messages().iter().map(|m| (m.role, m.text().into_owned())).collect();
    let is_user = |(role, _): &(Role, String)| *role == Role::User;
    let start = merged
        .iter()
        .rposition(|m| is_user(m) && m.1.starts_with("## Question"))
        .or_else(|| merged.iter().rposition(is_user))
        .unwrap_or_default();
    merged.split_off(start).into_iter().map(|(_, text)| text).collect()
}

/// `text` with each run of exactly 32 lowercase hex digits (a frame's nonce, random in
/// every request) replaced by `[nonce]`.
fn without_nonces(text: &str) -> String {
    let hex = |b: u8| b.is_ascii_digit() || (b'a'..=b'f').contains(&b);
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !hex(bytes[i]) {
            i += 1;
            continue;
        }
        let run = bytes[i..].iter().take_while(|b| hex(**b)).count();
        if run == 32 {
            out.push_str(&text[copied..i]);
            out.push_str("[nonce]");
            copied = i + run;
        }
        i += run;
    }
    out.push_str(&text[copied..]);
    out
}

/// `text` repeated (space-separated, as words) to exactly `chars` characters.
fn padded(text: &str, chars: usize) -> String {
    std::iter::repeat_n(text, chars / (text.len() + 1) + 1).collect::<Vec<_>>().join(" ").chars().take(chars).collect()
}

/// Every `reason` string in `value`, made `chars` characters long.
fn lengthen_reasons(value: &mut Value, chars: usize) {
    match value {
        Value::Object(map) => {
            for (key, sub) in map.iter_mut() {
                match sub {
                    Value::String(s) if key == "reason" => *s = padded(s, chars),
                    _ => lengthen_reasons(sub, chars),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| lengthen_reasons(v, chars)),
        _ => {}
    }
}

impl Provider for MockProvider {
    fn stream(&self, request: ChatRequest) -> EventStream {
        let delay = Duration::from_millis(self.options.delay_ms);
        let fail = self.options.fail;
        let stop = self.options.stop.clone();
        let message = self.options.error_chars.map_or("mock failure".to_string(), |n| padded("mock failure", n));
        let answer = self.answer(&request);
        let input_tokens =
            request.messages().iter().fold(estimate_tokens(&request.system), |sum, m| sum + estimate_tokens(&m.text()));
        Box::pin(async_stream::try_stream! {
            latency(delay).await;
            match fail {
                Some(MockFailure::Timeout) => {
                    futures::future::pending::<()>().await;
                }
                Some(MockFailure::Status(status)) => {
                    Err(ProviderError::Http { status, message, retry_after: None })?;
                }
                Some(MockFailure::Midway) | None => {}
            }
            let text = answer.unwrap_or_default();
            if fail == Some(MockFailure::Midway) {
                let half = (0..=text.len() / 2).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
                yield StreamEvent::Delta(text[..half].to_string());
                futures::future::pending::<()>().await;
            }
            for piece in chunks(&text) {
                yield StreamEvent::Delta(piece.to_string());
            }
            let usage = Usage::new(input_tokens, estimate_tokens(&text));
            yield StreamEvent::Done { usage: Some(usage), stop_reason: Some(stop.unwrap_or_else(|| "stop".into())) };
        })
    }
}

/// How much of a delay the blocking pool sleeps, precisely, after tokio's timer.
const PRECISE_TAIL: Duration = Duration::from_millis(2);

/// Waits `delay`, as closely as a real server's first byte would arrive. tokio's timer
/// has a resolution of a millisecond and wakes up to one (or, parked in `epoll_wait`,
/// two) late, where a socket wakes the runtime the moment data arrives; benchmarks of
/// frontier's overhead (docs/benchmarks.md) would count the mock's lateness as
/// frontier's. So the timer takes all but the last 2 ms, and a blocking-pool thread
/// sleeps those precisely; a cancelled run leaves that thread at most 2 ms to finish.
async fn latency(delay: Duration) {
    if delay.is_zero() {
        return;
    }
    let until = std::time::Instant::now() + delay;
    if let Some(coarse) = delay.checked_sub(PRECISE_TAIL) {
        tokio::time::sleep(coarse).await;
    }
    let tail = until.saturating_duration_since(std::time::Instant::now());
    if !tail.is_zero() {
        // A runtime without a blocking pool can't happen here; the timer is then close enough.
        if tokio::task::spawn_blocking(move || std::thread::sleep(tail)).await.is_err() {
            tokio::time::sleep(tail).await;
        }
    }
}

/// Splits text into a few word-boundary chunks, as a real stream would arrive.
fn chunks(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, _) in text.match_indices(' ') {
        if i - start >= 24 {
            out.push(&text[start..i]);
            start = i;
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// FNV-1a over several byte strings: stable across runs and platforms.
fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for byte in part.iter().chain(&[0xff]) {
            hash ^= u64::from(*byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

fn prose(name: &str, prompt: &str, seed: u64) -> String {
    // The first line that is not a markdown heading: the question, in a judge's or
    // synth's message as much as in a member's.
    let line = prompt.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('#')).unwrap_or_default();
    let topic: String = line.split_whitespace().take(12).collect::<Vec<_>>().join(" ");
    let topic: String = topic.chars().take(80).collect();
    let angles =
        ["start from first principles", "check the edge cases", "weigh the trade-offs", "look at a worked example"];
    let angle = angles[(seed % angles.len() as u64) as usize];
    format!("{name} on \"{topic}\": I would {angle}. Mock answer {:04x}.", seed & 0xffff)
}

/// A JSON value that satisfies `schema` (the subset frontier's schemas use: objects with
/// properties, arrays of enum values or strings, bounded integers and numbers, strings).
fn instance(schema: &Value, seed: u64, path: &str) -> Value {
    let kind = schema.get("type").and_then(Value::as_str).unwrap_or("string");
    match kind {
        "object" => {
            let mut out = Map::new();
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                for (key, sub) in props {
                    let sub_seed = fnv1a(&[&seed.to_le_bytes(), key.as_bytes()]);
                    out.insert(key.clone(), instance(sub, sub_seed, key));
                }
            }
            Value::Object(out)
        }
        "array" => {
            let items = schema.get("items").cloned().unwrap_or(Value::Null);
            if let Some(options) = items.get("enum").and_then(Value::as_array) {
                // An array of enum values is filled with each value once, in a seeded order.
                let mut values = options.clone();
                shuffle(&mut values, seed);
                return Value::Array(values);
            }
            let count = 1 + (seed % 2) as usize;
            Value::Array((0..count).map(|i| instance(&items, seed.wrapping_add(i as u64), path)).collect())
        }
        "integer" | "number" => {
            let min = schema.get("minimum").and_then(Value::as_i64).unwrap_or(0);
            let max = schema.get("maximum").and_then(Value::as_i64).unwrap_or(min + 100).max(min);
            // Favour the upper half of the range: mock answers are "good".
            let low = min + (max - min) / 2;
            json!(low + (seed % ((max - low + 1) as u64)) as i64)
        }
        "boolean" => json!(seed.is_multiple_of(2)),
        _ => match schema.get("enum").and_then(Value::as_array) {
            Some(options) if !options.is_empty() => options[(seed % options.len() as u64) as usize].clone(),
            _ => json!(format!("mock {} note {:03x}", path.replace('_', " "), seed & 0xfff)),
        },
    }
}

fn shuffle<T>(items: &mut [T], mut seed: u64) {
    for i in (1..items.len()).rev() {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        items.swap(i, (seed >> 33) as usize % (i + 1));
    }
}

#[cfg(test)]
mod tests {
    use futures::StreamExt as _;
    use pretty_assertions::assert_eq;

    use super::*;
    use crate::provider::JsonSchema;

    fn request(user: &str, schema: Option<Value>) -> ChatRequest {
        ChatRequest {
            system: "s".into(),
            user: user.into(),
            conversation: Default::default(),
            json_schema: schema.map(|schema| JsonSchema { name: "x".into(), schema }),
            deadline: tokio::time::Instant::now() + Duration::from_secs(5),
            params: crate::provider::Params::default(),
        }
    }

    async fn collect(provider: &MockProvider, req: ChatRequest) -> Result<String, ProviderError> {
        let mut stream = provider.stream(req);
        let mut text = String::new();
        while let Some(event) = stream.next().await {
            if let StreamEvent::Delta(t) = event? {
                text.push_str(&t);
            }
        }
        Ok(text)
    }

    #[test]
    fn a_follow_ups_question_is_its_own_turns_not_the_threads_first() {
        use crate::provider::{Conversation, Turn};
        let said = |role, text: &str| Turn { role, text: text.into() };
        let thread = vec![said(Role::User, "What is 6*7?"), said(Role::Assistant, "42.")];
        let follow_up = |user: &str| ChatRequest {
            conversation: Conversation { prior: thread.clone(), ..Conversation::default() },
            ..request(user, None)
        };
        assert_eq!(this_turn(&follow_up("And 8*9?")), ["And 8*9?"]);
        // A judge's message, and a synth continuing it: from the question shown to them.
        let judged = "## Question\n\nAnd 8*9?\n\n## Answers";
        let mut synth = follow_up("## Your next task");
        synth.conversation.prior.extend([said(Role::User, judged), said(Role::Assistant, "{}")]);
        assert_eq!(this_turn(&synth), [judged, "{}", "## Your next task"]);
        // Blocks of one message are one message.
        let mut blocks = follow_up("prompt");
        blocks.conversation.prior.push(said(Role::User, "context, "));
        assert_eq!(this_turn(&blocks), ["context, prompt"]);
        let demo =
            MockProvider::new("demo", MockOptions { demo: Some(demo::DemoRole::Terse), ..MockOptions::default() });
        assert_eq!(demo.answer(&follow_up("And 8*9?")).as_deref(), Some("72."));
    }

    #[test]
    fn nonces_are_left_out_of_what_the_answer_depends_on() {
        let nonce = "0123456789abcdef0123456789abcdef";
        assert_eq!(without_nonces(&format!("[[answer A {nonce}]]\nx {nonce}]]")), "[[answer A [nonce]]]\nx [nonce]]]");
        assert_eq!(without_nonces(&format!("é{nonce}é")), "é[nonce]é");
        for kept in ["deadbeef", &format!("{nonce}0"), &nonce.to_uppercase(), ""] {
            assert_eq!(without_nonces(kept), kept, "a run of other than 32 lowercase hex digits is kept");
        }
        let mock = MockProvider::new("m", MockOptions::default());
        let asked = |n: &str| mock.answer(&request(&format!("Why?\n[[answer A {n}]]\nok\n[[end answer A {n}]]"), None));
        assert_eq!(asked(nonce), asked("fedcba9876543210fedcba9876543210"));
        assert_ne!(asked(nonce), mock.answer(&request("Why?", None)));
    }

    #[tokio::test]
    async fn answers_are_deterministic_and_differ_by_name() {
        let a = MockProvider::new("alpha", MockOptions::default());
        let b = MockProvider::new("beta", MockOptions::default());
        let first = collect(&a, request("What is 6*7?", None)).await;
        assert_eq!(first, collect(&a, request("What is 6*7?", None)).await);
        assert_ne!(first, collect(&b, request("What is 6*7?", None)).await);
        assert!(first.unwrap_or_default().starts_with("alpha on \"What is 6*7?\""));
    }

    #[tokio::test]
    async fn structured_output_satisfies_the_schema() {
        let schema = json!({
            "type": "object",
            "properties": {
                "scores": {"type": "object", "properties": {
                    "A": {"type": "object", "properties": {"score": {"type": "integer", "minimum": 0, "maximum": 10}, "reason": {"type": "string"}}},
                    "B": {"type": "object", "properties": {"score": {"type": "integer", "minimum": 0, "maximum": 10}, "reason": {"type": "string"}}}
                }},
                "ranking": {"type": "array", "items": {"type": "string", "enum": ["A", "B"]}},
                "consensus": {"type": "array", "items": {"type": "string"}}
            }
        });
        let judge = MockProvider::new("judge", MockOptions::default());
        let text = collect(&judge, request("q", Some(schema))).await.unwrap_or_default();
        let value: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        let mut ranking: Vec<&str> =
            value["ranking"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
        ranking.sort_unstable();
        assert_eq!(ranking, ["A", "B"]);
        for label in ["A", "B"] {
            let score = value["scores"][label]["score"].as_i64().unwrap_or(-1);
            assert!((5..=10).contains(&score), "{label}: {score}");
        }
    }

    #[tokio::test]
    async fn failures_and_replies_are_injected() {
        let failing =
            MockProvider::new("f", MockOptions { fail: Some(MockFailure::Status(429)), ..Default::default() });
        assert_eq!(
            collect(&failing, request("q", None)).await,
            Err(ProviderError::Http { status: 429, message: "mock failure".into(), retry_after: None })
        );
        let scripted = MockProvider::new("r", MockOptions { reply: Some("exactly this".into()), ..Default::default() });
        assert_eq!(collect(&scripted, request("q", None)).await, Ok("exactly this".into()));
    }

    #[tokio::test]
    async fn a_delay_is_never_cut_short() {
        for ms in [1, 2, 3, 25] {
            let delay = Duration::from_millis(ms);
            let started = std::time::Instant::now();
            latency(delay).await;
            assert!(started.elapsed() >= delay, "{ms} ms took {:?}", started.elapsed());
        }
    }
}
