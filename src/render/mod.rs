//! Human and JSON output. Progress and tables go to stderr, answers and `--json`
//! documents to stdout. Decides once whether each stream is a terminal; the layers
//! below never print.
//!
//! Knows nothing about how a run is carried out: it reads `RunEvent`s and the
//! finished `RunReport`.

pub mod history;
mod progress;
pub mod recorded;
pub mod sanitize;
mod scores;
pub mod screen;
pub mod table;
pub mod wrap;

use std::io::{IsTerminal as _, Write as _};

pub use progress::RunObserver;

use crate::pipeline::{FinalSource, RunMode, RunReport};

/// How a run's output is shown.
pub struct RunOutput {
    json: bool,
    /// Stream the final answer to stdout as it arrives.
    stream: bool,
    /// Redraw one live progress line on stderr instead of printing plain lines.
    live: bool,
    /// Print no progress at all.
    quiet: bool,
}

impl RunOutput {
    pub fn new(json: bool, no_stream: bool) -> RunOutput {
        let stderr_tty = std::io::stderr().is_terminal();
        RunOutput {
            json,
            stream: !json && !no_stream && std::io::stdout().is_terminal(),
            live: stderr_tty,
            quiet: json && !stderr_tty,
        }
    }

    pub fn observer(&self) -> RunObserver {
        RunObserver::new(self.live, self.quiet, self.stream)
    }

    /// Prints what is left to print once the run is over.
    pub fn finish(&self, report: &RunReport) {
        if self.json {
            let text = serde_json::to_string_pretty(report).unwrap_or_default();
            write_raw(&format!("{text}\n"));
            return;
        }
        let mut err = String::new();
        if report.mode == RunMode::Fusion && !report.panel.is_empty() {
            err.push_str(&scores::table(report));
            err.push('\n');
        }
        for note in &report.notes {
            err.push_str(&format!("note: {note}\n"));
        }
        if !report.panel.is_empty() {
            err.push_str(&scores::summary(report));
            err.push('\n');
        }
        write_stderr(&err);
        if let Some(answer) = &report.final_answer {
            let streamed_all =
                self.stream && matches!(report.final_source, Some(FinalSource::Synth | FinalSource::Single));
            // A streamed answer is already on stdout, its last line ended by the observer.
            if !streamed_all {
                write_stdout(&format!("{}\n", answer.trim_end()));
            }
        }
    }
}

/// Writes human text to stdout in one go, without control sequences (it may quote
/// answers, names and errors frontier did not write), and flushes; a closed pipe is not
/// an error worth a panic.
pub fn write_stdout(text: &str) {
    write_raw(&sanitize::clean(text));
}

/// Writes human text to stderr in one go, without control sequences.
pub fn write_stderr(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err.write_all(sanitize::clean(text).as_bytes());
    let _ = err.flush();
}

/// Writes `text` to stdout as it is: JSON documents (serde escapes every control) and
/// text already sanitised.
pub fn write_raw(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}
