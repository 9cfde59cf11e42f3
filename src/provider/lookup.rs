//! What a provider needs from the environment, looked up once for everyone who asks: the
//! key in its key variable, and the agent CLI's program on `PATH` (or the one its
//! `FRONTIER_*_BIN` variable names). `connect` uses these to build a provider, and the
//! catalog's readiness to say what is missing, so the two can't disagree.
//!
//! Knows nothing about how a missing thing is reported to the user.

use std::path::PathBuf;

use super::kind::AgentCli;
use super::{MIN_KEY_CHARS, ProviderError, Secret};
use crate::env::Env;

/// Why a key variable gives no key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyProblem {
    /// The variable is not set.
    Unset,
    /// It holds fewer than `MIN_KEY_CHARS` characters: no real key is that short.
    TooShort,
}

/// The key in variable `var`.
pub fn key(var: &str, env: &Env) -> Result<Secret, KeyProblem> {
    match env.var(var) {
        None => Err(KeyProblem::Unset),
        Some(value) if value.chars().count() < MIN_KEY_CHARS => Err(KeyProblem::TooShort),
        Some(value) => Ok(Secret::new(value)),
    }
}

impl KeyProblem {
    /// The failure of a request that needed the key in `var`.
    pub fn error(self, var: &str) -> ProviderError {
        match self {
            KeyProblem::Unset => ProviderError::MissingKey { var: var.to_string() },
            KeyProblem::TooShort => ProviderError::ShortKey { var: var.to_string() },
        }
    }
}

impl AgentCli {
    /// The program a run starts: the override variable's value, else the default name.
    pub fn wanted(self, env: &Env) -> &str {
        env.var(self.override_var()).unwrap_or(self.program())
    }

    /// Where the program `wanted` names is; `MissingProgram` naming it when it is not there.
    pub fn locate(self, env: &Env) -> Result<PathBuf, ProviderError> {
        let wanted = self.wanted(env);
        env.find_program(wanted).ok_or_else(|| ProviderError::MissingProgram { program: wanted.to_string() })
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn a_key_is_set_and_long_enough_or_says_which_it_is_not() {
        let env = Env::from_parts([("SHORT", "abc"), ("LONG", "abcd")], "/");
        assert_eq!(key("UNSET", &env).err(), Some(KeyProblem::Unset));
        assert_eq!(key("SHORT", &env).err(), Some(KeyProblem::TooShort));
        assert_eq!(key("LONG", &env).map(|k| k.expose().to_string()), Ok("abcd".to_string()));
        assert_eq!(KeyProblem::TooShort.error("SHORT"), ProviderError::ShortKey { var: "SHORT".into() });
    }

    #[test]
    fn the_override_variable_names_the_program_looked_up() {
        let bare = Env::from_parts([("PATH", "/nonexistent")], "/");
        assert_eq!(AgentCli::Codex.locate(&bare), Err(ProviderError::MissingProgram { program: "codex".into() }));
        let pointed = Env::from_parts([("PATH", "/nonexistent"), ("FRONTIER_CODEX_BIN", "/bin/sh")], "/");
        assert_eq!(AgentCli::Codex.wanted(&pointed), "/bin/sh");
        assert_eq!(AgentCli::Codex.locate(&pointed), Ok(PathBuf::from("/bin/sh")));
        assert_eq!(AgentCli::Claude.wanted(&pointed), "claude");
    }
}
