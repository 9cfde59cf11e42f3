//! What a call consumed and what that costs: token `Usage` as a provider reports it, the
//! `Price` of a route (USD per million tokens) and the cost of a usage at that price, and
//! the one token estimate (four characters a token) for providers that report none and
//! for guesses before a call.
//!
//! Input tokens read from a provider's prompt cache, and those written to it, are parts
//! of `input_tokens` counted again on their own, because they are priced apart: a cached
//! read at the catalog's `cached_input` rate, a cache write at its `cache_write` rate
//! (each the plain input rate when the catalog has none).
//!
//! Knows nothing about where prices come from (the catalog) or what a cost is checked
//! against (the pipeline's budgets).

use serde::{Deserialize, Serialize};

/// Tokens a request consumed, as the provider reported them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    /// Every input token, cached or not.
    pub input_tokens: u64,
    pub output_tokens: u64,
    /// The part of `input_tokens` read from the provider's prompt cache. Absent from the
    /// report when zero, so a run without caching reports what it always did.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub cached_input_tokens: u64,
    /// The part of `input_tokens` written to the prompt cache (Anthropic bills these
    /// apart); absent when zero.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub cache_write_tokens: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl Usage {
    /// A usage with no cached tokens.
    pub fn new(input_tokens: u64, output_tokens: u64) -> Usage {
        Usage { input_tokens, output_tokens, ..Usage::default() }
    }

    /// Input tokens neither read from nor written to a cache: priced at the input rate.
    pub fn uncached_input_tokens(self) -> u64 {
        self.input_tokens.saturating_sub(self.cached_input_tokens).saturating_sub(self.cache_write_tokens)
    }
}

impl std::ops::AddAssign for Usage {
    fn add_assign(&mut self, other: Usage) {
        // Counts come from servers: a hostile one must not overflow them.
        self.input_tokens = self.input_tokens.saturating_add(other.input_tokens);
        self.output_tokens = self.output_tokens.saturating_add(other.output_tokens);
        self.cached_input_tokens = self.cached_input_tokens.saturating_add(other.cached_input_tokens);
        self.cache_write_tokens = self.cache_write_tokens.saturating_add(other.cache_write_tokens);
    }
}

/// USD per million tokens.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Price {
    pub input: f64,
    pub output: f64,
    /// Input read from the prompt cache; `None` prices it at `input`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cached_input: Option<f64>,
    /// Input written to the prompt cache; `None` prices it at `input`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_write: Option<f64>,
}

impl Price {
    /// A price with no cache rates of its own.
    pub fn new(input: f64, output: f64) -> Price {
        Price { input, output, cached_input: None, cache_write: None }
    }

    pub fn cost(self, usage: Usage) -> f64 {
        let cached = self.cached_input.unwrap_or(self.input);
        let write = self.cache_write.unwrap_or(self.input);
        (usage.uncached_input_tokens() as f64 * self.input
            + usage.cached_input_tokens as f64 * cached
            + usage.cache_write_tokens as f64 * write
            + usage.output_tokens as f64 * self.output)
            / 1_000_000.0
    }
}

/// Tokens in `text`, estimated at four characters a token: for providers that report
/// none, and for estimates before a call.
pub fn estimate_tokens(text: &str) -> u64 {
    (text.chars().count() as u64).div_ceil(4)
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn cost_is_tokens_times_price_per_million() {
        let price = Price::new(5.0, 25.0);
        let usage = Usage::new(2_000, 400);
        assert!((price.cost(usage) - 0.02).abs() < 1e-12);
        assert_eq!(estimate_tokens("abcdefgh"), 2);
        assert_eq!(estimate_tokens("abcdefghi"), 3);
    }

    #[test]
    fn cached_and_written_input_is_priced_at_its_own_rate_or_else_the_input_rate() {
        // 10 000 input tokens: 6 000 read from the cache, 3 000 written to it, 1 000 plain.
        let usage =
            Usage { input_tokens: 10_000, output_tokens: 1_000, cached_input_tokens: 6_000, cache_write_tokens: 3_000 };
        let priced = Price { input: 3.0, output: 15.0, cached_input: Some(0.3), cache_write: Some(3.75) };
        // 1 000 × 3 + 6 000 × 0.3 + 3 000 × 3.75 + 1 000 × 15, per million.
        assert!((priced.cost(usage) - 0.031_05).abs() < 1e-12, "{}", priced.cost(usage));
        // Without cache rates every input token costs the input rate: 10 000 × 3 + 1 000 × 15.
        assert!((Price::new(3.0, 15.0).cost(usage) - 0.045).abs() < 1e-12);
    }

    #[test]
    fn usage_adds_without_overflowing() {
        let mut total =
            Usage { input_tokens: u64::MAX - 1, output_tokens: 1, cached_input_tokens: 4, cache_write_tokens: 0 };
        total += Usage { input_tokens: 5, output_tokens: 2, cached_input_tokens: u64::MAX, cache_write_tokens: 7 };
        assert_eq!(
            total,
            Usage { input_tokens: u64::MAX, output_tokens: 3, cached_input_tokens: u64::MAX, cache_write_tokens: 7 }
        );
    }

    #[test]
    fn a_usage_without_cached_tokens_serializes_as_it_always_did() {
        let plain = serde_json::to_value(Usage::new(12, 3)).unwrap_or_default();
        assert_eq!(plain, serde_json::json!({"input_tokens": 12, "output_tokens": 3}));
        let cached = Usage { cached_input_tokens: 8, ..Usage::new(12, 3) };
        assert_eq!(
            serde_json::to_value(cached).unwrap_or_default(),
            serde_json::json!({"input_tokens": 12, "output_tokens": 3, "cached_input_tokens": 8})
        );
        assert_eq!(serde_json::from_value::<Usage>(plain).ok(), Some(Usage::new(12, 3)));
    }
}
