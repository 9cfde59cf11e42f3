//! What a line typed at `frontier chat`'s prompt asks for: a turn (a prompt for the
//! panel), one of chat's own commands (a line that begins with `/`), or nothing (a blank
//! line). A line that begins with `//` is a prompt that begins with `/`.
//!
//! Pure: knows nothing about panels, runs or the terminal; the session acts on what this
//! returns.

use crate::error::{Error, Result, echo};

/// What a line asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    /// A blank line: nothing to do.
    Nothing,
    /// A prompt for the panel: the next turn of the thread.
    Ask(String),
    Command(Command),
}

/// Chat's own commands.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// `/panel`: show who answers the next turn.
    ShowPanel,
    /// `/panel NAME`: a preset answers from now on.
    Preset(String),
    /// `/models A,B,...` (or `/panel A,B,...`): a custom panel answers from now on.
    Models(Vec<String>),
    /// `/model M`: one model answers alone from now on.
    Model(String),
    /// `/judge M`, `council` or `none`: the judge of the panel.
    Judge(String),
    /// `/synth M`: the synth of the panel.
    Synth(String),
    /// `/last`: the last turn's table, analysis and where `show` finds it.
    Last,
    /// `/new`: the next turn starts a new thread.
    New,
    /// `/help`: the commands.
    Help,
    /// `/quit` or `/exit`: leave.
    Quit,
}

/// What `/help` prints.
pub const HELP: &str = "\
A line is a turn: the panel answers it with the thread so far.
  /panel              show who answers the next turn
  /panel NAME         a preset answers from now on (`frontier preset list`)
  /models A,B,...     these models answer from now on (also /panel A,B,...)
  /model M            one model answers alone from now on
  /judge M           the judge from now on (or council, or none)
  /synth M            the synth from now on
  /last               the last turn's scores table, analysis and run id
  /new                start a new thread (the panel stays)
  /help               this list
  /quit, /exit        leave (so do Ctrl-D, and Ctrl-C twice on an empty line)
Ctrl-C during a turn stops that turn; the thread goes on from the turn before.
Ctrl-C at the prompt clears the line.
Start a line with // to send one that begins with /.
";

/// What `line` asks for; an unknown command or a command's missing or extra value is a
/// usage error naming it.
pub fn parse(line: &str) -> Result<Line> {
    let line = line.trim();
    if line.is_empty() {
        return Ok(Line::Nothing);
    }
    if let Some(prompt) = line.strip_prefix("//") {
        return Ok(Line::Ask(format!("/{prompt}")));
    }
    let Some(command) = line.strip_prefix('/') else {
        return Ok(Line::Ask(line.to_string()));
    };
    let (name, rest) = command.split_once(char::is_whitespace).unwrap_or((command, ""));
    let rest = rest.trim();
    let words: Vec<String> = rest.split([',', ' ', '\t']).filter(|w| !w.is_empty()).map(str::to_string).collect();
    let command = match name {
        "panel" => match words.as_slice() {
            [] => Command::ShowPanel,
            [one] if !rest.contains(',') => Command::Preset(one.clone()),
            _ => Command::Models(words),
        },
        "models" if !words.is_empty() => Command::Models(words),
        "model" => Command::Model(one(name, &words)?),
        "judge" => Command::Judge(one(name, &words)?),
        "synth" => Command::Synth(one(name, &words)?),
        "last" | "new" | "help" | "quit" | "exit" if !words.is_empty() => {
            return Err(Error::usage(format!("`/{name}` takes no value"), format!("type `/{name}` alone")));
        }
        "last" => Command::Last,
        "new" => Command::New,
        "help" => Command::Help,
        "quit" | "exit" => Command::Quit,
        "models" => {
            return Err(Error::usage("`/models` needs the models", "e.g. `/models opus,gpt-5.5,gemini-3-pro`"));
        }
        _ => {
            return Err(Error::usage(
                format!("no chat command `/{}`", echo(name)),
                "`/help` lists them; start a line with // to send one that begins with /",
            ));
        }
    };
    Ok(Line::Command(command))
}

/// The one value of `/name`.
fn one(name: &str, words: &[String]) -> Result<String> {
    match words {
        [value] => Ok(value.clone()),
        [] => Err(Error::usage(format!("`/{name}` needs a model"), format!("e.g. `/{name} opus`"))),
        _ => Err(Error::usage(
            format!("`/{name}` takes one model, not {}", words.len()),
            "`/models A,B,...` sets a panel of several",
        )),
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    fn command(line: &str) -> Command {
        match parse(line) {
            Ok(Line::Command(c)) => c,
            other => panic!("{line:?} gave {other:?}"),
        }
    }

    fn refusal(line: &str) -> String {
        match parse(line) {
            Err(e) => crate::error::render(&e),
            other => panic!("{line:?} gave {other:?}"),
        }
    }

    #[test]
    fn a_line_is_a_prompt_unless_it_begins_with_a_slash_and_double_slash_sends_one_that_does() {
        assert_eq!(parse("  why is the sky blue?  ").ok(), Some(Line::Ask("why is the sky blue?".into())));
        assert_eq!(parse("//etc/hosts: what is it for?").ok(), Some(Line::Ask("/etc/hosts: what is it for?".into())));
        assert_eq!(parse("a /panel in the middle").ok(), Some(Line::Ask("a /panel in the middle".into())));
        assert_eq!(parse("").ok(), Some(Line::Nothing));
        assert_eq!(parse(" \t ").ok(), Some(Line::Nothing));
    }

    #[test]
    fn panel_shows_names_a_preset_or_a_list_of_models() {
        assert_eq!(command("/panel"), Command::ShowPanel);
        assert_eq!(command("/panel  demo "), Command::Preset("demo".into()));
        assert_eq!(command("/panel a,b"), Command::Models(vec!["a".into(), "b".into()]));
        assert_eq!(command("/panel a b, c"), Command::Models(vec!["a".into(), "b".into(), "c".into()]));
        assert_eq!(command("/panel a,"), Command::Models(vec!["a".into()]));
        assert_eq!(command("/models mock:x?delay_ms=5"), Command::Models(vec!["mock:x?delay_ms=5".into()]));
        assert_eq!(command("/model opus"), Command::Model("opus".into()));
        assert_eq!(command("/judge council"), Command::Judge("council".into()));
        assert_eq!(command("/synth gpt-5.5"), Command::Synth("gpt-5.5".into()));
    }

    #[test]
    fn the_other_commands_take_no_value() {
        for (line, expected) in [
            ("/last", Command::Last),
            ("/new", Command::New),
            ("/help", Command::Help),
            ("/quit", Command::Quit),
            ("/exit ", Command::Quit),
        ] {
            assert_eq!(command(line), expected, "{line}");
        }
        assert_eq!(refusal("/last 2"), "error: `/last` takes no value\nhint: type `/last` alone\n");
    }

    #[test]
    fn an_unknown_command_or_a_missing_or_extra_value_is_refused_naming_it() {
        assert_eq!(
            refusal("/pannel demo"),
            "error: no chat command `/pannel`\nhint: `/help` lists them; start a line with // to send one that \
             begins with /\n"
        );
        assert_eq!(refusal("/model"), "error: `/model` needs a model\nhint: e.g. `/model opus`\n");
        assert_eq!(
            refusal("/judge a b"),
            "error: `/judge` takes one model, not 2\nhint: `/models A,B,...` sets a panel of several\n"
        );
        assert_eq!(
            refusal("/models"),
            "error: `/models` needs the models\nhint: e.g. `/models opus,gpt-5.5,gemini-3-pro`\n"
        );
    }
}
