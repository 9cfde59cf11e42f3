//! The figure docs/benchmarks.md records: what a synth's input costs with the shared
//! prefix read from the provider's cache and without it, from the usage blocks of the
//! stream fixtures in tests/fixtures/cache/, priced at the built-in catalog's rates.
//! `cargo test --lib cache_figure -- --nocapture` prints it.
//!
//! Test-only: it parses the fixtures with the adapters and prices them with `Price`.

use pretty_assertions::assert_eq;

use super::anthropic::AnthropicWire;
use super::http::testing::replay;
use super::openai::OpenAiWire;
use super::{Price, ProviderError, StreamEvent, Usage};

/// The usage a recorded stream ends with.
fn usage_of<W: super::http::WireFormat>(wire: &W, bytes: &str) -> Usage {
    let events: Result<Vec<StreamEvent>, ProviderError> = replay(wire, bytes.as_bytes(), 0);
    match events.unwrap_or_default().pop() {
        Some(StreamEvent::Done { usage: Some(usage), .. }) => usage,
        other => panic!("no usage at the end: {other:?}"),
    }
}

/// Input cost in micro-dollars (USD per million tokens × tokens), with the usage's cache
/// counts and with every input token priced as uncached.
fn input_cost(price: Price, usage: Usage) -> (f64, f64) {
    let input_only = Usage { output_tokens: 0, ..usage };
    (price.cost(input_only) * 1e6, Price::new(price.input, 0.0).cost(Usage::new(usage.input_tokens, 0)) * 1e6)
}

#[test]
fn the_shared_prefix_cuts_the_synths_input_cost() {
    let sonnet = Price { cached_input: Some(0.3), cache_write: Some(3.75), ..Price::new(3.0, 15.0) };
    let gpt = Price { cached_input: Some(0.5), ..Price::new(5.0, 30.0) };
    let judge = usage_of(&AnthropicWire, include_str!("../../tests/fixtures/cache/anthropic-judge.sse"));
    let synth = usage_of(&AnthropicWire, include_str!("../../tests/fixtures/cache/anthropic-synth.sse"));
    let openai = usage_of(&OpenAiWire, include_str!("../../tests/fixtures/cache/openai-synth.sse"));

    let (synth_cached, synth_plain) = input_cost(sonnet, synth);
    let (judge_written, judge_plain) = input_cost(sonnet, judge);
    let (openai_cached, openai_plain) = input_cost(gpt, openai);
    let rows = [
        ("anthropic synth (sonnet-5)", synth.input_tokens, synth.cached_input_tokens, synth_cached, synth_plain),
        ("anthropic judge, its cache write", judge.input_tokens, 0, judge_written, judge_plain),
        (
            "anthropic judge + synth",
            judge.input_tokens + synth.input_tokens,
            synth.cached_input_tokens,
            judge_written + synth_cached,
            judge_plain + synth_plain,
        ),
        ("openai synth (gpt-5.5)", openai.input_tokens, openai.cached_input_tokens, openai_cached, openai_plain),
    ];
    println!("| call | input tokens | read from cache | input cost with the shared prefix | without | change |");
    println!("|---|---:|---:|---:|---:|---:|");
    for (name, input, cached, with, without) in rows {
        let change = (with - without) / without * 100.0;
        println!("| {name} | {input} | {cached} | ${:.6} | ${:.6} | {change:+.0}% |", with / 1e6, without / 1e6);
    }
    // Whole values, in micro-dollars: 520 × 3 + 3 150 × 0.3 against 3 670 × 3; the
    // judge's 6 × 3 + 3 150 × 3.75 against 3 156 × 3; 598 × 5 + 3 072 × 0.5 against 3 670 × 5.
    let round = |x: f64| (x * 10.0).round() / 10.0;
    assert_eq!(
        [synth_cached, synth_plain, judge_written, judge_plain, openai_cached, openai_plain].map(round),
        [2505.0, 11010.0, 11830.5, 9468.0, 4526.0, 18350.0]
    );
}
