//! What opening the history found that the user should hear about once, though nothing
//! failed: inbox lines that were not records and were set aside, and records left
//! waiting in the inbox because the state dir is read-only. The commands print each on
//! stderr (the MCP tools in their text); [`Notice::level`] says whether it is a warning
//! (something to look at) or a note.
//!
//! Knows nothing about terminals or where the text goes.

use std::fmt;
use std::path::PathBuf;

use super::entry::Rejection;

#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    /// `lines` lines of the inbox were not records; `kept` of them went to `file`, the
    /// rest were dropped for the reason given.
    SetAside { lines: usize, kept: usize, file: PathBuf, first: Rejection, dropped: Option<String> },
    /// The state dir (`dir`) may not be written: `records` waiting in `inbox` were read
    /// from it for this call and stay there, beside `unusable` lines that are not records.
    Waiting { records: usize, unusable: usize, inbox: PathBuf, dir: PathBuf },
    /// The state dir may not be written and the inbox could not be read either.
    InboxUnreadable { inbox: PathBuf, detail: String },
}

impl Notice {
    /// `warning` for lines set aside (something to look at), else `note`.
    pub fn level(&self) -> &'static str {
        match self {
            Notice::SetAside { .. } | Notice::InboxUnreadable { .. } => "warning",
            Notice::Waiting { .. } => "note",
        }
    }
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Notice::SetAside { lines, kept, file, first, dropped } => {
                let file = file.display();
                let (were, records) = if *lines == 1 { ("was", "a usable record") } else { ("were", "usable records") };
                write!(
                    f,
                    "history: {} of the inbox {were} not {records} (the first: {first}); ",
                    count(*lines, "line")
                )?;
                match dropped {
                    None if *lines == 1 => write!(f, "it was moved to `{file}`"),
                    None => write!(f, "they were moved to `{file}`"),
                    Some(why) if *kept == 0 => write!(f, "not kept: {why}"),
                    Some(why) => write!(f, "{kept} moved to `{file}`, {} not kept: {why}", lines - kept),
                }
            }
            Notice::Waiting { records, unusable, inbox, dir } => {
                let (inbox, dir) = (inbox.display(), dir.display());
                if *records == 0 {
                    let (are, what, stay) =
                        if *unusable == 1 { ("is", "a record", "stays") } else { ("are", "records", "stay") };
                    let lines = count(*unusable, "line");
                    return write!(
                        f,
                        "history: {lines} waiting in `{inbox}` {are} not {what} and {stay} there: `{dir}` is read-only"
                    );
                }
                let (are, stay) = if *records == 1 { ("is", "stays") } else { ("are", "stay") };
                let runs = count(*records, "run");
                write!(f, "history: {runs} waiting in `{inbox}` {are} shown but {stay} there: `{dir}` is read-only")?;
                match unusable {
                    0 => Ok(()),
                    1 => f.write_str(" (beside 1 line that is not a record)"),
                    n => write!(f, " (beside {n} lines that are not records)"),
                }
            }
            Notice::InboxUnreadable { inbox, detail } => {
                write!(f, "history: the runs waiting in `{}` are not shown: {detail}", inbox.display())
            }
        }
    }
}

/// `1 line`, `3 lines`.
fn count(n: usize, noun: &str) -> String {
    if n == 1 { format!("1 {noun}") } else { format!("{n} {noun}s") }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn each_notice_reads_as_one_line() {
        let file = PathBuf::from("/s/history.sqlite3-rejects");
        let set_aside = |lines, kept, dropped: Option<&str>| Notice::SetAside {
            lines,
            kept,
            file: file.clone(),
            first: Rejection::NoRunId,
            dropped: dropped.map(str::to_string),
        };
        let waiting = |records, unusable| Notice::Waiting {
            records,
            unusable,
            inbox: "/s/history.sqlite3-inbox".into(),
            dir: "/s".into(),
        };
        let lines: Vec<String> = [
            set_aside(1, 1, None),
            set_aside(3, 3, None),
            set_aside(3, 1, Some("it is full (4 MiB)")),
            set_aside(2, 0, Some("it is a symbolic link")),
            waiting(1, 0),
            waiting(2, 1),
            waiting(0, 2),
        ]
        .iter()
        .map(|n| format!("{}: {n}", n.level()))
        .collect();
        assert_eq!(
            lines,
            [
                "warning: history: 1 line of the inbox was not a usable record (the first: the report has no `run_id` string); it was moved to `/s/history.sqlite3-rejects`",
                "warning: history: 3 lines of the inbox were not usable records (the first: the report has no `run_id` string); they were moved to `/s/history.sqlite3-rejects`",
                "warning: history: 3 lines of the inbox were not usable records (the first: the report has no `run_id` string); 1 moved to `/s/history.sqlite3-rejects`, 2 not kept: it is full (4 MiB)",
                "warning: history: 2 lines of the inbox were not usable records (the first: the report has no `run_id` string); not kept: it is a symbolic link",
                "note: history: 1 run waiting in `/s/history.sqlite3-inbox` is shown but stays there: `/s` is read-only",
                "note: history: 2 runs waiting in `/s/history.sqlite3-inbox` are shown but stay there: `/s` is read-only (beside 1 line that is not a record)",
                "note: history: 2 lines waiting in `/s/history.sqlite3-inbox` are not records and stay there: `/s` is read-only",
            ]
        );
    }
}
