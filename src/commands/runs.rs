//! `frontier runs`: the newest recorded runs, or with `--stats` statistics per model and
//! role, over the runs `--limit` and `--since` select. Never creates the database: with
//! none yet, there is nothing to list.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::cli::RunsArgs;
use crate::env::Env;
use crate::error::{Error, Result, echo};
use crate::history::{Store, Window, stats};
use crate::render::{self, Screen};

/// The most runs one listing shows.
pub const MAX_LIMIT: usize = 10_000;
/// How many runs a listing shows without `--limit`.
const DEFAULT_LIMIT: usize = 20;

pub fn run(args: RunsArgs, env: &Env) -> Result<i32> {
    limit(args.limit)?;
    let since_ms = args.since.as_deref().map(since).transpose()?;
    let config = super::load_config(env)?;
    if !config.settings.history {
        eprintln!(
            "note: history is off (`history = false` in `{}`): no run is recorded",
            config.paths.config_file().display()
        );
    }
    let store = Store::open_existing(&config.paths.history_file())?;
    let fit = Screen::of(env).stdout();
    if args.stats {
        let window = Window { since_ms, limit: args.limit };
        let (samples, (runs, cost)) = match &store {
            Some(store) => (store.call_samples_in(window)?, store.totals_in(window)?),
            None => (Vec::new(), (0, None)),
        };
        let per_model = stats::per_model(&samples);
        if args.json {
            super::print_json(&per_model);
        } else {
            render::write_stdout(&format!("{}\n", render::history::stats_table(&per_model, runs, cost, fit)));
        }
        return Ok(0);
    }
    let window = Window { since_ms, limit: Some(args.limit.unwrap_or(DEFAULT_LIMIT)) };
    let runs = match &store {
        Some(store) => store.list_window(window)?,
        None => Vec::new(),
    };
    if args.json {
        super::print_json(&runs);
    } else if runs.is_empty() {
        let when = if since_ms.is_some() { " in that time" } else { " yet" };
        eprintln!("no runs recorded{when}; `frontier run --preset demo \"hello\"` makes one");
    } else {
        render::write_stdout(&format!("{}\n", render::history::runs_table(&runs, fit)));
    }
    Ok(0)
}

/// `--limit`, checked, or the default.
pub(super) fn limit(limit: Option<usize>) -> Result<usize> {
    if let Some(limit) = limit.filter(|l| !(1..=MAX_LIMIT).contains(l)) {
        return Err(Error::usage(format!("--limit {limit} is out of range"), format!("give from 1 to {MAX_LIMIT}")));
    }
    Ok(limit.unwrap_or(DEFAULT_LIMIT))
}

/// `--since 7d` as the Unix time in ms that long ago.
pub(super) fn since(text: &str) -> Result<i64> {
    let span = humantime::parse_duration(text.trim()).map_err(|e| {
        Error::usage(format!("--since `{}` is not a duration ({e})", echo(text)), "give one like `30m`, `12h`, `7d`")
    })?;
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    let ago = now.saturating_sub(span);
    Ok(i64::try_from(ago.as_millis()).unwrap_or(i64::MAX))
}
