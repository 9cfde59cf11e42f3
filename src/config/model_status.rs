//! Per-model readiness as the commands show it: the route a run would take, what is
//! missing otherwise with the fix of every route, and what was not checked (a local or
//! keyless server nobody probed). Never shows a secret: only the names of variables.

use serde::Serialize;

use crate::config::{Catalog, Config, Probes, Readiness};
use crate::env::Env;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModelStatus {
    pub model: String,
    pub route: Option<String>,
    /// Checked and ready. False for a route that was not checked (see `not_checked`).
    pub ready: bool,
    /// What was not checked about the route a run would take (a server nobody probed).
    pub not_checked: Option<String>,
    pub missing: Option<String>,
    /// What would make the model usable: every route's fix, joined with "; or ".
    pub fix: Option<String>,
    /// The same fixes one by one, for output that puts each on its own line.
    #[serde(skip)]
    pub fixes: Vec<String>,
}

impl ModelStatus {
    /// Ready, or not checked: a run would try it.
    pub fn usable(&self) -> bool {
        self.ready || self.not_checked.is_some()
    }

    /// One word for tables: `yes`, `not checked` or `no`.
    pub fn word(&self) -> &'static str {
        match (self.ready, self.usable()) {
            (true, _) => "yes",
            (false, true) => "not checked",
            (false, false) => "no",
        }
    }
}

pub fn check(config: &Config, env: &Env, name: &str) -> ModelStatus {
    check_probed(config, env, name, &Probes::default())
}

/// `check`, knowing what `doctor`'s probes found.
pub fn check_probed(config: &Config, env: &Env, name: &str, probes: &Probes) -> ModelStatus {
    check_in(&config.catalog, env, name, probes)
}

/// `check_probed` against `catalog` alone: what `doctor` can still say when config.toml
/// does not load (the built-in catalog's models).
pub fn check_in(catalog: &Catalog, env: &Env, name: &str, probes: &Probes) -> ModelStatus {
    let spec = match catalog.resolve(name) {
        Ok(spec) => spec,
        Err(err) => {
            return ModelStatus {
                model: name.to_string(),
                route: None,
                ready: false,
                not_checked: None,
                missing: Some(err.to_string()),
                fix: Some(err.hint()),
                fixes: vec![err.hint()],
            };
        }
    };
    let model = spec.name.clone();
    let status = |route: String, ready, not_checked, missing, fixes: Vec<String>| ModelStatus {
        model: model.clone(),
        route: Some(route),
        ready,
        not_checked,
        missing,
        fix: (!fixes.is_empty()).then(|| fixes.join("; or ")),
        fixes,
    };
    match Catalog::select_probed(&spec, env, probes) {
        None => ModelStatus {
            model: model.clone(),
            route: None,
            ready: false,
            not_checked: None,
            missing: Some("no route".into()),
            fix: None,
            fixes: Vec::new(),
        },
        Some((route, Readiness::Ready)) => status(route.label(), true, None, None, Vec::new()),
        Some((route, Readiness::NotChecked { what })) => status(route.label(), false, Some(what), None, Vec::new()),
        Some((route, Readiness::Missing { what, fix })) => {
            let fixes = Catalog::fixes(&spec, env, probes);
            let fixes = if fixes.is_empty() { vec![fix] } else { fixes };
            status(route.label(), false, None, Some(what), fixes)
        }
    }
}

/// The catalog ids that are ready in `env`, for hints.
pub fn ready_models(config: &Config, env: &Env) -> Vec<String> {
    config.catalog.models().filter(|m| check(config, env, &m.id).ready).map(|m| m.id.clone()).collect()
}

/// Warnings for what was armed but is not ready, on stderr: `warning: MODEL is not
/// ready: WHAT` with every route's fix as the hint, or `warning: MODEL not checked: WHAT`.
pub fn warnings(statuses: &[ModelStatus]) -> String {
    let mut out = String::new();
    for s in statuses {
        match (&s.missing, &s.not_checked) {
            (Some(missing), _) => {
                out.push_str(&format!("warning: `{}` is not ready: {missing}\n", s.model));
                if let Some(fix) = &s.fix {
                    out.push_str(&format!("hint: {fix}\n"));
                }
            }
            (None, Some(what)) => out.push_str(&format!("warning: `{}` is not checked: {what}\n", s.model)),
            (None, None) => {}
        }
    }
    out
}
