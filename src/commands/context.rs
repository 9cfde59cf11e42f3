//! The context of a `frontier run` (DESIGN.md §4.2): what `-f`, `--diff` and piped
//! stdin gather, within a budget worked out from the plan: the configured
//! `context_chars`, lowered by the smallest context window the catalog knows among the
//! panel, the judge and the synth (`context::budget` does the arithmetic).
//!
//! Knows nothing about how the sources are read or rendered: `context` and `render` do.

use crate::cli::RunArgs;
use crate::config::Config;
use crate::context::budget::{self, Seat};
use crate::context::{self, Gathered};
use crate::env::Env;
use crate::error::Result;
use crate::pipeline::RunPlan;

/// How many characters of context a plan may send, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Budget {
    pub chars: usize,
    /// The participant whose context window lowered it below `context_chars`.
    pub limited_by: Option<String>,
}

/// The budget for `plan`'s participants under `config`.
pub fn budget(plan: &RunPlan, config: &Config) -> Budget {
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

/// Whether `args` ask for any context. Piped stdin counts only when the prompt is an
/// argument (`-` reads the prompt itself from stdin) and stdin is not a terminal; this
/// is the whole cost of a run without context: one isatty(3).
pub fn wanted(args: &RunArgs) -> bool {
    use std::io::IsTerminal as _;
    !args.files.is_empty() || args.diff.is_some() || (args.prompt != "-" && !std::io::stdin().is_terminal())
}

/// What `args` ask for, gathered within `budget_chars`: piped stdin and the diff first
/// (short, and what the question is usually about), then the `-f` items in order. Each
/// gatherer reads only what the budget left by those before it could take.
pub fn gather(args: &RunArgs, env: &Env, budget_chars: usize) -> Result<Gathered> {
    gather_from(args, env, budget_chars, args.prompt != "-")
}

/// What `args` name (the diff, then the `-f` items), and piped stdin only when `stdin`:
/// the MCP server's stdin is its protocol, never context.
pub fn gather_from(args: &RunArgs, env: &Env, budget_chars: usize, stdin: bool) -> Result<Gathered> {
    let mut gathered = Gathered::default();
    let left = |g: &Gathered| budget_chars.saturating_sub(g.pieces.iter().map(|p| p.text.chars().count()).sum());
    if stdin {
        gathered.extend(context::stdin::gather(budget_chars));
    }
    if let Some(rev) = &args.diff {
        let diff = context::diff::gather(rev, env, left(&gathered))?;
        gathered.extend(diff);
    }
    if !args.files.is_empty() {
        let files = context::files::gather(&args.files, env.cwd(), left(&gathered))?;
        gathered.extend(files);
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
