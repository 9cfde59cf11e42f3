//! Reading a model's structured reply: the JSON in its text (the whole text, else the
//! outermost `{...}` in it, as models wrap JSON in prose or code fences), and the check
//! that a ranking names each label it was shown exactly once. The judge's verdict and a
//! council ranker's ranking are both read through here.
//!
//! Knows nothing about what the JSON means beyond a ranking of labels, nor who wrote it.

use serde::de::DeserializeOwned;

/// Why a reply can't be used. Its text ends up in the report's notes and in the judge's
/// re-ask, so it says what was wrong in the model's terms.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReplyError {
    #[error("the reply was empty")]
    Empty,
    /// Neither the text nor an object in it parses as JSON; serde's reason.
    #[error("the reply is not JSON ({0})")]
    NotJson(String),
    /// The JSON is not what was asked for: `expected` words what it lacks (`does not
    /// match the schema`), `detail` is serde's reason.
    #[error("the reply's JSON {expected} ({detail})")]
    Mismatch { expected: &'static str, detail: String },
    #[error("the ranking {ranking:?} is not each of {labels:?} once")]
    Ranking { ranking: Vec<String>, labels: Vec<String> },
}

/// A model's JSON reply as `T`: the whole text, else the outermost `{...}` in it.
/// `expected` words a JSON object that is not a `T` (`has no usable ranking`).
pub(super) fn json_reply<T: DeserializeOwned>(text: &str, expected: &'static str) -> Result<T, ReplyError> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(ReplyError::Empty);
    }
    match serde_json::from_str(trimmed) {
        Ok(wire) => Ok(wire),
        Err(first) => {
            let inner = outermost_object(trimmed).ok_or_else(|| ReplyError::NotJson(first.to_string()))?;
            serde_json::from_str(inner).map_err(|e| ReplyError::Mismatch { expected, detail: e.to_string() })
        }
    }
}

fn outermost_object(text: &str) -> Option<&str> {
    let start = text.find('{')?;
    let end = text.rfind('}')?;
    (end > start).then(|| &text[start..=end])
}

/// Whether `ranking` names each of `labels` exactly once, in any order.
pub(super) fn check_ranking(ranking: &[String], labels: &[&str]) -> Result<(), ReplyError> {
    let mut ranked: Vec<&str> = ranking.iter().map(String::as_str).collect();
    ranked.sort_unstable();
    let mut expected = labels.to_vec();
    expected.sort_unstable();
    if ranked == expected {
        Ok(())
    } else {
        Err(ReplyError::Ranking { ranking: ranking.to_vec(), labels: labels.iter().map(|l| l.to_string()).collect() })
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Wire {
        n: u8,
    }

    #[test]
    fn json_is_read_whole_or_from_the_outermost_object_and_else_says_why() {
        assert_eq!(json_reply::<Wire>(r#" {"n":1} "#, "x"), Ok(Wire { n: 1 }));
        assert_eq!(json_reply::<Wire>("Sure:\n```json\n{\"n\": 2}\n```", "x"), Ok(Wire { n: 2 }));
        assert_eq!(json_reply::<Wire>(" \n", "x"), Err(ReplyError::Empty));
        let not_json = json_reply::<Wire>("no braces", "x").map_err(|e| e.to_string());
        assert!(not_json.as_ref().is_err_and(|e| e.starts_with("the reply is not JSON (")), "{not_json:?}");
        let mismatch = json_reply::<Wire>(r#"ok {"m":1}"#, "has no n").map_err(|e| e.to_string());
        assert!(mismatch.as_ref().is_err_and(|e| e.starts_with("the reply's JSON has no n (")), "{mismatch:?}");
    }

    #[test]
    fn a_ranking_must_name_each_label_once() {
        let ranking = |labels: &[&str]| labels.iter().map(|l| l.to_string()).collect::<Vec<_>>();
        assert_eq!(check_ranking(&ranking(&["C", "A"]), &["A", "C"]), Ok(()));
        assert_eq!(
            check_ranking(&ranking(&["A", "A"]), &["A", "C"]).map_err(|e| e.to_string()),
            Err(r#"the ranking ["A", "A"] is not each of ["A", "C"] once"#.to_string())
        );
        assert!(check_ranking(&ranking(&["A"]), &["A", "C"]).is_err());
        assert!(check_ranking(&ranking(&["A", "B", "C"]), &["A", "C"]).is_err());
    }
}
