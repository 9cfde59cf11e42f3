//! What each of the pipeline's events does to progress and to stdout: stages starting
//! and ending, members answering or failing (a failure's error cut to one line), skipped
//! stages, and the answer streamed through the stateful sanitiser and word wrapper,
//! under its heading (a retried attempt starts both afresh, below a line that says so).
//!
//! Knows nothing about how a line is drawn (`line`).

use super::RunObserver;
use crate::pipeline::{Observer, RunEvent, Stage};
use crate::render::sanitize::{self, Sanitizer};
use crate::render::scores::format_ms;
use crate::render::wrap;

/// The most of a failed member's error a progress line shows (`frontier show` has all).
const ERROR_LINE_CHARS: usize = 120;

/// A member that did not answer: `failed after …: why`, or for one the grace period
/// cut, `cut after …: still answering …` (a cut is not a failure; its error begins with
/// the word, said once).
fn not_answered(model: &str, latency_ms: u64, error: Option<&str>, cut: bool) -> String {
    let verb = if cut { "cut" } else { "failed" };
    match error {
        Some(e) => {
            let e = if cut { e.strip_prefix("cut: ").unwrap_or(e) } else { e };
            format!("{model} {verb} after {}: {}", format_ms(latency_ms), wrap::one_line(e, ERROR_LINE_CHARS))
        }
        None => format!("{model} {verb}"),
    }
}

impl Observer for RunObserver {
    fn on(&self, event: RunEvent<'_>) {
        let shared = &*self.shared;
        let mut state = shared.lock();
        match event {
            RunEvent::StageStarted { stage: Stage::Panel, models } => {
                state.stage = Some(Stage::Panel);
                // A later round (`--rounds`) counts its answers afresh.
                state.panel_done = 0;
                state.round += 1;
                state.pending = vec![true; shared.members.len()];
                let text = match shared.status(&state) {
                    Some((status, _)) if shared.live => status,
                    _ => format!(
                        "{}: asking {models} model{}…",
                        shared.stage_name(&state, Stage::Panel),
                        if models == 1 { "" } else { "s" }
                    ),
                };
                shared.say(&mut state, &text, false);
            }
            RunEvent::StageStarted { stage, .. } => {
                state.stage = Some(stage);
                let text = match shared.status(&state) {
                    Some((status, _)) if shared.live => status,
                    _ => format!("{}…", shared.stage_name(&state, stage)),
                };
                shared.say(&mut state, &text, false);
            }
            RunEvent::MemberDone { index, model, ok, latency_ms, error, cut } => {
                let model = sanitize::name(model);
                state.panel_done += 1;
                if let Some(pending) = state.pending.get_mut(index) {
                    *pending = false;
                }
                if shared.live {
                    // The live line shows what is left; a failure gets a line of its own.
                    if !ok {
                        let line = not_answered(&model, latency_ms, error, cut);
                        shared.say(&mut state, &line, true);
                    }
                    if let Some((status, _)) = shared.status(&state) {
                        shared.say(&mut state, &status, false);
                    }
                } else {
                    let outcome = if ok {
                        format!("{model} answered in {}", format_ms(latency_ms))
                    } else {
                        not_answered(&model, latency_ms, error, cut)
                    };
                    let name = shared.stage_name(&state, Stage::Panel);
                    let text = format!("{name} {}/{}: {outcome}", state.panel_done, shared.members.len());
                    shared.say(&mut state, &text, true);
                }
            }
            RunEvent::StageSkipped { reason, .. } => shared.say(&mut state, reason, true),
            RunEvent::StageDone { stage, ok, elapsed_ms } => {
                state.stage = None;
                let name = shared.stage_name(&state, stage);
                let held = state.answer_wrap.finish();
                if !held.is_empty() {
                    crate::render::write_raw(&held);
                    state.streamed_newline = false;
                }
                if state.streamed > 0 && !state.streamed_newline {
                    // End the streamed answer's last line before stderr writes below it.
                    crate::render::write_raw("\n");
                    state.streamed_newline = true;
                }
                let outcome = if ok { "done" } else { "failed" };
                shared.say(&mut state, &format!("{name} {outcome} in {}", format_ms(elapsed_ms)), true);
            }
            RunEvent::AnswerDelta(text) if shared.stream => {
                let text = state.answer_filter.push(text);
                let text = state.answer_wrap.push(&text);
                if text.is_empty() {
                    return;
                }
                shared.clear_line(&mut state);
                if let Some(heading) = shared.answer.heading.as_ref().filter(|_| !state.headed) {
                    state.headed = true;
                    crate::render::write_stderr(&format!("{heading}\n"));
                }
                state.streamed += text.len();
                state.streamed_newline = text.ends_with('\n');
                crate::render::write_raw(&text);
            }
            RunEvent::AnswerRestart if shared.stream => {
                // The retried attempt starts from scratch, outside any sequence.
                state.answer_filter = Sanitizer::default();
                state.answer_wrap = wrap::Streamed::new(shared.answer.width);
                if state.streamed > 0 {
                    state.streamed = 0;
                    crate::render::write_raw("\n");
                    shared.say(
                        &mut state,
                        "the answer's stream broke and is being retried; it starts again below",
                        true,
                    );
                }
            }
            RunEvent::AnswerDelta(_) | RunEvent::AnswerRestart => {}
        }
    }
}
