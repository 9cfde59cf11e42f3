//! What calls cost: USD from token usage and a price, and the estimates a cost cap is
//! checked against before anything is spent. Prices come in as data; this module knows
//! no catalog.

use serde::{Deserialize, Serialize};

use crate::provider::Usage;

/// USD per million tokens.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Price {
    pub input: f64,
    pub output: f64,
}

/// Output tokens assumed for an answer before it exists (a long, careful answer).
pub const ASSUMED_ANSWER_TOKENS: u64 = 1200;
/// Output tokens assumed for a judge's verdict.
pub const ASSUMED_VERDICT_TOKENS: u64 = 600;

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

/// The estimated cost of one call with `input` text and `output_tokens` expected.
pub fn estimate(price: Option<Price>, input: u64, output_tokens: u64) -> f64 {
    price.map_or(0.0, |p| p.cost(Usage { input_tokens: input, output_tokens }))
}

/// `$0.0123`, with enough digits to tell small costs apart.
pub fn format_usd(usd: f64) -> String {
    if usd == 0.0 {
        "$0".to_string()
    } else if usd < 0.01 {
        format!("${usd:.4}")
    } else {
        format!("${usd:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cost_is_tokens_times_price_per_million() {
        let price = Price { input: 5.0, output: 25.0 };
        let usage = Usage { input_tokens: 2_000, output_tokens: 400 };
        assert!((price.cost(usage) - 0.02).abs() < 1e-12);
        assert_eq!(estimate(None, 10_000, 10_000), 0.0);
        assert_eq!(estimate_tokens("abcdefgh"), 2);
        assert_eq!(estimate_tokens("abcdefghi"), 3);
    }

    #[test]
    fn usd_is_readable() {
        assert_eq!(format_usd(0.0), "$0");
        assert_eq!(format_usd(0.00042), "$0.0004");
        assert_eq!(format_usd(0.0213), "$0.021");
    }
}
