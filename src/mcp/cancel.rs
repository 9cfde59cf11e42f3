//! A call's cancellation, as the tools see it: a future for an async run to select on,
//! and a cheap synchronous check for work that runs on the call's own thread (a walk, a
//! read loop) to poll between steps.
//!
//! Knows nothing about what cancels a call: the server hands each call a token that the
//! client's `notifications/cancelled`, stdin closing and a signal all reach (docs/mcp.md).

use std::future::Future;

use tokio_util::sync::CancellationToken;

/// Whether a call has been cancelled, and a way to wait until it is. Cloning it shares
/// the same state.
#[derive(Debug, Clone, Default)]
pub struct Cancellation {
    token: CancellationToken,
}

impl Cancellation {
    /// A cancellation that nothing has triggered yet.
    pub fn new() -> Self {
        Cancellation::default()
    }

    /// A call's cancellation over the token rmcp gives its request: a child of the
    /// server's own stop, so a cancel of the call or of the whole server reaches it.
    pub(super) fn of(token: CancellationToken) -> Self {
        Cancellation { token }
    }

    /// Cancels it (the server does, and tests).
    pub fn cancel(&self) {
        self.token.cancel();
    }

    /// Whether the call has been cancelled: an atomic load, cheap enough to ask between
    /// any two steps of synchronous work (`&|| cancel.is_cancelled()`).
    pub fn is_cancelled(&self) -> bool {
        self.token.is_cancelled()
    }

    /// Resolves once the call is cancelled (at once if it already is). Owns what it
    /// waits on, so it can be moved into a run on another runtime.
    pub fn cancelled(&self) -> impl Future<Output = ()> + Send + 'static {
        self.token.clone().cancelled_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cancel_is_seen_by_the_check_and_by_a_waiter_made_before_it() {
        let cancel = Cancellation::new();
        let seen_by = cancel.clone();
        let waiter = seen_by.cancelled();
        assert!(!seen_by.is_cancelled());
        cancel.cancel();
        assert!(seen_by.is_cancelled());
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            tokio::time::timeout(std::time::Duration::from_secs(5), waiter).await.unwrap();
            tokio::time::timeout(std::time::Duration::from_secs(5), seen_by.cancelled()).await.unwrap();
        });
    }

    #[test]
    fn cancelling_the_servers_stop_cancels_every_call_made_under_it() {
        let stop = CancellationToken::new();
        let calls = [Cancellation::of(stop.child_token()), Cancellation::of(stop.child_token().child_token())];
        stop.cancel();
        assert!(calls.iter().all(Cancellation::is_cancelled));
    }
}
