//! Loading presets: the built-ins embedded from `presets/*.toml`, then the user's files
//! from the config dir's `presets/`, one by one. A file that does not parse or fails a
//! check is set aside with a warning naming it (only asking for that preset then fails,
//! with its error); a file named like a built-in preset or alias is ignored with a
//! warning. This layer never prints: the warnings are the commands' to show.
//!
//! Knows what a file must hold only through `file`.

use std::path::{Path, PathBuf};

use super::file::{PresetToml, user_preset};
use super::{Broken, Preset, PresetSource, Presets};
use crate::config::catalog::Catalog;
use crate::config::toml_file;
use crate::error::{Error, Result};

const BUILTIN: &[(&str, &str)] = &[
    ("gpt-duo", include_str!("../../../presets/gpt-duo.toml")),
    ("opus-duo", include_str!("../../../presets/opus-duo.toml")),
    ("opus-gpt", include_str!("../../../presets/opus-gpt.toml")),
    ("frontier-trio", include_str!("../../../presets/frontier-trio.toml")),
    ("sonnet-duo", include_str!("../../../presets/sonnet-duo.toml")),
    ("budget-trio", include_str!("../../../presets/budget-trio.toml")),
    ("east-west", include_str!("../../../presets/east-west.toml")),
    ("local-trio", include_str!("../../../presets/local-trio.toml")),
    ("demo", include_str!("../../../presets/demo.toml")),
];

impl Presets {
    /// The built-in presets and the user's from `dir`.
    pub fn load(dir: &Path, catalog: &Catalog) -> Result<Presets> {
        let mut list = Vec::new();
        for (name, text) in BUILTIN {
            let path = PathBuf::from(format!("<built-in>/presets/{name}.toml"));
            let raw: PresetToml = toml_file::parse(text, &path, "built-in preset")?;
            let preset = Preset::from_toml(name, raw, PresetSource::BuiltIn).map_err(|e| Error::InvalidFile {
                what: "built-in preset",
                path: path.clone(),
                message: e.to_string(),
            })?;
            list.push(preset);
        }
        let mut user = Vec::new();
        let (mut broken, mut warnings) = (Vec::new(), Vec::new());
        let mut entries: Vec<PathBuf> = match std::fs::read_dir(dir) {
            Ok(entries) => entries.flatten().map(|e| e.path()).collect(),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(err) => return Err(Error::io("read", dir, err)),
        };
        entries.sort();
        for path in entries {
            let Some(name) = preset_file_name(&path) else { continue };
            if let Some(builtin) = list.iter().find(|p: &&Preset| p.name == name || p.aliases.contains(&name)) {
                // A built-in name can't be shadowed; `preset save` refuses to write one.
                let what = if builtin.name == name {
                    format!("the built-in preset `{name}`")
                } else {
                    format!("`{name}`, an alias of the built-in preset `{}`", builtin.name)
                };
                warnings.push(format!(
                    "preset file `{}` is ignored: it is named like {what}, which always wins; rename the file",
                    path.display()
                ));
                continue;
            }
            let loaded = toml_file::read::<PresetToml>(&path, "preset file")
                .and_then(|raw| raw.map(|raw| user_preset(&name, &path, raw, catalog)).transpose());
            match loaded {
                Ok(Some(preset)) => user.push(preset),
                Ok(None) => {}
                Err(err) => {
                    let message = match err {
                        Error::InvalidFile { message, .. } => message,
                        other => other.to_string(),
                    };
                    warnings.push(format!(
                        "preset file `{}` is ignored: {message}; only `--preset {name}` fails until it is fixed",
                        path.display()
                    ));
                    broken.push(Broken { name, path, message });
                }
            }
        }
        user.sort_by(|a, b| a.name.cmp(&b.name));
        list.extend(user);
        Ok(Presets { list, broken, warnings })
    }
}

fn preset_file_name(path: &Path) -> Option<String> {
    if path.extension()? != "toml" {
        return None;
    }
    let name = path.file_stem()?.to_str()?;
    super::valid_preset_name(name).then(|| name.to_string())
}
