//! How a fusion runs beyond who is on its panel: the models' parameters (`--param`), the
//! grace and quorum for stragglers, the rounds (`--judge council` is a judge, armed as one). A run takes them from its flags over what
//! its scope armed; `mode` and `compose` check them when they arm, with the same
//! messages a run's flags get, so a scope never holds a shape its runs would refuse.
//!
//! Knows nothing about how the pipeline honours them: it turns them into a `Selection`'s
//! parameters and `limits::Flags`.

use super::limits;
use super::selection::Selection;
use crate::cli::ShapeArgs;
use crate::config::Config;
use crate::config::settings::RunDefaults;
use crate::error::{Error, Result};
use crate::scope::state::Shape;

/// The shape `flags` ask for, as a scope keeps it.
pub fn from_flags(flags: &ShapeArgs) -> Shape {
    Shape { params: flags.params.clone(), grace_secs: flags.grace, quorum: flags.quorum, rounds: flags.rounds }
}

/// `flags` over `armed`: each flag given replaces the scope's value; parameters add up,
/// the flags' last, so a run's `--param` wins over the scope's for the same key.
pub fn over(armed: &Shape, flags: &ShapeArgs) -> Shape {
    Shape {
        params: armed.params.iter().chain(&flags.params).cloned().collect(),
        grace_secs: flags.grace.or(armed.grace_secs),
        quorum: flags.quorum.or(armed.quorum),
        rounds: flags.rounds.or(armed.rounds),
    }
}

/// `selection` with `shape`'s parameters on its calls.
pub fn apply(selection: Selection, shape: &Shape, config: &Config) -> Result<Selection> {
    selection.with_run_params(&shape.params, config)
}

/// The limit flags `shape` sets, to go with the run's own.
pub fn limit_flags(shape: &Shape, flags: limits::Flags) -> limits::Flags {
    limits::Flags { grace: shape.grace_secs, quorum: shape.quorum, ..flags }
}

/// How many rounds a run of `selection` has: `shape`'s, else the preset's or
/// config.toml's (`defaults`), checked as `--rounds` is. One model alone has nobody's
/// answers to revise by: config.toml's `rounds` does not apply to it, and asking for
/// rounds there is a mistake.
pub fn rounds(selection: &Selection, shape: &Shape, defaults: &RunDefaults) -> Result<u32> {
    let rounds = limits::rounds(shape.rounds, defaults.rounds)?;
    match selection {
        Selection::Single { .. } if shape.rounds.is_some_and(|n| n > 1) => Err(Error::usage(
            "--rounds needs a panel, but single mode runs one model alone",
            "use `--models a,b --rounds 2`, or drop --rounds",
        )),
        Selection::Single { .. } => Ok(1),
        Selection::Fusion { .. } => Ok(rounds),
    }
}

/// Checks `shape` for arming `selection`: its parameters name the selection's models
/// and its routes honour them, and the grace and quorum are in range for its panel.
/// Single mode has no stragglers to wait for: a grace or a quorum there is refused.
pub fn check_for_arming(
    selection: &Selection,
    shape: &Shape,
    config: &Config,
    env: &crate::env::Env,
) -> Result<Selection> {
    if matches!(selection, Selection::Single { .. }) && (shape.grace_secs.is_some() || shape.quorum.is_some()) {
        return Err(Error::usage(
            "--grace and --quorum shape a panel, but single mode runs one model",
            "arm a fusion panel to use them, or leave them out",
        ));
    }
    let shaped = apply(selection.clone(), shape, config)?;
    let defaults = limits::defaults_for(config, &shaped);
    limits::for_run(&defaults, limit_flags(shape, limits::Flags::default()), limits::panel_size(&shaped))?;
    rounds(&shaped, shape, &defaults)?;
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
