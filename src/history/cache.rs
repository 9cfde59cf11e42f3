//! How much of the input the providers served from their caches, over the runs of a
//! `Window`: per model and role (every call of a run: the panel, earlier rounds, the
//! judge or the council's rankers, the synth) and over all the runs.
//!
//! The `calls` table has no column for cached tokens; they are read from the stored
//! reports by SQLite's JSON functions, one report at a time inside the query, so memory
//! stays flat however many runs the window holds.
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
                 SELECT 'panel', p.value FROM chosen, json_each(chosen.report, '$.panel') p
                 UNION ALL SELECT 'panel', m.value FROM chosen, json_each(chosen.report, '$.rounds') r,
                                                   json_each(r.value, '$.members') m
                 UNION ALL SELECT 'judge', json_extract(chosen.report, '$.judge') FROM chosen
                 UNION ALL SELECT 'council', json_extract(k.value, '$.call') FROM chosen,
                                                   json_each(chosen.report, '$.council.rankers') k
                 UNION ALL SELECT 'synth', json_extract(chosen.report, '$.synth') FROM chosen
             )
             SELECT json_extract(call, '$.model'), role,
                    SUM(COALESCE(json_extract(call, '$.usage.input_tokens'), 0)),
                    SUM(COALESCE(json_extract(call, '$.usage.cached_input_tokens'), 0))
             FROM calls WHERE json_valid(call) AND json_type(call) = 'object'
                          AND json_type(call, '$.model') = 'text'
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
