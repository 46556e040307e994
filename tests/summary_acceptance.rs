//! The CDNOW summary built by clv from the raw sample log, against the
//! published per-customer summary of the same data
//! (`cdnow_customers_summary_with_transactions.csv`, as shipped with the
//! `lifetimes` 0.11.3 package; recency, T and spend rounded to 2 decimals).

use std::collections::HashMap;
use std::str::FromStr;

use clv_runner::Config;
use clv_tests::workspace_root;
use rust_decimal::Decimal;

/// Half a unit in the last place of the file's 2-decimal rounding, plus room for float error.
const ROUNDING_TOLERANCE: f64 = 0.005 + 1e-9;

struct Published {
    frequency: u32,
    recency: f64,
    age: f64,
    monetary_value: Decimal,
}

fn published_summary() -> HashMap<u32, Published> {
    let path = workspace_root().join("tests/data/cdnow_customers_summary_with_transactions.csv");
    let mut reader = csv::Reader::from_path(&path).unwrap();
    let mut rows = HashMap::new();
    for record in reader.records() {
        let record = record.unwrap();
        let id: u32 = record[0].parse().unwrap();
        let row = Published {
            frequency: record[1].parse().unwrap(),
            recency: record[2].parse().unwrap(),
            age: record[3].parse().unwrap(),
            monetary_value: Decimal::from_str(&record[4]).unwrap(),
        };
        rows.insert(id, row);
    }
    rows
}

#[test]
fn cdnow_summary_matches_published() {
    let config = Config::from_path(&workspace_root().join("config/cdnow.toml")).unwrap();
    let data = clv_runner::load_data(&config).unwrap();
    let published = published_summary();

    assert_eq!(data.summaries.customers.len(), 2357);
    assert_eq!(published.len(), 2357);
    for customer in &data.summaries.customers {
        let id: u32 = customer.id.parse().unwrap();
        let expected = &published[&id];
        assert_eq!(customer.frequency, expected.frequency, "frequency of customer {id}");
        assert!(
            (customer.recency - expected.recency).abs() <= ROUNDING_TOLERANCE,
            "recency of customer {id}"
        );
        assert!((customer.age - expected.age).abs() <= ROUNDING_TOLERANCE, "T of customer {id}");
        let spend_gap = (customer.monetary_value - expected.monetary_value).abs();
        assert!(
            spend_gap <= Decimal::new(5, 3),
            "monetary value of customer {id}: {}",
            customer.monetary_value
        );
    }
}

#[test]
fn cdnow_repeat_purchase_totals() {
    // Totals of the CDNOW sample with calibration end 1997-09-30 and
    // observation end 1998-06-30, as given for this data set.
    let config = Config::from_path(&workspace_root().join("config/cdnow.toml")).unwrap();
    let data = clv_runner::load_data(&config).unwrap();
    assert_eq!(data.summaries.calibration_repeat_purchases(), 2457);
    assert_eq!(data.summaries.holdout_purchases(), 1882);
    assert_eq!(data.ingest.rows_read, 6919);
    assert_eq!(data.ingest.rows_accepted, 6919);
    assert_eq!(data.summaries.exclusions.rows_after_observation_end, 0);
    assert_eq!(data.summaries.exclusions.customers_first_purchase_in_holdout, 0);
}

#[test]
fn cdnow_summary_in_days_scales_by_seven() {
    // Durations are counted in whole days first, so weeks are exactly days / 7.
    let path = workspace_root().join("config/cdnow.toml");
    let text = std::fs::read_to_string(&path).unwrap().replace("time_unit = \"week\"", "time_unit = \"day\"");
    let daily = Config::from_toml(&text, &path).unwrap();
    let weekly = Config::from_path(&path).unwrap();
    let days = clv_runner::load_data(&daily).unwrap().summaries.customers;
    let weeks = clv_runner::load_data(&weekly).unwrap().summaries.customers;
    for (day, week) in days.iter().zip(&weeks) {
        assert_eq!(day.id, week.id);
        assert_eq!(day.recency, day.recency_days as f64);
        assert!((day.age / 7.0 - week.age).abs() < 1e-12, "T of customer {}", day.id);
        assert!((day.recency / 7.0 - week.recency).abs() < 1e-12, "recency of customer {}", day.id);
    }
}
