//! What a run tells its caller as it happens: the stages, the events of each, and the
//! `Observer` that hears them (the terminal's progress line, the hook's progress file).
//!
//! Knows nothing about how the events are shown or stored.

/// A stage of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Panel,
    Judge,
    Synth,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Panel => "panel",
            Stage::Judge => "judge",
            Stage::Synth => "synth",
        }
    }
}

/// What happens during a run, as it happens.
#[derive(Debug, Clone, PartialEq)]
pub enum RunEvent<'a> {
    StageStarted {
        stage: Stage,
        models: usize,
    },
    MemberDone {
        index: usize,
        model: &'a str,
        ok: bool,
        latency_ms: u64,
        error: Option<&'a str>,
        /// Not failed: cut by the grace period (`--grace`) while still answering, and not
        /// waited for; `error` says so.
        cut: bool,
    },
    StageSkipped {
        stage: Stage,
        reason: &'a str,
    },
    StageDone {
        stage: Stage,
        ok: bool,
        elapsed_ms: u64,
    },
    /// More of the final answer (synth, or the member of a single-mode run).
    AnswerDelta(&'a str),
    /// The final answer's stream restarted after a retry: what came before is void.
    AnswerRestart,
}

pub trait Observer: Sync {
    fn on(&self, event: RunEvent<'_>);
}

/// A call's stream listener that passes the final answer on to `observer`: each delta,
/// and `None` as a restart.
pub(super) fn answer_stream(observer: &dyn Observer) -> impl Fn(Option<&str>) + Sync + '_ {
    move |delta| match delta {
        Some(d) => observer.on(RunEvent::AnswerDelta(d)),
        None => observer.on(RunEvent::AnswerRestart),
    }
}
