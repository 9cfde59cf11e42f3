//! The fusion pipeline: the panel answers concurrently, the judge scores the anonymised
//! answers (or the panel ranks its own, as a council), the synth writes one grounded
//! answer; every failure degrades the run instead of ending it. This file is the trip
//! itself: each stage returns what it did as a value, and `assemble` makes the
//! `RunReport` from those values at the end. The modules:
//!
//! - `plan`: the `RunPlan` and its `Limits`, as whoever built them checked them;
//! - `observer`: the `RunEvent`s a run reports as it goes, and the `Observer` hearing them;
//! - `call`: one model call (and time in whole milliseconds); `cost`: prices, token
//!   estimates, how a cost is shown; `failure`: why a run produced no answer;
//! - `panel`: the fan-out under the semaphore, with the grace period; `rounds`: the later
//!   rounds of revision, returning every round (`Rounds`);
//! - `judge/`: labels, frames, the judge's request, its verdict read and its re-ask
//!   (returns `Judged`); `council/`: the panel ranking its own answers instead, by Borda
//!   count (returns `Counted`); `synth/`: the synth's request and its fallbacks (returns
//!   a `Synthesis`); `reply`: reading a model's JSON reply and checking a ranking, for
//!   the judge and the council;
//! - `budget`: the time budget's clock and the guards that skip a step for time or cost;
//!   `estimate`: a plan's cost before anything is sent, from each stage's prompt;
//! - `report/`: the report's types and each call's report; `assemble`: the one place the
//!   report is put together, a refused run's included.
//!
//! Knows nothing about wire formats, configuration files or terminals: it receives
//! ready participants and limits, reports progress to an `Observer`, returns a value.

mod assemble;
mod budget;
mod call;
pub mod cost;
pub mod council;
mod estimate;
mod failure;
pub mod judge;
mod observer;
mod panel;
mod plan;
mod reply;
pub mod report;
pub mod rounds;
mod synth;
#[cfg(test)]
mod testing;

pub use call::{CallFailure, Completion, Listener, Participant};
pub use estimate::CostEstimate;
pub use failure::FailureReason;
pub use observer::{Observer, RunEvent, Stage};
pub use plan::{Limits, RunPlan};
pub use reply::ReplyError;
pub use report::{
    Analysis, CallReport, Comparison, CouncilReport, Disagreement, FinalSource, GraceReport, MemberReport,
    RankerReport, RoundReport, RunMode, RunReport, Score, Standing, Status, Timings, Totals,
};

use assemble::{Ending, Review, Run, assemble};
use budget::Clock;
use call::ms;

/// Runs the plan to the end. Never fails: failures are in the report.
pub async fn execute(plan: RunPlan, observer: &dyn Observer) -> RunReport {
    let clock = Clock::start(plan.limits.budget);
    let rounds = rounds::run(&plan, &clock, observer).await;
    let answers = rounds.last.answers();
    let ending = match answers.as_slice() {
        [] => Ending::NoAnswer,
        [(_, answer), ..] if plan.mode == RunMode::Single => Ending::Single(answer),
        // Nothing to compare or fuse: a judge and a synth would only cost time and tokens.
        [(member, answer)] => Ending::SoleSurvivor { member: *member, answer },
        _ => {
            // The judge sees the answers under neutral labels, in an order shuffled by the seed.
            let labelled = judge::label(&answers, plan.seed);
            let spent: f64 = rounds.costs(&plan.panel).sum();
            let review = if plan.council {
                Review::Council(council::stage(&plan, &labelled, spent, &clock, observer).await)
            } else {
                Review::Judge(judge::stage(&plan, &labelled, spent, &clock, observer).await)
            };
            let spent: f64 = rounds.costs(&plan.panel).chain(review.costs()).sum();
            let assessment = review.assessment();
            let synthesis = synth::stage(&plan, &labelled, assessment, &answers, spent, &clock, observer).await;
            Ending::Fused { labelled, review, synthesis }
        }
    };
    assemble(Run::Ran { plan: &plan, rounds: &rounds, ending, wall_ms: ms(clock.elapsed()) })
}
