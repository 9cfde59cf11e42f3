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
pub mod cache;
pub mod context;
pub mod council;
pub mod eval;
pub mod history;
pub mod markdown;
mod member;
mod progress;
pub mod recorded;
pub mod sanitize;
mod scores;
pub mod screen;
pub mod table;
pub mod thread;
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
        let answer = progress::AnswerShown {
            heading: self.headed().then(|| {
                let source = match (&plan.synth, plan.panel.as_slice()) {
                    (Some(synth), _) => format!("fused by {}", sanitize::name(&synth.model)),
                    (None, [only]) => sanitize::name(&only.model),
                    (None, _) => String::new(),
                };
                self.heading(&source)
            }),
            width: self.answer_width(),
        };
        RunObserver::new(plan, self.screen.live(), self.quiet_progress, self.stream, self.screen.stderr().width, answer)
    }

    /// A heading goes above the answer when a person sees both on one screen: stdout
    /// and stderr both terminals. The heading is on stderr, so stdout stays the answer
    /// alone wherever it goes.
    fn headed(&self) -> bool {
        !self.json && !self.answer_only && self.screen.stdout_tty && self.screen.stderr_tty
    }

    /// `── answer · fused by mock:synth ──`, fitted to stderr's width.
    fn heading(&self, source: &str) -> String {
        let fit = self.screen.stderr();
        let rule = if fit.ascii { "--" } else { "──" };
        let text = if source.is_empty() { "answer".to_string() } else { format!("answer · {source}") };
        let text = format!("{rule} {text} {rule}");
        fit.width.map_or(text.clone(), |w| wrap::one_line(&text, w))
    }

    /// The width the answer is wrapped to: a terminal's (text to a pipe or a file is left
    /// as the model wrote it).
    fn answer_width(&self) -> Option<usize> {
        if self.screen.stdout_tty { self.screen.stdout().width } else { None }
    }

    /// Prints what is left to print once the run is over: the answer (unless it was
    /// streamed), then on stderr the end of a fusion, the notes and the summary line
    /// naming the run id (`recorded`: whether `frontier show` will find it). On a
    /// terminal, a run `show` will find ends briefly (the standings, the judge's verdict
    /// and the analysis's counts, a line or two each), so the answer stays on a 24-line
    /// screen; a log, or a run not kept, gets the whole table and analysis.
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
                if self.headed() {
                    write_stderr(&format!("{}\n", self.heading(&final_source(report))));
                }
                let mut wrapped = wrap::Streamed::new(self.answer_width());
                let text = wrapped.push(&sanitize::clean(answer.trim_end())) + &wrapped.finish();
                write_raw(&format!("{text}\n"));
            }
        }
        if self.answer_only {
            return;
        }
        self.summary(report, recorded, recorded && self.screen.stderr_tty);
    }

    /// Prints on stderr how a run ended, after its answer: a fusion's scores and analysis
    /// (`brief`: the standings, the verdict and the analysis's counts; else the whole table
    /// and analysis), the council's lines, the notes and the summary line naming the run
    /// (`recorded`: with the `frontier show` that finds it). `chat` prints it brief after
    /// each turn, and whole for `/last`.
    pub fn summary(&self, report: &RunReport, recorded: bool, brief: bool) {
        let fit = self.screen.stderr();
        let mut err = String::new();
        if report.mode == RunMode::Fusion && !report.panel.is_empty() {
            let value = serde_json::to_value(report).unwrap_or_default();
            if brief {
                err.push_str(&wrap::items("scores: ", &scores::standings(report), fit.width, "  "));
                if let Some(verdict) = analysis::verdict(&value) {
                    err.push_str(&wrap::wrap(&verdict, fit.width, "", "  "));
                }
                let counts = analysis::counts(&value);
                if !counts.is_empty() {
                    err.push_str(&wrap::items("analysis: ", &counts, fit.width, "  "));
                }
            } else {
                err.push_str(&scores::table(report, fit));
                err.push('\n');
                err.push_str(&analysis::text(&value, fit.width));
            }
            for line in [council::aggregate(&value), council::disagreements(&value)].into_iter().flatten() {
                err.push_str(&wrap::wrap(&line, fit.width, "", "  "));
            }
            if let Some(line) = council::no_judge(&value) {
                err.push_str(&wrap::wrap(line, fit.width, "", "  "));
            }
        }
        for note in &report.notes {
            err.push_str(&wrap::wrap(note, fit.width, "note: ", "  "));
        }
        if !report.panel.is_empty() {
            err.push_str(&wrap::wrap(&scores::summary(report), fit.width, "", "  "));
            if recorded {
                let what = if brief && report.mode == RunMode::Fusion {
                    "table, analysis and every answer"
                } else {
                    "every answer"
                };
                err.push_str(&wrap::wrap(&format!("{what}: frontier show {}", report.run_id), fit.width, "", "  "));
            }
        }
        write_stderr(&err);
    }
}

/// Where the final answer came from, for its heading.
fn final_source(report: &RunReport) -> String {
    let model = |call: Option<&crate::pipeline::CallReport>| call.map(|c| sanitize::name(&c.model)).unwrap_or_default();
    match report.final_source {
        Some(FinalSource::Synth) => format!("fused by {}", model(report.synth.as_ref())),
        Some(FinalSource::Single) => model(report.panel.first().map(|m| &m.call)),
        Some(FinalSource::JudgeTop) => "the judge's top pick".to_string(),
        Some(FinalSource::CouncilTop) => "the council's top pick".to_string(),
        Some(FinalSource::Longest) => "the longest answer".to_string(),
        Some(FinalSource::SoleSurvivor) => "the only answer".to_string(),
        None => String::new(),
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
