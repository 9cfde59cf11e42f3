//! The panel stage: every member asked at once under a semaphore (`concurrency`), each
//! within its own timeout and what is left of the budget; results keep panel order, and
//! a failure is a value, never an early return. With a grace period (`--grace`), once
//! the quorum (`--quorum`, else all members but one) has answered, the rest get at most
//! that long: a member still answering then is cut, its request dropped (which closes
//! its connection or ends its agent CLI), and it is reported as cut, not failed. What
//! had arrived of its answer is kept with it (`Partial`), as a member stopped by its own
//! timeout keeps its part: for the reader and the token count, never for the judge.
//!
//! Knows nothing about wire formats, nor what the judge and synth do with the answers.

use std::sync::Mutex;
use std::time::Duration;

use futures::StreamExt as _;
use futures::stream::FuturesUnordered;
use tokio::sync::Semaphore;
use tokio::time::Instant;

use super::budget::Clock;
use super::call::{self, CallFailure, Completion, Listener, Partial, ms};
use super::observer::{Observer, RunEvent, Stage, answer_stream};
use super::plan::RunPlan;
use super::report::RunMode;
use super::session;
use crate::provider::ErrorKind;

/// The instruction every panel member gets.
pub(super) const MEMBER_SYSTEM: &str =
    "Answer the user's question as well as you can: correct first, then complete and clear.";

/// The panel's outcome: one result per member, in panel order.
pub(super) struct Panel {
    pub results: Vec<Result<Completion, CallFailure>>,
    pub elapsed_ms: u64,
}

impl Panel {
    /// (member index, answer) of the members that answered, in panel order.
    pub fn answers(&self) -> Vec<(usize, &str)> {
        self.results.iter().enumerate().filter_map(|(i, r)| r.as_ref().ok().map(|c| (i, c.text.as_str()))).collect()
    }
}

/// How many answers start the grace period of a panel of `size`: `quorum` (at most the
/// panel), else all members but one (and at least one).
pub(super) fn quorum(size: usize, quorum: Option<usize>) -> usize {
    quorum.unwrap_or(size.saturating_sub(1)).clamp(1, size.max(1))
}

/// Asks every member the question; in single mode the one answer streams to the observer.
pub(super) async fn run(plan: &RunPlan, clock: &Clock, observer: &dyn Observer) -> Panel {
    let question = plan.question();
    let prompts: Vec<Option<&str>> = plan.panel.iter().map(|_| Some(question.as_ref())).collect();
    let panel = ask(plan, &prompts, clock, observer).await;
    let results = panel.results.into_iter().map(|r| r.unwrap_or_else(|| Err(not_asked()))).collect();
    Panel { results, elapsed_ms: panel.elapsed_ms }
}

/// A round's outcome: one result per member, `None` for a member not asked.
pub(super) struct Asked {
    pub results: Vec<Option<Result<Completion, CallFailure>>>,
    /// Since the run started, when the round ended.
    pub elapsed_ms: u64,
}

/// Asks each member its prompt (`None`: not asked this round) under the semaphore, with
/// the grace period counted among the members asked.
pub(super) async fn ask(plan: &RunPlan, prompts: &[Option<&str>], clock: &Clock, observer: &dyn Observer) -> Asked {
    let asked = prompts.iter().flatten().count();
    observer.on(RunEvent::StageStarted { stage: Stage::Panel, models: asked });
    let semaphore = Semaphore::new(plan.limits.concurrency.max(1));
    let stream = answer_stream(observer);
    let single = plan.mode == RunMode::Single;
    let max_bytes = plan.limits.max_answer_bytes;
    let started = Instant::now();
    // What each member has streamed so far, outside its call: a call cut by the grace
    // period is dropped with everything it held.
    let heard: Vec<Mutex<String>> = plan.panel.iter().map(|_| Mutex::default()).collect();
    let mut pending: FuturesUnordered<_> = plan
        .panel
        .iter()
        .zip(prompts)
        .enumerate()
        .filter_map(|(index, (member, prompt))| Some((index, member, (*prompt)?)))
        .map(|(index, member, prompt)| {
            let semaphore = &semaphore;
            let stream = &stream;
            let heard = &heard[index];
            async move {
                let _permit = semaphore.acquire().await.ok();
                let timeout = plan.limits.member_timeout.min(clock.remaining());
                let listen = |delta: Option<&str>| {
                    if let Ok(mut heard) = heard.lock() {
                        match delta {
                            Some(d) => heard.push_str(d),
                            None => heard.clear(),
                        }
                    }
                    if single {
                        stream(delta);
                    }
                };
                let listener = Listener::Stream(&listen);
                let laid = session::lay_out(plan, &member.model, prompt, 0);
                let conversation = &laid.conversation;
                let result =
                    call::converse(member, MEMBER_SYSTEM, conversation, &laid.user, None, timeout, max_bytes, listener)
                        .await;
                let (ok, latency, error) = match &result {
                    Ok(c) => (true, c.latency, None),
                    Err(f) => (false, f.latency, Some(f.error.as_str())),
                };
                let model = &member.model;
                observer.on(RunEvent::MemberDone { index, model, ok, latency_ms: ms(latency), error, cut: false });
                (index, result)
            }
        })
        .collect();
    let mut results: Vec<Option<Result<Completion, CallFailure>>> = plan.panel.iter().map(|_| None).collect();
    let quorum = quorum(asked, plan.limits.quorum);
    let mut answered = 0;
    let mut cut_at: Option<Instant> = None;
    loop {
        let next = match cut_at {
            None => pending.next().await,
            Some(at) => match tokio::time::timeout_at(at, pending.next()).await {
                Ok(next) => next,
                Err(_) => break,
            },
        };
        let Some((index, result)) = next else { break };
        if result.is_ok() {
            answered += 1;
            if let Some(grace) = plan.limits.grace.filter(|_| cut_at.is_none() && answered >= quorum) {
                cut_at = Some(Instant::now() + grace);
            }
        }
        results[index] = Some(result);
    }
    // Dropping the calls still running cancels their requests: an HTTP connection is
    // closed, an agent CLI's process group ended, before the judge is asked.
    drop(pending);
    let grace = plan.limits.grace.unwrap_or_default();
    let results: Vec<_> = results
        .into_iter()
        .zip(prompts)
        .enumerate()
        .map(|(index, (result, prompt))| {
            let prompt = (*prompt)?;
            Some(result.unwrap_or_else(|| {
                let text = heard[index].lock().map(|mut h| std::mem::take(&mut *h)).unwrap_or_default();
                let laid = session::lay_out(plan, &plan.panel[index].model, prompt, 0);
                let partial = Partial::of(text, MEMBER_SYSTEM, &laid.conversation, &laid.user);
                let cut = CallFailure { partial, ..cut(grace, quorum, started.elapsed()) };
                let member = &plan.panel[index];
                observer.on(RunEvent::MemberDone {
                    index,
                    model: &member.model,
                    ok: false,
                    latency_ms: ms(cut.latency),
                    error: Some(&cut.error),
                    cut: true,
                });
                Err(cut)
            }))
        })
        .collect();
    let elapsed_ms = ms(clock.elapsed());
    let answered = results.iter().flatten().filter(|r| r.is_ok()).count();
    observer.on(RunEvent::StageDone { stage: Stage::Panel, ok: answered > 0, elapsed_ms });
    Asked { results, elapsed_ms }
}

/// Never reached: the first round asks every member.
fn not_asked() -> CallFailure {
    CallFailure {
        error: "not asked".into(),
        kind: ErrorKind::Request,
        latency: Duration::ZERO,
        cut: false,
        partial: None,
    }
}

/// The outcome of a member cut `grace` after a quorum of `quorum` had answered,
/// `elapsed` into the panel.
fn cut(grace: Duration, quorum: usize, elapsed: Duration) -> CallFailure {
    let others = if quorum == 1 { "1 member".to_string() } else { format!("{quorum} members") };
    CallFailure {
        error: format!("cut: still answering {}s after {others} had answered (--grace)", grace.as_secs_f64()),
        // Never shown: a cut member's report carries no error kind, and a run with a cut
        // member has answers, so no failure reason is drawn from it.
        kind: ErrorKind::Timeout,
        latency: elapsed,
        cut: true,
        partial: None,
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;
    use crate::pipeline::testing::{self, Heard, mock};

    #[test]
    fn the_quorum_is_all_but_one_by_default_and_never_past_the_panel() {
        assert_eq!(
            [(3, None), (2, None), (1, None), (3, Some(1)), (3, Some(5)), (0, None)].map(|(n, q)| quorum(n, q)),
            [2, 1, 1, 1, 3, 1]
        );
    }

    #[tokio::test]
    async fn a_failing_member_is_a_value_and_the_results_keep_panel_order() {
        let plan = testing::plan(vec![mock("a", "delay_ms=40"), mock("b", "fail=500"), mock("c", "")]);
        let heard = Heard::default();
        let panel = run(&plan, &Clock::start(plan.limits.budget), &heard).await;
        let outcome: Vec<Result<bool, (String, ErrorKind, bool)>> = panel
            .results
            .iter()
            .map(|r| r.as_ref().map(|c| c.text.starts_with("a on") || c.text.starts_with("c on")))
            .map(|r| r.map_err(|f| (f.error.clone(), f.kind, f.cut)))
            .collect();
        assert_eq!(outcome, [Ok(true), Err(("HTTP 500: mock failure".into(), ErrorKind::Server, false)), Ok(true)]);
        assert_eq!(panel.answers().iter().map(|(i, _)| *i).collect::<Vec<_>>(), [0, 2]);
        let events = heard.events();
        assert_eq!(
            (events.first(), events.last()),
            (Some(&"panel started (3)".into()), Some(&"panel done (ok)".into()))
        );
        assert_eq!(events[3], "member 0 a: ok", "the slow member is heard last: {events:?}");
    }

    #[tokio::test]
    async fn after_the_grace_period_a_straggler_is_cut_not_failed() {
        let mut plan = testing::plan(vec![mock("a", ""), mock("b", ""), mock("slow", "delay_ms=30000")]);
        plan.limits.grace = Some(Duration::from_millis(20));
        let panel = run(&plan, &Clock::start(plan.limits.budget), &Heard::default()).await;
        let cut = panel.results[2].as_ref().err().map(|f| (f.error.as_str(), f.cut));
        assert_eq!(cut, Some(("cut: still answering 0.02s after 2 members had answered (--grace)", true)));
        assert_eq!(panel.answers().len(), 2);
    }

    #[test]
    fn a_cut_says_after_how_long_and_how_many_answers() {
        let cut = cut(Duration::from_millis(500), 2, Duration::from_millis(812));
        assert_eq!(
            (cut.error.as_str(), cut.latency, cut.cut),
            ("cut: still answering 0.5s after 2 members had answered (--grace)", Duration::from_millis(812), true)
        );
    }
}
