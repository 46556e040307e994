//! A plugin that returns one prediction fewer than there are customers.

use clv_plugin::{Customers, FittedPluginModel, PluginError, PluginModel, Prediction, Request};

/// The fixture's model; it has no settings.
pub struct Fixture;

impl PluginModel for Fixture {
    const NAME: &'static str = "wrong_count";
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
        Ok(vec![Prediction::new(1.0, 1.0); customers.len().saturating_sub(1)])
    }
}

clv_plugin::export_plugin!(Fixture);
