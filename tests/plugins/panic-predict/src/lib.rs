//! A plugin that fits, then panics in predict.

use clv_plugin::{Customers, FittedPluginModel, PluginError, PluginModel, Prediction, Request};

/// The fixture's model; it has no settings.
pub struct Fixture;

impl PluginModel for Fixture {
    const NAME: &'static str = "panic_predict";
    const DESCRIPTION: &'static str = "test fixture";
    type Fitted = Fixture;

    fn from_settings(_settings: &str) -> Result<Self, PluginError> {
        Ok(Fixture)
    }

    fn fit(&self, _customers: &Customers<'_>) -> Result<Fixture, PluginError> {
        Ok(Fixture)
    }
}

impl FittedPluginModel for Fixture {
    fn predict(&self, customers: &Customers<'_>, _request: &Request) -> Result<Vec<Prediction>, PluginError> {
        panic!("fixture panic in predict for {} customers", customers.len())
    }
}

clv_plugin::export_plugin!(Fixture);
