//! Reading a set of prompts: a JSONL file, one item per line, read as a stream (memory
//! stays flat in the number of items), each line checked as it is read and named by
//! its line number when it is wrong. The same format is the eval's own copy of its set,
//! which `--resume` reads back, so a set that changes or a history that moves on never
//! changes an eval half way.
//!
//! A line: `{"id": "q1", "prompt": "What is 6*7?", "reference": "42", "match":
//! "numeric", "tolerance": 0.5, "files": ["src/pool.rs"]}`; only `prompt` is required;
//! `match` defaults to `exact`; `files` are relative to the set file's directory.
//!
//! Knows nothing about where the lines come from (a file, history, the shipped sample),
//! nor what is done with the items.

use std::collections::HashSet;
use std::io::{BufRead, Read as _};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::item::{Item, MatchKind, Reference};
use super::score::reference;

/// The longest line a set may have: a prompt of a few MiB is already unusual.
pub const MAX_LINE_BYTES: u64 = 4 << 20;

/// The sample set shipped with frontier (`frontier eval --sample`).
pub const SAMPLE: &str = include_str!("../../evals/sample.jsonl");

/// One line of a set, as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Line {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub prompt: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    #[serde(default, rename = "match", skip_serializing_if = "Option::is_none")]
    pub kind: Option<MatchKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerance: Option<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
}

impl Line {
    /// The line an item is written back as (its id and its files' full paths kept).
    pub fn of(item: &Item) -> Line {
        let reference = item.reference.as_ref();
        Line {
            id: Some(item.id.clone()),
            prompt: item.prompt.clone(),
            reference: reference.map(|r| r.answer.clone()),
            kind: reference.map(|r| r.kind),
            tolerance: reference.and_then(|r| r.tolerance),
            files: item.files.iter().map(|f| f.display().to_string()).collect(),
        }
    }
}

/// What is wrong with a line of a set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadLine {
    pub line: usize,
    pub problem: String,
}

/// The items of a set read from `reader`, one per non-blank line; `base` is the
/// directory its files are relative to.
pub struct Items<R> {
    reader: R,
    base: PathBuf,
    line: usize,
    ids: HashSet<String>,
    buf: Vec<u8>,
}

impl<R: BufRead> Items<R> {
    pub fn new(reader: R, base: &Path) -> Items<R> {
        Items { reader, base: base.to_path_buf(), line: 0, ids: HashSet::new(), buf: Vec::new() }
    }

    fn bad(&self, problem: impl Into<String>) -> BadLine {
        BadLine { line: self.line, problem: problem.into() }
    }

    fn item(&mut self, text: &str) -> Result<Item, BadLine> {
        let line: Line = serde_json::from_str(text).map_err(|e| self.bad(format!("not a valid item ({e})")))?;
        if line.prompt.trim().is_empty() {
            return Err(self.bad("the prompt is empty"));
        }
        let id = line.id.unwrap_or_else(|| format!("line-{}", self.line));
        if id.trim().is_empty() || id.chars().any(char::is_control) {
            return Err(self.bad("the id is empty or holds control characters"));
        }
        if !self.ids.insert(id.clone()) {
            return Err(self.bad(format!("the id `{}` is used twice", crate::error::echo(&id))));
        }
        let reference = match line.reference {
            None if line.kind.is_some() || line.tolerance.is_some() => {
                return Err(self.bad("`match` or `tolerance` is given without a `reference`"));
            }
            None => None,
            Some(answer) => {
                let reference =
                    Reference { answer, kind: line.kind.unwrap_or(MatchKind::Exact), tolerance: line.tolerance };
                reference::check(&reference).map_err(|problem| self.bad(problem))?;
                Some(reference)
            }
        };
        let files = line.files.iter().map(|f| self.base.join(f)).collect();
        Ok(Item { id, prompt: line.prompt, reference, files })
    }
}

impl<R: BufRead> Iterator for Items<R> {
    type Item = Result<Item, BadLine>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            self.buf.clear();
            self.line += 1;
            let read = (&mut self.reader).take(MAX_LINE_BYTES + 1).read_until(b'\n', &mut self.buf);
            match read {
                Err(e) => return Some(Err(self.bad(format!("could not be read ({e})")))),
                Ok(0) => return None,
                Ok(_) => {}
            }
            if self.buf.len() as u64 > MAX_LINE_BYTES {
                return Some(Err(self.bad(format!("is over {} MiB", MAX_LINE_BYTES >> 20))));
            }
            let text = match std::str::from_utf8(&self.buf) {
                Ok(text) => text.trim().to_string(),
                Err(_) => return Some(Err(self.bad("is not UTF-8"))),
            };
            if text.is_empty() {
                continue;
            }
            return Some(self.item(&text));
        }
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    fn read(text: &str) -> Vec<Result<Item, BadLine>> {
        Items::new(text.as_bytes(), Path::new("/sets")).collect()
    }

    #[test]
    fn lines_become_items_with_ids_references_and_files_under_the_sets_directory() {
        let set = "{\"prompt\": \"What is 6*7?\", \"reference\": \"42\", \"match\": \"numeric\"}\n\n\
                   {\"id\": \"q2\", \"prompt\": \"Explain\", \"files\": [\"a/b.rs\"]}\n";
        let want = vec![
            Ok(Item {
                id: "line-1".into(),
                prompt: "What is 6*7?".into(),
                reference: Some(Reference { answer: "42".into(), kind: MatchKind::Numeric, tolerance: None }),
                files: vec![],
            }),
            Ok(Item { id: "q2".into(), prompt: "Explain".into(), reference: None, files: vec!["/sets/a/b.rs".into()] }),
        ];
        assert_eq!(read(set), want);
    }

    #[test]
    fn a_bad_line_is_named_by_its_number_and_reading_goes_on() {
        let set = "{\"prompt\": \"a\", \"id\": \"x\"}\n{\"prompt\": \"b\", \"id\": \"x\"}\n{\"prompt\": \" \"}\n\
                   {\"prompt\": \"c\", \"match\": \"regex\"}\n{\"prompt\": \"d\", \"colour\": 1}\n\
                   {\"prompt\": \"e\", \"reference\": \"(\", \"match\": \"regex\"}\n";
        let got: Vec<(usize, bool)> =
            read(set).into_iter().map(|r| r.map_or_else(|bad| (bad.line, false), |_| (0, true))).collect();
        assert_eq!(got, vec![(0, true), (2, false), (3, false), (4, false), (5, false), (6, false)]);
    }

    #[test]
    fn an_item_written_back_reads_as_the_same_item() {
        let item = Item {
            id: "q".into(),
            prompt: "p".into(),
            reference: Some(Reference { answer: "3.1".into(), kind: MatchKind::Numeric, tolerance: Some(0.1) }),
            files: vec!["/sets/f.txt".into()],
        };
        let text = serde_json::to_string(&Line::of(&item)).unwrap_or_default();
        assert_eq!(read(&text), vec![Ok(item)]);
    }

    #[test]
    fn the_sample_set_reads_whole() {
        let items: Vec<Item> = read(SAMPLE).into_iter().collect::<Result<_, _>>().unwrap_or_else(|e| panic!("{e:?}"));
        assert!(items.len() >= 20, "{}", items.len());
        assert!(items.iter().all(|i| i.reference.is_some()), "every sample item has a reference");
    }
}
