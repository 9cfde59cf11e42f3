//! A run, resolved and ready to execute: who takes part and the limits it runs under.
//!
//! Knows nothing about where the participants or the limits came from (flags,
//! `config.toml`, a scope), nor what values are allowed: whoever builds a plan validates
//! it, and the pipeline takes it as given.

use std::time::Duration;

use sha2::{Digest as _, Sha256};

use super::call::Participant;
use super::report::{RunMode, ThreadLink};
use crate::context::Context;
use crate::frame::Nonce;

/// Limits of one run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    pub concurrency: usize,
    /// Per member, and per judge or synth call.
    pub member_timeout: Duration,
    /// The whole run.
    pub budget: Duration,
    /// Judge and synth are skipped when less than this is left of the budget.
    pub stage_floor: Duration,
    /// USD the run may spend; judge and synth are skipped when they would cross it.
    pub max_cost_usd: Option<f64>,
    /// The most of each answer kept (members, judge and synth); the rest is not read.
    pub max_answer_bytes: usize,
    /// Once `quorum` members have answered, how much longer the rest get before they are
    /// cut; `None`: as long as their timeout.
    pub grace: Option<Duration>,
    /// How many answers start the grace period; `None`: all members but one. Never more
    /// than the panel (the pipeline takes the smaller).
    pub quorum: Option<usize>,
}

/// A run, resolved and ready to execute.
#[derive(Clone)]
pub struct RunPlan {
    pub run_id: String,
    pub mode: RunMode,
    pub preset: Option<String>,
    pub prompt: String,
    pub panel: Vec<Participant>,
    /// Fusion mode only; `None` in fusion mode without a council is a run with no judge
    /// (`--judge none`), where the synth reads the answers itself.
    pub judge: Option<Participant>,
    /// Fusion mode only.
    pub synth: Option<Participant>,
    pub limits: Limits,
    pub seed: u64,
    /// What every member, the judge and the synth see ahead of the prompt.
    pub context: Context,
    /// The most characters the final answer should take, when its reader caps it (a
    /// hooked run: the host's relay ceiling); the synth is told so.
    pub answer_chars: Option<usize>,
    /// How many times the panel answers: in each later round every member that answered
    /// sees the others' answers, anonymised, and writes a revised one. Whoever builds the
    /// plan checks it against the most a run may have (`config::settings::MAX_ROUNDS`);
    /// the pipeline runs as many as it is given (0 counts as 1).
    pub rounds: u32,
    /// Fusion mode only: the panel ranks its own answers (`--judge council`) instead of a
    /// judge scoring them; `judge` is then `None`.
    pub council: bool,
    /// The session the run belongs to: its cache keys and its frames' nonce.
    pub session: Session,
    /// The thread's earlier turns, oldest first, that every call sees before its own
    /// message; empty for a run that continues nothing.
    pub thread: Vec<Exchange>,
    /// Where the run stands in its thread, for the report; `None` when it continues nothing.
    pub link: Option<ThreadLink>,
    /// The scope whose armed state the run used, or would have: a follow-up must be in
    /// the same one.
    pub scope: Option<String>,
    /// Whether the report keeps the question as sent (the context block with it), which a
    /// follow-up sends again. A hooked run's is the host's conversation, which the host
    /// keeps itself, so it is not recorded.
    pub keeps_question: bool,
}

impl RunPlan {
    /// Frames the whole run with the context's nonce when the context drew its own (a
    /// source held the session's): every frame of a run uses one nonce.
    pub fn adopt_context_nonce(&mut self) {
        if let Some(nonce) = &self.context.nonce {
            self.session.nonce = nonce.clone();
        }
    }

    /// A fusion run with no judge by design (`--judge none`): no judge call, and the
    /// synth weighs the answers itself.
    pub fn has_no_judge(&self) -> bool {
        self.mode == RunMode::Fusion && self.judge.is_none() && !self.council
    }

    /// What every member, the judge and the synth are asked: the context block (when
    /// there is one), then the prompt.
    pub fn question(&self) -> std::borrow::Cow<'_, str> {
        if self.context.is_empty() {
            std::borrow::Cow::Borrowed(&self.prompt)
        } else {
            std::borrow::Cow::Owned(format!("{}\n{}", self.context.block, self.prompt))
        }
    }
}

/// The session a run belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Names the session: the thread's first run, the host's session, else the run
    /// itself. Never sent as it is: each model's cache key is a hash of it.
    pub key: String,
    /// The nonce of the run's frames, kept across the session's turns unless a text
    /// holds it (`Nonce::unless_in`).
    pub nonce: Nonce,
}

impl Session {
    /// A session of one run: its own key, a fresh nonce.
    pub fn new(key: impl Into<String>) -> Session {
        Session { key: key.into(), nonce: Nonce::random() }
    }

    /// The cache key of this session for `model`: `frontier-` and 24 hex digits of a
    /// hash, so that neither the session's name nor the model leaks through it, and two
    /// members of one panel never share a cache entry.
    pub fn cache_key(&self, model: &str) -> String {
        let digest = Sha256::new().chain_update(self.key.as_bytes()).chain_update([0]).chain_update(model).finalize();
        let hex: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
        format!("frontier-{hex}")
    }
}

/// One earlier turn of a thread, as it went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exchange {
    /// What every member was asked: the context block and the prompt, byte for byte.
    pub question: String,
    /// frontier's final answer, as the user read it.
    pub answer: String,
}
