//! Where each host keeps its own files for the user: its directory, following the host's
//! own override of its home where it has one (`CLAUDE_CONFIG_DIR`, `CODEX_HOME`,
//! `GEMINI_CLI_HOME`, `QWEN_HOME`, `COPILOT_HOME`, `FACTORY_HOME_OVERRIDE`,
//! `XDG_CONFIG_HOME`). The hook's settings, the MCP file and the `/frontier` command of a
//! user install are all found from here, so the three agree.
//!
//! Knows nothing about which files frontier writes there.

use std::path::PathBuf;

use crate::config::Host;
use crate::env::Env;
use crate::error::{Error, Result};

/// The user's home directory.
pub fn home(env: &Env) -> Result<PathBuf> {
    var(env, "HOME")
        .ok_or_else(|| Error::usage("HOME is not set", "set HOME, or install into one project with --project DIR"))
}

/// The directory a variable names (relative to the working directory), when it is set
/// and not empty.
pub fn var(env: &Env, name: &str) -> Option<PathBuf> {
    env.var(name).filter(|v| !v.is_empty()).map(|dir| env.cwd().join(dir))
}

/// `host`'s own directory for the user.
pub fn user_dir(host: Host, env: &Env) -> Result<PathBuf> {
    let home = || home(env);
    let or_home = |name: &str, below: &str| var(env, name).map_or_else(|| home().map(|h| h.join(below)), Ok);
    let config = || var(env, "XDG_CONFIG_HOME").map_or_else(|| home().map(|h| h.join(".config")), Ok);
    Ok(match host {
        Host::ClaudeCode => or_home("CLAUDE_CONFIG_DIR", ".claude")?,
        Host::Codex => or_home("CODEX_HOME", ".codex")?,
        Host::Gemini => var(env, "GEMINI_CLI_HOME").map_or_else(home, Ok)?.join(".gemini"),
        Host::Qwen => or_home("QWEN_HOME", ".qwen")?,
        Host::Copilot => or_home("COPILOT_HOME", ".copilot")?,
        Host::Droid => var(env, "FACTORY_HOME_OVERRIDE").map_or_else(home, Ok)?.join(".factory"),
        Host::OpenCode => config()?.join("opencode"),
        Host::Kilo => config()?.join("kilo"),
        Host::Cline => home()?.join(".cline"),
        Host::Continue => home()?.join(".continue"),
        Host::Cursor => home()?.join(".cursor"),
        Host::Windsurf => home()?.join(".codeium/windsurf"),
        Host::VsCode if cfg!(target_os = "macos") => home()?.join("Library/Application Support/Code/User"),
        Host::VsCode => config()?.join("Code/User"),
        Host::Zed => config()?.join("zed"),
    })
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn each_hosts_override_of_its_home_wins_and_an_empty_one_does_not() {
        let env = Env::from_parts(
            [("HOME", "/h"), ("QWEN_HOME", "/q"), ("FACTORY_HOME_OVERRIDE", "/f"), ("CODEX_HOME", "")],
            "/w",
        );
        let dir = |host| user_dir(host, &env).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(dir(Host::Qwen), PathBuf::from("/q"));
        assert_eq!(dir(Host::Droid), PathBuf::from("/f/.factory"));
        assert_eq!(dir(Host::Codex), PathBuf::from("/h/.codex"));
        assert_eq!(dir(Host::OpenCode), PathBuf::from("/h/.config/opencode"));
        assert!(user_dir(Host::Cursor, &Env::from_parts::<&str, &str>([], "/w")).is_err());
    }
}
