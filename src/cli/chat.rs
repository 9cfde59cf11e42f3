//! The arguments of `frontier chat`: the panel, shape and limits every turn runs with (the
//! same flags as `run`'s), the scope, and the recorded thread to pick up.
//!
//! Raw values only: the chat command resolves them turn by turn.

use clap::Args;

use super::run::{LimitArgs, PanelArgs, ShapeArgs, ThreadArgs};

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
    #[command(flatten)]
    pub thread: ThreadArgs,
}
