//! Helpers shared by the unit tests. Compiled only for tests.

use std::path::Path;
use std::process::Command;

/// Writes `text` to `path` as an executable, from a child process.
///
/// Written from this process, the file could not be run at once: while a test thread
/// holds it open for writing, another thread's `fork` copies that descriptor into a child
/// that keeps it until it execs, and running the file meanwhile fails with "Text file
/// busy" (ETXTBSY). A shell that writes and closes the file holds the only descriptor.
pub fn write_program(path: &Path, text: &str) {
    let status = Command::new("/bin/sh")
        .args(["-c", r#"printf '%s' "$1" > "$0" && chmod 755 "$0""#])
        .arg(path)
        .arg(text)
        .status()
        .unwrap_or_else(|e| panic!("a shell to write {}: {e}", path.display()));
    assert!(status.success(), "writing {} failed: {status}", path.display());
}
