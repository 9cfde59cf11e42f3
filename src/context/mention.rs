//! Files the prompt mentions as `@path` (docs/context.md; the hook sends them): each
//! `@` token that starts a word and names a file or a directory. Paths are relative to
//! the host's working directory and judged by the workspace rule (`reach`), which a
//! prompt can never widen: a token naming a path outside the workspace (`@../x`,
//! `@/etc/passwd`) is listed as outside it, a token whose links lead out is listed as
//! such, and neither is read. Directories are walked and files read by the same
//! [`Collector`] as `-f`, except that nothing here is an error, because the hook must
//! never fail the user's turn: a secret or special file is skipped and listed. A token
//! that names nothing (`@alice`) is not a mention.
//!
//! Knows nothing about the hook, the host, or where the workspace is.

use std::path::Path;

use super::collect::Collector;
use super::reach::{self, Place, Reach};
use super::{Gathered, Source, SourceKind};

/// The files `prompt` mentions, relative to `cwd` and within `reach`, read within
/// `budget_chars`.
pub fn gather_within(prompt: &str, cwd: &Path, reach: &Reach, budget_chars: usize) -> Gathered {
    let tokens = mentions(prompt);
    if tokens.is_empty() {
        return Gathered::default();
    }
    let Ok(cwd) = std::fs::canonicalize(cwd) else { return Gathered::default() };
    let never = || false;
    let mut collector = Collector::new(SourceKind::Mention, &cwd, reach, budget_chars, &never);
    let mut outside = Vec::new();
    // The files the prompt names itself that are not sent: each gets a note, since the
    // user asked for it by name (what a walk of a named directory leaves out is listed).
    let mut unsent = Vec::new();
    for token in tokens {
        let path = cwd.join(token);
        let real = match reach.place(&path) {
            Ok(Place::Readable(real)) => real,
            Ok(Place::NamedOutside) => {
                outside.push(token);
                continue;
            }
            Ok(Place::LinksOutside) => {
                collector.skip(&path, reach::LINKS_OUTSIDE);
                unsent.push(collector.display(&path));
                continue;
            }
            Err(_) => continue,
        };
        match reach::kind(&real) {
            Ok(reach::Kind::Directory) => {
                collector.directory(&path, &real);
            }
            Ok(reach::Kind::File) => {
                if !collector.file(&path, true) {
                    unsent.push(collector.display(&path));
                }
            }
            Ok(reach::Kind::Special(special)) => {
                collector.skip(&path, special.reason());
                unsent.push(collector.display(&path));
            }
            Err(_) => {}
        }
    }
    let mut gathered = collector.finish().unwrap_or_default();
    gathered.skipped.extend(outside.iter().map(|token| Source {
        kind: SourceKind::Mention,
        path: Some(token.to_string()),
        bytes: 0,
        truncated: false,
        skipped: Some(reach::OUTSIDE.into()),
    }));
    unsent.extend(outside.into_iter().map(str::to_string));
    let notes: Vec<String> = gathered
        .skipped
        .iter()
        .filter(|s| s.path.as_ref().is_some_and(|p| unsent.contains(p)))
        .map(|s| {
            let (path, why) = (s.path.as_deref().unwrap_or_default(), s.skipped.as_deref().unwrap_or_default());
            format!("context: file mentioned in the prompt {path} was not sent ({why})")
        })
        .collect();
    gathered.notes.extend(notes);
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
    use crate::context::budget::DEFAULT_CONTEXT_CHARS;
    use crate::context::reach::Outside;

    /// What a hooked prompt in `ws` (its own workspace) mentions.
    fn gather(prompt: &str, ws: &Path) -> Gathered {
        gather_within(prompt, ws, &Reach::new(ws, Outside::Never), DEFAULT_CONTEXT_CHARS)
    }

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
        assert_eq!(g.notes, Vec::<String>::new(), "what a walk of a named directory leaves out is only listed");
    }

    #[test]
    fn nothing_outside_the_workspace_is_read_and_secrets_are_skipped_not_refused() {
        let dir = workspace();
        let ws = dir.path().join("ws");
        std::os::unix::fs::symlink(dir.path().join("outside.txt"), ws.join("link.txt"))
            .unwrap_or_else(|e| panic!("{e}"));
        let outside = dir.path().join("outside.txt");
        std::os::unix::fs::symlink(dir.path(), ws.join("up")).unwrap_or_else(|e| panic!("{e}"));
        let prompt = format!("read @../outside.txt @{} @link.txt @up @up/outside.txt @.env", outside.display());
        let g = gather(&prompt, &ws);
        let absolute = outside.display().to_string();
        assert_eq!(
            summary(&g),
            (
                vec![],
                vec![
                    ("link.txt", "links outside the workspace"),
                    ("up", "links outside the workspace"),
                    ("up/outside.txt", "links outside the workspace"),
                    (".env", "secret"),
                    ("../outside.txt", "outside the workspace"),
                    (absolute.as_str(), "outside the workspace"),
                ]
            )
        );
        let noted =
            |path: &str, why: &str| format!("context: file mentioned in the prompt {path} was not sent ({why})");
        let links = "links outside the workspace";
        assert_eq!(
            g.notes,
            vec![
                noted("link.txt", links),
                noted("up", links),
                noted("up/outside.txt", links),
                noted(".env", "secret"),
                noted("../outside.txt", "outside the workspace"),
                noted(&absolute, "outside the workspace"),
            ]
        );
    }

    #[test]
    fn a_mention_reaches_the_whole_workspace_from_a_subdirectory_and_no_further() {
        let dir = workspace();
        let ws = dir.path().join("ws");
        let g =
            gather_within("@../src/a.rs @../../outside.txt", &ws.join("src"), &Reach::new(&ws, Outside::Never), 100);
        assert_eq!(
            summary(&g),
            (vec![("../src/a.rs", "fn a() {}\n")], vec![("../../outside.txt", "outside the workspace")])
        );
    }

    #[test]
    fn a_fifo_mentioned_is_listed_and_never_opened() {
        let dir = workspace();
        let ws = dir.path().join("ws");
        let made = std::process::Command::new("mkfifo").arg(ws.join("pipe")).status().unwrap_or_else(|e| panic!("{e}"));
        assert!(made.success());
        let g = gather("@pipe", &ws);
        assert_eq!(summary(&g), (vec![], vec![("pipe", "not a regular file (a FIFO)")]));
    }

    #[test]
    fn a_prompt_without_mentions_touches_nothing() {
        assert_eq!(gather("no mentions here", Path::new("/nonexistent")), Gathered::default());
    }
}
