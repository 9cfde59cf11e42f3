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
    tell(store.as_ref());
    let fit = Screen::of(env).stdout();
    if args.stats {
        let window = Window { since_ms, limit: args.limit };
        let (samples, cached, (runs, cost), cache) = match &store {
            Some(store) => (
                store.call_samples_in(window)?,
                store.cache_samples_in(window)?,
                store.totals_in(window)?,
                store.cache_totals_in(window)?,
            ),
            None => (Vec::new(), Vec::new(), (0, None), (0, 0)),
        };
        let mut per_model = stats::per_model(&samples);
        stats::add_cache(&mut per_model, &cached);
        if args.json {
            super::print_json(&per_model);
        } else {
            let table = render::history::stats_table(&per_model, runs, cost, cache, fit);
            render::write_stdout(&format!("{table}\n"));
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

/// Prints what opening the history found (lines set aside, records left waiting) on
/// stderr, each once: the next call finds nothing new to say about lines already moved.
pub(super) fn tell(store: Option<&Store>) {
    for notice in store.map(Store::notices).unwrap_or_default() {
        render::write_stderr(&format!("{}: {notice}\n", notice.level()));
    }
}

/// An MCP tool's `text`, followed by what opening the history found (the CLI's stderr
/// lines) after a blank line.
pub(super) fn with_notices(text: String, store: Option<&Store>) -> String {
    let notices = store.map(Store::notices).unwrap_or_default();
    if notices.is_empty() {
        return text;
    }
    let lines: Vec<String> = notices.iter().map(|n| format!("{}: {n}", n.level())).collect();
    format!("{}\n\n{}\n", text.trim_end(), lines.join("\n"))
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
