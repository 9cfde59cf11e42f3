//! The editor-agent hook's pure parts: what the hosts send (`input`) and reading it off
//! stdin with a deadline (`stdin`), when a prompt is left alone (`guards`), what is sent
//! back (`relay`), and the in-flight progress file the status line reads (`progress`).
//!
//! Knows nothing about configuration files, providers or the pipeline: the `hook`
//! command wires these to them. Nothing here starts a runtime or loads the catalog, so
//! the off path stays cheap.

pub mod guards;
pub mod input;
pub mod progress;
pub mod relay;
pub mod stdin;
