//! The prompts users sent, read back for `frontier eval --from-history`: the newest
//! distinct prompts of the runs a window selects, optionally of one scope.
//!
//! Knows nothing about evals: it hands back each run's id and prompt as stored.

use super::error::HistoryError;
use super::query::Window;
use super::store::Store;

/// A recorded prompt and the run that sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub run_id: String,
    pub prompt: String,
}

impl Store {
    /// The prompts of the runs `window` selects (of `scope` only, when given), newest
    /// first, each distinct prompt once (its newest run), empty ones left out.
    pub fn prompts(&self, window: Window, scope: Option<&str>) -> Result<Vec<Prompt>, HistoryError> {
        // The window applies to the runs that qualify, so `--limit 50` means 50 prompts.
        let sql = "SELECT run_id, json_extract(report, '$.prompt') AS prompt FROM runs \
                   WHERE started_at_ms >= ?1 AND (?3 IS NULL OR coalesce(scope, json_extract(report, '$.scope')) = ?3) \
                   AND trim(coalesce(json_extract(report, '$.prompt'), '')) <> '' \
                   AND rowid IN (SELECT max(rowid) FROM runs GROUP BY json_extract(report, '$.prompt')) \
                   ORDER BY started_at_ms DESC, rowid DESC LIMIT ?2";
        let [since, limit] = window.params();
        self.rows(sql, rusqlite::params![since, limit, scope], |row| {
            Ok(Prompt { run_id: row.get(0)?, prompt: row.get(1)? })
        })
    }
}
