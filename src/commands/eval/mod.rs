//! `frontier eval`: reads the set (`source`), decides who is compared and who grades
//! (`contenders`), estimates the cost (`estimate`) and refuses one over `--max-cost`,
//! then has the eval engine run every item into the eval's directory, with a progress
//! bar (`progress`), and shows what it found (`show`). `--resume` reads the directory
//! back and runs only what is missing; Ctrl-C stops it with everything finished kept.
//!
//! Knows nothing about how a run or a grading is carried out (`eval::runner`) or how
//! the summary is laid out (`render::eval`).

mod contenders;
mod define;
mod estimate;
mod progress;
mod show;
mod source;

use std::sync::Arc;
use std::time::Duration;

use self::estimate::Estimate;
use self::source::Source;
use super::cancel::Cancel;
use crate::cli::EvalArgs;
use crate::config::Config;
use crate::env::Env;
use crate::error::{Error, Result};
use crate::eval::Item;
use crate::eval::journal::{self, Done, Journal};
use crate::eval::runner::{self, Ending, Setup};
use crate::pipeline::RunPlan;
use crate::provider::pace::Pacer;
use crate::render::Screen;
use crate::request::{self, Gathering, LimitAsk, Request, Resolved};

/// Runs (and gradings) at once for the whole eval, and calls at once to one provider,
/// when not given.
pub const DEFAULT_CONCURRENCY: usize = 4;
pub const DEFAULT_PER_PROVIDER: usize = 4;

pub fn run(args: EvalArgs, env: &Env) -> Result<i32> {
    if env.depth() >= 1 {
        return Err(Error::refused(
            format!("frontier eval can't run inside a frontier run (FRONTIER_DEPTH is {})", env.depth()),
            "run the eval from your own shell",
        ));
    }
    let config = super::load_config(env)?;
    let evals_dir = config.paths.state_dir.join("evals");
    let define::Planned { mut definition, source, counts, contenders } = match &args.resume {
        Some(id) => define::resume(&args, &config, &evals_dir, id)?,
        None => define::define(&args, &config, env)?,
    };
    let pacer = Arc::new(Pacer::new(definition.settings.per_provider));
    let limits = LimitAsk { member_timeout: definition.settings.timeout, ..LimitAsk::default() };
    let first =
        source.items()?.next().transpose()?.ok_or_else(|| Error::usage("the set holds no prompts", "add one"))?;
    let scope = definition.scope.as_deref();
    // Every contender resolved once before anything is sent: a bad one stops the eval
    // here, in its own words.
    let plans: Vec<RunPlan> = contenders
        .iter()
        .map(|c| {
            resolve(&c.request(&first, scope, limits), &config, env, &pacer)
                .map(|r| r.plan)
                .map_err(|e| define::named(c, e))
        })
        .collect::<Result<_>>()?;
    let baseline = contenders::position(&contenders, &definition.baseline)?;
    definition.grader = define::default_grader(&definition, counts, contenders.len() - 1, &plans[baseline]);
    let grader = match (&definition.grader, counts.ungraded > 0 && contenders.len() > 1) {
        (Some(model), true) => Some(define::grader_seat(model, scope, limits, &config, env, &pacer)?),
        _ => None,
    };
    let mut estimate = Estimate::default();
    for (contender, plan) in contenders.iter().zip(&plans) {
        estimate.add(&contender.label, plan, counts);
    }
    if let Some(grader) = &grader {
        estimate.add_grading(grader, contenders.len() - 1, counts);
    }
    let notes = define::notes(&definition, &contenders, &plans, counts);
    let shapes: Vec<String> = plans.iter().map(show::describe).collect();
    if args.dry_run {
        show::dry_run(&definition, &contenders, counts, &estimate, &notes, args.json);
        return Ok(0);
    }
    for note in &notes {
        super::warn(note);
    }
    let dir = Journal::dir_of(&evals_dir, &definition.eval_id);
    let (mut journal, done) = match &args.resume {
        Some(_) => (Journal::open(&dir)?, Done::read(&dir, &definition.baseline, contenders.len() - 1)?),
        None => {
            check_cost(&estimate, definition.settings.max_cost)?;
            (Journal::create(&dir, &definition, |out| source.copy_to(out))?, Done::default())
        }
    };
    let spent_before = done.spent;
    let screen = Screen::of(env);
    let bar = progress::Bar::new(&screen, counts.items);
    let prepare = |request: &Request, gathering: &Gathering<'_>| prepare(request, gathering, &config, env, &pacer);
    let setup = Setup {
        contenders: &contenders,
        baseline,
        grader: grader.as_ref(),
        scope,
        limits,
        grader_timeout: definition.settings.timeout.map_or(config.settings.run.member_timeout, Duration::from_secs),
        concurrency: definition.settings.concurrency,
        max_cost: definition.settings.max_cost,
        spent_before,
        prepare: &prepare,
    };
    let copy = Source::Copy(dir.join(journal::ITEMS));
    let items = copy.items()?.filter_map(|item| item.ok());
    let ending = carry_out(&setup, items, done, &mut journal, &bar);
    bar.finish();
    let ending = ending.map_err(|err| match err {
        Error::Cancelled { signal } => Error::Interrupted {
            signal,
            hint: format!("what finished is kept; `frontier eval --resume {}` goes on from there", definition.eval_id),
        },
        other => other,
    })?;
    let mut notes = notes;
    if ending == Ending::CostCap {
        notes.push(format!(
            "the eval stopped starting items when its spend reached --max-cost {}",
            crate::pipeline::cost::format_usd(definition.settings.max_cost.unwrap_or_default())
        ));
    }
    let summary = show::summarize(&definition, &contenders, &shapes, &dir, &notes, ending == Ending::Complete)?;
    show::finish(&summary, &dir, &screen, args.json)?;
    Ok(0)
}

/// Refuses an eval whose estimate is over `--max-cost`, before anything is sent.
fn check_cost(estimate: &Estimate, cap: Option<f64>) -> Result<()> {
    let Some(cap) = cap else { return Ok(()) };
    if estimate.usd() <= cap {
        return Ok(());
    }
    Err(Error::usage(
        format!(
            "the eval's estimated cost, about {}, is over --max-cost {}",
            crate::pipeline::cost::format_usd(estimate.usd()),
            crate::pipeline::cost::format_usd(cap)
        ),
        "raise --max-cost, use fewer prompts or contenders, or see the estimate with --dry-run",
    ))
}

/// The plan `request` asks for, every participant on the eval's pacer.
fn resolve(request: &Request, config: &Config, env: &Env, pacer: &Arc<Pacer>) -> Result<Resolved> {
    request::resolve_paced(request, config, env, &mut |_| {}, pacer)
}

/// The plan `request` asks for, its context gathered.
fn prepare(
    request: &Request,
    gathering: &Gathering<'_>,
    config: &Config,
    env: &Env,
    pacer: &Arc<Pacer>,
) -> Result<Resolved> {
    let mut resolved = resolve(request, config, env, pacer)?;
    if !request.context.is_empty() {
        resolved.plan.context = request::context(&request.context, &resolved.plan, env, &resolved.budget, gathering)?;
        for note in &resolved.plan.context.notes {
            (gathering.say)(note);
        }
    }
    Ok(resolved)
}

/// Runs the eval on a runtime of its own until it ends or a signal stops it.
fn carry_out(
    setup: &Setup<'_>,
    items: impl Iterator<Item = Item>,
    done: Done,
    journal: &mut Journal,
    bar: &progress::Bar,
) -> Result<Ending> {
    let runtime = super::execute::runtime()?;
    let outcome = runtime.block_on(async {
        let mut cancel = Cancel::install();
        tokio::select! {
            biased;
            signal = cancel.received() => Err(Error::Cancelled { signal }),
            ending = runner::run(setup, items, done, journal, bar) => ending,
        }
    });
    runtime.shutdown_timeout(Duration::from_millis(100));
    outcome
}
