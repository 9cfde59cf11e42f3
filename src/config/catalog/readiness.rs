//! Whether a route can be used right now, and if not, what is missing and how to fix it:
//! its key is set, or its agent CLI installed. The lookups are the provider layer's own
//! (`provider::lookup`), the same ones `provider::connect` makes, so a route said to be
//! ready connects.
//!
//! Knows nothing about how a route is called.

use super::{Catalog, ModelSpec, ProviderInfo, Route};
use crate::env::Env;
use crate::provider::lookup::{self, KeyProblem};

/// Whether a route can be used right now, and if not, what is missing and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Readiness {
    Ready,
    Missing { what: String, fix: String },
}

impl Readiness {
    pub fn is_ready(&self) -> bool {
        matches!(self, Readiness::Ready)
    }
}

impl Catalog {
    /// Whether `route` can be used in `env`.
    pub fn readiness(route: &Route, env: &Env) -> Readiness {
        Catalog::provider_readiness(&route.provider, env)
    }

    /// Whether a provider can be used in `env`: its key is set, or its program installed.
    pub fn provider_readiness(provider: &ProviderInfo, env: &Env) -> Readiness {
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
        let Some(var) = &provider.api_key_env else { return Readiness::Ready };
        let fix = || format!("export {var}=<your key> (provider `{}`)", provider.name);
        match lookup::key(var, env) {
            Ok(_) => Readiness::Ready,
            Err(KeyProblem::Unset) => Readiness::Missing { what: format!("{var} is not set"), fix: fix() },
            Err(KeyProblem::TooShort) => {
                Readiness::Missing { what: format!("{var} is too short to be a key"), fix: fix() }
            }
        }
    }

    /// The route a run would take for `spec`: the first ready one, else the first.
    pub fn select<'a>(spec: &'a ModelSpec, env: &Env) -> Option<(&'a Route, Readiness)> {
        spec.routes
            .iter()
            .map(|r| (r, Catalog::readiness(r, env)))
            .find(|(_, readiness)| readiness.is_ready())
            .or_else(|| spec.routes.first().map(|r| (r, Catalog::readiness(r, env))))
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
            Catalog::provider_readiness(codex, &pointed),
            Readiness::Missing {
                what: "`my-codex` is not on PATH".into(),
                fix: "install and log in to `codex`, or set FRONTIER_CODEX_BIN to its path".into()
            }
        );
        let installed = Env::from_parts([("PATH", "/nonexistent"), ("FRONTIER_CODEX_BIN", "/bin/sh")], "/");
        assert_eq!(Catalog::provider_readiness(codex, &installed), Readiness::Ready);
    }
}
