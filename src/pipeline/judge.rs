//! The judge stage's pure parts: anonymising and shuffling the answers under neutral
//! labels, the request (which names no model), the verdict's JSON schema, and parsing,
//! validating and repairing what the judge returns.
//!
//! Knows nothing about providers or wire formats; `mod.rs` sends the request.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Value, json};

use crate::provider::JsonSchema;

pub const SCHEMA_NAME: &str = "judge_verdict";

/// An answer as the judge sees it: a label and the text, no model name.
#[derive(Debug, Clone, PartialEq)]
pub struct Labelled<'a> {
    pub label: String,
    /// Index of the member in the panel.
    pub member: usize,
    pub content: &'a str,
}

/// Labels `A`, `B`, ... for the answers, in an order shuffled by `seed`.
/// `answers` are (member index, content) of the members that answered.
pub fn label<'a>(answers: &[(usize, &'a str)], seed: u64) -> Vec<Labelled<'a>> {
    let mut order: Vec<usize> = (0..answers.len()).collect();
    let mut state = seed;
    for i in (1..order.len()).rev() {
        state = splitmix(state);
        order.swap(i, (state % (i as u64 + 1)) as usize);
    }
    order
        .into_iter()
        .enumerate()
        .map(|(pos, i)| Labelled { label: label_name(pos), member: answers[i].0, content: answers[i].1 })
        .collect()
}

fn label_name(pos: usize) -> String {
    char::from(b'A' + (pos % 26) as u8).to_string()
}

fn splitmix(state: u64) -> u64 {
    let mut z = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

pub const SYSTEM: &str = "You are an impartial judge of answers to a user's question. \
The answers come from different assistants, shown only under neutral labels in a random order; \
judge each on correctness first, then completeness, clarity and usefulness. \
Do not favour an answer for its length, its position, or for agreeing with the others: \
a correct minority answer beats a popular wrong one. \
Reply with one JSON object and nothing else.";

/// The judge's user message: the question and the labelled answers, no model names.
pub fn user_message(prompt: &str, answers: &[Labelled<'_>]) -> String {
    let labels: Vec<&str> = answers.iter().map(|a| a.label.as_str()).collect();
    let mut text = format!("## Question\n\n{prompt}\n\n");
    for answer in answers {
        text.push_str(&format!("## Answer {}\n\n{}\n\n", answer.label, answer.content.trim()));
    }
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct VerdictWire {
    scores: BTreeMap<String, ScoreWire>,
    ranking: Vec<String>,
    #[serde(default)]
    consensus: Vec<String>,
    #[serde(default)]
    contradictions: Vec<String>,
    #[serde(default)]
    partial_coverage: Vec<String>,
    #[serde(default)]
    unique_insights: Vec<String>,
    #[serde(default)]
    blind_spots: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ScoreWire {
    score: f64,
    #[serde(default)]
    reason: String,
}

/// A validated verdict, still in labels.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// label → (score, reason)
    pub scores: BTreeMap<String, (f64, String)>,
    pub ranking: Vec<String>,
    pub consensus: Vec<String>,
    pub contradictions: Vec<String>,
    pub partial_coverage: Vec<String>,
    pub unique_insights: Vec<String>,
    pub blind_spots: Vec<String>,
}

/// Parses the judge's reply: the whole text as JSON, else the outermost `{...}` in it
/// (models wrap JSON in prose or code fences). Then validates it against `labels`.
pub fn parse(text: &str, labels: &[&str]) -> Result<Verdict, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err("the reply was empty".into());
    }
    let wire: VerdictWire = match serde_json::from_str(trimmed) {
        Ok(wire) => wire,
        Err(first) => {
            let inner = outermost_object(trimmed).ok_or_else(|| format!("the reply is not JSON ({first})"))?;
            serde_json::from_str(inner).map_err(|e| format!("the reply's JSON does not match the schema ({e})"))?
        }
    };
    validate(wire, labels)
}

fn outermost_object(text: &str) -> Option<&str> {
    let start = text.find('{')?;
    let end = text.rfind('}')?;
    (end > start).then(|| &text[start..=end])
}

fn validate(wire: VerdictWire, labels: &[&str]) -> Result<Verdict, String> {
    let mut scores = BTreeMap::new();
    for label in labels {
        let s = wire.scores.get(*label).ok_or_else(|| format!("no score for answer {label}"))?;
        if !(0.0..=10.0).contains(&s.score) {
            return Err(format!("answer {label} has score {}, outside 0 to 10", s.score));
        }
        scores.insert(label.to_string(), (s.score, s.reason.trim().to_string()));
    }
    if let Some(extra) = wire.scores.keys().find(|k| !labels.contains(&k.as_str())) {
        return Err(format!("a score for `{extra}`, which is not one of the answers"));
    }
    let mut ranked: Vec<&str> = wire.ranking.iter().map(String::as_str).collect();
    ranked.sort_unstable();
    let mut expected = labels.to_vec();
    expected.sort_unstable();
    if ranked != expected {
        return Err(format!("the ranking {:?} is not each of {:?} once", wire.ranking, labels));
    }
    // A ranking that contradicts the scores is settled by the scores; the judge's order
    // stands among equal scores.
    let mut ranking = wire.ranking;
    ranking.sort_by(|a, b| {
        let score = |label: &String| scores.get(label).map_or(0.0, |s: &(f64, String)| s.0);
        score(b).total_cmp(&score(a))
    });
    Ok(Verdict {
        scores,
        ranking,
        consensus: wire.consensus,
        contradictions: wire.contradictions,
        partial_coverage: wire.partial_coverage,
        unique_insights: wire.unique_insights,
        blind_spots: wire.blind_spots,
    })
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    const GOOD: &str = r#"{"scores":{"A":{"score":9,"reason":"right"},"B":{"score":3,"reason":"wrong"}},
        "ranking":["A","B"],"consensus":["x"],"contradictions":[],"partial_coverage":[],"unique_insights":[],"blind_spots":["y"]}"#;

    #[test]
    fn labels_are_a_seeded_shuffle() {
        let answers = [(0, "zero"), (1, "one"), (2, "two"), (3, "three")];
        let a = label(&answers, 7);
        assert_eq!(a, label(&answers, 7));
        assert_eq!(a.iter().map(|l| l.label.as_str()).collect::<Vec<_>>(), ["A", "B", "C", "D"]);
        let mut members: Vec<usize> = a.iter().map(|l| l.member).collect();
        members.sort_unstable();
        assert_eq!(members, [0, 1, 2, 3]);
        let orders: std::collections::BTreeSet<Vec<usize>> =
            (0..20).map(|s| label(&answers, s).iter().map(|l| l.member).collect()).collect();
        assert!(orders.len() > 1, "the seed must change the order");
    }

    #[test]
    fn parses_plain_and_wrapped_json() {
        let verdict = parse(GOOD, &["A", "B"]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(verdict.ranking, ["A", "B"]);
        assert_eq!(verdict.scores.get("B"), Some(&(3.0, "wrong".to_string())));
        let fenced = format!("Here you go:\n```json\n{GOOD}\n```\nThanks");
        assert_eq!(parse(&fenced, &["A", "B"]), Ok(verdict));
    }

    #[test]
    fn a_ranking_that_contradicts_the_scores_follows_the_scores() {
        let text = GOOD.replace(r#"["A","B"]"#, r#"["B","A"]"#);
        assert_eq!(parse(&text, &["A", "B"]).map(|v| v.ranking), Ok(vec!["A".to_string(), "B".to_string()]));
        let tied = text.replace("\"score\":9", "\"score\":3");
        assert_eq!(parse(&tied, &["A", "B"]).map(|v| v.ranking), Ok(vec!["B".to_string(), "A".to_string()]));
    }

    #[test]
    fn invalid_verdicts_say_why() {
        assert_eq!(parse("  ", &["A"]), Err("the reply was empty".into()));
        assert!(parse("no json here", &["A"]).unwrap_err().starts_with("the reply is not JSON"));
        assert_eq!(parse(GOOD, &["A", "B", "C"]), Err("no score for answer C".into()));
        let bad_rank = GOOD.replace(r#"["A","B"]"#, r#"["A","A"]"#);
        assert!(parse(&bad_rank, &["A", "B"]).unwrap_err().starts_with("the ranking"));
        let high = GOOD.replace("\"score\":9", "\"score\":11");
        assert_eq!(parse(&high, &["A", "B"]), Err("answer A has score 11, outside 0 to 10".into()));
    }

    #[test]
    fn the_request_names_no_model_and_lists_every_label() {
        let answers = label(&[(0, "first"), (1, "second")], 1);
        let text = user_message("Why?", &answers);
        assert!(text.contains("## Answer A") && text.contains("## Answer B"));
        let schema = schema(&["A", "B"]).schema;
        assert_eq!(schema["properties"]["ranking"]["items"]["enum"], json!(["A", "B"]));
    }

    /// The adapters' tests translate a copy of this schema (the provider layer can't
    /// import this one): the copy must stay the schema the judge really asks for.
    #[test]
    fn the_adapters_test_the_schema_the_judge_asks_for() {
        assert_eq!(schema(&["A", "B"]), crate::provider::http::testing::judge_schema());
    }
}
