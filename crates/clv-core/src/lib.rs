//! Domain types of the clv toolkit: transactions, customer summaries, time
//! units, discounting, and the [`ClvModel`] trait that every model implements.
//!
//! This crate reads no files and depends on no model, runner or CLI. The
//! ingest crate turns a source into [`Transaction`]s, [`SummaryBuilder`] turns
//! those into [`Summaries`], and models fit on them.
//!
//! Money is [`rust_decimal::Decimal`] from the source to every reported figure.
//! Floats appear only inside model maths; [`money_from_f64`] converts back
//! with a stated rounding.

pub mod discount;
pub mod model;
pub mod summary;
pub mod time;
pub mod transaction;

pub use discount::Discount;
pub use model::{
    ClvModel, FitData, FitStatistics, FittedModel, ModelError, Parameter, Prediction, PredictionRequest,
    money_from_f64,
};
pub use summary::{
    CustomerSummary, Exclusions, HoldoutActuals, Split, Summaries, SummaryBuilder, SummaryError,
};
pub use time::{TimeUnit, days_between};
pub use transaction::Transaction;

pub use jiff::civil::Date;
pub use rust_decimal::Decimal;
