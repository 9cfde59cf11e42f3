//! The editor-agent hook below its command: what the hosts send (`input`) and reading it off
//! stdin with a deadline (`stdin`), when a prompt is left alone (`guards`), what is sent
//! back (`relay`, under each host's `ceiling`, with the `overflow` file for an answer too
//! long for it), how long a host waits for the hook where it waits less than the timeout
//! frontier registers (`wait`), what a failed run tells the user (`failure`), and the
//! in-flight progress file the status line reads (`progress`), and what one host session
//! keeps between its prompts (`session`). Only `overflow`, `progress` and `session` touch
//! files (`overflow` writes an answer and prunes the old ones, `progress` writes, reads
//! and removes its file, `session` reads and writes its file and prunes the old ones),
//! each in its own state subdirectory through `private_dir`; `stdin`
//! reads the process's stdin; the rest is pure (`input` reads only the `Env` snapshot
//! it is handed).
//!
//! Knows nothing about providers, about the configuration and scope state files, or about
//! how a run is carried out: it is handed values (the host list from `config`, a scope's
//! tuning from `scope::state`, the names of the pipeline's stages) and the `hook`
//! command wires it to the rest. Nothing here starts a runtime or loads the catalog, so
//! the off path stays cheap.

pub mod ceiling;
pub mod failure;
pub mod guards;
pub mod input;
pub mod overflow;
pub mod progress;
pub mod relay;
pub mod session;
pub mod stdin;
pub mod wait;
