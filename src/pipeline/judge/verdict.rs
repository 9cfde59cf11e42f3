//! Reading the judge's reply: its JSON found through `pipeline::reply` (the whole text,
//! else the outermost object in it), validated against the labels it was shown (every
//! label scored once, in range, and ranked once, `reply`'s check); a ranking that
//! contradicts the scores is settled by the scores. A reply that fails says why
//! (`VerdictError`), in words the re-ask repeats to the judge.
//!
//! Knows nothing about how the reply was obtained, nor which model wrote which answer.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::pipeline::reply::{ReplyError, check_ranking, json_reply};
use crate::pipeline::report::Comparison;

/// The verdict as the judge writes it; `validate` turns it into a `Verdict`. Kept apart
/// from `Comparison` because serde cannot deny unknown fields through a flatten.
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
    pub comparison: Comparison,
    /// The judge's conversation that gave this verdict, for the synth to continue; set
    /// by the stage that made the call (`parse` sees only the text).
    pub exchange: Option<Exchange>,
}

/// One judge call as it went over the wire: the conversation it continued (marking the
/// prefix the synth will share, when it does), the user message sent (the first ask or
/// the re-ask) and the reply received, all byte for byte.
#[derive(Debug, Clone, PartialEq)]
pub struct Exchange {
    pub conversation: crate::provider::Conversation,
    pub user: String,
    pub reply: String,
}

/// Why a judge's reply is no usable verdict; its text is the judge's failure note and
/// what the re-ask tells the judge.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum VerdictError {
    #[error(transparent)]
    Reply(#[from] ReplyError),
    #[error("no score for answer {0}")]
    NoScore(String),
    #[error("answer {label} has score {score}, outside 0 to 10")]
    OutOfRange { label: String, score: f64 },
    #[error("a score for `{0}`, which is not one of the answers")]
    UnknownLabel(String),
}

/// Parses the judge's reply: the whole text as JSON, else the outermost `{...}` in it
/// (models wrap JSON in prose or code fences). Then validates it against `labels`.
pub fn parse(text: &str, labels: &[&str]) -> Result<Verdict, VerdictError> {
    let wire: VerdictWire = json_reply(text, "does not match the schema")?;
    validate(wire, labels)
}

fn validate(wire: VerdictWire, labels: &[&str]) -> Result<Verdict, VerdictError> {
    let mut scores = BTreeMap::new();
    for label in labels {
        let s = wire.scores.get(*label).ok_or_else(|| VerdictError::NoScore(label.to_string()))?;
        if !(0.0..=10.0).contains(&s.score) {
            return Err(VerdictError::OutOfRange { label: label.to_string(), score: s.score });
        }
        scores.insert(label.to_string(), (s.score, s.reason.trim().to_string()));
    }
    if let Some(extra) = wire.scores.keys().find(|k| !labels.contains(&k.as_str())) {
        return Err(VerdictError::UnknownLabel(extra.clone()));
    }
    check_ranking(&wire.ranking, labels)?;
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
        comparison: Comparison {
            consensus: wire.consensus,
            contradictions: wire.contradictions,
            partial_coverage: wire.partial_coverage,
            unique_insights: wire.unique_insights,
            blind_spots: wire.blind_spots,
        },
        exchange: None,
    })
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    const GOOD: &str = r#"{"scores":{"A":{"score":9,"reason":"right"},"B":{"score":3,"reason":"wrong"}},
        "ranking":["A","B"],"consensus":["x"],"contradictions":[],"partial_coverage":[],"unique_insights":[],"blind_spots":["y"]}"#;

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
        let problem =
            |text: &str, labels: &[&str]| parse(text, labels).err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(problem("  ", &["A"]), "the reply was empty");
        assert!(problem("no json here", &["A"]).starts_with("the reply is not JSON ("));
        assert_eq!(problem(GOOD, &["A", "B", "C"]), "no score for answer C");
        assert_eq!(problem(GOOD, &["A"]), "a score for `B`, which is not one of the answers");
        let bad_rank = GOOD.replace(r#"["A","B"]"#, r#"["A","A"]"#);
        assert_eq!(problem(&bad_rank, &["A", "B"]), r#"the ranking ["A", "A"] is not each of ["A", "B"] once"#);
        let high = GOOD.replace("\"score\":9", "\"score\":11");
        assert_eq!(problem(&high, &["A", "B"]), "answer A has score 11, outside 0 to 10");
        let schema = problem(r#"{"scores":{},"ranking":[],"verdict":"A"}"#, &["A"]);
        assert!(schema.starts_with("the reply's JSON does not match the schema ("), "{schema}");
    }
}
