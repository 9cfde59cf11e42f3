//! The council's part of the report (`--judge council`): each ranker's call and ranking,
//! the Borda aggregate and the pairs the rankers ordered both ways; and the earlier
//! rounds of a run with `--rounds`.
//!
//! Knows nothing about how the rankings were asked for or aggregated.

use serde::{Deserialize, Serialize};

use super::member::{CallReport, MemberReport};

/// A refinement round before the last (`--rounds`): every member's outcome in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoundReport {
    /// 1 for the panel's first answers.
    pub round: u32,
    /// In panel order; a member not asked (it failed before) keeps that failure.
    pub members: Vec<MemberReport>,
    /// Since the run started, when the round ended.
    pub elapsed_ms: u64,
}

/// What the council did: the panel ranking each other's answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CouncilReport {
    /// One per member that answered, in panel order.
    pub rankers: Vec<RankerReport>,
    /// Every label, best first by Borda count.
    pub aggregate: Vec<Standing>,
    /// Pairs at least one ranking put each way round.
    pub disagreements: Vec<Disagreement>,
}

/// One member's ranking of the others' answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankerReport {
    /// Index of the member in `panel`.
    pub member: usize,
    /// The label of its own answer, which it was not shown.
    pub label: String,
    pub call: CallReport,
    /// Labels, best first; `None` when its call failed or its reply was unusable.
    pub ranking: Option<Vec<String>>,
    /// Why its ranking is left out of the aggregate.
    pub error: Option<String>,
}

/// A label's place in the aggregate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Standing {
    pub label: String,
    pub model: String,
    /// Index of the member in `panel`.
    pub member: usize,
    /// Borda points: `k - 1 - position` from each ranking of `k` labels that ranked it.
    pub points: u64,
    /// How many rankings ranked it.
    pub ballots: usize,
}

/// A pair of answers the rankers ordered both ways.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Disagreement {
    /// The label the aggregate puts higher.
    pub higher: String,
    pub lower: String,
    /// Rankings that put `higher` above `lower`.
    pub agree: usize,
    /// Rankings that put `lower` above `higher`.
    pub dissent: usize,
}
