//! `frontier chat`'s prompt: rustyline reads each line (editing, the arrow keys' history,
//! Ctrl-C and Ctrl-D as keys) on a thread of its own, while this thread waits for the line
//! or for SIGTERM or SIGHUP, whichever comes first. A signal that ends the session at the
//! prompt leaves the terminal as it was found: its modes put back, bracketed paste off.
//!
//! The lines typed are kept in a history file in the state dir (0600 in a 0700
//! directory, the newest [`MAX_LINES`]), unless history is off in config.toml.
//!
//! Knows nothing about what a line means (`line`) or what a turn does (`turn`).

use std::path::PathBuf;
use std::sync::mpsc;

use rustyline::error::ReadlineError;
use rustyline::{Cmd, ConditionalEventHandler, Event, EventContext, EventHandler, KeyEvent, Movement, RepeatCount};

use super::super::cancel::Cancel;
use super::super::execute;
use crate::error::{Error, Result};

/// The most lines the history file keeps.
pub const MAX_LINES: usize = 1000;

/// What the person at the prompt did.
#[derive(Debug, Clone, PartialEq)]
pub enum Read {
    /// Entered a line.
    Line(String),
    /// Pressed Ctrl-C on an empty line (on a line with text, Ctrl-C clears it).
    Interrupted,
    /// Pressed Ctrl-D on an empty line, or the terminal is gone.
    Eof,
}

/// A line read, and what went wrong keeping the history (a warning for the user).
type Answer = (std::result::Result<Read, String>, Option<String>);

/// The prompt: the editor's thread, and the terminal's modes as the session found them.
pub struct Reader {
    asks: Option<mpsc::Sender<(String, tokio::sync::oneshot::Sender<Answer>)>>,
    editor: Option<std::thread::JoinHandle<()>>,
    found: Option<rustix::termios::Termios>,
}

impl Reader {
    /// Starts the editor; `history`: the file that keeps the lines typed, if any.
    pub fn start(history: Option<PathBuf>) -> Result<Reader> {
        let found = rustix::termios::tcgetattr(std::io::stdin()).ok();
        let config = rustyline::Config::builder()
            .max_history_size(MAX_LINES)
            .and_then(|c| c.history_ignore_dups(true))
            .map_err(|e| Error::internal(format!("could not set up the line editor: {e}"), ""))?
            .history_ignore_space(true)
            .auto_add_history(false)
            .build();
        let mut editor = rustyline::DefaultEditor::with_config(config)
            .map_err(|e| Error::internal(format!("could not start the line editor: {e}"), "check the terminal"))?;
        editor.bind_sequence(KeyEvent::ctrl('C'), EventHandler::Conditional(Box::new(CtrlC)));
        let mut warning = None;
        if let Some(path) = &history {
            match editor.load_history(path) {
                Err(ReadlineError::Io(e)) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => warning = Some(format!("chat: the line history {} was not read: {e}", path.display())),
                Ok(()) => {}
            }
        }
        let (asks, asked) = mpsc::channel::<(String, tokio::sync::oneshot::Sender<Answer>)>();
        let editor = std::thread::Builder::new()
            .name("chat-editor".into())
            .spawn(move || {
                while let Ok((prompt, reply)) = asked.recv() {
                    let read = read_line(&mut editor, &prompt);
                    let kept = match (&read, &history) {
                        (Ok(Read::Line(line)), Some(path)) => keep(&mut editor, line, path),
                        _ => None,
                    };
                    let _ = reply.send((read, warning.take().or(kept)));
                }
            })
            .map_err(|e| Error::internal(format!("could not start the line editor: {e}"), "check system limits"))?;
        Ok(Reader { asks: Some(asks), editor: Some(editor), found })
    }

    /// Shows `prompt` and waits for what the person does; a warning about the history
    /// file is handed to `warn`. SIGTERM or SIGHUP end the wait as `Error::Cancelled`,
    /// the terminal put back as it was found.
    pub fn read(&mut self, prompt: &str, warn: &dyn Fn(&str)) -> Result<Read> {
        let stopped = || Error::internal("the line editor stopped", "start `frontier chat` again");
        let (reply, answer) = tokio::sync::oneshot::channel();
        let asks = self.asks.as_ref().ok_or_else(stopped)?;
        let runtime = execute::runtime()?;
        let waited = runtime.block_on(async {
            // SIGINT is the editor's while it reads (`Cancel::install_ending`). SIGTERM and
            // SIGHUP are listened for before the prompt is asked for: one that comes the
            // moment the prompt shows must end the session, not find no listener.
            let mut cancel = Cancel::install_ending();
            if asks.send((prompt.to_string(), reply)).is_err() {
                return Ok(None);
            }
            tokio::select! {
                signal = cancel.received() => Err(signal),
                answer = answer => Ok(answer.ok()),
            }
        });
        match waited {
            Ok(Some((read, warning))) => {
                if let Some(warning) = warning {
                    warn(&warning);
                }
                read.map_err(|e| Error::internal(format!("could not read the line: {e}"), "check the terminal"))
            }
            Ok(None) => Err(stopped()),
            Err(signal) => {
                // The editor is still reading: its thread is left to end with the process.
                self.editor.take();
                self.put_back();
                Err(Error::Cancelled { signal })
            }
        }
    }

    /// The terminal as the session found it: the editor's raw mode and bracketed paste
    /// undone, when a signal ends the session while the editor is reading.
    fn put_back(&self) {
        if let Some(found) = &self.found {
            let _ = rustix::termios::tcsetattr(std::io::stdin(), rustix::termios::OptionalActions::Now, found);
        }
        crate::render::write_raw("\x1b[?2004l\n");
    }
}

impl Drop for Reader {
    /// Ends the editor's thread, which is waiting for the next prompt (the session waits
    /// for every line it asks for, unless a signal ended the wait: then it is not joined).
    fn drop(&mut self) {
        self.asks.take();
        if let Some(editor) = self.editor.take() {
            let _ = editor.join();
        }
    }
}

/// Ctrl-C on a line with text clears it, and the read goes on; on an empty line it ends
/// the read (`Read::Interrupted`), so a person leaves by pressing it twice, not by
/// clearing two lines in a row.
struct CtrlC;

impl ConditionalEventHandler for CtrlC {
    fn handle(&self, _: &Event, _: RepeatCount, _: bool, context: &EventContext<'_>) -> Option<Cmd> {
        (!context.line().is_empty()).then_some(Cmd::Kill(Movement::WholeLine))
    }
}

/// One line from the editor. A window resize while it reads is not an answer.
fn read_line(editor: &mut rustyline::DefaultEditor, prompt: &str) -> std::result::Result<Read, String> {
    loop {
        match editor.readline(prompt) {
            Ok(line) => return Ok(Read::Line(line)),
            Err(ReadlineError::Interrupted) => return Ok(Read::Interrupted),
            Err(ReadlineError::Eof) => return Ok(Read::Eof),
            Err(ReadlineError::Signal(_)) => {}
            Err(e) => return Err(e.to_string()),
        }
    }
}

/// Adds `line` to the history and appends it to the file (rustyline makes it 0600, locks
/// it against another chat, and keeps it to the newest `MAX_LINES`); a warning when it
/// could not be written.
fn keep(editor: &mut rustyline::DefaultEditor, line: &str, path: &std::path::Path) -> Option<String> {
    if line.trim().is_empty() {
        return None;
    }
    let _ = editor.add_history_entry(line);
    editor.append_history(path).err().map(|e| format!("chat: the line history {} was not written: {e}", path.display()))
}
