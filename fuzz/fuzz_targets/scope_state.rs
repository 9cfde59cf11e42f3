//! A scope's state file (`scopes/SCOPE.toml` in the state dir), read as `state::load`
//! reads one; a state that reads is written back as `state::update` writes it and must
//! read back the same. Input: the file's bytes.
#![no_main]

use frontier::fuzzing::{encode_scope_state, scope_state};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(text) = frontier_fuzz::strict_utf8(data) else { return };
    let Ok(state) = scope_state(text) else { return };
    let written = encode_scope_state(&state).unwrap_or_else(|e| panic!("{state:?} can't be written: {e}"));
    match scope_state(&written) {
        Ok(again) => assert_eq!(again, state, "written as:\n{written}"),
        Err(err) => panic!("{state:?} was written as\n{written}\nwhich reads as: {err}"),
    }
});
