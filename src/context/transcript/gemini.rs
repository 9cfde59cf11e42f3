//! Gemini CLI's session file (checked with 0.61.0): one JSON object a line under
//! `~/.gemini/tmp/<project>/chats/session-<time>-<id>.jsonl`. Unlike the other formats
//! it is a log of edits to one message list, so the whole file is read as a whole:
//!
//! - a header `{"sessionId", "projectHash", "startTime", "lastUpdated", "kind"}`
//!   (written again when a session is resumed);
//! - message records `{"id", "timestamp", "type", "content", …}`: `type` `user`
//!   (`content` a list of `{text}` parts), `gemini` (`content` a string or parts, with
//!   `thoughts`, `tokens`, `model`, tool calls) or the UI's `info`, `error`, `warning`;
//!   a record with an id already seen replaces that message;
//! - `{"$set": {…}}` patches: `messages` replaces the whole list (a resumed session
//!   writes the restored list so), the rest (`lastUpdated`, …) is metadata;
//! - `{"$rewindTo": id}`: the message with that id and all after it are dropped.
//!
//! Gemini CLI's own `<session_context>` block (the first user message: date, OS, the
//! project's files) and hooks' `additionalContext` (a part of the prompt's message of its
//! own, wrapped in `<hook_context>`; frontier's banner and framed answer among them) are
//! not conversation; nor are the model's thoughts, tool calls (parts without text) or
//! the UI's messages.
//!
//! Knows only the line shapes and how they edit the list; which turns to keep is
//! `mod.rs`'s.

use serde_json::Value;

use super::{Role, Turn};

/// The tags Gemini CLI wraps what it adds to a user message in, whole.
const INJECTED_TAGS: [&str; 2] = ["session_context", "hook_context"];

/// Whether a line is Gemini CLI's: a header, a patch, a rewind, or a message record
/// (an `id` and a `type` beside `content`, which no other format's lines have together).
pub(super) fn is_line(line: &Value) -> bool {
    let string = |key: &str| line.get(key).is_some_and(Value::is_string);
    (string("sessionId") && string("projectHash"))
        || line.get("$set").is_some_and(Value::is_object)
        || string("$rewindTo")
        || (string("id") && string("type") && line.get("content").is_some())
}

/// The conversation the lines leave, oldest first.
pub(super) fn turns(lines: &[Value]) -> Vec<Turn> {
    let mut messages: Vec<&Value> = Vec::new();
    for line in lines {
        if let Some(id) = line.get("$rewindTo").and_then(Value::as_str) {
            // An id no longer in the list (or before a cut tail) drops it all, as Gemini does.
            let at = messages.iter().position(|m| id_of(m) == Some(id)).unwrap_or(0);
            messages.truncate(at);
        } else if let Some(set) = line.get("$set") {
            if let Some(list) = set.get("messages").and_then(Value::as_array) {
                messages.clear();
                list.iter().for_each(|m| upsert(&mut messages, m));
            }
        } else if let Some(list) = line.get("messages").and_then(Value::as_array) {
            list.iter().for_each(|m| upsert(&mut messages, m)); // a header that holds messages
        } else {
            upsert(&mut messages, line);
        }
    }
    messages.into_iter().filter_map(turn).collect()
}

fn id_of(message: &Value) -> Option<&str> {
    message.get("id").and_then(Value::as_str)
}

/// Adds a message record to the list, or replaces the one with its id in place.
fn upsert<'a>(messages: &mut Vec<&'a Value>, record: &'a Value) {
    let Some(id) = id_of(record) else { return };
    match messages.iter_mut().find(|m| id_of(m) == Some(id)) {
        Some(slot) => *slot = record,
        None => messages.push(record),
    }
}

/// The conversation turn a message holds, if any.
fn turn(message: &Value) -> Option<Turn> {
    let role = match message.get("type")?.as_str()? {
        "user" => Role::User,
        "gemini" => Role::Assistant,
        _ => return None,
    };
    let texts: Vec<&str> = match message.get("content")? {
        Value::String(text) => vec![text.as_str()],
        Value::Array(parts) => parts
            .iter()
            .filter(|part| part.get("thought").and_then(Value::as_bool) != Some(true))
            .filter_map(|part| part.get("text").and_then(Value::as_str))
            .filter(|text| !(role == Role::User && is_injected(text)))
            .collect(),
        _ => return None,
    };
    let text = texts.join("\n").trim().to_string();
    (!text.is_empty()).then_some(Turn { role, text })
}

/// A part that is all something Gemini CLI added, in one of its tags.
fn is_injected(text: &str) -> bool {
    let text = text.trim();
    INJECTED_TAGS.iter().any(|tag| text.starts_with(&format!("<{tag}>")) && text.ends_with(&format!("</{tag}>")))
}
