//! Which models a run calls: the ones a request names, or those a scope has armed (a
//! preset looked up once here, with what it sets of the run's shape); validated against
//! the catalog. `resolve` decides which of the two applies, and falls back to the
//! configured default preset. The parameters of each call are `params`'.

use std::time::Duration;

use crate::config::Config;
use crate::config::params::PanelParams;
use crate::config::presets::{COUNCIL, CUSTOM, NO_JUDGE, check_panel, judge_and_synth, judges_without_a_call};
use crate::error::{Error, Result};
use crate::provider::{Params, agent_cli};
use crate::scope::state::{Armed, ScopeState};

use super::PanelAsk;

/// A resolved choice of models.
#[derive(Debug, Clone, PartialEq)]
pub enum Selection {
    /// `params`: what `--param` sets for the model, on top of its own.
    Single { model: String, params: Params },
    /// `params`: what the preset's inline tables and `--param` set for each call;
    /// `preset_shape`: what the preset sets of the run's shape.
    Fusion {
        preset: Option<String>,
        panel: Vec<String>,
        judge: String,
        synth: String,
        params: PanelParams,
        preset_shape: PresetShape,
    },
}

/// What a preset sets of a run's shape (`grace_secs`, `rounds`, `quorum`): the limits'
/// defaults over config.toml's.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PresetShape {
    pub grace: Option<Duration>,
    pub rounds: Option<u32>,
    pub quorum: Option<usize>,
}

impl PresetShape {
    fn of(preset: &crate::config::Preset) -> PresetShape {
        PresetShape { grace: preset.grace, rounds: preset.rounds, quorum: preset.quorum }
    }
}

impl Selection {
    /// The selection a request names, or `None` when it names no panel.
    pub fn from_ask(flags: &PanelAsk, config: &Config) -> Result<Option<Selection>> {
        let selection = match (&flags.model, flags.preset.as_deref(), &flags.models) {
            (Some(model), _, _) => {
                if flags.judge.is_some() || flags.synth.is_some() {
                    return Err(Error::usage(
                        "--judge and --synth need a panel, but --model runs one model alone",
                        "use `--models a,b --judge j` for fusion, or drop --judge/--synth",
                    ));
                }
                Some(Selection::Single { model: model.clone(), params: Params::default() })
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
                    params: preset.params.clone(),
                    preset_shape: PresetShape::of(preset),
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
            Armed::Single { model } => Selection::Single { model: model.clone(), params: Params::default() },
            Armed::Preset { name } => {
                let preset = config.presets.get(name)?;
                // A judge or synth the scope names instead of the preset's has none of
                // the preset's parameters for it.
                let mut params = preset.params.clone();
                if state.judge.as_ref().is_some_and(|j| *j != preset.judge) {
                    params.judge = Params::default();
                }
                if state.synth.as_ref().is_some_and(|x| *x != preset.synth) {
                    params.synth = Params::default();
                }
                Selection::Fusion {
                    preset: Some(preset.name.clone()),
                    panel: preset.panel.clone(),
                    judge: state.judge.clone().unwrap_or_else(|| preset.judge.clone()),
                    synth: state.synth.clone().unwrap_or_else(|| preset.synth.clone()),
                    params,
                    preset_shape: PresetShape::of(preset),
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

    /// Applies the judge and synth `flags` name.
    pub fn with_overrides(mut self, flags: &PanelAsk) -> Result<Selection> {
        match &mut self {
            Selection::Fusion { judge, synth, params, .. } => {
                if let Some(j) = flags.judge.as_ref().filter(|j| *j != judge) {
                    judge.clone_from(j);
                    params.judge = Params::default();
                }
                if let Some(s) = flags.synth.as_ref().filter(|s| *s != synth) {
                    synth.clone_from(s);
                    params.synth = Params::default();
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
        if let Selection::Fusion { panel, synth, .. } = &self {
            check_panel(&config.catalog, panel)?;
            let words = [(COUNCIL, "only judges"), (NO_JUDGE, "only says there is no judge")];
            if let Some((word, what)) = words.into_iter().find(|(w, _)| synth == w || panel.iter().any(|m| m == w)) {
                return Err(Error::usage(
                    format!("`{word}` is not a model: it {what}, as `--judge {word}`"),
                    format!("name a model for the panel and the synth, e.g. `--models opus,gpt-5.5 --judge {word}`"),
                ));
            }
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

    /// How many members the selection asks.
    pub fn panel_size(&self) -> usize {
        match self {
            Selection::Single { .. } => 1,
            Selection::Fusion { panel, .. } => panel.len(),
        }
    }

    /// The preset name, `custom`, or the single model: how the selection is shown.
    pub fn label(&self) -> &str {
        match self {
            Selection::Single { model, .. } => model,
            Selection::Fusion { preset: Some(p), .. } => p,
            Selection::Fusion { preset: None, .. } => CUSTOM,
        }
    }

    /// Every model the selection would call, in order, without repeats (`council`, the
    /// panel itself as a judge, and `none`, no judge, are not models).
    pub fn models(&self) -> Vec<&str> {
        let all: Vec<&str> = match self {
            Selection::Single { model, .. } => vec![model],
            Selection::Fusion { panel, judge, synth, .. } => {
                panel.iter().map(String::as_str).chain([judge.as_str(), synth.as_str()]).collect()
            }
        };
        let mut seen = Vec::new();
        for m in all.into_iter().filter(|m| !judges_without_a_call(m)) {
            if !seen.contains(&m) {
                seen.push(m);
            }
        }
        seen
    }
}

fn custom(panel: Vec<String>) -> Selection {
    let (judge, synth) = judge_and_synth(&panel, None, None);
    Selection::Fusion {
        preset: None,
        panel,
        judge,
        synth,
        params: PanelParams::default(),
        preset_shape: PresetShape::default(),
    }
}
