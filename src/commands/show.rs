//! `frontier show RUN_ID|last`: one recorded run, found by its id, any unique part of
//! it, or `last` for the newest; the whole run for people (with its thread, when it
//! continues one or was continued), `--markdown` as a document to
//! paste, `--answer` one member's answer alone, `--json` the stored RunReport exactly as
//! `run --json` printed it.

use crate::cli::ShowArgs;
use crate::env::Env;
use crate::error::{Error, Result, echo};
use crate::history::{Found, Store};
use crate::render::{self, Screen};

pub fn run(args: ShowArgs, env: &Env) -> Result<i32> {
    let config = super::load_config(env)?;
    let id = args.run_id.trim();
    let store = Store::open_existing(&config.paths.history_file())?;
    super::runs::tell(store.as_ref());
    let found = match &store {
        Some(store) if id == "last" => store.last()?,
        Some(store) if !id.is_empty() => store.find(id)?,
        _ => Found::NotFound,
    };
    match found {
        Found::One(summary, report) => {
            if args.json {
                super::print_json(&report);
            } else if args.markdown {
                render::write_stdout(&render::markdown::report(&summary, &report));
            } else if let Some(key) = &args.answer {
                let answer = render::recorded::member_answer(&report, key).map_err(|valid| {
                    Error::usage(format!("run {} has no member `{}`", summary.run_id, echo(key)), valid)
                })?;
                render::write_stdout(&answer);
            } else {
                let fit = Screen::of(env).stdout();
                // The thread is read only to print it: `--json` stays the stored report.
                let thread = match &store {
                    Some(store) => store.thread(&summary)?,
                    None => None,
                };
                render::write_stdout(&render::recorded::report(&summary, &report, thread.as_ref(), fit));
            }
            Ok(0)
        }
        Found::NotFound => {
            let off = if config.settings.history { "" } else { " (history is off in config.toml)" };
            let what = if id == "last" {
                "no run is recorded yet".to_string()
            } else {
                format!("unknown run id `{}`", echo(id))
            };
            Err(Error::usage(what, format!("`frontier runs` lists the recorded runs and their ids{off}")))
        }
        Found::Ambiguous(ids) => Err(Error::usage(
            format!("run id `{}` matches more than one run", echo(id)),
            format!("give more of the id: {}", ids.join(", ")),
        )),
    }
}
