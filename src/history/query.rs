//! Reading the history back: the newest runs as summaries, one run's stored report by
//! id or any unique part of it, and the model calls `--stats` aggregates, over a [`Window`] (the
//! newest N runs, runs since a time). Each query is one read, so it sees a consistent
//! snapshot while other processes write.
//!
//! Start times are stored in UTC; SQLite's `localtime` gives each run's local time and
//! offset as the C library sees the time zone (`TZ`, else the system's). A stored time
//! no format can write (past 9999, before 1970) is formatted as `when` says: `None` in
//! JSON beside the raw number, a placeholder for people.

use rusqlite::{Params, Row, params};
use serde::Serialize;
use serde_json::Value;

use super::error::{HistoryError, HistoryErrorKind};
use super::stats::CallSample;
use super::store::Store;
use super::when;
use crate::pipeline::ThreadLink;

/// One run as `frontier runs` lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub run_id: String,
    /// RFC 3339, UTC, to the millisecond; `None` for a time it can't write.
    pub started_at: Option<String>,
    /// When the run began, Unix ms, as stored.
    pub started_at_ms: i64,
    /// `run`, `chat`, `hook` or `mcp`.
    pub source: String,
    pub scope: Option<String>,
    pub mode: String,
    pub preset: Option<String>,
    pub status: String,
    pub failure_reason: Option<String>,
    pub models: Vec<String>,
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub cost_usd: Option<f64>,
    pub wall_ms: i64,
    /// The prompt's first characters (the whole prompt is in the report).
    pub prompt_head: Option<String>,
    /// The input tokens the providers served from their caches (part of `input_tokens`).
    pub cached_input_tokens: i64,
    /// Where the run sits in its thread, when it continues one.
    pub thread: Option<ThreadLink>,
    /// The start in local time, `2026-11-21 11:10:10 +01:00` (or `when::PLACEHOLDER`);
    /// for people, not for JSON.
    #[serde(skip)]
    pub started_local: String,
}

/// Which runs a query covers: those since a time, and of them the newest few.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Window {
    /// Unix time in ms.
    pub since_ms: Option<i64>,
    pub limit: Option<usize>,
}

impl Window {
    /// The runs' filter, on `runs` columns, taking parameters `?1` (since) and `?2`
    /// (limit; -1 is none).
    pub(super) const RUNS: &str = "SELECT run_id FROM runs WHERE started_at_ms >= ?1 \
                        ORDER BY started_at_ms DESC, rowid DESC LIMIT ?2";

    pub(super) fn params(self) -> [i64; 2] {
        [self.since_ms.unwrap_or(i64::MIN), self.limit.map_or(-1, |l| i64::try_from(l).unwrap_or(i64::MAX))]
    }
}

/// How many characters of the prompt a summary carries.
const PROMPT_HEAD_CHARS: usize = 120;

/// The outcome of looking a run up by id or prefix.
#[derive(Debug)]
pub enum Found {
    /// The run's summary and its report exactly as stored.
    One(Box<Summary>, Value),
    NotFound,
    /// The id matches several runs equally well (`Store::find`); a few of their ids.
    Ambiguous(Vec<String>),
}

/// The columns `summary` reads, in its order; the report, when selected, comes after.
pub(super) fn summary_columns() -> String {
    let start = "started_at_ms / 1000, 'unixepoch'";
    format!(
        "run_id, started_at_ms, source, scope, mode, preset, status, failure_reason, \
         models, input_tokens, output_tokens, cost_usd, wall_ms, \
         substr(json_extract(report, '$.prompt'), 1, {PROMPT_HEAD_CHARS}), \
         strftime('%Y-%m-%d %H:%M:%S', {start}, 'localtime'), \
         CAST(round((julianday({start}, 'localtime') - julianday({start})) * 1440) AS INTEGER), \
         json_extract(report, '$.totals.cached_input_tokens'), \
         json_extract(report, '$.thread.root'), json_extract(report, '$.thread.parent'), \
         json_extract(report, '$.thread.turn')"
    )
}

/// The index of the report column after the summary's.
const REPORT_COLUMN: usize = 20;

/// How many runs an ambiguous id lists.
const CANDIDATES_SHOWN: usize = 6;

impl Store {
    /// The newest `limit` runs, newest first.
    pub fn list(&self, limit: usize) -> Result<Vec<Summary>, HistoryError> {
        self.list_window(Window { since_ms: None, limit: Some(limit) })
    }

    /// The runs of `window`, newest first.
    pub fn list_window(&self, window: Window) -> Result<Vec<Summary>, HistoryError> {
        let sql = format!(
            "SELECT {} FROM runs WHERE run_id IN ({}) ORDER BY started_at_ms DESC, rowid DESC",
            summary_columns(),
            Window::RUNS
        );
        self.rows(&sql, window.params(), summary)
    }

    /// The newest run.
    pub fn last(&self) -> Result<Found, HistoryError> {
        let sql =
            format!("SELECT {}, report FROM runs ORDER BY started_at_ms DESC, rowid DESC LIMIT 1", summary_columns());
        let rows = self.rows(&sql, [], |row| Ok((summary(row)?, row.get::<_, String>(REPORT_COLUMN)?)))?;
        self.found(rows)
    }

    /// The run `id` names: the run whose id is `id`; else the one run whose id starts
    /// with it; else the one run whose id holds it anywhere (the random end of
    /// `20261207-173308-6c50e3e6` is as good as its time). The first of these kinds that
    /// matches decides: several matches of it are ambiguous, and a worse kind is never
    /// asked, so a prefix that names one run is not spoilt by another run holding it
    /// further in.
    pub fn find(&self, id: &str) -> Result<Found, HistoryError> {
        let sql = format!(
            "SELECT {}, report, CASE WHEN run_id = ?1 THEN 0
                                     WHEN substr(run_id, 1, length(?1)) = ?1 THEN 1
                                     ELSE 2 END AS kind
             FROM runs WHERE instr(run_id, ?1) > 0
             ORDER BY kind, run_id LIMIT {}",
            summary_columns(),
            CANDIDATES_SHOWN
        );
        let rows = self.rows(&sql, params![id], |row| {
            Ok((row.get::<_, i64>(REPORT_COLUMN + 1)?, (summary(row)?, row.get::<_, String>(REPORT_COLUMN)?)))
        })?;
        let best = rows.first().map(|(kind, _)| *kind);
        // Ids are the table's key: an exact match is one row.
        let rows: Vec<(Summary, String)> =
            rows.into_iter().filter(|(kind, _)| Some(*kind) == best).map(|(_, row)| row).collect();
        match rows.len() {
            0 | 1 => self.found(rows),
            _ => Ok(Found::Ambiguous(rows.into_iter().map(|(s, _)| s.run_id).collect())),
        }
    }

    fn found(&self, rows: Vec<(Summary, String)>) -> Result<Found, HistoryError> {
        let Some((summary, report)) = rows.into_iter().next() else { return Ok(Found::NotFound) };
        let report = serde_json::from_str(&report).map_err(|e| {
            HistoryError::new(
                &self.path,
                HistoryErrorKind::Corrupt,
                format!("run {} has a damaged report ({e})", summary.run_id),
            )
        })?;
        Ok(Found::One(Box::new(summary), report))
    }

    /// Every model call recorded, for `--stats`.
    pub fn call_samples(&self) -> Result<Vec<CallSample>, HistoryError> {
        self.call_samples_in(Window::default())
    }

    /// The model calls of the runs in `window`.
    pub fn call_samples_in(&self, window: Window) -> Result<Vec<CallSample>, HistoryError> {
        let sql = format!(
            "SELECT model, run_id, ok, latency_ms, cost_usd, role FROM calls WHERE run_id IN ({}) ORDER BY model",
            Window::RUNS
        );
        self.rows(&sql, window.params(), |row| {
            Ok(CallSample {
                model: row.get(0)?,
                run_id: row.get(1)?,
                ok: row.get(2)?,
                latency_ms: row.get(3)?,
                cost_usd: row.get(4)?,
                role: row.get(5)?,
            })
        })
    }

    /// How many runs are recorded, and their total cost (`None` when no run had a price).
    pub fn totals(&self) -> Result<(i64, Option<f64>), HistoryError> {
        self.totals_in(Window::default())
    }

    /// How many runs `window` covers, and their total cost.
    pub fn totals_in(&self, window: Window) -> Result<(i64, Option<f64>), HistoryError> {
        let sql = format!("SELECT COUNT(*), SUM(cost_usd) FROM runs WHERE run_id IN ({})", Window::RUNS);
        self.conn.query_row(&sql, window.params(), |row| Ok((row.get(0)?, row.get(1)?))).map_err(|e| self.error(&e))
    }

    /// Every row `sql` selects, each mapped by `map`.
    pub(super) fn rows<T>(
        &self,
        sql: &str,
        params: impl Params,
        map: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, HistoryError> {
        let run = || self.conn.prepare(sql)?.query_map(params, map)?.collect::<rusqlite::Result<Vec<T>>>();
        run().map_err(|e| self.error(&e))
    }
}

pub(super) fn summary(row: &Row<'_>) -> rusqlite::Result<Summary> {
    let models: String = row.get(8)?;
    let started_at_ms: i64 = row.get(1)?;
    Ok(Summary {
        run_id: row.get(0)?,
        started_at: when::rfc3339_millis(started_at_ms),
        started_at_ms,
        source: row.get(2)?,
        scope: row.get(3)?,
        mode: row.get(4)?,
        preset: row.get(5)?,
        status: row.get(6)?,
        failure_reason: row.get(7)?,
        models: serde_json::from_str(&models).unwrap_or_default(),
        input_tokens: row.get(9)?,
        output_tokens: row.get(10)?,
        cost_usd: row.get(11)?,
        wall_ms: row.get(12)?,
        prompt_head: row.get(13)?,
        started_local: when::local(started_at_ms, row.get(14)?, row.get(15)?),
        cached_input_tokens: number(row, 16)?.unwrap_or(0),
        thread: thread_link(row, 17)?,
    })
}

/// A JSON number a report holds, as SQLite gives it back: an integer, or NULL (absent, or
/// not a number a column can hold) as `None`.
pub(super) fn number(row: &Row<'_>, column: usize) -> rusqlite::Result<Option<i64>> {
    Ok(match row.get_ref(column)? {
        rusqlite::types::ValueRef::Integer(n) => Some(n),
        _ => None,
    })
}

/// The thread link in the three columns from `column`: all of them, or none.
fn thread_link(row: &Row<'_>, column: usize) -> rusqlite::Result<Option<ThreadLink>> {
    let text = |i: usize| -> rusqlite::Result<Option<String>> {
        Ok(match row.get_ref(column + i)? {
            rusqlite::types::ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
            _ => None,
        })
    };
    let turn = number(row, column + 2)?.and_then(|t| u32::try_from(t).ok());
    Ok(match (text(0)?, text(1)?, turn) {
        (Some(root), Some(parent), Some(turn)) => Some(ThreadLink { root, parent, turn }),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;
    use serde_json::json;

    use super::*;
    use crate::history::Source;

    fn report(id: &str, wall_ms: u64) -> Value {
        json!({
            "run_id": id, "status": "ok", "mode": "fusion", "preset": "demo", "prompt": "hi",
            "panel": [{"model": "m", "route": "mock:m", "ok": true, "latency_ms": 3,
                       "usage": {"input_tokens": 1, "output_tokens": 2}, "cost_usd": 0.1}],
            "judge": null, "synth": null, "final": "yo", "failure_reason": null,
            "totals": {"input_tokens": 1, "output_tokens": 2, "wall_ms": wall_ms, "cost_usd": 0.1},
        })
    }

    #[test]
    fn records_lists_newest_first_and_finds_by_prefix() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open_or_create(&dir.path().join("h.sqlite3")).unwrap();
        // The first run began long before the second: it lists second.
        store.record(&report("20260101-000000-aaaa0001", 60_000), Source::Run).unwrap();
        store.record(&report("20260101-000000-aaaa0002", 5), Source::Hook { scope: "cc-1" }).unwrap();
        let listed = store.list(10).unwrap();
        let ids: Vec<&str> = listed.iter().map(|s| s.run_id.as_str()).collect();
        assert_eq!(ids, ["20260101-000000-aaaa0002", "20260101-000000-aaaa0001"]);
        assert_eq!((listed[0].source.as_str(), listed[0].scope.as_deref()), ("hook", Some("cc-1")));
        assert_eq!((listed[1].models.clone(), listed[1].cost_usd), (vec!["m".to_string()], Some(0.1)));
        assert_eq!(store.list(1).unwrap().len(), 1);

        match store.find("20260101-000000-aaaa0001").unwrap() {
            Found::One(_, stored) => assert_eq!(stored, report("20260101-000000-aaaa0001", 60_000)),
            other => panic!("{other:?}"),
        }
        assert!(matches!(store.find("20260101-000000-aaaa0002").unwrap(), Found::One(..)));
        assert!(matches!(store.find("20260101").unwrap(), Found::Ambiguous(ids) if ids.len() == 2));
        assert!(matches!(store.find("2027").unwrap(), Found::NotFound));
        assert!(matches!(store.find("%").unwrap(), Found::NotFound));
        // Any part of an id finds it; a part two ids share lists both.
        assert!(matches!(store.find("a0002").unwrap(), Found::One(s, _) if s.run_id == "20260101-000000-aaaa0002"));
        assert!(matches!(store.find("-aaaa").unwrap(), Found::Ambiguous(ids) if ids.len() == 2));
        assert!(matches!(store.find("_").unwrap(), Found::NotFound));
        assert_eq!(store.totals().unwrap(), (2, Some(0.2)));
        // A run is recorded once: the same id again is skipped, not overwritten.
        assert!(!store.record(&report("20260101-000000-aaaa0001", 1), Source::Run).unwrap());
        assert!(matches!(store.find("20260101-000000-aaaa0001").unwrap(),
                         Found::One(_, stored) if stored == report("20260101-000000-aaaa0001", 60_000)));
    }

    #[test]
    fn an_exact_id_beats_a_prefix_and_a_prefix_beats_a_part_further_in() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open_or_create(&dir.path().join("h.sqlite3")).unwrap();
        for id in ["ab", "ab-1", "x-ab-2", "y-ab-3"] {
            store.record(&report(id, 1), Source::Run).unwrap();
        }
        let one = |id: &str| match store.find(id).unwrap() {
            Found::One(s, _) => s.run_id,
            other => panic!("{id}: {other:?}"),
        };
        assert_eq!(one("ab"), "ab");
        assert_eq!(one("ab-"), "ab-1");
        assert_eq!(one("-2"), "x-ab-2");
        match store.find("-ab-").unwrap() {
            Found::Ambiguous(ids) => assert_eq!(ids, ["x-ab-2", "y-ab-3"]),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn concurrent_writers_on_their_own_connections_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.sqlite3");
        std::thread::scope(|scope| {
            for writer in 0..8 {
                let path = &path;
                scope.spawn(move || {
                    for run in 0..25 {
                        let mut store = Store::open_or_create(path).unwrap();
                        store.record(&report(&format!("w{writer}-r{run}"), 1), Source::Run).unwrap();
                    }
                });
            }
        });
        let store = Store::open_existing(&path).unwrap().unwrap();
        assert_eq!(store.list(1000).unwrap().len(), 200);
        assert_eq!(store.call_samples().unwrap().len(), 200);
    }

    #[test]
    fn a_time_no_format_can_write_lists_as_the_placeholder_with_its_raw_number() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open_or_create(&dir.path().join("h.sqlite3")).unwrap();
        let times = [i64::MAX, when::LATEST_MS + 1, when::LATEST_MS, 0, -1, i64::MIN];
        let records: Vec<_> = times
            .iter()
            .enumerate()
            .map(|(i, ms)| {
                let line = json!({"started_at_ms": ms, "source": "run", "report": report(&format!("r{i}"), 1)});
                crate::history::entry::parse(&line.to_string()).unwrap()
            })
            .collect();
        store.record_all(&records).unwrap();
        let listed: Vec<(i64, Option<String>, String)> =
            store.list(10).unwrap().into_iter().map(|s| (s.started_at_ms, s.started_at, s.started_local)).collect();
        let q = || when::PLACEHOLDER.to_string();
        assert_eq!(listed[..2], [(i64::MAX, None, q()), (when::LATEST_MS + 1, None, q())]);
        assert_eq!(listed[2].1.as_deref(), Some("9999-12-31T23:59:59.999Z"));
        assert_eq!(listed[3].1.as_deref(), Some("1970-01-01T00:00:00.000Z"));
        assert_eq!(listed[4..], [(-1, None, q()), (i64::MIN, None, q())]);
        assert!(matches!(store.last().unwrap(), Found::One(s, _) if s.started_local == when::PLACEHOLDER));
    }
}
