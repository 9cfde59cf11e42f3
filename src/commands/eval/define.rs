//! What a new eval is (its set, its contenders, the baseline, the grader and its
//! settings) from the flags, or what an interrupted one was, from its directory; the
//! grader's seat; and what the reader must know before trusting the results.
//!
//! Knows nothing about how the eval runs or is shown.

use std::sync::Arc;

use super::contenders;
use super::source::{Counts, Source};
use super::{DEFAULT_CONCURRENCY, DEFAULT_PER_PROVIDER, resolve};
use crate::cli::EvalArgs;
use crate::config::Config;
use crate::env::Env;
use crate::error::{Error, Result, echo};
use crate::eval::Item;
use crate::eval::contender::Contender;
use crate::eval::journal::{self, Definition, Journal, Settings};
use crate::pipeline::{Participant, RunPlan};
use crate::provider::pace::Pacer;
use crate::request::{self, LimitAsk, Origin, PanelAsk, Request};

/// An eval as it is about to run: what it is, its set (and what a pass over it counted),
/// and its contenders.
pub(super) struct Planned {
    pub definition: Definition,
    pub source: Source,
    pub counts: Counts,
    pub contenders: Vec<Contender>,
}

/// A new eval, from the flags. Its grader is the one `--grader` names; the default is
/// picked once the contenders' plans are resolved (`default_grader`).
pub(super) fn define(args: &EvalArgs, config: &Config, env: &Env) -> Result<Planned> {
    let source = Source::of(args, config, env)?;
    let counts = source.count()?;
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
    let definition = Definition {
        eval_id: request::new_run_id(),
        set: source.name(),
        items: counts.items,
        contenders: contenders.iter().map(Contender::kept).collect(),
        baseline,
        grader: args.grader.clone(),
        scope: args.scope.clone(),
        settings: Settings {
            concurrency: args.concurrency.unwrap_or(DEFAULT_CONCURRENCY),
            per_provider: args.per_provider.unwrap_or(DEFAULT_PER_PROVIDER),
            timeout: args.timeout,
            max_cost: args.max_cost,
        },
    };
    Ok(Planned { definition, source, counts, contenders })
}

/// An interrupted eval, read back from its directory.
/// The limits given with `--resume` replace the ones the eval began with.
pub(super) fn resume(args: &EvalArgs, config: &Config, evals_dir: &std::path::Path, id: &str) -> Result<Planned> {
    let dir = Journal::dir_of(evals_dir, id.trim());
    if id.trim().is_empty() || id.contains('/') || !dir.join(journal::DEFINITION).is_file() {
        return Err(Error::usage(
            format!("there is no eval `{}` to resume", echo(id)),
            format!("an eval's id is the name of its directory under {}", evals_dir.display()),
        ));
    }
    let mut definition = journal::definition(&dir)?;
    let settings = &mut definition.settings;
    settings.concurrency = args.concurrency.unwrap_or(settings.concurrency);
    settings.per_provider = args.per_provider.unwrap_or(settings.per_provider);
    settings.timeout = args.timeout.or(settings.timeout);
    settings.max_cost = args.max_cost.or(settings.max_cost);
    let contenders = contenders::from_kept(config, &definition.contenders)?;
    let source = Source::Copy(dir.join(journal::ITEMS));
    let counts = source.count()?;
    Ok(Planned { definition, source, counts, contenders })
}

/// The grader when none is named and some pair needs one: the baseline's judge, else
/// its first model (`baseline` is its resolved plan).
pub(super) fn default_grader(
    definition: &Definition,
    counts: Counts,
    others: usize,
    baseline: &RunPlan,
) -> Option<String> {
    let needed = counts.ungraded > 0 && others > 0;
    let model = || baseline.judge.as_ref().or(baseline.panel.first()).map(|p| p.model.clone());
    definition.grader.clone().or_else(|| needed.then(model).flatten())
}

/// The grader, ready to call, on the eval's pacer.
pub(super) fn grader_seat(
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
pub(super) fn notes(
    definition: &Definition,
    contenders: &[Contender],
    plans: &[RunPlan],
    counts: Counts,
) -> Vec<String> {
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

/// `error` about `contender`, in its name.
pub(super) fn named(contender: &Contender, error: Error) -> Error {
    let who = format!("contender `{}`", echo(&contender.label));
    match error {
        Error::Usage { what, hint } => Error::Usage { what: format!("{who}: {what}"), hint },
        Error::Refused { what, hint } => Error::Refused { what: format!("{who}: {what}"), hint },
        other => other,
    }
}
