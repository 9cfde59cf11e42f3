//! What a `mock:NAME?...` model does, from its query options: `delay_ms=N` waits before
//! the first token, `fail=STATUS|timeout` fails instead of answering (`fail=midway`
//! streams the first half of its answer, then never sends more), `stop=REASON` ends its
//! answer with that stop reason (`length`: as if cut at the token cap), `reply=TEXT` answers
//! with exactly that text, `error_chars=N` makes a failure's message N characters long,
//! and `reason_chars=N` makes each `reason` of a structured answer (a judge's scores) N
//! characters long (for what long outside text does to the output), and `demo=ROLE`
//! plays a part in the demo preset's scripted run (`demo`). The query is read as a URL query (`form_urlencoded`:
//! `%`-escapes, `+` for a space); a malformed escape is an error, not kept as written.
//!
//! Knows nothing about model addresses: the catalog splits `mock:NAME?` off and hands
//! over the rest.

use super::demo::DemoRole;

/// What a `mock:NAME?...` model does, from its query options.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MockOptions {
    /// Wait before the first token.
    pub delay_ms: u64,
    /// Fail instead of answering.
    pub fail: Option<MockFailure>,
    /// Answer with exactly this text.
    pub reply: Option<String>,
    /// The stop reason the answer ends with (else `stop`).
    pub stop: Option<String>,
    /// A failure's message is this many characters long.
    pub error_chars: Option<usize>,
    /// Each `reason` of a structured answer is this many characters long.
    pub reason_chars: Option<usize>,
    /// The part it plays in the demo (`demo=worked|terse|slip|judge|synth`).
    pub demo: Option<DemoRole>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MockFailure {
    /// Answer with this HTTP status.
    Status(u16),
    /// Never answer.
    Timeout,
    /// Send the first half of the answer, then nothing more.
    Midway,
}

/// The longest `delay_ms` a mock accepts: an hour.
const MAX_DELAY_MS: u64 = 3_600_000;
/// The longest padded text a mock makes.
const MAX_CHARS: usize = 1 << 20;

impl MockOptions {
    /// Parses `delay_ms=N&fail=STATUS|timeout&reply=TEXT`; the error says what is wrong.
    pub fn parse(query: &str) -> Result<MockOptions, MockOptionError> {
        check_escapes(query)?;
        let mut options = MockOptions::default();
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            match key.as_ref() {
                "delay_ms" => {
                    options.delay_ms = value
                        .parse()
                        .ok()
                        .filter(|ms| *ms <= MAX_DELAY_MS)
                        .ok_or_else(|| MockOptionError::Delay(value.to_string()))?;
                }
                "fail" => {
                    options.fail = Some(match value.as_ref() {
                        "timeout" => MockFailure::Timeout,
                        "midway" => MockFailure::Midway,
                        status => MockFailure::Status(
                            status
                                .parse()
                                .ok()
                                .filter(|s| (400..600).contains(s))
                                .ok_or_else(|| MockOptionError::Failure(value.to_string()))?,
                        ),
                    });
                }
                "reply" => options.reply = Some(value.into_owned()),
                "stop" => options.stop = Some(value.into_owned()),
                "demo" => {
                    options.demo =
                        Some(DemoRole::parse(&value).ok_or_else(|| MockOptionError::Demo(value.to_string()))?);
                }
                "error_chars" | "reason_chars" => {
                    let chars = value
                        .parse()
                        .ok()
                        .filter(|n| *n <= MAX_CHARS)
                        .ok_or_else(|| MockOptionError::Chars { key: key.to_string(), value: value.to_string() })?;
                    if key == "error_chars" {
                        options.error_chars = Some(chars);
                    } else {
                        options.reason_chars = Some(chars);
                    }
                }
                other => return Err(MockOptionError::Unknown(other.to_string())),
            }
        }
        Ok(options)
    }
}

/// A query a mock can't follow, naming the option as written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MockOptionError {
    #[error("`delay_ms={0}` is not a whole number of milliseconds up to {MAX_DELAY_MS}")]
    Delay(String),
    #[error("`fail={0}` is neither `timeout`, `midway` nor an HTTP status from 400 to 599")]
    Failure(String),
    #[error("`{key}={value}` is not a whole number up to {MAX_CHARS}")]
    Chars { key: String, value: String },
    #[error("`demo={0}` is not one of {names}", names = DemoRole::NAMES)]
    Demo(String),
    #[error("unknown mock option `{0}` (known: delay_ms, fail, reply, stop, error_chars, reason_chars, demo)")]
    Unknown(String),
    /// A `%`-escape that is cut short or decodes to bytes that are not UTF-8, in the value
    /// of the option named.
    #[error("`{0}` has a malformed %-escape")]
    MalformedEscape(String),
}

/// `form_urlencoded` keeps a malformed `%`-escape as written and replaces bytes that are
/// not UTF-8: either would make a reply other than the one asked for, so both are refused,
/// naming the option.
fn check_escapes(query: &str) -> Result<(), MockOptionError> {
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let bytes = value.as_bytes();
        let escapes_complete = bytes
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'%')
            .all(|(at, _)| bytes.get(at + 1..at + 3).is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)));
        if !escapes_complete || percent_encoding::percent_decode(bytes).decode_utf8().is_err() {
            return Err(MockOptionError::MalformedEscape(key.to_string()));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn options_parse_with_escapes_and_plus_for_space() {
        assert_eq!(
            MockOptions::parse("delay_ms=25&fail=503&reply=hi+there%21"),
            Ok(MockOptions {
                delay_ms: 25,
                fail: Some(MockFailure::Status(503)),
                reply: Some("hi there!".into()),
                ..Default::default()
            })
        );
        assert_eq!(MockOptions::parse(""), Ok(MockOptions::default()));
        assert_eq!(
            MockOptions::parse("&fail=timeout&&reply=%E2%9C%93"),
            Ok(MockOptions { fail: Some(MockFailure::Timeout), reply: Some("✓".into()), ..Default::default() })
        );
        assert_eq!(MockOptions::parse("reply"), Ok(MockOptions { reply: Some(String::new()), ..Default::default() }));
        assert_eq!(
            MockOptions::parse("fail=midway&stop=length"),
            Ok(MockOptions { fail: Some(MockFailure::Midway), stop: Some("length".into()), ..Default::default() })
        );
        assert_eq!(
            MockOptions::parse("error_chars=2000&reason_chars=500"),
            Ok(MockOptions { error_chars: Some(2000), reason_chars: Some(500), ..Default::default() })
        );
    }

    #[test]
    fn bad_options_say_what_is_wrong() {
        let err = |query: &str| MockOptions::parse(query).err().map(|e| e.to_string()).unwrap_or_default();
        assert_eq!(err("fail=200"), "`fail=200` is neither `timeout`, `midway` nor an HTTP status from 400 to 599");
        assert_eq!(
            err("speed=1"),
            "unknown mock option `speed` (known: delay_ms, fail, reply, stop, error_chars, reason_chars, demo)"
        );
        assert_eq!(err("demo=judge"), "");
        assert_eq!(err("demo=wise"), "`demo=wise` is not one of worked, terse, slip, judge, synth");
        assert_eq!(err("error_chars=x"), "`error_chars=x` is not a whole number up to 1048576");
        assert_eq!(err("delay_ms=3600001"), "`delay_ms=3600001` is not a whole number of milliseconds up to 3600000");
        assert_eq!(err("delay_ms=-1"), "`delay_ms=-1` is not a whole number of milliseconds up to 3600000");
        for malformed in ["reply=100%", "reply=%zz", "reply=%4", "reply=%FF", "reply=ok&reply=%C3"] {
            assert_eq!(err(malformed), "`reply` has a malformed %-escape", "{malformed}");
        }
    }
}
