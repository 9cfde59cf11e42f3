//! Claude Code's transcript (checked with 2.1.197): one JSON object a line under
//! `~/.claude/projects/<mangled cwd>/<session>.jsonl`. Conversation lines have `type`
//! `user` or `assistant` and an Anthropic Messages `message`; the rest (`attachment`,
//! which holds hooks' `additionalContext`; `queue-operation`, `last-prompt`, `mode`,
//! `summary`, …) is not conversation.
//!
//! Knows only the line shapes; which lines to keep of a whole file is `mod.rs`'s.

use serde_json::Value;

use super::{Role, Turn, text_of};

/// The conversation turn a line holds, if any.
pub(super) fn turn(line: &Value) -> Option<Turn> {
    let role = match line.get("type")?.as_str()? {
        "user" => Role::User,
        "assistant" => Role::Assistant,
        _ => return None,
    };
    // Sub-agents' turns, meta lines (caveats, command output) and compaction summaries
    // are the host's bookkeeping, not what the user and the agent said to each other.
    if ["isSidechain", "isMeta", "isCompactSummary"].iter().any(|k| line.get(*k).and_then(Value::as_bool) == Some(true))
    {
        return None;
    }
    let message = line.get("message")?;
    // Claude Code's own stand-in replies ("No response requested.") name this model.
    if message.get("model").and_then(Value::as_str) == Some("<synthetic>") {
        return None;
    }
    // Tool results come back as `user` lines of `tool_result` blocks, and tool calls
    // and thinking as `assistant` blocks: only `text` blocks are kept.
    let text = text_of(message.get("content")?, &["text"]);
    let text = text.trim();
    if text.is_empty() || (role == Role::User && is_command(text)) {
        return None;
    }
    Some(Turn { role, text: text.to_string() })
}

/// A slash command and its output, which Claude Code records as user text in tags.
fn is_command(text: &str) -> bool {
    ["<command-name>", "<command-message>", "<local-command-", "<bash-input>", "<bash-stdout>", "<bash-stderr>"]
        .iter()
        .any(|tag| text.starts_with(tag))
}
