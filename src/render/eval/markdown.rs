//! An eval as one Markdown document, to paste into an issue or a pull request: what was
//! run, the table (quality with its 95% interval, W/T/L, answer length, tokens, cost and
//! latency), what it shows in words, the failures and notes, how to finish a partial
//! eval, and how to read the numbers.
//!
//! Names and notes come from outside (preset files, model ids, set paths): each is
//! cleaned of control sequences, flattened to one line and has the characters Markdown
//! would act on escaped, so a name cannot break the table, start a list or become a
//! link or HTML. Knows nothing about terminals.

use std::fmt::Write as _;

use super::{
    PARTIAL, accuracy_cell, any_priced, cached, chars, findings, is_baseline, item_cost, ms, resume_command, tokens,
    total_cost, with_interval, wtl,
};
use crate::eval::{ContenderScore, Summary};
use crate::render::cache::grouped;
use crate::render::sanitize;

/// Characters Markdown acts on wherever they are; a backslash makes each literal.
const ESCAPED: &[char] = &['\\', '`', '*', '_', '[', ']', '<', '>', '|', '~', '#', '&', '!', '$'];

const HOW_TO_READ: &str = "\
Accuracy is the share of items with a reference whose answer matched it; an item a \
contender failed to answer counts as wrong. The win rate is against the baseline: each \
pair of answers was graded blind twice, once in each order, and counts as a win or a \
loss only when both orders agreed; when they disagreed (a grader favouring whichever \
answer it saw first) or called it even, it is a tie, and a tie counts as half a win. A \
win rate below 50% means the baseline did better. Every interval is a 95% interval: \
where two contenders' intervals overlap, these items do not show which is better. Graders \
tend to favour longer answers: compare the mean length beside the win rate. Cost is at \
catalog prices, per contender and per answered item; a cost marked \\~ is a lower bound \
(some usage was estimated or some call had no price). Latency is the wall time per item, \
from the request to the final answer.";

pub fn report(summary: &Summary) -> String {
    let mut out = format!("# frontier eval `{}`\n\n", code(&summary.eval_id));
    let _ = writeln!(out, "- set: {} ({} items)", text(&summary.set), summary.items);
    if let Some(b) = &summary.baseline {
        let _ = writeln!(out, "- baseline: {}", text(b));
    }
    if let Some(g) = &summary.grader {
        let cost =
            summary.grading.cost_usd.map_or(String::new(), |_| format!(", {}", text(&total_cost(&summary.grading))));
        let _ = writeln!(out, "- grader: {} ({} tokens{cost})", text(g), tokens(&summary.grading));
    }
    if !summary.complete {
        let _ = writeln!(out, "- {PARTIAL}; to finish it: `{}`", code(&resume_command(summary)));
    }
    out.push_str("\n## Results\n\n");
    out.push_str(&table(summary));
    let sentences = findings::sentences(summary, &|name| text(name));
    if !sentences.is_empty() {
        out.push_str("\n## What it shows\n\n");
        for s in sentences {
            let _ = writeln!(out, "- {}", dollars(&s));
        }
    }
    let notes: Vec<String> = failures(summary).into_iter().chain(summary.notes.iter().map(|n| text(n))).collect();
    if !notes.is_empty() {
        out.push_str("\n## Notes\n\n");
        for n in notes {
            let _ = writeln!(out, "- {n}");
        }
    }
    let _ = write!(out, "\n## How to read this\n\n{HOW_TO_READ}\n");
    out
}

/// Every column, whatever the width: a document has room.
fn table(summary: &Summary) -> String {
    let accuracy = summary.contenders.iter().any(|c| c.accuracy.is_some());
    let pairwise = summary.contenders.iter().any(|c| c.versus.is_some());
    let mut header = vec!["contender", "what it is", "answered"];
    if accuracy {
        header.push("accuracy (95% interval)");
    }
    if pairwise {
        header.extend(["win rate vs baseline (95% interval)", "W/T/L", "ungraded"]);
    }
    header.extend(["mean chars", "tokens in/out", "cached"]);
    // With no price anywhere, two columns of `-` say nothing.
    let priced = any_priced(summary);
    if priced {
        header.extend(["cost", "per item"]);
    }
    header.extend(["p50", "p95"]);
    let mut out = format!("| {} |\n", header.join(" | "));
    let _ = writeln!(
        out,
        "|{}",
        header.iter().enumerate().map(|(i, _)| if i < 2 { "---|" } else { "--:|" }).collect::<String>()
    );
    for c in &summary.contenders {
        let baseline = is_baseline(summary, c);
        // Without a win-rate column to say so, the name does.
        let name = if baseline && !pairwise { format!("{} (baseline)", text(&c.label)) } else { text(&c.label) };
        let mut cells = vec![name, text(&c.shape), format!("{}/{}", c.answered, c.answered + c.failed)];
        if accuracy {
            cells.push(
                c.accuracy
                    .as_ref()
                    .map_or("-".into(), |a| format!("{} ({}/{})", accuracy_cell(a), a.correct, a.scored)),
            );
        }
        if pairwise {
            cells.push(match c.versus {
                _ if baseline => "baseline".into(),
                Some(v) => with_interval(v.win_rate),
                None => "-".into(),
            });
            cells.push(c.versus.as_ref().map_or("-".into(), wtl));
            cells.push(c.versus.map_or("-".into(), |v| v.ungraded.to_string()));
        }
        cells.extend([
            chars(c.mean_answer_chars),
            format!("{}/{}", count(c.spend.input_tokens), count(c.spend.output_tokens)),
            cached(&c.spend),
        ]);
        if priced {
            cells.extend([money(&total_cost(&c.spend)), money(&item_cost(c))]);
        }
        cells.extend([ms(c.latency.p50_ms), ms(c.latency.p95_ms)]);
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out
}

/// `mock:beta: 1 of 20 items unanswered, 1 pair ungraded`.
fn failures(summary: &Summary) -> Vec<String> {
    summary
        .contenders
        .iter()
        .filter_map(|c: &ContenderScore| {
            let ungraded = c.versus.map_or(0, |v| v.ungraded);
            let mut parts = Vec::new();
            if c.failed > 0 {
                parts.push(format!("{} of {} items unanswered", c.failed, c.answered + c.failed));
            }
            if ungraded > 0 {
                parts.push(format!("{ungraded} {} ungraded", if ungraded == 1 { "pair" } else { "pairs" }));
            }
            (!parts.is_empty()).then(|| format!("{}: {}", text(&c.label), parts.join(", ")))
        })
        .collect()
}

/// Outside text as Markdown that shows it literally: cleaned, on one line, with every
/// character Markdown would act on escaped (and a leading one that would start a list).
fn text(raw: &str) -> String {
    let flat = sanitize::name(raw).split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::with_capacity(flat.len());
    for (i, c) in flat.chars().enumerate() {
        if ESCAPED.contains(&c) || (i == 0 && matches!(c, '-' | '+' | '=')) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A cost as Markdown: `$` would start mathematics on GitHub and `~` strike text through.
fn money(cost: &str) -> String {
    cost.replace('$', "\\$").replace('~', "\\~")
}

fn count(n: u64) -> String {
    grouped(i64::try_from(n).unwrap_or(i64::MAX))
}

/// `sentence` with each `$` not yet escaped escaped: GitHub reads a pair of them as
/// mathematics. The names in it are escaped already ([`text`]).
fn dollars(sentence: &str) -> String {
    let mut out = String::with_capacity(sentence.len());
    let mut escaped = false;
    for c in sentence.chars() {
        if c == '$' && !escaped {
            out.push('\\');
        }
        escaped = c == '\\' && !escaped;
        out.push(c);
    }
    out
}

/// Text for inside a code span: one line, no backticks (an eval id has none).
fn code(raw: &str) -> String {
    sanitize::name(raw).split_whitespace().collect::<Vec<_>>().join(" ").replace('`', "'")
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;
    use crate::render::eval::fixtures;

    #[test]
    fn the_report_of_a_mixed_eval() {
        insta::assert_snapshot!(report(&fixtures::mixed()));
    }

    #[test]
    fn the_report_of_a_partial_eval_says_how_to_finish_it() {
        insta::assert_snapshot!(report(&fixtures::partial()));
    }

    #[test]
    fn a_name_cannot_break_the_table_or_start_markup() {
        assert_eq!(text("a|b <i>*x*</i>\n[l](u) `c`"), "a\\|b \\<i\\>\\*x\\*\\</i\\> \\[l\\](u) \\`c\\`");
        assert_eq!(text("- item"), "\\- item");
        assert_eq!(text("x\u{1b}[2Jy"), "xy");
        assert_eq!(dollars("\\$9 costs $0.1 and $2"), "\\$9 costs \\$0.1 and \\$2");
        let mut summary = fixtures::pairwise();
        summary.contenders[1].label = "evil | cell\n# heading".into();
        let doc = report(&summary);
        let row = doc.lines().find(|l| l.contains("evil")).unwrap_or_default();
        let header = doc.lines().find(|l| l.starts_with("| contender")).unwrap_or_default();
        // A row has as many unescaped `|` as the header: the name stayed in its cell.
        let bars = |l: &str| l.replace("\\|", "").matches('|').count();
        assert_eq!(bars(row), bars(header), "{row}");
        assert!(!doc.lines().any(|l| l.starts_with("# heading")), "{doc}");
    }
}
