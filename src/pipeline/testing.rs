//! The pipeline in-process, for its tests: participants over the offline mock provider
//! or over a script of replies, a plan around them with generous limits, and an
//! observer that keeps what it heard. Nothing here starts a process or opens a socket.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::call::{CallFailure, Completion, Participant};
use super::observer::{Observer, RunEvent};
use super::panel::Panel;
use super::plan::Session;
use super::plan::{Limits, RunPlan};
use super::report::{CallReport, RunMode, RunReport};
use crate::context::Context;
use crate::frame::Nonce;
use crate::provider::mock::{MockOptions, MockProvider};
use crate::provider::{
    ChatRequest, ErrorKind, EventStream, Params, Price, Provider, ProviderError, StreamEvent, Usage,
};

/// A `mock:NAME?QUERY` participant: the mock's deterministic answers, or what its
/// options (`reply=`, `fail=`, `delay_ms=`) ask for.
pub fn mock(name: &str, query: &str) -> Participant {
    let options = MockOptions::parse(query).unwrap_or_else(|e| panic!("mock options `{query}`: {e}"));
    Participant {
        model: name.to_string(),
        route: format!("mock:{name}"),
        provider: Ok(Arc::new(MockProvider::new(name, options))),
        price: None,
        params: Params::default(),
    }
}

/// What a scripted participant does when it is called.
#[derive(Debug, Clone)]
pub enum Step {
    /// Answers with this text, reporting `Usage::new(100, 10)`.
    Reply(String),
    /// Fails with this error.
    Fail(ProviderError),
}

/// The replies a scripted participant gives, one per call, and the requests it got.
#[derive(Default)]
pub struct Script {
    steps: Mutex<VecDeque<Step>>,
    requests: Mutex<Vec<ChatRequest>>,
}

impl Script {
    /// The requests it was sent, first first.
    pub fn requests(&self) -> Vec<ChatRequest> {
        self.requests.lock().unwrap().clone()
    }
}

struct Scripted(Arc<Script>);

impl Provider for Scripted {
    fn stream(&self, request: ChatRequest) -> EventStream {
        self.0.requests.lock().unwrap().push(request);
        let step = self.0.steps.lock().unwrap().pop_front();
        let events = match step {
            Some(Step::Reply(text)) => vec![
                Ok(StreamEvent::Delta(text)),
                Ok(StreamEvent::Done { usage: Some(Usage::new(100, 10)), stop_reason: None }),
            ],
            Some(Step::Fail(error)) => vec![Err(error)],
            None => vec![Err(ProviderError::Remote("the script ran out of replies".into()))],
        };
        Box::pin(futures::stream::iter(events))
    }
}

/// A participant that answers each call with the next of `steps`; the script keeps
/// every request it was sent.
pub fn scripted(name: &str, steps: Vec<Step>) -> (Participant, Arc<Script>) {
    let script = Arc::new(Script { steps: Mutex::new(steps.into()), requests: Mutex::default() });
    let participant = Participant {
        model: name.to_string(),
        route: format!("scripted:{name}"),
        provider: Ok(Arc::new(Scripted(script.clone()))),
        price: None,
        params: Params::default(),
    };
    (participant, script)
}

/// `participant` at $1 per million tokens in and out.
pub fn priced(participant: Participant) -> Participant {
    Participant { price: Some(Price::new(1.0, 1.0)), ..participant }
}

/// An answer of `text`, as a scripted step.
pub fn reply(text: impl Into<String>) -> Step {
    Step::Reply(text.into())
}

/// A server error, as a scripted step.
pub fn server_error() -> Step {
    Step::Fail(ProviderError::Http { status: 500, message: "boom".into(), retry_after: None })
}

/// Limits no test run comes near: a minute for everything, no floor, no cap.
pub fn limits() -> Limits {
    Limits {
        concurrency: 4,
        member_timeout: Duration::from_secs(60),
        budget: Duration::from_secs(60),
        stage_floor: Duration::ZERO,
        max_cost_usd: None,
        max_answer_bytes: 64 * 1024,
        grace: None,
        quorum: None,
    }
}

/// A fusion plan of `panel` with no judge, no synth, one round and seed 7; tests set
/// the rest.
pub fn plan(panel: Vec<Participant>) -> RunPlan {
    RunPlan {
        run_id: "run".into(),
        mode: RunMode::Fusion,
        preset: None,
        prompt: "Why is the sky blue?".into(),
        panel,
        judge: None,
        synth: None,
        limits: limits(),
        seed: 7,
        context: Context::default(),
        answer_chars: None,
        rounds: 1,
        council: false,
        session: Session { key: "run".into(), nonce: nonce() },
        thread: Vec::new(),
        link: None,
        scope: None,
        keeps_question: true,
    }
}

/// The nonce of every test plan's session.
pub fn nonce() -> Nonce {
    Nonce::from_bits(1, 2)
}

/// A member's answer, as a round holds it.
pub fn answered(text: &str) -> Result<Completion, CallFailure> {
    Ok(Completion {
        text: text.into(),
        usage: Usage::new(1, 1),
        usage_estimated: false,
        latency: Duration::ZERO,
        truncated: false,
        token_capped: false,
    })
}

/// A member's failure, as a round holds it.
pub fn failed(error: &str) -> Result<Completion, CallFailure> {
    Err(CallFailure {
        error: error.into(),
        kind: ErrorKind::Server,
        latency: Duration::ZERO,
        cut: false,
        partial: None,
    })
}

/// A finished round of these results.
pub fn round(results: Vec<Result<Completion, CallFailure>>) -> Panel {
    Panel { results, elapsed_ms: 0 }
}

/// An observer that keeps a line for each event it hears (deltas apart, as the text
/// they add up to).
#[derive(Default)]
pub struct Heard {
    events: Mutex<Vec<String>>,
    streamed: Mutex<String>,
}

impl Heard {
    pub fn events(&self) -> Vec<String> {
        self.events.lock().unwrap().clone()
    }

    pub fn streamed(&self) -> String {
        self.streamed.lock().unwrap().clone()
    }
}

impl Observer for Heard {
    fn on(&self, event: RunEvent<'_>) {
        let line = match event {
            RunEvent::StageStarted { stage, models } => format!("{} started ({models})", stage.as_str()),
            RunEvent::MemberDone { index, model, ok, error, .. } => {
                format!("member {index} {model}: {}", if ok { "ok".to_string() } else { error.unwrap_or("").into() })
            }
            RunEvent::StageSkipped { stage, reason } => format!("{} skipped: {reason}", stage.as_str()),
            RunEvent::StageDone { stage, ok, .. } => {
                format!("{} done ({})", stage.as_str(), if ok { "ok" } else { "failed" })
            }
            RunEvent::AnswerDelta(delta) => {
                self.streamed.lock().unwrap().push_str(delta);
                return;
            }
            RunEvent::AnswerRestart => {
                self.streamed.lock().unwrap().clear();
                return;
            }
        };
        self.events.lock().unwrap().push(line);
    }
}

/// `report` with what differs between two runs of the same plan blanked: times.
pub fn timeless(mut report: RunReport) -> RunReport {
    let blank = |call: &mut super::report::CallReport| call.latency_ms = 0;
    report.panel.iter_mut().for_each(|m| blank(&mut m.call));
    report.rounds.iter_mut().for_each(|r| {
        r.elapsed_ms = 0;
        r.members.iter_mut().for_each(|m| blank(&mut m.call));
    });
    report.judge.iter_mut().chain(report.synth.iter_mut()).for_each(blank);
    if let Some(council) = report.council.as_mut() {
        council.rankers.iter_mut().for_each(|r| blank(&mut r.call));
    }
    let timings = &mut report.timings;
    timings.panel_ms = 0;
    timings.judge_ms = timings.judge_ms.map(|_| 0);
    timings.synth_ms = timings.synth_ms.map(|_| 0);
    report.totals.wall_ms = 0;
    report
}

/// The report of a call to the scripted `model` that took no time: `error` when it
/// failed, of `kind` when the call itself failed (not its reply).
pub fn call_report(model: &str, usage: Option<Usage>, error: Option<&str>, kind: Option<ErrorKind>) -> CallReport {
    CallReport {
        model: model.into(),
        route: format!("scripted:{model}"),
        ok: error.is_none(),
        error: error.map(str::to_string),
        error_kind: kind,
        latency_ms: 0,
        usage,
        usage_estimated: false,
        cost_usd: None,
        truncated: false,
        token_capped: false,
        params: None,
    }
}
