//! The one place a `RunReport` is put together, from what the stages returned: the
//! panel and its rounds (`rounds::Rounds`), then how the run ended (`ending::Ending`: no
//! answer, one answer, or the judge's or the council's review and the synthesis). A run refused
//! before any stage is told the same way, with no stages (`RunReport::refused`).
//!
//! The notes keep the order in which things happened: the context's, the last round's
//! answers cut at a cap or stopped part way, the earlier rounds' (`answer_notes`), why later rounds did not run, then the
//! judge's or the council's, then the synth's. The totals count every call once.
//!
//! Knows nothing about how the stages ran: only what they returned.

use super::call::{CallFailure, Completion};
use super::ending::{Ending, Review};
use super::failure::FailureReason;
use super::heading::Heading;
use super::judge::{Labelled, Verdict};
use super::plan::RunPlan;
use super::report::{
    Analysis, CallReport, CouncilReport, FinalSource, MemberReport, RoundReport, RunMode, RunReport, Score, Status,
    Timings, Totals, member_report, partial_note, token_cap_note, truncation_note,
};
use super::rounds::Rounds;

/// A run as its report tells it.
#[allow(clippy::large_enum_variant)] // one value a run, moved once
pub(super) enum Run<'a> {
    /// Refused before any stage ran: which run, and why.
    Refused { heading: Heading, reason: FailureReason },
    /// The stages ran on `plan`: the panel's `rounds`, then its `ending`, in `wall_ms`.
    Ran { plan: &'a RunPlan, rounds: &'a Rounds, ending: Ending<'a>, wall_ms: u64 },
}

impl RunReport {
    /// A report for a run refused before it started.
    pub fn refused(
        run_id: String,
        mode: RunMode,
        preset: Option<String>,
        prompt: String,
        reason: FailureReason,
    ) -> Self {
        let heading = Heading {
            run_id,
            mode,
            preset,
            prompt,
            context: Vec::new(),
            context_notes: Vec::new(),
            judge_seed: 0,
            grace: None,
            scope: None,
            thread: None,
            question: None,
            nonce: None,
            no_judge: false,
        };
        assemble(Run::Refused { heading, reason })
    }
}

/// The report of `run`.
pub(super) fn assemble(run: Run<'_>) -> RunReport {
    let (heading, mut panel, end, wall_ms) = match run {
        Run::Refused { heading, reason } => {
            let end = Ended { failure_reason: Some(reason), ..Ended::default() };
            (heading, Panelled::default(), end, 0)
        }
        Run::Ran { plan, rounds, ending, wall_ms } => {
            (Heading::of(plan), Panelled::of(plan, rounds), Ended::of(plan, rounds, ending), wall_ms)
        }
    };
    for (member, label) in end.labels {
        panel.members[member].label = Some(label);
    }
    // Every call once: the earlier rounds', the panel's, then the judge's (or the
    // council's rankers') and the synth's.
    let rankers = end.council.iter().flat_map(|c: &CouncilReport| c.rankers.iter().map(|r| &r.call));
    let calls = panel.earlier.iter().flat_map(|r: &RoundReport| r.members.iter().map(|m| &m.call));
    let calls = calls.chain(panel.members.iter().map(|m| &m.call)).chain(&end.judge).chain(rankers).chain(&end.synth);
    let totals = totals(calls, wall_ms);
    let notes = heading.context_notes.into_iter().chain(panel.notes).chain(end.notes).collect();
    RunReport {
        run_id: heading.run_id,
        status: if end.failure_reason.is_some() { Status::Error } else { Status::Ok },
        mode: heading.mode,
        preset: heading.preset,
        prompt: heading.prompt,
        context: heading.context,
        panel: panel.members,
        rounds: panel.earlier,
        judge: end.judge,
        council: end.council,
        no_judge: heading.no_judge,
        synth: end.synth,
        analysis: end.analysis,
        final_answer: end.final_answer,
        final_source: end.final_source,
        failed_models: panel.failed_models,
        failure_reason: end.failure_reason,
        notes,
        timings: Timings { panel_ms: panel.elapsed_ms, judge_ms: end.judge_ms, synth_ms: end.synth_ms },
        totals,
        judge_seed: heading.judge_seed,
        grace: heading.grace,
        scope: heading.scope,
        thread: heading.thread,
        question: heading.question,
        nonce: heading.nonce,
    }
}

/// The report's part from the panel and its rounds.
#[derive(Default)]
struct Panelled {
    /// The last round's members, in panel order.
    members: Vec<MemberReport>,
    /// The rounds before the last.
    earlier: Vec<RoundReport>,
    failed_models: Vec<String>,
    /// The answers cut at the size cap (the last round's, then each earlier round's),
    /// then why later rounds did not run.
    notes: Vec<String>,
    elapsed_ms: u64,
}

impl Panelled {
    fn of(plan: &RunPlan, rounds: &Rounds) -> Panelled {
        let max_bytes = plan.limits.max_answer_bytes;
        let members = || plan.panel.iter().zip(&rounds.last.results);
        let mut notes: Vec<String> = members().flat_map(|(p, r)| answer_notes(&p.model, r, max_bytes)).collect();
        let mut earlier = Vec::new();
        for (round, r) in (1..).zip(&rounds.earlier) {
            let members = plan.panel.iter().zip(&r.results);
            for (p, r) in members.clone() {
                notes.extend(answer_notes(&p.model, r, max_bytes).into_iter().map(|n| format!("round {round}: {n}")));
            }
            let members = members.map(|(p, r)| member_report(p, r)).collect();
            earlier.push(RoundReport { round, members, elapsed_ms: r.elapsed_ms });
        }
        notes.extend(rounds.notes.iter().cloned());
        Panelled {
            members: members().map(|(p, r)| member_report(p, r)).collect(),
            earlier,
            // A cut member did not fail: it was not waited for.
            failed_models: members()
                .filter(|(_, r)| r.as_ref().is_err_and(|f| !f.cut))
                .map(|(p, _)| p.model.clone())
                .collect(),
            notes,
            elapsed_ms: rounds.last.elapsed_ms,
        }
    }
}

/// What the report notes of one member's answer: cut at the size cap, stopped at the
/// token cap, or stopped part way (a timeout, a cut) with what had arrived.
fn answer_notes(model: &str, result: &Result<Completion, CallFailure>, max_bytes: usize) -> Vec<String> {
    match result {
        Ok(c) => {
            [c.truncated.then(|| truncation_note(model, max_bytes)), c.token_capped.then(|| token_cap_note(model))]
                .into_iter()
                .flatten()
                .collect()
        }
        Err(f) => partial_note(model, f).into_iter().collect(),
    }
}

/// The report's part from how the run ended after its panel.
#[derive(Default)]
struct Ended {
    /// (member, label) of each answer the judge, the council and the synth saw.
    labels: Vec<(usize, String)>,
    judge: Option<CallReport>,
    council: Option<CouncilReport>,
    synth: Option<CallReport>,
    analysis: Option<Analysis>,
    final_answer: Option<String>,
    final_source: Option<FinalSource>,
    failure_reason: Option<FailureReason>,
    /// The judge's or the council's, then the synth's; or why there was no judge.
    notes: Vec<String>,
    judge_ms: Option<u64>,
    synth_ms: Option<u64>,
}

impl Ended {
    fn of(plan: &RunPlan, rounds: &Rounds, ending: Ending<'_>) -> Ended {
        let answer = |text: &str, source| Ended {
            final_answer: Some(text.to_string()),
            final_source: Some(source),
            ..Ended::default()
        };
        match ending {
            Ending::NoAnswer => {
                let kinds: Vec<_> =
                    rounds.last.results.iter().filter_map(|r| r.as_ref().err().map(|f| f.kind)).collect();
                Ended { failure_reason: Some(FailureReason::from_member_failures(&kinds)), ..Ended::default() }
            }
            Ending::Single(text) => answer(text, FinalSource::Single),
            Ending::SoleSurvivor { member, answer: text } => Ended {
                notes: vec![format!("only {} answered; judge and synth skipped", plan.panel[member].model)],
                ..answer(text, FinalSource::SoleSurvivor)
            },
            Ending::Fused { labelled, review, synthesis } => {
                let mut end = Ended {
                    labels: labelled.iter().map(|l| (l.member, l.label.clone())).collect(),
                    synth: synthesis.call,
                    final_answer: Some(synthesis.answer),
                    final_source: Some(synthesis.source),
                    synth_ms: synthesis.elapsed_ms,
                    ..Ended::default()
                };
                match review {
                    Review::Judge(judged) => {
                        end.analysis = judged.verdict.as_ref().map(|v| analysis_of(v, &labelled, plan));
                        end.judge = judged.call;
                        end.notes = judged.notes;
                        end.judge_ms = judged.elapsed_ms;
                    }
                    Review::Council(counted) => {
                        end.council = counted.report;
                        end.notes = counted.notes;
                        end.judge_ms = counted.elapsed_ms;
                    }
                    Review::NoJudge => {}
                }
                end.notes.extend(synthesis.notes);
                end
            }
        }
    }
}

/// The verdict in models instead of labels.
fn analysis_of(v: &Verdict, labelled: &[Labelled<'_>], plan: &RunPlan) -> Analysis {
    let panel = &plan.panel;
    let member_of = |label: &str| labelled.iter().find(|l| l.label == label).map(|l| l.member);
    let scores = labelled
        .iter()
        .filter_map(|l| {
            let (score, reason) = v.scores.get(&l.label)?;
            Some(Score {
                label: l.label.clone(),
                model: panel[l.member].model.clone(),
                member: l.member,
                score: *score,
                reason: reason.clone(),
            })
        })
        .collect();
    Analysis {
        scores,
        ranking: v.ranking.iter().filter_map(|label| member_of(label)).map(|m| panel[m].model.clone()).collect(),
        comparison: v.comparison.clone(),
    }
}

/// The tokens and cost of `calls`; `wall_ms` is the run's time.
fn totals<'a>(calls: impl Iterator<Item = &'a CallReport>, wall_ms: u64) -> Totals {
    let mut totals = Totals { wall_ms, ..Totals::default() };
    for call in calls {
        let Some(usage) = call.usage else { continue };
        totals.usage += usage;
        totals.cost_estimated |= call.usage_estimated || call.cost_usd.is_none();
        if let Some(cost) = call.cost_usd {
            *totals.cost_usd.get_or_insert(0.0) += cost;
        }
    }
    totals
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;
    use crate::pipeline::call::{CallFailure, Completion};
    use crate::pipeline::council::Counted;
    use crate::pipeline::judge::Judged;
    use crate::pipeline::judge::label;
    use crate::pipeline::report::{RankerReport, Status};
    use crate::pipeline::synth::Synthesis;
    use crate::pipeline::testing::{answered, failed, mock, plan, priced, round};
    use crate::provider::{ErrorKind, Usage};

    fn cut(text: &str) -> Result<Completion, CallFailure> {
        answered(text).map(|c| Completion { truncated: true, ..c })
    }

    fn cut_note(model: &str) -> String {
        format!("{model}'s answer was cut at 24 bytes (max_answer_bytes); the rest was not read")
    }

    fn synthesis(notes: &[&str]) -> Synthesis {
        Synthesis {
            call: None,
            answer: "fused".into(),
            source: FinalSource::Longest,
            notes: notes.iter().map(|n| n.to_string()).collect(),
            elapsed_ms: None,
        }
    }

    #[test]
    fn the_notes_keep_the_order_things_happened() {
        let mut plan = plan(["m0", "m1", "m2"].map(|m| mock(m, "")).to_vec());
        plan.context.notes = vec!["context note".into()];
        plan.limits.max_answer_bytes = 24;
        let rounds = Rounds {
            earlier: vec![round(vec![cut("one"), answered("two"), cut("three")])],
            last: round(vec![answered("one"), failed("boom"), cut("three")]),
            notes: vec!["rounds note".into()],
        };
        let answers = rounds.last.answers();
        let review = Review::Judge(Judged { notes: vec!["judge note".into()], ..Judged::default() });
        let ending = Ending::Fused { labelled: label(&answers, 7), review, synthesis: synthesis(&["synth note"]) };
        let report = assemble(Run::Ran { plan: &plan, rounds: &rounds, ending, wall_ms: 5 });
        let expected = [
            "context note".to_string(),
            cut_note("m2"),
            format!("round 1: {}", cut_note("m0")),
            format!("round 1: {}", cut_note("m2")),
            "rounds note".into(),
            "judge note".into(),
            "synth note".into(),
        ];
        assert_eq!(report.notes, expected);
        assert_eq!((report.failed_models, report.status), (vec!["m1".to_string()], Status::Ok));
        let labels: Vec<Option<String>> = report.panel.iter().map(|m| m.label.clone()).collect();
        assert_eq!(labels.iter().filter(|l| l.is_some()).count(), 2);
        assert_eq!(labels[1], None, "a failed member has no label");
        // A council's notes take the judge's place.
        let review = Review::Council(Counted { notes: vec!["council note".into()], ..Counted::default() });
        let ending = Ending::Fused { labelled: label(&answers, 7), review, synthesis: synthesis(&["synth note"]) };
        let report = assemble(Run::Ran { plan: &plan, rounds: &rounds, ending, wall_ms: 5 });
        assert_eq!(report.notes[5..], ["council note", "synth note"]);
        // One answer: no judge, no synth, and a note after the rounds' notes.
        let ending = Ending::SoleSurvivor { member: 2, answer: "three" };
        let report = assemble(Run::Ran { plan: &plan, rounds: &rounds, ending, wall_ms: 5 });
        assert_eq!(report.notes[4..], ["rounds note", "only m2 answered; judge and synth skipped"]);
        assert_eq!(
            (report.final_source, report.final_answer.as_deref()),
            (Some(FinalSource::SoleSurvivor), Some("three"))
        );
    }

    #[test]
    fn the_totals_count_every_call_of_every_round_and_stage_once() {
        let mut plan = plan(["m0", "m1", "m2"].map(|m| priced(mock(m, ""))).to_vec());
        plan.council = true;
        let rounds = Rounds {
            earlier: vec![round(vec![answered("a"), answered("b"), failed("boom")])],
            last: round(vec![answered("a"), answered("b"), failed("not asked in round 2: failed in round 1 (boom)")]),
            notes: Vec::new(),
        };
        let call = |model: &str, cost_usd| CallReport {
            model: model.into(),
            route: format!("mock:{model}"),
            ok: true,
            error: None,
            error_kind: None,
            latency_ms: 7,
            usage: Some(Usage::new(100, 10)),
            usage_estimated: false,
            cost_usd,
            truncated: false,
            token_capped: false,
            params: None,
        };
        let ranker = |member: usize| RankerReport {
            member,
            label: "A".into(),
            call: call(&format!("m{member}"), Some(110e-6)),
            ranking: None,
            error: None,
        };
        let council = CouncilReport { rankers: vec![ranker(0), ranker(1)], aggregate: vec![], disagreements: vec![] };
        let counted = Counted { report: Some(council), ..Counted::default() };
        let review = Review::Council(counted);
        assert_eq!(review.costs().collect::<Vec<_>>(), [110e-6, 110e-6]);
        let synthesis = Synthesis { call: Some(call("s", None)), ..synthesis(&[]) };
        let answers = rounds.last.answers();
        let ending = Ending::Fused { labelled: label(&answers, 7), review, synthesis };
        let report = assemble(Run::Ran { plan: &plan, rounds: &rounds, ending, wall_ms: 42 });
        assert_eq!(
            report.totals,
            Totals {
                usage: Usage::new(2 + 2 + 200 + 100, 2 + 2 + 20 + 10),
                wall_ms: 42,
                cost_usd: Some(2e-6 + 2e-6 + 2e-6 + 2e-6 + 110e-6 + 110e-6),
                cost_estimated: true,
            },
            "the synth's unpriced call makes the cost a lower bound"
        );
        assert_eq!(rounds.costs(&plan.panel).collect::<Vec<_>>(), [2e-6; 4]);
    }

    #[test]
    fn with_no_answer_the_run_fails_with_the_members_shared_cause() {
        let plan = plan(["m0", "m1"].map(|m| mock(m, "")).to_vec());
        let limited = || Err(CallFailure { kind: ErrorKind::RateLimited, ..failed("HTTP 429").err().unwrap() });
        let rounds = Rounds { earlier: Vec::new(), last: round(vec![limited(), limited()]), notes: Vec::new() };
        let report = assemble(Run::Ran { plan: &plan, rounds: &rounds, ending: Ending::NoAnswer, wall_ms: 1 });
        assert_eq!(
            (report.status, report.failure_reason, report.final_answer, report.failed_models),
            (Status::Error, Some(FailureReason::RateLimited), None, vec!["m0".to_string(), "m1".to_string()])
        );
    }

    #[test]
    fn a_refused_run_is_reported_with_no_stage() {
        let report = RunReport::refused(
            "r1".into(),
            RunMode::Fusion,
            Some("demo".into()),
            "Why?".into(),
            FailureReason::FusionInvocationCapped,
        );
        assert_eq!(
            report,
            RunReport {
                run_id: "r1".into(),
                status: Status::Error,
                mode: RunMode::Fusion,
                preset: Some("demo".into()),
                prompt: "Why?".into(),
                context: Vec::new(),
                panel: Vec::new(),
                rounds: Vec::new(),
                judge: None,
                council: None,
                no_judge: false,
                synth: None,
                analysis: None,
                final_answer: None,
                final_source: None,
                failed_models: Vec::new(),
                failure_reason: Some(FailureReason::FusionInvocationCapped),
                notes: Vec::new(),
                timings: Timings::default(),
                totals: Totals::default(),
                judge_seed: 0,
                grace: None,
                scope: None,
                thread: None,
                question: None,
                nonce: None,
            }
        );
    }
}
