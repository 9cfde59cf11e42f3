//! The council (`--judge council`): instead of one judge, every panel member that
//! answered ranks the other members' answers, one request each, concurrently (with only
//! two answers each could rank only the other's, so the council is skipped, noted). A ranker
//! sees the answers under the same neutral labels the report records, minus its own
//! (so it can neither favour nor recognise it), and no model name. The rankings are
//! aggregated by Borda count (`borda`); a ranker whose call fails or whose reply is no
//! usable ranking is noted and left out. The synth then sees the aggregate and the
//! disagreements instead of a verdict; when no ranking survives, it works from the raw
//! answers, as after a judge that failed.
//!
//! Knows nothing about wire formats: the requests go out through `pipeline::call`.

mod borda;
mod prompt;

use futures::future::join_all;
use tokio::sync::Semaphore;
use tokio::time::Instant;

pub use borda::{Split, Tally, aggregate};
pub use prompt::{SCHEMA_NAME, SYSTEM, parse, schema, user_message};

use super::budget::{Clock, skipped_for_cost, skipped_for_time};
use super::call::{self, Listener};
use super::cost::{self, estimate_tokens};
use super::judge::Labelled;
use super::observer::{Observer, RunEvent, Stage};
use super::report::{CouncilReport, Disagreement, RankerReport, RunReport, Standing, build};
use super::{RunPlan, ms};
use crate::frame::Nonce;

/// Output tokens assumed for a ranking.
pub const ASSUMED_RANKING_TOKENS: u64 = 60;

/// The council's outcome, in labels, for the synth.
#[derive(Debug, Clone, PartialEq)]
pub struct Council {
    /// Best first.
    pub tallies: Vec<Tally>,
    pub splits: Vec<Split>,
    /// How many rankings were counted.
    pub rankings: usize,
}

/// The council stage of a fusion run: every ranker's call, the aggregate and the
/// disagreements go into `report`; the aggregate, when a ranking survived, is returned.
pub(in crate::pipeline) async fn stage(
    plan: &RunPlan,
    labelled: &[Labelled<'_>],
    clock: &Clock,
    observer: &dyn Observer,
    report: &mut RunReport,
) -> Option<Council> {
    if labelled.len() < 3 {
        // Each of two rankers could only rank the other's answer: a tie that costs calls.
        let reason = format!(
            "council skipped: with {} answers each member could rank only the other's; the synth worked from the raw \
             answers",
            labelled.len()
        );
        observer.on(RunEvent::StageSkipped { stage: Stage::Judge, reason: &reason });
        report.notes.push(reason);
        return None;
    }
    if skipped_for_time(Stage::Judge, "council", clock.remaining(), plan.limits, observer, report) {
        return None;
    }
    let question = plan.question();
    let requests: Vec<(&Labelled<'_>, String, Vec<&str>)> = labelled
        .iter()
        .map(|own| {
            let shown: Vec<&Labelled<'_>> = labelled.iter().filter(|l| l.member != own.member).collect();
            let labels = shown.iter().map(|l| l.label.as_str()).collect();
            (own, user_message(&question, &shown, &Nonce::random()), labels)
        })
        .collect();
    let estimate: f64 = requests
        .iter()
        .map(|(own, user, _)| {
            let input = estimate_tokens(SYSTEM) + estimate_tokens(user);
            cost::estimate(plan.panel[own.member].price, input, ASSUMED_RANKING_TOKENS)
        })
        .sum();
    if skipped_for_cost(Stage::Judge, "council", estimate, plan.limits, observer, report) {
        return None;
    }
    let start = Instant::now();
    observer.on(RunEvent::StageStarted { stage: Stage::Judge, models: requests.len() });
    let semaphore = Semaphore::new(plan.limits.concurrency.max(1));
    let rankers = join_all(requests.iter().map(|(own, user, labels)| {
        let semaphore = &semaphore;
        async move {
            let _permit = semaphore.acquire().await.ok();
            let ranker = &plan.panel[own.member];
            let timeout = plan.limits.member_timeout.min(clock.remaining());
            let schema = Some(schema(labels));
            let max_bytes = plan.limits.max_answer_bytes;
            let result = call::call(ranker, SYSTEM, user, schema, timeout, max_bytes, Listener::None).await;
            let (ranking, error) = match &result {
                Ok(c) => match parse(&c.text, labels) {
                    Ok(ranking) => (Some(ranking), None),
                    Err(problem) => (None, Some(problem)),
                },
                Err(f) => (None, Some(f.error.clone())),
            };
            RankerReport {
                member: own.member,
                label: own.label.clone(),
                call: build::call_report(ranker, &result),
                ranking,
                error,
            }
        }
    }))
    .await;
    let mut rankers = rankers;
    rankers.sort_by_key(|r| r.member);
    let labels: Vec<&str> = labelled.iter().map(|l| l.label.as_str()).collect();
    let ballots: Vec<&[String]> = rankers.iter().filter_map(|r| r.ranking.as_deref()).collect();
    let (tallies, splits) = aggregate(&labels, &ballots);
    let counted = ballots.len();
    for ranker in rankers.iter().filter(|r| r.ranking.is_none()) {
        let problem = ranker.error.as_deref().unwrap_or("no ranking");
        report.notes.push(format!("council: {}'s ranking is left out ({problem})", ranker.call.model));
    }
    for ranker in rankers.iter().filter(|r| r.call.truncated) {
        report.notes.push(build::truncation_note(&ranker.call.model, plan.limits.max_answer_bytes));
    }
    report.timings.judge_ms = Some(ms(start.elapsed()));
    observer.on(RunEvent::StageDone { stage: Stage::Judge, ok: counted > 0, elapsed_ms: ms(start.elapsed()) });
    let member_of = |label: &str| labelled.iter().find(|l| l.label == label).map_or(0, |l| l.member);
    report.council = Some(CouncilReport {
        rankers,
        aggregate: if counted == 0 {
            Vec::new()
        } else {
            tallies
                .iter()
                .map(|t| Standing {
                    label: t.label.clone(),
                    model: plan.panel[member_of(&t.label)].model.clone(),
                    member: member_of(&t.label),
                    points: t.points,
                    ballots: t.ballots,
                })
                .collect()
        },
        disagreements: splits
            .iter()
            .map(|s| Disagreement {
                higher: s.higher.clone(),
                lower: s.lower.clone(),
                agree: s.agree,
                dissent: s.dissent,
            })
            .collect(),
    });
    if counted == 0 {
        report.notes.push("council failed (no ranking survived); the synth worked from the raw answers".into());
        return None;
    }
    Some(Council { tallies, splits, rankings: counted })
}
