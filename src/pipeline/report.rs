//! The `RunReport`: everything a run did, as one value. It is what `--json` prints and
//! what history stores; the human renderer reads it too.

use serde::{Deserialize, Serialize};

use super::FailureReason;
use crate::provider::{ErrorKind, Usage};

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

/// One model call's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallReport {
    pub model: String,
    pub route: String,
    pub ok: bool,
    pub error: Option<String>,
    pub error_kind: Option<ErrorKind>,
    pub latency_ms: u64,
    pub usage: Option<Usage>,
    /// The provider reported no usage; `usage` is estimated from the text.
    pub usage_estimated: bool,
    /// USD, from `usage` and the route's price; `None` when no price is known.
    pub cost_usd: Option<f64>,
    /// The answer went past `max_answer_bytes` and was cut there. Written only when true,
    /// so reports of uncut calls read as before.
    #[serde(default, skip_serializing_if = "is_false")]
    pub truncated: bool,
}

/// A panel member's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberReport {
    pub model: String,
    pub route: String,
    /// The neutral label the judge saw this answer under; none for failed members.
    pub label: Option<String>,
    pub ok: bool,
    pub content: Option<String>,
    pub error: Option<String>,
    pub error_kind: Option<ErrorKind>,
    pub latency_ms: u64,
    pub usage: Option<Usage>,
    pub usage_estimated: bool,
    pub cost_usd: Option<f64>,
    /// As `CallReport::truncated`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub truncated: bool,
}

fn is_false(value: &bool) -> bool {
    !value
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    pub scores: Vec<Score>,
    /// Models, best first.
    pub ranking: Vec<String>,
    pub consensus: Vec<String>,
    pub contradictions: Vec<String>,
    pub partial_coverage: Vec<String>,
    pub unique_insights: Vec<String>,
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
