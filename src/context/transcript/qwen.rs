//! Qwen Code's session file (checked with 0.24.4): one JSON object a line under
//! `~/.qwen/projects/<cwd with / as ->/chats/<session>.jsonl`, each with `type` (`user`,
//! `assistant`, `system`), `sessionId`, `provenance` and, for the turns, a Gemini-style
//! `message` (`role` `user` or `model`, `parts` of `{text}`). A hook's
//! `additionalContext` (frontier's own among them) is a part of the user's message of
//! its own, wrapped in `<qwen:user-prompt-submit-context>`, and is not kept; nor are
//! the model's thoughts (`thought: true` parts), tool calls and results (parts without
//! text) or the `system` lines (telemetry, snapshots).
//!
//! Knows only the line shapes; which lines to keep of a whole file is `mod.rs`'s.

use serde_json::Value;

use super::{Role, Turn};

/// The tag Qwen Code wraps a `UserPromptSubmit` hook's context in.
const HOOK_CONTEXT_TAG: &str = "qwen:user-prompt-submit-context";

/// Whether a line is Qwen Code's: a turn whose message has `parts`, or any line with its
/// `provenance` beside the session id.
pub(super) fn is_line(line: &Value) -> bool {
    let parts = line.get("message").and_then(|m| m.get("parts")).is_some_and(Value::is_array);
    let provenance = line.get("provenance").is_some_and(Value::is_string);
    parts || (provenance && line.get("sessionId").is_some_and(Value::is_string))
}

/// The conversation turn a line holds, if any.
pub(super) fn turn(line: &Value) -> Option<Turn> {
    let role = match line.get("type")?.as_str()? {
        "user" => Role::User,
        "assistant" => Role::Assistant,
        _ => return None,
    };
    let parts = line.get("message")?.get("parts")?.as_array()?;
    let texts: Vec<&str> = parts
        .iter()
        .filter(|part| part.get("thought").and_then(Value::as_bool) != Some(true))
        .filter_map(|part| part.get("text").and_then(Value::as_str))
        .filter(|text| !(role == Role::User && is_hook_context(text)))
        .collect();
    let text = texts.join("\n").trim().to_string();
    (!text.is_empty()).then_some(Turn { role, text })
}

/// A part that is all a hook's context, as Qwen Code wraps it.
fn is_hook_context(text: &str) -> bool {
    let text = text.trim();
    text.starts_with(&format!("<{HOOK_CONTEXT_TAG}>")) && text.ends_with(&format!("</{HOOK_CONTEXT_TAG}>"))
}
