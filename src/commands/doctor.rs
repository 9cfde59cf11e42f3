//! `frontier doctor`: what is ready, what is missing, and how to fix it — the config
//! file, the state directory, the recursion guard, the hosts frontier is registered
//! with (`installed`), every provider (key set, program found, or — for a server on this
//! machine — a probe that the path a run calls answers) and every catalog model (the route it would take, and every route's fix). A config
//! that does not load is reported first, then what the built-in catalog can still check,
//! with a failing exit code. Shows variable names, never their values; probes loopback
//! addresses only (`probe`), never a remote host.

use serde::Serialize;

use super::installed::Installed;
use super::probe;
use crate::config::model_status::{self as readiness, ModelStatus};
use crate::config::{Catalog, Paths, Reach, Readiness};
use crate::env::Env;
use crate::error::{Error, Result};
use crate::render::wrap;

#[derive(Debug, Serialize)]
struct DoctorReport {
    config_file: String,
    config_present: bool,
    /// Why config.toml (or a preset) did not load; the rest of the report is then the
    /// built-in catalog's.
    config_error: Option<String>,
    state_dir: String,
    state_writable: bool,
    depth: u32,
    providers: Vec<ProviderCheck>,
    models: Vec<ModelStatus>,
    ready_models: usize,
    /// The hosts frontier is registered with, for this workspace and for the user.
    installed: Installed,
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
    let config = match super::load_config(env) {
        Ok(config) => config,
        Err(err) => return run_without_config(&err, json, env),
    };
    let report = check(&config.paths, &config.catalog, None, env);
    show(&report, json, env);
    Ok(0)
}

/// config.toml (or a preset) does not load: the error first, as every command prints
/// it, then what can be checked without the file (the state directory, the built-in
/// catalog's providers and models: agent CLIs, keys, local servers), and the error's
/// exit code, so a script never reads a broken setup as a healthy one.
fn run_without_config(err: &Error, json: bool, env: &Env) -> Result<i32> {
    crate::render::write_stderr(&crate::error::render(err));
    let Ok(paths) = Paths::resolve(env) else { return Ok(err.exit_code()) };
    let catalog = Catalog::builtin()?;
    let report = check(&paths, &catalog, Some(err.to_string()), env);
    show(&report, json, env);
    Ok(err.exit_code())
}

/// Checks every provider and model of `catalog`, probing the servers on this machine.
fn check(paths: &Paths, catalog: &Catalog, config_error: Option<String>, env: &Env) -> DoctorReport {
    let probes = probe::local_servers(catalog);
    let providers: Vec<ProviderCheck> = catalog
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
                Reach::NoRoute { url, .. } => format!("answers HTTP 404 at {url}"),
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
        catalog.models().map(|m| readiness::check_in(catalog, env, &m.id, &probes)).collect();
    DoctorReport {
        config_file: paths.config_file().display().to_string(),
        config_present: paths.config_file().exists(),
        config_error,
        state_dir: paths.state_dir.display().to_string(),
        state_writable: writable(&paths.state_dir),
        depth: env.depth(),
        ready_models: models.iter().filter(|m| m.ready).count(),
        providers,
        models,
        installed: super::installed::find(env),
    }
}

fn show(report: &DoctorReport, json: bool, env: &Env) {
    if json {
        super::print_json(report);
    } else {
        let width = crate::render::screen::Screen::of(env).stdout().width;
        crate::render::write_stdout(&human(report, width));
    }
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
    let config_state = match (&r.config_error, r.config_present) {
        (Some(_), _) => "does not load, see the error above; below, the built-in catalog",
        (None, true) => "parsed",
        (None, false) => "not present: built-in defaults",
    };
    let head = "          ";
    let config_mark = format!("{} config  ", mark(r.config_error.is_none()));
    out.push_str(&wrap::wrap(&format!("{} ({config_state})", r.config_file), width, &config_mark, head));
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
    out.push_str(&super::installed::human(&r.installed, width, "  hosts   ", head));
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
