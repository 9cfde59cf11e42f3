//! Building a `Catalog`: the built-in catalog, then the user's additions from config.toml
//! on top (an entry of the same name replaces the built-in one), each entry checked as it
//! is added and the whole checked once more for routes, prices and aliases that point
//! nowhere.
//!
//! Knows nothing about the environment: whether a route is ready is `readiness`'s.

use std::collections::BTreeMap;
use std::path::Path;

use super::super::bounds;
use super::key_var::check_key_variable;
use super::toml::CatalogToml;
use super::{Catalog, MOCK_PROVIDER, ModelEntry, ProviderInfo, prices};
use crate::config::params::ParamsToml;
use crate::config::toml_file;
use crate::error::{Error, Result};
use crate::provider::BaseUrl;
use crate::provider::kind::{CONFIGURABLE_KINDS, ProviderKind};

const BUILTIN_CATALOG: &str = include_str!("../../../presets/catalog.toml");

impl Catalog {
    /// The built-in catalog alone.
    pub fn builtin() -> Result<Catalog> {
        Catalog::with_overlay(CatalogToml::default(), Path::new("config.toml"))
    }

    /// The built-in catalog with the user's `overlay` (from `path`) added on top: entries
    /// of the same name replace built-in ones.
    pub(crate) fn with_overlay(overlay: CatalogToml, path: &Path) -> Result<Catalog> {
        let builtin_path = Path::new("<built-in>/presets/catalog.toml");
        let base: CatalogToml = toml_file::parse(BUILTIN_CATALOG, builtin_path, "built-in catalog")?;
        let mut catalog = Catalog {
            providers: BTreeMap::new(),
            models: BTreeMap::new(),
            aliases: BTreeMap::new(),
            prices: BTreeMap::new(),
        };
        catalog.add(base, builtin_path)?;
        catalog.add(overlay, path)?;
        catalog.validate(path)?;
        Ok(catalog)
    }

    fn add(&mut self, raw: CatalogToml, path: &Path) -> Result<()> {
        let invalid = |message: String| Error::InvalidFile { what: "config file", path: path.to_path_buf(), message };
        for (name, p) in raw.providers {
            if name == MOCK_PROVIDER || !valid_name(&name) {
                return Err(invalid(format!(
                    "provider name `{name}` is not allowed: use letters, digits and `-`, and not `mock`"
                )));
            }
            let kind = ProviderKind::parse(&p.kind).ok_or_else(|| {
                let known: Vec<&str> = CONFIGURABLE_KINDS.iter().map(|(k, _)| *k).collect();
                invalid(format!("provider `{name}` has kind `{}`; the kinds are {}", p.kind, known.join(", ")))
            })?;
            let base_url = match (kind.agent_cli(), p.base_url) {
                (Some(_), None) => BaseUrl::default(),
                (Some(_), Some(_)) => {
                    return Err(invalid(format!("provider `{name}` is an agent CLI and takes no base_url")));
                }
                (None, None) => return Err(invalid(format!("provider `{name}` needs a base_url"))),
                (None, Some(url)) => BaseUrl::parse(&url).map_err(|e| invalid(format!("provider `{name}`: {e}")))?,
            };
            if let Some(var) = &p.api_key_env {
                check_key_variable(&name, var).map_err(|e| invalid(e.to_string()))?;
            }
            let prompt_cache_key = match (kind, p.prompt_cache_key) {
                (_, None) => false,
                (ProviderKind::OpenAi, Some(accepted)) => accepted,
                (_, Some(_)) => {
                    return Err(invalid(format!(
                        "provider `{name}` is not of kind `openai` and takes no prompt_cache_key"
                    )));
                }
            };
            let api_key_env = p.api_key_env;
            self.providers.insert(name.clone(), ProviderInfo { name, kind, base_url, api_key_env, prompt_cache_key });
        }
        for (id, m) in raw.models {
            if id.contains(':') || id.is_empty() {
                return Err(invalid(format!("model id `{id}` must not be empty or contain `:`")));
            }
            if m.routes.is_empty() {
                return Err(invalid(format!("model `{id}` has no routes")));
            }
            if m.context_window.is_some_and(|w| !(1_000..=100_000_000).contains(&w)) {
                return Err(invalid(format!(
                    "model `{id}` has context_window {}; it must be from 1000 to 100000000 tokens",
                    m.context_window.unwrap_or_default()
                )));
            }
            let params = ParamsToml {
                temperature: m.temperature,
                max_output_tokens: m.max_output_tokens,
                reasoning: m.reasoning.clone(),
            }
            .resolve()
            .map_err(|e| invalid(format!("model `{id}`: {e}")))?;
            if let Some(secs) = m.first_token_timeout_secs.filter(|s| !bounds::secs_allowed(*s)) {
                return Err(invalid(format!(
                    "model `{id}` has first_token_timeout_secs {secs}; it must be from 1 to {}",
                    bounds::MAX_TIMEOUT_SECS
                )));
            }
            let description = m.description.unwrap_or_default();
            let first_token_timeout = m.first_token_timeout_secs.map(std::time::Duration::from_secs);
            let entry = ModelEntry {
                id: id.clone(),
                description,
                routes: m.routes,
                context_window: m.context_window,
                params,
                first_token_timeout,
            };
            self.models.insert(id, entry);
        }
        self.aliases.extend(raw.aliases);
        for (route, price) in raw.prices {
            prices::check(&route, price).map_err(|e| invalid(e.to_string()))?;
            self.prices.insert(route, price);
        }
        Ok(())
    }

    fn validate(&self, path: &Path) -> Result<()> {
        let invalid = |message: String| Error::InvalidFile { what: "config file", path: path.to_path_buf(), message };
        for model in self.models.values() {
            for route in &model.routes {
                self.parse_direct(route)
                    .map_err(|e| invalid(format!("model `{}` has route `{route}`: {e}", model.id)))?;
            }
        }
        for route in self.prices.keys() {
            self.parse_direct(route).map_err(|e| invalid(format!("the price of `{route}`: {e}")))?;
        }
        // `council` judges as the panel itself (`--judge council`) and `none` is no judge
        // (`--judge none`): a model of either name could never be told apart from them.
        for (word, meaning) in
            [(super::COUNCIL, "the panel ranking its own answers"), (super::NO_JUDGE, "a run without a judge")]
        {
            if self.models.contains_key(word) || self.aliases.contains_key(word) {
                return Err(invalid(format!(
                    "`{word}` is a reserved name (`--judge {word}` is {meaning}); rename that model or alias"
                )));
            }
        }
        for (alias, target) in &self.aliases {
            if self.models.contains_key(alias) {
                return Err(invalid(format!("alias `{alias}` shadows the model of the same name")));
            }
            if !self.models.contains_key(target) {
                return Err(invalid(format!("alias `{alias}` points to `{target}`, which is not a model")));
            }
        }
        Ok(())
    }
}

fn valid_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn overlay_adds_providers_models_and_aliases() {
        let overlay: CatalogToml = ::toml::from_str(
            "[providers.local]\nkind = \"openai\"\nbase_url = \"http://127.0.0.1:9/v1/\"\n\
             [models.mine]\nroutes = [\"local:m1\"]\n[aliases]\nme = \"mine\"\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let catalog = Catalog::with_overlay(overlay, Path::new("c.toml")).unwrap_or_else(|e| panic!("{e}"));
        let spec = catalog.resolve("me").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(spec.routes[0].provider.base_url.expose(), "http://127.0.0.1:9/v1");
        assert_eq!(spec.routes[0].model, "m1");
    }

    #[test]
    fn only_the_official_openai_api_takes_the_cache_key_unless_a_provider_says_so() {
        let overlay: CatalogToml = ::toml::from_str(
            "[providers.lab]\nkind = \"openai\"\nbase_url = \"http://127.0.0.1:9/v1\"\n\
             [providers.gw]\nkind = \"openai\"\nbase_url = \"http://127.0.0.1:8/v1\"\nprompt_cache_key = true\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let catalog = Catalog::with_overlay(overlay, Path::new("c.toml")).unwrap_or_else(|e| panic!("{e}"));
        let takes = |name: &str| catalog.providers.get(name).map(|p| p.prompt_cache_key);
        let named = ["openai", "openrouter", "ollama", "anthropic", "lab", "gw"].map(takes);
        assert_eq!(named, [Some(true), Some(false), Some(false), Some(false), Some(false), Some(true)]);
        let refused: CatalogToml =
            ::toml::from_str("[providers.a]\nkind = \"anthropic\"\nbase_url = \"http://h\"\nprompt_cache_key = true\n")
                .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            Catalog::with_overlay(refused, Path::new("c.toml")).err().map(|e| e.to_string()),
            Some(
                "invalid config file `c.toml`: provider `a` is not of kind `openai` and takes no prompt_cache_key"
                    .into()
            )
        );
    }

    #[test]
    fn overlay_with_dangling_route_is_refused() {
        let overlay: CatalogToml =
            ::toml::from_str("[models.mine]\nroutes = [\"nowhere:m1\"]\n").unwrap_or_else(|e| panic!("{e}"));
        let err = Catalog::with_overlay(overlay, Path::new("c.toml")).err().map(|e| e.to_string());
        assert!(err.unwrap_or_default().contains("model `mine` has route `nowhere:m1`: unknown provider `nowhere`"));
    }

    #[test]
    fn an_agent_cli_kind_takes_no_base_url_and_an_unknown_kind_lists_the_known() {
        let load = |text: &str| {
            let overlay: CatalogToml = ::toml::from_str(text).unwrap_or_else(|e| panic!("{e}"));
            Catalog::with_overlay(overlay, Path::new("c.toml")).err().map(|e| e.to_string()).unwrap_or_default()
        };
        assert_eq!(
            load("[providers.c]\nkind = \"claude-cli\"\nbase_url = \"http://h\"\n"),
            "invalid config file `c.toml`: provider `c` is an agent CLI and takes no base_url"
        );
        assert_eq!(
            load("[providers.c]\nkind = \"claude\"\n"),
            "invalid config file `c.toml`: provider `c` has kind `claude`; the kinds are openai, anthropic, gemini, claude-cli, codex-cli, gemini-cli"
        );
    }

    #[test]
    fn a_model_carries_its_parameters_and_a_bad_one_is_refused() {
        let load = |text: &str| {
            let overlay: CatalogToml = ::toml::from_str(text).unwrap_or_else(|e| panic!("{e}"));
            Catalog::with_overlay(overlay, Path::new("c.toml"))
        };
        let catalog = load("[models.deep]\nroutes = [\"mock:d\"]\nreasoning = \"high\"\nmax_output_tokens = 900\n")
            .unwrap_or_else(|e| panic!("{e}"));
        let spec = catalog.resolve("deep").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            spec.params,
            crate::provider::Params {
                temperature: None,
                max_output_tokens: Some(900),
                reasoning: Some(crate::provider::Reasoning::High)
            }
        );
        assert_eq!(
            load("[models.deep]\nroutes = [\"mock:d\"]\ntemperature = -1.0\n").err().map(|e| e.to_string()),
            Some("invalid config file `c.toml`: model `deep`: `temperature` is -1; it must be from 0 to 2".to_string())
        );
    }
}
