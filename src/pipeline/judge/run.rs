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
use super::prompt::{QUESTION_AT, SYSTEM, repair_message, schema, user_message};
use super::verdict::{Exchange, Verdict, VerdictError, parse};
use crate::pipeline::budget::{Clock, Subject, guard};
use crate::pipeline::call::{self, CallFailure, Listener, Participant, ms};
use crate::pipeline::cost::{self, ASSUMED_VERDICT_TOKENS, estimate_tokens};
use crate::pipeline::observer::{Observer, RunEvent, Stage};
use crate::pipeline::plan::RunPlan;
use crate::pipeline::report::{CallReport, token_cap_note, truncation_note};
use crate::pipeline::session;
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
    let user = user_message(&plan.question(), labelled, &plan.session.nonce);
    let input = estimate_tokens(SYSTEM) + session::thread_tokens(plan) + estimate_tokens(&user);
    let estimate = cost::estimate(judge_model.price, input, ASSUMED_VERDICT_TOKENS);
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
    if call.token_capped {
        notes.push(token_cap_note(&judge_model.model));
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
    token_capped: bool,
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
        token_capped: calls.token_capped,
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
        let laid = session::lay_out(self.plan, &self.model.model, &message, QUESTION_AT);
        // The judge's own message ends the prefix the synth's request repeats.
        let conversation =
            Conversation { cache_through: shared.then_some(laid.conversation.prior.len()), ..laid.conversation };
        let timeout = limits.member_timeout.min(self.clock.remaining());
        let schema = Some(self.schema.clone());
        let sent = call::converse(
            self.model,
            SYSTEM,
            &conversation,
            &laid.user,
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
                calls.token_capped |= c.token_capped;
                *calls.usage.get_or_insert_default() += c.usage;
                calls.usage_estimated |= c.usage_estimated;
                calls.failure = None;
                let verdict = parse(&c.text, self.labels)?;
                Ok(Verdict { exchange: Some(Exchange { conversation, user: laid.user, reply: c.text }), ..verdict })
            }
            Err(f) => {
                // A call that fails is reported as what it is (a timeout is not a parse error).
                calls.latency += f.latency;
                // What it generated before it stopped was billed.
                if let Some(part) = &f.partial {
                    *calls.usage.get_or_insert_default() += part.usage;
                    calls.usage_estimated = true;
                }
                let problem = Unusable::Call(f.error.clone());
                calls.failure = Some(f);
                Err(problem)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use pretty_assertions::assert_eq;

    use super::*;
    use crate::pipeline::testing::{Heard, call_report, mock, plan, reply, scripted, server_error};
    use crate::provider::{ErrorKind, Price};

    const VERDICT: &str = r#"{"scores":{"A":{"score":3,"reason":"wrong"},"B":{"score":9,"reason":"right"}},
        "ranking":["B","A"],"consensus":[],"contradictions":[],"partial_coverage":[],"unique_insights":[],"blind_spots":[]}"#;

    fn answers() -> Vec<Labelled<'static>> {
        vec![
            Labelled { label: "A".into(), member: 1, content: "Because the sea is blue." },
            Labelled { label: "B".into(), member: 0, content: "Rayleigh scattering." },
        ]
    }

    /// Runs the judge stage of a plan whose judge is `judge`, on a clock of a minute.
    async fn judged(judge: Participant) -> (Judged, Vec<String>) {
        let mut plan = plan(vec![mock("a", ""), mock("b", "")]);
        plan.judge = Some(judge);
        let heard = Heard::default();
        let judged = stage(&plan, &answers(), 0.0, &Clock::start(Duration::from_secs(60)), &heard).await;
        (judged, heard.events())
    }

    /// `judged` with the time its calls took blanked.
    fn timeless(mut judged: Judged) -> Judged {
        judged.call.iter_mut().for_each(|c| c.latency_ms = 0);
        judged.elapsed_ms = judged.elapsed_ms.map(|_| 0);
        judged
    }

    fn call(error: Option<&str>, usage: Option<Usage>) -> CallReport {
        call_report("judge", usage, error, None)
    }

    #[tokio::test]
    async fn an_unusable_verdict_is_re_asked_once_saying_why_and_a_usable_second_is_kept() {
        let (judge, script) = scripted("judge", vec![reply("The best answer is B."), reply(VERDICT)]);
        let (judged, events) = judged(judge).await;
        let requests = script.requests();
        let problem = parse("The best answer is B.", &["A", "B"]).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(problem.starts_with("the reply is not JSON ("), "{problem}");
        assert_eq!(requests.len(), 2);
        assert_eq!(requests[1].user, repair_message(&requests[0].user, &problem));
        let verdict = judged.verdict.clone().unwrap_or_else(|| panic!("no verdict: {judged:?}"));
        assert_eq!(verdict.ranking, ["B", "A"]);
        let exchange = Exchange {
            conversation: requests[1].conversation.clone(),
            user: requests[1].user.clone(),
            reply: VERDICT.into(),
        };
        assert_eq!(verdict.exchange, Some(exchange), "the synth continues the call that gave the verdict");
        assert_eq!(
            timeless(judged),
            Judged {
                call: Some(call(None, Some(Usage::new(200, 20)))),
                verdict: Some(verdict),
                notes: Vec::new(),
                elapsed_ms: Some(0),
            },
            "both calls' tokens are counted"
        );
        assert_eq!(events, ["judge started (1)", "judge done (ok)"]);
    }

    #[tokio::test]
    async fn two_unusable_verdicts_fail_the_judge_and_the_note_says_why() {
        let (judge, script) = scripted("judge", vec![reply("B."), reply(r#"{"ranking":["B"]}"#)]);
        let (judged, events) = judged(judge).await;
        assert_eq!(script.requests().len(), 2, "one re-ask, no more");
        let problem = parse(r#"{"ranking":["B"]}"#, &["A", "B"]).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(problem.starts_with("the reply's JSON does not match the schema ("), "{problem}");
        assert_eq!(
            timeless(judged),
            Judged {
                call: Some(call(Some(&problem), Some(Usage::new(200, 20)))),
                verdict: None,
                notes: vec![format!("judge failed ({problem}); the synth worked from the raw answers")],
                elapsed_ms: Some(0),
            }
        );
        assert_eq!(events, ["judge started (1)", "judge done (failed)"]);
    }

    #[tokio::test]
    async fn a_judge_call_that_fails_is_not_re_asked_and_keeps_its_cause() {
        let (judge, script) = scripted("judge", vec![server_error(), reply(VERDICT)]);
        let (judged, _) = judged(judge).await;
        assert_eq!(script.requests().len(), 1);
        let failed = call_report("judge", None, Some("HTTP 500: boom"), Some(ErrorKind::Server));
        assert_eq!(
            timeless(judged),
            Judged {
                call: Some(failed),
                verdict: None,
                notes: vec!["judge failed (HTTP 500: boom); the synth worked from the raw answers".into()],
                elapsed_ms: Some(0),
            }
        );
    }

    #[tokio::test]
    async fn the_judge_is_skipped_with_less_than_the_floor_left() {
        let (judge, script) = scripted("judge", vec![reply(VERDICT)]);
        let mut plan = plan(vec![mock("a", ""), mock("b", "")]);
        plan.judge = Some(judge);
        plan.limits.stage_floor = Duration::from_secs(1);
        let heard = Heard::default();
        let judged = stage(&plan, &answers(), 0.0, &Clock::start(Duration::ZERO), &heard).await;
        let note = "judge skipped: 0.0s left of the 60s budget, under the 1s floor";
        assert_eq!(judged, Judged { notes: vec![note.into()], ..Judged::default() });
        assert_eq!(heard.events(), [format!("judge skipped: {note}")]);
        assert!(script.requests().is_empty());
    }

    #[tokio::test]
    async fn the_judge_is_skipped_when_it_would_cross_the_cost_cap() {
        // Only output is priced: the verdict's 600 assumed tokens at $10 a million, $0.006.
        let (judge, script) = scripted("judge", vec![reply(VERDICT)]);
        let mut plan = plan(vec![mock("a", ""), mock("b", "")]);
        plan.judge = Some(Participant { price: Some(Price::new(0.0, 10.0)), ..judge });
        plan.limits.max_cost_usd = Some(0.5);
        let heard = Heard::default();
        let judged = stage(&plan, &answers(), 0.5, &Clock::start(Duration::from_secs(60)), &heard).await;
        let note = "judge skipped: it would bring the cost to about $0.506, over the $0.500 cap ($0.500 spent so far)";
        assert_eq!(judged, Judged { notes: vec![note.into()], ..Judged::default() });
        assert!(script.requests().is_empty());
        let judged = stage(&plan, &answers(), 0.49, &Clock::start(Duration::from_secs(60)), &heard).await;
        assert!(judged.verdict.is_some(), "under the cap it is asked: {judged:?}");
    }

    #[tokio::test]
    async fn without_a_judge_the_stage_does_nothing() {
        let plan = plan(vec![mock("a", ""), mock("b", "")]);
        let heard = Heard::default();
        let judged = stage(&plan, &answers(), 0.0, &Clock::start(Duration::from_secs(60)), &heard).await;
        assert_eq!((judged, heard.events()), (Judged::default(), Vec::new()));
    }
}
