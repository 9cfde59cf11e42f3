//! The command line's raw arguments as the parts of a `Request`: the one place clap's
//! types meet the resolver's.
//!
//! Knows nothing about what the values mean: `request` resolves and checks them.

use std::io::IsTerminal as _;

use crate::cli::{LimitArgs, PanelArgs, RunArgs, ShapeArgs};
use crate::context::reach::Outside;
use crate::request::{ContextAsk, Continues, LimitAsk, Origin, PanelAsk, Request};
use crate::scope::state::Shape;

/// What `frontier run`'s flags ask for, `prompt` read.
pub fn run_request(args: &RunArgs, prompt: String) -> Request {
    Request {
        prompt,
        origin: Origin::Cli { scope: args.scope.clone() },
        panel: panel(&args.panel),
        shape: shape(&args.shape),
        limits: limits(&args.limits),
        context: ContextAsk {
            files: args.files.clone(),
            diff: args.diff.clone(),
            // Piped stdin counts only when the prompt is an argument (`-` reads the prompt
            // itself from stdin) and stdin is not a terminal: the whole cost of a run
            // without context is this one isatty(3).
            stdin: args.prompt != "-" && !std::io::stdin().is_terminal(),
            outside: if args.outside_workspace { Outside::Allowed } else { Outside::Refused },
            transcript: None,
            mentions_in: None,
        },
        seed: args.seed,
        continues: args.thread.continues.clone().map(Continues::Run),
        session: None,
    }
}

/// The panel the flags name.
pub fn panel(flags: &PanelArgs) -> PanelAsk {
    PanelAsk {
        preset: flags.preset.clone(),
        models: flags.models.clone(),
        model: flags.model.clone(),
        judge: flags.judge.clone(),
        synth: flags.synth.clone(),
    }
}

/// The limits the flags ask for.
pub fn limits(flags: &LimitArgs) -> LimitAsk {
    LimitAsk {
        concurrency: flags.concurrency,
        member_timeout: flags.timeout,
        budget: flags.budget,
        max_cost_usd: flags.max_cost,
        idle_timeout: flags.idle_timeout,
    }
}

/// The shape the flags ask for, as a scope keeps it.
pub fn shape(flags: &ShapeArgs) -> Shape {
    Shape { params: flags.params.clone(), grace_secs: flags.grace, quorum: flags.quorum, rounds: flags.rounds }
}
