//! The one rule for what context may be read (docs/security.md, "What context may be
//! read"), applied by `-f`, the MCP tools' `files` and a hooked prompt's `@path` alike:
//!
//! - A path is read only if it resolves, every symbolic link followed, inside the
//!   workspace root (the git root, else the working directory; the commands work it out
//!   and hand it down). Only the command line's user may name paths outside it
//!   ([`Outside::Allowed`], `frontier run --outside-workspace`); an MCP caller and a hooked
//!   prompt never can ([`Outside::Never`]).
//! - A name that points outside (absolute, `..`) is told apart from a name inside whose
//!   links lead out: the first is refused as named, the second is skipped and listed.
//! - Whatever the path, only a regular file on an ordinary file system is opened, and
//!   never with an open that could block: FIFOs, sockets and devices are refused from
//!   their metadata, files on the kernel's pseudo-filesystems (/proc, /sys, ...) from
//!   their file system's magic number, and the file once open is checked again (fstat and
//!   fstatfs on the descriptor), so nothing swapped in between is read.
//!
//! Knows nothing about walks, globs, secrets, budgets or what is done with the text.

use std::fs::File;
use std::io;
use std::path::{Component, Path, PathBuf};

/// The reason a file is listed without being read: a symbolic link on its way leads out of
/// the workspace.
pub const LINKS_OUTSIDE: &str = "links outside the workspace";
/// The reason a mention naming a path outside the workspace is listed without being read.
pub const OUTSIDE: &str = "outside the workspace";

/// Whether a path named outside the workspace may be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outside {
    /// Refused; the command line's user may allow it (`--outside-workspace`).
    Refused,
    /// Refused, and whoever asked cannot change that: an MCP caller, a hooked prompt.
    Never,
    /// The command line's user allowed the paths they name themselves.
    Allowed,
}

/// The workspace a gather is confined to, and who asks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reach {
    /// Canonical: every link resolved.
    root: PathBuf,
    outside: Outside,
}

/// Where a named path leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// It may be read: its canonical path.
    Readable(PathBuf),
    /// Its name points outside the workspace (an absolute path, `..`).
    NamedOutside,
    /// Its name is inside the workspace, but a symbolic link on its way leads out.
    LinksOutside,
}

/// Why something that exists is not read: it is not a regular file on an ordinary file
/// system.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Special {
    Fifo,
    Socket,
    Device,
    /// A symbolic link where a resolved path was expected (something changed it).
    Link,
    /// A file on a pseudo-filesystem of the kernel, by that file system's name.
    Kernel(&'static str),
    /// A directory where a file was expected, or a type this list does not know.
    Other,
}

impl Special {
    /// The reason listed for it, or given in a usage error.
    pub fn reason(self) -> String {
        let what = match self {
            Special::Fifo => "a FIFO",
            Special::Socket => "a socket",
            Special::Device => "a device",
            Special::Link => "a symbolic link",
            Special::Kernel(fs) => return format!("not a regular file (on {fs})"),
            Special::Other => "not a file",
        };
        format!("not a regular file ({what})")
    }
}

/// What a resolved path is, found without opening it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Directory,
    File,
    Special(Special),
}

impl Reach {
    /// Confined to `root` (resolved here), with `outside` saying who may leave it.
    pub fn new(root: &Path, outside: Outside) -> Reach {
        let root = std::fs::canonicalize(root).unwrap_or_else(|_| lexical(root));
        Reach { root, outside }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn outside(&self) -> Outside {
        self.outside
    }

    /// Where `path` (absolute, as named, relative paths already joined to a canonical
    /// working directory) leads. A name outside the workspace is judged by its name alone,
    /// before anything is looked up, so that a caller who may not read there can't learn
    /// whether it exists; an error is a path that does not resolve.
    pub fn place(&self, path: &Path) -> io::Result<Place> {
        let allowed = self.outside == Outside::Allowed;
        if !allowed && !lexical(path).starts_with(&self.root) {
            return Ok(Place::NamedOutside);
        }
        let real = std::fs::canonicalize(path)?;
        Ok(if allowed || real.starts_with(&self.root) { Place::Readable(real) } else { Place::LinksOutside })
    }

    /// Whether a file resolved to `real` may be read: inside the workspace, or anywhere
    /// when the user allowed it (a walk keeps to its own tree all the same).
    pub fn may_read(&self, real: &Path) -> bool {
        self.outside == Outside::Allowed || real.starts_with(&self.root)
    }
}

/// `path` with `.` and `..` taken by their names, no link followed: where the name points.
fn lexical(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// What the resolved `path` is, from its metadata and its file system, without opening
/// it (an open of a FIFO waits for a writer; a read of /proc/kmsg waits for the kernel).
pub fn kind(path: &Path) -> io::Result<Kind> {
    let meta = std::fs::symlink_metadata(path)?;
    if meta.is_dir() {
        return Ok(Kind::Directory);
    }
    if let Some(special) = special_type(meta.file_type()) {
        return Ok(Kind::Special(special));
    }
    Ok(match kernel_fs(rustix::fs::statfs(path)) {
        Some(fs) => Kind::Special(Special::Kernel(fs)),
        None => Kind::File,
    })
}

/// What a file of type `t` is when it is not a regular file.
pub fn special_type(t: std::fs::FileType) -> Option<Special> {
    use std::os::unix::fs::FileTypeExt as _;
    if t.is_file() {
        None
    } else if t.is_fifo() {
        Some(Special::Fifo)
    } else if t.is_socket() {
        Some(Special::Socket)
    } else if t.is_char_device() || t.is_block_device() {
        Some(Special::Device)
    } else if t.is_symlink() {
        Some(Special::Link)
    } else {
        Some(Special::Other)
    }
}

/// What opening a path gave.
#[derive(Debug)]
pub enum Opened {
    File(File),
    Special(Special),
}

/// Opens the resolved `path` for reading if it is a regular file on an ordinary file
/// system: checked from its metadata first (nothing special is opened at all), opened
/// without following a link and without waiting, then checked again on the descriptor.
pub fn open(path: &Path) -> io::Result<Opened> {
    match kind(path)? {
        Kind::File => {}
        Kind::Directory => return Ok(Opened::Special(Special::Other)),
        Kind::Special(special) => return Ok(Opened::Special(special)),
    }
    use rustix::fs::{Mode, OFlags};
    // O_NONBLOCK: should a FIFO have been swapped in since the check, the open returns at
    // once instead of waiting for a writer (and the check below refuses it).
    let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOFOLLOW | OFlags::NOCTTY | OFlags::CLOEXEC;
    let file = File::from(rustix::fs::open(path, flags, Mode::empty())?);
    if let Some(special) = special_type(file.metadata()?.file_type()) {
        return Ok(Opened::Special(special));
    }
    if let Some(fs) = kernel_fs(rustix::fs::fstatfs(&file)) {
        return Ok(Opened::Special(Special::Kernel(fs)));
    }
    Ok(Opened::File(file))
}

/// The name of the kernel pseudo-filesystem a statfs result is of, if it is one: their
/// files are the kernel's interfaces (some block on read, some change state), not data.
/// An error leaves the answer to the open that follows.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn kernel_fs(stat: rustix::io::Result<rustix::fs::StatFs>) -> Option<&'static str> {
    // From linux/magic.h. devtmpfs reports tmpfs's number: its devices are refused by type.
    const KERNEL: &[(u64, &str)] = &[
        (0x9fa0, "procfs"),
        (0x6265_6572, "sysfs"),
        (0x6462_6720, "debugfs"),
        (0x7472_6163, "tracefs"),
        (0x7363_6673, "securityfs"),
        (0x0027_e0eb, "cgroupfs"),
        (0x6367_7270, "cgroup2fs"),
        (0x6265_6570, "configfs"),
        (0xde5e_81e4, "efivarfs"),
        (0xcafe_4a11, "bpffs"),
        (0x6165_676c, "pstorefs"),
        (0x6573_5543, "fusectl"),
        (0x1cd1, "devpts"),
    ];
    // f_type is a signed word on some targets: compare its low 32 bits, as the numbers are.
    let magic = (stat.ok()?.f_type as u64) & 0xffff_ffff;
    KERNEL.iter().find(|(m, _)| *m == magic).map(|(_, name)| *name)
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
fn kernel_fs<T>(_stat: rustix::io::Result<T>) -> Option<&'static str> {
    None
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    /// A workspace `ws` and, beside it, a directory `out` holding `secret.json`; `ws` holds
    /// `a.rs`, a link to the secret, a link to `out` and a link to its own `a.rs`.
    fn dirs() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let base = std::fs::canonicalize(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        for d in ["ws/src", "out"] {
            std::fs::create_dir_all(base.join(d)).unwrap_or_else(|e| panic!("{e}"));
        }
        std::fs::write(base.join("ws/src/a.rs"), "fn a() {}\n").unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(base.join("out/secret.json"), "{}\n").unwrap_or_else(|e| panic!("{e}"));
        let link = |target: &str, at: &str| {
            std::os::unix::fs::symlink(base.join(target), base.join(at)).unwrap_or_else(|e| panic!("{e}"))
        };
        link("out/secret.json", "ws/notes.md");
        link("out", "ws/outdir");
        link("ws/src/a.rs", "ws/same.rs");
        (dir, base)
    }

    #[test]
    fn inside_by_name_and_by_link_is_readable_and_everything_else_is_told_apart() {
        let (_dir, base) = dirs();
        let ws = base.join("ws");
        for outside in [Outside::Refused, Outside::Never] {
            let reach = Reach::new(&ws, outside);
            let place = |rel: &str| reach.place(&ws.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
            assert_eq!(place("src/a.rs"), Place::Readable(ws.join("src/a.rs")));
            assert_eq!(place("./src/../same.rs"), Place::Readable(ws.join("src/a.rs")), "a link inside is followed");
            assert_eq!(place("../out/secret.json"), Place::NamedOutside);
            assert_eq!(place(&base.join("out/secret.json").display().to_string()), Place::NamedOutside);
            assert_eq!(place("notes.md"), Place::LinksOutside);
            assert_eq!(place("outdir/secret.json"), Place::LinksOutside);
            assert_eq!(place("outdir"), Place::LinksOutside);
            // `outdir/..` is `out`'s parent to the kernel, the workspace to its name.
            assert_eq!(place("outdir/../out/secret.json"), Place::LinksOutside);
            assert_eq!(place("outdir/../ws/src/a.rs"), Place::Readable(ws.join("src/a.rs")));
            assert_eq!(place("../../nowhere/at/all"), Place::NamedOutside, "judged by name: nothing looked up");
            assert!(reach.place(&ws.join("missing.rs")).is_err());
            assert!(!reach.may_read(&base.join("out/secret.json")) && reach.may_read(&ws.join("src/a.rs")));
        }
    }

    #[test]
    fn the_users_leave_reads_what_they_name_wherever_it_is() {
        let (_dir, base) = dirs();
        let ws = base.join("ws");
        let reach = Reach::new(&ws, Outside::Allowed);
        let secret = base.join("out/secret.json");
        assert_eq!(reach.place(&ws.join("../out/secret.json")).ok(), Some(Place::Readable(secret.clone())));
        assert_eq!(reach.place(&ws.join("notes.md")).ok(), Some(Place::Readable(secret.clone())));
        assert!(reach.may_read(&secret));
    }

    #[test]
    fn special_files_are_refused_without_being_opened_for_a_blocking_read() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap_or_else(|e| panic!("{e}"));
        assert!(made.success());
        let file = dir.path().join("plain.txt");
        std::fs::write(&file, "text").unwrap_or_else(|e| panic!("{e}"));
        let special = |path: &Path| match open(path) {
            Ok(Opened::Special(s)) => Some(s),
            Ok(Opened::File(_)) => None,
            Err(e) => panic!("{}: {e}", path.display()),
        };
        assert_eq!(special(&fifo), Some(Special::Fifo), "a FIFO without a writer: an open would wait forever");
        assert_eq!(special(Path::new("/dev/zero")), Some(Special::Device));
        assert_eq!(special(Path::new("/dev/null")), Some(Special::Device));
        assert_eq!(special(dir.path()), Some(Special::Other));
        assert_eq!(special(&file), None);
        if cfg!(target_os = "linux") {
            assert_eq!(special(Path::new("/proc/self/status")), Some(Special::Kernel("procfs")));
            assert_eq!(kind(Path::new("/proc/version")).ok(), Some(Kind::Special(Special::Kernel("procfs"))));
        }
        assert_eq!(kind(&fifo).ok(), Some(Kind::Special(Special::Fifo)));
        assert_eq!(Special::Fifo.reason(), "not a regular file (a FIFO)");
        assert_eq!(Special::Kernel("procfs").reason(), "not a regular file (on procfs)");
    }

    #[test]
    fn a_link_is_not_followed_by_the_open_itself() {
        let (_dir, base) = dirs();
        // `open` is given resolved paths; a link in their place is something that changed.
        assert!(matches!(open(&base.join("ws/same.rs")), Ok(Opened::Special(Special::Link))));
    }
}
