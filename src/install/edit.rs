//! Editing one of a host's files in memory: the change frontier's entry undergoes, and
//! the write that carries it out when the file changes. JSON files are re-rendered with
//! their indentation kept; TOML files keep their comments and layout. A missing file is
//! an empty document, or (for an uninstall) nothing to do without reading; a file left
//! empty by an uninstall is deleted.
//!
//! Knows nothing about which entry is edited (the merges passed in do) or when the write
//! happens (`Plan::apply`).

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::settings_file::ShapeError;
use super::{EntryChange, settings_file};
use crate::error::Result;

/// One file's planned new contents.
#[derive(Debug, Clone)]
pub(super) struct Write {
    pub(super) path: PathBuf,
    /// The current contents, when the file exists.
    pub(super) old: Option<String>,
    /// `None` deletes the file.
    pub(super) new: Option<String>,
}

/// The change `edit` makes to the JSON file at `path`, and its write if it changes it.
/// A missing file is an empty document, or (`missing`) that change without reading.
pub(super) fn edit_json(
    path: &Path,
    missing: Option<EntryChange>,
    edit: impl FnOnce(&mut Value) -> std::result::Result<EntryChange, ShapeError>,
) -> Result<(EntryChange, Option<Write>)> {
    let old = settings_file::read(path)?;
    if let (None, Some(change)) = (&old, missing) {
        return Ok((change, None));
    }
    let mut doc = settings_file::parse(path, old.as_deref())?;
    let change = edit(&mut doc).map_err(|shape| settings_file::unexpected_shape(path, &shape))?;
    // A file that held nothing but frontier's entry goes with it, rather than stay as `{}`.
    let emptied = change == EntryChange::Removed && doc.as_object().is_some_and(serde_json::Map::is_empty);
    let new = (!emptied).then(|| settings_file::render(&doc, old.as_deref()));
    Ok((change, changes(change).then(|| Write { path: path.to_path_buf(), old, new })))
}

/// As `edit_json`, for a TOML file, which keeps its comments and layout.
pub(super) fn edit_toml(
    path: &Path,
    missing: Option<EntryChange>,
    edit: impl FnOnce(&mut toml_edit::DocumentMut) -> std::result::Result<EntryChange, ShapeError>,
) -> Result<(EntryChange, Option<Write>)> {
    let old = settings_file::read(path)?;
    if let (None, Some(change)) = (&old, missing) {
        return Ok((change, None));
    }
    let mut doc = settings_file::parse_toml(path, old.as_deref())?;
    let change = edit(&mut doc).map_err(|shape| settings_file::unexpected_shape(path, &shape))?;
    let new = doc.to_string();
    let emptied = change == EntryChange::Removed && new.trim().is_empty();
    Ok((change, changes(change).then(|| Write { path: path.to_path_buf(), old, new: (!emptied).then_some(new) })))
}

fn changes(change: EntryChange) -> bool {
    matches!(change, EntryChange::Added | EntryChange::Updated | EntryChange::Removed)
}
