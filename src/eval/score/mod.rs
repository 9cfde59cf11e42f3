//! Scoring an answer: against a reference (`reference`), or against the baseline's by a
//! grader asked in both orders (`pairwise`); the statistics the summary reports (`stats`:
//! intervals, latency quantiles); and one contender's running totals, item by item, with
//! its score from them (`tally`).
//!
//! Knows nothing about how answers were obtained or where the numbers are shown.

pub mod pairwise;
pub mod reference;
pub mod stats;
pub mod tally;
