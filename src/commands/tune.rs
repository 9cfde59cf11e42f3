//! `frontier tune`: sets a scope's hook tuning (kept across re-arming) and shows it.

use crate::cli::{OnOff, TuneArgs};
use crate::config::Paths;
use crate::env::Env;
use crate::error::{Error, Result};
use crate::request::MAX_HOOK_BUDGET_SECS;
use crate::scope::{self, state};

/// A minimum prompt length beyond any real prompt is surely a typo.
const MAX_MIN_CHARS: u32 = 100_000;
/// More turns than this is a whole conversation, not its recent context.
const MAX_CONTEXT_TURNS: u32 = 100;
/// A relay below this holds little more than the banner and the instruction.
const MIN_RELAY_CHARS: u32 = 1_000;
/// A relay above this is no ceiling at all.
const MAX_RELAY_CHARS: u32 = 1_000_000;

pub fn run(args: TuneArgs, env: &Env) -> Result<i32> {
    if let Some(n) = args.min_chars.filter(|n| *n > MAX_MIN_CHARS) {
        return Err(Error::usage(
            format!("--min-chars {n} is out of range"),
            format!("give from 0 to {MAX_MIN_CHARS}"),
        ));
    }
    if let Some(secs) = args.budget.filter(|s| !(1..=MAX_HOOK_BUDGET_SECS).contains(s)) {
        return Err(Error::usage(
            format!("--budget {secs} is out of range"),
            format!("give from 1 to {MAX_HOOK_BUDGET_SECS} seconds: hosts kill hooks at 600 s"),
        ));
    }
    if let Some(n) = args.context_turns.filter(|n| *n > MAX_CONTEXT_TURNS) {
        return Err(Error::usage(
            format!("--context-turns {n} is out of range"),
            format!("give from 0 (no conversation) to {MAX_CONTEXT_TURNS}"),
        ));
    }
    if let Some(n) = args.relay_chars.filter(|n| !(MIN_RELAY_CHARS..=MAX_RELAY_CHARS).contains(n)) {
        return Err(Error::usage(
            format!("--relay-chars {n} is out of range"),
            format!("give from {MIN_RELAY_CHARS} to {MAX_RELAY_CHARS} characters"),
        ));
    }
    let paths = Paths::resolve(env)?;
    let scope = scope::resolve(args.scope.as_deref(), env, None)?;
    let on = |flag: OnOff| flag == OnOff::On;
    let written = state::update(&paths.scopes_dir(), &scope.name, |s| {
        let t = &mut s.tuning;
        if let Some(n) = args.min_chars {
            t.min_chars = n;
        }
        if let Some(f) = args.fan_commands {
            t.fan_commands = on(f);
        }
        if let Some(f) = args.fan_loops {
            t.fan_loops = on(f);
        }
        if args.budget.is_some() {
            t.budget_secs = args.budget;
        }
        if let Some(n) = args.context_turns {
            t.context_turns = n;
        }
        if let Some(f) = args.context_files {
            t.context_files = on(f);
        }
        if args.relay_chars.is_some() {
            t.relay_chars = args.relay_chars;
        }
    })?;
    let t = &written.tuning;
    let word = |b: bool| if b { "on" } else { "off" };
    let budget = t.budget_secs.map_or("default".to_string(), |s| format!("{s}s"));
    let relay = t.relay_chars.map_or("host default".to_string(), |n| format!("{n} chars"));
    eprintln!(
        "scope `{}` tuning: min-chars {} · fan-commands {} · fan-loops {} · budget {budget} · context-turns {} · \
         context-files {} · relay {relay}",
        scope.name,
        t.min_chars,
        word(t.fan_commands),
        word(t.fan_loops),
        t.context_turns,
        word(t.context_files),
    );
    Ok(0)
}
