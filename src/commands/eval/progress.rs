//! The eval's progress on stderr: a bar of items with the spend and an ETA on a
//! terminal, a line every tenth of the way into a pipe; and the notes the runner sends,
//! printed above the bar, cleaned of anything that could drive the terminal.
//!
//! Knows nothing about what an item is: it counts them.

use std::cell::Cell;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::eval::runner::Progress;
use crate::pipeline::cost::format_usd;
use crate::render::{self, Screen};

/// The progress of an eval of `total` items. A resumed eval's items that finished before
/// count as done without a line of their own, and the ETA starts after them.
pub struct Bar {
    bar: Option<ProgressBar>,
    total: u64,
    done: Cell<u64>,
    /// The last tenth printed into a pipe.
    tenth: Cell<u64>,
}

impl Bar {
    pub fn new(screen: &Screen, total: u64) -> Bar {
        let bar = screen.live().then(|| {
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template("{bar:30} {pos}/{len} items · {msg} · {elapsed} · ETA {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
            bar.set_style(style);
            bar.enable_steady_tick(Duration::from_millis(500));
            bar
        });
        Bar { bar, total, done: Cell::new(0), tenth: Cell::new(0) }
    }

    /// Clears the bar (before the summary is printed).
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Progress for Bar {
    fn item_done(&self, spent: f64) {
        let done = self.done.get() + 1;
        self.done.set(done);
        match &self.bar {
            Some(bar) => {
                bar.set_message(format_usd(spent));
                bar.set_position(done);
            }
            None => {
                let tenth = done * 10 / self.total.max(1);
                if tenth > self.tenth.get() {
                    self.tenth.set(tenth);
                    render::write_stderr(&format!("eval: {done}/{} items, {}\n", self.total, format_usd(spent)));
                }
            }
        }
    }

    fn item_already_done(&self) {
        let done = self.done.get() + 1;
        self.done.set(done);
        self.tenth.set(done * 10 / self.total.max(1));
        if let Some(bar) = &self.bar {
            bar.set_position(done);
            bar.reset_eta();
        }
    }

    fn note(&self, line: &str) {
        let line = format!("note: {}", render::sanitize::clean(line));
        match &self.bar {
            Some(bar) => bar.suspend(|| render::write_stderr(&format!("{line}\n"))),
            None => render::write_stderr(&format!("{line}\n")),
        }
    }
}
