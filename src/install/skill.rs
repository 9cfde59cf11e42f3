//! frontier's skill (skills/frontier/SKILL.md, embedded in the binary) and taking a
//! copied one away again.
//!
//! Knows nothing about where each host looks for skills: `host` does.

use std::io;
use std::path::Path;

use crate::error::{Error, Result};

/// The skill that tells agents how to drive `frontier`.
pub const SKILL: &str = include_str!("../../skills/frontier/SKILL.md");

/// Deletes the copied skill at `path`, then its `frontier/` directory if that leaves it
/// empty.
pub fn remove(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => {}
        Err(err) if err.kind() == io::ErrorKind::NotFound => {}
        Err(err) => return Err(Error::io("remove", path, err)),
    }
    if let Some(dir) = path.parent() {
        // Fails, harmlessly, when something else is in there.
        let _ = std::fs::remove_dir(dir);
    }
    Ok(())
}
