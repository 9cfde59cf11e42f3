//! The fusion pipeline: the panel answers concurrently, the judge scores the anonymised
//! answers, the synth writes one grounded answer; every failure degrades the run instead
//! of ending it, and everything lands in a `RunReport`. This file is the trip itself,
//! panel → judge → synth → report, each stage in its own module:
//!
//! - `plan`: the `RunPlan` and its `Limits`;
//! - `observer`: the `RunEvent`s a run reports as it goes, and the `Observer` hearing them;
//! - `panel`: the fan-out under the semaphore; `rounds`: the later rounds of revision;
//! - `judge/`, `synth/`: each stage with its request, its re-ask or fallback; `council/`:
//!   the panel ranking its own answers instead of a judge (Borda count);
//! - `budget`: the time budget's clock, the floor and cost guards, a plan's cost estimate;
//! - `report/`: the report's types and their builders;
//! - `call`: one model call; `cost`: prices and token estimates; `failure`: why a run
//!   produced no answer.
//!
//! Knows nothing about wire formats, configuration files or terminals: it receives
//! ready participants and limits, reports progress to an `Observer`, returns a value.

mod budget;
mod call;
pub mod cost;
pub mod council;
mod failure;
pub mod judge;
mod observer;
mod panel;
mod plan;
pub mod report;
pub mod rounds;
mod synth;

use std::time::Duration;

pub use budget::CostEstimate;
pub use call::{CallFailure, Completion, Listener, Participant};
pub use failure::FailureReason;
pub use observer::{Observer, RunEvent, Stage};
pub use plan::{Limits, RunPlan};
pub use report::{
    Analysis, CallReport, Comparison, CouncilReport, Disagreement, FinalSource, GraceReport, MemberReport,
    RankerReport, RoundReport, RunMode, RunReport, Score, Standing, Status, Timings, Totals,
};

use budget::Clock;
use report::build;
use synth::Assessment;

/// Runs the plan to the end. Never fails: failures are in the report.
pub async fn execute(plan: RunPlan, observer: &dyn Observer) -> RunReport {
    let clock = Clock::start(plan.limits.budget);
    let rounds = rounds::run(&plan, &clock, observer).await;
    let panel = &rounds.last;
    let mut report = build::after_panel(&plan, &panel.results, panel.elapsed_ms);
    let earlier: Vec<_> = rounds.earlier.iter().map(|r| (r.results.as_slice(), r.elapsed_ms)).collect();
    build::set_rounds(&mut report, &plan, &earlier);
    report.notes.extend(rounds.notes.iter().cloned());
    let answers: Vec<(usize, &str)> =
        panel.results.iter().enumerate().filter_map(|(i, r)| r.as_ref().ok().map(|c| (i, c.text.as_str()))).collect();
    if answers.is_empty() {
        let kinds: Vec<_> = panel.results.iter().filter_map(|r| r.as_ref().err().map(|f| f.kind)).collect();
        report.status = Status::Error;
        report.failure_reason = Some(FailureReason::from_member_failures(&kinds));
    } else if plan.mode == RunMode::Single {
        report.final_answer = Some(answers[0].1.to_string());
        report.final_source = Some(FinalSource::Single);
    } else if let [(index, answer)] = answers.as_slice() {
        // Nothing to compare or fuse: a judge and a synth would only cost time and tokens.
        report.final_answer = Some(answer.to_string());
        report.final_source = Some(FinalSource::SoleSurvivor);
        report.notes.push(format!("only {} answered; judge and synth skipped", plan.panel[*index].model));
    } else {
        // The judge sees the answers under neutral labels, in an order shuffled by the seed.
        let labelled = judge::label(&answers, plan.seed);
        build::set_labels(&mut report, &labelled);
        if plan.council {
            let council = council::stage(&plan, &labelled, &clock, observer, &mut report).await;
            let assessment = council.as_ref().map_or(Assessment::None, Assessment::Council);
            synth::stage(&plan, &labelled, assessment, &answers, &clock, observer, &mut report).await;
        } else {
            let verdict = judge::stage(&plan, &labelled, &clock, observer, &mut report).await;
            report.analysis = verdict.as_ref().map(|v| build::analysis(v, &labelled, &plan.panel));
            let assessment = verdict.as_ref().map_or(Assessment::None, Assessment::Judge);
            synth::stage(&plan, &labelled, assessment, &answers, &clock, observer, &mut report).await;
        }
    }
    build::finish_totals(&mut report, ms(clock.elapsed()));
    report
}

/// Whole milliseconds, as the report counts time.
fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
