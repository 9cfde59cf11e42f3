//! Progress on stderr while a run is in flight (one redrawn line on a terminal, plain
//! lines otherwise), and the final answer streamed to stdout as it arrives. Every piece
//! of outside text (model names, errors, the answer) is stripped of control sequences;
//! the answer through one stateful filter, as a sequence may be cut across two deltas.
//!
//! The pipeline only speaks when something happens, so the observer keeps its own clock:
//! a ticker thread redraws the live line once a second (elapsed seconds, the members
//! still pending), and on a plain stream says every few seconds what it is still waiting
//! for. The thread ends when the observer is dropped; it draws only while a stage is in
//! flight and the answer is not streaming, so it never writes into the answer or after
//! the run's last lines.

use std::io::Write as _;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::sanitize::{self, Sanitizer};
use super::scores::format_ms;
use super::wrap;
use crate::pipeline::{Observer, RunEvent, RunPlan, Stage};

/// How often the live line is redrawn while nothing happens.
const LIVE_TICK: Duration = Duration::from_secs(1);
/// The most of a failed member's error a progress line shows (`frontier show` has all).
const ERROR_LINE_CHARS: usize = 120;
/// How often a plain stream hears what the run is still waiting for.
const PLAIN_TICK: Duration = Duration::from_secs(5);

pub struct RunObserver {
    shared: Arc<Shared>,
    /// Dropping the sender stops the ticker; the handle joins it.
    ticker: Option<(mpsc::Sender<()>, JoinHandle<()>)>,
}

struct Shared {
    live: bool,
    quiet: bool,
    stream: bool,
    /// The terminal's width: the live line is cut to it, or redrawing would leave a
    /// wrapped remainder behind.
    width: Option<usize>,
    /// The panel's models, by index, and the judge's and synth's.
    members: Vec<String>,
    judge: Option<String>,
    synth: Option<String>,
    /// The panel ranks itself (`--judge council`): the judge stage is the council's.
    council: bool,
    started: Instant,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    panel_done: usize,
    /// The panel's round in flight (`--rounds`), from 1.
    round: u32,
    /// The panel members that have not answered or failed yet.
    pending: Vec<bool>,
    /// The stage in flight, if any.
    stage: Option<Stage>,
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
    /// The observer of `plan`'s run: `live` redraws one line (a terminal), `quiet` prints
    /// no progress, `stream` writes the answer to stdout as it arrives.
    pub fn new(plan: &RunPlan, live: bool, quiet: bool, stream: bool, width: Option<usize>) -> Self {
        let shared = Arc::new(Shared {
            live,
            quiet,
            stream,
            width,
            members: plan.panel.iter().map(|p| sanitize::name(&p.model)).collect(),
            judge: plan.judge.as_ref().map(|p| sanitize::name(&p.model)),
            council: plan.council,
            synth: plan.synth.as_ref().map(|p| sanitize::name(&p.model)),
            started: Instant::now(),
            state: Mutex::new(State::default()),
        });
        let ticker = (!quiet).then(|| {
            let (stop, ticks) = mpsc::channel::<()>();
            let period = if live { LIVE_TICK } else { PLAIN_TICK };
            let shared = Arc::clone(&shared);
            let handle = std::thread::spawn(move || {
                // Nothing is ever sent: the wait ends by its period, or when the sender goes.
                while let Err(RecvTimeoutError::Timeout) = ticks.recv_timeout(period) {
                    shared.tick();
                }
            });
            (stop, handle)
        });
        RunObserver { shared, ticker }
    }

    /// Ends the live line after Ctrl-C.
    pub fn interrupted(&self) {
        let mut state = self.shared.lock();
        state.stage = None;
        self.shared.say(&mut state, "interrupted; cancelled every request", true);
    }
}

impl Drop for RunObserver {
    fn drop(&mut self) {
        if let Some((stop, handle)) = self.ticker.take() {
            drop(stop);
            let _ = handle.join();
        }
    }
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// How a stage is named in progress lines: a later round of the panel is `round N`,
    /// the council's judging is `council`.
    fn stage_name(&self, state: &State, stage: Stage) -> String {
        match stage {
            Stage::Panel if state.round > 1 => format!("round {}", state.round),
            Stage::Judge if self.council => "council".to_string(),
            other => other.as_str().to_string(),
        }
    }

    /// What the run is doing now, with its elapsed seconds, as the live line shows it
    /// (`panel 1/3 · 4s · waiting for a, b`) and as a plain line says it (`still waiting
    /// for a, b (4s)`).
    fn status(&self, state: &State) -> Option<(String, String)> {
        let secs = self.started.elapsed().as_secs();
        let stage = state.stage?;
        let (live, waiting_for) = match stage {
            Stage::Panel => {
                let pending: Vec<&str> =
                    (self.members.iter().zip(&state.pending)).filter(|(_, p)| **p).map(|(m, _)| m.as_str()).collect();
                let pending = pending.join(", ");
                let head =
                    format!("{} {}/{} · {secs}s", self.stage_name(state, stage), state.panel_done, self.members.len());
                if pending.is_empty() {
                    (head, "the panel".to_string())
                } else {
                    (format!("{head} · waiting for {pending}"), pending)
                }
            }
            Stage::Judge if self.council => (format!("council · {secs}s"), "the council".to_string()),
            Stage::Judge | Stage::Synth => {
                let model = if stage == Stage::Judge { &self.judge } else { &self.synth };
                let model = model.as_deref().unwrap_or_default();
                (format!("{} {model} · {secs}s", stage.as_str()), format!("the {} {model}", stage.as_str()))
            }
        };
        Some((live, format!("still waiting for {waiting_for} ({secs}s)")))
    }

    /// Once a period: redraws the live line, or says on a plain stream what is pending.
    fn tick(&self) {
        let mut state = self.lock();
        if state.streamed > 0 {
            return;
        }
        let Some((live, plain)) = self.status(&state) else { return };
        if self.live {
            self.say(&mut state, &live, false);
        } else {
            self.say(&mut state, &plain, true);
        }
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
            // A line wider than the terminal wraps, and `\r` would then redraw only its
            // last row: the live line is cut to one row less a column for the cursor.
            // A finished line stays on screen: it wraps to the width like any other.
            match (done, self.width) {
                (false, Some(width)) => format!("\r\x1b[2K{}", wrap::one_line(&text, width.saturating_sub(1))),
                (false, None) => format!("\r\x1b[2K{text}"),
                (true, width) => format!("\r\x1b[2K{}", wrap::wrap(&text, width, "", "  ")),
            }
        } else {
            wrap::wrap(&text, self.width, "frontier: ", "  ")
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
            RunEvent::MemberDone { index, model, ok, latency_ms, error } => {
                let model = sanitize::name(model);
                state.panel_done += 1;
                if let Some(pending) = state.pending.get_mut(index) {
                    *pending = false;
                }
                if shared.live {
                    // The live line shows what is left; a failure gets a line of its own.
                    if !ok {
                        let e = wrap::one_line(error.unwrap_or("failed"), ERROR_LINE_CHARS);
                        shared.say(&mut state, &format!("{model} failed after {}: {e}", format_ms(latency_ms)), true);
                    }
                    if let Some((status, _)) = shared.status(&state) {
                        shared.say(&mut state, &status, false);
                    }
                } else {
                    let outcome = match (ok, error) {
                        (true, _) => format!("{model} answered in {}", format_ms(latency_ms)),
                        (false, Some(e)) => {
                            format!(
                                "{model} failed after {}: {}",
                                format_ms(latency_ms),
                                wrap::one_line(e, ERROR_LINE_CHARS)
                            )
                        }
                        (false, None) => format!("{model} failed"),
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
                if state.streamed > 0 && !state.streamed_newline {
                    // End the streamed answer's last line before stderr writes below it.
                    super::write_raw("\n");
                    state.streamed_newline = true;
                }
                let outcome = if ok { "done" } else { "failed" };
                shared.say(&mut state, &format!("{name} {outcome} in {}", format_ms(elapsed_ms)), true);
            }
            RunEvent::AnswerDelta(text) if shared.stream => {
                let text = state.answer_filter.push(text);
                if text.is_empty() {
                    return;
                }
                shared.clear_line(&mut state);
                state.streamed += text.len();
                state.streamed_newline = text.ends_with('\n');
                super::write_raw(&text);
            }
            RunEvent::AnswerRestart if shared.stream => {
                // The retried attempt starts from scratch, outside any sequence.
                state.answer_filter = Sanitizer::default();
                if state.streamed > 0 {
                    state.streamed = 0;
                    super::write_raw("\n");
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
