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
pub mod env;
pub mod error;
#[doc(hidden)]
pub mod fuzzing;
pub mod history;
pub mod hook;
pub mod install;
pub mod pipeline;
pub mod provider;
mod random;
pub mod render;
pub mod scope;

use std::ffi::OsString;

pub use env::Env;
pub use error::Error;

/// Runs frontier with `args` (program name first) in `env`; returns the exit code.
pub fn run(args: impl IntoIterator<Item = OsString>, env: Env) -> i32 {
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

fn report(err: &Error) -> i32 {
    eprint!("{}", error::render(err));
    err.exit_code()
}
