//! Carrying out a resolved plan, for `run`, the hook and the MCP server alike: on the
//! one kind of runtime frontier builds (`runtime`), next to the handlers of the signals
//! that cancel it (`carry_out`, with `cancel`) or until an MCP call is cancelled
//! (`carry_out_until`), and turning a run that produced no answer into the error it
//! exits with (`failed`).
//!
//! Knows nothing about where the plan came from (`request`) or how the report is shown.

use std::time::Duration;

use super::cancel::Cancel;
use crate::error::{Error, Result};
use crate::pipeline::{self, FailureReason, Observer, RunPlan, RunReport};

/// Carries out the plan. A cancelling signal (SIGINT, SIGTERM, SIGHUP) ends it with
/// `Error::Cancelled`, and only once everything the run started is gone: the pipeline's
/// future, which owns every request, every agent-CLI process group and every scratch
/// directory, is dropped here, before the caller returns towards `process::exit` (which
/// would skip those destructors).
///
/// One thread runs it all (`runtime`). Nothing on the pipeline blocks its thread for
/// long (file writes of a few bytes, a progress line); DNS lookups and `tokio::fs` go to
/// the blocking pool.
pub fn carry_out(plan: RunPlan, observer: &dyn Observer) -> Result<RunReport> {
    // Installed before the pipeline is first polled, so no child is started unguarded.
    on_runtime(plan, observer, || {
        let mut cancel = Cancel::install();
        async move { Error::Cancelled { signal: cancel.received().await } }
    })
}

/// Carries out the plan until `cancelled` resolves (the MCP client cancelled the call,
/// or the server is stopping): the run is then dropped as `carry_out` drops it on a
/// signal, and this returns a refusal saying so.
pub fn carry_out_until(
    plan: RunPlan,
    observer: &dyn Observer,
    cancelled: impl std::future::Future<Output = ()>,
) -> Result<RunReport> {
    on_runtime(plan, observer, || async {
        cancelled.await;
        Error::refused("the call was cancelled", "nothing was kept; call the tool again to run it")
    })
}

/// Runs the pipeline on a runtime of its own until it ends or the future `stop` makes
/// (on that runtime) resolves first with the error to return.
fn on_runtime<S, F>(plan: RunPlan, observer: &dyn Observer, stop: S) -> Result<RunReport>
where
    S: FnOnce() -> F,
    F: std::future::Future<Output = Error>,
{
    let mut plan = plan;
    // Every frame of the run uses the context's nonce: the session's own, unless the
    // context held it (`context::assemble` drew another then).
    plan.adopt_context_nonce();
    let runtime = runtime()?;
    let stop = {
        let _entered = runtime.enter();
        stop()
    };
    let outcome = runtime.block_on(async {
        tokio::select! {
            biased;
            error = stop => Err(error),
            report = pipeline::execute(plan, observer) => Ok(report),
        }
    });
    // The pipeline runs on this thread's future, never as a spawned task, so by now it
    // has been dropped (and `stop` with it, the signal handlers included); shutting down
    // also ends the blocking pool's threads and reapers.
    runtime.shutdown_timeout(Duration::from_millis(100));
    outcome
}

/// The runtime every command that runs something builds: one thread, timers and I/O. A
/// run waits on the network and on child processes, and what CPU it spends (decoding
/// streams, parsing the verdict) is small next to a model's latency, so worker threads
/// would only add their start and their join to every run.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::internal(format!("could not start the async runtime: {e}"), "check system limits"))
}

/// The error of a run that produced no answer, for `reason`: its code and hint as the
/// pipeline words them, and `detail`.
pub fn failed(reason: FailureReason, detail: String) -> Error {
    Error::RunFailed { reason: reason.as_str(), hint: reason.hint(), detail }
}
