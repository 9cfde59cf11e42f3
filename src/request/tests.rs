//! The order of precedence, checked in one place and in-process: a `Request` resolved
//! against a configuration and a scope in a temporary `FRONTIER_HOME`.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use pretty_assertions::assert_eq;

use super::*;
use crate::config::Config;
use crate::context::reach::Outside;
use crate::env::Env;
use crate::scope::state::{self, Armed};

/// A home with `config_toml` as its config.toml and `presets` as user preset files.
fn home(config_toml: &str, presets: &[(&str, &str)]) -> (tempfile::TempDir, Env) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    std::fs::create_dir_all(config.join("presets")).unwrap();
    std::fs::write(config.join("config.toml"), config_toml).unwrap();
    for (name, text) in presets {
        std::fs::write(config.join("presets").join(format!("{name}.toml")), text).unwrap();
    }
    let env = Env::from_parts([("FRONTIER_HOME", dir.path().to_string_lossy().into_owned())], dir.path());
    (dir, env)
}

fn arm(env: &Env, scope: &str, armed: Armed, shape: Shape) {
    let config = Config::load(env).unwrap();
    state::update(&config.paths.scopes_dir(), scope, |s| {
        s.armed = armed;
        s.shape = shape;
    })
    .unwrap();
}

fn cli(scope: &str) -> Request {
    Request {
        prompt: "q".into(),
        origin: Origin::Cli { scope: Some(scope.into()) },
        panel: PanelAsk::default(),
        shape: Shape::default(),
        limits: LimitAsk::default(),
        context: ContextAsk::none(Outside::Refused),
        seed: Some(7),
        continues: None,
        session: None,
    }
}

/// What a resolved plan is, in the words precedence decides: the panel, the judge, the
/// rounds, the grace and the budget.
fn outcome(request: &Request, env: &Env) -> (Vec<String>, Option<String>, u32, Option<Duration>, Duration) {
    let config = Config::load(env).unwrap();
    let resolved = resolve(request, &config, env, &mut |w| panic!("no warning expected: {w}"))
        .unwrap_or_else(|e| panic!("{e}: {}", e.hint()));
    let plan = resolved.plan;
    (
        plan.panel.iter().map(|p| p.model.clone()).collect(),
        plan.judge.as_ref().map(|j| j.model.clone()),
        plan.rounds,
        plan.limits.grace,
        plan.limits.budget,
    )
}

const DUO: &str = "panel = [\"mock:p1\", \"mock:p2\"]\njudge = \"mock:pj\"\nrounds = 2\ngrace_secs = 4\n";

#[test]
fn the_requests_panel_beats_the_scopes_and_brings_no_armed_shape() {
    let (_dir, env) = home("", &[("duo", DUO)]);
    arm(&env, "s", Armed::Preset { name: "duo".into() }, Shape { rounds: Some(3), ..Shape::default() });
    let request = Request {
        panel: PanelAsk { models: Some(vec!["mock:a".into(), "mock:b".into()]), ..PanelAsk::default() },
        ..cli("s")
    };
    assert_eq!(
        outcome(&request, &env),
        (vec!["mock:a".into(), "mock:b".into()], Some("mock:a".into()), 1, None, Duration::from_secs(540))
    );
}

#[test]
fn the_scopes_armed_shape_beats_the_preset_and_the_request_beats_both() {
    let (_dir, env) = home("rounds = 1\n", &[("duo", DUO)]);
    // Nothing armed beyond the preset: the preset's rounds and grace beat config.toml's.
    arm(&env, "s", Armed::Preset { name: "duo".into() }, Shape::default());
    let panel = vec!["mock:p1".to_string(), "mock:p2".to_string()];
    let preset =
        (panel.clone(), Some("mock:pj".to_string()), 2, Some(Duration::from_secs(4)), Duration::from_secs(540));
    assert_eq!(outcome(&cli("s"), &env), preset);
    // The scope's armed shape beats the preset.
    arm(
        &env,
        "s",
        Armed::Preset { name: "duo".into() },
        Shape { rounds: Some(3), grace_secs: Some(1.0), ..Shape::default() },
    );
    assert_eq!(outcome(&cli("s"), &env).2, 3);
    assert_eq!(outcome(&cli("s"), &env).3, Some(Duration::from_secs(1)));
    // The request's own values beat the scope's.
    let request = Request {
        shape: Shape { rounds: Some(1), ..Shape::default() },
        limits: LimitAsk { budget: Some(60), ..LimitAsk::default() },
        ..cli("s")
    };
    assert_eq!(
        outcome(&request, &env),
        (panel, Some("mock:pj".into()), 1, Some(Duration::from_secs(1)), Duration::from_secs(60))
    );
}

#[test]
fn config_defaults_apply_where_nothing_above_them_speaks_and_default_preset_fills_an_empty_scope() {
    let (_dir, env) = home("default_preset = \"duo\"\nbudget_secs = 90\nrounds = 3\n", &[("duo", DUO)]);
    // The scope is off: config.toml's default preset, whose rounds beat config.toml's.
    let (panel, judge, rounds, grace, budget) = outcome(&cli("empty"), &env);
    assert_eq!(
        (panel, judge, rounds, grace, budget),
        (
            vec!["mock:p1".into(), "mock:p2".into()],
            Some("mock:pj".into()),
            2,
            Some(Duration::from_secs(4)),
            Duration::from_secs(90)
        )
    );
}

#[test]
fn the_hook_runs_the_state_it_loaded_and_names_the_scope_in_an_error() {
    let (_dir, env) = home("", &[("duo", DUO)]);
    let armed = state::ScopeState { armed: Armed::Preset { name: "duo".into() }, ..state::ScopeState::default() };
    let hooked = |state: state::ScopeState| Request {
        origin: Origin::Hook { scope: "x".into(), state: Box::new(state) },
        limits: LimitAsk { budget: Some(9999), ..LimitAsk::default() },
        ..cli("ignored")
    };
    let (panel, _, rounds, _, budget) = outcome(&hooked(armed), &env);
    assert_eq!((panel.len(), rounds, budget), (2, 2, Duration::from_secs(MAX_HOOK_BUDGET_SECS)));
    let gone = state::ScopeState { armed: Armed::Preset { name: "gone".into() }, ..state::ScopeState::default() };
    let config = Config::load(&env).unwrap();
    let error = resolve(&hooked(gone), &config, &env, &mut |_| {}).err().map(|e| e.to_string());
    assert_eq!(error.as_deref(), Some("scope `x` is armed with an invalid panel: unknown preset `gone`"));
}

#[test]
fn a_run_whose_scope_arms_a_preset_that_is_gone_names_the_scope_and_the_way_out() {
    let (_dir, env) = home("", &[]);
    arm(&env, "review-scope", Armed::Preset { name: "review".into() }, Shape::default());
    let config = Config::load(&env).unwrap();
    let error = resolve(&cli("review-scope"), &config, &env, &mut |_| {}).err().unwrap();
    assert_eq!(
        (error.to_string(), error.hint()),
        (
            "scope `review-scope` is armed with an invalid panel: unknown preset `review`".to_string(),
            "`frontier preset list` lists the presets; `--models a,b` runs a custom panel; or re-arm the scope with \
             `frontier mode`, or turn it off: `frontier mode off --scope review-scope`"
                .to_string()
        )
    );
}

#[test]
fn a_scope_state_that_cannot_be_read_is_told_before_the_error_it_leads_to() {
    let (dir, env) = home("", &[]);
    let scopes = dir.path().join("state/scopes");
    std::fs::create_dir_all(&scopes).unwrap();
    std::fs::write(Path::new(&scopes).join("s.toml"), "mode = [").unwrap();
    let config = Config::load(&env).unwrap();
    let mut heard = Vec::new();
    let error = resolve(&cli("s"), &config, &env, &mut |w| heard.push(w.to_string())).err().map(|e| e.to_string());
    assert_eq!(error.as_deref(), Some("no panel given, and scope `s` has nothing armed"));
    assert_eq!(heard.len(), 1, "{heard:?}");
    assert!(heard[0].contains("s.toml"), "{heard:?}");
}

/// Plans resolved with one pacer share it: with one call at a time per provider, the
/// second plan's mock call waits while the first one's stream is open, and starts once it
/// is dropped. Plans resolved without one do not wait for each other.
#[tokio::test(start_paused = true)]
async fn plans_resolved_with_one_pacer_share_its_lanes() {
    use futures::StreamExt as _;

    use crate::provider::pace::Pacer;
    use crate::provider::{ChatRequest, StreamEvent};

    let (_dir, env) = home("", &[]);
    let config = Config::load(&env).unwrap();
    let request = Request {
        panel: PanelAsk { model: Some("mock:a?fail=midway&reply=abcd".into()), ..PanelAsk::default() },
        ..cli("s")
    };
    let ask = ChatRequest {
        system: "s".into(),
        user: "u".into(),
        conversation: Default::default(),
        json_schema: None,
        deadline: tokio::time::Instant::now() + Duration::from_secs(60),
        params: Default::default(),
    };
    let pacer = Arc::new(Pacer::new(1));
    let mut streams = Vec::new();
    for paced in [true, true, false, false] {
        let resolved = if paced {
            resolve_paced(&request, &config, &env, &mut |_| {}, &pacer)
        } else {
            resolve(&request, &config, &env, &mut |_| {})
        };
        let provider = resolved.unwrap().plan.panel[0].provider.clone().unwrap();
        streams.push(provider.stream(ask.clone()));
    }
    let half = Some(Ok(StreamEvent::Delta("ab".into())));
    let mut first_events = Vec::new();
    for stream in &mut streams {
        first_events.push(tokio::time::timeout(Duration::from_secs(10), stream.next()).await.ok().flatten());
    }
    assert_eq!(first_events, vec![half.clone(), None, half.clone(), half.clone()]);
    drop(streams.remove(0));
    assert_eq!(streams[0].next().await, half);
}
