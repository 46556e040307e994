//! One accepted row of a summary file.

use rust_decimal::Decimal;

/// The summary of one customer, or of `count` customers with the same values,
/// as read from a summary file.
#[derive(Clone, Debug, PartialEq)]
pub struct SummaryRecord {
    /// 1-based line on which the row starts.
    pub line: u64,
    /// Customer id as written in the file, or `line{N}` with the line number
    /// when the spec selects no customer column.
    pub id: String,
    /// Number of repeat purchases (x).
    pub frequency: u32,
    /// Time from the first to the last purchase (t_x) in the time unit of the
    /// file. It is at most `age`, and 0 when `frequency` is 0.
    pub recency: f64,
    /// Time from the first purchase to the end of the observation period (T),
    /// or the number of purchase opportunities (n) for discrete-time data, in
    /// the time unit of the file.
    pub age: f64,
    /// Number of customers that the row describes, at least 1.
    pub count: u64,
    /// Mean value of the repeat purchases, or 0 when the spec selects no
    /// monetary value column.
    pub monetary_value: Decimal,
}
