//! `frontier doctor`: what is ready, what is missing, and how to fix it — the config
//! file, the state directory, the recursion guard, every provider (key set or program
//! found) and every catalog model (the route it would take). Shows variable names,
//! never their values.

use serde::Serialize;

use super::readiness::{self, ModelStatus};
use crate::config::{Catalog, Readiness};
use crate::env::Env;
use crate::error::Result;

#[derive(Debug, Serialize)]
struct DoctorReport {
    config_file: String,
    config_present: bool,
    state_dir: String,
    state_writable: bool,
    depth: u32,
    providers: Vec<ProviderCheck>,
    models: Vec<ModelStatus>,
    ready_models: usize,
}

#[derive(Debug, Serialize)]
struct ProviderCheck {
    name: String,
    kind: &'static str,
    ready: bool,
    /// What readiness rests on: the key variable, or the program.
    needs: String,
    missing: Option<String>,
    fix: Option<String>,
}

pub fn run(json: bool, env: &Env) -> Result<i32> {
    let config = super::load_config(env)?;
    let providers: Vec<ProviderCheck> = config
        .catalog
        .providers()
        .map(|p| {
            let needs = match (p.kind.agent_cli(), &p.api_key_env) {
                (Some(cli), _) => format!("`{}` ({} overrides)", cli.wanted(env), cli.override_var()),
                (None, Some(var)) => var.clone(),
                (None, None) => "no key needed".into(),
            };
            let (missing, fix) = match Catalog::provider_readiness(p, env) {
                Readiness::Ready => (None, None),
                Readiness::Missing { what, fix } => (Some(what), Some(fix)),
            };
            ProviderCheck { name: p.name.clone(), kind: p.kind.as_str(), ready: missing.is_none(), needs, missing, fix }
        })
        .collect();
    let models: Vec<ModelStatus> = config.catalog.models().map(|m| readiness::check(&config, env, &m.id)).collect();
    let report = DoctorReport {
        config_file: config.paths.config_file().display().to_string(),
        config_present: config.paths.config_file().exists(),
        state_dir: config.paths.state_dir.display().to_string(),
        state_writable: writable(&config.paths.state_dir),
        depth: env.depth(),
        ready_models: models.iter().filter(|m| m.ready).count(),
        providers,
        models,
    };
    if json {
        super::print_json(&report);
    } else {
        crate::render::write_stdout(&human(&report));
    }
    Ok(0)
}

/// Whether frontier can create files in `dir` (creating it if needed).
fn writable(dir: &std::path::Path) -> bool {
    std::fs::create_dir_all(dir).is_ok() && tempfile::tempfile_in(dir).is_ok()
}

fn mark(ok: bool) -> &'static str {
    if ok { "✓" } else { "✗" }
}

fn human(r: &DoctorReport) -> String {
    let mut out = String::new();
    let config_state = if r.config_present { "parsed" } else { "not present: built-in defaults" };
    out.push_str(&format!("✓ config  {} ({config_state})\n", r.config_file));
    let state = if r.state_writable { "writable" } else { "NOT writable: arming scopes will fail" };
    out.push_str(&format!("{} state   {} ({state})\n", mark(r.state_writable), r.state_dir));
    if r.depth > 0 {
        out.push_str(&format!(
            "✗ depth   FRONTIER_DEPTH is {}: runs here refuse (fusion_invocation_capped); unset it outside frontier's children\n",
            r.depth
        ));
    }
    out.push_str("\nproviders\n");
    let width = r.providers.iter().map(|p| p.name.len()).max().unwrap_or(0);
    for p in &r.providers {
        let detail = match (&p.missing, &p.fix) {
            (Some(what), Some(fix)) => format!("{what}; {fix}"),
            _ => format!("ready ({})", p.needs),
        };
        out.push_str(&format!("  {} {:width$}  {:10}  {detail}\n", mark(p.ready), p.name, p.kind));
    }
    out.push_str("\nmodels\n");
    let width = r.models.iter().map(|m| m.model.len()).max().unwrap_or(0);
    for m in &r.models {
        let detail = match (m.ready, &m.route, &m.missing) {
            (true, Some(route), _) => format!("via {route}"),
            (_, _, Some(missing)) => {
                format!("no ready route; first is {}: {missing}", m.route.as_deref().unwrap_or("-"))
            }
            _ => "no route".into(),
        };
        out.push_str(&format!("  {} {:width$}  {detail}\n", mark(m.ready), m.model));
    }
    out.push_str(&format!(
        "\n{} of {} catalog models ready. `--preset demo` runs offline with mock models.\n",
        r.ready_models,
        r.models.len()
    ));
    out
}
