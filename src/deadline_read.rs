//! Reading a descriptor (a pipe on stdin) that may never close, up to a byte cap and a
//! deadline: the one poll(2) loop behind the hook's stdin and piped context.
//!
//! Plain poll(2) on the descriptor, no async runtime and no thread, so the hook's off path
//! stays cheap. The deadline counts from the start (a host must write its event and close;
//! piped context must arrive within the run's budget, however long the writer pauses). A reader may ask to be told, once, when the descriptor
//! has gone quiet for a while, to say why it waits. Knows nothing about what the bytes are or who reads them.

use std::io;
use std::os::fd::AsFd;
use std::time::{Duration, Instant};

use rustix::event::{PollFd, PollFlags, Timespec, poll};

/// When the wait for more bytes ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deadline {
    /// This long after the read starts.
    Overall(Duration),
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
    read_noticing(fd, deadline, cap, Quiet { after: Duration::MAX, notice: &mut || {} }, sink)
}

/// What to do, once, when the descriptor has gone quiet (no byte and no end of file) for
/// `after`: a reader that waits a long time tells the user why.
pub struct Quiet<'a> {
    pub after: Duration,
    pub notice: &'a mut dyn FnMut(),
}

/// [`read`], calling `quiet.notice` the first time `quiet.after` passes without a byte.
pub fn read_noticing(
    fd: impl AsFd,
    deadline: Deadline,
    cap: usize,
    quiet: Quiet<'_>,
    sink: &mut dyn FnMut(&[u8]),
) -> End {
    let fd = fd.as_fd();
    let Deadline::Overall(wait) = deadline;
    let start = Instant::now();
    let until = start + wait;
    // `None` once the notice is given (or when it never could be).
    let mut notice_at = start.checked_add(quiet.after);
    let mut chunk = vec![0u8; 64 << 10];
    let mut total = 0usize;
    loop {
        if total >= cap {
            return End::Full;
        }
        let now = Instant::now();
        let left = until.saturating_duration_since(now);
        if left.is_zero() {
            return End::TimedOut;
        }
        if notice_at.is_some_and(|at| at <= now) {
            (quiet.notice)();
            notice_at = None;
        }
        let left = notice_at.map_or(left, |at| left.min(at.saturating_duration_since(now)));
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
        if notice_at.is_some() {
            notice_at = Instant::now().checked_add(quiet.after);
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
    fn the_deadline_ends_a_pipe_that_keeps_writing() {
        let (reader, writer) = pipe();
        let feeder = std::thread::spawn(move || {
            let mut writer = writer;
            for _ in 0..6 {
                if writer.write_all(b"x").is_err() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        });
        let (kept, end) = read_kept(&reader, Deadline::Overall(Duration::from_millis(250)), 100);
        assert!(matches!(end, End::TimedOut), "{end:?}");
        assert!(kept.len() < 6, "{kept:?}");
        drop(reader);
        feeder.join().unwrap_or_else(|_| panic!("the feeder panicked"));
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

    #[test]
    fn a_quiet_pipe_is_noticed_once_and_a_busy_one_never() {
        let (reader, writer) = pipe();
        let mut notices = 0;
        let quiet = Quiet { after: Duration::from_millis(50), notice: &mut || notices += 1 };
        let end = read_noticing(&reader, Deadline::Overall(Duration::from_millis(300)), 10, quiet, &mut |_| {});
        assert!(matches!(end, End::TimedOut), "{end:?}");
        assert_eq!(notices, 1);
        drop(writer);
        let (reader, mut writer) = pipe();
        writer.write_all(b"abc").unwrap_or_else(|e| panic!("{e}"));
        drop(writer);
        let mut notices = 0;
        let quiet = Quiet { after: Duration::from_secs(5), notice: &mut || notices += 1 };
        let end = read_noticing(&reader, Deadline::Overall(Duration::from_secs(10)), 10, quiet, &mut |_| {});
        assert!(matches!(end, End::Closed), "{end:?}");
        assert_eq!(notices, 0);
    }
}
