//! Building the report as the run goes: the report after the panel, each call's report
//! from its result, the analysis from the verdict, the notes on cut answers, and the
//! totals at the end.
//!
//! Knows nothing about how the calls were made or why a stage ran or not.

use super::{
    Analysis, CallReport, GraceReport, MemberReport, RoundReport, RunMode, RunReport, Score, Status, Timings, Totals,
};
use crate::pipeline::call::{CallFailure, Completion, Participant};
use crate::pipeline::judge::{Labelled, Verdict};
use crate::pipeline::{RunPlan, ms};

/// The report once the panel has answered: every member's outcome, the failed models,
/// the notes on cut answers; judge, synth and the final answer still to come.
pub(in crate::pipeline) fn after_panel(
    plan: &RunPlan,
    results: &[Result<Completion, CallFailure>],
    panel_ms: u64,
) -> RunReport {
    let members = || plan.panel.iter().zip(results);
    RunReport {
        run_id: plan.run_id.clone(),
        status: Status::Ok,
        mode: plan.mode,
        preset: plan.preset.clone(),
        prompt: plan.prompt.clone(),
        context: plan.context.sources.clone(),
        panel: members().map(|(p, r)| member_report(p, r)).collect(),
        rounds: Vec::new(),
        judge: None,
        council: None,
        synth: None,
        analysis: None,
        final_answer: None,
        final_source: None,
        // A cut member did not fail: it was not waited for.
        failed_models: members()
            .filter(|(_, r)| r.as_ref().is_err_and(|f| !f.cut))
            .map(|(p, _)| p.model.clone())
            .collect(),
        failure_reason: None,
        notes: plan
            .context
            .notes
            .iter()
            .cloned()
            .chain(
                members()
                    .filter(|(_, r)| r.as_ref().is_ok_and(|c| c.truncated))
                    .map(|(p, _)| truncation_note(&p.model, plan.limits.max_answer_bytes)),
            )
            .collect(),
        timings: Timings { panel_ms, judge_ms: None, synth_ms: None },
        totals: Totals::default(),
        judge_seed: plan.seed,
        grace: (plan.mode == RunMode::Fusion).then_some(plan.limits.grace).flatten().map(|g| GraceReport {
            secs: g.as_secs_f64(),
            quorum: crate::pipeline::panel::quorum(plan.panel.len(), plan.limits.quorum),
        }),
    }
}

/// Records the rounds before the last (`--rounds`): each `(results, ended_ms)`, with a
/// note for each answer cut at the size cap in them.
pub(in crate::pipeline) fn set_rounds(
    report: &mut RunReport,
    plan: &RunPlan,
    earlier: &[(&[Result<Completion, CallFailure>], u64)],
) {
    for (round, (results, elapsed_ms)) in (1..).zip(earlier) {
        let members = plan.panel.iter().zip(results.iter());
        for (p, _) in members.clone().filter(|(_, r)| r.as_ref().is_ok_and(|c| c.truncated)) {
            report.notes.push(format!("round {round}: {}", truncation_note(&p.model, plan.limits.max_answer_bytes)));
        }
        report.rounds.push(RoundReport {
            round,
            members: members.map(|(p, r)| member_report(p, r)).collect(),
            elapsed_ms: *elapsed_ms,
        });
    }
}

/// Records under which label the judge saw each member's answer.
pub(in crate::pipeline) fn set_labels(report: &mut RunReport, labelled: &[Labelled<'_>]) {
    for l in labelled {
        report.panel[l.member].label = Some(l.label.clone());
    }
}

/// The verdict in models instead of labels.
pub(in crate::pipeline) fn analysis(v: &Verdict, labelled: &[Labelled<'_>], panel: &[Participant]) -> Analysis {
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

fn member_report(p: &Participant, result: &Result<Completion, CallFailure>) -> MemberReport {
    MemberReport {
        call: call_report(p, result),
        label: None,
        content: result.as_ref().ok().map(|c| c.text.clone()),
        cut: result.as_ref().is_err_and(|f| f.cut),
    }
}

/// The report's note on an answer cut at `max_bytes`.
pub(in crate::pipeline) fn truncation_note(model: &str, max_bytes: usize) -> String {
    format!("{model}'s answer was cut at {max_bytes} bytes (max_answer_bytes); the rest was not read")
}

pub(in crate::pipeline) fn call_report(p: &Participant, result: &Result<Completion, CallFailure>) -> CallReport {
    match result {
        Ok(c) => CallReport {
            model: p.model.clone(),
            route: p.route.clone(),
            ok: true,
            error: None,
            error_kind: None,
            latency_ms: ms(c.latency),
            usage: Some(c.usage),
            usage_estimated: c.usage_estimated,
            cost_usd: p.price.map(|price| price.cost(c.usage)),
            truncated: c.truncated,
            params: p.reported_params(),
        },
        Err(f) => CallReport {
            model: p.model.clone(),
            route: p.route.clone(),
            ok: false,
            error: Some(f.error.clone()),
            error_kind: (!f.cut).then_some(f.kind),
            latency_ms: ms(f.latency),
            usage: None,
            usage_estimated: false,
            cost_usd: None,
            truncated: false,
            params: p.reported_params(),
        },
    }
}

/// Sums the tokens and cost of every call; `wall_ms` is the run's time so far.
pub(in crate::pipeline) fn finish_totals(report: &mut RunReport, wall_ms: u64) {
    let mut totals = Totals { wall_ms, ..Totals::default() };
    for call in calls(report) {
        let Some(usage) = call.usage else { continue };
        totals.input_tokens = totals.input_tokens.saturating_add(usage.input_tokens);
        totals.output_tokens = totals.output_tokens.saturating_add(usage.output_tokens);
        totals.cached_input_tokens = totals.cached_input_tokens.saturating_add(usage.cached_input_tokens);
        totals.cache_write_tokens = totals.cache_write_tokens.saturating_add(usage.cache_write_tokens);
        totals.cost_estimated |= call.usage_estimated || call.cost_usd.is_none();
        if let Some(cost) = call.cost_usd {
            *totals.cost_usd.get_or_insert(0.0) += cost;
        }
    }
    report.totals = totals;
}

/// Every call the run made so far: the earlier rounds', the panel's, then the judge's
/// (or the council's rankers') and the synth's. A member not asked in a round carries
/// its earlier failure, which costs nothing, so nothing is counted twice.
pub(in crate::pipeline) fn calls(report: &RunReport) -> impl Iterator<Item = &CallReport> {
    let rankers = report.council.iter().flat_map(|c| c.rankers.iter().map(|r| &r.call));
    report
        .rounds
        .iter()
        .flat_map(|r| r.members.iter().map(|m| &m.call))
        .chain(report.panel.iter().map(|m| &m.call))
        .chain(&report.judge)
        .chain(rankers)
        .chain(&report.synth)
}
