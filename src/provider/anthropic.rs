//! The Anthropic Messages API adapter: builds a streaming `/v1/messages` request and
//! parses its named SSE events (`message_start`, `content_block_delta`, `message_delta`,
//! `message_stop`, `ping`, `error`).
//!
//! Structured output is asked for by forcing one tool whose input schema is the wanted
//! schema; the tool's input then streams as JSON fragments, which are passed on as text
//! so that the collected answer is the JSON object.
//!
//! Parameters: `temperature` and `max_tokens` as given (`max_output_tokens`, else 8192);
//! `reasoning` turns on extended thinking with a budget per level
//! (`Reasoning::anthropic_budget_tokens`), added to `max_tokens` so the answer keeps its
//! own cap. A temperature other than 1 next to thinking is refused before this is reached
//! (`params::check`).
//!
//! Pure: no I/O here; `http::Transport` sends what `build_request` makes. Knows nothing
//! about retries, which events other providers send, or what the text is used for.

use serde::Deserialize;
use serde_json::json;

use super::http::{Adapter, WireFormat, WireRequest};
use super::sse::Frame;
use super::{ChatRequest, ProviderError, Role, Secret, StreamEvent, Usage};

/// The API version every request declares.
const API_VERSION: &str = "2023-06-01";
/// `max_tokens` is required by the API; this leaves room for long answers and verdicts.
const MAX_OUTPUT_TOKENS: u32 = 8192;

impl Adapter for AnthropicWire {
    fn build_request(base_url: &str, model: &str, key: Option<Secret>, request: &ChatRequest) -> WireRequest {
        build_request(base_url, model, key, request)
    }
}

/// The streaming Messages request for `request`. `base_url` has no `/v1`
/// (`https://api.anthropic.com`). The transport sets `content-type` with the JSON body.
pub fn build_request(base_url: &str, model: &str, key: Option<Secret>, request: &ChatRequest) -> WireRequest {
    let params = &request.params;
    let answer_tokens = params.max_output_tokens.unwrap_or(MAX_OUTPUT_TOKENS);
    let thinking = params.reasoning.map(|level| level.anthropic_budget_tokens());
    // The API reads a cache entry only at a mark: each shared prefix is marked at the
    // block that ends it (the session's stable part, the part a judge shares with its
    // synth), and the system text with them, so that the requests that write an entry
    // and those that read it mark the same blocks. At most three marks, under the API's
    // limit of four.
    let system = match request.marks_prefix() && !request.system.is_empty() {
        true => json!([{"type": "text", "text": request.system, "cache_control": ephemeral()}]),
        false => json!(request.system),
    };
    let messages: Vec<serde_json::Value> = request
        .messages()
        .into_iter()
        .map(|m| {
            let role = match m.role {
                Role::User => "user",
                Role::Assistant => "assistant",
            };
            // A message of one unmarked block stays a plain string, as it always was.
            let content = match m.blocks.as_slice() {
                [only] if !only.ends_shared_prefix => json!(only.text),
                blocks => blocks
                    .iter()
                    .map(|b| match b.ends_shared_prefix {
                        true => json!({"type": "text", "text": b.text, "cache_control": ephemeral()}),
                        false => json!({"type": "text", "text": b.text}),
                    })
                    .collect(),
            };
            json!({"role": role, "content": content})
        })
        .collect();
    let mut body = json!({
        "model": model,
        // Thinking counts against `max_tokens`, which must exceed its budget: the answer's
        // own cap comes on top of the budget.
        "max_tokens": answer_tokens.saturating_add(thinking.unwrap_or(0)),
        "system": system,
        "messages": messages,
        "stream": true,
    });
    if let Some(schema) = request.wire_schema() {
        body["tools"] = json!([{
            "name": schema.name,
            "description": format!("Reply with the `{}` object: fill every field its input schema requires.", schema.name),
            "input_schema": schema.schema,
        }]);
        // Extended thinking can't be combined with a forced tool: the model is left to
        // choose it, as the instructions ask.
        body["tool_choice"] = match thinking {
            None => json!({"type": "tool", "name": schema.name}),
            Some(_) => json!({"type": "auto"}),
        };
    }
    if let Some(t) = params.temperature {
        body["temperature"] = json!(t);
    }
    if let Some(budget) = thinking {
        body["thinking"] = json!({"type": "enabled", "budget_tokens": budget});
    }
    WireRequest {
        url: format!("{}/v1/messages", base_url.trim_end_matches('/')),
        headers: vec![("anthropic-version".into(), API_VERSION.into()), ("accept".into(), "text/event-stream".into())],
        auth: key.map(|k| ("x-api-key".to_string(), String::new(), k)),
        body,
    }
}

/// The cache mark: the default five-minute entry, long enough for a judge and its synth.
fn ephemeral() -> serde_json::Value {
    json!({"type": "ephemeral"})
}

/// One event's data, by its `type`. Unknown types are kept as `Other` and ignored.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum EventWire {
    MessageStart {
        message: MessageWire,
    },
    ContentBlockDelta {
        delta: DeltaWire,
    },
    MessageDelta {
        delta: MessageDeltaWire,
        usage: Option<UsageWire>,
    },
    MessageStop,
    Error {
        error: ErrorWire,
    },
    #[serde(other)]
    Other,
}

#[derive(Debug, Deserialize)]
struct MessageWire {
    usage: Option<UsageWire>,
}

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum DeltaWire {
    TextDelta {
        text: String,
    },
    InputJsonDelta {
        partial_json: String,
    },
    /// Thinking, signatures, citations: not part of the answer.
    #[serde(other)]
    Other,
}

#[derive(Debug, Deserialize)]
struct MessageDeltaWire {
    stop_reason: Option<String>,
}

/// Token counts; `message_delta` repeats them cumulatively, so later values replace earlier ones.
#[derive(Debug, Deserialize)]
struct UsageWire {
    input_tokens: Option<u64>,
    output_tokens: Option<u64>,
    cache_creation_input_tokens: Option<u64>,
    cache_read_input_tokens: Option<u64>,
}

#[derive(Debug, Deserialize)]
struct ErrorWire {
    #[serde(rename = "type")]
    kind: Option<String>,
    message: Option<String>,
}

/// Parses Messages API events; the stream ends with `message_stop`.
#[derive(Default)]
pub struct AnthropicWire;

#[derive(Default)]
pub struct AnthropicState {
    usage: Option<Usage>,
    stop_reason: Option<String>,
}

impl AnthropicState {
    fn record(&mut self, usage: &UsageWire) {
        let current = self.usage.get_or_insert_with(Usage::default);
        if let Some(read) = usage.cache_read_input_tokens {
            current.cached_input_tokens = read;
        }
        if let Some(written) = usage.cache_creation_input_tokens {
            current.cache_write_tokens = written;
        }
        // `input_tokens` excludes the cache's reads and writes: the total adds them back.
        if let Some(input) = usage.input_tokens {
            current.input_tokens =
                input.saturating_add(current.cached_input_tokens).saturating_add(current.cache_write_tokens);
        }
        if let Some(output) = usage.output_tokens {
            current.output_tokens = output;
        }
    }
}

impl WireFormat for AnthropicWire {
    type State = AnthropicState;

    fn parse(&self, state: &mut AnthropicState, frame: &Frame) -> Result<Vec<StreamEvent>, ProviderError> {
        let data = frame.data.trim();
        if data.is_empty() {
            return Ok(Vec::new());
        }
        let value: serde_json::Value = serde_json::from_str(data)
            .map_err(|e| ProviderError::Malformed(format!("`{}` event is not JSON: {e}", frame.event)))?;
        let event: EventWire = serde_json::from_value(value)
            .map_err(|e| ProviderError::Malformed(format!("unexpected `{}` event: {e}", frame.event)))?;
        Ok(match event {
            EventWire::MessageStart { message } => {
                if let Some(usage) = &message.usage {
                    state.record(usage);
                }
                Vec::new()
            }
            EventWire::ContentBlockDelta { delta: DeltaWire::TextDelta { text } }
            | EventWire::ContentBlockDelta { delta: DeltaWire::InputJsonDelta { partial_json: text } } => {
                if text.is_empty() { Vec::new() } else { vec![StreamEvent::Delta(text)] }
            }
            EventWire::ContentBlockDelta { delta: DeltaWire::Other } | EventWire::Other => Vec::new(),
            EventWire::MessageDelta { delta, usage } => {
                if let Some(usage) = &usage {
                    state.record(usage);
                }
                if delta.stop_reason.is_some() {
                    state.stop_reason = delta.stop_reason;
                }
                Vec::new()
            }
            EventWire::MessageStop => {
                vec![StreamEvent::Done { usage: state.usage, stop_reason: state.stop_reason.take() }]
            }
            EventWire::Error { error } => {
                // Overload and server errors pass; a request the API rejects would be rejected again.
                let permanent = matches!(
                    error.kind.as_deref(),
                    Some("invalid_request_error" | "authentication_error" | "permission_error" | "not_found_error")
                );
                let message = error.message.or(error.kind).unwrap_or_else(|| "unspecified error".to_string());
                return Err(if permanent { ProviderError::Refused(message) } else { ProviderError::Remote(message) });
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;
    use crate::provider::http::conformance::{self, MidStreamError, Recording};
    use crate::provider::http::testing;
    use crate::provider::{JsonSchema, Price, conversation};

    /// The most `cache_control` marks one request may carry.
    const MAX_BREAKPOINTS: usize = 4;

    /// A text answer as the API streams it, with a ping, cache usage, and CRLF line ends.
    const RECORDED: &str = concat!(
        "event: message_start\n",
        "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude-x\",\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":20,\"cache_creation_input_tokens\":3,\"cache_read_input_tokens\":2,\"output_tokens\":1}}}\n\n",
        "event: content_block_start\n",
        "data: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
        "event: ping\n",
        "data: {\"type\": \"ping\"}\n\n",
        "event: content_block_delta\n",
        "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hel\"}}\n\n",
        "event: content_block_delta\r\n",
        "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"lo ✓\"}}\r\n\r\n",
        "event: content_block_stop\n",
        "data: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
        "event: message_delta\n",
        "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":7}}\n\n",
        "event: message_stop\n",
        "data: {\"type\":\"message_stop\"}\n\n",
    );

    /// A forced tool call: its input arrives as JSON fragments.
    const RECORDED_TOOL: &str = concat!(
        "event: message_start\n",
        "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_2\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude-x\",\"usage\":{\"input_tokens\":50,\"output_tokens\":1}}}\n\n",
        "event: content_block_start\n",
        "data: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"judge_verdict\",\"input\":{}}}\n\n",
        "event: content_block_delta\n",
        "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\"}}\n\n",
        "event: content_block_delta\n",
        "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"ranking\\\": [\\\"A\"}}\n\n",
        "event: content_block_delta\n",
        "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\\\", \\\"B\\\"]}\"}}\n\n",
        "event: content_block_stop\n",
        "data: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
        "event: message_delta\n",
        "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":12}}\n\n",
        "event: message_stop\n",
        "data: {\"type\":\"message_stop\"}\n\n",
    );

    fn replay(bytes: &[u8], cut: usize) -> Result<Vec<StreamEvent>, ProviderError> {
        testing::replay(&AnthropicWire, bytes, cut)
    }

    fn done(input_tokens: u64, output_tokens: u64, stop_reason: &str) -> StreamEvent {
        StreamEvent::Done {
            usage: Some(Usage::new(input_tokens, output_tokens)),
            stop_reason: Some(stop_reason.to_string()),
        }
    }

    #[test]
    fn the_recorded_stream_conforms_split_truncated_and_failing_mid_stream() {
        let recording = Recording {
            bytes: RECORDED,
            end_marker: "event: message_stop",
            // Cache writes and reads count as input, and apart.
            events: vec![
                StreamEvent::Delta("Hel".into()),
                StreamEvent::Delta("lo ✓".into()),
                StreamEvent::Done {
                    usage: Some(Usage { cached_input_tokens: 2, cache_write_tokens: 3, ..Usage::new(25, 7) }),
                    stop_reason: Some("end_turn".into()),
                },
            ],
        };
        let failure = MidStreamError {
            bytes: concat!(
                "event: content_block_delta\n",
                "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"par\"}}\n\n",
                "event: error\n",
                "data: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n",
            ),
            error: ProviderError::Remote("Overloaded".into()),
        };
        conformance::check(&AnthropicWire, &recording, &failure);
    }

    /// A judge that wrote the shared prefix to the cache, then the synth that read it.
    const RECORDED_JUDGE: &str = include_str!("../../tests/fixtures/cache/anthropic-judge.sse");
    const RECORDED_SYNTH: &str = include_str!("../../tests/fixtures/cache/anthropic-synth.sse");

    #[test]
    fn cache_writes_and_reads_are_parsed_and_priced_at_their_rates() {
        let written =
            Usage { input_tokens: 3156, output_tokens: 380, cached_input_tokens: 0, cache_write_tokens: 3150 };
        let read = Usage { input_tokens: 3670, output_tokens: 412, cached_input_tokens: 3150, cache_write_tokens: 0 };
        let judge = [
            StreamEvent::Delta(r#"{"ranking": ["A", "B"]}"#.into()),
            StreamEvent::Done { usage: Some(written), stop_reason: Some("end_turn".into()) },
        ];
        conformance::parses_at_every_split(&AnthropicWire, RECORDED_JUDGE, &judge);
        let synth = [
            StreamEvent::Delta("Retries with backoff spread the load.".into()),
            StreamEvent::Done { usage: Some(read), stop_reason: Some("end_turn".into()) },
        ];
        conformance::parses_at_every_split(&AnthropicWire, RECORDED_SYNTH, &synth);
        // claude-sonnet-5's built-in price: $3 in, $0.30 cached, $3.75 cache write, $15 out.
        let price = Price { cached_input: Some(0.3), cache_write: Some(3.75), ..Price::new(3.0, 15.0) };
        // 6 × 3 + 3 150 × 3.75 + 380 × 15, per million.
        assert!((price.cost(written) - 0.017_530_5).abs() < 1e-9, "{}", price.cost(written));
        // 520 × 3 + 3 150 × 0.3 + 412 × 15, per million.
        assert!((price.cost(read) - 0.008_685).abs() < 1e-9, "{}", price.cost(read));
    }

    #[test]
    fn the_shared_prefix_carries_cache_control_in_both_requests() {
        // The judge's schema is asked for in words: its forced tool would key the cache.
        let (judge, synth) = conversation::testing::judge_then_synth(Some(conversation::testing::schema()), true);
        let judge = build_request("http://h", "claude-x", None, &judge).body;
        let synth = build_request("http://h", "claude-x", None, &synth).body;
        conversation::testing::assert_continues(&judge, &synth, "messages");
        let system =
            json!([{"type": "text", "text": conversation::testing::SYSTEM, "cache_control": {"type": "ephemeral"}}]);
        let judged = json!({"role": "user", "content": [
            {"type": "text", "text": conversation::testing::JUDGED, "cache_control": {"type": "ephemeral"}},
        ]});
        assert_eq!(
            judge,
            json!({"model": "claude-x", "max_tokens": 8192, "system": system, "messages": [judged], "stream": true})
        );
        assert_eq!(
            synth,
            json!({
                "model": "claude-x",
                "max_tokens": 8192,
                "system": system,
                "messages": [
                    judged,
                    {"role": "assistant", "content": conversation::testing::VERDICT},
                    {"role": "user", "content": conversation::testing::INSTRUCTION},
                ],
                "stream": true,
            })
        );
    }

    #[test]
    fn a_continuation_without_a_shared_prefix_marks_nothing_and_drops_the_judges_tool() {
        let (judge, synth) = conversation::testing::judge_then_synth(Some(conversation::testing::schema()), false);
        let judge = build_request("http://h", "claude-x", None, &judge).body;
        let synth = build_request("http://h", "claude-x", None, &synth).body;
        conversation::testing::assert_continues(&judge, &synth, "messages");
        assert!(judge.get("tools").is_some());
        assert_eq!(
            synth,
            json!({
                "model": "claude-x",
                "max_tokens": 8192,
                "system": conversation::testing::SYSTEM,
                "messages": [
                    {"role": "user", "content": conversation::testing::JUDGED},
                    {"role": "assistant", "content": conversation::testing::VERDICT},
                    {"role": "user", "content": conversation::testing::INSTRUCTION},
                ],
                "stream": true,
            })
        );
    }

    #[test]
    fn a_follow_up_marks_its_stable_part_and_keeps_the_judges_tool() {
        use conversation::testing::{ANSWERED, ASKED, CONTEXT, QUESTION, SYSTEM, follow_up, schema};
        let schema = schema();
        let body = build_request("http://h", "claude-x", None, &follow_up(Some(schema.clone()), false)).body;
        assert_eq!(
            body,
            json!({
                "model": "claude-x",
                "max_tokens": 8192,
                "system": [{"type": "text", "text": SYSTEM, "cache_control": {"type": "ephemeral"}}],
                "messages": [
                    {"role": "user", "content": ASKED},
                    {"role": "assistant", "content": ANSWERED},
                    {"role": "user", "content": [
                        {"type": "text", "text": CONTEXT, "cache_control": {"type": "ephemeral"}},
                        {"type": "text", "text": QUESTION},
                    ]},
                ],
                "stream": true,
                "tools": [{
                    "name": "verdict",
                    "description": "Reply with the `verdict` object: fill every field its input schema requires.",
                    "input_schema": schema.schema,
                }],
                "tool_choice": {"type": "tool", "name": "verdict"},
            })
        );
    }

    #[test]
    fn a_follow_ups_judge_marks_both_prefixes_within_the_limit_and_drops_its_tool() {
        use conversation::testing::{ANSWERED, ASKED, CONTEXT, QUESTION, SYSTEM, follow_up, schema};
        let body = build_request("http://h", "claude-x", None, &follow_up(Some(schema()), true)).body;
        assert_eq!(
            body,
            json!({
                "model": "claude-x",
                "max_tokens": 8192,
                "system": [{"type": "text", "text": SYSTEM, "cache_control": {"type": "ephemeral"}}],
                "messages": [
                    {"role": "user", "content": ASKED},
                    {"role": "assistant", "content": ANSWERED},
                    {"role": "user", "content": [
                        {"type": "text", "text": CONTEXT, "cache_control": {"type": "ephemeral"}},
                        {"type": "text", "text": QUESTION, "cache_control": {"type": "ephemeral"}},
                    ]},
                ],
                "stream": true,
            })
        );
        let marks = body.to_string().matches("\"cache_control\"").count();
        assert!(marks <= MAX_BREAKPOINTS, "{marks} marks");
    }

    #[test]
    fn a_split_message_without_marks_is_still_one_message() {
        use conversation::testing::{CONTEXT, QUESTION, follow_up};
        let mut request = follow_up(None, false);
        request.conversation.prior.drain(..2);
        request.conversation.stable_through = None;
        let body = build_request("http://h", "claude-x", None, &request).body;
        assert_eq!(
            body["messages"],
            json!([{"role": "user", "content": [{"type": "text", "text": CONTEXT}, {"type": "text", "text": QUESTION}]}])
        );
        assert_eq!(body["system"], json!(conversation::testing::SYSTEM));
    }

    #[test]
    fn a_forced_tool_call_streams_its_input_as_the_text() {
        let events = vec![
            StreamEvent::Delta(r#"{"ranking": ["A"#.into()),
            StreamEvent::Delta(r#"", "B"]}"#.into()),
            done(50, 12, "tool_use"),
        ];
        conformance::parses_at_every_split(&AnthropicWire, RECORDED_TOOL, &events);
    }

    #[test]
    fn a_rejected_request_mid_stream_is_refused() {
        let rejected = MidStreamError {
            bytes: concat!(
                "event: error\n",
                "data: {\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"prompt is too long\"}}\n\n",
            ),
            error: ProviderError::Refused("prompt is too long".into()),
        };
        conformance::fails_at_every_split(&AnthropicWire, &rejected);
    }

    #[test]
    fn unknown_events_and_deltas_are_ignored() {
        let bytes = concat!(
            "event: something_new\n",
            "data: {\"type\":\"something_new\",\"whatever\":[1,2]}\n\n",
            "event: content_block_delta\n",
            "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"hmm\"}}\n\n",
            "event: content_block_delta\n",
            "data: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"text_delta\",\"text\":\"ok\"}}\n\n",
            "event: message_stop\n",
            "data: {\"type\":\"message_stop\"}\n\n",
        )
        .as_bytes();
        let events = replay(bytes, 0).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(events, vec![StreamEvent::Delta("ok".into()), StreamEvent::Done { usage: None, stop_reason: None }]);
    }

    #[test]
    fn data_that_does_not_parse_is_malformed() {
        for bytes in [
            "event: content_block_delta\ndata: {not json\n\n",
            "event: ping\ndata: ping\n\n",
            // A known event without the fields it must have.
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\"}\n\n",
        ] {
            let err = replay(bytes.as_bytes(), 3);
            assert!(matches!(err, Err(ProviderError::Malformed(_))), "{bytes:?}: {err:?}");
        }
    }

    fn chat(json_schema: Option<JsonSchema>) -> ChatRequest {
        ChatRequest {
            system: "sys".into(),
            user: "hi".into(),
            json_schema,
            deadline: tokio::time::Instant::now(),
            params: crate::provider::Params::default(),
            conversation: Default::default(),
        }
    }

    #[test]
    fn request_streams_a_message_with_the_key_in_a_header() {
        let wire = build_request("https://api.anthropic.com/", "claude-x", Some(Secret::new("sk-ant-x")), &chat(None));
        assert_eq!(wire.url, "https://api.anthropic.com/v1/messages");
        assert_eq!(
            wire.headers,
            vec![
                ("anthropic-version".to_string(), "2023-06-01".to_string()),
                ("accept".to_string(), "text/event-stream".to_string()),
            ]
        );
        assert_eq!(wire.auth, Some(("x-api-key".to_string(), String::new(), Secret::new("sk-ant-x"))));
        assert_eq!(
            wire.body,
            json!({
                "model": "claude-x",
                "max_tokens": 8192,
                "system": "sys",
                "messages": [{"role": "user", "content": "hi"}],
                "stream": true,
            })
        );
        assert!(!wire.body.to_string().contains("sk-ant-x") && !wire.url.contains("sk-ant-x"));
    }

    /// Fuzzing regression: token counts whose sum passes `u64::MAX` overflowed in
    /// `AnthropicState::record` (a panic with overflow checks on, a wrapped count without).
    #[test]
    fn huge_token_counts_do_not_overflow() {
        let bytes = concat!(
            "event: message_start\n",
            "data: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":18446744073709551615,\"cache_read_input_tokens\":1}}}\n\n",
            "event: message_stop\n",
            "data: {\"type\":\"message_stop\"}\n\n",
        );
        // Whatever the count becomes, the stream must still parse.
        assert!(replay(bytes.as_bytes(), 0).is_ok());
    }

    #[test]
    fn parameters_set_temperature_max_tokens_and_a_thinking_budget() {
        let with = |params: crate::provider::Params| {
            let request = ChatRequest { params, ..chat(None) };
            build_request("http://h", "claude-x", None, &request).body
        };
        let plain = crate::provider::Params { temperature: Some(0.5), max_output_tokens: Some(1000), reasoning: None };
        assert_eq!(
            with(plain),
            json!({
                "model": "claude-x",
                "max_tokens": 1000,
                "system": "sys",
                "messages": [{"role": "user", "content": "hi"}],
                "stream": true,
                "temperature": 0.5,
            })
        );
        let thinking = crate::provider::Params {
            temperature: Some(1.0),
            max_output_tokens: Some(1000),
            reasoning: Some(crate::provider::Reasoning::Medium),
        };
        assert_eq!(
            with(thinking),
            json!({
                "model": "claude-x",
                "max_tokens": 9192,
                "system": "sys",
                "messages": [{"role": "user", "content": "hi"}],
                "stream": true,
                "temperature": 1.0,
                "thinking": {"type": "enabled", "budget_tokens": 8192},
            })
        );
    }

    #[test]
    fn thinking_leaves_the_judges_tool_to_the_model() {
        let schema = conversation::testing::schema();
        let params = crate::provider::Params { reasoning: Some(crate::provider::Reasoning::Low), ..Default::default() };
        let request = ChatRequest { params, ..chat(Some(schema.clone())) };
        assert_eq!(
            build_request("http://h", "claude-x", None, &request).body,
            json!({
                "model": "claude-x",
                "max_tokens": 10240,
                "system": "sys",
                "messages": [{"role": "user", "content": "hi"}],
                "stream": true,
                "tools": [{
                    "name": "verdict",
                    "description": "Reply with the `verdict` object: fill every field its input schema requires.",
                    "input_schema": schema.schema,
                }],
                "tool_choice": {"type": "auto"},
                "thinking": {"type": "enabled", "budget_tokens": 2048},
            })
        );
    }
}
