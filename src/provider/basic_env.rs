//! The environment variables every program is given that hold no key: the one list an
//! agent CLI child always sees (`agent_cli::child_env`, an allow-list) and that no
//! provider may name as its key variable (`config`'s `api_key_env` check, a deny-list
//! with the shell's own variables besides). docs/design-notes.md says why the two lists
//! share these and differ in the rest.
//!
//! Knows nothing about the variables' values: it never reads the environment.

/// What every program is given: its path, home, user, shell, language, time zone, temp
/// and XDG directories.
pub const BASICS: &[&str] = &[
    "PATH",
    "HOME",
    "USER",
    "LOGNAME",
    "SHELL",
    "LANG",
    "LANGUAGE",
    "TZ",
    "TMPDIR",
    "TMP",
    "TEMP",
    "XDG_CONFIG_HOME",
    "XDG_DATA_HOME",
    "XDG_CACHE_HOME",
    "XDG_STATE_HOME",
];

/// The locale categories (POSIX and glibc). The `Env` snapshot is read by name, so the
/// `LC_*` family is listed in full.
pub const LOCALE: &[&str] = &[
    "LC_ALL",
    "LC_ADDRESS",
    "LC_COLLATE",
    "LC_CTYPE",
    "LC_IDENTIFICATION",
    "LC_MEASUREMENT",
    "LC_MESSAGES",
    "LC_MONETARY",
    "LC_NAME",
    "LC_NUMERIC",
    "LC_PAPER",
    "LC_TELEPHONE",
    "LC_TIME",
];

/// Proxy URLs. A child reaches its API through them; they may embed a proxy's password
/// (so a child's errors redact them like keys), but never an API key.
pub const PROXIES: &[&str] = &["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"];
