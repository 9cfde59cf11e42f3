//! The run's budgets: the clock of its time budget, the guards that skip the judge or
//! the synth when too little time is left or they would take the run past its cost cap,
//! and the estimate of a plan's cost that is checked before anything is sent.
//!
//! Knows nothing about prices' origin (they come with the participants) or how a skip is
//! shown: the guards tell the observer and note it in the report.

use std::time::Duration;

use tokio::time::Instant;

use super::call::Participant;
use super::cost::{ASSUMED_ANSWER_TOKENS, ASSUMED_VERDICT_TOKENS, estimate_tokens, format_usd};
use super::observer::{Observer, RunEvent, Stage};
use super::panel::MEMBER_SYSTEM;
use super::plan::{Limits, RunPlan};
use super::report::{RunReport, build};
use super::{council, judge, rounds, synth};
use crate::provider::Usage;

/// When the run started and when its budget runs out.
pub(super) struct Clock {
    start: Instant,
    deadline: Instant,
}

impl Clock {
    pub fn start(budget: Duration) -> Clock {
        let start = Instant::now();
        Clock { start, deadline: start + budget }
    }

    /// What is left of the budget (zero once it has run out).
    pub fn remaining(&self) -> Duration {
        self.deadline.saturating_duration_since(Instant::now())
    }

    pub fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }
}

/// Whether `stage` (`what` in the note: `judge`, `council`, `synth`), estimated at `estimate` USD, must be skipped because it would take the
/// run past its cost cap; if so, tells the observer and notes why in the report.
pub(super) fn skipped_for_cost(
    stage: Stage,
    what: &str,
    estimate: f64,
    limits: Limits,
    observer: &dyn Observer,
    report: &mut RunReport,
) -> bool {
    let Some(cap) = limits.max_cost_usd else { return false };
    let spent: f64 = build::calls(report).filter_map(|c| c.cost_usd).sum();
    if spent + estimate <= cap {
        return false;
    }
    let reason = format!(
        "{what} skipped: it would bring the cost to about {}, over the {} cap ({} spent so far)",
        format_usd(spent + estimate),
        format_usd(cap),
        format_usd(spent)
    );
    observer.on(RunEvent::StageSkipped { stage, reason: &reason });
    report.notes.push(reason);
    true
}

/// Whether `stage` must be skipped because less than the floor is left of the budget;
/// if so, tells the observer and notes why in the report.
pub(super) fn skipped_for_time(
    stage: Stage,
    what: &str,
    left: Duration,
    limits: Limits,
    observer: &dyn Observer,
    report: &mut RunReport,
) -> bool {
    if left >= limits.stage_floor {
        return false;
    }
    let reason = format!(
        "{what} skipped: {:.1}s left of the {}s budget, under the {}s floor",
        left.as_secs_f64(),
        limits.budget.as_secs(),
        limits.stage_floor.as_secs()
    );
    observer.on(RunEvent::StageSkipped { stage, reason: &reason });
    report.notes.push(reason);
    true
}

/// What a plan is expected to cost before anything is sent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CostEstimate {
    /// USD over the calls with a known price.
    pub usd: f64,
    /// Models with no known price, whose calls the estimate leaves out.
    pub unpriced: Vec<String>,
}

impl CostEstimate {
    /// Estimates a plan's cost from the prompt's length and assumed answer lengths.
    pub fn of(plan: &RunPlan) -> CostEstimate {
        let prompt = estimate_tokens(&plan.question());
        let answers = plan.panel.len() as u64 * ASSUMED_ANSWER_TOKENS;
        let mut estimate = CostEstimate::default();
        let mut add = |p: &Participant, input: u64, output: u64| match p.price {
            Some(price) => estimate.usd += price.cost(Usage::new(input, output)),
            None if !estimate.unpriced.contains(&p.model) => estimate.unpriced.push(p.model.clone()),
            None => {}
        };
        // The first round asks the question; each later one adds the others' answers.
        let others = plan.panel.len().saturating_sub(1) as u64 * ASSUMED_ANSWER_TOKENS;
        for round in 1..=plan.rounds.clamp(1, rounds::MAX_ROUNDS) {
            let seen = if round == 1 { 0 } else { others };
            for member in &plan.panel {
                add(member, estimate_tokens(MEMBER_SYSTEM) + prompt + seen, ASSUMED_ANSWER_TOKENS);
            }
        }
        // A council of fewer than three is skipped (`council::stage`).
        if plan.council && plan.panel.len() >= 3 {
            for member in &plan.panel {
                add(member, estimate_tokens(council::SYSTEM) + prompt + others, council::ASSUMED_RANKING_TOKENS);
            }
        }
        if let Some(j) = &plan.judge {
            add(j, estimate_tokens(judge::SYSTEM) + prompt + answers, ASSUMED_VERDICT_TOKENS);
        }
        if let Some(s) = &plan.synth {
            add(s, estimate_tokens(synth::SYSTEM) + prompt + answers + ASSUMED_VERDICT_TOKENS, ASSUMED_ANSWER_TOKENS);
        }
        estimate
    }
}
