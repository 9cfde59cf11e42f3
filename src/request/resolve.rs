//! The one resolver: a `Request` in, the plan a run carries out. This file is the order
//! of precedence, written once for every entry point:
//!
//! 1. the panel: the one the request names, else the one its scope has armed (the
//!    hook's, as it loaded it; the command line's `--scope`, else the working
//!    directory's), else config.toml's `default_preset`;
//! 2. the shape: the request's `--param`, grace, quorum and rounds over the scope's
//!    armed ones (a panel the request names brings no armed shape);
//! 3. the limits: the request's over the preset's over config.toml's over the defaults;
//! 4. the participants on their routes, the seed, and the context budget.
//!
//! A bad value is an error in the sender's words (`Origin`); nothing is sent before the
//! plan is whole, and `check_cost` refuses one over its cap.
//!
//! Knows nothing about the entry points' raw inputs, nor how the plan is carried out.

use std::sync::Arc;

use super::context::{self, Budget};
use super::selection::Selection;
use super::words::{Armed, Origin, armed_scope};
use super::{Continues, Request, Thread, limits, participants, shape, thread};
use crate::config::Config;
use crate::config::model_status::ready_models;
use crate::env::Env;
use crate::error::{Error, Result};
use crate::frame::Nonce;
use crate::history::Store;
use crate::pipeline::cost::format_usd;
use crate::pipeline::{CostEstimate, RunMode, RunPlan, Session};
use crate::provider::pace::Pacer;
use crate::scope;
use crate::scope::state::{self, Shape};

/// A request resolved: the plan (its context still to gather) and the context budget.
pub struct Resolved {
    pub plan: RunPlan,
    pub budget: Budget,
    /// The preset's name, `custom`, or the single model: how the panel is shown.
    pub label: String,
    /// The thread the plan continues, as it is sent (its oldest turns left out when over
    /// the budget), for a sender that holds it (`frontier chat`).
    pub thread: Option<Thread>,
}

/// The plan `request` asks for under `config`. `warn` hears, as soon as it is known,
/// what the sender should be told even if the request then fails (a scope state that
/// could not be read): the resolver itself prints nothing.
pub fn resolve(request: &Request, config: &Config, env: &Env, warn: &mut dyn FnMut(&str)) -> Result<Resolved> {
    resolve_with(request, config, env, warn, None)
}

/// As `resolve`, with every participant's calls waiting for their provider's lane of
/// `pacer`: for a caller that runs many plans at once and shares one pacer among them
/// (`frontier eval`).
pub fn resolve_paced(
    request: &Request,
    config: &Config,
    env: &Env,
    warn: &mut dyn FnMut(&str),
    pacer: &Arc<Pacer>,
) -> Result<Resolved> {
    resolve_with(request, config, env, warn, Some(pacer))
}

fn resolve_with(
    request: &Request,
    config: &Config,
    env: &Env,
    warn: &mut dyn FnMut(&str),
    pacer: Option<&Arc<Pacer>>,
) -> Result<Resolved> {
    let Request { prompt, origin, panel: _, shape: asked, limits: ask, context: _, seed, continues, session } = request;
    let scope = scope_of(origin, env);
    let thread = match continues {
        None => None,
        Some(Continues::Run(id)) => {
            if !config.settings.history {
                return Err(Error::usage(
                    format!("run `{}` can't be followed up: history is off in config.toml", crate::error::echo(id)),
                    "a follow-up reads its thread from history: set `history = true` in config.toml, or use \
                     `frontier chat`, which keeps its thread itself",
                ));
            }
            let store = Store::open_existing(&config.paths.history_file())?;
            Some(thread::load(store.as_ref(), id.trim(), scope.as_deref())?)
        }
        Some(Continues::Held(thread)) => Some(thread.as_ref().clone()),
    };
    // A follow-up that names no panel keeps its thread's.
    let followed;
    let request = match &thread {
        Some(thread) if request.panel.is_empty() => {
            followed = Request { panel: thread.panel.clone(), ..request.clone() };
            &followed
        }
        _ => request,
    };
    let (selection, armed) = select(request, config, env, warn)?;
    let shape = shape::over(&armed, asked);
    let selection = selection.with_run_params(&shape.params, config).map_err(|e| origin.armed(Armed::Params, e))?;
    let defaults = limits::defaults_for(config, &selection);
    let shaped = |e| origin.armed(Armed::Shape, e);
    let limits = limits::resolve(&defaults, *ask, &shape, selection.panel_size(), origin).map_err(shaped)?;
    let rounds = limits::rounds(&selection, shape.rounds, defaults.rounds, origin).map_err(shaped)?;
    let idle_timeout = limits::idle_timeout(config, ask.idle_timeout, origin)?;
    let seed = seed.unwrap_or_else(crate::random::u64);
    let seats = participants::seat(config, env, &selection, idle_timeout, pacer)?;
    let (mode, preset) = match &selection {
        Selection::Single { .. } => (RunMode::Single, None),
        Selection::Fusion { preset, .. } => (RunMode::Fusion, Some(preset.clone().unwrap_or_else(|| "custom".into()))),
    };
    let run_id = new_run_id();
    let plan = RunPlan {
        session: Session::new(session.as_ref().map_or(run_id.as_str(), |s| s.key.as_str())),
        thread: Vec::new(),
        link: None,
        scope,
        keeps_question: !matches!(origin, Origin::Hook { .. }),
        run_id,
        mode,
        preset,
        prompt: prompt.clone(),
        panel: seats.panel,
        judge: seats.judge,
        synth: seats.synth,
        limits,
        seed,
        context: crate::context::Context::default(),
        answer_chars: None,
        rounds,
        council: seats.council,
    };
    let mut plan = plan;
    let budget = context::budget(&plan, config);
    if let Some(nonce) = session.as_ref().and_then(|s| s.nonce.clone()) {
        plan.session.nonce = nonce;
    }
    let thread = thread.map(|thread| thread.windowed(budget.chars));
    if let Some(thread) = &thread {
        plan.session =
            Session { key: thread.link.root.clone(), nonce: thread.nonce.clone().unwrap_or_else(Nonce::random) };
        plan.thread = thread.turns.clone();
        plan.link = Some(thread.link.clone());
        plan.context.notes = thread.notes.clone();
    }
    Ok(Resolved { plan, budget, label: selection.label().to_string(), thread })
}

/// The scope a request runs in, for its record: the hook's, else the one the command line
/// or the MCP server's directory names (`None` when that name is no scope's).
fn scope_of(origin: &Origin, env: &Env) -> Option<String> {
    match origin {
        Origin::Hook { scope, .. } => Some(scope.clone()),
        Origin::Cli { scope } => scope::resolve(scope.as_deref(), env, None).ok().map(|s| s.name),
        Origin::Mcp => scope::resolve(None, env, None).ok().map(|s| s.name),
    }
}

/// The panel and the shape its scope armed with it: see the module's order.
fn select(request: &Request, config: &Config, env: &Env, warn: &mut dyn FnMut(&str)) -> Result<(Selection, Shape)> {
    let origin = &request.origin;
    let scope_flag = match origin {
        Origin::Hook { state, .. } => {
            let selection = Selection::from_state(state, config)
                .map_err(|e| origin.armed(Armed::Panel, e))?
                .ok_or_else(|| Error::refused("the scope is off", "`frontier mode` arms it"))?;
            return Ok((selection, state.shape.clone()));
        }
        Origin::Cli { scope } => scope.as_deref(),
        Origin::Mcp => None,
    };
    if let Some(selection) = Selection::from_ask(&request.panel, config)? {
        return Ok((selection, Shape::default()));
    }
    let scope = scope::resolve(scope_flag, env, None)?;
    let loaded = state::load(&config.paths.scopes_dir(), &scope.name);
    if let Some(warning) = &loaded.warning {
        warn(warning);
    }
    let armed = Selection::from_state(&loaded.state, config).map_err(|e| armed_scope(&scope.name, Armed::Panel, e))?;
    if let Some(selection) = armed {
        return Ok((selection.with_overrides(&request.panel)?, loaded.state.shape));
    }
    if let Some(name) = &config.settings.default_preset {
        let preset = config.presets.get(name)?;
        let panel = super::PanelAsk { preset: Some(preset.name.clone()), ..request.panel.clone() };
        if let Some(selection) = Selection::from_ask(&panel, config)? {
            return Ok((selection, Shape::default()));
        }
    }
    let ready = ready_models(config, env);
    let ready = if ready.is_empty() {
        "no model is ready yet (`frontier catalog` shows what each needs)".to_string()
    } else {
        format!("ready now: {}", ready.join(", "))
    };
    Err(Error::usage(
        format!("no panel given, and scope `{}` has nothing armed", scope.name),
        format!("pass --preset or --models, or try `--preset demo`, which runs offline; {ready}"),
    ))
}

/// Refuses a plan whose estimated cost is over its cap, before anything is sent.
pub fn check_cost(plan: &RunPlan) -> Result<()> {
    let Some(cap) = plan.limits.max_cost_usd else { return Ok(()) };
    let estimate = CostEstimate::of(plan);
    if estimate.usd <= cap {
        return Ok(());
    }
    let unpriced = if estimate.unpriced.is_empty() {
        String::new()
    } else {
        format!(" (not counting {}, which have no price)", estimate.unpriced.join(", "))
    };
    Err(Error::usage(
        format!(
            "the run's estimated cost, about {}{unpriced}, is over the cap of {}",
            format_usd(estimate.usd),
            format_usd(cap)
        ),
        "raise --max-cost (or max_cost_usd in config.toml), pick cheaper models, or shorten the prompt",
    ))
}

/// A sortable, unique-enough id: UTC time to the second and 32 random bits (16 bits
/// gave a 1 in 500 chance that 16 runs started in one second shared an id, and history
/// keys runs by id).
pub fn new_run_id() -> String {
    let stamp = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
    let digits: String = stamp.chars().filter(char::is_ascii_digit).collect();
    let (date, time) = digits.split_at(digits.len().min(8));
    format!("{date}-{time}-{:08x}", crate::random::u64() & 0xffff_ffff)
}
