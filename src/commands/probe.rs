//! The probe of the servers on this machine (`doctor`'s, and `mode`'s and `compose`'s): for each HTTP provider whose base URL
//! is a loopback address (`BaseUrl::loopback`), one TCP connect and one GET of the kind's
//! models list under the base URL, exactly as a run builds its own route there (OpenAI
//! `{base}/models`, Anthropic `{base}/v1/models`, Gemini `{base}/v1beta/models`), all
//! providers at once, each within [`PROBE_DEADLINE`]. A 404 there means the server is up
//! but base_url's path is not the one the kind calls (a missing or extra `/v1`); any
//! other HTTP answer (200, or 401 from a server that wants a key) proves the path.
//!
//! `mode` and `compose` probe the same way when what they arm would otherwise be "not
//! checked" (`statuses`). Never contacts any other host, and sends no key: it asks whether the path answers,
//! not whether the key is good. Knows nothing about readiness beyond the outcome.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::config::model_status::{self, ModelStatus};
use crate::config::{Catalog, Config, Probes, Reach};
use crate::env::Env;
use crate::provider::{Loopback, ProviderKind, base_url};

/// How long one probe may take, connect and answer together.
pub const PROBE_DEADLINE: Duration = Duration::from_millis(800);

/// Probes every provider in `catalog` with a loopback base URL (agent CLIs and the mock
/// have none), in parallel; returns what each found.
pub fn local_servers(catalog: &Catalog) -> Probes {
    let targets: Vec<(String, Loopback, &'static str)> = catalog
        .providers()
        .filter_map(|p| Some((p.name.clone(), p.base_url.loopback()?, models_route(p.kind)?)))
        .collect();
    let mut probes = Probes::default();
    let found: Vec<(String, Reach)> = std::thread::scope(|scope| {
        let handles: Vec<_> = targets
            .iter()
            .map(|(name, local, route)| (name, scope.spawn(move || probe(local, route, PROBE_DEADLINE))))
            .collect();
        handles
            .into_iter()
            .map(|(name, h)| {
                let reach = h.join().unwrap_or(Reach::Unreachable { why: "the probe failed".into() });
                (name.clone(), reach)
            })
            .collect()
    });
    for (name, reach) in found {
        probes.insert(&name, reach);
    }
    probes
}

/// The readiness of `models`, for what `mode` and `compose` arm: a model whose route is a
/// server on this machine, which would be "not checked", has the servers probed first,
/// so a healthy one is ready and a broken one says why, at arm time.
pub fn statuses(config: &Config, env: &Env, models: &[&str]) -> Vec<ModelStatus> {
    let plain: Vec<ModelStatus> = models.iter().map(|m| model_status::check(config, env, m)).collect();
    if plain.iter().all(|s| s.not_checked.is_none()) {
        return plain;
    }
    let probes = local_servers(&config.catalog);
    // Only what was not checked is asked again, now knowing what the probes found.
    plain
        .into_iter()
        .zip(models)
        .map(|(status, m)| match status.not_checked {
            Some(_) => model_status::check_probed(config, env, m, &probes),
            None => status,
        })
        .collect()
}

/// The route of the kind's models list, added to the base URL as the kind's adapter adds
/// its chat route (`openai`, `anthropic` and `gemini`'s `build_request`): the cheapest
/// request that answers under the same prefix. `None` for kinds with no HTTP server.
fn models_route(kind: ProviderKind) -> Option<&'static str> {
    match kind {
        ProviderKind::OpenAi => Some("/models"),
        ProviderKind::Anthropic => Some("/v1/models"),
        ProviderKind::Gemini => Some("/v1beta/models"),
        ProviderKind::AgentCli(_) | ProviderKind::Mock => None,
    }
}

/// Connects to `local` (each of its addresses in turn) and asks for `route` under its
/// path, all within `deadline`.
pub fn probe(local: &Loopback, route: &str, deadline: Duration) -> Reach {
    let end = Instant::now() + deadline;
    let mut why = String::from("no address to try");
    for addr in &local.addrs {
        let Some(left) = end.checked_duration_since(Instant::now()).filter(|d| !d.is_zero()) else {
            return Reach::Unreachable { why: format!("no answer within {} ms", deadline.as_millis()) };
        };
        match TcpStream::connect_timeout(addr, left) {
            Ok(stream) => return ask(stream, local, route, end, deadline),
            Err(e) => why = connect_error(&e),
        }
    }
    Reach::Unreachable { why }
}

fn connect_error(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::ConnectionRefused => "connection refused: nothing listens there".into(),
        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => "connect timed out".into(),
        _ => e.to_string(),
    }
}

/// Sends the GET on `stream` and reads the status line, before `end`.
fn ask(mut stream: TcpStream, local: &Loopback, route: &str, end: Instant, deadline: Duration) -> Reach {
    let late =
        || Reach::Unreachable { why: format!("connected, but no HTTP answer within {} ms", deadline.as_millis()) };
    let left = || end.checked_duration_since(Instant::now()).filter(|d| !d.is_zero());
    let Some(t) = left() else { return late() };
    if stream.set_write_timeout(Some(t)).is_err() {
        return late();
    }
    let path = format!("{}{route}", local.path.trim_end_matches('/'));
    let request = format!("GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", local.shown);
    if let Err(e) = stream.write_all(request.as_bytes()) {
        return Reach::Unreachable { why: format!("connected, but the request failed: {e}") };
    }
    // Enough for a status line; the rest of the answer is not wanted.
    let mut head = Vec::with_capacity(64);
    let mut buf = [0u8; 64];
    while !head.contains(&b'\n') && head.len() < 256 {
        let Some(t) = left() else { return late() };
        if stream.set_read_timeout(Some(t)).is_err() {
            return late();
        }
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => head.extend_from_slice(&buf[..n]),
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                return late();
            }
            Err(e) => return Reach::Unreachable { why: format!("connected, but reading the answer failed: {e}") },
        }
    }
    match status(&head) {
        Some(404) => {
            let url = format!("http://{}{path}", local.shown);
            let fix = base_url::no_route_fix(&url).unwrap_or_else(|| "check the path of base_url".into());
            Reach::NoRoute { url, fix }
        }
        Some(status) => Reach::Answered { status },
        None => Reach::Unreachable { why: "connected, but what answered is not an HTTP server".into() },
    }
}

/// The status code of `HTTP/1.x NNN ...`.
fn status(head: &[u8]) -> Option<u16> {
    let line = std::str::from_utf8(head.split(|b| *b == b'\n').next()?).ok()?;
    let mut words = line.split_whitespace();
    words.next().filter(|v| v.starts_with("HTTP/"))?;
    words.next()?.parse().ok().filter(|code| (100..600).contains(code))
}

#[cfg(test)]
mod tests {
    use std::net::TcpListener;

    use pretty_assertions::assert_eq;

    use super::*;

    fn loopback(port: u16) -> Loopback {
        Loopback {
            addrs: vec![std::net::SocketAddr::from(([127, 0, 0, 1], port))],
            shown: format!("127.0.0.1:{port}"),
            path: "/v1".into(),
        }
    }

    /// A server on a free loopback port that answers one request with `response`; joining
    /// it gives the request it read.
    fn answering_once(response: &'static [u8]) -> (u16, std::thread::JoinHandle<String>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
        let port = listener.local_addr().unwrap_or_else(|e| panic!("{e}")).port();
        let server = std::thread::spawn(move || {
            let (mut conn, _) = listener.accept().unwrap_or_else(|e| panic!("{e}"));
            let mut request = [0u8; 512];
            let n = conn.read(&mut request).unwrap_or(0);
            let _ = conn.write_all(response);
            String::from_utf8_lossy(&request[..n]).into_owned()
        });
        (port, server)
    }

    fn free_port() -> u16 {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
        listener.local_addr().unwrap_or_else(|e| panic!("{e}")).port()
    }

    #[test]
    fn nothing_listening_is_unreachable() {
        assert_eq!(
            probe(&loopback(free_port()), "/models", PROBE_DEADLINE),
            Reach::Unreachable { why: "connection refused: nothing listens there".into() }
        );
    }

    #[test]
    fn a_server_that_answers_http_is_reached_with_a_get_of_its_models() {
        let (port, server) = answering_once(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}");
        assert_eq!(probe(&loopback(port), "/models", PROBE_DEADLINE), Reach::Answered { status: 200 });
        let request = server.join().unwrap_or_else(|_| panic!("server thread"));
        assert!(request.starts_with("GET /v1/models HTTP/1.1\r\n"), "{request}");
        assert!(!request.to_ascii_lowercase().contains("authorization"), "{request}");
    }

    #[test]
    fn a_404_at_the_route_is_a_wrong_path_with_its_fix() {
        let (port, server) = answering_once(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
        let anthropic_with_v1 = loopback(port);
        assert_eq!(
            probe(&anthropic_with_v1, "/v1/models", PROBE_DEADLINE),
            Reach::NoRoute {
                url: format!("http://127.0.0.1:{port}/v1/v1/models"),
                fix: "drop /v1 from base_url".into()
            }
        );
        server.join().unwrap_or_else(|_| panic!("server thread"));
    }

    #[test]
    fn each_http_kind_is_probed_at_its_own_models_route() {
        assert_eq!(models_route(ProviderKind::OpenAi), Some("/models"));
        assert_eq!(models_route(ProviderKind::Anthropic), Some("/v1/models"));
        assert_eq!(models_route(ProviderKind::Gemini), Some("/v1beta/models"));
        assert_eq!(models_route(ProviderKind::Mock), None);
    }

    #[test]
    fn a_silent_listener_is_unreachable_within_the_deadline() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
        let port = listener.local_addr().unwrap_or_else(|e| panic!("{e}")).port();
        let started = Instant::now();
        let reach = probe(&loopback(port), "/models", Duration::from_millis(300));
        assert!(started.elapsed() < Duration::from_secs(2), "took {:?}", started.elapsed());
        assert_eq!(reach, Reach::Unreachable { why: "connected, but no HTTP answer within 300 ms".into() });
        drop(listener);
    }

    #[test]
    fn only_an_http_status_line_counts() {
        assert_eq!(status(b"HTTP/1.1 404 Not Found\r\n"), Some(404));
        assert_eq!(status(b"SSH-2.0-OpenSSH_9.6\r\n"), None);
        assert_eq!(status(b"HTTP/1.1 99999 x\r\n"), None);
    }
}
