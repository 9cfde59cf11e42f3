//! Model parameters as configuration writes them: the three keys on a catalog or
//! config.toml model (`ParamsToml`), a preset's panel member, judge or synth as a name or
//! an inline table (`MemberToml`: `"opus"` or `{ model = "gpt-5.5", reasoning = "high" }`),
//! and the parameters a preset gives each of its calls (`PanelParams`).
//!
//! Converts the raw shapes once into the provider layer's `Params`, with the ranges it
//! checks; a bad value is the provider layer's `ParamError`, with the model's name when a
//! preset entry set it (`MemberParamError`). Knows nothing about routes: whether a route
//! can honour a parameter is `provider::params::check`'s, asked when a run is planned or
//! armed.

use serde::{Deserialize, Deserializer, Serialize};

use crate::provider::params::ParamError;
use crate::provider::{ParamKey, Params, Reasoning};

/// The parameter keys as TOML writes them, on a model or an inline panel member.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ParamsToml {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) temperature: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) max_output_tokens: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) reasoning: Option<String>,
}

impl ParamsToml {
    /// The resolved parameters; the error names the key and its range.
    pub(crate) fn resolve(&self) -> Result<Params, ParamError> {
        let mut params = Params { temperature: self.temperature, ..Params::default() };
        if let Some(n) = self.max_output_tokens {
            params.set(ParamKey::MaxOutputTokens, &n.to_string())?;
        }
        if let Some(word) = &self.reasoning {
            params.set(ParamKey::Reasoning, word)?;
        }
        params.validate()?;
        Ok(params)
    }

    pub(crate) fn from_params(params: Params) -> ParamsToml {
        ParamsToml {
            temperature: params.temperature,
            max_output_tokens: params.max_output_tokens.map(i64::from),
            reasoning: params.reasoning.map(|r: Reasoning| r.as_str().to_string()),
        }
    }
}

/// A panel member, judge or synth in a preset: a model name, or a table naming the model
/// and its parameters for this preset.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub(crate) enum MemberToml {
    Name(String),
    Table(MemberTableToml),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MemberTableToml {
    pub(crate) model: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) temperature: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) max_output_tokens: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) reasoning: Option<String>,
}

/// By hand rather than `untagged`, so that a table with a wrong key is refused with the
/// key's name instead of "did not match any variant".
impl<'de> Deserialize<'de> for MemberToml {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = MemberToml;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a model name, or a table such as { model = \"opus\", reasoning = \"high\" }")
            }
            fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<MemberToml, E> {
                Ok(MemberToml::Name(name.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<MemberToml, A::Error> {
                MemberTableToml::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(MemberToml::Table)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl MemberToml {
    pub(crate) fn model(&self) -> &str {
        match self {
            MemberToml::Name(name) => name,
            MemberToml::Table(t) => &t.model,
        }
    }

    /// The parameters this entry sets; the error names the model and the key.
    pub(crate) fn params(&self) -> Result<Params, MemberParamError> {
        match self {
            MemberToml::Name(_) => Ok(Params::default()),
            MemberToml::Table(t) => ParamsToml {
                temperature: t.temperature,
                max_output_tokens: t.max_output_tokens,
                reasoning: t.reasoning.clone(),
            }
            .resolve()
            .map_err(|error| MemberParamError { model: t.model.clone(), error }),
        }
    }

    /// The entry for `model` with `params`: a plain name when there are none.
    pub(crate) fn new(model: &str, params: Params) -> MemberToml {
        if params.is_empty() {
            return MemberToml::Name(model.to_string());
        }
        let p = ParamsToml::from_params(params);
        MemberToml::Table(MemberTableToml {
            model: model.to_string(),
            temperature: p.temperature,
            max_output_tokens: p.max_output_tokens,
            reasoning: p.reasoning,
        })
    }
}

/// A preset entry's parameter that is out of range or not a value: `` `opus`: `reasoning`
/// is `max`; ... ``.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("`{model}`: {error}")]
pub(crate) struct MemberParamError {
    pub(crate) model: String,
    #[source]
    pub(crate) error: ParamError,
}

/// The parameters a preset (or a run) gives each call, on top of the models' own.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PanelParams {
    /// By panel position; a position past the end has none.
    pub panel: Vec<Params>,
    pub judge: Params,
    pub synth: Params,
}

impl PanelParams {
    /// The parameters of the panel member at `index`.
    pub fn member(&self, index: usize) -> Params {
        self.panel.get(index).copied().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[derive(Debug, Deserialize)]
    struct Doc {
        panel: Vec<MemberToml>,
    }

    fn panel(text: &str) -> Result<Vec<MemberToml>, String> {
        toml::from_str::<Doc>(text).map(|d| d.panel).map_err(|e| e.message().to_string())
    }

    #[test]
    fn a_member_is_a_name_or_a_table_of_parameters() {
        let members = panel("panel = [\"opus\", { model = \"gpt-5.5\", reasoning = \"high\", temperature = 0.5 }]")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(members.iter().map(MemberToml::model).collect::<Vec<_>>(), ["opus", "gpt-5.5"]);
        assert_eq!(members[0].params(), Ok(Params::default()));
        assert_eq!(
            members[1].params(),
            Ok(Params { temperature: Some(0.5), max_output_tokens: None, reasoning: Some(Reasoning::High) })
        );
    }

    #[test]
    fn a_bad_member_says_what_is_wrong() {
        assert_eq!(
            panel("panel = [{ model = \"opus\", effort = \"high\" }]"),
            Err("unknown field `effort`, expected one of `model`, `temperature`, `max_output_tokens`, `reasoning`"
                .to_string())
        );
        let bad = panel("panel = [{ model = \"opus\", reasoning = \"max\" }]").unwrap_or_else(|e| panic!("{e}"));
        let message = |m: &MemberToml| m.params().err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(message(&bad[0]), "`opus`: `reasoning` is `max`; it must be low, medium or high");
        assert_eq!(
            bad[0].params(),
            Err(MemberParamError { model: "opus".into(), error: ParamError::NoSuchEffort("max".into()) })
        );
        // An integer is taken as the float it is.
        let hot = panel("panel = [{ model = \"opus\", temperature = 3 }]").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(message(&hot[0]), "`opus`: `temperature` is 3; it must be from 0 to 2");
    }

    #[test]
    fn an_entry_with_no_parameters_is_written_as_a_name() {
        assert_eq!(MemberToml::new("opus", Params::default()), MemberToml::Name("opus".into()));
        let high = Params { reasoning: Some(Reasoning::High), ..Params::default() };
        assert_eq!(
            toml::to_string(&MemberToml::new("gpt-5.5", high)).ok(),
            Some("model = \"gpt-5.5\"\nreasoning = \"high\"\n".to_string())
        );
    }
}
