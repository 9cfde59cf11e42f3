//! Writing runs: each run's summary row, one row per model call, and the whole report,
//! all of a batch in one transaction, so a reader sees all of a run or none of it.
//!
//! Every column is read from the report's JSON by key; a missing number is stored as
//! NULL (or 0 for the run's totals), never guessed.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rusqlite::{Connection, TransactionBehavior, params};
use serde_json::Value;

use super::entry::Record;
#[cfg(test)]
use super::entry::{self, Entry};
use super::error::HistoryError;
use super::store::Store;

/// One model call of a run, as the `calls` table holds it.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Call<'a> {
    pub role: &'static str,
    pub model: &'a str,
    pub route: &'a str,
    pub ok: bool,
    pub latency_ms: i64,
    pub input_tokens: Option<i64>,
    pub output_tokens: Option<i64>,
    pub cost_usd: Option<f64>,
}

impl Store {
    /// Records the runs of `records` in one transaction; a run already recorded (by its
    /// id) is skipped. Returns how many were new.
    pub fn record_all(&mut self, records: &[Record]) -> Result<usize, HistoryError> {
        if records.is_empty() {
            return Ok(0);
        }
        let path = self.path.clone();
        let fail = |e: rusqlite::Error| HistoryError::sqlite(&path, &e);
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(fail)?;
        let mut inserted = 0;
        for record in records {
            if insert(&tx, record).map_err(fail)? {
                inserted += 1;
            }
        }
        tx.commit().map_err(fail)?;
        Ok(inserted)
    }

    /// Records one run as the inbox would, straight into the database; `false` when a
    /// run with its id was already there (and is left as it was).
    #[cfg(test)]
    pub(crate) fn record(&mut self, report: &Value, source: super::Source<'_>) -> Result<bool, HistoryError> {
        let wall_ms = int(report.pointer("/totals/wall_ms")).unwrap_or(0);
        let entry = Entry {
            started_at_ms: started_at_ms(wall_ms),
            source: source.as_str().to_string(),
            scope: source.scope(),
            report: report.clone(),
        };
        let record = entry::check(entry)
            .map_err(|why| HistoryError::new(&self.path, super::HistoryErrorKind::Other, why.to_string()))?;
        self.record_all(std::slice::from_ref(&record)).map(|n| n == 1)
    }
}

/// Inserts the run's row and its calls' rows; `false` when the run was already there.
fn insert(conn: &Connection, record: &Record) -> rusqlite::Result<bool> {
    let run_id = record.run_id();
    let report = record.report();
    let text = |key: &str| report.get(key).and_then(Value::as_str);
    let models: Vec<&str> = items(report, "panel").filter_map(|m| m.get("model")?.as_str()).collect();
    let models = serde_json::to_string(&models).unwrap_or_else(|_| "[]".into());
    let wall_ms = int(report.pointer("/totals/wall_ms")).unwrap_or(0);
    let added = conn.execute(
        "INSERT OR IGNORE INTO runs (run_id, started_at_ms, source, scope, mode, preset, status, failure_reason,
                           models, input_tokens, output_tokens, cost_usd, wall_ms, report)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
        params![
            run_id,
            record.started_at_ms(),
            record.source(),
            record.scope(),
            text("mode").unwrap_or("unknown"),
            text("preset"),
            text("status").unwrap_or("unknown"),
            text("failure_reason"),
            models,
            int(report.pointer("/totals/input_tokens")).unwrap_or(0),
            int(report.pointer("/totals/output_tokens")).unwrap_or(0),
            report.pointer("/totals/cost_usd").and_then(Value::as_f64),
            wall_ms,
            report.to_string(),
        ],
    )?;
    if added == 0 {
        return Ok(false);
    }
    let mut insert = conn.prepare_cached(
        "INSERT INTO calls (run_id, seq, role, model, route, ok, latency_ms, input_tokens, output_tokens, cost_usd)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for (seq, c) in calls(report).iter().enumerate() {
        let seq = i64::try_from(seq).unwrap_or(i64::MAX);
        insert.execute(params![
            run_id,
            seq,
            c.role,
            c.model,
            c.route,
            c.ok,
            c.latency_ms,
            c.input_tokens,
            c.output_tokens,
            c.cost_usd
        ])?;
    }
    Ok(true)
}

/// The panel's calls in order (the earlier rounds' first, `--rounds`), then the judge's
/// (or the council's rankers', role `council`) and the synth's. A member not asked in a
/// round repeats an earlier failure and is no call: it is skipped.
pub(super) fn calls(report: &Value) -> Vec<Call<'_>> {
    let asked = |m: &&Value| {
        !m.get("error").and_then(Value::as_str).is_some_and(|e| e.starts_with(crate::pipeline::rounds::NOT_ASKED))
    };
    let earlier =
        items(report, "rounds").flat_map(|r| r.get("members").and_then(Value::as_array).into_iter().flatten());
    let panel = earlier.chain(items(report, "panel")).filter(asked).map(|m| ("panel", m));
    let rankers = report
        .pointer("/council/rankers")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|r| Some(("council", r.get("call").filter(|v| v.is_object())?)));
    let stage = |role: &'static str| Some((role, report.get(role).filter(|v| v.is_object())?));
    let stages = stage("judge").into_iter().chain(rankers).chain(stage("synth"));
    panel
        .chain(stages)
        .map(|(role, call)| {
            let text = |key: &str| call.get(key).and_then(Value::as_str).unwrap_or_default();
            Call {
                role,
                model: text("model"),
                route: text("route"),
                ok: call.get("ok").and_then(Value::as_bool).unwrap_or(false),
                latency_ms: int(call.get("latency_ms")).unwrap_or(0),
                input_tokens: int(call.pointer("/usage/input_tokens")),
                output_tokens: int(call.pointer("/usage/output_tokens")),
                cost_usd: call.get("cost_usd").and_then(Value::as_f64),
            }
        })
        .collect()
}

fn items<'a>(report: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    report.get(key).and_then(Value::as_array).into_iter().flatten()
}

/// A JSON number as SQLite's integer, saturating.
fn int(value: Option<&Value>) -> Option<i64> {
    let value = value?;
    value.as_i64().or_else(|| value.as_u64().map(|_| i64::MAX))
}

/// When a run that took `wall_ms` and is being recorded now began, in Unix ms.
pub(super) fn started_at_ms(wall_ms: i64) -> i64 {
    let wall = Duration::from_millis(u64::try_from(wall_ms).unwrap_or(0));
    let now = SystemTime::now();
    let started = now.checked_sub(wall).unwrap_or(now);
    started.duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn calls_come_from_the_panel_then_judge_then_synth() {
        let report = json!({
            "panel": [
                {"model": "a", "route": "mock:a", "ok": true, "latency_ms": 10,
                 "usage": {"input_tokens": 3, "output_tokens": 4}, "cost_usd": 0.5},
                {"model": "b", "route": "mock:b", "ok": false, "latency_ms": 20, "usage": null},
            ],
            "judge": {"model": "j", "route": "mock:j", "ok": true, "latency_ms": 5, "usage": null},
            "synth": null,
        });
        assert_eq!(
            calls(&report),
            vec![
                Call {
                    role: "panel",
                    model: "a",
                    route: "mock:a",
                    ok: true,
                    latency_ms: 10,
                    input_tokens: Some(3),
                    output_tokens: Some(4),
                    cost_usd: Some(0.5),
                },
                Call {
                    role: "panel",
                    model: "b",
                    route: "mock:b",
                    ok: false,
                    latency_ms: 20,
                    input_tokens: None,
                    output_tokens: None,
                    cost_usd: None,
                },
                Call {
                    role: "judge",
                    model: "j",
                    route: "mock:j",
                    ok: true,
                    latency_ms: 5,
                    input_tokens: None,
                    output_tokens: None,
                    cost_usd: None,
                },
            ]
        );
    }

    #[test]
    fn earlier_rounds_and_council_rankers_are_calls_and_a_member_not_asked_is_not() {
        let call = |model: &str, ok: bool| json!({"model": model, "route": format!("mock:{model}"), "ok": ok, "latency_ms": 1, "usage": null});
        let mut carried = call("b", false);
        carried["error"] = json!("not asked in round 2: failed in round 1 (timed out after 5s)");
        let report = json!({
            "rounds": [{"round": 1, "members": [call("a", true), call("b", false), call("c", true)]}],
            "panel": [call("a", true), carried, call("c", true)],
            "judge": null,
            "council": {"rankers": [{"member": 0, "label": "A", "call": call("a", true)}, {"member": 2, "label": "B", "call": call("c", false)}]},
            "synth": call("s", true),
        });
        let roles: Vec<(&str, &str, bool)> = calls(&report).iter().map(|c| (c.role, c.model, c.ok)).collect();
        assert_eq!(
            roles,
            [
                ("panel", "a", true),
                ("panel", "b", false),
                ("panel", "c", true),
                ("panel", "a", true),
                ("panel", "c", true),
                ("council", "a", true),
                ("council", "c", false),
                ("synth", "s", true),
            ]
        );
    }
}
