//! A plugin that panics in fit.

use clv_plugin::{Customers, FittedPluginModel, PluginError, PluginModel, Prediction, Request};

/// The fixture's model; it has no settings.
pub struct Fixture;

impl PluginModel for Fixture {
    const NAME: &'static str = "panic_fit";
    const DESCRIPTION: &'static str = "test fixture";
    type Fitted = Fixture;

    fn from_settings(_settings: &str) -> Result<Self, PluginError> {
        Ok(Fixture)
    }

    fn fit(&self, _customers: &Customers<'_>) -> Result<Fixture, PluginError> {
        panic!("fixture panic in fit")
    }
}

impl FittedPluginModel for Fixture {
    fn predict(&self, customers: &Customers<'_>, _request: &Request) -> Result<Vec<Prediction>, PluginError> {
        Ok(vec![Prediction::new(0.0, 0.0); customers.len()])
    }
}

clv_plugin::export_plugin!(Fixture);
