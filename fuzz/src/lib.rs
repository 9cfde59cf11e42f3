//! What the fuzz targets share: how an input is cut into parts, and the checks every SSE
//! wire format must pass. Each target in `fuzz_targets/` is a few lines over these.

use frontier::fuzzing::sse_replay;
use frontier::provider::http::WireFormat;
use frontier::provider::sse::{Decoder, Frame, MAX_EVENT_BYTES, MAX_LINE_BYTES, SseError};
use frontier::provider::{ProviderError, StreamEvent};

/// Replays `data` (a stream, then one byte that says where to split it) through the SSE
/// decoder (`provider::sse`) and `wire`, split in two, and again in one piece, and checks
/// both.
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

/// What the SSE decoder made of a stream: the events it dispatched, then the error that
/// stopped it, if one did.
pub type Decoded = (Vec<Frame>, Option<SseError>);

/// Decodes `data` (one byte `n`; when `n & 8`, two bytes setting small caps, a line of
/// 1 to 256 bytes and an event of 1 to 256 so that short inputs reach them; `n % 8` bytes
/// each choosing a cut point; then the stream) with `provider::sse::Decoder` in the
/// chunks the cuts make, and checks:
///
/// - the chunks decode exactly as the whole stream does, which is exactly what the
///   reference decoder below makes of it (a plain reading of the spec over the whole
///   input);
/// - every event has a type, and no event or line is larger than the caps allow.
pub fn check_sse_reader(data: &[u8]) {
    let Some((&head, mut rest)) = data.split_first() else { return };
    let mut caps = (MAX_LINE_BYTES, MAX_EVENT_BYTES);
    if head & 8 != 0 {
        let [line, event, tail @ ..] = rest else { return };
        caps = (usize::from(*line) + 1, usize::from(*event) + 1);
        rest = tail;
    }
    let count = usize::from(head % 8).min(rest.len());
    let (cut_bytes, stream) = rest.split_at(count);
    let mut cuts: Vec<usize> = cut_bytes.iter().map(|&b| usize::from(b) * stream.len() / usize::from(u8::MAX)).collect();
    cuts.sort_unstable();
    let mut chunks = Vec::new();
    let mut start = 0;
    for cut in cuts {
        chunks.push(&stream[start..cut]);
        start = cut;
    }
    chunks.push(&stream[start..]);

    let whole = decode_chunks(caps, &[stream]);
    let reference = reference_decode(caps, stream);
    assert_eq!(whole, reference, "the decoder and the reference disagree on {stream:?}");
    let chunked = decode_chunks(caps, &chunks);
    assert_eq!(chunked, whole, "chunked as {chunks:?}, the stream decodes differently");
    for frame in &whole.0 {
        assert!(!frame.event.is_empty(), "an event without a type: {frame:?}");
        assert!(frame.data.len() <= caps.1, "{} bytes over a cap of {}", frame.data.len(), caps.1);
    }
}

fn decode_chunks((max_line, max_event): (usize, usize), chunks: &[&[u8]]) -> Decoded {
    let mut decoder = Decoder::with_caps(max_line, max_event);
    let mut frames = Vec::new();
    for chunk in chunks {
        let fed = decoder.feed(chunk);
        frames.extend(std::iter::from_fn(|| decoder.next_frame()));
        if let Err(err) = fed {
            return (frames, Some(err));
        }
    }
    (frames, None)
}

/// The spec read plainly over the whole stream: strip one byte order mark, cut lines at
/// `\r\n`, `\r` or `\n`, drop the unterminated rest, apply each line. Written without
/// the decoder's incremental state, to check it.
fn reference_decode((max_line, max_event): (usize, usize), stream: &[u8]) -> Decoded {
    const MARK: &[u8] = b"\xEF\xBB\xBF";
    // Until the mark is whole or broken its bytes are not content: a stream that ends
    // inside one is empty.
    if MARK.starts_with(stream) {
        return (Vec::new(), None);
    }
    let stream = stream.strip_prefix(MARK).unwrap_or(stream);
    let mut lines = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < stream.len() {
        match stream[i] {
            b'\n' => {
                lines.push(&stream[start..i]);
                start = i + 1;
            }
            b'\r' => {
                lines.push(&stream[start..i]);
                if stream.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    let unterminated = &stream[start..];

    let (mut frames, mut event, mut data, mut retry) = (Vec::new(), String::new(), String::new(), None);
    for line in lines {
        if line.len() > max_line {
            return (frames, Some(SseError::LineTooLong(max_line)));
        }
        let text = String::from_utf8_lossy(line);
        if text.is_empty() {
            let event = std::mem::take(&mut event);
            if !data.is_empty() {
                let mut data = std::mem::take(&mut data);
                data.pop();
                let event = if event.is_empty() { "message".to_string() } else { event };
                frames.push(Frame { event, data, retry });
            }
            retry = None;
            continue;
        }
        if text.starts_with(':') {
            continue;
        }
        let (name, value) = match text.split_once(':') {
            Some((name, value)) => (name, value.strip_prefix(' ').unwrap_or(value)),
            None => (&*text, ""),
        };
        match name {
            "data" => data = format!("{data}{value}\n"),
            "event" => event = value.to_string(),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                if let Ok(ms) = value.parse::<u64>() {
                    retry = Some(std::time::Duration::from_millis(ms));
                }
            }
            _ => {}
        }
        if data.len() + event.len() > max_event {
            return (frames, Some(SseError::EventTooLarge(max_event)));
        }
    }
    if unterminated.len() > max_line {
        return (frames, Some(SseError::LineTooLong(max_line)));
    }
    (frames, None)
}
