//! A plugin that predicts NaN expected transactions for the last customer.

use clv_plugin::{Customers, FittedPluginModel, PluginError, PluginModel, Prediction, Request};

/// The fixture's model; it has no settings.
pub struct Fixture;

impl PluginModel for Fixture {
    const NAME: &'static str = "nan_output";
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
        let mut predictions = vec![Prediction::new(1.0, 1.0); customers.len()];
        if let Some(last) = predictions.last_mut() {
            last.expected_transactions = f64::NAN;
        }
        Ok(predictions)
    }
}

clv_plugin::export_plugin!(Fixture);
