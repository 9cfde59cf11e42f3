//! Where frontier keeps its files: the config dir (`config.toml`, `presets/`) and the
//! state dir (armed scopes, run history). `FRONTIER_HOME` moves both under one directory.
//!
//! Knows nothing about what goes in the files.

use std::path::{Path, PathBuf};

use crate::env::Env;
use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    pub config_dir: PathBuf,
    pub state_dir: PathBuf,
}

impl Paths {
    /// `$FRONTIER_HOME/config` and `$FRONTIER_HOME/state` when `FRONTIER_HOME` is set,
    /// else the platform's directories for "frontier".
    pub fn resolve(env: &Env) -> Result<Paths> {
        if let Some(home) = env.var("FRONTIER_HOME") {
            let home = env.cwd().join(home);
            return Ok(Paths::under(&home));
        }
        let dirs = directories::ProjectDirs::from("dev", "frontier", "frontier").ok_or_else(|| {
            Error::usage(
                "cannot find a home directory for frontier's files",
                "set FRONTIER_HOME to a directory frontier may use",
            )
        })?;
        let state_dir = dirs.state_dir().unwrap_or_else(|| dirs.data_local_dir()).to_path_buf();
        Ok(Paths { config_dir: dirs.config_dir().to_path_buf(), state_dir })
    }

    /// The layout under one root directory, as `FRONTIER_HOME` gives it.
    pub fn under(home: &Path) -> Paths {
        Paths { config_dir: home.join("config"), state_dir: home.join("state") }
    }

    pub fn config_file(&self) -> PathBuf {
        self.config_dir.join("config.toml")
    }

    pub fn presets_dir(&self) -> PathBuf {
        self.config_dir.join("presets")
    }

    pub fn scopes_dir(&self) -> PathBuf {
        self.state_dir.join("scopes")
    }

    pub fn history_file(&self) -> PathBuf {
        self.state_dir.join("history.sqlite3")
    }
}
