//! The NBD model as a clv plugin: each customer buys at a constant rate for
//! ever, and rates vary across customers.
//!
//! Method. While a customer buys, repeat purchases follow a Poisson process
//! of rate λ, and λ is Gamma(r, α) distributed across customers. This is the
//! negative binomial distribution (NBD) model of Ehrenberg (1959, "The
//! Pattern of Consumer Purchases", Applied Statistics 8(1)). It is also the
//! purchase part that Pareto/NBD and BG/NBD share, but it has no dropout. A
//! customer with `x` repeat purchases over an age of `T` units has the
//! posterior rate Gamma(r + x, α + T), so the expected purchases in the next
//! `t` units are `t (r + x) / (α + T)`.
//!
//! Fit. r and α come from the method of moments on the observed rates
//! `x_i / T_i` of the customers with `T_i > 0`: the mean `m` estimates
//! `E[λ] = r / α`, and the sample variance less the Poisson part `m * mean(1 / T_i)`
//! estimates `Var[λ] = r / α²`, so `α = m / V` and `r = m * α`. The fit fails
//! when V is not positive, because the rates then vary no more than Poisson
//! noise and no Gamma mixture fits.
//!
//! Value. A purchase day is worth the customer's mean repeat spend
//! (`spend = "customer"`, the default) or the mean over all repeat customers
//! (`spend = "population"`). A customer without repeat purchases gets the
//! population mean in both cases. CLV is the discounted sum of the expected
//! purchases in each unit of the horizon times that value times the margin.
//!
//! Use. With no dropout, the model keeps every customer buying, so it
//! over-predicts when customers lapse. Beside BG/NBD or Pareto/NBD in the
//! same report, it shows how much of the forecast the dropout process
//! changes.

use clv_plugin::{Customers, FittedPluginModel, PluginError, PluginModel, Prediction, Request};
use serde::Deserialize;

/// Settings of the `[[models]]` entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Settings {
    #[serde(default = "default_spend")]
    spend: String,
}

fn default_spend() -> String {
    "customer".to_string()
}

/// Source of the value of one purchase day.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Spend {
    Customer,
    Population,
}

/// The NBD model's settings.
#[derive(Debug)]
pub struct Nbd {
    spend: Spend,
}

/// A fitted NBD model.
#[derive(Debug)]
pub struct FittedNbd {
    r: f64,
    alpha: f64,
    mean_spend: f64,
    spend: Spend,
}

impl PluginModel for Nbd {
    const NAME: &'static str = "nbd";
    const DESCRIPTION: &'static str =
        "NBD purchase model without dropout (Ehrenberg 1959), fitted by the method of moments";
    type Fitted = FittedNbd;

    fn from_settings(settings: &str) -> Result<Self, PluginError> {
        let settings: Settings = clv_plugin::parse_settings(settings)?;
        let spend = match settings.spend.as_str() {
            "customer" => Spend::Customer,
            "population" => Spend::Population,
            other => {
                return Err(PluginError::invalid_setting(
                    "spend",
                    format!("{other:?} is not a spend source: use \"customer\" or \"population\""),
                ));
            }
        };
        Ok(Nbd { spend })
    }

    fn fit(&self, customers: &Customers<'_>) -> Result<FittedNbd, PluginError> {
        let (r, alpha) = fit_moments(customers.frequency(), customers.age())?;
        let mean_spend = mean_repeat_spend(customers.frequency(), customers.monetary_value());
        Ok(FittedNbd { r, alpha, mean_spend, spend: self.spend })
    }
}

impl FittedPluginModel for FittedNbd {
    fn predict(&self, customers: &Customers<'_>, request: &Request) -> Result<Vec<Prediction>, PluginError> {
        let columns = customers.frequency().iter().zip(customers.age()).zip(customers.monetary_value());
        let predictions = columns
            .map(|((&x, &age), &monetary_value)| {
                let rate = (self.r + x) / (self.alpha + age);
                let value = match self.spend {
                    Spend::Customer if x > 0.0 => monetary_value,
                    _ => self.mean_spend,
                };
                let clv = request.present_value_of_rate(rate) * value * request.margin;
                Prediction {
                    expected_transactions: rate * request.horizon,
                    value_per_transaction: Some(value),
                    p_alive: None,
                    clv,
                }
            })
            .collect();
        Ok(predictions)
    }

    fn parameters(&self) -> Vec<(String, f64)> {
        vec![("r".into(), self.r), ("alpha".into(), self.alpha), ("mean_spend".into(), self.mean_spend)]
    }
}

clv_plugin::export_plugin!(Nbd);

/// Estimates (r, α) by the method of moments, as the crate documentation derives.
fn fit_moments(frequency: &[f64], age: &[f64]) -> Result<(f64, f64), PluginError> {
    let observed: Vec<(f64, f64)> =
        frequency.iter().zip(age).filter(|(_, t)| **t > 0.0).map(|(&x, &t)| (x / t, t)).collect();
    let n = observed.len() as f64;
    if observed.len() < 2 {
        return Err(PluginError::new(format!(
            "need at least 2 customers with an age above 0 to fit, found {}",
            observed.len()
        )));
    }

    let mean = observed.iter().map(|(rate, _)| rate).sum::<f64>() / n;
    let variance = observed.iter().map(|(rate, _)| (rate - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let poisson_part = mean * observed.iter().map(|(_, t)| 1.0 / t).sum::<f64>() / n;
    let between = variance - poisson_part;
    if !(mean > 0.0 && between > 0.0) {
        return Err(PluginError::new(format!(
            "the purchase rates have mean {mean} and variance {variance}, no more than the Poisson part \
             {poisson_part}: the NBD model needs rates that vary between customers"
        )));
    }
    let alpha = mean / between;
    Ok((mean * alpha, alpha))
}

/// Mean of the monetary values of the customers with repeat purchases; 0 without any.
fn mean_repeat_spend(frequency: &[f64], monetary_value: &[f64]) -> f64 {
    let values: Vec<f64> =
        frequency.iter().zip(monetary_value).filter(|(x, _)| **x > 0.0).map(|(_, &value)| value).collect();
    if values.is_empty() { 0.0 } else { values.iter().sum::<f64>() / values.len() as f64 }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Rates 0, 1, 2 and 5 per unit over T = 1, 1, 1, 2: mean 2, sample
    // variance (4 + 1 + 0 + 9) / 3 = 14/3, Poisson part 2 * (1 + 1 + 1 + 0.5) / 4 = 1.75,
    // so V = 14/3 - 1.75 = 35/12, α = 2 / V = 24/35 and r = 2α = 48/35 (by hand).
    const FREQUENCY: [f64; 4] = [0.0, 1.0, 2.0, 10.0];
    const AGE: [f64; 4] = [1.0, 1.0, 1.0, 2.0];

    #[test]
    fn moments_match_hand_computation() {
        let (r, alpha) = fit_moments(&FREQUENCY, &AGE).unwrap();
        assert!((alpha - 24.0 / 35.0).abs() < 1e-12, "{alpha}");
        assert!((r - 48.0 / 35.0).abs() < 1e-12, "{r}");
    }

    #[test]
    fn equal_rates_cannot_fit() {
        let error = fit_moments(&[1.0, 1.0, 1.0], &[1.0, 1.0, 1.0]).unwrap_err();
        assert!(error.to_string().contains("vary between customers"), "{error}");
    }

    #[test]
    fn prediction_is_the_posterior_mean_rate() {
        let monetary = [0.0, 10.0, 20.0, 30.0];
        let ids = vec!["a", "b", "c", "d"];
        let customers = Customers::new(ids, &FREQUENCY, &AGE, &AGE, &monetary, 7.0);
        let fitted = Nbd { spend: Spend::Customer }.fit(&customers).unwrap();
        let request = Request { horizon: 2.0, unit_days: 7.0, discount_rate_per_unit: 0.0, margin: 0.5 };
        let predictions = fitted.predict(&customers, &request).unwrap();

        // Customer d: (r + 10) / (α + 2) per unit, closed form.
        let rate = (48.0 / 35.0 + 10.0) / (24.0 / 35.0 + 2.0);
        assert!((predictions[3].expected_transactions - 2.0 * rate).abs() < 1e-12);
        assert!((predictions[3].clv - 2.0 * rate * 30.0 * 0.5).abs() < 1e-9);
        // Customer a has no repeat purchase: the mean of 10, 20 and 30.
        assert_eq!(predictions[0].value_per_transaction, Some(20.0));
    }

    #[test]
    fn unknown_spend_names_the_key() {
        let error = Nbd::from_settings("spend = \"median\"").unwrap_err();
        assert_eq!(error.key(), Some("spend"));
        assert!(Nbd::from_settings("").is_ok());
        assert!(Nbd::from_settings("speed = 1").is_err());
    }
}
