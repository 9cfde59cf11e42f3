//! The repository stands alone: no file in it names a document that is not in it, and
//! every relative link in its Markdown leads to a file that is. A reader of the
//! repository has nothing else; reasoning that a decision needs lives in
//! docs/design-notes.md.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

/// Every file git would track under the repository (the `.gitignore`d ones left out),
/// with its text, for the files that are text.
fn texts() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    ignore::WalkBuilder::new(root)
        .hidden(false)
        .filter_entry(|e| e.file_name() != ".git")
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .filter_map(|e| {
            let text = std::fs::read_to_string(e.path()).ok()?;
            Some((e.path().strip_prefix(root).unwrap().to_path_buf(), text))
        })
        .collect()
}

#[test]
fn no_file_names_a_document_outside_the_repository() {
    // Written in pieces, so this file does not name them itself.
    let outside: Vec<String> = ["DESIGN", "TESTING", "HOSTS", "STYLE", "LESSONS"]
        .iter()
        .map(|name| format!("{name}.md"))
        .chain([format!("../{}/", "shared")])
        .collect();
    let mut found = Vec::new();
    for (path, text) in texts() {
        for (line, content) in text.lines().enumerate() {
            for name in outside.iter().filter(|name| content.contains(name.as_str())) {
                found.push(format!("{}:{}: names `{name}`", path.display(), line + 1));
            }
        }
    }
    assert!(found.is_empty(), "documents that are not in the repository:\n{}", found.join("\n"));
}

#[test]
fn every_relative_markdown_link_leads_to_a_file_in_the_repository() {
    let link = regex::Regex::new(r"\]\(([^)\s#]+)(#[^)]*)?\)").unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut broken = Vec::new();
    for (path, text) in texts().into_iter().filter(|(p, _)| p.extension().is_some_and(|e| e == "md")) {
        for captures in link.captures_iter(&text) {
            let target = &captures[1];
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let dir = root.join(path.parent().unwrap_or(Path::new("")));
            if !dir.join(target).exists() {
                broken.push(format!("{}: `{target}`", path.display()));
            }
        }
    }
    assert!(broken.is_empty(), "links to files that are not there:\n{}", broken.join("\n"));
}
