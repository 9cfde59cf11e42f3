//! frontier as a Model Context Protocol server (DESIGN.md §4.6, docs/mcp.md): the
//! protocol over stdio (rmcp), the tools' schemas and descriptions, progress from the
//! pipeline's events, cancellation, and the threads the calls run on.
//!
//! Knows nothing about how a tool is carried out: `commands::mcp` implements `Tools`
//! with the same selection, limits, context and plan code as `frontier run`, so a call
//! is checked by the CLI's rules and refused in its words.

pub mod inputs;
pub mod progress;
mod server;
mod tools;

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use rmcp::ServiceExt as _;

pub use progress::Progress;

use crate::error::{Error, Result};

/// Resolves when the client cancels the call (or the server stops): the run's future is
/// then dropped, with every request and agent-CLI child it owns.
pub type Cancelled = Pin<Box<dyn Future<Output = ()> + Send>>;

/// What the tools do. Each method runs on a thread of its own and may block; the two that
/// call models hear the call's progress and cancellation.
pub trait Tools: Send + Sync + 'static {
    fn fuse(&self, input: inputs::Fuse, progress: &Progress, cancelled: Cancelled) -> Result<String>;
    fn ask(&self, input: inputs::Ask, progress: &Progress, cancelled: Cancelled) -> Result<String>;
    fn catalog(&self) -> Result<String>;
    fn runs(&self, input: inputs::Runs) -> Result<String>;
    fn show(&self, input: inputs::Show) -> Result<String>;
}

/// Serves `tools` on stdin/stdout until the client goes (stdin closes) or `stop`
/// resolves (a signal); every call still running is then cancelled, and its thread
/// joined, before this returns.
pub async fn serve<T: Tools>(tools: T, stop: impl Future<Output = ()> + Send + 'static) -> Result<()> {
    let threads = Arc::new(Mutex::new(Vec::new()));
    let server = server::Server::new(tools, Arc::clone(&threads));
    let running = server.serve(rmcp::transport::io::stdio()).await.map_err(|e| {
        Error::usage(
            format!("the MCP client did not initialize the session: {e}"),
            "`frontier mcp` is started by an MCP client (docs/mcp.md), which speaks first on stdin",
        )
    })?;
    let token = running.cancellation_token();
    let stopper = tokio::spawn(async move {
        stop.await;
        token.cancel();
    });
    let quit = running.waiting().await;
    stopper.abort();
    // The serve loop's end cancelled every call; their threads end as soon as their runs
    // are dropped.
    let handles: Vec<_> = threads.lock().map(|mut t| t.drain(..).collect()).unwrap_or_default();
    let joined = tokio::task::spawn_blocking(move || {
        for handle in handles {
            let _ = handle.join();
        }
    });
    let _ = joined.await;
    quit.map(|_| ()).map_err(|e| Error::internal(format!("the MCP server stopped: {e}"), "report this as a bug"))
}
