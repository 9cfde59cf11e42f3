//! What the fuzz targets share: how an input is cut into parts, and the checks every SSE
//! wire format must pass. Each target in `fuzz_targets/` is a few lines over these.

use frontier::fuzzing::sse_replay;
use frontier::provider::http::WireFormat;
use frontier::provider::{ProviderError, StreamEvent};

/// Replays `data` (a stream, then one byte that says where to split it) through `wire`
/// split in two, and again in one piece, and checks both.
///
/// - The result does not depend on where the bytes were split.
/// - A stream that parses ends with its one `Done`, has no `Restart` (the transport's
///   business) and no empty delta.
/// - A stream that doesn't fails with a stream error, never a transport one.
pub fn check_sse<W: WireFormat>(wire: &W, data: &[u8]) {
    let Some((&where_, bytes)) = data.split_last() else { return };
    let cut = usize::from(where_) * bytes.len() / usize::from(u8::MAX);
    let whole = sse_replay(wire, bytes, bytes.len());
    match &whole {
        Ok(events) => {
            let dones = events.iter().filter(|e| matches!(e, StreamEvent::Done { .. })).count();
            assert_eq!(dones, 1, "one Done per stream: {events:?}");
            assert!(matches!(events.last(), Some(StreamEvent::Done { .. })), "Done comes last: {events:?}");
            for event in events {
                match event {
                    StreamEvent::Delta(text) => assert!(!text.is_empty(), "an empty delta: {events:?}"),
                    StreamEvent::Restart { .. } => panic!("a wire format emitted Restart: {events:?}"),
                    StreamEvent::Done { .. } => {}
                }
            }
        }
        Err(err) => assert!(
            matches!(
                err,
                ProviderError::Truncated
                    | ProviderError::Malformed(_)
                    | ProviderError::Remote(_)
                    | ProviderError::Refused(_)
            ),
            "not a stream error: {err:?}"
        ),
    }
    let split = sse_replay(wire, bytes, cut);
    assert_eq!(split, whole, "split at byte {cut} of {}, the stream reads differently", bytes.len());
}

/// `data` as text where frontier reads it with `read_to_string` (stdin, config files),
/// which refuses what is not UTF-8; `None` then. Agent-CLI output is decoded lossily
/// instead, and those targets use `String::from_utf8_lossy`.
pub fn strict_utf8(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// `text` cut in two at its first NUL (the second part `None` when there is none): two
/// texts from one input, for parsers that read stdout and stderr, or events and a file.
pub fn two_texts(text: &str) -> (&str, Option<&str>) {
    match text.split_once('\0') {
        Some((first, second)) => (first, Some(second)),
        None => (text, None),
    }
}
