//! A preset file: its TOML shape (`PresetToml`, private to `presets`), the conversions
//! between it and a `Preset`, the checks a file must pass (`PresetError`), and a user's
//! file checked as the loader checks one (`user_preset`).
//!
//! Knows nothing of directories or of which presets are built in (`load`); knows the
//! catalog only to check that a panel's models exist.

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{COUNCIL, NO_JUDGE, Preset, PresetSource, check_panel, judge_and_synth};
use crate::config::bounds::{self, MAX_ROUNDS};
use crate::config::catalog::Catalog;
use crate::config::params::{MemberToml, PanelParams};
use crate::error::{Error, Result};
use crate::provider::Params;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PresetToml {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    description: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    aliases: Vec<String>,
    /// Names, or inline tables of a name and its parameters for this preset.
    panel: Vec<MemberToml>,
    judge: Option<MemberToml>,
    synth: Option<MemberToml>,
    /// Seconds the rest of the panel get once the quorum has answered (`--grace`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    grace_secs: Option<f64>,
    /// How many times the panel answers (`--rounds`), 1 to 3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    rounds: Option<u32>,
    /// How many answers start the grace (`--quorum`), 1 to the panel's size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    quorum: Option<usize>,
}

/// Why a preset file's contents are refused, worded for the `invalid preset file` error
/// that names the file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub(super) enum PresetError {
    /// An entry's parameter is out of its range; `config::params` words it, naming the
    /// entry's model.
    #[error("{0}")]
    Param(#[from] crate::config::params::MemberParamError),
    #[error("the judge `{}` takes no parameters: each member ranks with its own", COUNCIL)]
    CouncilParams,
    #[error("the judge `{}` takes no parameters: there is no judge call", NO_JUDGE)]
    NoJudgeParams,
    #[error("`rounds` is {0}; it must be from 1 to {max}", max = MAX_ROUNDS)]
    Rounds(u32),
    #[error("`quorum` is {quorum}; it must be from 1 to the panel's {members} members")]
    Quorum { quorum: usize, members: usize },
    #[error("`grace_secs` is {0}; it must be more than 0 and at most 3600")]
    Grace(f64),
}

impl PresetToml {
    /// `preset` as `preset save` writes it: every entry with the parameters it runs with,
    /// the judge and synth named even when they are the first member.
    pub(super) fn from_preset(preset: &Preset) -> PresetToml {
        PresetToml {
            description: preset.description.clone(),
            aliases: Vec::new(),
            panel: preset.panel.iter().enumerate().map(|(i, m)| MemberToml::new(m, preset.params.member(i))).collect(),
            judge: Some(MemberToml::new(&preset.judge, preset.params.judge)),
            synth: Some(MemberToml::new(&preset.synth, preset.params.synth)),
            grace_secs: preset.grace.map(|g| g.as_secs_f64()),
            rounds: preset.rounds,
            quorum: preset.quorum,
        }
    }
}

impl Preset {
    /// The preset a file describes; the error says which check it fails (for a wrong
    /// parameter, which entry's).
    pub(super) fn from_toml(
        name: &str,
        raw: PresetToml,
        source: PresetSource,
    ) -> std::result::Result<Preset, PresetError> {
        let panel: Vec<String> = raw.panel.iter().map(|m| m.model().to_string()).collect();
        let member_params = raw
            .panel
            .iter()
            .map(MemberToml::params)
            .collect::<std::result::Result<_, _>>()
            .map_err(PresetError::Param)?;
        let params_of = |m: &Option<MemberToml>| {
            m.as_ref().map_or(Ok(Params::default()), MemberToml::params).map_err(PresetError::Param)
        };
        // A judge or synth left out defaults to the first member, with that member's
        // parameters: it is the same model as the preset wrote it.
        let first = member_params_first(&raw.panel)?;
        let judge_params = if raw.judge.is_some() { params_of(&raw.judge)? } else { first };
        let synth_params = if raw.synth.is_some() { params_of(&raw.synth)? } else { first };
        let name_of = |m: Option<MemberToml>| m.map(|m| m.model().to_string());
        if raw.judge.as_ref().is_some_and(|j| j.model() == COUNCIL) && !judge_params.is_empty() {
            return Err(PresetError::CouncilParams);
        }
        if raw.judge.as_ref().is_some_and(|j| j.model() == NO_JUDGE) && !judge_params.is_empty() {
            return Err(PresetError::NoJudgeParams);
        }
        if let Some(n) = raw.rounds.filter(|n| !bounds::rounds_allowed(*n)) {
            return Err(PresetError::Rounds(n));
        }
        if let Some(k) = raw.quorum.filter(|k| !(1..=panel.len().max(1)).contains(k)) {
            return Err(PresetError::Quorum { quorum: k, members: panel.len() });
        }
        let (judge, synth) = judge_and_synth(&panel, name_of(raw.judge), name_of(raw.synth));
        Ok(Preset {
            name: name.to_string(),
            description: raw.description,
            aliases: raw.aliases,
            judge,
            synth,
            panel,
            params: PanelParams { panel: member_params, judge: judge_params, synth: synth_params },
            grace: raw.grace_secs.filter(|s| bounds::grace_allowed(*s)).map(std::time::Duration::from_secs_f64),
            rounds: raw.rounds,
            quorum: raw.quorum,
            source,
        })
    }
}

fn member_params_first(panel: &[MemberToml]) -> std::result::Result<Params, PresetError> {
    panel.first().map_or(Ok(Params::default()), MemberToml::params).map_err(PresetError::Param)
}

/// The user's preset file `path`, called `name`, as `Presets::load` takes it in: a
/// `grace_secs` out of range is refused (a built-in's is ignored), and the panel's
/// models must exist in `catalog`.
pub(super) fn user_preset(name: &str, path: &Path, raw: PresetToml, catalog: &Catalog) -> Result<Preset> {
    let invalid = |message: String| Error::InvalidFile { what: "preset file", path: path.to_path_buf(), message };
    if let Some(secs) = raw.grace_secs.filter(|s| !bounds::grace_allowed(*s)) {
        return Err(invalid(PresetError::Grace(secs).to_string()));
    }
    let preset =
        Preset::from_toml(name, raw, PresetSource::User(path.to_path_buf())).map_err(|e| invalid(e.to_string()))?;
    check_panel(catalog, &preset.panel).map_err(|e| invalid(e.to_string()))?;
    Ok(preset)
}

/// `text` as the user's preset file called `name`, parsed and checked as `Presets::load`
/// does with the file's contents: the fuzz targets' way in (`crate::fuzzing`), which have
/// text and no file.
#[cfg(any(test, fuzzing))]
pub fn user_preset_text(name: &str, text: &str, catalog: &Catalog) -> Result<Preset> {
    let path = Path::new("presets").join(format!("{name}.toml"));
    let raw: PresetToml = crate::config::toml_file::parse(text, &path, "preset file")?;
    user_preset(name, &path, raw, catalog)
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn a_refused_preset_file_says_which_check_it_fails() {
        let catalog = Catalog::builtin().unwrap_or_else(|e| panic!("{e}"));
        let refusal = |text: &str| user_preset_text("mine", text, &catalog).err().map(|e| e.to_string());
        let file = Path::new("presets").join("mine.toml");
        let invalid = |why: &str| Some(format!("invalid preset file `{}`: {why}", file.display()));
        assert_eq!(refusal("panel = [\"mock:a\"]\nrounds = 4\n"), invalid("`rounds` is 4; it must be from 1 to 3"));
        assert_eq!(
            refusal("panel = [\"mock:a\", \"mock:b\"]\nquorum = 3\n"),
            invalid("`quorum` is 3; it must be from 1 to the panel's 2 members")
        );
        assert_eq!(
            refusal("panel = [\"mock:a\"]\njudge = { model = \"council\", temperature = 0.5 }\n"),
            invalid("the judge `council` takes no parameters: each member ranks with its own")
        );
        assert_eq!(
            refusal("panel = [\"mock:a\"]\njudge = { model = \"none\", max_output_tokens = 100 }\n"),
            invalid("the judge `none` takes no parameters: there is no judge call")
        );
        assert_eq!(
            refusal("panel = [\"mock:a\"]\ngrace_secs = 0.0\n"),
            invalid("`grace_secs` is 0; it must be more than 0 and at most 3600")
        );
        assert_eq!(
            refusal("panel = [{ model = \"mock:a\", temperature = 9.0 }]\n"),
            invalid("`mock:a`: `temperature` is 9; it must be from 0 to 2")
        );
        assert_eq!(
            user_preset_text("mine", "panel = [\"mock:a\"]\n", &catalog).map(|p| p.panel).ok(),
            Some(vec!["mock:a".to_string()])
        );
    }
}
