//! `frontier run`: resolves the prompt, the panel and the limits (`limits`), has
//! `execute` carry out the run, and hands the report to the renderer.

use std::io::Read as _;

use super::selection::Selection;
use super::{context, execute, limits, readiness, shape};
use crate::cli::RunArgs;
use crate::config::Config;
use crate::env::Env;
use crate::error::{Error, Result};
use crate::pipeline::{FailureReason, RunMode, RunReport, Status};
use crate::render;
use crate::scope;
use crate::scope::state::{self, Shape};

pub fn run(args: RunArgs, env: &Env) -> Result<i32> {
    let output = render::RunOutput::new(env, args.json, args.no_stream, args.quiet);
    // The recursion guard comes first: a nested frontier does nothing at all.
    if env.depth() >= 1 {
        let mode = if args.panel.model.is_some() { RunMode::Single } else { RunMode::Fusion };
        let report = RunReport::refused(
            execute::new_run_id(),
            mode,
            args.panel.preset.clone(),
            String::new(),
            FailureReason::FusionInvocationCapped,
        );
        output.finish(&report, false);
        return Err(execute::failed(
            FailureReason::FusionInvocationCapped,
            format!("FRONTIER_DEPTH is {}", env.depth()),
        ));
    }
    let prompt = read_prompt(&args.prompt)?;
    let config = super::load_config(env)?;
    let (mut plan, budget) = prepare(&args, prompt, &config, env)?;
    // No walk, no git and no read of stdin unless asked: a run without context costs
    // one isatty(3) more than before.
    if context::wanted(&args) {
        plan.context = crate::context::assemble(context::gather(&args, env, budget.chars)?, budget.chars);
    }
    if args.dry_run {
        let dry = render::context::DryRun {
            dry_run: true,
            budget_chars: budget.chars,
            limited_by: budget.limited_by.as_deref(),
            block_chars: plan.context.block.chars().count(),
            context: &plan.context.sources,
            panel: plan.panel.iter().map(|p| p.model.as_str()).collect(),
            judge: if plan.council {
                Some(crate::config::presets::COUNCIL)
            } else {
                plan.judge.as_ref().map(|p| p.model.as_str())
            },
            synth: plan.synth.as_ref().map(|p| p.model.as_str()),
        };
        render::context::print(&dry, args.json);
        return Ok(0);
    }
    execute::check_cost(&plan)?;
    let observer = output.observer(&plan);
    let report = execute::carry_out(plan, &observer).inspect_err(|e| {
        if matches!(e, Error::Cancelled { .. }) {
            observer.interrupted();
        }
    })?;
    output.finish(&report, config.settings.history);
    crate::history::record_or_warn(
        config.settings.history,
        &config.paths.history_file(),
        &report,
        crate::history::Source::Run,
    );
    match (report.status, report.failure_reason) {
        (Status::Ok, _) => Ok(0),
        (Status::Error, reason) => Err(execute::failed(
            reason.unwrap_or(FailureReason::UnexpectedError),
            format!("no panel member answered ({})", report.failed_models.join(", ")),
        )),
    }
}

/// Everything between the prompt and the context: the selection (flags, else the scope's
/// armed mode, else `default_preset`), `--param`, the limits, and the plan with its
/// context budget. `run` and the MCP server's `fuse`/`ask` share it, so a tool call is
/// checked by the same rules, in the same words, as the command line.
pub(super) fn prepare(
    args: &RunArgs,
    prompt: String,
    config: &Config,
    env: &Env,
) -> Result<(crate::pipeline::RunPlan, context::Budget)> {
    let (selection, armed) = select(args, config, env, args.scope.as_deref())?;
    let shape = shape::over(&armed, &args.shape);
    let selection = shape::apply(selection, &shape, config)?;
    let flags = shape::limit_flags(
        &shape,
        limits::Flags {
            concurrency: args.concurrency,
            member_timeout: args.timeout,
            budget: args.budget,
            max_cost_usd: args.max_cost,
            ..limits::Flags::default()
        },
    );
    let defaults = limits::defaults_for(config, &selection);
    let limits = limits::for_run(&defaults, flags, limits::panel_size(&selection))?;
    let rounds = shape::rounds(&selection, &shape, &defaults)?;

    let idle_timeout =
        args.idle_timeout.map_or(Ok(config.settings.run.idle_timeout), |s| limits::secs("--idle-timeout", s))?;
    let seed = args.seed.unwrap_or_else(crate::random::u64);
    let mut plan = execute::plan(config, env, &selection, prompt, limits, idle_timeout, seed)?;
    plan.rounds = rounds;
    let budget = context::budget(&plan, config);
    Ok((plan, budget))
}

/// The most of stdin `frontier run -` reads as a prompt.
const MAX_STDIN_PROMPT_BYTES: u64 = 16 << 20;

fn read_prompt(arg: &str) -> Result<String> {
    let prompt = if arg == "-" {
        // No deadline, unlike the hook's stdin: `-` is the user's own choice, and the
        // writer may rightly take its time (a person typing until Ctrl-D, a slow command
        // piped in). Ctrl-C, SIGTERM and SIGHUP still end the wait (their default
        // action: nothing has started yet). The cap keeps memory bounded all the same.
        let mut text = String::new();
        std::io::stdin().take(MAX_STDIN_PROMPT_BYTES + 1).read_to_string(&mut text).map_err(|e| {
            Error::usage(format!("could not read the prompt from stdin: {e}"), "pipe UTF-8 text into `frontier run -`")
        })?;
        if text.len() as u64 > MAX_STDIN_PROMPT_BYTES {
            return Err(Error::usage(
                format!("the prompt on stdin is over {} MiB", MAX_STDIN_PROMPT_BYTES >> 20),
                "shorten the prompt",
            ));
        }
        text
    } else {
        arg.to_string()
    };
    nonempty(prompt)
}

/// `prompt`, unless it is empty or only white space.
pub(super) fn nonempty(prompt: String) -> Result<String> {
    if prompt.trim().is_empty() {
        return Err(Error::usage(
            "the prompt is empty",
            "give the prompt as an argument, or `-` to read it from stdin",
        ));
    }
    Ok(prompt)
}

/// Flags first, then the scope's armed mode (with the shape it armed), then
/// `default_preset`.
fn select(args: &RunArgs, config: &Config, env: &Env, scope_flag: Option<&str>) -> Result<(Selection, Shape)> {
    if let Some(selection) = Selection::from_flags(&args.panel, config)? {
        return Ok((selection, Shape::default()));
    }
    let scope = scope::resolve(scope_flag, env, None)?;
    let loaded = state::load(&config.paths.scopes_dir(), &scope.name);
    if let Some(warning) = &loaded.warning {
        crate::render::write_stderr(&format!("warning: {warning}\n"));
    }
    if let Some(selection) = Selection::from_state(&loaded.state, config)? {
        return Ok((selection.with_overrides(&args.panel)?, loaded.state.shape));
    }
    if let Some(name) = &config.settings.default_preset {
        let preset = config.presets.get(name)?;
        let flags = crate::cli::PanelArgs { preset: Some(preset.name.clone()), ..args.panel.clone() };
        if let Some(selection) = Selection::from_flags(&flags, config)? {
            return Ok((selection, Shape::default()));
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
