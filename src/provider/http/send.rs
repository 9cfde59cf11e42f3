//! One attempt's request and its answer's head: the request sent with the key in its
//! header, then a 2xx response handed back for its stream, and anything else turned into
//! the failure it is: a redirect (never followed, named by where it pointed, without
//! userinfo), or an HTTP error with the server's message (from at most
//! `ERROR_BODY_CAP_BYTES` of its body) and its `Retry-After`. A connection error is its
//! innermost cause (the reason), a build error all its causes, a URL's userinfo hidden.
//!
//! Knows nothing about streams, retries or redaction: the attempt loop (`Transport::stream`)
//! reads the stream, and passes every failure through the redaction chokepoint.

use std::time::Duration;

use futures::StreamExt as _;
use tokio::time::Instant;

use super::{ERROR_BODY_CAP_BYTES, Transport, WireRequest};
use crate::provider::{ProviderError, base_url};

impl Transport {
    /// Sends `request`, waiting for its response's head until `deadline`.
    pub(super) async fn send(
        &self,
        request: &WireRequest,
        deadline: Instant,
    ) -> Result<reqwest::Response, ProviderError> {
        let mut builder = self.client.post(&request.url).json(&request.body);
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        if let Some((name, prefix, key)) = &request.auth {
            builder = builder.header(name, format!("{prefix}{}", key.expose()));
        }
        let response = match tokio::time::timeout_at(deadline, builder.send()).await {
            Err(_) => return Err(ProviderError::Deadline),
            Ok(Err(err)) if err.is_builder() => return Err(ProviderError::Unsendable(describe_reqwest(&err))),
            Ok(Err(err)) => return Err(ProviderError::Connect(connect_reason(&err))),
            Ok(Ok(response)) => response,
        };
        let status = response.status();
        if status.is_success() {
            return Ok(response);
        }
        if status.is_redirection() {
            let location = redirect_target(&request.url, response.headers());
            return Err(ProviderError::Redirect { status: status.as_u16(), location });
        }
        let retry_after = retry_after(response.headers());
        // Whatever the body's size, at most the cap is read; dropping the response then
        // closes the connection without downloading the rest.
        let body = tokio::time::timeout_at(deadline, read_capped(response.bytes_stream(), ERROR_BODY_CAP_BYTES))
            .await
            .unwrap_or_default();
        let message = error_message(&String::from_utf8_lossy(&body), status.canonical_reason().unwrap_or("error"));
        Err(ProviderError::Http { status: status.as_u16(), message, retry_after })
    }
}

/// The first `cap` bytes of `body`, reading no further; a read error ends it early
/// with what arrived.
async fn read_capped<S, B, E>(body: S, cap: usize) -> Vec<u8>
where
    S: futures::Stream<Item = Result<B, E>>,
    B: AsRef<[u8]>,
{
    let mut body = std::pin::pin!(body);
    let mut kept = Vec::new();
    while kept.len() < cap {
        let Some(Ok(chunk)) = body.next().await else { break };
        let chunk = chunk.as_ref();
        kept.extend_from_slice(&chunk[..chunk.len().min(cap - kept.len())]);
    }
    kept
}

/// Where a redirect pointed: its `Location` made absolute against the request's URL,
/// without any userinfo (a relative `Location` would inherit ours), or the header as
/// written if it does not parse. Redacted and cut later, like any text from the server.
fn redirect_target(request_url: &str, headers: &reqwest::header::HeaderMap) -> String {
    let Some(location) = headers.get(reqwest::header::LOCATION) else {
        return "an address it did not give (no Location header)".into();
    };
    let written = String::from_utf8_lossy(location.as_bytes()).into_owned();
    match reqwest::Url::parse(request_url).and_then(|base| base.join(&written)) {
        Ok(url) => format!("`{}`", base_url::hide_userinfo(url.as_str())),
        Err(_) => format!("`{written}`"),
    }
}

/// `Retry-After` in seconds (the HTTP-date form is rare for APIs and ignored).
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    let secs: f64 = value.trim().parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(3600.0)))
}

/// The `error.message` of a JSON error body, else the body, else the status text. Whole:
/// it is cut to length only after the chokepoint has redacted it.
pub(super) fn error_message(body: &str, fallback: &str) -> String {
    let from_json = serde_json::from_str::<serde_json::Value>(body).ok().and_then(|v| {
        let err = v.get("error")?;
        err.get("message").and_then(|m| m.as_str()).or_else(|| err.as_str()).map(str::to_string)
    });
    let text = from_json.unwrap_or_else(|| body.trim().to_string());
    if text.trim().is_empty() { fallback.to_string() } else { text }
}

/// Why a request got no response, reason first: the innermost cause (`Connection refused
/// (os error 111)`, a name that does not resolve, a certificate the client rejects), since
/// reqwest's own text starts with the URL and the layers above, and a line cut to fit a
/// terminal would lose the reason. The caller adds the URL (`ProviderError::called`).
fn connect_reason(err: &reqwest::Error) -> String {
    if err.is_timeout() {
        return "timed out".into();
    }
    let mut innermost: Option<&dyn std::error::Error> = None;
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        innermost = Some(cause);
        source = cause.source();
    }
    innermost.map_or_else(|| describe_reqwest(err), |cause| base_url::hide_userinfo(&cause.to_string()))
}

pub(super) fn describe_reqwest(err: &reqwest::Error) -> String {
    // reqwest moves a URL's userinfo into a header before sending, but an error raised
    // earlier may still carry it: the URL is shown without it.
    let mut text = match err.url() {
        Some(url) => {
            let shown = base_url::hide_userinfo(url.as_str());
            err.to_string().replace(url.as_str(), &shown)
        }
        None => err.to_string(),
    };
    // reqwest's Display stops at the outermost layer; the cause says what really failed.
    let mut source = std::error::Error::source(err);
    while let Some(cause) = source {
        text = format!("{text}: {cause}");
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn error_bodies_are_summarised() {
        assert_eq!(error_message(r#"{"error":{"message":"Rate limit"}}"#, "Too Many"), "Rate limit");
        assert_eq!(error_message("", "Too Many Requests"), "Too Many Requests");
        assert_eq!(error_message("plain text", "x"), "plain text");
    }

    #[test]
    fn the_cap_on_an_error_body_stops_reading_an_endless_one() {
        let endless = futures::stream::repeat_with(|| Ok::<_, std::io::Error>(vec![b'x'; 1000]));
        let kept = futures::executor::block_on(read_capped(endless, ERROR_BODY_CAP_BYTES));
        assert_eq!(kept.len(), ERROR_BODY_CAP_BYTES);
        let short = futures::stream::iter([Ok::<_, std::io::Error>(b"ab".to_vec()), Ok(b"cd".to_vec())]);
        assert_eq!(futures::executor::block_on(read_capped(short, 3)), b"abc");
        let broken =
            futures::stream::iter([Ok(b"ab".to_vec()), Err(std::io::Error::other("reset")), Ok(b"cd".to_vec())]);
        assert_eq!(futures::executor::block_on(read_capped(broken, 100)), b"ab");
    }

    #[test]
    fn a_redirect_target_is_absolute_and_shows_no_userinfo() {
        let headers = |location: &str| {
            let mut h = reqwest::header::HeaderMap::new();
            h.insert(
                reqwest::header::LOCATION,
                reqwest::header::HeaderValue::from_str(location).unwrap_or_else(|e| panic!("{e}")),
            );
            h
        };
        let url = "https://user:pw-sentinel@api.example/v1/chat/completions";
        assert_eq!(redirect_target(url, &headers("/v2/chat")), "`https://***@api.example/v2/chat`");
        assert_eq!(redirect_target(url, &headers("http://other:81/x")), "`http://other:81/x`");
        assert_eq!(
            redirect_target(url, &reqwest::header::HeaderMap::new()),
            "an address it did not give (no Location header)"
        );
    }
}
