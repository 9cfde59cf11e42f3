//! `frontier mcp`: the MCP server's tools, carried out as the command line carries them
//! out. Each call builds the raw arguments `frontier run`, `runs` or `show` would parse
//! (`RunArgs`, `PanelArgs`, `RunsArgs`) and goes through the same selection, limits,
//! context and plan code (`run::prepare`, `context::gather_from`, `execute`), so a bad
//! input is refused by the CLI's rules in the CLI's words; the protocol is `mcp`'s.
//!
//! Configuration is loaded per call, so an edit to config.toml or a preset applies to
//! the next call without restarting the server. Runs are recorded in history with the
//! source `mcp`. Nothing here writes to stdout: it is the protocol's.

use serde_json::Value;

use super::{catalog, context, execute, run};
use crate::cli::{PanelArgs, RunArgs, ShapeArgs};
use crate::env::Env;
use crate::error::{Error, Result, echo};
use crate::history::{Found, Source, Store, Window};
use crate::mcp::{Cancellation, Progress, Tools, inputs};
use crate::pipeline::{FailureReason, RunReport, Status};
use crate::render;

/// Serves until the client goes or a signal arrives; a signal cancels the calls still
/// running (their runs dropped, agent-CLI children killed) before the server exits.
pub fn run(env: &Env) -> Result<i32> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::internal(format!("could not start the async runtime: {e}"), "check system limits"))?;
    let tools = Server { env: env.clone() };
    let outcome = runtime.block_on(async {
        let stop = async {
            let mut cancel = super::cancel::Cancel::install();
            cancel.received().await;
        };
        crate::mcp::serve(tools, stop).await
    });
    // Tokio reads stdin on a blocking thread that a read in progress keeps busy: don't
    // wait for it.
    runtime.shutdown_background();
    outcome.map(|()| 0)
}

/// The tools over one environment snapshot.
struct Server {
    env: Env,
}

impl Tools for Server {
    fn fuse(&self, input: inputs::Fuse, progress: &Progress, cancel: Cancellation) -> Result<String> {
        let args = RunArgs {
            prompt: input.prompt,
            panel: PanelArgs {
                preset: input.preset,
                models: input.models,
                model: None,
                judge: input.judge,
                synth: input.synth,
            },
            shape: ShapeArgs { rounds: input.rounds, ..ShapeArgs::default() },
            budget: input.budget_secs,
            max_cost: input.max_cost_usd,
            files: input.files,
            diff: input.diff,
            ..defaults()
        };
        self.carry_out(&args, progress, &cancel)
    }

    fn ask(&self, input: inputs::Ask, progress: &Progress, cancel: Cancellation) -> Result<String> {
        let args = RunArgs {
            prompt: input.prompt,
            panel: PanelArgs { model: Some(input.model), ..PanelArgs::default() },
            max_cost: input.max_cost_usd,
            files: input.files,
            diff: input.diff,
            ..defaults()
        };
        self.carry_out(&args, progress, &cancel)
    }

    fn catalog(&self) -> Result<String> {
        let config = super::load_config(&self.env)?;
        Ok(pretty(&catalog::report(&config, &self.env)))
    }

    fn runs(&self, input: inputs::Runs) -> Result<String> {
        let limit = super::runs::limit(input.limit)?;
        let since_ms = input.since.as_deref().map(super::runs::since).transpose()?;
        let config = super::load_config(&self.env)?;
        let store = Store::open_existing(&config.paths.history_file())?;
        let runs = match &store {
            Some(store) => store.list_window(Window { since_ms, limit: Some(limit) })?,
            None => Vec::new(),
        };
        let text = if runs.is_empty() {
            let off = if config.settings.history { "" } else { " (history is off in config.toml)" };
            format!("no runs recorded{off}")
        } else {
            render::history::runs_table(&runs, render::screen::Fit { width: None, ascii: false })
        };
        // What opening the history found follows, as the CLI prints it on stderr.
        Ok(super::runs::with_notices(text, store.as_ref()))
    }

    fn show(&self, input: inputs::Show) -> Result<String> {
        let config = super::load_config(&self.env)?;
        let id = input.run_id.trim();
        let store = Store::open_existing(&config.paths.history_file())?;
        let found = match &store {
            Some(store) if id == "last" => store.last()?,
            Some(store) if !id.is_empty() => store.find(id)?,
            _ => Found::NotFound,
        };
        match found {
            Found::One(summary, report) => {
                Ok(super::runs::with_notices(render::markdown::report(&summary, &report), store.as_ref()))
            }
            Found::NotFound => Err(Error::usage(
                format!("unknown run id `{}`", echo(id)),
                "the `runs` tool lists the recorded runs and their ids",
            )),
            Found::Ambiguous(ids) => Err(Error::usage(
                format!("run id `{}` matches more than one run", echo(id)),
                format!("give more of the id: {}", ids.join(", ")),
            )),
        }
    }
}

impl Server {
    /// `frontier run` for `args`, as `run::run` does it but without a terminal: the
    /// recursion guard, the plan, the context (never stdin, the protocol's), the cost cap,
    /// the run until it ends or the call is cancelled, and history.
    fn carry_out(&self, args: &RunArgs, progress: &Progress, cancel: &Cancellation) -> Result<String> {
        // An agent-CLI member of a run starts with FRONTIER_DEPTH one deeper: a server it
        // starts refuses to run anything, as `frontier run` would.
        if self.env.depth() >= 1 {
            return Err(execute::failed(
                FailureReason::FusionInvocationCapped,
                format!("FRONTIER_DEPTH is {}", self.env.depth()),
            ));
        }
        let prompt = run::nonempty(args.prompt.clone())?;
        let config = super::load_config(&self.env)?;
        let (mut plan, budget) = run::prepare(args, prompt, &config, &self.env)?;
        if !args.files.is_empty() || args.diff.is_some() {
            let gathered =
                context::gather_from(args, &self.env, budget.chars, context::Asker::Mcp, &|| cancel.is_cancelled())?;
            plan.context = crate::context::assemble(gathered, budget.chars);
        }
        execute::check_cost(&plan)?;
        let report = execute::carry_out_until(plan, progress, cancel.cancelled())?;
        crate::history::record_or_warn(config.settings.history, &config.paths.history_file(), &report, Source::Mcp);
        match report.status {
            Status::Ok => Ok(answer_text(&report)),
            Status::Error => Err(execute::failed(
                report.failure_reason.unwrap_or(FailureReason::UnexpectedError),
                format!("no panel member answered ({})", report.failed_models.join(", ")),
            )),
        }
    }
}

/// The raw arguments of `frontier run PROMPT --json` with nothing else given.
fn defaults() -> RunArgs {
    RunArgs {
        prompt: String::new(),
        panel: PanelArgs::default(),
        shape: ShapeArgs::default(),
        scope: None,
        json: true,
        timeout: None,
        budget: None,
        concurrency: None,
        idle_timeout: None,
        no_stream: true,
        quiet: true,
        max_cost: None,
        seed: None,
        files: Vec::new(),
        outside_workspace: false,
        diff: None,
        dry_run: false,
    }
}

/// What a call returns: the final answer, the judge's analysis in plain text (as `run`
/// ends with it), and a line with the run's id, what answered and what it cost.
fn answer_text(report: &RunReport) -> String {
    let json = serde_json::to_value(report).unwrap_or(Value::Null);
    let mut out = report.final_answer.clone().unwrap_or_default().trim_end().to_string();
    let analysis = render::analysis::text(&json, None);
    if !analysis.is_empty() {
        out.push_str("\n\n");
        out.push_str(analysis.trim_end());
    }
    let council = [render::council::aggregate(&json), render::council::disagreements(&json)];
    for line in council.into_iter().flatten() {
        out.push_str("\n\n");
        out.push_str(&line);
    }
    // A member cut by the grace is neither failed nor answered.
    let answered = report.panel.iter().filter(|m| m.call.ok).count();
    let failed = if report.failed_models.is_empty() {
        String::new()
    } else {
        format!(" (failed: {})", report.failed_models.join(", "))
    };
    let cost = report
        .totals
        .cost_usd
        .map_or_else(|| "no price known".to_string(), |usd| format!("cost {}", crate::pipeline::cost::format_usd(usd)));
    out.push_str(&format!(
        "\n\nrun {}: {answered} of {} answered{failed}; {cost}; {:.1} s. The `show` tool with this run id gives every answer.",
        report.run_id,
        report.panel.len(),
        report.totals.wall_ms as f64 / 1000.0,
    ));
    for note in &report.notes {
        out.push_str(&format!("\nnote: {note}"));
    }
    out
}

fn pretty(value: &impl serde::Serialize) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}
