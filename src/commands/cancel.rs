//! The one place that waits for the signals that cancel a run: SIGINT (Ctrl-C), SIGTERM
//! (what a host sends a hook past its timeout, or a supervisor sends to stop a job) and
//! SIGHUP (a closed terminal). All three cancel the same way; only the exit code says which.
//!
//! Knows nothing about what is cancelled: `execute::carry_out` races this against the
//! pipeline and drops the pipeline when a signal wins, which kills every agent-CLI
//! process group and removes every scratch directory (their guards live inside the
//! dropped future).

use tokio::signal::unix::{Signal, SignalKind, signal};

use crate::error::CancelSignal;

/// The handlers, installed for as long as the value lives.
pub struct Cancel {
    interrupt: Option<Signal>,
    terminate: Option<Signal>,
    hangup: Option<Signal>,
}

impl Cancel {
    /// Installs the handlers now, so that a signal arriving before the first poll is
    /// kept rather than lost. Must be called inside a runtime. A handler that can't be
    /// installed leaves that signal's default action (the process ends) in place.
    pub fn install() -> Cancel {
        Cancel {
            interrupt: signal(SignalKind::interrupt()).ok(),
            terminate: signal(SignalKind::terminate()).ok(),
            hangup: signal(SignalKind::hangup()).ok(),
        }
    }

    /// The handlers of SIGTERM and SIGHUP alone, for `chat` waiting at its prompt: there
    /// the line editor owns SIGINT (the terminal sends Ctrl-C as a key, not a signal, and
    /// the editor keeps a handler of its own while it reads): one installed while it reads
    /// would be undone when the editor puts back the handler it found.
    pub fn install_ending() -> Cancel {
        Cancel {
            interrupt: None,
            terminate: signal(SignalKind::terminate()).ok(),
            hangup: signal(SignalKind::hangup()).ok(),
        }
    }

    /// Resolves with the first of the signals to arrive; never, if none was installed.
    pub async fn received(&mut self) -> CancelSignal {
        tokio::select! {
            () = arrival(self.interrupt.as_mut()) => CancelSignal::Interrupt,
            () = arrival(self.terminate.as_mut()) => CancelSignal::Terminate,
            () = arrival(self.hangup.as_mut()) => CancelSignal::Hangup,
        }
    }
}

/// Resolves when `handler` sees its signal. A missing handler, or one whose stream
/// ended (tokio ends none while the runtime lives), never resolves.
async fn arrival(handler: Option<&mut Signal>) {
    if let Some(handler) = handler
        && handler.recv().await.is_some()
    {
        return;
    }
    std::future::pending::<()>().await;
}
