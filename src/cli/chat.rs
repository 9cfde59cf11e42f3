//! The arguments of `frontier chat`: the panel, shape and limits every turn runs with (the
//! same flags as `run`'s), the scope, and the recorded thread to pick up.
//!
//! Raw values only: the chat command resolves them turn by turn.

use clap::Args;

use super::run::{LimitArgs, PanelArgs, ShapeArgs};

#[derive(Debug, Args)]
pub struct ChatArgs {
    #[command(flatten)]
    pub panel: PanelArgs,
    #[command(flatten)]
    pub shape: ShapeArgs,
    /// The scope whose armed mode runs when no panel is given.
    /// [default: FRONTIER_SCOPE, else `default`]
    #[arg(long, value_name = "SCOPE")]
    pub scope: Option<String>,
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Pick up a recorded thread: the first turn follows the newest run and the whole
    /// thread before it; give a run as `--continue=RUN` (its id, any unique part of it, or
    /// `last`), as `run --continue` takes it.
    #[arg(
        long = "continue",
        value_name = "RUN",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "last"
    )]
    pub resume: Option<String>,
}
