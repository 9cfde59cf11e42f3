//! Whether an answer matches an item's reference, by the reference's kind:
//!
//! - `exact`: the answer, normalised, equals the reference, normalised;
//! - `contains`: the normalised answer contains the normalised reference as whole words
//!   (`4` is not in `14`, `paris` is not in `comparison`);
//! - `numeric`: the answer's last number ([`last_number`] says what a number is) is within
//!   the reference's `tolerance` of the reference's number (absolute; 1e-9 when none is
//!   given). The last, because models show their working before their result;
//! - `regex`: the reference, a regular expression (the `regex` crate's syntax, case
//!   sensitive unless it starts with `(?i)`), matches somewhere in the raw answer.
//!
//! Normalising lowercases the text (Unicode lowercase, not full case folding: `ß` stays
//! `ß`), drops the Markdown emphasis and code marks `*`, `_` and `` ` ``, collapses every
//! run of whitespace to one space, drops a leading `answer:` or `final answer:` label and
//! trims the ends of whitespace and of the sentence punctuation `.`, `!`, `?`, `,`, `;` and
//! `:`. So `**Paris.**`, `Answer: Paris` and ` PARIS! ` all equal `paris`, while `Paris is
//! the capital` does not, though it contains `paris`. Quotes, brackets and accents are
//! kept: `"Paris"` does not equal `paris`.
//!
//! A reference is compiled once into a [`Matcher`] (its normal form, its number, its
//! regex), which then checks any number of answers; [`check`] says what is wrong with one
//! that can't be compiled, naming the offending value.
//!
//! Knows nothing about where references come from (a set file's line) or what is done
//! with a match.

use regex::{Regex, RegexBuilder};

use crate::error::echo;
use crate::eval::{MatchKind, Reference};

/// The tolerance of a `numeric` reference that names none: equal up to float rounding.
pub const DEFAULT_TOLERANCE: f64 = 1e-9;

/// The most memory a `regex` reference may take compiled, in bytes, and the most its
/// search cache may grow to. A set file is user input: a pattern such as `(\w{100}){100}`
/// would otherwise compile to hundreds of megabytes, and matching time grows with the
/// compiled size too.
pub const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// The sentence punctuation trimmed from the end of a normalised text.
const TRAILING_PUNCTUATION: &[char] = &['.', '!', '?', ',', ';', ':'];

/// The labels dropped from the start of a normalised text, longest first.
const LABELS: &[&str] = &["final answer:", "answer:"];

/// Whether `answer` matches `reference` (see the module's doc for each kind). A
/// reference that does not compile ([`check`] says why) matches nothing. Compiles the
/// reference on every call: to check many answers, build a [`Matcher`] once.
pub fn matches(reference: &Reference, answer: &str) -> bool {
    Matcher::new(reference).is_ok_and(|m| m.matches(answer))
}

/// What is wrong with `reference`, if anything: an empty answer (or one that
/// normalises to nothing), a `regex` that does not compile or compiles too large, a
/// `numeric` answer that is not one number, a tolerance that is negative or not finite,
/// or a tolerance on a reference that is not `numeric`. The message names the value.
pub fn check(reference: &Reference) -> Result<(), String> {
    Matcher::new(reference).map(drop)
}

/// A reference compiled once, to match many answers.
#[derive(Debug, Clone)]
pub struct Matcher(Rule);

#[derive(Debug, Clone)]
enum Rule {
    /// The reference's normal form.
    Exact(String),
    Contains(String),
    Numeric {
        value: f64,
        tolerance: f64,
    },
    Regex(Regex),
}

impl Matcher {
    /// The reference compiled, or what is wrong with it (as [`check`] says).
    pub fn new(reference: &Reference) -> Result<Matcher, String> {
        let answer = reference.answer.as_str();
        if answer.is_empty() {
            return Err("the reference answer is empty".into());
        }
        if answer.trim().is_empty() {
            return Err("the reference answer is only whitespace".into());
        }
        if let Some(tolerance) = reference.tolerance {
            if reference.kind != MatchKind::Numeric {
                return Err(format!(
                    "the tolerance `{tolerance}` applies only to a `numeric` reference, not `{}`",
                    kind_name(reference.kind)
                ));
            }
            if !tolerance.is_finite() {
                return Err(format!("the tolerance `{tolerance}` is not a finite number"));
            }
            if tolerance < 0.0 {
                return Err(format!("the tolerance `{tolerance}` is negative"));
            }
        }
        let rule = match reference.kind {
            MatchKind::Exact | MatchKind::Contains => {
                let normal = normalise(answer);
                if normal.is_empty() {
                    return Err(format!("the reference answer `{}` is empty once normalised", echo(answer)));
                }
                if reference.kind == MatchKind::Exact { Rule::Exact(normal) } else { Rule::Contains(normal) }
            }
            MatchKind::Numeric => {
                let value = reference_number(answer)
                    .ok_or_else(|| format!("the numeric reference `{}` is not a number", echo(answer)))?;
                Rule::Numeric { value, tolerance: reference.tolerance.unwrap_or(DEFAULT_TOLERANCE) }
            }
            MatchKind::Regex => Rule::Regex(compile(answer)?),
        };
        Ok(Matcher(rule))
    }

    /// Whether `answer` matches the reference.
    pub fn matches(&self, answer: &str) -> bool {
        match &self.0 {
            Rule::Exact(reference) => normalise(answer) == *reference,
            Rule::Contains(reference) => contains_words(&normalise(answer), reference),
            Rule::Numeric { value, tolerance } => {
                last_number(answer).is_some_and(|found| found.is_finite() && (found - value).abs() <= *tolerance)
            }
            Rule::Regex(regex) => regex.is_match(answer),
        }
    }
}

fn kind_name(kind: MatchKind) -> &'static str {
    match kind {
        MatchKind::Exact => "exact",
        MatchKind::Numeric => "numeric",
        MatchKind::Contains => "contains",
        MatchKind::Regex => "regex",
    }
}

/// `pattern` compiled within [`REGEX_SIZE_LIMIT`], or why not in one line.
fn compile(pattern: &str) -> Result<Regex, String> {
    RegexBuilder::new(pattern).size_limit(REGEX_SIZE_LIMIT).dfa_size_limit(REGEX_SIZE_LIMIT).build().map_err(|err| {
        match err {
            regex::Error::CompiledTooBig(_) => format!(
                "the regex `{}` is too large once compiled (the limit is {} KiB)",
                echo(pattern),
                REGEX_SIZE_LIMIT / 1024
            ),
            // The parser's message shows the pattern over several lines with a caret, then
            // `error: WHAT`: the last line says it in one.
            other => {
                let text = other.to_string();
                let why = text.lines().rev().find_map(|l| l.strip_prefix("error: ")).unwrap_or("it is not valid");
                format!("the regex `{}` does not compile: {why}", echo(pattern))
            }
        }
    })
}

/// `text` in its normal form (the module's doc says what that is).
pub fn normalise(text: &str) -> String {
    let lower = text.to_lowercase();
    let unmarked: String = lower.chars().filter(|c| !matches!(c, '*' | '_' | '`')).collect();
    let collapsed = unmarked.split_whitespace().collect::<Vec<_>>().join(" ");
    let unlabelled = LABELS.iter().find_map(|label| collapsed.strip_prefix(label)).unwrap_or(&collapsed);
    unlabelled
        .trim_matches(char::is_whitespace)
        .trim_end_matches(|c: char| c.is_whitespace() || TRAILING_PUNCTUATION.contains(&c))
        .to_string()
}

/// Whether `needle` occurs in `haystack` as whole words: where the needle begins (or ends)
/// with a letter or digit, the character before (after) it is not one, so `4` is not in
/// `14` and `paris` is not in `comparison`.
fn contains_words(haystack: &str, needle: &str) -> bool {
    let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    let (starts_word, ends_word) = (word(needle.chars().next()), word(needle.chars().next_back()));
    haystack.match_indices(needle).any(|(at, _)| {
        let before = haystack[..at].chars().next_back();
        let after = haystack[at + needle.len()..].chars().next();
        let glued = (starts_word && word(before)) || (ends_word && word(after));
        !glued
    })
}

/// The last number in `text`, when there is one.
///
/// The last, because a model shows its working before its result: `12 apples and 30
/// more make 42` means 42. A number is ASCII digits, with an optional sign (`-` or `−`,
/// counted only where no letter or digit comes before it: `3-5` is 3 and 5), thousands
/// separated by commas in groups of three (`1,234,567`), a fraction (`0.5`, `.5`) and an
/// exponent (`6.02e23`, `1E-9`). A `%` after it is ignored (`45%` reads as 45), as is a
/// currency sign before it.
pub fn last_number(text: &str) -> Option<f64> {
    Numbers { text, at: 0 }.last().map(|n| n.value)
}

/// `text` as one number with nothing else around it but whitespace, an optional `+` and
/// a trailing `%`; `None` when it is not one finite number.
fn reference_number(text: &str) -> Option<f64> {
    let text = text.trim();
    let text = text.strip_suffix('%').map_or(text, str::trim_end);
    let text = text.strip_prefix('+').unwrap_or(text);
    let mut numbers = Numbers { text, at: 0 };
    match (numbers.next(), numbers.next()) {
        (Some(n), None) if n.start == 0 && n.end == text.len() && n.value.is_finite() => Some(n.value),
        _ => None,
    }
}

/// One number found in a text: where it is (its sign included) and its value.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Number {
    start: usize,
    end: usize,
    value: f64,
}

/// The numbers of a text, first to last (`last_number` says what a number is).
struct Numbers<'a> {
    text: &'a str,
    at: usize,
}

impl Iterator for Numbers<'_> {
    type Item = Number;

    fn next(&mut self) -> Option<Number> {
        let bytes = self.text.as_bytes();
        let digit = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_digit);
        let digits_from = |mut i: usize| {
            while digit(i) {
                i += 1;
            }
            i
        };
        loop {
            let first = self.at + bytes.get(self.at..)?.iter().position(u8::is_ascii_digit)?;
            let mut end = digits_from(first);
            // Every digit run is read whole, so `first` begins one.
            let mut literal = String::new();
            let mut start = first;
            if first >= 1 && bytes[first - 1] == b'.' && !(first >= 2 && digit(first - 2)) {
                // `.5`: a fraction with no integer part.
                start = first - 1;
                literal.push_str("0.");
                literal.push_str(&self.text[first..end]);
            } else {
                literal.push_str(&self.text[first..end]);
                if end - first <= 3 {
                    // Thousands: `,` then exactly three digits, and no fourth.
                    while bytes.get(end) == Some(&b',') && (1..=3).all(|k| digit(end + k)) && !digit(end + 4) {
                        literal.push_str(&self.text[end + 1..end + 4]);
                        end += 4;
                    }
                }
                if bytes.get(end) == Some(&b'.') && digit(end + 1) {
                    let after = digits_from(end + 1);
                    literal.push_str(&self.text[end..after]);
                    end = after;
                }
            }
            if matches!(bytes.get(end), Some(b'e' | b'E')) {
                let sign = usize::from(matches!(bytes.get(end + 1), Some(b'+' | b'-')));
                if digit(end + 1 + sign) {
                    let after = digits_from(end + 1 + sign);
                    literal.push_str(&self.text[end..after]);
                    end = after;
                }
            }
            self.at = end;
            let before = &self.text[..start];
            let negative = before
                .strip_suffix('-')
                .or_else(|| before.strip_suffix('−'))
                .filter(|rest| !rest.chars().next_back().is_some_and(char::is_alphanumeric));
            if let Some(rest) = negative {
                start = rest.len();
                literal.insert(0, '-');
            }
            // The literal is digits, a point, an exponent: it always parses.
            if let Ok(value) = literal.parse::<f64>() {
                return Some(Number { start, end, value });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    fn reference(kind: MatchKind, answer: &str) -> Reference {
        Reference { answer: answer.into(), kind, tolerance: None }
    }

    /// Which of `answers` match `reference`.
    fn matching<'a>(reference: &Reference, answers: &[&'a str]) -> Vec<&'a str> {
        let matcher = Matcher::new(reference).unwrap();
        answers.iter().copied().filter(|a| matcher.matches(a)).collect()
    }

    #[test]
    fn normalising_drops_case_emphasis_labels_extra_spaces_and_the_final_punctuation() {
        let cases = [
            ("**Paris.**", "paris"),
            ("  PARIS!  ", "paris"),
            ("`Paris`", "paris"),
            ("_Paris_?", "paris"),
            ("Answer: Paris", "paris"),
            ("**Final answer:** Paris.", "paris"),
            ("final   answer:\n\tNew\u{a0}York ...", "new york"),
            ("New York, NY;:", "new york, ny"),
            ("Ölberg", "ölberg"),
            ("snake_case", "snakecase"),
            ("The answer: Paris", "the answer: paris"),
            ("\"Paris\"", "\"paris\""),
            ("3.14.", "3.14"),
            ("**", ""),
        ];
        let got: Vec<(&str, String)> = cases.iter().map(|(text, _)| (*text, normalise(text))).collect();
        let want: Vec<(&str, String)> = cases.iter().map(|(text, normal)| (*text, normal.to_string())).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn exact_matches_the_whole_answer_once_both_are_normalised() {
        let answers = [
            "**Paris.**",
            "paris",
            "Final answer: PARIS",
            "Paris is the capital",
            "The capital is Paris.",
            "Parisian",
            "\"Paris\"",
        ];
        assert_eq!(
            matching(&reference(MatchKind::Exact, "Paris"), &answers),
            ["**Paris.**", "paris", "Final answer: PARIS"]
        );
        assert_eq!(
            matching(&reference(MatchKind::Exact, "**New  York.**"), &["new york", "New York City"]),
            ["new york"]
        );
    }

    #[test]
    fn contains_finds_the_reference_as_whole_words_in_the_normalised_answer() {
        let answers = [
            "Paris is the capital",
            "The capital is **Paris**.",
            "It's PARIS, of course",
            "comparison shopping",
            "Parisian cafés",
            "Lyon",
        ];
        assert_eq!(
            matching(&reference(MatchKind::Contains, "paris"), &answers),
            ["Paris is the capital", "The capital is **Paris**.", "It's PARIS, of course"]
        );
        assert_eq!(matching(&reference(MatchKind::Contains, "4"), &["it is 4.", "it is 14", "4x"]), ["it is 4."]);
        assert_eq!(
            matching(&reference(MatchKind::Contains, "New York"), &["in new\nyork today", "newyork", "new yorker"]),
            ["in new\nyork today"]
        );
        // A reference that begins or ends with punctuation is not held to word bounds there.
        assert_eq!(matching(&reference(MatchKind::Contains, "(b)"), &["option(b) is right"]), ["option(b) is right"]);
    }

    #[test]
    fn the_last_number_of_a_text_is_read_with_its_sign_separators_fraction_and_exponent() {
        let cases = [
            ("42", Some(42.0)),
            ("12 apples and 30 more make 42.", Some(42.0)),
            ("it is -3", Some(-3.0)),
            ("x = −3.5", Some(-3.5)),
            ("the range 3-5", Some(5.0)),
            ("COVID-19", Some(19.0)),
            ("$1,234.50", Some(1234.5)),
            ("1,234,567 people", Some(1_234_567.0)),
            ("1,2,3", Some(3.0)),
            ("1,2345", Some(2345.0)),
            ("12345,678", Some(678.0)),
            ("45%", Some(45.0)),
            ("6.02e23 atoms", Some(6.02e23)),
            ("1E-9", Some(1e-9)),
            ("2.5e+3", Some(2500.0)),
            ("3em wide", Some(3.0)),
            ("about .5 of it", Some(0.5)),
            ("version 1.2.3", Some(3.0)),
            ("\\boxed{17}", Some(17.0)),
            ("**Final answer: 7**", Some(7.0)),
            ("no number here", None),
            ("", None),
            ("٣", None),
        ];
        let got: Vec<(&str, Option<f64>)> = cases.iter().map(|(text, _)| (*text, last_number(text))).collect();
        assert_eq!(got, cases);
    }

    #[test]
    fn numeric_compares_the_last_number_within_the_tolerance() {
        let answers = ["42", "First 12, then 30: 42.", "42.0000000001", "The answer is 42, not 41.", "43", "none"];
        assert_eq!(
            matching(&reference(MatchKind::Numeric, "42"), &answers),
            ["42", "First 12, then 30: 42.", "42.0000000001"]
        );
        let loose = Reference { tolerance: Some(0.5), ..reference(MatchKind::Numeric, "3.14") };
        assert_eq!(matching(&loose, &["pi is 3.1416", "about 3.7", "2.7", "2.6"]), ["pi is 3.1416", "2.7"]);
        assert_eq!(
            matching(&reference(MatchKind::Numeric, "1,234"), &["1234", "1,234.0", "1 234"]),
            ["1234", "1,234.0"]
        );
        assert_eq!(
            matching(&reference(MatchKind::Numeric, " -0.25% "), &["-0.25", "-.25%", "0.25"]),
            ["-0.25", "-.25%"]
        );
        assert_eq!(
            matching(&reference(MatchKind::Numeric, "6.02e23"), &["6.02E+23", "602000000000000000000000"]),
            ["6.02E+23", "602000000000000000000000"]
        );
        assert!(!matches(&reference(MatchKind::Numeric, "1"), "1e999"), "an infinite number matches nothing");
    }

    #[test]
    fn regex_matches_anywhere_in_the_raw_answer() {
        let answers = ["The answer is B.", "b", "**B**", "AB"];
        assert_eq!(matching(&reference(MatchKind::Regex, r"\bB\b"), &answers), ["The answer is B.", "**B**"]);
        assert_eq!(matching(&reference(MatchKind::Regex, r"(?i)^\s*b\s*$"), &answers), ["b"]);
        assert!(matches(&reference(MatchKind::Regex, "ab"), "xxabxx"));
    }

    #[test]
    fn check_names_what_is_wrong_with_a_reference() {
        let with_tolerance =
            |kind, answer: &str, tolerance| Reference { tolerance: Some(tolerance), ..reference(kind, answer) };
        let cases = [
            (reference(MatchKind::Exact, "Paris"), Ok(())),
            (reference(MatchKind::Numeric, "+1,234.5 %"), Ok(())),
            (with_tolerance(MatchKind::Numeric, "3", 0.0), Ok(())),
            (reference(MatchKind::Regex, r"\d+"), Ok(())),
            (reference(MatchKind::Regex, r"(?i)^(final answer:)?\s*(\w+\s+){0,20}\**paris\b"), Ok(())),
            (reference(MatchKind::Exact, " \n"), Err("the reference answer is only whitespace")),
            (reference(MatchKind::Contains, "**"), Err("the reference answer `**` is empty once normalised")),
            (reference(MatchKind::Regex, ""), Err("the reference answer is empty")),
            (reference(MatchKind::Regex, "(ab"), Err("the regex `(ab` does not compile: unclosed group")),
            (
                reference(MatchKind::Regex, r"(\w{100}){100}"),
                Err(r"the regex `(\w{100}){100}` is too large once compiled (the limit is 1024 KiB)"),
            ),
            (reference(MatchKind::Numeric, "forty-two"), Err("the numeric reference `forty-two` is not a number")),
            (reference(MatchKind::Numeric, "42 apples"), Err("the numeric reference `42 apples` is not a number")),
            (reference(MatchKind::Numeric, "1.2.3"), Err("the numeric reference `1.2.3` is not a number")),
            (reference(MatchKind::Numeric, "1e999"), Err("the numeric reference `1e999` is not a number")),
            (with_tolerance(MatchKind::Numeric, "3", -0.5), Err("the tolerance `-0.5` is negative")),
            (with_tolerance(MatchKind::Numeric, "3", f64::NAN), Err("the tolerance `NaN` is not a finite number")),
            (with_tolerance(MatchKind::Numeric, "3", f64::INFINITY), Err("the tolerance `inf` is not a finite number")),
            (
                with_tolerance(MatchKind::Exact, "3", 0.5),
                Err("the tolerance `0.5` applies only to a `numeric` reference, not `exact`"),
            ),
        ];
        let got: Vec<Result<(), String>> = cases.iter().map(|(r, _)| check(r)).collect();
        let want: Vec<Result<(), String>> = cases.iter().map(|(_, w)| w.map_err(str::to_string)).collect();
        assert_eq!(got, want);
        // A reference that does not compile matches nothing.
        assert!(!matches(&reference(MatchKind::Regex, "(ab"), "(ab"));
    }

    #[test]
    fn a_quoted_value_is_cut_and_its_invisible_characters_escaped() {
        let long = "x".repeat(500);
        let err = check(&reference(MatchKind::Numeric, &format!("4\u{200b}2{long}"))).unwrap_err();
        assert!(err.starts_with("the numeric reference `4\\u{200b}2xxx") && err.len() < 300, "{err}");
    }
}
