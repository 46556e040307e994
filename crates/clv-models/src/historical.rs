//! The `historical` model: realised value, and a naive projection of it.
//!
//! Realised value needs no model. Each customer's exact calibration revenue
//! and profit are fields of their [`CustomerSummary`], so the fitted model
//! estimates nothing and reports no parameters.
//!
//! To be backtested like the probabilistic models, the model also predicts.
//! It assumes that each customer goes on buying over the horizon exactly as
//! they did over their observed life `T`, the time from their first purchase
//! day to the calibration end:
//! - repeat purchase days per time unit: `x / T`;
//! - repeat revenue per time unit: `repeat_revenue / T`.
//!
//! The first purchase day is left out of both rates because it starts the
//! customer's clock, the convention of the probabilistic models. A customer
//! whose first purchase is on the calibration end has `T = 0`, and both rates
//! are then 0.
//!
//! For a request over `horizon` time units:
//! - `expected_transactions = (x / T) * horizon`;
//! - `value_per_transaction` is the summary's `monetary_value` (the mean value
//!   of a repeat purchase day) rounded to 4 decimal places, and `None` when
//!   `x = 0`;
//! - `p_alive` is `None`, because the model assumes every customer stays active;
//! - `clv = margin * PV(repeat_revenue / T, horizon)`, where `PV` is
//!   [`Discount::present_value_of_rate`](clv_core::Discount::present_value_of_rate),
//!   the present value of a constant stream.
//!
//! `T` is taken from `age_days` and converted to the request's unit, so the
//! rates are per unit of the request even if the summaries were built in
//! another unit.
//!
//! The model has no settings: its config table must be empty apart from the
//! keys the runner removes (`name` and `kind`).

use clv_core::{ClvModel, CustomerSummary, FitData, FittedModel, ModelError, Prediction, PredictionRequest};
use serde::Deserialize;

use crate::money::{decimal_to_f64, money_for_customer, round_money};
use crate::request::{Horizon, validate_request};

/// Registry name of the model, the `kind` of its config table.
pub const KIND: &str = "historical";

/// One-line description for the model listing.
pub const DESCRIPTION: &str =
    "Realised calibration value, projected at each customer's own past repeat rate over the horizon";

/// Settings of the `historical` model, which has none.
///
/// An empty table deserializes, and any key is rejected as unknown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistoricalSettings {}

impl HistoricalSettings {
    /// Builds the model. There is nothing to validate, so this never fails.
    pub fn validate(self) -> Result<Historical, ModelError> {
        Ok(Historical { _settings: () })
    }
}

/// The `historical` model, ready to be fitted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Historical {
    // Keeps the model built only through `HistoricalSettings::validate`.
    _settings: (),
}

impl Historical {
    /// Fits the model. It estimates nothing, so this never fails.
    pub fn fit_historical(&self, data: &FitData<'_>) -> FittedHistorical {
        log::debug!("historical model: {} calibration customers, nothing to estimate", data.customers.len());
        FittedHistorical { _fit: () }
    }
}

impl ClvModel for Historical {
    fn kind(&self) -> &str {
        KIND
    }

    fn fit(&self, data: &FitData<'_>) -> Result<Box<dyn FittedModel>, ModelError> {
        Ok(Box::new(self.fit_historical(data)))
    }
}

/// The fitted `historical` model. It has no parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FittedHistorical {
    // Keeps the fitted model built only through `Historical::fit_historical`.
    _fit: (),
}

impl FittedModel for FittedHistorical {
    /// Projects each customer's repeat rates over the horizon, as the module
    /// documentation describes.
    ///
    /// Rejects an infinite, negative or NaN horizon, because the projection
    /// never ends by itself.
    fn predict(
        &self,
        customers: &[CustomerSummary],
        request: &PredictionRequest,
    ) -> Result<Vec<Prediction>, ModelError> {
        validate_request(request, Horizon::Finite)?;
        customers.iter().map(|customer| predict_customer(customer, request)).collect()
    }

    /// Sums the expected purchase days as [`predict_customer`] computes them,
    /// without the money figures.
    fn total_expected_transactions(
        &self,
        customers: &[CustomerSummary],
        request: &PredictionRequest,
    ) -> Result<f64, ModelError> {
        validate_request(request, Horizon::Finite)?;
        let expected = |customer| purchase_days_per_unit(customer, request) * request.horizon;
        Ok(customers.iter().map(expected).sum())
    }
}

/// Repeat purchase days and repeat revenue per time unit of `request`.
#[derive(Clone, Copy, Debug, PartialEq)]
struct RepeatRates {
    purchase_days_per_unit: f64,
    revenue_per_unit: f64,
}

fn repeat_rates(customer: &CustomerSummary, request: &PredictionRequest) -> RepeatRates {
    if customer.age_days <= 0 {
        return RepeatRates { purchase_days_per_unit: 0.0, revenue_per_unit: 0.0 };
    }

    let age = customer.age_days as f64 / request.unit.days();
    RepeatRates {
        purchase_days_per_unit: purchase_days_per_unit(customer, request),
        revenue_per_unit: decimal_to_f64(customer.repeat_revenue()) / age,
    }
}

/// Computes the customer's repeat purchase days per time unit of `request`,
/// 0 when the first purchase is on the calibration end.
fn purchase_days_per_unit(customer: &CustomerSummary, request: &PredictionRequest) -> f64 {
    if customer.age_days <= 0 {
        return 0.0;
    }
    f64::from(customer.frequency) / (customer.age_days as f64 / request.unit.days())
}

fn predict_customer(
    customer: &CustomerSummary,
    request: &PredictionRequest,
) -> Result<Prediction, ModelError> {
    let rates = repeat_rates(customer, request);

    // total_expected_transactions repeats this product; keep the two alike.
    let expected_transactions = rates.purchase_days_per_unit * request.horizon;
    let value_per_transaction =
        if customer.frequency > 0 { Some(round_money(customer.monetary_value)) } else { None };

    let revenue = request.discount.present_value_of_rate(rates.revenue_per_unit, request.horizon);
    let clv = money_for_customer(request.margin * revenue, &customer.id, "CLV")?;

    Ok(Prediction { expected_transactions, value_per_transaction, p_alive: None, clv })
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use clv_core::{Decimal, Discount, TimeUnit};

    use super::*;
    use crate::test_support::summary;

    /// Builds a summary whose last purchase is on the calibration end, `age_days`
    /// after the first (or on the first day itself when there is no repeat day).
    fn customer(
        id: &str,
        frequency: u32,
        age_days: i64,
        first_value: &str,
        repeat_revenue: &str,
    ) -> CustomerSummary {
        let recency_days = if frequency == 0 { 0 } else { age_days };
        summary(id, frequency, recency_days, age_days, first_value, repeat_revenue)
    }

    fn fitted(customers: &[CustomerSummary]) -> Box<dyn FittedModel> {
        let model = HistoricalSettings::default().validate().unwrap();
        model.fit(&FitData { customers, unit: TimeUnit::Day }).unwrap()
    }

    fn request(unit: TimeUnit, horizon: f64, discount: Discount, margin: f64) -> PredictionRequest {
        PredictionRequest { horizon, unit, discount, margin }
    }

    #[test]
    fn settings_accept_empty_table() {
        let settings: HistoricalSettings = toml::from_str("").unwrap();
        assert_eq!(settings, HistoricalSettings::default());
        assert_eq!(settings.validate().unwrap().kind(), KIND);
    }

    #[test]
    fn settings_reject_any_key() {
        let error = toml::from_str::<HistoricalSettings>("horizon = 12\n").unwrap_err();
        assert!(error.to_string().contains("unknown field `horizon`"), "{error}");
    }

    #[test]
    fn fitted_model_has_no_parameters() {
        let customers = [customer("a", 2, 10, "5", "30")];
        let model = fitted(&customers);
        assert!(model.parameters().is_empty());
        assert_eq!(model.fit_statistics(), None);
        let request = request(TimeUnit::Day, 20.0, Discount::NONE, 0.5);
        assert_eq!(model.population_clv(&request), Ok(None));
    }

    #[test]
    fn total_equals_sum_of_predictions() {
        // Exact equality: the total must add the same products in the same order.
        let customers = [
            customer("a", 2, 10, "5", "30"),
            customer("b", 0, 7, "3", "0"),
            customer("c", 5, 33, "1", "12.25"),
        ];
        let model = fitted(&customers);
        let request = request(TimeUnit::Week, 26.0, Discount::from_annual(0.1, TimeUnit::Week), 0.3);
        let predictions = model.predict(&customers, &request).unwrap();
        let sum: f64 = predictions.iter().map(|p| p.expected_transactions).sum();
        assert_eq!(model.total_expected_transactions(&customers, &request).unwrap(), sum);
        assert!((sum - (2.0 / 10.0 + 5.0 / 33.0) * 26.0 * 7.0).abs() < 1e-12, "{sum}");
    }

    #[test]
    fn projects_repeat_rates_undiscounted() {
        // x = 2 repeat days and 30 of repeat revenue over T = 10 days, horizon 20 days:
        // transactions = 2 / 10 * 20 = 4, CLV = 0.5 * 30 / 10 * 20 = 30, value per day = 30 / 2 = 15.
        // The first purchase (5) is left out. Tolerance 1e-12 on the float, exact on money.
        let customers = [customer("a", 2, 10, "5", "30")];
        let predictions = fitted(&customers)
            .predict(&customers, &request(TimeUnit::Day, 20.0, Discount::NONE, 0.5))
            .unwrap();

        assert_eq!(predictions.len(), 1);
        let prediction = &predictions[0];
        assert!(
            (prediction.expected_transactions - 4.0).abs() < 1e-12,
            "{}",
            prediction.expected_transactions
        );
        assert_eq!(prediction.value_per_transaction, Some(Decimal::from(15)));
        assert_eq!(prediction.p_alive, None);
        assert_eq!(prediction.clv, Decimal::from(30));
    }

    #[test]
    fn rates_follow_request_unit() {
        // T = 14 days = 2 weeks and x = 1, so 0.5 repeat days a week; over 4 weeks: 2.
        // Repeat revenue 10 over 2 weeks is 5 a week, so CLV = 1.0 * 5 * 4 = 20.
        // Tolerance 1e-12 on the float, exact on money.
        let customers = [customer("a", 1, 14, "1", "10")];
        let predictions = fitted(&customers)
            .predict(&customers, &request(TimeUnit::Week, 4.0, Discount::NONE, 1.0))
            .unwrap();

        let prediction = &predictions[0];
        assert!(
            (prediction.expected_transactions - 2.0).abs() < 1e-12,
            "{}",
            prediction.expected_transactions
        );
        assert_eq!(prediction.clv, Decimal::from(20));
    }

    #[test]
    fn discounted_clv_matches_annuity() {
        // T = 1461 days = 4 years. Repeat revenue 400 over 4 years is 100 a year. At 10% a
        // year over 3 years its present value is the ordinary annuity 100 * (1 - 1.1^-3) / 0.1,
        // times margin 0.3. Tolerance: the money rounding, 0.5e-4.
        let customers = [customer("a", 8, 1461, "50", "400")];
        let discount = Discount::from_annual(0.1, TimeUnit::Year);
        let predictions =
            fitted(&customers).predict(&customers, &request(TimeUnit::Year, 3.0, discount, 0.3)).unwrap();

        let expected = 0.3 * 100.0 * (1.0 - 1.1f64.powi(-3)) / 0.1;
        let clv = decimal_to_f64(predictions[0].clv);
        assert!((clv - expected).abs() <= 0.5e-4, "{clv} vs {expected}");

        // 8 repeat days over 4 years is 2 a year, so 6 over 3 years. Transactions are not
        // discounted. Tolerance 1e-12.
        assert!((predictions[0].expected_transactions - 6.0).abs() < 1e-12);
    }

    #[test]
    fn first_purchase_on_calibration_end_predicts_zero() {
        let customers = [customer("new", 0, 0, "80", "0")];
        let predictions = fitted(&customers)
            .predict(&customers, &request(TimeUnit::Day, 30.0, Discount::NONE, 0.4))
            .unwrap();

        let prediction = &predictions[0];
        assert_eq!(prediction.expected_transactions, 0.0);
        assert_eq!(prediction.value_per_transaction, None);
        assert_eq!(prediction.p_alive, None);
        assert_eq!(prediction.clv, Decimal::ZERO);
    }

    #[test]
    fn one_time_buyer_predicts_zero() {
        let customers = [customer("once", 0, 90, "80", "0")];
        let predictions = fitted(&customers)
            .predict(&customers, &request(TimeUnit::Day, 30.0, Discount::NONE, 0.4))
            .unwrap();

        let prediction = &predictions[0];
        assert_eq!(prediction.expected_transactions, 0.0);
        assert_eq!(prediction.value_per_transaction, None);
        assert_eq!(prediction.clv, Decimal::ZERO);
    }

    #[test]
    fn predictions_keep_customer_order() {
        // Rates 1/10 and 3/10 repeat days a day, over 10 days: 1 and 3. Tolerance 1e-12.
        let customers = [customer("b", 1, 10, "1", "1"), customer("a", 3, 10, "1", "3")];
        let predictions = fitted(&customers)
            .predict(&customers, &request(TimeUnit::Day, 10.0, Discount::NONE, 1.0))
            .unwrap();

        assert_eq!(predictions.len(), 2);
        assert!((predictions[0].expected_transactions - 1.0).abs() < 1e-12);
        assert!((predictions[1].expected_transactions - 3.0).abs() < 1e-12);
    }

    #[test]
    fn value_per_transaction_is_rounded() {
        // Repeat revenue 10 over 3 repeat days: 3.3333... rounds to 3.3333.
        let customers = [customer("a", 3, 30, "1", "10")];
        let predictions = fitted(&customers)
            .predict(&customers, &request(TimeUnit::Day, 30.0, Discount::NONE, 1.0))
            .unwrap();

        assert_eq!(predictions[0].value_per_transaction, Some(Decimal::from_str("3.3333").unwrap()));
    }

    #[test]
    fn infinite_horizon_is_rejected() {
        let customers = [customer("a", 2, 10, "5", "30")];
        let error = fitted(&customers)
            .predict(&customers, &request(TimeUnit::Day, f64::INFINITY, Discount::NONE, 0.5))
            .unwrap_err();
        assert!(matches!(&error, ModelError::InvalidSetting { key, .. } if key == "horizon"), "{error}");
    }
}
