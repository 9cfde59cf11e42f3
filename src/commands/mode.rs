//! `frontier mode off|single|fusion`: validates what it arms at arm time (models, the
//! parameters each call's route must honour, the grace and quorum for the panel), then
//! writes the scope's state, keeping the operator's tuning and replacing the shape, and
//! warns about every armed model that is not ready (with every route's fix) or not
//! checked.

use crate::cli::{ModeArgs, ModeWord};
use crate::config::model_status as readiness;
use crate::env::Env;
use crate::error::{Error, Result};
use crate::request::{self, Selection};
use crate::scope;
use crate::scope::state::{self, Armed};

pub fn run(args: ModeArgs, env: &Env) -> Result<i32> {
    let config = super::load_config(env)?;
    let scope = scope::resolve(args.scope.as_deref(), env, None)?;
    let flags = &super::ask::panel(&args.panel);
    let any_panel_flag = flags.preset.is_some()
        || flags.models.is_some()
        || flags.model.is_some()
        || flags.judge.is_some()
        || flags.synth.is_some();
    let selection = match args.mode {
        ModeWord::Off if any_panel_flag || !args.shape.is_empty() => {
            let what = if any_panel_flag { "panel" } else { "--param, --grace, --quorum or --rounds" };
            return Err(Error::usage(
                format!("`mode off` takes no {what}"),
                "run `frontier mode off` alone (with --scope if needed)",
            ));
        }
        ModeWord::Off => None,
        ModeWord::Single => {
            if flags.model.is_none() {
                return Err(Error::usage("`mode single` needs --model", "e.g. `frontier mode single --model opus`"));
            }
            Selection::from_ask(flags, &config)?
        }
        ModeWord::Fusion => {
            if flags.model.is_some() {
                return Err(Error::usage(
                    "`mode fusion` takes a panel, not --model",
                    "use --preset NAME or --models a,b; for one model use `mode single`",
                ));
            }
            let selection = Selection::from_ask(flags, &config)?;
            if selection.is_none() {
                return Err(Error::usage(
                    "`mode fusion` needs --preset or --models",
                    "e.g. `frontier mode fusion --preset chatgpt-duo`; `frontier preset list` shows the presets",
                ));
            }
            selection
        }
    };
    // Refused at arm time, not at the first run: a parameter the route can't honour, a
    // grace or quorum out of range for the panel.
    let shape = super::ask::shape(&args.shape);
    if let Some(selection) = &selection {
        request::check_for_arming(selection, &shape, &config, env)?;
    }
    let (armed, judge, synth) = match &selection {
        None => (Armed::Off, None, None),
        Some(Selection::Single { model, .. }) => (Armed::Single { model: model.clone() }, None, None),
        Some(Selection::Fusion { preset: Some(name), .. }) => {
            (Armed::Preset { name: name.clone() }, flags.judge.clone(), flags.synth.clone())
        }
        Some(Selection::Fusion { preset: None, panel, judge, synth, .. }) => {
            (Armed::Custom { panel: panel.clone() }, Some(judge.clone()), Some(synth.clone()))
        }
    };
    let armed_at = (armed != Armed::Off).then(super::now_rfc3339);
    state::update(&config.paths.scopes_dir(), &scope.name, |s| {
        s.armed = armed;
        s.judge = judge;
        s.synth = synth;
        s.armed_at = armed_at;
        s.shape = shape;
    })?;
    match &selection {
        None => crate::render::write_stderr(&format!("scope `{}` is off\n", scope.name)),
        Some(sel) => {
            let mode = if matches!(sel, Selection::Single { .. }) { "single" } else { "fusion" };
            crate::render::write_stderr(&format!("scope `{}` armed: {mode} · {}\n", scope.name, sel.label()));
            let statuses = super::probe::statuses(&config, env, &sel.models());
            let mut warnings = readiness::warnings(&statuses);
            if statuses.iter().any(|s| !s.usable()) {
                warnings.push_str(&format!(
                    "warning: runs in scope `{}` will fail until the models above are ready\n",
                    scope.name
                ));
            }
            crate::render::write_stderr(&warnings);
        }
    }
    Ok(0)
}
