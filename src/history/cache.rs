//! How much of the input the providers served from their caches, over the runs of a
//! `Window`: per model and role (every call of a run: the panel, earlier rounds, the
//! judge or the council's rankers, the synth) and over all the runs.
//!
//! The `calls` table has no column for cached tokens; they are read from the stored
//! reports by SQLite's JSON functions, one report at a time inside the query, so memory
//! stays flat however many runs the window holds. A report is read by key and trusted in
//! nothing: an element that is not an object (which SQLite would hand on as bare text,
//! not JSON) is passed over inside a `CASE`, which SQLite evaluates lazily, so no shape
//! of report can make the query fail.
//!
//! Knows nothing about prices or how the share is printed.

use super::error::HistoryError;
use super::query::{Window, number};
use super::stats::CacheSample;
use super::store::Store;

impl Store {
    /// The input and cached input tokens of every model's calls in each role.
    pub fn cache_samples_in(&self, window: Window) -> Result<Vec<CacheSample>, HistoryError> {
        let sql = format!(
            "WITH chosen AS (SELECT report FROM runs WHERE run_id IN ({runs})),
             calls(role, call) AS (
                 SELECT 'panel', CASE WHEN p.type = 'object' THEN p.value END
                 FROM chosen, json_each(chosen.report, '$.panel') p
                 UNION ALL SELECT 'panel', CASE WHEN m.type = 'object' THEN m.value END
                 FROM chosen, json_each(chosen.report, '$.rounds') r,
                      json_each(CASE WHEN r.type = 'object' THEN r.value END, '$.members') m
                 UNION ALL SELECT 'judge', CASE WHEN json_type(chosen.report, '$.judge') = 'object'
                                                THEN json_extract(chosen.report, '$.judge') END
                 FROM chosen
                 UNION ALL SELECT 'council', CASE WHEN k.type = 'object' THEN
                                                 CASE WHEN json_type(k.value, '$.call') = 'object'
                                                      THEN json_extract(k.value, '$.call') END END
                 FROM chosen, json_each(chosen.report, '$.council.rankers') k
                 UNION ALL SELECT 'synth', CASE WHEN json_type(chosen.report, '$.synth') = 'object'
                                                THEN json_extract(chosen.report, '$.synth') END
                 FROM chosen
             )
             SELECT json_extract(call, '$.model'), role,
                    SUM(COALESCE(json_extract(call, '$.usage.input_tokens'), 0)),
                    SUM(COALESCE(json_extract(call, '$.usage.cached_input_tokens'), 0))
             FROM calls WHERE call IS NOT NULL AND json_type(call, '$.model') = 'text'
             GROUP BY 1, 2 ORDER BY 1, 2",
            runs = Window::RUNS
        );
        self.rows(&sql, window.params(), |row| {
            Ok(CacheSample {
                model: row.get(0)?,
                role: row.get(1)?,
                input_tokens: number(row, 2)?.unwrap_or(0),
                cached_input_tokens: number(row, 3)?.unwrap_or(0),
            })
        })
    }

    /// The input tokens of the window's runs, and the part served from caches.
    pub fn cache_totals_in(&self, window: Window) -> Result<(i64, i64), HistoryError> {
        let sql = format!(
            "SELECT SUM(input_tokens), SUM(COALESCE(json_extract(report, '$.totals.cached_input_tokens'), 0))
             FROM runs WHERE run_id IN ({})",
            Window::RUNS
        );
        let rows =
            self.rows(&sql, window.params(), |row| Ok((number(row, 0)?.unwrap_or(0), number(row, 1)?.unwrap_or(0))))?;
        Ok(rows.first().copied().unwrap_or((0, 0)))
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;
    use serde_json::json;

    use super::*;
    use crate::history::Source;

    fn sample(model: &str, role: &str, input_tokens: i64, cached_input_tokens: i64) -> CacheSample {
        CacheSample { model: model.into(), role: role.into(), input_tokens, cached_input_tokens }
    }

    #[test]
    fn every_call_of_a_run_counts_and_no_shape_of_report_fails_the_query() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open_or_create(&dir.path().join("h.sqlite3")).unwrap();
        let call = |model: &str, input: u64, cached: u64| json!({"model": model, "usage": {"input_tokens": input, "cached_input_tokens": cached}});
        let report = json!({
            "run_id": "r1", "status": "ok", "mode": "fusion",
            "panel": [call("a", 100, 60), "text", 5, {"model": 7}],
            "rounds": ["text", 5, {"members": ["text", call("a", 10, 0)]}, {"members": "text"}],
            "judge": "{\"model\": \"j\"}",
            "council": {"rankers": ["text", {"call": "text"}, {"call": call("r", 30, 30)}]},
            "synth": call("s", 50, 25),
            "totals": {"input_tokens": 190, "cached_input_tokens": 115, "wall_ms": 1},
        });
        store.record(&report, Source::Run).unwrap();
        store.record(&json!({"run_id": "r2", "panel": "text", "rounds": {"a": 1}, "council": 3}), Source::Run).unwrap();
        assert_eq!(
            store.cache_samples_in(Window::default()).unwrap(),
            vec![sample("a", "panel", 110, 60), sample("r", "council", 30, 30), sample("s", "synth", 50, 25)]
        );
        assert_eq!(store.cache_totals_in(Window::default()).unwrap(), (190, 115));
    }
}
