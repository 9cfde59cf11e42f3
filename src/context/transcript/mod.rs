//! The host's recent conversation, read from the transcript file the host names in the
//! hook's stdin (`transcript_path`), as one [`Piece`] of kind `Transcript`:
//!
//! ```text
//! user: Why is the sky blue?
//!
//! assistant: Rayleigh scattering …
//! ```
//!
//! Claude Code, Codex, Qwen Code, Factory Droid and Gemini CLI all write JSONL, one
//! event a line, in formats of their own (`claude.rs`, `codex.rs`, `qwen.rs`, `droid.rs`,
//! `gemini.rs`); the format is told from the lines themselves. Only the
//! user's and the assistant's text is kept: tool calls and results, system and meta
//! lines, and what hooks injected (frontier's own banner, instruction and framed answer
//! among them) are not conversation. The assistant's replies are kept as the user saw
//! them, so an earlier turn that frontier fed is there through the reply it shaped.
//!
//! Bounded whatever the file: only its last [`MAX_TAIL_BYTES`] are read (recent turns
//! are at the end), a line that does not parse is skipped, and any failure to read or
//! recognise the file is a skipped [`Source`] with the reason, never an error: the hook
//! goes on without the conversation.
//!
//! Knows nothing about hosts' hook protocols, scopes or budgets beyond the limits it is
//! given.

mod claude;
mod codex;
mod droid;
mod gemini;
mod qwen;
mod tail;
mod window;

use std::path::Path;

use tail::{TailError, read_tail};

use super::{Gathered, Piece, Source, SourceKind, reach};

/// How much of the end of a transcript is read. Transcripts grow for the life of a
/// session (gigabytes for a long one); the last turns fit in far less.
pub const MAX_TAIL_BYTES: u64 = 4 * 1024 * 1024;

/// The characters of conversation sent by default: a quarter of the default total
/// context budget, so that a long conversation leaves room for the files the prompt
/// mentions.
pub const DEFAULT_CHARS: usize = 24_000;

/// A kept turn cut to fewer characters than this is not worth sending: older turns stop
/// there instead.
const MIN_CUT_CHARS: usize = 200;

/// Who spoke.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    User,
    Assistant,
}

impl Role {
    fn label(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Assistant => "assistant",
        }
    }
}

/// One turn's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Turn {
    pub role: Role,
    pub text: String,
}

/// The transcript formats frontier reads, one file each (whose docs show the lines).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Claude,
    Codex,
    Qwen,
    Droid,
    Gemini,
}

/// How much conversation to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The last turns kept; a prompt and its reply are two.
    pub turns: usize,
    /// The characters of rendered conversation at most.
    pub chars: usize,
}

/// How a note about the host's transcript begins. The transcript is a window frontier
/// adds on its own, not a source the user named, so the hook tells only the agent of it.
pub const NOTE_START: &str = "the host's transcript";

/// Where the window of the host's conversation begins.
///
/// [`Window::Sliding`]: the last turns that fit the limits, one turn further on at every
/// prompt (a hook that keeps no state between prompts). [`Window::Blocks`]: the window
/// keeps its first turn (the `anchor` of the session's last prompt) for as long as the
/// window from there still fits its limits; when it no longer does, or there is no anchor
/// yet, it starts over at the turn from which it fills about half of them. Consecutive
/// prompts then send the same turns first, byte for byte, until the window must move; the
/// price is a window about half as long right after each move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Window {
    Sliding,
    Blocks { anchor: Option<String> },
}

/// The last turns of the transcript at `path`, before the current `prompt` (left out
/// if the host already wrote it), as one piece; or one skipped source saying why there
/// is none. The window slides (see [`gather_window`]).
pub fn gather(path: &Path, prompt: &str, limits: Limits) -> Gathered {
    gather_window(path, prompt, limits, &Window::Sliding)
}

/// [`gather`] with the window's rule: the piece's `ends` say where each turn ends, and
/// the gathered `anchor` names the first turn sent.
pub fn gather_window(path: &Path, prompt: &str, limits: Limits, window: &Window) -> Gathered {
    let name = path.display().to_string();
    let skipped = |why: String| Gathered {
        pieces: Vec::new(),
        skipped: vec![Source {
            kind: SourceKind::Transcript,
            path: Some(name.clone()),
            bytes: 0,
            truncated: false,
            skipped: Some(why),
        }],
        notes: Vec::new(),
        anchor: None,
    };
    // Something wrong with the file, not a session too new to have one: the report says so.
    let noted =
        |why: String| Gathered { notes: vec![format!("{NOTE_START} `{name}` was not sent: {why}")], ..skipped(why) };
    let tail = match read_tail(path, MAX_TAIL_BYTES) {
        Ok(tail) => tail,
        Err(why @ TailError::NotFound) => return skipped(why.to_string()),
        Err(why) => return noted(why.to_string()),
    };
    let turns = match parse(&tail) {
        Some(turns) => turns,
        None => {
            return noted(
                "not a transcript format frontier reads (Claude Code, Codex, Qwen Code, Droid or Gemini CLI JSONL)"
                    .into(),
            );
        }
    };
    let turns = before_prompt(turns, prompt);
    let start = match window {
        Window::Sliding => turns.len().saturating_sub(limits.turns),
        Window::Blocks { anchor } => window::start(&turns, limits, anchor.as_deref()),
    };
    let kept = &turns[start..];
    match render(kept, limits.chars) {
        Some((text, ends)) => Gathered {
            pieces: vec![Piece { kind: SourceKind::Transcript, path: Some(name), text, ends }],
            skipped: Vec::new(),
            notes: Vec::new(),
            anchor: kept.first().map(window::anchor),
        },
        None => skipped("no earlier turns".into()),
    }
}

/// The turns of a transcript's text, merged so that roles alternate, or `None` when no
/// line is in a known format and some line is not blank.
fn parse(text: &str) -> Option<Vec<Turn>> {
    let lines: Vec<serde_json::Value> = text.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    let format = lines.iter().find_map(detect);
    let turns = match format {
        Some(Format::Claude) => lines.iter().filter_map(claude::turn).collect(),
        Some(Format::Codex) => lines.iter().filter_map(codex::turn).collect(),
        Some(Format::Qwen) => lines.iter().filter_map(qwen::turn).collect(),
        Some(Format::Droid) => lines.iter().filter_map(droid::turn).collect(),
        Some(Format::Gemini) => gemini::turns(&lines),
        None if text.trim().is_empty() => Vec::new(),
        None => return None,
    };
    Some(merge(turns))
}

/// The format a line belongs to, when it is one of the known ones. Qwen Code's lines
/// and Gemini CLI's header also have Claude Code's `sessionId`, so they are told apart
/// first.
fn detect(line: &serde_json::Value) -> Option<Format> {
    if qwen::is_line(line) {
        return Some(Format::Qwen);
    }
    if droid::is_line(line) {
        return Some(Format::Droid);
    }
    if gemini::is_line(line) {
        return Some(Format::Gemini);
    }
    let kind = line.get("type")?.as_str()?;
    match kind {
        "user" | "assistant" if line.get("message").is_some_and(|m| m.is_object()) => Some(Format::Claude),
        // Claude Code's bookkeeping lines (`queue-operation`, `last-prompt`, …), which may
        // be all a new session's file holds yet, carry the session in camelCase.
        _ if line.get("sessionId").is_some_and(|s| s.is_string()) => Some(Format::Claude),
        "session_meta" | "response_item" | "event_msg" | "turn_context"
            if line.get("payload").is_some_and(|p| p.is_object()) =>
        {
            Some(Format::Codex)
        }
        _ => None,
    }
}

/// Consecutive turns of one role as one: a host writes an agentic reply as several
/// messages (text, tool calls, more text), and the user sees one answer.
fn merge(turns: Vec<Turn>) -> Vec<Turn> {
    let mut merged: Vec<Turn> = Vec::new();
    for turn in turns {
        match merged.last_mut() {
            Some(last) if last.role == turn.role => {
                last.text.push_str("\n\n");
                last.text.push_str(&turn.text);
            }
            _ => merged.push(turn),
        }
    }
    merged
}

/// The turns before the current prompt. No pinned host writes the prompt before its
/// hook runs, but a host that did would show it as the last turn: a user turn with the
/// prompt's text and no reply, which is dropped.
fn before_prompt(mut turns: Vec<Turn>, prompt: &str) -> Vec<Turn> {
    if turns.last().is_some_and(|t| t.role == Role::User && t.text.trim() == prompt.trim()) {
        turns.pop();
    }
    turns
}

/// Between two rendered turns.
const SEPARATOR: &str = "\n\n";

/// `turns` rendered in at most `chars` characters, with the byte offset where each kept
/// turn ends: the newest kept whole, older ones dropped first, the oldest kept one cut
/// from its start (and marked) where the budget runs out. `None` when there is nothing
/// to send.
fn render(turns: &[Turn], chars: usize) -> Option<(String, Vec<usize>)> {
    let mut kept: Vec<String> = Vec::new();
    let mut remaining = chars;
    for turn in turns.iter().rev() {
        let label = format!("{}: ", turn.role.label());
        let text = turn.text.trim();
        let cost = label.chars().count() + text.chars().count() + if kept.is_empty() { 0 } else { SEPARATOR.len() };
        if cost <= remaining {
            remaining -= cost;
            kept.push(format!("{label}{text}"));
            continue;
        }
        let marker = "[… start of this turn cut] ";
        let overhead = cost - text.chars().count() + marker.chars().count();
        if remaining >= overhead + MIN_CUT_CHARS {
            let keep = remaining - overhead;
            let skip = text.chars().count() - keep;
            let cut: String = text.chars().skip(skip).collect();
            kept.push(format!("{label}{marker}{cut}"));
        }
        break;
    }
    if kept.is_empty() {
        return None;
    }
    kept.reverse();
    let mut ends = Vec::with_capacity(kept.len());
    let mut end = 0;
    for turn in &kept {
        end += turn.len();
        ends.push(end);
        end += SEPARATOR.len();
    }
    Some((kept.join(SEPARATOR), ends))
}

/// The text of an Anthropic-style or Responses-style content value: a string, or the
/// `text` of each block in an array whose `type` is one of `kinds`, joined.
pub(super) fn text_of(content: &serde_json::Value, kinds: &[&str]) -> String {
    match content {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(blocks) => blocks
            .iter()
            .filter(|b| b.get("type").and_then(|t| t.as_str()).is_some_and(|t| kinds.contains(&t)))
            .filter_map(|b| b.get("text").and_then(|t| t.as_str()))
            .collect::<Vec<_>>()
            .join("\n"),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests;
