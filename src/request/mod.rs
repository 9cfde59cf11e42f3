//! One typed request, and the one resolver that turns it into the plan a run carries out.
//!
//! Every entry point builds a [`Request`] from its own inputs: `frontier run` from its
//! flags, the hook from the scope it found armed, the MCP server from a tool call (and,
//! later, a follow-up turn or an eval item from theirs). [`resolve`] is then the one place
//! that decides precedence (the request's own values over the scope's armed ones, over the
//! preset's, over config.toml's, over the defaults), checks every value, and reports a bad
//! one in the words of the entry point that sent it ([`Origin`]). What it returns,
//! [`Resolved`], holds the `RunPlan` the pipeline runs and the context budget; [`context()`]
//! fills the plan's context from the request's [`ContextAsk`], or refuses a context a
//! participant's window can't hold.
//!
//! - `resolve`: the order of precedence, and the plan (`resolve_paced`: the same, its
//!   calls waiting for a `Pacer` that the caller shares among many plans);
//! - `selection`: which models (a request's, a scope's armed state, a preset looked up
//!   once); `params`: the parameters of each call (`--param`, a preset's tables) and
//!   whether its route takes them;
//! - `shape`: `--param`, grace, quorum and rounds, the request's over the scope's, and
//!   the check `mode` and `compose` make when they arm one; `limits`: the run's limits
//!   and their ranges;
//! - `participants`: each model on its route, ready to call; `context`: the context
//!   budget and what the request asks to gather; `words`: how each sender names a value;
//! - `thread`: the earlier turns a follow-up continues, read back from history.
//!
//! Knows nothing about clap, the MCP protocol or a host's JSON (the entry points
//! translate their raw inputs into a `Request`), nor how the plan is carried out (the
//! pipeline) or shown (render). It never prints: what the user should be told goes to
//! the caller's `warn`.

mod context;
mod limits;
mod params;
mod participants;
mod resolve;
mod selection;
mod shape;
pub mod thread;
mod words;

#[cfg(test)]
mod tests;

pub use context::{Budget, ContextAsk, Gathering, TranscriptAsk, context};
pub use limits::MAX_HOOK_BUDGET_SECS;
pub use resolve::{Resolved, check_cost, new_run_id, resolve, resolve_paced};
pub use selection::Selection;
pub use shape::{check_for_arming, words as shape_words};
pub use thread::Thread;
pub use words::Origin;

use crate::scope::state::Shape;

/// What to ask, of which panel, with which shape, limits, context and parameters: every
/// value as the entry point received it, `None` where it gave none.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub prompt: String,
    /// Who sent it: decides which scope's armed state applies and the words of an error.
    pub origin: Origin,
    /// The panel the entry point names; empty: the scope's armed one, else
    /// `default_preset`.
    pub panel: PanelAsk,
    /// `--param`, grace, quorum, rounds: over the scope's armed shape.
    pub shape: Shape,
    pub limits: LimitAsk,
    pub context: ContextAsk,
    /// The judge's shuffle seed; `None`: a random one.
    pub seed: Option<u64>,
    /// The thread this run follows up (`--continue`, `frontier chat`, an MCP call).
    pub continues: Option<Continues>,
    /// The agent host's session the request belongs to (the hook), and the nonce it
    /// framed with last; `None`: the run's thread, else the run itself.
    pub session: Option<SessionAsk>,
}

/// The thread a follow-up continues.
#[derive(Debug, Clone, PartialEq)]
pub enum Continues {
    /// A recorded run: its id, any unique part of it, or `last`; its thread is read back
    /// from history.
    Run(String),
    /// A thread its sender holds (`frontier chat`), with the run it follows.
    Held(Box<Thread>),
}

/// A host's session, as the hook keeps it between prompts.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionAsk {
    /// Names the session (the host and its session id).
    pub key: String,
    /// The nonce the session's last prompt framed with.
    pub nonce: Option<crate::frame::Nonce>,
}

/// Who is on the panel, as the entry point names it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PanelAsk {
    pub preset: Option<String>,
    pub models: Option<Vec<String>>,
    /// One model alone (single mode).
    pub model: Option<String>,
    pub judge: Option<String>,
    pub synth: Option<String>,
}

impl PanelAsk {
    /// Whether it names anything at all.
    pub fn is_empty(&self) -> bool {
        *self == PanelAsk::default()
    }
}

/// The limits the entry point asks for; `None` keeps what the scope, the preset or
/// config.toml gives.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct LimitAsk {
    pub concurrency: Option<usize>,
    /// Seconds for each call.
    pub member_timeout: Option<u64>,
    /// Seconds for the whole run.
    pub budget: Option<u64>,
    /// USD the run may spend.
    pub max_cost_usd: Option<f64>,
    /// Seconds of silence a stream may keep.
    pub idle_timeout: Option<u64>,
}
