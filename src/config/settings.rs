//! `config.toml`: the user's defaults for runs, and their additions to the catalog. The
//! ranges a value may take are `bounds`'s, re-exported here.
//!
//! Knows nothing about the catalog's contents; the catalog sections are handed to
//! `catalog` unchanged. `[retry]` resolves into the provider layer's `RetryPolicy`, which
//! also holds its defaults.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;

pub use super::bounds::{
    MAX_CONCURRENCY, MAX_ROUNDS, MAX_TIMEOUT_SECS, concurrency_allowed, cost_cap_allowed, grace_allowed,
    rounds_allowed, secs_allowed,
};
use super::catalog::{CatalogToml, ModelToml, ProviderToml};
use super::toml_file;
use crate::error::{Error, Result};
pub use crate::provider::retry::RetryPolicy;
use crate::provider::usage::Price;

/// Panel members started at once, unless configured.
pub const DEFAULT_CONCURRENCY: usize = 4;
/// How long one member (or the judge, or the synth) may take, unless configured.
pub const DEFAULT_MEMBER_TIMEOUT_SECS: u64 = 180;
/// The whole run's budget: under the editor hooks' 600 s timeout, with room to relay.
pub const DEFAULT_BUDGET_SECS: u64 = 540;
/// Judge and synth are skipped when less than this is left of the budget.
pub const DEFAULT_STAGE_FLOOR_SECS: u64 = 5;
/// Longest silence between two frames of a stream before it counts as stalled.
pub const DEFAULT_IDLE_TIMEOUT_SECS: u64 = 60;
/// The most of one answer kept (panel members, judge and synth alike), unless
/// configured: 256 KiB, some 60,000 words, far past what a useful answer runs to.
pub const DEFAULT_MAX_ANSWER_BYTES: usize = 256 * 1024;
/// The largest `max_answer_bytes` a user may set: 4 MiB, ten times the longest output any
/// model produces. Each answer is held several times over (the report, the judge's and the
/// synth's requests, `--json`, history): at 16 MiB one member's answer took 200 MB.
pub const MAX_MAX_ANSWER_BYTES: usize = 4 * 1024 * 1024;
/// The most characters of context a run sends, unless configured (`context::budget`
/// holds the same number for callers below the configuration, such as the hook's
/// mentions; a test in `commands::context` keeps the two equal).
pub const DEFAULT_CONTEXT_CHARS: usize = 100_000;
/// The largest `context_chars` a user may set: 2 million characters, past the largest
/// context windows there are.
pub const MAX_CONTEXT_CHARS: usize = 2_000_000;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SettingsToml {
    default_preset: Option<String>,
    concurrency: Option<usize>,
    member_timeout_secs: Option<u64>,
    budget_secs: Option<u64>,
    stage_floor_secs: Option<u64>,
    idle_timeout_secs: Option<u64>,
    first_token_timeout_secs: Option<u64>,
    grace_secs: Option<f64>,
    quorum: Option<usize>,
    rounds: Option<u32>,
    max_cost_usd: Option<f64>,
    max_answer_bytes: Option<u64>,
    context_chars: Option<u64>,
    history: Option<bool>,
    retry: Option<RetryToml>,
    #[serde(default)]
    providers: BTreeMap<String, ProviderToml>,
    #[serde(default)]
    models: BTreeMap<String, ModelToml>,
    #[serde(default)]
    aliases: BTreeMap<String, String>,
    #[serde(default)]
    prices: BTreeMap<String, Price>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RetryToml {
    max_attempts: Option<u32>,
    base_delay_ms: Option<u64>,
    max_delay_ms: Option<u64>,
}

impl SettingsToml {
    /// The catalog sections, for `Catalog::with_overlay`.
    pub(crate) fn catalog_overlay(&self) -> CatalogToml {
        CatalogToml {
            providers: self.providers.clone(),
            models: self.models.clone(),
            aliases: self.aliases.clone(),
            prices: self.prices.clone(),
        }
    }
}

pub(crate) fn load_file(path: &Path) -> Result<SettingsToml> {
    Ok(toml_file::read(path, "config file")?.unwrap_or_default())
}

/// Resolved settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    pub default_preset: Option<String>,
    /// Whether runs are recorded in the history database.
    pub history: bool,
    pub run: RunDefaults,
}

/// Defaults for a run; command-line flags override them.
#[derive(Debug, Clone, PartialEq)]
pub struct RunDefaults {
    pub concurrency: usize,
    pub member_timeout: Duration,
    pub budget: Duration,
    pub stage_floor: Duration,
    pub idle_timeout: Duration,
    /// How long a call may go before its first text; `None`: the member timeout.
    pub first_token_timeout: Option<Duration>,
    /// Once the quorum has answered, how much longer the rest get; `None`: no limit.
    pub grace: Option<Duration>,
    /// How many answers start the grace period; `None`: all members but one.
    pub quorum: Option<usize>,
    /// How many times the panel answers (1 to 3); later rounds revise in the light of the
    /// others' answers.
    pub rounds: u32,
    pub retry: RetryPolicy,
    /// USD a run may spend; none by default.
    pub max_cost_usd: Option<f64>,
    /// The most of one answer kept; the rest is not read (`truncated` in the report).
    pub max_answer_bytes: usize,
    /// The most characters of context a run sends (`-f`, `--diff`, stdin, the hook's
    /// transcript and mentions), before the panel's context windows lower it.
    pub context_chars: usize,
}

impl Default for RunDefaults {
    fn default() -> Self {
        RunDefaults {
            concurrency: DEFAULT_CONCURRENCY,
            member_timeout: Duration::from_secs(DEFAULT_MEMBER_TIMEOUT_SECS),
            budget: Duration::from_secs(DEFAULT_BUDGET_SECS),
            stage_floor: Duration::from_secs(DEFAULT_STAGE_FLOOR_SECS),
            idle_timeout: Duration::from_secs(DEFAULT_IDLE_TIMEOUT_SECS),
            first_token_timeout: None,
            grace: None,
            quorum: None,
            rounds: 1,
            retry: RetryPolicy::default(),
            max_cost_usd: None,
            max_answer_bytes: DEFAULT_MAX_ANSWER_BYTES,
            context_chars: DEFAULT_CONTEXT_CHARS,
        }
    }
}

impl Settings {
    pub(crate) fn resolve(raw: SettingsToml, path: &Path) -> Result<Settings> {
        let invalid = |message: String| Error::InvalidFile { what: "config file", path: path.to_path_buf(), message };
        let defaults = RunDefaults::default();
        let secs = |value: Option<u64>, key: &str, default: Duration| -> Result<Duration> {
            match value {
                None => Ok(default),
                Some(v) if secs_allowed(v) => Ok(Duration::from_secs(v)),
                Some(v) => Err(invalid(format!("`{key}` is {v}; it must be from 1 to {MAX_TIMEOUT_SECS}"))),
            }
        };
        let concurrency = match raw.concurrency {
            None => defaults.concurrency,
            Some(n) if concurrency_allowed(n) => n,
            Some(n) => return Err(invalid(format!("`concurrency` is {n}; it must be from 1 to {MAX_CONCURRENCY}"))),
        };
        let stage_floor = match raw.stage_floor_secs {
            None => defaults.stage_floor,
            Some(v) if v <= MAX_TIMEOUT_SECS => Duration::from_secs(v),
            Some(v) => {
                return Err(invalid(format!("`stage_floor_secs` is {v}; it must be at most {MAX_TIMEOUT_SECS}")));
            }
        };
        let max_answer_bytes = match raw.max_answer_bytes {
            None => defaults.max_answer_bytes,
            Some(n) => match usize::try_from(n) {
                Ok(n) if (1..=MAX_MAX_ANSWER_BYTES).contains(&n) => n,
                _ => {
                    return Err(invalid(format!(
                        "`max_answer_bytes` is {n}; it must be from 1 to {MAX_MAX_ANSWER_BYTES} (4 MiB)"
                    )));
                }
            },
        };
        let context_chars = match raw.context_chars {
            None => defaults.context_chars,
            Some(n) => match usize::try_from(n) {
                Ok(n) if n <= MAX_CONTEXT_CHARS => n,
                _ => {
                    return Err(invalid(format!(
                        "`context_chars` is {n}; it must be from 0 (no context) to {MAX_CONTEXT_CHARS}"
                    )));
                }
            },
        };
        let retry_raw = raw.retry.unwrap_or_default();
        let max_attempts = match retry_raw.max_attempts {
            None => defaults.retry.max_attempts,
            Some(n) if (1..=10).contains(&n) => n,
            Some(n) => return Err(invalid(format!("`retry.max_attempts` is {n}; it must be from 1 to 10"))),
        };
        let retry = RetryPolicy {
            max_attempts,
            base_delay: retry_raw.base_delay_ms.map_or(defaults.retry.base_delay, Duration::from_millis),
            max_delay: retry_raw.max_delay_ms.map_or(defaults.retry.max_delay, Duration::from_millis),
        };
        Ok(Settings {
            default_preset: raw.default_preset,
            history: raw.history.unwrap_or(true),
            run: RunDefaults {
                concurrency,
                member_timeout: secs(raw.member_timeout_secs, "member_timeout_secs", defaults.member_timeout)?,
                budget: secs(raw.budget_secs, "budget_secs", defaults.budget)?,
                stage_floor,
                idle_timeout: secs(raw.idle_timeout_secs, "idle_timeout_secs", defaults.idle_timeout)?,
                first_token_timeout: match raw.first_token_timeout_secs {
                    None => None,
                    Some(v) => Some(secs(Some(v), "first_token_timeout_secs", Duration::ZERO)?),
                },
                grace: match raw.grace_secs {
                    None => None,
                    Some(v) if grace_allowed(v) => Some(Duration::from_secs_f64(v)),
                    Some(v) => {
                        return Err(invalid(format!(
                            "`grace_secs` is {v}; it must be more than 0 and at most {MAX_TIMEOUT_SECS}"
                        )));
                    }
                },
                quorum: match raw.quorum {
                    Some(0) => return Err(invalid("`quorum` is 0; it must be at least 1".into())),
                    other => other,
                },
                rounds: match raw.rounds {
                    None => defaults.rounds,
                    Some(n) if rounds_allowed(n) => n,
                    Some(n) => return Err(invalid(format!("`rounds` is {n}; it must be from 1 to {MAX_ROUNDS}"))),
                },
                retry,
                max_cost_usd: match raw.max_cost_usd {
                    Some(usd) if !cost_cap_allowed(usd) => {
                        return Err(invalid(format!("`max_cost_usd` is {usd}; it must be a positive number of USD")));
                    }
                    other => other,
                },
                max_answer_bytes,
                context_chars,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(text: &str) -> Result<Settings> {
        let path = Path::new("/c/config.toml");
        Settings::resolve(toml_file::parse(text, path, "config file")?, path)
    }

    #[test]
    fn empty_file_gives_defaults() {
        assert_eq!(
            settings("").ok(),
            Some(Settings { default_preset: None, history: true, run: RunDefaults::default() })
        );
    }

    #[test]
    fn values_override_defaults() {
        let s = settings(
            "default_preset = \"demo\"\nconcurrency = 2\nbudget_secs = 60\nhistory = false\n[retry]\nmax_attempts = 1\n",
        );
        let s = s.ok().unwrap_or_else(|| panic!("should parse"));
        assert_eq!(s.default_preset.as_deref(), Some("demo"));
        assert!(!s.history);
        assert_eq!(s.run.concurrency, 2);
        assert_eq!(s.run.budget, Duration::from_secs(60));
        assert_eq!(s.run.retry.max_attempts, 1);
    }

    #[test]
    fn out_of_range_values_are_refused() {
        let err = settings("concurrency = 0\n").err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(err, "invalid config file `/c/config.toml`: `concurrency` is 0; it must be from 1 to 32");
    }

    #[test]
    fn max_answer_bytes_defaults_to_256_kib_and_is_bounded() {
        assert_eq!(settings("").map(|s| s.run.max_answer_bytes).ok(), Some(262_144));
        assert_eq!(settings("max_answer_bytes = 1000\n").map(|s| s.run.max_answer_bytes).ok(), Some(1000));
        assert_eq!(settings("max_answer_bytes = 4194304\n").map(|s| s.run.max_answer_bytes).ok(), Some(4_194_304));
        for bad in ["0", "4194305"] {
            let err = settings(&format!("max_answer_bytes = {bad}\n")).err().map(|e| e.to_string());
            assert_eq!(
                err.as_deref(),
                Some(&*format!(
                    "invalid config file `/c/config.toml`: `max_answer_bytes` is {bad}; it must be from 1 to 4194304 (4 MiB)"
                ))
            );
        }
        // A negative number is not a u64: TOML's type error names the key.
        assert!(settings("max_answer_bytes = -1\n").is_err());
    }

    #[test]
    fn context_chars_defaults_to_100k_and_is_bounded() {
        assert_eq!(settings("").map(|s| s.run.context_chars).ok(), Some(100_000));
        assert_eq!(settings("context_chars = 0\n").map(|s| s.run.context_chars).ok(), Some(0));
        assert_eq!(settings("context_chars = 5000\n").map(|s| s.run.context_chars).ok(), Some(5000));
        let err = settings("context_chars = 2000001\n").err().map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some(
                "invalid config file `/c/config.toml`: `context_chars` is 2000001; it must be from 0 (no context) to 2000000"
            )
        );
    }
}
