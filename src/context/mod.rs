//! What the panel sees besides the prompt (docs/context.md): files, a diff, piped stdin,
//! and in the hook the host's recent conversation and the files the prompt mentions.
//! Each gatherer turns one kind of source into [`Piece`]s (the text to send) and
//! [`Source`]s (what was skipped, and why); `assemble` fits the pieces into the run's
//! budget and renders the one delimited, labelled block every member, the judge and the
//! synth receive ahead of the question. What may be read at all is `reach`'s one rule:
//! inside the workspace unless the command line's user says otherwise, regular files only.
//!
//! Knows nothing about models, providers or the pipeline: it reads the workspace (and
//! piped stdin; `git diff` runs git) and returns values. The budget it is given is worked out by the commands from the panel.

mod assemble;
pub mod budget;
mod collect;
pub mod diff;
pub mod files;
mod glob;
pub mod mention;
pub mod reach;
mod read;
pub mod secret;
pub mod stdin;
pub mod transcript;
mod walk;

use serde::{Deserialize, Serialize};

use crate::frame::Nonce;

pub use assemble::assemble;

/// Where a piece of context came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// A file named with `-f` or met in a walk of a directory or a glob.
    File,
    /// `git diff` of the work tree (`--diff`).
    Diff,
    /// Text piped into `frontier run "question"`.
    Stdin,
    /// The host's recent conversation, from its transcript (hook only).
    Transcript,
    /// A workspace file the prompt mentions as `@path` (hook only).
    Mention,
}

/// One piece of gathered text, before the budget is applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub kind: SourceKind,
    /// The file's path as the user would name it (relative to the workspace where it is
    /// inside it), the diff's revision, or the transcript's path; `None` for stdin.
    pub path: Option<String>,
    pub text: String,
    /// Where `text` may be split so that the next turn's text begins with the same bytes:
    /// byte offsets after each of the host's turns (the transcript), rising, the last one
    /// `text.len()`; empty for every other kind.
    pub ends: Vec<usize>,
}

impl Piece {
    /// A piece that is one text, split nowhere.
    pub fn new(kind: SourceKind, path: Option<String>, text: String) -> Piece {
        Piece { kind, path, text, ends: Vec::new() }
    }
}

/// One source as the report and the history record it: what was sent of it, or why
/// nothing was. Never its contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub kind: SourceKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Bytes of its text that were sent (0 when skipped).
    pub bytes: u64,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
    /// Why it was not sent (`binary`, `secret`, `ignored`, `over budget`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skipped: Option<String>,
}

/// The context of one run, ready to send.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    /// The rendered block, placed ahead of the question; empty when there is no context.
    pub block: String,
    /// Every source considered, sent or skipped, in the order they were given.
    pub sources: Vec<Source>,
    /// Notes for the run's report (a source that could not be read).
    pub notes: Vec<String>,
    /// Where the part of `block` that stays the same across a session's turns may be
    /// split (byte offsets, rising, each on a character boundary): after the frame's
    /// opening and after each turn of the host's conversation. The next turn's block
    /// begins with the same text up to each of these, so a provider that caches at block
    /// boundaries finds the last one it saw.
    pub breaks: Vec<usize>,
    /// The frame's nonce: the one asked for unless a piece held it (`None` when nothing
    /// is sent).
    pub nonce: Option<Nonce>,
    /// Where the host's conversation began this time (`transcript::Window`), for the
    /// next prompt of the session to begin there again.
    pub anchor: Option<String>,
}

impl Context {
    pub fn is_empty(&self) -> bool {
        self.block.is_empty()
    }
}

/// What the gatherers found: the pieces to send, and the sources they skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Gathered {
    pub pieces: Vec<Piece>,
    pub skipped: Vec<Source>,
    /// What the run's report should say about a source that went wrong (not the
    /// ordinary skips, which `skipped` lists).
    pub notes: Vec<String>,
    /// Where the host's conversation began (the transcript's window), when it was sent.
    pub anchor: Option<String>,
}

impl Gathered {
    /// `self` followed by `other`, in that order.
    pub fn extend(&mut self, other: Gathered) {
        self.pieces.extend(other.pieces);
        self.skipped.extend(other.skipped);
        self.notes.extend(other.notes);
        self.anchor = self.anchor.take().or(other.anchor);
    }
}
