//! One contender's running totals over an eval: answers and failures, their lengths,
//! matches against references, pairs against the baseline, tokens, cost and latencies;
//! and its [`ContenderScore`] from them. Its memory is flat in the number of items:
//! counters, sums and a latency histogram of bounded size (`stats::Latencies`).
//!
//! Knows nothing about how an answer was obtained, matched or graded: the caller says
//! what happened, item by item, in any order.

use super::pairwise::Pairing;
use super::stats::{Latencies, wilson};
use crate::eval::{Accuracy, ContenderScore, Interval, Latency, Spend, Versus};
use crate::pipeline::Totals;

/// The win rate of a contender none of whose pairs was graded: anything from 0 to 1.
const UNKNOWN_RATE: Interval = Interval { estimate: 0.5, low: 0.0, high: 1.0 };

/// One contender's running totals.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tally {
    answered: u64,
    failed: u64,
    /// The characters of every answer, summed.
    answer_chars: u64,
    correct: u64,
    scored: u64,
    wins: u64,
    ties: u64,
    losses: u64,
    ungraded: u64,
    spend: Spend,
    latencies: Latencies,
}

impl Tally {
    pub fn new() -> Tally {
        Tally::default()
    }

    /// An item answered: the answer's length in characters, what its run spent (a
    /// `RunReport`'s totals) and how long it took, from the request to the final answer.
    pub fn answered(&mut self, chars: u64, spent: &Totals, latency_ms: u64) {
        self.answered += 1;
        self.answer_chars = self.answer_chars.saturating_add(chars);
        self.spend(spent);
        self.latencies.record(latency_ms);
    }

    /// An item that produced no answer. How long it took counts among the latencies when
    /// known (a contender whose calls time out is not faster for failing); what it spent
    /// is added by [`Tally::spend`]. A failed item with a reference is scored too, as
    /// wrong: the caller says so with `scored(false)`.
    pub fn failed(&mut self, latency_ms: Option<u64>) {
        self.failed += 1;
        if let Some(ms) = latency_ms {
            self.latencies.record(ms);
        }
    }

    /// An item with a reference: whether its answer matched (`false` for a failed item).
    pub fn scored(&mut self, correct: bool) {
        self.scored += 1;
        self.correct += u64::from(correct);
    }

    /// An item's pair against the baseline, from its two gradings.
    pub fn paired(&mut self, pairing: Pairing) {
        let count = match pairing {
            Pairing::Win => &mut self.wins,
            Pairing::Tie => &mut self.ties,
            Pairing::Loss => &mut self.losses,
            Pairing::Ungraded => &mut self.ungraded,
        };
        *count += 1;
    }

    /// Tokens and cost spent: summed; the cost stays unknown until a call had a price,
    /// and is a lower bound once any spend was estimated or unpriced.
    pub fn spend(&mut self, spent: &Totals) {
        let (usage, spend) = (spent.usage, &mut self.spend);
        spend.input_tokens = spend.input_tokens.saturating_add(usage.input_tokens);
        spend.output_tokens = spend.output_tokens.saturating_add(usage.output_tokens);
        spend.cached_input_tokens = spend.cached_input_tokens.saturating_add(usage.cached_input_tokens);
        if let Some(cost) = spent.cost_usd {
            *spend.cost_usd.get_or_insert(0.0) += cost;
        }
        spend.cost_estimated |= spent.cost_estimated;
    }

    /// The contender's results so far, named `label` and described by `shape`.
    ///
    /// Accuracy is over the items scored (`None` when none was); the win rate counts a
    /// tie as half a win over the graded pairs, ungraded ones left out (`versus` is `None`
    /// when no pair was recorded, and the rate is the whole of 0..1, around 0.5, when
    /// none was graded); the mean answer length is over the answers (`None` without
    /// one); the latencies' p50 and p95 are over every item whose time is known.
    pub fn finish(&self, label: &str, shape: &str) -> ContenderScore {
        let accuracy = wilson(self.correct as f64, self.scored).map(|interval| Accuracy {
            correct: self.correct,
            scored: self.scored,
            interval,
        });
        let graded = self.wins + self.ties + self.losses;
        let versus = (graded + self.ungraded > 0).then(|| Versus {
            wins: self.wins,
            ties: self.ties,
            losses: self.losses,
            ungraded: self.ungraded,
            win_rate: wilson(self.wins as f64 + self.ties as f64 / 2.0, graded).unwrap_or(UNKNOWN_RATE),
        });
        ContenderScore {
            label: label.to_string(),
            shape: shape.to_string(),
            answered: self.answered,
            failed: self.failed,
            accuracy,
            versus,
            mean_answer_chars: (self.answered > 0).then(|| self.answer_chars as f64 / self.answered as f64),
            spend: self.spend,
            latency: Latency { p50_ms: self.latencies.quantile(0.5), p95_ms: self.latencies.quantile(0.95) },
        }
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;
    use crate::provider::Usage;

    fn totals(input: u64, output: u64, cached: u64, cost_usd: Option<f64>, cost_estimated: bool) -> Totals {
        let usage = Usage { cached_input_tokens: cached, ..Usage::new(input, output) };
        Totals { usage, wall_ms: 0, cost_usd, cost_estimated }
    }

    #[test]
    fn a_scripted_eval_sums_up_to_the_contenders_whole_score() {
        let mut tally = Tally::new();
        // Two items with a reference: one right, one wrong.
        tally.answered(10, &totals(100, 20, 40, Some(0.25), false), 10);
        tally.scored(true);
        tally.answered(30, &totals(50, 10, 0, None, true), 30);
        tally.scored(false);
        // A failure on an item with a reference: wrong, its wait and its spend counted.
        tally.failed(Some(50));
        tally.spend(&totals(5, 0, 0, Some(0.5), false));
        tally.scored(false);
        // Items graded against the baseline.
        tally.answered(20, &totals(10, 10, 0, Some(0.25), false), 20);
        tally.paired(Pairing::Win);
        tally.answered(40, &totals(10, 10, 10, Some(0.125), false), 40);
        tally.paired(Pairing::Tie);
        tally.paired(Pairing::Loss);
        tally.paired(Pairing::Ungraded);
        // A failure with no time known.
        tally.failed(None);
        assert_eq!(
            tally.finish("demo", "preset demo: 3 members"),
            ContenderScore {
                label: "demo".into(),
                shape: "preset demo: 3 members".into(),
                answered: 4,
                failed: 2,
                accuracy: Some(Accuracy { correct: 1, scored: 3, interval: wilson(1.0, 3).unwrap() }),
                versus: Some(Versus { wins: 1, ties: 1, losses: 1, ungraded: 1, win_rate: wilson(1.5, 3).unwrap() }),
                mean_answer_chars: Some(25.0),
                spend: Spend {
                    input_tokens: 175,
                    output_tokens: 50,
                    cached_input_tokens: 50,
                    cost_usd: Some(1.125),
                    cost_estimated: true,
                },
                // Nearest rank over 10, 20, 30, 40, 50 ms: the third and the fifth.
                latency: Latency { p50_ms: Some(30), p95_ms: Some(50) },
            }
        );
    }

    #[test]
    fn nothing_recorded_is_nothing_known_and_no_price_leaves_the_cost_unknown() {
        assert_eq!(
            Tally::new().finish("mock:a", "model mock:a"),
            ContenderScore {
                label: "mock:a".into(),
                shape: "model mock:a".into(),
                answered: 0,
                failed: 0,
                accuracy: None,
                versus: None,
                mean_answer_chars: None,
                spend: Spend::default(),
                latency: Latency::default(),
            }
        );
        let mut tally = Tally::new();
        tally.answered(3, &totals(7, 2, 0, None, true), 5);
        tally.paired(Pairing::Ungraded);
        let score = tally.finish("mock:a", "model mock:a");
        assert_eq!(
            (score.spend, score.versus),
            (
                Spend {
                    input_tokens: 7,
                    output_tokens: 2,
                    cached_input_tokens: 0,
                    cost_usd: None,
                    cost_estimated: true
                },
                Some(Versus { wins: 0, ties: 0, losses: 0, ungraded: 1, win_rate: UNKNOWN_RATE })
            )
        );
    }
}
