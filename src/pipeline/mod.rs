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
//! - `session`: the session a run belongs to, and the one layout of every call's request
//!   (the thread's earlier turns, then the message split where its stable part ends);
//! - `ending`: how the run ended after its panel, as those stages returned it;
//!   `report/`: the report's types and each call's report; `assemble`: the one place the
//!   report is put together, a refused run's included, with the fields no stage gives
//!   (`heading`).
//!
//! Knows nothing about wire formats, configuration files or terminals: it receives
//! ready participants and limits, reports progress to an `Observer`, returns a value.

mod assemble;
mod budget;
mod call;
pub mod cost;
pub mod council;
mod ending;
mod estimate;
mod failure;
mod heading;
pub mod judge;
mod observer;
mod panel;
mod plan;
mod reply;
pub mod report;
pub mod rounds;
mod session;
mod synth;
#[cfg(test)]
mod testing;

pub use call::{CallFailure, Completion, Listener, Participant, converse};
pub use estimate::CostEstimate;
pub use failure::FailureReason;
pub use observer::{Observer, RunEvent, Stage};
pub use plan::{Exchange, Limits, RunPlan, Session};
pub use reply::ReplyError;
pub use report::{
    Analysis, CallReport, Comparison, CouncilReport, Disagreement, FinalSource, GraceReport, MemberReport,
    RankerReport, RoundReport, RunMode, RunReport, Score, Standing, Status, ThreadLink, Timings, Totals,
};

use assemble::{Run, assemble};
use budget::Clock;
use call::ms;
use ending::{Ending, Review};

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
            } else if plan.has_no_judge() {
                Review::NoJudge
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

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use pretty_assertions::assert_eq;

    use super::*;
    use crate::context::{Source, SourceKind};
    use crate::pipeline::testing::{Heard, call_report, mock, plan, reply, scripted, server_error, timeless};
    use crate::provider::{ErrorKind, Usage};

    const RIGHT: &str = "Rayleigh scattering.";
    const WRONG: &str = "Because the sea is blue, mostly.";

    fn call(model: &str, usage: Option<Usage>, error: Option<&str>) -> CallReport {
        call_report(model, usage, error, error.map(|_| ErrorKind::Server))
    }

    fn member(model: &str, label: Option<&str>, content: Option<&str>) -> MemberReport {
        let error = content.is_none().then_some("HTTP 500: boom");
        MemberReport {
            call: call(model, content.map(|_| Usage::new(100, 10)), error),
            label: label.map(str::to_string),
            content: content.map(str::to_string),
            cut: false,
            partial: None,
        }
    }

    /// A fusion run whose second member fails, whose judge needs its re-ask, and whose
    /// synth fails: the report as a whole.
    #[tokio::test]
    async fn a_whole_fusion_run_is_one_report_of_what_each_stage_did() {
        let labelled = judge::label(&[(0, RIGHT), (2, WRONG)], 7);
        let label_of = |member: usize| labelled.iter().find(|l| l.member == member).map(|l| l.label.clone());
        let (right, wrong) = (label_of(0).unwrap_or_default(), label_of(2).unwrap_or_default());
        let verdict = format!(
            r#"{{"scores":{{"{right}":{{"score":9,"reason":"physics"}},"{wrong}":{{"score":2,"reason":"myth"}}}},
            "ranking":["{wrong}","{right}"],"consensus":["light scatters"],"contradictions":[],"partial_coverage":[],
            "unique_insights":[],"blind_spots":["sunsets"]}}"#
        );
        let mut plan = plan(vec![
            scripted("m0", vec![reply(RIGHT)]).0,
            scripted("m1", vec![server_error()]).0,
            scripted("m2", vec![reply(WRONG)]).0,
        ]);
        plan.judge = Some(scripted("judge", vec![reply("B is best."), reply(verdict)]).0);
        plan.synth = Some(scripted("synth", vec![server_error()]).0);
        plan.limits.grace = Some(Duration::from_secs(5));
        let source = Source {
            kind: SourceKind::File,
            path: Some("src/sky.rs".into()),
            bytes: 12,
            truncated: false,
            skipped: None,
        };
        plan.context.sources = vec![source.clone()];
        plan.context.notes = vec!["src/gone.rs could not be read".into()];
        let heard = Heard::default();
        let report = timeless(execute(plan, &heard).await);
        let score = |label: &str, member: usize, score: f64, reason: &str| Score {
            label: label.into(),
            model: format!("m{member}"),
            member,
            score,
            reason: reason.into(),
        };
        let scores = labelled
            .iter()
            .map(|l| if l.member == 0 { score(&right, 0, 9.0, "physics") } else { score(&wrong, 2, 2.0, "myth") })
            .collect();
        let expected = RunReport {
            run_id: "run".into(),
            status: Status::Ok,
            mode: RunMode::Fusion,
            preset: None,
            prompt: "Why is the sky blue?".into(),
            context: vec![source],
            panel: vec![
                member("m0", Some(&right), Some(RIGHT)),
                member("m1", None, None),
                member("m2", Some(&wrong), Some(WRONG)),
            ],
            rounds: Vec::new(),
            judge: Some(call("judge", Some(Usage::new(200, 20)), None)),
            council: None,
            no_judge: false,
            synth: Some(call("synth", None, Some("HTTP 500: boom"))),
            analysis: Some(Analysis {
                scores,
                // The scores settle a ranking that contradicts them.
                ranking: vec!["m0".into(), "m2".into()],
                comparison: Comparison {
                    consensus: vec!["light scatters".into()],
                    blind_spots: vec!["sunsets".into()],
                    ..Comparison::default()
                },
            }),
            final_answer: Some(RIGHT.into()),
            final_source: Some(FinalSource::JudgeTop),
            failed_models: vec!["m1".into()],
            failure_reason: None,
            notes: vec![
                "src/gone.rs could not be read".into(),
                "synth failed (HTTP 500: boom); the final answer is the judge's top-ranked answer".into(),
            ],
            timings: Timings { panel_ms: 0, judge_ms: Some(0), synth_ms: Some(0) },
            totals: Totals { usage: Usage::new(400, 40), wall_ms: 0, cost_usd: None, cost_estimated: true },
            judge_seed: 7,
            grace: Some(GraceReport { secs: 5.0, quorum: 2 }),
            scope: None,
            thread: None,
            question: None,
            nonce: Some(crate::pipeline::testing::nonce().to_string()),
        };
        assert_eq!(report, expected);
        let stages: Vec<String> = heard.events().into_iter().filter(|e| !e.starts_with("member ")).collect();
        assert_eq!(
            stages,
            [
                "panel started (3)",
                "panel done (ok)",
                "judge started (1)",
                "judge done (ok)",
                "synth started (1)",
                "synth done (failed)"
            ]
        );
    }

    #[tokio::test]
    async fn a_single_run_streams_its_one_answer_and_asks_no_one_else() {
        let mut plan = plan(vec![mock("solo", "reply=Blue+light+scatters.")]);
        plan.mode = RunMode::Single;
        let heard = Heard::default();
        let report = execute(plan, &heard).await;
        assert_eq!(
            (report.final_answer.as_deref(), report.final_source, report.grace),
            (Some("Blue light scatters."), Some(FinalSource::Single), None)
        );
        assert_eq!(heard.streamed(), "Blue light scatters.");
        assert_eq!((report.judge, report.synth, report.notes), (None, None, Vec::new()));
    }

    #[tokio::test]
    async fn when_every_member_fails_the_run_fails_and_no_judge_is_asked() {
        let (judge, script) = scripted("judge", vec![reply("{}")]);
        let mut plan = plan(vec![mock("a", "fail=429"), mock("b", "fail=429")]);
        plan.judge = Some(judge);
        let report = execute(plan, &Heard::default()).await;
        assert_eq!(
            (report.status, report.failure_reason, report.failed_models),
            (Status::Error, Some(FailureReason::RateLimited), vec!["a".to_string(), "b".to_string()])
        );
        assert!(script.requests().is_empty());
    }

    #[tokio::test]
    async fn with_a_failed_judge_the_synth_works_from_the_raw_answers() {
        let mut plan = plan(vec![mock("a", ""), mock("b", "")]);
        plan.judge = Some(mock("judge", "reply=not+json"));
        let (synth, script) = scripted("synth", vec![reply("fused")]);
        plan.synth = Some(synth);
        let report = execute(plan, &Heard::default()).await;
        assert_eq!((report.final_answer.as_deref(), report.final_source), (Some("fused"), Some(FinalSource::Synth)));
        assert_eq!(report.analysis, None);
        let [note] = report.notes.as_slice() else { panic!("{:?}", report.notes) };
        assert!(
            note.starts_with("judge failed (the reply is not JSON (")
                && note.ends_with("; the synth worked from the raw answers"),
            "{note}"
        );
        let sent = script.requests().first().map(|r| r.user.clone()).unwrap_or_default();
        assert!(sent.contains("(No judge's analysis is available: weigh the candidates yourself.)"), "{sent}");
    }
}
