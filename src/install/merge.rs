//! Editing a host's parsed settings document: adding, updating or removing frontier's
//! entry among one event's hooks, and leaving every other key and entry as it was.
//!
//! Claude Code, Codex, Gemini CLI, Qwen Code and Factory Droid share one shape:
//! `hooks.<event>` is a list of matcher groups, each with a `hooks` list of handlers.
//! frontier's handler is the one whose `command` runs a program named `frontier` with
//! `hook --host`; no marker field is written, because not every host tolerates fields it
//! does not know.
//!
//! Knows nothing about files or about which host it edits: it is given the event and
//! the handler. Errors say what shape was unexpected (`ShapeError`), for the caller to
//! name the file.

use std::path::Path;

use serde_json::{Map, Value, json};

use super::EntryChange;
use super::settings_file::ShapeError;

/// Puts `handler` among `event`'s hooks: in place of an existing frontier handler (the
/// first one; any others are dropped), else in a matcher group of its own at the end.
pub fn install(doc: &mut Value, event: &str, handler: Value) -> Result<EntryChange, ShapeError> {
    let hooks = object_entry(root(doc)?, "hooks", "hooks")?;
    let groups = array_entry(hooks, event, &format!("hooks.{event}"))?;
    let found = frontier_handlers(groups);
    let Some(&(first_group, first_handler)) = found.first() else {
        groups.push(json!({ "hooks": [handler] }));
        return Ok(EntryChange::Added);
    };
    let mut changed =
        handler_mut(groups, first_group, first_handler).is_some_and(|existing| update(existing, &handler));
    for &(group, index) in found.iter().skip(1).rev() {
        remove_handler(groups, group, index);
        changed = true;
    }
    Ok(if changed { EntryChange::Updated } else { EntryChange::Unchanged })
}

/// Takes every frontier handler out of `event`'s hooks, then the groups, the event and
/// the `hooks` object that this left empty. Returns whether there was one.
pub fn uninstall(doc: &mut Value, event: &str) -> Result<bool, ShapeError> {
    let root = root(doc)?;
    let Some(hooks) = root.get_mut("hooks") else {
        return Ok(false);
    };
    let hooks = hooks.as_object_mut().ok_or_else(|| ShapeError::NotAnObject("hooks".into()))?;
    let Some(groups) = hooks.get_mut(event) else {
        return Ok(false);
    };
    let groups = groups.as_array_mut().ok_or_else(|| ShapeError::NotAList(format!("hooks.{event}")))?;
    let found = frontier_handlers(groups);
    if found.is_empty() {
        return Ok(false);
    }
    for &(group, index) in found.iter().rev() {
        remove_handler(groups, group, index);
    }
    if groups.is_empty() {
        hooks.shift_remove(event);
    }
    if hooks.is_empty() {
        root.shift_remove("hooks");
    }
    Ok(true)
}

/// Sets each key of `new` (a handler) in `existing`, keeping any other key the user
/// added to it; whether anything changed.
pub fn update(existing: &mut Map<String, Value>, new: &Value) -> bool {
    let mut changed = false;
    for (key, value) in new.as_object().into_iter().flatten() {
        if existing.get(key) != Some(value) {
            existing.insert(key.clone(), value.clone());
            changed = true;
        }
    }
    changed
}

/// Whether `event`'s hooks hold a frontier handler.
pub fn has(doc: &Value, event: &str) -> bool {
    doc.get("hooks")
        .and_then(|h| h.get(event))
        .and_then(Value::as_array)
        .is_some_and(|g| !frontier_handlers(g).is_empty())
}

/// Whether `command` runs frontier's hook: a program named `frontier` (bare, or a path
/// ending in `/frontier`, quoted or not) followed by `hook --host`.
pub fn is_frontier_command(command: &str) -> bool {
    let Some((program, _)) = command.split_once(" hook --host ") else {
        return false;
    };
    let program = unquote(program.trim());
    Path::new(&program).file_name().is_some_and(|name| name == "frontier")
}

fn root(doc: &mut Value) -> Result<&mut Map<String, Value>, ShapeError> {
    doc.as_object_mut().ok_or(ShapeError::NotAJsonObject)
}

/// `map[key]`, made an empty object if missing; `dotted` is the key from the root.
fn object_entry<'a>(
    map: &'a mut Map<String, Value>,
    key: &str,
    dotted: &str,
) -> Result<&'a mut Map<String, Value>, ShapeError> {
    map.entry(key).or_insert_with(|| json!({})).as_object_mut().ok_or_else(|| ShapeError::NotAnObject(dotted.into()))
}

/// `map[key]`, made an empty list if missing; `dotted` is the key from the root.
fn array_entry<'a>(map: &'a mut Map<String, Value>, key: &str, dotted: &str) -> Result<&'a mut Vec<Value>, ShapeError> {
    map.entry(key).or_insert_with(|| json!([])).as_array_mut().ok_or_else(|| ShapeError::NotAList(dotted.into()))
}

/// The (group, handler) positions of frontier's handlers, in order.
fn frontier_handlers(groups: &[Value]) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    for (g, group) in groups.iter().enumerate() {
        let Some(handlers) = group.get("hooks").and_then(Value::as_array) else {
            continue;
        };
        for (h, handler) in handlers.iter().enumerate() {
            if handler.get("command").and_then(Value::as_str).is_some_and(is_frontier_command) {
                found.push((g, h));
            }
        }
    }
    found
}

fn handler_mut(groups: &mut [Value], group: usize, index: usize) -> Option<&mut Map<String, Value>> {
    groups.get_mut(group)?.get_mut("hooks")?.as_array_mut()?.get_mut(index)?.as_object_mut()
}

/// Removes one handler, and its group when that leaves the group without handlers.
fn remove_handler(groups: &mut Vec<Value>, group: usize, index: usize) {
    let Some(handlers) = groups.get_mut(group).and_then(|g| g.get_mut("hooks")).and_then(Value::as_array_mut) else {
        return;
    };
    if index < handlers.len() {
        handlers.remove(index);
    }
    if handlers.is_empty() {
        groups.remove(group);
    }
}

/// A shell word without its quotes: `'...'` (with `'\''` for a quote) or `"..."`.
fn unquote(word: &str) -> String {
    if word.len() >= 2 && word.starts_with('\'') && word.ends_with('\'') {
        word[1..word.len() - 1].replace(r"'\''", "'")
    } else if word.len() >= 2 && word.starts_with('"') && word.ends_with('"') {
        word[1..word.len() - 1].to_string()
    } else {
        word.to_string()
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    fn ours(path: &str) -> Value {
        json!({"type": "command", "command": format!("{path} hook --host codex"), "timeout": 600})
    }

    #[test]
    fn recognises_frontier_commands_only() {
        for yes in [
            "/home/u/.cargo/bin/frontier hook --host codex",
            "frontier hook --host gemini",
            "'/My Tools/frontier' hook --host claude-code",
            "\"/opt/x/frontier\" hook --host codex",
        ] {
            assert!(is_frontier_command(yes), "{yes}");
        }
        for no in [
            "/usr/bin/frontier-hook --host codex",
            "\"${CLAUDE_PLUGIN_ROOT}/hooks/frontier-hook\"",
            "/usr/bin/frontier run x",
            "/opt/notfrontier hook --host codex",
            "echo frontier hook --host codex",
        ] {
            assert!(!is_frontier_command(no), "{no}");
        }
    }

    #[test]
    fn adds_a_group_of_its_own_after_the_others() {
        let mut doc =
            json!({"model": "x", "hooks": {"UserPromptSubmit": [{"hooks": [{"type": "command", "command": "lint"}]}]}});
        assert_eq!(install(&mut doc, "UserPromptSubmit", ours("/a/frontier")), Ok(EntryChange::Added));
        assert_eq!(
            doc,
            json!({"model": "x", "hooks": {"UserPromptSubmit": [
                {"hooks": [{"type": "command", "command": "lint"}]},
                {"hooks": [ours("/a/frontier")]}
            ]}})
        );
        assert_eq!(install(&mut doc, "UserPromptSubmit", ours("/a/frontier")), Ok(EntryChange::Unchanged));
    }

    #[test]
    fn updates_a_stale_entry_in_place_and_drops_duplicates() {
        let stale = json!({"type": "command", "command": "/old/frontier hook --host codex", "timeout": 30, "statusMessage": "kept"});
        let mut doc = json!({"hooks": {"UserPromptSubmit": [
            {"matcher": "", "hooks": [{"command": "lint"}, stale]},
            {"hooks": [ours("/older/frontier")]}
        ]}});
        assert_eq!(install(&mut doc, "UserPromptSubmit", ours("/new/frontier")), Ok(EntryChange::Updated));
        assert_eq!(
            doc,
            json!({"hooks": {"UserPromptSubmit": [
                {"matcher": "", "hooks": [
                    {"command": "lint"},
                    {"type": "command", "command": "/new/frontier hook --host codex", "timeout": 600, "statusMessage": "kept"}
                ]}
            ]}})
        );
    }

    #[test]
    fn uninstall_removes_only_frontier_and_what_it_emptied() {
        let mut doc = json!({"hooks": {
            "Stop": [{"hooks": [{"command": "notify"}]}],
            "UserPromptSubmit": [{"hooks": [{"command": "lint"}, ours("/a/frontier")]}, {"hooks": [ours("/b/frontier")]}]
        }});
        assert_eq!(uninstall(&mut doc, "UserPromptSubmit"), Ok(true));
        assert_eq!(
            doc,
            json!({"hooks": {
                "Stop": [{"hooks": [{"command": "notify"}]}],
                "UserPromptSubmit": [{"hooks": [{"command": "lint"}]}]
            }})
        );
        assert_eq!(uninstall(&mut doc, "UserPromptSubmit"), Ok(false));

        let mut alone = json!({"theme": "dark", "hooks": {"UserPromptSubmit": [{"hooks": [ours("/a/frontier")]}]}});
        assert_eq!(uninstall(&mut alone, "UserPromptSubmit"), Ok(true));
        assert_eq!(alone, json!({"theme": "dark"}));
    }

    #[test]
    fn unexpected_shapes_are_described_not_overwritten() {
        let handler = ours("/a/frontier");
        let refused = |result: Result<EntryChange, ShapeError>| result.err().map(|e| e.to_string());
        assert_eq!(
            refused(install(&mut json!([1]), "UserPromptSubmit", handler.clone())).as_deref(),
            Some("the file does not hold a JSON object")
        );
        assert_eq!(
            refused(install(&mut json!({"hooks": []}), "UserPromptSubmit", handler.clone())).as_deref(),
            Some("`hooks` is not an object")
        );
        assert_eq!(
            install(&mut json!({"hooks": {"BeforeAgent": {}}}), "BeforeAgent", handler),
            Err(ShapeError::NotAList("hooks.BeforeAgent".into()))
        );
        assert_eq!(ShapeError::NotAList("hooks.BeforeAgent".into()).to_string(), "`hooks.BeforeAgent` is not a list");
        assert_eq!(
            uninstall(&mut json!({"hooks": 3}), "UserPromptSubmit"),
            Err(ShapeError::NotAnObject("hooks".into()))
        );
        assert_eq!(
            uninstall(&mut json!({"hooks": {"Stop": 3}}), "Stop").err().map(|e| e.to_string()).as_deref(),
            Some("`hooks.Stop` is not a list")
        );
    }
}
