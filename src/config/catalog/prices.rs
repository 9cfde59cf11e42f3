//! What a route costs: prices configured by `provider:model` label, checked when they are
//! loaded; the mock is free.
//!
//! Knows nothing about what a cost is checked against (the pipeline's budgets).

use super::{Catalog, Route};
use crate::provider::ProviderKind;
use crate::provider::usage::Price;

impl Catalog {
    /// The price of a route: configured by its `provider:model` label; mock models are free.
    pub fn price(&self, route: &Route) -> Option<Price> {
        if route.provider.kind == ProviderKind::Mock {
            return Some(Price::new(0.0, 0.0));
        }
        self.prices.get(&route.label()).copied()
    }
}

/// Checks the price configured for `route`: two non-negative, finite numbers, and so are
/// its cache rates when it has them.
pub(super) fn check(route: &str, price: Price) -> Result<(), PriceError> {
    let fine = |rate: f64| rate >= 0.0 && rate.is_finite();
    if !(fine(price.input) && fine(price.output)) {
        return Err(PriceError::Rates { route: route.to_string() });
    }
    if ![price.cached_input, price.cache_write].into_iter().flatten().all(fine) {
        return Err(PriceError::CacheRates { route: route.to_string() });
    }
    Ok(())
}

/// A configured price that is not one, naming the route it is for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(super) enum PriceError {
    #[error("the price of `{route}` must be two non-negative numbers")]
    Rates { route: String },
    #[error("the cache rates of `{route}` (cached_input, cache_write) must be non-negative numbers")]
    CacheRates { route: String },
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn mock_models_are_free_and_unpriced_routes_have_no_price() {
        let catalog = Catalog::builtin().unwrap_or_else(|e| panic!("{e}"));
        let route = |name: &str| catalog.resolve(name).unwrap_or_else(|e| panic!("{e}")).routes.remove(0);
        assert_eq!(catalog.price(&route("mock:a")), Some(Price::new(0.0, 0.0)));
        assert_eq!(catalog.price(&route("openai:no-such-model")), None);
    }

    #[test]
    fn a_price_is_two_non_negative_numbers() {
        assert_eq!(check("p:m", Price::new(0.0, 2.5)), Ok(()));
        for (input, output) in [(-1.0, 1.0), (1.0, f64::NAN), (f64::INFINITY, 1.0)] {
            let refused = check("p:m", Price::new(input, output));
            assert_eq!(refused, Err(PriceError::Rates { route: "p:m".into() }));
            assert_eq!(
                refused.err().map(|e| e.to_string()).as_deref(),
                Some("the price of `p:m` must be two non-negative numbers")
            );
        }
        let cached = Price { cached_input: Some(0.5), cache_write: Some(6.25), ..Price::new(5.0, 25.0) };
        assert_eq!(check("p:m", cached), Ok(()));
        assert_eq!(
            check("p:m", Price { cache_write: Some(-1.0), ..cached }).err().map(|e| e.to_string()).as_deref(),
            Some("the cache rates of `p:m` (cached_input, cache_write) must be non-negative numbers")
        );
    }
}
