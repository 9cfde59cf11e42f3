//! What the output streams can show, decided once from the `Env` snapshot: whether
//! stdout and stderr are terminals, whether the terminal is `TERM=dumb`, and the width
//! text must fit (`COLUMNS` when set, else the terminal's own width).
//!
//! Knows nothing about what is printed; tables and prose read their [`Fit`] from here.

use crate::env::Env;

/// The narrowest width anything is fitted to: below it wrapping would only make noise.
const MIN_COLUMNS: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Screen {
    pub stdout_tty: bool,
    pub stderr_tty: bool,
    /// `TERM=dumb`: no cursor movement, no box drawing.
    pub dumb: bool,
    /// `COLUMNS`, when it is a number.
    columns_override: Option<usize>,
    /// The terminal's width.
    columns: Option<usize>,
}

/// What one stream's text must fit: a width (`None`: no limit, lines stay whole for
/// tools that read them) and whether tables may draw boxes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fit {
    pub width: Option<usize>,
    pub ascii: bool,
}

impl Fit {
    /// No width limit, box drawing allowed: for tests and for text with no stream yet.
    pub const UNLIMITED: Fit = Fit { width: None, ascii: false };
}

impl Screen {
    pub fn of(env: &Env) -> Screen {
        let terminal = env.terminal();
        Screen {
            stdout_tty: terminal.stdout,
            stderr_tty: terminal.stderr,
            dumb: env.var("TERM").is_some_and(|t| t.trim() == "dumb"),
            columns_override: env.var("COLUMNS").and_then(|c| c.trim().parse().ok()),
            columns: terminal.columns.map(usize::from),
        }
    }

    /// A progress line redrawn in place: only on a terminal that moves its cursor.
    pub fn live(&self) -> bool {
        self.stderr_tty && !self.dumb
    }

    pub fn stdout(&self) -> Fit {
        self.fit(self.stdout_tty)
    }

    pub fn stderr(&self) -> Fit {
        self.fit(self.stderr_tty)
    }

    /// `COLUMNS` wins (a user or a test fixing the width, even into a pipe); else a
    /// terminal's width; a pipe or a file has none.
    fn fit(&self, tty: bool) -> Fit {
        let width = self.columns_override.or(if tty { self.columns } else { None });
        Fit { width: width.map(|w| w.max(MIN_COLUMNS)), ascii: self.dumb }
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;
    use crate::env::Terminal;

    fn screen(vars: &[(&str, &str)], terminal: Terminal) -> Screen {
        Screen::of(&Env::from_parts(vars.iter().copied(), "/").with_terminal(terminal))
    }

    #[test]
    fn a_terminal_gives_its_width_a_pipe_none_and_columns_overrides_both() {
        let tty = Terminal { stdout: true, stderr: false, columns: Some(100) };
        let s = screen(&[], tty);
        assert_eq!((s.stdout().width, s.stderr().width), (Some(100), None));
        assert!(!s.live());
        let s = screen(&[("COLUMNS", "80")], tty);
        assert_eq!((s.stdout().width, s.stderr().width), (Some(80), Some(80)));
        assert_eq!(screen(&[("COLUMNS", "3")], tty).stdout().width, Some(MIN_COLUMNS));
        assert_eq!(screen(&[("COLUMNS", "wide")], tty).stdout().width, Some(100));
    }

    #[test]
    fn term_dumb_is_never_live_and_draws_no_boxes() {
        let tty = Terminal { stdout: true, stderr: true, columns: Some(80) };
        assert!(screen(&[], tty).live());
        let dumb = screen(&[("TERM", "dumb")], tty);
        assert!(!dumb.live());
        assert_eq!(dumb.stderr(), Fit { width: Some(80), ascii: true });
    }
}
