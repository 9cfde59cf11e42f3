//! The arguments of the history's readers: `frontier runs` (the list, or per-model
//! statistics) and `frontier show` (one recorded run).
//!
//! Raw values only: how `--since` reads and what a prefix matches are the history's
//! business.

use clap::Args;

use super::values::positive;

#[derive(Debug, Args)]
pub struct RunsArgs {
    /// How many runs to list, from 1 to 10000 (default 20); with --stats, how many of the
    /// newest runs to count (default all).
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = positive::<usize>)]
    pub limit: Option<usize>,
    /// Only runs started within this long before now (`30m`, `7d`, `2w`).
    #[arg(long, value_name = "DURATION")]
    pub since: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Per-model runs, calls, success rate, p50/p95 latency and cost, per role (member,
    /// judge, synth), over the runs --limit and --since select.
    #[arg(long)]
    pub stats: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The run's id, any part of it matching one run (its time or its random end;
    /// `frontier runs` lists them), or `last` for the newest run.
    #[arg(value_name = "RUN_ID")]
    pub run_id: String,
    /// Print the stored RunReport as JSON, exactly as `run --json` printed it.
    #[arg(long, conflicts_with_all = ["markdown", "answer"])]
    pub json: bool,
    /// Print the whole run as one Markdown document, to paste into an issue or a PR.
    #[arg(long, conflicts_with = "answer")]
    pub markdown: bool,
    /// Print one member's answer alone, by its label (`A`) or its model.
    #[arg(long, value_name = "LABEL|MODEL")]
    pub answer: Option<String>,
}
