//! The arguments of `frontier run` and the panel and shape flags that `mode` and
//! `compose` share with it: who answers (`PanelArgs`), how a fusion runs beyond its panel
//! (`ShapeArgs`), a run's limits (`LimitArgs`, which `chat` shares too), and a run's own
//! output and context flags (`RunArgs`).
//!
//! Raw values only: the ranges, defaults and precedence over config.toml and the scope
//! are the commands' business.

use clap::Args;

use super::values::{count, positive, seconds, usd};

/// The panel a command should use, as given on the command line.
#[derive(Debug, Clone, Default, Args)]
pub struct PanelArgs {
    /// A preset name (`frontier preset list`); `custom` means the `--models` panel.
    /// [default: the scope's armed mode, else `default_preset` in config.toml]
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,
    /// A custom panel of 1 to 8 models, comma-separated.
    #[arg(long, value_name = "A,B,...", value_delimiter = ',', conflicts_with = "model")]
    pub models: Option<Vec<String>>,
    /// One model, answering alone (single mode).
    #[arg(long, value_name = "MODEL", conflicts_with = "preset")]
    pub model: Option<String>,
    /// The judge model (default: the preset's, else the first panel model), or `council`:
    /// every panel member ranks the others' answers, aggregated by Borda count; or `none`:
    /// no judge, the synth weighs the answers itself (one call fewer).
    #[arg(long, value_name = "MODEL|council|none")]
    pub judge: Option<String>,
    /// The synth model (default: the preset's, else the first panel model).
    #[arg(long, value_name = "MODEL")]
    pub synth: Option<String>,
}

/// How a fusion runs beyond who is on its panel: for one run (`run`), or for every run of
/// a scope (`mode`, `compose`, which check them when they arm).
#[derive(Debug, Clone, Default, Args)]
pub struct ShapeArgs {
    /// Set a model's parameter: `temperature` (0 to 2), `max_output_tokens` or
    /// `reasoning` (low, medium, high), e.g. `--param gpt-5.5.reasoning=high`; repeatable.
    /// MODEL must be one of the panel, judge or synth; this overrides the preset's and
    /// the model's own value.
    #[arg(long = "param", value_name = "MODEL.KEY=VALUE")]
    pub params: Vec<String>,
    /// Once the quorum of members has answered, wait at most this many more seconds
    /// (fractions allowed, e.g. 0.5) for the rest; a member still answering then is cut.
    /// [default: `grace_secs` in the preset or config.toml, else no limit]
    #[arg(long, value_name = "SECS", allow_negative_numbers = true, value_parser = seconds)]
    pub grace: Option<f64>,
    /// How many answers start the --grace period.
    /// [default: `quorum` in config.toml, else all members but one]
    #[arg(long, value_name = "K", allow_negative_numbers = true, value_parser = count::<usize>)]
    pub quorum: Option<usize>,
    /// How many times the panel answers, 1 to 3: in each later round every member sees the
    /// others' answers, anonymised, and revises its own; the judge and synth see the last.
    /// [default: `rounds` in the preset or config.toml, else 1]
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = count::<u32>)]
    pub rounds: Option<u32>,
}

impl ShapeArgs {
    pub fn is_empty(&self) -> bool {
        self.params.is_empty() && self.grace.is_none() && self.quorum.is_none() && self.rounds.is_none()
    }
}

/// A run's limits, for `run` and for each turn of `chat`: how long each call and the whole
/// run may take, how many members run at once, what it may cost.
#[derive(Debug, Clone, Default, Args)]
pub struct LimitArgs {
    /// Seconds each model call may take.
    /// [default: `member_timeout_secs` in config.toml, else 180]
    #[arg(long, value_name = "SECS", allow_negative_numbers = true, value_parser = positive::<u64>)]
    pub timeout: Option<u64>,
    /// Seconds the whole run may take. [default: `budget_secs` in config.toml, else 540]
    #[arg(long, value_name = "SECS", allow_negative_numbers = true, value_parser = positive::<u64>)]
    pub budget: Option<u64>,
    /// How many panel members run at once. [default: `concurrency` in config.toml, else 4]
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = positive::<usize>)]
    pub concurrency: Option<usize>,
    /// Seconds a stream may go without completing an event before it counts as stalled
    /// (keep-alive comments and partial lines do not count).
    /// [default: `idle_timeout_secs` in config.toml, else 60]
    #[arg(long, value_name = "SECS", allow_negative_numbers = true, value_parser = positive::<u64>)]
    pub idle_timeout: Option<u64>,
    /// Refuse the run if its estimated cost is over this many USD, and skip the judge or
    /// synth when they would cross it. [default: `max_cost_usd` in config.toml, else no cap]
    #[arg(long, value_name = "USD", allow_negative_numbers = true, value_parser = usd)]
    pub max_cost: Option<f64>,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The prompt, or `-` to read it from stdin.
    #[arg(value_name = "PROMPT")]
    pub prompt: String,
    #[command(flatten)]
    pub panel: PanelArgs,
    #[command(flatten)]
    pub shape: ShapeArgs,
    /// The scope whose armed mode runs when no panel is given.
    /// [default: FRONTIER_SCOPE, else `default`]
    #[arg(long, value_name = "SCOPE")]
    pub scope: Option<String>,
    /// Print one JSON RunReport on stdout instead of the streamed answer.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Print the answer when it is complete instead of streaming it as it arrives.
    #[arg(long)]
    pub no_stream: bool,
    /// Print the answer alone: no progress, score table, analysis or summary on stderr.
    #[arg(long, short = 'q', conflicts_with = "json")]
    pub quiet: bool,
    /// Fix the judge's shuffle of the answers (a report's `judge_seed`), to reproduce a run.
    /// [default: a fresh random seed each run]
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = count::<u64>)]
    pub seed: Option<u64>,
    /// Send a file, a directory (walked, honouring .gitignore, hidden files skipped) or a
    /// quoted glob as context; repeatable.
    #[arg(short = 'f', long = "file", value_name = "PATH")]
    pub files: Vec<String>,
    /// Let -f read what you name outside the workspace (the git root, else the working
    /// directory): absolute paths, `..`, links leading out. Without it, a path named
    /// outside is refused and a named link leading out is skipped; links met walking a
    /// directory or a glob keep to the walked tree either way.
    #[arg(long, requires = "files")]
    pub outside_workspace: bool,
    /// Send the work tree's `git diff` against REV (default HEAD) as context; give a
    /// revision as `--diff=REV`.
    #[arg(long, value_name = "REV", num_args = 0..=1, require_equals = true, default_missing_value = "HEAD")]
    pub diff: Option<String>,
    /// Print what would be sent as context (sources, sizes, the budget) and send nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub thread: ThreadArgs,
}

/// The recorded thread a command follows up (`run`, `chat`).
#[derive(Debug, Clone, Default, Args)]
pub struct ThreadArgs {
    /// Follow up a recorded run: every model sees the thread so far (each earlier prompt
    /// with its context, and frontier's final answer), and the panel is the thread's
    /// unless you name one. `--continue` alone follows the newest run; give a run as
    /// `--continue=RUN` (its id, any unique part of it, or `last`).
    #[arg(
        long = "continue",
        value_name = "RUN",
        num_args = 0..=1,
        require_equals = true,
        default_missing_value = "last"
    )]
    pub continues: Option<String>,
}
