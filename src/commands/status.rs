//! `frontier status`: what a scope has armed, its tuning, and whether its models are
//! ready. Reads one state file and the catalog; starts no runtime and contacts no
//! server, so a keyless or local server shows as "not checked" (`doctor` probes it).

use serde::Serialize;

use crate::cli::StatusArgs;
use crate::config::model_status::{self as readiness, ModelStatus};
use crate::env::Env;
use crate::error::Result;
use crate::request::Selection;
use crate::scope;
use crate::scope::state::{self, Armed, Shape, Tuning};

#[derive(Debug, Serialize)]
struct StatusReport {
    scope: String,
    scope_source: &'static str,
    mode: &'static str,
    preset: Option<String>,
    model: Option<String>,
    panel: Vec<String>,
    judge: Option<String>,
    synth: Option<String>,
    armed_at: Option<String>,
    /// What `mode`/`compose` armed beyond the panel: parameters, grace, quorum, rounds.
    shape: Shape,
    tuning: Tuning,
    /// Every model checked and ready.
    ready: bool,
    /// `yes`, `not checked` or `no`, as `ready` says it on the terminal.
    readiness: &'static str,
    models: Vec<ModelStatus>,
    warning: Option<String>,
    config_file: String,
}

pub fn run(args: StatusArgs, env: &Env) -> Result<i32> {
    let config = super::load_config(env)?;
    let scope = scope::resolve(args.scope.as_deref(), env, None)?;
    let loaded = state::load(&config.paths.scopes_dir(), &scope.name);
    let (warning, selection) = match Selection::from_state(&loaded.state, &config) {
        Ok(s) => (loaded.warning.clone(), s),
        Err(err) => (Some(format!("the armed panel is no longer valid: {err}")), None),
    };
    let models: Vec<ModelStatus> =
        selection.iter().flat_map(Selection::models).map(|m| readiness::check(&config, env, m)).collect();
    let (preset, model, panel, judge, synth) = match &selection {
        None => (None, None, Vec::new(), None, None),
        Some(Selection::Single { model, .. }) => (None, Some(model.clone()), Vec::new(), None, None),
        Some(Selection::Fusion { preset, panel, judge, synth, .. }) => {
            (preset.clone(), None, panel.clone(), Some(judge.clone()), Some(synth.clone()))
        }
    };
    let mode = if selection.is_none() { "off" } else { loaded.state.armed.mode().as_str() };
    let report = StatusReport {
        scope: scope.name.clone(),
        scope_source: scope.source.describe(),
        mode,
        preset: preset.or_else(|| matches!(loaded.state.armed, Armed::Custom { .. }).then(|| "custom".to_string())),
        model,
        panel,
        judge,
        synth,
        armed_at: loaded.state.armed_at.clone(),
        shape: loaded.state.shape.clone(),
        tuning: loaded.state.tuning.clone(),
        ready: selection.is_some() && models.iter().all(|m| m.ready),
        readiness: match (models.iter().all(|m| m.ready), models.iter().all(ModelStatus::usable)) {
            _ if selection.is_none() => "no",
            (true, _) => "yes",
            (false, true) => "not checked",
            (false, false) => "no",
        },
        models,
        warning,
        config_file: config.paths.config_file().display().to_string(),
    };
    if args.json {
        super::print_json(&report);
    } else {
        crate::render::write_stdout(&human(&report, config.settings.run.budget.as_secs()));
    }
    Ok(0)
}

fn human(r: &StatusReport, default_budget: u64) -> String {
    let name = |n: &str| crate::render::sanitize::name(n);
    let mut out = format!("scope   {} ({})\nmode    {}\n", r.scope, r.scope_source, r.mode);
    if let Some(model) = &r.model {
        out.push_str(&format!("model   {}\n", name(model)));
    }
    if let Some(preset) = &r.preset {
        out.push_str(&format!("preset  {}\n", name(preset)));
    }
    if !r.panel.is_empty() {
        out.push_str(&format!("panel   {}\n", r.panel.iter().map(|m| name(m)).collect::<Vec<_>>().join(", ")));
    }
    if let (Some(judge), Some(synth)) = (&r.judge, &r.synth) {
        out.push_str(&format!("judge   {}\nsynth   {}\n", name(judge), name(synth)));
    }
    if let Some(at) = &r.armed_at {
        out.push_str(&format!("armed   {at}\n"));
    }
    if !r.shape.is_empty() {
        out.push_str(&format!("shape   {}\n", crate::request::shape_words(&r.shape)));
    }
    let t = &r.tuning;
    let on = |b: bool| if b { "fanned" } else { "skipped" };
    out.push_str(&format!(
        "tuning  prompts under {} chars skipped · slash commands {} · loop prompts {} · budget {}s\n",
        t.min_chars,
        on(t.fan_commands),
        on(t.fan_loops),
        t.budget_secs.unwrap_or(default_budget)
    ));
    if r.mode != "off" {
        out.push_str(&format!("ready   {}\n", r.readiness));
        for m in r.models.iter().filter(|m| !m.ready) {
            if let Some(what) = &m.not_checked {
                out.push_str(&format!("  ? {}: not checked: {what}\n", name(&m.model)));
                continue;
            }
            let missing = m.missing.as_deref().unwrap_or("not ready");
            let fix = m.fix.as_deref().map(|f| format!(" (fix: {f})")).unwrap_or_default();
            out.push_str(&format!("  ✗ {}: {missing}{fix}\n", name(&m.model)));
        }
    }
    out.push_str(&format!("config  {}\n", r.config_file));
    if let Some(w) = &r.warning {
        out.push_str(&format!("warning: {w}\n"));
    }
    out
}
