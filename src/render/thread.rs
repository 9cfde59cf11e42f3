//! A recorded run's thread as `frontier show` prints it: each run of the thread on a
//! line (its turn, id, status and the prompt's first words), the shown run marked `>`,
//! then the share of all its runs' input the providers served from their caches.
//!
//! Knows nothing about how the thread was read; the history hands it over whole.

use super::screen::Fit;
use super::wrap::one_line;
use crate::history::{Summary, Thread};

/// The most of a run id a line shows (frontier's own have 24 characters).
const MAX_ID_CHARS: usize = 40;
/// The most of a status a line shows.
const MAX_STATUS_CHARS: usize = 12;
/// The narrowest a prompt is cut to, however little room the line leaves.
const MIN_PROMPT_CHARS: usize = 12;

/// The `thread:` section for the run `shown`.
pub fn section(thread: &Thread, shown: &str, fit: Fit) -> String {
    let plural = if thread.total == 1 { "" } else { "s" };
    // The root's id is read from a report: shown as a name, never as terminal input.
    let root = one_line(&thread.root, MAX_ID_CHARS);
    let mut out = format!("\nthread: {} run{plural}, begun by {root}\n", thread.total);
    if thread.runs.first().is_none_or(|first| first.run_id != thread.root) {
        out.push_str(&format!("  {:>7}  {root}  (not recorded)\n", "turn 1"));
    }
    let statuses: Vec<String> = thread.runs.iter().map(|r| one_line(&r.status, MAX_STATUS_CHARS)).collect();
    let status_width = statuses.iter().map(|s| s.chars().count()).max().unwrap_or(0);
    for (run, status) in thread.runs.iter().zip(&statuses) {
        let status = format!("{status:<status_width$}");
        out.push_str(&line(run, &status, run.run_id == shown, fit));
    }
    if let Some(more) = thread.total.checked_sub(thread.runs.len()).filter(|n| *n > 0) {
        out.push_str(&format!("  … and {more} more (`frontier runs` lists them)\n"));
    }
    let share = super::cache::share(thread.input_tokens, thread.cached_input_tokens);
    if let Some(share) = share {
        out.push_str(&super::wrap::wrap(&format!("cache, all turns: {share}"), fit.width, "  ", "    "));
    }
    out
}

/// `> turn 2  20261207-173308-6c50e3e6  ok  How often should…`, its status padded.
fn line(run: &Summary, status: &str, shown: bool, fit: Fit) -> String {
    let mark = if shown { '>' } else { ' ' };
    let turn = format!("turn {}", run.thread.as_ref().map_or(1, |t| t.turn));
    let head = format!("{mark} {turn:>7}  {}  {status}  ", run.run_id);
    let room = fit.width.map_or(usize::MAX, |w| w.saturating_sub(head.chars().count()).max(MIN_PROMPT_CHARS));
    let prompt = one_line(run.prompt_head.as_deref().unwrap_or("-"), room);
    format!("{head}{prompt}\n")
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;
    use crate::pipeline::ThreadLink;
    use crate::render::recorded::tests::summary;

    const ROOT: &str = "20261207-173308-6c50e3e6";

    fn run(id: &str, turn: u32, prompt: &str, status: &str) -> Summary {
        let thread = (turn > 1).then(|| ThreadLink { root: ROOT.into(), parent: format!("parent-of-{id}"), turn });
        Summary { run_id: id.into(), prompt_head: Some(prompt.into()), status: status.into(), thread, ..summary() }
    }

    fn thread(runs: Vec<Summary>, total: usize) -> Thread {
        Thread { root: ROOT.into(), runs, total, input_tokens: 40_312, cached_input_tokens: 19_500 }
    }

    const AT_80: Fit = Fit { width: Some(80), ascii: false };

    #[test]
    fn each_turn_on_a_line_the_shown_one_marked_and_the_threads_cache_share() {
        let runs = vec![
            run(ROOT, 1, "Why do retries need backoff when the server is overloaded and shedding load?", "ok"),
            run("20261207-173412-0a1b2c3d", 2, "How often?", "ok"),
            run("20261207-173530-9f8e7d6c", 3, "And with jitter,\nwhich kind?", "error"),
        ];
        insta::assert_snapshot!(section(&thread(runs, 3), "20261207-173412-0a1b2c3d", AT_80), @r"
        thread: 3 runs, begun by 20261207-173308-6c50e3e6
           turn 1  20261207-173308-6c50e3e6  ok     Why do retries need backoff when th…
        >  turn 2  20261207-173412-0a1b2c3d  ok     How often?
           turn 3  20261207-173530-9f8e7d6c  error  And with jitter, which kind?
          cache, all turns: 48% of 40,312 input tokens read from the providers' caches
        ");
    }

    #[test]
    fn a_root_id_from_a_report_never_reaches_the_terminal_raw() {
        let hostile = Thread { root: "r\u{1b}[2J\u{7}oot".into(), ..thread(Vec::new(), 2) };
        let shown = section(&hostile, "x", AT_80);
        assert!(!shown.contains('\u{1b}') && !shown.contains('\u{7}'), "{shown:?}");
    }

    #[test]
    fn a_first_run_not_recorded_and_runs_left_out_are_said() {
        let runs = vec![run("20261207-173412-0a1b2c3d", 2, "How often?", "ok")];
        let shown = section(&Thread { input_tokens: 0, cached_input_tokens: 0, ..thread(runs, 4) }, "x", AT_80);
        assert_eq!(
            shown,
            "\nthread: 4 runs, begun by 20261207-173308-6c50e3e6\n  \
             \x20turn 1  20261207-173308-6c50e3e6  (not recorded)\n  \
             \x20turn 2  20261207-173412-0a1b2c3d  ok  How often?\n  \
             … and 3 more (`frontier runs` lists them)\n"
        );
    }
}
