//! What `gemini --output-format json` printed on stdout and stderr, read by the Gemini
//! CLI parser; a status it reports is a 4xx or 5xx. Input: stdout, then optionally a NUL
//! and stderr (decoded lossily, as the runner decodes them).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (stdout, stderr) = frontier_fuzz::two_texts(&text);
    if let Err(Some((Some(status), _))) = frontier::fuzzing::gemini_cli(stdout, stderr.unwrap_or_default()) {
        assert!((400..=599).contains(&status), "status {status} from {text:?}");
    }
});
