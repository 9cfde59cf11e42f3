//! `frontier run --dry-run`: what a run would send as context (each source's kind, path,
//! bytes, and whether it was cut or skipped and why), the block's size against the
//! budget, and who would receive it; as a table or, with `--json`, one JSON document.
//!
//! Knows nothing about how the sources were gathered or the budget chosen.

use serde::Serialize;

use crate::context::{Source, SourceKind};

/// What a dry run shows.
#[derive(Debug, Serialize)]
pub struct DryRun<'a> {
    pub dry_run: bool,
    /// Characters of context the run may send.
    pub budget_chars: usize,
    /// The model whose context window lowered the budget, if one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limited_by: Option<&'a str>,
    /// Characters of the block that would precede the prompt (framing included).
    pub block_chars: usize,
    pub context: &'a [Source],
    pub panel: Vec<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub judge: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub synth: Option<&'a str>,
    /// The thread a follow-up would send before its message, when it continues one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thread: Option<ThreadSize<'a>>,
}

/// How much of a thread a follow-up sends: its earlier turns, and their characters.
#[derive(Debug, Serialize)]
pub struct ThreadSize<'a> {
    /// The run it follows.
    pub parent: &'a str,
    pub turns: usize,
    pub chars: usize,
}

fn kind(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::File => "file",
        SourceKind::Diff => "diff",
        SourceKind::Stdin => "stdin",
        SourceKind::Transcript => "transcript",
        SourceKind::Mention => "mention",
    }
}

/// Prints the dry run on stdout.
pub fn print(dry: &DryRun<'_>, json: bool) {
    if json {
        let text = serde_json::to_string_pretty(dry).unwrap_or_default();
        super::write_raw(&format!("{text}\n"));
        return;
    }
    super::write_stdout(&human(dry));
}

fn human(dry: &DryRun<'_>) -> String {
    let mut out = String::new();
    if dry.context.is_empty() {
        out.push_str("context: none (give -f PATH, --diff, or pipe text into stdin)\n");
    } else {
        let mut table = super::table::new(&["kind", "source", "bytes sent", "note"]);
        for s in dry.context {
            let note = match (&s.skipped, s.truncated) {
                (Some(why), _) => format!("skipped: {why}"),
                (None, true) => "cut to fit the budget".to_string(),
                (None, false) => String::new(),
            };
            let path = s.path.clone().unwrap_or_else(|| "-".into());
            table.add_row(super::table::row(vec![kind(s.kind).into(), path, s.bytes.to_string(), note]));
        }
        let sent = dry.context.iter().filter(|s| s.skipped.is_none()).count();
        out.push_str(&format!("{table}\n"));
        out.push_str(&format!(
            "context: {sent} of {} sources, {} characters with the framing; budget {} characters{}\n",
            dry.context.len(),
            dry.block_chars,
            dry.budget_chars,
            dry.limited_by.map(|m| format!(" (lowered to fit {m}'s context window)")).unwrap_or_default(),
        ));
    }
    if let Some(t) = &dry.thread {
        let s = if t.turns == 1 { "" } else { "s" };
        out.push_str(&format!(
            "thread: follows run {}; {} earlier turn{s}, {} characters, sent before the prompt\n",
            t.parent, t.turns, t.chars
        ));
    }
    let mut to = format!("to: {}", dry.panel.join(", "));
    if let Some(judge) = dry.judge {
        to.push_str(&format!("; judge {judge}"));
    }
    if let Some(synth) = dry.synth {
        to.push_str(&format!("; synth {synth}"));
    }
    out.push_str(&format!("{to}\nnothing was sent (--dry-run)\n"));
    out
}
