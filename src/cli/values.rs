//! The parsers of the numeric flags (timeouts, budgets, counts, seconds, dollars). They
//! only parse: each flag's range is checked where the flag is used, so that a value out
//! of range is refused with the rule it breaks. Each flag sets `allow_negative_numbers`,
//! so that `--timeout -1` reaches its parser and the error names the flag.

/// What a numeric flag takes, said after the flag's name and value in the usage error
/// (`invalid value `-1` for --timeout <SECS>: it must be a positive whole number`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NotANumber {
    #[error("it must be a positive whole number")]
    Positive,
    #[error("it must be a whole number, 0 or more")]
    Count,
    #[error("it must be a positive number of seconds, e.g. 0.5")]
    Seconds,
    #[error("it must be a positive number of US dollars, e.g. 0.25")]
    Usd,
}

/// A flag that takes a count from 1 (timeouts, budgets, concurrency, limits).
pub(super) fn positive<T: std::str::FromStr>(text: &str) -> Result<T, NotANumber> {
    text.trim().parse().map_err(|_| NotANumber::Positive)
}

/// A flag that takes a count from 0 (a seed, a minimum length).
pub(super) fn count<T: std::str::FromStr>(text: &str) -> Result<T, NotANumber> {
    text.trim().parse().map_err(|_| NotANumber::Count)
}

/// `--grace`: a number of seconds, fractions allowed (its range is checked where it is used).
pub(super) fn seconds(text: &str) -> Result<f64, NotANumber> {
    text.trim().parse().map_err(|_| NotANumber::Seconds)
}

/// `--max-cost`: a number of US dollars (its sign is checked where it is used).
pub(super) fn usd(text: &str) -> Result<f64, NotANumber> {
    text.trim().parse().map_err(|_| NotANumber::Usd)
}
