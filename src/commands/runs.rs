//! `frontier runs`: the newest recorded runs, or with `--stats` per-model statistics
//! over every recorded run. Never creates the database: with none yet, there is
//! nothing to list.

use crate::cli::RunsArgs;
use crate::env::Env;
use crate::error::{Error, Result};
use crate::history::{Store, stats};
use crate::render;

/// The most runs one listing shows.
pub const MAX_LIMIT: usize = 10_000;

pub fn run(args: RunsArgs, env: &Env) -> Result<i32> {
    if !(1..=MAX_LIMIT).contains(&args.limit) {
        return Err(Error::usage(
            format!("--limit {} is out of range", args.limit),
            format!("give from 1 to {MAX_LIMIT}"),
        ));
    }
    let config = super::load_config(env)?;
    if !config.settings.history {
        eprintln!(
            "note: history is off (`history = false` in `{}`): no run is recorded",
            config.paths.config_file().display()
        );
    }
    let store = Store::open_existing(&config.paths.history_file())?;
    if args.stats {
        let (samples, (runs, cost)) = match &store {
            Some(store) => (store.call_samples()?, store.totals()?),
            None => (Vec::new(), (0, None)),
        };
        let per_model = stats::per_model(&samples);
        if args.json {
            super::print_json(&per_model);
        } else {
            render::write_stdout(&format!("{}\n", render::history::stats_table(&per_model, runs, cost)));
        }
        return Ok(0);
    }
    let runs = match &store {
        Some(store) => store.list(args.limit)?,
        None => Vec::new(),
    };
    if args.json {
        super::print_json(&runs);
    } else if runs.is_empty() {
        eprintln!("no runs recorded yet; `frontier run --preset demo \"hello\"` makes one");
    } else {
        render::write_stdout(&format!("{}\n", render::history::runs_table(&runs)));
    }
    Ok(0)
}
