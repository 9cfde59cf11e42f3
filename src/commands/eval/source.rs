//! Where an eval's prompts come from: a JSONL file, the sample set shipped with
//! frontier, or the user's own history; read once to check every line and count what
//! the estimate needs, and again to write the eval's own copy. Neither pass holds the
//! set in memory.
//!
//! Knows nothing about contenders or scoring.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use crate::cli::EvalArgs;
use crate::config::Config;
use crate::error::{Error, Result, echo};
use crate::eval::set::{self, Items, Line};
use crate::eval::{Item, journal};
use crate::history::{Store, Window};

/// Prompts read from history when --limit is not given.
pub const DEFAULT_HISTORY_LIMIT: usize = 50;

/// A set of prompts, not yet read.
pub enum Source {
    /// The file's path, and how the user wrote it.
    File(PathBuf, String),
    Sample,
    /// Prompts read back from history (bounded by --limit).
    History(Vec<Item>),
    /// An eval's own copy, on `--resume`.
    Copy(PathBuf),
}

/// What a pass over the set counted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub items: u64,
    /// Items with no reference: graded pairwise.
    pub ungraded: u64,
    /// Characters of every prompt, and bytes of every context file, summed.
    pub chars: u64,
}

impl Source {
    /// The source `args` name.
    pub fn of(args: &EvalArgs, config: &Config, env: &crate::env::Env) -> Result<Source> {
        if let Some(path) = &args.set {
            return Ok(Source::File(env.cwd().join(path), path.clone()));
        }
        if args.sample {
            return Ok(Source::Sample);
        }
        if args.from_history {
            return history(args, config, env);
        }
        Err(Error::usage(
            "no prompts to run",
            "give a JSONL file of prompts, --sample for the sample set, or --from-history",
        ))
    }

    /// How the definition names it.
    pub fn name(&self) -> String {
        match self {
            Source::File(_, written) => written.clone(),
            Source::Sample => "sample".into(),
            Source::History(_) => "history".into(),
            Source::Copy(path) => path.display().to_string(),
        }
    }

    /// The items, one at a time; a bad line is a usage error naming it.
    pub fn items(&self) -> Result<Box<dyn Iterator<Item = Result<Item>> + '_>> {
        Ok(match self {
            Source::File(path, _) | Source::Copy(path) => {
                let file = File::open(path).map_err(|e| {
                    Error::usage(format!("could not read the set {}: {e}", self.name()), "give a JSONL file of prompts")
                })?;
                let base = path.parent().unwrap_or(Path::new("/")).to_path_buf();
                checked(Items::new(BufReader::new(file), &base), self.name())
            }
            Source::Sample => checked(Items::new(set::SAMPLE.as_bytes(), Path::new("/")), "the sample set".into()),
            Source::History(items) => Box::new(items.iter().cloned().map(Ok)),
        })
    }

    /// Reads the whole set once: every line checked, the counts summed.
    pub fn count(&self) -> Result<Counts> {
        let mut counts = Counts::default();
        for item in self.items()? {
            let item = item?;
            counts.items += 1;
            counts.ungraded += u64::from(item.reference.is_none());
            counts.chars += item.prompt.chars().count() as u64;
            counts.chars += item.files.iter().filter_map(|f| std::fs::metadata(f).ok()).map(|m| m.len()).sum::<u64>();
        }
        if counts.items == 0 {
            return Err(Error::usage(format!("{} holds no prompts", self.name()), "add one JSON object per line"));
        }
        Ok(counts)
    }

    /// Writes the set as the eval's own copy.
    pub fn copy_to(&self, out: &mut dyn Write) -> Result<()> {
        for item in self.items()? {
            let line = serde_json::to_string(&Line::of(&item?))
                .map_err(|e| Error::internal(format!("could not write an item: {e}"), "report a bug"))?;
            writeln!(out, "{line}").map_err(|e| Error::io("write", journal::ITEMS, e))?;
        }
        Ok(())
    }
}

fn checked<R: BufRead + 'static>(items: Items<R>, name: String) -> Box<dyn Iterator<Item = Result<Item>>> {
    Box::new(items.map(move |item| {
        item.map_err(|bad| {
            Error::usage(
                format!("line {} of {name}: {}", bad.line, bad.problem),
                "fix the line: each is one JSON object with a `prompt` (docs/eval.md)",
            )
        })
    }))
}

/// The newest distinct prompts of the history (--since, --limit, --scope).
fn history(args: &EvalArgs, config: &Config, env: &crate::env::Env) -> Result<Source> {
    let since_ms = args.since.as_deref().map(super::super::runs::since).transpose()?;
    let limit = args.limit.unwrap_or(DEFAULT_HISTORY_LIMIT);
    let store = Store::open_existing(&config.paths.history_file())?
        .ok_or_else(|| Error::usage("there is no history yet", "run some prompts first, or give a set file"))?;
    let scope = match &args.scope {
        Some(name) => Some(crate::scope::resolve(Some(name), env, None)?.name),
        None => None,
    };
    let prompts = store.prompts(Window { since_ms, limit: Some(limit) }, scope.as_deref())?;
    if prompts.is_empty() {
        let which = scope.map_or(String::new(), |s| format!(" of scope `{}`", echo(&s)));
        return Err(Error::usage(
            format!("the history holds no prompts{which} in that window"),
            "widen --since or --limit",
        ));
    }
    let items = prompts
        .into_iter()
        .map(|p| Item { id: p.run_id, prompt: p.prompt, reference: None, files: Vec::new() })
        .collect();
    Ok(Source::History(items))
}
