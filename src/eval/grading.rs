//! Grading one contender's answer to an item against the baseline's: the grader asked
//! in both orders (contender shown first, then the baseline), each call taking a place
//! among the eval's concurrent calls; the two verdicts combined into a win, a tie, a
//! loss or ungraded. A side with no answer loses without a call.
//!
//! Knows nothing about how answers were obtained or recorded.

use std::time::Duration;

use tokio::sync::Semaphore;

use super::item::Item;
use super::journal::Grade;
use super::score::pairwise::{self, Pairing, Preference};
use crate::frame::Nonce;
use crate::pipeline::{self, Listener, Participant, Totals};
use crate::provider::{Conversation, Usage};

/// The most of a grader's reply that is read: a verdict is one line.
const GRADER_REPLY_BYTES: usize = 16 << 10;

/// The grader, and the eval's places for calls.
pub struct Grading<'a> {
    pub permits: &'a Semaphore,
    pub grader: &'a Participant,
    /// How long one grading call may take.
    pub timeout: Duration,
}

impl Grading<'_> {
    /// `contender`'s answer to `item` against the baseline's, graded in both orders. A
    /// side with no answer loses without a call; neither side: ungraded.
    pub async fn grade(&self, item: &Item, contender: &str, answer: Option<&str>, baseline: Option<&str>) -> Grade {
        let grade = |orders, pairing, totals, error| Grade {
            item: item.id.clone(),
            contender: contender.to_string(),
            orders,
            pairing,
            totals,
            error,
        };
        let (answer, baseline) = match (answer, baseline) {
            (Some(a), Some(b)) => (a, b),
            (Some(_), None) => return grade([None, None], Pairing::Win, Totals::default(), None),
            (None, Some(_)) => return grade([None, None], Pairing::Loss, Totals::default(), None),
            (None, None) => {
                let why = "neither side answered".to_string();
                return grade([None, None], Pairing::Ungraded, Totals::default(), Some(why));
            }
        };
        let (first, second) =
            futures::join!(self.verdict(&item.prompt, answer, baseline), self.verdict(&item.prompt, baseline, answer));
        let mut totals = first.1;
        add(&mut totals, &second.1);
        let error = first.2.or(second.2);
        grade([first.0, second.0], pairwise::combine(first.0, second.0), totals, error)
    }

    /// The grader's preference between `first` (shown as A) and `second` (shown as B).
    async fn verdict(&self, question: &str, first: &str, second: &str) -> (Option<Preference>, Totals, Option<String>) {
        let _permit = self.permits.acquire().await.ok();
        let prompt = pairwise::grader_prompt(question, first, second, &Nonce::random());
        let call = pipeline::converse(
            self.grader,
            &prompt.system,
            &Conversation::default(),
            &prompt.user,
            None,
            self.timeout,
            GRADER_REPLY_BYTES,
            Listener::None,
        )
        .await;
        match call {
            Ok(done) => {
                let totals = totals_of(self.grader, done.usage, done.usage_estimated, done.latency);
                let verdict = pairwise::parse_verdict(&done.text);
                let error = verdict.is_none().then(|| "the grader gave no verdict".to_string());
                (verdict, totals, error)
            }
            Err(failure) => {
                let usage = failure.partial.as_ref().map(|p| p.usage).unwrap_or_default();
                (None, totals_of(self.grader, usage, true, failure.latency), Some(failure.error))
            }
        }
    }
}

/// What one call took, as a report's totals count it.
fn totals_of(participant: &Participant, usage: Usage, estimated: bool, latency: Duration) -> Totals {
    Totals {
        usage,
        wall_ms: u64::try_from(latency.as_millis()).unwrap_or(u64::MAX),
        cost_usd: participant.price.map(|p| p.cost(usage)),
        cost_estimated: estimated || participant.price.is_none(),
    }
}

/// Adds `more` to `totals`: tokens, time and cost (a cost known on either side counts).
pub fn add(totals: &mut Totals, more: &Totals) {
    totals.usage += more.usage;
    totals.wall_ms = totals.wall_ms.saturating_add(more.wall_ms);
    totals.cost_usd = match (totals.cost_usd, more.cost_usd) {
        (None, None) => None,
        (a, b) => Some(a.unwrap_or(0.0) + b.unwrap_or(0.0)),
    };
    totals.cost_estimated |= more.cost_estimated;
}
