//! The model catalog: providers, models with their routes, aliases and prices, built in
//! (`presets/catalog.toml`) with the user's additions on top. One concept a file: the raw
//! TOML shapes (`toml`), the loaded values (`model`), loading and checking (`load`, with
//! `key_var` for key variables), resolving what a user typed into routes (`resolve`),
//! whether a route is ready (`readiness`), and what it costs (`prices`).
//!
//! Knows nothing about wire formats or how a route is called; `provider` does that, and
//! owns the values the catalog hands it (kinds, base URLs, mock options, prices).

mod key_var;
mod load;
mod model;
mod prices;
mod readiness;
mod resolve;
mod toml;

use std::collections::BTreeMap;

pub use model::{ModelEntry, ModelSpec, ProviderInfo, Route};
pub use readiness::{Probes, Reach, Readiness};
pub(crate) use toml::{CatalogToml, ModelToml, ProviderToml};

use crate::provider::usage::Price;

/// The provider name under which the built-in mock models live.
pub const MOCK_PROVIDER: &str = "mock";

/// The word that, as `--judge council` (or `judge = "council"` in a preset), means "the
/// panel ranks its own answers": not a model, and no catalog model may take the name.
pub const COUNCIL: &str = "council";

/// The word that, as `--judge none` (or `judge = "none"` in a preset), means "no judge":
/// the synth reads the panel's answers itself. Not a model either.
pub const NO_JUDGE: &str = "none";

/// Whether a judge's name is one of the words for a shape (`council`, `none`) rather than
/// a model: a judge that makes no call of its own.
pub fn judges_without_a_call(judge: &str) -> bool {
    judge == COUNCIL || judge == NO_JUDGE
}

#[derive(Debug, Clone)]
pub struct Catalog {
    providers: BTreeMap<String, ProviderInfo>,
    models: BTreeMap<String, ModelEntry>,
    aliases: BTreeMap<String, String>,
    prices: BTreeMap<String, Price>,
}

impl Catalog {
    pub fn models(&self) -> impl Iterator<Item = &ModelEntry> {
        self.models.values()
    }

    /// `(alias, model id)` pairs.
    pub fn aliases(&self) -> impl Iterator<Item = (&str, &str)> {
        self.aliases.iter().map(|(a, m)| (a.as_str(), m.as_str()))
    }

    /// The context window in tokens of the model a participant is named by (a catalog id
    /// or alias); `None` for a direct `provider:model` address or an unknown window.
    pub fn context_window(&self, name: &str) -> Option<u64> {
        let id = self.aliases.get(name).map_or(name, String::as_str);
        self.models.get(id).and_then(|m| m.context_window)
    }

    /// How long the model a participant is named by may think before its first text,
    /// when its catalog entry says (`first_token_timeout_secs`).
    pub fn first_token_timeout(&self, name: &str) -> Option<std::time::Duration> {
        let id = self.aliases.get(name).map_or(name, String::as_str);
        self.models.get(id).and_then(|m| m.first_token_timeout)
    }

    pub fn providers(&self) -> impl Iterator<Item = &ProviderInfo> {
        self.providers.values()
    }
}
