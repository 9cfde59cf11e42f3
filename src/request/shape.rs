//! How a fusion runs beyond who is on its panel: the models' parameters (`--param`), the
//! grace and quorum for stragglers, the rounds (`--judge council` is a judge, armed as
//! one). A run takes them from its request over what its scope armed; `mode` and
//! `compose` check them when they arm, by the rules and in the words a run's flags get,
//! so a scope never holds a shape its runs would refuse.
//!
//! Knows nothing about how the pipeline honours them, nor about flags: the entry points
//! hand over a `Shape`.

use super::selection::Selection;
use super::words::Origin;
use super::{LimitAsk, limits};
use crate::config::Config;
use crate::error::Result;
use crate::scope::state::Shape;

/// `asked` over `armed`: each value asked for replaces the scope's; parameters add up,
/// the request's last, so a run's `--param` wins over the scope's for the same key.
pub(super) fn over(armed: &Shape, asked: &Shape) -> Shape {
    Shape {
        params: armed.params.iter().chain(&asked.params).cloned().collect(),
        grace_secs: asked.grace_secs.or(armed.grace_secs),
        quorum: asked.quorum.or(armed.quorum),
        rounds: asked.rounds.or(armed.rounds),
    }
}

/// Checks `shape` for arming `selection`: its parameters name the selection's models
/// and its routes honour them, and the grace, quorum and rounds are in range for its
/// panel, as a run's flags are checked. Single mode has no stragglers to wait for: a
/// grace or a quorum there is refused.
pub fn check_for_arming(
    selection: &Selection,
    shape: &Shape,
    config: &Config,
    env: &crate::env::Env,
) -> Result<Selection> {
    if matches!(selection, Selection::Single { .. }) && (shape.grace_secs.is_some() || shape.quorum.is_some()) {
        return Err(crate::error::Error::usage(
            "--grace and --quorum shape a panel, but single mode runs one model",
            "arm a fusion panel to use them, or leave them out",
        ));
    }
    let shaped = selection.clone().with_run_params(&shape.params, config)?;
    let defaults = limits::defaults_for(config, &shaped);
    let origin = Origin::Cli { scope: None };
    limits::resolve(&defaults, LimitAsk::default(), shape, shaped.panel_size(), &origin)?;
    limits::rounds(&shaped, shape.rounds, defaults.rounds, &origin)?;
    shaped.check_params(config, env)?;
    Ok(shaped)
}

/// `--param a.reasoning=high · grace 0.5s · quorum 2 · rounds 2`: a shape in the words of
/// the flags that arm it, for `status` and `preset show`; empty when nothing is set.
pub fn words(shape: &Shape) -> String {
    let mut parts: Vec<String> = shape.params.iter().map(|p| format!("--param {p}")).collect();
    parts.extend(shape.grace_secs.map(|s| format!("grace {s}s")));
    parts.extend(shape.quorum.map(|k| format!("quorum {k}")));
    parts.extend(shape.rounds.map(|n| format!("rounds {n}")));
    parts.join(" · ")
}
