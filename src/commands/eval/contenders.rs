//! Who an eval compares: each `--contender` read with `run`'s own panel and shape flags,
//! or, by default, the scope's armed preset (as armed: its judge, synth and shape) and
//! each of its members alone (with the parameters the preset gives it); which one is
//! the baseline; and which model grades.
//!
//! Knows nothing about how the contenders are run or scored.

use clap::Parser as _;

use super::super::ask;
use crate::cli::ContenderArgs;
use crate::config::Config;
use crate::env::Env;
use crate::error::{Error, Result, echo};
use crate::eval::contender::{Contender, Kept};
use crate::pipeline::RunPlan;
use crate::scope::{self, state};

/// The contender `spec` writes (`demo --judge none`), labelled `label` (the spec itself
/// when `None`).
pub fn parse(config: &Config, spec: &str, label: Option<&str>) -> Result<Contender> {
    let words = shlex::split(spec).ok_or_else(|| {
        Error::usage(
            format!("contender `{}` has an unclosed quote", echo(spec)),
            "quote each contender as one argument",
        )
    })?;
    let args = ContenderArgs::try_parse_from(&words).map_err(|e| {
        let why = e.to_string();
        let why = why.lines().find(|l| !l.trim().is_empty()).unwrap_or_default().trim_start_matches("error: ");
        Error::usage(
            format!("contender `{}`: {why}", echo(spec)),
            "write a contender as a preset or model, then `run`'s panel flags: `demo --judge none`, `mock:a`",
        )
    })?;
    if words.is_empty() {
        return Err(Error::usage("a contender is empty", "name a preset or a model, e.g. `-c demo`"));
    }
    let mut panel = ask::panel(&args.panel);
    if let Some(name) = args.name {
        if panel.preset.is_some() || panel.models.is_some() || panel.model.is_some() {
            return Err(Error::usage(
                format!("contender `{}` names its panel twice", echo(spec)),
                "give either a first word (a preset or a model) or --preset/--models/--model",
            ));
        }
        // A preset's name, else a model's (`frontier catalog` lists both); a name that is
        // neither is taken for what it looks like, so the error names the right thing.
        let preset = config.presets.get(&name).is_ok();
        if preset || (config.catalog.resolve(&name).is_err() && !name.contains(':')) {
            panel.preset = Some(name);
        } else {
            panel.model = Some(name);
        }
    }
    let label = label.map_or_else(|| words.join(" "), str::to_string);
    Ok(Contender { label, spec: spec.trim().to_string(), panel, shape: ask::shape(&args.shape) })
}

/// The contenders kept in an eval's definition, read back.
pub fn from_kept(config: &Config, kept: &[Kept]) -> Result<Vec<Contender>> {
    kept.iter().map(|k| parse(config, &k.spec, Some(&k.label))).collect()
}

/// The armed preset (or custom panel), as armed, named by the preset; `None` when the
/// scope arms a single model or nothing and config.toml names no default preset.
pub fn armed(config: &Config, env: &Env, scope_flag: Option<&str>) -> Result<Option<Contender>> {
    let scope = scope::resolve(scope_flag, env, None)?;
    let loaded = state::load(&config.paths.scopes_dir(), &scope.name);
    let s = &loaded.state;
    let mut words: Vec<String> = Vec::new();
    let label = match &s.armed {
        state::Armed::Preset { name } => {
            words.extend(["--preset".to_string(), name.clone()]);
            name.clone()
        }
        state::Armed::Custom { panel } => {
            words.extend(["--models".to_string(), panel.join(",")]);
            "custom".to_string()
        }
        state::Armed::Single { .. } | state::Armed::Off => match &config.settings.default_preset {
            Some(name) => return parse(config, name, None).map(Some),
            None => return Ok(None),
        },
    };
    for (flag, value) in [("--judge", &s.judge), ("--synth", &s.synth)] {
        if let Some(value) = value {
            words.extend([flag.to_string(), value.clone()]);
        }
    }
    let shape = &s.shape;
    words.extend(shape.params.iter().flat_map(|p| ["--param".to_string(), p.clone()]));
    let numbers = [
        ("--grace", shape.grace_secs.map(|g| g.to_string())),
        ("--quorum", shape.quorum.map(|q| q.to_string())),
        ("--rounds", shape.rounds.map(|r| r.to_string())),
    ];
    for (flag, value) in numbers {
        if let Some(value) = value {
            words.extend([flag.to_string(), value]);
        }
    }
    let spec = shlex::try_join(words.iter().map(String::as_str))
        .map_err(|e| Error::internal(format!("could not write the armed contender: {e}"), "pass --contender"))?;
    parse(config, &spec, Some(&label)).map(Some)
}

/// Each member of `plan`'s panel alone, as `written` names it (a mock's options kept),
/// with the parameters it has there; labelled by the model, and by its parameters too
/// when the panel holds the model more than once.
pub fn members(config: &Config, plan: &RunPlan, written: &[String]) -> Result<Vec<Contender>> {
    plan.panel
        .iter()
        .zip(written)
        .map(|(member, name)| {
            let pairs = member.params.pairs();
            let mut words = vec!["--model".to_string(), name.clone()];
            for (key, value) in &pairs {
                words.extend(["--param".to_string(), format!("{name}.{key}={value}")]);
            }
            let twice = plan.panel.iter().filter(|m| m.model == member.model).count() > 1;
            let label = if twice {
                let params: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
                format!("{} {}", member.model, params.join(" "))
            } else {
                member.model.clone()
            };
            let spec = shlex::try_join(words.iter().map(String::as_str)).map_err(|e| {
                Error::internal(format!("could not write a member as a contender: {e}"), "pass --contender")
            })?;
            parse(config, &spec, Some(label.trim()))
        })
        .collect()
}

/// The index of the contender labelled `label`.
pub fn position(contenders: &[Contender], label: &str) -> Result<usize> {
    contenders.iter().position(|c| c.label == label.trim()).ok_or_else(|| {
        let labels: Vec<&str> = contenders.iter().map(|c| c.label.as_str()).collect();
        Error::usage(
            format!("--baseline `{}` is none of the contenders", echo(label)),
            format!("name one as it is written: {}", labels.join(", ")),
        )
    })
}

/// The panel `contender` names, each model as written (a preset's file, `--models`).
pub fn written_panel(config: &Config, contender: &Contender) -> Result<Vec<String>> {
    Ok(match (&contender.panel.preset, &contender.panel.models) {
        (Some(name), _) if name != "custom" => config.presets.get(name)?.panel.clone(),
        (_, Some(models)) => models.clone(),
        _ => Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;
    use crate::request::PanelAsk;
    use crate::scope::state::Shape;

    fn config() -> (tempfile::TempDir, Config) {
        let dir = tempfile::tempdir().unwrap();
        let env = Env::from_parts([("FRONTIER_HOME", dir.path().to_string_lossy().into_owned())], dir.path());
        let config = Config::load(&env).unwrap();
        (dir, config)
    }

    #[test]
    fn a_contender_is_a_preset_or_a_model_then_runs_flags() {
        let (_dir, config) = config();
        let parsed = |spec: &str| parse(&config, spec, None).map(|c| (c.label, c.panel, c.shape));
        assert_eq!(
            parsed("demo --judge none --rounds 2").unwrap(),
            (
                "demo --judge none --rounds 2".to_string(),
                PanelAsk { preset: Some("demo".into()), judge: Some("none".into()), ..PanelAsk::default() },
                Shape { rounds: Some(2), ..Shape::default() }
            )
        );
        assert_eq!(
            parsed("'mock:a?reply=x y'").unwrap(),
            (
                "mock:a?reply=x y".to_string(),
                PanelAsk { model: Some("mock:a?reply=x y".into()), ..PanelAsk::default() },
                Shape::default()
            )
        );
        assert_eq!(
            parsed("--models a,b --judge council").unwrap().1,
            PanelAsk {
                models: Some(vec!["a".into(), "b".into()]),
                judge: Some("council".into()),
                ..PanelAsk::default()
            }
        );
    }

    #[test]
    fn a_contender_that_can_not_be_read_is_a_usage_error_naming_it() {
        let (_dir, config) = config();
        let what = |spec: &str| match parse(&config, spec, None) {
            Err(Error::Usage { what, .. }) => what,
            other => panic!("{spec}: {other:?}"),
        };
        assert_eq!(what("demo 'x"), "contender `demo 'x` has an unclosed quote");
        assert_eq!(what("demo --model mock:a"), "contender `demo --model mock:a` names its panel twice");
        assert_eq!(
            what("demo --frobnicate"),
            "contender `demo --frobnicate`: unexpected argument '--frobnicate' found"
        );
        assert_eq!(what(""), "a contender is empty");
    }
}
