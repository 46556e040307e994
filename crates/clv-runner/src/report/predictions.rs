//! Writes predictions.csv: one row per customer with the summary, the holdout
//! actuals and each model's predictions.

use std::path::Path;

use clv_core::{CustomerSummary, Summaries};

use super::build::{money, round4};
use super::parallel_csv::write_csv;
use crate::error::RunnerError;
use crate::run::RunOutput;

/// Columns that describe a customer's summary, in both predictions.csv and the summary CSV.
const SUMMARY_HEADER: [&str; 11] = [
    "customer_id",
    "frequency",
    "recency",
    "T",
    "monetary_value",
    "first_value",
    "revenue",
    "profit",
    "transactions",
    "holdout_frequency",
    "holdout_revenue",
];

/// Cells of [`SUMMARY_HEADER`] for one customer; holdout cells are empty without a holdout.
fn summary_cells(customer: &CustomerSummary) -> Vec<String> {
    let holdout = customer.holdout.as_ref();
    vec![
        customer.id.clone(),
        customer.frequency.to_string(),
        round4(customer.recency).to_string(),
        round4(customer.age).to_string(),
        money(customer.monetary_value),
        money(customer.first_value),
        money(customer.revenue),
        money(customer.profit),
        customer.transactions.to_string(),
        holdout.map(|h| h.frequency.to_string()).unwrap_or_default(),
        holdout.map(|h| money(h.revenue)).unwrap_or_default(),
    ]
}

/// Writes the summary table as CSV, one row per customer: recency and T in
/// the summaries' time unit, money rounded to cents.
pub fn write_summaries(summaries: &Summaries, writer: impl std::io::Write) -> Result<(), csv::Error> {
    let mut writer = csv::Writer::from_writer(writer);
    writer.write_record(SUMMARY_HEADER)?;
    for customer in &summaries.customers {
        writer.write_record(summary_cells(customer))?;
    }
    writer.flush()?;
    Ok(())
}

/// Names of the predictions.csv columns of the model named `name`.
pub fn prediction_columns(name: &str) -> Vec<String> {
    ["expected_transactions", "clv", "p_alive", "holdout_expected_transactions"]
        .map(|column| format!("{name}_{column}"))
        .to_vec()
}

/// Writes predictions.csv to `path`. Columns of a failed model are left empty.
pub fn write_predictions(output: &RunOutput, path: &Path) -> Result<(), RunnerError> {
    let mut header: Vec<String> = SUMMARY_HEADER.map(String::from).to_vec();
    for model in &output.models {
        header.extend(prediction_columns(&model.name));
    }
    let header: Vec<&str> = header.iter().map(String::as_str).collect();

    let customers = &output.data.summaries.customers;
    write_csv(path, &header, customers.len(), |index, writer| {
        let mut row = summary_cells(&customers[index]);
        for model in &output.models {
            match &model.outcome {
                Ok(results) => {
                    let prediction = &results.clv[index];
                    row.push(round4(prediction.expected_transactions).to_string());
                    row.push(money(prediction.clv));
                    row.push(prediction.p_alive.map(|p| round4(p).to_string()).unwrap_or_default());
                    let holdout_prediction = results.holdout.as_ref().map(|h| &h[index]);
                    row.push(
                        holdout_prediction
                            .map(|p| round4(p.expected_transactions).to_string())
                            .unwrap_or_default(),
                    );
                }
                Err(_) => row.extend(std::iter::repeat_n(String::new(), 4)),
            }
        }
        writer.write_record(&row)
    })
}
