//! Editing a GitHub Copilot CLI hooks file (`.github/hooks/*.json`, `~/.copilot/hooks/*.json`):
//! `{"version": 1, "hooks": {"userPromptSubmitted": [handler, ...]}}`, a flat list of
//! handlers per event, each running its `bash` command (Copilot also accepts `command`).
//! frontier writes a file of its own, `frontier.json`, but merges into it like any other:
//! a handler someone added there stays, and the file goes only when nothing but
//! frontier's entry (and the `version`) was in it.
//!
//! frontier's handler is the one whose `bash` or `command` runs a program named `frontier`
//! with `hook --host` (`merge::is_frontier_command`).
//!
//! Knows nothing about files: it edits a parsed document and says what shape it did not
//! expect (`ShapeError`), for the caller to name the file.

use std::path::Path;

use serde_json::{Map, Value, json};

use super::EntryChange;
use super::merge::{self, is_frontier_command};
use super::settings_file::{self, ShapeError};

/// The version of the hooks file format Copilot CLI 1.0.102 reads.
const VERSION: u64 = 1;

/// Puts `handler` among `event`'s handlers: in place of an existing frontier handler (the
/// first; any others are dropped), else at the end. A new file gets `"version": 1`.
pub fn install(doc: &mut Value, event: &str, handler: Value) -> Result<EntryChange, ShapeError> {
    let root = doc.as_object_mut().ok_or(ShapeError::NotAJsonObject)?;
    if root.is_empty() {
        root.insert("version".into(), json!(VERSION));
    }
    let hooks = root.entry("hooks").or_insert_with(|| json!({}));
    let hooks = hooks.as_object_mut().ok_or_else(|| ShapeError::NotAnObject("hooks".into()))?;
    let handlers = hooks.entry(event).or_insert_with(|| json!([]));
    let handlers = handlers.as_array_mut().ok_or_else(|| ShapeError::NotAList(format!("hooks.{event}")))?;
    let found = frontier_handlers(handlers);
    let Some(&first) = found.first() else {
        handlers.push(handler);
        return Ok(EntryChange::Added);
    };
    let mut changed =
        handlers.get_mut(first).and_then(Value::as_object_mut).is_some_and(|h| merge::update(h, &handler));
    for &index in found.iter().skip(1).rev() {
        handlers.remove(index);
        changed = true;
    }
    Ok(if changed { EntryChange::Updated } else { EntryChange::Unchanged })
}

/// Takes frontier's handlers out of `event`, then the list and the `hooks` object this
/// left empty; a file left with only its `version` is emptied (and so deleted). Returns
/// whether there was one.
pub fn uninstall(doc: &mut Value, event: &str) -> Result<bool, ShapeError> {
    let root = doc.as_object_mut().ok_or(ShapeError::NotAJsonObject)?;
    let Some(hooks) = root.get_mut("hooks") else { return Ok(false) };
    let hooks = hooks.as_object_mut().ok_or_else(|| ShapeError::NotAnObject("hooks".into()))?;
    let Some(handlers) = hooks.get_mut(event) else { return Ok(false) };
    let handlers = handlers.as_array_mut().ok_or_else(|| ShapeError::NotAList(format!("hooks.{event}")))?;
    let found = frontier_handlers(handlers);
    if found.is_empty() {
        return Ok(false);
    }
    for &index in found.iter().rev() {
        handlers.remove(index);
    }
    if handlers.is_empty() {
        hooks.shift_remove(event);
    }
    if hooks.is_empty() {
        root.shift_remove("hooks");
    }
    if root.keys().all(|key| key == "version") {
        root.clear();
    }
    Ok(true)
}

/// Whether `event`'s handlers hold a frontier handler.
pub fn has(doc: &Value, event: &str) -> bool {
    doc.get("hooks")
        .and_then(|h| h.get(event))
        .and_then(Value::as_array)
        .is_some_and(|handlers| !frontier_handlers(handlers).is_empty())
}

/// Whether any `*.json` file in `dir` registers frontier's hook for `event`. Files that
/// can't be read or parsed count as not registering it.
pub fn registered_in(dir: &Path, event: &str) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else { return false };
    entries.flatten().map(|entry| entry.path()).filter(|path| path.extension().is_some_and(|e| e == "json")).any(
        |path| {
            let text = settings_file::read(&path).ok().flatten();
            settings_file::parse(&path, text.as_deref()).is_ok_and(|doc| has(&doc, event))
        },
    )
}

/// The positions of frontier's handlers, in order.
fn frontier_handlers(handlers: &[Value]) -> Vec<usize> {
    let runs_frontier = |handler: &Map<String, Value>| {
        ["bash", "command"].iter().any(|key| handler.get(*key).and_then(Value::as_str).is_some_and(is_frontier_command))
    };
    handlers.iter().enumerate().filter(|(_, h)| h.as_object().is_some_and(runs_frontier)).map(|(i, _)| i).collect()
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    const EVENT: &str = "userPromptSubmitted";

    fn ours(path: &str) -> Value {
        json!({"type": "command", "bash": format!("{path} hook --host copilot"), "timeoutSec": 600})
    }

    #[test]
    fn a_new_file_gets_the_version_and_one_handler() {
        let mut doc = json!({});
        assert_eq!(install(&mut doc, EVENT, ours("/a/frontier")), Ok(EntryChange::Added));
        assert_eq!(doc, json!({"version": 1, "hooks": {EVENT: [ours("/a/frontier")]}}));
        assert_eq!(install(&mut doc, EVENT, ours("/a/frontier")), Ok(EntryChange::Unchanged));
        assert!(has(&doc, EVENT));
    }

    #[test]
    fn foreign_handlers_stay_and_a_stale_one_is_updated_in_place() {
        let lint = json!({"type": "command", "bash": "./lint.sh", "timeoutSec": 5});
        let stale =
            json!({"type": "command", "command": "/old/frontier hook --host copilot", "timeoutSec": 30, "cwd": "."});
        let mut doc = json!({"version": 1, "hooks": {"sessionStart": [lint.clone()], EVENT: [lint.clone(), stale, ours("/older/frontier")]}});
        assert_eq!(install(&mut doc, EVENT, ours("/new/frontier")), Ok(EntryChange::Updated));
        let updated = json!({"type": "command", "command": "/old/frontier hook --host copilot", "timeoutSec": 600,
                             "cwd": ".", "bash": "/new/frontier hook --host copilot"});
        assert_eq!(doc, json!({"version": 1, "hooks": {"sessionStart": [lint.clone()], EVENT: [lint, updated]}}));
    }

    #[test]
    fn uninstall_empties_a_file_that_held_only_frontier_and_keeps_the_rest() {
        let mut alone = json!({"version": 1, "hooks": {EVENT: [ours("/a/frontier")]}});
        assert_eq!(uninstall(&mut alone, EVENT), Ok(true));
        assert_eq!(alone, json!({}));
        let lint = json!({"type": "command", "bash": "./lint.sh"});
        let mut shared = json!({"version": 1, "hooks": {EVENT: [lint.clone(), ours("/a/frontier")]}});
        assert_eq!(uninstall(&mut shared, EVENT), Ok(true));
        assert_eq!(shared, json!({"version": 1, "hooks": {EVENT: [lint]}}));
        assert_eq!(uninstall(&mut shared, EVENT), Ok(false));
        assert!(!has(&shared, EVENT));
    }

    #[test]
    fn unexpected_shapes_are_described_not_overwritten() {
        assert_eq!(install(&mut json!([]), EVENT, ours("/f")), Err(ShapeError::NotAJsonObject));
        assert_eq!(install(&mut json!({"hooks": []}), EVENT, ours("/f")), Err(ShapeError::NotAnObject("hooks".into())));
        assert_eq!(
            uninstall(&mut json!({"hooks": {EVENT: {}}}), EVENT),
            Err(ShapeError::NotAList(format!("hooks.{EVENT}")))
        );
    }
}
