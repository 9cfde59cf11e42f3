//! `frontier eval`'s engine: a set of prompts ([`Item`]s) run through several contenders
//! (a preset or shape, a single model), each answer scored against the item's reference
//! or graded blind against the baseline's in both orders, and the results summed up per
//! contender ([`Summary`]) with intervals, beside what each contender cost and how long
//! it took.
//!
//! - `item`: one prompt of a set, its reference and how to match it;
//! - `score`: matching a reference, the grader's prompt and verdicts, the intervals;
//! - `summary`: what an eval found, per contender, as the renderers and `--json` read it.
//!
//! Knows nothing about clap or how the summary is shown (render::eval); each item's run
//! goes through the one resolver and the pipeline like any other run.

pub mod item;
pub mod score;
pub mod summary;

pub use item::{Item, MatchKind, Reference};
pub use summary::{Accuracy, ContenderScore, Interval, Latency, Spend, Summary, Versus};
