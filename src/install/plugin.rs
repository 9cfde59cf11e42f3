//! frontier's plugin for OpenCode and Kilo (plugins/opencode/frontier.js, embedded in the
//! binary): the file with this binary's path and the host baked in, and the change an
//! install or uninstall makes to the one file `plugins/frontier.js` in the host's config
//! directory. These hosts run no command hook: a JavaScript plugin's `chat.message`
//! handler runs `frontier hook --host HOST` and adds its context to the message.
//!
//! The file is frontier's whole: an install writes it, an install from another frontier
//! binary (or another version's plugin) rewrites it, an uninstall deletes it. A file of
//! that name that frontier did not write is never touched.
//!
//! Knows nothing about where the host's config directory is (`host`), about what the
//! plugin sends or reads back (`hook::input`, `hook::relay`), or when the write happens.

use std::path::Path;

use super::EntryChange;
use super::edit::Write;
use super::settings_file;
use crate::config::Host;
use crate::error::{Error, Result};

/// The plugin as shipped: `frontier` on `PATH`, for OpenCode.
pub const TEMPLATE: &str = include_str!("../../plugins/opencode/frontier.js");

/// The first line of every plugin frontier writes, which tells it from a file of the same
/// name that someone else wrote.
const MARKER: &str = "// frontier's plugin for OpenCode and Kilo, written by `frontier install";

/// The lines `render` replaces with this binary's path and the host.
const PROGRAM_LINE: &str = "const FRONTIER = \"frontier\";";
const HOST_LINE: &str = "const HOST = \"opencode\";";

/// The file's name in the host's `plugins/` directory.
pub const FILE_NAME: &str = "frontier.js";

/// The plugin for `host`, running the frontier binary at `program`. The path is baked in
/// as a JSON string, which is a JavaScript string literal whatever it holds (quotes,
/// backslashes, `${`, line breaks); the plugin runs it with `execFile`, no shell.
pub fn render(host: Host, program: &Path) -> Result<String> {
    let path = super::program::utf8(program)?;
    let literal = |s: &str| serde_json::Value::from(s).to_string();
    Ok(TEMPLATE.replacen(PROGRAM_LINE, &format!("const FRONTIER = {};", literal(path)), 1).replacen(
        HOST_LINE,
        &format!("const HOST = {};", literal(host.key())),
        1,
    ))
}

/// Whether `text` is a plugin frontier wrote (this version's or another's).
pub fn is_frontiers(text: &str) -> bool {
    text.starts_with(MARKER)
}

/// Writing `plugin` to `path`: added, already there, or replacing an older frontier
/// plugin. A file there that frontier did not write is refused and left as it is.
pub(super) fn install(path: &Path, plugin: &str) -> Result<(EntryChange, Option<Write>)> {
    let write = |old: Option<String>| Write { path: path.to_path_buf(), old, new: Some(plugin.to_string()) };
    match settings_file::read(path)? {
        None => Ok((EntryChange::Added, Some(write(None)))),
        Some(old) if old == plugin => Ok((EntryChange::Unchanged, None)),
        Some(old) if is_frontiers(&old) => Ok((EntryChange::Updated, Some(write(Some(old))))),
        Some(_) => Err(foreign(path)),
    }
}

/// Deleting frontier's plugin at `path`; a file there that frontier did not write stays.
pub(super) fn uninstall(path: &Path) -> Result<(EntryChange, Option<Write>)> {
    match settings_file::read(path)? {
        Some(old) if is_frontiers(&old) => {
            Ok((EntryChange::Removed, Some(Write { path: path.to_path_buf(), old: Some(old), new: None })))
        }
        _ => Ok((EntryChange::Absent, None)),
    }
}

fn foreign(path: &Path) -> Error {
    Error::refused(
        format!("refusing to overwrite `{}`: it is not a plugin frontier wrote", path.display()),
        "move or rename that file, then run the command again",
    )
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    /// The value the plugin's `const NAME = ...;` line holds, read back as JavaScript
    /// would (a JSON string is a JavaScript string literal).
    fn baked(plugin: &str, name: &str) -> String {
        let prefix = format!("const {name} = ");
        let lines: Vec<&str> = plugin.lines().filter(|l| l.starts_with(&prefix)).collect();
        assert_eq!(lines.len(), 1, "one {name} line in:\n{plugin}");
        let literal = lines[0].strip_prefix(&prefix).and_then(|l| l.strip_suffix(';')).unwrap();
        serde_json::from_str(literal).unwrap()
    }

    #[test]
    fn the_template_has_each_line_render_replaces_once() {
        assert_eq!(TEMPLATE.matches(PROGRAM_LINE).count(), 1);
        assert_eq!(TEMPLATE.matches(HOST_LINE).count(), 1);
        assert!(is_frontiers(TEMPLATE));
        // The plugin waits as long as the other hosts are told to (`install` reports it).
        let timeout = format!("const TIMEOUT_MS = {};", super::super::host::HOOK_TIMEOUT_SECS * 1000);
        assert_eq!(TEMPLATE.matches(&timeout).count(), 1, "{timeout}");
    }

    #[test]
    fn the_baked_path_is_a_safe_literal_whatever_it_holds() {
        let paths = [
            "/home/u/.cargo/bin/frontier",
            "/My Tools/frontier",
            r#"/it's "quoted"/frontier"#,
            r"/back\slash\/frontier",
            "/${process.exit(1)}/`tick`/frontier",
            "/line\nbreak\u{2028}sep/frontier",
            "/é/多/🦀/frontier",
            "/close\";process.exit(1);//",
        ];
        for path in paths {
            let plugin = render(Host::Kilo, Path::new(path)).unwrap();
            assert_eq!(baked(&plugin, "FRONTIER"), path);
            assert_eq!(baked(&plugin, "HOST"), "kilo");
            // The path is one line of the file: nothing it holds starts another statement.
            assert_eq!(plugin.lines().count(), TEMPLATE.lines().count(), "{path:?}");
            assert!(is_frontiers(&plugin));
        }
        assert_eq!(baked(&render(Host::OpenCode, Path::new("/f")).unwrap(), "HOST"), "opencode");
    }

    #[cfg(unix)]
    #[test]
    fn a_path_that_is_not_utf8_is_refused() {
        use std::os::unix::ffi::OsStrExt;
        let path = Path::new(std::ffi::OsStr::from_bytes(b"/bad\xff/frontier"));
        assert!(matches!(render(Host::OpenCode, path), Err(Error::Refused { .. })));
    }
}
