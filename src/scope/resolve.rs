//! Which scope a command acts on: `--scope`, then `FRONTIER_SCOPE`, then (inside a host
//! hook) the host's workspace scope, else `default`. Workspace scopes are named after
//! the host and a hash of the workspace root, so a shell in a repo and the hook in the
//! same repo agree on the name.
//!
//! A name given by `--scope` or `FRONTIER_SCOPE` must already be canonical — lowercase
//! ASCII letters, digits and single inner `-`, 1 to 64 characters — or it is a usage
//! error whose hint names the canonical form. Mapping names silently (`A_B` and `a-b`
//! both to `a-b`) would let two names the user thinks distinct share one armed state.
//! The aliases and workspace names are canonical by construction.
//!
//! Knows nothing about what a scope holds; `state` reads and writes that.

use std::path::{Path, PathBuf};

use sha2::{Digest as _, Sha256};

use crate::config::Host;
use crate::env::Env;
use crate::error::{Error, Result};

pub const DEFAULT_SCOPE: &str = "default";
const MAX_SCOPE_LEN: usize = 64;

/// The prefix of `host`'s workspace scopes.
fn scope_prefix(host: Host) -> &'static str {
    match host {
        Host::ClaudeCode => "cc",
        other => other.key(),
    }
}

/// How the scope was chosen, for `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeSource {
    Flag,
    Env,
    Host,
    Default,
}

impl ScopeSource {
    pub fn describe(self) -> &'static str {
        match self {
            ScopeSource::Flag => "--scope",
            ScopeSource::Env => "FRONTIER_SCOPE",
            ScopeSource::Host => "host workspace",
            ScopeSource::Default => "default",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    pub name: String,
    pub source: ScopeSource,
}

/// Resolves the scope; `host` is the hook's host and workspace directory, if any.
pub fn resolve(flag: Option<&str>, env: &Env, host: Option<(Host, &Path)>) -> Result<Scope> {
    let (raw, source) = if let Some(flag) = flag {
        (flag.to_string(), ScopeSource::Flag)
    } else if let Some(var) = env.var("FRONTIER_SCOPE") {
        (var.to_string(), ScopeSource::Env)
    } else if let Some((host, dir)) = host {
        (workspace_scope(host, dir), ScopeSource::Host)
    } else {
        (DEFAULT_SCOPE.to_string(), ScopeSource::Default)
    };
    let name = expand(&raw, env.cwd()).map_err(|err| match (err, source) {
        (Error::Usage { what, hint }, ScopeSource::Env) => {
            Error::Usage { what: format!("{what} in FRONTIER_SCOPE"), hint }
        }
        (err, _) => err,
    })?;
    Ok(Scope { name, source })
}

/// Expands the workspace aliases (`codex-project`, `claude-project`, ...) for `cwd`;
/// any other name must be canonical (see the module docs).
pub fn expand(raw: &str, cwd: &Path) -> Result<String> {
    // Each autorun host's alias, and the older spellings still accepted.
    let host = match raw {
        "codex-workspace" => Some(Host::Codex),
        "cc-project" | "claude-workspace" => Some(Host::ClaudeCode),
        "gemini-workspace" => Some(Host::Gemini),
        _ => Host::ALL.into_iter().find(|host| host.project_alias() == Some(raw)),
    };
    if let Some(host) = host {
        return Ok(workspace_scope(host, cwd));
    }
    let name = sanitise(raw);
    if !name.is_empty() && name == raw {
        return Ok(name);
    }
    let rule = "scope names are lowercase letters, digits and single `-` inside, up to 64 characters";
    let hint = if name.is_empty() {
        format!("{rule}; or use an alias such as `codex-project`")
    } else {
        format!("{rule}: did you mean `{name}`?")
    };
    Err(Error::usage(format!("invalid scope name `{}`", crate::error::echo(raw)), hint))
}

fn sanitise(raw: &str) -> String {
    let mapped: String = raw
        .trim()
        .chars()
        .map(|c| c.to_ascii_lowercase())
        .map(|c| if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' { c } else { '-' })
        .collect();
    let mut name = String::with_capacity(mapped.len());
    for c in mapped.chars() {
        if !(c == '-' && name.ends_with('-')) {
            name.push(c);
        }
    }
    name.trim_matches('-').chars().take(MAX_SCOPE_LEN).collect::<String>().trim_end_matches('-').to_string()
}

/// `<host prefix>-<hash of the workspace root of dir>`.
pub fn workspace_scope(host: Host, dir: &Path) -> String {
    format!("{}-{}", scope_prefix(host), workspace_hash(&workspace_root(dir)))
}

/// The nearest ancestor of `dir` holding `.git`, else `dir` itself (so that directories
/// outside git each get a scope of their own). Symbolic links are resolved first.
pub fn workspace_root(dir: &Path) -> PathBuf {
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    dir.ancestors().find(|d| d.join(".git").exists()).map(Path::to_path_buf).unwrap_or(dir)
}

/// The first 8 hex digits of the SHA-256 of the path, byte for byte (case preserved).
pub fn workspace_hash(root: &Path) -> String {
    let digest = Sha256::digest(root.as_os_str().as_encoded_bytes());
    digest.iter().take(4).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    fn env(vars: &[(&str, &str)], cwd: &Path) -> Env {
        Env::from_parts(vars.iter().copied(), cwd)
    }

    #[test]
    fn resolution_order_is_flag_env_host_default() {
        let cwd = Path::new("/nonexistent/repo");
        let with_var = env(&[("FRONTIER_SCOPE", "team-one")], cwd);
        let host = Some((Host::Codex, cwd));
        let name = |flag, env: &Env, host| resolve(flag, env, host).map(|s| (s.name, s.source)).ok();
        assert_eq!(name(Some("mine"), &with_var, host), Some(("mine".into(), ScopeSource::Flag)));
        assert_eq!(name(None, &with_var, host), Some(("team-one".into(), ScopeSource::Env)));
        let bare = env(&[], cwd);
        assert_eq!(name(None, &bare, host), Some((workspace_scope(Host::Codex, cwd), ScopeSource::Host)));
        assert_eq!(name(None, &bare, None), Some(("default".into(), ScopeSource::Default)));
    }

    #[test]
    fn project_aliases_name_the_workspace_scope() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        std::fs::create_dir_all(dir.path().join(".git/x")).unwrap_or_else(|e| panic!("{e}"));
        std::fs::create_dir_all(dir.path().join("src/deep")).unwrap_or_else(|e| panic!("{e}"));
        let root_hash = workspace_hash(&std::fs::canonicalize(dir.path()).unwrap_or_default());
        let from_sub = expand("codex-project", &dir.path().join("src/deep")).ok();
        assert_eq!(from_sub, Some(format!("codex-{root_hash}")));
        assert_eq!(expand("claude-project", dir.path()).ok(), Some(format!("cc-{root_hash}")));
        assert_eq!(expand("gemini-project", dir.path()).ok(), Some(format!("gemini-{root_hash}")));
    }

    #[test]
    fn directories_outside_git_get_their_own_scope() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        for d in [&a, &b] {
            std::fs::create_dir_all(d).unwrap_or_else(|e| panic!("{e}"));
        }
        assert_ne!(workspace_scope(Host::Codex, &a), workspace_scope(Host::Codex, &b));
    }

    #[test]
    fn hash_is_case_sensitive() {
        assert_ne!(workspace_hash(Path::new("/Work/Repo")), workspace_hash(Path::new("/work/repo")));
        assert_eq!(workspace_hash(Path::new("/work/repo")).len(), 8);
    }

    #[test]
    fn only_canonical_names_are_accepted_and_the_hint_names_the_canonical_form() {
        let cwd = Path::new("/");
        for good in ["a", "a-b", "team-1", "default", &"x".repeat(64)] {
            assert_eq!(expand(good, cwd).ok().as_deref(), Some(good));
        }
        let hint = |raw: &str| match expand(raw, cwd) {
            Err(Error::Usage { what, hint }) => {
                assert_eq!(what, format!("invalid scope name `{}`", crate::error::echo(raw)));
                hint
            }
            other => panic!("{raw:?}: {other:?}"),
        };
        let rule = "scope names are lowercase letters, digits and single `-` inside, up to 64 characters";
        // Names that sanitise to the same scope are no longer silently one scope.
        assert_eq!(hint("A_B"), format!("{rule}: did you mean `a-b`?"));
        assert_eq!(hint("My_Scope!!x"), format!("{rule}: did you mean `my-scope-x`?"));
        assert_eq!(hint("../../etc"), format!("{rule}: did you mean `etc`?"));
        assert_eq!(hint(" mine"), format!("{rule}: did you mean `mine`?"));
        assert_eq!(hint("a--b"), format!("{rule}: did you mean `a-b`?"));
        assert_eq!(hint("-a"), format!("{rule}: did you mean `a`?"));
        assert_eq!(hint(&"x".repeat(65)), format!("{rule}: did you mean `{}`?", "x".repeat(64)));
        assert_eq!(hint("///"), format!("{rule}; or use an alias such as `codex-project`"));
        assert_eq!(hint(""), format!("{rule}; or use an alias such as `codex-project`"));
    }

    #[test]
    fn a_bad_frontier_scope_says_where_the_name_came_from() {
        let bad = env(&[("FRONTIER_SCOPE", "Team_One")], Path::new("/"));
        let err = resolve(None, &bad, None).err().map(|e| e.to_string());
        assert_eq!(err.as_deref(), Some("invalid scope name `Team_One` in FRONTIER_SCOPE"));
    }
}
