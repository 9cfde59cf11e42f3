//! What `codex exec --json` printed (JSONL events) and the last-message file it wrote,
//! read by the Codex agent-CLI parser; and the same bytes as a codex `config.toml`, read
//! for the variables that hold keys. A status taken from a message is an HTTP status;
//! key variables are sorted, unique, and variable names.
//!
//! Input: the events, then optionally a NUL and the last message (decoded lossily, as the
//! runner decodes them).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (events, last_message) = frontier_fuzz::two_texts(&text);
    if let Err(Some((Some(status), _))) = frontier::fuzzing::codex_cli(events, last_message) {
        assert!((100..600).contains(&status), "status {status} from {events:?}");
    }
    let vars = frontier::fuzzing::codex_config_key_vars(&text);
    assert!(vars.windows(2).all(|w| w[0] < w[1]), "{vars:?}");
    for var in &vars {
        let mut chars = var.chars();
        let first = chars.next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
        assert!(first && chars.all(|c| c.is_ascii_alphanumeric() || c == '_'), "{var:?}");
    }
});
