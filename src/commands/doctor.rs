//! `frontier doctor`: what is ready, what is missing, and how to fix it — the config
//! file, the state directory, the recursion guard, every provider (key set, program
//! found, or — for a server on this machine — a probe that it answers) and every catalog
//! model (the route it would take, and every route's fix). Shows variable names, never
//! their values; probes loopback addresses only (`probe`), never a remote host.

use serde::Serialize;

use super::probe;
use crate::config::model_status::{self as readiness, ModelStatus};
use crate::config::{Catalog, Reach, Readiness};
use crate::env::Env;
use crate::error::Result;
use crate::render::wrap;

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
    /// What the probe of a server on this machine found; `None` when none was made.
    probe: Option<String>,
    not_checked: Option<String>,
    missing: Option<String>,
    fix: Option<String>,
}

pub fn run(json: bool, env: &Env) -> Result<i32> {
    let config = super::load_config(env)?;
    let probes = probe::local_servers(&config.catalog);
    let providers: Vec<ProviderCheck> = config
        .catalog
        .providers()
        .map(|p| {
            let needs = match (p.kind.agent_cli(), &p.api_key_env) {
                (Some(cli), _) => format!("`{}` ({} overrides)", cli.wanted(env), cli.override_var()),
                (None, Some(var)) => var.clone(),
                (None, None) => "no key needed".into(),
            };
            let (not_checked, missing, fix) = match Catalog::provider_readiness(p, env, &probes) {
                Readiness::Ready => (None, None, None),
                Readiness::NotChecked { what } => (Some(what), None, None),
                Readiness::Missing { what, fix } => (None, Some(what), Some(fix)),
            };
            let probe = probes.get(&p.name).map(|reach| match reach {
                Reach::Answered { status } => format!("answers HTTP {status}"),
                Reach::Unreachable { why } => format!("not reachable: {why}"),
            });
            ProviderCheck {
                name: p.name.clone(),
                kind: p.kind.as_str(),
                ready: missing.is_none() && not_checked.is_none(),
                needs,
                probe,
                not_checked,
                missing,
                fix,
            }
        })
        .collect();
    let models: Vec<ModelStatus> =
        config.catalog.models().map(|m| readiness::check_probed(&config, env, &m.id, &probes)).collect();
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
        let width = crate::render::screen::Screen::of(env).stdout().width;
        crate::render::write_stdout(&human(&report, width));
    }
    Ok(0)
}

/// Whether frontier can create files in `dir` (creating it, 0700, if needed).
fn writable(dir: &std::path::Path) -> bool {
    crate::private_dir::create_all(dir).is_ok() && tempfile::tempfile_in(dir).is_ok()
}

fn mark(ok: bool) -> &'static str {
    if ok { "✓" } else { "✗" }
}

/// `✓` ready, `?` not checked, `✗` missing.
fn mark3(ready: bool, not_checked: bool) -> &'static str {
    match (ready, not_checked) {
        (true, _) => "✓",
        (false, true) => "?",
        (false, false) => "✗",
    }
}

/// The human report, every line fitted to `width` (a long detail or fix wraps under its
/// own column, so it stays readable on a narrow terminal).
fn human(r: &DoctorReport, width: Option<usize>) -> String {
    let mut out = String::new();
    let config_state = if r.config_present { "parsed" } else { "not present: built-in defaults" };
    let head = "          ";
    out.push_str(&wrap::wrap(&format!("{} ({config_state})", r.config_file), width, "✓ config  ", head));
    let state = if r.state_writable { "writable" } else { "NOT writable: arming scopes will fail" };
    out.push_str(&wrap::wrap(
        &format!("{} ({state})", r.state_dir),
        width,
        &format!("{} state   ", mark(r.state_writable)),
        head,
    ));
    if r.depth > 0 {
        let depth = format!(
            "FRONTIER_DEPTH is {}: runs here refuse (fusion_invocation_capped); unset it outside frontier's children",
            r.depth
        );
        out.push_str(&wrap::wrap(&depth, width, "✗ depth   ", head));
    }
    // One line a provider or model; what to do goes on the lines under it, one fix a
    // line, so that the lines stay short enough to read on a narrow terminal.
    out.push_str("\nproviders\n");
    let name_width = r.providers.iter().map(|p| p.name.len()).max().unwrap_or(0);
    let indent = " ".repeat(4 + name_width + 2 + 10 + 2);
    for p in &r.providers {
        let detail = match (&p.missing, &p.not_checked, &p.probe) {
            (Some(what), ..) => what.clone(),
            (_, Some(what), _) => format!("not checked: {what}"),
            (_, _, Some(probe)) => format!("ready ({}; {probe})", p.needs),
            _ => format!("ready ({})", p.needs),
        };
        let mark = mark3(p.ready, p.not_checked.is_some());
        let lead = format!("  {mark} {:name_width$}  {:10}  ", p.name, p.kind);
        out.push_str(&wrap::wrap(&detail, width, &lead, &indent));
        if let Some(fix) = &p.fix {
            out.push_str(&wrap::wrap(fix, width, &format!("{indent}fix: "), &format!("{indent}     ")));
        }
    }
    out.push_str("\nmodels\n");
    let name = |m: &ModelStatus| crate::render::sanitize::name(&m.model);
    let name_width = r.models.iter().map(|m| name(m).chars().count()).max().unwrap_or(0);
    let indent = " ".repeat(4 + name_width + 2);
    for m in &r.models {
        let route = m.route.as_deref().unwrap_or("-");
        let detail = match (m.ready, &m.not_checked, &m.missing) {
            (true, ..) => format!("via {route}"),
            (_, Some(what), _) => format!("via {route}, not checked: {what}"),
            (_, _, Some(missing)) => format!("no ready route; first is {route}: {missing}"),
            _ => "no route".into(),
        };
        let lead = format!("  {} {:name_width$}  ", mark3(m.ready, m.not_checked.is_some()), name(m));
        out.push_str(&wrap::wrap(&detail, width, &lead, &indent));
        for (i, fix) in m.fixes.iter().enumerate() {
            let lead = if i == 0 { "fix:" } else { " or:" };
            out.push_str(&wrap::wrap(fix, width, &format!("{indent}{lead} "), &format!("{indent}     ")));
        }
    }
    out.push_str(&format!(
        "\n{} of {} catalog models ready. `--preset demo` runs offline with mock models.\n",
        r.ready_models,
        r.models.len()
    ));
    out
}
