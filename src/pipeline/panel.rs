//! The panel stage: every member asked at once under a semaphore (`concurrency`), each
//! within its own timeout and what is left of the budget; results keep panel order, and
//! a failure is a value, never an early return.
//!
//! Knows nothing about wire formats, nor what the judge and synth do with the answers.

use futures::future::join_all;
use tokio::sync::Semaphore;

use super::budget::Clock;
use super::call::{self, CallFailure, Completion, Listener};
use super::observer::{Observer, RunEvent, Stage, answer_stream};
use super::{RunMode, RunPlan, ms};

/// The instruction every panel member gets.
pub(super) const MEMBER_SYSTEM: &str =
    "Answer the user's question as well as you can: correct first, then complete and clear.";

/// The panel's outcome: one result per member, in panel order.
pub(super) struct Panel {
    pub results: Vec<Result<Completion, CallFailure>>,
    pub elapsed_ms: u64,
}

/// Asks every member; in single mode the one answer streams to the observer.
pub(super) async fn run(plan: &RunPlan, clock: &Clock, observer: &dyn Observer) -> Panel {
    observer.on(RunEvent::StageStarted { stage: Stage::Panel, models: plan.panel.len() });
    let semaphore = Semaphore::new(plan.limits.concurrency.max(1));
    let stream = answer_stream(observer);
    let single = plan.mode == RunMode::Single;
    let max_bytes = plan.limits.max_answer_bytes;
    let question = plan.question();
    let results = join_all(plan.panel.iter().enumerate().map(|(index, member)| {
        let semaphore = &semaphore;
        let stream = &stream;
        let prompt = question.as_ref();
        async move {
            let _permit = semaphore.acquire().await.ok();
            let timeout = plan.limits.member_timeout.min(clock.remaining());
            let listener = if single { Listener::Stream(stream) } else { Listener::None };
            let result = call::call(member, MEMBER_SYSTEM, prompt, None, timeout, max_bytes, listener).await;
            let (ok, latency, error) = match &result {
                Ok(c) => (true, c.latency, None),
                Err(f) => (false, f.latency, Some(f.error.as_str())),
            };
            observer.on(RunEvent::MemberDone { index, model: &member.model, ok, latency_ms: ms(latency), error });
            result
        }
    }))
    .await;
    let elapsed_ms = ms(clock.elapsed());
    let answered = results.iter().filter(|r| r.is_ok()).count();
    observer.on(RunEvent::StageDone { stage: Stage::Panel, ok: answered > 0, elapsed_ms });
    Panel { results, elapsed_ms }
}
