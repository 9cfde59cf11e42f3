//! Codex's session rollout (checked with 0.169.0): one JSON object a line under
//! `$CODEX_HOME/sessions/YYYY/MM/DD/rollout-<time>-<session>.jsonl`, each
//! `{"timestamp", "type", "payload"}`. The conversation as the model saw it is the
//! `response_item` lines whose payload is a `message`: `user` (`input_text` blocks),
//! `assistant` (`output_text` blocks) and `developer` (instructions, and hooks'
//! `additionalContext`, frontier's among them, which are not kept). `event_msg` lines
//! repeat the same turns for the UI and are not read, so nothing is counted twice.
//!
//! Knows only the line shapes; which lines to keep of a whole file is `mod.rs`'s.

use serde_json::Value;

use super::{Role, Turn, text_of};

/// The conversation turn a line holds, if any.
pub(super) fn turn(line: &Value) -> Option<Turn> {
    if line.get("type")?.as_str()? != "response_item" {
        return None;
    }
    let payload = line.get("payload")?;
    if payload.get("type")?.as_str()? != "message" {
        return None; // reasoning, function calls and their output
    }
    let (role, kinds) = match payload.get("role")?.as_str()? {
        "user" => (Role::User, ["input_text"]),
        "assistant" => (Role::Assistant, ["output_text"]),
        _ => return None,
    };
    let content = payload.get("content")?;
    // Codex injects its own context as user messages wholly wrapped in a tag
    // (`<environment_context>…</environment_context>`, `<user_instructions>…`): one
    // block at a time, so that a real prompt sent alongside still counts.
    let blocks: Vec<String> = match content {
        Value::Array(blocks) => blocks
            .iter()
            .map(|b| text_of(&Value::Array(vec![b.clone()]), &kinds))
            .filter(|t| !(t.trim().is_empty() || (role == Role::User && is_injected(t))))
            .collect(),
        other => vec![text_of(other, &kinds)],
    };
    let text = blocks.join("\n").trim().to_string();
    (!text.is_empty()).then_some(Turn { role, text })
}

/// Text Codex wrote into a user message itself: a `<tag>…</tag>` wrapper around the
/// whole text, or the AGENTS.md instructions it prepends.
fn is_injected(text: &str) -> bool {
    let text = text.trim();
    if text.starts_with("# AGENTS.md instructions") {
        return true;
    }
    let Some(tag) = text.strip_prefix('<').and_then(|t| t.split_once('>')).map(|(tag, _)| tag) else {
        return false;
    };
    !tag.is_empty()
        && tag.chars().all(|c| c.is_ascii_lowercase() || c == '_' || c == '-')
        && text.ends_with(&format!("</{tag}>"))
}
