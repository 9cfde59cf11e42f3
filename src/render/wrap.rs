//! Prose fitted to a width: words wrapped by their display width (a word wider than the
//! line is broken), the same for text that arrives in pieces (`Streamed`: a streamed
//! answer, whose words may be cut across two pieces), and outside text cut to one line
//! for a table cell.
//!
//! Knows nothing about terminals: callers pass the width from `screen`.

use unicode_width::{UnicodeWidthChar as _, UnicodeWidthStr as _};

/// `text` wrapped to `width` columns, its first line after `first`, later lines after
/// `rest` (a hanging indent); each line of `text` starts a new line. No width: `text` as
/// it is, after `first` and with `rest` before its later lines.
pub fn wrap(text: &str, width: Option<usize>, first: &str, rest: &str) -> String {
    let mut out = String::new();
    let mut prefix = first;
    let rest_after = rest;
    for source_line in text.trim_end().lines() {
        let source_line = source_line.trim_end().replace('\t', "    ");
        let fits = width.is_none_or(|w| prefix.width() + source_line.width() <= w);
        let Some(width) = width.filter(|_| !fits) else {
            // A line that fits keeps its spacing (code, tables, aligned text).
            out.push_str(&format!("{prefix}{source_line}\n"));
            prefix = rest;
            continue;
        };
        // A reflowed line keeps its own indentation on every row it takes.
        let lead: String = source_line.chars().take_while(|c| *c == ' ').collect();
        let rest_here = format!("{rest}{lead}");
        let rest = rest_here.as_str();
        let mut line = format!("{prefix}{lead}");
        let mut used = line.width();
        // Where the current line's text starts: a line never breaks before it.
        let mut indent = used;
        let mut empty = true;
        // A no-break space joins what must stay on one line (a figure and its unit).
        for word in source_line.split(|c: char| c.is_whitespace() && c != '\u{a0}').filter(|w| !w.is_empty()) {
            let w = word.width();
            if !empty && used + 1 + w > width {
                out.push_str(&line);
                out.push('\n');
                line = rest.to_string();
                used = rest.width();
                indent = used;
                empty = true;
            }
            if !empty {
                line.push(' ');
                used += 1;
            }
            // A word wider than a whole line is broken wherever the line runs out.
            for c in word.chars() {
                let cw = c.width().unwrap_or(0);
                if used + cw > width && used > indent {
                    out.push_str(&line);
                    out.push('\n');
                    line = rest.to_string();
                    used = rest.width();
                    indent = used;
                }
                line.push(c);
                used += cw;
            }
            empty = false;
        }
        out.push_str(line.trim_end());
        out.push('\n');
        prefix = rest_after;
    }
    out
}

/// `head` then `items` joined by ` · `, wrapped to `width` between items only (an item
/// wider than a line is wrapped at its words), later lines after `rest`: a name and its
/// figure stay on one line.
pub fn items(head: &str, items: &[String], width: Option<usize>, rest: &str) -> String {
    let Some(width) = width else { return format!("{head}{}\n", items.join(" · ")) };
    let mut out = String::new();
    let mut line = head.to_string();
    let mut fresh = true;
    for item in items {
        let piece = if fresh { item.clone() } else { format!(" · {item}") };
        if !fresh && line.width() + piece.width() > width {
            out.push_str(&line);
            out.push('\n');
            line = format!("{rest}{item}");
        } else {
            line.push_str(&piece);
        }
        fresh = false;
    }
    out.push_str(&wrap(&line, Some(width), "", rest));
    out
}

/// `text` as one line at most `max` columns wide: cleaned of control sequences first (a
/// cut must not split one), whitespace runs (newlines included) become one space, and a
/// longer text ends in `…`.
pub fn one_line(text: &str, max: usize) -> String {
    let flat = super::sanitize::clean(text).split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.width() <= max {
        return flat;
    }
    let mut cut = String::new();
    let mut used = 0;
    for c in flat.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > max {
            break;
        }
        cut.push(c);
        used += w;
    }
    cut.truncate(cut.trim_end().len());
    cut.push('…');
    cut
}

/// Wraps text that arrives in pieces at word boundaries: a word is held back until the
/// space or line break after it shows it whole, then goes on the current line if it fits,
/// else starts the next one. Spacing inside a line and each line's indentation are kept;
/// the spaces where a line is broken are dropped. No width: the text passes as it is.
#[derive(Debug, Default)]
pub struct Streamed {
    width: Option<usize>,
    /// The columns the current line already takes.
    column: usize,
    /// The word being received, and its width.
    word: String,
    word_width: usize,
    /// The spaces seen since the last word, not yet written.
    spaces: String,
}

impl Streamed {
    pub fn new(width: Option<usize>) -> Streamed {
        Streamed { width, ..Streamed::default() }
    }

    /// What of `piece` can be shown now.
    pub fn push(&mut self, piece: &str) -> String {
        let Some(width) = self.width else { return piece.to_string() };
        let mut out = String::new();
        for c in piece.chars() {
            match c {
                '\n' => {
                    self.flush_word(width, &mut out);
                    self.spaces.clear();
                    out.push('\n');
                    self.column = 0;
                }
                ' ' | '\t' => {
                    self.flush_word(width, &mut out);
                    self.spaces.push(c);
                }
                _ => {
                    let w = c.width().unwrap_or(0);
                    // A word wider than a whole line is broken where the line runs out.
                    if self.word_width + w > width {
                        self.flush_word(width, &mut out);
                    }
                    self.word.push(c);
                    self.word_width += w;
                }
            }
        }
        out
    }

    /// The word held back, once the text has ended.
    pub fn finish(&mut self) -> String {
        let mut out = String::new();
        if let Some(width) = self.width {
            self.flush_word(width, &mut out);
        }
        out
    }

    fn flush_word(&mut self, width: usize, out: &mut String) {
        if self.word.is_empty() {
            return;
        }
        let spaces = self.spaces_width();
        if self.column > 0 && self.column + spaces + self.word_width > width {
            out.push('\n');
            self.column = 0;
        } else if self.column + spaces + self.word_width <= width {
            out.push_str(&self.spaces);
            self.column += spaces;
        }
        self.spaces.clear();
        out.push_str(&self.word);
        self.column += self.word_width;
        self.word.clear();
        self.word_width = 0;
    }

    /// The pending spaces' width from the current column (a tab reaches the next stop of 8).
    fn spaces_width(&self) -> usize {
        self.spaces.chars().fold(self.column, |col, c| if c == '\t' { col + 8 - col % 8 } else { col + 1 })
            - self.column
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn words_wrap_under_a_hanging_indent_and_long_words_break() {
        assert_eq!(wrap("one two three four", Some(12), "- ", "  "), "- one two\n  three four\n");
        assert_eq!(wrap("abcdefghijklmnop", Some(8), "> ", "  "), "> abcdef\n  ghijkl\n  mnop\n");
        assert_eq!(wrap("a\nb", None, "* ", "  "), "* a\n  b\n");
        assert_eq!(
            wrap("    let  x = 1;\n        deep words here", Some(20), "", ""),
            "    let  x = 1;\n        deep words\n        here\n"
        );
        assert_eq!(wrap("日本語の文です ok", Some(10), "", ""), "日本語の文\nです ok\n");
        for line in wrap(&"word ".repeat(100), Some(30), "  - ", "    ").lines() {
            assert!(line.width() <= 30, "{line:?}");
        }
    }

    /// `text` streamed through a [`Streamed`] cut into pieces of `size` bytes (on char
    /// boundaries).
    fn streamed(text: &str, width: usize, size: usize) -> String {
        let mut wrap = Streamed::new(Some(width));
        let mut out = String::new();
        let mut piece = String::new();
        for c in text.chars() {
            piece.push(c);
            if piece.len() >= size {
                out.push_str(&wrap.push(&piece));
                piece.clear();
            }
        }
        out.push_str(&wrap.push(&piece));
        out + &wrap.finish()
    }

    #[test]
    fn streamed_text_wraps_at_words_however_it_is_cut() {
        let text = "The sky is blue because air scatters short wavelengths more.\n\n    code  stays  spaced\nok";
        let expected = "The sky is blue\nbecause air\nscatters short\nwavelengths more.\n\n    code  stays\nspaced\nok";
        for size in 1..=text.len() {
            assert_eq!(streamed(text, 18, size), expected, "pieces of {size}");
        }
        assert_eq!(streamed("abcdefghij kl", 4, 3), "abcd\nefgh\nij\nkl");
        assert_eq!(streamed("日本語の文です ok", 10, 2), "日本語の文\nです ok");
        let mut none = Streamed::new(None);
        assert_eq!((none.push("a  b"), none.finish()), ("a  b".to_string(), String::new()));
        for line in streamed(&"word ".repeat(100), 30, 7).lines() {
            assert!(line.width() <= 30, "{line:?}");
        }
    }

    #[test]
    fn items_break_only_between_items() {
        let items: Vec<String> = ["consensus 2", "contradictions 1", "partial coverage 1"].map(String::from).into();
        assert_eq!(
            super::items("analysis: ", &items, Some(40), "  "),
            "analysis: consensus 2 · contradictions 1\n  partial coverage 1\n"
        );
        assert_eq!(super::items("a: ", &items[..1], None, "  "), "a: consensus 2\n");
    }

    #[test]
    fn one_line_flattens_and_cuts_with_an_ellipsis() {
        assert_eq!(one_line("a\n  b\tc", 10), "a b c");
        assert_eq!(one_line("abcdefghij", 5), "abcd…");
        assert_eq!(one_line("ab  cdefgh", 4), "ab…");
        assert_eq!(one_line("a\x1b]52;c;long-payload\x07 end", 6), "a end");
    }
}
