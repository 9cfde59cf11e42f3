//! Keeps the layers of docs/architecture.md honest: reads every path into the crate that
//! `src/` names (`crate::`, `super::` and `self::` paths and `use` declarations, through
//! the re-exports of a parent) and fails on an import that a layer is not allowed to make,
//! and on modules that import each other in a ring.
//!
//! A layer is a top-level module of the crate (`src/NAME.rs` or `src/NAME/`). The edges a
//! layer may take are written once, in `ALLOWED`; anything else, and any layer missing
//! from the table, fails the test with the file and line that made the import.

#[path = "layering/scan.rs"]
mod scan;
#[path = "layering/tree.rs"]
mod tree;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use pretty_assertions::assert_eq;

use tree::{Crate, Module, Site};

/// Who may import whom: each layer and the layers below it that it uses. Everything
/// flows down, towards `provider` and the leaf modules.
const ALLOWED: &[(&str, &[&str])] = &[
    // Leaves: they import nothing from the crate, but for `error`, whose `echo` shows a
    // value's invisible characters and cuts it short.
    ("error", &["invisible", "text"]),
    ("env", &[]),
    ("testing", &[]),
    ("random", &[]),
    // One poll(2) read of a descriptor with a deadline and a cap: the hook's stdin, piped context.
    ("deadline_read", &[]),
    // Cutting text to a number of characters, marked with `…`.
    ("text", &[]),
    // frontier's own directories: made 0700, written through a descriptor.
    ("private_dir", &["random"]),
    // The characters that draw nothing: one list for the guards and for names shown.
    ("invisible", &[]),
    // One frame for text frontier did not write; it draws its nonces from `random`.
    ("frame", &["random"]),
    // The command line's raw types; clap's errors become ours.
    ("cli", &["error"]),
    // The bottom of the run: wire formats, transports, the shared value types.
    ("provider", &["env", "random", "text"]),
    ("config", &["provider", "env", "error", "private_dir"]),
    ("scope", &["config", "env", "error", "private_dir"]),
    // What the panel sees besides the prompt: it reads the workspace, nothing else.
    ("context", &["env", "error", "frame", "deadline_read"]),
    ("pipeline", &["provider", "context", "frame"]),
    ("history", &["pipeline", "error", "private_dir"]),
    // Reads the Env snapshot only for what the streams are (terminal, width, TERM); an
    // eval's summary is shown as a run's report is.
    ("render", &["pipeline", "history", "context", "env", "invisible", "eval"]),
    ("hook", &["config", "scope", "pipeline", "env", "frame", "private_dir", "invisible", "deadline_read", "text"]),
    ("install", &["config", "env", "error"]),
    // The MCP protocol: tools, schemas, progress from the pipeline's events; the commands
    // carry the tools out.
    ("mcp", &["pipeline", "error", "text"]),
    // One typed request in, the plan out: the one place precedence is decided, for every
    // entry point the commands serve; a follow-up's thread is read back from history.
    ("request", &["config", "scope", "context", "pipeline", "history", "provider", "frame", "env", "error", "random"]),
    // An eval: items through contenders by the one resolver and the pipeline, scored,
    // recorded in its own directory; it never prints.
    ("eval", &["request", "pipeline", "provider", "context", "scope", "config", "frame", "error", "private_dir"]),
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
            "eval",
            "text",
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
    let found: Vec<(usize, String)> = crate_paths(code);
    let layers: Vec<&str> = found.iter().map(|(_, l)| l.as_str()).collect();
    assert_eq!(layers, ["provider", "config", "error", "pipeline", "render", "history", "random"]);
    assert_eq!(found[0].0, 3, "line numbers count from 1");
}

/// Inside every module directory, at every level (`src/history/`, `src/pipeline/`,
/// `src/pipeline/judge/`, ...), the modules it holds (its files and subdirectories, the
/// siblings) may not import each other in a ring, directly (A ↔ B) or through others
/// (A → B → C → A): one of them has to sit below the other, as the layers do.
///
/// The directory's own `mod.rs` (or `NAME.rs` for `NAME/`) is the parent, not a sibling:
/// it declares and gathers its children, and a child may use what it defines, so imports
/// between the parent and its children are not rings. A name a child takes from its
/// parent that the parent only brings in with a `use` (a re-export, `pub` or not) counts
/// as an import of the sibling it comes from: `super::Clock`, where `mod.rs` has
/// `use budget::Clock`, is an import of `budget`, so a ring can't hide behind the parent.
///
/// Code compiled only for tests (`#[cfg(test)]`) is left out: a test sits above the module
/// it tests and may drive it through any sibling.
#[test]
fn no_module_imports_in_a_ring() {
    let rings = rings(&Crate::read(&source_dir()));
    assert!(
        rings.is_empty(),
        "modules that import each other in a ring (each edge with the lines that make it); \
         move what both need below both, or into the parent:\n{}",
        rings.join("\n")
    );
}

#[test]
fn a_ring_is_shown_as_its_path_with_the_lines_that_make_it() {
    let krate = crate_of(&[
        ("lib.rs", "pub mod history;\n"),
        ("history/mod.rs", "mod error;\nmod inbox;\nmod store;\nuse store::LIMIT;\n"),
        ("history/inbox.rs", "//! Appends.\nuse super::LIMIT;\n"),
        ("history/store.rs", "use super::inbox;\nfn f() { inbox::append(); crate::history::error::raise(); }\n"),
        ("history/error.rs", "use super::store::Store;\n"),
        ("render/mod.rs", "mod a;\nmod b;\nmod c;\n"),
        ("render/a.rs", "use super::b::B;\n"),
        ("render/b.rs", "use crate::render::{c::C, a};\n"),
        ("render/c.rs", "fn f() { self::super::a::f(); super::a::g(); }\n"),
    ]);
    assert_eq!(
        rings(&krate),
        [
            "history: error → store → error\n  \
               error → store: src/history/error.rs:1\n  \
               store → error: src/history/store.rs:2",
            "history: inbox → store → inbox\n  \
               inbox → store: src/history/inbox.rs:2 (through src/history/mod.rs:4)\n  \
               store → inbox: src/history/store.rs:1",
            "render: a → b → a\n  \
               a → b: src/render/a.rs:1\n  \
               b → a: src/render/b.rs:1",
            "render: a → b → c → a\n  \
               a → b: src/render/a.rs:1\n  \
               b → c: src/render/b.rs:1\n  \
               c → a: src/render/c.rs:1",
        ]
    );
}

/// The parent and its children may use each other; a ring needs two siblings, and code
/// compiled only for tests makes none.
#[test]
fn a_parent_and_its_children_make_no_ring() {
    let krate = crate_of(&[
        ("lib.rs", "pub mod pipeline;\n"),
        (
            "pipeline/mod.rs",
            "mod budget;\nmod judge;\n#[cfg(test)]\nmod harness;\npub struct Plan;\nfn run() { budget::check(); judge::stage(); }\n",
        ),
        (
            "pipeline/budget.rs",
            "use super::Plan;\nuse crate::pipeline::Plan as P;\n#[cfg(test)]\nmod tests { use super::super::judge; }\n",
        ),
        ("pipeline/harness.rs", "use super::{budget, judge};\n"),
        ("pipeline/judge/mod.rs", "mod run;\npub use run::stage;\n"),
        ("pipeline/judge/run.rs", "use super::super::Plan;\nuse crate::pipeline::budget;\n"),
    ]);
    assert_eq!(rings(&krate), Vec::<String>::new());
    let edges: Vec<(Module, String, String)> =
        sibling_edges(&krate).into_iter().map(|((dir, a, b), _)| (dir, a, b)).collect();
    assert_eq!(edges, [(vec!["pipeline".to_string()], "judge".to_string(), "budget".to_string())]);
}

#[test]
fn the_scanner_resolves_super_and_self_paths() {
    let code = "
        use super::labels::Labelled;
        use super::super::budget::{self, Clock as Tick};
        use self::inner::X;
        use serde::Deserialize;
        fn f() { super::super::report::build::calls::<u8>(); let s = self.x; Self::new(); }
        pub(in crate::pipeline) fn g() {}
        mod tests {
            use super::*;
            use super::super::verdict::parse;
            fn t() { crate::frame::wrap(); }
        }
    ";
    let krate = crate_of(&[("pipeline/judge/run.rs", code)]);
    let found: Vec<(usize, String)> = krate.named().into_iter().map(|n| (n.at.line, n.to.join("::"))).collect();
    assert_eq!(
        found,
        [
            (2, "pipeline::judge::labels::Labelled".to_string()),
            (3, "pipeline::budget".to_string()),
            (3, "pipeline::budget::Clock".to_string()),
            (4, "pipeline::judge::run::inner::X".to_string()),
            (5, "pipeline::judge::run::serde::Deserialize".to_string()),
            (6, "pipeline::report::build::calls".to_string()),
            (9, "pipeline::judge::run::*".to_string()),
            (10, "pipeline::judge::verdict::parse".to_string()),
            (11, "frame::wrap".to_string()),
        ]
    );
}

fn source_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn crate_of(files: &[(&str, &str)]) -> Crate {
    let sources: Vec<(PathBuf, String)> = files.iter().map(|(p, t)| (PathBuf::from(p), t.to_string())).collect();
    Crate::new(&sources)
}

/// An import between siblings: the directory, the importer, the imported.
type Edge = (Module, String, String);

/// Where an import is made, and the `use` declarations it went through.
type Made = (Site, Vec<Site>);

/// The imports between siblings, each with every place that makes it.
fn sibling_edges(krate: &Crate) -> BTreeMap<Edge, BTreeSet<Made>> {
    let mut edges: BTreeMap<Edge, BTreeSet<Made>> = BTreeMap::new();
    for named in krate.named().into_iter().filter(|n| !n.test) {
        let to = krate.module_of_path(&named.to);
        let common = named.from.iter().zip(to).take_while(|(a, b)| a == b).count();
        // Within the importer's own module, or an item of one of its ancestors.
        if common == named.from.len() || common == to.len() {
            continue;
        }
        let key = (named.from[..common].to_vec(), named.from[common].clone(), to[common].clone());
        edges.entry(key).or_default().insert((named.at, named.through));
    }
    edges
}

/// The rings of siblings, as `dir: a → b → a` and the lines that make each edge: for
/// every import that is part of a ring, the shortest ring through it (each ring once,
/// starting from its first module by name). Every edge to break shows, without listing
/// each of the many longer rings the same edges make.
fn rings(krate: &Crate) -> Vec<String> {
    let edges = sibling_edges(krate);
    let dirs: BTreeSet<&Module> = edges.keys().map(|(dir, _, _)| dir).collect();
    let mut out = Vec::new();
    for dir in dirs {
        let mut next: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (_, a, b) in edges.keys().filter(|(d, _, _)| d == dir) {
            next.entry(a).or_default().push(b);
        }
        let mut found = BTreeSet::new();
        for (a, tos) in &next {
            for b in tos {
                let Some(back) = shortest_path(&next, b, a) else { continue };
                let mut ring: Vec<&str> = [*a].into_iter().chain(back).collect();
                // Start at the first module by name, so a ring found from any of its
                // edges reads the same.
                let first = (0..ring.len() - 1).min_by_key(|&i| ring[i]).unwrap_or(0);
                ring.pop();
                ring.rotate_left(first);
                ring.push(ring[0]);
                found.insert(ring);
            }
        }
        for ring in found {
            let name = if dir.is_empty() { "crate".to_string() } else { dir.join("::") };
            let mut text = format!("{name}: {}", ring.join(" → "));
            for pair in ring.windows(2) {
                let sites = &edges[&(dir.clone(), pair[0].to_string(), pair[1].to_string())];
                let shown: Vec<String> = sites.iter().map(|(at, through)| shown_site(at, through)).collect();
                text.push_str(&format!("\n  {} → {}: {}", pair[0], pair[1], shown.join(", ")));
            }
            out.push(text);
        }
    }
    out
}

/// The shortest way from `from` to `to` along `next`, both ends included (breadth first,
/// neighbours in name order, so the answer is always the same).
fn shortest_path<'a>(next: &BTreeMap<&'a str, Vec<&'a str>>, from: &'a str, to: &'a str) -> Option<Vec<&'a str>> {
    let mut came_from: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([from]);
    while let Some(at) = queue.pop_front() {
        if at == to {
            let mut path = vec![to];
            while let Some(&before) = came_from.get(path[path.len() - 1]) {
                path.push(before);
            }
            path.reverse();
            return Some(path);
        }
        for &step in next.get(at).into_iter().flatten() {
            if step != from && !came_from.contains_key(step) {
                came_from.insert(step, at);
                queue.push_back(step);
            }
        }
    }
    None
}

fn shown_site(at: &Site, through: &[Site]) -> String {
    let mut text = format!("{}:{}", at.file.display(), at.line);
    if !through.is_empty() {
        let uses: Vec<String> = through.iter().map(|s| format!("{}:{}", s.file.display(), s.line)).collect();
        text.push_str(&format!(" (through {})", uses.join(", ")));
    }
    text
}

/// Every import of one layer by another in the files under `src`, with the line that
/// makes it.
fn imports_under(src: &Path) -> Vec<Import> {
    let mut imports = Vec::new();
    for named in Crate::read(src).named() {
        let (Some(from), Some(to)) = (named.from.first(), named.to.first()) else { continue };
        if to != from {
            imports.push(Import { file: named.at.file, line: named.at.line, from: from.clone(), to: to.clone() });
        }
    }
    imports.sort();
    imports.dedup();
    imports
}

/// The layer after each `crate::` in `code` (comments and string literals left out), with
/// its line number; `crate::{a::X, b}` names `a` and `b`.
fn crate_paths(code: &str) -> Vec<(usize, String)> {
    scan::scan(code)
        .written
        .into_iter()
        .filter(|w| w.segments.first().is_some_and(|s| s == "crate"))
        .filter_map(|w| Some((w.line, w.segments.get(1)?.clone())))
        .collect()
}
