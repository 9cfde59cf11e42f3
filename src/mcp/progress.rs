//! The `Observer` an MCP call hands the pipeline: it turns the run's events into the
//! steps of an MCP progress notification (the panel answered k of n, the judge, the
//! synth) and queues them for the server to send.
//!
//! Knows nothing about the protocol: the server sends what it queues, in order.

use std::sync::Mutex;

use tokio::sync::mpsc::UnboundedSender;

use crate::pipeline::{Observer, RunEvent, Stage};

/// One progress notification: `progress` out of `total`, and what happened.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub progress: u32,
    pub total: u32,
    pub message: String,
}

/// Counts the panel's answers and queues a step for each stage.
pub struct Progress {
    queue: Option<UnboundedSender<Step>>,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    stage: Option<Stage>,
    members: u32,
    answered: u32,
}

impl Progress {
    /// Queues on `queue`; `None` when the client asked for no progress.
    pub fn new(queue: Option<UnboundedSender<Step>>) -> Self {
        Progress { queue, state: Mutex::new(State::default()) }
    }

    fn send(&self, state: &State, progress: u32, message: String) {
        if let Some(queue) = &self.queue {
            // A gone receiver means the call is over: nobody is left to tell.
            let _ = queue.send(Step { progress, total: state.members + 2, message });
        }
    }
}

impl Observer for Progress {
    fn on(&self, event: RunEvent<'_>) {
        let Ok(mut state) = self.state.lock() else { return };
        match event {
            RunEvent::StageStarted { stage: Stage::Panel, models } => {
                state.stage = Some(Stage::Panel);
                state.members = u32::try_from(models).unwrap_or(u32::MAX - 2);
                let message = format!("panel: 0 of {} answered", state.members);
                self.send(&state, 0, message);
            }
            RunEvent::MemberDone { model, ok, .. } if state.stage == Some(Stage::Panel) => {
                state.answered += 1;
                let how = if ok { "answered" } else { "failed" };
                let message = format!("panel: {} of {} done ({model} {how})", state.answered, state.members);
                self.send(&state, state.answered, message);
            }
            RunEvent::StageStarted { stage, .. } => {
                state.stage = Some(stage);
                let at = at(&state, stage);
                self.send(&state, at, format!("{}: started", stage.as_str()));
            }
            RunEvent::StageSkipped { stage, reason } => {
                let at = at(&state, stage);
                self.send(&state, at, format!("{}: skipped ({reason})", stage.as_str()));
            }
            _ => {}
        }
    }
}

/// Where `stage` stands among the steps: after the panel's answers, the judge, then the
/// synth.
fn at(state: &State, stage: Stage) -> u32 {
    match stage {
        Stage::Panel => 0,
        Stage::Judge => state.members + 1,
        Stage::Synth => state.members + 2,
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn a_fusion_is_told_as_the_panel_answering_then_the_judge_then_the_synth() {
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let progress = Progress::new(Some(tx));
        progress.on(RunEvent::StageStarted { stage: Stage::Panel, models: 2 });
        let done = |model, ok| RunEvent::MemberDone { index: 0, model, ok, latency_ms: 5, error: None, cut: false };
        progress.on(done("mock:one", true));
        progress.on(done("mock:two", false));
        progress.on(RunEvent::StageDone { stage: Stage::Panel, ok: true, elapsed_ms: 9 });
        progress.on(RunEvent::StageStarted { stage: Stage::Judge, models: 1 });
        progress.on(RunEvent::StageSkipped { stage: Stage::Synth, reason: "one survivor" });
        progress.on(RunEvent::AnswerDelta("text"));
        drop(progress);
        let mut steps = Vec::new();
        while let Ok(step) = rx.try_recv() {
            steps.push((step.progress, step.total, step.message));
        }
        let expected = [
            (0, 4, "panel: 0 of 2 answered"),
            (1, 4, "panel: 1 of 2 done (mock:one answered)"),
            (2, 4, "panel: 2 of 2 done (mock:two failed)"),
            (3, 4, "judge: started"),
            (4, 4, "synth: skipped (one survivor)"),
        ];
        assert_eq!(steps, expected.map(|(p, t, m)| (p, t, m.to_string())));
    }
}
