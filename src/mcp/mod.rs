//! frontier as a Model Context Protocol server (docs/mcp.md): the protocol over stdio
//! (rmcp, on a transport of our own with backpressure), the tools' schemas and
//! descriptions, progress from the pipeline's events, cancellation, and the threads the
//! calls run on.
//!
//! Knows nothing about how a tool is carried out: `commands::mcp` implements `Tools`
//! with the same selection, limits, context and plan code as `frontier run`, so a call
//! is checked by the CLI's rules and refused in its words.

mod cancel;
pub mod inputs;
pub mod progress;
mod server;
mod tools;
mod transport;

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rmcp::ServiceExt as _;
use tokio_util::sync::CancellationToken;

pub use cancel::Cancellation;
pub use progress::Progress;

use crate::error::{Error, Result};

/// How long the server waits, once the session is over, for its calls' threads to end
/// and its last lines to be written. A cancelled run ends in well under this; a thread
/// still busy after it (synchronous work that does not check its cancellation) is left
/// behind, and ends with the process.
const EXIT_GRACE: Duration = Duration::from_secs(1);

/// The most characters of a JSON parser's message an answer quotes.
const PARSER_MESSAGE_CHARS: usize = 300;

/// What serde_json says is wrong with a client's JSON, cut short: it quotes strings
/// from the input (an unknown field's name, a value of the wrong type), which may be
/// megabytes long, and an answer waiting for a client that doesn't read must stay small.
fn parser_message(e: &serde_json::Error) -> String {
    crate::text::cut(&e.to_string(), PARSER_MESSAGE_CHARS)
}

/// What the tools do. Each method runs on a thread of its own and may block; the two that
/// call models hear the call's progress and cancellation.
pub trait Tools: Send + Sync + 'static {
    fn fuse(&self, input: inputs::Fuse, progress: &Progress, cancel: Cancellation) -> Result<String>;
    fn ask(&self, input: inputs::Ask, progress: &Progress, cancel: Cancellation) -> Result<String>;
    fn catalog(&self) -> Result<String>;
    fn runs(&self, input: inputs::Runs) -> Result<String>;
    fn show(&self, input: inputs::Show) -> Result<String>;
}

/// Serves `tools` on stdin/stdout until the client goes (stdin or stdout closes) or
/// `signal` resolves; every call still running is then cancelled at once, and the
/// server returns within [`EXIT_GRACE`].
pub async fn serve<T: Tools>(tools: T, signal: impl Future<Output = ()> + Send + 'static) -> Result<()> {
    let threads = Arc::new(Mutex::new(Vec::new()));
    let server = server::Server::new(tools, Arc::clone(&threads));
    // Every call's cancellation descends from `stop`: a signal, stdin closing or a write
    // failing cancels it, and with it every call.
    let signalled = CancellationToken::new();
    let stop = signalled.child_token();
    let stopper = tokio::spawn({
        let signalled = signalled.clone();
        async move {
            signal.await;
            signalled.cancel();
        }
    });
    let (read, write) = rmcp::transport::io::stdio_pipes();
    let (transport, writer) = transport::Stdio::new(read, write, stop.clone());
    let quit = match server.serve_with_ct(transport, stop.clone()).await {
        Ok(running) => running.waiting().await.map(|_| ()),
        Err(_) if signalled.is_cancelled() => Ok(()),
        Err(e) => {
            stopper.abort();
            return Err(Error::usage(
                format!("the MCP client did not initialize the session: {e}"),
                "`frontier mcp` is started by an MCP client (docs/mcp.md), which speaks first on stdin",
            ));
        }
    };
    stop.cancel();
    stopper.abort();
    // The calls were cancelled; their threads end as soon as their runs are dropped.
    let deadline = tokio::time::Instant::now() + EXIT_GRACE;
    let handles: Vec<_> = threads.lock().map(|mut t| t.drain(..).collect()).unwrap_or_default();
    let joined = tokio::task::spawn_blocking(move || {
        for handle in handles {
            let _ = handle.join();
        }
    });
    let _ = tokio::time::timeout_at(deadline, joined).await;
    let _ = tokio::time::timeout_at(deadline, writer).await;
    quit.map_err(|e| Error::internal(format!("the MCP server stopped: {e}"), "report this as a bug"))
}
