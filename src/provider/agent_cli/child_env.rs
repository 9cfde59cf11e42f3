//! The environment an agent CLI child gets: an allow-list, never the parent's whole
//! environment. Every child sees the basics a program needs (PATH, HOME, user, shell,
//! locale, time zone, temp and XDG dirs) and the network settings it needs to reach its
//! API (proxies, CA bundles); each CLI also sees its own auth and config variables, and
//! nothing of the others'. `FRONTIER_DEPTH` is always set one deeper than ours, so a
//! CLI that re-fires the user's prompt hooks can't start frontier recursively.
//!
//! Values come from the `Env` snapshot. Knows nothing about spawning processes.

use super::AgentCli;
use crate::env::Env;
use crate::provider::Secret;
use crate::provider::basic_env::{BASICS, LOCALE, PROXIES};

/// How a child reaches its API from behind a proxy or a private CA.
const NETWORK: &[&str] = &["NO_PROXY", "no_proxy", "SSL_CERT_FILE", "SSL_CERT_DIR", "NODE_EXTRA_CA_CERTS"];

/// One CLI's own variables: plain settings, and secrets (redacted from its errors).
struct Vars {
    settings: &'static [&'static str],
    secrets: &'static [&'static str],
}

const CLAUDE: Vars = Vars {
    settings: &[
        "ANTHROPIC_BASE_URL",
        "ANTHROPIC_MODEL",
        "CLAUDE_CONFIG_DIR",
        "DISABLE_AUTOUPDATER",
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC",
        "CLAUDE_CODE_USE_BEDROCK",
        "CLAUDE_CODE_USE_VERTEX",
    ],
    secrets: &["ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "CLAUDE_CODE_OAUTH_TOKEN"],
};

/// What Claude Code needs when `CLAUDE_CODE_USE_BEDROCK` is on, and only then.
const CLAUDE_BEDROCK: Vars = Vars {
    settings: &[
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_PROFILE",
        "AWS_CONFIG_FILE",
        "AWS_SHARED_CREDENTIALS_FILE",
        "ANTHROPIC_BEDROCK_BASE_URL",
    ],
    secrets: &["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_BEARER_TOKEN_BEDROCK"],
};

/// What Claude Code needs when `CLAUDE_CODE_USE_VERTEX` is on, and only then.
const CLAUDE_VERTEX: Vars = Vars {
    settings: &[
        "CLOUD_ML_REGION",
        "ANTHROPIC_VERTEX_PROJECT_ID",
        "ANTHROPIC_VERTEX_BASE_URL",
        "GOOGLE_APPLICATION_CREDENTIALS",
        "GOOGLE_CLOUD_PROJECT",
        "CLOUDSDK_CONFIG",
    ],
    secrets: &[],
};

/// Codex's own variables. A custom provider's key variable (`env_key` in its
/// config.toml) is added by the caller, from the config the user wrote.
const CODEX: Vars = Vars {
    settings: &["CODEX_HOME", "OPENAI_BASE_URL", "OPENAI_ORGANIZATION", "OPENAI_PROJECT", "CODEX_CA_CERTIFICATE"],
    secrets: &["OPENAI_API_KEY", "CODEX_API_KEY"],
};

const GEMINI: Vars = Vars {
    settings: &[
        "GOOGLE_GEMINI_BASE_URL",
        "GOOGLE_CLOUD_PROJECT",
        "GOOGLE_CLOUD_LOCATION",
        "GOOGLE_APPLICATION_CREDENTIALS",
        "GOOGLE_GENAI_USE_VERTEXAI",
        "GOOGLE_GENAI_USE_GCA",
        "GEMINI_CLI_TRUST_WORKSPACE",
    ],
    secrets: &["GEMINI_API_KEY", "GOOGLE_API_KEY"],
};

/// A child's variables, and the secret values among them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChildEnv {
    pub vars: Vec<(String, String)>,
    pub secrets: Vec<Secret>,
}

impl ChildEnv {
    fn take(&mut self, env: &Env, names: &[&str], secret: bool) {
        for name in names {
            let Some(value) = env.var(name) else { continue };
            // A variable passed already as a setting still becomes a secret when a list
            // of secrets names it too (codex's config may name any variable as its key).
            if secret && !self.secrets.iter().any(|s| s.expose() == value) {
                self.secrets.push(Secret::new(value));
            }
            if !self.vars.iter().any(|(k, _)| k == name) {
                self.vars.push((name.to_string(), value.to_string()));
            }
        }
    }

    fn take_vars(&mut self, env: &Env, vars: &Vars) {
        self.take(env, vars.settings, false);
        self.take(env, vars.secrets, true);
    }

    /// `text` with every secret value replaced, longest first (so that a secret
    /// containing another is not half-revealed).
    pub fn redact(&self, text: &str) -> String {
        crate::provider::redact_all(&self.secrets, text)
    }
}

/// The password inside a proxy URL (`http://user:pw@proxy:3128`), which a CLI may quote
/// on its own, away from the rest of the URL. As written in the URL (percent-escapes
/// kept): that is the form a CLI that echoes its proxy setting prints.
fn proxy_password(url: &str) -> Option<Secret> {
    let url = reqwest::Url::parse(url).ok()?;
    url.password().filter(|p| !p.is_empty()).map(Secret::new)
}

/// Whether a switch such as `CLAUDE_CODE_USE_BEDROCK` is on.
fn switched_on(env: &Env, name: &str) -> bool {
    env.var(name).is_some_and(|v| !matches!(v.trim().to_ascii_lowercase().as_str(), "0" | "false" | "no" | "off"))
}

/// The environment for `cli`. `extra_secrets` names further key variables the CLI's own
/// config says it reads (codex's `env_key`).
pub fn child_env(cli: AgentCli, env: &Env, extra_secrets: &[String]) -> ChildEnv {
    let mut child = ChildEnv::default();
    child.take(env, BASICS, false);
    child.take(env, LOCALE, false);
    child.take(env, NETWORK, false);
    child.take(env, PROXIES, true);
    child.secrets.extend(PROXIES.iter().filter_map(|name| proxy_password(env.var(name)?)));
    match cli {
        AgentCli::Claude => {
            child.take_vars(env, &CLAUDE);
            if switched_on(env, "CLAUDE_CODE_USE_BEDROCK") {
                child.take_vars(env, &CLAUDE_BEDROCK);
            }
            if switched_on(env, "CLAUDE_CODE_USE_VERTEX") {
                child.take_vars(env, &CLAUDE_VERTEX);
            }
        }
        AgentCli::Codex => child.take_vars(env, &CODEX),
        AgentCli::Gemini => child.take_vars(env, &GEMINI),
    }
    let extra: Vec<&str> = extra_secrets.iter().map(String::as_str).filter(|n| !n.starts_with("FRONTIER_")).collect();
    child.take(env, &extra, true);
    let depth = env.depth().saturating_add(1).max(1);
    child.vars.push(("FRONTIER_DEPTH".to_string(), depth.to_string()));
    child
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use pretty_assertions::assert_eq;

    use super::*;

    fn parent(extra: &[(&str, &str)]) -> Env {
        let mut vars = vec![
            ("PATH", "/usr/bin:/bin"),
            ("HOME", "/home/u"),
            ("LANG", "en_GB.UTF-8"),
            ("LC_TIME", "C"),
            ("SECRET_PARENT_ONLY", "do-not-pass"),
            ("ANTHROPIC_API_KEY", "sk-ant-sentinel"),
            ("OPENAI_API_KEY", "sk-openai-sentinel"),
            ("GEMINI_API_KEY", "gm-sentinel"),
            ("AWS_SECRET_ACCESS_KEY", "aws-sentinel"),
            ("CLAUDECODE", "1"),
            ("FRONTIER_HOME", "/tmp/fh"),
            ("EMPTY", ""),
        ];
        vars.extend_from_slice(extra);
        Env::from_parts(vars, "/work")
    }

    fn vars(child: &ChildEnv) -> BTreeMap<&str, &str> {
        child.vars.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
    }

    fn names(child: &ChildEnv) -> Vec<&str> {
        vars(child).into_keys().collect()
    }

    #[test]
    fn each_cli_gets_the_basics_and_only_its_own_key() {
        let env = parent(&[]);
        let basics = ["FRONTIER_DEPTH", "HOME", "LANG", "LC_TIME", "PATH"];
        let with = |key: &'static str| {
            let mut n = basics.to_vec();
            n.push(key);
            n.sort();
            n
        };
        assert_eq!(names(&child_env(AgentCli::Claude, &env, &[])), with("ANTHROPIC_API_KEY"));
        assert_eq!(names(&child_env(AgentCli::Codex, &env, &[])), with("OPENAI_API_KEY"));
        assert_eq!(names(&child_env(AgentCli::Gemini, &env, &[])), with("GEMINI_API_KEY"));
    }

    #[test]
    fn depth_is_one_deeper_than_ours() {
        let depth = |env: &Env| vars(&child_env(AgentCli::Claude, env, &[]))["FRONTIER_DEPTH"].to_string();
        assert_eq!(depth(&parent(&[])), "1");
        assert_eq!(depth(&parent(&[("FRONTIER_DEPTH", "0")])), "1");
        assert_eq!(depth(&parent(&[("FRONTIER_DEPTH", "2")])), "3");
        assert_eq!(depth(&parent(&[("FRONTIER_DEPTH", "junk")])), "2");
    }

    #[test]
    fn cloud_credentials_pass_only_when_their_backend_is_switched_on() {
        let off = child_env(AgentCli::Claude, &parent(&[("CLAUDE_CODE_USE_BEDROCK", "0")]), &[]);
        assert!(!names(&off).contains(&"AWS_SECRET_ACCESS_KEY"));
        let on =
            child_env(AgentCli::Claude, &parent(&[("CLAUDE_CODE_USE_BEDROCK", "1"), ("AWS_REGION", "eu-west-1")]), &[]);
        assert!(names(&on).contains(&"AWS_SECRET_ACCESS_KEY"));
        assert!(names(&on).contains(&"AWS_REGION"));
        let codex = child_env(AgentCli::Codex, &parent(&[("CLAUDE_CODE_USE_BEDROCK", "1")]), &[]);
        assert!(!names(&codex).contains(&"AWS_SECRET_ACCESS_KEY"));
    }

    #[test]
    fn a_configured_key_variable_passes_and_is_secret_but_never_overrides_depth() {
        let env = parent(&[("LOCAL_API_KEY", "local-sentinel"), ("FRONTIER_DEPTH", "0")]);
        let child =
            child_env(AgentCli::Codex, &env, &["LOCAL_API_KEY".into(), "FRONTIER_DEPTH".into(), "UNSET_KEY".into()]);
        assert_eq!(vars(&child).get("LOCAL_API_KEY"), Some(&"local-sentinel"));
        assert_eq!(child.vars.iter().filter(|(k, _)| k == "FRONTIER_DEPTH").count(), 1);
        assert_eq!(child.redact("bad key local-sentinel"), "bad key [redacted]");
    }

    #[test]
    fn secrets_and_proxy_urls_are_redacted() {
        let env = parent(&[("HTTPS_PROXY", "http://user:pw-sentinel@proxy:3128")]);
        let child = child_env(AgentCli::Claude, &env, &[]);
        assert_eq!(
            child.redact("key sk-ant-sentinel via http://user:pw-sentinel@proxy:3128"),
            "key [redacted] via [redacted]"
        );
        assert_eq!(child.redact("sk-openai-sentinel"), "sk-openai-sentinel", "not this child's secret");
        assert_eq!(child.redact("407 for user:pw-sentinel"), "407 for user:[redacted]", "the password alone");
    }

    #[test]
    fn a_key_variable_that_is_also_a_setting_is_still_redacted() {
        let env = parent(&[("CODEX_HOME", "/home/u/codex-home-sentinel")]);
        let child = child_env(AgentCli::Codex, &env, &["CODEX_HOME".into()]);
        assert_eq!(child.vars.iter().filter(|(k, _)| k == "CODEX_HOME").count(), 1);
        assert_eq!(child.redact("no /home/u/codex-home-sentinel"), "no [redacted]");
    }
}
