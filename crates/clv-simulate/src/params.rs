//! The parameters of a simulation and their checks.

use std::io;

use jiff::civil::Date;

/// Errors of a simulation.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SimulateError {
    #[error("invalid simulation parameter {name} = {value}: {expected}")]
    InvalidParameter { name: &'static str, value: String, expected: &'static str },
    #[error(
        "{days} days from {start} is beyond the supported calendar (years -9999 to 9999): set an earlier start"
    )]
    DateOutOfRange { start: Date, days: u32 },
    #[error("the population distributions could not be built from the parameters")]
    Distribution,
    #[error("failed to write the transaction log: {0}")]
    Write(#[from] io::Error),
}

/// The BG/NBD purchase process. Rates are per week.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PurchaseProcess {
    /// Shape of the Gamma law of the purchase rate λ.
    pub r: f64,
    /// Rate of the Gamma law of λ, in weeks: the mean rate is r / α purchases a week.
    pub alpha: f64,
    /// First shape of the Beta law of the dropout probability p.
    pub a: f64,
    /// Second shape of the Beta law of p: the mean p is a / (a + b).
    pub b: f64,
}

/// The Gamma-Gamma spend process.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SpendProcess {
    /// Shape of the Gamma law of one purchase amount.
    pub p: f64,
    /// Shape of the Gamma law of a customer's spend rate ν.
    pub q: f64,
    /// Rate of the Gamma law of ν: for q > 1 the mean amount is p γ / (q - 1).
    pub gamma: f64,
}

/// A synthetic transaction log to generate.
#[derive(Clone, Debug, PartialEq)]
pub struct Simulation {
    /// Number of customers, at least 1.
    pub customers: u64,
    /// Seed of the random generators.
    pub seed: u64,
    /// First day of the log.
    pub start: Date,
    /// First purchases fall on the first `cohort_days` days of the log.
    pub cohort_days: u32,
    /// Length of the log in days, at least `cohort_days`; no purchase falls after it.
    pub observation_days: u32,
    /// Purchase process.
    pub purchase: PurchaseProcess,
    /// Spend process.
    pub spend: SpendProcess,
}

impl Default for Simulation {
    /// 1,000 customers who start over one year and are observed for two, with
    /// about 10 purchases each on average and a mean amount of about 36. The
    /// spend parameters are the CDNOW estimates of Fader, Hardie and Lee (2005).
    fn default() -> Simulation {
        Simulation {
            customers: 1_000,
            seed: 42,
            start: Date::constant(2020, 1, 1),
            cohort_days: 365,
            observation_days: 730,
            purchase: PurchaseProcess { r: 1.5, alpha: 8.0, a: 0.5, b: 8.0 },
            spend: SpendProcess { p: 6.25, q: 3.74, gamma: 15.44 },
        }
    }
}

impl Simulation {
    /// Checks that every parameter is in its domain.
    pub fn validate(&self) -> Result<(), SimulateError> {
        if self.customers == 0 {
            return Err(invalid("customers", 0, "must be at least 1"));
        }
        if self.cohort_days == 0 {
            return Err(invalid("cohort_days", 0, "must be at least 1"));
        }
        if self.observation_days < self.cohort_days {
            return Err(invalid(
                "observation_days",
                self.observation_days,
                "must be at least cohort_days, so every first purchase is in the log",
            ));
        }
        let positive = [
            ("r", self.purchase.r),
            ("alpha", self.purchase.alpha),
            ("a", self.purchase.a),
            ("b", self.purchase.b),
            ("p", self.spend.p),
            ("q", self.spend.q),
            ("gamma", self.spend.gamma),
        ];
        for (name, value) in positive {
            if !(value.is_finite() && value > 0.0) {
                return Err(invalid(name, value, "must be a finite number above 0"));
            }
        }
        Ok(())
    }
}

fn invalid(name: &'static str, value: impl ToString, expected: &'static str) -> SimulateError {
    SimulateError::InvalidParameter { name, value: value.to_string(), expected }
}
