//! The OpenAiWire SSE parser, fed through frontier's SSE decoder (`provider::sse`)
//! split at an arbitrary byte, as `provider::http::testing::replay` does in the adapter's tests.
//! Input: the stream's bytes, then one byte choosing the split point.
#![no_main]

use frontier::provider::openai::OpenAiWire;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| frontier_fuzz::check_sse(&OpenAiWire, data));
