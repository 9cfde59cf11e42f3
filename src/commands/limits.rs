//! The limits of a run, built in one place for `run` and the hook alike: `config.toml`'s
//! defaults, then what the run asks for over them (the run's flags, or the scope's
//! tuning), checked against the same ranges `config.toml` is checked against
//! (`config::settings`), with the invariants every run keeps (no call may outlast the
//! budget; a hooked run ends within the hosts' hook timeout).
//!
//! Knows nothing about how the limits are enforced (the pipeline) or where the flags
//! came from (clap).

use std::time::Duration;

use super::selection::Selection;
use crate::config::Config;
use crate::config::settings::{
    MAX_CONCURRENCY, MAX_ROUNDS, MAX_TIMEOUT_SECS, RunDefaults, concurrency_allowed, cost_cap_allowed, grace_allowed,
    rounds_allowed, secs_allowed,
};
use crate::error::{Error, Result};
use crate::pipeline::Limits;

/// What the run's flags ask for over the defaults; `None` keeps the default.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Flags {
    pub concurrency: Option<usize>,
    /// `--timeout`, seconds.
    pub member_timeout: Option<u64>,
    /// `--budget`, seconds.
    pub budget: Option<u64>,
    /// `--max-cost`, USD.
    pub max_cost_usd: Option<f64>,
    /// `--grace`, seconds (fractions allowed).
    pub grace: Option<f64>,
    /// `--quorum`, a number of members.
    pub quorum: Option<usize>,
}

/// The limits of a `frontier run` of `panel_size` members: the defaults (with the
/// preset's `grace_secs` over config.toml's) with the flags over them. A flag out of its
/// range is a usage error naming it.
pub fn for_run(defaults: &RunDefaults, flags: Flags, panel_size: usize) -> Result<Limits> {
    let concurrency = match flags.concurrency {
        None => defaults.concurrency,
        Some(n) if concurrency_allowed(n) => n,
        Some(n) => {
            return Err(Error::usage(
                format!("--concurrency {n} is out of range"),
                format!("give from 1 to {MAX_CONCURRENCY}"),
            ));
        }
    };
    let member_timeout = flags.member_timeout.map_or(Ok(defaults.member_timeout), |s| secs("--timeout", s))?;
    let budget = flags.budget.map_or(Ok(defaults.budget), |s| secs("--budget", s))?;
    let max_cost_usd = match flags.max_cost_usd {
        Some(usd) if !cost_cap_allowed(usd) => {
            return Err(Error::usage(
                format!("--max-cost {usd} is not allowed"),
                "give a positive number of USD, e.g. 0.25",
            ));
        }
        Some(usd) => Some(usd),
        None => defaults.max_cost_usd,
    };
    let (grace, quorum) = stragglers(defaults, flags, panel_size)?;
    Ok(Limits { grace, quorum, ..limits(defaults, concurrency, member_timeout, budget, max_cost_usd) })
}

/// The grace and quorum `flags` ask for over the defaults, each checked for a panel of
/// `panel_size`.
fn stragglers(defaults: &RunDefaults, flags: Flags, panel_size: usize) -> Result<(Option<Duration>, Option<usize>)> {
    let grace = match flags.grace {
        None => defaults.grace,
        Some(secs) if grace_allowed(secs) => Some(Duration::from_secs_f64(secs)),
        Some(secs) => {
            return Err(Error::usage(
                format!("--grace {secs} is out of range"),
                format!("give more than 0 and at most {MAX_TIMEOUT_SECS} seconds, e.g. 0.5"),
            ));
        }
    };
    let quorum = match flags.quorum {
        None => defaults.quorum,
        Some(k) if (1..=panel_size.max(1)).contains(&k) => Some(k),
        Some(k) => {
            return Err(Error::usage(
                format!("--quorum {k} is out of range for a panel of {panel_size}"),
                format!("give from 1 to {}", panel_size.max(1)),
            ));
        }
    };
    Ok((grace, quorum))
}

/// The defaults a run of `selection` starts from: config.toml's, with its preset's
/// `grace_secs`, `rounds` and `quorum` over them when it names one.
pub fn defaults_for(config: &Config, selection: &Selection) -> RunDefaults {
    let mut defaults = config.settings.run.clone();
    if let Selection::Fusion { preset: Some(name), .. } = selection
        && let Ok(preset) = config.presets.get(name)
    {
        defaults.grace = preset.grace.or(defaults.grace);
        defaults.rounds = preset.rounds.unwrap_or(defaults.rounds);
        defaults.quorum = preset.quorum.or(defaults.quorum);
    }
    defaults
}

/// How many rounds a run has: `flag` (`--rounds`, or what a scope armed), else `default`
/// (the preset's, else config.toml's). Out of 1 to 3 is a usage error naming the flag.
pub fn rounds(flag: Option<u32>, default: u32) -> Result<u32> {
    match flag {
        None => Ok(default),
        Some(n) if rounds_allowed(n) => Ok(n),
        Some(n) => Err(Error::usage(
            format!("--rounds {n} is out of range"),
            format!("give from 1 to {MAX_ROUNDS} (1: the panel answers once)"),
        )),
    }
}

/// How many members `selection` asks.
pub fn panel_size(selection: &Selection) -> usize {
    match selection {
        Selection::Single { .. } => 1,
        Selection::Fusion { panel, .. } => panel.len(),
    }
}

/// The longest a hooked run may take: the hosts kill hooks at 600 s, and the answer
/// still has to be relayed.
pub const MAX_HOOK_BUDGET_SECS: u64 = 570;

/// The limits of a hooked run of `panel_size` members: the defaults (with the armed
/// preset's `grace_secs` over config.toml's), with the scope's tuned budget (`frontier
/// tune --budget`, checked when it was set) and its armed grace and quorum (`shape`,
/// checked again as `run` checks its flags) over them, and never past
/// `MAX_HOOK_BUDGET_SECS`.
pub fn for_hook(
    defaults: &RunDefaults,
    tuned_budget_secs: Option<u64>,
    shape: Flags,
    panel_size: usize,
) -> Result<Limits> {
    let budget = tuned_budget_secs.map_or(defaults.budget, Duration::from_secs);
    let budget = budget.min(Duration::from_secs(MAX_HOOK_BUDGET_SECS));
    let (grace, quorum) = stragglers(defaults, shape, panel_size)?;
    let limits = limits(defaults, defaults.concurrency, defaults.member_timeout, budget, defaults.max_cost_usd);
    Ok(Limits { grace, quorum, ..limits })
}

/// `value` seconds from `flag`, in the range `config.toml`'s timeouts have.
pub fn secs(flag: &str, value: u64) -> Result<Duration> {
    if secs_allowed(value) {
        Ok(Duration::from_secs(value))
    } else {
        Err(Error::usage(
            format!("{flag} {value} is out of range"),
            format!("give from 1 to {MAX_TIMEOUT_SECS} seconds"),
        ))
    }
}

/// The one place `Limits` are put together. A call never gets more time than the whole
/// run (the pipeline also bounds each call by what is left of the budget).
fn limits(
    defaults: &RunDefaults,
    concurrency: usize,
    member_timeout: Duration,
    budget: Duration,
    max_cost_usd: Option<f64>,
) -> Limits {
    Limits {
        concurrency,
        member_timeout: member_timeout.min(budget),
        budget,
        stage_floor: defaults.stage_floor,
        max_cost_usd,
        max_answer_bytes: defaults.max_answer_bytes,
        grace: defaults.grace,
        quorum: defaults.quorum,
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    fn usage_error(result: Result<Limits>) -> Option<(String, String)> {
        match result {
            Err(Error::Usage { what, hint }) => Some((what, hint)),
            _ => None,
        }
    }

    #[test]
    fn flags_override_the_defaults_and_no_call_outlasts_the_budget() {
        let defaults = RunDefaults { max_cost_usd: Some(1.0), ..RunDefaults::default() };
        assert_eq!(
            for_run(&defaults, Flags::default(), 3).ok(),
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
        let flags = Flags {
            concurrency: Some(2),
            member_timeout: Some(300),
            budget: Some(60),
            max_cost_usd: Some(0.5),
            grace: Some(0.5),
            quorum: Some(3),
        };
        let limits = for_run(&defaults, flags, 3).ok();
        assert_eq!(
            limits.map(|l| (l.concurrency, l.member_timeout, l.budget, l.max_cost_usd)),
            Some((2, Duration::from_secs(60), Duration::from_secs(60), Some(0.5)))
        );
        assert_eq!(limits.map(|l| (l.grace, l.quorum)), Some((Some(Duration::from_millis(500)), Some(3))));
    }

    #[test]
    fn flags_out_of_range_name_the_flag_and_the_range() {
        let defaults = RunDefaults::default();
        let error = |flags| usage_error(for_run(&defaults, flags, 3));
        assert_eq!(
            error(Flags { concurrency: Some(33), ..Flags::default() }),
            Some(("--concurrency 33 is out of range".into(), "give from 1 to 32".into()))
        );
        assert_eq!(
            error(Flags { budget: Some(3601), ..Flags::default() }),
            Some(("--budget 3601 is out of range".into(), "give from 1 to 3600 seconds".into()))
        );
        assert_eq!(
            error(Flags { max_cost_usd: Some(f64::NAN), ..Flags::default() }),
            Some(("--max-cost NaN is not allowed".into(), "give a positive number of USD, e.g. 0.25".into()))
        );
        let grace_hint = "give more than 0 and at most 3600 seconds, e.g. 0.5".to_string();
        assert_eq!(
            [0.0, -1.0, f64::INFINITY].map(|g| error(Flags { grace: Some(g), ..Flags::default() })),
            [
                Some(("--grace 0 is out of range".into(), grace_hint.clone())),
                Some(("--grace -1 is out of range".into(), grace_hint.clone())),
                Some(("--grace inf is out of range".into(), grace_hint)),
            ]
        );
        assert_eq!(
            [0, 4].map(|k| error(Flags { quorum: Some(k), ..Flags::default() })),
            [
                Some(("--quorum 0 is out of range for a panel of 3".into(), "give from 1 to 3".into())),
                Some(("--quorum 4 is out of range for a panel of 3".into(), "give from 1 to 3".into())),
            ]
        );
    }

    #[test]
    fn rounds_default_and_out_of_range_name_the_flag_and_the_range() {
        assert_eq!([None, Some(1), Some(3)].map(|f| rounds(f, 2).ok()), [Some(2), Some(1), Some(3)]);
        let hint = "give from 1 to 3 (1: the panel answers once)".to_string();
        assert_eq!(
            [0, 4].map(|n| match rounds(Some(n), 1) {
                Err(Error::Usage { what, hint }) => Some((what, hint)),
                _ => None,
            }),
            [
                Some(("--rounds 0 is out of range".into(), hint.clone())),
                Some(("--rounds 4 is out of range".into(), hint)),
            ]
        );
    }

    #[test]
    fn a_hooked_run_keeps_within_the_hosts_timeout() {
        let defaults = RunDefaults { budget: Duration::from_secs(3600), ..RunDefaults::default() };
        let hook = |budget| for_hook(&defaults, budget, Flags::default(), 3).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(hook(None).budget, Duration::from_secs(570));
        assert_eq!(hook(Some(9999)).budget, Duration::from_secs(570));
        let tuned = hook(Some(30));
        assert_eq!((tuned.budget, tuned.member_timeout), (Duration::from_secs(30), Duration::from_secs(30)));
    }

    #[test]
    fn a_hooked_run_takes_the_armed_grace_and_quorum_checked_like_the_flags() {
        let defaults = RunDefaults { grace: Some(Duration::from_secs(9)), ..RunDefaults::default() };
        let armed = Flags { grace: Some(0.5), quorum: Some(2), ..Flags::default() };
        let limits = for_hook(&defaults, None, armed, 3).ok();
        assert_eq!(limits.map(|l| (l.grace, l.quorum)), Some((Some(Duration::from_millis(500)), Some(2))));
        let unarmed = for_hook(&defaults, None, Flags::default(), 3).ok();
        assert_eq!(unarmed.map(|l| (l.grace, l.quorum)), Some((Some(Duration::from_secs(9)), None)));
        assert_eq!(
            usage_error(for_hook(&defaults, None, Flags { quorum: Some(3), ..Flags::default() }, 2)),
            Some(("--quorum 3 is out of range for a panel of 2".into(), "give from 1 to 2".into()))
        );
    }
}
