//! The crate's modules as its files lay them out, and what each path a file names points
//! at: `crate::`, `super::` and `self::` paths made absolute, and a name brought in through
//! a parent's `use` (a re-export, public or not) followed to where it comes from.
//!
//! It knows the layout rules of Rust 2018 (`a/b.rs` or `a/b/mod.rs` is `a::b`; `a.rs` is
//! the parent of `a/`), not items: a path's module is the longest prefix of it that is a
//! file or a directory, the rest is an item in it. It does not know `#[path]` attributes
//! (the crate has none) nor what a glob import (`use super::*`) brings in.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::scan::{Written, scan};

/// A module path from the crate root: `["pipeline", "judge"]`.
pub type Module = Vec<String>;

/// A place in the code: a file (as `src/...`) and a line.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Site {
    pub file: PathBuf,
    pub line: usize,
}

/// One path a file names, resolved.
#[derive(Debug, Clone)]
pub struct Named {
    pub at: Site,
    /// The module of the file that names it (inline modules left out).
    pub from: Module,
    /// What it points at, from the crate root, after following re-exports.
    pub to: Vec<String>,
    /// The `use` declarations it went through to get there.
    pub through: Vec<Site>,
    /// Named by code compiled only for tests.
    pub test: bool,
}

pub struct File {
    pub path: PathBuf,
    pub module: Module,
    pub written: Vec<Written>,
    /// Compiled only for tests: declared under `#[cfg(test)]`, or inside such a module.
    pub test: bool,
}

pub struct Crate {
    pub files: Vec<File>,
    modules: BTreeSet<Module>,
    /// The names each module's `use` declarations bind, and what they point at.
    exports: BTreeMap<(Module, String), (Vec<String>, Site)>,
}

impl Crate {
    /// The crate made of `sources`: each file's path relative to `src/` and its text.
    pub fn new(sources: &[(PathBuf, String)]) -> Crate {
        let mut files = Vec::new();
        let mut modules = BTreeSet::new();
        let mut test_modules: BTreeSet<Module> = BTreeSet::new();
        for (relative, text) in sources {
            let module = module_of(relative);
            for depth in 0..=module.len() {
                modules.insert(module[..depth].to_vec());
            }
            let scanned = scan(text);
            test_modules.extend(scanned.test_modules.into_iter().map(|m| module.iter().cloned().chain(m).collect()));
            files.push(File { path: Path::new("src").join(relative), module, written: scanned.written, test: false });
        }
        for file in &mut files {
            file.test = (1..=file.module.len()).any(|depth| test_modules.contains(&file.module[..depth]));
        }
        let mut krate = Crate { files, modules, exports: BTreeMap::new() };
        let mut exports = BTreeMap::new();
        for file in &krate.files {
            for written in file.written.iter().filter(|w| w.inline.is_empty()) {
                let (Some(name), Some(to)) = (&written.binds, absolute(&file.module, written)) else { continue };
                if name != "*" && name != "_" {
                    let at = Site { file: file.path.clone(), line: written.line };
                    exports.entry((file.module.clone(), name.clone())).or_insert((to, at));
                }
            }
        }
        krate.exports = exports;
        krate
    }

    /// The crate under the directory `src`.
    pub fn read(src: &Path) -> Crate {
        let mut paths = Vec::new();
        collect_rust_files(src, &mut paths);
        // `main.rs` is the binary, a crate of its own.
        paths.retain(|p| p != &src.join("main.rs"));
        paths.sort();
        let sources: Vec<(PathBuf, String)> = paths
            .into_iter()
            .map(|path| {
                let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
                (path.strip_prefix(src).unwrap_or(&path).to_path_buf(), text)
            })
            .collect();
        Crate::new(&sources)
    }

    /// Every path the files other than the crate roots (`lib.rs`, `main.rs`) name, resolved.
    pub fn named(&self) -> Vec<Named> {
        let mut named = Vec::new();
        for file in self.files.iter().filter(|f| !f.module.is_empty()) {
            for written in &file.written {
                let Some(to) = absolute(&file.module, written) else { continue };
                let (to, through) = self.follow(&file.module, to);
                let at = Site { file: file.path.clone(), line: written.line };
                let test = file.test || written.test;
                named.push(Named { at, from: file.module.clone(), to, through, test });
            }
        }
        named
    }

    /// The module `path` is in: its longest prefix that is a module.
    pub fn module_of_path<'a>(&self, path: &'a [String]) -> &'a [String] {
        let depth = (0..=path.len()).rev().find(|d| self.modules.contains(&path[..*d])).unwrap_or(0);
        &path[..depth]
    }

    /// `to`, named from `from`, followed through the `use` declarations of `from`'s
    /// ancestors: `super::Clock`, where the parent has `use budget::Clock`, is `budget`'s.
    fn follow(&self, from: &[String], mut to: Vec<String>) -> (Vec<String>, Vec<Site>) {
        let mut through = Vec::new();
        // A bound on the steps: two modules could `use` each other's names in a ring.
        for _ in 0..16 {
            let module = self.module_of_path(&to).to_vec();
            let is_ancestor = module.len() < from.len() && from.starts_with(&module);
            let Some(name) = to.get(module.len()).filter(|_| is_ancestor) else { break };
            let Some((target, at)) = self.exports.get(&(module.clone(), name.clone())) else { break };
            if target.starts_with(&module) && target.len() == module.len() + 1 && target[module.len()] == *name {
                break;
            }
            through.push(at.clone());
            to = target.iter().chain(&to[module.len() + 1..]).cloned().collect();
        }
        (to, through)
    }
}

/// The path `written` names in a file of `module`, from the crate root; `None` for a
/// `super` past the root or a path in code that starts with neither `crate`, `super`
/// nor `self`. A bare `use` path (`use budget::Clock`) is the module's own.
fn absolute(module: &[String], written: &Written) -> Option<Vec<String>> {
    let mut here: Vec<String> = module.iter().chain(&written.inline).cloned().collect();
    let mut segments = written.segments.iter().peekable();
    let relative = matches!(segments.peek().map(|s| s.as_str()), Some("self" | "super"));
    if segments.next_if(|s| *s == "crate").is_some() {
        here.clear();
    } else if !relative && written.binds.is_none() {
        return None;
    }
    // `self::super::x` and `super::super::x` alike.
    while let Some(keyword) = segments.next_if(|s| *s == "self" || *s == "super") {
        if keyword == "super" {
            here.pop()?;
        }
    }
    here.extend(segments.cloned());
    Some(here)
}

/// `pipeline/judge/run.rs` → `pipeline::judge::run`; `pipeline/judge/mod.rs` and
/// `pipeline/judge.rs` → `pipeline::judge`; `lib.rs` and `main.rs` → the root.
pub fn module_of(relative: &Path) -> Module {
    let mut module: Module = relative.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    if let Some(last) = module.pop() {
        let stem = last.strip_suffix(".rs").unwrap_or(&last).to_string();
        let is_root = module.is_empty() && (stem == "lib" || stem == "main");
        if stem != "mod" && !is_root {
            module.push(stem);
        }
    }
    module
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
