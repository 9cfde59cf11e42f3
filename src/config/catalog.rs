//! The model catalog: providers, models with their routes, and aliases; resolving what a
//! user typed (`opus`, `chatgpt`, `openai:gpt-5.5`, `mock:a?delay_ms=5`) into candidate
//! routes, and telling whether a route is ready to use.
//!
//! Knows nothing about wire formats or how a route is called; `provider` does that.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use super::toml_file;
use crate::env::Env;
use crate::error::{Error, Result, suggest};
use crate::pipeline::cost::Price;

const BUILTIN_CATALOG: &str = include_str!("../../presets/catalog.toml");
/// The provider name under which the built-in mock models live.
pub const MOCK_PROVIDER: &str = "mock";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CatalogToml {
    #[serde(default)]
    pub(crate) providers: BTreeMap<String, ProviderToml>,
    #[serde(default)]
    pub(crate) models: BTreeMap<String, ModelToml>,
    #[serde(default)]
    pub(crate) aliases: BTreeMap<String, String>,
    /// USD per million tokens, by route (`provider:model`).
    #[serde(default)]
    pub(crate) prices: BTreeMap<String, Price>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProviderToml {
    kind: String,
    /// Required for the HTTP kinds; the agent-CLI kinds have none.
    base_url: Option<String>,
    api_key_env: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ModelToml {
    description: Option<String>,
    routes: Vec<String>,
}

/// The wire protocol a provider speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderKind {
    /// OpenAI Chat Completions, or any server compatible with it.
    OpenAi,
    /// Anthropic Messages API.
    Anthropic,
    /// Google Gemini `streamGenerateContent`.
    Gemini,
    /// The `claude` CLI, logged in, in plan mode.
    ClaudeCli,
    /// The `codex` CLI, logged in, read-only sandbox.
    CodexCli,
    /// The `gemini` CLI, logged in, plan approval mode.
    GeminiCli,
    /// The built-in offline mock.
    Mock,
}

/// The kinds a `[providers.NAME]` table may name, as written there.
const KINDS: &[(&str, ProviderKind)] = &[
    ("openai", ProviderKind::OpenAi),
    ("anthropic", ProviderKind::Anthropic),
    ("gemini", ProviderKind::Gemini),
    ("claude-cli", ProviderKind::ClaudeCli),
    ("codex-cli", ProviderKind::CodexCli),
    ("gemini-cli", ProviderKind::GeminiCli),
];

impl ProviderKind {
    fn parse(kind: &str) -> Option<ProviderKind> {
        KINDS.iter().find(|(name, _)| *name == kind).map(|(_, k)| *k)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::Mock => "mock",
            other => KINDS.iter().find(|(_, k)| *k == other).map_or("mock", |(name, _)| name),
        }
    }

    /// For the agent-CLI kinds: the program's default name and the variable that overrides it.
    pub fn cli_program(self) -> Option<(&'static str, &'static str)> {
        match self {
            ProviderKind::ClaudeCli => Some(("claude", "FRONTIER_CLAUDE_BIN")),
            ProviderKind::CodexCli => Some(("codex", "FRONTIER_CODEX_BIN")),
            ProviderKind::GeminiCli => Some(("gemini", "FRONTIER_GEMINI_BIN")),
            ProviderKind::OpenAi | ProviderKind::Anthropic | ProviderKind::Gemini | ProviderKind::Mock => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderInfo {
    pub name: String,
    pub kind: ProviderKind,
    pub base_url: BaseUrl,
    pub api_key_env: Option<String>,
}

/// A provider's base URL, validated when the catalog loads (`BaseUrl::parse`); empty for
/// the kinds that have none.
///
/// Userinfo (`https://user:pw@gateway/v1`) is allowed: some gateways and proxies take
/// their credentials that way, and the HTTP client sends it as basic auth, only to this
/// origin since no redirect is followed. But it is a credential, so it is never printed:
/// `Display` and `Debug` show it as `***@`, every command that shows a base URL uses
/// them, and the transport redacts the password from every error. The raw text is only
/// reachable through `expose`, for the one place that builds requests.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct BaseUrl(String);

impl BaseUrl {
    /// Checks `raw` as a base URL: an absolute http(s) URL with a host and a valid port,
    /// no whitespace or control characters, no query or fragment (paths are appended to
    /// it). The error says what is wrong without quoting any credentials.
    pub fn parse(raw: &str) -> std::result::Result<BaseUrl, String> {
        let raw = raw.trim_end_matches('/');
        let shown = hide_userinfo(raw);
        if raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(format!("base_url {shown:?} contains whitespace or a control character"));
        }
        let url = reqwest::Url::parse(raw).map_err(|e| format!("base_url `{shown}` is not a valid URL ({e})"))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(format!("base_url `{shown}` must start with http:// or https://"));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(format!("base_url `{shown}` has no host"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(format!(
                "base_url `{shown}` must not have a `?query` or `#fragment`: paths are added to its end"
            ));
        }
        Ok(BaseUrl(raw.to_string()))
    }

    /// The URL as configured, credentials included: only for building requests.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Display for BaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&hide_userinfo(&self.0))
    }
}

impl std::fmt::Debug for BaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", hide_userinfo(&self.0))
    }
}

/// `text` (a URL, or something meant to be one) with any userinfo between `://` and the
/// host replaced by `***`: `https://user:pw@host/v1` becomes `https://***@host/v1`. Works
/// on text that does not parse, so that an error about a bad URL can't print its password.
pub fn hide_userinfo(text: &str) -> String {
    let Some(start) = text.find("://").map(|i| i + 3) else {
        return text.to_string();
    };
    let authority_len = text[start..].find(['/', '?', '#']).unwrap_or(text.len() - start);
    match text[start..start + authority_len].rfind('@') {
        Some(at) => format!("{}***{}", &text[..start], &text[start + at..]),
        None => text.to_string(),
    }
}

/// Variables that are set in every shell and hold no secret: naming one as a provider's
/// key variable would send its value (a path, a user name) to the server as a key.
const NOT_KEY_VARIABLES: &[&str] = &[
    "PATH",
    "HOME",
    "USER",
    "USERNAME",
    "LOGNAME",
    "SHELL",
    "PWD",
    "OLDPWD",
    "TERM",
    "COLORTERM",
    "TERM_PROGRAM",
    "LANG",
    "LANGUAGE",
    "TZ",
    "TMPDIR",
    "TMP",
    "TEMP",
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
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
    "_",
];
/// Families of the same: locale, XDG directories, and frontier's own settings.
const NOT_KEY_PREFIXES: &[&str] = &["LC_", "XDG_", "FRONTIER_"];

/// Checks `api_key_env` of provider `provider`: a plausible variable name that is not one
/// of the well-known non-secret ones.
fn check_key_variable(provider: &str, var: &str) -> std::result::Result<(), String> {
    if var.is_empty() {
        return Err(format!(
            "provider `{provider}` has an empty api_key_env: name the variable that holds its key, or leave api_key_env out if its server needs none"
        ));
    }
    let mut chars = var.chars();
    let plausible = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !plausible {
        // Not quoted: a value that is not a variable name may be the key itself.
        return Err(format!(
            "provider `{provider}` has an api_key_env that is not a variable name (letters, digits and `_`, not starting with a digit); it must name the variable that holds the key, not the key itself (the value is not shown, in case it is one)"
        ));
    }
    let upper = var.to_ascii_uppercase();
    if NOT_KEY_VARIABLES.contains(&upper.as_str()) || NOT_KEY_PREFIXES.iter().any(|p| upper.starts_with(p)) {
        return Err(format!(
            "provider `{provider}` has api_key_env `{var}`, which holds no key: its value would be sent to the server as one; name the variable that holds the key, e.g. `{}_API_KEY`",
            provider.to_ascii_uppercase().replace('-', "_")
        ));
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelEntry {
    pub id: String,
    pub description: String,
    /// `provider:model` strings, in order of preference.
    pub routes: Vec<String>,
}

/// One way to reach a model: a provider and the model's id there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub provider: ProviderInfo,
    pub model: String,
    /// Behaviour of a mock model; empty for real providers.
    pub mock: MockOptions,
}

impl Route {
    /// `provider:model`, as shown to users.
    pub fn label(&self) -> String {
        format!("{}:{}", self.provider.name, self.model)
    }
}

/// What a `mock:NAME?...` model does, from its query options.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MockOptions {
    /// Wait before the first token.
    pub delay_ms: u64,
    /// Fail instead of answering.
    pub fail: Option<MockFailure>,
    /// Answer with exactly this text.
    pub reply: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MockFailure {
    /// Answer with this HTTP status.
    Status(u16),
    /// Never answer.
    Timeout,
}

/// A model as the user named it, with the routes that can serve it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelSpec {
    /// The canonical name: a catalog id, or `provider:model` for a direct address.
    pub name: String,
    pub routes: Vec<Route>,
}

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

#[derive(Debug, Clone)]
pub struct Catalog {
    providers: BTreeMap<String, ProviderInfo>,
    models: BTreeMap<String, ModelEntry>,
    aliases: BTreeMap<String, String>,
    prices: BTreeMap<String, Price>,
}

impl Catalog {
    /// The built-in catalog alone.
    pub fn builtin() -> Result<Catalog> {
        Catalog::with_overlay(CatalogToml::default(), Path::new("config.toml"))
    }

    /// The built-in catalog with the user's `overlay` (from `path`) added on top: entries
    /// of the same name replace built-in ones.
    pub(crate) fn with_overlay(overlay: CatalogToml, path: &Path) -> Result<Catalog> {
        let builtin_path = Path::new("<built-in>/presets/catalog.toml");
        let base: CatalogToml = toml_file::parse(BUILTIN_CATALOG, builtin_path, "built-in catalog")?;
        let mut catalog = Catalog {
            providers: BTreeMap::new(),
            models: BTreeMap::new(),
            aliases: BTreeMap::new(),
            prices: BTreeMap::new(),
        };
        catalog.add(base, builtin_path)?;
        catalog.add(overlay, path)?;
        catalog.validate(path)?;
        Ok(catalog)
    }

    fn add(&mut self, raw: CatalogToml, path: &Path) -> Result<()> {
        let invalid = |message: String| Error::InvalidFile { what: "config file", path: path.to_path_buf(), message };
        for (name, p) in raw.providers {
            if name == MOCK_PROVIDER || !valid_name(&name) {
                return Err(invalid(format!(
                    "provider name `{name}` is not allowed: use letters, digits and `-`, and not `mock`"
                )));
            }
            let kind = ProviderKind::parse(&p.kind).ok_or_else(|| {
                let known: Vec<&str> = KINDS.iter().map(|(k, _)| *k).collect();
                invalid(format!("provider `{name}` has kind `{}`; the kinds are {}", p.kind, known.join(", ")))
            })?;
            let base_url = match (kind.cli_program(), p.base_url) {
                (Some(_), None) => BaseUrl::default(),
                (Some(_), Some(_)) => {
                    return Err(invalid(format!("provider `{name}` is an agent CLI and takes no base_url")));
                }
                (None, None) => return Err(invalid(format!("provider `{name}` needs a base_url"))),
                (None, Some(url)) => BaseUrl::parse(&url).map_err(|e| invalid(format!("provider `{name}`: {e}")))?,
            };
            if let Some(var) = &p.api_key_env {
                check_key_variable(&name, var).map_err(invalid)?;
            }
            self.providers.insert(name.clone(), ProviderInfo { name, kind, base_url, api_key_env: p.api_key_env });
        }
        for (id, m) in raw.models {
            if id.contains(':') || id.is_empty() {
                return Err(invalid(format!("model id `{id}` must not be empty or contain `:`")));
            }
            if m.routes.is_empty() {
                return Err(invalid(format!("model `{id}` has no routes")));
            }
            let description = m.description.unwrap_or_default();
            self.models.insert(id.clone(), ModelEntry { id, description, routes: m.routes });
        }
        self.aliases.extend(raw.aliases);
        for (route, price) in raw.prices {
            if !(price.input >= 0.0 && price.output >= 0.0 && price.input.is_finite() && price.output.is_finite()) {
                return Err(invalid(format!("the price of `{route}` must be two non-negative numbers")));
            }
            self.prices.insert(route, price);
        }
        Ok(())
    }

    fn validate(&self, path: &Path) -> Result<()> {
        let invalid = |message: String| Error::InvalidFile { what: "config file", path: path.to_path_buf(), message };
        for model in self.models.values() {
            for route in &model.routes {
                self.parse_direct(route)
                    .map_err(|e| invalid(format!("model `{}` has route `{route}`: {e}", model.id)))?;
            }
        }
        for route in self.prices.keys() {
            self.parse_direct(route).map_err(|e| invalid(format!("the price of `{route}`: {e}")))?;
        }
        for (alias, target) in &self.aliases {
            if self.models.contains_key(alias) {
                return Err(invalid(format!("alias `{alias}` shadows the model of the same name")));
            }
            if !self.models.contains_key(target) {
                return Err(invalid(format!("alias `{alias}` points to `{target}`, which is not a model")));
            }
        }
        Ok(())
    }

    /// Resolves a model name: a catalog id, an alias, or `provider:model[?options]`.
    pub fn resolve(&self, name: &str) -> Result<ModelSpec> {
        let name = name.trim();
        if name.is_empty() {
            return Err(Error::usage(
                "a model name is empty",
                "separate model names with single commas, e.g. `opus,gpt-5.5`",
            ));
        }
        if name.contains(':') {
            let route = self.parse_direct(name).map_err(|what| {
                Error::usage(
                    format!("invalid model address `{name}`: {what}"),
                    "address a model as `provider:model`; `frontier catalog` lists the providers",
                )
            })?;
            return Ok(ModelSpec { name: route.label(), routes: vec![route] });
        }
        let id = self.aliases.get(name).map(String::as_str).unwrap_or(name);
        let Some(entry) = self.models.get(id) else {
            let known = self.models.keys().chain(self.aliases.keys()).map(String::as_str);
            return Err(Error::UnknownModel { name: name.to_string(), suggestion: suggest(name, known) });
        };
        let routes = entry.routes.iter().filter_map(|r| self.parse_direct(r).ok()).collect();
        Ok(ModelSpec { name: entry.id.clone(), routes })
    }

    /// Parses `provider:model[?options]`; the error says what is wrong.
    fn parse_direct(&self, address: &str) -> std::result::Result<Route, String> {
        let (provider, rest) = address.split_once(':').ok_or("missing `provider:`")?;
        let (model, query) = match rest.split_once('?') {
            Some((m, q)) => (m, Some(q)),
            None => (rest, None),
        };
        if model.is_empty() {
            return Err("the model id after `:` is empty".into());
        }
        if provider == MOCK_PROVIDER {
            let mock = parse_mock_options(query.unwrap_or(""))?;
            let info = ProviderInfo {
                name: MOCK_PROVIDER.into(),
                kind: ProviderKind::Mock,
                base_url: BaseUrl::default(),
                api_key_env: None,
            };
            return Ok(Route { provider: info, model: model.to_string(), mock });
        }
        let Some(info) = self.providers.get(provider) else {
            let mut known: Vec<&str> = self.providers.keys().map(String::as_str).collect();
            known.push(MOCK_PROVIDER);
            return Err(format!("unknown provider `{provider}` (known: {})", known.join(", ")));
        };
        if query.is_some() {
            return Err("options after `?` are only for `mock:` models".into());
        }
        Ok(Route { provider: info.clone(), model: model.to_string(), mock: MockOptions::default() })
    }

    /// Whether `route` can be used in `env`.
    pub fn readiness(route: &Route, env: &Env) -> Readiness {
        Catalog::provider_readiness(&route.provider, env)
    }

    /// Whether a provider can be used in `env`: its key is set, or its program installed.
    pub fn provider_readiness(provider: &ProviderInfo, env: &Env) -> Readiness {
        if let Some((program, override_var)) = provider.kind.cli_program() {
            let wanted = env.var(override_var).unwrap_or(program);
            return match env.find_program(wanted) {
                Some(_) => Readiness::Ready,
                None => Readiness::Missing {
                    what: format!("`{wanted}` is not on PATH"),
                    fix: format!("install and log in to `{program}`, or set {override_var} to its path"),
                },
            };
        }
        match &provider.api_key_env {
            Some(var) if env.var(var).is_none() => Readiness::Missing {
                what: format!("{var} is not set"),
                fix: format!("export {var}=<your key> (provider `{}`)", provider.name),
            },
            Some(var) if env.var(var).is_some_and(|v| v.chars().count() < crate::provider::MIN_KEY_CHARS) => {
                Readiness::Missing {
                    what: format!("{var} is too short to be a key"),
                    fix: format!("export {var}=<your key> (provider `{}`)", provider.name),
                }
            }
            _ => Readiness::Ready,
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

    /// The price of a route: configured by its `provider:model` label; mock models are free.
    pub fn price(&self, route: &Route) -> Option<Price> {
        if route.provider.kind == ProviderKind::Mock {
            return Some(Price { input: 0.0, output: 0.0 });
        }
        self.prices.get(&route.label()).copied()
    }

    pub fn models(&self) -> impl Iterator<Item = &ModelEntry> {
        self.models.values()
    }

    /// `(alias, model id)` pairs.
    pub fn aliases(&self) -> impl Iterator<Item = (&str, &str)> {
        self.aliases.iter().map(|(a, m)| (a.as_str(), m.as_str()))
    }

    pub fn providers(&self) -> impl Iterator<Item = &ProviderInfo> {
        self.providers.values()
    }
}

fn valid_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// `delay_ms=N&fail=STATUS|timeout&reply=TEXT` (percent-encoded, `+` for a space).
fn parse_mock_options(query: &str) -> std::result::Result<MockOptions, String> {
    let mut options = MockOptions::default();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let value = percent_decode(value).ok_or_else(|| format!("`{key}` has a malformed %-escape"))?;
        match key {
            "delay_ms" => {
                options.delay_ms =
                    value.parse().ok().filter(|ms| *ms <= 3_600_000).ok_or_else(|| {
                        format!("`delay_ms={value}` is not a whole number of milliseconds up to 3600000")
                    })?;
            }
            "fail" => {
                options.fail = Some(match value.as_str() {
                    "timeout" => MockFailure::Timeout,
                    status => MockFailure::Status(status.parse().ok().filter(|s| (400..600).contains(s)).ok_or_else(
                        || format!("`fail={value}` is neither `timeout` nor an HTTP status from 400 to 599"),
                    )?),
                });
            }
            "reply" => options.reply = Some(value),
            other => return Err(format!("unknown mock option `{other}` (known: delay_ms, fail, reply)")),
        }
    }
    Ok(options)
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = text.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    fn catalog() -> Catalog {
        Catalog::builtin().unwrap_or_else(|e| panic!("built-in catalog must load: {e}"))
    }

    #[test]
    fn aliases_resolve_to_the_canonical_id() {
        let spec = catalog().resolve("chatgpt").ok().map(|s| s.name);
        assert_eq!(spec.as_deref(), Some("gpt-5.5"));
    }

    #[test]
    fn direct_addresses_pin_one_route() {
        let spec = catalog().resolve("openai:gpt-4.1").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(spec.name, "openai:gpt-4.1");
        assert_eq!(spec.routes.len(), 1);
        assert_eq!(spec.routes[0].provider.base_url.expose(), "https://api.openai.com/v1");
    }

    #[test]
    fn mock_options_parse() {
        let spec = catalog().resolve("mock:a?delay_ms=25&fail=503&reply=hi+there%21").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(spec.name, "mock:a");
        assert_eq!(
            spec.routes[0].mock,
            MockOptions { delay_ms: 25, fail: Some(MockFailure::Status(503)), reply: Some("hi there!".into()) }
        );
    }

    #[test]
    fn bad_addresses_say_what_is_wrong() {
        let err = |name: &str| catalog().resolve(name).err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(err("gpt-55"), "unknown model `gpt-55`");
        assert_eq!(
            err("mock:a?fail=200"),
            "invalid model address `mock:a?fail=200`: `fail=200` is neither `timeout` nor an HTTP status from 400 to 599"
        );
        assert_eq!(
            err("mock:a?speed=1"),
            "invalid model address `mock:a?speed=1`: unknown mock option `speed` (known: delay_ms, fail, reply)"
        );
        assert_eq!(err("openai:"), "invalid model address `openai:`: the model id after `:` is empty");
        assert!(err("nope:x").starts_with("invalid model address `nope:x`: unknown provider `nope`"));
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
    fn overlay_adds_providers_models_and_aliases() {
        let overlay: CatalogToml = toml::from_str(
            "[providers.local]\nkind = \"openai\"\nbase_url = \"http://127.0.0.1:9/v1/\"\n\
             [models.mine]\nroutes = [\"local:m1\"]\n[aliases]\nme = \"mine\"\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let catalog = Catalog::with_overlay(overlay, Path::new("c.toml")).unwrap_or_else(|e| panic!("{e}"));
        let spec = catalog.resolve("me").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(spec.routes[0].provider.base_url.expose(), "http://127.0.0.1:9/v1");
        assert_eq!(spec.routes[0].model, "m1");
    }

    #[test]
    fn overlay_with_dangling_route_is_refused() {
        let overlay: CatalogToml =
            toml::from_str("[models.mine]\nroutes = [\"nowhere:m1\"]\n").unwrap_or_else(|e| panic!("{e}"));
        let err = Catalog::with_overlay(overlay, Path::new("c.toml")).err().map(|e| e.to_string());
        assert!(err.unwrap_or_default().contains("model `mine` has route `nowhere:m1`: unknown provider `nowhere`"));
    }

    #[test]
    fn userinfo_is_hidden_wherever_a_base_url_is_shown() {
        assert_eq!(hide_userinfo("https://user:pw@host:8443/v1"), "https://***@host:8443/v1");
        assert_eq!(hide_userinfo("https://pw@host"), "https://***@host");
        assert_eq!(hide_userinfo("https://a@b@host/x@y"), "https://***@host/x@y");
        assert_eq!(hide_userinfo("http://host/v1?to=a@b"), "http://host/v1?to=a@b");
        assert_eq!(hide_userinfo("not a url @ all"), "not a url @ all");
        let url = BaseUrl::parse("https://user:pw-sentinel@gateway.example/v1/").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(url.expose(), "https://user:pw-sentinel@gateway.example/v1");
        let info = ProviderInfo { name: "gw".into(), kind: ProviderKind::OpenAi, base_url: url, api_key_env: None };
        for shown in [info.base_url.to_string(), format!("{info:?}")] {
            assert!(shown.contains("https://***@gateway.example/v1") && !shown.contains("pw-sentinel"), "{shown}");
        }
    }

    #[test]
    fn base_urls_are_checked_whole() {
        let ok = |raw: &str| BaseUrl::parse(raw).map(|u| u.expose().to_string());
        assert_eq!(ok("http://127.0.0.1:11434/v1/"), Ok("http://127.0.0.1:11434/v1".to_string()));
        assert_eq!(ok("https://[::1]:8443"), Ok("https://[::1]:8443".to_string()));
        for bad in
            ["http://h:99999/v1", "http://h /v1", "http://h/v1\t", "http://", "file:///etc", "h/v1", "http://h/v1#x"]
        {
            assert!(BaseUrl::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

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
}
