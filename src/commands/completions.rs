//! `frontier completions SHELL`: prints a completion script.

use clap::CommandFactory as _;

use crate::cli::Cli;
use crate::error::Result;

pub fn run(shell: clap_complete::Shell) -> Result<i32> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "frontier", &mut out);
    crate::render::write_raw(&String::from_utf8_lossy(&out));
    Ok(0)
}
