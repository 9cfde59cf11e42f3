//! What an eval found, per contender: quality (accuracy against references, win rate
//! against the baseline), each with its 95% interval, beside tokens, cost and latency.
//! The terminal table, the Markdown report, the chart and `--json` all read this.
//!
//! Knows nothing about how the numbers were gathered or how they are shown.

use serde::{Deserialize, Serialize};

/// An eval's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub eval_id: String,
    /// Where the prompts came from: the set file's path, `sample`, or `history`.
    pub set: String,
    /// Items in the set.
    pub items: u64,
    /// The contender the others are graded against (items without a reference).
    pub baseline: Option<String>,
    /// The model that grades pairs; `None` when every item has a reference.
    pub grader: Option<String>,
    pub contenders: Vec<ContenderScore>,
    /// What the grader's own calls took.
    pub grading: Spend,
    /// What the reader must know: the grader is also a contender, the eval stopped early.
    pub notes: Vec<String>,
    /// Every item ran for every contender (not interrupted, not stopped by `--max-cost`).
    pub complete: bool,
}

/// One contender's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContenderScore {
    /// How the contender is named in the eval (`demo`, `demo+judge=none`, `mock:a`).
    pub label: String,
    /// What it is, in words: `preset demo: 3 members, judge mock:judge, synth mock:synth`.
    pub shape: String,
    /// Items it answered, and items where it produced no answer.
    pub answered: u64,
    pub failed: u64,
    /// Against references; `None` when no item had one.
    pub accuracy: Option<Accuracy>,
    /// Against the baseline; `None` for the baseline itself and when every item had a
    /// reference.
    pub versus: Option<Versus>,
    /// The mean length of its answers in characters (a grader's length bias shows here).
    pub mean_answer_chars: Option<f64>,
    pub spend: Spend,
    pub latency: Latency,
}

/// Accuracy against references.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Accuracy {
    pub correct: u64,
    /// Items with a reference that it answered or failed (a failure counts as wrong).
    pub scored: u64,
    pub interval: Interval,
}

/// A contender against the baseline, each pair graded in both orders.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Versus {
    /// Both orders preferred the contender.
    pub wins: u64,
    /// The orders disagreed, or both called it even.
    pub ties: u64,
    /// Both orders preferred the baseline.
    pub losses: u64,
    /// Pairs the grader did not settle (a failed call, a verdict it did not give).
    pub ungraded: u64,
    /// (wins + ties / 2) / graded pairs.
    pub win_rate: Interval,
}

/// A proportion and its 95% interval, each in 0..=1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    pub estimate: f64,
    pub low: f64,
    pub high: f64,
}

/// Tokens and cost.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Spend {
    pub input_tokens: u64,
    pub output_tokens: u64,
    /// The part of `input_tokens` served from the providers' caches.
    pub cached_input_tokens: u64,
    /// USD at catalog prices; `None` when no call had a price.
    pub cost_usd: Option<f64>,
    /// Some usage was estimated or some call had no price: `cost_usd` is a lower bound.
    pub cost_estimated: bool,
}

/// Wall time per item, from the request to the final answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Latency {
    pub p50_ms: Option<u64>,
    pub p95_ms: Option<u64>,
}
