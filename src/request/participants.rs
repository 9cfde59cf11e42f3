//! Each model a run calls, on the route it takes now, with its parameters and its price,
//! over one HTTP transport (paced by the caller's `Pacer`, if it gives one): the panel,
//! the judge (none for a council, where the panel ranks itself, nor for `--judge none`)
//! and the synth.
//!
//! Knows nothing about which models were chosen or why (`selection`), nor how they are
//! called (the pipeline).

use std::sync::Arc;
use std::time::Duration;

use super::params::check_route;
use super::selection::Selection;
use crate::config::presets::{COUNCIL, judges_without_a_call};
use crate::config::{Catalog, Config};
use crate::env::Env;
use crate::error::{Error, Result};
use crate::pipeline::Participant;
use crate::provider::pace::Pacer;
use crate::provider::{self, Params, http::Transport};

/// Who takes part in a run.
pub(super) struct Seats {
    pub panel: Vec<Participant>,
    pub judge: Option<Participant>,
    pub synth: Option<Participant>,
    /// The panel ranks its own answers (`--judge council`); `judge` is `None`.
    pub council: bool,
}

/// The participants `selection` names, each on its route now, streams timed out after
/// `idle_timeout` of silence; every call waits for its provider's lane of `pacer`, if given.
pub(super) fn seat(
    config: &Config,
    env: &Env,
    selection: &Selection,
    idle_timeout: Duration,
    pacer: Option<&Arc<Pacer>>,
) -> Result<Seats> {
    let transport = Transport::new(idle_timeout, config.settings.run.retry.clone())
        .map(|t| t.with_first_token_timeout(config.settings.run.first_token_timeout))
        .map(|t| {
            Arc::new(match pacer {
                Some(pacer) => t.paced(pacer.clone()),
                None => t,
            })
        })
        .map_err(|e| Error::internal(format!("could not set up HTTP: {e}"), "check the system's TLS setup"))?;
    let participant = |name: &str, params| participant(config, env, &transport, name, params);
    Ok(match selection {
        Selection::Single { model, params } => {
            Seats { panel: vec![participant(model, *params)?], judge: None, synth: None, council: false }
        }
        Selection::Fusion { panel, judge, synth, params, .. } => Seats {
            panel: panel.iter().enumerate().map(|(i, m)| participant(m, params.member(i))).collect::<Result<_>>()?,
            // The council is the panel itself, and `none` no judge: no judge participant.
            judge: if judges_without_a_call(judge) { None } else { Some(participant(judge, params.judge)?) },
            synth: Some(participant(synth, params.synth)?),
            council: judge == COUNCIL,
        },
    })
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
    check_route(name, route, &params)?;
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
