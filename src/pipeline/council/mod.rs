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
//! The stage returns what it did (`Counted`); the report is assembled from it.
//!
//! Knows nothing about wire formats: the requests go out through `pipeline::call`.

mod borda;
mod prompt;

use futures::future::join_all;
use tokio::sync::Semaphore;
use tokio::time::Instant;

pub use borda::{Split, Tally, aggregate};
pub use prompt::{SCHEMA_NAME, SYSTEM, parse, schema, user_message};

use super::budget::{Clock, Subject, guard};
use super::call::{self, Listener, ms};
use super::cost::{self, estimate_tokens};
use super::judge::Labelled;
use super::observer::{Observer, RunEvent, Stage};
use super::plan::RunPlan;
use super::report::{CouncilReport, Disagreement, RankerReport, Standing, call_report, truncation_note};
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

/// What the council stage did.
#[derive(Debug, Clone, Default, PartialEq)]
pub(in crate::pipeline) struct Counted {
    /// Every ranker's call and ranking, the aggregate and the disagreements, when the
    /// rankers were asked.
    pub report: Option<CouncilReport>,
    /// The aggregate for the synth, when a ranking survived.
    pub council: Option<Council>,
    /// Why it was skipped, or whose ranking is left out and why, in the order found.
    pub notes: Vec<String>,
    /// How long the stage took, when the rankers were asked.
    pub elapsed_ms: Option<u64>,
}

impl Counted {
    fn skipped(reason: String, observer: &dyn Observer) -> Counted {
        observer.on(RunEvent::StageSkipped { stage: Stage::Judge, reason: &reason });
        Counted { notes: vec![reason], ..Counted::default() }
    }
}

/// The council stage of a fusion run, after the run has `spent` USD.
pub(in crate::pipeline) async fn stage(
    plan: &RunPlan,
    labelled: &[Labelled<'_>],
    spent: f64,
    clock: &Clock,
    observer: &dyn Observer,
) -> Counted {
    if labelled.len() < 3 {
        // Each of two rankers could only rank the other's answer: a tie that costs calls.
        let reason = format!(
            "council skipped: with {} answers each member could rank only the other's; the synth worked from the raw \
             answers",
            labelled.len()
        );
        return Counted::skipped(reason, observer);
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
    if let Some(reason) = guard(Subject::Stage("council"), clock.remaining(), spent, estimate, plan.limits) {
        return Counted::skipped(reason, observer);
    }
    let start = Instant::now();
    observer.on(RunEvent::StageStarted { stage: Stage::Judge, models: requests.len() });
    let semaphore = Semaphore::new(plan.limits.concurrency.max(1));
    let mut rankers = join_all(requests.iter().map(|(own, user, labels)| {
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
                    Err(problem) => (None, Some(problem.to_string())),
                },
                Err(f) => (None, Some(f.error.clone())),
            };
            RankerReport {
                member: own.member,
                label: own.label.clone(),
                call: call_report(ranker, &result),
                ranking,
                error,
            }
        }
    }))
    .await;
    rankers.sort_by_key(|r| r.member);
    let labels: Vec<&str> = labelled.iter().map(|l| l.label.as_str()).collect();
    let ballots: Vec<&[String]> = rankers.iter().filter_map(|r| r.ranking.as_deref()).collect();
    let (tallies, splits) = aggregate(&labels, &ballots);
    let counted = ballots.len();
    let mut notes = Vec::new();
    for ranker in rankers.iter().filter(|r| r.ranking.is_none()) {
        let problem = ranker.error.as_deref().unwrap_or("no ranking");
        notes.push(format!("council: {}'s ranking is left out ({problem})", ranker.call.model));
    }
    for ranker in rankers.iter().filter(|r| r.call.truncated) {
        notes.push(truncation_note(&ranker.call.model, plan.limits.max_answer_bytes));
    }
    let elapsed_ms = Some(ms(start.elapsed()));
    observer.on(RunEvent::StageDone { stage: Stage::Judge, ok: counted > 0, elapsed_ms: ms(start.elapsed()) });
    let member_of = |label: &str| labelled.iter().find(|l| l.label == label).map_or(0, |l| l.member);
    let report = CouncilReport {
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
    };
    let council = if counted == 0 {
        notes.push("council failed (no ranking survived); the synth worked from the raw answers".into());
        None
    } else {
        Some(Council { tallies, splits, rankings: counted })
    };
    Counted { report: Some(report), council, notes, elapsed_ms }
}
