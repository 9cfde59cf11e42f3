//! The command line as clap types: raw arguments only. `commands` turns them into
//! resolved configuration. Clap's own errors are mapped into `Error::Usage` so that
//! every error is rendered the same way.
//!
//! This file holds the command tree (`Cli`, `Command`) and the help footer; each group
//! of subcommands' arguments is a file of its own (`run`: the run, its panel, shape and
//! limits; `chat`; `eval`; `scope`: mode, compose, status, tune; `preset`; `history`: runs, show;
//! `host`: hook, statusline, install), the numeric flags' parsers are `values`, and
//! `parse` turns an argument list into a `Cli` or a usage error. Every type is
//! re-exported here, so the rest of the crate names them `crate::cli::X`.
//!
//! Knows nothing about what the arguments mean: ranges, defaults and precedence are the
//! commands'.

mod chat;
mod eval;
mod history;
mod host;
mod parse;
mod preset;
mod run;
mod scope;
mod values;

use clap::{Args, Parser, Subcommand};

pub use chat::ChatArgs;
pub use eval::{ContenderArgs, EvalArgs};
pub use history::{RunsArgs, ShowArgs};
pub use host::{HookArgs, HostArg, InstallArgs, StatuslineArgs};
pub use parse::{Parsed, parse};
pub use preset::PresetCommand;
pub use run::{LimitArgs, PanelArgs, RunArgs, ShapeArgs, ThreadArgs};
pub use scope::{ComposeArgs, ModeArgs, ModeWord, OnOff, StatusArgs, TuneArgs};

/// What every help footer ends with: the variables that move frontier's files and scope.
macro_rules! environment {
    () => {
        "Environment:
  FRONTIER_HOME   keep config (config.toml, presets/) and state (scopes, history) under this directory
  FRONTIER_SCOPE  the scope to use when --scope is not given"
    };
}

/// The footer of `frontier --help` and `frontier run --help`: what the exit status
/// means (`error::exit_code`; the signal codes are 128 + the signal's number) and the
/// variables that move frontier's files and scope. `frontier man` prints the same.
pub const HELP_FOOTER: &str = concat!(
    "\
Exit status:
  0    success
  1    the run failed or was refused (no answer, models not ready, a file not written)
  2    usage: bad flags, unknown model or preset, invalid config.toml or preset file
  130  cancelled by SIGINT (Ctrl-C); 143 by SIGTERM; 129 by SIGHUP

",
    environment!()
);

/// The footer of `frontier chat --help`: its keys, and its exit status, which a turn's
/// failure or Ctrl-C does not set (the chat goes on).
pub const CHAT_HELP_FOOTER: &str = concat!(
    "\
Keys:
  Ctrl-C  during a turn, stop that turn; at the prompt, clear the line (on an empty line,
          twice in a row: leave)
  Ctrl-D  leave (on an empty line); so does /quit. /help lists the other commands

Exit status:
  0    left with /quit, Ctrl-D or Ctrl-C twice
  1    refused before the first turn (models not ready, FRONTIER_DEPTH set)
  2    usage: bad flags, unknown model or preset, invalid config.toml, no run to --continue,
       no terminal
  143  ended by SIGTERM; 129 by SIGHUP

",
    environment!()
);

#[derive(Debug, Parser)]
#[command(
    name = "frontier",
    version,
    about = "Ask a panel of models at once; a judge compares their answers and a synth writes one grounded answer.",
    after_help = HELP_FOOTER,
    propagate_version = true,
    disable_help_subcommand = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run one prompt through a panel (or the scope's armed mode) and print the answer.
    #[command(after_help = HELP_FOOTER)]
    Run(Box<RunArgs>),
    /// Talk with a panel in the terminal: each line is a turn of one thread, fused as `run`
    /// fuses a prompt; `/help` lists the commands (docs/chat.md).
    #[command(after_help = CHAT_HELP_FOOTER)]
    Chat(Box<ChatArgs>),
    /// List recorded runs, newest first, or per-model statistics over all of them.
    Runs(RunsArgs),
    /// Print one recorded run: prompt, panel, analysis, notes and answer.
    Show(ShowArgs),
    /// Run a set of prompts through several contenders (a preset, a shape, single models)
    /// and compare them: accuracy or blind pairwise wins, cost and latency (docs/eval.md).
    Eval(Box<EvalArgs>),
    /// Arm a scope: `fusion` with a preset or models, `single` with one model, or `off`.
    Mode(ModeArgs),
    /// Show what a scope has armed and whether its models are ready.
    Status(StatusArgs),
    /// List models, aliases, providers and presets, with readiness.
    Catalog(JsonArg),
    /// Check a custom panel, optionally save it as a preset, and arm it.
    Compose(ComposeArgs),
    /// List, show, save or delete presets.
    #[command(subcommand)]
    Preset(PresetCommand),
    /// Check what is ready and what is missing (keys, agent CLIs, config, state), and how to fix it.
    Doctor(JsonArg),
    /// Serve an editor agent's prompt hook: reads the host's JSON on stdin (used by the plugins).
    Hook(HookArgs),
    /// Serve the Model Context Protocol on stdio: tools `fuse`, `ask`, `catalog`, `runs`, `show` for an agent (docs/mcp.md).
    Mcp,
    /// Set a scope's hook tuning: which prompts the hook leaves alone, and its time budget.
    Tune(TuneArgs),
    /// Print a one-line badge of the armed mode and the live stage, for Claude Code's status line.
    Statusline(StatuslineArgs),
    /// Register frontier's prompt hook and skill with an editor agent (Claude Code, Codex, Gemini CLI).
    Install(InstallArgs),
    /// Remove frontier's prompt hook, and its skill if unchanged, from an editor agent.
    Uninstall(InstallArgs),
    /// Print a shell completion script that also completes preset and model names,
    /// e.g. `source <(frontier completions bash)`.
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print frontier's manual page (roff), e.g. `frontier man | man -l -`.
    Man,
}

#[derive(Debug, Args)]
pub struct JsonArg {
    /// Print JSON instead of tables.
    #[arg(long)]
    pub json: bool,
}
