//! The context a request asks for (docs/context.md): `-f` items, `--diff`, piped stdin
//! from the command line; the host's last turns and the prompt's `@path` mentions from
//! the hook; files and the diff from an MCP call. Gathered within a budget worked out
//! from the plan: the configured `context_chars`, lowered by the smallest context window
//! the catalog knows among the panel, the judge and the synth (`context::budget` does
//! the arithmetic).
//!
//! Knows nothing about how the sources are read, framed or rendered: `context` and
//! `render` do; nor who asked, beyond what the ask says it may reach.

use std::path::PathBuf;

use crate::config::Config;
use crate::context::budget::{self, Seat};
use crate::context::reach::{Outside, Reach};
use crate::context::{self, Gathered, transcript};
use crate::env::Env;
use crate::error::Result;
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
    /// The participant whose context window lowered it below `context_chars`.
    pub limited_by: Option<String>,
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
    let (chars, limited) = budget::chars(config.settings.run.context_chars, plan.prompt.chars().count(), &only);
    Budget { chars, limited_by: limited.map(|i| seats[i].1.to_string()) }
}

/// What `ask` names for `prompt`, gathered within `budget_chars`: piped stdin and the
/// diff first (short, and what the question is usually about), then the files in order,
/// then the host's turns and the prompt's mentions. Each gatherer reads only what the
/// budget left by those before it could take; the files are confined to the workspace
/// of the working directory (the git root, else the directory itself). `stop` is asked
/// between files and between the entries of a walk: once it says yes, this returns
/// `files::stopped`'s error within one file's read, and nothing is sent. The host's
/// turns and the mentions never fail: a source that can't be read is listed as skipped.
pub fn gather(
    ask: &ContextAsk,
    prompt: &str,
    env: &Env,
    budget_chars: usize,
    stop: &dyn Fn() -> bool,
) -> Result<Gathered> {
    let mut gathered = Gathered::default();
    let left = |g: &Gathered| budget_chars.saturating_sub(g.pieces.iter().map(|p| p.text.chars().count()).sum());
    if ask.stdin {
        gathered.extend(context::stdin::gather(budget_chars));
    }
    if let Some(rev) = &ask.diff {
        let diff = context::diff::gather(rev, env, left(&gathered))?;
        gathered.extend(diff);
    }
    if stop() {
        return Err(context::files::stopped());
    }
    if !ask.files.is_empty() {
        let reach = Reach::new(&crate::scope::workspace_root(env.cwd()), ask.outside);
        let files = context::files::gather(&ask.files, env.cwd(), &reach, left(&gathered), stop)?;
        gathered.extend(files);
    }
    if let Some(TranscriptAsk { path, turns }) = &ask.transcript {
        let limits = transcript::Limits { turns: *turns, chars: transcript::DEFAULT_CHARS.min(budget_chars) };
        gathered.extend(transcript::gather(path, prompt, limits));
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
