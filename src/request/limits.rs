//! The limits of a run, decided in one place for every entry point: config.toml's
//! defaults, the preset's grace, quorum and rounds over them (carried by the `Selection`,
//! looked up once), then what the request asks for, each checked against the same ranges
//! `config.toml` is checked against (`config::settings`) and named in the sender's words,
//! with the invariants every run keeps (no call may outlast the budget; a hooked run
//! ends within the hosts' hook timeout).
//!
//! Knows nothing about how the limits are enforced (the pipeline) or where the values
//! came from beyond their `Origin`.

use std::time::Duration;

use super::LimitAsk;
use super::selection::Selection;
use super::words::{Field, Origin};
use crate::config::Config;
use crate::config::settings::{
    MAX_CONCURRENCY, MAX_ROUNDS, MAX_TIMEOUT_SECS, RunDefaults, concurrency_allowed, cost_cap_allowed, grace_allowed,
    rounds_allowed, secs_allowed,
};
use crate::error::{Error, Result};
use crate::pipeline::Limits;
use crate::scope::state::Shape;

/// The longest a hooked run may take: the hosts kill hooks at 600 s, and the answer
/// still has to be relayed.
pub const MAX_HOOK_BUDGET_SECS: u64 = 570;

/// The limits of a run of `panel_size` members: `defaults` (config.toml's with the
/// preset's over them), with what `ask` and `shape` (the request's over the scope's)
/// set over them. A value out of its range is a usage error naming it as `origin` does.
/// A hooked run's budget is the scope's tuning (checked when it was set), never past
/// `MAX_HOOK_BUDGET_SECS`.
pub(super) fn resolve(
    defaults: &RunDefaults,
    ask: LimitAsk,
    shape: &Shape,
    panel_size: usize,
    origin: &Origin,
) -> Result<Limits> {
    let concurrency = match ask.concurrency {
        None => defaults.concurrency,
        Some(n) if concurrency_allowed(n) => n,
        Some(n) => {
            return Err(Error::usage(
                format!("{} {n} is out of range", origin.name(Field::Concurrency)),
                format!("give from 1 to {MAX_CONCURRENCY}"),
            ));
        }
    };
    let member_timeout = ask.member_timeout.map_or(Ok(defaults.member_timeout), |s| secs(origin, Field::Timeout, s))?;
    let budget = match origin {
        Origin::Hook { .. } => ask.budget.map_or(defaults.budget, Duration::from_secs),
        _ => ask.budget.map_or(Ok(defaults.budget), |s| secs(origin, Field::Budget, s))?,
    };
    let budget = match origin {
        Origin::Hook { .. } => budget.min(Duration::from_secs(MAX_HOOK_BUDGET_SECS)),
        _ => budget,
    };
    let max_cost_usd = match ask.max_cost_usd {
        Some(usd) if !cost_cap_allowed(usd) => {
            return Err(Error::usage(
                format!("{} {usd} is not allowed", origin.name(Field::MaxCost)),
                "give a positive number of USD, e.g. 0.25",
            ));
        }
        Some(usd) => Some(usd),
        None => defaults.max_cost_usd,
    };
    let grace = match shape.grace_secs {
        None => defaults.grace,
        Some(secs) if grace_allowed(secs) => Some(Duration::from_secs_f64(secs)),
        Some(secs) => {
            return Err(Error::usage(
                format!("{} {secs} is out of range", origin.name(Field::Grace)),
                format!("give more than 0 and at most {MAX_TIMEOUT_SECS} seconds, e.g. 0.5"),
            ));
        }
    };
    let quorum = match shape.quorum {
        None => defaults.quorum,
        Some(k) if (1..=panel_size.max(1)).contains(&k) => Some(k),
        Some(k) => {
            return Err(Error::usage(
                format!("{} {k} is out of range for a panel of {panel_size}", origin.name(Field::Quorum)),
                format!("give from 1 to {}", panel_size.max(1)),
            ));
        }
    };
    Ok(Limits {
        concurrency,
        // A call never gets more time than the whole run (the pipeline also bounds each
        // call by what is left of the budget).
        member_timeout: member_timeout.min(budget),
        budget,
        stage_floor: defaults.stage_floor,
        max_cost_usd,
        max_answer_bytes: defaults.max_answer_bytes,
        grace,
        quorum,
    })
}

/// The defaults a run of `selection` starts from: config.toml's, with its preset's
/// `grace_secs`, `rounds` and `quorum` over them when it names one.
pub(super) fn defaults_for(config: &Config, selection: &Selection) -> RunDefaults {
    let mut defaults = config.settings.run.clone();
    if let Selection::Fusion { preset_shape: shape, .. } = selection {
        defaults.grace = shape.grace.or(defaults.grace);
        defaults.rounds = shape.rounds.unwrap_or(defaults.rounds);
        defaults.quorum = shape.quorum.or(defaults.quorum);
    }
    defaults
}

/// How many rounds a run of `selection` has: `asked` (the request's, else the scope's),
/// else `default` (the preset's, else config.toml's), from 1 to `MAX_ROUNDS`. One model
/// alone has nobody's answers to revise by: config.toml's `rounds` does not apply to it,
/// and asking for rounds there is a mistake.
pub(super) fn rounds(selection: &Selection, asked: Option<u32>, default: u32, origin: &Origin) -> Result<u32> {
    let rounds = match asked {
        None => default,
        Some(n) if rounds_allowed(n) => n,
        Some(n) => {
            return Err(Error::usage(
                format!("{} {n} is out of range", origin.name(Field::Rounds)),
                format!("give from 1 to {MAX_ROUNDS} (1: the panel answers once)"),
            ));
        }
    };
    match selection {
        Selection::Single { .. } if asked.is_some_and(|n| n > 1) => Err(Error::usage(
            "--rounds needs a panel, but single mode runs one model alone",
            "use `--models a,b --rounds 2`, or drop --rounds",
        )),
        Selection::Single { .. } => Ok(1),
        Selection::Fusion { .. } => Ok(rounds),
    }
}

/// How long a stream may stay silent: `asked` seconds, else config.toml's.
pub(super) fn idle_timeout(config: &Config, asked: Option<u64>, origin: &Origin) -> Result<Duration> {
    asked.map_or(Ok(config.settings.run.idle_timeout), |s| secs(origin, Field::IdleTimeout, s))
}

/// `value` seconds for `field`, in the range `config.toml`'s timeouts have.
fn secs(origin: &Origin, field: Field, value: u64) -> Result<Duration> {
    if secs_allowed(value) {
        Ok(Duration::from_secs(value))
    } else {
        Err(Error::usage(
            format!("{} {value} is out of range", origin.name(field)),
            format!("give from 1 to {MAX_TIMEOUT_SECS} seconds"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    const CLI: Origin = Origin::Cli { scope: None };

    fn hook() -> Origin {
        Origin::Hook { scope: "x".into(), state: Box::default() }
    }

    fn shape(grace: Option<f64>, quorum: Option<usize>) -> Shape {
        Shape { grace_secs: grace, quorum, ..Shape::default() }
    }

    fn usage_error(result: Result<Limits>) -> Option<(String, String)> {
        match result {
            Err(Error::Usage { what, hint }) => Some((what, hint)),
            _ => None,
        }
    }

    #[test]
    fn asked_values_override_the_defaults_and_no_call_outlasts_the_budget() {
        let defaults = RunDefaults { max_cost_usd: Some(1.0), ..RunDefaults::default() };
        assert_eq!(
            resolve(&defaults, LimitAsk::default(), &Shape::default(), 3, &CLI).ok(),
            Some(Limits {
                concurrency: 4,
                member_timeout: Duration::from_secs(180),
                budget: Duration::from_secs(540),
                stage_floor: Duration::from_secs(5),
                max_cost_usd: Some(1.0),
                max_answer_bytes: 256 * 1024,
                grace: None,
                quorum: None,
            })
        );
        let ask = LimitAsk {
            concurrency: Some(2),
            member_timeout: Some(300),
            budget: Some(60),
            max_cost_usd: Some(0.5),
            idle_timeout: None,
        };
        let limits = resolve(&defaults, ask, &shape(Some(0.5), Some(3)), 3, &CLI).ok();
        assert_eq!(
            limits.map(|l| (l.concurrency, l.member_timeout, l.budget, l.max_cost_usd)),
            Some((2, Duration::from_secs(60), Duration::from_secs(60), Some(0.5)))
        );
        assert_eq!(limits.map(|l| (l.grace, l.quorum)), Some((Some(Duration::from_millis(500)), Some(3))));
    }

    #[test]
    fn values_out_of_range_name_the_flag_and_the_range() {
        let defaults = RunDefaults::default();
        let error = |ask, shape: Shape| usage_error(resolve(&defaults, ask, &shape, 3, &CLI));
        let plain = Shape::default();
        assert_eq!(
            error(LimitAsk { concurrency: Some(33), ..LimitAsk::default() }, plain.clone()),
            Some(("--concurrency 33 is out of range".into(), "give from 1 to 32".into()))
        );
        assert_eq!(
            error(LimitAsk { budget: Some(3601), ..LimitAsk::default() }, plain.clone()),
            Some(("--budget 3601 is out of range".into(), "give from 1 to 3600 seconds".into()))
        );
        assert_eq!(
            error(LimitAsk { max_cost_usd: Some(f64::NAN), ..LimitAsk::default() }, plain),
            Some(("--max-cost NaN is not allowed".into(), "give a positive number of USD, e.g. 0.25".into()))
        );
        let grace_hint = "give more than 0 and at most 3600 seconds, e.g. 0.5".to_string();
        assert_eq!(
            [0.0, -1.0, f64::INFINITY].map(|g| error(LimitAsk::default(), shape(Some(g), None))),
            [
                Some(("--grace 0 is out of range".into(), grace_hint.clone())),
                Some(("--grace -1 is out of range".into(), grace_hint.clone())),
                Some(("--grace inf is out of range".into(), grace_hint)),
            ]
        );
        assert_eq!(
            [0, 4].map(|k| error(LimitAsk::default(), shape(None, Some(k)))),
            [
                Some(("--quorum 0 is out of range for a panel of 3".into(), "give from 1 to 3".into())),
                Some(("--quorum 4 is out of range for a panel of 3".into(), "give from 1 to 3".into())),
            ]
        );
    }

    #[test]
    fn an_mcp_call_hears_of_its_own_input_fields() {
        let defaults = RunDefaults::default();
        let ask = LimitAsk { budget: Some(0), ..LimitAsk::default() };
        assert_eq!(
            usage_error(resolve(&defaults, ask, &Shape::default(), 3, &Origin::Mcp)),
            Some(("`budget_secs` 0 is out of range".into(), "give from 1 to 3600 seconds".into()))
        );
    }

    #[test]
    fn rounds_default_and_out_of_range_name_the_flag_and_the_range() {
        let fusion = Selection::Fusion {
            preset: None,
            panel: vec!["a".into(), "b".into()],
            judge: "a".into(),
            synth: "a".into(),
            params: Default::default(),
            preset_shape: Default::default(),
        };
        assert_eq!([None, Some(1), Some(3)].map(|f| rounds(&fusion, f, 2, &CLI).ok()), [Some(2), Some(1), Some(3)]);
        let hint = "give from 1 to 3 (1: the panel answers once)".to_string();
        assert_eq!(
            [0, 4].map(|n| match rounds(&fusion, Some(n), 1, &CLI) {
                Err(Error::Usage { what, hint }) => Some((what, hint)),
                _ => None,
            }),
            [
                Some(("--rounds 0 is out of range".into(), hint.clone())),
                Some(("--rounds 4 is out of range".into(), hint)),
            ]
        );
        let single = Selection::Single { model: "a".into(), params: Default::default() };
        assert_eq!(rounds(&single, None, 3, &CLI).ok(), Some(1), "config.toml's rounds don't apply to one model");
    }

    #[test]
    fn a_hooked_run_keeps_within_the_hosts_timeout() {
        let defaults = RunDefaults { budget: Duration::from_secs(3600), ..RunDefaults::default() };
        let hooked = |budget| {
            let ask = LimitAsk { budget, ..LimitAsk::default() };
            resolve(&defaults, ask, &Shape::default(), 3, &hook()).unwrap_or_else(|e| panic!("{e}"))
        };
        assert_eq!(hooked(None).budget, Duration::from_secs(570));
        assert_eq!(hooked(Some(9999)).budget, Duration::from_secs(570));
        let tuned = hooked(Some(30));
        assert_eq!((tuned.budget, tuned.member_timeout), (Duration::from_secs(30), Duration::from_secs(30)));
    }

    #[test]
    fn a_hooked_run_takes_the_armed_grace_and_quorum_checked_like_the_flags() {
        let defaults = RunDefaults { grace: Some(Duration::from_secs(9)), ..RunDefaults::default() };
        let limits = resolve(&defaults, LimitAsk::default(), &shape(Some(0.5), Some(2)), 3, &hook()).ok();
        assert_eq!(limits.map(|l| (l.grace, l.quorum)), Some((Some(Duration::from_millis(500)), Some(2))));
        let unarmed = resolve(&defaults, LimitAsk::default(), &Shape::default(), 3, &hook()).ok();
        assert_eq!(unarmed.map(|l| (l.grace, l.quorum)), Some((Some(Duration::from_secs(9)), None)));
        assert_eq!(
            usage_error(resolve(&defaults, LimitAsk::default(), &shape(None, Some(3)), 2, &hook())),
            Some(("--quorum 3 is out of range for a panel of 2".into(), "give from 1 to 2".into()))
        );
    }
}
