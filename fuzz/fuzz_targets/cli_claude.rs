//! What `claude -p --output-format json` printed on stdout, read by the Claude Code
//! agent-CLI parser; a reported error always has a message. Input: stdout's bytes
//! (decoded lossily, as the runner decodes them).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let stdout = String::from_utf8_lossy(data);
    if let Err(Some((_, detail))) = frontier::fuzzing::claude_cli(&stdout) {
        assert!(!detail.trim().is_empty(), "an error without a message from {stdout:?}");
    }
});
