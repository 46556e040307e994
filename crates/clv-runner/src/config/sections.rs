//! The config file's sections as serde reads them, before validation.

use std::path::PathBuf;

use clv_core::{Date, TimeUnit};
use serde::{Deserialize, Deserializer};

use super::column::ColumnSetting;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConfig {
    pub data: DataSection,
    pub period: PeriodSection,
    pub value: ValueSection,
    pub output: Option<OutputSection>,
    #[serde(default)]
    pub models: Vec<toml::Table>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DataSection {
    pub path: PathBuf,
    #[serde(default)]
    pub layout: Layout,
    #[serde(default = "default_separator")]
    pub separator: Separator,
    #[serde(default = "default_true")]
    pub header: bool,
    pub customer: Option<ColumnSetting>,
    pub date: Option<ColumnSetting>,
    pub amount: Option<ColumnSetting>,
    pub cost: Option<ColumnSetting>,
    pub date_format: Option<String>,
    pub currency_symbol: Option<String>,
    pub thousands_separator: Option<String>,
    pub decimal_separator: Option<String>,
    pub customer_ids: Option<CustomerIdsSetting>,
    pub frequency: Option<ColumnSetting>,
    pub recency: Option<ColumnSetting>,
    pub age: Option<ColumnSetting>,
    pub count: Option<ColumnSetting>,
    pub monetary_value: Option<ColumnSetting>,
    #[serde(default)]
    pub invalid_rows: InvalidRows,
}

/// Layout of the data file: what one row describes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum Layout {
    /// One purchase: customer, date, amount and optional cost.
    #[default]
    Transactions,
    /// One customer's summary (frequency, recency, age), optionally standing for `count` customers.
    Summary,
}

/// The rule for comparing customer ids.
#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum CustomerIdsSetting {
    Exact,
    IgnoreCase,
    IgnoreCaseAndSpaces,
}

/// Policy for a row that cannot be read.
#[derive(Clone, Copy, Debug, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum InvalidRows {
    /// Stop the run with an error naming the row.
    #[default]
    Stop,
    /// Skip the row, counting it by reason in the report.
    Skip,
}

#[derive(Clone, Copy, Debug, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum Separator {
    Comma,
    Tab,
    Semicolon,
    Pipe,
    Whitespace,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PeriodSection {
    pub time_unit: TimeUnit,
    pub calibration_end: Option<DateSetting>,
    pub observation_end: Option<DateSetting>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ValueSection {
    pub horizon: f64,
    #[serde(default)]
    pub annual_discount_rate: f64,
    pub margin: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct OutputSection {
    #[serde(default = "default_output_dir")]
    pub dir: PathBuf,
    /// Name of the model whose value segments the report lists and segments.csv holds.
    pub primary: Option<String>,
}

fn default_output_dir() -> PathBuf {
    PathBuf::from("out")
}

/// A calendar date written as a TOML date (`1997-09-30`) or a string (`"1997-09-30"`).
#[derive(Clone, Copy, Debug)]
pub(super) struct DateSetting(pub Date);

impl<'de> Deserialize<'de> for DateSetting {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;

        let text = match toml::Value::deserialize(deserializer)? {
            toml::Value::String(text) => text,
            toml::Value::Datetime(datetime) if datetime.date.is_some() && datetime.time.is_none() => {
                datetime.to_string()
            }
            other => {
                return Err(D::Error::custom(format!(
                    "invalid date {other}: write a calendar date as YYYY-MM-DD"
                )));
            }
        };
        text.parse::<Date>()
            .map(DateSetting)
            .map_err(|error| D::Error::custom(format!("invalid date {text:?}: {error}; write YYYY-MM-DD")))
    }
}

fn default_separator() -> Separator {
    Separator::Comma
}

fn default_true() -> bool {
    true
}
