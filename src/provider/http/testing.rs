//! Replays recorded stream bytes through a wire format as the transport would read them:
//! the adapters' tests (and `conformance`) and the fuzz targets (`crate::fuzzing`,
//! docs/fuzzing.md) use it. Compiled only for tests and under `--cfg fuzzing`: it is not
//! part of the transport, which reads from a socket.
//!
//! Knows nothing about any one API (the `WireFormat` parses) nor about retries.

use super::WireFormat;
use crate::provider::sse::Decoder;
use crate::provider::{ProviderError, StreamEvent};

/// Feeds `bytes`, split in two at `cut`, through the SSE decoder and `wire`'s parser,
/// applying the transport's rules: a stream without an end marker is truncated, and
/// the events decoded before a decoding error are parsed before it is reported.
pub fn replay<W: WireFormat>(wire: &W, bytes: &[u8], cut: usize) -> Result<Vec<StreamEvent>, ProviderError> {
    replay_chunks(wire, [&bytes[..cut], &bytes[cut..]])
}

/// As `replay`, with the stream in any number of chunks.
pub fn replay_chunks<'a, W: WireFormat>(
    wire: &W,
    chunks: impl IntoIterator<Item = &'a [u8]>,
) -> Result<Vec<StreamEvent>, ProviderError> {
    let mut decoder = Decoder::new();
    let mut state = W::State::default();
    let mut events = Vec::new();
    for chunk in chunks {
        let fed = decoder.feed(chunk);
        while let Some(frame) = decoder.next_frame() {
            let parsed = wire.parse(&mut state, &frame)?;
            let done = parsed.iter().any(|e| matches!(e, StreamEvent::Done { .. }));
            events.extend(parsed);
            if done {
                return Ok(events);
            }
        }
        fed.map_err(|e| ProviderError::Malformed(e.to_string()))?;
    }
    Err(ProviderError::Truncated)
}
