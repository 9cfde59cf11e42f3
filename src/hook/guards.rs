//! When the hook leaves a prompt alone: slash commands and the hosts' command wrappers,
//! autonomous-loop directives, and prompts under the scope's minimum length — each
//! unless the scope's tuning opts in. A path like `/etc/hosts` mid-sentence, or "the
//! event loop", is an ordinary prompt.
//!
//! The checks read the prompt with its leading (and trailing) whitespace and invisible
//! format characters removed — a zero-width space or a byte-order mark before `/loop`
//! would otherwise hide the directive from the guards while the host still sees it. The
//! prompt sent to the panel is not changed here.

use crate::scope::state::Tuning;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    SlashCommand,
    LoopDirective,
    TooShort,
}

/// Why the hook should leave `prompt` alone under `tuning`, or `None` to run it.
pub fn skip(prompt: &str, tuning: &Tuning) -> Option<Skip> {
    let text = trim_invisible(prompt);
    if is_loop_directive(text) {
        return (!tuning.fan_loops).then_some(Skip::LoopDirective);
    }
    if is_command(text) && !tuning.fan_commands {
        return Some(Skip::SlashCommand);
    }
    (text.chars().count() < tuning.min_chars as usize).then_some(Skip::TooShort)
}

/// `text` without leading and trailing whitespace of any kind and invisible format
/// characters: the zero-width space, joiners and word joiner, the byte-order mark, the
/// soft hyphen, and the other Unicode format (Cf) characters that commonly hide in text.
fn trim_invisible(text: &str) -> &str {
    text.trim_matches(|c: char| c.is_whitespace() || c.is_control() || crate::invisible::is_invisible(c))
}

/// `/name args...` where the name is a command word (so `/etc/hosts` is not one), or a
/// host's wrapper around a command it ran (`<command-name>/clear</command-name>...`).
fn is_command(text: &str) -> bool {
    const WRAPPERS: &[&str] = &["<command-name>", "<command-message>", "<command-args>", "<local-command-"];
    if WRAPPERS.iter().any(|w| text.starts_with(w)) {
        return true;
    }
    let Some(rest) = text.strip_prefix('/') else { return false };
    let word = rest.split(char::is_whitespace).next().unwrap_or_default();
    word.starts_with(|c: char| c.is_ascii_alphabetic())
        && word.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.'))
}

/// `/loop ...`, the `<<autonomous-loop>>` marker, or a scheduled resume of such a loop.
fn is_loop_directive(text: &str) -> bool {
    let lower = text.to_lowercase();
    let first = lower.split_whitespace().next().unwrap_or_default();
    first == "/loop"
        || lower.contains("<<autonomous-loop")
        || ["autonomous loop", "resume autonomous loop", "resuming autonomous loop", "resume the autonomous loop"]
            .iter()
            .any(|p| lower.starts_with(p))
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    fn tuning(min_chars: u32, fan_commands: bool, fan_loops: bool) -> Tuning {
        Tuning { min_chars, fan_commands, fan_loops, ..Tuning::default() }
    }

    #[test]
    fn the_guard_truth_table() {
        let default = tuning(12, false, false);
        let cases: &[(&str, Option<Skip>)] = &[
            ("/clear", Some(Skip::SlashCommand)),
            ("  /review the auth module please", Some(Skip::SlashCommand)),
            ("/plugin:command arg", Some(Skip::SlashCommand)),
            (
                "<command-name>/clear</command-name>\n<command-message>clear</command-message><command-args></command-args>",
                Some(Skip::SlashCommand),
            ),
            ("<local-command-stdout>done</local-command-stdout>", Some(Skip::SlashCommand)),
            ("/loop check the build every 5m", Some(Skip::LoopDirective)),
            ("<<autonomous-loop>> continue with the next task", Some(Skip::LoopDirective)),
            ("Autonomous loop resumed: pick up where you left off", Some(Skip::LoopDirective)),
            ("ok", Some(Skip::TooShort)),
            ("yes please", Some(Skip::TooShort)),
            ("/etc/hosts is ignored by my resolver, why?", None),
            ("why does /etc/hosts not apply in the container?", None),
            ("why does the event loop block on this future?", None),
            ("/ why is this slash here", None),
            // Invisible or unusual characters before the command hide nothing.
            ("\u{200b}/loop check the build every 5m", Some(Skip::LoopDirective)),
            ("\u{feff}/loop check the build every 5m", Some(Skip::LoopDirective)),
            ("\u{200c}\u{200d}\u{2060}\u{00ad}/loop check", Some(Skip::LoopDirective)),
            ("\u{3000}\u{a0}\u{2028}\t/loop check the build", Some(Skip::LoopDirective)),
            ("\u{202e}\u{2066}<<autonomous-loop>> continue", Some(Skip::LoopDirective)),
            ("\u{feff}\u{200b}/clear", Some(Skip::SlashCommand)),
            ("\u{200b}/review the auth module please", Some(Skip::SlashCommand)),
            ("\u{2060}\r\n<command-name>/clear</command-name>", Some(Skip::SlashCommand)),
            // Invisible padding doesn't make a short prompt long.
            (
                "\u{200b}\u{200b}\u{200b}\u{200b}\u{200b}\u{200b}ok\u{200b}\u{200b}\u{200b}\u{200b}\u{200b}",
                Some(Skip::TooShort),
            ),
            ("\u{200b}why does /etc/hosts not apply in the container?", None),
        ];
        for (prompt, want) in cases {
            assert_eq!(skip(prompt, &default), *want, "{prompt:?}");
        }
    }

    #[test]
    fn each_guard_can_be_opted_out_of() {
        assert_eq!(skip("/review the auth module please", &tuning(12, true, false)), None);
        assert_eq!(skip("/loop check the build every 5m", &tuning(12, false, true)), None);
        assert_eq!(skip("/loop check the build every 5m", &tuning(12, true, false)), Some(Skip::LoopDirective));
        assert_eq!(skip("ok", &tuning(0, false, false)), None);
        assert_eq!(skip("a prompt of some length", &tuning(100, false, false)), Some(Skip::TooShort));
    }
}
