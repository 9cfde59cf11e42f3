//! Piped stdin as context (docs/context.md): `git log | frontier run "what changed?"`.
//! A terminal adds nothing and is never read; an empty or closed stdin (`/dev/null`, a
//! test harness's closed pipe) adds nothing. The read never hangs: it ends when stdin has
//! gone [`IDLE`] without a byte or an end of file (a pipe some parent left open and never
//! writes to), and it reads only as far as the budget could take.
//!
//! The poll(2) loop is `deadline_read`'s, as for the hook's stdin, but the deadline here
//! counts from the last byte rather than from the start, since a long `cat` is fine as
//! long as it keeps writing. Knows nothing about the prompt: `frontier run -` reads its prompt
//! from stdin itself, and then this is not called.

use std::io::IsTerminal as _;
use std::os::fd::AsFd;
use std::time::Duration;

use super::read::{self, Text};
use super::{Gathered, Piece, Source, SourceKind};
use crate::deadline_read::{self, Deadline};

/// How long stdin may go without a byte or an end of file before the read stops.
pub const IDLE: Duration = Duration::from_secs(3);

/// What the process's stdin holds, read within `budget_chars`.
pub fn gather(budget_chars: usize) -> Gathered {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Gathered::default();
    }
    gather_from(stdin.as_fd(), IDLE, budget_chars)
}

/// How a read ended.
#[derive(Debug, PartialEq, Eq)]
enum End {
    Closed,
    Idle,
    /// More than the limit arrived.
    Full,
    Failed(String),
}

fn gather_from(fd: impl AsFd, idle: Duration, budget_chars: usize) -> Gathered {
    let limit = read::read_limit(budget_chars);
    let (bytes, end) = read_idle(fd, idle, limit + 1);
    let skipped =
        |why: String| Source { kind: SourceKind::Stdin, path: None, bytes: 0, truncated: false, skipped: Some(why) };
    let idle_note = || format!("stopped reading: stdin went {}s without writing or closing", idle.as_secs());
    if bytes.is_empty() {
        return match end {
            End::Closed | End::Full => Gathered::default(),
            End::Idle => Gathered { pieces: vec![], skipped: vec![skipped(idle_note())], notes: Vec::new() },
            End::Failed(e) => {
                Gathered { pieces: vec![], skipped: vec![skipped(format!("unreadable ({e})"))], notes: Vec::new() }
            }
        };
    }
    let text = match read::decode(bytes, limit) {
        Text::Text { text, .. } => text,
        Text::Binary => return Gathered { pieces: vec![], skipped: vec![skipped("binary".into())], notes: Vec::new() },
    };
    let mut gathered = Gathered {
        pieces: vec![Piece { kind: SourceKind::Stdin, path: None, text }],
        skipped: vec![],
        notes: Vec::new(),
    };
    if end == End::Idle {
        gathered.skipped.push(skipped(idle_note()));
    }
    gathered
}

/// Up to `cap` bytes of `fd`, until it closes, fails, or goes `idle` without a byte.
fn read_idle(fd: impl AsFd, idle: Duration, cap: usize) -> (Vec<u8>, End) {
    let mut kept = Vec::new();
    let end = match deadline_read::read(fd, Deadline::Idle(idle), cap, &mut |bytes| kept.extend_from_slice(bytes)) {
        deadline_read::End::Closed => End::Closed,
        deadline_read::End::TimedOut => End::Idle,
        deadline_read::End::Full => End::Full,
        deadline_read::End::Failed(e) => End::Failed(e.kind().to_string()),
    };
    (kept, end)
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use std::time::Instant;

    use pretty_assertions::assert_eq;

    use super::*;

    fn pipe() -> (std::io::PipeReader, std::io::PipeWriter) {
        std::io::pipe().unwrap_or_else(|e| panic!("{e}"))
    }

    fn texts(g: &Gathered) -> (Vec<&str>, Vec<&str>) {
        (
            g.pieces.iter().map(|p| p.text.as_str()).collect(),
            g.skipped.iter().map(|s| s.skipped.as_deref().unwrap_or_default()).collect(),
        )
    }

    #[test]
    fn piped_text_is_one_stdin_piece() {
        let (reader, mut writer) = pipe();
        let feeder = std::thread::spawn(move || {
            for part in ["line one\n", "line two\n"] {
                writer.write_all(part.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
                std::thread::sleep(Duration::from_millis(20));
            }
        });
        let g = gather_from(&reader, Duration::from_secs(10), 1000);
        feeder.join().unwrap_or_else(|_| panic!("the feeder panicked"));
        assert_eq!(g.pieces, vec![Piece { kind: SourceKind::Stdin, path: None, text: "line one\nline two\n".into() }]);
        assert_eq!(g.skipped, vec![]);
    }

    #[test]
    fn a_closed_pipe_and_dev_null_add_nothing() {
        let (reader, writer) = pipe();
        drop(writer);
        assert_eq!(gather_from(&reader, Duration::from_secs(10), 1000), Gathered::default());
        let null = std::fs::File::open("/dev/null").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(gather_from(&null, Duration::from_secs(10), 1000), Gathered::default());
    }

    #[test]
    fn a_pipe_left_open_ends_the_read_after_the_idle_time() {
        let (reader, mut writer) = pipe();
        let started = Instant::now();
        let g = gather_from(&reader, Duration::from_secs(1), 1000);
        assert_eq!(texts(&g), (vec![], vec!["stopped reading: stdin went 1s without writing or closing"]));
        writer.write_all(b"partial\n").unwrap_or_else(|e| panic!("{e}"));
        let g = gather_from(&reader, Duration::from_secs(1), 1000);
        assert_eq!(texts(&g), (vec!["partial\n"], vec!["stopped reading: stdin went 1s without writing or closing"]));
        assert!(started.elapsed() < Duration::from_secs(6), "took {:?}", started.elapsed());
        drop(writer);
    }

    #[test]
    fn stdin_is_read_only_as_far_as_the_budget_could_take_and_binary_is_skipped() {
        let (reader, mut writer) = pipe();
        let feeder = std::thread::spawn(move || {
            let _ = writer.write_all(&[b'x'; 100_000]);
        });
        let g = gather_from(&reader, Duration::from_secs(10), 100);
        assert_eq!(g.pieces[0].text.len(), read::read_limit(100));
        drop(reader);
        feeder.join().unwrap_or_else(|_| panic!("the feeder panicked"));
        let (reader, mut writer) = pipe();
        writer.write_all(b"\x7fELF\0\0").unwrap_or_else(|e| panic!("{e}"));
        drop(writer);
        assert_eq!(texts(&gather_from(&reader, Duration::from_secs(10), 100)), (vec![], vec!["binary"]));
    }
}
