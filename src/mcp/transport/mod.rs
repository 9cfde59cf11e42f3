//! The server's stdio transport for rmcp, with backpressure (docs/design-notes.md): at
//! most [`MAX_UNANSWERED`] requests are between being read and having their answer
//! written to stdout. Each request read takes a slot; the slot travels with its answer
//! and is given back only once the answer is in the pipe (or the client cancels the
//! request first, when rmcp drops its answer). With every slot taken, `receive` stops
//! reading: a client that doesn't read stalls the server, not its memory.
//!
//! One writer task owns stdout, fed by a short bounded queue, so lines never interleave.
//! Lines too long, not JSON or not a message are answered here (`refusal`). Stdin
//! closing, reading or writing failing, all cancel `stop`, the token every call's
//! cancellation descends from.
//!
//! Knows nothing about the tools.

mod lines;
mod refusal;

use std::collections::HashMap;
use std::sync::Arc;

use rmcp::model::{ClientJsonRpcMessage, ClientNotification, JsonRpcMessage, RequestId, ServerJsonRpcMessage};
use rmcp::service::RoleServer;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt as _};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use lines::{Lines, Read};
use refusal::Parsed;

/// The most requests read whose answers are not yet written. Above the 16 calls that
/// may run at once, so that a client with 16 long calls running still has room for
/// `ping`, `tools/list` and short calls, as long as it reads their answers.
pub const MAX_UNANSWERED: usize = 64;
/// The most lines queued for the writer; the rest wait in their senders, which hold
/// slots (answers) or belong to a running call (one progress notification each).
const WRITE_QUEUE: usize = 8;

/// One line for stdout, and the slot of the request it answers.
struct Outgoing {
    line: Vec<u8>,
    _slot: Option<OwnedSemaphorePermit>,
}

/// rmcp's `Transport` over a reader and a writer (stdin and stdout).
pub struct Stdio<R> {
    lines: Lines<R>,
    out: mpsc::Sender<Outgoing>,
    slots: Arc<Semaphore>,
    /// Each request handed to rmcp whose answer has not come back through `send`.
    unanswered: HashMap<RequestId, OwnedSemaphorePermit>,
    /// A request read while every slot was taken: handed on once one is free.
    waiting: Option<(RequestId, ClientJsonRpcMessage)>,
    /// An answer of the transport's own, to be queued before anything else is read.
    own_answer: Option<Vec<u8>>,
    stop: CancellationToken,
}

impl<R: AsyncRead + Unpin + Send> Stdio<R> {
    /// The transport over `read` and `write`, and the writer task, which ends once the
    /// transport and every line it queued are gone (or writing fails).
    pub fn new<W>(read: R, write: W, stop: CancellationToken) -> (Self, JoinHandle<()>)
    where
        W: AsyncWrite + Unpin + Send + 'static,
    {
        let (out, queue) = mpsc::channel(WRITE_QUEUE);
        let writer = tokio::spawn(write_lines(write, queue, stop.clone()));
        let transport = Stdio {
            lines: Lines::new(read),
            out,
            slots: Arc::new(Semaphore::new(MAX_UNANSWERED)),
            unanswered: HashMap::new(),
            waiting: None,
            own_answer: None,
            stop,
        };
        (transport, writer)
    }

    /// The next message for rmcp; `None` once the session is over. Cancel-safe: what a
    /// dropped call had read is kept in `self` for the next one.
    async fn next_message(&mut self) -> Option<ClientJsonRpcMessage> {
        loop {
            if self.own_answer.is_some() {
                let room = tokio::select! {
                    room = self.out.reserve() => room.ok()?,
                    () = self.stop.cancelled() => return None,
                };
                if let Some(line) = self.own_answer.take() {
                    room.send(Outgoing { line, _slot: None });
                }
            }
            if self.waiting.is_some() {
                let slot = tokio::select! {
                    slot = Arc::clone(&self.slots).acquire_owned() => slot.ok()?,
                    () = self.stop.cancelled() => return None,
                };
                let (id, request) = self.waiting.take()?;
                self.unanswered.insert(id, slot);
                return Some(request);
            }
            let parsed = match self.lines.next().await {
                Read::Line(line) => refusal::parse(line),
                Read::Oversized(line) => Parsed::Answer(refusal::too_long(&line)),
                Read::Closed | Read::Failed(_) => {
                    // The client is gone: every call still running is cancelled now,
                    // not once rmcp has drained their answers.
                    self.stop.cancel();
                    return None;
                }
            };
            let message = match parsed {
                Parsed::Nothing => continue,
                Parsed::Answer(line) => {
                    self.own_answer = Some(line);
                    continue;
                }
                Parsed::Message(message) => *message,
            };
            match message {
                JsonRpcMessage::Request(request) => {
                    if self.unanswered.contains_key(&request.id) {
                        self.own_answer = Some(refusal::id_in_use(&request.id));
                    } else {
                        self.waiting = Some((request.id.clone(), JsonRpcMessage::Request(request)));
                    }
                }
                message => {
                    if let JsonRpcMessage::Notification(note) = &message
                        && let ClientNotification::CancelledNotification(cancelled) = &note.notification
                        && let Some(id) = &cancelled.params.request_id
                    {
                        // rmcp drops the answer of a request cancelled before its answer
                        // reached `send`, so its slot is free now.
                        self.unanswered.remove(id);
                    }
                    return Some(message);
                }
            }
        }
    }
}

impl<R: AsyncRead + Unpin + Send> rmcp::transport::Transport<RoleServer> for Stdio<R> {
    type Error = std::io::Error;

    fn send(&mut self, item: ServerJsonRpcMessage) -> impl Future<Output = Result<(), Self::Error>> + Send + 'static {
        let id = match &item {
            JsonRpcMessage::Response(response) => Some(&response.id),
            JsonRpcMessage::Error(error) => error.id.as_ref(),
            JsonRpcMessage::Request(_) | JsonRpcMessage::Notification(_) => None,
        };
        let slot = id.and_then(|id| self.unanswered.remove(id));
        let line = serde_json::to_vec(&item).map(|mut line| {
            line.push(b'\n');
            Outgoing { line, _slot: slot }
        });
        let out = self.out.clone();
        let stop = self.stop.clone();
        async move {
            let outgoing = line.map_err(std::io::Error::other)?;
            if stop.is_cancelled() {
                // Shutting down: what fits in the queue is still written, nothing waits.
                return out.try_send(outgoing).map_err(|_| closed());
            }
            tokio::select! {
                sent = out.send(outgoing) => sent.map_err(|_| closed()),
                () = stop.cancelled() => Err(closed()),
            }
        }
    }

    fn receive(&mut self) -> impl Future<Output = Option<ClientJsonRpcMessage>> + Send {
        self.next_message()
    }

    async fn close(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }
}

fn closed() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the MCP session is over")
}

/// Writes each queued line whole, flushing when the queue is empty; a line's slot is
/// freed once it is written. A failed write ends the session.
async fn write_lines<W: AsyncWrite + Unpin>(
    mut write: W,
    mut queue: mpsc::Receiver<Outgoing>,
    stop: CancellationToken,
) {
    while let Some(outgoing) = queue.recv().await {
        let written = write.write_all(&outgoing.line).await;
        drop(outgoing);
        let flushed = match written {
            Ok(()) if queue.is_empty() => write.flush().await,
            other => other,
        };
        if flushed.is_err() {
            stop.cancel();
            return;
        }
    }
    let _ = write.flush().await;
}

#[cfg(test)]
mod tests;
