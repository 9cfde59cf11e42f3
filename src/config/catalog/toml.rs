//! The catalog as TOML writes it (`presets/catalog.toml`, and the `[providers]`,
//! `[models]`, `[aliases]` and `[prices]` tables of config.toml): serde shapes only,
//! checked and converted by `load`.
//!
//! Knows nothing about what the values mean.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::provider::usage::Price;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CatalogToml {
    #[serde(default)]
    pub(crate) providers: BTreeMap<String, ProviderToml>,
    #[serde(default)]
    pub(crate) models: BTreeMap<String, ModelToml>,
    #[serde(default)]
    pub(crate) aliases: BTreeMap<String, String>,
    /// USD per million tokens, by route (`provider:model`).
    #[serde(default)]
    pub(crate) prices: BTreeMap<String, Price>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProviderToml {
    pub(super) kind: String,
    /// Required for the HTTP kinds; the agent-CLI kinds have none.
    pub(super) base_url: Option<String>,
    pub(super) api_key_env: Option<String>,
    /// Whether an `openai`-kind server takes `prompt_cache_key`; absent is no.
    pub(super) prompt_cache_key: Option<bool>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ModelToml {
    pub(super) description: Option<String>,
    pub(super) routes: Vec<String>,
    /// Its context window in tokens, approximately; absent when unknown.
    pub(super) context_window: Option<u64>,
    /// The parameters every call to it carries, unless a preset or the run sets others.
    /// Listed one by one: `deny_unknown_fields` can't see through `flatten`.
    pub(super) temperature: Option<f64>,
    pub(super) max_output_tokens: Option<i64>,
    pub(super) reasoning: Option<String>,
    /// How long it may think before its first text, overriding the config's
    /// `first_token_timeout_secs` (still bounded by the member timeout).
    pub(super) first_token_timeout_secs: Option<u64>,
}
