//! The one error type the commands return, its exit codes, and the one place that
//! renders it (`error: <what>` naming the offending value, then `hint: <what to do>`).
//!
//! Knows nothing about how errors arise and imports nothing from the crate but the list
//! of invisible characters: each layer maps its own failures into these, as plain values. The rendered text may quote
//! servers, answers and names, so whoever prints it strips control sequences first
//! (`render::write_stderr`); [`echo`] cuts a quoted user-supplied value to a length
//! worth reading.

use std::fmt::Write as _;
use std::io;
use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Exit code of a usage error: bad flags, unknown names, malformed configuration.
pub const EXIT_USAGE: i32 = 2;
/// A run cancelled by a signal exits with this plus the signal's number, as a shell
/// reports a process the signal killed: 130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP.
pub const EXIT_SIGNAL_BASE: i32 = 128;

/// The signals that cancel a run: Ctrl-C, and what a host or a closing terminal sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelSignal {
    Interrupt,
    Terminate,
    Hangup,
}

impl CancelSignal {
    /// The signal's number, the same on every Unix frontier runs on.
    pub fn number(self) -> i32 {
        match self {
            CancelSignal::Hangup => 1,
            CancelSignal::Interrupt => 2,
            CancelSignal::Terminate => 15,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            CancelSignal::Interrupt => "SIGINT",
            CancelSignal::Terminate => "SIGTERM",
            CancelSignal::Hangup => "SIGHUP",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A bad argument or combination of arguments.
    #[error("{what}")]
    Usage { what: String, hint: String },

    #[error("unknown model `{}`", echo(name))]
    UnknownModel { name: String, suggestion: Option<String> },

    #[error("unknown preset `{}`", echo(name))]
    UnknownPreset { name: String, suggestion: Option<String> },

    /// A file frontier reads (config.toml, a preset) that does not parse or validate.
    #[error("invalid {what} `{path}`: {message}")]
    InvalidFile { what: &'static str, path: PathBuf, message: String },

    #[error("could not {action} `{path}`: {source}")]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },

    #[error("refusing to write through the symbolic link `{path}`")]
    Symlink { path: PathBuf },

    /// A well-formed request that cannot be carried out (models not ready, name taken...).
    #[error("{what}")]
    Refused { what: String, hint: String },

    /// A failure that is frontier's own, not the request's: a value that would not
    /// encode, a runtime or TLS setup the system would not give.
    #[error("{what}")]
    Internal { what: String, hint: String },

    /// A run that produced no answer: `reason` is the report's `failure_reason` code
    /// and `hint` what to do about it, both as the pipeline words them.
    #[error("run failed ({reason}): {detail}")]
    RunFailed { reason: &'static str, hint: &'static str, detail: String },

    #[error("cancelled by {}", signal.name())]
    Cancelled { signal: CancelSignal },

    /// Cancelled by a signal, with what was kept and how to go on (an eval keeps every
    /// result that finished).
    #[error("cancelled by {}", signal.name())]
    Interrupted { signal: CancelSignal, hint: String },
}

impl Error {
    pub fn usage(what: impl Into<String>, hint: impl Into<String>) -> Self {
        Error::Usage { what: what.into(), hint: hint.into() }
    }

    pub fn refused(what: impl Into<String>, hint: impl Into<String>) -> Self {
        Error::Refused { what: what.into(), hint: hint.into() }
    }

    pub fn internal(what: impl Into<String>, hint: impl Into<String>) -> Self {
        Error::Internal { what: what.into(), hint: hint.into() }
    }

    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        Error::Io { action, path: path.into(), source }
    }

    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Usage { .. }
            | Error::UnknownModel { .. }
            | Error::UnknownPreset { .. }
            | Error::InvalidFile { .. } => EXIT_USAGE,
            Error::Cancelled { signal } | Error::Interrupted { signal, .. } => EXIT_SIGNAL_BASE + signal.number(),
            Error::Io { .. }
            | Error::Symlink { .. }
            | Error::Refused { .. }
            | Error::Internal { .. }
            | Error::RunFailed { .. } => 1,
        }
    }

    /// What the user can do about it.
    pub fn hint(&self) -> String {
        match self {
            Error::Usage { hint, .. } | Error::Refused { hint, .. } | Error::Internal { hint, .. } => hint.clone(),
            Error::UnknownModel { suggestion, .. } => match suggestion {
                Some(s) => format!("did you mean `{s}`? `frontier catalog` lists every model id and alias"),
                None => {
                    "`frontier catalog` lists every model id and alias; `provider:model` addresses a model directly"
                        .into()
                }
            },
            Error::UnknownPreset { suggestion, .. } => match suggestion {
                Some(s) => format!("did you mean `{s}`? `frontier preset list` lists the presets"),
                None => "`frontier preset list` lists the presets; `--models a,b` runs a custom panel".into(),
            },
            Error::InvalidFile { .. } => "fix the file, or move it aside to fall back to the defaults".into(),
            Error::Io { .. } => "check that the path exists and that you may read and write it".into(),
            Error::Symlink { .. } => "replace the link with a regular file, or point FRONTIER_HOME elsewhere".into(),
            Error::RunFailed { hint, .. } => (*hint).into(),
            Error::Cancelled { .. } => "the run was interrupted; nothing was kept".into(),
            Error::Interrupted { hint, .. } => hint.clone(),
        }
    }
}

/// The text printed on stderr for `err`. It may quote a server's body, a model's text or
/// a name from a file, control sequences and all: print it through a sanitiser.
pub fn render(err: &Error) -> String {
    let mut out = format!("error: {err}\n");
    let hint = err.hint();
    if !hint.is_empty() {
        let _ = writeln!(out, "hint: {hint}");
    }
    out
}

/// The most characters of a user-supplied value an error quotes.
pub const ECHO_CHARS: usize = 64;

/// `value` as an error quotes it: whole when short, else its first [`ECHO_CHARS`]
/// characters and `…` (a 100,000-character run id helps no one on the terminal), with
/// each invisible character written as its escape (`\u{200b}`): an unknown `gpt5` with a
/// zero-width space in it would otherwise read as the `gpt5` it is not.
pub fn echo(value: &str) -> String {
    crate::text::cut_showing(value, ECHO_CHARS, |kept| crate::invisible::escape(kept).into_owned())
}

/// The closest of `candidates` to `name`, when it is close enough to be a likely typo.
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(name, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_what_then_hint() {
        let err = Error::UnknownModel { name: "gpt-55".into(), suggestion: Some("gpt-5.5".into()) };
        assert_eq!(
            render(&err),
            "error: unknown model `gpt-55`\nhint: did you mean `gpt-5.5`? `frontier catalog` lists every model id and alias\n"
        );
        assert_eq!(err.exit_code(), EXIT_USAGE);
    }

    #[test]
    fn echo_cuts_long_values_at_a_character_boundary() {
        assert_eq!(echo("short"), "short");
        assert_eq!(echo(&"x".repeat(ECHO_CHARS)), "x".repeat(ECHO_CHARS));
        assert_eq!(echo(&"é".repeat(100_000)), format!("{}…", "é".repeat(ECHO_CHARS)));
        assert_eq!(echo("gpt\u{200b}5"), "gpt\\u{200b}5", "an invisible character is shown");
        let err = Error::UnknownPreset { name: "p".repeat(1000), suggestion: None };
        assert!(render(&err).starts_with(&format!("error: unknown preset `{}…`\n", "p".repeat(ECHO_CHARS))));
    }

    #[test]
    fn a_cancelled_run_exits_128_plus_the_signal() {
        let codes = [CancelSignal::Interrupt, CancelSignal::Terminate, CancelSignal::Hangup]
            .map(|signal| Error::Cancelled { signal }.exit_code());
        assert_eq!(codes, [130, 143, 129]);
        assert_eq!(
            render(&Error::Cancelled { signal: CancelSignal::Terminate }),
            "error: cancelled by SIGTERM\nhint: the run was interrupted; nothing was kept\n"
        );
    }

    #[test]
    fn suggests_only_close_names() {
        assert_eq!(suggest("opuss", ["opus", "gemini"]), Some("opus".into()));
        assert_eq!(suggest("zzz", ["opus", "gemini"]), None);
    }
}
