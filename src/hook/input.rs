//! What a host sends on the hook's stdin, and which host sent it. Lenient on purpose:
//! hosts add fields, so unknown ones are ignored and missing ones default.

use std::path::PathBuf;

use serde::Deserialize;

use crate::config::Host;
use crate::env::Env;

/// The fields frontier reads from a prompt hook's stdin (Claude Code and Codex
/// `UserPromptSubmit`, Gemini CLI `BeforeAgent`; frontier's own plugin for OpenCode and
/// Kilo sends `{"hook_event_name":"chat.message","session_id","cwd","prompt"}`, where
/// the prompt is the message's own text parts joined by line breaks and `cwd` is the
/// directory the host runs in).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct HookInput {
    pub hook_event_name: String,
    pub prompt: String,
    pub cwd: Option<PathBuf>,
    pub session_id: Option<String>,
    /// The host's transcript of the session (Claude Code, and Codex's rollout file);
    /// absent or `null` when the host keeps none.
    pub transcript_path: Option<PathBuf>,
    /// Codex only.
    pub turn_id: Option<String>,
    /// Codex only.
    pub model: Option<String>,
}

/// The prompt event of each host.
pub fn prompt_event(host: Host) -> &'static str {
    match host {
        Host::Gemini => "BeforeAgent",
        Host::OpenCode | Host::Kilo => "chat.message",
        _ => "UserPromptSubmit",
    }
}

/// The host that sent `input`: the one named on the command line, else told from the
/// event, the fields only Codex sends, and the variables Claude Code sets. `None` when
/// the event is not a prompt event of that host (the hook then does nothing). OpenCode's
/// and Kilo's `chat.message` comes from frontier's plugin, which always names its host.
pub fn host_of(input: &HookInput, named: Option<Host>, env: &Env) -> Option<Host> {
    let host = match named {
        Some(host) => host,
        None => match input.hook_event_name.as_str() {
            "BeforeAgent" => Host::Gemini,
            "UserPromptSubmit" if input.turn_id.is_some() || input.model.is_some() => Host::Codex,
            "UserPromptSubmit" if env.var("CLAUDECODE").is_some() || env.var("CLAUDE_PROJECT_DIR").is_some() => {
                Host::ClaudeCode
            }
            "UserPromptSubmit" if env.var("CODEX_HOME").is_some() => Host::Codex,
            "UserPromptSubmit" => Host::ClaudeCode,
            _ => return None,
        },
    };
    let served = matches!(host, Host::ClaudeCode | Host::Codex | Host::Gemini | Host::OpenCode | Host::Kilo);
    (served && input.hook_event_name == prompt_event(host)).then_some(host)
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    fn parse(json: &str) -> HookInput {
        serde_json::from_str(json).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Recorded shapes (docs/hooks.md), trimmed to what matters plus a field frontier ignores.
    const CLAUDE: &str = r#"{"session_id":"s1","transcript_path":"/t.jsonl","cwd":"/repo","prompt_id":"p","permission_mode":"default","hook_event_name":"UserPromptSubmit","prompt":"why?"}"#;
    const CODEX: &str = r#"{"session_id":"s2","turn_id":"t1","model":"gpt-5.5","cwd":"/repo","hook_event_name":"UserPromptSubmit","prompt":"why?","transcript_path":null}"#;
    const GEMINI: &str = r#"{"session_id":"s3","cwd":"/repo","hook_event_name":"BeforeAgent","prompt":"why?","timestamp":"2026-11-21T00:00:00Z"}"#;

    #[test]
    fn each_host_is_told_from_its_stdin_and_environment() {
        let bare = Env::from_parts::<&str, &str>([], "/");
        let claude_env = Env::from_parts([("CLAUDECODE", "1")], "/");
        assert_eq!(host_of(&parse(CLAUDE), None, &claude_env), Some(Host::ClaudeCode));
        assert_eq!(host_of(&parse(CLAUDE), None, &bare), Some(Host::ClaudeCode));
        assert_eq!(host_of(&parse(CODEX), None, &claude_env), Some(Host::Codex));
        assert_eq!(host_of(&parse(GEMINI), None, &bare), Some(Host::Gemini));
        assert_eq!(parse(CODEX).cwd, Some(PathBuf::from("/repo")));
        assert_eq!(parse(CLAUDE).transcript_path, Some(PathBuf::from("/t.jsonl")));
        assert_eq!((parse(CODEX).transcript_path, parse(GEMINI).transcript_path), (None, None));
    }

    /// What frontier's plugin sent from inside the real OpenCode 1.18.33 (`opencode run
    /// "say hello"`, which quotes its argument); Kilo's is the same.
    const OPENCODE: &str = r#"{"hook_event_name":"chat.message","session_id":"ses_dae033116ffecP7EBWhRd6cQbD","cwd":"/repo","prompt":"\"say hello\""}"#;

    #[test]
    fn the_opencode_plugins_event_is_served_when_it_names_its_host() {
        let bare = Env::from_parts::<&str, &str>([], "/");
        let event = parse(OPENCODE);
        assert_eq!(
            event,
            HookInput {
                hook_event_name: "chat.message".into(),
                prompt: "\"say hello\"".into(),
                cwd: Some(PathBuf::from("/repo")),
                session_id: Some("ses_dae033116ffecP7EBWhRd6cQbD".into()),
                ..HookInput::default()
            }
        );
        assert_eq!(host_of(&event, Some(Host::OpenCode), &bare), Some(Host::OpenCode));
        assert_eq!(host_of(&event, Some(Host::Kilo), &bare), Some(Host::Kilo));
        // Unnamed, it could be either: the hook does nothing.
        assert_eq!(host_of(&event, None, &bare), None);
        // Another host's event, sent to the plugin hosts' hook, is not theirs.
        assert_eq!(host_of(&parse(CLAUDE), Some(Host::OpenCode), &bare), None);
        assert_eq!(host_of(&event, Some(Host::ClaudeCode), &bare), None);
    }

    #[test]
    fn other_events_and_mismatched_hosts_are_not_prompt_events() {
        let bare = Env::from_parts::<&str, &str>([], "/");
        let stop = parse(r#"{"hook_event_name":"Stop","prompt":"x"}"#);
        assert_eq!(host_of(&stop, None, &bare), None);
        assert_eq!(host_of(&parse(GEMINI), Some(Host::Codex), &bare), None);
        assert_eq!(host_of(&parse(CLAUDE), Some(Host::Gemini), &bare), None);
        assert_eq!(host_of(&HookInput::default(), None, &bare), None);
    }
}
