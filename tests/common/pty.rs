//! A real pseudo-terminal of a fixed width for the binary: what a person at a terminal
//! of that size would see, stdout and stderr both on it, as the bytes were written; and
//! the checks of what it showed: no line too wide, no token split across lines, and the
//! ids, times and latencies that vary made stable for a snapshot.

use std::io::Read as _;
use std::os::fd::OwnedFd;
use std::process::Stdio;

use rustix::pty::{OpenptFlags, grantpt, openpt, ptsname, unlockpt};
use rustix::termios::{OptionalActions, OutputModes, Winsize, tcgetattr, tcsetattr, tcsetwinsize};

use unicode_width::UnicodeWidthStr as _;

use super::TestEnv;

/// What a pseudo-terminal of `columns` showed while `args` ran in `dir` (the work
/// directory when `None`): the bytes as written. Panics unless the command succeeds.
pub fn in_terminal(env: &TestEnv, args: &[&str], columns: u16) -> Vec<u8> {
    in_terminal_at(env, args, columns, None)
}

/// [`in_terminal`], run in `dir`.
pub fn in_terminal_at(env: &TestEnv, args: &[&str], columns: u16, dir: Option<&std::path::Path>) -> Vec<u8> {
    let master = openpt(OpenptFlags::RDWR | OpenptFlags::NOCTTY | OpenptFlags::CLOEXEC).unwrap();
    grantpt(&master).unwrap();
    unlockpt(&master).unwrap();
    let name = ptsname(&master, Vec::new()).unwrap();
    let slave: OwnedFd =
        std::fs::OpenOptions::new().read(true).write(true).open(name.to_str().unwrap()).unwrap().into();
    tcsetwinsize(&slave, Winsize { ws_row: 50, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0 }).unwrap();
    // The line discipline would turn every `\n` into `\r\n`: keep the bytes as written.
    let mut modes = tcgetattr(&slave).unwrap();
    modes.output_modes.remove(OutputModes::ONLCR);
    tcsetattr(&slave, OptionalActions::Now, &modes).unwrap();

    let mut cmd = env.command(args);
    if let Some(dir) = dir {
        cmd.current_dir(dir);
    }
    cmd.env("TERM", "xterm-256color")
        .stdin(Stdio::null())
        .stdout(Stdio::from(slave.try_clone().unwrap()))
        .stderr(Stdio::from(slave));
    let mut child = cmd.spawn().unwrap();
    // Only the child holds the terminal now: its exit ends the reads below.
    drop(cmd);
    let mut master = std::fs::File::from(master);
    let reader = std::thread::spawn(move || {
        let mut seen = Vec::new();
        let mut buf = [0u8; 4096];
        // A pseudo-terminal reports EIO, not EOF, once the last writer is gone.
        while let Ok(n @ 1..) = master.read(&mut buf) {
            seen.extend_from_slice(&buf[..n]);
        }
        seen
    });
    assert!(child.wait().unwrap().success());
    reader.join().unwrap()
}

/// The screen's lines once `bytes` are drawn: a `\r` (with the erase that follows it)
/// starts its line again, as the live progress line does.
pub fn screen(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    text.split('\n').map(|line| line.rsplit('\r').next().unwrap_or("").replace("\x1b[2K", "")).collect()
}

/// Run ids, local times and sub-second latencies vary: each is replaced by a
/// placeholder of the same width, so the layout (wrapping, table widths) stays as shown.
pub fn stable(text: &str) -> String {
    // Each match's digits (and an id's hex letters) become `#`.
    let same_width = |pattern: &str, text: &str| {
        let re = regex::Regex::new(pattern).unwrap();
        re.replace_all(text, |caps: &regex::Captures<'_>| {
            caps[0]
                .chars()
                .map(|c| if c.is_ascii_digit() || matches!(c, 'a'..='f') { '#' } else { c })
                .collect::<String>()
        })
        .into_owned()
    };
    let text = same_width(r"\d{8}-\d{6}-[0-9a-f]{8}", text);
    let text = same_width(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2})?( [+-]\d{2}:\d{2})?", &text);
    same_width(r"\b\d+ ms\b", &text)
}

/// No line of `lines` is wider than `columns`.
pub fn assert_fits(lines: &[String], columns: usize) {
    for line in lines {
        assert!(line.width() <= columns, "{} columns wide, over {columns}: {line:?}", line.width());
    }
}

/// Each of `tokens` (a header, a model name, a cost) appears whole on one of `lines`, and
/// none is split across two lines: not in prose, where one line would end with its start
/// and the next begin with its rest, nor in a table, where a cell would.
pub fn assert_tokens_whole(lines: &[String], tokens: &[&str]) {
    let text = lines.join("\n");
    let cells = |line: &str| -> Vec<String> {
        line.split(['│', '┆', '|']).map(|c| c.trim().to_string()).collect::<Vec<_>>()
    };
    for token in tokens {
        assert!(lines.iter().any(|l| l.contains(token)), "`{token}` is on no line whole:\n{text}");
        for pair in lines.windows(2) {
            let (above, below) = (cells(&pair[0]), cells(&pair[1]));
            let columns = if above.len() == below.len() { above.len() } else { 0 };
            // Prose: the lines themselves; a table: each column's pair of cells.
            let mut pieces = vec![(pair[0].trim().to_string(), pair[1].trim().to_string())];
            pieces.extend((0..columns).map(|c| (above[c].clone(), below[c].clone())));
            for (a, b) in pieces {
                for (cut, _) in token.char_indices().skip(1) {
                    let split = a.ends_with(&token[..cut]) && b.starts_with(&token[cut..]);
                    assert!(!split, "`{token}` is split across lines:\n{}\n{}\n\n{text}", pair[0], pair[1]);
                }
            }
        }
    }
}
