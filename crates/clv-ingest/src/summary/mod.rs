//! Reading per-customer summary files, the input of models fitted on data
//! that is already summarised. Each row describes one customer, or a group of
//! customers with the same values, by frequency, recency and age.

mod columns;
mod reader;
mod record;
mod row;
mod spec;

pub use reader::SummaryReader;
pub use record::SummaryRecord;
pub use spec::SummarySpec;
