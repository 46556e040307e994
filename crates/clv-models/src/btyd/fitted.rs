//! One fitted-model type for every transaction process, with a spend model.

use clv_core::{
    CustomerSummary, FitStatistics, FittedModel, ModelError, Parameter, Prediction, PredictionRequest,
    TimeUnit, money_from_f64,
};

use rayon::prelude::*;

use super::{Rfm, Spend, TransactionProcess};
use crate::fit::MleFit;

/// Number of customers from which predictions are computed in parallel;
/// below it the threads cost more than they save.
const PARALLEL_CUSTOMERS: usize = 4_096;

/// A fitted transaction process and spend model, predicting CLV per customer.
///
/// CLV over a horizon `h` is a sum over the time units `(k - 1, k]` of the
/// horizon. Each unit contributes its expected purchase days (the difference
/// of the conditional expectation at both ends) times the customer's
/// expected value per purchase day and the margin, discounted.
#[derive(Debug)]
pub struct FittedTransactionModel<P> {
    process: P,
    fit: MleFit,
    observations: usize,
    unit: TimeUnit,
    spend: Spend,
}

impl<P: TransactionProcess> FittedTransactionModel<P> {
    /// Wraps a fitted process. `observations` is the number of customers
    /// fitted on and `unit` the time unit of their summaries.
    pub fn new(process: P, fit: MleFit, observations: usize, unit: TimeUnit, spend: Spend) -> Self {
        FittedTransactionModel { process, fit, observations, unit, spend }
    }

    /// Returns the fitted process.
    pub fn process(&self) -> &P {
        &self.process
    }

    /// Returns the maximum likelihood fit of the process.
    pub fn mle(&self) -> &MleFit {
        &self.fit
    }

    /// Returns the fitted spend model.
    pub fn spend(&self) -> &Spend {
        &self.spend
    }

    fn check_unit(&self, request: &PredictionRequest) -> Result<(), ModelError> {
        // The CLV sum takes one step per time unit of the horizon, so an
        // infinite horizon would never end.
        if !(request.horizon.is_finite() && request.horizon >= 0.0) {
            return Err(ModelError::InvalidSetting {
                key: "horizon".to_string(),
                message: format!("must be a finite number of time units >= 0, found {}", request.horizon),
            });
        }
        if request.unit == self.unit {
            return Ok(());
        }
        Err(ModelError::InvalidSetting {
            key: "time_unit".to_string(),
            message: format!(
                "the model was fitted in {}s but asked to predict in {}s; fit and predict in one unit",
                self.unit, request.unit
            ),
        })
    }

    /// Predicts for one customer over the units of `horizon_units`.
    ///
    /// `shared`, when the process has that form, is its expectation at the
    /// unit ends for a customer alive at `T` with this customer's `x` and
    /// `T`, and the customer's P(alive).
    fn predict_one(
        &self,
        customer: &CustomerSummary,
        request: &PredictionRequest,
        horizon_units: &HorizonUnits,
        shared: Option<(&[f64], f64)>,
    ) -> Result<Prediction, String> {
        let rfm = Rfm::of(customer);
        let (if_alive, p_alive) = match shared {
            Some((if_alive, p_alive)) => (Some(if_alive), p_alive),
            None => (None, self.process.p_alive(rfm)),
        };
        let value = self.spend.value_per_transaction(customer);

        // The expectation at 0 and at the end of each unit of the horizon, so
        // each unit's purchases are the difference of two neighbours.
        let curve = match if_alive {
            Some(if_alive) => if_alive.iter().map(|expected| p_alive * expected).collect(),
            None => self.process.conditional_expected_transactions_at(rfm, &horizon_units.times),
        };
        let expected_transactions = curve.last().copied().unwrap_or(0.0);
        let discounted_transactions = horizon_units.present_value(&curve);
        let clv = discounted_transactions * value * request.margin;

        if !(expected_transactions.is_finite() && expected_transactions >= 0.0) {
            return Err(format!("expected transactions are {}", describe(expected_transactions)));
        }
        if !(0.0..=1.0).contains(&p_alive) {
            return Err(format!("P(alive) is {p_alive}"));
        }
        let value_per_transaction =
            money_from_f64(value).ok_or_else(|| format!("value per purchase day is {}", describe(value)))?;
        let clv = money_from_f64(clv).ok_or_else(|| format!("CLV is {}", describe(clv)))?;
        Ok(Prediction {
            expected_transactions,
            value_per_transaction: Some(value_per_transaction),
            p_alive: Some(p_alive),
            clv,
        })
    }

    /// Predicts for every customer, computing the expectation of an alive
    /// customer once for each distinct `x` and `T`, and P(alive) once for
    /// each distinct `x`, `t_x` and `T`.
    fn predict_by_groups(
        &self,
        customers: &[CustomerSummary],
        request: &PredictionRequest,
        horizon_units: &HorizonUnits,
    ) -> Option<Vec<Result<Prediction, String>>> {
        let key = |customer: &CustomerSummary| (customer.frequency, customer.age.to_bits());
        let mut order: Vec<usize> = (0..customers.len()).collect();
        order.par_sort_unstable_by_key(|&index| {
            let customer = &customers[index];
            (key(customer), customer.recency.to_bits())
        });
        let groups: Vec<&[usize]> =
            order.chunk_by(|&i, &j| key(&customers[i]) == key(&customers[j])).collect();

        let predicted: Option<Vec<Vec<IndexedPrediction>>> = groups
            .par_iter()
            .map(|group| {
                let first = &customers[group[0]];
                let if_alive = self.process.expected_transactions_if_alive_at(
                    f64::from(first.frequency),
                    first.age,
                    &horizon_units.times,
                )?;
                // Customers of one recency are adjacent, so each P(alive) is
                // computed once and reused until the recency changes.
                let mut last_p_alive: Option<(u64, f64)> = None;
                let predicted = group.iter().map(|&index| {
                    let customer = &customers[index];
                    let recency = customer.recency.to_bits();
                    let p_alive = match last_p_alive {
                        Some((last_recency, p_alive)) if last_recency == recency => p_alive,
                        _ => {
                            let p_alive = self.process.p_alive(Rfm::of(customer));
                            last_p_alive = Some((recency, p_alive));
                            p_alive
                        }
                    };
                    let shared = Some((if_alive.as_slice(), p_alive));
                    (index, self.predict_one(customer, request, horizon_units, shared))
                });
                Some(predicted.collect())
            })
            .collect();

        let mut in_order: Vec<Option<Result<Prediction, String>>> = vec![None; customers.len()];
        for (index, prediction) in predicted?.into_iter().flatten() {
            in_order[index] = Some(prediction);
        }
        Some(
            in_order
                .into_iter()
                .map(|prediction| prediction.expect("every customer is in one group"))
                .collect(),
        )
    }
}

/// A customer's position in the input and their prediction or why it failed.
type IndexedPrediction = (usize, Result<Prediction, String>);

/// The ends of the units of a horizon and their discount factors.
struct HorizonUnits {
    /// 0 and the end of each unit of `(0, horizon]`: 1, 2, ... and then `horizon`.
    times: Vec<f64>,
    /// Discount factor of each unit, in the order of `times[1..]`.
    factors: Vec<f64>,
}

impl HorizonUnits {
    fn new(request: &PredictionRequest) -> HorizonUnits {
        let times = unit_boundaries(request.horizon);
        let factors = (1..times.len()).map(|k| request.discount.factor(k as u32)).collect();
        HorizonUnits { times, factors }
    }

    /// Sums the expected purchases of each unit, the difference of `curve` at
    /// its ends, times the unit's discount factor. The sum runs in the order
    /// of [`clv_core::Discount::present_value`], so it gives the same result.
    fn present_value(&self, curve: &[f64]) -> f64 {
        let mut total = 0.0;
        for (unit, factor) in self.factors.iter().enumerate() {
            total += (curve[unit + 1] - curve[unit]) * factor;
        }
        total
    }
}

/// Returns 0 and the end of each unit of `(0, horizon]`, in the order that
/// [`clv_core::Discount::present_value`] visits them: 1, 2, ... and then `horizon`.
fn unit_boundaries(horizon: f64) -> Vec<f64> {
    let mut times = vec![0.0];
    let mut k = 1u32;
    while *times.last().expect("times starts with 0") < horizon {
        times.push(f64::from(k).min(horizon));
        k += 1;
    }
    times
}

impl<P: TransactionProcess> FittedModel for FittedTransactionModel<P> {
    fn predict(
        &self,
        customers: &[CustomerSummary],
        request: &PredictionRequest,
    ) -> Result<Vec<Prediction>, ModelError> {
        self.check_unit(request)?;
        let horizon_units = HorizonUnits::new(request);
        let by_groups = if customers.len() >= PARALLEL_CUSTOMERS {
            self.predict_by_groups(customers, request, &horizon_units)
        } else {
            None
        };
        let predictions = by_groups.unwrap_or_else(|| {
            let predict = |customer| self.predict_one(customer, request, &horizon_units, None);
            if customers.len() >= PARALLEL_CUSTOMERS {
                customers.par_iter().map(predict).collect()
            } else {
                customers.iter().map(predict).collect()
            }
        });
        // The first failing customer in input order is reported, whatever the thread count.
        customers
            .iter()
            .zip(predictions)
            .map(|(customer, prediction)| {
                prediction
                    .map_err(|message| ModelError::Prediction { customer: customer.id.clone(), message })
            })
            .collect()
    }

    fn parameters(&self) -> Vec<Parameter> {
        let mut parameters: Vec<Parameter> = self
            .process
            .parameters()
            .into_iter()
            .zip(&self.fit.std_errors)
            .map(|((name, value), std_error)| Parameter {
                name: name.to_string(),
                value,
                std_error: *std_error,
            })
            .collect();
        parameters.extend(self.spend.parameters());
        parameters
    }

    fn fit_statistics(&self) -> Option<FitStatistics> {
        Some(FitStatistics {
            log_likelihood: self.fit.log_likelihood,
            observations: self.observations,
            parameters: self.fit.params.len(),
            iterations: self.fit.iterations,
            converged: self.fit.converged,
        })
    }

    fn spend_fit_statistics(&self) -> Option<FitStatistics> {
        self.spend.fit_statistics()
    }

    fn expected_repeat_transactions(&self, t: f64) -> Option<f64> {
        let expected = self.process.expected_transactions(t);
        (expected.is_finite() && expected >= 0.0).then_some(expected)
    }

    fn probability_of_repeat_transactions(&self, x: u64, t: f64) -> Option<f64> {
        // A count of repeat transactions beyond u32::MAX has probability 0 at
        // any horizon that the report requests.
        let Ok(x) = u32::try_from(x) else { return Some(0.0) };
        let probability = self.process.probability_of_transactions(x, t);
        (0.0..=1.0).contains(&probability).then_some(probability)
    }

    fn population_clv(&self, request: &PredictionRequest) -> Result<Option<clv_core::Decimal>, ModelError> {
        self.check_unit(request)?;
        let value = match &self.spend {
            Spend::GammaGamma(fitted) => fitted.population_mean(),
            Spend::Fixed(value) => *value,
        };
        let discounted_transactions = request.discount.present_value(request.horizon, |start, end| {
            self.process.expected_transactions(end) - self.process.expected_transactions(start)
        });
        let clv = discounted_transactions * value * request.margin;
        money_from_f64(clv).map(Some).ok_or_else(|| ModelError::Prediction {
            customer: "average new customer".to_string(),
            message: format!("CLV is {}", describe(clv)),
        })
    }
}

/// Describes a value that cannot be a prediction, without printing NaN or
/// infinity, which a report must never show as a number.
fn describe(value: f64) -> String {
    if !value.is_finite() {
        "not a finite number: the estimates overflow; check the fit status and the amounts".to_string()
    } else {
        format!("{value:e}, beyond the range of money amounts")
    }
}
