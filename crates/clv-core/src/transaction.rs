//! One accepted row of a transaction log.

use jiff::civil::Date;
use rust_decimal::Decimal;

/// A purchase (or a return, when `amount` is negative) as read from the log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transaction {
    /// Customer id exactly as written in the source, leading zeros and case kept.
    pub customer: String,
    /// Calendar day of the purchase; a time of day in the source is dropped.
    pub date: Date,
    /// Amount paid in the source currency, parsed exactly.
    pub amount: Decimal,
    /// Cost of the goods sold, when the source has a cost column.
    pub cost: Option<Decimal>,
}
