//! Human and JSON output. Progress, tables and the analysis of a run go to stderr,
//! answers and `--json` documents to stdout (so `frontier run ... > file` keeps only the
//! answer). Decides once, from the `Env` snapshot (`screen`), whether each stream is a
//! terminal and how wide. The layers below never print: they hand back what is to be
//! said (`history::record_or_warning` returns its warning, the resolver hands its to the
//! caller's `warn`), and the commands print it through here.
//!
//! Knows nothing about how a run is carried out: it reads `RunEvent`s and the
//! finished `RunReport`.

pub mod analysis;
mod by_key;
pub mod context;
pub mod council;
pub mod history;
pub mod markdown;
mod progress;
pub mod recorded;
pub mod sanitize;
mod scores;
pub mod screen;
pub mod table;
pub mod wrap;

use std::io::Write as _;

pub use progress::RunObserver;
pub use screen::Screen;

use crate::env::Env;
use crate::pipeline::{FinalSource, RunMode, RunPlan, RunReport};

/// How a run's output is shown.
pub struct RunOutput {
    json: bool,
    /// Stream the final answer to stdout as it arrives.
    stream: bool,
    /// Print no progress at all.
    quiet_progress: bool,
    /// `--quiet`: the answer alone, nothing on stderr but warnings and errors.
    answer_only: bool,
    screen: Screen,
}

impl RunOutput {
    pub fn new(env: &Env, json: bool, no_stream: bool, quiet: bool) -> RunOutput {
        let screen = Screen::of(env);
        RunOutput {
            json,
            stream: !json && !no_stream && screen.stdout_tty,
            quiet_progress: quiet || (json && !screen.stderr_tty),
            answer_only: quiet && !json,
            screen,
        }
    }

    pub fn observer(&self, plan: &RunPlan) -> RunObserver {
        RunObserver::new(plan, self.screen.live(), self.quiet_progress, self.stream, self.screen.stderr().width)
    }

    /// Prints what is left to print once the run is over: the answer (unless it was
    /// streamed), then on stderr the score table, the judge's analysis, the notes and the
    /// summary line naming the run id (`recorded`: whether `frontier show` will find it).
    pub fn finish(&self, report: &RunReport, recorded: bool) {
        if self.json {
            let text = serde_json::to_string_pretty(report).unwrap_or_default();
            write_raw(&format!("{text}\n"));
            return;
        }
        if let Some(answer) = &report.final_answer {
            let streamed_all =
                self.stream && matches!(report.final_source, Some(FinalSource::Synth | FinalSource::Single));
            // A streamed answer is already on stdout, its last line ended by the observer.
            if !streamed_all {
                write_stdout(&format!("{}\n", answer.trim_end()));
            }
        }
        if self.answer_only {
            return;
        }
        let fit = self.screen.stderr();
        let mut err = String::new();
        if report.mode == RunMode::Fusion && !report.panel.is_empty() {
            err.push_str(&scores::table(report, fit));
            err.push('\n');
            let value = serde_json::to_value(report).unwrap_or_default();
            err.push_str(&analysis::text(&value, fit.width));
            for line in [council::aggregate(&value), council::disagreements(&value)].into_iter().flatten() {
                err.push_str(&wrap::wrap(&line, fit.width, "", "  "));
            }
        }
        for note in &report.notes {
            err.push_str(&wrap::wrap(note, fit.width, "note: ", "  "));
        }
        if !report.panel.is_empty() {
            err.push_str(&wrap::wrap(&scores::summary(report), fit.width, "", "  "));
            if recorded {
                err.push_str(&wrap::wrap(
                    &format!("every answer: frontier show {}", report.run_id),
                    fit.width,
                    "",
                    "  ",
                ));
            }
        }
        write_stderr(&err);
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
