//! What a council ranker is sent: its instructions, the question and the other members'
//! answers under their labels, each in its frame (`judge::shown`; never its own answer,
//! never a model name), then its task outside every frame; the JSON schema of its
//! ranking, and how its reply is read (through `pipeline::reply`: the whole text, else
//! the outermost object, then every label shown ranked exactly once).
//!
//! Knows nothing about providers, nor how the rankings are aggregated (`borda`).

use serde::Deserialize;
use serde_json::json;

use crate::frame::Nonce;
use crate::pipeline::judge::{Labelled, QUESTION_HEADING, shown};
use crate::pipeline::reply::{ReplyError, check_ranking, json_reply};
use crate::provider::JsonSchema;

pub const SCHEMA_NAME: &str = "council_ranking";

pub const SYSTEM: &str = "You are one of several reviewers ranking answers to a user's question. \
The answers come from different assistants, shown only under neutral labels in a random order. \
Rank them on correctness first, then completeness, clarity and usefulness; \
do not favour an answer for its length, its position, or for agreeing with the others. \
Reply with one JSON object and nothing else.";

/// The ranker's user message: the question and the answers it ranks, each framed under
/// `nonce` (or a fresh one, should an answer or the question hold it).
pub fn user_message(question: &str, answers: &[&Labelled<'_>], nonce: &Nonce) -> String {
    let nonce = shown::nonce_for(nonce, answers, &[question]);
    let mut text = format!("{QUESTION_HEADING}{question}\n\n## Answers\n\n{}", shown::framed(answers, &nonce));
    let labels: Vec<&str> = answers.iter().map(|a| a.label.as_str()).collect();
    text.push_str(&format!(
        "## Your task\n\nReturn a JSON object {{\"ranking\": [...]}} that lists every label ({}) exactly once, \
         best answer first.",
        labels.join(", ")
    ));
    text
}

/// The ranking's JSON schema for these labels (strict).
pub fn schema(labels: &[&str]) -> JsonSchema {
    JsonSchema {
        name: SCHEMA_NAME.into(),
        schema: json!({
            "type": "object",
            "properties": {
                "ranking": {"type": "array", "items": {"type": "string", "enum": labels}, "minItems": labels.len(), "maxItems": labels.len()}
            },
            "required": ["ranking"],
            "additionalProperties": false
        }),
    }
}

#[derive(Deserialize)]
struct RankingWire {
    ranking: Vec<String>,
}

/// The ranking in `text`, best first, or why it can't be used.
pub fn parse(text: &str, labels: &[&str]) -> Result<Vec<String>, ReplyError> {
    let wire: RankingWire = json_reply(text, "has no usable ranking")?;
    check_ranking(&wire.ranking, labels)?;
    Ok(wire.ranking)
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;
    use crate::pipeline::judge::label;

    #[test]
    fn a_ranker_sees_only_the_answers_it_is_given_under_their_labels() {
        let all = label(&[(0, "mine"), (1, "yours"), (2, "theirs")], 5);
        let shown: Vec<&Labelled<'_>> = all.iter().filter(|l| l.member != 0).collect();
        let nonce = Nonce::parse("0123456789abcdef0123456789abcdef").unwrap();
        let text = user_message("Why?", &shown, &nonce);
        let (x, y) = (&shown[0], &shown[1]);
        assert_eq!(
            text,
            format!(
                "## Question\n\nWhy?\n\n## Answers\n\n{}## Your task\n\nReturn a JSON object {{\"ranking\": [...]}} \
                 that lists every label ({}, {}) exactly once, best answer first.",
                shown::framed(&shown, &nonce),
                x.label,
                y.label
            )
        );
        assert!(
            text.contains(&format!(
                "[[answer {} {nonce}]]\n{}\n[[end answer {} {nonce}]]",
                x.label, x.content, x.label
            ))
        );
        assert!(!text.contains("mine"));
    }

    #[test]
    fn a_ranking_is_read_plain_or_wrapped_and_must_rank_each_label_once() {
        let parse = |text: &str, labels: &[&str]| parse(text, labels).map_err(|e| e.to_string());
        assert_eq!(parse(r#"{"ranking":["C","A"]}"#, &["A", "C"]), Ok(vec!["C".to_string(), "A".to_string()]));
        assert_eq!(
            parse("Sure:\n```json\n{\"ranking\": [\"A\", \"C\"]}\n```", &["A", "C"]),
            Ok(vec!["A".to_string(), "C".to_string()])
        );
        assert_eq!(
            parse(r#"{"ranking":["A","A"]}"#, &["A", "C"]),
            Err(r#"the ranking ["A", "A"] is not each of ["A", "C"] once"#.to_string())
        );
        assert_eq!(parse(" ", &["A"]), Err("the reply was empty".to_string()));
        assert!(parse("A is best", &["A"]).is_err_and(|e| e.starts_with("the reply is not JSON")));
        assert!(parse(r#"{"order":["A"]}"#, &["A"]).is_err_and(|e| e.starts_with("the reply's JSON has no usable")));
    }
}
