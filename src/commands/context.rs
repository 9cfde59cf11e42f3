//! The context of a `frontier run` (docs/context.md): what `-f`, `--diff` and piped
//! stdin gather, within a budget worked out from the plan: the configured
//! `context_chars`, lowered by the smallest context window the catalog knows among the
//! panel, the judge and the synth (`context::budget` does the arithmetic).
//!
//! Knows nothing about how the sources are read or rendered: `context` and `render` do.

use crate::cli::RunArgs;
use crate::config::Config;
use crate::context::budget::{self, Seat};
use crate::context::reach::{Outside, Reach};
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

/// Who asks for context: it decides whether piped stdin is read and whether a path named
/// outside the workspace may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asker {
    /// The command line's user: piped stdin when `stdin`; paths they name outside the
    /// workspace only when they said so (`--outside-workspace`).
    User { stdin: bool, outside_workspace: bool },
    /// An MCP caller: never stdin (the protocol's), never outside the workspace, whatever
    /// it sends.
    Mcp,
}

/// What `args` ask for, gathered within `budget_chars`: piped stdin and the diff first
/// (short, and what the question is usually about), then the `-f` items in order. Each
/// gatherer reads only what the budget left by those before it could take.
pub fn gather(args: &RunArgs, env: &Env, budget_chars: usize) -> Result<Gathered> {
    let asker = Asker::User { stdin: args.prompt != "-", outside_workspace: args.outside_workspace };
    gather_from(args, env, budget_chars, asker, &|| false)
}

/// What `args` name (the diff, then the `-f` items) for `asker`, the files confined to the
/// workspace of the working directory (the git root, else the directory itself).
/// `stop` is asked between files and between the entries of a walk: once it says yes,
/// this returns `files::stopped`'s error within one file's read, and nothing is sent.
pub fn gather_from(
    args: &RunArgs,
    env: &Env,
    budget_chars: usize,
    asker: Asker,
    stop: &dyn Fn() -> bool,
) -> Result<Gathered> {
    let mut gathered = Gathered::default();
    let left = |g: &Gathered| budget_chars.saturating_sub(g.pieces.iter().map(|p| p.text.chars().count()).sum());
    let outside = match asker {
        Asker::User { stdin, outside_workspace } => {
            if stdin {
                gathered.extend(context::stdin::gather(budget_chars));
            }
            if outside_workspace { Outside::Allowed } else { Outside::Refused }
        }
        Asker::Mcp => Outside::Never,
    };
    if let Some(rev) = &args.diff {
        let diff = context::diff::gather(rev, env, left(&gathered))?;
        gathered.extend(diff);
    }
    if stop() {
        return Err(context::files::stopped());
    }
    if !args.files.is_empty() {
        let reach = Reach::new(&crate::scope::workspace_root(env.cwd()), outside);
        let files = context::files::gather(&args.files, env.cwd(), &reach, left(&gathered), stop)?;
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
