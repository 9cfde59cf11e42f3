//! Reading the judge's reply: the whole text as JSON, else the outermost object in it,
//! validated against the labels it was shown (every label scored once, in range, and
//! ranked once); a ranking that contradicts the scores is settled by the scores.
//!
//! Knows nothing about how the reply was obtained, nor which model wrote which answer.

use std::collections::BTreeMap;

use serde::Deserialize;

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

/// One judge call as it went over the wire: the user message sent (the first ask or the
/// re-ask) and the reply received, both byte for byte.
#[derive(Debug, Clone, PartialEq)]
pub struct Exchange {
    pub user: String,
    pub reply: String,
    /// Whether the judge's request marked its prefix as one the synth will share.
    pub cached: bool,
}

/// Parses the judge's reply: the whole text as JSON, else the outermost `{...}` in it
/// (models wrap JSON in prose or code fences). Then validates it against `labels`.
pub fn parse(text: &str, labels: &[&str]) -> Result<Verdict, String> {
    let wire: VerdictWire = json_reply(text, "does not match the schema")?;
    validate(wire, labels)
}

/// A model's JSON reply as `T`: the whole text, else the outermost `{...}` in it. The
/// error says why not; `mismatch` words a JSON object that is not a `T`.
pub(in crate::pipeline) fn json_reply<T: serde::de::DeserializeOwned>(text: &str, mismatch: &str) -> Result<T, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err("the reply was empty".into());
    }
    match serde_json::from_str(trimmed) {
        Ok(wire) => Ok(wire),
        Err(first) => {
            let inner = outermost_object(trimmed).ok_or_else(|| format!("the reply is not JSON ({first})"))?;
            serde_json::from_str(inner).map_err(|e| format!("the reply's JSON {mismatch} ({e})"))
        }
    }
}

pub(in crate::pipeline) fn outermost_object(text: &str) -> Option<&str> {
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
        assert_eq!(parse("  ", &["A"]), Err("the reply was empty".into()));
        assert!(parse("no json here", &["A"]).unwrap_err().starts_with("the reply is not JSON"));
        assert_eq!(parse(GOOD, &["A", "B", "C"]), Err("no score for answer C".into()));
        let bad_rank = GOOD.replace(r#"["A","B"]"#, r#"["A","A"]"#);
        assert!(parse(&bad_rank, &["A", "B"]).unwrap_err().starts_with("the ranking"));
        let high = GOOD.replace("\"score\":9", "\"score\":11");
        assert_eq!(parse(&high, &["A", "B"]), Err("answer A has score 11, outside 0 to 10".into()));
    }
}
