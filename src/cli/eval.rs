//! The arguments of `frontier eval`, and of each `--contender` in it: a contender is
//! written as the panel and shape flags of `frontier run` (`demo --judge none`), read
//! here by a parser of its own so that every flag means what it means for `run`.
//!
//! Raw values only: which prompts, contenders and grader these name, and their checks,
//! are the eval command's business.

use clap::{Args, Parser};

use super::run::{PanelArgs, ShapeArgs};
use super::values::{positive, usd};

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// A JSONL file of prompts: one object per line with `prompt`, and optionally `id`,
    /// `reference` (with `match`: exact, numeric, contains or regex, and `tolerance`) and
    /// `files` (docs/eval.md).
    #[arg(value_name = "SET", conflicts_with_all = ["sample", "from_history", "resume"])]
    pub set: Option<String>,
    /// Use the small sample set shipped with frontier (questions with reference answers).
    #[arg(long, conflicts_with_all = ["from_history", "resume"])]
    pub sample: bool,
    /// Use your own prompts from the run history (graded pairwise: they have no reference).
    #[arg(long, conflicts_with = "resume")]
    pub from_history: bool,
    /// With --from-history: only runs started within this long before now (`7d`, `2w`).
    #[arg(long, value_name = "DURATION", requires = "from_history")]
    pub since: Option<String>,
    /// With --from-history: at most this many of the newest prompts. [default: 50]
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = positive::<usize>, requires = "from_history")]
    pub limit: Option<usize>,
    /// The scope whose armed preset is the default contender, and, with --from-history,
    /// whose runs are read. [default: FRONTIER_SCOPE, else the working directory's]
    #[arg(long, value_name = "SCOPE")]
    pub scope: Option<String>,
    /// A contender: a preset or a model, then any of `run`'s panel and shape flags, quoted
    /// as one argument (`-c demo`, `-c "demo --judge none"`, `-c "demo --rounds 2"`,
    /// `-c "--models a,b --judge council"`, `-c mock:a`); repeatable.
    /// [default: the armed preset, and each of its members alone]
    #[arg(short = 'c', long = "contender", value_name = "SPEC", allow_hyphen_values = true)]
    pub contenders: Vec<String>,
    /// The contender the others are graded against, by its spec as written.
    /// [default: the first contender]
    #[arg(long, value_name = "SPEC", allow_hyphen_values = true)]
    pub baseline: Option<String>,
    /// The model that grades pairs of answers to prompts without a reference.
    /// [default: the baseline's judge, else its first model]
    #[arg(long, value_name = "MODEL")]
    pub grader: Option<String>,
    /// How many runs (and gradings) of the whole eval go at once. [default: 4]
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = positive::<usize>)]
    pub concurrency: Option<usize>,
    /// How many calls to one provider (one server) go at once. [default: 4]
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = positive::<usize>)]
    pub per_provider: Option<usize>,
    /// Seconds each model call may take. [default: `member_timeout_secs`, else 180]
    #[arg(long, value_name = "SECS", allow_negative_numbers = true, value_parser = positive::<u64>)]
    pub timeout: Option<u64>,
    /// Refuse to start when the eval's estimated cost is over this many USD, and stop
    /// starting items once what it spent reaches it.
    #[arg(long, value_name = "USD", allow_negative_numbers = true, value_parser = usd)]
    pub max_cost: Option<f64>,
    /// Go on with an interrupted eval, by its id: nothing it finished runs again. Its set,
    /// contenders, baseline and grader are the ones it began with; --concurrency,
    /// --per-provider, --timeout and --max-cost given here replace its own.
    #[arg(long, value_name = "EVAL_ID", conflicts_with_all = ["contenders", "baseline", "grader"])]
    pub resume: Option<String>,
    /// Print what would run (items, contenders, grader, calls, estimated cost) and stop.
    #[arg(long)]
    pub dry_run: bool,
    /// Print the summary as JSON on stdout instead of the table.
    #[arg(long)]
    pub json: bool,
}

/// One `--contender`, as `run`'s flags: an optional first word (a preset or a model)
/// and the panel and shape flags.
#[derive(Debug, Parser)]
#[command(name = "contender", no_binary_name = true, disable_help_flag = true, disable_version_flag = true)]
pub struct ContenderArgs {
    /// A preset name or a model; the flags may name the panel instead.
    #[arg(value_name = "PRESET|MODEL")]
    pub name: Option<String>,
    #[command(flatten)]
    pub panel: PanelArgs,
    #[command(flatten)]
    pub shape: ShapeArgs,
}
