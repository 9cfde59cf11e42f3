//! Factory Droid's session file (checked with 0.225.2): one JSON object a line under
//! `~/.factory/sessions/<cwd with / as ->/<session>.jsonl`: a `session_start` line, then
//! `message` lines holding an Anthropic-style `message` (`role`, `content` blocks) and
//! `agent_turn_outcome` lines. Droid's own context for the model (system reminders, in a
//! message whose id starts with `context-` and whose `visibility` is `llm_only`) and the
//! record of each hook run (`visibility` `user_only`, the hook's output, frontier's own
//! among it, in `hookResults`) are not conversation; nor are tool calls and results
//! (`tool_use` and `tool_result` blocks). A `UserPromptSubmit` hook's context is not
//! written to the file at all.
//!
//! Knows only the line shapes; which lines to keep of a whole file is `mod.rs`'s.

use serde_json::Value;

use super::{Role, Turn, text_of};

/// Whether a line is Droid's: one of its line types with the fields that go with it.
pub(super) fn is_line(line: &Value) -> bool {
    match line.get("type").and_then(Value::as_str) {
        Some("message") => line.get("message").is_some_and(Value::is_object),
        Some("session_start") => line.get("id").is_some_and(Value::is_string),
        Some("agent_turn_outcome") => line.get("turnId").is_some_and(Value::is_string),
        _ => false,
    }
}

/// The conversation turn a line holds, if any.
pub(super) fn turn(line: &Value) -> Option<Turn> {
    if line.get("type")?.as_str()? != "message" {
        return None;
    }
    let message = line.get("message")?;
    // Messages only the model or only the user sees are Droid's bookkeeping.
    if message.get("visibility").is_some()
        || line.get("id").and_then(Value::as_str).is_some_and(|id| id.starts_with("context-"))
    {
        return None;
    }
    let role = match message.get("role")?.as_str()? {
        "user" => Role::User,
        "assistant" => Role::Assistant,
        _ => return None,
    };
    let text = text_of(message.get("content")?, &["text"]);
    let text = text.trim();
    let reminder = role == Role::User && text.starts_with("<system-reminder>");
    (!text.is_empty() && !reminder).then(|| Turn { role, text: text.to_string() })
}
