//! The judge stage: the answers anonymised under neutral labels (`labels`) and framed as
//! data (`shown`, which the synth, the council and later rounds use too), the request and
//! its schema (`prompt`), the reply parsed and validated (`verdict`, through
//! `pipeline::reply`), and the stage itself with its one re-ask (`run`), which returns
//! what it did as a `Judged`.
//!
//! Knows nothing about wire formats: the request goes out through `pipeline::call`.

mod labels;
mod prompt;
mod run;
pub mod shown;
mod verdict;

pub use labels::{Labelled, label};
pub use prompt::{QUESTION_AT, QUESTION_HEADING, SCHEMA_NAME, SYSTEM, repair_message, schema, user_message};
pub use run::shares_prefix;
pub(super) use run::{Judged, stage};
pub use verdict::{Exchange, Verdict, VerdictError, parse};
