//! `frontier preset list|show|save|delete`. Deleting a preset that scopes have armed
//! deletes it and warns, naming each such scope: runs there fail until it is re-armed.

use super::catalog::{preset_rows, preset_statuses, preset_table};
use crate::cli::PresetCommand;
use crate::config::Config;
use crate::config::presets::{check_panel, judge_and_synth};
use crate::config::{Preset, PresetSource};
use crate::env::Env;
use crate::error::Result;
use crate::scope::state::{self, Armed};

pub fn run(cmd: PresetCommand, env: &Env) -> Result<i32> {
    let config = super::load_config(env)?;
    match cmd {
        PresetCommand::List(args) => {
            let rows = preset_rows(&config, env);
            if args.json {
                super::print_json(&rows);
            } else {
                let fit = crate::render::screen::Screen::of(env).stdout();
                crate::render::write_stdout(&format!("{}\n", preset_table(&rows, fit)));
            }
        }
        PresetCommand::Show { name, json } => {
            let preset = config.presets.get(&name)?;
            let row = preset_rows(&config, env).into_iter().find(|r| r.name == preset.name);
            match (json, row) {
                (true, Some(row)) => super::print_json(&row),
                (_, row) => {
                    let source = match &preset.source {
                        PresetSource::BuiltIn => "built-in".to_string(),
                        PresetSource::User(path) => path.display().to_string(),
                    };
                    let mut text = format!("preset  {}\n", preset.name);
                    if !preset.aliases.is_empty() {
                        text.push_str(&format!("aliases {}\n", preset.aliases.join(", ")));
                    }
                    let name = |n: &str| crate::render::sanitize::name(n);
                    text.push_str(&format!(
                        "about   {}\npanel   {}\njudge   {}\nsynth   {}\n",
                        name(&preset.description),
                        preset.panel.iter().map(|m| name(m)).collect::<Vec<_>>().join(", "),
                        name(&preset.judge),
                        name(&preset.synth),
                    ));
                    let shape = row.as_ref().map(|r| crate::request::shape_words(&r.shape)).unwrap_or_default();
                    if !shape.is_empty() {
                        text.push_str(&format!("shape   {shape}\n"));
                    }
                    text.push_str(&format!(
                        "source  {source}\nready   {}\n",
                        row.as_ref().map_or("no", |r| r.readiness)
                    ));
                    text.push_str(&not_ready(preset, &config, env));
                    crate::render::write_stdout(&text);
                }
            }
        }
        PresetCommand::Save { name, models, judge, synth, description } => {
            check_panel(&config.catalog, &models)?;
            let (judge, synth) = judge_and_synth(&models, judge, synth);
            if !crate::config::presets::judges_without_a_call(&judge) {
                config.catalog.resolve(&judge)?;
            }
            config.catalog.resolve(&synth)?;
            let preset = Preset {
                description: description.unwrap_or_else(|| default_description(&models, &judge)),
                name,
                aliases: Vec::new(),
                panel: models,
                judge,
                synth,
                params: crate::config::params::PanelParams::default(),
                grace: None,
                rounds: None,
                quorum: None,
                source: PresetSource::User(config.paths.presets_dir()),
            };
            let path = config.presets.save(&config.paths.presets_dir(), &preset)?;
            crate::render::write_stderr(&format!("saved preset `{}` to {}\n", preset.name, path.display()));
        }
        PresetCommand::Delete { name } => {
            let preset = config.presets.get(&name)?.clone();
            let path = config.presets.delete(&name)?;
            let mut text = format!("deleted preset `{name}` ({})\n", path.display());
            let dir = config.paths.scopes_dir();
            let armed: Vec<String> = state::scopes(&dir)
                .into_iter()
                .filter(|scope| match state::load(&dir, scope).state.armed {
                    Armed::Preset { name } => name == preset.name || preset.aliases.contains(&name),
                    _ => false,
                })
                .collect();
            if !armed.is_empty() {
                let list = armed.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", ");
                let noun = if armed.len() == 1 { "scope" } else { "scopes" };
                text.push_str(&format!(
                    "warning: {noun} {list} armed preset `{}`; runs there fail until it is re-armed\nhint: `frontier mode fusion --scope {} --preset NAME`, or `frontier mode off --scope {}`\n",
                    preset.name, armed[0], armed[0]
                ));
            }
            crate::render::write_stderr(&text);
        }
    }
    Ok(0)
}

/// Why `preset` is not ready, one line a model: what its route is missing and every
/// route's fix, or what was not checked; empty when every model is ready.
fn not_ready(preset: &Preset, config: &Config, env: &Env) -> String {
    let name = |n: &str| crate::render::sanitize::name(n);
    let mut lines = String::new();
    for status in preset_statuses(preset, config, env) {
        let why = match (status.ready, &status.not_checked, &status.missing) {
            (true, _, _) => continue,
            (false, Some(what), _) => format!("not checked: {what}"),
            (false, None, missing) => {
                let fix = status.fix.as_deref().map(|f| format!("; {f}")).unwrap_or_default();
                format!("not ready: {}{fix}", missing.as_deref().unwrap_or("?"))
            }
        };
        lines.push_str(&format!("        {}: {}\n", name(&status.model), name(&why)));
    }
    lines
}
/// A saved preset's description when none is given: its panel, and how it is judged.
fn default_description(models: &[String], judge: &str) -> String {
    let judged = match judge {
        crate::config::presets::NO_JUDGE => "with no judge (the synth weighs the answers)".to_string(),
        judge => format!("judged by {judge}"),
    };
    format!("{} {judged}", models.join(", "))
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn a_saved_presets_description_says_how_it_is_judged() {
        let models = ["a".to_string(), "b".to_string()];
        assert_eq!(default_description(&models, "j"), "a, b judged by j");
        assert_eq!(default_description(&models, "none"), "a, b with no judge (the synth weighs the answers)");
    }
}
