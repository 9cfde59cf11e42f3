//! `frontier hook`: serves an editor agent's prompt hook. Reads the host's JSON on stdin,
//! and when the workspace's scope is armed and no guard applies, runs the armed mode and
//! prints the host's JSON with the fused answer, in one write.
//!
//! The answer is fitted under the host's ceiling (`hook::ceiling`), and the synth is told
//! how much room it has; an answer still too long goes whole to a file the context names.
//!
//! It never blocks or corrupts the user's turn: every failure (garbage stdin, a stdin that
//! never closes, a broken state file, a failed run, a cancelling signal, even a panic)
//! exits 0 with exactly one line on stderr. Once the input is a host's prompt event, the
//! failure is also told to the user as the host's one-line `systemMessage` on stdout
//! (`hook::failure`); before that (garbage stdin), and on the off path, stdout stays
//! empty. The off path reads stdin and one state file: no runtime, no catalog.

use std::panic::AssertUnwindSafe;
use std::time::SystemTime;

use super::execute;
use crate::cli::HookArgs;
use crate::config::{Config, Host, Paths};
use crate::context::reach::Outside;
use crate::context::transcript::Window;
use crate::env::Env;
use crate::error::Error;
use crate::hook::ceiling::Ceiling;
use crate::hook::stdin::{self, MAX_STDIN_BYTES, STDIN_DEADLINE};
use crate::hook::{failure, guards, input, overflow, progress, relay, session, wait};
use crate::install;
use crate::pipeline::{Observer, RunEvent, Stage, Status};
use crate::request::{self, ContextAsk, LimitAsk, Origin, PanelAsk, Request, Resolved, SessionAsk, TranscriptAsk};
use crate::scope;
use crate::scope::state::{self, Armed, Shape};

/// The longest stderr line the hook prints; the rest of a longer message is cut.
const MAX_LINE_CHARS: usize = 600;

pub fn run(args: HookArgs, env: &Env) -> i32 {
    // The recursion guard comes first: a nested frontier does nothing but drain its
    // stdin (a host that can't write the event counts that as a failed hook), and it
    // says nothing even when the drain gives up at the deadline or the cap.
    if env.depth() >= 1 {
        stdin::drain(STDIN_DEADLINE, MAX_STDIN_BYTES);
        return 0;
    }
    // A panic must not print a backtrace into the host's turn: one line, below.
    std::panic::set_hook(Box::new(|_| {}));
    // Exit 0 even when a signal cancelled the run: hosts read a non-zero exit as a hook
    // failure to show or (exit 2) as a block, and a host that sent SIGTERM past its
    // timeout has already moved on. The children are gone by the time `serve` returns.
    match std::panic::catch_unwind(AssertUnwindSafe(|| serve(&args, env))) {
        Ok(Ok(Some(served))) => {
            crate::render::write_raw(&served.json);
            // Worded as `run` words it, since the turn went ahead; still one line.
            if let Some(warning) = served.warning {
                crate::render::write_stderr(&format!("warning: {}\n", one_line(&warning)));
            }
        }
        Ok(Ok(None)) => {}
        Ok(Err(failed)) => {
            let message = one_line(&failed.message);
            if let Some(todo) = &failed.todo {
                crate::render::write_raw(&failure::output(&message, todo));
            }
            crate::render::write_stderr(&format!("frontier hook: {message}; the prompt went through unchanged\n"));
        }
        Err(_) => eprintln!("frontier hook: internal error; the prompt went through unchanged"),
    }
    0
}

/// What the hook prints when it relays an answer: the host's JSON, and at most one
/// warning (history could not record the run).
struct Served {
    json: String,
    warning: Option<String>,
}

/// Why the hook relayed nothing, and what the user is told to do about it: `None`
/// before the input is known to be a host's prompt event (the user is told nothing on
/// stdout then, since the host may not be one), and after a cancelling signal (the host
/// that sent it has stopped reading).
struct Failed {
    message: String,
    todo: Option<String>,
}

/// What to do about a failure of the setup (configuration, catalog, panel).
const CHECK_SETUP: &str = "`frontier doctor` checks the setup";

impl Failed {
    fn quiet(message: String) -> Failed {
        Failed { message, todo: None }
    }
}

/// The answer could not be fitted under the host's ceiling: a file that could not be
/// written says what to do about it; a ceiling too small for even the file's path is the
/// setup's (`tune --relay-chars`).
impl From<relay::FitError> for Failed {
    fn from(error: relay::FitError) -> Failed {
        let todo = match &error {
            relay::FitError::Spill(saved) => saved.hint.clone(),
            relay::FitError::PathTooLong { .. } => CHECK_SETUP.to_string(),
        };
        Failed { message: error.to_string(), todo: Some(todo) }
    }
}

/// A typed error keeps its hint as what the user is told to do.
impl From<Error> for Failed {
    fn from(error: Error) -> Failed {
        let hint = error.hint();
        Failed { message: error.to_string(), todo: Some(if hint.is_empty() { CHECK_SETUP.to_string() } else { hint }) }
    }
}

/// `message` as one line of at most `MAX_LINE_CHARS`: the hook's contract is one line
/// on stderr, and messages quote parser errors, file contents and other programs' text,
/// any of which can hold line breaks or control characters.
fn one_line(message: &str) -> String {
    let flat: String = message.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let words: Vec<&str> = flat.split_whitespace().collect();
    crate::text::cut_trimmed(&words.join(" "), MAX_LINE_CHARS)
}

fn serve(args: &HookArgs, env: &Env) -> Result<Option<Served>, Failed> {
    let bytes = stdin::read_all(STDIN_DEADLINE, MAX_STDIN_BYTES).map_err(|e| Failed::quiet(e.to_string()))?;
    let event: input::HookInput =
        serde_json::from_slice(&bytes).map_err(|e| Failed::quiet(format!("stdin is not a hook event ({e})")))?;
    let named = args.host.map(super::host);
    let Some(host) = input::host_of(&event, named, env) else { return Ok(None) };
    let paths = Paths::resolve(env)?;
    let workspace = event.cwd.clone().unwrap_or_else(|| env.cwd().to_path_buf());
    let scope = scope::resolve(None, env, Some((host, &workspace)))?;
    let loaded = state::load(&paths.scopes_dir(), &scope.name);
    if let Some(warning) = loaded.warning {
        return Err(Failed { message: warning, todo: Some("`frontier mode` re-arms the scope".to_string()) });
    }
    if loaded.state.armed == Armed::Off || guards::skip(&event.prompt, &loaded.state.tuning).is_some() {
        return Ok(None);
    }
    // Copilot CLI runs a project's Claude Code hook as well as its own: when frontier's
    // own Copilot hook is registered too, that one answers and this one stays out, so that
    // one prompt never pays for two panels.
    if host == Host::Copilot && !event.hook_event_name.is_empty() && copilot_hook_too(&workspace, env) {
        return Ok(None);
    }
    let ceiling = Ceiling::of(host, loaded.state.tuning.relay_chars);
    armed(env, &paths, (host, &scope.name), &loaded.state, &event, ceiling).map(Some)
}

/// Whether Copilot CLI, running a Claude Code hook in `workspace`, also runs frontier's own
/// Copilot hook there: it loads `.github/hooks/` from the directory it names
/// `COPILOT_PROJECT_DIR` (checked too: the workspace root's) and from the user's.
fn copilot_hook_too(workspace: &std::path::Path, env: &Env) -> bool {
    let project = env.var("COPILOT_PROJECT_DIR").map_or_else(|| workspace.to_path_buf(), |d| env.cwd().join(d));
    let root = scope::workspace_root(&project);
    install::copilot_hook_registered(&[project, root], env)
}

/// Runs the scope's armed mode on the prompt and returns the host's JSON.
fn armed(
    env: &Env,
    paths: &Paths,
    (host, scope): (Host, &str),
    armed: &state::ScopeState,
    event: &input::HookInput,
    ceiling: Option<Ceiling>,
) -> Result<Served, Failed> {
    let config = Config::load(env)?;
    // The host's session, and what its last prompt left: the nonce and the window's start.
    let sessions = session::dir(&paths.state_dir);
    let host_session = session::key(host, event).map(|key| session::load(&sessions, &key));
    let request = Request {
        prompt: event.prompt.clone(),
        origin: Origin::Hook { scope: scope.to_string(), state: Box::new(armed.clone()) },
        panel: PanelAsk::default(),
        shape: Shape::default(),
        limits: LimitAsk { budget: armed.tuning.budget_secs, ..LimitAsk::default() },
        context: context_ask(&armed.tuning, event, env, host_session.as_ref()),
        seed: None,
        continues: None,
        session: host_session.as_ref().map(|s| SessionAsk { key: s.key.clone(), nonce: s.nonce() }),
    };
    // The scope's state is already read: nothing for the resolver to warn about.
    let Resolved { mut plan, budget, label, .. } = request::resolve(&request, &config, env, &mut |_| {})?;
    // A host that gives up on its hook sooner than the timeout frontier registers.
    if let Some(cap) = wait::max_budget(host) {
        plan.limits.budget = plan.limits.budget.min(cap);
        plan.limits.member_timeout = plan.limits.member_timeout.min(cap);
    }
    // What the budget cut or kept back is in the context's notes, which the relay carries.
    let gathering = request::Gathering { stop: &|| false, say: &|_| {} };
    plan.context = request::context(&request.context, &plan, env, &budget, &gathering)?;
    // Kept before the run, which may outlast the host's patience: the nonce the context
    // framed with (the run's frames take it up too, in `execute`).
    if let Some(s) = &host_session {
        let nonce = plan.context.nonce.as_ref().unwrap_or(&plan.session.nonce);
        s.keep(&sessions, nonce, plan.context.anchor.as_deref(), SystemTime::now());
    }
    // What the user named and did not all go is said to the user too, beside the answer
    // (the notes inside the relay reach only the agent).
    let context_notes: Vec<String> = plan
        .context
        .notes
        .iter()
        .filter(|note| !note.starts_with(crate::context::transcript::NOTE_START))
        .cloned()
        .collect();
    request::check_cost(&plan)?;
    let mode = armed.armed.mode().as_str();
    // The synth is told the room the host leaves; the banner's seconds are not known yet.
    plan.answer_chars = ceiling.map(|c| relay::answer_room(&c, &relay::banner(mode, &label, plan.panel.len(), 0)));
    let writer = ProgressWriter {
        state_dir: paths.state_dir.clone(),
        scope: scope.to_string(),
        progress: std::sync::Mutex::new(progress::ProgressFile {
            mode: mode.to_string(),
            label: label.clone(),
            stage: Stage::Panel.into(),
            answered: 0,
            members: plan.panel.len(),
            started_at: progress::now_secs(),
        }),
    };
    let report = execute::carry_out(plan, &writer);
    let _ = progress::remove(&writer.state_dir, &writer.scope);
    // A cancelling signal means the host gave up on the hook: nothing on stdout then.
    let report = report.map_err(|e| match e {
        Error::Cancelled { .. } => Failed::quiet(format!("{e}; every model it started was stopped")),
        e => Failed::from(e),
    })?;
    let warning = crate::history::record_or_warning(
        config.settings.history,
        &config.paths.history_file(),
        &report,
        crate::history::Source::Hook { scope },
    );
    let (Status::Ok, Some(answer)) = (report.status, &report.final_answer) else {
        let reason = report.failure_reason.map_or("no answer".to_string(), |r| r.to_string());
        let todo = match (&warning, config.settings.history) {
            (None, true) => format!("`frontier runs` lists run {}; `frontier doctor` checks the models", report.run_id),
            _ => "`frontier doctor` checks the models".to_string(),
        };
        let message = match warning {
            Some(warning) => format!("the run failed ({reason}); also, {warning}"),
            None => format!("the run failed ({reason})"),
        };
        return Err(Failed { message, todo: Some(todo) });
    };
    let banner = relay::banner(mode, &label, report.panel.len(), report.totals.wall_ms);
    let spill = || overflow::save(&overflow::dir(&paths.state_dir), &report.run_id, answer, SystemTime::now());
    let context = relay::fit(&banner, answer, &report.notes, ceiling.as_ref(), spill)?;
    let recorded = (config.settings.history && warning.is_none()).then_some(report.run_id.as_str());
    let told = failure::context_cut(&context_notes, recorded);
    let json = relay::output(host, &context, told.as_deref());
    Ok(Served { json, warning })
}

/// What the panel sees besides the prompt: the host's last turns, then the files the
/// prompt mentions, each as the scope's tuning allows. A prompt never reaches outside the
/// workspace: no tuning or input widens it. The turns' window moves in blocks from the
/// session's anchor when the session's state can be kept, and slides otherwise.
fn context_ask(
    tuning: &state::Tuning,
    event: &input::HookInput,
    env: &Env,
    host_session: Option<&session::HostSession>,
) -> ContextAsk {
    let anchor = host_session.and_then(session::HostSession::anchor);
    let window = anchor.map_or(Window::Sliding, |anchor| Window::Blocks { anchor });
    let transcript = match (tuning.context_turns, &event.transcript_path) {
        (turns @ 1.., Some(path)) => Some(TranscriptAsk { path: path.clone(), turns: turns as usize, window }),
        _ => None,
    };
    let cwd = event.cwd.clone().unwrap_or_else(|| env.cwd().to_path_buf());
    ContextAsk { transcript, mentions_in: tuning.context_files.then_some(cwd), ..ContextAsk::none(Outside::Never) }
}

/// Keeps the scope's progress file up to date for `frontier statusline`.
struct ProgressWriter {
    state_dir: std::path::PathBuf,
    scope: String,
    progress: std::sync::Mutex<progress::ProgressFile>,
}

impl Observer for ProgressWriter {
    fn on(&self, event: RunEvent<'_>) {
        let mut p = self.progress.lock().unwrap_or_else(|e| e.into_inner());
        match event {
            RunEvent::StageStarted { stage, .. } => p.stage = stage.into(),
            RunEvent::MemberDone { ok: true, .. } => p.answered += 1,
            _ => return,
        }
        // The status line is a nicety: a failed write must not disturb the run.
        let _ = progress::write(&self.state_dir, &self.scope, &p);
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn a_message_becomes_one_line_of_bounded_length() {
        let toml_error = "invalid config.toml `/h/config.toml`: TOML parse error at line 1, column 16\n  |\n1 | \
                          concurrency = [\n  |                ^\ninvalid array\nexpected `]`\n";
        assert_eq!(
            one_line(toml_error),
            "invalid config.toml `/h/config.toml`: TOML parse error at line 1, column 16 | 1 | concurrency = [ | ^ \
             invalid array expected `]`"
        );
        assert_eq!(one_line("a\r\u{1b}[2Jb\tc"), "a [2Jb c");
        let long = one_line(&"x".repeat(10 * MAX_LINE_CHARS));
        assert_eq!(long.chars().count(), MAX_LINE_CHARS + 1);
        assert!(long.ends_with('…'));
    }
}
