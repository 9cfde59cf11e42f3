//! Running the synth stage: skipped when the budget's floor or the cost cap forbids it,
//! else one streamed call whose text is the final answer. When it fails or is skipped,
//! the final answer falls back to the judge's top-ranked answer, else the longest one,
//! and the report says which and why. After a usable verdict the synth's request
//! continues the judge's conversation (same system text, same user message, the verdict
//! as the assistant's turn, then the synth's instruction), so that a provider's prompt
//! cache serves the part the judge already sent; without one it stands alone.
//!
//! Knows nothing about wire formats, nor how the verdict came about.

use tokio::time::Instant;

use super::prompt::{Assessment, SYSTEM, continuation, user_message};
use crate::frame::Nonce;
use crate::pipeline::budget::{Clock, skipped_for_cost, skipped_for_time};
use crate::pipeline::call::{self, Listener};
use crate::pipeline::cost::{self, ASSUMED_ANSWER_TOKENS, estimate_tokens};
use crate::pipeline::judge::{self, Labelled};
use crate::provider::{Conversation, Role, Turn};

/// The synth's request: its system text, the conversation it continues, its last message.
#[derive(Debug, Clone, PartialEq)]
pub(in crate::pipeline) struct Request {
    pub system: &'static str,
    pub conversation: Conversation,
    pub user: String,
}

impl Request {
    /// After a verdict from a call, the judge's conversation continued; else the
    /// standalone request with the question, the candidates and what the judge said.
    pub fn new(plan: &RunPlan, labelled: &[Labelled<'_>], assessment: Assessment<'_>) -> Request {
        let exchange = match assessment {
            Assessment::Judge(v) => v.exchange.as_ref(),
            Assessment::Council(_) | Assessment::None => None,
        };
        match exchange {
            Some(exchange) => Request {
                system: judge::SYSTEM,
                conversation: Conversation {
                    prior: vec![
                        Turn { role: Role::User, text: exchange.user.clone() },
                        Turn { role: Role::Assistant, text: exchange.reply.clone() },
                    ],
                    // The same mark as the judge's request, so the read finds its entry.
                    cache_through: exchange.cached.then_some(0),
                },
                user: continuation(plan.answer_chars),
            },
            None => Request {
                system: SYSTEM,
                conversation: Conversation::default(),
                user: user_message(&plan.question(), labelled, assessment, plan.answer_chars, &Nonce::random()),
            },
        }
    }

    /// Tokens of everything sent, as estimated before the call (a cache hit is not assumed).
    fn estimated_tokens(&self) -> u64 {
        let prior: u64 = self.conversation.prior.iter().map(|t| estimate_tokens(&t.text)).sum();
        estimate_tokens(self.system) + prior + estimate_tokens(&self.user)
    }
}
use crate::pipeline::observer::{Observer, RunEvent, Stage, answer_stream};
use crate::pipeline::report::{FinalSource, RunReport, build};
use crate::pipeline::{RunPlan, ms};

/// The synth stage of a fusion run: sets the report's final answer and its source, from
/// the synth or from the fallback, with the synth's call report, notes and timing.
/// `answers` are (member index, content) of the members that answered.
pub(in crate::pipeline) async fn stage(
    plan: &RunPlan,
    labelled: &[Labelled<'_>],
    assessment: Assessment<'_>,
    answers: &[(usize, &str)],
    clock: &Clock,
    observer: &dyn Observer,
    report: &mut RunReport,
) {
    let request = Request::new(plan, labelled, assessment);
    let estimate =
        cost::estimate(plan.synth.as_ref().and_then(|s| s.price), request.estimated_tokens(), ASSUMED_ANSWER_TOKENS);
    let max_bytes = plan.limits.max_answer_bytes;
    let result = match &plan.synth {
        Some(synth_model)
            if !skipped_for_time(Stage::Synth, "synth", clock.remaining(), plan.limits, observer, report)
                && !skipped_for_cost(Stage::Synth, "synth", estimate, plan.limits, observer, report) =>
        {
            let start = Instant::now();
            observer.on(RunEvent::StageStarted { stage: Stage::Synth, models: 1 });
            let timeout = plan.limits.member_timeout.min(clock.remaining());
            let stream = answer_stream(observer);
            // No schema: the judge's structured-output settings are not the synth's.
            let listener = Listener::Stream(&stream);
            let Request { system, conversation, user } = &request;
            let result =
                call::converse(synth_model, system, conversation, user, None, timeout, max_bytes, listener).await;
            report.timings.synth_ms = Some(ms(start.elapsed()));
            observer.on(RunEvent::StageDone {
                stage: Stage::Synth,
                ok: result.is_ok(),
                elapsed_ms: ms(start.elapsed()),
            });
            report.synth = Some(build::call_report(synth_model, &result));
            if result.as_ref().is_ok_and(|c| c.truncated) {
                report.notes.push(build::truncation_note(&synth_model.model, max_bytes));
            }
            Some(result)
        }
        _ => None,
    };
    match result {
        Some(Ok(completion)) => {
            report.final_answer = Some(completion.text);
            report.final_source = Some(FinalSource::Synth);
        }
        other => {
            let (text, source, what) = fallback(assessment, labelled, answers);
            report.notes.push(match other {
                Some(Err(failure)) => format!("synth failed ({}); {what}", failure.error),
                _ => what.to_string(),
            });
            report.final_answer = Some(text.to_string());
            report.final_source = Some(source);
        }
    }
}

/// The answer to give when the synth can't: the judge's top pick, else the longest.
fn fallback<'a>(
    assessment: Assessment<'_>,
    labelled: &[Labelled<'a>],
    answers: &[(usize, &'a str)],
) -> (&'a str, FinalSource, &'static str) {
    let (top, source, what) = match assessment {
        Assessment::Judge(v) => {
            (v.ranking.first(), FinalSource::JudgeTop, "the final answer is the judge's top-ranked answer")
        }
        Assessment::Council(c) => (
            c.tallies.first().map(|t| &t.label),
            FinalSource::CouncilTop,
            "the final answer is the council's top-ranked answer",
        ),
        Assessment::None => (None, FinalSource::Longest, ""),
    };
    match top.and_then(|label| labelled.iter().find(|l| &l.label == label)) {
        Some(l) => (l.content, source, what),
        None => {
            let longest = answers.iter().map(|a| a.1).max_by_key(|t| t.len()).unwrap_or_default();
            (longest, FinalSource::Longest, "the final answer is the longest answer")
        }
    }
}
