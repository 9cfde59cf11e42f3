//! Whether a route can be used right now, and if not, what is missing and how to fix it:
//! its key is set, its agent CLI installed, or — for a server that needs no key or runs on
//! this machine — what a probe found (`Probes`), else "not checked". The lookups are the
//! provider layer's own (`provider::lookup`), the same ones `provider::connect` makes, so
//! a route said to be ready connects.
//!
//! Knows nothing about how a route is called, nor how a server is probed: `doctor` probes
//! and hands the outcomes in.

use std::collections::BTreeMap;

use super::{Catalog, ModelSpec, ProviderInfo, Route};
use crate::env::Env;
use crate::provider::ProviderKind;
use crate::provider::lookup::{self, KeyProblem};

/// Whether a route can be used right now, and if not, what is missing and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Readiness {
    Ready,
    /// Nothing frontier can see is missing, but only contacting the server would prove
    /// it is there: a server that needs no key (Ollama), or one on this machine.
    NotChecked {
        what: String,
    },
    Missing {
        what: String,
        fix: String,
    },
}

impl Readiness {
    /// Checked and ready.
    pub fn is_ready(&self) -> bool {
        matches!(self, Readiness::Ready)
    }

    /// Worth trying: ready, or not checked. A run takes such a route.
    pub fn is_usable(&self) -> bool {
        !matches!(self, Readiness::Missing { .. })
    }
}

/// What a probe found at a provider's server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reach {
    /// Something answered HTTP at the route a run calls under the base URL (any status
    /// but 404: a 401 still proves the path).
    Answered {
        status: u16,
    },
    /// A server answered, but 404 at that route: base_url's path is not the one the
    /// provider's kind calls. `url` is what was asked, `fix` what to change.
    NoRoute {
        url: String,
        fix: String,
    },
    Unreachable {
        why: String,
    },
}

/// Probe outcomes by provider name; empty when nothing was probed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Probes(BTreeMap<String, Reach>);

impl Probes {
    pub fn insert(&mut self, provider: &str, reach: Reach) {
        self.0.insert(provider.to_string(), reach);
    }

    pub fn get(&self, provider: &str) -> Option<&Reach> {
        self.0.get(provider)
    }
}

impl Catalog {
    /// Whether `route` can be used in `env`, with nothing probed.
    pub fn readiness(route: &Route, env: &Env) -> Readiness {
        Catalog::provider_readiness(&route.provider, env, &Probes::default())
    }

    /// Whether a provider can be used in `env`: its key is set, or its program installed;
    /// and, for a keyless or local server, what `probes` found there (else not checked).
    pub fn provider_readiness(provider: &ProviderInfo, env: &Env, probes: &Probes) -> Readiness {
        if let Some(cli) = provider.kind.agent_cli() {
            return match cli.locate(env) {
                Ok(_) => Readiness::Ready,
                Err(_) => Readiness::Missing {
                    what: format!("`{}` is not on PATH", cli.wanted(env)),
                    fix: format!(
                        "install and log in to `{}`, or set {} to its path",
                        cli.program(),
                        cli.override_var()
                    ),
                },
            };
        }
        if provider.kind == ProviderKind::Mock {
            return Readiness::Ready;
        }
        if let Some(var) = &provider.api_key_env {
            let fix = || format!("export {var}=<your key> (provider `{}`)", provider.name);
            match lookup::key(var, env) {
                Ok(_) => {}
                Err(KeyProblem::Unset) => {
                    return Readiness::Missing { what: format!("{var} is not set"), fix: fix() };
                }
                Err(KeyProblem::TooShort) => {
                    return Readiness::Missing { what: format!("{var} is too short to be a key"), fix: fix() };
                }
            }
        }
        let local = provider.base_url.loopback();
        let at = local.as_ref().map_or_else(|| provider.base_url.to_string(), |l| l.shown.clone());
        match probes.get(&provider.name) {
            Some(Reach::Answered { .. }) => Readiness::Ready,
            Some(Reach::Unreachable { why }) => Readiness::Missing {
                what: format!("no server answers at {at} ({why})"),
                fix: format!(
                    "start the server (Ollama: `ollama serve`), or set [providers.{}] base_url in config.toml to where it listens",
                    provider.name
                ),
            },
            Some(Reach::NoRoute { url, fix }) => Readiness::Missing {
                what: format!(
                    "the server at {at} answers 404 at {url}: not where base_url's path says it serves the API"
                ),
                fix: format!("{fix} ([providers.{}] base_url in config.toml)", provider.name),
            },
            None if local.is_some() => {
                Readiness::NotChecked { what: format!("server at {at} not checked (`frontier doctor` probes it)") }
            }
            None if provider.api_key_env.is_none() => {
                Readiness::NotChecked { what: format!("needs no key; server at {at} not checked") }
            }
            None => Readiness::Ready,
        }
    }

    /// The route a run would take for `spec`: the first usable one (ready or not
    /// checked, in the catalog's order of preference), else the first.
    pub fn select<'a>(spec: &'a ModelSpec, env: &Env) -> Option<(&'a Route, Readiness)> {
        Catalog::select_probed(spec, env, &Probes::default())
    }

    /// `select`, knowing what probes found.
    pub fn select_probed<'a>(spec: &'a ModelSpec, env: &Env, probes: &Probes) -> Option<(&'a Route, Readiness)> {
        let judged = || spec.routes.iter().map(|r| (r, Catalog::provider_readiness(&r.provider, env, probes)));
        judged().find(|(_, readiness)| readiness.is_usable()).or_else(|| judged().next())
    }

    /// What would make `spec` usable: the fix of every route that lacks one, in order,
    /// once each (a key, a logged-in CLI, OpenRouter...). Empty when a route is usable.
    pub fn fixes(spec: &ModelSpec, env: &Env, probes: &Probes) -> Vec<String> {
        let mut fixes = Vec::new();
        for route in &spec.routes {
            match Catalog::provider_readiness(&route.provider, env, probes) {
                Readiness::Missing { fix, .. } if !fixes.contains(&fix) => fixes.push(fix),
                Readiness::Missing { .. } => {}
                Readiness::Ready | Readiness::NotChecked { .. } => return Vec::new(),
            }
        }
        fixes
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    fn catalog() -> Catalog {
        Catalog::builtin().unwrap_or_else(|e| panic!("built-in catalog must load: {e}"))
    }

    #[test]
    fn readiness_names_the_missing_key() {
        let spec = catalog().resolve("gpt-5.5").unwrap_or_else(|e| panic!("{e}"));
        let bare = Env::from_parts::<&str, &str>([], "/");
        let (route, readiness) = Catalog::select(&spec, &bare).unwrap_or_else(|| panic!("has routes"));
        assert_eq!(route.label(), "openai:gpt-5.5");
        assert_eq!(
            readiness,
            Readiness::Missing {
                what: "OPENAI_API_KEY is not set".into(),
                fix: "export OPENAI_API_KEY=<your key> (provider `openai`)".into()
            }
        );
        let with_router = Env::from_parts([("OPENROUTER_API_KEY", "sk-or-x")], "/");
        let (route, readiness) = Catalog::select(&spec, &with_router).unwrap_or_else(|| panic!("has routes"));
        assert_eq!((route.label(), readiness), ("openrouter:openai/gpt-5.5".to_string(), Readiness::Ready));
        // A value too short to be a key is not one: `connect` would refuse it.
        let short = Env::from_parts([("OPENAI_API_KEY", "x")], "/");
        let (route, readiness) = Catalog::select(&spec, &short).unwrap_or_else(|| panic!("has routes"));
        assert_eq!(route.label(), "openai:gpt-5.5");
        assert_eq!(
            readiness,
            Readiness::Missing {
                what: "OPENAI_API_KEY is too short to be a key".into(),
                fix: "export OPENAI_API_KEY=<your key> (provider `openai`)".into()
            }
        );
    }

    #[test]
    fn readiness_names_the_program_the_override_points_to() {
        let catalog = catalog();
        let codex = catalog.providers().find(|p| p.name == "codex-cli").unwrap_or_else(|| panic!("built-in codex"));
        let pointed = Env::from_parts([("PATH", "/nonexistent"), ("FRONTIER_CODEX_BIN", "my-codex")], "/");
        assert_eq!(
            Catalog::provider_readiness(codex, &pointed, &Probes::default()),
            Readiness::Missing {
                what: "`my-codex` is not on PATH".into(),
                fix: "install and log in to `codex`, or set FRONTIER_CODEX_BIN to its path".into()
            }
        );
        let installed = Env::from_parts([("PATH", "/nonexistent"), ("FRONTIER_CODEX_BIN", "/bin/sh")], "/");
        assert_eq!(Catalog::provider_readiness(codex, &installed, &Probes::default()), Readiness::Ready);
    }

    #[test]
    fn every_route_lacking_something_gets_its_fix() {
        let spec = catalog().resolve("gpt-5.5").unwrap_or_else(|e| panic!("{e}"));
        let bare = Env::from_parts([("PATH", "/nonexistent")], "/");
        assert_eq!(
            Catalog::fixes(&spec, &bare, &Probes::default()),
            vec![
                "export OPENAI_API_KEY=<your key> (provider `openai`)".to_string(),
                "install and log in to `codex`, or set FRONTIER_CODEX_BIN to its path".to_string(),
                "export OPENROUTER_API_KEY=<your key> (provider `openrouter`)".to_string(),
            ]
        );
        let with_router = Env::from_parts([("PATH", "/nonexistent"), ("OPENROUTER_API_KEY", "sk-or-x")], "/");
        assert_eq!(Catalog::fixes(&spec, &with_router, &Probes::default()), Vec::<String>::new());
    }

    #[test]
    fn a_keyless_local_server_is_not_checked_until_probed() {
        let spec = catalog().resolve("ollama:llama3.2").unwrap_or_else(|e| panic!("{e}"));
        let bare = Env::from_parts::<&str, &str>([], "/");
        let (route, readiness) = Catalog::select(&spec, &bare).unwrap_or_else(|| panic!("has routes"));
        assert_eq!(
            (route.label(), readiness.clone()),
            (
                "ollama:llama3.2".to_string(),
                Readiness::NotChecked {
                    what: "server at localhost:11434 not checked (`frontier doctor` probes it)".into()
                }
            )
        );
        // Not checked is still worth a run's try; only a probe makes it ready or missing.
        assert!(readiness.is_usable() && !readiness.is_ready());
        let mut probes = Probes::default();
        probes.insert("ollama", Reach::Answered { status: 200 });
        assert_eq!(Catalog::provider_readiness(&route.provider, &bare, &probes), Readiness::Ready);
        probes.insert("ollama", Reach::Unreachable { why: "connection refused".into() });
        assert_eq!(
            Catalog::provider_readiness(&route.provider, &bare, &probes),
            Readiness::Missing {
                what: "no server answers at localhost:11434 (connection refused)".into(),
                fix: "start the server (Ollama: `ollama serve`), or set [providers.ollama] base_url in config.toml to where it listens".into()
            }
        );
    }
}
