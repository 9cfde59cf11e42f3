//! A run's thread read back from the history: the run that began it and every run that
//! continues it, in turn order, with the input tokens the thread's runs sent and the
//! part the providers served from their caches.
//!
//! A follow-up's report names its thread's first run (`thread.root`), so the thread is
//! one lookup by id and one query over the runs that began after it (the start-time
//! index bounds the scan; no column or index of its own is needed). At most
//! `MAX_THREAD_RUNS` runs are read; the sums cover them all.
//!
//! Knows nothing about how a thread is continued or printed.

use rusqlite::params;

use super::error::HistoryError;
use super::query::{Summary, number, summary, summary_columns};
use super::store::Store;

/// The most runs of one thread `thread` returns.
pub const MAX_THREAD_RUNS: usize = 50;

/// A thread as recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct Thread {
    /// The run that began it.
    pub root: String,
    /// Its runs, oldest turn first (two follow-ups of one run share a turn), at most
    /// `MAX_THREAD_RUNS`; the first run is missing when it was not recorded.
    pub runs: Vec<Summary>,
    /// How many runs the thread has in all.
    pub total: usize,
    /// The input tokens of all its runs, and the part served from the providers' caches.
    pub input_tokens: i64,
    pub cached_input_tokens: i64,
}

/// The follow-ups of `?1` that began at or after `?2`.
const FOLLOW_UPS: &str = "FROM runs WHERE started_at_ms >= ?2 AND json_extract(report, '$.thread.root') = ?1";

impl Store {
    /// The thread `run` belongs to (as its first run or a follow-up); `None` for a run
    /// that neither continues another nor was continued.
    pub fn thread(&self, run: &Summary) -> Result<Option<Thread>, HistoryError> {
        let root_id = run.thread.as_ref().map_or(run.run_id.as_str(), |t| t.root.as_str());
        let sql = format!("SELECT {} FROM runs WHERE run_id = ?1", summary_columns());
        let root = self.rows(&sql, params![root_id], summary)?.into_iter().next();
        // A follow-up begins after its thread's first run; without the first run, after
        // nothing known.
        let since = root.as_ref().map_or(i64::MIN, |r| r.started_at_ms);
        let sql = format!(
            "SELECT {} {FOLLOW_UPS} ORDER BY json_extract(report, '$.thread.turn'), started_at_ms, rowid LIMIT {}",
            summary_columns(),
            MAX_THREAD_RUNS
        );
        let follow_ups = self.rows(&sql, params![root_id, since], summary)?;
        if follow_ups.is_empty() && run.thread.is_none() {
            return Ok(None);
        }
        let sums = format!(
            "SELECT COUNT(*), SUM(input_tokens), SUM(COALESCE(json_extract(report, '$.totals.cached_input_tokens'), 0)) \
             {FOLLOW_UPS}"
        );
        let (count, input, cached) = self.rows(&sums, params![root_id, since], |row| {
            Ok((row.get::<_, i64>(0)?, number(row, 1)?.unwrap_or(0), number(row, 2)?.unwrap_or(0)))
        })?[..]
            .first()
            .copied()
            .unwrap_or((0, 0, 0));
        let total = usize::try_from(count).unwrap_or(0) + usize::from(root.is_some());
        let (root_input, root_cached) = root.as_ref().map_or((0, 0), |r| (r.input_tokens, r.cached_input_tokens));
        let mut runs: Vec<Summary> = root.into_iter().collect();
        runs.extend(follow_ups);
        runs.truncate(MAX_THREAD_RUNS);
        Ok(Some(Thread {
            root: root_id.to_string(),
            runs,
            total,
            input_tokens: input.saturating_add(root_input),
            cached_input_tokens: cached.saturating_add(root_cached),
        }))
    }
}
