//! Configuration in all its forms: where files live (`paths`), the user's settings
//! (`settings`) and the ranges their values may take (`bounds`), the model catalog and
//! readiness (`catalog`; `model_status`: what is ready, as the commands show it), presets
//! (`presets`), the editor agents frontier serves (`host`), and the atomic file writes the
//! layers above share (`atomic`). What is armed in a scope is runtime state:
//! `crate::scope`.
//!
//! Raw TOML shapes (`*Toml`) stay private to this layer and are converted once into
//! resolved values. Knows nothing about HTTP, wire formats or how a run is carried out.

pub mod atomic;
mod bounds;
pub mod catalog;
pub mod host;
pub mod model_status;
pub mod params;
pub mod paths;
pub mod presets;
pub mod settings;
pub(crate) mod toml_file;

pub use catalog::{Catalog, ModelSpec, Probes, Reach, Readiness, Route};
pub use host::Host;
pub use paths::Paths;
pub use presets::{Preset, PresetSource, Presets};
pub use settings::{RunDefaults, Settings};

use crate::env::Env;
use crate::error::Result;

/// Everything a command needs to know about the user's configuration, loaded once.
#[derive(Debug, Clone)]
pub struct Config {
    pub paths: Paths,
    pub settings: Settings,
    pub catalog: Catalog,
    pub presets: Presets,
}

impl Config {
    /// Loads config.toml, the catalog (built-in plus the user's additions) and presets.
    pub fn load(env: &Env) -> Result<Config> {
        let paths = Paths::resolve(env)?;
        let raw = settings::load_file(&paths.config_file())?;
        let catalog = Catalog::with_overlay(raw.catalog_overlay(), &paths.config_file())?;
        let settings = Settings::resolve(raw, &paths.config_file())?;
        let presets = Presets::load(&paths.presets_dir(), &catalog)?;
        Ok(Config { paths, settings, catalog, presets })
    }
}
