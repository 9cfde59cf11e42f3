//! What a host sends on the hook's stdin, and which host sent it. Lenient on purpose:
//! hosts add fields, so unknown ones are ignored and missing ones default.

use std::path::PathBuf;

use serde::Deserialize;

use crate::config::Host;
use crate::env::Env;

/// The fields frontier reads from a prompt hook's stdin (Claude Code, Codex, Qwen Code
/// and Factory Droid `UserPromptSubmit`, Gemini CLI `BeforeAgent`).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct HookInput {
    pub hook_event_name: String,
    pub prompt: String,
    pub cwd: Option<PathBuf>,
    pub session_id: Option<String>,
    /// The host's transcript of the session (Claude Code, Codex's rollout file, Qwen
    /// Code's and Droid's session files); absent or `null` when the host keeps none.
    pub transcript_path: Option<PathBuf>,
    /// Codex only.
    pub turn_id: Option<String>,
    /// Codex only.
    pub model: Option<String>,
    /// Qwen Code only: the text the user submitted. Qwen Code also fires its prompt
    /// event when it sends the model a tool's result, with this field absent.
    pub submitted_prompt: Option<String>,
}

/// The prompt event of each host.
pub fn prompt_event(host: Host) -> &'static str {
    match host {
        Host::Gemini => "BeforeAgent",
        _ => "UserPromptSubmit",
    }
}

/// The host that sent `input`: the one named on the command line, else told from the
/// event, the fields only Codex sends, and the variables each host sets. Qwen Code and
/// Factory Droid also set Claude Code's `CLAUDE_PROJECT_DIR`, so their own variables
/// are looked at first. `None` when the event is not a user's prompt to that host (the
/// hook then does nothing): another event, or Qwen Code's event for a tool's result.
pub fn host_of(input: &HookInput, named: Option<Host>, env: &Env) -> Option<Host> {
    let host = match named {
        Some(host) => host,
        None => match input.hook_event_name.as_str() {
            "BeforeAgent" => Host::Gemini,
            "UserPromptSubmit" if input.turn_id.is_some() || input.model.is_some() => Host::Codex,
            "UserPromptSubmit" if env.var("QWEN_PROJECT_DIR").is_some() => Host::Qwen,
            "UserPromptSubmit"
                if env.var("FACTORY_PROJECT_DIR").is_some() || env.var("DROID_PROJECT_DIR").is_some() =>
            {
                Host::Droid
            }
            "UserPromptSubmit" if env.var("CLAUDECODE").is_some() || env.var("CLAUDE_PROJECT_DIR").is_some() => {
                Host::ClaudeCode
            }
            "UserPromptSubmit" if env.var("CODEX_HOME").is_some() => Host::Codex,
            "UserPromptSubmit" => Host::ClaudeCode,
            _ => return None,
        },
    };
    let served = matches!(host, Host::ClaudeCode | Host::Codex | Host::Gemini | Host::Qwen | Host::Droid);
    let users_prompt = host != Host::Qwen || input.submitted_prompt.as_deref().is_some_and(|p| !p.trim().is_empty());
    (served && users_prompt && input.hook_event_name == prompt_event(host)).then_some(host)
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
    /// Qwen Code 0.24.4 and Factory Droid 0.225.2, as recorded (ids shortened).
    const QWEN: &str = r#"{"session_id":"f6ed","transcript_path":"/h/.qwen/projects/-repo/chats/f6ed.jsonl","cwd":"/repo","hook_event_name":"UserPromptSubmit","timestamp":"2026-12-07T19:23:48.565Z","permission_mode":"auto","prompt_id":"f6ed########0","prompt":"why?","submitted_prompt":"why?"}"#;
    /// What Qwen Code sends when it gives the model a tool's result.
    const QWEN_TOOL_RESULT: &str = r#"{"session_id":"f6ed","transcript_path":"/h/.qwen/projects/-repo/chats/f6ed.jsonl","cwd":"/repo","hook_event_name":"UserPromptSubmit","timestamp":"2026-12-07T19:27:54.339Z","permission_mode":"auto","prompt_id":"f6ed########0","prompt":""}"#;
    const DROID: &str = r#"{"session_id":"5526","transcript_path":"/h/.factory/sessions/-repo/5526.jsonl","cwd":"/repo","permission_mode":"off","hook_event_name":"UserPromptSubmit","message_id":"cee3","prompt":"why?","has_images":false}"#;

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

    #[test]
    fn qwen_code_and_droid_are_told_from_their_own_variables_before_claude_codes() {
        // Both set Claude Code's CLAUDE_PROJECT_DIR in a hook's environment too (recorded).
        let qwen_env = Env::from_parts(
            [("QWEN_PROJECT_DIR", "/repo"), ("CLAUDE_PROJECT_DIR", "/repo"), ("GEMINI_PROJECT_DIR", "/repo")],
            "/",
        );
        let droid_env = Env::from_parts(
            [("FACTORY_PROJECT_DIR", "/repo"), ("DROID_PROJECT_DIR", "/repo"), ("CLAUDE_PROJECT_DIR", "/repo")],
            "/",
        );
        assert_eq!(host_of(&parse(QWEN), None, &qwen_env), Some(Host::Qwen));
        assert_eq!(host_of(&parse(DROID), None, &droid_env), Some(Host::Droid));
        assert_eq!(host_of(&parse(QWEN), Some(Host::Qwen), &Env::from_parts::<&str, &str>([], "/")), Some(Host::Qwen));
        assert_eq!(host_of(&parse(DROID), Some(Host::Droid), &qwen_env), Some(Host::Droid));
        assert_eq!(parse(QWEN).transcript_path, Some(PathBuf::from("/h/.qwen/projects/-repo/chats/f6ed.jsonl")));
        assert_eq!(parse(QWEN).submitted_prompt.as_deref(), Some("why?"));
        assert_eq!(parse(DROID).transcript_path, Some(PathBuf::from("/h/.factory/sessions/-repo/5526.jsonl")));
    }

    #[test]
    fn qwen_codes_event_for_a_tool_result_is_not_a_prompt() {
        let qwen_env = Env::from_parts([("QWEN_PROJECT_DIR", "/repo"), ("CLAUDE_PROJECT_DIR", "/repo")], "/");
        assert_eq!(host_of(&parse(QWEN_TOOL_RESULT), Some(Host::Qwen), &qwen_env), None);
        assert_eq!(host_of(&parse(QWEN_TOOL_RESULT), None, &qwen_env), None);
        let blank = parse(&QWEN.replace(r#""submitted_prompt":"why?""#, r#""submitted_prompt":"  ""#));
        assert_eq!(host_of(&blank, Some(Host::Qwen), &qwen_env), None);
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
