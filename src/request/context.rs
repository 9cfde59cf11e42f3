//! The context a request asks for (docs/context.md): `-f` items, `--diff`, piped stdin
//! from the command line; the host's last turns and the prompt's `@path` mentions from
//! the hook; files and the diff from an MCP call. Gathered within a budget worked out
//! from the plan: the configured `context_chars`, lowered by the smallest context window
//! the catalog knows among the panel, the judge and the synth (`context::budget` does
//! the arithmetic). A lowered budget that would send one participant less than the others
//! refuses the run instead (docs/design-notes.md says why).
//!
//! Knows nothing about how the sources are read, framed or rendered: `context` and
//! `render` do; nor who asked, beyond what the ask says it may reach.

use std::path::PathBuf;
use std::time::Duration;

use crate::config::Config;
use crate::context::budget::{self, Seat};
use crate::context::reach::{Outside, Reach};
use crate::context::{self, Gathered, SourceKind, transcript};
use crate::env::Env;
use crate::error::{Error, Result};
use crate::pipeline::RunPlan;

/// What a request asks to send besides the prompt.
#[derive(Debug, Clone, PartialEq)]
pub struct ContextAsk {
    /// Files, directories and globs (`-f`, MCP `files`), in order.
    pub files: Vec<String>,
    /// The revision to diff against (`--diff[=REV]`, MCP `diff`).
    pub diff: Option<String>,
    /// Piped stdin: the command line's, when its prompt is an argument and stdin is no
    /// terminal.
    pub stdin: bool,
    /// Whether a path named outside the workspace may be read.
    pub outside: Outside,
    /// The host's last turns (the hook).
    pub transcript: Option<TranscriptAsk>,
    /// The files the prompt mentions as `@path` (the hook), read within the workspace of
    /// this directory, never outside it.
    pub mentions_in: Option<PathBuf>,
}

/// The host's transcript and how many of its last turns to send.
#[derive(Debug, Clone, PartialEq)]
pub struct TranscriptAsk {
    pub path: PathBuf,
    pub turns: usize,
    /// Where the window of turns begins: sliding, or in blocks from the session's anchor.
    pub window: transcript::Window,
}

impl ContextAsk {
    /// Nothing besides the prompt; paths outside the workspace as `outside` says.
    pub fn none(outside: Outside) -> ContextAsk {
        ContextAsk { files: Vec::new(), diff: None, stdin: false, outside, transcript: None, mentions_in: None }
    }

    /// Whether it asks for nothing: then nothing is walked, read or run.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
            && self.diff.is_none()
            && !self.stdin
            && self.transcript.is_none()
            && self.mentions_in.is_none()
    }
}

/// How many characters of context a plan may send, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budget {
    pub chars: usize,
    /// `context_chars` from the configuration: the budget before any window lowered it.
    pub configured: usize,
    /// The participant whose context window lowered it below `context_chars`.
    pub limited_by: Option<String>,
    /// That participant's window (tokens) and share of the question.
    limit: Option<Seat>,
}

/// The budget for `plan`'s participants under `config`.
pub(super) fn budget(plan: &RunPlan, config: &Config) -> Budget {
    let window = |model: &str| config.catalog.context_window(model);
    let panel = plan.panel.len();
    let mut seats: Vec<(Seat, &str)> = plan.panel.iter().map(|m| (Seat::member(window(&m.model)), &*m.model)).collect();
    if let Some(judge) = &plan.judge {
        seats.push((Seat::judge(window(&judge.model), panel), &judge.model));
    }
    if let Some(synth) = &plan.synth {
        seats.push((Seat::synth(window(&synth.model), panel), &synth.model));
    }
    let only: Vec<Seat> = seats.iter().map(|(s, _)| *s).collect();
    let configured = config.settings.run.context_chars;
    let (chars, limited) = budget::chars(configured, plan.prompt.chars().count(), &only);
    Budget {
        chars,
        configured,
        limited_by: limited.map(|i| seats[i].1.to_string()),
        limit: limited.map(|i| seats[i].0),
    }
}

/// What the command that gathers context is told as it goes: whether to stop, and the
/// line to show when piped stdin keeps it waiting.
pub struct Gathering<'a> {
    pub stop: &'a dyn Fn() -> bool,
    pub say: &'a dyn Fn(&str),
}

/// The context `ask` names for `plan`, gathered and fitted into `budget` (see [`gather`]),
/// framed with the plan's session nonce unless a source holds it (the context's `nonce`
/// says which; the run's frames use that one).
///
/// A participant whose context window lowers the budget never gets less than the others
/// would have: when the lowered budget would cut or skip a source the configured one sends
/// (the host's conversation aside, which is always a window of the last turns), the run
/// is refused, naming that participant, its window, what the context needs, and the ways
/// out. When the lowered budget holds it all, the context carries a note saying the
/// budget was lowered, and by whom. The notes the plan already had (what its thread left
/// out) come first.
pub fn context(
    ask: &ContextAsk,
    plan: &RunPlan,
    env: &Env,
    budget: &Budget,
    gathering: &Gathering<'_>,
) -> Result<context::Context> {
    let mut context = fitted(ask, plan, env, budget, gathering)?;
    context.notes.splice(0..0, plan.context.notes.iter().cloned());
    Ok(context)
}

/// The context `ask` names, gathered and fitted, with its own notes only.
fn fitted(
    ask: &ContextAsk,
    plan: &RunPlan,
    env: &Env,
    budget: &Budget,
    gathering: &Gathering<'_>,
) -> Result<context::Context> {
    let gathered = gather(ask, &plan.prompt, env, budget.configured, plan.limits.budget, gathering)?;
    let (Some(model), Some(seat)) = (&budget.limited_by, budget.limit) else {
        return Ok(context::assemble(gathered, budget.chars, &plan.session.nonce));
    };
    let whole = context::assemble(gathered.clone(), budget.configured, &plan.session.nonce);
    let mut lowered = context::assemble(gathered, budget.chars, &plan.session.nonce);
    let window = seat.window.unwrap_or_default();
    let lost = whole.sources.iter().zip(&lowered.sources).any(|(w, l)| {
        w.kind != SourceKind::Transcript && w.skipped.is_none() && (l.skipped.is_some() || l.bytes < w.bytes)
    });
    if lost {
        let need = whole.block.chars().count();
        let needed = budget::window_needed(need, plan.prompt.chars().count(), seat);
        return Err(Error::usage(
            format!(
                "`{model}` has a context window of {window} tokens, too small for this run's context: {need} \
                 characters, which with the prompt and the answers it holds need a window of about {needed} tokens \
                 (its window leaves room for {} characters)",
                budget.chars
            ),
            format!(
                "send less context, leave `{model}` out of the run (`--models`, `--judge`, `--synth`), or raise its \
                 `context_window` in config.toml if the model holds more"
            ),
        ));
    }
    lowered.notes.push(format!(
        "context: the budget was lowered from {} to {} characters to fit `{model}`'s context window of {window} \
         tokens; everything asked for fit",
        budget.configured, budget.chars
    ));
    Ok(lowered)
}

/// What `ask` names for `prompt`, gathered within `budget_chars`: piped stdin and the
/// diff first (short, and what the question is usually about), then the files in order,
/// then the host's turns and the prompt's mentions. Each gatherer reads only what the
/// budget left by those before it could take; the files are confined to the workspace
/// of the working directory (the git root, else the directory itself). Piped stdin is
/// read to its end within `wait` (the run's time budget), and `gathering.say` is handed
/// one line if it keeps the run waiting. `gathering.stop` is asked between files and
/// between the entries of a walk: once it says yes, this returns `files::stopped`'s
/// error within one file's read, and nothing is sent. The host's turns and the mentions
/// never fail: a source that can't be read is listed as skipped.
fn gather(
    ask: &ContextAsk,
    prompt: &str,
    env: &Env,
    budget_chars: usize,
    wait: Duration,
    gathering: &Gathering<'_>,
) -> Result<Gathered> {
    let mut gathered = Gathered::default();
    let left = |g: &Gathered| budget_chars.saturating_sub(g.pieces.iter().map(|p| p.text.chars().count()).sum());
    if ask.stdin {
        gathered.extend(context::stdin::gather(budget_chars, wait, &mut || (gathering.say)(context::stdin::WAITING)));
    }
    if let Some(rev) = &ask.diff {
        let diff = context::diff::gather(rev, env, left(&gathered))?;
        gathered.extend(diff);
    }
    let stop = gathering.stop;
    if stop() {
        return Err(context::files::stopped());
    }
    if !ask.files.is_empty() {
        let reach = Reach::new(&crate::scope::workspace_root(env.cwd()), ask.outside);
        let files = context::files::gather(&ask.files, env.cwd(), &reach, left(&gathered), stop)?;
        gathered.extend(files);
    }
    if let Some(TranscriptAsk { path, turns, window }) = &ask.transcript {
        let limits = transcript::Limits { turns: *turns, chars: transcript::DEFAULT_CHARS.min(budget_chars) };
        gathered.extend(transcript::gather_window(path, prompt, limits, window));
    }
    if let Some(cwd) = &ask.mentions_in {
        // A prompt never reaches outside the workspace: no tuning or input widens it.
        let reach = Reach::new(&crate::scope::workspace_root(cwd), Outside::Never);
        gathered.extend(context::mention::gather_within(prompt, cwd, &reach, budget_chars));
    }
    Ok(gathered)
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    #[test]
    fn the_configured_default_is_the_context_layers_default() {
        assert_eq!(crate::config::RunDefaults::default().context_chars, crate::context::budget::DEFAULT_CONTEXT_CHARS);
    }
}
