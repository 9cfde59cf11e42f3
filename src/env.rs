//! A snapshot of the process environment (variables, working directory, and whether
//! stdout and stderr are terminals and how wide), taken once at start-up and passed down
//! as a value.
//!
//! Knows nothing about what the variables mean; `config`, `provider` and `render`
//! interpret them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Variables and working directory of the invocation.
#[derive(Debug, Clone, Default)]
pub struct Env {
    vars: BTreeMap<String, String>,
    cwd: PathBuf,
    terminal: Terminal,
}

/// What the standard output streams were at start-up.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Terminal {
    pub stdout: bool,
    pub stderr: bool,
    /// The terminal's width in columns, read from whichever of stdout and stderr is one.
    pub columns: Option<u16>,
}

impl Terminal {
    fn capture() -> Terminal {
        use std::io::IsTerminal as _;
        let size = terminal_size::terminal_size_of(std::io::stdout())
            .or_else(|| terminal_size::terminal_size_of(std::io::stderr()));
        Terminal {
            stdout: std::io::stdout().is_terminal(),
            stderr: std::io::stderr().is_terminal(),
            columns: size.map(|(w, _)| w.0).filter(|w| *w > 0),
        }
    }
}

impl Env {
    /// Reads the real process environment. Variables that are not valid UTF-8 are skipped.
    pub fn capture() -> Self {
        Env {
            vars: std::env::vars_os()
                .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
                .collect(),
            cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
            terminal: Terminal::capture(),
        }
    }

    /// An environment built from explicit values, for tests and embedding.
    pub fn from_parts<K, V>(vars: impl IntoIterator<Item = (K, V)>, cwd: impl Into<PathBuf>) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        Env {
            vars: vars.into_iter().map(|(k, v)| (k.into(), v.into())).collect(),
            cwd: cwd.into(),
            terminal: Terminal::default(),
        }
    }

    /// The same environment, as if its streams were `terminal`.
    pub fn with_terminal(mut self, terminal: Terminal) -> Self {
        self.terminal = terminal;
        self
    }

    pub fn terminal(&self) -> Terminal {
        self.terminal
    }

    /// The value of `name`, if set. An empty value counts as unset.
    pub fn var(&self, name: &str) -> Option<&str> {
        self.vars.get(name).map(String::as_str).filter(|v| !v.is_empty())
    }

    pub fn cwd(&self) -> &Path {
        &self.cwd
    }

    /// The executable file `name` resolves to: a path if it contains `/` (relative to the
    /// working directory), else the first match on this environment's `PATH`.
    pub fn find_program(&self, name: &str) -> Option<PathBuf> {
        use std::os::unix::fs::PermissionsExt as _;
        let executable = |p: &Path| p.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0);
        if name.contains('/') {
            let path = self.cwd.join(name);
            return executable(&path).then_some(path);
        }
        let path = self.var("PATH")?;
        std::env::split_paths(path).map(|dir| dir.join(name)).find(|p| executable(p))
    }

    /// How deep in a chain of frontier invocations this process is. An unset, empty or
    /// `0` value is the top level; a value that is not a number is treated as nested,
    /// because refusing a run is safer than forking the engine recursively.
    pub fn depth(&self) -> u32 {
        match self.var("FRONTIER_DEPTH").map(str::trim) {
            None | Some("") => 0,
            Some(v) => v.parse().unwrap_or(1),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programs_are_found_on_this_environments_path_only() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let bin = dir.path().join("tool");
        std::fs::write(&bin, "#!/bin/sh\n").unwrap_or_else(|e| panic!("{e}"));
        let not_exec = dir.path().join("data");
        std::fs::write(&not_exec, "x").unwrap_or_else(|e| panic!("{e}"));
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap_or_else(|e| panic!("{e}"));
        let env = Env::from_parts([("PATH", dir.path().to_string_lossy().into_owned())], "/");
        assert_eq!(env.find_program("tool"), Some(bin.clone()));
        assert_eq!(env.find_program("data"), None);
        assert_eq!(env.find_program(&bin.to_string_lossy()), Some(bin));
        assert_eq!(Env::from_parts::<&str, &str>([], "/").find_program("tool"), None);
    }

    #[test]
    fn depth_reads_empty_and_zero_as_top_level() {
        let depth = |v: &str| Env::from_parts([("FRONTIER_DEPTH", v)], "/").depth();
        assert_eq!(depth(""), 0);
        assert_eq!(depth("0"), 0);
        assert_eq!(depth(" 0 "), 0);
        assert_eq!(depth("1"), 1);
        assert_eq!(depth("3"), 3);
        assert_eq!(depth("yes"), 1);
        assert_eq!(Env::from_parts::<&str, &str>([], "/").depth(), 0);
    }
}
