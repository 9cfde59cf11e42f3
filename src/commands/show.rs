//! `frontier show RUN_ID`: one recorded run, found by its id or a unique prefix of it;
//! `--json` prints the stored RunReport exactly as `run --json` printed it.

use crate::cli::ShowArgs;
use crate::env::Env;
use crate::error::{Error, Result, echo};
use crate::history::{Found, Store};
use crate::render;

pub fn run(args: ShowArgs, env: &Env) -> Result<i32> {
    let config = super::load_config(env)?;
    let id = args.run_id.trim();
    let found = match Store::open_existing(&config.paths.history_file())? {
        Some(store) if !id.is_empty() => store.find(id)?,
        _ => Found::NotFound,
    };
    match found {
        Found::One(summary, report) => {
            if args.json {
                super::print_json(&report);
            } else {
                render::write_stdout(&render::recorded::report(&summary, &report));
            }
            Ok(0)
        }
        Found::NotFound => {
            let off = if config.settings.history { "" } else { " (history is off in config.toml)" };
            Err(Error::usage(
                format!("unknown run id `{}`", echo(id)),
                format!("`frontier runs` lists the recorded runs and their ids{off}"),
            ))
        }
        Found::Ambiguous(ids) => Err(Error::usage(
            format!("run id `{}` matches more than one run", echo(id)),
            format!("give more of the id: {}", ids.join(", ")),
        )),
    }
}
