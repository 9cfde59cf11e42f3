//! The score table (for a run whose report is not kept for `show`), the one-line
//! standings `run` ends with, and the summary line of a finished run.

use super::screen::Fit;
use super::wrap::one_line;
use crate::pipeline::cost::format_usd;
use crate::pipeline::{FinalSource, RunReport};

/// The most characters of a failed member's error a table shows (on one line; `frontier
/// show` prints all of it).
pub const ERROR_CELL_CHARS: usize = 40;
/// The most characters of a judge's reason `run`'s table shows (`frontier show` prints
/// all of it).
const REASON_CELL_CHARS: usize = 160;

/// One row per panel member: ranked answers first, then unranked, then failures.
pub fn table(report: &RunReport, fit: Fit) -> String {
    let mut table =
        super::table::fitted(&["#", "model", "label", "score", "latency", "tokens in/out", "cost", "notes"], fit);
    let ranked = ranked(report);
    let mut rows: Vec<usize> = ranked.clone();
    rows.extend((0..report.panel.len()).filter(|i| !ranked.contains(i) && report.panel[*i].call.ok));
    rows.extend((0..report.panel.len()).filter(|i| !report.panel[*i].call.ok));
    for index in rows {
        let member = &report.panel[index];
        let m = &member.call;
        let rank = ranked.iter().position(|r| *r == index).map_or("-".to_string(), |p| (p + 1).to_string());
        let score = report.analysis.as_ref().and_then(|a| a.scores.iter().find(|s| s.member == index));
        let score_text = score.map_or("-".to_string(), |s| format_score(s.score));
        let estimated = if m.usage_estimated { "~" } else { "" };
        let tokens = m.usage.map_or("-".to_string(), |u| format!("{estimated}{}/{}", u.input_tokens, u.output_tokens));
        let cost = m.cost_usd.map_or("-".to_string(), |c| format!("{estimated}{}", format_usd(c)));
        let notes = match (&m.error, score) {
            // A cut member's error already starts with `cut:`.
            (Some(err), _) if member.cut => one_line(err, ERROR_CELL_CHARS),
            (Some(err), _) => format!("failed: {}", one_line(err, ERROR_CELL_CHARS)),
            (None, Some(s)) => one_line(&s.reason, REASON_CELL_CHARS),
            (None, None) => String::new(),
        };
        table.add_row(super::table::row(vec![
            rank,
            m.model.clone(),
            member.label.clone().unwrap_or_else(|| "-".into()),
            score_text,
            format_ms(m.latency_ms),
            tokens,
            cost,
            notes,
        ]));
    }
    super::table::keep_whole(&mut table, 1, 30);
    // At a narrow width: tokens, then latency, then cost (`frontier show` has them all).
    table.droppable(&[5, 4, 6]);
    table.to_string()
}

/// `1 mock:two (B) 10`, `2 mock:one (A) 6`, `mock:bad failed`: the members best first
/// (with the label the judge saw), then unranked ones, then failures; the standings
/// `run` ends with on a screen.
pub fn standings(report: &RunReport) -> Vec<String> {
    let scores = report.analysis.as_ref().map(|a| a.scores.as_slice()).unwrap_or_default();
    let ranked = ranked(report);
    let mut parts: Vec<String> = ranked
        .iter()
        .enumerate()
        .filter_map(|(place, member)| {
            let m = report.panel.get(*member)?;
            let score = scores.iter().find(|s| s.member == *member).map_or("-".into(), |s| format_score(s.score));
            let label = m.label.as_ref().map_or(String::new(), |l| format!(" ({})", super::sanitize::name(l)));
            Some(format!("{} {}{label} {score}", place + 1, super::sanitize::name(&m.call.model)))
        })
        .collect();
    for (_, m) in report.panel.iter().enumerate().filter(|(i, _)| !ranked.contains(i)) {
        let model = super::sanitize::name(&m.call.model);
        parts.push(match (m.call.ok, m.cut) {
            (true, _) => format!("- {model}"),
            (false, true) => format!("{model} cut"),
            (false, false) => format!("{model} failed"),
        });
    }
    parts
}

/// The members the judge ranked, best first, by index.
fn ranked(report: &RunReport) -> Vec<usize> {
    let Some(a) = &report.analysis else { return Vec::new() };
    let mut order: Vec<usize> = Vec::new();
    for model in &a.ranking {
        // Models may repeat in a panel: take the next member of that name not yet placed.
        if let Some(s) = a.scores.iter().find(|s| &s.model == model && !order.contains(&s.member)) {
            order.push(s.member);
        }
    }
    order
}

/// `run ID · fusion · demo · 3/3 answered · judge ok · synth ok · 0.6s · 1234 tokens · $0.01`;
/// `judge none` for a run with no judge by design.
pub fn summary(report: &RunReport) -> String {
    let answered = report.panel.iter().filter(|m| m.call.ok).count();
    let mut parts = vec![
        format!("run {}", report.run_id),
        format!("{:?}", report.mode).to_lowercase(),
        super::sanitize::name(
            &report
                .preset
                .clone()
                .unwrap_or_else(|| report.panel.first().map(|m| m.call.model.clone()).unwrap_or_default()),
        ),
        format!("{answered}/{} answered", report.panel.len()),
    ];
    if let Some(j) = &report.judge {
        parts.push(format!("judge {} {}", super::sanitize::name(&j.model), if j.ok { "ok" } else { "failed" }));
    }
    if report.no_judge {
        parts.push("judge none".into());
    }
    if let Some(c) = &report.council {
        let counted = c.rankers.iter().filter(|r| r.ranking.is_some()).count();
        parts.push(format!("council {counted}/{} rankings", c.rankers.len()));
    }
    if let Some(s) = &report.synth {
        parts.push(format!("synth {} {}", super::sanitize::name(&s.model), if s.ok { "ok" } else { "failed" }));
    }
    match report.final_source {
        Some(FinalSource::JudgeTop) => parts.push("answer: judge's top pick".into()),
        Some(FinalSource::CouncilTop) => parts.push("answer: council's top pick".into()),
        Some(FinalSource::Longest) => parts.push("answer: longest".into()),
        Some(FinalSource::SoleSurvivor) => parts.push("answer: the only one".into()),
        _ => {}
    }
    parts.push(format_ms(report.totals.wall_ms));
    let tokens = report.totals.usage.input_tokens + report.totals.usage.output_tokens;
    parts.push(match report.totals.usage.cached_input_tokens {
        0 => format!("{tokens} tokens"),
        cached => format!("{tokens} tokens ({cached} cached)"),
    });
    parts.push(match report.totals.cost_usd {
        Some(usd) if report.totals.cost_estimated => {
            format!("at least ~{} (some costs estimated or unknown)", format_usd(usd))
        }
        Some(usd) => format_usd(usd),
        None => "cost unknown (no prices)".to_string(),
    });
    parts.join(" · ")
}

fn format_score(score: f64) -> String {
    if score.fract() == 0.0 { format!("{score:.0}") } else { format!("{score:.1}") }
}

pub fn format_ms(ms: u64) -> String {
    if ms < 1000 { format!("{ms} ms") } else { format!("{:.1}s", ms as f64 / 1000.0) }
}
