//! The arguments of `frontier preset`: list, show, save and delete presets.
//!
//! Raw values only: what makes a preset name valid, and which presets are built in, is
//! config's business.

use clap::Subcommand;

use super::JsonArg;

#[derive(Debug, Subcommand)]
pub enum PresetCommand {
    /// List every preset.
    List(JsonArg),
    /// Show one preset.
    Show {
        /// The preset's name or alias.
        name: String,
        /// Print JSON instead of lines.
        #[arg(long)]
        json: bool,
    },
    /// Save a panel as a preset of your own.
    Save {
        /// The new preset's name.
        name: String,
        /// The panel: 1 to 8 models, comma-separated.
        #[arg(long, value_name = "A,B,...", value_delimiter = ',', required = true)]
        models: Vec<String>,
        /// The judge model, `council` (the panel ranks itself) or `none` (no judge).
        /// [default: the first panel model]
        #[arg(long, value_name = "MODEL|council|none")]
        judge: Option<String>,
        /// The synth model. [default: the first panel model]
        #[arg(long, value_name = "MODEL")]
        synth: Option<String>,
        /// One line saying what the preset is for. [default: its models and judge]
        #[arg(long, value_name = "TEXT")]
        description: Option<String>,
    },
    /// Delete a preset of your own (warns when a scope has it armed).
    Delete {
        /// The preset's name.
        name: String,
    },
}
