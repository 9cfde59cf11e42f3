//! Presets: named panels with a judge and a synth. Built-ins are embedded from
//! `presets/*.toml`; the user's live in the config dir's `presets/` and can't take a
//! built-in's name.
//!
//! This file holds the resolved values (`Preset`, `Presets`), lookups by name or alias,
//! `preset save` and `preset delete`, and the panel check every way of naming a panel
//! shares; `load` reads the built-ins and the user's directory (one bad file can't break
//! `--preset demo` or the hook: it is set aside with a warning, and only asking for it
//! fails); `file` is a preset file's TOML shape and checks.
//!
//! A panel member, the judge or the synth may be an inline table that gives the model
//! parameters for this preset (`{ model = "gpt-5.5", reasoning = "high" }`,
//! `config::params`); a plain name keeps the model's own.
//!
//! Knows the catalog only to check that a panel's models exist.

mod file;
mod load;

use std::path::{Path, PathBuf};

use file::PresetToml;
#[cfg(any(test, fuzzing))]
pub use file::user_preset_text;

use super::atomic;
use super::catalog::Catalog;
use super::params::PanelParams;
use crate::error::{Error, Result, suggest};

/// The most models a panel may have.
pub const MAX_PANEL: usize = 8;

/// The word that, as `--preset custom`, means "the panel given by `--models`".
pub const CUSTOM: &str = "custom";

/// The word that means "the panel ranks its own answers", kept with the catalog (which
/// refuses it as a model name) and named here too, where presets use it.
pub use super::catalog::COUNCIL;

/// The word that means "no judge", and the test for either word, the same way.
pub use super::catalog::{NO_JUDGE, judges_without_a_call};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PresetSource {
    BuiltIn,
    User(PathBuf),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Preset {
    pub name: String,
    pub description: String,
    pub aliases: Vec<String>,
    pub panel: Vec<String>,
    /// Defaults to the first panel model.
    pub judge: String,
    /// Defaults to the first panel model.
    pub synth: String,
    /// What the preset's inline tables set for each call, on top of the models' own.
    pub params: PanelParams,
    /// How long the rest get once the quorum has answered (`grace_secs`); `None`: the
    /// config's.
    pub grace: Option<std::time::Duration>,
    /// How many times the panel answers (`rounds`); `None`: the config's.
    pub rounds: Option<u32>,
    /// How many answers start the grace (`quorum`); `None`: the config's.
    pub quorum: Option<usize>,
    pub source: PresetSource,
}

/// The judge and the synth of `panel`: the ones named, else its first member. The one
/// place this default is decided, for presets, `--models` panels and `preset save`.
pub fn judge_and_synth(panel: &[String], judge: Option<String>, synth: Option<String>) -> (String, String) {
    let first = || panel.first().cloned().unwrap_or_default();
    (judge.unwrap_or_else(first), synth.unwrap_or_else(first))
}

#[derive(Debug, Clone)]
pub struct Presets {
    list: Vec<Preset>,
    /// User preset files that could not be loaded: asking for one of these names fails.
    broken: Vec<Broken>,
    /// What is wrong with the user's presets directory, one line each, for the commands
    /// to print (this layer never prints).
    warnings: Vec<String>,
}

/// A user preset file set aside, and why.
#[derive(Debug, Clone)]
struct Broken {
    name: String,
    path: PathBuf,
    message: String,
}

impl Presets {
    /// What is wrong with the user's preset files, one line each (empty when nothing is).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    pub fn iter(&self) -> impl Iterator<Item = &Preset> {
        self.list.iter()
    }

    /// The preset called `name`, or one of whose aliases it is.
    pub fn get(&self, name: &str) -> Result<&Preset> {
        if let Some(b) = self.broken.iter().find(|b| b.name == name) {
            return Err(Error::InvalidFile { what: "preset file", path: b.path.clone(), message: b.message.clone() });
        }
        self.list.iter().find(|p| p.name == name || p.aliases.iter().any(|a| a == name)).ok_or_else(|| {
            let known = self.list.iter().flat_map(|p| std::iter::once(&p.name).chain(&p.aliases)).map(String::as_str);
            Error::UnknownPreset { name: name.to_string(), suggestion: suggest(name, known) }
        })
    }

    /// Writes a user preset to `dir`; refuses built-in names.
    pub fn save(&self, dir: &Path, preset: &Preset) -> Result<PathBuf> {
        if !valid_preset_name(&preset.name) {
            return Err(Error::usage(
                format!("invalid preset name `{}`", preset.name),
                "use lowercase letters, digits and `-`, starting with a letter",
            ));
        }
        if self.get(&preset.name).is_ok_and(|existing| existing.source == PresetSource::BuiltIn) {
            // A usage error: the name is the problem, whatever the state of the files.
            return Err(Error::usage(
                format!("`{}` is a built-in preset and can't be replaced", preset.name),
                "save it under another name",
            ));
        }
        let raw = PresetToml::from_preset(preset);
        let text = toml::to_string(&raw).map_err(|e| {
            Error::internal(format!("could not encode preset `{}`: {e}", preset.name), "report this bug")
        })?;
        let path = dir.join(format!("{}.toml", preset.name));
        atomic::write_private(&path, &text)?;
        Ok(path)
    }

    /// Removes a user preset; refuses built-ins.
    pub fn delete(&self, name: &str) -> Result<PathBuf> {
        let preset = self.get(name)?;
        match &preset.source {
            PresetSource::BuiltIn => Err(Error::refused(
                format!("`{name}` is a built-in preset and can't be deleted"),
                "only presets you saved can be deleted; `frontier preset list` shows which",
            )),
            PresetSource::User(path) => {
                std::fs::remove_file(path).map_err(|e| Error::io("remove", path.clone(), e))?;
                Ok(path.clone())
            }
        }
    }
}

fn valid_preset_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && name != CUSTOM
        && name.len() <= 64
}

/// Checks that a panel has 1 to 8 models and that each resolves in `catalog`.
pub fn check_panel(catalog: &Catalog, panel: &[String]) -> Result<()> {
    if panel.is_empty() || panel.len() > MAX_PANEL {
        return Err(Error::usage(
            format!("a panel of {} models is not allowed", panel.len()),
            format!("give from 1 to {MAX_PANEL} models, e.g. `--models opus,gpt-5.5`"),
        ));
    }
    for model in panel {
        catalog.resolve(model)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::provider::Params;

    fn presets(dir: &Path) -> Presets {
        let catalog = Catalog::builtin().unwrap_or_else(|e| panic!("{e}"));
        Presets::load(dir, &catalog).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn judge_and_synth_default_to_the_first_panel_member() {
        let panel = vec!["a".to_string(), "b".to_string()];
        assert_eq!(judge_and_synth(&panel, None, None), ("a".to_string(), "a".to_string()));
        assert_eq!(judge_and_synth(&panel, Some("j".into()), None), ("j".to_string(), "a".to_string()));
        assert_eq!(judge_and_synth(&panel, None, Some("s".into())), ("a".to_string(), "s".to_string()));
    }

    #[test]
    fn every_builtin_preset_resolves() {
        let catalog = Catalog::builtin().unwrap_or_else(|e| panic!("{e}"));
        let all = presets(Path::new("/nonexistent"));
        for p in all.iter() {
            check_panel(&catalog, &p.panel).unwrap_or_else(|e| panic!("preset {}: {e}", p.name));
            catalog.resolve(&p.judge).unwrap_or_else(|e| panic!("preset {} judge: {e}", p.name));
            catalog.resolve(&p.synth).unwrap_or_else(|e| panic!("preset {} synth: {e}", p.name));
        }
        let names: Vec<&str> = all.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "gpt-duo",
                "opus-duo",
                "opus-gpt",
                "frontier-trio",
                "sonnet-duo",
                "budget-trio",
                "east-west",
                "local-trio",
                "demo"
            ]
        );
        assert_eq!(all.get("chatgpt-duo").map(|p| p.name.as_str()).ok(), Some("gpt-duo"));
    }

    #[test]
    fn save_refuses_builtin_names_and_delete_refuses_builtins() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let all = presets(dir.path());
        let mut p = all.get("demo").cloned().unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(all.save(dir.path(), &p), Err(Error::Usage { .. })));
        assert!(matches!(all.delete("chatgpt-duo"), Err(Error::Refused { .. })));
        p.name = "mine".into();
        all.save(dir.path(), &p).unwrap_or_else(|e| panic!("{e}"));
        let reloaded = presets(dir.path());
        let mine = reloaded.get("mine").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((mine.panel.clone(), mine.judge.clone()), (p.panel.clone(), p.judge.clone()));
        reloaded.delete("mine").unwrap_or_else(|e| panic!("{e}"));
        assert!(presets(dir.path()).get("mine").is_err());
    }

    #[test]
    fn a_broken_user_preset_is_a_warning_and_fails_only_when_used() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("bad.toml"), "panel = [\"mock:a\"\nbroken").unwrap();
        std::fs::write(dir.path().join("ghost.toml"), "panel = [\"no-such-model\"]\n").unwrap();
        std::fs::write(dir.path().join("good.toml"), "panel = [\"mock:a\"]\n").unwrap();
        let all = presets(dir.path());
        assert_eq!(all.get("demo").map(|p| p.name.as_str()).ok(), Some("demo"));
        assert_eq!(all.get("good").map(|p| p.name.as_str()).ok(), Some("good"));
        for name in ["bad", "ghost"] {
            let path = dir.path().join(format!("{name}.toml"));
            match all.get(name) {
                Err(Error::InvalidFile { path: p, .. }) => assert_eq!(p, path),
                other => panic!("{name}: {other:?}"),
            }
        }
        let warnings = all.warnings();
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        let bad = dir.path().join("bad.toml");
        assert!(
            warnings[0].starts_with(&format!("preset file `{}` is ignored: line 2", bad.display())),
            "{warnings:?}"
        );
        assert!(warnings[0].ends_with("; only `--preset bad` fails until it is fixed"), "{warnings:?}");
        assert!(warnings[1].contains("ghost.toml` is ignored: unknown model `no-such-model`"), "{warnings:?}");
    }

    #[test]
    fn inline_tables_give_members_judge_and_synth_their_parameters() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("deep.toml"),
            "panel = [\"mock:a\", { model = \"mock:b\", reasoning = \"high\" }]\n\
             synth = { model = \"mock:c\", temperature = 0.2 }\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("hot.toml"), "panel = [{ model = \"mock:a\", temperature = 9.0 }]\n").unwrap();
        let all = presets(dir.path());
        let deep = all.get("deep").unwrap_or_else(|e| panic!("{e}"));
        let high = Params { reasoning: Some(crate::provider::Reasoning::High), ..Params::default() };
        let cool = Params { temperature: Some(0.2), ..Params::default() };
        assert_eq!(
            (deep.panel.clone(), deep.judge.clone(), deep.synth.clone()),
            (vec!["mock:a".to_string(), "mock:b".to_string()], "mock:a".to_string(), "mock:c".to_string())
        );
        assert_eq!(
            deep.params,
            PanelParams { panel: vec![Params::default(), high], judge: Params::default(), synth: cool }
        );
        assert_eq!(
            all.get("hot").err().map(|e| e.to_string()),
            Some(format!(
                "invalid preset file `{}`: `mock:a`: `temperature` is 9; it must be from 0 to 2",
                dir.path().join("hot.toml").display()
            ))
        );
        // Saved and read back, the tables are kept.
        let mut copy = deep.clone();
        copy.name = "copy".into();
        all.save(dir.path(), &copy).unwrap_or_else(|e| panic!("{e}"));
        let text = std::fs::read_to_string(dir.path().join("copy.toml")).unwrap();
        assert!(text.contains("{ model = \"mock:b\", reasoning = \"high\" }"), "{text}");
        assert_eq!(presets(dir.path()).get("copy").map(|p| p.params.clone()).ok(), Some(deep.params.clone()));
    }

    #[test]
    fn a_user_preset_named_like_a_builtin_is_ignored_with_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("demo.toml"), "panel = [\"mock:a\"]\n").unwrap();
        std::fs::write(dir.path().join("chatgpt-duo.toml"), "panel = [\"mock:a\"]\n").unwrap();
        let all = presets(dir.path());
        assert_eq!(all.get("demo").map(|p| p.source.clone()).ok(), Some(PresetSource::BuiltIn));
        assert_eq!(
            all.warnings(),
            [
                format!(
                    "preset file `{}` is ignored: it is named like `chatgpt-duo`, an alias of the built-in preset \
                     `gpt-duo`, which always wins; rename the file",
                    dir.path().join("chatgpt-duo.toml").display()
                ),
                format!(
                    "preset file `{}` is ignored: it is named like the built-in preset `demo`, which always wins; \
                     rename the file",
                    dir.path().join("demo.toml").display()
                ),
            ]
        );
    }
}
