//! `frontier eval`'s engine: a set of prompts ([`Item`]s) run through several contenders
//! (a preset or shape, a single model), each answer scored against the item's reference
//! or graded blind against the baseline's in both orders, and the results summed up per
//! contender ([`Summary`]) with intervals, beside what each contender cost and how long
//! it took.
//!
//! - `item`: one prompt of a set, its reference and how to match it;
//! - `score`: matching a reference, the grader's prompt and verdicts, the intervals;
//! - `set`: reading a set of prompts (JSONL), line by line;
//! - `contender`: a panel and shape under its label, and the request it makes of an item;
//! - `journal`: the eval's directory, its definition and its results as they finish;
//! - `runner`: carrying the eval out, bounded in concurrency, cost and memory;
//! - `grading`: one answer against the baseline's, by the grader in both orders;
//! - `summary`: what an eval found, per contender, as the renderers and `--json` read it.
//!
//! Knows nothing about clap or how the summary is shown (render::eval); each item's run
//! goes through the one resolver and the pipeline like any other run.

pub mod contender;
pub mod grading;
pub mod item;
pub mod journal;
pub mod runner;
pub mod score;
pub mod set;
pub mod summary;

pub use item::{Item, MatchKind, Reference};
pub use summary::{Accuracy, ContenderScore, Interval, Latency, Spend, Summary, Versus};
