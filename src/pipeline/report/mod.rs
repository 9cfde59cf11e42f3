//! The `RunReport`: everything a run did, as one value. It is what `--json` prints and
//! what history stores; the human renderer reads it too. Its JSON is a contract: fields
//! are only ever added, and history's old records must still read.
//!
//! Holds the types (each call's outcome in `member`) and their builders (`build`); knows
//! nothing about how a run is carried out, nor how a report is shown or stored.

pub(super) mod build;
mod member;

use serde::{Deserialize, Serialize};

pub use member::{CallReport, MemberReport};

use super::FailureReason;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunReport {
    pub run_id: String,
    pub status: Status,
    pub mode: RunMode,
    pub preset: Option<String>,
    pub prompt: String,
    pub panel: Vec<MemberReport>,
    pub judge: Option<CallReport>,
    pub synth: Option<CallReport>,
    pub analysis: Option<Analysis>,
    #[serde(rename = "final")]
    pub final_answer: Option<String>,
    pub final_source: Option<FinalSource>,
    pub failed_models: Vec<String>,
    pub failure_reason: Option<FailureReason>,
    /// What the run did differently from the plan, and why (skipped stages, fallbacks).
    pub notes: Vec<String>,
    pub timings: Timings,
    pub totals: Totals,
    /// Seed of the judge's shuffle of the answers, for reproducing its label order.
    pub judge_seed: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    Error,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunMode {
    Single,
    Fusion,
}

/// Where the final answer came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FinalSource {
    /// The synth wrote it.
    Synth,
    /// The only member of a single-mode run.
    Single,
    /// The synth failed or was skipped: the judge's top-ranked answer.
    JudgeTop,
    /// Neither judge nor synth helped: the longest answer.
    Longest,
}

/// The judge's verdict, in models: scores, ranking and the comparison of the answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    pub scores: Vec<Score>,
    /// Models, best first.
    pub ranking: Vec<String>,
    /// Flattened: its five lists are `Analysis`'s last five keys, as they always were.
    #[serde(flatten)]
    pub comparison: Comparison,
}

/// What the judge found comparing the answers, the same in its verdict and the report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// Points the answers agree on.
    pub consensus: Vec<String>,
    /// Points where they disagree, and which side is right.
    pub contradictions: Vec<String>,
    /// Parts of the question only some answers cover.
    pub partial_coverage: Vec<String>,
    /// Valuable points made by one answer only.
    pub unique_insights: Vec<String>,
    /// What every answer missed.
    pub blind_spots: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Score {
    pub label: String,
    pub model: String,
    /// Index of the member in `panel`.
    pub member: usize,
    pub score: f64,
    pub reason: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timings {
    pub panel_ms: u64,
    pub judge_ms: Option<u64>,
    pub synth_ms: Option<u64>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub wall_ms: u64,
    /// USD over every call with a known price; `None` when no call had one.
    pub cost_usd: Option<f64>,
    /// Some usage was estimated, or some call had no price: `cost_usd` is a lower bound.
    pub cost_estimated: bool,
}

impl RunReport {
    /// A report for a run refused before it started.
    pub fn refused(
        run_id: String,
        mode: RunMode,
        preset: Option<String>,
        prompt: String,
        reason: FailureReason,
    ) -> Self {
        RunReport {
            run_id,
            status: Status::Error,
            mode,
            preset,
            prompt,
            panel: Vec::new(),
            judge: None,
            synth: None,
            analysis: None,
            final_answer: None,
            final_source: None,
            failed_models: Vec::new(),
            failure_reason: Some(reason),
            notes: Vec::new(),
            timings: Timings::default(),
            totals: Totals::default(),
            judge_seed: 0,
        }
    }
}
