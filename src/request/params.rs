//! The parameters each call of a selection carries: what a preset's inline tables give
//! it, what `--param MODEL.KEY=VALUE` adds over them (`with_run_params`), and the check
//! that its route can honour them (`check_params`, `check_route`), before anything is
//! armed or sent.
//!
//! Knows nothing about which models were chosen (`selection`) or how a route sends a
//! parameter (`provider::params`).

use super::selection::Selection;
use crate::config::presets::judges_without_a_call;
use crate::config::{Catalog, Config, Route};
use crate::env::Env;
use crate::error::{Error, Result};
use crate::provider::{ParamKey, Params, params};

impl Selection {
    /// Applies `--param MODEL.KEY=VALUE` flags: each to every call of MODEL (the panel
    /// member, the judge, the synth), over what the preset gives it. A MODEL this run does
    /// not call is a usage error naming it.
    pub fn with_run_params(mut self, flags: &[String], config: &Config) -> Result<Selection> {
        if flags.is_empty() {
            return Ok(self);
        }
        let canonical = |name: &str| config.catalog.resolve(name).map(|spec| spec.name);
        let in_run: Vec<String> = self.models().into_iter().map(canonical).collect::<Result<_>>()?;
        let mut by_model: Vec<(String, Params)> = Vec::new();
        for flag in flags {
            let (model, key, value) = parse_param_flag(flag)?;
            let name = canonical(model)?;
            if !in_run.contains(&name) {
                return Err(Error::usage(
                    format!("--param `{flag}` names model `{model}`, which this run does not call"),
                    format!("name one of the run's models: {}", self.models().join(", ")),
                ));
            }
            let at = match by_model.iter().position(|(m, _)| *m == name) {
                Some(at) => at,
                None => {
                    by_model.push((name, Params::default()));
                    by_model.len() - 1
                }
            };
            by_model[at].1.set(key, value).map_err(|e| {
                Error::usage(format!("--param `{flag}`: {e}"), "e.g. `--param gpt-5.5.temperature=0.7`")
            })?;
        }
        let run = |name: &str| -> Params {
            let name = canonical(name).unwrap_or_default();
            by_model.iter().find(|(m, _)| *m == name).map(|(_, p)| *p).unwrap_or_default()
        };
        match &mut self {
            Selection::Single { model, params } => *params = params.over(run(model)),
            Selection::Fusion { panel, judge, synth, params, .. } => {
                params.panel = panel.iter().enumerate().map(|(i, m)| params.member(i).over(run(m))).collect();
                params.judge = params.judge.over(run(judge));
                params.synth = params.synth.over(run(synth));
            }
        }
        Ok(self)
    }

    /// Every call the selection makes, with the parameters the selection gives it (the
    /// model's own come on top in `effective_params`).
    pub fn calls(&self) -> Vec<(&str, Params)> {
        match self {
            Selection::Single { model, params } => vec![(model.as_str(), *params)],
            Selection::Fusion { panel, judge, synth, params, .. } => panel
                .iter()
                .enumerate()
                .map(|(i, m)| (m.as_str(), params.member(i)))
                .chain([(judge.as_str(), params.judge), (synth.as_str(), params.synth)])
                // The council is the panel itself, and `none` no judge: no call of their own.
                .filter(|(name, _)| !judges_without_a_call(name))
                .collect(),
        }
    }

    /// Refuses a parameter that the route each call would take now can't honour: at arm
    /// time (`mode`, `compose`), so the run does not fail later.
    pub fn check_params(&self, config: &Config, env: &Env) -> Result<()> {
        for (name, layer) in self.calls() {
            let spec = config.catalog.resolve(name)?;
            if let Some((route, _)) = Catalog::select(&spec, env) {
                check_route(name, route, &spec.params.over(layer))?;
            }
        }
        Ok(())
    }
}

/// `MODEL.KEY=VALUE`, split at the first `=` and the last `.` before it (model names
/// have dots: `gpt-5.5.reasoning=high`).
fn parse_param_flag(flag: &str) -> Result<(&str, ParamKey, &str)> {
    let bad = |what: String| {
        Error::usage(
            format!("--param `{flag}` {what}"),
            "write MODEL.KEY=VALUE with KEY one of temperature, max_output_tokens, reasoning, \
             e.g. `--param gpt-5.5.reasoning=high`",
        )
    };
    let (target, value) = flag.split_once('=').ok_or_else(|| bad("has no `=VALUE`".into()))?;
    let (model, key) = target.rsplit_once('.').ok_or_else(|| bad("names no `MODEL.KEY`".into()))?;
    let key = ParamKey::parse(key).ok_or_else(|| bad(format!("has the unknown parameter `{key}`")))?;
    if model.is_empty() || value.is_empty() {
        return Err(bad("needs a model and a value".into()));
    }
    Ok((model, key, value))
}

/// Refuses `params` if `route` can't honour one of them, naming the model, the route and
/// the parameter: a usage error, before anything is sent.
pub fn check_route(model: &str, route: &Route, params: &Params) -> Result<()> {
    params::check(route.provider.kind, params).map_err(|refusal| {
        Error::usage(
            format!(
                "model `{model}` (route `{}`) does not take parameter `{}`{}",
                route.label(),
                refusal.key.as_str(),
                refusal.detail
            ),
            refusal.hint,
        )
    })
}
