//! `frontier run`: reads the prompt, builds the request from the flags (`ask`), has the
//! resolver turn it into a plan, gathers its context, has `execute` carry it out, and
//! hands the report to the renderer.

use std::io::Read as _;

use super::{ask, execute};
use crate::cli::RunArgs;
use crate::env::Env;
use crate::error::{Error, Result};
use crate::pipeline::{FailureReason, RunMode, RunReport, Status};
use crate::render;
use crate::request::{self, Resolved};

pub fn run(args: RunArgs, env: &Env) -> Result<i32> {
    let output = render::RunOutput::new(env, args.json, args.no_stream, args.quiet);
    // The recursion guard comes first: a nested frontier does nothing at all.
    if env.depth() >= 1 {
        let mode = if args.panel.model.is_some() { RunMode::Single } else { RunMode::Fusion };
        let report = RunReport::refused(
            request::new_run_id(),
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
    let request = ask::run_request(&args, prompt);
    let Resolved { mut plan, budget, .. } = request::resolve(&request, &config, env, &mut super::warn)?;
    // No walk, no git and no read of stdin unless asked. What the budget cut or kept
    // back is said on stderr before anything is sent, as well as in the report's notes.
    if !request.context.is_empty() {
        let gathering = request::Gathering { stop: &|| false, say: &super::warn };
        plan.context = request::context(&request.context, &plan, env, &budget, &gathering)?;
        plan.context.notes.iter().for_each(|note| super::warn(note));
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
            } else if plan.has_no_judge() {
                Some(crate::config::presets::NO_JUDGE)
            } else {
                plan.judge.as_ref().map(|p| p.model.as_str())
            },
            synth: plan.synth.as_ref().map(|p| p.model.as_str()),
            thread: plan.link.as_ref().map(|link| render::context::ThreadSize {
                parent: &link.parent,
                turns: plan.thread.len(),
                chars: plan.thread.iter().map(|t| t.question.chars().count() + t.answer.chars().count()).sum(),
            }),
        };
        render::context::print(&dry, args.json);
        return Ok(0);
    }
    request::check_cost(&plan)?;
    let observer = output.observer(&plan);
    let report = execute::carry_out(plan, &observer).inspect_err(|e| {
        if matches!(e, Error::Cancelled { .. }) {
            observer.interrupted();
        }
    })?;
    output.finish(&report, config.settings.history);
    if let Some(warning) = crate::history::record_or_warning(
        config.settings.history,
        &config.paths.history_file(),
        &report,
        crate::history::Source::Run,
    ) {
        super::warn(&warning);
    }
    match (report.status, report.failure_reason) {
        (Status::Ok, _) => Ok(0),
        (Status::Error, reason) => Err(execute::failed(
            reason.unwrap_or(FailureReason::UnexpectedError),
            format!("no panel member answered ({})", report.failed_models.join(", ")),
        )),
    }
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
