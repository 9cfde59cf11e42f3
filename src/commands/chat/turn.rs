//! A chat session's state between turns, and one turn: the request built from the
//! session's panel, shape and limits with the thread it holds, resolved, carried out as
//! `run` carries out a plan (streamed, summarised, recorded), and the thread extended by
//! the turn when it answered. A turn that failed or was cancelled leaves the thread as it
//! was.
//!
//! Knows nothing about the terminal's prompt (`reader`) or what a line says (`line`).

use super::super::{ask, execute};
use crate::cli::ChatArgs;
use crate::config::Config;
use crate::context::reach::Outside;
use crate::env::Env;
use crate::error::{CancelSignal, Error, Result};
use crate::pipeline::{FailureReason, RunReport, Status};
use crate::render;
use crate::request::{self, ContextAsk, Continues, LimitAsk, Origin, PanelAsk, Request, Resolved, Thread};
use crate::scope::state::Shape;

/// What stays from turn to turn.
pub struct Session<'a> {
    env: &'a Env,
    config: Config,
    /// Who answers the next turn, as the flags and the chat's commands name it.
    pub panel: PanelAsk,
    shape: Shape,
    limits: LimitAsk,
    scope: Option<String>,
    /// The thread the next turn continues; `None`: it starts one.
    continues: Option<Continues>,
    /// The last turn's report, for `/last`.
    pub last: Option<RunReport>,
}

impl<'a> Session<'a> {
    pub fn new(args: &ChatArgs, config: Config, env: &'a Env) -> Session<'a> {
        Session {
            env,
            config,
            panel: ask::panel(&args.panel),
            shape: ask::shape(&args.shape),
            limits: ask::limits(&args.limits),
            scope: args.scope.clone(),
            continues: args.thread.continues.clone().map(Continues::Run),
            last: None,
        }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The next turn starts a new thread.
    pub fn forget_thread(&mut self) {
        self.continues = None;
    }

    /// The request for a turn asking `prompt` of `panel` on the session's thread.
    fn request(&self, prompt: String, panel: PanelAsk) -> Request {
        Request {
            prompt,
            origin: Origin::Cli { scope: self.scope.clone() },
            panel,
            shape: self.shape.clone(),
            limits: self.limits,
            // The terminal is the chat's: no stdin, files or diff are sent.
            context: ContextAsk::none(Outside::Refused),
            seed: None,
            continues: self.continues.clone(),
            session: None,
        }
    }

    /// Resolves the panel and the thread before the first turn, so that a bad panel or a
    /// thread that can't be continued is refused before the prompt is shown. A thread
    /// named by run id (`--continue`) is read now and held from then on: `last` stays the
    /// run it named when the chat began, not the chat's own failed turn recorded since.
    pub fn begin(&mut self) -> Result<String> {
        let request = self.request(String::from("?"), self.panel.clone());
        let resolved = request::resolve(&request, &self.config, self.env, &mut super::super::warn)?;
        if let Some(thread) = resolved.thread.clone() {
            // The thread's panel answers unless the chat was started with one.
            if self.panel.is_empty() {
                self.panel = thread.panel.clone();
            }
            self.continues = Some(Continues::Held(Box::new(Thread { notes: Vec::new(), ..thread })));
        }
        Ok(describe(&resolved))
    }

    /// What `panel` resolves to for the next turn (nothing is sent): its label and
    /// participants, or why it can't run (an unknown model or preset, a thread that
    /// can't be continued).
    pub fn check(&self, panel: PanelAsk) -> Result<String> {
        let request = self.request(String::from("?"), panel);
        let resolved = request::resolve(&request, &self.config, self.env, &mut super::super::warn)?;
        Ok(describe(&resolved))
    }

    /// One turn: `prompt` to the panel with the thread so far. A turn that produced no
    /// answer says so and leaves the thread as it was, as does one Ctrl-C stopped. SIGTERM
    /// or SIGHUP during the turn end the session (`Error::Cancelled`); any other error is
    /// the turn's, and comes back for the session to show.
    pub fn turn(&mut self, prompt: String) -> Result<()> {
        let request = self.request(prompt, self.panel.clone());
        let Resolved { plan, thread: before, .. } =
            request::resolve(&request, &self.config, self.env, &mut super::super::warn)?;
        plan.context.notes.iter().for_each(|note| super::super::warn(note));
        request::check_cost(&plan)?;
        let output = render::RunOutput::new(self.env, false, false, false);
        let observer = output.observer(&plan);
        let report = match execute::carry_out(plan, &observer) {
            Ok(report) => report,
            Err(Error::Cancelled { signal: CancelSignal::Interrupt }) => {
                observer.interrupted();
                render::write_stderr("the turn was cancelled; the thread goes on from the turn before\n");
                return Ok(());
            }
            Err(e) => {
                if matches!(e, Error::Cancelled { .. }) {
                    observer.interrupted();
                }
                return Err(e);
            }
        };
        let recorded = self.config.settings.history;
        output.finish(&report, recorded);
        if let Some(warning) = crate::history::record_or_warning(
            recorded,
            &self.config.paths.history_file(),
            &report,
            crate::history::Source::Chat,
        ) {
            super::super::warn(&warning);
        }
        if report.status == Status::Ok && report.final_answer.is_some() {
            self.continues = Some(Continues::Held(Box::new(Thread::after(before, &report))));
        } else {
            let failed = execute::failed(
                report.failure_reason.unwrap_or(FailureReason::UnexpectedError),
                format!("no panel member answered ({})", report.failed_models.join(", ")),
            );
            render::write_stderr(&crate::error::render(&failed));
        }
        self.last = Some(report);
        Ok(())
    }

    /// Prints the last turn's whole scores table, analysis and run id, on stderr.
    pub fn show_last(&self) {
        match &self.last {
            Some(report) => {
                render::RunOutput::new(self.env, false, false, false).summary(
                    report,
                    self.config.settings.history,
                    false,
                );
            }
            None => render::write_stderr("no turn yet: ask something first\n"),
        }
    }
}

/// `panel: demo (mock:worked, mock:terse, mock:slip) · judge mock:judge · synth mock:synth`.
fn describe(resolved: &Resolved) -> String {
    let plan = &resolved.plan;
    let name = |p: &crate::pipeline::Participant| render::sanitize::name(&p.model);
    let members: Vec<String> = plan.panel.iter().map(name).collect();
    let mut text = format!("panel: {} ({})", render::sanitize::name(&resolved.label), members.join(", "));
    if plan.council {
        text.push_str(" · judge council");
    } else if plan.has_no_judge() {
        text.push_str(" · judge none");
    } else if let Some(judge) = &plan.judge {
        text.push_str(&format!(" · judge {}", name(judge)));
    }
    if let Some(synth) = &plan.synth {
        text.push_str(&format!(" · synth {}", name(synth)));
    }
    text
}
