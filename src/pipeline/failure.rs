//! Why a run produced no answer, as a typed reason scripts can match on.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::provider::ErrorKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailureReason {
    AllPanelsFailed,
    RateLimited,
    InsufficientCredits,
    AuthFailed,
    Timeout,
    FusionInvocationCapped,
    UnexpectedError,
}

impl FailureReason {
    /// The reason for a run whose every member failed with these kinds: a shared cause
    /// when all agree, else `all_panels_failed`.
    pub fn from_member_failures(kinds: &[ErrorKind]) -> FailureReason {
        let all = |k: ErrorKind| !kinds.is_empty() && kinds.iter().all(|x| *x == k);
        if all(ErrorKind::RateLimited) {
            FailureReason::RateLimited
        } else if all(ErrorKind::Credits) {
            FailureReason::InsufficientCredits
        } else if all(ErrorKind::Auth) {
            FailureReason::AuthFailed
        } else if all(ErrorKind::Timeout) {
            FailureReason::Timeout
        } else {
            FailureReason::AllPanelsFailed
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            FailureReason::AllPanelsFailed => "all_panels_failed",
            FailureReason::RateLimited => "rate_limited",
            FailureReason::InsufficientCredits => "insufficient_credits",
            FailureReason::AuthFailed => "auth_failed",
            FailureReason::Timeout => "timeout",
            FailureReason::FusionInvocationCapped => "fusion_invocation_capped",
            FailureReason::UnexpectedError => "unexpected_error",
        }
    }

    pub fn hint(self) -> &'static str {
        match self {
            FailureReason::AllPanelsFailed => {
                "each member's error is listed above; `frontier doctor` checks every provider's key, program and server (at the base_url a run calls)"
            }
            FailureReason::RateLimited => {
                "every provider is rate-limiting you; wait a minute or add models from another provider"
            }
            FailureReason::InsufficientCredits => "top up the provider accounts, or use models from another provider",
            FailureReason::AuthFailed => {
                "check the API keys named above; `frontier catalog` shows what each model needs"
            }
            FailureReason::Timeout => "raise --timeout or --budget, or use faster models",
            FailureReason::FusionInvocationCapped => {
                "frontier is already running above this process (FRONTIER_DEPTH is set); it does not run itself recursively"
            }
            FailureReason::UnexpectedError => "this is a bug; please report it with the command you ran",
        }
    }
}

impl fmt::Display for FailureReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shared_cause_wins_else_all_panels_failed() {
        use ErrorKind::*;
        assert_eq!(FailureReason::from_member_failures(&[RateLimited, RateLimited]), FailureReason::RateLimited);
        assert_eq!(FailureReason::from_member_failures(&[Auth]), FailureReason::AuthFailed);
        assert_eq!(FailureReason::from_member_failures(&[Timeout, Timeout]), FailureReason::Timeout);
        assert_eq!(FailureReason::from_member_failures(&[Credits]), FailureReason::InsufficientCredits);
        assert_eq!(FailureReason::from_member_failures(&[Timeout, Server]), FailureReason::AllPanelsFailed);
        assert_eq!(FailureReason::from_member_failures(&[]), FailureReason::AllPanelsFailed);
    }
}
