//! The accounting of a run's rows and customers: every row read is accepted,
//! rejected or excluded, and every customer in the data is modelled or
//! excluded, each with its reason.

use std::collections::BTreeMap;

use clv_core::Exclusions;
use clv_ingest::IngestReport;

use super::{CustomerCounts, RowCounts};

/// Name of the rows dated after the observation end.
const AFTER_OBSERVATION_END: &str = "after_observation_end";
/// Name of the rows or customers whose customer first bought in the holdout period.
const FIRST_PURCHASE_IN_HOLDOUT: &str = "first_purchase_in_holdout";
/// Name of the customers all of whose rows are after the observation end.
const ONLY_AFTER_OBSERVATION_END: &str = "only_after_observation_end";

/// Counts the rows of the source: accepted rows are the rows that the
/// modelled customers' summaries are built from.
pub(super) fn row_counts(ingest: &IngestReport, exclusions: &Exclusions) -> RowCounts {
    let excluded_by_reason = BTreeMap::from([
        (AFTER_OBSERVATION_END.to_string(), exclusions.rows_after_observation_end),
        (FIRST_PURCHASE_IN_HOLDOUT.to_string(), exclusions.rows_of_holdout_only_customers),
    ]);
    let excluded: u64 = excluded_by_reason.values().sum();

    RowCounts {
        read: ingest.rows_read,
        // Excluded rows were accepted by the reader, so this cannot underflow.
        accepted: ingest.rows_accepted - excluded,
        rejected: ingest.rows_rejected(),
        rejected_by_reason: ingest
            .rejected
            .iter()
            .map(|(reason, count)| (reason.name().to_string(), *count))
            .collect(),
        excluded,
        excluded_by_reason,
        blank_lines: ingest.blank_lines,
    }
}

/// Counts the customers of the source.
pub(super) fn customer_counts(modelled: u64, exclusions: &Exclusions) -> CustomerCounts {
    let excluded_by_reason = BTreeMap::from([
        (FIRST_PURCHASE_IN_HOLDOUT.to_string(), exclusions.customers_first_purchase_in_holdout),
        (ONLY_AFTER_OBSERVATION_END.to_string(), exclusions.customers_after_observation_end),
    ]);
    let excluded: u64 = excluded_by_reason.values().sum();

    CustomerCounts { in_data: modelled + excluded, modelled, excluded, excluded_by_reason }
}

/// Writes the accounting as label-value lines of the report.md data table.
pub(super) fn write_lines(rows: &RowCounts, customers: &CustomerCounts, line: &mut dyn FnMut(&str, String)) {
    line("rows read", rows.read.to_string());
    line("rows accepted", rows.accepted.to_string());
    line("rows rejected", rows.rejected.to_string());
    for (reason, count) in &rows.rejected_by_reason {
        line(&format!("rows rejected: {reason}"), count.to_string());
    }
    line("rows excluded", rows.excluded.to_string());
    for (reason, count) in &rows.excluded_by_reason {
        line(&format!("rows excluded: {}", reason.replace('_', " ")), count.to_string());
    }
    line(
        "rows read = accepted + rejected + excluded",
        format!("{} = {} + {} + {}", rows.read, rows.accepted, rows.rejected, rows.excluded),
    );
    line("blank lines skipped", rows.blank_lines.to_string());

    line("customers in data", customers.in_data.to_string());
    line("customers modelled", customers.modelled.to_string());
    line("customers excluded", customers.excluded.to_string());
    for (reason, count) in &customers.excluded_by_reason {
        line(&format!("customers excluded: {}", reason.replace('_', " ")), count.to_string());
    }
    line(
        "customers in data = modelled + excluded",
        format!("{} = {} + {}", customers.in_data, customers.modelled, customers.excluded),
    );
}

#[cfg(test)]
mod tests {
    use clv_ingest::RejectReason;

    use super::*;

    fn ingest() -> IngestReport {
        let mut ingest = IngestReport::new("data.csv");
        ingest.rows_read = 20;
        ingest.rows_accepted = 17;
        ingest.blank_lines = 1;
        ingest.rejected.insert(RejectReason::InvalidAmount, 2);
        ingest.rejected.insert(RejectReason::InvalidDate, 1);
        ingest
    }

    fn exclusions() -> Exclusions {
        Exclusions {
            rows_after_observation_end: 3,
            customers_first_purchase_in_holdout: 2,
            rows_of_holdout_only_customers: 4,
            customers_after_observation_end: 1,
        }
    }

    #[test]
    fn rows_add_up_by_reason() {
        let rows = row_counts(&ingest(), &exclusions());

        assert_eq!(rows.read, 20);
        assert_eq!(rows.accepted, 10);
        assert_eq!(rows.rejected, 3);
        assert_eq!(rows.excluded, 7);
        assert_eq!(rows.excluded_by_reason[AFTER_OBSERVATION_END], 3);
        assert_eq!(rows.excluded_by_reason[FIRST_PURCHASE_IN_HOLDOUT], 4);
        assert_eq!(rows.rejected_by_reason["invalid_amount"], 2);
        assert_eq!(rows.read, rows.accepted + rows.rejected + rows.excluded);
    }

    #[test]
    fn customers_add_up_by_reason() {
        let customers = customer_counts(5, &exclusions());

        assert_eq!(customers.in_data, 8);
        assert_eq!(customers.excluded, 3);
        assert_eq!(customers.excluded_by_reason[FIRST_PURCHASE_IN_HOLDOUT], 2);
        assert_eq!(customers.excluded_by_reason[ONLY_AFTER_OBSERVATION_END], 1);
    }

    #[test]
    fn lines_state_both_sums() {
        let rows = row_counts(&ingest(), &exclusions());
        let customers = customer_counts(5, &exclusions());
        let mut lines = Vec::new();

        write_lines(&rows, &customers, &mut |label, value| lines.push(format!("{label}: {value}")));

        assert!(lines.contains(&"rows read = accepted + rejected + excluded: 20 = 10 + 3 + 7".to_string()));
        assert!(lines.contains(&"customers in data = modelled + excluded: 8 = 5 + 3".to_string()));
        assert!(lines.contains(&"rows excluded: after observation end: 3".to_string()));
        assert!(lines.contains(&"rows rejected: invalid_date: 1".to_string()));
    }
}
