//! Editing a host's parsed MCP file: adding, updating or removing frontier's entry in
//! its server table (`mcpServers`, `servers`, `context_servers` or `mcp` in JSON,
//! `mcp_servers` in TOML), and leaving every other server, key, comment and the order as
//! they were.
//!
//! frontier's entry is the one named `frontier`; it is updated only when its `command`
//! runs a program named `frontier`, so a user's own server of that name is described,
//! never overwritten. Keys the user added to frontier's entry (an `env`, say) are kept.
//!
//! Knows nothing about files or hosts: it is given the table's key and the entry.
//! Errors say what shape was unexpected (`ShapeError`), for the caller to name the file.

use serde_json::{Map, Value, json};
use toml_edit::{Array, DocumentMut, InlineTable, Item, Table, TableLike};

use super::EntryChange;
use super::mcp::{NAME, is_frontier_program};
use super::settings_file::ShapeError;

/// Puts `entry` under `table.frontier` in a JSON document.
pub fn install_json(doc: &mut Value, table: &str, entry: &Value) -> Result<EntryChange, ShapeError> {
    let root = doc.as_object_mut().ok_or(ShapeError::NotAJsonObject)?;
    let servers = root
        .entry(table)
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .ok_or_else(|| ShapeError::NotAnObject(table.into()))?;
    let Some(existing) = servers.get_mut(NAME) else {
        servers.insert(NAME.to_string(), entry.clone());
        return Ok(EntryChange::Added);
    };
    let existing = ours_json(existing, table)?;
    let mut changed = false;
    for (key, value) in entry.as_object().into_iter().flatten() {
        if existing.get(key) != Some(value) {
            existing.insert(key.clone(), value.clone());
            changed = true;
        }
    }
    Ok(if changed { EntryChange::Updated } else { EntryChange::Unchanged })
}

/// Takes frontier's entry out of a JSON document's `table`, then the table if that left
/// it empty. Returns whether there was one.
pub fn uninstall_json(doc: &mut Value, table: &str) -> Result<bool, ShapeError> {
    let root = doc.as_object_mut().ok_or(ShapeError::NotAJsonObject)?;
    let Some(servers) = root.get_mut(table) else {
        return Ok(false);
    };
    let servers = servers.as_object_mut().ok_or_else(|| ShapeError::NotAnObject(table.into()))?;
    let Some(existing) = servers.get_mut(NAME) else {
        return Ok(false);
    };
    ours_json(existing, table)?;
    servers.shift_remove(NAME);
    if servers.is_empty() {
        root.shift_remove(table);
    }
    Ok(true)
}

/// Whether a JSON document has frontier's entry in `table` (false for any other shape).
pub fn has_json(doc: &mut Value, table: &str) -> bool {
    doc.get_mut(table).and_then(|s| s.get_mut(NAME)).is_some_and(|e| ours_json(e, table).is_ok())
}

fn ours_json<'a>(entry: &'a mut Value, table: &str) -> Result<&'a mut Map<String, Value>, ShapeError> {
    let entry = entry.as_object_mut().ok_or_else(|| ShapeError::NotAnObject(dotted(table)))?;
    // A string, or (OpenCode, Kilo) a list whose first item is the program.
    let command = match entry.get("command") {
        Some(Value::Array(items)) => items.first().and_then(Value::as_str),
        command => command.and_then(Value::as_str),
    };
    ours(command, table)?;
    Ok(entry)
}

/// `table.frontier`, the key of frontier's entry.
fn dotted(table: &str) -> String {
    format!("{table}.{NAME}")
}

/// Whether an entry named `frontier` in `table` that runs `command` is frontier's own.
fn ours(command: Option<&str>, table: &str) -> Result<(), ShapeError> {
    match command {
        Some(command) if is_frontier_program(command) => Ok(()),
        Some(command) => Err(ShapeError::OtherProgram { entry: dotted(table), command: command.to_string() }),
        None => Err(ShapeError::NoCommand { entry: dotted(table) }),
    }
}

/// Puts `entry` (an object of strings, lists of strings and integers) under
/// `table.frontier` in a TOML document: a `[table.frontier]` section when it is new.
pub fn install_toml(doc: &mut DocumentMut, table: &str, entry: &Value) -> Result<EntryChange, ShapeError> {
    let servers = doc.as_table_mut().entry(table).or_insert_with(|| {
        let mut implicit = Table::new();
        implicit.set_implicit(true);
        Item::Table(implicit)
    });
    // Not `Item::get_mut`, which inserts the key it looks for.
    let servers = servers.as_table_like_mut().ok_or_else(|| ShapeError::NotATable(table.into()))?;
    let Some(existing) = servers.get_mut(NAME) else {
        let mut section = Table::new();
        for (key, value) in entry.as_object().into_iter().flatten() {
            section.insert(key, Item::Value(toml_value(value)));
        }
        // Becomes an inline table when `table` is one.
        servers.insert(NAME, Item::Table(section));
        return Ok(EntryChange::Added);
    };
    let existing = ours_toml(existing, table)?;
    let mut changed = false;
    for (key, value) in entry.as_object().into_iter().flatten() {
        match existing.get_mut(key) {
            Some(item) if same(item, value) => {}
            // In place, keeping the comments and spacing around the old value.
            Some(item) => {
                let mut new = toml_value(value);
                if let Some(old) = item.as_value() {
                    *new.decor_mut() = old.decor().clone();
                }
                *item = Item::Value(new);
                changed = true;
            }
            None => {
                existing.insert(key, Item::Value(toml_value(value)));
                changed = true;
            }
        }
    }
    Ok(if changed { EntryChange::Updated } else { EntryChange::Unchanged })
}

/// Takes frontier's entry out of a TOML document's `table`, then the table if that left
/// it empty. Returns whether there was one.
pub fn uninstall_toml(doc: &mut DocumentMut, table: &str) -> Result<bool, ShapeError> {
    let Some(servers) = doc.as_table_mut().get_mut(table) else {
        return Ok(false);
    };
    let servers = servers.as_table_like_mut().ok_or_else(|| ShapeError::NotATable(table.into()))?;
    let Some(existing) = servers.get_mut(NAME) else {
        return Ok(false);
    };
    ours_toml(existing, table)?;
    servers.remove(NAME);
    if servers.is_empty() {
        doc.as_table_mut().remove(table);
    }
    Ok(true)
}

/// Whether a TOML document has frontier's entry in `table` (false for any other shape).
pub fn has_toml(doc: &mut DocumentMut, table: &str) -> bool {
    doc.as_table_mut()
        .get_mut(table)
        .and_then(Item::as_table_like_mut)
        .and_then(|s| s.get_mut(NAME))
        .is_some_and(|e| ours_toml(e, table).is_ok())
}

fn ours_toml<'a>(entry: &'a mut Item, table: &str) -> Result<&'a mut dyn TableLike, ShapeError> {
    let entry = entry.as_table_like_mut().ok_or_else(|| ShapeError::NotATable(dotted(table)))?;
    ours(entry.get("command").and_then(Item::as_str), table)?;
    Ok(entry)
}

/// A JSON string, list of strings or integer as a TOML value (anything else is a
/// string of its JSON text; entries hold none).
fn toml_value(value: &Value) -> toml_edit::Value {
    match value {
        Value::String(s) => s.as_str().into(),
        Value::Number(n) => n.as_i64().map_or_else(|| n.to_string().into(), Into::into),
        Value::Bool(b) => (*b).into(),
        Value::Array(items) => toml_edit::Value::Array(items.iter().map(toml_value).collect::<Array>()),
        Value::Object(map) => {
            let mut table = InlineTable::new();
            for (key, item) in map {
                table.insert(key, toml_value(item));
            }
            toml_edit::Value::InlineTable(table)
        }
        Value::Null => "".into(),
    }
}

/// Whether the TOML `item` holds the same value as `want`, whatever its formatting.
fn same(item: &Item, want: &Value) -> bool {
    let Some(value) = item.as_value() else {
        return false;
    };
    match want {
        Value::String(s) => value.as_str() == Some(s),
        Value::Number(n) => n.as_i64().is_some_and(|n| value.as_integer() == Some(n)),
        Value::Bool(b) => value.as_bool() == Some(*b),
        Value::Array(items) => value.as_array().is_some_and(|array| {
            array.len() == items.len()
                && array.iter().zip(items).all(|(have, want)| same(&Item::Value(have.clone()), want))
        }),
        Value::Object(_) | Value::Null => false,
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    fn ours(path: &str) -> Value {
        json!({"type": "stdio", "command": path, "args": ["mcp"]})
    }

    #[test]
    fn json_adds_after_the_other_servers_and_is_idempotent() {
        let mut doc = json!({"theme": "x", "mcpServers": {"docs": {"command": "docs-mcp"}}});
        assert_eq!(install_json(&mut doc, "mcpServers", &ours("/a/frontier")), Ok(EntryChange::Added));
        assert_eq!(
            doc,
            json!({"theme": "x", "mcpServers": {"docs": {"command": "docs-mcp"}, "frontier": ours("/a/frontier")}})
        );
        assert_eq!(install_json(&mut doc, "mcpServers", &ours("/a/frontier")), Ok(EntryChange::Unchanged));
        assert!(has_json(&mut doc, "mcpServers"));
    }

    #[test]
    fn json_updates_a_stale_entry_and_keeps_the_users_keys() {
        let mut doc = json!({"mcpServers": {"frontier": {"command": "/old/frontier", "args": [], "env": {"A": "1"}}}});
        assert_eq!(install_json(&mut doc, "mcpServers", &ours("/new/frontier")), Ok(EntryChange::Updated));
        assert_eq!(
            doc,
            json!({"mcpServers": {"frontier": {"command": "/new/frontier", "args": ["mcp"], "env": {"A": "1"}, "type": "stdio"}}})
        );
    }

    #[test]
    fn json_uninstall_removes_only_frontier_and_what_it_emptied() {
        let mut doc = json!({"mcpServers": {"docs": {"command": "d"}, "frontier": ours("/a/frontier")}});
        assert_eq!(uninstall_json(&mut doc, "mcpServers"), Ok(true));
        assert_eq!(doc, json!({"mcpServers": {"docs": {"command": "d"}}}));
        assert_eq!(uninstall_json(&mut doc, "mcpServers"), Ok(false));
        let mut alone = json!({"k": 1, "mcpServers": {"frontier": ours("/a/frontier")}});
        assert_eq!(uninstall_json(&mut alone, "mcpServers"), Ok(true));
        assert_eq!(alone, json!({"k": 1}));
    }

    #[test]
    fn json_shapes_it_does_not_know_are_described() {
        let entry = ours("/a/frontier");
        let text = |result: Result<EntryChange, ShapeError>| result.map_err(|e| e.to_string());
        assert_eq!(
            text(install_json(&mut json!([]), "mcpServers", &entry)),
            Err("the file does not hold a JSON object".into())
        );
        assert_eq!(
            text(install_json(&mut json!({"mcpServers": []}), "mcpServers", &entry)),
            Err("`mcpServers` is not an object".into())
        );
        let mut theirs = json!({"mcpServers": {"frontier": {"command": "npx", "args": ["their-frontier"]}}});
        let err = "`mcpServers.frontier` is another server: it runs `npx`, not frontier".to_string();
        assert_eq!(text(install_json(&mut theirs.clone(), "mcpServers", &entry)), Err(err));
        assert_eq!(
            uninstall_json(&mut theirs, "mcpServers"),
            Err(ShapeError::OtherProgram { entry: "mcpServers.frontier".into(), command: "npx".into() })
        );
        assert!(!has_json(&mut theirs, "mcpServers"));
        let mut remote = json!({"mcpServers": {"frontier": {"type": "http", "url": "https://x"}}});
        assert_eq!(
            text(install_json(&mut remote, "mcpServers", &entry)),
            Err("`mcpServers.frontier` is another server: it runs no command".into())
        );
    }

    fn codex(path: &str) -> Value {
        json!({"command": path, "args": ["mcp"], "tool_timeout_sec": 600})
    }

    fn toml_install(text: &str, entry: &Value) -> (Result<EntryChange, String>, String) {
        let mut doc: DocumentMut = text.parse().unwrap_or_else(|e| panic!("{e}"));
        let change = install_toml(&mut doc, "mcp_servers", entry).map_err(|e| e.to_string());
        (change, doc.to_string())
    }

    #[test]
    fn toml_keeps_comments_and_order_and_adds_a_section_at_the_end() {
        let text = "# my codex\nmodel = \"o3\" # the usual\n\n[mcp_servers.docs]\ncommand = \"docs\"\n\n[profiles.x]\nmodel = \"y\"\n";
        let (change, new) = toml_install(text, &codex("/a/frontier"));
        assert_eq!(change, Ok(EntryChange::Added));
        // Beside the other servers, before the next section.
        assert_eq!(
            new,
            "# my codex\nmodel = \"o3\" # the usual\n\n[mcp_servers.docs]\ncommand = \"docs\"\n\n\
             [mcp_servers.frontier]\ncommand = \"/a/frontier\"\nargs = [\"mcp\"]\ntool_timeout_sec = 600\n\n\
             [profiles.x]\nmodel = \"y\"\n"
        );
        assert_eq!(toml_install(&new, &codex("/a/frontier")), (Ok(EntryChange::Unchanged), new.clone()));

        let (change, fresh) = toml_install("", &codex("/a/frontier"));
        assert_eq!(change, Ok(EntryChange::Added));
        assert_eq!(
            fresh,
            "[mcp_servers.frontier]\ncommand = \"/a/frontier\"\nargs = [\"mcp\"]\ntool_timeout_sec = 600\n"
        );
    }

    #[test]
    fn toml_updates_a_stale_entry_in_place_keeping_the_users_keys() {
        let text = "[mcp_servers.frontier]\n# mine\ncommand = \"/old/frontier\"\nargs = [ \"mcp\" ]\nenv = { A = \"1\" }\n\n[other]\nx = 1\n";
        let (change, new) = toml_install(text, &codex("/new/frontier"));
        assert_eq!(change, Ok(EntryChange::Updated));
        assert_eq!(
            new,
            "[mcp_servers.frontier]\n# mine\ncommand = \"/new/frontier\"\nargs = [ \"mcp\" ]\nenv = { A = \"1\" }\ntool_timeout_sec = 600\n\n[other]\nx = 1\n"
        );
        let inline = "mcp_servers = { docs = { command = \"d\" } }\n";
        let (change, new) = toml_install(inline, &codex("/a/frontier"));
        assert_eq!(change, Ok(EntryChange::Added));
        let reparsed: toml::Table = new.parse().unwrap_or_else(|e| panic!("{e}\n{new}"));
        assert_eq!(reparsed["mcp_servers"]["frontier"]["command"].as_str(), Some("/a/frontier"));
        assert_eq!(reparsed["mcp_servers"]["docs"]["command"].as_str(), Some("d"));
    }

    #[test]
    fn toml_uninstall_removes_only_frontier() {
        let text = "model = \"o3\"\n\n[mcp_servers.docs]\ncommand = \"docs\"\n\n[mcp_servers.frontier]\ncommand = \"/a/frontier\"\nargs = [\"mcp\"]\n";
        let mut doc: DocumentMut = text.parse().unwrap_or_else(|e| panic!("{e}"));
        assert!(has_toml(&mut doc, "mcp_servers"));
        assert_eq!(uninstall_toml(&mut doc, "mcp_servers"), Ok(true));
        assert_eq!(doc.to_string(), "model = \"o3\"\n\n[mcp_servers.docs]\ncommand = \"docs\"\n");
        assert_eq!(uninstall_toml(&mut doc, "mcp_servers"), Ok(false));

        let mut alone: DocumentMut = "model = \"o3\"\n\n[mcp_servers.frontier]\ncommand = \"/a/frontier\"\n"
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(uninstall_toml(&mut alone, "mcp_servers"), Ok(true));
        assert_eq!(alone.to_string(), "model = \"o3\"\n");
    }

    #[test]
    fn toml_shapes_it_does_not_know_are_described() {
        let entry = codex("/a/frontier");
        assert_eq!(toml_install("mcp_servers = 3\n", &entry).0, Err("`mcp_servers` is not a table".into()));
        assert_eq!(
            toml_install("[mcp_servers.frontier]\ncommand = \"uvx\"\n", &entry).0,
            Err("`mcp_servers.frontier` is another server: it runs `uvx`, not frontier".into())
        );
        assert_eq!(
            toml_install("[mcp_servers]\nfrontier = 1\n", &entry).0,
            Err("`mcp_servers.frontier` is not a table".into())
        );
    }
}
