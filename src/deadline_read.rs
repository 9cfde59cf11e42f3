//! Reading a descriptor (a pipe on stdin) that may never close, up to a byte cap and a
//! deadline: the one poll(2) loop behind the hook's stdin and piped context.
//!
//! Plain poll(2) on the descriptor, no async runtime and no thread, so the hook's off path
//! stays cheap. The deadline counts either from the start (`Deadline::Overall`: a host must
//! write its event and close) or from the last byte (`Deadline::Idle`: a long `cat` is fine
//! as long as it keeps writing). Knows nothing about what the bytes are or who reads them.

use std::io;
use std::os::fd::AsFd;
use std::time::{Duration, Instant};

use rustix::event::{PollFd, PollFlags, Timespec, poll};

/// When the wait for more bytes ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deadline {
    /// This long after the read starts.
    Overall(Duration),
    /// This long after the last byte (or the start).
    Idle(Duration),
}

/// How a read ended.
#[derive(Debug)]
pub enum End {
    /// End of file, or a descriptor that is not open.
    Closed,
    /// The deadline passed with the descriptor still open.
    TimedOut,
    /// `cap` bytes were read; what follows was left unread.
    Full,
    Failed(io::Error),
}

/// Hands each chunk read from `fd` to `sink`, until end of file, the deadline, an error,
/// or `cap` bytes in all (never more: a cap of 0 reads nothing and ends `Full`).
pub fn read(fd: impl AsFd, deadline: Deadline, cap: usize, sink: &mut dyn FnMut(&[u8])) -> End {
    let fd = fd.as_fd();
    let (Deadline::Overall(wait) | Deadline::Idle(wait)) = deadline;
    let mut until = Instant::now() + wait;
    let mut chunk = vec![0u8; 64 << 10];
    let mut total = 0usize;
    loop {
        if total >= cap {
            return End::Full;
        }
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return End::TimedOut;
        }
        // Readable, closed (POLLHUP) and broken (POLLERR, POLLNVAL) all end the wait;
        // the read below then tells data from end of file.
        let timeout = Timespec::try_from(left).unwrap_or(Timespec { tv_sec: 1, tv_nsec: 0 });
        let mut fds = [PollFd::new(&fd, PollFlags::IN)];
        match poll(&mut fds, Some(&timeout)) {
            Ok(0) => continue,
            Ok(_) if fds[0].revents().contains(PollFlags::NVAL) => return End::Closed,
            Ok(_) => {}
            Err(rustix::io::Errno::INTR) => continue,
            Err(e) => return End::Failed(e.into()),
        }
        let want = (cap - total).min(chunk.len());
        let n = match rustix::io::read(fd, &mut chunk[..want]) {
            Ok(n) => n,
            Err(rustix::io::Errno::INTR | rustix::io::Errno::AGAIN) => continue,
            Err(e) => return End::Failed(e.into()),
        };
        if n == 0 {
            return End::Closed;
        }
        total += n;
        sink(&chunk[..n]);
        if let Deadline::Idle(idle) = deadline {
            until = Instant::now() + idle;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use super::*;

    fn pipe() -> (std::io::PipeReader, std::io::PipeWriter) {
        std::io::pipe().unwrap_or_else(|e| panic!("{e}"))
    }

    fn read_kept(fd: impl AsFd, deadline: Deadline, cap: usize) -> (Vec<u8>, End) {
        let mut kept = Vec::new();
        let end = read(fd, deadline, cap, &mut |bytes| kept.extend_from_slice(bytes));
        (kept, end)
    }

    #[test]
    fn an_overall_deadline_ends_a_pipe_that_keeps_writing_and_an_idle_one_does_not() {
        let feed = |writer: std::io::PipeWriter| {
            std::thread::spawn(move || {
                let mut writer = writer;
                for _ in 0..6 {
                    if writer.write_all(b"x").is_err() {
                        return;
                    }
                    std::thread::sleep(Duration::from_millis(100));
                }
            })
        };
        let (reader, writer) = pipe();
        let feeder = feed(writer);
        let (kept, end) = read_kept(&reader, Deadline::Overall(Duration::from_millis(250)), 100);
        assert!(matches!(end, End::TimedOut), "{end:?}");
        assert!(kept.len() < 6, "{kept:?}");
        drop(reader);
        feeder.join().unwrap_or_else(|_| panic!("the feeder panicked"));
        let (reader, writer) = pipe();
        let feeder = feed(writer);
        let (kept, end) = read_kept(&reader, Deadline::Idle(Duration::from_millis(250)), 100);
        feeder.join().unwrap_or_else(|_| panic!("the feeder panicked"));
        assert!(matches!(end, End::Closed), "{end:?}");
        assert_eq!(kept, b"xxxxxx");
    }

    #[test]
    fn the_cap_is_never_passed() {
        let (reader, mut writer) = pipe();
        writer.write_all(&[b'x'; 5000]).unwrap_or_else(|e| panic!("{e}"));
        let (kept, end) = read_kept(&reader, Deadline::Overall(Duration::from_secs(10)), 4096);
        assert!(matches!(end, End::Full), "{end:?}");
        assert_eq!(kept.len(), 4096);
        let (kept, end) = read_kept(&reader, Deadline::Overall(Duration::from_secs(10)), 0);
        assert!(matches!(end, End::Full) && kept.is_empty(), "{end:?}");
    }
}
