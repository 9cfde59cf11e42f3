//! The fake server's Anthropic Messages (`POST /v1/messages`) and Gemini
//! (`POST /v1beta/models/MODEL:streamGenerateContent?alt=sse`) dialects. Pure: this file
//! decides what to answer; `serve` in `mod.rs` records the request and writes the bytes.
//!
//! Models behave as their names say (see `mod.rs`), in each API's own error and stream
//! shapes: a `flaky-<n>` Anthropic model answers 529 `overloaded_error` (Gemini: 503
//! `UNAVAILABLE`); `echo-auth` quotes the request's key header in a 401 body and
//! `echo-auth-stream` in a mid-stream error. A request that forces a tool (Anthropic) or
//! sets `responseSchema` (Gemini) gets a verdict: as the tool's input, or as the text.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{Behaviour, JUNK_ANSWER, NEUTRAL_ANSWER, Usage, answer_of, labels_asked_in_words, verdict};

/// Gemini's thinking tokens in every fake answer; a report counts them as output.
const GEMINI_THOUGHT_TOKENS: u64 = 5;
/// Anthropic's cache-read tokens in every fake answer; a report counts them as input.
const ANTHROPIC_CACHE_READ_TOKENS: u64 = 2;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    Anthropic,
    Gemini,
}

impl Api {
    /// The dialect a request path asks for, if it is one of these two.
    pub fn of(path: &str) -> Option<Api> {
        if path == "/v1/messages" {
            Some(Api::Anthropic)
        } else if model_in_path(path).is_some() {
            Some(Api::Gemini)
        } else {
            None
        }
    }

    fn key_header(self) -> &'static str {
        match self {
            Api::Anthropic => "x-api-key",
            Api::Gemini => "x-goog-api-key",
        }
    }
}

/// The model of a Gemini request path.
pub fn model_in_path(path: &str) -> Option<&str> {
    let rest = path.strip_prefix("/v1beta/models/")?;
    rest.split_once(":streamGenerateContent").map(|(model, _)| model)
}

/// What to answer.
pub enum Reply {
    Error {
        status: u16,
        body: Value,
    },
    /// A 200 SSE stream of these frames; `usage` is what a report should show for it.
    Stream {
        frames: Vec<String>,
        usage: Option<Usage>,
    },
    Hang,
}

pub fn reply(
    api: Api,
    model: &str,
    body: &Value,
    headers: &BTreeMap<String, String>,
    behaviour: Behaviour,
    seen_before: usize,
) -> Reply {
    let sent = headers.get(api.key_header()).cloned().unwrap_or_default();
    let text = match behaviour {
        Behaviour::Hang => return Reply::Hang,
        Behaviour::Fail(status) => return error(api, status, &format!("fake failure {status} for {model}")),
        Behaviour::Flaky(n) if seen_before < n => {
            let status = if api == Api::Anthropic { 529 } else { 503 };
            return error(api, status, &format!("flaky {model} is overloaded"));
        }
        Behaviour::EchoAuth => return error(api, 401, &format!("invalid key: you sent `{sent}`")),
        Behaviour::EchoAuthStream => {
            let message = format!("stream broke; you sent `{sent}`");
            let frame = match api {
                Api::Anthropic => {
                    let data = json!({"type": "error", "error": {"type": "api_error", "message": message}});
                    format!("event: error\ndata: {data}\n\n")
                }
                Api::Gemini => {
                    format!("data: {}\n\n", json!({"error": {"code": 500, "message": message, "status": "INTERNAL"}}))
                }
            };
            return Reply::Stream { frames: vec![frame], usage: None };
        }
        Behaviour::Junk => JUNK_ANSWER.to_string(),
        Behaviour::Neutral => NEUTRAL_ANSWER.to_string(),
        Behaviour::Answer { .. } | Behaviour::Flaky(_) => answer_of(model),
    };
    let labels = match api {
        Api::Anthropic => body.pointer("/tools/0/input_schema/properties/ranking/items/enum"),
        Api::Gemini => body.pointer("/generationConfig/responseSchema/properties/ranking/items/enum"),
    };
    let forced = labels.and_then(Value::as_array).is_some();
    let judged = labels.and_then(Value::as_array).cloned().or_else(|| labels_asked_in_words(body));
    let judged = judged.filter(|_| behaviour != Behaviour::Junk);
    let text = judged.as_ref().map_or(text, |labels| verdict(model, labels));
    let prompt: usize =
        ["/system", "/messages/0/content", "/systemInstruction/parts/0/text", "/contents/0/parts/0/text"]
            .iter()
            .filter_map(|p| body.pointer(p).and_then(Value::as_str))
            .map(|t| t.chars().count())
            .sum();
    let input = (prompt / 4 + 1) as u64;
    let output = text.split_whitespace().count() as u64;
    match api {
        Api::Anthropic => {
            let usage = Usage {
                prompt_tokens: input + ANTHROPIC_CACHE_READ_TOKENS,
                completion_tokens: output,
                cached_tokens: ANTHROPIC_CACHE_READ_TOKENS,
            };
            // Only a forced tool's verdict streams as the tool's input.
            let tool = forced && judged.is_some();
            Reply::Stream { frames: anthropic_frames(&text, tool, input, output), usage: Some(usage) }
        }
        Api::Gemini => {
            let usage =
                Usage { prompt_tokens: input, completion_tokens: output + GEMINI_THOUGHT_TOKENS, cached_tokens: 0 };
            Reply::Stream { frames: gemini_frames(&text, input, output), usage: Some(usage) }
        }
    }
}

fn error(api: Api, status: u16, message: &str) -> Reply {
    let body = match api {
        Api::Anthropic => {
            let kind = if status == 529 { "overloaded_error" } else { "api_error" };
            json!({"type": "error", "error": {"type": kind, "message": message}})
        }
        Api::Gemini => json!({"error": {"code": status, "message": message, "status": "UNAVAILABLE"}}),
    };
    Reply::Error { status, body }
}

fn event(name: &str, data: Value) -> String {
    format!("event: {name}\ndata: {data}\n\n")
}

/// `text` as Messages events; as a forced tool call's JSON input when `tool` is set.
fn anthropic_frames(text: &str, tool: bool, input: u64, output: u64) -> Vec<String> {
    let usage =
        json!({"input_tokens": input, "cache_read_input_tokens": ANTHROPIC_CACHE_READ_TOKENS, "output_tokens": 1});
    let message = json!({"id": "msg_fake", "type": "message", "role": "assistant", "content": [], "usage": usage});
    let block = if tool {
        json!({"type": "tool_use", "id": "toolu_fake", "name": "judge_verdict", "input": {}})
    } else {
        json!({"type": "text", "text": ""})
    };
    let mut frames = vec![
        event("message_start", json!({"type": "message_start", "message": message})),
        event("content_block_start", json!({"type": "content_block_start", "index": 0, "content_block": block})),
        event("ping", json!({"type": "ping"})),
    ];
    for piece in text.split_inclusive(' ') {
        let delta = if tool {
            json!({"type": "input_json_delta", "partial_json": piece})
        } else {
            json!({"type": "text_delta", "text": piece})
        };
        frames.push(event("content_block_delta", json!({"type": "content_block_delta", "index": 0, "delta": delta})));
    }
    let stop = if tool { "tool_use" } else { "end_turn" };
    frames.extend([
        event("content_block_stop", json!({"type": "content_block_stop", "index": 0})),
        event(
            "message_delta",
            json!({"type": "message_delta", "delta": {"stop_reason": stop}, "usage": {"output_tokens": output}}),
        ),
        event("message_stop", json!({"type": "message_stop"})),
    ]);
    frames
}

/// `text` as `GenerateContentResponse` frames: a thought first, `finishReason` last.
fn gemini_frames(text: &str, input: u64, output: u64) -> Vec<String> {
    let frame = |parts: Value, finish: Option<&str>, usage: Value| {
        let mut candidate = json!({"content": {"role": "model", "parts": parts}, "index": 0});
        if let Some(reason) = finish {
            candidate["finishReason"] = json!(reason);
        }
        format!("data: {}\n\n", json!({"candidates": [candidate], "usageMetadata": usage, "modelVersion": "fake"}))
    };
    let mut frames = vec![frame(
        json!([{"text": "thinking it over", "thought": true}]),
        None,
        json!({"promptTokenCount": input, "thoughtsTokenCount": GEMINI_THOUGHT_TOKENS}),
    )];
    let pieces: Vec<&str> = text.split_inclusive(' ').collect();
    for (i, piece) in pieces.iter().enumerate() {
        let last = i + 1 == pieces.len();
        let usage = if last {
            json!({"promptTokenCount": input, "candidatesTokenCount": output, "thoughtsTokenCount": GEMINI_THOUGHT_TOKENS})
        } else {
            json!({"promptTokenCount": input})
        };
        frames.push(frame(json!([{"text": piece}]), last.then_some("STOP"), usage));
    }
    frames
}
