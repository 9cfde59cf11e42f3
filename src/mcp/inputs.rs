//! What each tool takes: the arguments an agent sends, their JSON schemas (derived, so
//! the schema a client sees and the parser that reads its call can't drift apart) and
//! the descriptions it reads to choose a value.
//!
//! Knows nothing about what the values mean: `commands::mcp` turns them into the same
//! raw arguments `frontier run`, `runs` and `show` parse from a command line, and those
//! commands' checks refuse what is wrong, with their own messages.

use schemars::JsonSchema;
use serde::Deserialize;

/// `fuse`: a question for the panel.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Fuse {
    /// The question or task for the panel, as complete as you would put it to a senior
    /// colleague: each model sees only this, the files and the diff.
    pub prompt: String,
    /// Files, directories or globs (relative to the server's working directory) the
    /// panel reads as context: only inside the workspace (the git root, else the
    /// working directory); secrets, binaries and links leading out are skipped.
    #[serde(default)]
    pub files: Vec<String>,
    /// A git revision whose diff against the working tree the panel reads, e.g. `HEAD`.
    pub diff: Option<String>,
    /// A preset (the `catalog` tool lists them). Without `preset` and `models`, the
    /// scope's armed mode runs, else the configured default preset.
    pub preset: Option<String>,
    /// A custom panel of 1 to 8 models instead of a preset (the `catalog` tool lists the
    /// models and whether each is ready).
    pub models: Option<Vec<String>>,
    /// The model that compares and scores the answers, `council` to have the panel
    /// members rank each other's answers, or `none` for no judge (the synth weighs the
    /// answers itself, one call fewer) (default: the preset's judge, else the first
    /// panel model).
    pub judge: Option<String>,
    /// The model that writes the fused answer (default: the preset's synth, else the
    /// first panel model).
    pub synth: Option<String>,
    /// Rounds of answers (1 to 3, default 1): in each later round every member revises
    /// its answer after reading the others' (anonymised). Each round costs a call per
    /// member.
    #[schemars(range(min = 1, max = 3))]
    pub rounds: Option<u32>,
    /// A cap on the run's estimated cost in US dollars: a run estimated over it is
    /// refused before anything is sent.
    #[schemars(range(min = 0.0))]
    pub max_cost_usd: Option<f64>,
    /// Seconds the whole run may take (default: `budget_secs` in config.toml, else 540).
    #[schemars(range(min = 1))]
    pub budget_secs: Option<u64>,
    /// The run id an earlier `fuse` or `ask` result gave, to follow that run up: every
    /// model then sees the thread so far (each earlier prompt with its context, and the
    /// final answer), and the panel is the thread's unless you name one.
    #[serde(rename = "continue")]
    pub continues: Option<String>,
}

/// `ask`: a question for one model.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Ask {
    /// The question or task, complete: the model sees only this, the files and the diff.
    pub prompt: String,
    /// The model to ask (the `catalog` tool lists the models and whether each is ready).
    pub model: String,
    /// Files, directories or globs the model reads as context, inside the workspace only.
    #[serde(default)]
    pub files: Vec<String>,
    /// A git revision whose diff against the working tree the model reads, e.g. `HEAD`.
    pub diff: Option<String>,
    /// A cap on the call's estimated cost in US dollars.
    #[schemars(range(min = 0.0))]
    pub max_cost_usd: Option<f64>,
    /// The run id an earlier `fuse` or `ask` result gave, to follow that run up with
    /// this model: it then sees the thread so far.
    #[serde(rename = "continue")]
    pub continues: Option<String>,
}

/// `catalog`: no arguments.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Catalog {}

/// `runs`: the newest recorded runs.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Runs {
    /// How many runs to list, newest first (default 20).
    #[schemars(range(min = 1, max = 10000))]
    pub limit: Option<usize>,
    /// Only runs started this long ago or later, e.g. `30m`, `12h`, `7d`.
    pub since: Option<String>,
}

/// `show`: one recorded run.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Show {
    /// A run id (as `fuse`, `ask` and `runs` give it), any unique part of one (its time or its random end), or `last`.
    pub run_id: String,
}
