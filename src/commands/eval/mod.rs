//! `frontier eval`: reads the set (`source`), decides who is compared and who grades
//! (`contenders`), estimates the cost (`estimate`) and refuses one over `--max-cost`,
//! then has the eval engine run every item into the eval's directory, with a progress
//! bar (`progress`), and shows what it found (`show`). `--resume` reads the directory
//! back and runs only what is missing; Ctrl-C stops it with everything finished kept.
//!
//! Knows nothing about how a run or a grading is carried out (`eval::runner`) or how
//! the summary is laid out (`render::eval`).

mod contenders;
mod estimate;
mod progress;
mod show;
mod source;

use std::sync::Arc;
use std::time::Duration;

use self::estimate::Estimate;
use self::source::{Counts, Source};
use super::cancel::Cancel;
use crate::cli::EvalArgs;
use crate::config::Config;
use crate::env::Env;
use crate::error::{Error, Result, echo};
use crate::eval::Item;
use crate::eval::contender::Contender;
use crate::eval::journal::{self, Definition, Done, Journal, Settings};
use crate::eval::runner::{self, Ending, Setup};
use crate::pipeline::{Participant, RunPlan};
use crate::provider::pace::Pacer;
use crate::render::Screen;
use crate::request::{self, Gathering, LimitAsk, Origin, PanelAsk, Request, Resolved};

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
    let (definition, source, contenders) = match &args.resume {
        Some(id) => resume(&config, &evals_dir, id)?,
        None => define(&args, &config, env)?,
    };
    let counts = source.count()?;
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
            resolve(&c.request(&first, scope, limits), &config, env, &pacer).map(|r| r.plan).map_err(|e| named(c, e))
        })
        .collect::<Result<_>>()?;
    let grader = match (&definition.grader, counts.ungraded > 0 && contenders.len() > 1) {
        (Some(model), true) => Some(grader_seat(model, scope, limits, &config, env, &pacer)?),
        _ => None,
    };
    let baseline = contenders::position(&contenders, &definition.baseline)?;
    let mut estimate = Estimate::default();
    for (contender, plan) in contenders.iter().zip(&plans) {
        estimate.add(&contender.label, plan, counts);
    }
    if let Some(grader) = &grader {
        estimate.add_grading(grader, contenders.len() - 1, counts);
    }
    let notes = notes(&definition, &contenders, &plans, counts);
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
    let before = show::summarize(&definition, &contenders, &shapes, &dir, &notes, false)?;
    let spent_before: f64 =
        before.contenders.iter().filter_map(|c| c.spend.cost_usd).sum::<f64>() + before.grading.cost_usd.unwrap_or(0.0);
    let finished = finished_items(&before, counts);
    let screen = Screen::of(env);
    let bar = progress::Bar::new(&screen, counts.items, finished, args.json);
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
    let ending = match ending {
        Ok(ending) => ending,
        // Said here, not by the error's renderer: its hint is a run's ("nothing was
        // kept"), while an eval keeps everything that finished.
        Err(err @ Error::Cancelled { signal }) => {
            crate::render::write_stderr(&format!(
                "eval {id} stopped by {}; what finished is kept: `frontier eval --resume {id}` goes on\n",
                signal.name(),
                id = definition.eval_id
            ));
            return Ok(err.exit_code());
        }
        Err(err) => return Err(err),
    };
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

/// A new eval's definition, source and contenders, from the flags.
fn define(args: &EvalArgs, config: &Config, env: &Env) -> Result<(Definition, Source, Vec<Contender>)> {
    let source = Source::of(args, config, env)?;
    let mut contenders: Vec<Contender> =
        args.contenders.iter().map(|spec| contenders::parse(config, spec, None)).collect::<Result<_>>()?;
    if contenders.is_empty() {
        let armed = contenders::armed(config, env, args.scope.as_deref())?.ok_or_else(|| {
            Error::usage(
                "no contenders given, and the scope has no preset armed",
                "name them with --contender (e.g. `-c demo -c mock:a`), or arm a preset with `frontier mode`",
            )
        })?;
        let probe = Item { id: String::new(), prompt: "probe".into(), reference: None, files: Vec::new() };
        let request = armed.request(&probe, args.scope.as_deref(), LimitAsk::default());
        let plan = request::resolve(&request, config, env, &mut |_| {}).map_err(|e| named(&armed, e))?.plan;
        let written = contenders::written_panel(config, &armed)?;
        contenders.push(armed);
        contenders.extend(contenders::members(config, &plan, &written)?);
    }
    for (i, contender) in contenders.iter().enumerate() {
        if contenders[..i].iter().any(|c| c.label == contender.label) {
            return Err(Error::usage(
                format!("contender `{}` is given twice", echo(&contender.label)),
                "give each contender once",
            ));
        }
    }
    let baseline = match &args.baseline {
        Some(label) => contenders[contenders::position(&contenders, label)?].label.clone(),
        None => contenders[0].label.clone(),
    };
    let counts = source.count()?;
    // A grader only when some item has no reference and there is a pair to grade.
    let grader = match &args.grader {
        Some(model) => Some(model.clone()),
        None if counts.ungraded > 0 && contenders.len() > 1 => {
            default_grader(config, env, args, &contenders, &baseline)?
        }
        None => None,
    };
    let definition = Definition {
        eval_id: request::new_run_id(),
        set: source.name(),
        items: 0,
        contenders: contenders.iter().map(Contender::kept).collect(),
        baseline,
        grader,
        scope: args.scope.clone(),
        settings: Settings {
            concurrency: args.concurrency.unwrap_or(DEFAULT_CONCURRENCY),
            per_provider: args.per_provider.unwrap_or(DEFAULT_PER_PROVIDER),
            timeout: args.timeout,
            max_cost: args.max_cost,
        },
    };
    Ok((Definition { items: counts.items, ..definition }, source, contenders))
}

/// An interrupted eval, read back from its directory.
fn resume(config: &Config, evals_dir: &std::path::Path, id: &str) -> Result<(Definition, Source, Vec<Contender>)> {
    let dir = Journal::dir_of(evals_dir, id.trim());
    if id.trim().is_empty() || id.contains('/') || !dir.join(journal::DEFINITION).is_file() {
        return Err(Error::usage(
            format!("there is no eval `{}` to resume", echo(id)),
            format!("an eval's id is the name of its directory under {}", evals_dir.display()),
        ));
    }
    let definition = journal::definition(&dir)?;
    let contenders = contenders::from_kept(config, &definition.contenders)?;
    Ok((definition, Source::Copy(dir.join(journal::ITEMS)), contenders))
}

/// The grader when none is named: the baseline's judge, else its first model.
fn default_grader(
    config: &Config,
    env: &Env,
    args: &EvalArgs,
    contenders: &[Contender],
    baseline: &str,
) -> Result<Option<String>> {
    let Some(contender) = contenders.iter().find(|c| c.label == baseline) else { return Ok(None) };
    let probe = Item { id: String::new(), prompt: "probe".into(), reference: None, files: Vec::new() };
    let request = contender.request(&probe, args.scope.as_deref(), LimitAsk::default());
    let plan = request::resolve(&request, config, env, &mut |_| {}).map_err(|e| named(contender, e))?.plan;
    Ok(plan.judge.as_ref().or(plan.panel.first()).map(|p| p.model.clone()))
}

/// The grader, ready to call, on the eval's pacer.
fn grader_seat(
    model: &str,
    scope: Option<&str>,
    limits: LimitAsk,
    config: &Config,
    env: &Env,
    pacer: &Arc<Pacer>,
) -> Result<Participant> {
    let request = Request {
        prompt: "grade".into(),
        origin: Origin::Cli { scope: scope.map(str::to_string) },
        panel: PanelAsk { model: Some(model.to_string()), ..PanelAsk::default() },
        shape: Default::default(),
        limits,
        context: request::ContextAsk::none(crate::context::reach::Outside::Refused),
        seed: None,
        continues: None,
        session: None,
    };
    let plan = resolve(&request, config, env, pacer).map_err(|e| match e {
        Error::Usage { what, hint } => Error::Usage { what: format!("the grader: {what}"), hint },
        Error::Refused { what, hint } => Error::Refused { what: format!("the grader: {what}"), hint },
        other => other,
    })?;
    plan.plan.panel.into_iter().next().ok_or_else(|| Error::internal("the grader has no seat", "report a bug"))
}

/// What the reader of the results must know before trusting them.
fn notes(definition: &Definition, contenders: &[Contender], plans: &[RunPlan], counts: Counts) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(grader) = definition.grader.as_deref().filter(|_| counts.ungraded > 0 && contenders.len() > 1) {
        let sits = contenders
            .iter()
            .zip(plans)
            .filter(|(_, plan)| plan.panel.iter().chain(&plan.judge).chain(&plan.synth).any(|p| p.model == grader));
        let labels: Vec<&str> = sits.map(|(c, _)| c.label.as_str()).collect();
        if !labels.is_empty() {
            notes.push(format!(
                "the grader {grader} is also in {}: graders favour their own answers; --grader can name a model outside the eval",
                labels.join(", ")
            ));
        }
    }
    notes
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

/// About how many items are finished, for the progress bar: those every contender ran.
fn finished_items(summary: &crate::eval::Summary, counts: Counts) -> u64 {
    let runs = summary.contenders.iter().map(|c| c.answered + c.failed).min().unwrap_or(0);
    runs.min(counts.items)
}

/// `error` about `contender`, in its name.
fn named(contender: &Contender, error: Error) -> Error {
    let who = format!("contender `{}`", echo(&contender.label));
    match error {
        Error::Usage { what, hint } => Error::Usage { what: format!("{who}: {what}"), hint },
        Error::Refused { what, hint } => Error::Refused { what: format!("{who}: {what}"), hint },
        other => other,
    }
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
