//! `frontier run`: resolves the prompt, the panel and the limits, builds the
//! participants, executes the pipeline on a runtime with Ctrl-C cancelling everything,
//! and hands the report to the renderer.

use std::io::Read as _;
use std::sync::Arc;
use std::time::Duration;

use super::readiness;
use super::selection::Selection;
use crate::cli::RunArgs;
use crate::config::settings::{MAX_CONCURRENCY, MAX_TIMEOUT_SECS};
use crate::config::{Catalog, Config, scope, state};
use crate::env::Env;
use crate::error::{Error, Result};
use crate::pipeline::{self, FailureReason, Limits, Participant, RunMode, RunPlan, RunReport, Status};
use crate::provider::{self, http::Transport};
use crate::render;

pub fn run(args: RunArgs, env: &Env) -> Result<i32> {
    let output = render::RunOutput::new(args.json, args.no_stream);
    // The recursion guard comes first: a nested frontier does nothing at all.
    if env.depth() >= 1 {
        let mode = if args.panel.model.is_some() { RunMode::Single } else { RunMode::Fusion };
        let report = RunReport::refused(
            new_run_id(),
            mode,
            args.panel.preset.clone(),
            String::new(),
            FailureReason::FusionInvocationCapped,
        );
        output.finish(&report);
        return Err(Error::RunFailed {
            reason: FailureReason::FusionInvocationCapped,
            detail: format!("FRONTIER_DEPTH is {}", env.depth()),
        });
    }
    let prompt = read_prompt(&args.prompt)?;
    let config = Config::load(env)?;
    let limits = limits(&args, &config)?;
    let scope_flag = args.scope.as_deref();
    let selection = select(&args, &config, env, scope_flag)?;

    let transport = Transport::new(
        args.idle_timeout.map_or(Ok(config.settings.run.idle_timeout), |s| secs("--idle-timeout", s))?,
        config.settings.run.retry.clone(),
    )
    .map(Arc::new)
    .map_err(|e| Error::refused(format!("could not set up HTTP: {e}"), "check the system's TLS setup"))?;
    let seed = args.seed.unwrap_or_else(crate::random::u64);
    let participant = |name: &str| participant(&config, env, &transport, name);
    let plan = match &selection {
        Selection::Single { model } => RunPlan {
            run_id: new_run_id(),
            mode: RunMode::Single,
            preset: None,
            prompt,
            panel: vec![participant(model)?],
            judge: None,
            synth: None,
            limits,
            seed,
        },
        Selection::Fusion { preset, panel, judge, synth } => RunPlan {
            run_id: new_run_id(),
            mode: RunMode::Fusion,
            preset: Some(preset.clone().unwrap_or_else(|| "custom".into())),
            prompt,
            panel: panel.iter().map(|m| participant(m)).collect::<Result<_>>()?,
            judge: Some(participant(judge)?),
            synth: Some(participant(synth)?),
            limits,
            seed,
        },
    };

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::refused(format!("could not start the async runtime: {e}"), "check system limits"))?;
    let observer = output.observer();
    let report = runtime.block_on(async {
        tokio::select! {
            // Polled first, so the handler is in place before any request goes out.
            biased;
            () = interrupted() => None,
            report = pipeline::execute(plan, &observer) => Some(report),
        }
    });
    // Dropping the runtime cancels every request still in flight.
    runtime.shutdown_timeout(Duration::from_millis(100));
    let Some(report) = report else {
        observer.interrupted();
        return Err(Error::Cancelled);
    };
    output.finish(&report);
    match (report.status, report.failure_reason) {
        (Status::Ok, _) => Ok(0),
        (Status::Error, reason) => Err(Error::RunFailed {
            reason: reason.unwrap_or(FailureReason::UnexpectedError),
            detail: format!("no panel member answered ({})", report.failed_models.join(", ")),
        }),
    }
}

/// Resolves on Ctrl-C (SIGINT); never, if the handler can't be installed.
async fn interrupted() {
    if tokio::signal::ctrl_c().await.is_err() {
        std::future::pending::<()>().await;
    }
}

fn read_prompt(arg: &str) -> Result<String> {
    let prompt = if arg == "-" {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map_err(|e| {
            Error::usage(format!("could not read the prompt from stdin: {e}"), "pipe UTF-8 text into `frontier run -`")
        })?;
        text
    } else {
        arg.to_string()
    };
    if prompt.trim().is_empty() {
        return Err(Error::usage(
            "the prompt is empty",
            "give the prompt as an argument, or `-` to read it from stdin",
        ));
    }
    Ok(prompt)
}

fn secs(flag: &str, value: u64) -> Result<Duration> {
    if (1..=MAX_TIMEOUT_SECS).contains(&value) {
        Ok(Duration::from_secs(value))
    } else {
        Err(Error::usage(
            format!("{flag} {value} is out of range"),
            format!("give from 1 to {MAX_TIMEOUT_SECS} seconds"),
        ))
    }
}

fn limits(args: &RunArgs, config: &Config) -> Result<Limits> {
    let defaults = &config.settings.run;
    let concurrency = match args.concurrency {
        None => defaults.concurrency,
        Some(n) if (1..=MAX_CONCURRENCY).contains(&n) => n,
        Some(n) => {
            return Err(Error::usage(
                format!("--concurrency {n} is out of range"),
                format!("give from 1 to {MAX_CONCURRENCY}"),
            ));
        }
    };
    Ok(Limits {
        concurrency,
        member_timeout: args.timeout.map_or(Ok(defaults.member_timeout), |s| secs("--timeout", s))?,
        budget: args.budget.map_or(Ok(defaults.budget), |s| secs("--budget", s))?,
        stage_floor: defaults.stage_floor,
    })
}

/// Flags first, then the scope's armed mode, then `default_preset`.
fn select(args: &RunArgs, config: &Config, env: &Env, scope_flag: Option<&str>) -> Result<Selection> {
    if let Some(selection) = Selection::from_flags(&args.panel, config)? {
        return Ok(selection);
    }
    let scope = scope::resolve(scope_flag, env, None)?;
    let loaded = state::load(&config.paths.scopes_dir(), &scope.name);
    if let Some(warning) = &loaded.warning {
        eprintln!("warning: {warning}");
    }
    if let Some(selection) = Selection::from_state(&loaded.state, config)? {
        return selection.with_overrides(&args.panel);
    }
    if let Some(name) = &config.settings.default_preset {
        let preset = config.presets.get(name)?;
        let flags = crate::cli::PanelArgs { preset: Some(preset.name.clone()), ..args.panel.clone() };
        if let Some(selection) = Selection::from_flags(&flags, config)? {
            return Ok(selection);
        }
    }
    let ready = readiness::ready_models(config, env);
    let ready = if ready.is_empty() {
        "no model is ready yet (`frontier catalog` shows what each needs)".to_string()
    } else {
        format!("ready now: {}", ready.join(", "))
    };
    Err(Error::usage(
        format!("no panel given, and scope `{}` has nothing armed", scope.name),
        format!("pass --preset or --models, or try `--preset demo`, which runs offline; {ready}"),
    ))
}

fn participant(config: &Config, env: &Env, transport: &Arc<Transport>, name: &str) -> Result<Participant> {
    let spec = config.catalog.resolve(name)?;
    let (route, _) = Catalog::select(&spec, env)
        .ok_or_else(|| Error::refused(format!("model `{name}` has no route"), "add a route in config.toml"))?;
    Ok(Participant {
        model: spec.name.clone(),
        route: route.label(),
        provider: provider::connect(route, env, transport),
    })
}

/// A sortable, unique-enough id: UTC time to the second and 16 random bits.
fn new_run_id() -> String {
    let stamp = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
    let digits: String = stamp.chars().filter(char::is_ascii_digit).collect();
    let (date, time) = digits.split_at(digits.len().min(8));
    format!("{date}-{time}-{:04x}", crate::random::u64() & 0xffff)
}
