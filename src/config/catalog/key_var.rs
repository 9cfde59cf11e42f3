//! Which variable may be a provider's `api_key_env`: a plausible variable name, and not
//! one of the variables every shell sets that hold no secret (naming `PATH` would send the
//! user's path to the server as a key).
//!
//! Knows nothing about the variables' values: it never reads the environment.

use crate::provider::basic_env::{BASICS, PROXIES};

/// Variables that are set in every shell and hold no secret, besides the ones every
/// program is given (`BASICS`) and the proxies: naming one as a provider's key variable
/// would send its value (a path, a user name) to the server as a key.
const NOT_KEY_VARIABLES: &[&str] = &[
    "USERNAME",
    "PWD",
    "OLDPWD",
    "TERM",
    "COLORTERM",
    "TERM_PROGRAM",
    "EDITOR",
    "VISUAL",
    "PAGER",
    "DISPLAY",
    "HOSTNAME",
    "HOST",
    "SHLVL",
    "MAIL",
    "IFS",
    "PS1",
    "PS2",
    "CDPATH",
    "MANPATH",
    "INFOPATH",
    "LD_LIBRARY_PATH",
    "LD_PRELOAD",
    "SSH_AUTH_SOCK",
    "DBUS_SESSION_BUS_ADDRESS",
    "WAYLAND_DISPLAY",
    "NO_PROXY",
    "_",
];
/// Families of the same: locale, XDG directories, and frontier's own settings.
const NOT_KEY_PREFIXES: &[&str] = &["LC_", "XDG_", "FRONTIER_"];

/// Checks `api_key_env` of provider `provider`: a plausible variable name that is not one
/// of the well-known non-secret ones.
pub(super) fn check_key_variable(provider: &str, var: &str) -> Result<(), KeyVariableError> {
    let provider = provider.to_string();
    if var.is_empty() {
        return Err(KeyVariableError::Empty { provider });
    }
    let mut chars = var.chars();
    let plausible = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !plausible {
        return Err(KeyVariableError::NotAName { provider });
    }
    let upper = var.to_ascii_uppercase();
    let holds_no_key = [NOT_KEY_VARIABLES, BASICS, PROXIES].iter().any(|names| names.contains(&upper.as_str()))
        || NOT_KEY_PREFIXES.iter().any(|p| upper.starts_with(p));
    if holds_no_key {
        return Err(KeyVariableError::HoldsNoKey { provider, var: var.to_string() });
    }
    Ok(())
}

/// Why a provider's `api_key_env` is refused; each message says what to name instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(super) enum KeyVariableError {
    #[error(
        "provider `{provider}` has an empty api_key_env: name the variable that holds its key, or leave api_key_env out if its server needs none"
    )]
    Empty { provider: String },
    /// Holds no copy of the value: a value that is not a variable name may be the key
    /// itself, so it is never shown.
    #[error(
        "provider `{provider}` has an api_key_env that is not a variable name (letters, digits and `_`, not starting with a digit); it must name the variable that holds the key, not the key itself (the value is not shown, in case it is one)"
    )]
    NotAName { provider: String },
    #[error(
        "provider `{provider}` has api_key_env `{var}`, which holds no key: its value would be sent to the server as one; name the variable that holds the key, e.g. `{}_API_KEY`",
        provider.to_ascii_uppercase().replace('-', "_")
    )]
    HoldsNoKey { provider: String, var: String },
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn key_variables_must_be_names_of_secrets() {
        for good in ["OPENAI_API_KEY", "_K", "my_key2"] {
            assert_eq!(check_key_variable("p", good), Ok(()));
        }
        for bad in [
            "",
            "PATH",
            "home",
            "LC_CTYPE",
            "XDG_CONFIG_HOME",
            "FRONTIER_DEPTH",
            "https_proxy",
            "2KEY",
            "A-B",
            "A B",
            "K\u{200b}",
        ] {
            assert!(check_key_variable("p", bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn a_refused_key_variable_says_what_to_name_instead() {
        let err = |var: &str| check_key_variable("my-gw", var).err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(
            err(""),
            "provider `my-gw` has an empty api_key_env: name the variable that holds its key, or leave api_key_env out if its server needs none"
        );
        assert_eq!(
            err("sk-secret"),
            "provider `my-gw` has an api_key_env that is not a variable name (letters, digits and `_`, not starting with a digit); it must name the variable that holds the key, not the key itself (the value is not shown, in case it is one)"
        );
        assert_eq!(
            err("Path"),
            "provider `my-gw` has api_key_env `Path`, which holds no key: its value would be sent to the server as one; name the variable that holds the key, e.g. `MY_GW_API_KEY`"
        );
    }
}
