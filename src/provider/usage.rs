//! What a call consumed and what that costs: token `Usage` as a provider reports it, the
//! `Price` of a route (USD per million tokens) and the cost of a usage at that price, and
//! the one token estimate (four characters a token) for providers that report none and
//! for guesses before a call.
//!
//! Knows nothing about where prices come from (the catalog) or what a cost is checked
//! against (the pipeline's budgets).

use serde::{Deserialize, Serialize};

/// Tokens a request consumed, as the provider reported them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Usage {
    pub input_tokens: u64,
    pub output_tokens: u64,
}

impl std::ops::AddAssign for Usage {
    fn add_assign(&mut self, other: Usage) {
        // Counts come from servers: a hostile one must not overflow them.
        self.input_tokens = self.input_tokens.saturating_add(other.input_tokens);
        self.output_tokens = self.output_tokens.saturating_add(other.output_tokens);
    }
}

/// USD per million tokens.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Price {
    pub input: f64,
    pub output: f64,
}

impl Price {
    pub fn cost(self, usage: Usage) -> f64 {
        (usage.input_tokens as f64 * self.input + usage.output_tokens as f64 * self.output) / 1_000_000.0
    }
}

/// Tokens in `text`, estimated at four characters a token: for providers that report
/// none, and for estimates before a call.
pub fn estimate_tokens(text: &str) -> u64 {
    (text.chars().count() as u64).div_ceil(4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cost_is_tokens_times_price_per_million() {
        let price = Price { input: 5.0, output: 25.0 };
        let usage = Usage { input_tokens: 2_000, output_tokens: 400 };
        assert!((price.cost(usage) - 0.02).abs() < 1e-12);
        assert_eq!(estimate_tokens("abcdefgh"), 2);
        assert_eq!(estimate_tokens("abcdefghi"), 3);
    }

    #[test]
    fn usage_adds_without_overflowing() {
        let mut total = Usage { input_tokens: u64::MAX - 1, output_tokens: 1 };
        total += Usage { input_tokens: 5, output_tokens: 2 };
        assert_eq!(total, Usage { input_tokens: u64::MAX, output_tokens: 3 });
    }
}
