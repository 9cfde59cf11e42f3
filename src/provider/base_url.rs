//! A provider's base URL as a value that can't leak its credentials: checked once when
//! it is configured, shown everywhere with any userinfo hidden (`hide_userinfo`), and
//! readable whole only by the transport that builds requests.
//!
//! Knows nothing about catalogs or config files: the caller says where the text came from.

/// A provider's base URL, validated when it is configured (`BaseUrl::parse`); empty for
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
    pub fn parse(raw: &str) -> std::result::Result<BaseUrl, BaseUrlError> {
        let raw = raw.trim_end_matches('/');
        let shown = || hide_userinfo(raw);
        if raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(BaseUrlError::Whitespace { shown: shown() });
        }
        let url =
            reqwest::Url::parse(raw).map_err(|e| BaseUrlError::NotAUrl { shown: shown(), reason: e.to_string() })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(BaseUrlError::Scheme { shown: shown() });
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(BaseUrlError::NoHost { shown: shown() });
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(BaseUrlError::QueryOrFragment { shown: shown() });
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

    /// Where a server on this machine listens — a host in 127.0.0.0/8, `::1` or
    /// `localhost` — for `doctor` to probe; `None` for every other host, which nothing
    /// but a run's own requests ever contacts. Carries no userinfo.
    pub fn loopback(&self) -> Option<Loopback> {
        let url = reqwest::Url::parse(&self.0).ok()?;
        let host = url.host_str()?;
        let ips: Vec<std::net::IpAddr> = match host.trim_start_matches('[').trim_end_matches(']').parse() {
            Ok(ip) if std::net::IpAddr::is_loopback(&ip) => vec![ip],
            Ok(_) => return None,
            // Not resolved: `localhost` is this machine by definition (RFC 6761), and
            // asking a resolver would be a lookup `doctor` promised not to make.
            Err(_) if host.eq_ignore_ascii_case("localhost") => {
                vec![std::net::Ipv4Addr::LOCALHOST.into(), std::net::Ipv6Addr::LOCALHOST.into()]
            }
            Err(_) => return None,
        };
        let port = url.port_or_known_default()?;
        let shown = format!("{host}:{port}");
        Some(Loopback {
            addrs: ips.into_iter().map(|ip| (ip, port).into()).collect(),
            shown,
            path: url.path().to_string(),
        })
    }
}

/// What is wrong with a configured base URL. Each variant holds the URL as `shown`, with
/// any userinfo already hidden (`hide_userinfo`), so no way of printing it leaks a
/// password.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BaseUrlError {
    #[error("base_url {shown:?} contains whitespace or a control character")]
    Whitespace { shown: String },
    /// `reason` is the URL parser's own word for it.
    #[error("base_url `{shown}` is not a valid URL ({reason})")]
    NotAUrl { shown: String, reason: String },
    #[error("base_url `{shown}` must start with http:// or https://")]
    Scheme { shown: String },
    #[error("base_url `{shown}` has no host")]
    NoHost { shown: String },
    #[error("base_url `{shown}` must not have a `?query` or `#fragment`: paths are added to its end")]
    QueryOrFragment { shown: String },
}

/// A base URL's server on this machine: the addresses to try, in order, `host:port` as
/// configured (for messages), and the base path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loopback {
    pub addrs: Vec<std::net::SocketAddr>,
    pub shown: String,
    pub path: String,
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

/// What a 404 from `called` (a URL frontier built by adding a kind's route to a base
/// URL) most likely means, read from the URL alone: two version segments in a row
/// (`/v1/v1/messages`) mean base_url carries a version the kind adds itself; an
/// OpenAI-style route with no version before it (`/chat/completions`, `/models`) means
/// base_url lacks the `/v1` such servers serve under. `None` when the URL looks right
/// (then the 404 is about something else, such as a model the server does not have).
pub fn no_route_fix(called: &str) -> Option<String> {
    let path = reqwest::Url::parse(called).map(|u| u.path().to_string()).unwrap_or_default();
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if let Some(pair) = segments.windows(2).find(|w| is_version(w[0]) && is_version(w[1])) {
        return Some(format!("drop /{} from base_url", pair[0]));
    }
    let openai_route = path.ends_with("/chat/completions") || path.ends_with("/models");
    (openai_route && !segments.iter().any(|s| is_version(s))).then(|| "base_url may need /v1".to_string())
}

/// `v1`, `v4`, `v1beta`, `v1alpha2`: an API version segment.
fn is_version(segment: &str) -> bool {
    let Some(rest) = segment.strip_prefix('v') else { return false };
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    digits > 0
        && rest[digits..].trim_start_matches(|c: char| c.is_ascii_alphabetic()).chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn userinfo_is_hidden_wherever_a_base_url_is_shown() {
        assert_eq!(hide_userinfo("https://user:pw@host:8443/v1"), "https://***@host:8443/v1");
        assert_eq!(hide_userinfo("https://pw@host"), "https://***@host");
        assert_eq!(hide_userinfo("https://a@b@host/x@y"), "https://***@host/x@y");
        assert_eq!(hide_userinfo("http://host/v1?to=a@b"), "http://host/v1?to=a@b");
        assert_eq!(hide_userinfo("not a url @ all"), "not a url @ all");
        let url = BaseUrl::parse("https://user:pw-sentinel@gateway.example/v1/").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(url.expose(), "https://user:pw-sentinel@gateway.example/v1");
        for shown in [url.to_string(), format!("{url:?}")] {
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
    fn a_bad_base_url_says_what_is_wrong_and_never_its_password() {
        let err = |raw: &str| BaseUrl::parse(raw).err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(
            err("https://u:pw@h/v 1"),
            r#"base_url "https://***@h/v 1" contains whitespace or a control character"#
        );
        assert_eq!(
            err("http://u:pw@h:99999/v1"),
            "base_url `http://***@h:99999/v1` is not a valid URL (invalid port number)"
        );
        assert_eq!(err("file:///etc"), "base_url `file:///etc` must start with http:// or https://");
        assert_eq!(
            err("https://u:pw@h/v1?k=1"),
            "base_url `https://***@h/v1?k=1` must not have a `?query` or `#fragment`: paths are added to its end"
        );
        assert_eq!(
            BaseUrl::parse("https://u:pw@h/v1#x"),
            Err(BaseUrlError::QueryOrFragment { shown: "https://***@h/v1#x".into() })
        );
    }

    #[test]
    fn a_missing_route_names_the_version_to_add_or_drop() {
        let fix = |url: &str| no_route_fix(url);
        assert_eq!(fix("http://127.0.0.1:8080/chat/completions").as_deref(), Some("base_url may need /v1"));
        assert_eq!(fix("http://127.0.0.1:8080/models").as_deref(), Some("base_url may need /v1"));
        assert_eq!(fix("http://127.0.0.1:8080/v1/v1/messages").as_deref(), Some("drop /v1 from base_url"));
        assert_eq!(
            fix("http://h/v1/v1beta/models/g:streamGenerateContent?alt=sse").as_deref(),
            Some("drop /v1 from base_url")
        );
        assert_eq!(fix("https://api.z.ai/api/paas/v4/chat/completions"), None);
        assert_eq!(fix("http://h/v1/messages"), None);
        assert_eq!(fix("http://h/v1/chat/completions"), None);
        assert!(is_version("v1") && is_version("v1beta") && is_version("v1alpha2"));
        assert!(!is_version("vx") && !is_version("v") && !is_version("models"));
    }

    #[test]
    fn only_hosts_on_this_machine_are_loopback() {
        let local = |raw: &str| BaseUrl::parse(raw).ok().and_then(|u| u.loopback());
        let v4 = local("http://user:pw@127.0.0.2:11434/v1").unwrap_or_else(|| panic!("127.0.0.2 is loopback"));
        assert_eq!(
            v4,
            Loopback {
                addrs: vec!["127.0.0.2:11434".parse().unwrap_or_else(|e| panic!("{e}"))],
                shown: "127.0.0.2:11434".into(),
                path: "/v1".into()
            }
        );
        let named = local("http://LocalHost/v1").unwrap_or_else(|| panic!("localhost is loopback"));
        assert_eq!((named.addrs.len(), named.shown.as_str()), (2, "localhost:80"));
        assert_eq!(local("https://[::1]:8443").map(|l| l.shown), Some("[::1]:8443".to_string()));
        for remote in
            ["https://api.openai.com/v1", "http://10.0.0.1:11434", "http://localhost.example.com", "http://[::2]"]
        {
            assert_eq!(local(remote), None, "{remote}");
        }
    }
}
