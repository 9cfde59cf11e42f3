//! The estimates a cost cap is checked against before anything is spent: the tokens
//! assumed for answers not yet written, the estimated cost of one call, and how a cost is
//! shown. `Usage`, `Price` and the token estimate itself are the provider layer's
//! (`provider::usage`), re-exported here for the pipeline; this module knows no catalog.

use crate::provider::usage::Usage;
pub use crate::provider::usage::{Price, estimate_tokens};

/// Output tokens assumed for an answer before it exists (a long, careful answer).
pub const ASSUMED_ANSWER_TOKENS: u64 = 1200;
/// Output tokens assumed for a judge's verdict.
pub const ASSUMED_VERDICT_TOKENS: u64 = 600;

/// The estimated cost of one call with `input` text and `output_tokens` expected.
pub fn estimate(price: Option<Price>, input: u64, output_tokens: u64) -> f64 {
    price.map_or(0.0, |p| p.cost(Usage::new(input, output_tokens)))
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
    fn an_estimate_is_the_cost_at_the_price_and_free_without_one() {
        let price = Price::new(5.0, 25.0);
        assert!((estimate(Some(price), 2_000, 400) - 0.02).abs() < 1e-12);
        assert_eq!(estimate(None, 10_000, 10_000), 0.0);
    }

    #[test]
    fn usd_is_readable() {
        assert_eq!(format_usd(0.0), "$0");
        assert_eq!(format_usd(0.00042), "$0.0004");
        assert_eq!(format_usd(0.0213), "$0.021");
    }
}
