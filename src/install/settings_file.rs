//! Reading a host's file safely (regular files only, never through a symbolic link),
//! parsing it as JSON (or, for Codex's config.toml, as TOML that keeps its comments),
//! and rendering an edited document in the file's own indentation.
//!
//! Knows nothing about hooks: `merge` edits the parsed value.

use std::io;
use std::path::Path;

use serde::Serialize as _;
use serde_json::Value;

use super::shape::Shape;
use crate::error::{Error, Result};

/// The contents of `path`, or `None` when there is no such file. Refuses a symbolic
/// link or anything but a regular file: frontier will not write through or over them.
pub fn read(path: &Path) -> Result<Option<String>> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(Error::io("inspect", path, err)),
    };
    if meta.file_type().is_symlink() {
        return Err(Error::refused(
            format!("refusing to edit `{}`: it is a symbolic link", path.display()),
            "frontier edits only regular files; add the entry by hand (docs/hooks.md shows it), \
             or replace the link with a copy of its target",
        ));
    }
    if !meta.is_file() {
        return Err(Error::refused(
            format!("refusing to edit `{}`: it is not a regular file", path.display()),
            "move it aside, then run the command again",
        ));
    }
    std::fs::read_to_string(path).map(Some).map_err(|err| Error::io("read", path, err))
}

/// The JSON document in `text` (an empty or missing file is an empty object).
pub fn parse(path: &Path, text: Option<&str>) -> Result<Value> {
    let text = text.unwrap_or_default();
    if text.trim().is_empty() {
        return Ok(Value::Object(serde_json::Map::new()));
    }
    serde_json::from_str(text).map_err(|err| {
        Error::refused(
            format!("`{}` is not valid JSON: {err}", path.display()),
            "frontier leaves a file it cannot parse untouched (comments included): fix it or move it aside, \
             then run the command again",
        )
    })
}

/// The TOML document in `text`, comments and layout included (a missing file is empty).
pub fn parse_toml(path: &Path, text: Option<&str>) -> Result<toml_edit::DocumentMut> {
    text.unwrap_or_default().parse().map_err(|err: toml_edit::TomlError| {
        Error::refused(
            format!("`{}` is not valid TOML: {}", path.display(), err.message()),
            "frontier leaves a file it cannot parse untouched: fix it or move it aside, then run the command again",
        )
    })
}

/// The error for a document whose shape frontier does not know how to edit.
pub fn unexpected_shape(path: &Path, what: &Shape) -> Error {
    Error::refused(
        format!("cannot edit `{}`: {what}", path.display()),
        "frontier leaves a file it does not understand untouched: fix it or move it aside, then run the command again",
    )
}

/// `doc` as pretty JSON, indented like `old` (two spaces when there is nothing to go
/// by), ending with a newline unless `old` did not.
pub fn render(doc: &Value, old: Option<&str>) -> String {
    let indent = old.and_then(indent_of).unwrap_or("  ");
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(indent.as_bytes());
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    // Serializing a `Value` into memory cannot fail.
    let _ = doc.serialize(&mut serializer);
    let mut text = String::from_utf8(out).unwrap_or_default();
    if old.is_none_or(|o| o.is_empty() || o.ends_with('\n')) {
        text.push('\n');
    }
    text
}

/// The indentation of the first indented line of `text`, if it is all spaces or all tabs.
fn indent_of(text: &str) -> Option<&str> {
    let line = text.lines().find(|l| l.starts_with([' ', '\t']))?;
    let indent = &line[..line.len() - line.trim_start().len()];
    (indent.chars().all(|c| c == ' ') || indent.chars().all(|c| c == '\t')).then_some(indent)
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;
    use serde_json::json;

    use super::*;

    #[test]
    fn renders_in_the_files_own_indentation() {
        let doc = json!({"b": 1, "a": [true]});
        assert_eq!(render(&doc, None), "{\n  \"b\": 1,\n  \"a\": [\n    true\n  ]\n}\n");
        assert_eq!(render(&doc, Some("{\n    \"x\": 1\n}")), "{\n    \"b\": 1,\n    \"a\": [\n        true\n    ]\n}");
        assert_eq!(render(&doc, Some("{\n\t\"x\": 1\n}\n")), "{\n\t\"b\": 1,\n\t\"a\": [\n\t\ttrue\n\t]\n}\n");
        assert_eq!(render(&json!({}), Some("{}\n")), "{}\n");
    }

    #[test]
    fn empty_files_are_empty_objects_and_bad_json_is_refused() {
        let path = Path::new("/x/settings.json");
        assert_eq!(parse(path, None).ok(), Some(json!({})));
        assert_eq!(parse(path, Some(" \n")).ok(), Some(json!({})));
        let err = parse(path, Some("{\"a\": 1,}")).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.starts_with("`/x/settings.json` is not valid JSON: trailing comma at line 1"), "{err}");
    }
}
