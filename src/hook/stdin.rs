//! Reading what a host pipes to `frontier hook` and `frontier statusline`, with a
//! deadline and a byte cap: a host that never closes the pipe, or sends gigabytes, must
//! not keep the user's turn waiting or grow memory without bound.
//!
//! The poll(2) loop is `deadline_read`'s, with a deadline counted from the start: a host
//! writes its event at once. Knows nothing about what the bytes mean.

use std::io;
use std::os::fd::AsFd;
use std::time::Duration;

use crate::deadline_read::{self, Deadline, End};

/// How long a host has to write its event and close the pipe. Hosts write a few
/// kilobytes at once; a pipe still open after this is a host that will never close it.
pub const STDIN_DEADLINE: Duration = Duration::from_secs(5);
/// The most the hook reads; a host's event, even with a long prompt, is far smaller.
pub const MAX_STDIN_BYTES: usize = 16 << 20;

/// Why stdin could not be read whole.
#[derive(Debug)]
pub enum StdinError {
    /// The pipe was still open at the deadline.
    Deadline(Duration),
    /// More than the cap arrived.
    TooLarge(usize),
    Io(io::Error),
}

impl std::fmt::Display for StdinError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StdinError::Deadline(after) => write!(f, "stdin did not close within {}s", after.as_secs()),
            StdinError::TooLarge(cap) => write!(f, "stdin is over {} MiB", cap >> 20),
            StdinError::Io(e) => write!(f, "could not read stdin ({e})"),
        }
    }
}

/// All of the process's stdin, up to `cap` bytes, if it closes within `deadline`.
pub fn read_all(deadline: Duration, cap: usize) -> Result<Vec<u8>, StdinError> {
    read_fd(io::stdin().as_fd(), deadline, cap)
}

/// Reads and discards stdin until it closes, the deadline passes or `cap` bytes went by,
/// so that a host writing to us never sees a broken pipe for an event we ignore.
pub fn drain(deadline: Duration, cap: usize) {
    let _ = read_fd_into(io::stdin().as_fd(), deadline, cap, &mut |_| {});
}

fn read_fd(fd: impl AsFd, deadline: Duration, cap: usize) -> Result<Vec<u8>, StdinError> {
    let mut kept = Vec::new();
    read_fd_into(fd, deadline, cap, &mut |bytes| kept.extend_from_slice(bytes))?;
    Ok(kept)
}

/// Hands each chunk read from `fd` to `sink` until end of file; more than `cap` bytes is
/// an error.
fn read_fd_into(fd: impl AsFd, deadline: Duration, cap: usize, sink: &mut dyn FnMut(&[u8])) -> Result<(), StdinError> {
    // One byte past the cap tells "exactly the cap" from "more".
    match deadline_read::read(fd, Deadline::Overall(deadline), cap.saturating_add(1), sink) {
        End::Closed => Ok(()),
        End::TimedOut => Err(StdinError::Deadline(deadline)),
        End::Full => Err(StdinError::TooLarge(cap)),
        End::Failed(e) => Err(StdinError::Io(e)),
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;
    use std::time::Instant;

    use super::*;

    fn pipe() -> (std::io::PipeReader, std::io::PipeWriter) {
        std::io::pipe().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn reads_everything_until_the_writer_closes() {
        let (reader, mut writer) = pipe();
        let feeder = std::thread::spawn(move || {
            for part in [&b"{\"prompt\":"[..], b"\"hi\"}"] {
                writer.write_all(part).unwrap_or_else(|e| panic!("{e}"));
                std::thread::sleep(Duration::from_millis(20));
            }
        });
        let read = read_fd(&reader, Duration::from_secs(10), 1 << 10);
        feeder.join().unwrap_or_else(|_| panic!("the feeder panicked"));
        assert_eq!(read.ok(), Some(b"{\"prompt\":\"hi\"}".to_vec()));
    }

    #[test]
    fn a_pipe_that_never_closes_ends_at_the_deadline() {
        let (reader, mut writer) = pipe();
        writer.write_all(b"{").unwrap_or_else(|e| panic!("{e}"));
        let started = Instant::now();
        let read = read_fd(&reader, Duration::from_millis(300), 1 << 10);
        assert!(matches!(read, Err(StdinError::Deadline(_))), "{read:?}");
        assert!(started.elapsed() < Duration::from_secs(5), "waited {:?}", started.elapsed());
        drop(writer);
    }

    #[test]
    fn more_than_the_cap_is_refused() {
        let (reader, mut writer) = pipe();
        let feeder = std::thread::spawn(move || {
            let _ = writer.write_all(&[b'x'; 5000]);
        });
        let read = read_fd(&reader, Duration::from_secs(10), 4096);
        assert!(matches!(read, Err(StdinError::TooLarge(4096))), "{read:?}");
        drop(reader);
        feeder.join().unwrap_or_else(|_| panic!("the feeder panicked"));
        let (reader, writer) = pipe();
        drop(writer);
        assert_eq!(read_fd(&reader, Duration::from_secs(10), 0).ok(), Some(Vec::new()), "an empty pipe is fine");
    }
}
