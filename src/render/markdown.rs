//! A recorded run as one Markdown document (`frontier show --markdown`), to paste into
//! an issue or a pull request: the run's facts, the prompt, the context sources, each
//! member's answer, the analysis, the notes and the final answer.
//!
//! Text from outside (answers, prompts, errors) goes in code fences longer than any run
//! of backticks inside it, so an answer's own fences cannot end the block early; short
//! fields (reasons, analysis items) are flattened to one line and their `|` escaped in
//! tables. Knows nothing about terminals.

use serde_json::Value;

use super::by_key::{items, text};
use super::member::{last_round_heading, members, rounds};
use super::recorded::{context, headline};
use crate::history::Summary;

pub fn report(summary: &Summary, report: &Value) -> String {
    let mut out = format!("# frontier run `{}`\n\n", summary.run_id);
    for line in headline(summary).into_iter().chain(thread_line(summary)) {
        out.push_str(&format!("- {}\n", inline(&line)));
    }
    out.push_str(&format!("\n## Prompt\n\n{}", fence(&text(report, "prompt").unwrap_or_default())));
    let sources = context(report);
    if !sources.is_empty() {
        out.push_str("\n## Context\n\n");
        for source in sources {
            out.push_str(&format!("- {}\n", inline(&source)));
        }
    }
    for (round, members) in rounds(report) {
        out.push_str(&format!("\n## Answers in round {round}\n"));
        for m in &members {
            out.push_str(&format!("\n### {}\n\n", inline(&m.heading())));
            match (&m.content, &m.error) {
                (_, Some(error)) => out.push_str(&fence(error)),
                (Some(content), None) => out.push_str(&fence(content)),
                (None, None) => out.push_str("(no answer recorded)\n"),
            }
        }
    }
    let members = members(report);
    if !members.is_empty() {
        out.push_str(&format!("\n## {}\n", capitalised(&last_round_heading(report))));
        for m in &members {
            out.push_str(&format!("\n### {}\n\n", inline(&m.heading())));
            if let Some(reason) = &m.reason {
                out.push_str(&format!("Judge: {}\n\n", inline(reason)));
            }
            match (&m.content, &m.error) {
                (_, Some(error)) => out.push_str(&fence(error)),
                (Some(content), None) => out.push_str(&fence(content)),
                (None, None) => out.push_str("(no answer recorded)\n"),
            }
        }
    }
    let sections = super::analysis::sections(report);
    if !sections.is_empty() {
        out.push_str("\n## Analysis\n\n");
        let legend = super::analysis::legend(report);
        if !legend.is_empty() {
            out.push_str(&format!("Labels: {}\n", inline(&legend)));
        }
        for section in sections {
            out.push_str(&format!("\n### {}\n\n", capitalised(section.heading)));
            for item in &section.items {
                out.push_str(&format!("- {}\n", inline(item)));
            }
        }
    }
    let ranking: Vec<&str> = items(report.pointer("/analysis/ranking")).filter_map(Value::as_str).collect();
    if !ranking.is_empty() {
        out.push_str(&format!("\nRanking: {}\n", inline(&ranking.join(" > "))));
    }
    let rankers = super::council::rankers(report);
    if !rankers.is_empty() {
        out.push_str("\n## Council\n\n");
        for line in rankers {
            out.push_str(&format!("- {}\n", inline(&line)));
        }
        for line in [super::council::aggregate(report), super::council::disagreements(report)].into_iter().flatten() {
            out.push_str(&format!("\n{}\n", inline(&line)));
        }
    }
    if let Some(line) = super::council::no_judge(report) {
        out.push_str(&format!("\n{}\n", inline(line)));
    }
    let notes: Vec<&str> = items(report.get("notes")).filter_map(Value::as_str).collect();
    if !notes.is_empty() {
        out.push_str("\n## Notes\n\n");
        for note in notes {
            out.push_str(&format!("- {}\n", inline(note)));
        }
    }
    match text(report, "final") {
        Some(answer) => {
            let source = text(report, "final_source").map_or(String::new(), |s| format!(" ({s})"));
            out.push_str(&format!("\n## Answer{source}\n\n{}", fence(&answer)));
        }
        None => out.push_str("\n## Answer\n\nNo answer.\n"),
    }
    out
}

/// `text` in a backtick fence one longer than its longest backtick run (at least three).
fn fence(text: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let ticks = "`".repeat((longest + 1).max(3));
    format!("{ticks}text\n{}\n{ticks}\n", text.trim_end())
}

/// `text` on one line, safe inside a list item or a heading: whitespace runs become a
/// space, and characters that would start HTML or break a table are escaped.
fn inline(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    flat.replace('\\', "\\\\").replace('<', "\\<").replace('|', "\\|")
}

fn capitalised(heading: &str) -> String {
    let mut chars = heading.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// Where a follow-up stands in its thread: `turn 2 of a thread: follows run P, begun by
/// run R`. What the thread holds is `frontier show`'s, which reads the history for it.
fn thread_line(summary: &Summary) -> Option<String> {
    let t = summary.thread.as_ref()?;
    Some(format!("turn {} of a thread: follows run {}, begun by run {}", t.turn, t.parent, t.root))
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn a_fence_is_longer_than_any_backtick_run_inside() {
        assert_eq!(fence("plain"), "```text\nplain\n```\n");
        assert_eq!(fence("```rust\nx\n```\n"), "````text\n```rust\nx\n```\n````\n");
        assert_eq!(fence("a `````b"), "``````text\na `````b\n``````\n");
    }

    #[test]
    fn a_follow_up_says_where_it_stands_in_its_thread() {
        let mut summary = crate::render::recorded::tests::summary();
        let link = crate::pipeline::ThreadLink { root: "r1".into(), parent: "r2".into(), turn: 3 };
        summary.thread = Some(link);
        let text = report(&summary, &serde_json::json!({"prompt": "And then?"}));
        let headline: Vec<&str> = text.lines().filter(|l| l.starts_with("- ")).collect();
        assert_eq!(headline.last(), Some(&"- turn 3 of a thread: follows run r2, begun by run r1"), "{text}");
        summary.thread = None;
        assert!(!report(&summary, &serde_json::json!({})).contains("of a thread"));
    }

    #[test]
    fn inline_text_is_one_line_with_html_and_pipes_escaped() {
        assert_eq!(inline("a\n<script> | b\\"), "a \\<script> \\| b\\\\");
    }
}
