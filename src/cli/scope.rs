//! The arguments of the commands that act on a scope's state: `mode` and `compose` (what
//! it runs), `status` (what it has armed), `tune` (how its hook picks prompts, and its
//! time budget).
//!
//! Raw values only: what a scope name means and where its state lives are `scope`'s
//! business; the checks on what is armed are the commands'.

use clap::{Args, ValueEnum};

use super::run::{PanelArgs, ShapeArgs};
use super::values::{count, positive};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModeWord {
    Off,
    Single,
    Fusion,
}

#[derive(Debug, Args)]
pub struct ModeArgs {
    /// What to arm.
    #[arg(value_enum)]
    pub mode: ModeWord,
    #[command(flatten)]
    pub panel: PanelArgs,
    #[command(flatten)]
    pub shape: ShapeArgs,
    /// The scope to arm: a name, or a host's workspace alias (`claude-project`,
    /// `codex-project`, ...).
    /// [default: FRONTIER_SCOPE, else `default`]
    #[arg(long, value_name = "SCOPE")]
    pub scope: Option<String>,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The scope to show: a name, or a host's workspace alias (`claude-project`,
    /// `codex-project`, ...).
    /// [default: FRONTIER_SCOPE, else `default`]
    #[arg(long, value_name = "SCOPE")]
    pub scope: Option<String>,
    /// Print JSON instead of lines.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ComposeArgs {
    /// The panel: 1 to 8 models, comma-separated.
    #[arg(long, value_name = "A,B,...", value_delimiter = ',', required = true)]
    pub models: Vec<String>,
    /// The judge model, `council` (the panel ranks itself) or `none` (no judge).
    /// [default: the first panel model]
    #[arg(long, value_name = "MODEL|council|none")]
    pub judge: Option<String>,
    /// The synth model. [default: the first panel model]
    #[arg(long, value_name = "MODEL")]
    pub synth: Option<String>,
    #[command(flatten)]
    pub shape: ShapeArgs,
    /// Also save the panel as a preset of this name.
    #[arg(long, value_name = "NAME")]
    pub save: Option<String>,
    /// The scope to arm. [default: FRONTIER_SCOPE, else `default`]
    #[arg(long, value_name = "SCOPE")]
    pub scope: Option<String>,
    /// Check and show what would happen; write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

#[derive(Debug, Args)]
pub struct TuneArgs {
    /// The scope to tune: a name, or a host's workspace alias (`claude-project`,
    /// `codex-project`, ...).
    /// [default: FRONTIER_SCOPE, else `default`]
    #[arg(long, value_name = "SCOPE")]
    pub scope: Option<String>,
    /// Prompts shorter than this many characters are left alone. [default: 12]
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = count::<u32>)]
    pub min_chars: Option<u32>,
    /// Whether slash commands (`/review ...`) go through the panel. [default: off]
    #[arg(long, value_enum, value_name = "on|off")]
    pub fan_commands: Option<OnOff>,
    /// Whether autonomous-loop prompts (`/loop ...`) go through the panel. [default: off]
    #[arg(long, value_enum, value_name = "on|off")]
    pub fan_loops: Option<OnOff>,
    /// Seconds a hooked run may take (under the hosts' 600 s hook timeout).
    /// [default: `budget_secs` in config.toml, else 540]
    #[arg(long, value_name = "SECS", allow_negative_numbers = true, value_parser = positive::<u64>)]
    pub budget: Option<u64>,
    /// How many of the host conversation's last turns a hooked run sends as context (0: none).
    /// [default: 6]
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = count::<u32>)]
    pub context_turns: Option<u32>,
    /// Whether files the prompt mentions as `@path` are sent as context. [default: on]
    #[arg(long, value_enum, value_name = "on|off")]
    pub context_files: Option<OnOff>,
    /// The most characters the hook hands the host (default: the host's own ceiling).
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = positive::<u32>)]
    pub relay_chars: Option<u32>,
}
