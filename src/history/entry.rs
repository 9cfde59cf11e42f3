//! One line of the history's inbox: the [`Entry`] a run appends, and the [`Record`] a
//! line must make before anything is inserted. A line is checked whole here, so whatever
//! reaches the database has a run id that can be listed, looked up and printed, a report
//! that is a JSON object, and a source and scope of the shape frontier writes. A line
//! that doesn't (not JSON, a number where the run id goes, a `null` report, a line a
//! killed writer left unfinished) is a [`Rejection`]: the caller sets it aside and goes
//! on with the others.
//!
//! The time is not checked: any `i64` is stored, and every formatter prints one it can't
//! write as a placeholder (`when`). Fields an entry or a report gains later are allowed,
//! so a newer frontier's lines still read.
//!
//! Knows nothing about files, locks or SQLite.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The longest run id kept (frontier's own are 24 bytes).
pub const MAX_RUN_ID_BYTES: usize = 128;
/// The longest source (`run`, `hook`, `mcp`).
pub const MAX_SOURCE_BYTES: usize = 32;
/// The longest scope (frontier's own are at most 64 bytes).
pub const MAX_SCOPE_BYTES: usize = 128;

/// One run's record, as a line of the inbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// When the run began, Unix milliseconds (taken when it is appended, not inserted).
    pub started_at_ms: i64,
    /// `run`, `hook` or `mcp`.
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    pub report: Value,
}

/// An entry that passed every check: only [`check`] and [`parse`] make one.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    run_id: String,
    entry: Entry,
}

impl Record {
    /// The report's `run_id`: 1 to `MAX_RUN_ID_BYTES` of `A-Z a-z 0-9 . _ : -`.
    pub fn run_id(&self) -> &str {
        &self.run_id
    }

    pub fn started_at_ms(&self) -> i64 {
        self.entry.started_at_ms
    }

    /// 1 to `MAX_SOURCE_BYTES` of the run id's characters.
    pub fn source(&self) -> &str {
        &self.entry.source
    }

    /// 1 to `MAX_SCOPE_BYTES` of the run id's characters, when there is one.
    pub fn scope(&self) -> Option<&str> {
        self.entry.scope.as_deref()
    }

    /// The whole report: always a JSON object.
    pub fn report(&self) -> &Value {
        &self.entry.report
    }
}

/// Why a line is not a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    /// Not JSON, not an entry's shape (a field missing or of the wrong type, a number out
    /// of range), or cut short.
    Malformed(String),
    /// The report is not a JSON object (`null`, a number, a string, ...).
    ReportNotAnObject,
    /// The report has no `run_id`, or one that is not a string.
    NoRunId,
    /// The run id is empty, too long, or has a character frontier never writes in one.
    BadRunId,
    /// The source or the scope is empty, too long, or has such a character.
    BadField(&'static str),
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::Malformed(detail) => write!(f, "not a record ({detail})"),
            Rejection::ReportNotAnObject => f.write_str("the report is not a JSON object"),
            Rejection::NoRunId => f.write_str("the report has no `run_id` string"),
            Rejection::BadRunId => {
                write!(f, "the run id is not 1 to {MAX_RUN_ID_BYTES} letters, digits, `.`, `_`, `:` or `-`")
            }
            Rejection::BadField(field) => write!(f, "the {field} is not a short name"),
        }
    }
}

/// Reads one line of the inbox.
pub fn parse(line: &str) -> Result<Record, Rejection> {
    let entry: Entry = serde_json::from_str(line).map_err(|e| Rejection::Malformed(e.to_string()))?;
    check(entry)
}

/// Checks `entry` whole: the record it makes, or the first thing wrong with it.
pub fn check(entry: Entry) -> Result<Record, Rejection> {
    let Some(report) = entry.report.as_object() else { return Err(Rejection::ReportNotAnObject) };
    let Some(run_id) = report.get("run_id").and_then(Value::as_str) else { return Err(Rejection::NoRunId) };
    if !is_name(run_id, MAX_RUN_ID_BYTES) {
        return Err(Rejection::BadRunId);
    }
    if !is_name(&entry.source, MAX_SOURCE_BYTES) {
        return Err(Rejection::BadField("source"));
    }
    if entry.scope.as_deref().is_some_and(|scope| !is_name(scope, MAX_SCOPE_BYTES)) {
        return Err(Rejection::BadField("scope"));
    }
    Ok(Record { run_id: run_id.to_string(), entry })
}

/// Whether `text` is 1 to `max` bytes of `A-Z a-z 0-9 . _ : -`: what frontier writes in
/// ids, sources and scopes, and nothing a terminal, a Markdown heading or a SQL `LIKE`
/// would read as more than text.
pub fn is_name(text: &str, max: usize) -> bool {
    (1..=max).contains(&text.len())
        && text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'))
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;
    use serde_json::json;

    use super::*;

    fn line(report: &Value) -> String {
        json!({"started_at_ms": 5, "source": "hook", "scope": "cc-1a2b3c4d", "report": report}).to_string()
    }

    #[test]
    fn a_line_a_run_appends_reads_back_as_its_record() {
        let report = json!({"run_id": "20261121-101010-1a2b3c4d", "status": "ok", "later": [1, 2]});
        let record = parse(&line(&report)).unwrap();
        assert_eq!(
            (record.run_id(), record.started_at_ms(), record.source(), record.scope(), record.report()),
            ("20261121-101010-1a2b3c4d", 5, "hook", Some("cc-1a2b3c4d"), &report)
        );
        // A field a newer frontier adds to the entry is no reason to refuse it.
        let newer = r#"{"started_at_ms":1,"source":"run","report":{"run_id":"r1"},"host":"x"}"#;
        assert_eq!(parse(newer).unwrap().run_id(), "r1");
    }

    #[test]
    fn each_kind_of_unusable_line_is_rejected_for_its_own_reason() {
        let kinds: Vec<(String, Rejection)> = vec![
            (line(&json!({"status": "ok"})), Rejection::NoRunId),
            (line(&json!({"run_id": 42})), Rejection::NoRunId),
            (line(&json!({"run_id": null})), Rejection::NoRunId),
            (line(&Value::Null), Rejection::ReportNotAnObject),
            (line(&json!([{"run_id": "r1"}])), Rejection::ReportNotAnObject),
            (line(&json!({"run_id": ""})), Rejection::BadRunId),
            (line(&json!({"run_id": "r1\u{1b}[2J"})), Rejection::BadRunId),
            (line(&json!({"run_id": "`r1` # heading"})), Rejection::BadRunId),
            (line(&json!({"run_id": "r".repeat(MAX_RUN_ID_BYTES + 1)})), Rejection::BadRunId),
            (r#"{"started_at_ms":1,"source":"","report":{"run_id":"r1"}}"#.into(), Rejection::BadField("source")),
            (
                r#"{"started_at_ms":1,"source":"run","scope":"a b","report":{"run_id":"r1"}}"#.into(),
                Rejection::BadField("scope"),
            ),
        ];
        for (text, expected) in kinds {
            assert_eq!(parse(&text), Err(expected), "{text}");
        }
        for malformed in [
            "garbage",
            "",
            "null",
            r#"{"started_at_ms":1,"source":"run","report":{"run_id":"cut"#,
            r#"{"started_at_ms":1e3,"source":"run","report":{"run_id":"r1"}}"#,
            r#"{"started_at_ms":18446744073709551615,"source":"run","report":{"run_id":"r1"}}"#,
            r#"{"started_at_ms":"1","source":"run","report":{"run_id":"r1"}}"#,
            r#"{"source":"run","report":{"run_id":"r1"}}"#,
        ] {
            assert!(matches!(parse(malformed), Err(Rejection::Malformed(_))), "{malformed}");
        }
    }

    #[test]
    fn any_time_is_a_record_and_left_to_the_formatters() {
        for ms in [i64::MIN, -1, 0, 253_402_300_800_000, i64::MAX] {
            let text = format!(r#"{{"started_at_ms":{ms},"source":"run","report":{{"run_id":"r1"}}}}"#);
            assert_eq!(parse(&text).unwrap().started_at_ms(), ms);
        }
    }
}
