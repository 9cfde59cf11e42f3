//! `frontier preset list|show|save|delete`.

use super::catalog::{preset_rows, preset_table};
use crate::cli::PresetCommand;
use crate::config::presets::{check_panel, judge_and_synth};
use crate::config::{Preset, PresetSource};
use crate::env::Env;
use crate::error::Result;

pub fn run(cmd: PresetCommand, env: &Env) -> Result<i32> {
    let config = super::load_config(env)?;
    match cmd {
        PresetCommand::List(args) => {
            let rows = preset_rows(&config, env);
            if args.json {
                super::print_json(&rows);
            } else {
                crate::render::write_stdout(&format!("{}\n", preset_table(&rows)));
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
                    text.push_str(&format!(
                        "about   {}\npanel   {}\njudge   {}\nsynth   {}\nsource  {source}\nready   {}\n",
                        preset.description,
                        preset.panel.join(", "),
                        preset.judge,
                        preset.synth,
                        row.map_or("no", |r| r.readiness)
                    ));
                    crate::render::write_stdout(&text);
                }
            }
        }
        PresetCommand::Save { name, models, judge, synth, description } => {
            check_panel(&config.catalog, &models)?;
            let (judge, synth) = judge_and_synth(&models, judge, synth);
            config.catalog.resolve(&judge)?;
            config.catalog.resolve(&synth)?;
            let preset = Preset {
                description: description.unwrap_or_else(|| format!("{} judged by {judge}", models.join(", "))),
                name,
                aliases: Vec::new(),
                panel: models,
                judge,
                synth,
                source: PresetSource::User(config.paths.presets_dir()),
            };
            let path = config.presets.save(&config.paths.presets_dir(), &preset)?;
            crate::render::write_stderr(&format!("saved preset `{}` to {}\n", preset.name, path.display()));
        }
        PresetCommand::Delete { name } => {
            let path = config.presets.delete(&name)?;
            crate::render::write_stderr(&format!("deleted preset `{name}` ({})\n", path.display()));
        }
    }
    Ok(0)
}
