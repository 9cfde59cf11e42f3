//! The synth stage: its request (`prompt`) and the stage itself, streamed, with the
//! fallback when it fails or is skipped (`run`), which returns the final answer and
//! where it came from as a `Synthesis`.
//!
//! Knows nothing about wire formats: the request goes out through `pipeline::call`.

mod prompt;
mod run;

pub use prompt::{Assessment, SYSTEM};
pub(super) use run::{Synthesis, stage};
