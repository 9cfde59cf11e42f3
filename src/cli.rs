//! The command line as clap types: raw arguments only. `commands` turns them into
//! resolved configuration. Clap's own errors are mapped into `Error::Usage` so that
//! every error is rendered the same way.
//!
//! Longer than the other files on purpose: it is one concept, every subcommand's
//! arguments with their help, and clap's derive wants them side by side, where `--help`
//! and `frontier man` are read from.

use std::ffi::OsString;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::error::{Error, Result, echo};

/// The footer of `frontier --help` and `frontier run --help`: what the exit status
/// means (`error::exit_code`; the signal codes are 128 + the signal's number) and the
/// variables that move frontier's files and scope. `frontier man` prints the same.
pub const HELP_FOOTER: &str = "\
Exit status:
  0    success
  1    the run failed or was refused (no answer, models not ready, a file not written)
  2    usage: bad flags, unknown model or preset, invalid config.toml or preset file
  130  cancelled by SIGINT (Ctrl-C); 143 by SIGTERM; 129 by SIGHUP

Environment:
  FRONTIER_HOME   keep config (config.toml, presets/) and state (scopes, history) under this directory
  FRONTIER_SCOPE  the scope to use when --scope is not given";

#[derive(Debug, Parser)]
#[command(
    name = "frontier",
    version,
    about = "Ask a panel of models at once; a judge compares their answers and a synth writes one grounded answer.",
    after_help = HELP_FOOTER,
    propagate_version = true,
    disable_help_subcommand = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run one prompt through a panel (or the scope's armed mode) and print the answer.
    #[command(after_help = HELP_FOOTER)]
    Run(Box<RunArgs>),
    /// List recorded runs, newest first, or per-model statistics over all of them.
    Runs(RunsArgs),
    /// Print one recorded run: prompt, panel, analysis, notes and answer.
    Show(ShowArgs),
    /// Arm a scope: `fusion` with a preset or models, `single` with one model, or `off`.
    Mode(ModeArgs),
    /// Show what a scope has armed and whether its models are ready.
    Status(StatusArgs),
    /// List models, aliases, providers and presets, with readiness.
    Catalog(JsonArg),
    /// Check a custom panel, optionally save it as a preset, and arm it.
    Compose(ComposeArgs),
    /// List, show, save or delete presets.
    #[command(subcommand)]
    Preset(PresetCommand),
    /// Check what is ready and what is missing (keys, agent CLIs, config, state), and how to fix it.
    Doctor(JsonArg),
    /// Serve an editor agent's prompt hook: reads the host's JSON on stdin (used by the plugins).
    Hook(HookArgs),
    /// Serve the Model Context Protocol on stdio: tools `fuse`, `ask`, `catalog`, `runs`, `show` for an agent (docs/mcp.md).
    Mcp,
    /// Set a scope's hook tuning: which prompts the hook leaves alone, and its time budget.
    Tune(TuneArgs),
    /// Print a one-line badge of the armed mode and the live stage, for Claude Code's status line.
    Statusline(StatuslineArgs),
    /// Register frontier's prompt hook and skill with an editor agent (Claude Code, Codex, Gemini CLI).
    Install(InstallArgs),
    /// Remove frontier's prompt hook, and its skill if unchanged, from an editor agent.
    Uninstall(InstallArgs),
    /// Print a shell completion script that also completes preset and model names,
    /// e.g. `source <(frontier completions bash)`.
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print frontier's manual page (roff), e.g. `frontier man | man -l -`.
    Man,
}

/// The panel a command should use, as given on the command line.
#[derive(Debug, Clone, Default, Args)]
pub struct PanelArgs {
    /// A preset name (`frontier preset list`); `custom` means the `--models` panel.
    /// [default: the scope's armed mode, else `default_preset` in config.toml]
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,
    /// A custom panel of 1 to 8 models, comma-separated.
    #[arg(long, value_name = "A,B,...", value_delimiter = ',', conflicts_with = "model")]
    pub models: Option<Vec<String>>,
    /// One model, answering alone (single mode).
    #[arg(long, value_name = "MODEL", conflicts_with = "preset")]
    pub model: Option<String>,
    /// The judge model (default: the preset's, else the first panel model), or `council`:
    /// every panel member ranks the others' answers, aggregated by Borda count.
    #[arg(long, value_name = "MODEL|council")]
    pub judge: Option<String>,
    /// The synth model (default: the preset's, else the first panel model).
    #[arg(long, value_name = "MODEL")]
    pub synth: Option<String>,
}

/// How a fusion runs beyond who is on its panel: for one run (`run`), or for every run of
/// a scope (`mode`, `compose`, which check them when they arm).
#[derive(Debug, Clone, Default, Args)]
pub struct ShapeArgs {
    /// Set a model's parameter: `temperature` (0 to 2), `max_output_tokens` or
    /// `reasoning` (low, medium, high), e.g. `--param gpt-5.5.reasoning=high`; repeatable.
    /// MODEL must be one of the panel, judge or synth; this overrides the preset's and
    /// the model's own value.
    #[arg(long = "param", value_name = "MODEL.KEY=VALUE")]
    pub params: Vec<String>,
    /// Once the quorum of members has answered, wait at most this many more seconds
    /// (fractions allowed, e.g. 0.5) for the rest; a member still answering then is cut.
    /// [default: `grace_secs` in the preset or config.toml, else no limit]
    #[arg(long, value_name = "SECS", allow_negative_numbers = true, value_parser = seconds)]
    pub grace: Option<f64>,
    /// How many answers start the --grace period.
    /// [default: `quorum` in config.toml, else all members but one]
    #[arg(long, value_name = "K", allow_negative_numbers = true, value_parser = count::<usize>)]
    pub quorum: Option<usize>,
    /// How many times the panel answers, 1 to 3: in each later round every member sees the
    /// others' answers, anonymised, and revises its own; the judge and synth see the last.
    /// [default: `rounds` in the preset or config.toml, else 1]
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = count::<u32>)]
    pub rounds: Option<u32>,
}

impl ShapeArgs {
    pub fn is_empty(&self) -> bool {
        self.params.is_empty() && self.grace.is_none() && self.quorum.is_none() && self.rounds.is_none()
    }
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// The prompt, or `-` to read it from stdin.
    #[arg(value_name = "PROMPT")]
    pub prompt: String,
    #[command(flatten)]
    pub panel: PanelArgs,
    #[command(flatten)]
    pub shape: ShapeArgs,
    /// The scope whose armed mode runs when no panel is given.
    /// [default: FRONTIER_SCOPE, else `default`]
    #[arg(long, value_name = "SCOPE")]
    pub scope: Option<String>,
    /// Print one JSON RunReport on stdout instead of the streamed answer.
    #[arg(long)]
    pub json: bool,
    /// Seconds each model call may take.
    /// [default: `member_timeout_secs` in config.toml, else 180]
    #[arg(long, value_name = "SECS", allow_negative_numbers = true, value_parser = positive::<u64>)]
    pub timeout: Option<u64>,
    /// Seconds the whole run may take. [default: `budget_secs` in config.toml, else 540]
    #[arg(long, value_name = "SECS", allow_negative_numbers = true, value_parser = positive::<u64>)]
    pub budget: Option<u64>,
    /// How many panel members run at once. [default: `concurrency` in config.toml, else 4]
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = positive::<usize>)]
    pub concurrency: Option<usize>,
    /// Seconds a stream may go without completing an event before it counts as stalled
    /// (keep-alive comments and partial lines do not count).
    /// [default: `idle_timeout_secs` in config.toml, else 60]
    #[arg(long, value_name = "SECS", allow_negative_numbers = true, value_parser = positive::<u64>)]
    pub idle_timeout: Option<u64>,
    /// Print the answer when it is complete instead of streaming it as it arrives.
    #[arg(long)]
    pub no_stream: bool,
    /// Print the answer alone: no progress, score table, analysis or summary on stderr.
    #[arg(long, short = 'q', conflicts_with = "json")]
    pub quiet: bool,
    /// Refuse the run if its estimated cost is over this many USD, and skip the judge or
    /// synth when they would cross it. [default: `max_cost_usd` in config.toml, else no cap]
    #[arg(long, value_name = "USD", allow_negative_numbers = true, value_parser = usd)]
    pub max_cost: Option<f64>,
    /// Fix the judge's shuffle of the answers (a report's `judge_seed`), to reproduce a run.
    /// [default: a fresh random seed each run]
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = count::<u64>)]
    pub seed: Option<u64>,
    /// Send a file, a directory (walked, honouring .gitignore, hidden files skipped) or a
    /// quoted glob as context; repeatable.
    #[arg(short = 'f', long = "file", value_name = "PATH")]
    pub files: Vec<String>,
    /// Let -f read what you name outside the workspace (the git root, else the working
    /// directory): absolute paths, `..`, links leading out. Without it, a path named
    /// outside is refused and a named link leading out is skipped; links met walking a
    /// directory or a glob keep to the walked tree either way.
    #[arg(long, requires = "files")]
    pub outside_workspace: bool,
    /// Send the work tree's `git diff` against REV (default HEAD) as context; give a
    /// revision as `--diff=REV`.
    #[arg(long, value_name = "REV", num_args = 0..=1, require_equals = true, default_missing_value = "HEAD")]
    pub diff: Option<String>,
    /// Print what would be sent as context (sources, sizes, the budget) and send nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct RunsArgs {
    /// How many runs to list, from 1 to 10000 (default 20); with --stats, how many of the
    /// newest runs to count (default all).
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = positive::<usize>)]
    pub limit: Option<usize>,
    /// Only runs started within this long before now (`30m`, `7d`, `2w`).
    #[arg(long, value_name = "DURATION")]
    pub since: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Per-model runs, calls, success rate, p50/p95 latency and cost, per role (member,
    /// judge, synth), over the runs --limit and --since select.
    #[arg(long)]
    pub stats: bool,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The run's id, a prefix of it matching one run (`frontier runs` lists them), or
    /// `last` for the newest run.
    #[arg(value_name = "RUN_ID")]
    pub run_id: String,
    /// Print the stored RunReport as JSON, exactly as `run --json` printed it.
    #[arg(long, conflicts_with_all = ["markdown", "answer"])]
    pub json: bool,
    /// Print the whole run as one Markdown document, to paste into an issue or a PR.
    #[arg(long, conflicts_with = "answer")]
    pub markdown: bool,
    /// Print one member's answer alone, by its label (`A`) or its model.
    #[arg(long, value_name = "LABEL|MODEL")]
    pub answer: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModeWord {
    Off,
    Single,
    Fusion,
}

#[derive(Debug, Args)]
pub struct ModeArgs {
    /// What to arm.
    #[arg(value_enum)]
    pub mode: ModeWord,
    #[command(flatten)]
    pub panel: PanelArgs,
    #[command(flatten)]
    pub shape: ShapeArgs,
    /// The scope to arm: a name, or `codex-project`, `claude-project`, `gemini-project`.
    /// [default: FRONTIER_SCOPE, else `default`]
    #[arg(long, value_name = "SCOPE")]
    pub scope: Option<String>,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The scope to show: a name, or `codex-project`, `claude-project`, `gemini-project`.
    /// [default: FRONTIER_SCOPE, else `default`]
    #[arg(long, value_name = "SCOPE")]
    pub scope: Option<String>,
    /// Print JSON instead of lines.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HostArg {
    ClaudeCode,
    Codex,
    Gemini,
}

#[derive(Debug, Args)]
pub struct HookArgs {
    /// The host calling the hook; told from its stdin when absent.
    #[arg(long, value_enum)]
    pub host: Option<HostArg>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

#[derive(Debug, Args)]
pub struct TuneArgs {
    /// The scope to tune: a name, or `codex-project`, `claude-project`, `gemini-project`.
    /// [default: FRONTIER_SCOPE, else `default`]
    #[arg(long, value_name = "SCOPE")]
    pub scope: Option<String>,
    /// Prompts shorter than this many characters are left alone. [default: 12]
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = count::<u32>)]
    pub min_chars: Option<u32>,
    /// Whether slash commands (`/review ...`) go through the panel. [default: off]
    #[arg(long, value_enum, value_name = "on|off")]
    pub fan_commands: Option<OnOff>,
    /// Whether autonomous-loop prompts (`/loop ...`) go through the panel. [default: off]
    #[arg(long, value_enum, value_name = "on|off")]
    pub fan_loops: Option<OnOff>,
    /// Seconds a hooked run may take (under the hosts' 600 s hook timeout).
    /// [default: `budget_secs` in config.toml, else 540]
    #[arg(long, value_name = "SECS", allow_negative_numbers = true, value_parser = positive::<u64>)]
    pub budget: Option<u64>,
    /// How many of the host conversation's last turns a hooked run sends as context (0: none).
    /// [default: 6]
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = count::<u32>)]
    pub context_turns: Option<u32>,
    /// Whether files the prompt mentions as `@path` are sent as context. [default: on]
    #[arg(long, value_enum, value_name = "on|off")]
    pub context_files: Option<OnOff>,
    /// The most characters the hook hands the host (default: the host's own ceiling).
    #[arg(long, value_name = "N", allow_negative_numbers = true, value_parser = positive::<u32>)]
    pub relay_chars: Option<u32>,
}

#[derive(Debug, Args)]
pub struct StatuslineArgs {
    /// The scope to show; by default the Claude Code workspace scope of stdin's `cwd`.
    #[arg(long, value_name = "SCOPE")]
    pub scope: Option<String>,
}

#[derive(Debug, Args)]
pub struct InstallArgs {
    /// The editor agent.
    #[arg(value_enum)]
    pub host: HostArg,
    /// Edit your own settings, for every project.
    #[arg(long, conflicts_with = "project")]
    pub user: bool,
    /// Edit one project's settings, under DIR.
    #[arg(long, value_name = "DIR")]
    pub project: Option<std::path::PathBuf>,
    /// Show the change as a diff; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Register (or remove) frontier's MCP server, `frontier mcp`, instead of its prompt hook.
    #[arg(long)]
    pub mcp: bool,
}

#[derive(Debug, Args)]
pub struct JsonArg {
    /// Print JSON instead of tables.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ComposeArgs {
    /// The panel: 1 to 8 models, comma-separated.
    #[arg(long, value_name = "A,B,...", value_delimiter = ',', required = true)]
    pub models: Vec<String>,
    /// The judge model. [default: the first panel model]
    #[arg(long, value_name = "MODEL")]
    pub judge: Option<String>,
    /// The synth model. [default: the first panel model]
    #[arg(long, value_name = "MODEL")]
    pub synth: Option<String>,
    #[command(flatten)]
    pub shape: ShapeArgs,
    /// Also save the panel as a preset of this name.
    #[arg(long, value_name = "NAME")]
    pub save: Option<String>,
    /// The scope to arm. [default: FRONTIER_SCOPE, else `default`]
    #[arg(long, value_name = "SCOPE")]
    pub scope: Option<String>,
    /// Check and show what would happen; write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Subcommand)]
pub enum PresetCommand {
    /// List every preset.
    List(JsonArg),
    /// Show one preset.
    Show {
        /// The preset's name or alias.
        name: String,
        /// Print JSON instead of lines.
        #[arg(long)]
        json: bool,
    },
    /// Save a panel as a preset of your own.
    Save {
        /// The new preset's name.
        name: String,
        /// The panel: 1 to 8 models, comma-separated.
        #[arg(long, value_name = "A,B,...", value_delimiter = ',', required = true)]
        models: Vec<String>,
        /// The judge model. [default: the first panel model]
        #[arg(long, value_name = "MODEL")]
        judge: Option<String>,
        /// The synth model. [default: the first panel model]
        #[arg(long, value_name = "MODEL")]
        synth: Option<String>,
        /// One line saying what the preset is for. [default: its models and judge]
        #[arg(long, value_name = "TEXT")]
        description: Option<String>,
    },
    /// Delete a preset of your own (warns when a scope has it armed).
    Delete {
        /// The preset's name.
        name: String,
    },
}

/// A flag that takes a count from 1 (timeouts, budgets, concurrency, limits). The range
/// is checked where the flag is used; this only parses, with `allow_negative_numbers`
/// on the flag so that `--timeout -1` reaches here and the error names the flag.
fn positive<T: std::str::FromStr>(text: &str) -> std::result::Result<T, String> {
    text.trim().parse().map_err(|_| "it must be a positive whole number".to_string())
}

/// A flag that takes a count from 0 (a seed, a minimum length).
fn count<T: std::str::FromStr>(text: &str) -> std::result::Result<T, String> {
    text.trim().parse().map_err(|_| "it must be a whole number, 0 or more".to_string())
}

/// `--grace`: a number of seconds, fractions allowed (its range is checked where it is used).
fn seconds(text: &str) -> std::result::Result<f64, String> {
    text.trim().parse().map_err(|_| "it must be a positive number of seconds, e.g. 0.5".to_string())
}

/// `--max-cost`: a number of US dollars (its sign is checked where it is used).
fn usd(text: &str) -> std::result::Result<f64, String> {
    text.trim().parse().map_err(|_| "it must be a positive number of US dollars, e.g. 0.25".to_string())
}

pub enum Parsed {
    Command(Box<Cli>),
    /// Help or version was printed.
    Printed,
}

pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Parsed> {
    let args: Vec<OsString> = args.into_iter().collect();
    if let Some(hook) = hook_fast_path(&args) {
        return Ok(Parsed::Command(Box::new(Cli { command: Command::Hook(hook) })));
    }
    match Cli::try_parse_from(args) {
        Ok(cli) => Ok(Parsed::Command(Box::new(cli))),
        Err(err) => match err.kind() {
            ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                let _ = err.print();
                Ok(Parsed::Printed)
            }
            _ => Err(usage_error(&err)),
        },
    }
}

/// `frontier hook` and `frontier hook --host HOST` (or `--host=HOST`), told apart without
/// clap. The hook runs on every prompt a user submits, and building clap's whole tree of
/// subcommands costs about as many instructions as the rest of the hook's off path
/// (docs/benchmarks.md). Any other argument list, `--help` and every mistake included,
/// is left to clap, so help and errors read as they always have.
fn hook_fast_path(args: &[OsString]) -> Option<HookArgs> {
    // clap's own names for the hosts, without building the command tree.
    let host = |value: &std::ffi::OsStr| <HostArg as clap::ValueEnum>::from_str(value.to_str()?, false).ok();
    match args {
        [_, hook] if hook == "hook" => Some(HookArgs { host: None }),
        [_, hook, flag, value] if hook == "hook" && flag == "--host" => Some(HookArgs { host: Some(host(value)?) }),
        [_, hook, flag] if hook == "hook" => {
            let value = flag.to_str()?.strip_prefix("--host=")?;
            Some(HookArgs { host: Some(host(value.as_ref())?) })
        }
        _ => None,
    }
}

/// Rewrites clap's error as `Error::Usage`, keeping the offending value and clap's advice.
fn usage_error(err: &clap::Error) -> Error {
    let context = |kind| match err.get(kind) {
        Some(ContextValue::String(s)) => Some(s.clone()),
        Some(ContextValue::Strings(v)) => Some(v.join(", ")),
        _ => None,
    };
    // Values are the user's own text, quoted back: cut to a readable length.
    let arg = echo(&context(ContextKind::InvalidArg).unwrap_or_default());
    let value = echo(&context(ContextKind::InvalidValue).unwrap_or_default());
    let suggestion = context(ContextKind::SuggestedArg)
        .or_else(|| context(ContextKind::SuggestedSubcommand))
        .or_else(|| context(ContextKind::SuggestedValue));
    // A flag with no fixed values reports an empty list of them: no "use one of: ".
    let valid = context(ContextKind::ValidValue).filter(|v| !v.is_empty()).or_else(|| {
        (err.kind() == ErrorKind::InvalidSubcommand).then(|| {
            use clap::CommandFactory as _;
            Cli::command().get_subcommands().map(|c| c.get_name().to_string()).collect::<Vec<_>>().join(", ")
        })
    });
    let what = match err.kind() {
        ErrorKind::InvalidValue if value.is_empty() => format!("{arg} needs a value"),
        ErrorKind::InvalidValue => format!("invalid value `{value}` for {arg}"),
        ErrorKind::UnknownArgument => format!("unexpected argument `{arg}`"),
        ErrorKind::InvalidSubcommand => {
            format!("unknown command `{}`", echo(&context(ContextKind::InvalidSubcommand).unwrap_or_default()))
        }
        ErrorKind::MissingRequiredArgument => format!("missing {arg}"),
        ErrorKind::ArgumentConflict => {
            let other = context(ContextKind::PriorArg).unwrap_or_default();
            format!("{arg} can't be used with {other}")
        }
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "a command is missing".to_string()
        }
        // A numeric flag's parser says what it takes (see `whole`).
        ErrorKind::ValueValidation => match std::error::Error::source(err) {
            Some(why) => format!("invalid value `{value}` for {arg}: {why}"),
            None => format!("invalid value `{value}` for {arg}"),
        },
        _ => first_line(err),
    };
    let hint = match (suggestion, valid) {
        (Some(s), Some(v)) => format!("did you mean `{s}`? Use one of: {v}"),
        (Some(s), None) => format!("did you mean `{s}`? See `frontier --help`"),
        (None, Some(v)) => format!("use one of: {v}"),
        (None, None) => "see `frontier --help` (or `frontier <command> --help`)".to_string(),
    };
    Error::usage(what, hint)
}

fn first_line(err: &clap::Error) -> String {
    let text = err.render().to_string();
    let line = text.lines().next().unwrap_or("invalid arguments");
    line.strip_prefix("error: ").unwrap_or(line).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn os(args: &[&str]) -> Vec<OsString> {
        args.iter().map(OsString::from).collect()
    }

    #[test]
    fn the_hook_fast_path_agrees_with_clap_and_leaves_everything_else_to_it() {
        let accepted: &[&[&str]] = &[
            &["frontier", "hook"],
            &["frontier", "hook", "--host", "claude-code"],
            &["frontier", "hook", "--host", "codex"],
            &["frontier", "hook", "--host=gemini"],
        ];
        for args in accepted {
            let fast = hook_fast_path(&os(args)).map(|h| h.host);
            let clap = match Cli::try_parse_from(os(args)).map(|c| c.command) {
                Ok(Command::Hook(h)) => Some(h.host),
                _ => None,
            };
            assert_eq!((fast, fast.is_some()), (clap, true), "{args:?}");
        }
        let left_to_clap: &[&[&str]] = &[
            &["frontier", "hook", "--help"],
            &["frontier", "hook", "-h"],
            &["frontier", "hook", "--host"],
            &["frontier", "hook", "--host", "claude"],
            &["frontier", "hook", "--host", "Codex"],
            &["frontier", "hook", "--host=", "codex"],
            &["frontier", "hook", "--host", "codex", "--host", "gemini"],
            &["frontier", "hook", "extra"],
            &["frontier", "--version"],
            &["frontier", "status"],
            &["frontier"],
        ];
        for args in left_to_clap {
            assert!(hook_fast_path(&os(args)).is_none(), "{args:?}");
        }
        assert!(
            error_of(&["frontier", "hook", "--host", "claude"]).starts_with("error: invalid value `claude` for --host")
        );
    }

    fn error_of(args: &[&str]) -> String {
        match parse(args.iter().map(OsString::from)) {
            Err(err) => crate::error::render(&err),
            Ok(_) => String::from("parsed"),
        }
    }

    #[test]
    fn clap_errors_are_rendered_like_every_other_error() {
        assert_eq!(
            error_of(&["frontier", "mode", "fuse"]),
            "error: invalid value `fuse` for <MODE>\nhint: did you mean `fusion`? Use one of: off, single, fusion\n"
        );
        assert_eq!(
            error_of(&["frontier", "run", "x", "--jsn"]),
            "error: unexpected argument `--jsn`\nhint: did you mean `--json`? See `frontier --help`\n"
        );
        assert_eq!(
            error_of(&["frontier", "frobnicate"]),
            "error: unknown command `frobnicate`\nhint: use one of: run, runs, show, mode, status, catalog, compose, preset, doctor, hook, mcp, tune, statusline, install, uninstall, completions, man\n"
        );
    }

    #[test]
    fn a_negative_or_malformed_number_names_its_flag() {
        let hint = "hint: see `frontier --help` (or `frontier <command> --help`)\n";
        assert_eq!(
            error_of(&["frontier", "run", "--timeout", "-1", "hi"]),
            format!("error: invalid value `-1` for --timeout <SECS>: it must be a positive whole number\n{hint}")
        );
        assert_eq!(
            error_of(&["frontier", "tune", "--min-chars", "-3"]),
            format!("error: invalid value `-3` for --min-chars <N>: it must be a whole number, 0 or more\n{hint}")
        );
        assert_eq!(
            error_of(&["frontier", "runs", "--limit", "ten"]),
            format!("error: invalid value `ten` for --limit <N>: it must be a positive whole number\n{hint}")
        );
        // A negative cost parses; `run` refuses it by name (tests/cli.rs).
        assert_eq!(error_of(&["frontier", "run", "--max-cost", "-1", "hi"]), "parsed");
        // A flag after a numeric flag is still a flag, not its value.
        assert_eq!(
            error_of(&["frontier", "run", "--timeout", "--json", "hi"]),
            format!("error: --timeout <SECS> needs a value\n{hint}")
        );
    }

    #[test]
    fn the_command_line_is_well_formed() {
        use clap::CommandFactory as _;
        Cli::command().debug_assert();
    }
}
