//! Estimate of the average customer lifetime from calibration summaries.

use clv_core::{CustomerSummary, ModelError};

use super::days_to_months;

/// Maximum likelihood estimate of the mean customer lifetime, in months.
///
/// A customer counts as lapsed when their last purchase is more than
/// `inactive_after_months` before the calibration end. A lapsed customer's
/// lifetime ended at their last purchase, so it lasted their recency (first to
/// last purchase day). Every other customer is still active, and their
/// lifetime is right-censored at their age `T`.
///
/// Assume exponential lifetimes with mean `theta`. Each lapsed customer adds
/// the density `exp(-t / theta) / theta` to the likelihood and each active one
/// the survival `exp(-T / theta)`. With `d` lapsed customers and a total
/// exposure `E` (the sum of `t` over lapsed and `T` over active customers, in
/// months), the log-likelihood is `-d ln(theta) - E / theta`. It is maximal at
/// `theta = E / d`. Its second derivative there is `-d / theta^2`, so the
/// asymptotic standard error is `theta / sqrt(d)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LifetimeEstimate {
    /// Estimated mean lifetime in months, `E / d`.
    pub months: f64,
    /// Asymptotic standard error of `months`, `months / sqrt(d)`.
    pub std_error: f64,
    /// Number of lapsed customers, `d`.
    pub lapsed_customers: u64,
    /// Total exposure `E` in months.
    pub exposure_months: f64,
    /// Inactivity after which a customer counts as lapsed, in months.
    pub inactive_after_months: f64,
}

impl LifetimeEstimate {
    /// Estimates the mean lifetime from the calibration summaries.
    ///
    /// Returns [`ModelError::CannotFit`] when no customer has lapsed. It does
    /// so too when the total exposure is 0, because the estimate would then be
    /// a lifetime of 0 months. That happens when every lapsed customer bought
    /// on a single day and every active one first bought on the calibration end.
    pub fn from_customers(
        customers: &[CustomerSummary],
        inactive_after_months: f64,
    ) -> Result<LifetimeEstimate, ModelError> {
        let mut lapsed_customers: u64 = 0;
        let mut exposure_months = 0.0;
        for customer in customers {
            // Days from the last purchase to the calibration end.
            let inactive_days = customer.age_days - customer.recency_days;

            if days_to_months(inactive_days) > inactive_after_months {
                lapsed_customers += 1;
                exposure_months += days_to_months(customer.recency_days);
            } else {
                exposure_months += days_to_months(customer.age_days);
            }
        }

        if lapsed_customers == 0 {
            return Err(ModelError::CannotFit(format!(
                "no customer has lapsed (no purchase in the last {inactive_after_months} months before \
                 the calibration end), so the average lifetime cannot be estimated: set lifetime_months, \
                 or a smaller inactive_after_months"
            )));
        }
        if exposure_months <= 0.0 {
            return Err(ModelError::CannotFit(format!(
                "the {lapsed_customers} lapsed customers each bought on a single day and no active customer \
                 was observed for any time, so the estimated average lifetime is 0 months: set lifetime_months"
            )));
        }

        let months = exposure_months / lapsed_customers as f64;
        Ok(LifetimeEstimate {
            months,
            std_error: months / (lapsed_customers as f64).sqrt(),
            lapsed_customers,
            exposure_months,
            inactive_after_months,
        })
    }
}
