//! What the judge is sent: its instructions, the user message with the labelled answers
//! (which names no model), the re-ask after an unusable reply, and the verdict's JSON
//! schema requested as structured output.
//!
//! The user message puts what every call of a run shares first (the question, and the
//! context block in it), then the answers, each in its frame (`shown`), then the task,
//! outside every frame. The synth continues this message byte for byte when it shares
//! the judge's prompt cache.
//!
//! Knows nothing about providers or wire formats, nor how a reply is parsed (`verdict`).

use serde_json::{Value, json};

use super::labels::Labelled;
use super::shown;
use crate::frame::Nonce;
use crate::provider::JsonSchema;

pub const SCHEMA_NAME: &str = "judge_verdict";

pub const SYSTEM: &str = "You are an impartial judge of answers to a user's question. \
The answers come from different assistants, shown only under neutral labels in a random order; \
judge each on correctness first, then completeness, clarity and usefulness. \
Do not favour an answer for its length, its position, or for agreeing with the others: \
a correct minority answer beats a popular wrong one. \
Reply with one JSON object and nothing else.";

/// Where the question begins in the judge's, a ranker's and the standalone synth's
/// message: after its heading.
pub const QUESTION_AT: usize = QUESTION_HEADING.len();

/// The heading every message that shows answers puts before the question.
pub const QUESTION_HEADING: &str = "## Question\n\n";

/// The judge's user message: the question and the labelled answers, each framed under
/// `nonce` (or a fresh one, should an answer or the question hold it), no model names.
pub fn user_message(prompt: &str, answers: &[Labelled<'_>], nonce: &Nonce) -> String {
    let labels: Vec<&str> = answers.iter().map(|a| a.label.as_str()).collect();
    let shown: Vec<&Labelled<'_>> = answers.iter().collect();
    let nonce = shown::nonce_for(nonce, &shown, &[prompt]);
    let mut text = format!("{QUESTION_HEADING}{prompt}\n\n## Answers\n\n{}", shown::framed(&shown, &nonce));
    text.push_str(&format!(
        "## Your task\n\nReturn a JSON object with:\n\
         - \"scores\": for each label ({labels}), an object {{\"score\": 0-10, \"reason\": one short sentence}}\n\
         - \"ranking\": every label once, best first\n\
         - \"consensus\": points the answers agree on\n\
         - \"contradictions\": points where they disagree, and which side is right\n\
         - \"partial_coverage\": parts of the question only some answers cover\n\
         - \"unique_insights\": valuable points made by one answer only (name its label)\n\
         - \"blind_spots\": what every answer missed\n\
         Each of the last five is a list of short strings (possibly empty).",
        labels = labels.join(", ")
    ));
    text
}

/// A re-ask after an invalid reply: says what was wrong.
pub fn repair_message(original: &str, problem: &str) -> String {
    format!("{original}\n\nYour previous reply could not be used: {problem}. Reply again with only the JSON object.")
}

/// The verdict's JSON schema for these labels (strict: every key required).
pub fn schema(labels: &[&str]) -> JsonSchema {
    let score = json!({
        "type": "object",
        "properties": {
            "score": {"type": "integer", "minimum": 0, "maximum": 10},
            "reason": {"type": "string"}
        },
        "required": ["score", "reason"],
        "additionalProperties": false
    });
    let scores: serde_json::Map<String, Value> = labels.iter().map(|l| (l.to_string(), score.clone())).collect();
    let list = json!({"type": "array", "items": {"type": "string"}});
    JsonSchema {
        name: SCHEMA_NAME.into(),
        schema: json!({
            "type": "object",
            "properties": {
                "scores": {"type": "object", "properties": scores, "required": labels, "additionalProperties": false},
                "ranking": {"type": "array", "items": {"type": "string", "enum": labels}, "minItems": labels.len(), "maxItems": labels.len()},
                "consensus": list,
                "contradictions": list,
                "partial_coverage": list,
                "unique_insights": list,
                "blind_spots": list
            },
            "required": ["scores", "ranking", "consensus", "contradictions", "partial_coverage", "unique_insights", "blind_spots"],
            "additionalProperties": false
        }),
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::super::labels::label;
    use super::*;

    const N: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn the_request_names_no_model_frames_each_answer_and_lists_every_label() {
        let answers = label(&[(0, "first"), (1, "second")], 1);
        let text = user_message("Why?", &answers, &Nonce::parse(N).unwrap());
        let shown: Vec<&Labelled<'_>> = answers.iter().collect();
        let expected = format!(
            "## Question\n\nWhy?\n\n## Answers\n\n{}## Your task\n\nReturn a JSON object with:\n\
             - \"scores\": for each label (A, B), an object",
            shown::framed(&shown, &Nonce::parse(N).unwrap())
        );
        assert!(text.starts_with(&expected), "{text}");
        assert!(text.contains(&format!("[[answer A {N}]]\n")) && text.contains(&format!("[[end answer B {N}]]\n")));
        let schema = schema(&["A", "B"]).schema;
        assert_eq!(schema["properties"]["ranking"]["items"]["enum"], json!(["A", "B"]));
    }
}
