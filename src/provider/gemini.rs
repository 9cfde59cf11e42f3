//! The Gemini API adapter: builds a `streamGenerateContent?alt=sse` request and parses
//! its frames, each a whole `GenerateContentResponse`.
//!
//! Gemini has no end-of-stream line: the frame that carries a candidate's `finishReason`
//! is the last one, so that is where this adapter reports `Done`. Structured output uses
//! `responseSchema`, which takes a subset of OpenAPI 3.0 rather than JSON Schema;
//! `response_schema` translates one into the other.
//!
//! Parameters go in `generationConfig`: `temperature`, `maxOutputTokens`, and
//! `thinkingConfig` (`thinkingLevel` for Gemini 3 on, a `thinkingBudget` for 2.x).
//!
//! Pure: no I/O here; `http::Transport` sends what `build_request` makes. Knows nothing
//! about retries, which events other providers send, or what the text is used for.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::http::{Adapter, WireFormat, WireRequest};
use super::sse::Frame;
use super::{ChatRequest, ProviderError, Reasoning, Role, Secret, StreamEvent, Usage};

impl Adapter for GeminiWire {
    fn build_request(base_url: &str, model: &str, key: Option<Secret>, request: &ChatRequest) -> WireRequest {
        build_request(base_url, model, key, request)
    }
}

/// The streaming request for `request`. `base_url` has no version
/// (`https://generativelanguage.googleapis.com`); the key goes in a header, never the URL.
pub fn build_request(base_url: &str, model: &str, key: Option<Secret>, request: &ChatRequest) -> WireRequest {
    let model = model.strip_prefix("models/").unwrap_or(model);
    // Gemini caches prompt prefixes by itself (implicit caching): a request that
    // continues another repeats its leading contents, byte for byte, and needs no mark
    // and no key. A message of several blocks is one entry with a part for each.
    let contents: Vec<Value> = request
        .messages()
        .into_iter()
        .map(|m| {
            let role = match m.role {
                Role::User => "user",
                Role::Assistant => "model",
            };
            let parts: Vec<Value> = m.blocks.iter().map(|b| json!({"text": b.text})).collect();
            json!({"role": role, "parts": parts})
        })
        .collect();
    let mut body = json!({ "contents": contents });
    if !request.system.is_empty() {
        body["systemInstruction"] = json!({"parts": [{"text": request.system}]});
    }
    if let Some(schema) = request.wire_schema() {
        body["generationConfig"] =
            json!({"responseMimeType": "application/json", "responseSchema": response_schema(&schema.schema)});
    }
    let params = &request.params;
    if !params.is_empty() {
        let config = &mut body["generationConfig"];
        if let Some(t) = params.temperature {
            config["temperature"] = json!(t);
        }
        if let Some(n) = params.max_output_tokens {
            config["maxOutputTokens"] = json!(n);
        }
        if let Some(level) = params.reasoning {
            config["thinkingConfig"] = thinking_config(model, level);
        }
    }
    WireRequest {
        url: format!("{}/v1beta/models/{model}:streamGenerateContent?alt=sse", base_url.trim_end_matches('/')),
        headers: vec![("accept".into(), "text/event-stream".into())],
        auth: key.map(|k| ("x-goog-api-key".to_string(), String::new(), k)),
        body,
    }
}

/// Gemini 3 and later take a `thinkingLevel`; the 2.x models only a `thinkingBudget` in
/// tokens (and refuse the level), so those get a budget per level.
fn thinking_config(model: &str, level: Reasoning) -> Value {
    if model.starts_with("gemini-2") || model.starts_with("gemini-1") {
        let budget = match level {
            Reasoning::Low => 1_024,
            Reasoning::Medium => 8_192,
            Reasoning::High => 24_576,
        };
        json!({"thinkingBudget": budget})
    } else {
        json!({"thinkingLevel": level.as_str()})
    }
}

/// Keywords whose value is kept as it is.
const KEPT: [&str; 15] = [
    "title",
    "description",
    "nullable",
    "required",
    "propertyOrdering",
    "minItems",
    "maxItems",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "pattern",
    "minProperties",
    "maxProperties",
    "default",
];

/// The `format` values the Gemini API accepts; JSON Schema's others (`email`, `uri`) are dropped.
const FORMATS: [&str; 6] = ["enum", "date-time", "int32", "int64", "float", "double"];

/// `schema` (JSON Schema) in the OpenAPI subset `responseSchema` accepts: types in upper
/// case, `["T", "null"]` as `nullable`, `const` as a one-value `enum`, and every keyword
/// Gemini rejects (`additionalProperties`, `$schema`, `$ref`, ...) dropped, recursively.
pub fn response_schema(schema: &Value) -> Value {
    let Some(object) = schema.as_object() else {
        return Value::Object(Map::new());
    };
    let mut out = Map::new();
    for (key, value) in object {
        match key.as_str() {
            "type" => match value {
                Value::String(t) => {
                    out.insert("type".into(), t.to_ascii_uppercase().into());
                }
                Value::Array(types) => {
                    let named: Vec<&str> = types.iter().filter_map(Value::as_str).filter(|t| *t != "null").collect();
                    if let [only] = named.as_slice() {
                        out.insert("type".into(), only.to_ascii_uppercase().into());
                    }
                    if named.len() < types.len() {
                        out.insert("nullable".into(), true.into());
                    }
                }
                _ => {}
            },
            "enum" => {
                out.insert("enum".into(), value.as_array().map(|v| enum_values(v)).unwrap_or_default().into());
            }
            "const" => {
                out.insert("enum".into(), enum_values(std::slice::from_ref(value)).into());
            }
            "properties" => {
                let properties: Map<String, Value> = value
                    .as_object()
                    .into_iter()
                    .flatten()
                    .map(|(name, property)| (name.clone(), response_schema(property)))
                    .collect();
                out.insert("properties".into(), properties.into());
            }
            "items" => {
                out.insert("items".into(), response_schema(value));
            }
            "format" if value.as_str().is_some_and(|f| FORMATS.contains(&f)) => {
                out.insert("format".into(), value.clone());
            }
            "anyOf" => {
                let options: Vec<Value> = value.as_array().into_iter().flatten().map(response_schema).collect();
                out.insert("anyOf".into(), options.into());
            }
            _ if KEPT.contains(&key.as_str()) => {
                out.insert(key.clone(), value.clone());
            }
            _ => {}
        }
    }
    Value::Object(out)
}

/// Gemini's `enum` holds strings only.
fn enum_values(values: &[Value]) -> Vec<Value> {
    values.iter().map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string).into()).collect()
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResponseWire {
    #[serde(default)]
    candidates: Vec<CandidateWire>,
    usage_metadata: Option<UsageWire>,
    prompt_feedback: Option<PromptFeedbackWire>,
    error: Option<ErrorWire>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CandidateWire {
    content: Option<ContentWire>,
    finish_reason: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ContentWire {
    #[serde(default)]
    parts: Vec<PartWire>,
}

#[derive(Debug, Deserialize)]
struct PartWire {
    text: Option<String>,
    /// A thought summary, not part of the answer.
    #[serde(default)]
    thought: bool,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UsageWire {
    #[serde(default)]
    prompt_token_count: u64,
    #[serde(default)]
    candidates_token_count: u64,
    #[serde(default)]
    thoughts_token_count: u64,
    /// The part of `promptTokenCount` served from a cache.
    #[serde(default)]
    cached_content_token_count: u64,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PromptFeedbackWire {
    block_reason: Option<String>,
}

#[derive(Debug, Deserialize)]
struct ErrorWire {
    message: Option<String>,
    status: Option<String>,
}

/// Parses `data:` frames of `GenerateContentResponse`; the stream ends at the first
/// candidate's `finishReason`.
#[derive(Default)]
pub struct GeminiWire;

#[derive(Default)]
pub struct GeminiState {
    usage: Option<Usage>,
}

impl WireFormat for GeminiWire {
    type State = GeminiState;

    fn parse(&self, state: &mut GeminiState, frame: &Frame) -> Result<Vec<StreamEvent>, ProviderError> {
        let data = frame.data.trim();
        if data.is_empty() {
            return Ok(Vec::new());
        }
        let value: Value =
            serde_json::from_str(data).map_err(|e| ProviderError::Malformed(format!("frame is not JSON: {e}")))?;
        let response: ResponseWire = serde_json::from_value(value)
            .map_err(|e| ProviderError::Malformed(format!("unexpected frame shape: {e}")))?;
        if let Some(error) = response.error {
            let message = error.message.or(error.status).unwrap_or_else(|| "unspecified error".to_string());
            return Err(ProviderError::Remote(message));
        }
        if let Some(usage) = response.usage_metadata {
            let output = usage.candidates_token_count.saturating_add(usage.thoughts_token_count);
            state.usage = Some(Usage {
                cached_input_tokens: usage.cached_content_token_count,
                ..Usage::new(usage.prompt_token_count, output)
            });
        }
        let Some(candidate) = response.candidates.into_iter().next() else {
            return match response.prompt_feedback.and_then(|f| f.block_reason) {
                Some(reason) => Err(ProviderError::Refused(format!("blocked: {reason}"))),
                None => Ok(Vec::new()),
            };
        };
        let mut events: Vec<StreamEvent> = candidate
            .content
            .map(|c| c.parts)
            .unwrap_or_default()
            .into_iter()
            .filter(|part| !part.thought)
            .filter_map(|part| part.text.filter(|t| !t.is_empty()))
            .map(StreamEvent::Delta)
            .collect();
        if let Some(reason) = candidate.finish_reason {
            events.push(StreamEvent::Done { usage: state.usage, stop_reason: Some(reason) });
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

    /// A thinking model's answer: a thought part to skip, usage growing frame by frame,
    /// and the last frame carrying `finishReason`.
    const RECORDED: &str = concat!(
        "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"weighing it\",\"thought\": true}],\"role\": \"model\"},\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 9,\"totalTokenCount\": 9},\"modelVersion\": \"gemini-x\"}\r\n\r\n",
        "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"Hel\"}],\"role\": \"model\"},\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 9,\"candidatesTokenCount\": 1,\"totalTokenCount\": 10},\"modelVersion\": \"gemini-x\"}\r\n\r\n",
        "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"lo ✓\"}],\"role\": \"model\"},\"finishReason\": \"STOP\",\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 9,\"candidatesTokenCount\": 4,\"thoughtsTokenCount\": 6,\"totalTokenCount\": 19},\"modelVersion\": \"gemini-x\"}\r\n\r\n",
    );

    fn replay(bytes: &[u8], cut: usize) -> Result<Vec<StreamEvent>, ProviderError> {
        testing::replay(&GeminiWire, bytes, cut)
    }

    #[test]
    fn the_recorded_stream_conforms_split_truncated_and_failing_mid_stream() {
        let recording = Recording {
            bytes: RECORDED,
            // Gemini has no end marker of its own: the frame with `finishReason` ends it.
            end_marker: "data: ",
            // The thought part is skipped; thinking tokens count as output.
            events: vec![
                StreamEvent::Delta("Hel".into()),
                StreamEvent::Delta("lo ✓".into()),
                StreamEvent::Done { usage: Some(Usage::new(9, 10)), stop_reason: Some("STOP".into()) },
            ],
        };
        let failure = MidStreamError {
            bytes: concat!(
                "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"par\"}],\"role\": \"model\"},\"index\": 0}]}\n\n",
                "data: {\"error\": {\"code\": 503,\"message\": \"The model is overloaded.\",\"status\": \"UNAVAILABLE\"}}\n\n",
            ),
            error: ProviderError::Remote("The model is overloaded.".into()),
        };
        conformance::check(&GeminiWire, &recording, &failure);
    }

    /// A synth's stream when Gemini's implicit cache served part of the prompt.
    const RECORDED_CACHED: &str = include_str!("../../tests/fixtures/cache/gemini-synth.sse");

    #[test]
    fn cached_content_tokens_are_parsed_and_priced_at_the_cached_rate() {
        let usage = Usage { input_tokens: 3670, output_tokens: 412, cached_input_tokens: 3100, cache_write_tokens: 0 };
        let events = [
            StreamEvent::Delta("Retries with backoff spread the load.".into()),
            StreamEvent::Done { usage: Some(usage), stop_reason: Some("STOP".into()) },
        ];
        conformance::parses_at_every_split(&GeminiWire, RECORDED_CACHED, &events);
        // gemini-3.1-pro's built-in price: 570 uncached at $2, 3 100 cached at $0.20, 412 out at $12.
        let price = Price { cached_input: Some(0.2), ..Price::new(2.0, 12.0) };
        assert!((price.cost(usage) - 0.006_704).abs() < 1e-9, "{}", price.cost(usage));
    }

    #[test]
    fn a_continued_conversation_repeats_the_judges_contents_without_its_schema() {
        let (judge, synth) = conversation::testing::judge_then_synth(Some(conversation::testing::schema()), true);
        let judge = build_request("http://h", "gemini-x", None, &judge).body;
        let synth = build_request("http://h", "gemini-x", None, &synth).body;
        conversation::testing::assert_continues(&judge, &synth, "contents");
        assert_eq!(
            synth,
            json!({
                "systemInstruction": {"parts": [{"text": conversation::testing::SYSTEM}]},
                "contents": [
                    {"role": "user", "parts": [{"text": conversation::testing::JUDGED}]},
                    {"role": "model", "parts": [{"text": conversation::testing::VERDICT}]},
                    {"role": "user", "parts": [{"text": conversation::testing::INSTRUCTION}]},
                ],
            })
        );
    }

    #[test]
    fn a_follow_up_sends_one_entry_of_its_blocks_keeps_the_schema_and_no_cache_key() {
        use conversation::testing::{ANSWERED, ASKED, CONTEXT, QUESTION, SYSTEM, follow_up, schema};
        let body = build_request("http://h", "gemini-x", None, &follow_up(Some(schema()), false)).body;
        assert_eq!(
            body,
            json!({
                "systemInstruction": {"parts": [{"text": SYSTEM}]},
                "contents": [
                    {"role": "user", "parts": [{"text": ASKED}]},
                    {"role": "model", "parts": [{"text": ANSWERED}]},
                    {"role": "user", "parts": [{"text": CONTEXT}, {"text": QUESTION}]},
                ],
                "generationConfig": {
                    "responseMimeType": "application/json",
                    "responseSchema": {
                        "type": "OBJECT",
                        "properties": {"best": {"type": "STRING", "enum": ["A", "B"]}},
                        "required": ["best"],
                    },
                },
            })
        );
    }

    #[test]
    fn a_safety_stop_without_text_still_ends_the_stream() {
        let bytes = concat!(
            "data: {\"candidates\": [{\"finishReason\": \"SAFETY\",\"index\": 0,\"safetyRatings\": [{\"category\": \"HARM_CATEGORY_DANGEROUS_CONTENT\",\"probability\": \"HIGH\",\"blocked\": true}]}],",
            "\"usageMetadata\": {\"promptTokenCount\": 5,\"totalTokenCount\": 5}}\n\n",
        );
        let done = StreamEvent::Done { usage: Some(Usage::new(5, 0)), stop_reason: Some("SAFETY".into()) };
        conformance::parses_at_every_split(&GeminiWire, bytes, &[done]);
    }

    #[test]
    fn a_blocked_prompt_fails_with_the_reason() {
        let bytes = b"data: {\"promptFeedback\": {\"blockReason\": \"PROHIBITED_CONTENT\"},\"usageMetadata\": {\"promptTokenCount\": 4}}\n\n";
        assert_eq!(replay(bytes, 10), Err(ProviderError::Refused("blocked: PROHIBITED_CONTENT".into())));
    }

    #[test]
    fn a_frame_that_does_not_parse_is_malformed() {
        for bytes in ["data: {not json\n\n", "data: {\"candidates\": {\"oops\": 1}}\n\n"] {
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
    fn request_streams_with_sse_and_the_key_in_a_header() {
        let wire = build_request(
            "https://generativelanguage.googleapis.com/",
            "gemini-x",
            Some(Secret::new("AIza-secret")),
            &chat(None),
        );
        assert_eq!(
            wire.url,
            "https://generativelanguage.googleapis.com/v1beta/models/gemini-x:streamGenerateContent?alt=sse"
        );
        assert_eq!(wire.headers, vec![("accept".to_string(), "text/event-stream".to_string())]);
        assert_eq!(wire.auth, Some(("x-goog-api-key".to_string(), String::new(), Secret::new("AIza-secret"))));
        assert_eq!(
            wire.body,
            json!({
                "systemInstruction": {"parts": [{"text": "sys"}]},
                "contents": [{"role": "user", "parts": [{"text": "hi"}]}],
            })
        );
        assert!(!wire.body.to_string().contains("AIza-secret") && !wire.url.contains("AIza-secret"));
        // A `models/` prefix, as the API lists model names, is not doubled.
        let prefixed = build_request("http://h", "models/gemini-x", None, &chat(None));
        assert_eq!(prefixed.url, "http://h/v1beta/models/gemini-x:streamGenerateContent?alt=sse");
    }

    #[test]
    fn json_schema_keywords_gemini_rejects_are_dropped_or_translated() {
        let schema = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "additionalProperties": false,
            "properties": {
                "note": {"type": ["string", "null"], "description": "optional", "$comment": "x", "format": "email"},
                "when": {"type": "string", "format": "date-time"},
                "kind": {"const": "verdict"},
                "level": {"type": "integer", "enum": [1, 2]},
                "tags": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "number", "exclusiveMinimum": 0}]}},
            },
            "required": ["kind"],
            "propertyOrdering": ["kind", "note", "level", "tags"],
        });
        assert_eq!(
            response_schema(&schema),
            json!({
                "type": "OBJECT",
                "properties": {
                    "note": {"type": "STRING", "nullable": true, "description": "optional"},
                    "when": {"type": "STRING", "format": "date-time"},
                    "kind": {"enum": ["verdict"]},
                    "level": {"type": "INTEGER", "enum": ["1", "2"]},
                    "tags": {"type": "ARRAY", "items": {"anyOf": [{"type": "STRING"}, {"type": "NUMBER"}]}},
                },
                "required": ["kind"],
                "propertyOrdering": ["kind", "note", "level", "tags"],
            })
        );
    }

    /// Fuzzing regression: `candidatesTokenCount + thoughtsTokenCount` past `u64::MAX`
    /// overflowed (a panic with overflow checks on, a wrapped count without).
    #[test]
    fn huge_token_counts_do_not_overflow() {
        let bytes = concat!(
            "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"x\"}]},\"finishReason\": \"STOP\"}],",
            "\"usageMetadata\": {\"candidatesTokenCount\": 18446744073709551615,\"thoughtsTokenCount\": 1}}\n\n",
        );
        // Whatever the count becomes, the stream must still parse.
        assert!(replay(bytes.as_bytes(), 0).is_ok());
    }

    #[test]
    fn parameters_go_in_the_generation_config() {
        let params = crate::provider::Params {
            temperature: Some(0.4),
            max_output_tokens: Some(700),
            reasoning: Some(Reasoning::High),
        };
        let body = |model: &str, schema: Option<JsonSchema>| {
            build_request("http://h", model, None, &ChatRequest { params, ..chat(schema) }).body
        };
        assert_eq!(
            body("gemini-3.1-pro", None),
            json!({
                "systemInstruction": {"parts": [{"text": "sys"}]},
                "contents": [{"role": "user", "parts": [{"text": "hi"}]}],
                "generationConfig": {"temperature": 0.4, "maxOutputTokens": 700, "thinkingConfig": {"thinkingLevel": "high"}},
            })
        );
        let schema = JsonSchema { name: "v".into(), schema: json!({"type": "object"}) };
        assert_eq!(
            body("models/gemini-2.5-flash", Some(schema)),
            json!({
                "systemInstruction": {"parts": [{"text": "sys"}]},
                "contents": [{"role": "user", "parts": [{"text": "hi"}]}],
                "generationConfig": {
                    "responseMimeType": "application/json",
                    "responseSchema": {"type": "OBJECT"},
                    "temperature": 0.4,
                    "maxOutputTokens": 700,
                    "thinkingConfig": {"thinkingBudget": 24576},
                },
            })
        );
    }
}
