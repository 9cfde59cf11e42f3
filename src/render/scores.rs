//! The score table and summary line of a finished run.

use crate::pipeline::cost::format_usd;
use crate::pipeline::{FinalSource, RunReport};

/// One row per panel member: ranked answers first, then unranked, then failures.
pub fn table(report: &RunReport) -> String {
    let mut table = super::table::new(&["#", "model", "label", "score", "latency", "tokens in/out", "cost", "notes"]);
    let ranked: Vec<usize> = match &report.analysis {
        Some(a) => {
            let mut order: Vec<usize> = Vec::new();
            for model in &a.ranking {
                // Models may repeat in a panel: take the next member of that name not yet placed.
                if let Some(s) = a.scores.iter().find(|s| &s.model == model && !order.contains(&s.member)) {
                    order.push(s.member);
                }
            }
            order
        }
        None => Vec::new(),
    };
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
            (Some(err), _) if member.cut => err.clone(),
            (Some(err), _) => format!("failed: {err}"),
            (None, Some(s)) => s.reason.clone(),
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
    table.to_string()
}

/// `fusion · demo · 3/3 answered · judge ok · synth ok · 0.6s · 1234 tokens`.
pub fn summary(report: &RunReport) -> String {
    let answered = report.panel.iter().filter(|m| m.call.ok).count();
    let mut parts = vec![
        format!("{:?}", report.mode).to_lowercase(),
        report.preset.clone().unwrap_or_else(|| report.panel.first().map(|m| m.call.model.clone()).unwrap_or_default()),
        format!("{answered}/{} answered", report.panel.len()),
    ];
    if let Some(j) = &report.judge {
        parts.push(format!("judge {} {}", j.model, if j.ok { "ok" } else { "failed" }));
    }
    if let Some(s) = &report.synth {
        parts.push(format!("synth {} {}", s.model, if s.ok { "ok" } else { "failed" }));
    }
    match report.final_source {
        Some(FinalSource::JudgeTop) => parts.push("answer: judge's top pick".into()),
        Some(FinalSource::Longest) => parts.push("answer: longest".into()),
        Some(FinalSource::SoleSurvivor) => parts.push("answer: the only one".into()),
        _ => {}
    }
    parts.push(format_ms(report.totals.wall_ms));
    parts.push(format!("{} tokens", report.totals.input_tokens + report.totals.output_tokens));
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
