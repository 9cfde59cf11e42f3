//! Carrying out a resolved run, for `run` and the hook alike: building the participants
//! from their routes (`plan`), carrying the plan out on a runtime next to the handlers
//! of the signals that cancel it (`carry_out`, with `cancel`), and turning a run that
//! produced no answer into the error `run` exits with (`failed`).

use std::sync::Arc;
use std::time::Duration;

use super::cancel::Cancel;
use super::selection::Selection;
use crate::config::presets::COUNCIL;
use crate::config::{Catalog, Config};
use crate::context::Context;
use crate::env::Env;
use crate::error::{Error, Result};
use crate::pipeline::cost::format_usd;
use crate::pipeline::{self, CostEstimate, FailureReason, Limits, Observer, Participant, RunMode, RunPlan, RunReport};
use crate::provider::{self, Params, http::Transport};

/// The plan for running `prompt` through `selection`.
pub fn plan(
    config: &Config,
    env: &Env,
    selection: &Selection,
    prompt: String,
    limits: Limits,
    idle_timeout: Duration,
    seed: u64,
) -> Result<RunPlan> {
    let transport = Transport::new(idle_timeout, config.settings.run.retry.clone())
        .map(|t| Arc::new(t.with_first_token_timeout(config.settings.run.first_token_timeout)))
        .map_err(|e| Error::internal(format!("could not set up HTTP: {e}"), "check the system's TLS setup"))?;
    let participant = |name: &str, params| participant(config, env, &transport, name, params);
    Ok(match selection {
        Selection::Single { model, params } => RunPlan {
            run_id: new_run_id(),
            mode: RunMode::Single,
            preset: None,
            prompt,
            panel: vec![participant(model, *params)?],
            judge: None,
            synth: None,
            limits,
            seed,
            context: Context::default(),
            answer_chars: None,
            rounds: 1,
            council: false,
        },
        Selection::Fusion { preset, panel, judge, synth, params } => RunPlan {
            run_id: new_run_id(),
            mode: RunMode::Fusion,
            preset: Some(preset.clone().unwrap_or_else(|| "custom".into())),
            prompt,
            panel: panel.iter().enumerate().map(|(i, m)| participant(m, params.member(i))).collect::<Result<_>>()?,
            // The council is the panel itself: no judge participant.
            judge: if judge == COUNCIL { None } else { Some(participant(judge, params.judge)?) },
            synth: Some(participant(synth, params.synth)?),
            limits,
            seed,
            context: Context::default(),
            answer_chars: None,
            // The caller sets the rounds (`limits::rounds`), as it sets the context.
            rounds: 1,
            council: judge == COUNCIL,
        },
    })
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

/// Carries out the plan. A cancelling signal (SIGINT, SIGTERM, SIGHUP) ends it with
/// `Error::Cancelled`, and only once everything the run started is gone: the pipeline's
/// future, which owns every request, every agent-CLI process group and every scratch
/// directory, is dropped here, before the caller returns towards `process::exit` (which
/// would skip those destructors).
///
/// One thread runs it all: a run waits on the network and on child processes, and what
/// CPU it spends (decoding streams, parsing the verdict) is small next to a model's
/// latency, so worker threads would only add their start and their join to every run.
/// Nothing on the pipeline blocks its thread for long (file writes of a few bytes, a
/// progress line); DNS lookups and `tokio::fs` go to the blocking pool as before.
pub fn carry_out(plan: RunPlan, observer: &dyn Observer) -> Result<RunReport> {
    // Installed before the pipeline is first polled, so no child is started unguarded.
    on_runtime(plan, observer, || {
        let mut cancel = Cancel::install();
        async move { Error::Cancelled { signal: cancel.received().await } }
    })
}

/// Carries out the plan until `cancelled` resolves (the MCP client cancelled the call,
/// or the server is stopping): the run is then dropped as `carry_out` drops it on a
/// signal, and this returns a refusal saying so.
pub fn carry_out_until(
    plan: RunPlan,
    observer: &dyn Observer,
    cancelled: impl std::future::Future<Output = ()>,
) -> Result<RunReport> {
    on_runtime(plan, observer, || async {
        cancelled.await;
        Error::refused("the call was cancelled", "nothing was kept; call the tool again to run it")
    })
}

/// Runs the pipeline on a runtime of its own until it ends or the future `stop` makes
/// (on that runtime) resolves first with the error to return.
fn on_runtime<S, F>(plan: RunPlan, observer: &dyn Observer, stop: S) -> Result<RunReport>
where
    S: FnOnce() -> F,
    F: std::future::Future<Output = Error>,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::internal(format!("could not start the async runtime: {e}"), "check system limits"))?;
    let stop = {
        let _entered = runtime.enter();
        stop()
    };
    let outcome = runtime.block_on(async {
        tokio::select! {
            biased;
            error = stop => Err(error),
            report = pipeline::execute(plan, observer) => Ok(report),
        }
    });
    // The pipeline runs on this thread's future, never as a spawned task, so by now it
    // has been dropped (and `stop` with it, the signal handlers included); shutting down
    // also ends the blocking pool's threads and reapers.
    runtime.shutdown_timeout(Duration::from_millis(100));
    outcome
}

/// The error of a run that produced no answer, for `reason`: its code and hint as the
/// pipeline words them, and `detail`.
pub fn failed(reason: FailureReason, detail: String) -> Error {
    Error::RunFailed { reason: reason.as_str(), hint: reason.hint(), detail }
}

/// The participant for `name` on the route it takes now, with the model's own parameters
/// under `layer` (the preset's and the run's); refused, before anything is sent, when the
/// route can't honour one of them.
fn participant(
    config: &Config,
    env: &Env,
    transport: &Arc<Transport>,
    name: &str,
    layer: Params,
) -> Result<Participant> {
    let spec = config.catalog.resolve(name)?;
    let (route, _) = Catalog::select(&spec, env)
        .ok_or_else(|| Error::refused(format!("model `{name}` has no route"), "add a route in config.toml"))?;
    let params = spec.params.over(layer);
    super::selection::check_route(name, route, &params)?;
    // A model known to think long before it writes has its own first-token timeout.
    let own;
    let transport = match config.catalog.first_token_timeout(name) {
        Some(first_token) => {
            own = Arc::new(transport.with_first_token_timeout(Some(first_token)));
            &own
        }
        None => transport,
    };
    Ok(Participant {
        params,
        model: spec.name.clone(),
        route: route.label(),
        provider: provider::connect(route, env, transport),
        price: config.catalog.price(route),
    })
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
