//! The fields of a run's report that no stage gives: which run it was, what it was
//! asked and given, and where it stands in its session, read from the plan (or, for a
//! run refused before it started, from what the refusal knew).
//!
//! Knows nothing about the stages.

use super::panel;
use super::plan::RunPlan;
use super::report::{GraceReport, RunMode, ThreadLink};
use crate::context::Source;

/// The report's fields that no stage gives: which run, and what it was given.
pub(super) struct Heading {
    pub run_id: String,
    pub mode: RunMode,
    pub preset: Option<String>,
    pub prompt: String,
    pub context: Vec<Source>,
    /// The context's notes, the first of the report's.
    pub context_notes: Vec<String>,
    pub judge_seed: u64,
    pub grace: Option<GraceReport>,
    pub scope: Option<String>,
    pub thread: Option<ThreadLink>,
    pub question: Option<String>,
    pub nonce: Option<String>,
    /// The run has no judge by design (`--judge none`).
    pub no_judge: bool,
}

impl Heading {
    pub(super) fn of(plan: &RunPlan) -> Heading {
        let grace = (plan.mode == RunMode::Fusion).then_some(plan.limits.grace).flatten();
        Heading {
            run_id: plan.run_id.clone(),
            mode: plan.mode,
            preset: plan.preset.clone(),
            prompt: plan.prompt.clone(),
            context: plan.context.sources.clone(),
            context_notes: plan.context.notes.clone(),
            judge_seed: plan.seed,
            grace: grace.map(|g| GraceReport {
                secs: g.as_secs_f64(),
                quorum: panel::quorum(plan.panel.len(), plan.limits.quorum),
            }),
            scope: plan.scope.clone(),
            thread: plan.link.clone(),
            question: (plan.keeps_question && !plan.context.is_empty()).then(|| plan.question().into_owned()),
            nonce: Some(plan.session.nonce.to_string()),
            no_judge: plan.has_no_judge(),
        }
    }
}
