//! Files the prompt mentions as `@path` (DESIGN.md §4.2; the hook sends them): each
//! `@` token that starts a word and names a file or a directory inside the workspace.
//! The path is resolved with its links, and a path that resolves outside the workspace
//! (`@../x`, `@/etc/passwd`, a link pointing out) is never read: it is listed as
//! skipped. Directories are walked and files read by the same rules as `-f`, except that
//! nothing here is an error, because the hook must never fail the user's turn: a secret
//! file is skipped and listed. A token that names nothing (`@alice`) is not a mention.
//!
//! Knows nothing about the hook or the host.

use std::path::Path;

use super::budget::DEFAULT_CONTEXT_CHARS;
use super::files::Collector;
use super::{Gathered, Source, SourceKind, secret};

/// The files `prompt` mentions inside `workspace`, within the default budget.
pub fn gather(prompt: &str, workspace: &Path) -> Gathered {
    gather_within(prompt, workspace, DEFAULT_CONTEXT_CHARS)
}

/// The files `prompt` mentions inside `workspace`, read within `budget_chars`.
pub fn gather_within(prompt: &str, workspace: &Path, budget_chars: usize) -> Gathered {
    let tokens = mentions(prompt);
    if tokens.is_empty() {
        return Gathered::default();
    }
    let Ok(root) = std::fs::canonicalize(workspace) else { return Gathered::default() };
    let mut collector = Collector::new(SourceKind::Mention, &root, budget_chars);
    let mut outside = Vec::new();
    for token in tokens {
        let Ok(path) = std::fs::canonicalize(root.join(token)) else { continue };
        if !path.starts_with(&root) {
            outside.push(token);
            continue;
        }
        if path.is_dir() {
            collector.directory(&path);
        } else if path.is_file() {
            if secret::is_secret_name(token.rsplit('/').next().unwrap_or(token)) {
                collector.skip(&path, "secret");
            } else {
                collector.file(&path, true);
            }
        }
    }
    let mut gathered = collector.finish();
    gathered.skipped.extend(outside.into_iter().map(|token| Source {
        kind: SourceKind::Mention,
        path: Some(token.to_string()),
        bytes: 0,
        truncated: false,
        skipped: Some("outside the workspace".into()),
    }));
    gathered
}

/// The `@path` tokens of `prompt`, each once, in order: an `@` at the start of a word
/// (so `alice@example.com` is not one), up to the next space, without the punctuation
/// that ends a sentence or closes a bracket.
fn mentions(prompt: &str) -> Vec<&str> {
    let mut found: Vec<&str> = Vec::new();
    let mut previous = ' ';
    for (i, c) in prompt.char_indices() {
        if c == '@' && (previous.is_whitespace() || "([{\"'`".contains(previous)) {
            let rest = &prompt[i + 1..];
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let token = rest[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', ')', ']', '}', '"', '\'', '`']);
            if !token.is_empty() && !token.starts_with('@') && !found.contains(&token) {
                found.push(token);
            }
        }
        previous = c;
    }
    found
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn mentions_start_a_word_and_lose_their_trailing_punctuation() {
        assert_eq!(
            mentions("see @src/a.rs, (@docs/) and `@b.md`. mail alice@example.com or @a.rs? @src/a.rs again @"),
            vec!["src/a.rs", "docs/", "b.md", "a.rs"]
        );
    }

    fn workspace() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let write = |rel: &str, text: &[u8]| {
            let path = dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap_or(dir.path())).unwrap_or_else(|e| panic!("{e}"));
            std::fs::write(path, text).unwrap_or_else(|e| panic!("{e}"));
        };
        write("ws/src/a.rs", b"fn a() {}\n");
        write("ws/src/.hidden", b"HIDDEN\n");
        write("ws/src/blob.bin", b"\0\0\0");
        write("ws/.env", b"KEY=SECRET\n");
        write("outside.txt", b"OUTSIDE\n");
        dir
    }

    /// `(path, text)` of each piece, `(path, reason)` of each skipped source.
    type Pairs<'a> = Vec<(&'a str, &'a str)>;

    fn summary(g: &Gathered) -> (Pairs<'_>, Pairs<'_>) {
        (
            g.pieces.iter().map(|p| (p.path.as_deref().unwrap_or_default(), p.text.as_str())).collect(),
            g.skipped
                .iter()
                .map(|s| (s.path.as_deref().unwrap_or_default(), s.skipped.as_deref().unwrap_or_default()))
                .collect(),
        )
    }

    #[test]
    fn files_and_directories_inside_the_workspace_are_gathered_by_the_walks_rules() {
        let dir = workspace();
        let ws = dir.path().join("ws");
        let g = gather("explain @src and @src/a.rs to @alice", &ws);
        assert_eq!(summary(&g), (vec![("src/a.rs", "fn a() {}\n")], vec![("src/blob.bin", "binary")]));
        assert!(g.pieces.iter().all(|p| p.kind == SourceKind::Mention));
        assert!(g.skipped.iter().all(|s| s.kind == SourceKind::Mention));
    }

    #[test]
    fn nothing_outside_the_workspace_is_read_and_secrets_are_skipped_not_refused() {
        let dir = workspace();
        let ws = dir.path().join("ws");
        std::os::unix::fs::symlink(dir.path().join("outside.txt"), ws.join("link.txt"))
            .unwrap_or_else(|e| panic!("{e}"));
        let outside = dir.path().join("outside.txt");
        let prompt = format!("read @../outside.txt @{} @link.txt @.env", outside.display());
        let g = gather(&prompt, &ws);
        let absolute = outside.display().to_string();
        assert_eq!(
            summary(&g),
            (
                vec![],
                vec![
                    (".env", "secret"),
                    ("../outside.txt", "outside the workspace"),
                    (absolute.as_str(), "outside the workspace"),
                    ("link.txt", "outside the workspace"),
                ]
            )
        );
    }

    #[test]
    fn a_prompt_without_mentions_touches_nothing() {
        assert_eq!(gather("no mentions here", Path::new("/nonexistent")), Gathered::default());
    }
}
