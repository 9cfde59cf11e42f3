//! The tables of `frontier runs`: recorded runs, newest first, and per-model statistics.

use std::collections::BTreeMap;

use super::scores::format_ms;
use crate::history::{ModelStats, Summary};
use crate::pipeline::cost::format_usd;

/// One row per run.
pub fn runs_table(runs: &[Summary]) -> String {
    let mut table = super::table::new(&[
        "run",
        "started (UTC)",
        "source",
        "mode · preset",
        "status",
        "models",
        "tokens in/out",
        "cost",
        "wall",
    ]);
    for run in runs {
        let source = match &run.scope {
            Some(scope) => format!("{} ({scope})", run.source),
            None => run.source.clone(),
        };
        let mode = match &run.preset {
            Some(preset) => format!("{} · {preset}", run.mode),
            None => run.mode.clone(),
        };
        let status = match &run.failure_reason {
            Some(reason) => format!("{} ({reason})", run.status),
            None => run.status.clone(),
        };
        table.add_row(super::table::row(vec![
            run.run_id.clone(),
            started(&run.started_at),
            source,
            mode,
            status,
            run.models.join(", "),
            format!("{}/{}", run.input_tokens, run.output_tokens),
            cost(run.cost_usd),
            format_ms(u64::try_from(run.wall_ms).unwrap_or(0)),
        ]));
    }
    table.to_string()
}

/// One row per model, then a line with the number of runs and their total cost.
pub fn stats_table(stats: &BTreeMap<String, ModelStats>, runs: i64, total_cost: Option<f64>) -> String {
    let mut table = super::table::new(&["model", "runs", "calls", "ok", "success", "p50", "p95", "cost"]);
    for (model, s) in stats {
        let ms = |v: Option<i64>| v.map_or("-".to_string(), |v| format_ms(u64::try_from(v).unwrap_or(0)));
        table.add_row(super::table::row(vec![
            model.clone(),
            s.runs.to_string(),
            s.calls.to_string(),
            s.ok.to_string(),
            format!("{:.0}%", s.success_rate * 100.0),
            ms(s.p50_ms),
            ms(s.p95_ms),
            cost(s.cost_usd),
        ]));
    }
    let plural = if runs == 1 { "" } else { "s" };
    format!("{table}\n{runs} run{plural} recorded · total cost {}", cost(total_cost))
}

/// `2026-11-21T10:10:10.123Z` as `2026-11-21 10:10:10`.
fn started(rfc3339: &str) -> String {
    let seconds = rfc3339.split('.').next().unwrap_or(rfc3339);
    seconds.trim_end_matches('Z').replacen('T', " ", 1)
}

pub(super) fn cost(usd: Option<f64>) -> String {
    usd.map_or("-".to_string(), format_usd)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_times_drop_the_t_and_the_fraction() {
        assert_eq!(started("2026-11-21T10:10:10.123Z"), "2026-11-21 10:10:10");
    }
}
