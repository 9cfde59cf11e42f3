//! An API key that can't be printed by accident, and the redaction of keys from text
//! that came from outside (what a server or an agent CLI said).

use std::fmt;

/// The shortest key frontier sends. No provider's key is this short, and a shorter value
/// could not be removed from error text without also removing ordinary words, so
/// `provider::connect` refuses one (naming its variable) before anything is sent.
pub const MIN_KEY_CHARS: usize = 4;

/// What a key, or the part of one, becomes in redacted text.
const MARK: &str = "[redacted]";

/// Holds a secret value; `Debug` and `Display` show `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The value, for the one place that puts it in a request header.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// `text` with every occurrence of the secret replaced, and also the part of one that
    /// an earlier cut may have left at either edge: text that ends with the secret's first
    /// `MIN_KEY_CHARS` or more characters, or starts with its last ones. (A window of a
    /// longer output, such as the tail of a CLI's stderr, can start or end inside a key.)
    /// Every non-empty secret is redacted, however short; keys shorter than
    /// `MIN_KEY_CHARS` never reach a request.
    pub fn redact(&self, text: &str) -> String {
        let secret = self.0.as_str();
        if secret.is_empty() {
            return text.to_string();
        }
        // A window that lies wholly inside the key.
        if text.chars().count() >= MIN_KEY_CHARS && secret.contains(text) {
            return MARK.to_string();
        }
        let mut out = text.replace(secret, MARK);
        if let Some(tail) = longest_edge(secret, &out, Edge::End) {
            out.replace_range(out.len() - tail.., MARK);
        }
        if let Some(head) = longest_edge(secret, &out, Edge::Start) {
            out.replace_range(..head, MARK);
        }
        out
    }
}

#[derive(Clone, Copy)]
enum Edge {
    /// `text` starts with the end of `secret`.
    Start,
    /// `text` ends with the start of `secret`.
    End,
}

/// The byte length of the longest proper part of `secret` (at least `MIN_KEY_CHARS`
/// characters) that `text` has at `edge`.
fn longest_edge(secret: &str, text: &str, edge: Edge) -> Option<usize> {
    let bounds: Vec<usize> = secret.char_indices().map(|(i, _)| i).skip(1).collect();
    let parts = bounds.iter().map(|&i| match edge {
        Edge::End => &secret[..i],
        Edge::Start => &secret[i..],
    });
    parts
        .filter(|part| part.chars().count() >= MIN_KEY_CHARS)
        .filter(|part| match edge {
            Edge::End => text.ends_with(*part),
            Edge::Start => text.starts_with(*part),
        })
        .map(str::len)
        .max()
}

/// `text` with each of `secrets` redacted, longest first (so that a secret containing
/// another is not half-revealed).
pub fn redact_all(secrets: &[Secret], text: &str) -> String {
    let mut ordered: Vec<&Secret> = secrets.iter().collect();
    ordered.sort_by_key(|s| std::cmp::Reverse(s.0.len()));
    ordered.iter().fold(text.to_string(), |text, secret| secret.redact(&text))
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MARK)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MARK)
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn never_formats_its_value() {
        let s = Secret::new("sk-sentinel-1234");
        assert_eq!(format!("{s} {s:?}"), "[redacted] [redacted]");
        assert_eq!(s.redact("bad key sk-sentinel-1234!"), "bad key [redacted]!");
    }

    #[test]
    fn a_part_of_the_key_left_at_an_edge_by_a_cut_is_redacted() {
        let s = Secret::new("sk-sentinel-1234");
        assert_eq!(s.redact("bad key sk-sen"), "bad key [redacted]");
        assert_eq!(s.redact("nel-1234 was rejected"), "[redacted] was rejected");
        assert_eq!(s.redact("sk-sentinel-1234 and sk-sen"), "[redacted] and [redacted]");
        assert_eq!(s.redact("entin"), "[redacted]");
        // Fewer than MIN_KEY_CHARS characters at an edge are ordinary text.
        assert_eq!(s.redact("ask sk-"), "ask sk-");
        assert_eq!(s.redact("234 rows"), "234 rows");
    }

    #[test]
    fn short_and_multibyte_secrets_are_redacted_too() {
        assert_eq!(Secret::new("ab").redact("xaby"), "x[redacted]y");
        assert_eq!(Secret::new("").redact("text"), "text");
        assert_eq!(Secret::new("ключ-секрет").redact("bad ключ-се"), "bad [redacted]");
    }

    #[test]
    fn a_secret_inside_another_is_not_half_revealed() {
        let secrets = [Secret::new("abcd"), Secret::new("xxabcdyy")];
        assert_eq!(redact_all(&secrets, "k=xxabcdyy"), "k=[redacted]");
    }
}
