//! The terminal summary of an eval: a headline (the eval, its set, the baseline and what
//! grading cost), one table row per contender (quality with its interval, answer length,
//! tokens, cached share, cost, latency), the cost-against-quality picture in words, the
//! failures, the notes and, for a partial eval, how to finish it.
//!
//! The table follows docs/output.md: no figure, header or name is split; at a narrow
//! width the columns a reader can do without go first (cost per item, tokens, cached
//! share, p95, mean length; for a pairwise eval the length stays longest, since a
//! grader's length bias shows there; narrower still W/T/L and p50), so that a name or an
//! interval is cut only when nothing else is left to leave out. Knows nothing about how the summary was made.

use super::{
    PARTIAL, accuracy_cell, any_priced, cached, chars, findings, is_baseline, item_cost, ms, resume_command, tokens,
    total_cost, with_interval, wtl,
};
use crate::eval::{ContenderScore, Summary};
use crate::render::sanitize;
use crate::render::screen::Fit;
use crate::render::table::{self as tables, keep_whole};
use crate::render::wrap;

/// The widest a contender's name stays on one line.
const NAME_WHOLE: u16 = 30;
/// The widest a figure (`100% [100–100]`, `12.5s`) stays on one line.
const FIGURE_WHOLE: u16 = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Contender,
    Accuracy,
    WinRate,
    Wtl,
    Chars,
    Tokens,
    Cached,
    Cost,
    PerItem,
    P50,
    P95,
}

impl Column {
    fn header(self) -> &'static str {
        match self {
            Column::Contender => "contender",
            Column::Accuracy => "accuracy",
            Column::WinRate => "win rate",
            Column::Wtl => "W/T/L",
            Column::Chars => "mean chars",
            Column::Tokens => "tokens",
            Column::Cached => "cached",
            Column::Cost => "cost",
            Column::PerItem => "per item",
            Column::P50 => "p50",
            Column::P95 => "p95",
        }
    }

    fn cell(self, summary: &Summary, c: &ContenderScore, pairwise: bool) -> String {
        let baseline = is_baseline(summary, c);
        match self {
            Column::Contender if baseline && !pairwise => format!("{} (baseline)", c.label),
            Column::Contender => c.label.clone(),
            Column::Accuracy => c.accuracy.as_ref().map_or("-".into(), accuracy_cell),
            Column::WinRate if baseline => "baseline".into(),
            Column::WinRate => c.versus.map_or("-".into(), |v| with_interval(v.win_rate)),
            Column::Wtl => c.versus.as_ref().map_or("-".into(), wtl),
            Column::Chars => chars(c.mean_answer_chars),
            Column::Tokens => tokens(&c.spend),
            Column::Cached => cached(&c.spend),
            Column::Cost => total_cost(&c.spend),
            Column::PerItem => item_cost(c),
            Column::P50 => ms(c.latency.p50_ms),
            Column::P95 => ms(c.latency.p95_ms),
        }
    }
}

/// The whole terminal summary, fitted to `fit`.
pub fn summary(summary: &Summary, fit: Fit) -> String {
    let headline: Vec<String> = headline(summary).iter().map(|part| sanitize::name(part)).collect();
    // Broken between its parts only, so a name stays beside what it did.
    let mut out = wrap::items("", &headline, fit.width, "  ");
    out.push_str(&contenders(summary, fit));
    out.push('\n');
    let name = |label: &str| sanitize::name(label);
    for sentence in findings::sentences(summary, &name) {
        out.push_str(&wrap::wrap(&sentence, fit.width, "", "  "));
    }
    if summary.contenders.iter().any(|c| c.spend.cost_estimated && c.spend.cost_usd.is_some()) {
        let line = "~: some usage was estimated or some call had no price; the cost is at least this";
        out.push_str(&wrap::wrap(line, fit.width, "", "  "));
    }
    let failures = failures(summary);
    if !failures.is_empty() {
        out.push_str(&wrap::items("failures: ", &failures, fit.width, "  "));
    }
    for note in &summary.notes {
        out.push_str(&wrap::wrap(&sanitize::name(note), fit.width, "note: ", "  "));
    }
    if !summary.complete {
        out.push_str(&format!("{PARTIAL}\n"));
        // The command on a line of its own, so it is never split.
        let resume = format!("to finish it: {}", resume_command(summary));
        out.push_str(&wrap::wrap(&sanitize::name(&resume), fit.width, "", "  "));
    }
    out
}

/// `eval ID · sample · 20 items · baseline demo · grader mock:judge (65,100 tokens, $0.015)`.
fn headline(summary: &Summary) -> Vec<String> {
    let mut parts = vec![format!("eval {}", summary.eval_id), summary.set.clone(), format!("{} items", summary.items)];
    if let Some(b) = &summary.baseline {
        parts.push(format!("baseline {b}"));
    }
    if let Some(g) = &summary.grader {
        let spent = match summary.grading.cost_usd {
            Some(_) => format!("{} tokens, {}", tokens(&summary.grading), total_cost(&summary.grading)),
            None => format!("{} tokens", tokens(&summary.grading)),
        };
        parts.push(format!("grader {g} ({spent})"));
    }
    parts
}

/// The table, one row per contender in the eval's order; a quality column only when some
/// contender has that measure.
fn contenders(summary: &Summary, fit: Fit) -> String {
    let accuracy = summary.contenders.iter().any(|c| c.accuracy.is_some());
    let pairwise = summary.contenders.iter().any(|c| c.versus.is_some());
    let mut columns = vec![Column::Contender];
    if accuracy {
        columns.push(Column::Accuracy);
    }
    if pairwise {
        columns.extend([Column::WinRate, Column::Wtl]);
    }
    columns.extend([Column::Chars, Column::Tokens, Column::Cached]);
    // With no price anywhere, two columns of `-` would only take room.
    if any_priced(summary) {
        columns.extend([Column::Cost, Column::PerItem]);
    }
    columns.extend([Column::P50, Column::P95]);
    let headers: Vec<&str> = columns.iter().map(|c| c.header()).collect();
    let mut table = tables::fitted(&headers, fit);
    for c in &summary.contenders {
        table.add_row(tables::row(columns.iter().map(|col| col.cell(summary, c, pairwise)).collect()));
    }
    for (i, col) in columns.iter().enumerate() {
        let whole = if *col == Column::Contender { NAME_WHOLE } else { FIGURE_WHOLE };
        keep_whole(&mut table, i, whole);
    }
    // Narrower still, W/T/L and p50 go before a name or an interval is cut.
    let order: &[Column] = if pairwise {
        &[Column::PerItem, Column::Tokens, Column::Cached, Column::P95, Column::Chars, Column::Wtl, Column::P50]
    } else {
        &[Column::PerItem, Column::Chars, Column::Tokens, Column::Cached, Column::P95, Column::P50]
    };
    let drop: Vec<usize> = order.iter().filter_map(|d| columns.iter().position(|c| c == d)).collect();
    table.droppable(&drop);
    format!("{table}\n")
}

/// `mock:beta 1 of 20 items unanswered, 1 pair ungraded`, per contender with either.
fn failures(summary: &Summary) -> Vec<String> {
    summary
        .contenders
        .iter()
        .filter_map(|c| {
            let ungraded = c.versus.map_or(0, |v| v.ungraded);
            let mut parts = Vec::new();
            if c.failed > 0 {
                let items = c.answered + c.failed;
                parts.push(format!("{} of {items} {} unanswered", c.failed, plural(items, "item")));
            }
            if ungraded > 0 {
                parts.push(format!("{ungraded} {} ungraded", plural(ungraded, "pair")));
            }
            (!parts.is_empty()).then(|| format!("{} {}", sanitize::name(&c.label), parts.join(", ")))
        })
        .collect()
}

fn plural(n: u64, word: &str) -> String {
    if n == 1 { word.to_string() } else { format!("{word}s") }
}

#[cfg(test)]
mod tests {
    use unicode_width::UnicodeWidthStr as _;

    use super::*;
    use crate::render::eval::fixtures;

    const AT_80: Fit = Fit { width: Some(80), ascii: false };
    const AT_120: Fit = Fit { width: Some(120), ascii: false };

    #[test]
    fn pairwise_at_80_columns() {
        insta::assert_snapshot!(summary(&fixtures::pairwise(), AT_80));
    }

    #[test]
    fn pairwise_at_120_columns() {
        insta::assert_snapshot!(summary(&fixtures::pairwise(), AT_120));
    }

    #[test]
    fn pairwise_to_a_pipe() {
        insta::assert_snapshot!(summary(&fixtures::pairwise(), Fit::UNLIMITED));
    }

    #[test]
    fn mixed_at_80_columns() {
        insta::assert_snapshot!(summary(&fixtures::mixed(), AT_80));
    }

    #[test]
    fn partial_at_80_columns() {
        insta::assert_snapshot!(summary(&fixtures::partial(), AT_80));
    }

    #[test]
    fn every_line_fits_and_no_name_or_quality_is_split() {
        for width in [60, 80, 100] {
            for fixture in [fixtures::pairwise(), fixtures::mixed(), fixtures::partial()] {
                let text = summary(&fixture, Fit { width: Some(width), ascii: false });
                for line in text.lines() {
                    assert!(line.width() <= width, "{} wide at {width}: {line}\n{text}", line.width());
                }
                for c in &fixture.contenders {
                    let accuracy = c.accuracy.as_ref().map(accuracy_cell);
                    let versus = c.versus.map(|v| with_interval(v.win_rate));
                    for whole in [Some(c.label.clone()), accuracy, versus].into_iter().flatten() {
                        let found = text.lines().any(|l| l.starts_with('│') && l.contains(&whole));
                        assert!(found, "`{whole}` split at {width}:\n{text}");
                    }
                }
            }
        }
    }

    #[test]
    fn outside_text_never_reaches_the_terminal_raw() {
        let mut hostile = fixtures::partial();
        hostile.set = "set\u{1b}]0;title\u{7}".into();
        hostile.contenders[1].label = "mock:\u{1b}[2Jalpha\u{200b}".into();
        hostile.notes.push("note \u{1b}]52;c;AAAA\u{7}end".into());
        let text = summary(&hostile, AT_80);
        assert!(!text.contains('\u{1b}') && !text.contains('\u{7}') && !text.contains('\u{200b}'), "{text:?}");
        assert!(text.contains("mock:alpha\\u{200b}"), "{text}");
        assert!(text.contains("note: note end"), "{text}");
    }
}
