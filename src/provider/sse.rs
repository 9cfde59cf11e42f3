//! A bounded Server-Sent Events decoder: bytes in, events (`Frame`s) out, per the
//! WHATWG event-stream rules frontier needs. Lines end in `\n`, `\r\n` or `\r` (a `\r\n`
//! split across chunks is still one ending); `data:`, `event:`, `id:` and `retry:` fields
//! with one optional space after the colon; lines starting with `:` are comments; a blank
//! line dispatches the event; one UTF-8 byte order mark at the very start is skipped,
//! however the stream is chunked. Text is decoded as UTF-8 line by line, invalid bytes
//! replaced (as the spec says).
//!
//! Each byte is looked at once (a chunk's scan starts where the last one stopped), and
//! nothing is buffered past the caps: a line longer than `MAX_LINE_BYTES` or an event
//! larger than `MAX_EVENT_BYTES` is an error as soon as the cap is crossed. After an
//! error the decoder refuses further input.
//!
//! Knows nothing about I/O, time or any provider's JSON: `http` feeds it chunks and
//! applies the timeouts; the wire formats read the frames.

use std::collections::VecDeque;
use std::time::Duration;

/// The longest line the decoder holds. Real providers' biggest frames are one JSON
/// object on one `data:` line: a few hundred KB at most (a long tool call, a final
/// Gemini chunk with grounding metadata); 1 MiB leaves room without letting one
/// newline-less line grow without bound.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;
/// The largest event (its data lines and type together). Several `data:` lines make one
/// event; no provider frontier speaks sends more than one per event, so 4 MiB is slack.
pub const MAX_EVENT_BYTES: usize = 4 * 1024 * 1024;

const BYTE_ORDER_MARK: &[u8] = b"\xEF\xBB\xBF";

/// One dispatched event, with the field names of the spec.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Frame {
    /// The event type: the last `event:` field, or `message` when there was none.
    pub event: String,
    /// The `data:` lines, joined by `\n`.
    pub data: String,
    /// The reconnection time the stream asked for, if this event set one.
    pub retry: Option<Duration>,
}

/// Why the decoder gave up on a stream; each says the cap it crossed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SseError {
    #[error("a line of the event stream is longer than {}", size(*.0))]
    LineTooLong(usize),
    #[error("an event of the event stream is larger than {}", size(*.0))]
    EventTooLarge(usize),
}

fn size(bytes: usize) -> String {
    if bytes >= 1024 && bytes.is_multiple_of(1024) { format!("{} KiB", bytes / 1024) } else { format!("{bytes} bytes") }
}

/// Where the decoder is in the stream's first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Start {
    /// This many bytes of a byte order mark have been seen, and nothing else yet.
    Mark(usize),
    /// Past the start: every byte is content.
    Content,
}

/// The incremental decoder. Feed it chunks with `feed`; take events with `next_frame`.
#[derive(Debug)]
pub struct Decoder {
    max_line_bytes: usize,
    max_event_bytes: usize,
    start: Start,
    /// The current line, when it spans chunks (its bytes so far).
    line: Vec<u8>,
    /// The last byte fed was a `\r`: a `\n` right after it ends nothing.
    after_cr: bool,
    event_type: String,
    data: String,
    last_id: String,
    retry: Option<Duration>,
    ready: VecDeque<Frame>,
    failed: Option<SseError>,
}

impl Default for Decoder {
    fn default() -> Self {
        Decoder::with_caps(MAX_LINE_BYTES, MAX_EVENT_BYTES)
    }
}

impl Decoder {
    pub fn new() -> Decoder {
        Decoder::default()
    }

    /// A decoder with other caps than the usual ones, so that the fuzz target reaches
    /// them with short inputs.
    pub fn with_caps(max_line_bytes: usize, max_event_bytes: usize) -> Decoder {
        Decoder {
            max_line_bytes,
            max_event_bytes,
            start: Start::Mark(0),
            line: Vec::new(),
            after_cr: false,
            event_type: String::new(),
            data: String::new(),
            last_id: String::new(),
            retry: None,
            ready: VecDeque::new(),
            failed: None,
        }
    }

    /// The last event id the stream set (it carries over between events; kept here, not
    /// in each frame, so that a long id is not copied into every event).
    pub fn last_event_id(&self) -> &str {
        &self.last_id
    }

    /// The next complete event, in stream order.
    pub fn next_frame(&mut self) -> Option<Frame> {
        self.ready.pop_front()
    }

    /// Decodes `chunk`, queueing the events it completes. Fails, and keeps failing, once a
    /// cap is crossed; events completed before that stay queued.
    pub fn feed(&mut self, mut chunk: &[u8]) -> Result<(), SseError> {
        if let Some(err) = self.failed {
            return Err(err);
        }
        chunk = self.skip_mark(chunk);
        let result = self.feed_lines(chunk);
        if let Err(err) = result {
            self.failed = Some(err);
            // What was buffered is of no more use; give the memory back now.
            self.line = Vec::new();
            self.data = String::new();
        }
        result
    }

    /// Drops a byte order mark at the start of the stream, however it is split.
    fn skip_mark<'a>(&mut self, mut chunk: &'a [u8]) -> &'a [u8] {
        while let Start::Mark(seen) = self.start {
            let Some((&byte, rest)) = chunk.split_first() else { break };
            if byte == BYTE_ORDER_MARK[seen] {
                chunk = rest;
                self.start = if seen + 1 == BYTE_ORDER_MARK.len() { Start::Content } else { Start::Mark(seen + 1) };
            } else {
                // Not a mark after all: the bytes taken for one are content (they hold no
                // line ending, so they start the first line).
                self.line.extend_from_slice(&BYTE_ORDER_MARK[..seen]);
                self.start = Start::Content;
            }
        }
        chunk
    }

    fn feed_lines(&mut self, mut chunk: &[u8]) -> Result<(), SseError> {
        loop {
            if self.after_cr {
                let Some((&first, rest)) = chunk.split_first() else { return Ok(()) };
                self.after_cr = false;
                if first == b'\n' {
                    chunk = rest;
                }
            }
            let Some(end) = chunk.iter().position(|&b| b == b'\n' || b == b'\r') else {
                if self.line.len() + chunk.len() > self.max_line_bytes {
                    return Err(SseError::LineTooLong(self.max_line_bytes));
                }
                self.line.extend_from_slice(chunk);
                return Ok(());
            };
            let content = &chunk[..end];
            if self.line.len() + content.len() > self.max_line_bytes {
                return Err(SseError::LineTooLong(self.max_line_bytes));
            }
            if self.line.is_empty() {
                self.process_line(content)?;
            } else {
                // Keeps the buffer's allocation for the next line that spans chunks.
                let mut line = std::mem::take(&mut self.line);
                line.extend_from_slice(content);
                let result = self.process_line(&line);
                line.clear();
                self.line = line;
                result?;
            }
            self.after_cr = chunk[end] == b'\r';
            chunk = &chunk[end + 1..];
        }
    }

    /// Interprets one complete line (without its ending).
    fn process_line(&mut self, line: &[u8]) -> Result<(), SseError> {
        if line.is_empty() {
            self.dispatch();
            return Ok(());
        }
        if line[0] == b':' {
            return Ok(());
        }
        let (name, value) = match line.iter().position(|&b| b == b':') {
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &b""[..]),
        };
        match name {
            b"data" => {
                self.data.push_str(&String::from_utf8_lossy(value));
                self.data.push('\n');
            }
            b"event" => self.event_type = String::from_utf8_lossy(value).into_owned(),
            b"id" if !value.contains(&0) => self.last_id = String::from_utf8_lossy(value).into_owned(),
            b"retry" if !value.is_empty() && value.iter().all(u8::is_ascii_digit) => {
                // All digits, so only overflow can fail: a retry time past u64 ms is ignored.
                if let Some(ms) = std::str::from_utf8(value).ok().and_then(|v| v.parse().ok()) {
                    self.retry = Some(Duration::from_millis(ms));
                }
            }
            _ => {}
        }
        // Checked after the push: replacing invalid UTF-8 can grow a line (at most
        // threefold), so the overshoot is bounded by one line.
        if self.data.len() + self.event_type.len() > self.max_event_bytes {
            return Err(SseError::EventTooLarge(self.max_event_bytes));
        }
        Ok(())
    }

    /// A blank line: the event so far is complete (or, with no data, dropped).
    fn dispatch(&mut self) {
        let event_type = std::mem::take(&mut self.event_type);
        let retry = self.retry.take();
        if self.data.is_empty() {
            return;
        }
        let mut data = std::mem::take(&mut self.data);
        if data.ends_with('\n') {
            data.pop();
        }
        let event = if event_type.is_empty() { "message".to_string() } else { event_type };
        self.ready.push_back(Frame { event, data, retry });
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    impl Decoder {
        /// Bytes held for the current line and event.
        fn buffered(&self) -> usize {
            self.line.len() + self.data.len() + self.event_type.len()
        }
    }

    fn frame(event: &str, data: &str) -> Frame {
        Frame { event: event.into(), data: data.into(), retry: None }
    }

    /// The frames of `chunks` fed in order, or the first error.
    fn decode(chunks: &[&[u8]]) -> Result<Vec<Frame>, SseError> {
        let mut decoder = Decoder::new();
        let mut frames = Vec::new();
        for chunk in chunks {
            decoder.feed(chunk)?;
            frames.extend(std::iter::from_fn(|| decoder.next_frame()));
        }
        Ok(frames)
    }

    /// Decodes `stream` whole, split in two at every byte, and one byte at a time, checks
    /// all agree, and returns the frames.
    fn decode_every_way(stream: &[u8]) -> Result<Vec<Frame>, SseError> {
        let whole = decode(&[stream]);
        for cut in 0..=stream.len() {
            assert_eq!(decode(&[&stream[..cut], &stream[cut..]]), whole, "split at {cut} of {stream:?}");
        }
        let bytes: Vec<&[u8]> = stream.chunks(1).collect();
        assert_eq!(decode(&bytes), whole, "byte by byte: {stream:?}");
        whole
    }

    #[test]
    fn lines_may_end_in_lf_crlf_or_cr() {
        let stream = b"data: a\r\ndata: b\rdata: c\n\r\ndata: d\r\rdata: e\n\n";
        assert_eq!(
            decode_every_way(stream),
            Ok(vec![frame("message", "a\nb\nc"), frame("message", "d"), frame("message", "e")])
        );
    }

    #[test]
    fn a_byte_order_mark_at_the_start_is_skipped_once_however_it_is_split() {
        assert_eq!(decode_every_way("\u{feff}data: x\n\n".as_bytes()), Ok(vec![frame("message", "x")]));
        // A second mark is content: the first line's field is then not `data`.
        assert_eq!(
            decode_every_way("\u{feff}\u{feff}data: x\n\ndata: y\n\n".as_bytes()),
            Ok(vec![frame("message", "y")])
        );
        // Part of a mark is content too, and the line it starts is still read.
        assert_eq!(decode_every_way(b"\xEF\xBB\ndata: y\n\n"), Ok(vec![frame("message", "y")]));
        assert_eq!(decode_every_way("data: \u{feff}x\n\n".as_bytes()), Ok(vec![frame("message", "\u{feff}x")]));
    }

    #[test]
    fn comments_and_unknown_fields_are_ignored() {
        let stream = b": keep-alive\n\n:\n\ndata: y\n: between\nfoo: bar\n\n";
        assert_eq!(decode_every_way(stream), Ok(vec![frame("message", "y")]));
    }

    #[test]
    fn fields_follow_the_spec() {
        let stream = b"event: delta\ndata: one\ndata:two\ndata:  three\ndata\n\nevent: e\n\ndata: after\n\n";
        assert_eq!(
            decode_every_way(stream),
            Ok(vec![frame("delta", "one\ntwo\n three\n"), frame("message", "after")]),
            "one space after the colon is dropped; an event with no data is not dispatched and its type is reset"
        );
        assert_eq!(decode_every_way(b"data:\n\n"), Ok(vec![frame("message", "")]));
        assert_eq!(decode_every_way(b"data: unterminated\n"), Ok(vec![]), "an event cut off by the end of the stream");
    }

    #[test]
    fn ids_carry_over_and_retry_takes_digits_only() {
        let mut decoder = Decoder::new();
        decoder.feed(b"id: 7\nretry: 1500\ndata: a\n\nid: bad\0\nretry: 1x\ndata: b\n\n").unwrap();
        assert_eq!(
            decoder.next_frame(),
            Some(Frame { retry: Some(Duration::from_millis(1500)), ..frame("message", "a") })
        );
        assert_eq!(decoder.next_frame(), Some(frame("message", "b")));
        assert_eq!(decoder.last_event_id(), "7");
        decoder.feed(b"retry: 99999999999999999999999\ndata: c\n\n").unwrap();
        assert_eq!(decoder.next_frame(), Some(frame("message", "c")), "an overflowing retry is ignored");
    }

    #[test]
    fn invalid_utf8_is_replaced_not_fatal() {
        assert_eq!(decode_every_way(b"data: a\xFFb\n\n"), Ok(vec![frame("message", "a\u{fffd}b")]));
    }

    #[test]
    fn a_line_at_the_cap_is_read_and_one_byte_more_is_an_error() {
        let at_cap = format!("data: {}\n\n", "x".repeat(MAX_LINE_BYTES - "data: ".len()));
        assert_eq!(decode(&[at_cap.as_bytes()]).map(|f| f[0].data.len()), Ok(MAX_LINE_BYTES - 6));
        let over = format!("data: {}\n\n", "x".repeat(MAX_LINE_BYTES - 5));
        assert_eq!(decode(&[over.as_bytes()]), Err(SseError::LineTooLong(MAX_LINE_BYTES)));
        let line: Vec<u8> = over.bytes().collect();
        let chunks: Vec<&[u8]> = line.chunks(4096).collect();
        assert_eq!(decode(&chunks), Err(SseError::LineTooLong(MAX_LINE_BYTES)));
    }

    /// An endless line, fed as a server would send it: the error comes as soon as the cap
    /// is crossed, the decoder never holds more than the cap, and it stays failed.
    #[test]
    fn an_endless_line_fails_at_the_cap_with_bounded_memory() {
        let mut decoder = Decoder::new();
        let chunk = [b'a'; 16 * 1024];
        decoder.feed(b"data: ").unwrap();
        let mut fed = 0;
        let err = loop {
            match decoder.feed(&chunk) {
                Ok(()) => {
                    fed += 1;
                    assert!(decoder.buffered() <= MAX_LINE_BYTES, "{} bytes held", decoder.buffered());
                    assert!(fed <= MAX_LINE_BYTES / chunk.len(), "no error after {fed} chunks");
                }
                Err(err) => break err,
            }
        };
        assert_eq!(err, SseError::LineTooLong(MAX_LINE_BYTES));
        assert_eq!(decoder.buffered(), 0, "the buffers are released");
        assert_eq!(
            decoder.feed(b"\n\ndata: x\n\n"),
            Err(SseError::LineTooLong(MAX_LINE_BYTES)),
            "a failed decoder stays failed"
        );
        assert_eq!(decoder.next_frame(), None);
    }

    #[test]
    fn errors_name_the_cap() {
        assert_eq!(
            [SseError::LineTooLong(MAX_LINE_BYTES).to_string(), SseError::EventTooLarge(10).to_string()],
            [
                "a line of the event stream is longer than 1024 KiB",
                "an event of the event stream is larger than 10 bytes"
            ]
        );
    }

    #[test]
    fn an_event_past_its_cap_is_an_error() {
        let line = format!("data: {}\n", "x".repeat(MAX_LINE_BYTES / 2));
        let mut decoder = Decoder::new();
        let mut result = Ok(());
        for _ in 0..=(MAX_EVENT_BYTES / (MAX_LINE_BYTES / 2)) {
            result = decoder.feed(line.as_bytes());
            assert!(decoder.buffered() <= MAX_EVENT_BYTES + MAX_LINE_BYTES, "{} bytes held", decoder.buffered());
            if result.is_err() {
                break;
            }
        }
        assert_eq!(result, Err(SseError::EventTooLarge(MAX_EVENT_BYTES)));
        // Many small events add up to nothing: each one's data is handed over.
        let mut decoder = Decoder::new();
        for _ in 0..(MAX_EVENT_BYTES / line.len() * 4) {
            decoder.feed(line.as_bytes()).unwrap();
            decoder.feed(b"\n").unwrap();
            assert!(decoder.next_frame().is_some());
        }
    }
}
