//! The ranges a user may ask for, in `config.toml`, a preset, the catalog or a flag: one
//! check for each, shared by every place that reads the value (`settings`, `presets`,
//! `catalog` and the commands' flags through `settings`).
//!
//! Knows nothing about where a value comes from or what the default is (`settings`).

/// The most members that may run at once.
pub const MAX_CONCURRENCY: usize = 32;
/// The longest timeout or budget a user may ask for.
pub const MAX_TIMEOUT_SECS: u64 = 3600;

/// Whether `n` members may run at once: the one range for `concurrency` and `--concurrency`.
pub fn concurrency_allowed(n: usize) -> bool {
    (1..=MAX_CONCURRENCY).contains(&n)
}

/// Whether `secs` is a timeout or budget a user may ask for, in `config.toml` or a flag.
pub fn secs_allowed(secs: u64) -> bool {
    (1..=MAX_TIMEOUT_SECS).contains(&secs)
}

/// Whether `secs` is a grace period a user may set (`--grace`, `grace_secs`): more than
/// nothing, at most the longest timeout.
pub fn grace_allowed(secs: f64) -> bool {
    secs.is_finite() && secs > 0.0 && secs <= MAX_TIMEOUT_SECS as f64
}

/// The most rounds a run may have (`--rounds`, `rounds`).
pub const MAX_ROUNDS: u32 = 3;

/// Whether `n` is a number of rounds a user may ask for, in `config.toml`, a preset or a
/// flag.
pub fn rounds_allowed(n: u32) -> bool {
    (1..=MAX_ROUNDS).contains(&n)
}

/// Whether `usd` is a cost cap a user may set, in `config.toml` or a flag.
pub fn cost_cap_allowed(usd: f64) -> bool {
    usd.is_finite() && usd > 0.0
}
