//! `frontier status`: what a scope has armed, its tuning, and whether its models are
//! ready; and, beside it, what each autorun host's hook would read in this workspace (the
//! `claude-project`, `codex-project`, ... scopes), since a shell resolves `default`
//! while the hooks read those, and which hosts frontier is registered with here and for
//! the user (`installed`). Reads state files, the catalog and the hosts' files; starts
//! no runtime and contacts no server, so a keyless or local server shows as "not
//! checked" (`doctor` probes it).

use serde::Serialize;

use super::installed::Installed;
use crate::cli::StatusArgs;
use crate::config::Host;
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
    /// The workspace root the host scopes are named after.
    workspace_root: String,
    /// What each autorun host's hook would read in this workspace.
    workspace_scopes: Vec<WorkspaceScope>,
    /// The hosts frontier is registered with, for this workspace and for the user.
    installed: Installed,
}

/// One host's scope for the current workspace, and what it has armed.
#[derive(Debug, Serialize)]
struct WorkspaceScope {
    /// The alias that names it from a shell: `claude-project`, `codex-project`, ...
    alias: &'static str,
    scope: String,
    mode: &'static str,
    /// The preset, model or `custom` panel armed; absent when off.
    armed: Option<String>,
}

/// Each autorun host's workspace scope for `cwd`, read from `dir`, in `Host::ALL`'s
/// order, with the alias a shell names it by.
fn workspace_scopes(dir: &std::path::Path, cwd: &std::path::Path) -> Vec<WorkspaceScope> {
    Host::ALL
        .into_iter()
        .filter_map(|host| host.project_alias().map(|alias| (host, alias)))
        .map(|(host, alias)| {
            let name = scope::workspace_scope(host, cwd);
            let armed = state::load(dir, &name).state.armed;
            WorkspaceScope {
                alias,
                scope: name,
                mode: armed.mode().as_str(),
                armed: match armed {
                    Armed::Off => None,
                    Armed::Single { model } => Some(model),
                    Armed::Preset { name } => Some(name),
                    Armed::Custom { .. } => Some("custom".to_string()),
                },
            }
        })
        .collect()
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
        workspace_root: scope::workspace_root(env.cwd()).display().to_string(),
        workspace_scopes: workspace_scopes(&config.paths.scopes_dir(), env.cwd()),
        installed: super::installed::find(env),
    };
    if args.json {
        super::print_json(&report);
    } else {
        let width = crate::render::screen::Screen::of(env).stdout().width;
        crate::render::write_stdout(&human(&report, config.settings.run.budget.as_secs(), width));
    }
    Ok(0)
}

/// The human report, each line wrapped to `width` under the labels' indent.
fn human(r: &StatusReport, default_budget: u64, width: Option<usize>) -> String {
    let name = |n: &str| crate::render::sanitize::name(n);
    let mut out = String::new();
    let mut line = |label: &str, text: &str| {
        out.push_str(&crate::render::wrap::wrap(text, width, &format!("{label:<8}"), INDENT));
    };
    line("scope", &format!("{} ({})", r.scope, r.scope_source));
    line("mode", r.mode);
    if let Some(model) = &r.model {
        line("model", &name(model));
    }
    if let Some(preset) = &r.preset {
        line("preset", &name(preset));
    }
    if !r.panel.is_empty() {
        line("panel", &r.panel.iter().map(|m| name(m)).collect::<Vec<_>>().join(", "));
    }
    if let (Some(judge), Some(synth)) = (&r.judge, &r.synth) {
        line("judge", &name(judge));
        line("synth", &name(synth));
    }
    if let Some(at) = &r.armed_at {
        line("armed", at);
    }
    if !r.shape.is_empty() {
        line("shape", &crate::request::shape_words(&r.shape));
    }
    let t = &r.tuning;
    let on = |b: bool| if b { "fanned" } else { "skipped" };
    line(
        "tuning",
        &format!(
            "prompts under {} chars skipped · slash commands {} · loop prompts {} · budget {}s",
            t.min_chars,
            on(t.fan_commands),
            on(t.fan_loops),
            t.budget_secs.unwrap_or(default_budget)
        ),
    );
    if r.mode != "off" {
        line("ready", r.readiness);
        for m in r.models.iter().filter(|m| !m.ready) {
            let text = match &m.not_checked {
                Some(what) => format!("? {}: not checked: {what}", name(&m.model)),
                None => {
                    let missing = m.missing.as_deref().unwrap_or("not ready");
                    let fix = m.fix.as_deref().map(|f| format!(" (fix: {f})")).unwrap_or_default();
                    format!("✗ {}: {missing}{fix}", name(&m.model))
                }
            };
            out.push_str(&crate::render::wrap::wrap(&text, width, "  ", "      "));
        }
    }
    out.push_str(&hosts(r, width));
    out.push_str(&super::installed::human(&r.installed, width, "install ", INDENT));
    out.push_str(&crate::render::wrap::wrap(&r.config_file, width, "config  ", INDENT));
    if let Some(w) = &r.warning {
        out.push_str(&crate::render::wrap::wrap(w, width, "warning: ", INDENT));
    }
    out
}

/// Under a label, the indent of a wrapped line.
const INDENT: &str = "        ";

/// The host scopes of this workspace: each armed one (and the one this command resolved,
/// marked) on a line of its own (`claude-project  cc-1a2b3c4d  fusion · demo`), the
/// others' aliases on one `off` line; and, when this scope is off but a hook's is armed,
/// how to look at that one.
fn hosts(r: &StatusReport, width: Option<usize>) -> String {
    let own = |w: &&WorkspaceScope| w.mode != "off" || w.scope == r.scope;
    let alias_width = r.workspace_scopes.iter().filter(own).map(|w| w.alias.len()).max().unwrap_or(0);
    let scope_width = r.workspace_scopes.iter().filter(own).map(|w| w.scope.len()).max().unwrap_or(0);
    let mut out = crate::render::wrap::wrap(
        &format!("the hooks read these in {}:", crate::render::sanitize::name(&r.workspace_root)),
        width,
        "hosts   ",
        INDENT,
    );
    for w in r.workspace_scopes.iter().filter(own) {
        let mut text = format!("{:<alias_width$}  {:<scope_width$}  {}", w.alias, w.scope, w.mode);
        if let Some(armed) = &w.armed {
            text.push_str(&format!(" · {}", crate::render::sanitize::name(armed)));
        }
        if w.scope == r.scope {
            text.push_str(" (shown above)");
        }
        out.push_str(&crate::render::wrap::wrap(&text, width, INDENT, &format!("{INDENT}  ")));
    }
    let off: Vec<&str> = r.workspace_scopes.iter().filter(|w| !own(w)).map(|w| w.alias).collect();
    if !off.is_empty() {
        let text = format!("off: {}", off.join(", "));
        out.push_str(&crate::render::wrap::wrap(&text, width, INDENT, &format!("{INDENT}     ")));
    }
    let armed = r.workspace_scopes.iter().find(|w| w.mode != "off" && w.scope != r.scope);
    if let (Some(armed), "off") = (armed, r.mode) {
        let hint = format!("this shell reads scope `{}`; add `--scope {}` to see the armed one", r.scope, armed.alias);
        out.push_str(&crate::render::wrap::wrap(&hint, width, "hint    ", INDENT));
    }
    out
}
