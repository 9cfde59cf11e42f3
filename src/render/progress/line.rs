//! Drawing progress: what the run is doing now (the stage, its round, the members still
//! pending, the seconds so far) and how a line reaches stderr: redrawn in place and cut
//! to the terminal's width when live, wrapped and prefixed `frontier: ` when plain,
//! nothing when quiet. Every line passes the sanitiser.
//!
//! Knows nothing about the pipeline's events (`events` updates the state this reads).

use std::io::Write as _;

use super::{Shared, State};
use crate::pipeline::Stage;
use crate::render::{sanitize, wrap};

impl Shared {
    pub(super) fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// How a stage is named in progress lines: a later round of the panel is `round N`,
    /// the council's judging is `council`.
    pub(super) fn stage_name(&self, state: &State, stage: Stage) -> String {
        match stage {
            Stage::Panel if state.round > 1 => format!("round {}", state.round),
            Stage::Judge if self.council => "council".to_string(),
            other => other.as_str().to_string(),
        }
    }

    /// What the run is doing now, with its elapsed seconds, as the live line shows it
    /// (`panel 1/3 · 4s · waiting for a, b`) and as a plain line says it (`still waiting
    /// for a, b (4s)`).
    pub(super) fn status(&self, state: &State) -> Option<(String, String)> {
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
    pub(super) fn tick(&self) {
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
    pub(super) fn say(&self, state: &mut State, text: &str, done: bool) {
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

    pub(super) fn clear_line(&self, state: &mut State) {
        if self.live && state.line_open && !self.quiet {
            let _ = write!(std::io::stderr().lock(), "\r\x1b[2K");
            state.line_open = false;
        }
    }
}
