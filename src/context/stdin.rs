//! Piped stdin as context (docs/context.md): `git log | frontier run "what changed?"`.
//! A terminal adds nothing and is never read; an empty or closed stdin (`/dev/null`, a
//! test harness's closed pipe) adds nothing. The read goes to the end of the input however
//! long the writer pauses (a build that is silent for a minute), within two bounds: the
//! run's time budget, and a size cap (as far as the context budget could take, beyond
//! which nothing would be sent anyway). When the writer has been silent for
//! [`NOTICE_AFTER`], the caller is handed one line saying frontier is waiting and how to
//! avoid it; a read ended by the time budget with the writer still open is a note.
//!
//! The poll(2) loop is `deadline_read`'s, as for the hook's stdin. Knows nothing about the
//! prompt: `frontier run -` reads its prompt from stdin itself, and then this is not
//! called; nor about where the waiting line is shown.

use std::io::IsTerminal as _;
use std::os::fd::AsFd;
use std::time::Duration;

use super::read::{self, Text};
use super::{Gathered, Piece, Source, SourceKind};
use crate::deadline_read::{self, Deadline, Quiet};

/// How long stdin may stay silent before the user is told frontier is waiting for it.
pub const NOTICE_AFTER: Duration = Duration::from_secs(3);

/// The line the user is shown when stdin has been silent for [`NOTICE_AFTER`].
pub const WAITING: &str = "frontier is waiting for piped input on stdin (it reads to the end before the run \
                           starts); if nothing more is coming, close the writer, or run with `</dev/null`";

/// What the process's stdin holds, read to its end within `wait` (the run's time budget)
/// and as far as `budget_chars` could take; `waiting` is called once if it goes silent.
pub fn gather(budget_chars: usize, wait: Duration, waiting: &mut dyn FnMut()) -> Gathered {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        return Gathered::default();
    }
    gather_from(stdin.as_fd(), Bounds { wait, notice_after: NOTICE_AFTER }, budget_chars, waiting)
}

/// How long the read may take, and when the waiting line is due.
#[derive(Debug, Clone, Copy)]
struct Bounds {
    wait: Duration,
    notice_after: Duration,
}

/// How a read ended.
#[derive(Debug, PartialEq, Eq)]
enum End {
    Closed,
    /// The run's time budget passed with the writer still open.
    TimedOut,
    /// More than the limit arrived.
    Full,
    Failed(String),
}

fn gather_from(fd: impl AsFd, bounds: Bounds, budget_chars: usize, waiting: &mut dyn FnMut()) -> Gathered {
    let limit = read::read_limit(budget_chars);
    let (bytes, end) = read_to_end(fd, bounds, limit + 1, waiting);
    let skipped =
        |why: String| Source { kind: SourceKind::Stdin, path: None, bytes: 0, truncated: false, skipped: Some(why) };
    let secs = bounds.wait.as_secs();
    if bytes.is_empty() {
        return match end {
            End::Closed | End::Full => Gathered::default(),
            End::TimedOut => Gathered {
                pieces: vec![],
                skipped: vec![skipped(format!("nothing arrived within the run's budget of {secs}s"))],
                ..Gathered::default()
            },
            End::Failed(e) => Gathered {
                pieces: vec![],
                skipped: vec![skipped(format!("unreadable ({e})"))],
                notes: vec![format!("context: stdin could not be read ({e}); nothing of it was sent")],
                anchor: None,
            },
        };
    }
    let text = match read::decode(bytes, limit) {
        Text::Text { text, .. } => text,
        Text::Binary => {
            return Gathered {
                pieces: vec![],
                skipped: vec![skipped("binary".into())],
                notes: vec!["context: stdin was not sent: it is binary (a NUL byte, or not UTF-8)".into()],
                anchor: None,
            };
        }
    };
    let mut notes = Vec::new();
    match end {
        End::TimedOut => notes.push(format!(
            "context: stdin was read for the run's budget of {secs}s and the writer was still open; only the {} \
             bytes read by then were sent (close the writer sooner, or raise `--budget`)",
            text.len()
        )),
        End::Failed(e) => {
            notes.push(format!("context: stdin failed after {} bytes ({e}); only those were sent", text.len()))
        }
        End::Closed | End::Full => {}
    }
    Gathered { pieces: vec![Piece::new(SourceKind::Stdin, None, text)], skipped: vec![], notes, anchor: None }
}

/// Up to `cap` bytes of `fd`, until it closes, fails, or `bounds.wait` passes.
fn read_to_end(fd: impl AsFd, bounds: Bounds, cap: usize, waiting: &mut dyn FnMut()) -> (Vec<u8>, End) {
    let mut kept = Vec::new();
    let quiet = Quiet { after: bounds.notice_after, notice: waiting };
    let end = deadline_read::read_noticing(fd, Deadline::Overall(bounds.wait), cap, quiet, &mut |bytes| {
        kept.extend_from_slice(bytes)
    });
    let end = match end {
        deadline_read::End::Closed => End::Closed,
        deadline_read::End::TimedOut => End::TimedOut,
        deadline_read::End::Full => End::Full,
        deadline_read::End::Failed(e) => End::Failed(e.kind().to_string()),
    };
    (kept, end)
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

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

    fn bounds(wait_ms: u64, notice_ms: u64) -> Bounds {
        Bounds { wait: Duration::from_millis(wait_ms), notice_after: Duration::from_millis(notice_ms) }
    }

    #[test]
    fn a_writer_that_pauses_longer_than_the_notice_is_read_to_its_end_and_noticed_once() {
        let (reader, mut writer) = pipe();
        let feeder = std::thread::spawn(move || {
            for part in ["first\n", "second\n", "late\n"] {
                writer.write_all(part.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
                std::thread::sleep(Duration::from_millis(150));
            }
        });
        let mut notices = 0;
        let g = gather_from(&reader, bounds(10_000, 100), 1000, &mut || notices += 1);
        feeder.join().unwrap_or_else(|_| panic!("the feeder panicked"));
        assert_eq!(g.pieces, vec![Piece::new(SourceKind::Stdin, None, "first\nsecond\nlate\n".into())]);
        assert_eq!((g.skipped, g.notes, notices), (vec![], vec![], 1));
    }

    #[test]
    fn a_closed_pipe_and_dev_null_add_nothing() {
        let (reader, writer) = pipe();
        drop(writer);
        assert_eq!(gather_from(&reader, bounds(10_000, 5_000), 1000, &mut || {}), Gathered::default());
        let null = std::fs::File::open("/dev/null").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(gather_from(&null, bounds(10_000, 5_000), 1000, &mut || {}), Gathered::default());
    }

    #[test]
    fn a_pipe_left_open_ends_the_read_at_the_runs_budget_with_a_note_for_what_was_cut() {
        let (reader, mut writer) = pipe();
        let g = gather_from(&reader, bounds(200, 50), 1000, &mut || {});
        assert_eq!(texts(&g), (vec![], vec!["nothing arrived within the run's budget of 0s"]));
        assert_eq!(g.notes, Vec::<String>::new());
        writer.write_all(b"partial\n").unwrap_or_else(|e| panic!("{e}"));
        let g = gather_from(&reader, bounds(200, 50), 1000, &mut || {});
        assert_eq!(texts(&g), (vec!["partial\n"], vec![]));
        assert_eq!(
            g.notes,
            vec![
                "context: stdin was read for the run's budget of 0s and the writer was still open; only the 8 bytes \
                 read by then were sent (close the writer sooner, or raise `--budget`)"
            ]
        );
        drop(writer);
    }

    #[test]
    fn stdin_is_read_only_as_far_as_the_budget_could_take_and_binary_is_skipped() {
        let (reader, mut writer) = pipe();
        let feeder = std::thread::spawn(move || {
            let _ = writer.write_all(&[b'x'; 100_000]);
        });
        let g = gather_from(&reader, bounds(10_000, 5_000), 100, &mut || {});
        assert_eq!(g.pieces[0].text.len(), read::read_limit(100));
        drop(reader);
        feeder.join().unwrap_or_else(|_| panic!("the feeder panicked"));
        let (reader, mut writer) = pipe();
        writer.write_all(b"\x7fELF\0\0").unwrap_or_else(|e| panic!("{e}"));
        drop(writer);
        let g = gather_from(&reader, bounds(10_000, 5_000), 100, &mut || {});
        assert_eq!(texts(&g), (vec![], vec!["binary"]));
        assert_eq!(g.notes.len(), 1);
    }
}
