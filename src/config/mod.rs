//! Configuration in all its forms: where files live (`paths`), the user's settings
//! (`settings`) and the ranges their values may take (`bounds`), the model catalog and
//! readiness (`catalog`; `model_status`: what is ready, as the commands show it), presets
//! (`presets`), the editor agents frontier serves (`host`), and the atomic file writes the
//! layers above share (`atomic`). What is armed in a scope is runtime state:
//! `crate::scope`.
//!
//! Raw TOML shapes (`*Toml`) stay private to this layer and are converted once into
//! resolved values. The fuzz targets reach the two parsers of files the user writes
//! through text-in, resolved-values-out entry points compiled only for tests and fuzzing
//! (`config_text`, `presets::user_preset_text`), which run what `Config::load` and
//! `Presets::load` run on a file's contents; no raw type leaves this layer through them.
//! (`toml_file`, the TOML reader with errors naming the file and line, is shared with
//! `scope`'s state file.)
//!
//! Knows nothing about HTTP, wire formats or how a run is carried out.

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

use std::path::Path;

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
        let file = paths.config_file();
        let (settings, catalog) = resolve_file(settings::load_file(&file)?, &file)?;
        let presets = Presets::load(&paths.presets_dir(), &catalog)?;
        Ok(Config { paths, settings, catalog, presets })
    }
}

/// config.toml (read from `path`) as settings, and the built-in catalog with the file's
/// providers, models, aliases and prices on top.
fn resolve_file(raw: settings::SettingsToml, path: &Path) -> Result<(Settings, Catalog)> {
    let catalog = Catalog::with_overlay(raw.catalog_overlay(), path)?;
    let settings = Settings::resolve(raw, path)?;
    Ok((settings, catalog))
}

/// `text` as the contents of config.toml, resolved as `Config::load` resolves the file:
/// the fuzz targets' way in (`crate::fuzzing`), which have text and no file.
#[cfg(any(test, fuzzing))]
pub fn config_text(text: &str) -> Result<(Settings, Catalog)> {
    let path = Path::new("config.toml");
    resolve_file(toml_file::parse(text, path, "config file")?, path)
}
