//! Per-model readiness as the commands show it: the route a run would take, and what is
//! missing otherwise. Never shows a secret: only the names of variables.

use serde::Serialize;

use crate::config::{Catalog, Config, Readiness};
use crate::env::Env;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModelStatus {
    pub model: String,
    pub route: Option<String>,
    pub ready: bool,
    pub missing: Option<String>,
    pub fix: Option<String>,
}

pub fn check(config: &Config, env: &Env, name: &str) -> ModelStatus {
    let spec = match config.catalog.resolve(name) {
        Ok(spec) => spec,
        Err(err) => {
            return ModelStatus {
                model: name.to_string(),
                route: None,
                ready: false,
                missing: Some(err.to_string()),
                fix: Some(err.hint()),
            };
        }
    };
    let model = spec.name.clone();
    match Catalog::select(&spec, env) {
        None => ModelStatus { model, route: None, ready: false, missing: Some("no route".into()), fix: None },
        Some((route, Readiness::Ready)) => {
            ModelStatus { model, route: Some(route.label()), ready: true, missing: None, fix: None }
        }
        Some((route, Readiness::Missing { what, fix })) => {
            ModelStatus { model, route: Some(route.label()), ready: false, missing: Some(what), fix: Some(fix) }
        }
    }
}

/// The catalog ids that are ready in `env`, for hints.
pub fn ready_models(config: &Config, env: &Env) -> Vec<String> {
    config.catalog.models().filter(|m| check(config, env, &m.id).ready).map(|m| m.id.clone()).collect()
}
