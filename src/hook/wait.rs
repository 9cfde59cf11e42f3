//! How long each host waits for its prompt hook, where that is less than the timeout
//! frontier writes into the host's settings: a hooked run there must end sooner, or the
//! host gives up on the hook and the user's turn with it.
//!
//! Measured with the pinned CLIs (docs/hooks.md): Qwen Code 0.24.4 waits at most 60 s for
//! a `UserPromptSubmit` hook whatever the hook's `timeout` says (its message bus's own
//! deadline), and past that fails the turn ("Request timed out waiting for
//! hook-execution-response"; `qwen -p` exits 1). The other hosts honour the `timeout`.
//!
//! Knows nothing about how the run keeps to its budget; `hook` hands the cap to it.

use std::time::Duration;

use crate::config::Host;

/// Qwen Code's wait for a prompt hook.
pub const QWEN_CODE_WAIT_SECS: u64 = 60;

/// The most a hooked run in `host` may take, when the host waits less than the hook's
/// registered timeout: its wait less 15 s for frontier to start, read the scope and
/// relay the answer.
pub fn max_budget(host: Host) -> Option<Duration> {
    match host {
        Host::Qwen => Some(Duration::from_secs(QWEN_CODE_WAIT_SECS - 15)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_qwen_code_cuts_a_hooked_runs_budget() {
        assert_eq!(max_budget(Host::Qwen), Some(Duration::from_secs(45)));
        for host in [Host::ClaudeCode, Host::Codex, Host::Gemini, Host::Droid] {
            assert_eq!(max_budget(host), None, "{host:?}");
        }
    }
}
