//! One prompt of an eval set: what is asked, the files sent with it, and the reference
//! answer with how an answer is matched against it.
//!
//! Knows nothing about where the set came from (a file, history, the shipped sample) or
//! how a match is decided (`score::reference`).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// One prompt of a set.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Names the item in the results and on `--resume`: the set's `id`, else `line-N`.
    pub id: String,
    pub prompt: String,
    /// How an answer is scored without a grader; `None`: graded against the baseline.
    pub reference: Option<Reference>,
    /// Context files sent with the prompt, resolved against the set file's directory.
    pub files: Vec<PathBuf>,
}

/// A reference answer and how an answer is matched against it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reference {
    pub answer: String,
    pub kind: MatchKind,
    /// For `numeric`: the largest difference still counted equal (absolute).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerance: Option<f64>,
}

/// How an answer is matched against a reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchKind {
    /// The whole answer, normalised, equals the reference, normalised.
    Exact,
    /// The answer's last number is within the tolerance of the reference's number.
    Numeric,
    /// The normalised answer contains the normalised reference.
    Contains,
    /// The reference is a regular expression that matches somewhere in the answer.
    Regex,
}
