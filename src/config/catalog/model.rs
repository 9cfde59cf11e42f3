//! The catalog's values once loaded: a provider (`ProviderInfo`), a model and its routes
//! (`ModelEntry`), one way to reach a model (`Route`), and a model as a user named it with
//! the routes that can serve it (`ModelSpec`). A `Route` converts into the provider
//! layer's `Endpoint`, which is all `provider::connect` needs.
//!
//! Knows nothing about TOML, resolution or readiness.

use crate::provider::mock::MockOptions;
use crate::provider::{BaseUrl, Endpoint, Params, ProviderKind};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderInfo {
    pub name: String,
    pub kind: ProviderKind,
    pub base_url: BaseUrl,
    pub api_key_env: Option<String>,
    /// Whether it takes the session's `prompt_cache_key` (`openai` kind only).
    pub prompt_cache_key: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ModelEntry {
    pub id: String,
    pub description: String,
    /// `provider:model` strings, in order of preference.
    pub routes: Vec<String>,
    /// Its context window in tokens, approximately (`context_window`); `None` when the
    /// catalog does not know it. The context budget stays inside the smallest one.
    pub context_window: Option<u64>,
    /// The parameters every call to it carries (`temperature`, ... on the model's table).
    pub params: Params,
    /// How long it may think before its first text (`first_token_timeout_secs`);
    /// `None` takes the config's.
    pub first_token_timeout: Option<std::time::Duration>,
}

/// One way to reach a model: a provider and the model's id there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub provider: ProviderInfo,
    pub model: String,
    /// Behaviour of a mock model; empty for real providers.
    pub mock: MockOptions,
}

impl Route {
    /// `provider:model`, as shown to users.
    pub fn label(&self) -> String {
        format!("{}:{}", self.provider.name, self.model)
    }
}

impl From<&Route> for Endpoint {
    fn from(route: &Route) -> Endpoint {
        Endpoint {
            kind: route.provider.kind,
            base_url: route.provider.base_url.clone(),
            key_var: route.provider.api_key_env.clone(),
            model: route.model.clone(),
            mock: route.mock.clone(),
            prompt_cache_key: route.provider.prompt_cache_key,
        }
    }
}

/// A model as the user named it, with the routes that can serve it.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelSpec {
    /// The canonical name: a catalog id, or `provider:model` for a direct address.
    pub name: String,
    pub routes: Vec<Route>,
    /// The catalog model's own parameters; none for a direct address.
    pub params: Params,
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn a_provider_never_shows_its_base_urls_userinfo() {
        let url = BaseUrl::parse("https://user:pw-sentinel@gateway.example/v1/").unwrap_or_else(|e| panic!("{e}"));
        let info = ProviderInfo {
            name: "gw".into(),
            kind: ProviderKind::OpenAi,
            base_url: url,
            api_key_env: None,
            prompt_cache_key: false,
        };
        let shown = format!("{info:?}");
        assert!(shown.contains("https://***@gateway.example/v1") && !shown.contains("pw-sentinel"), "{shown}");
    }

    #[test]
    fn a_route_becomes_the_endpoint_connect_needs() {
        let url = BaseUrl::parse("http://127.0.0.1:9/v1").unwrap_or_else(|e| panic!("{e}"));
        let provider = ProviderInfo {
            name: "local".into(),
            kind: ProviderKind::OpenAi,
            base_url: url.clone(),
            api_key_env: Some("K".into()),
            prompt_cache_key: true,
        };
        let route = Route { provider, model: "m1".into(), mock: MockOptions::default() };
        assert_eq!(route.label(), "local:m1");
        assert_eq!(
            Endpoint::from(&route),
            Endpoint {
                kind: ProviderKind::OpenAi,
                base_url: url,
                key_var: Some("K".into()),
                model: "m1".into(),
                mock: MockOptions::default(),
                prompt_cache_key: true,
            }
        );
    }
}
