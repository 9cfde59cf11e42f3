//! Progress on stderr while a run is in flight (one redrawn line on a terminal, plain
//! lines otherwise), and the final answer streamed to stdout as it arrives: under a
//! heading on stderr when a person sees both, and wrapped at word boundaries on a
//! terminal (a word may be cut across two deltas, so the wrapper holds it). Every piece
//! of outside text (model names, errors, the answer) is stripped of control sequences;
//! the answer through one stateful filter, as a sequence may be cut across two deltas.
//!
//! The pipeline only speaks when something happens, so the observer keeps its own clock:
//! a ticker thread redraws the live line once a second (elapsed seconds, the members
//! still pending), and on a plain stream says every few seconds what it is still waiting
//! for. The thread ends when the observer is dropped; it draws only while a stage is in
//! flight and the answer is not streaming, so it never writes into the answer or after
//! the run's last lines.
//!
//! This file holds the observer, its state and its ticker; `events` is what each of the
//! pipeline's events does, `line` how progress is worded and drawn.

mod events;
mod line;

use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::sanitize::{self, Sanitizer};
use super::wrap;
use crate::pipeline::{RunPlan, Stage};

/// How often the live line is redrawn while nothing happens.
const LIVE_TICK: Duration = Duration::from_secs(1);
/// How often a plain stream hears what the run is still waiting for.
const PLAIN_TICK: Duration = Duration::from_secs(5);

/// How the streamed answer is shown: the heading stderr gets above it (none: no
/// heading), and the width stdout's text is wrapped to (none: as it comes).
pub struct AnswerShown {
    pub heading: Option<String>,
    pub width: Option<usize>,
}

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
    answer: AnswerShown,
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
    /// Wraps the streamed answer at word boundaries, across deltas.
    answer_wrap: wrap::Streamed,
    /// The answer's heading is on stderr.
    headed: bool,
}

impl RunObserver {
    /// The observer of `plan`'s run: `live` redraws one line (a terminal), `quiet` prints
    /// no progress, `stream` writes the answer to stdout as it arrives, as `answer` says.
    pub fn new(
        plan: &RunPlan,
        live: bool,
        quiet: bool,
        stream: bool,
        width: Option<usize>,
        answer: AnswerShown,
    ) -> Self {
        let shared = Arc::new(Shared {
            live,
            quiet,
            stream,
            width,
            members: plan.panel.iter().map(|p| sanitize::name(&p.model)).collect(),
            judge: plan.judge.as_ref().map(|p| sanitize::name(&p.model)),
            council: plan.council,
            synth: plan.synth.as_ref().map(|p| sanitize::name(&p.model)),
            state: Mutex::new(State { answer_wrap: wrap::Streamed::new(answer.width), ..State::default() }),
            answer,
            started: Instant::now(),
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
