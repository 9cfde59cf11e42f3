//! Helpers for the tests of `frontier install`: a project directory, the installed binary's
//! path as install writes it, and reading, writing and listing the files it changes.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::{Outcome, TestEnv};

/// The canonical path of the binary under test: what `install` writes into a host's files.
pub fn binary() -> String {
    std::fs::canonicalize(env!("CARGO_BIN_EXE_frontier")).unwrap().display().to_string()
}

/// A project directory inside the test's working directory.
pub fn project(env: &TestEnv) -> PathBuf {
    let dir = env.work_dir().join("proj");
    std::fs::create_dir_all(&dir).unwrap();
    dir.canonicalize().unwrap()
}

pub fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}\n{text}", path.display()))
}

pub fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Runs frontier, which must exit 0.
pub fn ok(env: &TestEnv, args: &[&str]) -> Outcome {
    let outcome = env.frontier(args).output();
    assert_eq!(outcome.code, Some(0), "frontier {}:\n{outcome}", args.join(" "));
    outcome
}

/// Everything under `dir`, files and directories, relative to it.
pub fn tree(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(&next).unwrap() {
            let path = entry.unwrap().path();
            found.push(path.strip_prefix(dir).unwrap().display().to_string());
            if path.is_dir() {
                stack.push(path);
            }
        }
    }
    found.sort();
    found
}
