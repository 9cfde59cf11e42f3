//! Running the judge stage: skipped when the budget's floor or the cost cap forbids it,
//! else one call for a verdict and, when the reply is unusable, one re-ask that says
//! what was wrong. A judge that fails leaves the synth to work from the raw answers.
//!
//! When the synth is the judge's own model on the same route, the synth continues the
//! judge's conversation, so the judge's request says its prompt is a prefix to share
//! (`Conversation::cache_through`); the HTTP adapters then mark it where the API wants a
//! mark and send the verdict's schema in the prompt's words only (see
//! `provider::conversation`). The verdict is validated, and re-asked once, either way.
//!
//! Knows nothing about wire formats or what the synth does with the verdict.

use std::time::Duration;

use tokio::time::Instant;

use super::labels::Labelled;
use super::prompt::{SYSTEM, repair_message, schema, user_message};
use super::verdict::{Exchange, Verdict, parse};
use crate::frame::Nonce;
use crate::pipeline::budget::{Clock, skipped_for_cost, skipped_for_time};
use crate::pipeline::call::{self, Listener, Participant};
use crate::pipeline::cost::{self, ASSUMED_VERDICT_TOKENS, estimate_tokens};
use crate::pipeline::observer::{Observer, RunEvent, Stage};
use crate::pipeline::report::{CallReport, RunReport, build};
use crate::pipeline::{RunPlan, ms};
use crate::provider::{Conversation, Usage};

/// Whether the synth will continue the judge's conversation on the same model and route,
/// so that a provider's prompt cache can serve the synth the prefix the judge sent.
pub fn shares_prefix(plan: &RunPlan) -> bool {
    match (&plan.judge, &plan.synth) {
        (Some(judge), Some(synth)) => judge.model == synth.model && judge.route == synth.route,
        _ => false,
    }
}

/// The judge stage of a fusion run: its call report, notes and timing go into `report`;
/// the verdict, when there is a usable one, is returned for the synth.
pub(in crate::pipeline) async fn stage(
    plan: &RunPlan,
    labelled: &[Labelled<'_>],
    clock: &Clock,
    observer: &dyn Observer,
    report: &mut RunReport,
) -> Option<Verdict> {
    let judge_model = plan.judge.as_ref()?;
    let user = user_message(&plan.question(), labelled, &Nonce::random());
    if skipped_for_time(Stage::Judge, "judge", clock.remaining(), plan.limits, observer, report) {
        return None;
    }
    let estimate =
        cost::estimate(judge_model.price, estimate_tokens(SYSTEM) + estimate_tokens(&user), ASSUMED_VERDICT_TOKENS);
    if skipped_for_cost(Stage::Judge, "judge", estimate, plan.limits, observer, report) {
        return None;
    }
    let start = Instant::now();
    observer.on(RunEvent::StageStarted { stage: Stage::Judge, models: 1 });
    let (verdict, call_report) = ask(judge_model, &user, labelled, plan, clock).await;
    if call_report.truncated {
        report.notes.push(build::truncation_note(&judge_model.model, plan.limits.max_answer_bytes));
    }
    report.timings.judge_ms = Some(ms(start.elapsed()));
    observer.on(RunEvent::StageDone { stage: Stage::Judge, ok: verdict.is_ok(), elapsed_ms: ms(start.elapsed()) });
    report.judge = Some(call_report);
    match verdict {
        Ok(v) => Some(v),
        Err(problem) => {
            report.notes.push(format!("judge failed ({problem}); the synth worked from the raw answers"));
            None
        }
    }
}

/// Calls the judge, validates its verdict, and re-asks once when it is unusable.
async fn ask(
    judge_model: &Participant,
    user: &str,
    labelled: &[Labelled<'_>],
    plan: &RunPlan,
    clock: &Clock,
) -> (Result<Verdict, String>, CallReport) {
    let limits = plan.limits;
    let labels: Vec<&str> = labelled.iter().map(|l| l.label.as_str()).collect();
    let shared = shares_prefix(plan);
    let schema = schema(&labels);
    // The judge's one message ends the prefix the synth's request repeats.
    let conversation = Conversation { prior: Vec::new(), cache_through: shared.then_some(0) };
    let mut usage: Option<Usage> = None;
    let mut usage_estimated = false;
    let mut truncated = false;
    let mut latency = Duration::ZERO;
    let mut outcome = Err(String::new());
    let mut failure = None;
    for attempt in 0..2 {
        if attempt == 1 && clock.remaining() < limits.stage_floor {
            break;
        }
        let message = match (&outcome, attempt) {
            (Err(problem), 1) => repair_message(user, problem),
            _ => user.to_string(),
        };
        let timeout = limits.member_timeout.min(clock.remaining());
        let max_bytes = limits.max_answer_bytes;
        let sent = call::converse(
            judge_model,
            SYSTEM,
            &conversation,
            &message,
            Some(schema.clone()),
            timeout,
            max_bytes,
            Listener::None,
        )
        .await;
        match sent {
            Ok(c) => {
                latency += c.latency;
                truncated |= c.truncated;
                *usage.get_or_insert_default() += c.usage;
                usage_estimated |= c.usage_estimated;
                outcome = parse(&c.text, &labels).map(|v| Verdict {
                    exchange: Some(Exchange { user: message, reply: c.text, cached: shared }),
                    ..v
                });
                failure = None;
            }
            Err(f) => {
                // A call that fails is reported as what it is (a timeout is not a parse error).
                latency += f.latency;
                outcome = Err(f.error.clone());
                failure = Some(f);
                break;
            }
        }
        if outcome.is_ok() {
            break;
        }
    }
    let report = CallReport {
        model: judge_model.model.clone(),
        route: judge_model.route.clone(),
        ok: outcome.is_ok(),
        error: outcome.as_ref().err().cloned(),
        error_kind: failure.map(|f| f.kind),
        latency_ms: ms(latency),
        usage,
        usage_estimated,
        cost_usd: usage.zip(judge_model.price).map(|(u, p)| p.cost(u)),
        truncated,
        params: judge_model.reported_params(),
    };
    (outcome, report)
}
