//! The MCP server: answers `initialize`, `tools/list` and `tools/call` over rmcp, runs
//! each call on its own thread (a fusion owns a runtime of its own, as `frontier run`'s
//! does, so eight of them never wait on each other or on the protocol), forwards the
//! call's progress, and drops the call's run when the client cancels it.
//!
//! A call's failure, whatever it is, becomes a tool result with `isError` and the error
//! as the one renderer words it; only an unknown tool name is a protocol error, as the
//! MCP specification asks.

use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation, InitializeResult,
    JsonObject, ListToolsResult, PaginatedRequestParams, ProgressNotificationParam, ServerCapabilities,
};
use rmcp::service::{RequestContext, RoleServer};
use rmcp::{ErrorData, ServerHandler};
use serde::de::DeserializeOwned;
use tokio::sync::{mpsc, oneshot};

use super::progress::Progress;
use super::{Cancellation, Tools, inputs};
use crate::error::{self, Error};

/// What the server tells a client about itself when it connects.
const INSTRUCTIONS: &str = "frontier consults a panel of models and fuses their answers. Call \
`fuse` when a second, third and fourth opinion is worth a minute and a few cents; `ask` for one \
other model; `catalog` to see which models and presets are ready; `runs` and `show` for past \
runs.";

/// The most calls that run at once: each holds a thread and a run's memory, and a
/// client asking for more gets an error result to retry, not an unbounded server.
const MAX_CALLS_IN_FLIGHT: usize = 16;

/// The handler rmcp serves: the tools, and the threads their calls run on (joined when
/// the server stops, so no run outlives it).
pub struct Server<T> {
    tools: Arc<T>,
    threads: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl<T: Tools> Server<T> {
    pub fn new(tools: T, threads: Arc<Mutex<Vec<JoinHandle<()>>>>) -> Self {
        Server { tools: Arc::new(tools), threads }
    }

    /// Runs `work` on a thread of its own with the call's progress and cancellation,
    /// forwarding progress to the client as it comes; the call's outcome as a tool result.
    /// A cancelled call returns at once, whatever its thread is doing: the thread ends
    /// when its work hears the cancellation, and stays counted among the calls running
    /// until then.
    async fn off_thread<F>(&self, context: &RequestContext<RoleServer>, work: F) -> CallToolResult
    where
        F: FnOnce(&T, &Progress, Cancellation) -> error::Result<String> + Send + 'static,
    {
        let token = context.meta.get_progress_token();
        let (queue, mut steps) = mpsc::unbounded_channel();
        let progress = Progress::new(token.is_some().then_some(queue));
        let cancel = Cancellation::of(context.ct.clone());
        let busy = self.threads.lock().map(|mut threads| {
            threads.retain(|t| !t.is_finished());
            threads.len() >= MAX_CALLS_IN_FLIGHT
        });
        if busy.unwrap_or(false) {
            return failure(&Error::usage(
                format!("{MAX_CALLS_IN_FLIGHT} calls are already running on this server"),
                "wait for one of them to finish, then call again",
            ));
        }
        let tools = Arc::clone(&self.tools);
        let (done, outcome) = oneshot::channel();
        let theirs = cancel.clone();
        let spawned = std::thread::Builder::new().name("frontier-mcp-call".into()).spawn(move || {
            let result = work(&tools, &progress, theirs);
            // The progress queue closes before the result is handed back, so every step
            // is sent before the result is.
            drop(progress);
            let _ = done.send(result);
        });
        match spawned {
            Ok(handle) => {
                if let Ok(mut threads) = self.threads.lock() {
                    threads.retain(|t| !t.is_finished());
                    threads.push(handle);
                }
            }
            Err(e) => {
                return failure(&Error::internal(format!("could not start a thread: {e}"), "check system limits"));
            }
        }
        let finished = async {
            if let Some(token) = token {
                while let Some(step) = steps.recv().await {
                    let note = ProgressNotificationParam::new(token.clone(), f64::from(step.progress))
                        .with_total(f64::from(step.total))
                        .with_message(step.message);
                    // A client that can't take a notification still gets its result.
                    let _ = context.peer.notify_progress(note).await;
                }
            }
            outcome.await
        };
        // A notification waits for a client that reads; a cancel doesn't.
        let outcome = tokio::select! {
            biased;
            () = cancel.cancelled() => {
                return failure(&Error::refused("the call was cancelled", "nothing was kept; call the tool again to run it"));
            }
            outcome = finished => outcome,
        };
        match outcome {
            Ok(Ok(text)) => CallToolResult::success(vec![ContentBlock::text(text)]),
            Ok(Err(e)) => failure(&e),
            Err(_) => failure(&Error::internal("the call's thread ended without an answer", "report this as a bug")),
        }
    }
}

/// `e` as a tool result with `isError`, in the one renderer's words.
fn failure(e: &Error) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(error::render(e).trim_end().to_string())])
}

/// The call's arguments as `I`, or the error that says what is wrong with them.
fn parse<I: DeserializeOwned>(tool: &str, arguments: Option<JsonObject>) -> error::Result<I> {
    serde_json::from_value(serde_json::Value::Object(arguments.unwrap_or_default())).map_err(|e| {
        Error::usage(
            format!("the arguments of `{tool}` don't fit its schema: {}", super::parser_message(&e)),
            "`tools/list` shows each tool's input schema",
        )
    })
}

impl<T: Tools> ServerHandler for Server<T> {
    fn get_info(&self) -> InitializeResult {
        InitializeResult::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("frontier", env!("CARGO_PKG_VERSION")))
            .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        Ok(ListToolsResult::with_all_items(super::tools::all()))
    }

    async fn call_tool(
        &self,
        mut request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        // Taken, not copied: they may be megabytes.
        let arguments = request.arguments.take();
        let result = match &*request.name {
            "fuse" => match parse::<inputs::Fuse>("fuse", arguments) {
                Ok(input) => self.off_thread(&context, move |t, p, c| t.fuse(input, p, c)).await,
                Err(e) => failure(&e),
            },
            "ask" => match parse::<inputs::Ask>("ask", arguments) {
                Ok(input) => self.off_thread(&context, move |t, p, c| t.ask(input, p, c)).await,
                Err(e) => failure(&e),
            },
            "catalog" => match parse::<inputs::Catalog>("catalog", arguments) {
                Ok(_) => self.off_thread(&context, |t, _, _| t.catalog()).await,
                Err(e) => failure(&e),
            },
            "runs" => match parse::<inputs::Runs>("runs", arguments) {
                Ok(input) => self.off_thread(&context, move |t, _, _| t.runs(input)).await,
                Err(e) => failure(&e),
            },
            "show" => match parse::<inputs::Show>("show", arguments) {
                Ok(input) => self.off_thread(&context, move |t, _, _| t.show(input)).await,
                Err(e) => failure(&e),
            },
            other => {
                return Err(ErrorData::invalid_params(
                    format!("unknown tool `{}`; the tools are fuse, ask, catalog, runs and show", error::echo(other)),
                    None,
                ));
            }
        };
        Ok(result.into())
    }
}
