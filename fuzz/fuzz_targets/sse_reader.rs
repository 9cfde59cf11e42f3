//! frontier's SSE decoder (`provider::sse::Decoder`) alone, on any bytes in any chunks,
//! against a plain reading of the spec. Input: one byte `n`, then `n % 8` bytes choosing
//! cut points, then the stream.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| frontier_fuzz::check_sse_reader(data));
