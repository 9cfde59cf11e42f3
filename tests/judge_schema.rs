//! The schema the judge really asks for (`pipeline::judge::schema`), put on the wire by
//! each HTTP adapter: OpenAI's strict `json_schema` response format, Anthropic's forced
//! tool, and Gemini's `responseSchema` in the OpenAPI subset it accepts. The adapters'
//! own tests carry a small schema of their own, since the provider layer may not import
//! the pipeline; this is where the two meet.

use pretty_assertions::assert_eq;
use serde_json::json;

use frontier::pipeline::judge;
use frontier::provider::{ChatRequest, JsonSchema, Params, Secret, anthropic, gemini, openai};

/// A judge's request with the schema for the labels `A` and `B`.
fn judged() -> (ChatRequest, JsonSchema) {
    let schema = judge::schema(&["A", "B"]);
    let request = ChatRequest {
        system: "sys".into(),
        user: "hi".into(),
        conversation: Default::default(),
        json_schema: Some(schema.clone()),
        deadline: tokio::time::Instant::now(),
        params: Params::default(),
    };
    (request, schema)
}

#[test]
fn openai_asks_for_the_judges_schema_strictly() {
    let (request, schema) = judged();
    let wire = openai::build_request("http://h", "gpt-x", Some(Secret::new("sk-secret")), &request);
    assert_eq!(
        wire.body["response_format"],
        json!({"type": "json_schema", "json_schema": {"name": "judge_verdict", "schema": schema.schema, "strict": true}})
    );
    assert!(!wire.body.to_string().contains("sk-secret") && !wire.url.contains("sk-secret"));
}

#[test]
fn anthropic_forces_the_judges_schema_as_a_tool() {
    let (request, schema) = judged();
    let wire = anthropic::build_request("http://h", "claude-x", Some(Secret::new("sk-ant-x")), &request);
    assert_eq!(
        wire.body,
        json!({
            "model": "claude-x",
            "max_tokens": 8192,
            "system": "sys",
            "messages": [{"role": "user", "content": "hi"}],
            "stream": true,
            "tools": [{
                "name": "judge_verdict",
                "description": "Reply with the `judge_verdict` object: fill every field its input schema requires.",
                "input_schema": schema.schema,
            }],
            "tool_choice": {"type": "tool", "name": "judge_verdict"},
        })
    );
    assert!(!wire.body.to_string().contains("sk-ant-x") && !wire.url.contains("sk-ant-x"));
}

#[test]
fn gemini_gets_the_judges_schema_in_its_subset() {
    let (request, _) = judged();
    let wire = gemini::build_request("http://h", "gemini-x", Some(Secret::new("AIza-secret")), &request);
    let score = json!({
        "type": "OBJECT",
        "properties": {"score": {"type": "INTEGER", "minimum": 0, "maximum": 10}, "reason": {"type": "STRING"}},
        "required": ["score", "reason"],
    });
    let list = json!({"type": "ARRAY", "items": {"type": "STRING"}});
    assert_eq!(
        wire.body,
        json!({
            "systemInstruction": {"parts": [{"text": "sys"}]},
            "contents": [{"role": "user", "parts": [{"text": "hi"}]}],
            "generationConfig": {
                "responseMimeType": "application/json",
                "responseSchema": {
                    "type": "OBJECT",
                    "properties": {
                        "scores": {"type": "OBJECT", "properties": {"A": score, "B": score}, "required": ["A", "B"]},
                        "ranking": {"type": "ARRAY", "items": {"type": "STRING", "enum": ["A", "B"]}, "minItems": 2, "maxItems": 2},
                        "consensus": list,
                        "contradictions": list,
                        "partial_coverage": list,
                        "unique_insights": list,
                        "blind_spots": list,
                    },
                    "required": ["scores", "ranking", "consensus", "contradictions", "partial_coverage", "unique_insights", "blind_spots"],
                },
            },
        })
    );
    assert!(!wire.body.to_string().contains("AIza-secret") && !wire.url.contains("AIza-secret"));
}
