//! `frontier hook`: serves an editor agent's prompt hook. Reads the host's JSON on stdin,
//! and when the workspace's scope is armed and no guard applies, runs the armed mode and
//! prints the host's JSON with the fused answer, in one write.
//!
//! It never blocks or corrupts the user's turn: every failure (garbage stdin, a broken
//! state file, a failed run, even a panic) exits 0 with empty stdout and one line on
//! stderr. The off path reads one state file: no runtime, no catalog.

use std::io::Read as _;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

use super::execute;
use super::selection::Selection;
use crate::cli::{HookArgs, HostArg};
use crate::config::scope::{self, Host};
use crate::config::state::{self, Armed};
use crate::config::{Config, Paths, atomic};
use crate::env::Env;
use crate::hook::{guards, input, progress, relay};
use crate::pipeline::{Limits, Observer, Progress, Stage, Status};

/// The most stdin the hook reads; a host's event is far smaller.
const MAX_STDIN_BYTES: u64 = 64 << 20;
/// The longest a hooked run may take: the hosts kill hooks at 600 s, and the answer
/// still has to be relayed.
pub const MAX_HOOK_BUDGET_SECS: u64 = 570;

pub fn run(args: HookArgs, env: &Env) -> i32 {
    // The recursion guard comes first: a nested frontier does nothing but drain its
    // stdin (a host that can't write the event counts that as a failed hook).
    if env.depth() >= 1 {
        let _ = std::io::copy(&mut std::io::stdin().take(MAX_STDIN_BYTES), &mut std::io::sink());
        return 0;
    }
    // A panic must not print a backtrace into the host's turn: one line, below.
    std::panic::set_hook(Box::new(|_| {}));
    match std::panic::catch_unwind(AssertUnwindSafe(|| serve(&args, env))) {
        Ok(Ok(Some(json))) => crate::render::write_stdout(&json),
        Ok(Ok(None)) => {}
        Ok(Err(message)) => eprintln!("frontier hook: {message}; the prompt went through unchanged"),
        Err(_) => eprintln!("frontier hook: internal error; the prompt went through unchanged"),
    }
    0
}

fn serve(args: &HookArgs, env: &Env) -> Result<Option<String>, String> {
    let mut text = String::new();
    std::io::stdin()
        .take(MAX_STDIN_BYTES)
        .read_to_string(&mut text)
        .map_err(|e| format!("could not read the host's event on stdin ({e})"))?;
    let event: input::HookInput =
        serde_json::from_str(&text).map_err(|e| format!("stdin is not a hook event ({e})"))?;
    let named = args.host.map(|h| match h {
        HostArg::ClaudeCode => Host::ClaudeCode,
        HostArg::Codex => Host::Codex,
        HostArg::Gemini => Host::Gemini,
    });
    let Some(host) = input::host_of(&event, named, env) else { return Ok(None) };
    let paths = Paths::resolve(env).map_err(|e| e.to_string())?;
    let workspace = event.cwd.clone().unwrap_or_else(|| env.cwd().to_path_buf());
    let scope = scope::resolve(None, env, Some((host, &workspace))).map_err(|e| e.to_string())?;
    let loaded = state::load(&paths.scopes_dir(), &scope.name);
    if let Some(warning) = loaded.warning {
        return Err(warning);
    }
    if loaded.state.armed == Armed::Off || guards::skip(&event.prompt, &loaded.state.tuning).is_some() {
        return Ok(None);
    }
    armed(env, &paths, &scope.name, &loaded.state, &event).map(Some)
}

/// Runs the scope's armed mode on the prompt and returns the host's JSON.
fn armed(
    env: &Env,
    paths: &Paths,
    scope: &str,
    armed: &state::ScopeState,
    event: &input::HookInput,
) -> Result<String, String> {
    let config = Config::load(env).map_err(|e| e.to_string())?;
    let selection = Selection::from_state(armed, &config)
        .map_err(|e| format!("scope `{scope}` is armed with an invalid panel: {e}"))?
        .ok_or("the scope is off")?;
    let run = &config.settings.run;
    let budget = armed.tuning.budget_secs.map_or(run.budget, Duration::from_secs);
    let budget = budget.min(Duration::from_secs(MAX_HOOK_BUDGET_SECS));
    let limits = Limits {
        concurrency: run.concurrency,
        member_timeout: run.member_timeout.min(budget),
        budget,
        stage_floor: run.stage_floor,
        max_cost_usd: run.max_cost_usd,
        max_answer_bytes: run.max_answer_bytes,
    };
    let seed = crate::random::u64();
    let plan = execute::plan(&config, env, &selection, event.prompt.clone(), limits, run.idle_timeout, seed)
        .map_err(|e| e.to_string())?;
    execute::check_cost(&plan).map_err(|e| e.to_string())?;
    let mode = armed.armed.mode().as_str();
    let writer = ProgressWriter {
        file: progress::path(&paths.state_dir, scope),
        progress: std::sync::Mutex::new(progress::Progress {
            mode: mode.to_string(),
            label: selection.label().to_string(),
            stage: Stage::Panel.as_str().to_string(),
            answered: 0,
            members: plan.panel.len(),
            started_at: progress::now_secs(),
        }),
    };
    let report = execute::execute(plan, &writer);
    let _ = std::fs::remove_file(&writer.file);
    let report = report.map_err(|e| e.to_string())?.ok_or("interrupted")?;
    crate::history::record_or_warn(&config, &report, crate::history::Source::Hook { scope });
    let (Status::Ok, Some(answer)) = (report.status, &report.final_answer) else {
        let reason = report.failure_reason.map_or("no answer".to_string(), |r| r.to_string());
        return Err(format!("the run failed ({reason})"));
    };
    let banner = relay::banner(mode, selection.label(), report.panel.len(), report.totals.wall_ms);
    Ok(relay::output(&event.hook_event_name, &relay::context(&banner, answer, &report.notes)))
}

/// Keeps the scope's progress file up to date for `frontier statusline`.
struct ProgressWriter {
    file: std::path::PathBuf,
    progress: std::sync::Mutex<progress::Progress>,
}

impl Observer for ProgressWriter {
    fn on(&self, event: Progress<'_>) {
        let mut p = self.progress.lock().unwrap_or_else(|e| e.into_inner());
        match event {
            Progress::StageStarted { stage, .. } => p.stage = stage.as_str().to_string(),
            Progress::MemberDone { ok: true, .. } => p.answered += 1,
            _ => return,
        }
        // The status line is a nicety: a failed write must not disturb the run.
        if let Ok(text) = serde_json::to_string(&*p) {
            let _ = atomic::write(&self.file, &text);
        }
    }
}
