//! Keeps the layers of docs/architecture.md honest: reads every `crate::...` path in
//! `src/` and fails on an import that a layer is not allowed to make.
//!
//! A layer is a top-level module of the crate (`src/NAME.rs` or `src/NAME/`). The edges a
//! layer may take are written once, in `ALLOWED`; anything else, and any layer missing
//! from the table, fails the test with the file and line that made the import.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Who may import whom: each layer and the layers below it that it uses. Everything
/// flows down, towards `provider` and the leaf modules.
const ALLOWED: &[(&str, &[&str])] = &[
    // Leaves: they import nothing from the crate, but for `error`, whose `echo` shows a
    // value's invisible characters.
    ("error", &["invisible"]),
    ("env", &[]),
    ("testing", &[]),
    ("random", &[]),
    // frontier's own directories: made 0700, written through a descriptor.
    ("private_dir", &["random"]),
    // The characters that draw nothing: one list for the guards and for names shown.
    ("invisible", &[]),
    // One frame for text frontier did not write; it draws its nonces from `random`.
    ("frame", &["random"]),
    // The command line's raw types; clap's errors become ours.
    ("cli", &["error"]),
    // The bottom of the run: wire formats, transports, the shared value types.
    ("provider", &["env", "random"]),
    ("config", &["provider", "env", "error", "private_dir"]),
    ("scope", &["config", "env", "error", "private_dir"]),
    // What the panel sees besides the prompt: it reads the workspace, nothing else.
    ("context", &["env", "error", "frame"]),
    ("pipeline", &["provider", "context", "frame"]),
    ("history", &["pipeline", "error", "private_dir"]),
    // Reads the Env snapshot only for what the streams are (terminal, width, TERM).
    ("render", &["pipeline", "history", "context", "env", "invisible"]),
    ("hook", &["config", "scope", "pipeline", "env", "frame", "private_dir", "invisible"]),
    ("install", &["config", "env", "error"]),
    // The MCP protocol: tools, schemas, progress from the pipeline's events; the commands
    // carry the tools out.
    ("mcp", &["pipeline", "error"]),
    // One typed request in, the plan out: the one place precedence is decided, for every
    // entry point the commands serve.
    ("request", &["config", "scope", "context", "pipeline", "provider", "env", "error", "random"]),
    // The top: commands put the layers together.
    (
        "commands",
        &[
            "cli",
            "config",
            "scope",
            "context",
            "pipeline",
            "provider",
            "history",
            "hook",
            "install",
            "mcp",
            "request",
            "render",
            "env",
            "error",
            "private_dir",
            "frame",
        ],
    ),
    // Entry points for the fuzz targets reach into the parsers of every layer.
    ("fuzzing", &["config", "scope", "provider", "error"]),
];

/// Files that stand above every layer: the crate root and the binary.
const ROOTS: &[&str] = &["lib", "main"];

/// Compiled only for unit tests (`#[cfg(test)]` in lib.rs), importing nothing from the
/// crate: every layer's tests may use it.
const TEST_SUPPORT: &str = "testing";

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Import {
    file: PathBuf,
    line: usize,
    from: String,
    to: String,
}

#[test]
fn no_layer_imports_one_above_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let allowed: BTreeMap<&str, &[&str]> = ALLOWED.iter().copied().collect();
    let mut problems = Vec::new();
    for import in imports_under(&src) {
        match allowed.get(import.from.as_str()) {
            _ if import.to == TEST_SUPPORT => {}
            None => problems.push(format!(
                "{}:{}: layer `{}` is not in ALLOWED (tests/layering.rs); add it with the layers it may use",
                import.file.display(),
                import.line,
                import.from
            )),
            Some(edges) if !edges.contains(&import.to.as_str()) => problems.push(format!(
                "{}:{}: `{}` imports `crate::{}`, which it may not (allowed: {})",
                import.file.display(),
                import.line,
                import.from,
                import.to,
                if edges.is_empty() { "nothing".to_string() } else { edges.join(", ") }
            )),
            Some(_) => {}
        }
    }
    problems.sort();
    problems.dedup();
    assert!(problems.is_empty(), "upward or unlisted imports:\n{}", problems.join("\n"));
}

/// The table keeps a layer from knowing another only if it allows no more than the code
/// uses: an edge nothing takes would let the next import through unnoticed.
#[test]
fn every_allowed_edge_is_used() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let used: BTreeSet<(String, String)> = imports_under(&src).into_iter().map(|i| (i.from, i.to)).collect();
    let unused: Vec<String> = ALLOWED
        .iter()
        .flat_map(|(from, tos)| tos.iter().map(move |to| (*from, *to)))
        .filter(|(from, to)| !used.contains(&(from.to_string(), to.to_string())))
        .map(|(from, to)| format!("`{from}` may import `{to}`, but no code does"))
        .collect();
    assert!(
        unused.is_empty(),
        "edges in ALLOWED (tests/layering.rs) that no code uses; remove them:\n{}",
        unused.join("\n")
    );
}

#[test]
fn the_scanner_sees_every_form_of_import() {
    let code = r##"
        //! Docs mention `crate::commands`, which is not an import.
        use crate::provider::Usage;
        use crate::{config::Catalog, error::Result};
        use crate::{
            pipeline,
            render::write_stdout,
        };
        fn f<'a>(x: &'a str) { let q = '"'; crate::history::record(); let s = "crate::hook \" in a string"; }
        /* crate::install in a block comment */
        const J: &str = r#"{"a": "crate::scope"}"#;
        fn g() { let e = '\''; crate::random::u64(); }
    "##;
    let found: Vec<(usize, String)> = crate_paths(code).into_iter().collect();
    let layers: Vec<&str> = found.iter().map(|(_, l)| l.as_str()).collect();
    assert_eq!(layers, ["provider", "config", "error", "pipeline", "render", "history", "random"]);
    assert_eq!(found[0].0, 3, "line numbers count from 1");
}

/// Every `crate::LAYER` path in the `.rs` files under `src`, with the layer of the file.
fn imports_under(src: &Path) -> Vec<Import> {
    let mut files = Vec::new();
    collect_rust_files(src, &mut files);
    let mut imports = Vec::new();
    for file in files {
        let relative = file.strip_prefix(src).unwrap_or(&file).to_path_buf();
        let from = layer_of(&relative);
        if ROOTS.contains(&from.as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("read {}: {e}", file.display()));
        for (line, to) in crate_paths(&text) {
            if to != from {
                imports.push(Import { file: Path::new("src").join(&relative), line, from: from.clone(), to });
            }
        }
    }
    imports.sort();
    imports
}

fn collect_rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("read {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.unwrap_or_else(|e| panic!("read {}: {e}", dir.display())).path();
        if path.is_dir() {
            collect_rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// `config/catalog.rs` → `config`; `error.rs` → `error`.
fn layer_of(relative: &Path) -> String {
    let first = relative.components().next().map(|c| c.as_os_str().to_string_lossy().into_owned()).unwrap_or_default();
    first.strip_suffix(".rs").unwrap_or(&first).to_string()
}

/// The layer named after each `crate::` in `code` (comments and string literals left out),
/// with its line number; `crate::{a::X, b}` names `a` and `b`.
fn crate_paths(code: &str) -> Vec<(usize, String)> {
    let code = code_only(code);
    let mut found = Vec::new();
    let mut rest = code.as_str();
    let mut offset = 0;
    while let Some(at) = rest.find("crate::") {
        let start = offset + at;
        let preceded_by_ident = code[..start].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_');
        let after = &code[start + "crate::".len()..];
        let line = code[..start].matches('\n').count() + 1;
        if !preceded_by_ident {
            if let Some(group) = after.strip_prefix('{') {
                for name in top_level_names(group) {
                    found.push((line, name));
                }
            } else {
                found.push((line, leading_ident(after)));
            }
        }
        offset = start + "crate::".len();
        rest = &code[offset..];
    }
    found.retain(|(_, name)| !name.is_empty());
    found
}

/// The first identifier of each comma-separated item of a `{...}` group, up to its `}`.
fn top_level_names(group: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut depth = 0;
    let mut item_start = true;
    for (i, c) in group.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => item_start = true,
            c if item_start && (c.is_alphanumeric() || c == '_') => {
                names.push(leading_ident(&group[i..]));
                item_start = false;
            }
            _ => {}
        }
    }
    names
}

fn leading_ident(text: &str) -> String {
    text.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect()
}

/// `code` with comments and the contents of string and char literals blanked out
/// (newlines kept, so line numbers still hold). Raw strings (`r#"..."#`) are understood;
/// a `'` that opens no char literal is a lifetime.
fn code_only(code: &str) -> String {
    let chars: Vec<char> = code.chars().collect();
    let mut out = String::with_capacity(code.len());
    let mut i = 0;
    // Copies the newlines of `chars[from..to]`, dropping everything else.
    let newlines = |out: &mut String, from: usize, to: usize| {
        out.extend(chars[from..to.min(chars.len())].iter().filter(|c| **c == '\n'));
    };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let ident_before = i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_');
        if c == '/' && next == Some('/') {
            let end = chars[i..].iter().position(|c| *c == '\n').map_or(chars.len(), |p| i + p);
            i = end;
        } else if c == '/' && next == Some('*') {
            let end = (i + 2..chars.len()).find(|&j| chars[j - 1] == '*' && chars[j] == '/' && j > i + 2);
            let end = end.map_or(chars.len(), |j| j + 1);
            newlines(&mut out, i, end);
            i = end;
        } else if c == 'r' && !ident_before && matches!(next, Some('#' | '"')) {
            let hashes = chars[i + 1..].iter().take_while(|c| **c == '#').count();
            if chars.get(i + 1 + hashes) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            let body = i + 2 + hashes;
            let closes = |j: usize| chars[j] == '"' && (1..=hashes).all(|h| chars.get(j + h) == Some(&'#'));
            let end = (body..chars.len()).find(|&j| closes(j)).map_or(chars.len(), |j| j + 1 + hashes);
            out.push_str("\"\"");
            newlines(&mut out, body, end);
            i = end;
        } else if c == '"' {
            let mut j = i + 1;
            while j < chars.len() && chars[j] != '"' {
                j += if chars[j] == '\\' { 2 } else { 1 };
            }
            out.push_str("\"\"");
            newlines(&mut out, i + 1, j);
            i = j + 1;
        } else if c == '\'' && next == Some('\\') {
            let end = (i + 2..chars.len()).find(|&j| chars[j] == '\'' && j > i + 2).map_or(chars.len(), |j| j + 1);
            out.push_str("' '");
            i = end;
        } else if c == '\'' && chars.get(i + 2) == Some(&'\'') {
            out.push_str("' '");
            i += 3;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}
