//! From what a user typed to the routes that can serve it: a catalog id (`gpt-5.5`), an
//! alias (`chatgpt`), or a direct address (`openai:gpt-4.1`, `mock:a?delay_ms=5`, whose
//! options the mock itself parses).
//!
//! Knows nothing about the environment: which route is ready is `readiness`'s.

use super::{Catalog, MOCK_PROVIDER, ModelSpec, ProviderInfo, Route};
use crate::error::{Error, Result, suggest};
use crate::provider::mock::{MockOptionError, MockOptions};
use crate::provider::{BaseUrl, Params, ProviderKind};

impl Catalog {
    /// Resolves a model name: a catalog id, an alias, or `provider:model[?options]`.
    pub fn resolve(&self, name: &str) -> Result<ModelSpec> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::usage(
                "a model name is empty",
                "separate model names with single commas, e.g. `opus,gpt-5.5`",
            ));
        }
        if name.contains(':') {
            let route = self.parse_direct(name).map_err(|what| {
                Error::usage(
                    format!("invalid model address `{name}`: {what}"),
                    "address a model as `provider:model`; `frontier catalog` lists the providers",
                )
            })?;
            return Ok(ModelSpec { name: route.label(), routes: vec![route], params: Params::default() });
        }
        let id = self.aliases.get(name).map(String::as_str).unwrap_or(name);
        let Some(entry) = self.models.get(id) else {
            let known = self.models.keys().chain(self.aliases.keys()).map(String::as_str);
            return Err(Error::UnknownModel { name: name.to_string(), suggestion: suggest(name, known) });
        };
        let routes = entry.routes.iter().filter_map(|r| self.parse_direct(r).ok()).collect();
        Ok(ModelSpec { name: entry.id.clone(), routes, params: entry.params })
    }

    /// Parses `provider:model[?options]`; the error says what is wrong.
    pub(super) fn parse_direct(&self, address: &str) -> std::result::Result<Route, AddressError> {
        let (provider, rest) = address.split_once(':').ok_or(AddressError::NoProvider)?;
        let (model, query) = match rest.split_once('?') {
            Some((m, q)) => (m, Some(q)),
            None => (rest, None),
        };
        if model.is_empty() {
            return Err(AddressError::NoModel);
        }
        if provider == MOCK_PROVIDER {
            let mock = MockOptions::parse(query.unwrap_or(""))?;
            let info = ProviderInfo {
                name: MOCK_PROVIDER.into(),
                kind: ProviderKind::Mock,
                base_url: BaseUrl::default(),
                api_key_env: None,
                prompt_cache_key: false,
            };
            return Ok(Route { provider: info, model: model.to_string(), mock });
        }
        let Some(info) = self.providers.get(provider) else {
            let mut known: Vec<String> = self.providers.keys().cloned().collect();
            known.push(MOCK_PROVIDER.into());
            return Err(AddressError::UnknownProvider { provider: provider.to_string(), known });
        };
        if query.is_some() {
            return Err(AddressError::OptionsNotForMock);
        }
        Ok(Route { provider: info.clone(), model: model.to_string(), mock: MockOptions::default() })
    }
}

/// What is wrong with a `provider:model[?options]` address; the caller names the address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(super) enum AddressError {
    #[error("missing `provider:`")]
    NoProvider,
    #[error("the model id after `:` is empty")]
    NoModel,
    #[error(transparent)]
    Mock(#[from] MockOptionError),
    /// `known`: the catalog's providers and `mock`, in the order the message lists them.
    #[error("unknown provider `{provider}` (known: {})", known.join(", "))]
    UnknownProvider { provider: String, known: Vec<String> },
    #[error("options after `?` are only for `mock:` models")]
    OptionsNotForMock,
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;
    use crate::provider::mock::MockFailure;

    fn catalog() -> Catalog {
        Catalog::builtin().unwrap_or_else(|e| panic!("built-in catalog must load: {e}"))
    }

    #[test]
    fn aliases_resolve_to_the_canonical_id() {
        let spec = catalog().resolve("chatgpt").ok().map(|s| s.name);
        assert_eq!(spec.as_deref(), Some("gpt-5.5"));
    }

    #[test]
    fn direct_addresses_pin_one_route() {
        let spec = catalog().resolve("openai:gpt-4.1").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(spec.name, "openai:gpt-4.1");
        assert_eq!(spec.routes.len(), 1);
        assert_eq!(spec.routes[0].provider.base_url.expose(), "https://api.openai.com/v1");
    }

    #[test]
    fn mock_options_parse() {
        let spec = catalog().resolve("mock:a?delay_ms=25&fail=503&reply=hi+there%21").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(spec.name, "mock:a");
        assert_eq!(
            spec.routes[0].mock,
            MockOptions {
                delay_ms: 25,
                fail: Some(MockFailure::Status(503)),
                reply: Some("hi there!".into()),
                ..Default::default()
            }
        );
    }

    #[test]
    fn bad_addresses_say_what_is_wrong() {
        let err = |name: &str| catalog().resolve(name).err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(err("gpt-55"), "unknown model `gpt-55`");
        assert_eq!(
            err("mock:a?fail=200"),
            "invalid model address `mock:a?fail=200`: `fail=200` is neither `timeout`, `midway` nor an HTTP status from 400 to 599"
        );
        assert_eq!(
            err("mock:a?speed=1"),
            "invalid model address `mock:a?speed=1`: unknown mock option `speed` (known: delay_ms, fail, reply, stop, error_chars, reason_chars, demo)"
        );
        assert_eq!(
            err("mock:a?reply=%zz"),
            "invalid model address `mock:a?reply=%zz`: `reply` has a malformed %-escape"
        );
        assert_eq!(err("openai:"), "invalid model address `openai:`: the model id after `:` is empty");
        assert_eq!(
            err("openai:gpt-4.1?delay_ms=1"),
            "invalid model address `openai:gpt-4.1?delay_ms=1`: options after `?` are only for `mock:` models"
        );
        assert!(err("nope:x").starts_with("invalid model address `nope:x`: unknown provider `nope`"));
    }

    #[test]
    fn an_address_error_names_what_is_missing_or_unknown() {
        let catalog = catalog();
        let missing = catalog.parse_direct("gpt-5.5").err();
        assert_eq!(missing, Some(AddressError::NoProvider));
        assert_eq!(missing.map(|e| e.to_string()).as_deref(), Some("missing `provider:`"));
        let Some(AddressError::UnknownProvider { provider, known }) = catalog.parse_direct("nope:x").err() else {
            panic!("`nope:` is no provider")
        };
        assert_eq!((provider.as_str(), known.last().map(String::as_str)), ("nope", Some("mock")));
        let unknown =
            AddressError::UnknownProvider { provider: "nope".into(), known: vec!["openai".into(), "mock".into()] };
        assert_eq!(unknown.to_string(), "unknown provider `nope` (known: openai, mock)");
    }
}
