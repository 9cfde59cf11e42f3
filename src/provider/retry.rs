//! The one retry decision: whether a failed attempt is tried again, and after how long.
//! The error's kind says whether another attempt may succeed (`ErrorKind::is_retryable`);
//! `decide` adds the policy (attempts, exponential backoff with jitter, `Retry-After`).
//! `RetryPolicy` is what config.toml's `[retry]` resolves into.
//!
//! Knows nothing about HTTP or streams: the transport asks, and honours the deadline.

use std::time::Duration;

use super::{ErrorKind, ProviderError};

/// Attempts per request (first try included) for retryable failures.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;
pub const DEFAULT_RETRY_BASE_DELAY_MS: u64 = 500;
pub const DEFAULT_RETRY_MAX_DELAY_MS: u64 = 20_000;

/// How HTTP requests are retried.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    pub max_attempts: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            base_delay: Duration::from_millis(DEFAULT_RETRY_BASE_DELAY_MS),
            max_delay: Duration::from_millis(DEFAULT_RETRY_MAX_DELAY_MS),
        }
    }
}

impl ErrorKind {
    /// Whether another attempt may succeed: rate limits, timeouts, server errors, broken
    /// connections and broken streams; never a refused request, a key or credit problem.
    pub fn is_retryable(self) -> bool {
        match self {
            ErrorKind::RateLimited
            | ErrorKind::Timeout
            | ErrorKind::Server
            | ErrorKind::Connection
            | ErrorKind::Stream => true,
            ErrorKind::Auth | ErrorKind::Credits | ErrorKind::Request => false,
        }
    }
}

/// Whether `failure` is worth another attempt: its kind says so, except for the two
/// failures no new attempt can help whatever their kind.
pub fn is_retryable(failure: &ProviderError) -> bool {
    match failure {
        // The time is up: no attempt may start.
        ProviderError::Deadline => false,
        // An agent CLI retries its own API calls; frontier does not start it again.
        ProviderError::Cli { .. } => false,
        other => other.kind().is_retryable(),
    }
}

/// How long to wait before attempt `attempt + 1` after `failure`, or `None` when it must
/// not be retried. The caller still checks the wait against its deadline.
pub fn decide(failure: &ProviderError, attempt: u32, policy: &RetryPolicy) -> Option<Duration> {
    if !is_retryable(failure) || attempt >= policy.max_attempts {
        return None;
    }
    if let ProviderError::Http { retry_after: Some(after), .. } = failure {
        return Some(*after);
    }
    Some(backoff(attempt, policy))
}

/// The wait after attempt `attempt` failed without a `Retry-After`: exponential, capped,
/// jittered.
pub fn backoff(attempt: u32, policy: &RetryPolicy) -> Duration {
    let exp = policy.base_delay.saturating_mul(1 << attempt.saturating_sub(1).min(16));
    let capped = exp.min(policy.max_delay);
    // Full jitter over the upper half: spreads retries of concurrent members apart.
    let half = capped / 2;
    half + half.mul_f64(crate::random::unit())
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    fn http(status: u16) -> ProviderError {
        ProviderError::Http { status, message: "m".into(), retry_after: None }
    }

    #[test]
    fn retry_after_is_honoured_and_other_4xx_are_not_retried() {
        let policy = RetryPolicy::default();
        let limited =
            ProviderError::Http { status: 429, message: "slow".into(), retry_after: Some(Duration::from_secs(2)) };
        assert_eq!(decide(&limited, 1, &policy), Some(Duration::from_secs(2)));
        assert_eq!(decide(&http(400), 1, &policy), None);
        assert_eq!(decide(&http(503), policy.max_attempts, &policy), None);
        let delay = decide(&http(503), 2, &policy).unwrap_or_default();
        assert!(delay >= Duration::from_millis(500) && delay <= Duration::from_millis(1000), "{delay:?}");
    }

    #[test]
    fn a_redirect_and_a_request_that_can_not_be_built_are_not_retried() {
        let policy = RetryPolicy::default();
        let moved = ProviderError::Redirect { status: 307, location: "`http://elsewhere/`".into() };
        assert_eq!((moved.kind(), decide(&moved, 1, &policy)), (ErrorKind::Request, None));
        let unsendable = ProviderError::Unsendable("builder error".into());
        assert_eq!((unsendable.kind(), decide(&unsendable, 1, &policy)), (ErrorKind::Request, None));
    }

    #[test]
    fn which_failures_are_retried() {
        let cli =
            |api_status| ProviderError::Cli { program: "claude".into(), code: Some(1), api_status, detail: "d".into() };
        let retried = [
            http(429),
            http(408),
            http(500),
            http(503),
            ProviderError::Connect("reset".into()),
            ProviderError::Idle(Duration::from_secs(1)),
            ProviderError::FirstToken(Duration::from_secs(1)),
            ProviderError::Truncated,
            ProviderError::Malformed("m".into()),
            ProviderError::Remote("overloaded".into()),
        ];
        let not_retried = [
            http(400),
            http(401),
            http(402),
            http(403),
            http(404),
            http(302),
            ProviderError::MissingKey { var: "K".into() },
            ProviderError::ShortKey { var: "K".into() },
            ProviderError::MissingProgram { program: "claude".into() },
            ProviderError::Refused("blocked".into()),
            ProviderError::Deadline,
            ProviderError::BadModelId { model: "-x".into(), reason: "r" },
            cli(None),
            cli(Some(429)),
            cli(Some(503)),
        ];
        for failure in &retried {
            assert!(is_retryable(failure), "{failure:?} should be retried");
        }
        for failure in &not_retried {
            assert!(!is_retryable(failure), "{failure:?} should not be retried");
        }
    }
}
