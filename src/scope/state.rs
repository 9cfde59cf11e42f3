//! The state store: one TOML file per scope saying what is armed there and the
//! operator's hook tuning. Writes are atomic and serialised by a lock on the store's
//! directory, so concurrent writers never tear a file or lose the tuning.
//!
//! Knows nothing about presets or models beyond their names.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::config::{atomic, toml_file};
use crate::error::{Error, Result};
use crate::private_dir::PrivateDir;

/// Prompts shorter than this (in characters) are not fanned out by the hook by default.
pub const DEFAULT_MIN_CHARS: u32 = 12;

/// How many of the host conversation's last turns a hooked run sends by default: a user
/// turn and the reply to it count as two.
pub const DEFAULT_CONTEXT_TURNS: u32 = 6;

/// What a scope runs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Armed {
    #[default]
    Off,
    Single {
        model: String,
    },
    Preset {
        name: String,
    },
    Custom {
        panel: Vec<String>,
    },
}

impl Armed {
    pub fn mode(&self) -> Mode {
        match self {
            Armed::Off => Mode::Off,
            Armed::Single { .. } => Mode::Single,
            Armed::Preset { .. } | Armed::Custom { .. } => Mode::Fusion,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    #[default]
    Off,
    Single,
    Fusion,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Off => "off",
            Mode::Single => "single",
            Mode::Fusion => "fusion",
        }
    }
}

/// The operator's hook tuning; kept when the scope is re-armed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Tuning {
    pub min_chars: u32,
    pub fan_commands: bool,
    pub fan_loops: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget_secs: Option<u64>,
    /// How many of the host conversation's last turns a hooked run sends as context
    /// (0: none).
    pub context_turns: u32,
    /// Whether the files a hooked prompt mentions as `@path` are sent as context.
    pub context_files: bool,
    /// The most characters of `additionalContext` the hook hands the host; `None`: the
    /// host's own ceiling.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relay_chars: Option<u32>,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning {
            min_chars: DEFAULT_MIN_CHARS,
            fan_commands: false,
            fan_loops: false,
            budget_secs: None,
            context_turns: DEFAULT_CONTEXT_TURNS,
            context_files: true,
            relay_chars: None,
        }
    }
}

/// How each run of the scope is shaped beyond its panel, as `mode`/`compose` armed it:
/// replaced whenever the scope is re-armed (it belongs to the panel it was checked
/// against), unlike the tuning. Kept as the user wrote it; `commands` checks it again
/// when a run uses it, with the messages of the run flags.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Shape {
    /// `--param MODEL.KEY=VALUE`, each as given.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<String>,
    /// `--grace`, seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grace_secs: Option<f64>,
    /// `--quorum`, a number of members.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quorum: Option<usize>,
    /// `--rounds`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rounds: Option<u32>,
}

impl Shape {
    pub fn is_empty(&self) -> bool {
        *self == Shape::default()
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ScopeState {
    pub armed: Armed,
    pub judge: Option<String>,
    pub synth: Option<String>,
    /// RFC 3339, UTC.
    pub armed_at: Option<String>,
    pub shape: Shape,
    pub tuning: Tuning,
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ScopeStateToml {
    mode: Mode,
    #[serde(skip_serializing_if = "Option::is_none")]
    preset: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    panel: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    model: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    judge: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    synth: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    armed_at: Option<String>,
    #[serde(default, skip_serializing_if = "Shape::is_empty")]
    shape: Shape,
    #[serde(default)]
    tuning: Tuning,
}

impl ScopeStateToml {
    pub(crate) fn into_state(self) -> std::result::Result<ScopeState, StateError> {
        let armed = match (self.mode, self.model, self.preset, self.panel) {
            (Mode::Off, ..) => Armed::Off,
            (Mode::Single, Some(model), ..) => Armed::Single { model },
            (Mode::Fusion, _, Some(name), _) => Armed::Preset { name },
            (Mode::Fusion, _, None, Some(panel)) => Armed::Custom { panel },
            (Mode::Single, None, ..) => return Err(StateError::SingleWithoutModel),
            (Mode::Fusion, _, None, None) => return Err(StateError::FusionWithoutPanel),
        };
        // Checked again when a run uses it; refused here only so that a file that reads
        // is one that writes back the same (NaN is not equal to itself).
        if let Some(secs) = self.shape.grace_secs.filter(|s| !crate::config::settings::grace_allowed(*s)) {
            return Err(StateError::Grace(secs));
        }
        Ok(ScopeState {
            armed,
            judge: self.judge,
            synth: self.synth,
            armed_at: self.armed_at,
            shape: self.shape,
            tuning: self.tuning,
        })
    }

    pub(crate) fn from_state(state: &ScopeState) -> ScopeStateToml {
        let mut raw = ScopeStateToml {
            mode: state.armed.mode(),
            judge: state.judge.clone(),
            synth: state.synth.clone(),
            armed_at: state.armed_at.clone(),
            shape: state.shape.clone(),
            tuning: state.tuning.clone(),
            ..ScopeStateToml::default()
        };
        match &state.armed {
            Armed::Off => {}
            Armed::Single { model } => raw.model = Some(model.clone()),
            Armed::Preset { name } => raw.preset = Some(name.clone()),
            Armed::Custom { panel } => raw.panel = Some(panel.clone()),
        }
        raw
    }
}

/// A state file that parses as TOML but says nothing a scope can run: what `load` turns
/// into a warning (the scope is then `off`), naming the key that is missing or wrong.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StateError {
    #[error("mode `single` without a `model`")]
    SingleWithoutModel,
    #[error("mode `fusion` without a `preset` or `panel`")]
    FusionWithoutPanel,
    /// `grace_secs` in `[shape]`, out of its range.
    #[error("`grace_secs` in [shape] is {0}; it must be more than 0 and at most 3600")]
    Grace(f64),
}

/// A scope's state as read, with a warning when the file was there but unusable.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub state: ScopeState,
    pub warning: Option<String>,
}

/// The path of `scope`'s state file in `dir`.
pub fn path(dir: &Path, scope: &str) -> PathBuf {
    dir.join(format!("{scope}.toml"))
}

/// The scopes with a state file in `dir`, sorted; none when the directory is missing.
pub fn scopes(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            (path.extension()? == "toml").then(|| path.file_stem()?.to_str().map(str::to_string))?
        })
        .collect();
    names.sort();
    names
}

/// Reads a scope; a missing file is `off`, an unreadable one is `off` with a warning.
pub fn load(dir: &Path, scope: &str) -> Loaded {
    let path = path(dir, scope);
    let parsed = toml_file::read::<ScopeStateToml>(&path, "scope state").and_then(|raw| {
        raw.map(ScopeStateToml::into_state).transpose().map_err(|e| Error::InvalidFile {
            what: "scope state",
            path: path.clone(),
            message: e.to_string(),
        })
    });
    match parsed {
        Ok(state) => Loaded { state: state.unwrap_or_default(), warning: None },
        Err(err) => Loaded {
            state: ScopeState::default(),
            warning: Some(format!("{err}; treating scope `{scope}` as off (re-arm it with `frontier mode`)")),
        },
    }
}

/// Reads, changes and writes a scope under the store's lock, so that concurrent
/// writers apply their changes one after another. Returns the state written.
/// The directory is opened once, refusing a symbolic link in its place, and the file is
/// written through it.
pub fn update(dir: &Path, scope: &str, change: impl FnOnce(&mut ScopeState)) -> Result<ScopeState> {
    let private = PrivateDir::open(dir).map_err(atomic::dir_error)?;
    let lock = private.handle().map_err(atomic::dir_error)?;
    lock.lock().map_err(|e| Error::io("lock", dir, e))?;
    let mut state = load(dir, scope).state;
    change(&mut state);
    let text = toml::to_string(&ScopeStateToml::from_state(&state))
        .map_err(|e| Error::internal(format!("could not encode scope `{scope}`: {e}"), "report this bug"))?;
    let written = private.write(&format!("{scope}.toml"), text.as_bytes()).map_err(atomic::dir_error);
    drop(lock); // releases the lock
    written.map(|_| state)
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn missing_is_off_and_garbage_is_off_with_a_warning() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(load(dir.path(), "x"), Loaded { state: ScopeState::default(), warning: None });
        std::fs::write(path(dir.path(), "x"), "mode = \"fusion\"\n").unwrap_or_else(|e| panic!("{e}"));
        let loaded = load(dir.path(), "x");
        assert_eq!(loaded.state, ScopeState::default());
        assert!(loaded.warning.unwrap_or_default().contains("mode `fusion` without a `preset` or `panel`"));
    }

    #[test]
    fn a_grace_out_of_range_is_a_damaged_file() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        for grace in ["nan", "0.0", "-1.0", "inf"] {
            let text = format!("mode = \"single\"\nmodel = \"m\"\n[shape]\ngrace_secs = {grace}\n");
            std::fs::write(path(dir.path(), "x"), text).unwrap_or_else(|e| panic!("{e}"));
            let loaded = load(dir.path(), "x");
            assert_eq!(loaded.state, ScopeState::default(), "{grace}");
            assert!(loaded.warning.unwrap_or_default().contains("`grace_secs` in [shape] is"), "{grace}");
        }
    }

    #[test]
    fn a_state_that_runs_nothing_is_named_in_the_warning() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let file = path(dir.path(), "x");
        std::fs::write(&file, "mode = \"single\"\n").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            load(dir.path(), "x").warning,
            Some(format!(
                "invalid scope state `{}`: mode `single` without a `model`; treating scope `x` as off (re-arm it with `frontier mode`)",
                file.display()
            ))
        );
        let raw = |text: &str| toml::from_str::<ScopeStateToml>(text).unwrap_or_else(|e| panic!("{e}"));
        let grace = raw("mode = \"single\"\nmodel = \"m\"\n[shape]\ngrace_secs = 0.0\n").into_state();
        assert_eq!(grace, Err(StateError::Grace(0.0)));
        assert_eq!(
            grace.err().map(|e| e.to_string()).as_deref(),
            Some("`grace_secs` in [shape] is 0; it must be more than 0 and at most 3600")
        );
        assert_eq!(raw("mode = \"fusion\"\n").into_state(), Err(StateError::FusionWithoutPanel));
    }

    #[test]
    fn scopes_lists_the_state_files() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(scopes(&dir.path().join("missing")), Vec::<String>::new());
        for scope in ["b", "a"] {
            update(dir.path(), scope, |s| s.armed = Armed::Preset { name: "p".into() })
                .unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(dir.path().join("notes.txt"), "x").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(scopes(dir.path()), vec!["a".to_string(), "b".to_string()]);
    }

    #[test]
    fn rearming_keeps_tuning() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let tuned = Tuning {
            min_chars: 40,
            fan_commands: true,
            fan_loops: false,
            budget_secs: Some(120),
            context_turns: 2,
            context_files: false,
            relay_chars: Some(4000),
        };
        update(dir.path(), "s", |s| s.tuning = tuned.clone()).unwrap_or_else(|e| panic!("{e}"));
        update(dir.path(), "s", |s| s.armed = Armed::Preset { name: "demo".into() }).unwrap_or_else(|e| panic!("{e}"));
        update(dir.path(), "s", |s| s.armed = Armed::Single { model: "opus".into() }).unwrap_or_else(|e| panic!("{e}"));
        let state = load(dir.path(), "s").state;
        assert_eq!(state.armed, Armed::Single { model: "opus".into() });
        assert_eq!(state.tuning, tuned);
    }

    #[test]
    fn every_armed_shape_round_trips() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        for armed in [
            Armed::Off,
            Armed::Single { model: "opus".into() },
            Armed::Preset { name: "demo".into() },
            Armed::Custom { panel: vec!["a".into(), "b".into()] },
        ] {
            let shape = Shape {
                params: vec!["gpt-5.5.reasoning=high".into()],
                grace_secs: Some(0.5),
                quorum: Some(2),
                rounds: Some(2),
            };
            let want = ScopeState { armed, judge: Some("j".into()), shape, ..ScopeState::default() };
            let w = want.clone();
            update(dir.path(), "s", move |s| *s = w).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(load(dir.path(), "s"), Loaded { state: want, warning: None });
        }
    }
}
