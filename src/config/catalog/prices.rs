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
            return Some(Price { input: 0.0, output: 0.0 });
        }
        self.prices.get(&route.label()).copied()
    }
}

/// Checks the price configured for `route`: two non-negative, finite numbers.
pub(super) fn check(route: &str, price: Price) -> Result<(), String> {
    if price.input >= 0.0 && price.output >= 0.0 && price.input.is_finite() && price.output.is_finite() {
        Ok(())
    } else {
        Err(format!("the price of `{route}` must be two non-negative numbers"))
    }
}

#[cfg(test)]
mod tests {
    use pretty_assertions::assert_eq;

    use super::*;

    #[test]
    fn mock_models_are_free_and_unpriced_routes_have_no_price() {
        let catalog = Catalog::builtin().unwrap_or_else(|e| panic!("{e}"));
        let route = |name: &str| catalog.resolve(name).unwrap_or_else(|e| panic!("{e}")).routes.remove(0);
        assert_eq!(catalog.price(&route("mock:a")), Some(Price { input: 0.0, output: 0.0 }));
        assert_eq!(catalog.price(&route("openai:no-such-model")), None);
    }

    #[test]
    fn a_price_is_two_non_negative_numbers() {
        assert_eq!(check("p:m", Price { input: 0.0, output: 2.5 }), Ok(()));
        for (input, output) in [(-1.0, 1.0), (1.0, f64::NAN), (f64::INFINITY, 1.0)] {
            assert_eq!(
                check("p:m", Price { input, output }),
                Err("the price of `p:m` must be two non-negative numbers".to_string())
            );
        }
    }
}
