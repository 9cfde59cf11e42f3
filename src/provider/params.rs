//! Per-model parameters once resolved: `temperature`, `max_output_tokens` and
//! `reasoning` (an effort level), each optional, as one small value every layer above
//! hands down (`Params`); how one layer of them overrides another (`over`); and which
//! kinds of route can honour which of them (`check`), so that a parameter a route can't
//! take is refused before anything is sent instead of being dropped.
//!
//! The translation into each API's own fields is the adapters' (`openai`, `anthropic`,
//! `gemini`, `agent_cli`); this file knows only the values, their ranges and what a kind
//! accepts. Knows nothing about TOML, flags, catalogs or presets: where a value was set
//! is the configuration's business.

use serde::{Deserialize, Serialize};

use super::kind::{AgentCli, ProviderKind};

/// The highest temperature any API takes (OpenAI's and Gemini's range is 0 to 2).
pub const MAX_TEMPERATURE: f64 = 2.0;
/// The highest temperature Anthropic's Messages API takes.
pub const MAX_ANTHROPIC_TEMPERATURE: f64 = 1.0;
/// The largest `max_output_tokens` accepted: past every model's output limit.
pub const MAX_OUTPUT_TOKENS_LIMIT: u32 = 1_000_000;

/// An effort level for a reasoning model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Reasoning {
    Low,
    Medium,
    High,
}

impl Reasoning {
    pub fn as_str(self) -> &'static str {
        match self {
            Reasoning::Low => "low",
            Reasoning::Medium => "medium",
            Reasoning::High => "high",
        }
    }

    pub fn parse(word: &str) -> Option<Reasoning> {
        [Reasoning::Low, Reasoning::Medium, Reasoning::High].into_iter().find(|r| r.as_str() == word)
    }

    /// The thinking budget in tokens Anthropic's extended thinking gets at this level
    /// (the API's minimum is 1024). The answer's own cap comes on top of it.
    pub fn anthropic_budget_tokens(self) -> u32 {
        match self {
            Reasoning::Low => 2_048,
            Reasoning::Medium => 8_192,
            Reasoning::High => 24_576,
        }
    }
}

/// One of the parameters, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKey {
    Temperature,
    MaxOutputTokens,
    Reasoning,
}

/// Every parameter, in the order they are listed to users.
pub const PARAM_KEYS: [ParamKey; 3] = [ParamKey::Temperature, ParamKey::MaxOutputTokens, ParamKey::Reasoning];

impl ParamKey {
    pub fn as_str(self) -> &'static str {
        match self {
            ParamKey::Temperature => "temperature",
            ParamKey::MaxOutputTokens => "max_output_tokens",
            ParamKey::Reasoning => "reasoning",
        }
    }

    pub fn parse(name: &str) -> Option<ParamKey> {
        PARAM_KEYS.into_iter().find(|k| k.as_str() == name)
    }
}

/// The parameters one call is sent with; `None` leaves the provider's default.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_output_tokens: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasoning: Option<Reasoning>,
}

impl Params {
    pub fn is_empty(&self) -> bool {
        self.keys().is_empty()
    }

    /// The parameters that are set, in `PARAM_KEYS` order.
    pub fn keys(&self) -> Vec<ParamKey> {
        let set = [self.temperature.is_some(), self.max_output_tokens.is_some(), self.reasoning.is_some()];
        PARAM_KEYS.into_iter().zip(set).filter(|(_, s)| *s).map(|(k, _)| k).collect()
    }

    /// The parameters that are set, each as its key and its value as `--param` writes
    /// it (`temperature`, `0.7`), in `PARAM_KEYS` order.
    pub fn pairs(&self) -> Vec<(&'static str, String)> {
        self.keys()
            .into_iter()
            .map(|key| {
                let value = match key {
                    ParamKey::Temperature => self.temperature.map(|t| t.to_string()),
                    ParamKey::MaxOutputTokens => self.max_output_tokens.map(|n| n.to_string()),
                    ParamKey::Reasoning => self.reasoning.map(|r| r.as_str().to_string()),
                };
                (key.as_str(), value.unwrap_or_default())
            })
            .collect()
    }

    /// These parameters with every one `later` sets replacing this one's.
    pub fn over(self, later: Params) -> Params {
        Params {
            temperature: later.temperature.or(self.temperature),
            max_output_tokens: later.max_output_tokens.or(self.max_output_tokens),
            reasoning: later.reasoning.or(self.reasoning),
        }
    }

    /// Sets `key` from its text (`0.7`, `4000`, `high`); the error says what is wrong.
    pub fn set(&mut self, key: ParamKey, value: &str) -> Result<(), ParamError> {
        let text = || value.to_string();
        match key {
            ParamKey::Temperature => {
                let t: f64 = value.parse().map_err(|_| ParamError::NotANumber(text()))?;
                self.temperature = Some(t);
            }
            ParamKey::MaxOutputTokens => {
                let n: u32 = value.parse().map_err(|_| ParamError::NotAWholeNumber(text()))?;
                self.max_output_tokens = Some(n);
            }
            ParamKey::Reasoning => {
                let r = Reasoning::parse(value).ok_or_else(|| ParamError::NoSuchEffort(text()))?;
                self.reasoning = Some(r);
            }
        }
        self.validate()
    }

    /// Checks the ranges every API shares: a temperature from 0 to 2, at least one token.
    pub fn validate(&self) -> Result<(), ParamError> {
        if let Some(t) = self.temperature.filter(|t| !(t.is_finite() && (0.0..=MAX_TEMPERATURE).contains(t))) {
            return Err(ParamError::TemperatureOutOfRange(t));
        }
        if let Some(n) = self.max_output_tokens.filter(|n| !(1..=MAX_OUTPUT_TOKENS_LIMIT).contains(n)) {
            return Err(ParamError::MaxOutputTokensOutOfRange(n));
        }
        Ok(())
    }
}

/// A parameter's value that is not one: what `Params::set` and `Params::validate`
/// refuse, each naming the key, the value and what it must be. Where the value was
/// written (a flag, config.toml, a preset) is the caller's to add.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ParamError {
    #[error("`temperature` is `{0}`, not a number")]
    NotANumber(String),
    #[error("`max_output_tokens` is `{0}`, not a whole number")]
    NotAWholeNumber(String),
    #[error("`reasoning` is `{0}`; it must be low, medium or high")]
    NoSuchEffort(String),
    #[error("`temperature` is {0}; it must be from 0 to {MAX_TEMPERATURE}")]
    TemperatureOutOfRange(f64),
    #[error("`max_output_tokens` is {0}; it must be from 1 to {MAX_OUTPUT_TOKENS_LIMIT}")]
    MaxOutputTokensOutOfRange(u32),
}

/// Why a route can't honour a parameter, and what to do instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub key: ParamKey,
    /// Completes "does not take parameter `KEY`": empty, or a clause such as " above 1".
    pub detail: String,
    pub hint: String,
}

/// Which parameters an agent CLI has a flag for.
fn cli_takes(cli: AgentCli, key: ParamKey) -> bool {
    match (cli, key) {
        // `claude --effort` and `codex -c model_reasoning_effort=...`.
        (AgentCli::Claude | AgentCli::Codex, ParamKey::Reasoning) => true,
        _ => false,
    }
}

/// Whether a route of `kind` can honour every parameter in `params`: the HTTP APIs take
/// all three (Anthropic with its narrower temperature range, and no temperature but 1
/// next to extended thinking); agent CLIs only what they have a flag for; the mock takes
/// everything.
pub fn check(kind: ProviderKind, params: &Params) -> Result<(), Refusal> {
    match kind {
        ProviderKind::OpenAi | ProviderKind::Gemini | ProviderKind::Mock => Ok(()),
        ProviderKind::Anthropic => {
            if let Some(t) = params.temperature.filter(|t| *t > MAX_ANTHROPIC_TEMPERATURE) {
                return Err(Refusal {
                    key: ParamKey::Temperature,
                    detail: format!(" of {t} (Anthropic's range is 0 to 1)"),
                    hint: "set a temperature from 0 to 1 for this model".into(),
                });
            }
            if params.reasoning.is_some() && params.temperature.is_some_and(|t| t != 1.0) {
                return Err(Refusal {
                    key: ParamKey::Temperature,
                    detail: " together with `reasoning` (extended thinking needs the temperature unset or 1)".into(),
                    hint: "drop `temperature` or `reasoning` for this model".into(),
                });
            }
            Ok(())
        }
        ProviderKind::AgentCli(cli) => match params.keys().into_iter().find(|k| !cli_takes(cli, *k)) {
            None => Ok(()),
            Some(key) => {
                let takes: Vec<&str> =
                    PARAM_KEYS.into_iter().filter(|k| cli_takes(cli, *k)).map(ParamKey::as_str).collect();
                let takes = if takes.is_empty() { "none".to_string() } else { takes.join(", ") };
                Err(Refusal {
                    key,
                    detail: String::new(),
                    hint: format!(
                        "the `{}` CLI has no flag for it (it takes: {takes}); drop it, or route the model through its API",
                        cli.program()
                    ),
                })
            }
        },
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Result<Params, String> {
        let mut p = Params::default();
        for (k, v) in pairs {
            p.set(ParamKey::parse(k).ok_or("no such key")?, v).map_err(|e| e.to_string())?;
        }
        Ok(p)
    }

    #[test]
    fn later_layers_override_earlier_ones_key_by_key() {
        let catalog = params(&[("temperature", "0.2"), ("reasoning", "low")]).unwrap();
        let preset = params(&[("reasoning", "high")]).unwrap();
        let run = params(&[("max_output_tokens", "500")]).unwrap();
        assert_eq!(
            catalog.over(preset).over(run),
            Params { temperature: Some(0.2), max_output_tokens: Some(500), reasoning: Some(Reasoning::High) }
        );
        assert_eq!(Params::default().over(Params::default()), Params::default());
    }

    #[test]
    fn values_are_parsed_and_ranged() {
        assert_eq!(params(&[("temperature", "2")]).map(|p| p.temperature), Ok(Some(2.0)));
        assert_eq!(params(&[("temperature", "2.5")]), Err("`temperature` is 2.5; it must be from 0 to 2".to_string()));
        assert_eq!(params(&[("temperature", "NaN")]), Err("`temperature` is NaN; it must be from 0 to 2".to_string()));
        assert_eq!(params(&[("temperature", "warm")]), Err("`temperature` is `warm`, not a number".to_string()));
        assert_eq!(
            params(&[("max_output_tokens", "0")]),
            Err("`max_output_tokens` is 0; it must be from 1 to 1000000".to_string())
        );
        assert_eq!(
            params(&[("max_output_tokens", "-3")]),
            Err("`max_output_tokens` is `-3`, not a whole number".to_string())
        );
        assert_eq!(
            params(&[("reasoning", "max")]),
            Err("`reasoning` is `max`; it must be low, medium or high".to_string())
        );
    }

    #[test]
    fn each_kind_takes_what_it_can_honour() {
        let all = params(&[("temperature", "1"), ("max_output_tokens", "100"), ("reasoning", "high")]).unwrap();
        for kind in [ProviderKind::OpenAi, ProviderKind::Gemini, ProviderKind::Mock, ProviderKind::Anthropic] {
            assert_eq!(check(kind, &all), Ok(()), "{kind:?}");
        }
        let reasoning = params(&[("reasoning", "medium")]).unwrap();
        for cli in [AgentCli::Claude, AgentCli::Codex] {
            assert_eq!(check(ProviderKind::AgentCli(cli), &reasoning), Ok(()));
            assert_eq!(check(ProviderKind::AgentCli(cli), &all).map_err(|r| r.key), Err(ParamKey::Temperature));
        }
        let refused = check(ProviderKind::AgentCli(AgentCli::Gemini), &reasoning);
        assert_eq!(
            refused,
            Err(Refusal {
                key: ParamKey::Reasoning,
                detail: String::new(),
                hint:
                    "the `gemini` CLI has no flag for it (it takes: none); drop it, or route the model through its API"
                        .into()
            })
        );
    }

    #[test]
    fn anthropic_refuses_a_hot_temperature_and_one_next_to_thinking() {
        let hot = params(&[("temperature", "1.5")]).unwrap();
        assert_eq!(
            check(ProviderKind::Anthropic, &hot).map_err(|r| r.detail),
            Err(" of 1.5 (Anthropic's range is 0 to 1)".to_string())
        );
        let cool_thinking = params(&[("temperature", "0.3"), ("reasoning", "low")]).unwrap();
        assert_eq!(check(ProviderKind::Anthropic, &cool_thinking).map_err(|r| r.key), Err(ParamKey::Temperature));
    }

    #[test]
    fn the_report_shows_only_what_is_set() {
        let p = params(&[("reasoning", "high"), ("temperature", "0.7")]).unwrap();
        assert_eq!(serde_json::to_value(p).unwrap(), serde_json::json!({"temperature": 0.7, "reasoning": "high"}));
    }
}
