//! `-f` items that are globs (`src/**/*.rs`, `docs/*.md`): telling them from paths,
//! where their walk starts (the directories before the first wildcard), and matching
//! what the walk meets. `*` and `?` stay within one path component, `**` crosses them.
//!
//! Knows nothing about walking or reading: `files` walks from the base and asks
//! [`Glob::matches`].

use std::path::{Component, Path, PathBuf};

use crate::error::{Error, Result};

/// Whether `item` is a glob rather than a path.
pub fn is_glob(item: &str) -> bool {
    item.contains(['*', '?', '['])
}

/// A compiled glob, anchored at the working directory.
#[derive(Debug)]
pub struct Glob {
    /// The directory the walk starts from: `cwd` joined with the components before the
    /// first one holding a wildcard.
    pub base: PathBuf,
    matcher: globset::GlobMatcher,
}

impl Glob {
    /// `item` relative to `cwd` (or absolute).
    pub fn new(item: &str, cwd: &Path) -> Result<Glob> {
        let invalid = |e: String| {
            Error::usage(
                format!("`-f {}` is not a valid glob: {e}", crate::error::echo(item)),
                "quote the pattern so the shell leaves it alone, e.g. -f 'src/**/*.rs'",
            )
        };
        let path = Path::new(item);
        let mut base = if path.is_absolute() { PathBuf::from("/") } else { cwd.to_path_buf() };
        let mut pattern = globset::escape(&base.to_string_lossy()).trim_end_matches('/').to_string();
        let mut wild = false;
        for component in path.components() {
            let part = match component {
                Component::CurDir | Component::RootDir | Component::Prefix(_) => continue,
                Component::ParentDir => "..".to_string(),
                Component::Normal(part) => part.to_str().ok_or_else(|| invalid("it is not UTF-8".into()))?.to_string(),
            };
            wild = wild || is_glob(&part);
            if !wild {
                base.push(&part);
            }
            pattern.push('/');
            pattern.push_str(&part);
        }
        let matcher = globset::GlobBuilder::new(&pattern)
            .literal_separator(true)
            .backslash_escape(true)
            .build()
            .map_err(|e| invalid(e.kind().to_string()))?
            .compile_matcher();
        Ok(Glob { base, matcher })
    }

    /// The whole pattern, anchored: two globs with the same one match the same files.
    pub fn pattern(&self) -> &str {
        self.matcher.glob().glob()
    }

    /// Whether the walk's `path` (under [`Glob::base`]) matches.
    pub fn matches(&self, path: &Path) -> bool {
        self.matcher.is_match(path)
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    fn glob(item: &str) -> Glob {
        Glob::new(item, Path::new("/w/[proj]")).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_walk_starts_at_the_last_directory_before_a_wildcard() {
        assert_eq!(glob("src/**/*.rs").base, PathBuf::from("/w/[proj]/src"));
        assert_eq!(glob("./docs/*.md").base, PathBuf::from("/w/[proj]/docs"));
        assert_eq!(glob("*.toml").base, PathBuf::from("/w/[proj]"));
        assert_eq!(glob("/etc/*.conf").base, PathBuf::from("/etc"));
    }

    #[test]
    fn a_star_stays_in_its_component_and_the_cwd_is_taken_literally() {
        let g = glob("src/*.rs");
        assert!(g.matches(Path::new("/w/[proj]/src/a.rs")));
        assert!(!g.matches(Path::new("/w/[proj]/src/deep/b.rs")));
        assert!(!g.matches(Path::new("/w/p/src/a.rs")), "the brackets of the cwd are not a class");
        let g = glob("src/**/*.rs");
        assert!(g.matches(Path::new("/w/[proj]/src/deep/b.rs")) && g.matches(Path::new("/w/[proj]/src/a.rs")));
    }

    #[test]
    fn a_malformed_glob_is_a_usage_error_naming_it() {
        let err = Glob::new("src/[a.rs", Path::new("/w")).err().map(|e| e.to_string());
        assert_eq!(err.as_deref().map(|e| e.starts_with("`-f src/[a.rs` is not a valid glob")), Some(true), "{err:?}");
    }
}
