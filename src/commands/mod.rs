//! The subcommands, one file each, and the few helpers they share: `ask` (raw arguments
//! into a `Request`), `execute` (carrying a plan out on a runtime, next to `cancel`'s
//! signal handlers), `probe` (`doctor`'s look at a local server). Each subcommand turns
//! its raw arguments into values for the layers below (a run's through the resolver in
//! `request`), calls them, and returns an exit code or an error for `lib::run` to
//! render.
//!
//! Knows nothing about wire formats or how output looks: the layers below do.

mod ask;
mod cancel;
mod catalog;
mod chat;
mod completions;
mod compose;
mod doctor;
mod eval;
mod execute;
mod hook;
mod install;
mod installed;
mod man;
mod mcp;
mod mode;
mod preset;
mod probe;
mod run;
mod runs;
mod show;
mod status;
mod statusline;
mod tune;

use crate::cli::{Cli, Command};
use crate::env::Env;
use crate::error::Result;

pub fn dispatch(cli: Cli, env: &Env) -> Result<i32> {
    match cli.command {
        Command::Run(args) => run::run(*args, env),
        Command::Chat(args) => chat::run(*args, env),
        Command::Runs(args) => runs::run(args, env),
        Command::Show(args) => show::run(args, env),
        Command::Eval(args) => eval::run(*args, env),
        Command::Mode(args) => mode::run(args, env),
        Command::Status(args) => status::run(args, env),
        Command::Catalog(args) => catalog::run(args.json, env),
        Command::Compose(args) => compose::run(args, env),
        Command::Preset(cmd) => preset::run(cmd, env),
        Command::Doctor(args) => doctor::run(args.json, env),
        Command::Hook(args) => Ok(hook::run(args, env)),
        Command::Mcp => mcp::run(env),
        Command::Tune(args) => tune::run(args, env),
        Command::Statusline(args) => statusline::run(args, env),
        Command::Install(args) => install::install(args, env),
        Command::Uninstall(args) => install::uninstall(args, env),
        Command::Completions { shell } => completions::run(shell),
        Command::Man => man::run(),
    }
}

/// Answers a shell's completion request (`FRONTIER_COMPLETE` set by the script that
/// `frontier completions` prints); `None` when this invocation is not one.
pub fn serve_completion(args: &[std::ffi::OsString], env: &Env) -> Option<i32> {
    completions::serve(args, env)
}

/// Loads the configuration for a command run by the user, printing on stderr (once, as
/// each command loads it once) what is wrong with the user's preset files. The hook
/// loads `Config` itself and keeps these off its one stderr line.
fn load_config(env: &crate::env::Env) -> crate::error::Result<crate::config::Config> {
    let config = crate::config::Config::load(env)?;
    let warnings: String = config.presets.warnings().iter().map(|w| format!("warning: {w}\n")).collect();
    if !warnings.is_empty() {
        crate::render::write_stderr(&warnings);
    }
    Ok(config)
}

/// Tells the user, on stderr, what a command found wrong but went on despite.
fn warn(warning: &str) {
    crate::render::write_stderr(&format!("warning: {warning}\n"));
}

/// Prints a value as pretty JSON on stdout.
fn print_json(value: &impl serde::Serialize) {
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    crate::render::write_raw(&format!("{text}\n"));
}

/// The current time as RFC 3339, UTC, to the second.
fn now_rfc3339() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

/// The host a command-line host name means.
fn host(arg: crate::cli::HostArg) -> crate::config::Host {
    use crate::cli::HostArg as A;
    use crate::config::Host as H;
    match arg {
        A::ClaudeCode => H::ClaudeCode,
        A::Codex => H::Codex,
        A::Gemini => H::Gemini,
        A::Qwen => H::Qwen,
        A::Copilot => H::Copilot,
        A::OpenCode => H::OpenCode,
        A::Kilo => H::Kilo,
        A::Droid => H::Droid,
        A::Cline => H::Cline,
        A::Continue => H::Continue,
        A::Cursor => H::Cursor,
        A::Windsurf => H::Windsurf,
        A::VsCode => H::VsCode,
        A::Zed => H::Zed,
    }
}
