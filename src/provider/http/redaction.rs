//! The redaction chokepoint (`ProviderError::scrubbed`) against a key at every offset of
//! what a server can make frontier quote: an HTTP error body, and each adapter's error
//! frames mid-stream. Not one 4-character piece of the key may survive, however the cut
//! to length falls.

use pretty_assertions::assert_eq;

use super::send::error_message;
use super::testing;
use crate::provider::{MIN_KEY_CHARS, ProviderError, Secret};

/// A key with no 4-character window in common with the test texts around it (no
/// lowercase words, no digits that a parser's "column 1234" could repeat).
const KEY: &str = "sk-SENTINELQWERTYZXCVBNMPLKJ";

/// The first 4-character piece of `KEY` found in `text`: a leak of a prefix, suffix or
/// middle of the key. Four is `MIN_KEY_CHARS`: shorter pieces (`sk-`) are ordinary text.
fn leaked_piece(text: &str) -> Option<&'static str> {
    (0..=KEY.len() - MIN_KEY_CHARS).map(|i| &KEY[i..i + MIN_KEY_CHARS]).find(|piece| text.contains(piece))
}

/// `len` characters of filler with `KEY` placed at `offset`.
fn with_key_at(offset: usize, len: usize) -> String {
    let filler = "x".repeat(len);
    format!("{}{KEY}{}", &filler[..offset], &filler[offset..])
}

#[test]
fn a_key_at_any_offset_of_an_http_error_body_leaves_no_piece() {
    let secrets = [Secret::new(KEY)];
    for offset in 0..=2000 {
        let text = with_key_at(offset, 2000);
        for body in [text.clone(), format!(r#"{{"error":{{"message":"{text}"}}}}"#), format!(r#"{{"error":"{text}"}}"#)]
        {
            let message = error_message(&body, "Bad Request");
            let err = ProviderError::Http { status: 400, message, retry_after: None }.scrubbed(&secrets);
            let shown = err.to_string();
            assert_eq!(leaked_piece(&shown), None, "offset {offset}: {shown}");
            assert!(shown.chars().count() <= 320, "cut to length: {shown}");
        }
    }
}

/// The error each adapter makes of one frame carrying `text` (mid-stream error
/// objects and events, refusals, parse errors that quote their input), through the
/// chokepoint the transport applies.
fn adapter_errors(text: &str) -> Vec<ProviderError> {
    use crate::provider::anthropic::AnthropicWire;
    use crate::provider::gemini::GeminiWire;
    use crate::provider::openai::OpenAiWire;
    let sse = |event: &str, data: String| format!("event: {event}\ndata: {data}\n\n").into_bytes();
    let anthropic_error =
        |kind: &str| sse("error", format!(r#"{{"type":"error","error":{{"type":"{kind}","message":"{text}"}}}}"#));
    let outcomes = [
        testing::replay(&OpenAiWire, &sse("message", format!(r#"{{"error":{{"message":"{text}"}}}}"#)), 0),
        testing::replay(&OpenAiWire, &sse("message", format!(r#"{{"choices":"{text}"}}"#)), 0),
        testing::replay(&AnthropicWire, &anthropic_error("authentication_error"), 0),
        testing::replay(&AnthropicWire, &anthropic_error("invalid_request_error"), 0),
        testing::replay(&AnthropicWire, &anthropic_error("permission_error"), 0),
        testing::replay(&AnthropicWire, &anthropic_error("not_found_error"), 0),
        testing::replay(&AnthropicWire, &anthropic_error("overloaded_error"), 0),
        testing::replay(
            &AnthropicWire,
            &sse("content_block_delta", format!(r#"{{"type":"content_block_delta","delta":"{text}"}}"#)),
            0,
        ),
        testing::replay(&GeminiWire, &sse("message", format!(r#"{{"promptFeedback":{{"blockReason":"{text}"}}}}"#)), 0),
        testing::replay(&GeminiWire, &sse("message", format!(r#"{{"error":{{"message":"{text}"}}}}"#)), 0),
        testing::replay(&GeminiWire, &sse("message", format!(r#"{{"error":{{"status":"{text}"}}}}"#)), 0),
        testing::replay(&GeminiWire, &sse("message", format!(r#"{{"candidates":"{text}"}}"#)), 0),
    ];
    outcomes.into_iter().map(|o| o.err().unwrap_or(ProviderError::Truncated)).collect()
}

#[test]
fn a_key_at_any_offset_of_a_mid_stream_error_leaves_no_piece() {
    let secrets = [Secret::new(KEY)];
    let kinds = |errors: &[ProviderError]| errors.iter().map(ProviderError::kind).collect::<Vec<_>>();
    // Each frame fails as intended (a refusal is a refusal), so the sweep covers each shape.
    let shapes = adapter_errors("plain");
    assert!(shapes.iter().all(|e| e.to_string().contains("plain")), "{shapes:#?}");
    assert_eq!(
        shapes.iter().filter(|e| matches!(e, ProviderError::Refused(_))).count(),
        5,
        "four Anthropic kinds and Gemini's blockReason are refusals: {shapes:#?}"
    );
    assert_eq!(shapes.iter().filter(|e| matches!(e, ProviderError::Malformed(_))).count(), 3, "{shapes:#?}");
    // 1,000 characters put the key before, across and far past the 300-character cut;
    // every offset of it is replayed through the SSE decoder, which is slow unoptimised.
    for offset in 0..=1000 {
        let errors: Vec<ProviderError> =
            adapter_errors(&with_key_at(offset, 1000)).into_iter().map(|e| e.scrubbed(&secrets)).collect();
        assert_eq!(kinds(&errors), kinds(&shapes), "offset {offset}");
        for err in &errors {
            let shown = err.to_string();
            assert_eq!(leaked_piece(&shown), None, "offset {offset}: {shown}");
        }
    }
}
