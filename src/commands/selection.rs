//! Which models a command works with: from flags, from a scope's armed state, or from
//! the configured default preset; validated against the catalog.

use crate::cli::PanelArgs;
use crate::config::Config;
use crate::config::presets::{CUSTOM, check_panel, judge_and_synth};
use crate::error::{Error, Result};
use crate::provider::agent_cli;
use crate::scope::state::{Armed, ScopeState};

/// A resolved choice of models.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    Single { model: String },
    Fusion { preset: Option<String>, panel: Vec<String>, judge: String, synth: String },
}

impl Selection {
    /// The selection the flags ask for, or `None` when they name no panel.
    pub fn from_flags(flags: &PanelArgs, config: &Config) -> Result<Option<Selection>> {
        let selection = match (&flags.model, flags.preset.as_deref(), &flags.models) {
            (Some(model), _, _) => {
                if flags.judge.is_some() || flags.synth.is_some() {
                    return Err(Error::usage(
                        "--judge and --synth need a panel, but --model runs one model alone",
                        "use `--models a,b --judge j` for fusion, or drop --judge/--synth",
                    ));
                }
                Some(Selection::Single { model: model.clone() })
            }
            (None, Some(CUSTOM), None) => {
                return Err(Error::usage("--preset custom needs --models", "add `--models a,b,...`"));
            }
            (None, Some(name), Some(_)) if name != CUSTOM => {
                return Err(Error::usage(
                    format!("--preset `{name}` and --models both name a panel"),
                    "use one of them, or `--preset custom --models a,b`",
                ));
            }
            (None, Some(name), None) => {
                let preset = config.presets.get(name)?;
                Some(Selection::Fusion {
                    preset: Some(preset.name.clone()),
                    panel: preset.panel.clone(),
                    judge: preset.judge.clone(),
                    synth: preset.synth.clone(),
                })
            }
            (None, _, Some(models)) => Some(custom(models.clone())),
            (None, None, None) => None,
        };
        selection.map(|s| s.with_overrides(flags)).transpose()?.map(|s| s.validated(config)).transpose()
    }

    /// The selection a scope has armed, or `None` when it is off.
    pub fn from_state(state: &ScopeState, config: &Config) -> Result<Option<Selection>> {
        let selection = match &state.armed {
            Armed::Off => return Ok(None),
            Armed::Single { model } => Selection::Single { model: model.clone() },
            Armed::Preset { name } => {
                let preset = config.presets.get(name)?;
                Selection::Fusion {
                    preset: Some(preset.name.clone()),
                    panel: preset.panel.clone(),
                    judge: state.judge.clone().unwrap_or_else(|| preset.judge.clone()),
                    synth: state.synth.clone().unwrap_or_else(|| preset.synth.clone()),
                }
            }
            Armed::Custom { panel } => {
                let mut s = custom(panel.clone());
                if let Selection::Fusion { judge, synth, .. } = &mut s {
                    if let Some(j) = &state.judge {
                        judge.clone_from(j);
                    }
                    if let Some(x) = &state.synth {
                        synth.clone_from(x);
                    }
                }
                s
            }
        };
        selection.validated(config).map(Some)
    }

    /// Applies `--judge`/`--synth` from `flags`.
    pub fn with_overrides(mut self, flags: &PanelArgs) -> Result<Selection> {
        match &mut self {
            Selection::Fusion { judge, synth, .. } => {
                if let Some(j) = &flags.judge {
                    judge.clone_from(j);
                }
                if let Some(s) = &flags.synth {
                    synth.clone_from(s);
                }
            }
            Selection::Single { .. } if flags.judge.is_some() || flags.synth.is_some() => {
                return Err(Error::usage(
                    "--judge and --synth have no effect in single mode",
                    "arm or run a fusion panel to use a judge and a synth",
                ));
            }
            Selection::Single { .. } => {}
        }
        Ok(self)
    }

    fn validated(self, config: &Config) -> Result<Selection> {
        if let Selection::Fusion { panel, .. } = &self {
            check_panel(&config.catalog, panel)?;
        }
        for name in self.models() {
            let spec = config.catalog.resolve(name)?;
            for route in spec.routes.iter().filter(|r| r.provider.kind.agent_cli().is_some()) {
                agent_cli::check_model_id(&route.model).map_err(|e| {
                    Error::usage(
                        format!("invalid model `{name}`: {e}"),
                        "agent-CLI model ids are plain names such as `opus`",
                    )
                })?;
            }
        }
        Ok(self)
    }

    /// The preset name, `custom`, or the single model: how the selection is shown.
    pub fn label(&self) -> &str {
        match self {
            Selection::Single { model } => model,
            Selection::Fusion { preset: Some(p), .. } => p,
            Selection::Fusion { preset: None, .. } => CUSTOM,
        }
    }

    /// Every model the selection would call, in order, without repeats.
    pub fn models(&self) -> Vec<&str> {
        let all: Vec<&str> = match self {
            Selection::Single { model } => vec![model],
            Selection::Fusion { panel, judge, synth, .. } => {
                panel.iter().map(String::as_str).chain([judge.as_str(), synth.as_str()]).collect()
            }
        };
        let mut seen = Vec::new();
        for m in all {
            if !seen.contains(&m) {
                seen.push(m);
            }
        }
        seen
    }
}

fn custom(panel: Vec<String>) -> Selection {
    let (judge, synth) = judge_and_synth(&panel, None, None);
    Selection::Fusion { preset: None, panel, judge, synth }
}
