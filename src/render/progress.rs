//! Progress on stderr while a run is in flight (one redrawn line on a terminal, plain
//! lines otherwise), and the final answer streamed to stdout as it arrives. Every piece
//! of outside text (model names, errors, the answer) is stripped of control sequences;
//! the answer through one stateful filter, as a sequence may be cut across two deltas.

use std::io::Write as _;
use std::sync::Mutex;

use super::sanitize::{self, Sanitizer};
use super::scores::format_ms;
use crate::pipeline::{Observer, RunEvent, Stage};

pub struct RunObserver {
    live: bool,
    quiet: bool,
    stream: bool,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    panel_total: usize,
    panel_done: usize,
    /// A live line is drawn and not yet ended.
    line_open: bool,
    /// Bytes of the answer already written to stdout.
    streamed: usize,
    /// The streamed answer so far ends with a newline.
    streamed_newline: bool,
    /// Strips control sequences from the streamed answer, across deltas.
    answer_filter: Sanitizer,
}

impl RunObserver {
    pub fn new(live: bool, quiet: bool, stream: bool) -> Self {
        RunObserver { live, quiet, stream, state: Mutex::new(State::default()) }
    }

    /// Ends the live line after Ctrl-C.
    pub fn interrupted(&self) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        self.say(&mut state, "interrupted; cancelled every request", true);
    }

    /// Shows `text`: redraws the live line (and ends it when `done`), or prints a line.
    fn say(&self, state: &mut State, text: &str, done: bool) {
        if self.quiet {
            return;
        }
        let text = sanitize::clean(text);
        // One write a line: stderr is unbuffered, and `write!` would make one per piece.
        let line = if self.live {
            state.line_open = !done;
            format!("\r\x1b[2K{text}{}", if done { "\n" } else { "" })
        } else {
            format!("frontier: {text}\n")
        };
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(line.as_bytes());
        let _ = err.flush();
    }

    fn clear_line(&self, state: &mut State) {
        if self.live && state.line_open && !self.quiet {
            let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
            state.line_open = false;
        }
    }
}

impl Observer for RunObserver {
    fn on(&self, event: RunEvent<'_>) {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        match event {
            RunEvent::StageStarted { stage: Stage::Panel, models } => {
                state.panel_total = models;
                let text = format!("panel: asking {models} model{}…", if models == 1 { "" } else { "s" });
                self.say(&mut state, &text, false);
            }
            RunEvent::StageStarted { stage, .. } => self.say(&mut state, &format!("{}…", stage.as_str()), false),
            RunEvent::MemberDone { model, ok, latency_ms, error, .. } => {
                state.panel_done += 1;
                let outcome = match (ok, error) {
                    (true, _) => format!("{model} answered in {}", format_ms(latency_ms)),
                    (false, Some(e)) => format!("{model} failed after {}: {e}", format_ms(latency_ms)),
                    (false, None) => format!("{model} failed"),
                };
                let text = format!("panel {}/{}: {outcome}", state.panel_done, state.panel_total);
                if self.live {
                    self.say(&mut state, &text, false);
                } else {
                    self.say(&mut state, &text, true);
                }
            }
            RunEvent::StageSkipped { reason, .. } => self.say(&mut state, reason, true),
            RunEvent::StageDone { stage, ok, elapsed_ms } => {
                if state.streamed > 0 && !state.streamed_newline {
                    // End the streamed answer's last line before stderr writes below it.
                    super::write_raw("\n");
                    state.streamed_newline = true;
                }
                let outcome = if ok { "done" } else { "failed" };
                self.say(&mut state, &format!("{} {outcome} in {}", stage.as_str(), format_ms(elapsed_ms)), true);
            }
            RunEvent::AnswerDelta(text) if self.stream => {
                let text = state.answer_filter.push(text);
                if text.is_empty() {
                    return;
                }
                self.clear_line(&mut state);
                state.streamed += text.len();
                state.streamed_newline = text.ends_with('\n');
                super::write_raw(&text);
            }
            RunEvent::AnswerRestart if self.stream => {
                // The retried attempt starts from scratch, outside any sequence.
                state.answer_filter = Sanitizer::default();
                if state.streamed > 0 {
                    state.streamed = 0;
                    super::write_raw("\n");
                    self.say(&mut state, "the answer's stream broke and is being retried; it starts again below", true);
                }
            }
            RunEvent::AnswerDelta(_) | RunEvent::AnswerRestart => {}
        }
    }
}
