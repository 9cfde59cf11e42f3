//! A YAML file of frontier's own that registers its MCP server: Continue's block files
//! (`.continue/mcpServers/*.yaml`, loaded beside `config.yaml`), so that the user's own
//! YAML is never parsed or rewritten. The file's first line marks it as frontier's; a file
//! of that name without it is another's, and is refused, never overwritten.
//!
//! Knows nothing about hosts: it is given the entry (a flat object of strings and lists of
//! strings) and the command that wrote it.

use std::path::Path;

use serde_json::Value;

use super::edit::Write;
use super::{EntryChange, settings_file};
use crate::error::{Error, Result};

/// The first line of every block file frontier writes.
const MARK: &str = "# Written by `frontier install";

/// The change installing `entry` in the block file at `path` makes, and its write.
pub(super) fn install(path: &Path, entry: &Value, writer: &str) -> Result<(EntryChange, Option<Write>)> {
    let new = render(entry, writer);
    let old = settings_file::read(path)?;
    let change = match old.as_deref() {
        None => EntryChange::Added,
        Some(text) if text == new => return Ok((EntryChange::Unchanged, None)),
        Some(text) if text.starts_with(MARK) => EntryChange::Updated,
        Some(_) => return Err(foreign(path)),
    };
    Ok((change, Some(Write { path: path.to_path_buf(), old, new: Some(new) })))
}

/// The change removing frontier's block file at `path` makes, and its write.
pub(super) fn uninstall(path: &Path) -> Result<(EntryChange, Option<Write>)> {
    match settings_file::read(path)? {
        None => Ok((EntryChange::Absent, None)),
        Some(text) if text.starts_with(MARK) => {
            Ok((EntryChange::Removed, Some(Write { path: path.to_path_buf(), old: Some(text), new: None })))
        }
        Some(_) => Err(foreign(path)),
    }
}

/// Whether a block file's `text` is frontier's: its first line is frontier's mark.
pub(super) fn is_frontiers(text: &str) -> bool {
    text.starts_with(MARK)
}

fn foreign(path: &Path) -> Error {
    Error::refused(
        format!("cannot edit `{}`: it is not a file frontier wrote (its first line is not frontier's)", path.display()),
        "frontier leaves a file it did not write untouched: rename or move it aside, then run the command again",
    )
}

/// The block file: a name, a version, the schema, and a one-server `mcpServers` list.
/// Strings are written as JSON strings, which YAML reads as double-quoted scalars.
fn render(entry: &Value, writer: &str) -> String {
    let quote = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let mut out = format!(
        "{MARK} {writer}`; `frontier uninstall` removes it.\nname: frontier\nversion: 0.0.1\nschema: v1\nmcpServers:\n"
    );
    let mut first = true;
    for (key, value) in entry.as_object().into_iter().flatten() {
        let lead = if first { "  - " } else { "    " };
        first = false;
        match value {
            Value::Array(items) => {
                out.push_str(&format!("{lead}{key}:\n"));
                for item in items {
                    out.push_str(&format!("      - {}\n", quote(item.as_str().unwrap_or_default())));
                }
            }
            Value::String(s) => out.push_str(&format!("{lead}{key}: {}\n", quote(s))),
            other => out.push_str(&format!("{lead}{key}: {other}\n")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;
    use serde_json::json;

    use super::*;

    #[test]
    fn renders_one_server_in_a_marked_block() {
        let entry = json!({"name": "frontier", "command": "/My Tools/frontier", "args": ["mcp"]});
        assert_eq!(
            render(&entry, "continue --mcp"),
            "# Written by `frontier install continue --mcp`; `frontier uninstall` removes it.\n\
             name: frontier\nversion: 0.0.1\nschema: v1\nmcpServers:\n  - name: \"frontier\"\n    \
             command: \"/My Tools/frontier\"\n    args:\n      - \"mcp\"\n"
        );
    }
}
