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
use super::judge::{Labelled, QUESTION_AT};
use super::observer::{Observer, RunEvent, Stage};
use super::plan::RunPlan;
use super::report::{CouncilReport, Disagreement, RankerReport, Standing, call_report, truncation_note};
use super::session;

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
            (own, user_message(&question, &shown, &plan.session.nonce), labels)
        })
        .collect();
    let estimate: f64 = requests
        .iter()
        .map(|(own, user, _)| {
            let input = estimate_tokens(SYSTEM) + session::thread_tokens(plan) + estimate_tokens(user);
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
            let laid = session::lay_out(plan, &ranker.model, user, QUESTION_AT);
            let (conversation, user) = (&laid.conversation, &laid.user);
            let result =
                call::converse(ranker, SYSTEM, conversation, user, schema, timeout, max_bytes, Listener::None).await;
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use pretty_assertions::assert_eq;

    use super::*;
    use crate::pipeline::report::CallReport;
    use crate::pipeline::testing::{Heard, Step, plan, reply, scripted, server_error};
    use crate::provider::{ErrorKind, Usage};

    /// Three answers, `A` member 0's, `B` member 1's, `C` member 2's.
    fn answers() -> Vec<Labelled<'static>> {
        ["ALPHA", "BRAVO", "CHARLIE"]
            .into_iter()
            .enumerate()
            .map(|(member, content)| Labelled { label: ["A", "B", "C"][member].into(), member, content })
            .collect()
    }

    /// Runs the council of three members, each ranking with its step.
    async fn council(steps: [Step; 3]) -> (Counted, Vec<String>) {
        let panel = ["m0", "m1", "m2"].into_iter().zip(steps).map(|(name, step)| scripted(name, vec![step]).0);
        let plan = plan(panel.collect());
        let heard = Heard::default();
        let counted = stage(&plan, &answers(), 0.0, &Clock::start(Duration::from_secs(60)), &heard).await;
        (timeless(counted), heard.events())
    }

    fn timeless(mut counted: Counted) -> Counted {
        if let Some(report) = counted.report.as_mut() {
            report.rankers.iter_mut().for_each(|r| r.call.latency_ms = 0);
        }
        counted.elapsed_ms = counted.elapsed_ms.map(|_| 0);
        counted
    }

    fn ranker(member: usize, ranking: Option<&[&str]>, error: Option<&str>) -> RankerReport {
        let model = format!("m{member}");
        let answered = error.is_none() || error.is_some_and(|e| !e.starts_with("HTTP"));
        RankerReport {
            member,
            label: ["A", "B", "C"][member].into(),
            call: CallReport {
                route: format!("scripted:{model}"),
                model,
                ok: answered,
                error: (!answered).then(|| error.unwrap_or_default().to_string()),
                error_kind: (!answered).then_some(ErrorKind::Server),
                latency_ms: 0,
                usage: answered.then_some(Usage::new(100, 10)),
                usage_estimated: false,
                cost_usd: None,
                truncated: false,
                token_capped: false,
                params: None,
            },
            ranking: ranking.map(|r| r.iter().map(|l| l.to_string()).collect()),
            error: error.map(str::to_string),
        }
    }

    fn standing(label: &str, member: usize, points: u64, ballots: usize) -> Standing {
        Standing { label: label.into(), model: format!("m{member}"), member, points, ballots }
    }

    #[tokio::test]
    async fn rankings_are_counted_by_borda_and_a_ranker_that_fails_is_left_out_and_noted() {
        let (counted, events) =
            council([reply(r#"{"ranking":["C","B"]}"#), reply(r#"{"ranking":["C","A"]}"#), server_error()]).await;
        let tally = |label: &str, points, ballots| Tally { label: label.into(), points, ballots };
        assert_eq!(
            counted,
            Counted {
                report: Some(CouncilReport {
                    rankers: vec![
                        ranker(0, Some(&["C", "B"]), None),
                        ranker(1, Some(&["C", "A"]), None),
                        ranker(2, None, Some("HTTP 500: boom")),
                    ],
                    aggregate: vec![standing("C", 2, 2, 2), standing("A", 0, 0, 1), standing("B", 1, 0, 1)],
                    disagreements: Vec::new(),
                }),
                council: Some(Council {
                    tallies: vec![tally("C", 2, 2), tally("A", 0, 1), tally("B", 0, 1)],
                    splits: Vec::new(),
                    rankings: 2,
                }),
                notes: vec!["council: m2's ranking is left out (HTTP 500: boom)".into()],
                elapsed_ms: Some(0),
            }
        );
        assert_eq!(events, ["judge started (3)", "judge done (ok)"]);
    }

    #[tokio::test]
    async fn when_no_ranking_survives_the_council_failed_and_says_so_after_each_ranker() {
        let junk = || reply("I like them all.");
        let (counted, events) = council([junk(), reply(r#"{"ranking":["A","A"]}"#), server_error()]).await;
        let not_json = parse("I like them all.", &["B", "C"]).err().map(|e| e.to_string()).unwrap_or_default();
        let twice = r#"the ranking ["A", "A"] is not each of ["A", "C"] once"#;
        assert_eq!(
            counted.notes,
            [
                format!("council: m0's ranking is left out ({not_json})"),
                format!("council: m1's ranking is left out ({twice})"),
                "council: m2's ranking is left out (HTTP 500: boom)".to_string(),
                "council failed (no ranking survived); the synth worked from the raw answers".to_string(),
            ]
        );
        assert_eq!(counted.council, None);
        let report = counted.report.unwrap_or_else(|| panic!("the rankers were asked"));
        assert_eq!((report.rankers.len(), report.aggregate), (3, Vec::new()), "no aggregate of nothing");
        assert_eq!(events, ["judge started (3)", "judge done (failed)"]);
    }

    #[tokio::test]
    async fn a_council_of_two_answers_is_skipped_and_noted() {
        let (m0, script) = scripted("m0", vec![reply(r#"{"ranking":["B"]}"#)]);
        let plan = plan(vec![m0, scripted("m1", Vec::new()).0]);
        let heard = Heard::default();
        let two = &answers()[..2];
        let counted = stage(&plan, two, 0.0, &Clock::start(Duration::from_secs(60)), &heard).await;
        let note = "council skipped: with 2 answers each member could rank only the other's; the synth worked from \
                    the raw answers";
        assert_eq!(counted, Counted { notes: vec![note.into()], ..Counted::default() });
        assert_eq!(heard.events(), [format!("judge skipped: {note}")]);
        assert!(script.requests().is_empty());
    }

    #[tokio::test]
    async fn a_ranker_is_shown_every_answer_but_its_own() {
        let steps = ["m0", "m1", "m2"].map(|name| scripted(name, vec![reply(r#"{"ranking":[]}"#)]));
        let plan = plan(steps.iter().map(|(p, _)| p.clone()).collect());
        stage(&plan, &answers(), 0.0, &Clock::start(Duration::from_secs(60)), &Heard::default()).await;
        for (member, (_, script)) in steps.iter().enumerate() {
            let user = script.requests().first().map(|r| r.user.clone()).unwrap_or_default();
            for (other, text) in ["ALPHA", "BRAVO", "CHARLIE"].iter().enumerate() {
                assert_eq!(user.contains(text), other != member, "member {member} and answer {other}: {user}");
            }
        }
    }
}
