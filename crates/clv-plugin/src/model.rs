//! The safe side of a plugin: the traits an author implements and the types they see.

use crate::abi::Request;

/// A model's settings, validated and ready to fit: the plugin's mirror of
/// clv's `ClvModel`.
pub trait PluginModel: Sized + Send + Sync + 'static {
    /// Short name of the model, shown by `clv models --config`.
    const NAME: &'static str;
    /// One line for `clv models --config`.
    const DESCRIPTION: &'static str;
    /// The fitted model.
    type Fitted: FittedPluginModel;

    /// Validates the settings of the model's `[[models]]` table, given as
    /// TOML text without the `name`, `kind` and library keys. An error names
    /// the key ([`PluginError::invalid_setting`]).
    fn from_settings(settings: &str) -> Result<Self, PluginError>;

    /// Fits the model on the calibration summaries.
    fn fit(&self, customers: &Customers<'_>) -> Result<Self::Fitted, PluginError>;
}

/// A fitted model: the plugin's mirror of clv's `FittedModel`.
pub trait FittedPluginModel: Send + Sync + 'static {
    /// Predicts for each customer, in the order given. The host rejects a
    /// result without exactly one prediction per customer, and any value that
    /// is not finite, a negative expectation or CLV, or a P(alive) outside [0, 1].
    /// Either every prediction has `value_per_transaction` (and `p_alive`) or none has.
    fn predict(&self, customers: &Customers<'_>, request: &Request) -> Result<Vec<Prediction>, PluginError>;

    /// Estimated parameters as (name, value), shown in the report. The
    /// default returns none. The host reads them once, right after the fit.
    fn parameters(&self) -> Vec<(String, f64)> {
        Vec::new()
    }
}

/// One customer's prediction over the request's horizon.
#[derive(Clone, Debug, PartialEq)]
pub struct Prediction {
    /// Expected number of purchase days in the horizon.
    pub expected_transactions: f64,
    /// Expected value of one future purchase day, if the model has a spend part.
    pub value_per_transaction: Option<f64>,
    /// Probability that the customer is still active, if the model has one.
    pub p_alive: Option<f64>,
    /// Discounted expected margin over the horizon: the customer's CLV.
    pub clv: f64,
}

impl Prediction {
    /// Creates a prediction without the optional parts.
    pub fn new(expected_transactions: f64, clv: f64) -> Prediction {
        Prediction { expected_transactions, value_per_transaction: None, p_alive: None, clv }
    }
}

/// The calibration summaries, one entry per customer in each column.
///
/// Durations are in the run's time unit, [`Customers::unit_days`] days long.
#[derive(Clone, Debug)]
pub struct Customers<'a> {
    pub(crate) ids: Vec<&'a str>,
    pub(crate) frequency: &'a [f64],
    pub(crate) recency: &'a [f64],
    pub(crate) age: &'a [f64],
    pub(crate) monetary_value: &'a [f64],
    pub(crate) unit_days: f64,
}

impl<'a> Customers<'a> {
    /// Builds the columns from slices of one length; for tests of a plugin.
    ///
    /// # Panics
    /// Panics if the slices differ in length.
    pub fn new(
        ids: Vec<&'a str>,
        frequency: &'a [f64],
        recency: &'a [f64],
        age: &'a [f64],
        monetary_value: &'a [f64],
        unit_days: f64,
    ) -> Customers<'a> {
        let len = ids.len();
        for column in [frequency, recency, age, monetary_value] {
            assert_eq!(column.len(), len, "every column needs one value per customer");
        }
        Customers { ids, frequency, recency, age, monetary_value, unit_days }
    }

    /// Number of customers.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Returns whether there are no customers.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Customer ids.
    pub fn ids(&self) -> &[&'a str] {
        &self.ids
    }

    /// Repeat purchase days in the calibration period (x).
    pub fn frequency(&self) -> &'a [f64] {
        self.frequency
    }

    /// Time from the first to the last purchase (t_x).
    pub fn recency(&self) -> &'a [f64] {
        self.recency
    }

    /// Time from the first purchase to the calibration end (T).
    pub fn age(&self) -> &'a [f64] {
        self.age
    }

    /// Mean value of the repeat purchase days; 0 for a customer without any.
    pub fn monetary_value(&self) -> &'a [f64] {
        self.monetary_value
    }

    /// Length of the time unit in days.
    pub fn unit_days(&self) -> f64 {
        self.unit_days
    }
}

impl Request {
    /// Multiplier of value expected in the unit that ends at `k` (k = 1, 2, ...):
    /// `(1 + rate)^-k`, the convention of the host.
    pub fn discount_factor(&self, k: u32) -> f64 {
        (1.0 + self.discount_rate_per_unit).powf(-f64::from(k))
    }

    /// Present value of a constant stream of `rate` per unit over `(0, horizon]`,
    /// each unit discounted at its end and a fractional last unit like a whole one.
    pub fn present_value_of_rate(&self, rate: f64) -> f64 {
        let mut total = 0.0;
        let mut k = 1u32;
        let mut start = 0.0;
        while start < self.horizon {
            let end = f64::from(k).min(self.horizon);
            total += rate * (end - start) * self.discount_factor(k);
            start = end;
            k += 1;
        }
        total
    }
}

/// An error of a plugin, returned to the host as its message.
#[derive(Clone, Debug, PartialEq)]
pub struct PluginError {
    key: Option<String>,
    message: String,
}

impl PluginError {
    /// Creates an error whose message states what failed and what to do.
    pub fn new(message: impl Into<String>) -> PluginError {
        PluginError { key: None, message: message.into() }
    }

    /// Creates an error about the setting `key`.
    pub fn invalid_setting(key: impl Into<String>, message: impl Into<String>) -> PluginError {
        PluginError { key: Some(key.into()), message: message.into() }
    }

    /// Returns the setting the error is about, if any.
    pub fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }
}

impl std::fmt::Display for PluginError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.key {
            Some(key) => write!(f, "invalid setting `{key}`: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for PluginError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(horizon: f64, rate: f64) -> Request {
        Request { horizon, unit_days: 7.0, discount_rate_per_unit: rate, margin: 1.0 }
    }

    #[test]
    fn present_value_without_discount_sums_the_stream() {
        let value = request(10.5, 0.0).present_value_of_rate(2.5);
        assert!((value - 26.25).abs() < 1e-12, "{value}");
    }

    #[test]
    fn present_value_discounts_each_unit_at_its_end() {
        // Two whole units at 10%: 1/1.1 + 1/1.21, by hand.
        let value = request(2.0, 0.1).present_value_of_rate(1.0);
        let expected = 1.0 / 1.1 + 1.0 / 1.21;
        assert!((value - expected).abs() < 1e-12, "{value}");
    }

    #[test]
    fn invalid_setting_names_the_key() {
        let error = PluginError::invalid_setting("tail", "must be positive");
        assert_eq!(error.to_string(), "invalid setting `tail`: must be positive");
        assert_eq!(error.key(), Some("tail"));
    }
}
