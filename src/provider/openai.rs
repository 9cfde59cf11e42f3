//! The OpenAI Chat Completions adapter (also every OpenAI-compatible server): builds a
//! streaming request with `async-openai`'s types and parses its SSE chunks. Parameters
//! go out as `temperature`, `max_completion_tokens` (the field that replaced
//! `max_tokens`, which reasoning models refuse) and `reasoning_effort`; the session's
//! cache key as `prompt_cache_key`.
//!
//! Pure: no I/O here; `http::Transport` sends what `build_request` makes.

use async_openai::types::chat::ReasoningEffort;
use async_openai::types::chat::{
    ChatCompletionRequestMessage, ChatCompletionStreamOptions, CreateChatCompletionRequest,
    CreateChatCompletionStreamResponse, ResponseFormat, ResponseFormatJsonSchema,
};

use super::http::{Adapter, WireFormat, WireRequest};
use super::sse::Frame;
use super::{ChatRequest, ProviderError, Reasoning, Role, Secret, StreamEvent, Usage};

/// The data of the frame that ends an OpenAI stream.
const END_MARKER: &str = "[DONE]";

impl Adapter for OpenAiWire {
    fn build_request(base_url: &str, model: &str, key: Option<Secret>, request: &ChatRequest) -> WireRequest {
        build_request(base_url, model, key, request)
    }
}

/// The streaming Chat Completions request for `request`.
pub fn build_request(base_url: &str, model: &str, key: Option<Secret>, request: &ChatRequest) -> WireRequest {
    let body = CreateChatCompletionRequest {
        model: model.to_string(),
        messages: messages(request),
        stream: Some(true),
        stream_options: Some(ChatCompletionStreamOptions { include_usage: Some(true), ..Default::default() }),
        response_format: request.wire_schema().map(|s| ResponseFormat::JsonSchema {
            json_schema: ResponseFormatJsonSchema {
                description: None,
                name: s.name.clone(),
                schema: s.schema.clone(),
                strict: Some(true),
            },
        }),
        max_completion_tokens: request.params.max_output_tokens,
        reasoning_effort: request.params.reasoning.map(reasoning_effort),
        // Routes the session's requests to the same cache; `HttpProvider` has already
        // dropped it for a provider that does not take the field.
        prompt_cache_key: request.conversation.cache_key.clone(),
        ..Default::default()
    };
    let mut body = serde_json::to_value(body).unwrap_or_default();
    if let Some(t) = request.params.temperature {
        // Written as the f64 it was given: through the library's f32, 0.7 would go out
        // as 0.699999988079071.
        body["temperature"] = serde_json::json!(t);
    }
    WireRequest {
        url: format!("{}/chat/completions", base_url.trim_end_matches('/')),
        headers: vec![("accept".into(), "text/event-stream".into())],
        auth: key.map(|k| ("authorization".to_string(), "Bearer ".to_string(), k)),
        body,
    }
}

/// OpenAI's effort level for ours: the same three words.
fn reasoning_effort(level: Reasoning) -> ReasoningEffort {
    match level {
        Reasoning::Low => ReasoningEffort::Low,
        Reasoning::Medium => ReasoningEffort::Medium,
        Reasoning::High => ReasoningEffort::High,
    }
}

/// The system message, then the conversation's messages. OpenAI caches prompt prefixes
/// by itself: a request that continues another sends the same leading messages, byte for
/// byte, and needs no mark. A message of several blocks is their texts concatenated
/// exactly, so that it is the same bytes however it was split.
fn messages(request: &ChatRequest) -> Vec<ChatCompletionRequestMessage> {
    let system = ChatCompletionRequestMessage::System(request.system.clone().into());
    let turns = request.messages().into_iter().map(|m| match m.role {
        Role::User => ChatCompletionRequestMessage::User(m.text().into_owned().into()),
        Role::Assistant => ChatCompletionRequestMessage::Assistant(m.text().into_owned().into()),
    });
    std::iter::once(system).chain(turns).collect()
}

/// Parses `data:` frames of `chat.completion.chunk` objects, ended by `data: [DONE]`.
#[derive(Default)]
pub struct OpenAiWire;

#[derive(Default)]
pub struct OpenAiState {
    usage: Option<Usage>,
    stop_reason: Option<String>,
}

impl WireFormat for OpenAiWire {
    type State = OpenAiState;

    fn parse(&self, state: &mut OpenAiState, frame: &Frame) -> Result<Vec<StreamEvent>, ProviderError> {
        let data = frame.data.trim();
        if data.is_empty() {
            return Ok(Vec::new());
        }
        if data == END_MARKER {
            return Ok(vec![StreamEvent::Done { usage: state.usage, stop_reason: state.stop_reason.take() }]);
        }
        let value: serde_json::Value =
            serde_json::from_str(data).map_err(|e| ProviderError::Malformed(format!("chunk is not JSON: {e}")))?;
        if let Some(err) = value.get("error") {
            let message = err.get("message").and_then(|m| m.as_str()).map_or_else(|| err.to_string(), str::to_string);
            return Err(ProviderError::Remote(message));
        }
        let chunk: CreateChatCompletionStreamResponse = serde_json::from_value(value)
            .map_err(|e| ProviderError::Malformed(format!("unexpected chunk shape: {e}")))?;
        if let Some(usage) = chunk.usage {
            // `prompt_tokens` counts the cached ones too; the details say how many they were.
            let cached = usage.prompt_tokens_details.and_then(|d| d.cached_tokens).unwrap_or(0);
            state.usage = Some(Usage {
                cached_input_tokens: u64::from(cached),
                ..Usage::new(u64::from(usage.prompt_tokens), u64::from(usage.completion_tokens))
            });
        }
        let mut events = Vec::new();
        for choice in chunk.choices.into_iter().filter(|c| c.index == 0) {
            if let Some(reason) = choice.finish_reason {
                state.stop_reason = serde_json::to_value(reason).ok().and_then(|v| v.as_str().map(str::to_string));
            }
            if let Some(text) = choice.delta.content.filter(|t| !t.is_empty()) {
                events.push(StreamEvent::Delta(text));
            }
        }
        Ok(events)
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;
    use crate::provider::http::conformance::{self, MidStreamError, Recording};
    use crate::provider::http::testing;
    use crate::provider::{JsonSchema, Price, conversation};

    const RECORDED: &str = concat!(
        "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n",
        "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n",
        ": keep-alive comment\n\n",
        "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo ✓\"},\"finish_reason\":\"stop\"}]}\r\n\r\n",
        "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3,\"total_tokens\":15}}\n\n",
        "data: [DONE]\n\n",
    );

    fn replay(bytes: &[u8], cut: usize) -> Result<Vec<StreamEvent>, ProviderError> {
        testing::replay(&OpenAiWire, bytes, cut)
    }

    #[test]
    fn the_recorded_stream_conforms_split_truncated_and_failing_mid_stream() {
        let recording = Recording {
            bytes: RECORDED,
            end_marker: "data: [DONE]",
            events: vec![
                StreamEvent::Delta("Hel".into()),
                StreamEvent::Delta("lo ✓".into()),
                StreamEvent::Done { usage: Some(Usage::new(12, 3)), stop_reason: Some("stop".into()) },
            ],
        };
        let failure = MidStreamError {
            bytes: concat!(
                "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"par\"}}]}\n\n",
                "data: {\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}\n\n",
            ),
            error: ProviderError::Remote("overloaded".into()),
        };
        conformance::check(&OpenAiWire, &recording, &failure);
    }

    /// A synth's stream as the API sends it when the judge's prefix was cached: the
    /// cached part is in `prompt_tokens` and again in its details.
    const RECORDED_CACHED: &str = include_str!("../../tests/fixtures/cache/openai-synth.sse");

    #[test]
    fn cached_prompt_tokens_are_parsed_and_priced_at_the_cached_rate() {
        let usage = Usage { input_tokens: 3670, output_tokens: 412, cached_input_tokens: 3072, cache_write_tokens: 0 };
        let done = StreamEvent::Done { usage: Some(usage), stop_reason: Some("stop".into()) };
        conformance::parses_at_every_split(
            &OpenAiWire,
            RECORDED_CACHED,
            &[StreamEvent::Delta("Retries with backoff spread the load.".into()), done],
        );
        // gpt-5.5's built-in price: 598 uncached at $5, 3 072 cached at $0.50, 412 out at $30.
        let price = Price { cached_input: Some(0.5), ..Price::new(5.0, 30.0) };
        assert!((price.cost(usage) - 0.016_886).abs() < 1e-9, "{}", price.cost(usage));
    }

    #[test]
    fn a_continued_conversation_repeats_the_judges_messages_without_its_schema() {
        let schema = JsonSchema { name: "verdict".into(), schema: serde_json::json!({"type": "object"}) };
        let (judge, synth) = conversation::testing::judge_then_synth(Some(schema), true);
        let judge = build_request("http://h/v1", "m", None, &judge).body;
        let synth = build_request("http://h/v1", "m", None, &synth).body;
        conversation::testing::assert_continues(&judge, &synth, "messages");
        assert_eq!(
            synth,
            serde_json::json!({
                "model": "m",
                "messages": [
                    {"role": "system", "content": conversation::testing::SYSTEM},
                    {"role": "user", "content": conversation::testing::JUDGED},
                    {"role": "assistant", "content": conversation::testing::VERDICT},
                    {"role": "user", "content": conversation::testing::INSTRUCTION},
                ],
                "stream": true,
                "stream_options": {"include_usage": true},
            })
        );
    }

    #[test]
    fn a_follow_up_sends_one_message_of_its_blocks_the_schema_and_the_cache_key() {
        use conversation::testing::{ANSWERED, ASKED, CACHE_KEY, CONTEXT, QUESTION, SYSTEM, follow_up, schema};
        let body = build_request("http://h/v1", "m", None, &follow_up(Some(schema()), false)).body;
        assert_eq!(
            body,
            serde_json::json!({
                "model": "m",
                "messages": [
                    {"role": "system", "content": SYSTEM},
                    {"role": "user", "content": ASKED},
                    {"role": "assistant", "content": ANSWERED},
                    {"role": "user", "content": format!("{CONTEXT}{QUESTION}")},
                ],
                "stream": true,
                "stream_options": {"include_usage": true},
                "response_format": {"type": "json_schema", "json_schema": {"name": "verdict", "schema": schema().schema, "strict": true}},
                "prompt_cache_key": CACHE_KEY,
            })
        );
    }

    #[test]
    fn a_chunk_that_does_not_parse_is_malformed() {
        let err = replay(b"data: {not json\n\n", 3);
        assert!(matches!(err, Err(ProviderError::Malformed(_))), "{err:?}");
    }

    #[test]
    fn request_streams_with_usage_and_asks_for_the_schema() {
        let request = ChatRequest {
            system: "sys".into(),
            user: "hi".into(),
            conversation: Default::default(),
            json_schema: Some(JsonSchema { name: "verdict".into(), schema: serde_json::json!({"type": "object"}) }),
            deadline: tokio::time::Instant::now(),
            params: crate::provider::Params::default(),
        };
        let wire = build_request("http://h/v1/", "m", Some(Secret::new("sk-x")), &request);
        assert_eq!(wire.url, "http://h/v1/chat/completions");
        assert_eq!(
            wire.body,
            serde_json::json!({
                "model": "m",
                "messages": [{"role": "system", "content": "sys"}, {"role": "user", "content": "hi"}],
                "stream": true,
                "stream_options": {"include_usage": true},
                "response_format": {"type": "json_schema", "json_schema": {"name": "verdict", "schema": {"type": "object"}, "strict": true}},
            })
        );
        assert!(!wire.body.to_string().contains("sk-x"));
    }

    #[test]
    fn parameters_go_in_the_chat_completions_fields() {
        let request = ChatRequest {
            system: "sys".into(),
            user: "hi".into(),
            conversation: Default::default(),
            json_schema: None,
            deadline: tokio::time::Instant::now(),
            params: crate::provider::Params {
                temperature: Some(0.7),
                max_output_tokens: Some(1200),
                reasoning: Some(Reasoning::High),
            },
        };
        let wire = build_request("http://h/v1", "m", None, &request);
        assert_eq!(
            wire.body,
            serde_json::json!({
                "model": "m",
                "messages": [{"role": "system", "content": "sys"}, {"role": "user", "content": "hi"}],
                "stream": true,
                "stream_options": {"include_usage": true},
                "max_completion_tokens": 1200,
                "reasoning_effort": "high",
                "temperature": 0.7,
            })
        );
    }
}
