//! From an argument list to a `Cli`, or to help printed, or to a usage error worded as
//! every other error is (`error:` naming the offending value, `hint:` what to do). The
//! hook's own two argument lists skip clap altogether (`hook_fast_path`).
//!
//! Knows clap's error kinds and context, not what any argument means.

use std::ffi::OsString;

use clap::Parser as _;
use clap::error::{ContextKind, ContextValue, ErrorKind};

use super::{Cli, Command, HookArgs, HostArg};
use crate::error::{Error, Result, echo};

pub enum Parsed {
    Command(Box<Cli>),
    /// Help or version was printed.
    Printed,
}

pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Parsed> {
    let args: Vec<OsString> = args.into_iter().collect();
    if let Some(hook) = hook_fast_path(&args) {
        return Ok(Parsed::Command(Box::new(Cli { command: Command::Hook(hook) })));
    }
    match Cli::try_parse_from(&args) {
        Ok(cli) => Ok(Parsed::Command(Box::new(cli))),
        Err(err) => match err.kind() {
            ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                let _ = err.print();
                Ok(Parsed::Printed)
            }
            _ => Err(unquoted_prompt(&args, &err).unwrap_or_else(|| usage_error(&err))),
        },
    }
}

/// `frontier run why does this deadlock`: a prompt of several words left unquoted, which
/// clap reads as a prompt and extra arguments. The error names the first extra word, and
/// the hint shows the prompt quoted.
fn unquoted_prompt(args: &[OsString], err: &clap::Error) -> Option<Error> {
    if err.kind() != ErrorKind::UnknownArgument || args.get(1).is_none_or(|a| a != "run") {
        return None;
    }
    let Some(ContextValue::String(extra)) = err.get(ContextKind::InvalidArg) else { return None };
    if extra.starts_with('-') {
        return None;
    }
    let rest: Vec<&str> = args[2..].iter().filter_map(|a| a.to_str()).collect();
    // With no flags among them, every word was meant as the prompt: show it quoted.
    let example = if rest.len() + 2 == args.len() && rest.iter().all(|a| !a.starts_with('-')) {
        format!("frontier run \"{}\"", echo(&rest.join(" ")).replace('"', "\\\""))
    } else {
        "frontier run \"why does this deadlock?\" -f src/pool.rs".to_string()
    };
    Some(Error::usage(
        format!("unexpected argument `{}`: the prompt is one argument", echo(extra)),
        format!("quote a prompt of several words: {example}"),
    ))
}

/// `frontier hook` and `frontier hook --host HOST` (or `--host=HOST`), told apart without
/// clap. The hook runs on every prompt a user submits, and building clap's whole tree of
/// subcommands costs about as many instructions as the rest of the hook's off path
/// (docs/benchmarks.md). Any other argument list, `--help` and every mistake included,
/// is left to clap, so help and errors read as they always have.
fn hook_fast_path(args: &[OsString]) -> Option<HookArgs> {
    // clap's own names for the hosts, without building the command tree.
    let host = |value: &std::ffi::OsStr| <HostArg as clap::ValueEnum>::from_str(value.to_str()?, false).ok();
    match args {
        [_, hook] if hook == "hook" => Some(HookArgs { host: None }),
        [_, hook, flag, value] if hook == "hook" && flag == "--host" => Some(HookArgs { host: Some(host(value)?) }),
        [_, hook, flag] if hook == "hook" => {
            let value = flag.to_str()?.strip_prefix("--host=")?;
            Some(HookArgs { host: Some(host(value.as_ref())?) })
        }
        _ => None,
    }
}

/// Rewrites clap's error as `Error::Usage`, keeping the offending value and clap's advice.
fn usage_error(err: &clap::Error) -> Error {
    let context = |kind| match err.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => Some(v.join(", ")),
        _ => None,
    };
    // Values are the user's own text, quoted back: cut to a readable length.
    let arg = echo(&context(ContextKind::InvalidArg).unwrap_or_default());
    let value = echo(&context(ContextKind::InvalidValue).unwrap_or_default());
    let suggestion = context(ContextKind::SuggestedArg)
        .or_else(|| context(ContextKind::SuggestedSubcommand))
        .or_else(|| context(ContextKind::SuggestedValue));
    // A flag with no fixed values reports an empty list of them: no "use one of: ".
    let valid = context(ContextKind::ValidValue).filter(|v| !v.is_empty()).or_else(|| {
        (err.kind() == ErrorKind::InvalidSubcommand).then(|| {
            use clap::CommandFactory as _;
            Cli::command().get_subcommands().map(|c| c.get_name().to_string()).collect::<Vec<_>>().join(", ")
        })
    });
    let what = match err.kind() {
        ErrorKind::InvalidValue if value.is_empty() => format!("{arg} needs a value"),
        ErrorKind::InvalidValue => format!("invalid value `{value}` for {arg}"),
        ErrorKind::UnknownArgument => format!("unexpected argument `{arg}`"),
        ErrorKind::InvalidSubcommand => {
            format!("unknown command `{}`", echo(&context(ContextKind::InvalidSubcommand).unwrap_or_default()))
        }
        ErrorKind::MissingRequiredArgument => format!("missing {arg}"),
        ErrorKind::ArgumentConflict => {
            let other = context(ContextKind::PriorArg).unwrap_or_default();
            format!("{arg} can't be used with {other}")
        }
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "a command is missing".to_string()
        }
        // A numeric flag's parser says what it takes (`values::NotANumber`).
        ErrorKind::ValueValidation => match std::error::Error::source(err) {
            Some(why) => format!("invalid value `{value}` for {arg}: {why}"),
            None => format!("invalid value `{value}` for {arg}"),
        },
        _ => first_line(err),
    };
    let hint = match (suggestion, valid) {
        (Some(s), Some(v)) => format!("did you mean `{s}`? Use one of: {v}"),
        (Some(s), None) => format!("did you mean `{s}`? See `frontier --help`"),
        (None, Some(v)) => format!("use one of: {v}"),
        (None, None) => "see `frontier --help` (or `frontier <command> --help`)".to_string(),
    };
    Error::usage(what, hint)
}

fn first_line(err: &clap::Error) -> String {
    let text = err.render().to_string();
    let line = text.lines().next().unwrap_or("invalid arguments");
    line.strip_prefix("error: ").unwrap_or(line).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    #[test]
    fn an_unquoted_prompt_of_several_words_is_told_to_be_quoted() {
        let error = |args: &[&str]| match parse(os(args)) {
            Err(Error::Usage { what, hint }) => (what, hint),
            _ => panic!("{args:?} should be a usage error"),
        };
        assert_eq!(
            error(&["frontier", "run", "why", "does", "this", "deadlock"]),
            (
                "unexpected argument `does`: the prompt is one argument".to_string(),
                "quote a prompt of several words: frontier run \"why does this deadlock\"".to_string()
            )
        );
        assert_eq!(
            error(&["frontier", "run", "--json", "why", "not"]).1,
            "quote a prompt of several words: frontier run \"why does this deadlock?\" -f src/pool.rs"
        );
        // A flag that does not exist is still clap's error, with clap's advice.
        assert_eq!(error(&["frontier", "run", "q", "--jsn"]).0, "unexpected argument `--jsn`");
    }

    #[test]
    fn the_hook_fast_path_agrees_with_clap_and_leaves_everything_else_to_it() {
        let accepted: &[&[&str]] = &[
            &["frontier", "hook"],
            &["frontier", "hook", "--host", "claude-code"],
            &["frontier", "hook", "--host", "codex"],
            &["frontier", "hook", "--host=gemini"],
        ];
        for args in accepted {
            let fast = hook_fast_path(&os(args)).map(|h| h.host);
            let clap = match Cli::try_parse_from(os(args)).map(|c| c.command) {
                Ok(Command::Hook(h)) => Some(h.host),
                _ => None,
            };
            assert_eq!((fast, fast.is_some()), (clap, true), "{args:?}");
        }
        let left_to_clap: &[&[&str]] = &[
            &["frontier", "hook", "--help"],
            &["frontier", "hook", "-h"],
            &["frontier", "hook", "--host"],
            &["frontier", "hook", "--host", "claude"],
            &["frontier", "hook", "--host", "Codex"],
            &["frontier", "hook", "--host=", "codex"],
            &["frontier", "hook", "--host", "codex", "--host", "gemini"],
            &["frontier", "hook", "extra"],
            &["frontier", "--version"],
            &["frontier", "status"],
            &["frontier"],
        ];
        for args in left_to_clap {
            assert!(hook_fast_path(&os(args)).is_none(), "{args:?}");
        }
        assert!(
            error_of(&["frontier", "hook", "--host", "claude"]).starts_with("error: invalid value `claude` for --host")
        );
    }

    fn error_of(args: &[&str]) -> String {
        match parse(args.iter().map(OsString::from)) {
            Err(err) => crate::error::render(&err),
            Ok(_) => String::from("parsed"),
        }
    }

    #[test]
    fn clap_errors_are_rendered_like_every_other_error() {
        assert_eq!(
            error_of(&["frontier", "mode", "fuse"]),
            "error: invalid value `fuse` for <MODE>\nhint: did you mean `fusion`? Use one of: off, single, fusion\n"
        );
        assert_eq!(
            error_of(&["frontier", "run", "x", "--jsn"]),
            "error: unexpected argument `--jsn`\nhint: did you mean `--json`? See `frontier --help`\n"
        );
        assert_eq!(
            error_of(&["frontier", "frobnicate"]),
            "error: unknown command `frobnicate`\nhint: use one of: run, chat, runs, show, eval, mode, status, catalog, compose, preset, doctor, hook, mcp, tune, statusline, install, uninstall, completions, man\n"
        );
    }

    #[test]
    fn a_negative_or_malformed_number_names_its_flag() {
        let hint = "hint: see `frontier --help` (or `frontier <command> --help`)\n";
        assert_eq!(
            error_of(&["frontier", "run", "--timeout", "-1", "hi"]),
            format!("error: invalid value `-1` for --timeout <SECS>: it must be a positive whole number\n{hint}")
        );
        assert_eq!(
            error_of(&["frontier", "tune", "--min-chars", "-3"]),
            format!("error: invalid value `-3` for --min-chars <N>: it must be a whole number, 0 or more\n{hint}")
        );
        assert_eq!(
            error_of(&["frontier", "runs", "--limit", "ten"]),
            format!("error: invalid value `ten` for --limit <N>: it must be a positive whole number\n{hint}")
        );
        // A negative cost parses; `run` refuses it by name (tests/cli.rs).
        assert_eq!(error_of(&["frontier", "run", "--max-cost", "-1", "hi"]), "parsed");
        // A flag after a numeric flag is still a flag, not its value.
        assert_eq!(
            error_of(&["frontier", "run", "--timeout", "--json", "hi"]),
            format!("error: --timeout <SECS> needs a value\n{hint}")
        );
    }

    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory as _;
        Cli::command().debug_assert();
    }
}
