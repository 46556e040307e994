//! The last step of every summary builder: resolving the periods, counting
//! the exclusions and sorting the customers.

use jiff::civil::Date;
use rayon::prelude::*;

use super::{CustomerSummary, Exclusions, Split, Summaries, SummaryError};
use crate::time::TimeUnit;

/// The summary step's result for one customer.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomerOutcome {
    /// Rows of the customer dated after the observation end.
    pub rows_after_observation_end: u64,
    /// Whether the customer is summarised or excluded, and why.
    pub kind: OutcomeKind,
}

/// A customer's place in the summaries.
#[derive(Clone, Debug, PartialEq)]
pub enum OutcomeKind {
    /// Every row is after the observation end.
    AfterObservationEnd,
    /// The first purchase is in the holdout; `rows` counts the rows up to the observation end.
    FirstPurchaseInHoldout { rows: u64 },
    /// The first purchase is within the calibration period.
    Calibration(Box<CustomerSummary>),
}

impl Split {
    /// Resolves the configured period ends against `last_date`, the latest
    /// purchase day in the data.
    ///
    /// `observation_end` defaults to `last_date`. Without `calibration_end`
    /// the whole observed period is the calibration period. Fails when the
    /// calibration end is not before the observation end.
    pub fn resolve(
        calibration_end: Option<Date>,
        observation_end: Option<Date>,
        last_date: Date,
    ) -> Result<Split, SummaryError> {
        let observation_end = observation_end.unwrap_or(last_date);
        match calibration_end {
            Some(calibration_end) if calibration_end >= observation_end => {
                Err(SummaryError::CalibrationNotBeforeObservationEnd { calibration_end, observation_end })
            }
            Some(calibration_end) => Ok(Split { calibration_end, observation_end }),
            None => Ok(Split { calibration_end: observation_end, observation_end }),
        }
    }
}

impl Summaries {
    /// Collects the outcomes of every customer into summaries sorted by id,
    /// with the exclusions counted.
    ///
    /// Returns the first error among `outcomes`, in their order. Fails when no
    /// customer has a first purchase within the calibration period, and when
    /// a total over all customers overflows (see [`Summaries::check_totals`]).
    pub fn from_outcomes(
        outcomes: Vec<Result<CustomerOutcome, SummaryError>>,
        unit: TimeUnit,
        split: Split,
        first_date: Date,
        last_date: Date,
    ) -> Result<Summaries, SummaryError> {
        let mut exclusions = Exclusions::default();
        let mut customers: Vec<CustomerSummary> = Vec::with_capacity(outcomes.len());
        for outcome in outcomes {
            let outcome = outcome?;
            exclusions.rows_after_observation_end += outcome.rows_after_observation_end;
            match outcome.kind {
                OutcomeKind::AfterObservationEnd => exclusions.customers_after_observation_end += 1,
                OutcomeKind::FirstPurchaseInHoldout { rows } => {
                    exclusions.customers_first_purchase_in_holdout += 1;
                    exclusions.rows_of_holdout_only_customers += rows;
                }
                OutcomeKind::Calibration(summary) => customers.push(*summary),
            }
        }
        if customers.is_empty() {
            return Err(SummaryError::NoCalibrationCustomers {
                calibration_end: split.calibration_end,
                first_date,
            });
        }

        // Ids are unique, so an unstable sort gives the same order as a stable one.
        customers.par_sort_unstable_by(|a, b| a.id.cmp(&b.id));
        log::debug!("summarised {} customers, exclusions {exclusions:?}", customers.len());
        let summaries = Summaries { customers, unit, split, first_date, last_date, exclusions };
        summaries.check_totals()?;
        Ok(summaries)
    }
}
