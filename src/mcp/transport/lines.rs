//! Reads stdin one line (one JSON-RPC message) at a time, never holding more than
//! [`MAX_LINE_BYTES`] of a line: a longer one is skipped as it streams past, keeping only
//! its first and last bytes, where a request's id is (see `refusal::id_of`).
//!
//! Cancel-safe: everything a read has taken is in `self` before it next awaits, so a
//! read dropped by the service loop's `select!` loses nothing and the next one resumes.
//!
//! Knows nothing about JSON.

use tokio::io::{AsyncBufReadExt as _, AsyncRead, BufReader};

/// The longest line read as a message (without its newline); the MCP stdio transport of
/// rmcp, and its HTTP client's event cap, draw the line at the same size.
pub const MAX_LINE_BYTES: usize = 16 * 1024 * 1024;
/// How much of an oversized line's start is kept to find its id in.
const HEAD_BYTES: usize = 4096;
/// How much of an oversized line's end is kept to find its id in.
const TAIL_BYTES: usize = 256;
/// A line buffer grown past this is given back after its line, so one huge message does
/// not keep its memory for the rest of the session.
const KEEP_CAPACITY: usize = 1024 * 1024;

/// What a read found.
#[derive(Debug, PartialEq)]
pub enum Read<'a> {
    /// A whole line, without its newline (or `\r\n`).
    Line(&'a [u8]),
    /// A line longer than [`MAX_LINE_BYTES`], skipped to its end.
    Oversized(Oversized),
    /// Stdin closed (a last line without a newline is not a message: dropped).
    Closed,
    /// Reading failed.
    Failed(std::io::ErrorKind),
}

/// What is kept of a line too long to read: its first and last bytes.
#[derive(Debug, Default, PartialEq)]
pub struct Oversized {
    pub head: Vec<u8>,
    pub tail: Vec<u8>,
}

impl Oversized {
    /// Keeps what `bytes`, the next piece of the line, adds to its ends.
    fn keep(&mut self, bytes: &[u8]) {
        let room = HEAD_BYTES.saturating_sub(self.head.len());
        self.head.extend_from_slice(&bytes[..room.min(bytes.len())]);
        self.keep_tail(bytes);
    }

    fn keep_tail(&mut self, bytes: &[u8]) {
        let bytes = &bytes[bytes.len().saturating_sub(TAIL_BYTES)..];
        self.tail.extend_from_slice(bytes);
        let excess = self.tail.len().saturating_sub(TAIL_BYTES);
        self.tail.drain(..excess);
    }
}

/// The lines of `R`.
pub struct Lines<R> {
    read: BufReader<R>,
    line: Vec<u8>,
    max: usize,
    /// The line returned last is still in `line`: cleared at the next read.
    returned: bool,
    /// Set while the rest of an oversized line streams past.
    skipping: Option<Oversized>,
}

/// What to do once `fill_buf`'s borrow has ended.
enum Step {
    More,
    Line,
    Skipped,
}

impl<R: AsyncRead + Unpin> Lines<R> {
    pub fn new(read: R) -> Self {
        Lines::with_max(read, MAX_LINE_BYTES)
    }

    fn with_max(read: R, max: usize) -> Self {
        Lines {
            read: BufReader::with_capacity(64 * 1024, read),
            line: Vec::new(),
            max,
            returned: false,
            skipping: None,
        }
    }

    /// The next line.
    pub async fn next(&mut self) -> Read<'_> {
        if self.returned {
            self.returned = false;
            self.line.clear();
            if self.line.capacity() > KEEP_CAPACITY {
                self.line = Vec::new();
            }
        }
        loop {
            let (used, step) = {
                let available = match self.read.fill_buf().await {
                    Ok(available) => available,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => return Read::Failed(e.kind()),
                };
                if available.is_empty() {
                    self.line.clear();
                    self.skipping = None;
                    return Read::Closed;
                }
                let newline = available.iter().position(|b| *b == b'\n');
                let used = newline.map_or(available.len(), |at| at + 1);
                let content = &available[..newline.unwrap_or(available.len())];
                let done = if newline.is_some() { Step::Skipped } else { Step::More };
                if let Some(skipping) = &mut self.skipping {
                    skipping.keep(content);
                    (used, done)
                } else if self.line.len().saturating_add(content.len()) > self.max {
                    let mut kept = Oversized::default();
                    kept.keep(&self.line);
                    kept.keep(content);
                    self.line = Vec::new();
                    self.skipping = Some(kept);
                    (used, done)
                } else {
                    self.line.extend_from_slice(content);
                    (used, if newline.is_some() { Step::Line } else { Step::More })
                }
            };
            self.read.consume(used);
            match step {
                Step::More => {}
                Step::Line => {
                    self.returned = true;
                    let line = self.line.strip_suffix(b"\r").unwrap_or(&self.line);
                    return Read::Line(line);
                }
                Step::Skipped => return Read::Oversized(self.skipping.take().unwrap_or_default()),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;
    use tokio::io::AsyncWriteExt as _;

    use super::*;

    /// Every read of `input` through a reader of lines at most `max` long, fed in pieces
    /// of `piece` bytes.
    fn reads(input: &[u8], max: usize, piece: usize) -> Vec<String> {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let (mut tx, rx) = tokio::io::duplex(piece);
            let input = input.to_vec();
            let feeder = tokio::spawn(async move {
                for chunk in input.chunks(piece) {
                    tx.write_all(chunk).await.unwrap();
                }
            });
            let mut lines = Lines::with_max(rx, max);
            let mut seen = Vec::new();
            loop {
                let read = lines.next().await;
                let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
                seen.push(match read {
                    Read::Line(line) => format!("line {}", text(line)),
                    Read::Oversized(o) => format!("oversized {} … {}", text(&o.head), text(&o.tail)),
                    Read::Closed => "closed".to_string(),
                    Read::Failed(kind) => format!("failed {kind:?}"),
                });
                if seen.last().is_some_and(|s| s == "closed") {
                    break;
                }
            }
            feeder.await.unwrap();
            seen
        })
    }

    #[test]
    fn lines_are_split_at_newlines_whatever_the_pieces_they_arrive_in() {
        let input = b"{\"a\":1}\r\n\n{\"b\":2}\nno newline at the end";
        for piece in [1, 2, 3, 7, 64] {
            assert_eq!(reads(input, 100, piece), ["line {\"a\":1}", "line ", "line {\"b\":2}", "closed"], "{piece}");
        }
    }

    #[test]
    fn a_line_over_the_limit_is_skipped_keeping_its_ends_and_the_next_line_is_read() {
        let long = format!("{{\"id\":7,{}\"id\":8}}", "x".repeat(10_000));
        let input = format!("{long}\n{{\"ok\":1}}\n");
        for piece in [1, 5, 4096] {
            let seen = reads(input.as_bytes(), 1000, piece);
            assert_eq!(seen.len(), 3, "{piece}");
            let expected_head = &long[..HEAD_BYTES];
            let expected_tail = &long[long.len() - TAIL_BYTES..];
            assert_eq!(seen[0], format!("oversized {expected_head} … {expected_tail}"), "{piece}");
            assert_eq!(seen[1..], ["line {\"ok\":1}", "closed"], "{piece}");
        }
    }

    #[test]
    fn a_line_exactly_at_the_limit_is_read_and_one_byte_more_is_not() {
        let at = "a".repeat(100);
        let over = "b".repeat(101);
        let seen = reads(format!("{at}\n{over}\n").as_bytes(), 100, 16);
        assert_eq!(seen, [format!("line {at}"), format!("oversized {over} … {over}"), "closed".to_string()]);
    }
}
