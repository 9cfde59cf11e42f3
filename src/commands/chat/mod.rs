//! `frontier chat`: a conversation with a panel in the terminal. Each line typed is a turn
//! of one thread, fused (or answered by the scope's armed mode) as `run` fuses a prompt:
//! the answer streamed, the scores and analysis summarised, the run recorded and linked
//! to the turn before. Lines that begin with `/` change the panel, show the last run,
//! start a new thread, or leave.
//!
//! Ctrl-C during a turn stops that turn (the run dropped as `run` drops it on a signal:
//! every request and agent CLI with it) and the prompt comes back; at the prompt it
//! clears the line, and on an empty line a second Ctrl-C in a row leaves, as do Ctrl-D
//! and `/quit`.
//! SIGTERM and SIGHUP end the session wherever it is, with their exit codes.
//!
//! `reader`: the prompt (rustyline on a thread, the signals that end the wait); `line`:
//! what a line asks for; `turn`: the session's state and one turn. Needs a terminal: with
//! stdin or stdout not one, it refuses and points at `run`.

mod line;
mod reader;
mod turn;

use std::io::IsTerminal as _;

use line::{Command, Line};
use reader::{Read, Reader};
use turn::Session;

use super::execute;
use crate::cli::ChatArgs;
use crate::env::Env;
use crate::error::{Error, Result};
use crate::pipeline::FailureReason;
use crate::render;
use crate::request::PanelAsk;

/// The prompt shown before each line.
const PROMPT: &str = "chat> ";

pub fn run(args: ChatArgs, env: &Env) -> Result<i32> {
    if env.depth() >= 1 {
        return Err(execute::failed(
            FailureReason::FusionInvocationCapped,
            format!("FRONTIER_DEPTH is {}", env.depth()),
        ));
    }
    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return Err(Error::usage(
            "`frontier chat` needs a terminal, and stdin or stdout is not one",
            "for one prompt use `frontier run PROMPT`; to follow up a recorded run, `frontier run --continue PROMPT`",
        ));
    }
    let config = super::load_config(env)?;
    let mut session = Session::new(&args, config, env);
    let panel = session.begin()?;
    let history = session.config().settings.history.then(|| session.config().paths.state_dir.clone());
    let history = match history.map(|dir| crate::private_dir::create_all(&dir).map(|()| dir.join(HISTORY_FILE))) {
        Some(Ok(path)) => Some(path),
        Some(Err(e)) => {
            super::warn(&format!("chat: the line history is not kept ({e})"));
            None
        }
        None => None,
    };
    let mut reader = Reader::start(history)?;
    render::write_stderr(&format!("{panel}\n/help for the commands; Ctrl-D or /quit to leave\n"));
    let mut interrupted = false;
    loop {
        let read = match reader.read(PROMPT, &super::warn) {
            // A signal at the prompt: no turn to stop, nothing to say but the exit code.
            Err(e @ Error::Cancelled { .. }) => return Ok(e.exit_code()),
            read => read?,
        };
        let was_interrupted = std::mem::replace(&mut interrupted, read == Read::Interrupted);
        let line = match read {
            Read::Line(line) => line,
            Read::Eof => return Ok(0),
            Read::Interrupted if was_interrupted => return Ok(0),
            Read::Interrupted => {
                render::write_stderr("(Ctrl-C again, Ctrl-D or /quit to leave)\n");
                continue;
            }
        };
        let done = match line::parse(&line) {
            Ok(Line::Nothing) => Ok(false),
            Ok(Line::Ask(prompt)) => session.turn(prompt).map(|_| false),
            Ok(Line::Command(command)) => act(&mut session, command),
            Err(e) => Err(e),
        };
        match done {
            Ok(true) => return Ok(0),
            Ok(false) => {}
            // SIGTERM or SIGHUP during a turn: the session ends with their code.
            Err(e @ Error::Cancelled { .. }) => return Err(e),
            Err(e) => render::write_stderr(&crate::error::render(&e)),
        }
    }
}

/// The line history's file in the state dir.
const HISTORY_FILE: &str = "chat_history";

/// Carries out one of chat's own commands; `true`: leave.
fn act(session: &mut Session<'_>, command: Command) -> Result<bool> {
    match command {
        Command::Quit => return Ok(true),
        Command::Help => render::write_stderr(line::HELP),
        Command::Last => session.show_last(),
        Command::New => {
            session.forget_thread();
            render::write_stderr("the next turn starts a new thread\n");
        }
        Command::ShowPanel => render::write_stderr(&format!("{}\n", session.check(session.panel.clone())?)),
        Command::Preset(_) | Command::Models(_) | Command::Model(_) | Command::Judge(_) | Command::Synth(_) => {
            let panel = changed(&session.panel, command);
            // Checked now, so a typo is caught here and not at the next turn; the old
            // panel stays when the new one can't run.
            let described = session.check(panel.clone())?;
            session.panel = panel;
            render::write_stderr(&format!("{described}\n"));
        }
    }
    Ok(false)
}

/// The panel after `command` changes `current`: a preset, models or one model replace
/// the panel whole (its judge and synth with it: the preset's own, or the defaults); a
/// judge or a synth replaces only itself.
fn changed(current: &PanelAsk, command: Command) -> PanelAsk {
    match command {
        Command::Preset(name) => PanelAsk { preset: Some(name), ..PanelAsk::default() },
        Command::Models(models) => PanelAsk { models: Some(models), ..PanelAsk::default() },
        Command::Model(model) => PanelAsk { model: Some(model), ..PanelAsk::default() },
        Command::Judge(judge) => PanelAsk { judge: Some(judge), ..current.clone() },
        Command::Synth(synth) => PanelAsk { synth: Some(synth), ..current.clone() },
        _ => current.clone(),
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn a_panel_change_replaces_the_panel_whole_and_a_judge_or_synth_change_only_itself() {
        let current = PanelAsk {
            preset: Some("frontier-trio".into()),
            judge: Some("opus".into()),
            synth: Some("gpt-5.5".into()),
            ..PanelAsk::default()
        };
        let models = changed(&current, Command::Models(vec!["a".into(), "b".into()]));
        assert_eq!(models, PanelAsk { models: Some(vec!["a".into(), "b".into()]), ..PanelAsk::default() });
        let preset = changed(&models, Command::Preset("demo".into()));
        assert_eq!(preset, PanelAsk { preset: Some("demo".into()), ..PanelAsk::default() });
        assert_eq!(
            changed(&current, Command::Model("m".into())),
            PanelAsk { model: Some("m".into()), ..PanelAsk::default() }
        );
        assert_eq!(
            changed(&current, Command::Judge("council".into())),
            PanelAsk { judge: Some("council".into()), ..current.clone() }
        );
        assert_eq!(
            changed(&current, Command::Synth("s".into())),
            PanelAsk { synth: Some("s".into()), ..current.clone() }
        );
    }
}
