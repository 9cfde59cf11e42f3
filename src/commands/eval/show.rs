//! What an eval shows: the summary summed from its results file (streamed, so memory
//! stays flat), the dry run's plan, and at the end the table on stdout (or `--json`),
//! with the Markdown report and the chart written into the eval's directory.
//!
//! Knows nothing about how the results were obtained; the layout is render::eval's.

use std::path::Path;

use serde::Serialize;

use super::estimate::Estimate;
use super::source::Counts;
use crate::error::Result;
use crate::eval::contender::Contender;
use crate::eval::grading;
use crate::eval::journal::{self, Definition, Record};
use crate::eval::score::tally::Tally;
use crate::eval::{Spend, Summary};
use crate::pipeline::Totals;
use crate::pipeline::cost::format_usd;
use crate::render::{self, Screen};

pub const REPORT: &str = "report.md";
pub const CHART: &str = "chart.svg";

/// What the eval in `dir` has found so far.
pub fn summarize(
    definition: &Definition,
    contenders: &[Contender],
    shapes: &[String],
    dir: &Path,
    notes: &[String],
    complete: bool,
) -> Result<Summary> {
    let mut tallies: Vec<Tally> = contenders.iter().map(|_| Tally::default()).collect();
    let mut spent = Totals::default();
    let mut unreadable = 0;
    // Per contender: runs whose judge was asked and gave no verdict.
    let mut no_verdict = vec![(0u64, 0u64); contenders.len()];
    let index = |label: &str| contenders.iter().position(|c| c.label == label);
    for record in journal::records(dir)? {
        match record {
            None => unreadable += 1,
            Some(Record::Answer(answer)) => {
                let Some(i) = index(&answer.contender) else { continue };
                let (Some(tally), Some(verdicts)) = (tallies.get_mut(i), no_verdict.get_mut(i)) else { continue };
                verdicts.0 += u64::from(answer.no_verdict);
                verdicts.1 += 1;
                match &answer.answer {
                    Some(text) => tally.answered(text.chars().count() as u64, &answer.totals, answer.latency_ms),
                    None => {
                        tally.failed((answer.latency_ms > 0).then_some(answer.latency_ms));
                        tally.spend(&answer.totals);
                    }
                }
                if let Some(correct) = answer.correct {
                    tally.scored(correct);
                }
            }
            Some(Record::Grade(grade)) => {
                grading::add(&mut spent, &grade.totals);
                if let Some(tally) = index(&grade.contender).and_then(|i| tallies.get_mut(i)) {
                    tally.paired(grade.pairing);
                }
            }
        }
    }
    let mut notes = notes.to_vec();
    for (contender, (missing, runs)) in contenders.iter().zip(&no_verdict).filter(|(_, (missing, _))| *missing > 0) {
        notes.push(format!(
            "{}: its judge gave no verdict in {missing} of {runs} runs, so the synth fused without one there",
            contender.label
        ));
    }
    if unreadable > 0 {
        notes.push(format!("{unreadable} lines of {} could not be read and are left out", journal::RESULTS));
    }
    let scores = tallies
        .into_iter()
        .zip(contenders.iter().zip(shapes))
        .map(|(tally, (contender, shape))| tally.finish(&contender.label, shape))
        .collect();
    let baseline_graded = definition.grader.is_some();
    Ok(Summary {
        eval_id: definition.eval_id.clone(),
        set: definition.set.clone(),
        items: definition.items,
        baseline: baseline_graded.then(|| definition.baseline.clone()),
        grader: definition.grader.clone(),
        contenders: scores,
        grading: Spend {
            input_tokens: spent.usage.input_tokens,
            output_tokens: spent.usage.output_tokens,
            cached_input_tokens: spent.usage.cached_input_tokens,
            cost_usd: spent.cost_usd,
            cost_estimated: spent.cost_estimated,
        },
        notes,
        complete,
    })
}

/// Writes the report and the chart into `dir`, then prints the summary.
pub fn finish(summary: &Summary, dir: &Path, screen: &Screen, json: bool) -> Result<()> {
    let report = dir.join(REPORT);
    crate::config::atomic::write_private(&report, &render::eval::markdown::report(summary))?;
    let chart = dir.join(CHART);
    let written = match render::eval::chart::chart_svg(summary) {
        Ok(svg) => {
            crate::config::atomic::write_private(&chart, &svg)?;
            true
        }
        Err(why) => {
            super::super::warn(&format!("the chart could not be drawn: {why}"));
            false
        }
    };
    if json {
        super::super::print_json(summary);
    } else {
        render::write_stdout(&render::eval::table::summary(summary, screen.stdout()));
    }
    let mut paths = format!("report: {}\n", report.display());
    if written {
        paths.push_str(&format!("chart: {}\n", chart.display()));
    }
    render::write_stderr(&paths);
    Ok(())
}

/// What a dry run prints: the plan of the eval and its estimate; nothing is sent.
pub fn dry_run(
    definition: &Definition,
    contenders: &[Contender],
    counts: Counts,
    estimate: &Estimate,
    notes: &[String],
    json: bool,
) {
    #[derive(Serialize)]
    struct Planned<'a> {
        dry_run: bool,
        set: &'a str,
        items: u64,
        items_without_reference: u64,
        baseline: &'a str,
        grader: Option<&'a str>,
        contenders: Vec<PlannedContender<'a>>,
        grading_calls: u64,
        grading_usd: f64,
        calls: u64,
        estimated_usd: f64,
        unpriced: &'a [String],
        notes: &'a [String],
    }
    #[derive(Serialize)]
    struct PlannedContender<'a> {
        label: &'a str,
        spec: &'a str,
        calls: u64,
        estimated_usd: f64,
    }
    let planned = Planned {
        dry_run: true,
        set: &definition.set,
        items: counts.items,
        items_without_reference: counts.ungraded,
        baseline: &definition.baseline,
        grader: definition.grader.as_deref().filter(|_| estimate.grading.1 > 0),
        contenders: contenders
            .iter()
            .zip(&estimate.contenders)
            .map(|(c, (_, usd, calls))| PlannedContender {
                label: &c.label,
                spec: &c.spec,
                calls: *calls,
                estimated_usd: *usd,
            })
            .collect(),
        grading_calls: estimate.grading.1,
        grading_usd: estimate.grading.0,
        calls: estimate.calls(),
        estimated_usd: estimate.usd(),
        unpriced: &estimate.unpriced,
        notes,
    };
    if json {
        super::super::print_json(&planned);
        return;
    }
    let mut out = format!(
        "eval (dry run): {} items from {}, {} without a reference\n",
        planned.items,
        render::sanitize::clean(planned.set),
        planned.items_without_reference
    );
    for c in &planned.contenders {
        out.push_str(&format!(
            "  {}: {} calls, about {}\n",
            render::sanitize::clean(c.label),
            c.calls,
            format_usd(c.estimated_usd)
        ));
    }
    match planned.grader {
        Some(grader) => out.push_str(&format!(
            "  grading by {} against {}: {} calls, about {}\n",
            render::sanitize::clean(grader),
            render::sanitize::clean(planned.baseline),
            planned.grading_calls,
            format_usd(planned.grading_usd)
        )),
        None => out.push_str("  no grading: every item has a reference\n"),
    }
    out.push_str(&format!("total: {} calls, about {}", planned.calls, format_usd(planned.estimated_usd)));
    if !estimate.unpriced.is_empty() {
        out.push_str(&format!(" (not counting {}, which have no price)", estimate.unpriced.join(", ")));
    }
    out.push('\n');
    for note in notes {
        out.push_str(&format!("note: {}\n", render::sanitize::clean(note)));
    }
    out.push_str("nothing was sent (--dry-run)\n");
    render::write_stdout(&out);
}

/// A contender's plan in words, for the summary.
pub fn describe(plan: &crate::pipeline::RunPlan) -> String {
    if plan.mode == crate::pipeline::RunMode::Single {
        return plan.panel.first().map_or_else(String::new, |p| {
            let params: Vec<String> = p.params.pairs().iter().map(|(k, v)| format!("{k} {v}")).collect();
            match params.is_empty() {
                true => format!("model {}", p.model),
                false => format!("model {} ({})", p.model, params.join(", ")),
            }
        });
    }
    let members: Vec<&str> = plan.panel.iter().map(|p| p.model.as_str()).collect();
    let judge = if plan.council {
        "council".to_string()
    } else {
        plan.judge.as_ref().map_or_else(|| "none".to_string(), |j| j.model.clone())
    };
    let synth = plan.synth.as_ref().map_or("none", |s| s.model.as_str());
    let mut words = format!("{} members ({}), judge {judge}, synth {synth}", members.len(), members.join(", "));
    if plan.rounds > 1 {
        words.push_str(&format!(", {} rounds", plan.rounds));
    }
    words
}
