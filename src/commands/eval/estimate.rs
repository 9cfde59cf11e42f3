//! What an eval is expected to cost and how many calls it makes, before any is made:
//! each contender's plan estimated as `run` estimates one (`CostEstimate`, a ceiling
//! with no cache hit assumed), which is linear in the length of the prompt, so two
//! estimates of the plan give every item's; and two grading calls per contender per
//! item without a reference.
//!
//! Knows nothing about how the eval runs; it reads plans and counts.

use super::source::Counts;
use crate::eval::score::pairwise;
use crate::frame::Nonce;
use crate::pipeline::cost::{ASSUMED_ANSWER_TOKENS, estimate_tokens};
use crate::pipeline::{CostEstimate, Participant, RunPlan};
use crate::provider::Usage;

/// The prompt length the slope of a plan's estimate is measured over.
const PROBE_CHARS: usize = 4000;
/// A verdict's assumed length: a line, with the reasoning a grader may write first.
const ASSUMED_GRADE_TOKENS: u64 = 200;

/// An eval's expected cost and size.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Estimate {
    /// Each contender's label, estimated USD and calls over every item.
    pub contenders: Vec<(String, f64, u64)>,
    /// The grader's estimated USD and calls.
    pub grading: (f64, u64),
    /// Models with no price, left out of the USD.
    pub unpriced: Vec<String>,
}

impl Estimate {
    pub fn usd(&self) -> f64 {
        self.contenders.iter().map(|c| c.1).sum::<f64>() + self.grading.0
    }

    pub fn calls(&self) -> u64 {
        self.contenders.iter().map(|c| c.2).sum::<u64>() + self.grading.1
    }

    /// Adds `label`'s plan, run once per item of `counts`.
    pub fn add(&mut self, label: &str, plan: &RunPlan, counts: Counts) {
        let mut probe = plan.clone();
        probe.context = crate::context::Context::default();
        probe.prompt = String::new();
        let empty = CostEstimate::of(&probe);
        probe.prompt = "x".repeat(PROBE_CHARS);
        let long = CostEstimate::of(&probe);
        let per_char = (long.usd - empty.usd) / PROBE_CHARS as f64;
        let usd = empty.usd * counts.items as f64 + per_char * counts.chars as f64;
        for model in long.unpriced {
            if !self.unpriced.contains(&model) {
                self.unpriced.push(model);
            }
        }
        self.contenders.push((label.to_string(), usd, calls_per_run(plan) * counts.items));
    }

    /// Adds the grading of `others` contenders against the baseline on every item
    /// without a reference.
    pub fn add_grading(&mut self, grader: &Participant, others: usize, counts: Counts) {
        let calls = 2 * others as u64 * counts.ungraded;
        if calls == 0 {
            return;
        }
        let frame = pairwise::grader_prompt("", "", "", &Nonce::random());
        let mean_chars = counts.chars / counts.items.max(1);
        let input =
            estimate_tokens(&frame.system) + estimate_tokens(&frame.user) + mean_chars / 4 + 2 * ASSUMED_ANSWER_TOKENS;
        let usd = match grader.price {
            Some(price) => price.cost(Usage::new(input, ASSUMED_GRADE_TOKENS)) * calls as f64,
            None => {
                if !self.unpriced.contains(&grader.model) {
                    self.unpriced.push(grader.model.clone());
                }
                0.0
            }
        };
        self.grading = (usd, calls);
    }
}

/// The calls one run of `plan` makes when every member answers: each round's members,
/// the council's rankings or the judge, and the synth.
fn calls_per_run(plan: &RunPlan) -> u64 {
    let members = plan.panel.len() as u64;
    let rounds = u64::from(plan.rounds.max(1));
    let council = if plan.council && members >= 3 { members } else { 0 };
    members * rounds + council + u64::from(plan.judge.is_some()) + u64::from(plan.synth.is_some())
}
