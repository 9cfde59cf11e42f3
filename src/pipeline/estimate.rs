//! What a plan is expected to cost before anything is sent: every round of the panel,
//! the council's rankings or the judge's verdict, and the synth, each from the length of
//! what that stage is sent (its instructions, read from the stage, the thread a follow-up
//! continues, and the question) and the answer lengths `cost` assumes. A cache hit is not
//! assumed: the estimate is a ceiling.
//!
//! Knows nothing about what a run spends once it runs (the budget's guards check that),
//! nor where prices come from: they come with the participants.

use super::call::Participant;
use super::cost::{ASSUMED_ANSWER_TOKENS, ASSUMED_VERDICT_TOKENS, estimate_tokens};
use super::panel::MEMBER_SYSTEM;
use super::plan::RunPlan;
use super::{council, judge, synth};
use crate::provider::Usage;

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
        // Every call of a follow-up sends the thread before its own message.
        let prompt = super::session::thread_tokens(plan) + estimate_tokens(&plan.question());
        let answers = plan.panel.len() as u64 * ASSUMED_ANSWER_TOKENS;
        let mut estimate = CostEstimate::default();
        let mut add = |p: &Participant, input: u64, output: u64| match p.price {
            Some(price) => estimate.usd += price.cost(Usage::new(input, output)),
            None if !estimate.unpriced.contains(&p.model) => estimate.unpriced.push(p.model.clone()),
            None => {}
        };
        // The first round asks the question; each later one adds the others' answers.
        let others = plan.panel.len().saturating_sub(1) as u64 * ASSUMED_ANSWER_TOKENS;
        for round in 1..=plan.rounds.max(1) {
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
        // Without a judge (`--judge none`) the synth reads no verdict.
        let verdict = if plan.has_no_judge() { 0 } else { ASSUMED_VERDICT_TOKENS };
        if let Some(s) = &plan.synth {
            add(s, estimate_tokens(synth::SYSTEM) + prompt + answers + verdict, ASSUMED_ANSWER_TOKENS);
        }
        estimate
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;
    use crate::pipeline::testing::{mock, plan, priced};

    #[test]
    fn a_follow_up_is_estimated_with_its_thread_in_every_call() {
        let mut plan = plan(["a", "b"].map(|name| priced(mock(name, ""))).to_vec());
        let alone = CostEstimate::of(&plan).usd;
        plan.thread = vec![crate::pipeline::Exchange { question: "q".repeat(4000), answer: "a".repeat(4000) }];
        let followed = CostEstimate::of(&plan).usd;
        // Two members, their thread of 2,000 tokens each; no judge or synth in this plan.
        let price = plan.panel[0].price.map(|p| p.cost(crate::provider::Usage::new(2000, 0))).unwrap_or_default();
        assert!((followed - alone - 2.0 * price).abs() < 1e-12, "{alone} then {followed}");
    }

    #[test]
    fn the_estimate_before_a_run_counts_every_round_and_the_councils_rankings() {
        let mut plan = plan(["a", "b", "c"].map(|name| priced(mock(name, ""))).to_vec());
        plan.prompt = "Why?".into();
        plan.rounds = 1;
        let one = CostEstimate::of(&plan).usd;
        plan.rounds = 2;
        let two = CostEstimate::of(&plan).usd;
        plan.council = true;
        let council = CostEstimate::of(&plan).usd;
        // A later round: each member reads the question and the two others' answers and
        // writes one; the council: each member reads the same and writes a ranking.
        let answer = ASSUMED_ANSWER_TOKENS;
        let question = estimate_tokens("Why?");
        let round = 3 * (estimate_tokens(MEMBER_SYSTEM) + question + 2 * answer + answer);
        let rankings = 3 * (estimate_tokens(council::SYSTEM) + question + 2 * answer + council::ASSUMED_RANKING_TOKENS);
        let tokens = |usd: f64| (usd * 1e6).round() as u64;
        assert_eq!((tokens(two - one), tokens(council - two)), (round, rankings));
    }

    #[test]
    fn a_run_without_a_judge_is_estimated_without_the_judges_call_or_its_verdict() {
        let mut plan = plan(["a", "b"].map(|name| priced(mock(name, ""))).to_vec());
        plan.prompt = "Why?".into();
        plan.synth = Some(priced(mock("synth", "")));
        assert!(plan.has_no_judge());
        let unjudged = CostEstimate::of(&plan).usd;
        plan.judge = Some(priced(mock("judge", "")));
        let judged = CostEstimate::of(&plan).usd;
        // The judge's call (the question, both answers, its verdict), and the verdict the
        // synth would read.
        let question = estimate_tokens("Why?");
        let call = estimate_tokens(judge::SYSTEM) + question + 2 * ASSUMED_ANSWER_TOKENS + ASSUMED_VERDICT_TOKENS;
        assert_eq!(((judged - unjudged) * 1e6).round() as u64, call + ASSUMED_VERDICT_TOKENS);
    }

    #[test]
    fn the_judge_and_the_synth_are_counted_and_unpriced_models_named_once() {
        let mut plan = plan(vec![mock("free", ""), priced(mock("paid", ""))]);
        plan.prompt = "Why?".into();
        let panel_only = CostEstimate::of(&plan);
        assert_eq!(panel_only.unpriced, ["free"]);
        plan.judge = Some(priced(mock("judge", "")));
        plan.synth = Some(mock("free", ""));
        let estimate = CostEstimate::of(&plan);
        assert_eq!(estimate.unpriced, ["free"], "named once, though it is a member and the synth");
        let question = estimate_tokens("Why?");
        let verdict = estimate_tokens(judge::SYSTEM) + question + 2 * ASSUMED_ANSWER_TOKENS + ASSUMED_VERDICT_TOKENS;
        assert_eq!(((estimate.usd - panel_only.usd) * 1e6).round() as u64, verdict);
    }
}
