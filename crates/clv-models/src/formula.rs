//! The `formula` model: the textbook lifetime value `LTV = T x AOV x AGM x ALT`.
//!
//! The four factors, all per month:
//! - `T`, average purchase days per month. It is the total number of repeat
//!   purchase days over the total customer-months observed,
//!   `sum(x) / sum(T_i)` with each customer's age `T_i` in months. The first
//!   purchase day is left out because it starts the customer's clock, as in
//!   the `historical` model.
//! - `AOV`, average order value: total calibration revenue over the total
//!   number of purchase days, `sum(revenue) / sum(x + 1)`. Here the first
//!   purchase day counts.
//! - `AGM`, average gross margin: the request's `margin`, a fraction of revenue.
//! - `ALT`, average customer lifetime in months: the `lifetime_months` setting
//!   if given, otherwise estimated from the data (see [`LifetimeEstimate`]).
//!
//! The model works in months, whatever the unit of the summaries. Durations
//! are taken in whole days from the summaries and divided by the length of a
//! month, 365.25 / 12 days. Rates are converted to the request's unit only to
//! predict.
//!
//! A finite horizon caps the lifetime. With `ALT` converted to the request's
//! unit, the value stream lasts `L = min(ALT, horizon)` units.
//!
//! The population CLV, [`FittedModel::population_clv`], is the present value
//! of `T x AOV x AGM` per month, converted to a rate per unit, over `L`. Without
//! discounting and with `L` = `ALT` it is exactly the textbook product.
//!
//! Each customer's prediction uses their own rate and order value with the
//! population `AGM` and `L`:
//! - `T_i = x / T_i(months)`, 0 when the first purchase is on the calibration end;
//! - `AOV_i = revenue / (x + 1)`;
//! - `expected_transactions = T_i * L` with `T_i` per unit;
//! - `value_per_transaction = AOV_i`, rounded to 4 decimal places;
//! - `clv` = present value of `T_i x AOV_i x AGM` per unit over `L`;
//! - `p_alive` is `None`, because the formula has no notion of a lapsed customer.

mod lifetime;

#[cfg(test)]
mod tests;

use clv_core::{
    ClvModel, CustomerSummary, Decimal, FitData, FittedModel, ModelError, Parameter, Prediction,
    PredictionRequest, TimeUnit,
};
use serde::Deserialize;

use crate::money::{decimal_to_f64, money_for_customer, round_money};
use crate::request::{Horizon, validate_request};

pub use lifetime::LifetimeEstimate;

/// Registry name of the model, the `kind` of its config table.
pub const KIND: &str = "formula";

/// One-line description for the model listing.
pub const DESCRIPTION: &str =
    "Textbook LTV: purchases per month x average order value x gross margin x lifetime in months";

/// Default of [`FormulaSettings::inactive_after_months`].
pub const DEFAULT_INACTIVE_AFTER_MONTHS: f64 = 6.0;

/// Label of the population in the error of a failed population CLV.
const POPULATION: &str = "average customer";

/// Settings of the `formula` model, as read from its config table.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FormulaSettings {
    /// Average customer lifetime (ALT) in months, finite and greater than 0.
    /// Without it the lifetime is estimated from the calibration data.
    pub lifetime_months: Option<f64>,
    /// Time in months without a purchase before the calibration end after
    /// which a customer counts as lapsed, for the lifetime estimate. It must be
    /// finite and greater than 0, and is ignored when `lifetime_months` is set.
    pub inactive_after_months: f64,
}

impl Default for FormulaSettings {
    fn default() -> FormulaSettings {
        FormulaSettings { lifetime_months: None, inactive_after_months: DEFAULT_INACTIVE_AFTER_MONTHS }
    }
}

impl FormulaSettings {
    /// Checks the ranges of the settings and builds the model.
    ///
    /// Returns [`ModelError::InvalidSetting`] naming the first key out of range.
    pub fn validate(self) -> Result<Formula, ModelError> {
        if let Some(months) = self.lifetime_months {
            validate_positive_months("lifetime_months", months)?;
        }
        validate_positive_months("inactive_after_months", self.inactive_after_months)?;

        Ok(Formula {
            lifetime_months: self.lifetime_months,
            inactive_after_months: self.inactive_after_months,
        })
    }
}

fn validate_positive_months(key: &str, months: f64) -> Result<(), ModelError> {
    if months.is_finite() && months > 0.0 {
        return Ok(());
    }
    Err(ModelError::InvalidSetting {
        key: key.to_string(),
        message: format!("must be a finite number of months greater than 0, got {months}"),
    })
}

/// The `formula` model with validated settings, ready to be fitted.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Formula {
    lifetime_months: Option<f64>,
    inactive_after_months: f64,
}

impl Formula {
    /// Estimates `T` and `AOV` from the calibration summaries, and `ALT`
    /// unless it is configured.
    ///
    /// Returns [`ModelError::CannotFit`] when there is no customer, when no
    /// time was observed (every first purchase is on the calibration end),
    /// when the revenue total is not a finite number, or when the lifetime
    /// cannot be estimated (see [`LifetimeEstimate`]).
    pub fn fit_formula(&self, data: &FitData<'_>) -> Result<FittedFormula, ModelError> {
        let customers = data.customers;
        if customers.is_empty() {
            return Err(ModelError::CannotFit("there are no calibration customers".to_string()));
        }

        let mut repeat_purchase_days: u64 = 0;
        let mut observed_months = 0.0;
        let mut revenue = 0.0;
        for customer in customers {
            repeat_purchase_days += u64::from(customer.frequency);
            observed_months += days_to_months(customer.age_days);
            revenue += decimal_to_f64(customer.revenue);
        }
        let purchase_days = repeat_purchase_days + customers.len() as u64;

        if observed_months <= 0.0 {
            return Err(ModelError::CannotFit(
                "every customer's first purchase is on the calibration end, so there is no observed time \
                 to measure a purchase rate over: set calibration_end later"
                    .to_string(),
            ));
        }
        let transactions_per_month = repeat_purchase_days as f64 / observed_months;

        let average_order_value = revenue / purchase_days as f64;
        if !average_order_value.is_finite() {
            return Err(ModelError::CannotFit(format!(
                "the total calibration revenue is not a finite number ({revenue}): check the amount column"
            )));
        }

        let lifetime = match self.lifetime_months {
            Some(months) => Lifetime::Configured { months },
            None => {
                Lifetime::Estimated(LifetimeEstimate::from_customers(customers, self.inactive_after_months)?)
            }
        };

        log::info!(
            "formula model: {transactions_per_month:.6} purchase days per month, average order value \
             {average_order_value:.4}, lifetime {:.3} months ({})",
            lifetime.months(),
            lifetime.source()
        );
        Ok(FittedFormula { transactions_per_month, average_order_value, lifetime })
    }
}

impl ClvModel for Formula {
    fn kind(&self) -> &str {
        KIND
    }

    fn fit(&self, data: &FitData<'_>) -> Result<Box<dyn FittedModel>, ModelError> {
        Ok(Box::new(self.fit_formula(data)?))
    }
}

/// The average customer lifetime (ALT) and where it comes from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Lifetime {
    /// Lifetime in months from the `lifetime_months` setting.
    Configured { months: f64 },
    /// Lifetime estimated from the calibration data.
    Estimated(LifetimeEstimate),
}

impl Lifetime {
    /// Lifetime in months.
    pub fn months(&self) -> f64 {
        match self {
            Lifetime::Configured { months } => *months,
            Lifetime::Estimated(estimate) => estimate.months,
        }
    }

    /// `configured` or `estimated`, for logs and reports.
    pub fn source(&self) -> &'static str {
        match self {
            Lifetime::Configured { .. } => "configured",
            Lifetime::Estimated(_) => "estimated",
        }
    }
}

/// The fitted `formula` model.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FittedFormula {
    transactions_per_month: f64,
    average_order_value: f64,
    lifetime: Lifetime,
}

impl FittedFormula {
    /// Population purchase rate `T`: repeat purchase days per customer-month.
    pub fn transactions_per_month(&self) -> f64 {
        self.transactions_per_month
    }

    /// Population average order value `AOV`: revenue per purchase day, in the
    /// currency of the source.
    pub fn average_order_value(&self) -> f64 {
        self.average_order_value
    }

    /// Average customer lifetime `ALT`, configured or estimated.
    pub fn lifetime(&self) -> Lifetime {
        self.lifetime
    }

    /// Length of the value stream in the request's unit: the lifetime, capped
    /// by the horizon.
    fn effective_lifetime(&self, request: &PredictionRequest) -> f64 {
        let lifetime = self.lifetime.months() / months_per_unit(request.unit);
        lifetime.min(request.horizon)
    }

    /// Present value of the average customer's margin, `T x AOV x AGM` per
    /// month, over the effective lifetime.
    fn population_clv_f64(&self, request: &PredictionRequest) -> f64 {
        let margin_per_month = self.transactions_per_month * self.average_order_value * request.margin;
        let margin_per_unit = margin_per_month * months_per_unit(request.unit);
        request.discount.present_value_of_rate(margin_per_unit, self.effective_lifetime(request))
    }
}

impl FittedModel for FittedFormula {
    /// Predicts each customer's value from their own rate and order value,
    /// as the module documentation describes.
    ///
    /// Accepts an infinite horizon, because the lifetime ends the value stream.
    fn predict(
        &self,
        customers: &[CustomerSummary],
        request: &PredictionRequest,
    ) -> Result<Vec<Prediction>, ModelError> {
        validate_request(request, Horizon::FiniteOrInfinite)?;

        let lifetime = self.effective_lifetime(request);
        customers.iter().map(|customer| predict_customer(customer, request, lifetime)).collect()
    }

    /// Sums the expected purchase days as [`predict_customer`] computes them,
    /// without the money figures.
    fn total_expected_transactions(
        &self,
        customers: &[CustomerSummary],
        request: &PredictionRequest,
    ) -> Result<f64, ModelError> {
        validate_request(request, Horizon::FiniteOrInfinite)?;
        let lifetime = self.effective_lifetime(request);
        let expected = |customer| transactions_per_unit(customer, request.unit) * lifetime;
        Ok(customers.iter().map(expected).sum())
    }

    /// Returns `transactions_per_month`, `average_order_value` and the lifetime.
    ///
    /// A configured lifetime is `lifetime_months`. An estimated one is
    /// `lifetime_months_estimated` with its standard error, followed by
    /// `lapsed_customers`, the number of lifetimes the estimate rests on. The
    /// gross margin is not a parameter because it comes with each request.
    fn parameters(&self) -> Vec<Parameter> {
        let mut parameters = vec![
            Parameter::new("transactions_per_month", self.transactions_per_month),
            Parameter::new("average_order_value", self.average_order_value),
        ];

        match self.lifetime {
            Lifetime::Configured { months } => parameters.push(Parameter::new("lifetime_months", months)),
            Lifetime::Estimated(estimate) => {
                parameters.push(Parameter {
                    name: "lifetime_months_estimated".to_string(),
                    value: estimate.months,
                    std_error: Some(estimate.std_error),
                });
                parameters.push(Parameter::new("lapsed_customers", estimate.lapsed_customers as f64));
            }
        }
        parameters
    }

    fn population_clv(&self, request: &PredictionRequest) -> Result<Option<Decimal>, ModelError> {
        validate_request(request, Horizon::FiniteOrInfinite)?;

        let clv = money_for_customer(self.population_clv_f64(request), POPULATION, "population CLV")?;
        Ok(Some(clv))
    }
}

fn predict_customer(
    customer: &CustomerSummary,
    request: &PredictionRequest,
    lifetime: f64,
) -> Result<Prediction, ModelError> {
    let transactions_per_unit = transactions_per_unit(customer, request.unit);

    let purchase_days = u64::from(customer.frequency) + 1;
    let average_order_value = decimal_to_f64(customer.revenue) / purchase_days as f64;
    // Dividing by a count of at least 1 cannot overflow.
    let value_per_transaction = round_money(customer.revenue / Decimal::from(purchase_days));

    let margin_per_unit = transactions_per_unit * average_order_value * request.margin;
    let clv = request.discount.present_value_of_rate(margin_per_unit, lifetime);

    Ok(Prediction {
        expected_transactions: transactions_per_unit * lifetime,
        value_per_transaction: Some(value_per_transaction),
        p_alive: None,
        clv: money_for_customer(clv, &customer.id, "CLV")?,
    })
}

/// Computes the customer's repeat purchase days per time unit.
fn transactions_per_unit(customer: &CustomerSummary, unit: TimeUnit) -> f64 {
    customer_transactions_per_month(customer) * months_per_unit(unit)
}

/// Computes the customer's repeat purchase days per month of their observed
/// life, 0 when the first purchase is on the calibration end.
fn customer_transactions_per_month(customer: &CustomerSummary) -> f64 {
    if customer.age_days <= 0 {
        return 0.0;
    }
    f64::from(customer.frequency) / days_to_months(customer.age_days)
}

/// Converts whole days to months of 365.25 / 12 days.
fn days_to_months(days: i64) -> f64 {
    days as f64 / TimeUnit::Month.days()
}

/// Number of months in one `unit`.
fn months_per_unit(unit: TimeUnit) -> f64 {
    unit.days() / TimeUnit::Month.days()
}
