//! Counts of what happened to the rows of a transaction log or a summary file.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Serialize, Serializer};

/// Number of rejected rows kept in [`IngestReport::first_rejections`].
pub const KEPT_REJECTIONS: usize = 10;

/// Counts of the rows read from one transaction log or summary file.
///
/// Every data row is either accepted or rejected, so `rows_read` always equals
/// `rows_accepted + rows_rejected()`. The header row and blank lines are not data rows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct IngestReport {
    /// Path of the file.
    #[serde(serialize_with = "serialize_path")]
    pub path: PathBuf,
    /// Data rows read so far.
    pub rows_read: u64,
    /// Rows turned into transactions or summary records.
    pub rows_accepted: u64,
    /// Lines that are empty or contain only whitespace. They are skipped.
    pub blank_lines: u64,
    /// Rejected rows by reason.
    pub rejected: BTreeMap<RejectReason, u64>,
    /// The first [`KEPT_REJECTIONS`] rejected rows, in file order.
    pub first_rejections: Vec<RejectedRow>,
}

impl IngestReport {
    /// Creates an empty report for the file at `path`.
    pub fn new(path: impl Into<PathBuf>) -> IngestReport {
        IngestReport {
            path: path.into(),
            rows_read: 0,
            rows_accepted: 0,
            blank_lines: 0,
            rejected: BTreeMap::new(),
            first_rejections: Vec::new(),
        }
    }

    /// Returns the number of rejected rows over all reasons.
    pub fn rows_rejected(&self) -> u64 {
        self.rejected.values().sum()
    }

    /// Counts a rejected row and keeps it if fewer than [`KEPT_REJECTIONS`] are kept.
    pub(crate) fn add_rejection(&mut self, row: &RejectedRow) {
        *self.rejected.entry(row.reason).or_insert(0) += 1;
        if self.first_rejections.len() < KEPT_REJECTIONS {
            self.first_rejections.push(row.clone());
        }
    }
}

/// Serializes a path as text, replacing bytes that are not UTF-8, because
/// serde's own path serializer fails on them.
fn serialize_path<S: Serializer>(path: &Path, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(&path.to_string_lossy())
}

/// Reason for rejecting a row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectReason {
    /// The row has fewer fields than the highest selected column needs.
    MissingField,
    /// The customer id is empty.
    EmptyCustomerId,
    /// The date does not match the date format or is not a calendar day.
    InvalidDate,
    /// The amount is not a plain decimal number.
    InvalidAmount,
    /// The cost is not a plain decimal number.
    InvalidCost,
    /// A selected field is not valid UTF-8.
    InvalidUtf8,
    /// The frequency of a summary row is not a whole number of at least 0.
    InvalidFrequency,
    /// The recency of a summary row is not a finite number of at least 0.
    InvalidRecency,
    /// The age of a summary row is not a finite number of at least 0.
    InvalidAge,
    /// The customer count of a summary row is not a whole number of at least 1.
    InvalidCount,
    /// The monetary value of a summary row is not a plain decimal number.
    InvalidMonetaryValue,
    /// The values of a summary row contradict each other: the recency is
    /// greater than the age, or greater than 0 while the frequency is 0.
    InconsistentSummary,
}

impl RejectReason {
    /// All reasons, in their sort order.
    pub const ALL: [RejectReason; 12] = [
        RejectReason::MissingField,
        RejectReason::EmptyCustomerId,
        RejectReason::InvalidDate,
        RejectReason::InvalidAmount,
        RejectReason::InvalidCost,
        RejectReason::InvalidUtf8,
        RejectReason::InvalidFrequency,
        RejectReason::InvalidRecency,
        RejectReason::InvalidAge,
        RejectReason::InvalidCount,
        RejectReason::InvalidMonetaryValue,
        RejectReason::InconsistentSummary,
    ];

    /// Returns the stable snake_case name used in reports, the same as the serialized form.
    pub fn name(self) -> &'static str {
        match self {
            RejectReason::MissingField => "missing_field",
            RejectReason::EmptyCustomerId => "empty_customer_id",
            RejectReason::InvalidDate => "invalid_date",
            RejectReason::InvalidAmount => "invalid_amount",
            RejectReason::InvalidCost => "invalid_cost",
            RejectReason::InvalidUtf8 => "invalid_utf8",
            RejectReason::InvalidFrequency => "invalid_frequency",
            RejectReason::InvalidRecency => "invalid_recency",
            RejectReason::InvalidAge => "invalid_age",
            RejectReason::InvalidCount => "invalid_count",
            RejectReason::InvalidMonetaryValue => "invalid_monetary_value",
            RejectReason::InconsistentSummary => "inconsistent_summary",
        }
    }

    /// Returns what a user can do about a row rejected for this reason.
    pub fn remedy(self) -> &'static str {
        match self {
            RejectReason::MissingField => {
                "fix the row, check the format and the column settings, or set invalid_rows = \"skip\""
            }
            RejectReason::EmptyCustomerId => "fill in the customer id or set invalid_rows = \"skip\"",
            RejectReason::InvalidDate => {
                "fix the row, set date_format to match the file, or set invalid_rows = \"skip\""
            }
            RejectReason::InvalidAmount | RejectReason::InvalidCost | RejectReason::InvalidMonetaryValue => {
                "fix the row or set invalid_rows = \"skip\""
            }
            RejectReason::InvalidUtf8 => "convert the file to UTF-8 or set invalid_rows = \"skip\"",
            RejectReason::InvalidFrequency
            | RejectReason::InvalidRecency
            | RejectReason::InvalidAge
            | RejectReason::InvalidCount => {
                "fix the row, check that the column settings select the intended columns, \
                 or set invalid_rows = \"skip\""
            }
            RejectReason::InconsistentSummary => {
                "fix the row, check that the recency and age columns are selected correctly \
                 and use the same time unit, or set invalid_rows = \"skip\""
            }
        }
    }
}

impl fmt::Display for RejectReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A rejected row, located and explained.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RejectedRow {
    /// 1-based line number where the row starts.
    pub line: u64,
    /// The column at fault: its 0-based index, followed by its header name in
    /// brackets when the file has one, such as `3 (date)`.
    pub column: String,
    /// The offending value, with bytes that are not UTF-8 replaced by U+FFFD.
    /// For a row with missing fields it is the whole row.
    pub value: String,
    /// Reason for the rejection.
    pub reason: RejectReason,
    /// Description of the problem with the value.
    pub message: String,
}

impl fmt::Display for RejectedRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}: {}", self.line, self.column, self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rejected(line: u64, reason: RejectReason) -> RejectedRow {
        RejectedRow {
            line,
            column: "2 (amount)".to_string(),
            value: "abc".to_string(),
            reason,
            message: "invalid amount \"abc\"".to_string(),
        }
    }

    #[test]
    fn reason_names_match_serialized_form() {
        for reason in RejectReason::ALL {
            let json = serde_json::to_string(&reason).unwrap();
            assert_eq!(json, format!("\"{}\"", reason.name()));
        }
    }

    #[test]
    fn all_lists_every_reason_once() {
        // The match has no wildcard, so a new reason does not compile until it is numbered here.
        let position = |reason: RejectReason| match reason {
            RejectReason::MissingField => 0,
            RejectReason::EmptyCustomerId => 1,
            RejectReason::InvalidDate => 2,
            RejectReason::InvalidAmount => 3,
            RejectReason::InvalidCost => 4,
            RejectReason::InvalidUtf8 => 5,
            RejectReason::InvalidFrequency => 6,
            RejectReason::InvalidRecency => 7,
            RejectReason::InvalidAge => 8,
            RejectReason::InvalidCount => 9,
            RejectReason::InvalidMonetaryValue => 10,
            RejectReason::InconsistentSummary => 11,
        };

        for (index, reason) in RejectReason::ALL.into_iter().enumerate() {
            assert_eq!(position(reason), index, "{reason}");
        }
    }

    #[test]
    fn remedies_offer_skip() {
        for reason in RejectReason::ALL {
            assert!(reason.remedy().ends_with("or set invalid_rows = \"skip\""), "{reason}");
        }
    }

    #[test]
    fn reasons_sort_in_declaration_order() {
        let mut sorted = RejectReason::ALL;
        sorted.sort();
        assert_eq!(sorted, RejectReason::ALL);
    }

    #[test]
    fn add_rejection_counts_and_keeps_first_ten() {
        let mut report = IngestReport::new("data.csv");

        for line in 1..=12 {
            report.add_rejection(&rejected(line, RejectReason::InvalidAmount));
        }
        report.add_rejection(&rejected(13, RejectReason::InvalidDate));

        assert_eq!(report.rows_rejected(), 13);
        assert_eq!(report.rejected[&RejectReason::InvalidAmount], 12);
        assert_eq!(report.rejected[&RejectReason::InvalidDate], 1);
        assert_eq!(report.first_rejections.len(), KEPT_REJECTIONS);
        assert_eq!(report.first_rejections[0].line, 1);
        assert_eq!(report.first_rejections[9].line, 10);
    }

    #[test]
    fn report_serializes_reasons_as_keys() {
        let mut report = IngestReport::new("data.csv");
        report.rows_read = 3;
        report.rows_accepted = 2;
        report.add_rejection(&rejected(4, RejectReason::InvalidAmount));

        let json = serde_json::to_value(&report).unwrap();

        assert_eq!(json["path"], "data.csv");
        assert_eq!(json["rows_read"], 3);
        assert_eq!(json["rejected"]["invalid_amount"], 1);
        assert_eq!(json["first_rejections"][0]["line"], 4);
        assert_eq!(json["first_rejections"][0]["column"], "2 (amount)");
        assert_eq!(json["first_rejections"][0]["reason"], "invalid_amount");
    }

    #[test]
    fn rejected_row_display() {
        let row = rejected(7, RejectReason::InvalidAmount);
        assert_eq!(row.to_string(), "line 7, column 2 (amount): invalid amount \"abc\"");
    }
}
