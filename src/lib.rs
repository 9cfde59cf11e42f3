//! frontier sends one prompt to a panel of models, has a judge score and compare the
//! answers, and has a synth write one grounded answer from them.
//!
//! `run` is the whole program as a function: it parses arguments, dispatches to a
//! command, renders any error in one place and returns the exit code. Every layer below
//! it receives its inputs (including the environment, as an [`Env`] snapshot) as values,
//! so tests can drive it without touching the test process's own environment.

pub mod cli;
pub mod commands;
pub mod config;
pub mod context;
mod deadline_read;
pub mod env;
pub mod error;
pub mod eval;
pub mod frame;
#[cfg(any(test, fuzzing))]
#[doc(hidden)]
pub mod fuzzing;
pub mod history;
pub mod hook;
pub mod install;
pub mod invisible;
pub mod mcp;
pub mod pipeline;
mod private_dir;
pub mod provider;
mod random;
pub mod render;
pub mod request;
pub mod scope;
#[cfg(test)]
mod testing;
mod text;

use std::ffi::OsString;

pub use env::Env;
pub use error::Error;

/// Runs frontier with `args` (program name first) in `env`; returns the exit code.
pub fn run(args: impl IntoIterator<Item = OsString>, env: Env) -> i32 {
    let args: Vec<OsString> = args.into_iter().collect();
    if let Some(code) = commands::serve_completion(&args, &env) {
        return code;
    }
    let cli = match cli::parse(args) {
        Ok(cli::Parsed::Command(cli)) => cli,
        Ok(cli::Parsed::Printed) => return 0,
        Err(err) => return report(&err),
    };
    match commands::dispatch(*cli, &env) {
        Ok(code) => code,
        Err(err) => report(&err),
    }
}

/// Prints `err` on stderr as the one renderer words it, through the sanitiser: an error
/// may quote a server's body, a model's text or a name from a file.
fn report(err: &Error) -> i32 {
    render::write_stderr(&error::render(err));
    err.exit_code()
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn a_reported_error_reaches_stderr_without_control_sequences() {
        let err = Error::refused("server said \x1b]52;c;cGF5bG9hZA==\x07hi\x1b[2J\u{9b}0m", "retry\x07 later");
        // The renderer keeps what the error quotes; `report` prints it through
        // `render::write_stderr`, which strips every control sequence whole.
        assert_eq!(
            error::render(&err),
            "error: server said \x1b]52;c;cGF5bG9hZA==\x07hi\x1b[2J\u{9b}0m\nhint: retry\x07 later\n"
        );
        assert_eq!(render::sanitize::clean(&error::render(&err)), "error: server said hi\nhint: retry later\n");
    }
}
