//! An eval's directory under the state dir (`evals/<id>/`): its definition
//! (`eval.json`: the set, the contenders, the baseline, the grader, the settings), its
//! own copy of the set (`items.jsonl`), and its results (`results.jsonl`), one line per
//! answer and per graded pair, appended and flushed as each finishes. Ctrl-C or a crash
//! loses nothing finished; `--resume` reads the lines back and runs only what is
//! missing; a last line cut short by a crash is skipped, not fatal.
//!
//! Knows nothing about how answers are obtained or scored: it keeps and returns records.

use std::collections::{HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write as _};
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::contender::Kept;
use super::score::pairwise::{Pairing, Preference};
use crate::error::{Error, Result};
use crate::pipeline::Totals;
use crate::private_dir;

pub const DEFINITION: &str = "eval.json";
pub const ITEMS: &str = "items.jsonl";
pub const RESULTS: &str = "results.jsonl";

/// What an eval is, as `--resume` reads it back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Definition {
    pub eval_id: String,
    /// Where the prompts came from: the set file's path, `sample`, or `history`.
    pub set: String,
    pub items: u64,
    pub contenders: Vec<Kept>,
    /// The label of the contender the others are graded against.
    pub baseline: String,
    pub grader: Option<String>,
    pub scope: Option<String>,
    pub settings: Settings,
}

/// The eval's own limits, kept so a resumed eval runs as it began.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    pub concurrency: usize,
    pub per_provider: usize,
    pub timeout: Option<u64>,
    pub max_cost: Option<f64>,
}

/// One finished piece of an eval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Record {
    Answer(Answer),
    Grade(Grade),
}

/// A contender's run of one item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub item: String,
    pub contender: String,
    pub run_id: String,
    /// The final answer; `None` when the run produced none.
    pub answer: Option<String>,
    /// Why there is no answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub totals: Totals,
    pub latency_ms: u64,
    /// Against the item's reference; `None` when it has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correct: Option<bool>,
    /// The run asked its judge and got no verdict: the synth fused without one.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub no_verdict: bool,
}

/// A contender's answer to one item graded against the baseline's, in both orders.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Grade {
    pub item: String,
    pub contender: String,
    /// The grader's verdict with the contender shown first, then with the baseline first.
    pub orders: [Option<Preference>; 2],
    pub pairing: Pairing,
    /// What the two grading calls took.
    pub totals: Totals,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// An eval's directory.
pub struct Journal {
    dir: PathBuf,
    results: File,
}

impl Journal {
    /// The directory of eval `id` under `evals_dir`.
    pub fn dir_of(evals_dir: &Path, id: &str) -> PathBuf {
        evals_dir.join(id)
    }

    /// Makes a new eval's directory and writes its definition; `items` writes its set.
    pub fn create(
        dir: &Path,
        definition: &Definition,
        items: impl FnOnce(&mut dyn std::io::Write) -> Result<()>,
    ) -> Result<Journal> {
        private_dir::create_all(dir).map_err(|e| Error::io("create directory", dir, e))?;
        let mut file = new_file(&dir.join(ITEMS), false)?;
        items(&mut file)?;
        file.flush().map_err(|e| Error::io("write", dir.join(ITEMS), e))?;
        write_definition(dir, definition)?;
        Journal::open(dir)
    }

    /// Opens an existing eval's directory to append its results.
    pub fn open(dir: &Path) -> Result<Journal> {
        Ok(Journal { dir: dir.to_path_buf(), results: new_file(&dir.join(RESULTS), true)? })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Appends `record` and flushes it: once this returns, the record survives Ctrl-C.
    pub fn append(&mut self, record: &Record) -> Result<()> {
        let path = || self.dir.join(RESULTS);
        let mut line = serde_json::to_string(record)
            .map_err(|e| Error::internal(format!("could not encode a result: {e}"), "report a bug"))?;
        line.push('\n');
        self.results.write_all(line.as_bytes()).map_err(|e| Error::io("write", path(), e))?;
        self.results.flush().map_err(|e| Error::io("write", path(), e))
    }
}

/// Reads an eval's definition.
pub fn definition(dir: &Path) -> Result<Definition> {
    let path = dir.join(DEFINITION);
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io("read", &path, e))?;
    serde_json::from_str(&text).map_err(|e| {
        Error::usage(
            format!("{} is not an eval's definition ({e})", path.display()),
            "start the eval again without --resume",
        )
    })
}

fn write_definition(dir: &Path, definition: &Definition) -> Result<()> {
    let text = serde_json::to_string_pretty(definition)
        .map_err(|e| Error::internal(format!("could not encode the eval: {e}"), "report a bug"))?;
    crate::config::atomic::write_private(&dir.join(DEFINITION), &text)
}

/// A file of the eval's own, 0600, never through a link: appended to, or new.
fn new_file(path: &Path, append: bool) -> Result<File> {
    let mut options = OpenOptions::new();
    options.mode(private_dir::FILE_MODE).custom_flags(rustix::fs::OFlags::NOFOLLOW.bits() as i32);
    if append {
        options.append(true).create(true);
    } else {
        options.write(true).create_new(true);
    }
    options.open(path).map_err(|e| Error::io(if append { "open" } else { "create" }, path, e))
}

/// Every line of `dir`'s results, in the order written: a record, or `None` for a line
/// that can't be read (a crash cut it short).
pub fn records(dir: &Path) -> Result<impl Iterator<Item = Option<Record>>> {
    let path = dir.join(RESULTS);
    let file = match File::open(&path) {
        Ok(file) => Some(BufReader::new(file)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::io("read", &path, e)),
    };
    let lines = file.into_iter().flat_map(BufRead::lines);
    Ok(lines.map(|line| line.ok().and_then(|l| serde_json::from_str(&l).ok())))
}

/// What an eval has already done, read back for `--resume`.
#[derive(Debug, Default, PartialEq)]
pub struct Done {
    /// (item, contender) pairs that have an answer record.
    pub answered: HashSet<(String, String)>,
    /// (item, contender) pairs that have a grade record.
    pub graded: HashSet<(String, String)>,
    /// The answers a grading still needs, by (item, contender): only those of pairs still
    /// to grade, so this stays as small as what was in flight when the eval stopped.
    pub answers: HashMap<(String, String), String>,
    /// Lines that could not be read.
    pub skipped: usize,
    /// USD the finished answers and gradings spent (those with a price).
    pub spent: f64,
}

impl Done {
    /// Reads `dir`'s results; `baseline` is the label the `others` contenders are graded
    /// against.
    pub fn read(dir: &Path, baseline: &str, others: usize) -> Result<Done> {
        let mut done = Done::default();
        for record in records(dir)? {
            match record {
                None => done.skipped += 1,
                Some(Record::Grade(grade)) => {
                    done.spent += grade.totals.cost_usd.unwrap_or(0.0);
                    done.graded.insert((grade.item, grade.contender));
                }
                Some(Record::Answer(answer)) => {
                    done.spent += answer.totals.cost_usd.unwrap_or(0.0);
                    done.answered.insert((answer.item, answer.contender));
                }
            }
        }
        // The texts, once it is known which gradings are still to do: the baseline's
        // answer to an item until all `others` contenders' answers to it are graded.
        let graded = &done.graded;
        let mut graded_per_item: HashMap<&str, usize> = HashMap::new();
        for (item, _) in graded {
            *graded_per_item.entry(item.as_str()).or_default() += 1;
        }
        let mut answers = HashMap::new();
        for answer in records(dir)?.flatten().filter_map(|r| match r {
            Record::Answer(a) if a.correct.is_none() => Some(a),
            _ => None,
        }) {
            let key = (answer.item.clone(), answer.contender.clone());
            let needed = if answer.contender == baseline {
                graded_per_item.get(answer.item.as_str()).copied().unwrap_or(0) < others
            } else {
                !graded.contains(&key)
            };
            if let (true, Some(text)) = (needed, answer.answer) {
                answers.insert(key, text);
            }
        }
        done.answers = answers;
        Ok(done)
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    fn answer(item: &str, contender: &str, text: Option<&str>, correct: Option<bool>) -> Record {
        Record::Answer(Answer {
            item: item.into(),
            contender: contender.into(),
            run_id: "r".into(),
            answer: text.map(str::to_string),
            error: None,
            totals: Totals::default(),
            latency_ms: 1,
            correct,
            no_verdict: false,
        })
    }

    fn grade(item: &str, contender: &str) -> Record {
        Record::Grade(Grade {
            item: item.into(),
            contender: contender.into(),
            orders: [Some(Preference::First), Some(Preference::First)],
            pairing: Pairing::Tie,
            totals: Totals { cost_usd: Some(0.5), ..Totals::default() },
            error: None,
        })
    }

    fn key(item: &str, contender: &str) -> (String, String) {
        (item.to_string(), contender.to_string())
    }

    #[test]
    fn what_finished_is_read_back_with_only_the_answers_a_grading_still_needs() {
        let dir = tempfile::tempdir().unwrap();
        let definition = Definition {
            eval_id: "e".into(),
            set: "s".into(),
            items: 3,
            contenders: vec![],
            baseline: "base".into(),
            grader: Some("g".into()),
            scope: None,
            settings: Settings { concurrency: 1, per_provider: 1, timeout: None, max_cost: None },
        };
        let mut journal = Journal::create(dir.path(), &definition, |_| Ok(())).unwrap();
        // i1: both answered and graded. i2: both answered, not graded. i3: a reference.
        for record in [
            answer("i1", "base", Some("b1"), None),
            answer("i1", "other", Some("o1"), None),
            grade("i1", "other"),
            answer("i2", "base", Some("b2"), None),
            answer("i2", "other", Some("o2"), None),
            answer("i3", "base", Some("b3"), Some(true)),
        ] {
            journal.append(&record).unwrap();
        }
        // A crash cut the last line short.
        std::fs::OpenOptions::new()
            .append(true)
            .open(dir.path().join(RESULTS))
            .and_then(|mut f| f.write_all(b"{\"kind\":\"answer\",\"it"))
            .unwrap();
        let done = Done::read(dir.path(), "base", 1).unwrap();
        assert_eq!(
            done,
            Done {
                answered: HashSet::from([
                    key("i1", "base"),
                    key("i1", "other"),
                    key("i2", "base"),
                    key("i2", "other"),
                    key("i3", "base")
                ]),
                graded: HashSet::from([key("i1", "other")]),
                answers: HashMap::from([(key("i2", "base"), "b2".into()), (key("i2", "other"), "o2".into())]),
                skipped: 1,
                spent: 0.5,
            }
        );
        assert_eq!(definition_of(dir.path()), definition);
    }

    fn definition_of(dir: &Path) -> Definition {
        definition(dir).unwrap()
    }

    #[test]
    fn an_eval_directory_is_never_written_through_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let elsewhere = dir.path().join("elsewhere");
        std::fs::write(&elsewhere, "").unwrap();
        let eval = dir.path().join("e");
        std::fs::create_dir(&eval).unwrap();
        std::os::unix::fs::symlink(&elsewhere, eval.join(RESULTS)).unwrap();
        assert!(Journal::open(&eval).is_err());
        assert_eq!(std::fs::read_to_string(&elsewhere).unwrap(), "");
    }
}
