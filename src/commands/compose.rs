//! `frontier compose`: checks a custom panel (ids and readiness) before anything is
//! armed, optionally saves it as a preset, then arms it and says which scope (and why
//! that one). A server on this machine is probed first, as `doctor` probes it. A model
//! that is missing something (a dead local server included) refuses the whole panel,
//! naming every route's fix; one that still could not be checked arms with a warning.
//! `--dry-run` writes nothing.

use crate::cli::ComposeArgs;
use crate::config::model_status as readiness;
use crate::config::{Preset, PresetSource};
use crate::env::Env;
use crate::error::{Error, Result};
use crate::request::{self, PanelAsk, Selection};
use crate::scope;
use crate::scope::state::{self, Armed};

pub fn run(args: ComposeArgs, env: &Env) -> Result<i32> {
    let config = super::load_config(env)?;
    let scope = scope::resolve(args.scope.as_deref(), env, None)?;
    let flags = PanelAsk {
        models: Some(args.models.clone()),
        judge: args.judge.clone(),
        synth: args.synth.clone(),
        ..PanelAsk::default()
    };
    let Some(selection) = Selection::from_ask(&flags, &config)? else {
        return Err(Error::usage("compose needs --models", "e.g. `frontier compose --models opus,gpt-5.5`"));
    };
    // A parameter a route can't honour, or a grace or quorum out of range, refuses the
    // panel before anything is armed; `--param` lands on the calls it names.
    let shape = super::ask::shape(&args.shape);
    let selection = request::check_for_arming(&selection, &shape, &config, env)?;
    let statuses = super::probe::statuses(&config, env, &selection.models());
    let Selection::Fusion { panel, judge, synth, params, .. } = selection else {
        return Err(Error::usage("compose needs --models", "e.g. `frontier compose --models opus,gpt-5.5`"));
    };
    let name = |n: &str| crate::render::sanitize::name(n);
    let panel_names: Vec<String> = panel.iter().map(|m| name(m)).collect();
    let mut plan = format!("panel   {}\njudge   {}\nsynth   {}\n", panel_names.join(", "), name(&judge), name(&synth));
    let not_ready: Vec<_> = statuses.iter().filter(|s| !s.usable()).collect();
    for s in &statuses {
        let route = s.route.as_deref().unwrap_or("-");
        let state = match (s.ready, &s.not_checked) {
            (true, _) => "ready".to_string(),
            (false, Some(what)) => format!("not checked: {what}"),
            (false, None) => format!("not ready: {}", s.missing.as_deref().unwrap_or("?")),
        };
        plan.push_str(&format!("  {} via {}: {state}\n", name(&s.model), name(route)));
    }
    let target = format!("scope `{}` (chosen by {})", scope.name, scope.source.describe());
    if !not_ready.is_empty() {
        crate::render::write_stderr(&plan);
        let mut fixes: Vec<String> = Vec::new();
        for fix in not_ready.iter().filter_map(|s| s.fix.clone()) {
            if !fixes.contains(&fix) {
                fixes.push(fix);
            }
        }
        let names: Vec<&str> = not_ready.iter().map(|s| s.model.as_str()).collect();
        return Err(Error::refused(
            format!("not every model is ready ({}); nothing was armed", names.join(", ")),
            fixes.join("; "),
        ));
    }
    let preset = args.save.as_ref().map(|name| Preset {
        name: name.clone(),
        description: format!("composed from {}", panel.join(", ")),
        aliases: Vec::new(),
        panel: panel.clone(),
        judge: judge.clone(),
        synth: synth.clone(),
        params: params.clone(),
        grace: shape.grace_secs.map(std::time::Duration::from_secs_f64),
        rounds: shape.rounds,
        quorum: shape.quorum,
        source: PresetSource::User(config.paths.presets_dir()),
    });
    if args.dry_run {
        if let Some(p) = &preset {
            plan.push_str(&format!("would save preset `{}` in {}\n", p.name, config.paths.presets_dir().display()));
        }
        plan.push_str(&format!("would arm {target}; dry run: nothing written\n"));
        crate::render::write_stdout(&plan);
        return Ok(0);
    }
    let armed = match &preset {
        Some(p) => {
            let path = config.presets.save(&config.paths.presets_dir(), p)?;
            plan.push_str(&format!("saved preset `{}` to {}\n", p.name, path.display()));
            Armed::Preset { name: p.name.clone() }
        }
        None => Armed::Custom { panel: panel.clone() },
    };
    let custom = matches!(armed, Armed::Custom { .. });
    // A saved preset holds the whole shape itself, so the scope keeps none of it: editing
    // the preset later is not undone by the scope.
    let shape = if custom { shape } else { state::Shape::default() };
    state::update(&config.paths.scopes_dir(), &scope.name, |s| {
        s.armed = armed;
        s.shape = shape;
        s.judge = custom.then(|| judge.clone());
        s.synth = custom.then(|| synth.clone());
        s.armed_at = Some(super::now_rfc3339());
    })?;
    plan.push_str(&format!("armed {target}: fusion\n"));
    crate::render::write_stdout(&plan);
    crate::render::write_stderr(&readiness::warnings(&statuses));
    Ok(0)
}
