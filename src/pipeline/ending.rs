//! How a run ended after its panel, as the stages after it returned it: no answer, one
//! answer, or the answers labelled, reviewed (`Review`: the judge's `Judged` or the
//! council's `Counted`) and fused (the synth's `Synthesis`). `execute` builds it;
//! `assemble` reads it into the report.
//!
//! Knows nothing about how the stages ran, nor about the report's shape.

use super::council::Counted;
use super::judge::{Judged, Labelled};
use super::report::CallReport;
use super::synth::{Assessment, Synthesis};

/// The judge or the council, whichever assessed the answers, or nobody (`--judge none`).
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)] // one value a run, moved once: boxing would buy nothing
pub(super) enum Review {
    Judge(Judged),
    Council(Counted),
    /// The run has no judge by design: the synth weighs the answers itself.
    NoJudge,
}

impl Review {
    /// What the synth is told about the answers.
    pub fn assessment(&self) -> Assessment<'_> {
        match self {
            Review::Judge(Judged { verdict: Some(verdict), .. }) => Assessment::Judge(verdict),
            Review::Council(Counted { council: Some(council), .. }) => Assessment::Council(council),
            Review::Judge(_) | Review::Council(_) => Assessment::None,
            Review::NoJudge => Assessment::NoJudge,
        }
    }

    /// The USD of each of its calls with a known price, in the report's order.
    pub fn costs(&self) -> impl Iterator<Item = f64> + '_ {
        let calls: Box<dyn Iterator<Item = &CallReport>> = match self {
            Review::Judge(judged) => Box::new(judged.call.iter()),
            Review::Council(counted) => Box::new(counted.report.iter().flat_map(|c| c.rankers.iter().map(|r| &r.call))),
            Review::NoJudge => Box::new(std::iter::empty()),
        };
        calls.filter_map(|c| c.cost_usd)
    }
}

/// How a run that ran ended, after its panel.
#[allow(clippy::large_enum_variant)] // one value a run, moved once
pub(super) enum Ending<'a> {
    /// No member answered: the run failed.
    NoAnswer,
    /// Single mode: the member's answer is the final one.
    Single(&'a str),
    /// A fusion with one answer: that member's, with no judge or synth call.
    SoleSurvivor { member: usize, answer: &'a str },
    /// A fusion: the answers under their labels, their review, and the synthesis.
    Fused { labelled: Vec<Labelled<'a>>, review: Review, synthesis: Synthesis },
}
