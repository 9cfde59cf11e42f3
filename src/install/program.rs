//! The frontier binary's path as the hosts' files name it: they hold it as text (a hook
//! command, an MCP entry, a plugin's string literal), so a path that is not UTF-8 can't be
//! written and is refused, once, here.
//!
//! Knows nothing about any host's file or how the path is quoted there.

use std::path::Path;

use crate::error::{Error, Result};

/// `program` as text, or the refusal with what to do instead.
pub fn utf8(program: &Path) -> Result<&str> {
    program.to_str().ok_or_else(|| {
        Error::refused(
            format!("the path of this frontier binary is not valid UTF-8: `{}`", program.display()),
            "install frontier under a UTF-8 path (for example with `cargo install --path .`) and run it from there",
        )
    })
}
