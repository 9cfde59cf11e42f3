//! The one table style every command uses, and how a table fits a width.
//!
//! [`fitted`] collects the header and the rows (each cell cleaned of outside text by
//! [`row`], its invisible characters shown as escapes, before anything is measured:
//! cleaning after would misalign the borders) and lays the table out when it is printed.
//! The rule, the one docs/output.md states: a cell wraps only between words, so no
//! header, number or name is ever split across lines. When the words cannot fit, the
//! table leaves out the columns its caller named droppable, in the order given, and says
//! so under the table; when that is not enough, the widest column's words are cut with
//! `…`, widest first. Without a width (a pipe), every row stays on one line.
//!
//! Knows nothing about what the cells mean: callers say which columns stay whole
//! ([`keep_whole`]) and which may go ([`Fitted::droppable`]).

use std::fmt;

use comfy_table::{ColumnConstraint, ContentArrangement, Table, Width, presets};
use unicode_width::{UnicodeWidthChar as _, UnicodeWidthStr as _};

use super::screen::Fit;

/// How wide a wrapping column grows before a header that would wrap gets its room.
const PROSE_FIRST: usize = 40;

/// The narrowest a column's words are ever cut to (`ab…`): below it a cell says nothing.
const MIN_CUT: usize = 3;

/// A plain table with no width to fit (every row on one line).
pub fn new(header: &[&str]) -> Table {
    let mut table = Table::new();
    table.load_preset(presets::UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Disabled);
    table.set_header(header.to_vec());
    table
}

/// A table laid out for `fit` when it is printed.
pub fn fitted(header: &[&str], fit: Fit) -> Fitted {
    Fitted {
        header: header.iter().map(|h| (*h).to_string()).collect(),
        rows: Vec::new(),
        fit,
        whole: vec![None; header.len()],
        drop_order: Vec::new(),
    }
}

/// A table's header, rows and rules, rendered by `Display`.
#[derive(Debug, Clone)]
pub struct Fitted {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    fit: Fit,
    /// Per column: `Some(max)` keeps a cell on one line up to `max` columns wide.
    whole: Vec<Option<usize>>,
    /// Columns left out first when the words do not fit, in order.
    drop_order: Vec<usize>,
}

impl Fitted {
    /// Adds a row of cells already cleaned by [`row`].
    pub fn add_row(&mut self, cells: Vec<String>) -> &mut Self {
        self.rows.push(cells);
        self
    }

    /// The columns (by index) that may be left out at a narrow width, the first first.
    pub fn droppable(&mut self, order: &[usize]) -> &mut Self {
        self.drop_order = order.to_vec();
        self
    }

    /// Each column's floor (its widest word, or its widest cell when whole), the width
    /// its cells want (their widest line) and the width its header wants, in display
    /// columns.
    fn measure(&self) -> Vec<Measure> {
        (0..self.header.len())
            .map(|c| {
                let lines = |text: &str| text.lines().map(str::width).max().unwrap_or(0);
                let words = |text: &str| text.split([' ', '\n']).map(str::width).max().unwrap_or(0);
                let cells: Vec<&String> = self.rows.iter().filter_map(|r| r.get(c)).collect();
                let header = &self.header[c];
                let word = cells.iter().map(|cell| words(cell)).max().unwrap_or(0).max(words(header));
                let line = cells.iter().map(|cell| lines(cell)).max().unwrap_or(0);
                let floor = match self.whole.get(c).copied().flatten() {
                    // A header may wrap between its words, a whole cell may not.
                    Some(max) => word.max(line.min(max)),
                    None => word,
                };
                let floor = floor.max(1);
                Measure { floor, cells: line.max(floor), header: lines(header).max(line).max(floor) }
            })
            .collect()
    }

    /// The width of each column's content, `None` for a column left out, fitted to `width`.
    fn widths(&self, width: usize) -> Vec<Option<usize>> {
        let measured = self.measure();
        let mut widths: Vec<Option<usize>> = measured.iter().map(|m| Some(m.floor)).collect();
        for &column in &self.drop_order {
            if total(&widths) <= width || widths.iter().flatten().count() <= 1 {
                break;
            }
            if let Some(w) = widths.get_mut(column) {
                *w = None;
            }
        }
        // Still too wide: cut the widest column's words, one column at a time.
        while total(&widths) > width {
            let widest = widths.iter_mut().flatten().filter(|w| **w > MIN_CUT).max_by_key(|w| **w);
            match widest {
                Some(w) => *w -= 1,
                None => break,
            }
        }
        // The room left goes to the cells (prose up to a readable width), then to each
        // header that would wrap if all of it fits, then to the prose again.
        let cells: Vec<usize> = measured.iter().map(|m| m.cells).collect();
        let readable: Vec<usize> = cells.iter().map(|&w| w.min(PROSE_FIRST)).collect();
        grow(&mut widths, &readable, width, true);
        let headers: Vec<usize> = measured.iter().map(|m| m.header).collect();
        grow(&mut widths, &headers, width, false);
        grow(&mut widths, &cells, width, true);
        widths
    }
}

/// What [`Fitted::measure`] finds of one column.
struct Measure {
    floor: usize,
    cells: usize,
    header: usize,
}

/// The width of a table whose columns' contents are `widths`: each shown column costs its
/// content, a space either side and a border, and the table one more border.
fn total(widths: &[Option<usize>]) -> usize {
    widths.iter().flatten().map(|c| c + 3).sum::<usize>() + 1
}

/// Widens the shown columns toward `wants` until the table is `width` wide, the least
/// wanting first, so short columns end up on one line and prose takes the rest; with
/// `partial` false, a column gets all it wants or nothing (a header wraps either way).
fn grow(widths: &mut [Option<usize>], wants: &[usize], width: usize, partial: bool) {
    let mut spare = width.saturating_sub(total(widths));
    let deficit = |c: usize, widths: &[Option<usize>]| widths[c].map_or(0, |w| wants[c].saturating_sub(w));
    let mut wanting: Vec<usize> = (0..widths.len()).filter(|&c| deficit(c, widths) > 0).collect();
    wanting.sort_by_key(|&c| deficit(c, widths));
    let mut left = wanting.len();
    for c in wanting {
        let more = deficit(c, widths).min(spare / left.max(1));
        left -= 1;
        if !partial && more < deficit(c, widths) {
            continue;
        }
        if let Some(w) = widths[c].as_mut() {
            *w += more;
            spare -= more;
        }
    }
}

impl fmt::Display for Fitted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut table = new(&[]);
        if self.fit.ascii {
            table.load_preset(presets::ASCII_FULL_CONDENSED);
        }
        let Some(width) = self.fit.width else {
            table.set_header(self.header.clone());
            for r in &self.rows {
                table.add_row(r.clone());
            }
            return write!(f, "{table}");
        };
        let widths = self.widths(width);
        let shown: Vec<(usize, usize)> = widths.iter().enumerate().filter_map(|(c, w)| Some((c, (*w)?))).collect();
        let pick = |cells: &[String]| -> Vec<String> {
            shown.iter().map(|&(c, w)| cells.get(c).map_or(String::new(), |cell| cut_words(cell, w))).collect()
        };
        table.set_header(pick(&self.header));
        for r in &self.rows {
            table.add_row(pick(r));
        }
        let constraints = shown.iter().map(|&(_, w)| {
            // The content's width plus the padding either side.
            ColumnConstraint::Absolute(Width::Fixed(u16::try_from(w + 2).unwrap_or(u16::MAX)))
        });
        table.set_constraints(constraints);
        write!(f, "{table}")?;
        let left_out: Vec<&str> =
            widths.iter().enumerate().filter(|(_, w)| w.is_none()).map(|(c, _)| self.header[c].as_str()).collect();
        if !left_out.is_empty() {
            let note = format!("(left out to fit {width} columns: {})", left_out.join(", "));
            write!(f, "\n{}", super::wrap::wrap(&note, Some(width), "", "").trim_end())?;
        }
        Ok(())
    }
}

/// `cell` with every word wider than `width` cut to `width` columns, ending in `…`.
fn cut_words(cell: &str, width: usize) -> String {
    let cut = |word: &str| -> String {
        if word.width() <= width {
            return word.to_string();
        }
        let mut out = String::new();
        let mut used = 0;
        for c in word.chars() {
            let w = c.width().unwrap_or(0);
            if used + w + 1 > width {
                break;
            }
            out.push(c);
            used += w;
        }
        out.push('…');
        out
    };
    cell.lines().map(|line| line.split(' ').map(cut).collect::<Vec<_>>().join(" ")).collect::<Vec<_>>().join("\n")
}

/// Keeps column `index` on one line up to `max` columns wide (a wider cell may wrap
/// between its words): ids, times and model names read badly broken.
pub fn keep_whole(table: &mut Fitted, index: usize, max: u16) {
    if let Some(w) = table.whole.get_mut(index) {
        *w = Some(usize::from(max));
    }
}

/// `cells` without control sequences, invisible characters shown as escapes, ready for
/// `add_row`.
pub fn row(cells: Vec<String>) -> Vec<String> {
    cells.iter().map(|c| super::sanitize::name(c)).collect()
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    const AT_80: Fit = Fit { width: Some(80), ascii: false };

    fn long_row() -> Vec<String> {
        vec![
            "1".into(),
            "openrouter/claude-sonnet-4.5".into(),
            "A".into(),
            "8".into(),
            "12.5s".into(),
            "12345/67890".into(),
            "$0.0123".into(),
            "reason ".repeat(80),
        ]
    }

    /// Every line of `text` is at most `width` wide, and each of `tokens` is on one line.
    fn assert_fits_whole(text: &str, width: usize, tokens: &[&str]) {
        for line in text.lines() {
            assert!(line.width() <= width, "{} wide: {line}\n{text}", line.width());
        }
        for token in tokens {
            assert!(text.lines().any(|l| l.contains(token)), "`{token}` split:\n{text}");
        }
    }

    #[test]
    fn a_table_of_long_cells_fits_80_columns_and_splits_no_word() {
        let header = ["#", "model", "label", "score", "latency", "tokens in/out", "cost", "notes"];
        let mut table = fitted(&header, AT_80);
        table.add_row(row(long_row()));
        keep_whole(&mut table, 1, 30);
        table.droppable(&[5, 4]);
        let text = table.to_string();
        assert!(text.lines().count() > 5, "{text}");
        assert_fits_whole(&text, 80, &["openrouter/claude-sonnet-4.5", "$0.0123", "score", "notes"]);
        assert!(text.ends_with("(left out to fit 80 columns: latency, tokens in/out)"), "{text}");
    }

    #[test]
    fn columns_go_in_the_order_given_and_the_table_says_so() {
        let mut table =
            fitted(&["model", "a-long-header", "another-header", "cost"], Fit { width: Some(55), ascii: false });
        table.add_row(row(vec!["anthropic:claude-opus".into(), "x".into(), "y".into(), "$0.0004".into()]));
        table.droppable(&[2, 1]);
        let text = table.to_string();
        assert_fits_whole(&text, 55, &["anthropic:claude-opus", "$0.0004", "a-long-header"]);
        assert!(!text.contains("another-header ┆"), "{text}");
        assert!(text.ends_with("(left out to fit 55 columns: another-header)"), "{text}");
    }

    #[test]
    fn a_word_wider_than_any_room_is_cut_with_an_ellipsis() {
        let mut table = fitted(&["name", "value"], Fit { width: Some(20), ascii: false });
        table.add_row(row(vec!["abcdefghijklmnopqrstuvwxyz".into(), "1".into()]));
        let text = table.to_string();
        assert_fits_whole(&text, 20, &["value"]);
        assert!(text.contains("│ abcdefg… ┆ 1     │"), "{text}");
        assert_eq!(cut_words("ab abcdef", 4), "ab abc…");
    }

    #[test]
    fn without_a_width_every_row_stays_on_one_line() {
        let mut table = fitted(&["a", "b"], Fit::UNLIMITED);
        table.add_row(row(vec!["x ".repeat(100), "y".into()]));
        assert_eq!(table.to_string().lines().count(), 5);
    }

    #[test]
    fn a_dumb_terminal_gets_ascii_borders() {
        let mut table = fitted(&["a"], Fit { width: Some(80), ascii: true });
        table.add_row(row(vec!["x".into()]));
        assert!(table.to_string().is_ascii(), "{table}");
    }
}
