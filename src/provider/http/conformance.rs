//! The one conformance check every HTTP adapter's tests run on its recorded streams:
//! a stream parses to the same events however the network splits it, a stream cut before
//! its end marker is `Truncated`, and an error frame mid-stream fails the attempt with
//! the expected error, at every split.
//!
//! It replays bytes through `super::testing::replay` (the SSE decoder plus the adapter's
//! parser, with the transport's end-of-stream rule); it knows nothing of any one API:
//! the adapter's tests bring the recordings and what they must parse to.

use pretty_assertions::assert_eq;

use super::WireFormat;
use super::testing::replay;
use crate::provider::{ProviderError, StreamEvent};

/// An adapter's recorded answer and what it must parse to.
pub struct Recording<'a> {
    /// The stream as the API sent it, ending with its end marker.
    pub bytes: &'a str,
    /// The start of the end marker's frame (its last occurrence in `bytes`): the stream
    /// cut there is complete in every frame but has no end.
    pub end_marker: &'a str,
    /// Every event the whole stream parses to, the `Done` last.
    pub events: Vec<StreamEvent>,
}

/// A stream that fails part-way, and the error it must fail with.
pub struct MidStreamError<'a> {
    /// Some answer frames, then the API's error frame.
    pub bytes: &'a str,
    pub error: ProviderError,
}

/// Runs every check on `wire`: `recording` split at every byte (and, past its end marker's
/// start, truncated at every split), and `failure` at every split.
pub fn check<W: WireFormat>(wire: &W, recording: &Recording<'_>, failure: &MidStreamError<'_>) {
    parses_at_every_split(wire, recording.bytes, &recording.events);
    truncated_before_end_marker(wire, recording);
    fails_at_every_split(wire, failure);
}

/// `bytes` parse to exactly `events` whether whole or split in two at any byte.
pub fn parses_at_every_split<W: WireFormat>(wire: &W, bytes: &str, events: &[StreamEvent]) {
    let bytes = bytes.as_bytes();
    for cut in 0..=bytes.len() {
        let parsed = replay(wire, bytes, cut).unwrap_or_else(|e| panic!("cut at {cut}: {e}"));
        assert_eq!(parsed, events, "cut at {cut}");
    }
}

/// The recording without its end marker is `Truncated`, at every split.
pub fn truncated_before_end_marker<W: WireFormat>(wire: &W, recording: &Recording<'_>) {
    let end = recording
        .bytes
        .rfind(recording.end_marker)
        .unwrap_or_else(|| panic!("the recording has no end marker {:?}", recording.end_marker));
    let bytes = &recording.bytes.as_bytes()[..end];
    for cut in 0..=bytes.len() {
        assert_eq!(replay(wire, bytes, cut), Err(ProviderError::Truncated), "split at {cut}");
    }
}

/// The failing stream ends in `failure.error`, at every split.
pub fn fails_at_every_split<W: WireFormat>(wire: &W, failure: &MidStreamError<'_>) {
    let bytes = failure.bytes.as_bytes();
    for cut in 0..=bytes.len() {
        assert_eq!(replay(wire, bytes, cut), Err(failure.error.clone()), "cut at {cut}");
    }
}
