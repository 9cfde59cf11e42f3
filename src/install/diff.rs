//! A planned change to a file, shown as a unified diff (`--- a/...`, `+++ b/...`, hunks
//! with three lines of context), as `--dry-run` prints it.
//!
//! Knows nothing about what the file holds.

use std::path::Path;

/// The diff from `old` to `new` of the file at `path`; a missing side is `/dev/null`.
pub fn unified(path: &Path, old: Option<&str>, new: Option<&str>) -> String {
    let name = path.display().to_string();
    let before = if old.is_some() { format!("a{name}") } else { "/dev/null".to_string() };
    let after = if new.is_some() { format!("b{name}") } else { "/dev/null".to_string() };
    let (old, new) = (old.unwrap_or_default(), new.unwrap_or_default());
    let diff = similar::TextDiff::from_lines(old, new);
    let mut out = diff.unified_diff().context_radius(3).header(&before, &after).to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn shows_added_and_removed_lines_with_context() {
        let diff = unified(Path::new("/p/s.json"), Some("{\n  \"a\": 1\n}\n"), Some("{\n  \"a\": 1,\n  \"b\": 2\n}\n"));
        assert_eq!(
            diff,
            "--- a/p/s.json\n+++ b/p/s.json\n@@ -1,3 +1,4 @@\n {\n-  \"a\": 1\n+  \"a\": 1,\n+  \"b\": 2\n }\n"
        );
        let new = unified(Path::new("/p/s.json"), None, Some("{}\n"));
        assert_eq!(new, "--- /dev/null\n+++ b/p/s.json\n@@ -0,0 +1 @@\n+{}\n");
    }
}
