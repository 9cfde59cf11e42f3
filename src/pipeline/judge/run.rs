//! Running the judge stage: skipped when the budget's floor or the cost cap forbids it,
//! else one call for a verdict and, when the reply is unusable, one re-ask that says
//! what was wrong. A judge that fails leaves the synth to work from the raw answers.
//! The stage returns what it did (`Judged`); the report is assembled from it.
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
use super::verdict::{Exchange, Verdict, VerdictError, parse};
use crate::frame::Nonce;
use crate::pipeline::budget::{Clock, Subject, guard};
use crate::pipeline::call::{self, CallFailure, Listener, Participant, ms};
use crate::pipeline::cost::{self, ASSUMED_VERDICT_TOKENS, estimate_tokens};
use crate::pipeline::observer::{Observer, RunEvent, Stage};
use crate::pipeline::plan::RunPlan;
use crate::pipeline::report::{CallReport, truncation_note};
use crate::provider::{Conversation, JsonSchema, Usage};

/// What the judge stage did.
#[derive(Debug, Clone, Default, PartialEq)]
pub(in crate::pipeline) struct Judged {
    /// The judge's call (its re-ask counted in), when it was asked.
    pub call: Option<CallReport>,
    /// The verdict, when the judge gave a usable one.
    pub verdict: Option<Verdict>,
    /// Why it was skipped, or what went wrong, in the order it happened.
    pub notes: Vec<String>,
    /// How long the stage took, when the judge was asked.
    pub elapsed_ms: Option<u64>,
}

/// Why the judge gave no usable verdict: its call failed (a timeout is not a parse
/// error), or its last reply was unusable.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
enum Unusable {
    /// The call's own error, as the call words it.
    #[error("{0}")]
    Call(String),
    #[error(transparent)]
    Verdict(#[from] VerdictError),
}

/// Whether the synth will continue the judge's conversation on the same model and route,
/// so that a provider's prompt cache can serve the synth the prefix the judge sent.
pub fn shares_prefix(plan: &RunPlan) -> bool {
    match (&plan.judge, &plan.synth) {
        (Some(judge), Some(synth)) => judge.model == synth.model && judge.route == synth.route,
        _ => false,
    }
}

/// The judge stage of a fusion run, after the run has `spent` USD: the verdict, when
/// there is a usable one, for the synth, with the call, notes and timing for the report.
pub(in crate::pipeline) async fn stage(
    plan: &RunPlan,
    labelled: &[Labelled<'_>],
    spent: f64,
    clock: &Clock,
    observer: &dyn Observer,
) -> Judged {
    let Some(judge_model) = plan.judge.as_ref() else { return Judged::default() };
    let user = user_message(&plan.question(), labelled, &Nonce::random());
    let estimate =
        cost::estimate(judge_model.price, estimate_tokens(SYSTEM) + estimate_tokens(&user), ASSUMED_VERDICT_TOKENS);
    if let Some(reason) = guard(Subject::Stage("judge"), clock.remaining(), spent, estimate, plan.limits) {
        observer.on(RunEvent::StageSkipped { stage: Stage::Judge, reason: &reason });
        return Judged { notes: vec![reason], ..Judged::default() };
    }
    let start = Instant::now();
    observer.on(RunEvent::StageStarted { stage: Stage::Judge, models: 1 });
    let (verdict, call) = ask(judge_model, &user, labelled, plan, clock).await;
    let mut notes = Vec::new();
    if call.truncated {
        notes.push(truncation_note(&judge_model.model, plan.limits.max_answer_bytes));
    }
    let elapsed_ms = Some(ms(start.elapsed()));
    observer.on(RunEvent::StageDone { stage: Stage::Judge, ok: verdict.is_ok(), elapsed_ms: ms(start.elapsed()) });
    let verdict = verdict
        .map_err(|problem| notes.push(format!("judge failed ({problem}); the synth worked from the raw answers")))
        .ok();
    Judged { call: Some(call), verdict, notes, elapsed_ms }
}

/// What the judge's calls added up to: one call, or the first and its re-ask.
#[derive(Default)]
struct Calls {
    usage: Option<Usage>,
    usage_estimated: bool,
    truncated: bool,
    latency: Duration,
    /// The failure of the last call, when it failed.
    failure: Option<CallFailure>,
}

/// Calls the judge, validates its verdict, and re-asks once when it is unusable (and
/// the floor of the budget is still left).
async fn ask(
    judge_model: &Participant,
    user: &str,
    labelled: &[Labelled<'_>],
    plan: &RunPlan,
    clock: &Clock,
) -> (Result<Verdict, Unusable>, CallReport) {
    let labels: Vec<&str> = labelled.iter().map(|l| l.label.as_str()).collect();
    let mut calls = Calls::default();
    let judge = Judge { model: judge_model, plan, clock, labels: &labels, schema: schema(&labels) };
    let outcome = match judge.attempt(user.to_string(), &mut calls).await {
        Err(Unusable::Verdict(problem)) if clock.remaining() >= plan.limits.stage_floor => {
            judge.attempt(repair_message(user, &problem.to_string()), &mut calls).await
        }
        first => first,
    };
    let report = CallReport {
        model: judge_model.model.clone(),
        route: judge_model.route.clone(),
        ok: outcome.is_ok(),
        error: outcome.as_ref().err().map(Unusable::to_string),
        error_kind: calls.failure.map(|f| f.kind),
        latency_ms: ms(calls.latency),
        usage: calls.usage,
        usage_estimated: calls.usage_estimated,
        cost_usd: calls.usage.zip(judge_model.price).map(|(u, p)| p.cost(u)),
        truncated: calls.truncated,
        params: judge_model.reported_params(),
    };
    (outcome, report)
}

/// One judge's request, but for its message.
struct Judge<'a> {
    model: &'a Participant,
    plan: &'a RunPlan,
    clock: &'a Clock,
    labels: &'a [&'a str],
    schema: JsonSchema,
}

impl Judge<'_> {
    /// Sends `message`, adds the call to `calls` and reads the reply as a verdict.
    async fn attempt(&self, message: String, calls: &mut Calls) -> Result<Verdict, Unusable> {
        let limits = self.plan.limits;
        let shared = shares_prefix(self.plan);
        // The judge's one message ends the prefix the synth's request repeats.
        let conversation = Conversation { prior: Vec::new(), cache_through: shared.then_some(0) };
        let timeout = limits.member_timeout.min(self.clock.remaining());
        let schema = Some(self.schema.clone());
        let sent = call::converse(
            self.model,
            SYSTEM,
            &conversation,
            &message,
            schema,
            timeout,
            limits.max_answer_bytes,
            Listener::None,
        )
        .await;
        match sent {
            Ok(c) => {
                calls.latency += c.latency;
                calls.truncated |= c.truncated;
                *calls.usage.get_or_insert_default() += c.usage;
                calls.usage_estimated |= c.usage_estimated;
                calls.failure = None;
                let verdict = parse(&c.text, self.labels)?;
                Ok(Verdict { exchange: Some(Exchange { user: message, reply: c.text, cached: shared }), ..verdict })
            }
            Err(f) => {
                // A call that fails is reported as what it is (a timeout is not a parse error).
                calls.latency += f.latency;
                let problem = Unusable::Call(f.error.clone());
                calls.failure = Some(f);
                Err(problem)
            }
        }
    }
}
