//! Agent-CLI backends: a model answered by a locally installed, logged-in coding agent
//! (`claude`, `codex`, `gemini`) run headless and read-only, one process per request.
//!
//! Each CLI's file builds its argv from a validated model id (and, for codex, the path
//! of its output file, and the effort level of the CLIs that take one) and parses what
//! it printed; nothing else can reach the argv, so no write-granting or
//! approval-bypassing flag can be configured. `child_env` decides
//! which variables a child sees, `prompt` makes the one text it reads on stdin, and
//! `run` is the one place that spawns a process. The whole answer is emitted as one
//! delta, then `Done`. Knows nothing about panels, judges or HTTP.

mod child_env;
pub(crate) mod claude;
pub(crate) mod codex;
pub(crate) mod gemini;
mod model_id;
mod prompt;
mod run;

use std::path::PathBuf;

use child_env::{ChildEnv, child_env};
use model_id::ModelId;
use run::{Finished, Spawn, SpawnError};

use super::kind::{AgentCli, ProviderKind};
use super::params::{self, Reasoning};
use super::{ChatRequest, EventStream, Provider, ProviderError, StreamEvent, Usage};
use crate::env::Env;

/// The most characters of a CLI's message or stderr quoted in an error.
const DETAIL_LIMIT_CHARS: usize = 600;

/// A CLI's complete answer.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Answer {
    text: String,
    usage: Option<Usage>,
    stop_reason: Option<String>,
}

/// What a CLI's output says, as its parser reads it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Reply {
    Answer(Answer),
    /// The CLI reported a failure: its message, and the HTTP status of its API call if
    /// it gave one.
    Error {
        api_status: Option<u16>,
        detail: String,
    },
    /// The output is not what the CLI prints; says what was missing.
    Unreadable(String),
}

/// Checks a model id before it is armed: one an agent CLI could read as a flag is refused.
pub fn check_model_id(id: &str) -> Result<(), ProviderError> {
    model_id::ModelId::parse(id).map(|_| ())
}

pub struct AgentCliProvider {
    cli: AgentCli,
    program: PathBuf,
    model: Result<ModelId, ProviderError>,
    env: ChildEnv,
    cwd: PathBuf,
    /// Where scratch files (codex's last message) go.
    tmp: PathBuf,
}

impl AgentCliProvider {
    /// A provider running `program` (the resolved `claude`, `codex` or `gemini`) for
    /// `model`, with an environment taken from `env`. A model id that could be read as a
    /// flag fails every request, before anything is spawned.
    pub fn new(cli: AgentCli, program: PathBuf, model: &str, env: &Env) -> Self {
        let extra_secrets = match cli {
            AgentCli::Codex => codex_config_key_vars(env),
            AgentCli::Claude | AgentCli::Gemini => Vec::new(),
        };
        AgentCliProvider {
            cli,
            program,
            model: ModelId::parse(model),
            env: child_env(cli, env, &extra_secrets),
            cwd: env.cwd().to_path_buf(),
            tmp: env.var("TMPDIR").map_or_else(|| PathBuf::from("/tmp"), PathBuf::from),
        }
    }

    /// Everything one request needs, owned, so the stream does not borrow `self`.
    fn job(&self, request: &ChatRequest) -> Result<Job, ProviderError> {
        let model = self.model.clone()?;
        // Refused when the run was planned; checked again so no parameter is ever dropped.
        params::check(ProviderKind::AgentCli(self.cli), &request.params).map_err(|refusal| {
            ProviderError::Unsendable(format!("`{}` takes no `{}`", self.cli.program(), refusal.key.as_str()))
        })?;
        Ok(Job {
            cli: self.cli,
            model,
            reasoning: request.params.reasoning,
            spawn: Spawn {
                program: self.program.clone(),
                args: Vec::new(),
                env: self.env.vars.clone(),
                cwd: self.cwd.clone(),
                stdin: prompt::compose(request),
            },
            env: self.env.clone(),
            tmp: self.tmp.clone(),
        })
    }
}

impl Provider for AgentCliProvider {
    fn stream(&self, request: ChatRequest) -> EventStream {
        let job = self.job(&request);
        let deadline = request.deadline;
        Box::pin(async_stream::try_stream! {
            let job = job?;
            if tokio::time::Instant::now() >= deadline {
                Err(ProviderError::Deadline)?;
            }
            // Dropping the run at the deadline kills the CLI's process group.
            let answer = tokio::time::timeout_at(deadline, job.run()).await.map_err(|_| ProviderError::Deadline)??;
            yield StreamEvent::Delta(answer.text);
            yield StreamEvent::Done { usage: answer.usage, stop_reason: answer.stop_reason };
        })
    }
}

/// One request to one CLI.
struct Job {
    cli: AgentCli,
    model: ModelId,
    /// The effort level, for the CLIs that have a flag for it.
    reasoning: Option<Reasoning>,
    /// The process to run, without its arguments yet.
    spawn: Spawn,
    env: ChildEnv,
    tmp: PathBuf,
}

impl Job {
    async fn run(mut self) -> Result<Answer, ProviderError> {
        let (reply, finished) = match self.cli {
            AgentCli::Claude => {
                self.spawn.args = claude::argv(&self.model, self.reasoning);
                let finished = self.start().await?;
                (claude::parse(&finished.stdout), finished)
            }
            AgentCli::Codex => {
                let scratch =
                    run::scratch_dir(&self.tmp).map_err(|e| self.failure(None, format!("no temp dir: {e}")))?;
                let last_message = scratch.path().join("last-message.txt");
                self.spawn.args = codex::argv(&self.model, &last_message, self.reasoning);
                let finished = self.start().await?;
                let text = run::read_file(&last_message, run::FILE_LIMIT_BYTES).await;
                (codex::parse(&finished.stdout, text.as_deref()), finished)
            }
            AgentCli::Gemini => {
                self.spawn.args = gemini::argv(&self.model);
                let finished = self.start().await?;
                (gemini::parse(&finished.stdout, &finished.stderr_tail), finished)
            }
        };
        self.outcome(reply, &finished)
    }

    async fn start(&self) -> Result<Finished, ProviderError> {
        let finished = run::run(self.spawn.clone()).await.map_err(|e| match e {
            SpawnError::NotFound => ProviderError::MissingProgram { program: self.spawn.program.display().to_string() },
            SpawnError::Other(e) => {
                self.failure(None, format!("could not run `{}`: {e}", self.spawn.program.display()))
            }
        })?;
        if finished.stdout_overflow {
            let limit_mib = run::STDOUT_LIMIT_BYTES >> 20;
            return Err(self.failure(finished.code, format!("printed more than {limit_mib} MiB on stdout")));
        }
        Ok(finished)
    }

    /// The answer, or the most telling error: the CLI's own message, else its stderr.
    fn outcome(&self, reply: Reply, finished: &Finished) -> Result<Answer, ProviderError> {
        let code = finished.code;
        match reply {
            Reply::Error { api_status, detail } => Err(ProviderError::Cli {
                program: self.cli.program().to_string(),
                code,
                api_status,
                detail: self.clean(&detail),
            }),
            _ if !finished.success() => {
                let detail = match finished.signal {
                    Some(signal) => format!("killed by signal {signal}; {}", self.output_tail(finished)),
                    None => self.output_tail(finished),
                };
                Err(self.failure(code, detail))
            }
            Reply::Answer(answer) => Ok(answer),
            Reply::Unreadable(why) => Err(self.failure(code, format!("{why}; {}", self.output_tail(finished)))),
        }
    }

    fn failure(&self, code: Option<i32>, detail: String) -> ProviderError {
        ProviderError::Cli {
            program: self.cli.program().to_string(),
            code,
            api_status: None,
            detail: self.clean(&detail),
        }
    }

    /// `text` without secrets or terminal escapes, cut to its last `DETAIL_LIMIT_CHARS`.
    /// Redaction comes first: a cut made before it could leave part of a key behind.
    fn clean(&self, text: &str) -> String {
        tail_chars(&strip_escapes(&self.env.redact(text)), DETAIL_LIMIT_CHARS)
    }

    /// What a failed CLI said: the end of its stderr, else of its stdout. Each is
    /// redacted on its own before a label is put in front of it, because the kept tail
    /// of stderr may begin inside a key, and only at the text's edge can that part be
    /// recognised.
    fn output_tail(&self, finished: &Finished) -> String {
        let stderr = self.env.redact(finished.stderr_tail.trim());
        let stdout = self.env.redact(finished.stdout.trim());
        match (stderr.is_empty(), stdout.is_empty()) {
            (false, _) => format!("stderr: {stderr}"),
            (true, false) => format!("stdout: {stdout}"),
            (true, true) => "it printed nothing".into(),
        }
    }
}

/// `text` without ANSI escape sequences and control characters other than newline and tab.
fn strip_escapes(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // CSI (`ESC [ ... final`) or a two-character escape.
            if chars.next_if_eq(&'[').is_some() {
                while chars.next().is_some_and(|c| !('@'..='~').contains(&c)) {}
            } else {
                chars.next();
            }
        } else if !c.is_control() || c == '\n' || c == '\t' {
            out.push(c);
        }
    }
    out
}

/// The last `limit` characters of `text`, trimmed, marked with `…` when cut.
fn tail_chars(text: &str, limit: usize) -> String {
    let text = text.trim();
    let count = text.chars().count();
    if count <= limit {
        return text.to_string();
    }
    let cut: String = text.chars().skip(count - limit).collect();
    format!("…{}", cut.trim_start())
}

/// The key variables named in the user's codex config (`$CODEX_HOME/config.toml`, else
/// `~/.codex/config.toml`).
fn codex_config_key_vars(env: &Env) -> Vec<String> {
    let home = env
        .var("CODEX_HOME")
        .map(PathBuf::from)
        .or_else(|| env.var("HOME").map(|home| PathBuf::from(home).join(".codex")));
    home.and_then(|dir| run::read_config(&dir.join("config.toml"), run::CONFIG_LIMIT_BYTES))
        .map(|text| codex::key_vars_in_config(&text))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
