//! Shell completion that knows the user's presets and models. `frontier completions
//! SHELL` prints a small registration script; on each Tab the shell calls frontier back
//! with `FRONTIER_COMPLETE=SHELL frontier -- WORDS...`, and [`serve`] answers from the
//! clap command tree, with the preset and model names of the user's own config (built-in
//! and user presets, catalog ids and aliases) as the values of `--preset`, `--model`,
//! `--models`, `--judge`, `--synth` and `preset show|delete NAME`. A static script could
//! only know the built-in names; this one can't go stale when a preset is saved.
//!
//! Uses clap_complete's completion engine (its `unstable-dynamic` feature, pinned by
//! Cargo.lock). Knows nothing about what the names mean.

use std::ffi::OsString;

use clap::CommandFactory as _;
use clap_complete::engine::{ArgValueCandidates, CompletionCandidate};
use clap_complete::env::Shells;

use crate::cli::Cli;
use crate::config::Config;
use crate::env::Env;
use crate::error::{Error, Result};

/// The variable the registration script sets when it asks for completions.
pub const COMPLETE_VAR: &str = "FRONTIER_COMPLETE";

pub fn run(shell: clap_complete::Shell) -> Result<i32> {
    let name = shell.to_string();
    let shells = Shells::builtins();
    let Some(completer) = shells.completer(&name) else {
        return Err(Error::usage(
            format!("no completion for shell `{name}`"),
            "use bash, zsh, fish, elvish or powershell",
        ));
    };
    let mut out = Vec::new();
    completer
        .write_registration(COMPLETE_VAR, "frontier", "frontier", "frontier", &mut out)
        .map_err(|e| Error::internal(format!("could not write the completion script: {e}"), ""))?;
    crate::render::write_raw(&String::from_utf8_lossy(&out));
    Ok(0)
}

/// Answers a shell's completion request when `FRONTIER_COMPLETE` names a shell: prints
/// the candidates and returns the exit code. `None` when this is not such a request.
pub fn serve(args: &[OsString], env: &Env) -> Option<i32> {
    let shell = env.var(COMPLETE_VAR).filter(|v| !v.is_empty() && *v != "0")?;
    let shells = Shells::builtins();
    let Some(completer) = shells.completer(shell) else {
        crate::render::write_stderr(&format!(
            "error: {COMPLETE_VAR} names no shell frontier completes (`{}`)\n",
            crate::error::echo(shell)
        ));
        return Some(crate::error::EXIT_USAGE);
    };
    // `frontier -- frontier run --pre`: the words after `--` are the command line so far.
    let words: Vec<OsString> = args.iter().skip_while(|a| *a != "--").skip(1).cloned().collect();
    let mut out = Vec::new();
    // The shell adapters read their own `_CLAP_*` variables (the word index, the separator).
    match completer.write_complete(&mut command(env), words, Some(env.cwd()), &mut out) {
        Ok(()) => {
            crate::render::write_raw(&String::from_utf8_lossy(&out));
            Some(0)
        }
        Err(_) => Some(1),
    }
}

/// The command tree with candidates for every flag and argument that takes a preset or
/// model name; the names are read from the config when the shell asks.
pub fn command(env: &Env) -> clap::Command {
    with_candidates(Cli::command(), env)
}

fn with_candidates(cmd: clap::Command, env: &Env) -> clap::Command {
    let in_preset = cmd.get_name() == "preset";
    let ids: Vec<String> = cmd.get_arguments().map(|a| a.get_id().to_string()).collect();
    let mut cmd = cmd;
    for id in ids {
        let names: Option<fn(&Config) -> Vec<CompletionCandidate>> = match id.as_str() {
            "preset" => Some(presets),
            "model" | "models" | "judge" | "synth" => Some(models),
            _ => None,
        };
        if let Some(names) = names {
            let env = env.clone();
            cmd = cmd.mut_arg(id, move |arg| arg.add(ArgValueCandidates::new(move || loaded(&env, names))));
        }
    }
    let subs: Vec<String> = cmd.get_subcommands().map(|s| s.get_name().to_string()).collect();
    for name in subs {
        let env = env.clone();
        cmd = cmd.mut_subcommand(&name, |sub| {
            let takes_preset = in_preset && matches!(sub.get_name(), "show" | "delete");
            let sub = if takes_preset {
                let env = env.clone();
                sub.mut_arg("name", move |arg| arg.add(ArgValueCandidates::new(move || loaded(&env, presets))))
            } else {
                sub
            };
            with_candidates(sub, &env)
        });
    }
    cmd
}

/// `names` of the config in `env`; none when it does not load (completion stays quiet).
fn loaded(env: &Env, names: fn(&Config) -> Vec<CompletionCandidate>) -> Vec<CompletionCandidate> {
    Config::load(env).map(|config| names(&config)).unwrap_or_default()
}

fn presets(config: &Config) -> Vec<CompletionCandidate> {
    config
        .presets
        .iter()
        .flat_map(|p| {
            let about = p.description.clone();
            std::iter::once(p.name.clone())
                .chain(p.aliases.iter().cloned())
                .map(move |name| CompletionCandidate::new(name).help(Some(about.clone().into())))
        })
        .collect()
}

fn models(config: &Config) -> Vec<CompletionCandidate> {
    let ids = config.catalog.models().map(|m| CompletionCandidate::new(&m.id).help(Some(m.description.clone().into())));
    let aliases = config
        .catalog
        .aliases()
        .map(|(alias, id)| CompletionCandidate::new(alias).help(Some(format!("= {id}").into())));
    ids.chain(aliases).collect()
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    /// What the engine offers for the last word of `line`, in a home with a user preset.
    fn complete(line: &[&str]) -> Vec<String> {
        let home = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let presets = home.path().join("config/presets");
        std::fs::create_dir_all(&presets).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(presets.join("my-duo.toml"), "description = \"mine\"\npanel = [\"mock:a\", \"mock:b\"]\n")
            .unwrap_or_else(|e| panic!("{e}"));
        let env = Env::from_parts([("FRONTIER_HOME", home.path().to_string_lossy().as_ref())], "/");
        let args: Vec<OsString> = line.iter().map(OsString::from).collect();
        let index = args.len() - 1;
        clap_complete::engine::complete(&mut command(&env), args, index, None)
            .unwrap_or_else(|e| panic!("{e}"))
            .iter()
            .map(|c| c.get_value().to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn preset_flags_complete_built_in_and_user_presets() {
        let names = complete(&["frontier", "run", "--preset", ""]);
        assert!(names.contains(&"my-duo".to_string()) && names.contains(&"demo".to_string()), "{names:?}");
        assert_eq!(complete(&["frontier", "mode", "fusion", "--preset", "my-"]), vec!["my-duo".to_string()]);
        assert_eq!(complete(&["frontier", "preset", "delete", "my"]), vec!["my-duo".to_string()]);
        assert_eq!(complete(&["frontier", "preset", "show", "my-d"]), vec!["my-duo".to_string()]);
    }

    #[test]
    fn model_flags_complete_ids_and_aliases_after_each_comma() {
        let names = complete(&["frontier", "run", "--model", "gpt-5"]);
        assert!(names.contains(&"gpt-5.5".to_string()), "{names:?}");
        assert!(complete(&["frontier", "compose", "--judge", ""]).contains(&"chatgpt".to_string()));
        assert_eq!(complete(&["frontier", "run", "--models", "opus,gpt-5."]), vec!["opus,gpt-5.5".to_string()]);
        assert_eq!(complete(&["frontier", "preset", "save", "x", "--synth", "gpt-5."]), vec!["gpt-5.5".to_string()]);
    }

    #[test]
    fn commands_and_flags_still_complete() {
        assert!(complete(&["frontier", "doc"]).contains(&"doctor".to_string()));
        assert!(complete(&["frontier", "run", "--no-s"]).contains(&"--no-stream".to_string()));
    }
}
