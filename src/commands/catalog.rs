//! `frontier catalog`: every model with its aliases, the route it would take and whether
//! it is ready; the providers; and the presets. Contacts no server: what only a
//! connection would prove (a keyless or local server) is shown as "not checked", and
//! `doctor` probes the local ones.

use serde::Serialize;

use crate::config::model_status::{self as readiness, ModelStatus};
use crate::config::{Config, Preset, PresetSource};
use crate::env::Env;
use crate::error::Result;
use crate::render::screen::{Fit, Screen};
use crate::render::{table, wrap};

#[derive(Debug, Serialize)]
pub(super) struct CatalogReport {
    models: Vec<ModelRow>,
    providers: Vec<ProviderRow>,
    presets: Vec<PresetRow>,
}

#[derive(Debug, Serialize)]
struct ModelRow {
    id: String,
    description: String,
    aliases: Vec<String>,
    routes: Vec<String>,
    #[serde(flatten)]
    status: ModelStatus,
}

#[derive(Debug, Serialize)]
struct ProviderRow {
    name: String,
    kind: &'static str,
    base_url: String,
    api_key_env: Option<String>,
    key_set: bool,
}

#[derive(Debug, Serialize)]
pub(super) struct PresetRow {
    pub name: String,
    pub aliases: Vec<String>,
    pub builtin: bool,
    pub description: String,
    pub panel: Vec<String>,
    pub judge: String,
    pub synth: String,
    /// What the preset sets for its runs beyond the panel, as a scope keeps it: `params`
    /// (as `--param` writes them), `grace_secs`, `quorum`, `rounds`; each absent when unset.
    #[serde(flatten)]
    pub shape: crate::scope::state::Shape,
    /// Every model checked and ready.
    pub ready: bool,
    /// `yes`, `not checked` (nothing missing, but a server was not contacted) or `no`.
    pub readiness: &'static str,
}

/// The readiness of each model `preset` calls, once each: its panel, judge and synth (the
/// council is the panel itself and `none` no judge, not models to check).
pub(super) fn preset_statuses(preset: &Preset, config: &Config, env: &Env) -> Vec<ModelStatus> {
    let mut seen: Vec<&String> = Vec::new();
    for model in preset.panel.iter().chain([&preset.judge, &preset.synth]) {
        if !crate::config::presets::judges_without_a_call(model) && !seen.contains(&model) {
            seen.push(model);
        }
    }
    seen.into_iter().map(|m| readiness::check(config, env, m)).collect()
}

pub(super) fn preset_rows(config: &Config, env: &Env) -> Vec<PresetRow> {
    config
        .presets
        .iter()
        .map(|p| {
            let statuses: Vec<ModelStatus> = preset_statuses(p, config, env);
            let ready = statuses.iter().all(|s| s.ready);
            let usable = statuses.iter().all(ModelStatus::usable);
            PresetRow {
                name: p.name.clone(),
                aliases: p.aliases.clone(),
                builtin: p.source == PresetSource::BuiltIn,
                description: p.description.clone(),
                panel: p.panel.clone(),
                judge: p.judge.clone(),
                synth: p.synth.clone(),
                shape: crate::scope::state::Shape {
                    params: preset_params(p),
                    grace_secs: p.grace.map(|g| g.as_secs_f64()),
                    quorum: p.quorum,
                    rounds: p.rounds,
                },
                ready,
                readiness: match (ready, usable) {
                    (true, _) => "yes",
                    (false, true) => "not checked",
                    (false, false) => "no",
                },
            }
        })
        .collect()
}

/// The parameters `preset`'s inline tables set, as `--param` writes them
/// (`MODEL.KEY=VALUE`), by call: each panel member, then the judge and the synth.
fn preset_params(preset: &crate::config::Preset) -> Vec<String> {
    let calls = preset.panel.iter().enumerate().map(|(i, m)| (m, preset.params.member(i)));
    let calls = calls.chain([(&preset.judge, preset.params.judge), (&preset.synth, preset.params.synth)]);
    let mut out: Vec<String> = Vec::new();
    for (model, params) in calls {
        for (key, value) in params.pairs() {
            let param = format!("{model}.{key}={value}");
            if !out.contains(&param) {
                out.push(param);
            }
        }
    }
    out
}

/// The presets, one a row. The judge and the synth share a column (`opus / gpt-5.5`,
/// wrapping between the two): apart, the three columns of model names leave no room at
/// 80 columns for a name to stay whole.
pub(super) fn preset_table(rows: &[PresetRow], fit: Fit) -> String {
    let mut t = table::fitted(&["preset", "panel", "judge / synth", "ready", "description"], fit);
    for p in rows {
        let name = if p.aliases.is_empty() { p.name.clone() } else { format!("{} ({})", p.name, p.aliases.join(", ")) };
        let name = if p.builtin { name } else { format!("{name} [user]") };
        t.add_row(crate::render::table::row(vec![
            name,
            p.panel.join(", "),
            format!("{} / {}", p.judge, p.synth),
            p.readiness.into(),
            p.description.clone(),
        ]));
    }
    // A name and its aliases may wrap between them; at a narrow width the description
    // goes first (`preset show NAME` has it), then the models' names are cut.
    table::keep_whole(&mut t, 0, 13);
    t.droppable(&[4]);
    t.to_string()
}

pub fn run(json: bool, env: &Env) -> Result<i32> {
    let config = super::load_config(env)?;
    let report = report(&config, env);
    if json {
        super::print_json(&report);
        return Ok(0);
    }
    table_text(&report, env)
}

/// The models, providers and presets with their readiness, as `--json` prints them and
/// the MCP server's `catalog` returns them.
pub(super) fn report(config: &Config, env: &Env) -> CatalogReport {
    let aliases_of =
        |id: &str| config.catalog.aliases().filter(|(_, m)| *m == id).map(|(a, _)| a.to_string()).collect::<Vec<_>>();
    CatalogReport {
        models: config
            .catalog
            .models()
            .map(|m| ModelRow {
                id: m.id.clone(),
                description: m.description.clone(),
                aliases: aliases_of(&m.id),
                routes: m.routes.clone(),
                status: readiness::check(config, env, &m.id),
            })
            .collect(),
        providers: config
            .catalog
            .providers()
            .map(|p| ProviderRow {
                name: p.name.clone(),
                kind: p.kind.as_str(),
                // Shown with any userinfo hidden (`BaseUrl`'s Display), in both outputs.
                base_url: p.base_url.to_string(),
                api_key_env: p.api_key_env.clone(),
                key_set: p.api_key_env.as_deref().is_none_or(|v| env.var(v).is_some()),
            })
            .collect(),
        presets: preset_rows(config, env),
    }
}

fn table_text(report: &CatalogReport, env: &Env) -> Result<i32> {
    let fit = Screen::of(env).stdout();
    let mut models = table::fitted(&["model", "aliases", "route", "ready"], fit);
    // What each model lacks, and every way to fix it, under the table: a fix lists
    // every route, too long for a cell of a table that must fit the terminal.
    let mut fixes = String::new();
    for m in &report.models {
        let missing = match (&m.status.missing, &m.status.fix, &m.status.not_checked) {
            (Some(w), Some(f), _) => Some(format!("{w}; fix: {f}")),
            (Some(w), None, _) => Some(w.clone()),
            (None, _, Some(what)) => Some(format!("not checked: {what}")),
            _ => None,
        };
        if let Some(missing) = missing {
            fixes.push_str(&wrap::wrap(
                &crate::render::sanitize::clean(&missing),
                fit.width,
                &format!("{}: ", m.id),
                "    ",
            ));
        }
        models.add_row(crate::render::table::row(vec![
            m.id.clone(),
            m.aliases.join(", "),
            m.status.route.clone().unwrap_or_default(),
            m.status.word().into(),
        ]));
    }
    table::keep_whole(&mut models, 0, 16);
    table::keep_whole(&mut models, 2, 28);
    models.droppable(&[1]);
    let mut providers = table::fitted(&["provider", "kind", "base url", "key variable"], fit);
    for p in &report.providers {
        let key = match &p.api_key_env {
            Some(var) => format!("{var} ({})", if p.key_set { "set" } else { "not set" }),
            None if p.kind == "mock" => "none needed".into(),
            None if p.kind.ends_with("-cli") => "none (the CLI's own login)".into(),
            // Without a key, only a connection would show the server is there.
            None => "none needed (server not checked)".into(),
        };
        providers.add_row(crate::render::table::row(vec![p.name.clone(), p.kind.to_string(), p.base_url.clone(), key]));
    }
    table::keep_whole(&mut providers, 0, 16);
    // The kind goes first at a narrow width: a base URL is read whole (its `/v1` matters)
    // and the key variable says what to set.
    providers.droppable(&[1]);
    let footer = wrap::wrap(
        "Any model can also be addressed as provider:model (e.g. openai:gpt-4.1, ollama:llama3.2, mock:any).",
        fit.width,
        "",
        "",
    );
    let fixes = if fixes.is_empty() { String::new() } else { format!("\n{fixes}") };
    let text = format!("{models}\n{fixes}\n{providers}\n\n{}\n\n{footer}", preset_table(&report.presets, fit));
    crate::render::write_stdout(&text);
    Ok(0)
}
