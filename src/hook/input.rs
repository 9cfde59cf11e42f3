//! What a host sends on the hook's stdin, and which host sent it. Lenient on purpose:
//! hosts add fields, so unknown ones are ignored and missing ones default.
//!
//! GitHub Copilot CLI is told apart in two ways. Its own `userPromptSubmitted` hook sends
//! camelCase fields and no event name at all (`{"sessionId","timestamp","cwd","prompt"}`).
//! It also runs a trusted project's Claude Code hooks (`.claude/settings.json`,
//! `.claude/settings.local.json`) with Claude-shaped stdin, but sets `COPILOT_CLI=1` in
//! the hook's environment and sends no `transcript_path`, which Claude Code always sends.
//! Such a hook is Copilot's, whatever `--host` says: Copilot drops Claude's output shape,
//! so only an answer in Copilot's shape arrives (docs/hooks.md).
//!
//! VS Code's agent mode also runs `.claude/settings*.json` hooks and `.github/hooks/*.json`
//! files, but no hook output of its `UserPromptSubmit` can add context. The stdin it sends
//! with the event named `hookEventName` (camelCase) is never a prompt event here; a
//! Claude-shaped one is told from Claude Code's by the environment (`from_vscode`).

use std::path::PathBuf;

use serde::Deserialize;

use crate::config::Host;
use crate::env::Env;

/// The fields frontier reads from a prompt hook's stdin (Claude Code, Codex, Qwen Code
/// and Factory Droid `UserPromptSubmit`, Gemini CLI `BeforeAgent`; frontier's own plugin
/// for OpenCode and Kilo sends `{"hook_event_name":"chat.message","session_id","cwd",
/// "prompt"}`, where the prompt is the message's own text parts joined by line breaks and
/// `cwd` is the directory the host runs in).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct HookInput {
    pub hook_event_name: String,
    pub prompt: String,
    pub cwd: Option<PathBuf>,
    /// `sessionId` in Copilot CLI's own stdin.
    #[serde(alias = "sessionId")]
    pub session_id: Option<String>,
    /// The host's transcript of the session (Claude Code, Codex's rollout file, Qwen
    /// Code's and Droid's session files); absent or `null` when the host keeps none.
    pub transcript_path: Option<PathBuf>,
    /// Codex only.
    pub turn_id: Option<String>,
    /// Codex only.
    pub model: Option<String>,
    /// VS Code's agent mode names its event in camelCase; Copilot CLI names none.
    #[serde(rename = "hookEventName")]
    pub vscode_event_name: Option<String>,
    /// Qwen Code only: the text the user submitted. Qwen Code also fires its prompt
    /// event when it sends the model a tool's result, with this field absent.
    pub submitted_prompt: Option<String>,
}

/// The prompt event of each host, as its stdin names it (Copilot CLI's names none).
pub fn prompt_event(host: Host) -> &'static str {
    match host {
        Host::Gemini => "BeforeAgent",
        Host::Copilot => "",
        Host::OpenCode | Host::Kilo => "chat.message",
        _ => "UserPromptSubmit",
    }
}

/// Whether `input` comes from GitHub Copilot CLI: its own hook's stdin (no event name in
/// either spelling), or a Claude Code hook it runs from the project's `.claude/` settings
/// (`COPILOT_CLI=1`, Claude's event, no transcript, and not Claude Code itself, which
/// sets `CLAUDECODE`). `named` is the host on the command line: a Codex or Gemini CLI
/// hook is never Copilot's, even with `COPILOT_CLI` inherited from a Copilot shell.
pub fn from_copilot(input: &HookInput, named: Option<Host>, env: &Env) -> bool {
    let native = input.hook_event_name.is_empty() && input.vscode_event_name.is_none();
    let claude_shaped = input.hook_event_name == "UserPromptSubmit"
        && input.transcript_path.is_none()
        && input.turn_id.is_none()
        && env.var("COPILOT_CLI") == Some("1")
        && env.var("CLAUDECODE").is_none();
    match named {
        Some(Host::Copilot) => native || claude_shaped,
        None | Some(Host::ClaudeCode) => {
            claude_shaped || (named.is_none() && native && env.var("COPILOT_CLI") == Some("1"))
        }
        Some(_) => false,
    }
}

/// The host that sent `input`: the one named on the command line, else told from the
/// event, the fields only Codex sends, and the variables each host sets. Qwen Code and
/// Factory Droid also set Claude Code's `CLAUDE_PROJECT_DIR`, so their own variables
/// are looked at first. `None` when the event is not a user's prompt to that host (the
/// hook then does nothing): another event, or Qwen Code's event for a tool's result.
/// OpenCode's and Kilo's `chat.message` comes from frontier's plugin, which always names
/// its host.
pub fn host_of(input: &HookInput, named: Option<Host>, env: &Env) -> Option<Host> {
    if from_copilot(input, named, env) {
        return Some(Host::Copilot);
    }
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
    // Copilot's stdin was recognised above, or it is not Copilot's.
    let served = matches!(
        host,
        Host::ClaudeCode | Host::Codex | Host::Gemini | Host::Qwen | Host::Droid | Host::OpenCode | Host::Kilo
    );
    let users_prompt = host != Host::Qwen || input.submitted_prompt.as_deref().is_some_and(|p| !p.trim().is_empty());
    let elsewhere = host == Host::ClaudeCode && from_vscode(env);
    (served && users_prompt && !elsewhere && input.hook_event_name == prompt_event(host)).then_some(host)
}

/// Whether a Claude Code hook runs in VS Code's agent mode rather than in Claude Code.
/// VS Code runs the hooks of `.claude/settings*.json`, but its prompt hook's output can't
/// add context, so a panel run there is paid for nothing. Claude Code marks its hooks'
/// environment (`CLAUDECODE=1`, `CLAUDE_CODE_ENTRYPOINT`, `CLAUDE_CODE_SESSION_ID`: seen
/// with 2.1.197); a hook without those marks, in a process VS Code started (its
/// `VSCODE_*` variables, which a Claude Code in VS Code's terminal carries too, beside its
/// own marks), is VS Code's.
fn from_vscode(env: &Env) -> bool {
    let claude = ["CLAUDECODE", "CLAUDE_CODE_ENTRYPOINT", "CLAUDE_CODE_SESSION_ID"];
    let vscode = ["VSCODE_PID", "VSCODE_IPC_HOOK", "VSCODE_CWD", "VSCODE_NLS_CONFIG"];
    !claude.iter().any(|v| env.var(v).is_some()) && vscode.iter().any(|v| env.var(v).is_some())
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

    /// Recorded from GitHub Copilot CLI 1.0.102: its own hook's stdin, and the stdin of a
    /// project's Claude Code hook that it runs (both with `COPILOT_CLI=1` in the env).
    const COPILOT: &str = r#"{"sessionId":"c6ba1d92","timestamp":1796671672310,"cwd":"/repo","prompt":"why?"}"#;
    const CLAUDE_IN_COPILOT: &str = r#"{"hook_event_name":"UserPromptSubmit","session_id":"c6ba1d92","timestamp":"2026-12-07T19:27:52.310Z","cwd":"/repo","prompt":"why?"}"#;
    /// VS Code's agent mode, as its hook service writes the common fields.
    const VSCODE: &str = r#"{"timestamp":"2026-12-07T19:27:52.310Z","hookEventName":"UserPromptSubmit","sessionId":"v1","cwd":"/repo","prompt":"why?"}"#;

    #[test]
    fn copilot_is_told_from_its_stdin_or_from_copilot_cli_running_a_claude_hook() {
        let bare = Env::from_parts::<&str, &str>([], "/");
        let copilot = Env::from_parts([("COPILOT_CLI", "1"), ("CLAUDE_PROJECT_DIR", "/repo")], "/");
        assert_eq!(host_of(&parse(COPILOT), Some(Host::Copilot), &bare), Some(Host::Copilot));
        assert_eq!(host_of(&parse(COPILOT), Some(Host::Copilot), &copilot), Some(Host::Copilot));
        assert_eq!(host_of(&parse(COPILOT), None, &copilot), Some(Host::Copilot));
        assert_eq!(parse(COPILOT).session_id.as_deref(), Some("c6ba1d92"));
        // The Claude Code hook Copilot runs is Copilot's, named or not.
        assert_eq!(host_of(&parse(CLAUDE_IN_COPILOT), Some(Host::ClaudeCode), &copilot), Some(Host::Copilot));
        assert_eq!(host_of(&parse(CLAUDE_IN_COPILOT), None, &copilot), Some(Host::Copilot));
        // Without COPILOT_CLI it is Claude Code's shape as ever.
        assert_eq!(host_of(&parse(CLAUDE_IN_COPILOT), Some(Host::ClaudeCode), &bare), Some(Host::ClaudeCode));
        // Claude Code started from a Copilot shell inherits COPILOT_CLI, but sends its
        // transcript and sets CLAUDECODE: still Claude Code.
        let nested = Env::from_parts([("COPILOT_CLI", "1"), ("CLAUDECODE", "1")], "/");
        assert_eq!(host_of(&parse(CLAUDE), Some(Host::ClaudeCode), &copilot), Some(Host::ClaudeCode));
        assert_eq!(host_of(&parse(CLAUDE_IN_COPILOT), Some(Host::ClaudeCode), &nested), Some(Host::ClaudeCode));
        // Codex and Gemini CLI hooks stay theirs; Copilot's stdin is no other host's event.
        assert_eq!(host_of(&parse(CODEX), Some(Host::Codex), &copilot), Some(Host::Codex));
        assert_eq!(host_of(&parse(GEMINI), Some(Host::Gemini), &copilot), Some(Host::Gemini));
        assert_eq!(host_of(&parse(COPILOT), Some(Host::ClaudeCode), &bare), None);
        assert_eq!(host_of(&parse(COPILOT), None, &bare), None);
    }

    #[test]
    fn vs_code_agent_mode_is_never_served() {
        let bare = Env::from_parts::<&str, &str>([], "/");
        for named in [None, Some(Host::ClaudeCode), Some(Host::Copilot)] {
            assert_eq!(host_of(&parse(VSCODE), named, &bare), None, "{named:?}");
        }
        // Newer VS Code writes Claude's spelling: told apart by the environment, where
        // Claude Code (even in VS Code's terminal) leaves its own marks.
        let vscode = Env::from_parts([("VSCODE_PID", "4242"), ("CLAUDE_PROJECT_DIR", "/repo")], "/");
        let claude_in_vscode_terminal = Env::from_parts([("VSCODE_PID", "4242"), ("CLAUDECODE", "1")], "/");
        for named in [None, Some(Host::ClaudeCode)] {
            assert_eq!(host_of(&parse(CLAUDE), named, &vscode), None, "{named:?}");
            assert_eq!(host_of(&parse(CLAUDE), named, &claude_in_vscode_terminal), Some(Host::ClaudeCode));
        }
        // Other hosts' hooks are theirs wherever they were started.
        assert_eq!(host_of(&parse(CODEX), Some(Host::Codex), &vscode), Some(Host::Codex));
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
