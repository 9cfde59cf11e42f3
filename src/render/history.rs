//! The tables of `frontier runs`: recorded runs, newest first (local time, the prompt's
//! first words, a follow-up's turn), and statistics per model and role (with the share
//! of input read from the providers' caches, when any was).

use std::collections::BTreeMap;

use super::scores::format_ms;
use super::screen::Fit;
use super::wrap::one_line;
use crate::history::{ModelStats, Summary};
use crate::pipeline::cost::format_usd;

/// How much of a prompt the runs table shows.
const PROMPT_CELL_CHARS: usize = 40;

/// Below this width the runs table leaves out source, models and cost (`show` has them).
const NARROW_COLUMNS: usize = 120;

/// One row per run.
pub fn runs_table(runs: &[Summary], fit: Fit) -> String {
    let narrow = fit.width.is_some_and(|w| w < NARROW_COLUMNS);
    let header: &[&str] = if narrow {
        &["run", "started (local)", "prompt", "status", "wall"]
    } else {
        &["run", "started (local)", "prompt", "source · mode", "status", "models", "cost", "wall"]
    };
    let mut table = super::table::fitted(header, fit);
    for run in runs {
        let mut source = match &run.scope {
            Some(scope) => format!("{} ({scope}) · {}", run.source, run.mode),
            None => format!("{} · {}", run.source, run.mode),
        };
        if let Some(preset) = &run.preset {
            source.push_str(&format!(" · {preset}"));
        }
        // At a narrow width a failure's reason (`show` has it) would crowd out the id,
        // which must stay whole to be copied.
        let status = match &run.failure_reason {
            Some(reason) if !narrow => format!("{} ({reason})", run.status),
            _ => run.status.clone(),
        };
        let wall = format_ms(u64::try_from(run.wall_ms).unwrap_or(0));
        let head = run.prompt_head.as_deref().unwrap_or("-");
        let prompt = match &run.thread {
            // A follow-up: `↳2 How often?` (`+2` where boxes can't be drawn either).
            Some(link) => {
                let arrow = if fit.ascii { "+" } else { "↳" };
                one_line(&format!("{arrow}{} {head}", link.turn), PROMPT_CELL_CHARS)
            }
            None => one_line(head, PROMPT_CELL_CHARS),
        };
        let started = minutes(&run.started_local);
        table.add_row(super::table::row(if narrow {
            vec![run.run_id.clone(), started, prompt, status, wall]
        } else {
            vec![run.run_id.clone(), started, prompt, source, status, run.models.join(", "), cost(run.cost_usd), wall]
        }));
    }
    // An id is copied whole from here, and a time reads badly broken.
    super::table::keep_whole(&mut table, 0, 40);
    super::table::keep_whole(&mut table, 1, 20);
    for figure in if narrow { &[4][..] } else { &[6, 7][..] } {
        super::table::keep_whole(&mut table, *figure, 12);
    }
    table.to_string()
}

/// The columns of the statistics table left out at a narrow width, by index.
const STATS_RUNS: usize = 2;
const STATS_CALLS: usize = 3;
const STATS_OK: usize = 4;
const STATS_P95: usize = 7;

/// One row per model and role, then a line with the number of runs and their total cost,
/// and one with the share of their input (`cache`: input and cached input tokens) read
/// from the providers' caches. The share has a column and a line only when some input
/// was: a history of providers that report no caching does not fill a column with 0%.
pub fn stats_table(
    stats: &BTreeMap<String, ModelStats>,
    runs: i64,
    total_cost: Option<f64>,
    cache: (i64, i64),
    fit: Fit,
) -> String {
    let cached = cache.1 > 0 || stats.values().any(|s| s.cached_input_tokens > 0);
    let mut header = vec!["model", "role", "runs", "calls", "ok", "success", "p50", "p95", "cost"];
    if cached {
        header.push("cache");
    }
    let mut table = super::table::fitted(&header, fit);
    for (model, all) in stats {
        for (role, s) in &all.roles {
            let ms = |v: Option<i64>| v.map_or("-".to_string(), |v| format_ms(u64::try_from(v).unwrap_or(0)));
            let share = cached.then(|| super::cache::percent(s.input_tokens, s.cached_input_tokens));
            table.add_row(super::table::row(
                [
                    model.clone(),
                    role.clone(),
                    s.runs.to_string(),
                    s.calls.to_string(),
                    s.ok.to_string(),
                    format!("{:.0}%", s.success_rate * 100.0),
                    ms(s.p50_ms),
                    ms(s.p95_ms),
                    cost(s.cost_usd),
                ]
                .into_iter()
                .chain(share)
                .collect(),
            ));
        }
    }
    super::table::keep_whole(&mut table, 0, 30);
    // A figure and its unit (`12 ms`) stay on one line.
    for figure in 2..header.len() {
        super::table::keep_whole(&mut table, figure, 12);
    }
    // What the other columns imply goes first: `success` has `ok`, `runs` counts roughly
    // what `calls` does, `p50` says more than `p95`.
    table.droppable(&[STATS_OK, STATS_CALLS, STATS_P95, STATS_RUNS]);
    let plural = if runs == 1 { "" } else { "s" };
    let mut out = format!("{table}\n{runs} run{plural} recorded · total cost {}", cost(total_cost));
    if let Some(share) = super::cache::share(cache.0, cache.1).filter(|_| cached) {
        out.push_str(&format!("\ncache: {share}"));
    }
    out
}

/// `2026-11-21 10:10:10 +01:00` as `2026-11-21 10:10`: seconds and the offset are noise
/// in a list (`show` has both).
fn minutes(local: &str) -> String {
    match local.split_once(' ') {
        Some((date, rest)) if rest.len() >= 8 && rest.as_bytes().get(5) == Some(&b':') => {
            format!("{date} {}", &rest[..5])
        }
        _ => local.to_string(),
    }
}

pub(super) fn cost(usd: Option<f64>) -> String {
    usd.map_or("-".to_string(), format_usd)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_times_drop_the_seconds_and_the_offset() {
        assert_eq!(minutes("2026-11-21 10:10:10 +01:00"), "2026-11-21 10:10");
        assert_eq!(minutes("2026-11-21T10:10:10.123Z"), "2026-11-21T10:10:10.123Z");
    }
}
