//! The run config: a TOML file that names the data, the period, the value
//! settings, the output folder and the models to compare.
//!
//! Parsing happens in two steps, as in the rest of clv. First serde reads the
//! file into plain sections that reject unknown keys and wrong types. Then
//! [`Config::from_toml`] validates values, resolves paths relative to the
//! config file, and builds each model's settings through the registry.

mod column;
mod sections;

use std::path::{Path, PathBuf};
use std::str::FromStr;

use clv_core::{ClvModel, Date, Decimal, Discount, TimeUnit};
use clv_ingest::{AmountFormat, ColumnRef, CustomerIds, Format, InvalidRowPolicy, SourceSpec, SummarySpec};

use crate::error::RunnerError;
use crate::plugin::{self, PluginInfo};
use crate::registry;
pub use column::ColumnSetting;
use sections::{CustomerIdsSetting, DataSection, InvalidRows, Layout, RawConfig, Separator};

/// Longest CLV horizon accepted, in days: 100 years. Predictions sum over
/// every time unit of the horizon, so an unbounded horizon in days would
/// take unbounded time, and value that far out is discounted to nothing.
pub const MAX_HORIZON_DAYS: f64 = 100.0 * 365.25;

/// The data file of a run and how to read it.
#[derive(Clone, Debug)]
pub enum Source {
    /// A transaction log: one row per purchase.
    Transactions(SourceSpec),
    /// Per-customer summaries: one row per customer or per pattern with a count.
    Summaries(SummarySpec),
}

impl Source {
    /// Path of the data file.
    pub fn path(&self) -> &Path {
        match self {
            Source::Transactions(spec) => &spec.path,
            Source::Summaries(spec) => &spec.path,
        }
    }
}

/// Source of the gross margin of the models.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarginSource {
    /// `value.margin` in the config (1 when not set).
    Configured(Decimal),
    /// Calibration profit over calibration revenue, from the cost column.
    CostColumn,
}

/// One model of the run: its label, its kind and its validated settings.
pub struct ConfiguredModel {
    /// Label from the config, unique within the run.
    pub name: String,
    /// Registry kind.
    pub kind: String,
    /// Settings, ready to fit.
    pub model: Box<dyn ClvModel>,
    /// Outcome of loading the library of a `kind = "plugin"` entry; `None` for built-in kinds.
    pub plugin: Option<PluginInfo>,
}

impl std::fmt::Debug for ConfiguredModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConfiguredModel").field("name", &self.name).field("kind", &self.kind).finish()
    }
}

/// A validated run config.
#[derive(Debug)]
pub struct Config {
    /// The config file it was read from.
    pub path: PathBuf,
    /// How to read the data file.
    pub source: Source,
    /// Unit of every duration.
    pub unit: TimeUnit,
    /// Last day of the calibration period; without it there is no holdout.
    pub calibration_end: Option<Date>,
    /// Last day of observed data; defaults to the last date in the data.
    pub observation_end: Option<Date>,
    /// CLV horizon in `unit`s after the calibration end.
    pub horizon: f64,
    /// Annual discount rate, in [0, 1).
    pub annual_discount_rate: f64,
    /// Source of the gross margin.
    pub margin: MarginSource,
    /// Output folder of the reports.
    pub output_dir: PathBuf,
    /// Models to fit and compare, in config order.
    pub models: Vec<ConfiguredModel>,
    /// Model whose value segments the report lists and segments.csv holds.
    /// `None` when the config names none, so the first model that did not
    /// fail is used.
    pub primary: Option<String>,
}

impl Config {
    /// Reads and validates a config file.
    pub fn from_path(path: &Path) -> Result<Config, RunnerError> {
        let text = std::fs::read_to_string(path)
            .map_err(|error| RunnerError::ConfigRead { path: path.to_path_buf(), error })?;
        Config::from_toml(&text, path)
    }

    /// Validates config text; relative paths in it are resolved against the folder of `path`.
    pub fn from_toml(text: &str, path: &Path) -> Result<Config, RunnerError> {
        let invalid = |message: String| RunnerError::Config { path: path.to_path_buf(), message };
        let raw: RawConfig = toml::from_str(text).map_err(|error| invalid(error.to_string()))?;
        let base = path.parent().unwrap_or(Path::new(""));

        let source = source_from(raw.data, base).map_err(invalid)?;
        let period = raw.period;
        if let Source::Summaries(_) = &source {
            let Some(calibration_end) = period.calibration_end else {
                return Err(invalid(
                    "period.calibration_end is missing: with data.layout = \"summary\" it is the day the \
                     summaries were taken, so the customers' recency and age end there"
                        .into(),
                ));
            };
            if period.observation_end.is_some_and(|end| end.0 != calibration_end.0) {
                return Err(invalid(
                    "period.observation_end is set, but a summary file has no holdout: remove it".into(),
                ));
            }
        }
        if let (Some(calibration_end), Some(observation_end)) =
            (period.calibration_end, period.observation_end)
        {
            if calibration_end.0 >= observation_end.0 {
                return Err(invalid(format!(
                    "period.calibration_end {} must be before period.observation_end {}",
                    calibration_end.0, observation_end.0
                )));
            }
        }

        let value = raw.value;
        let max_horizon = MAX_HORIZON_DAYS / period.time_unit.days();
        if !(value.horizon.is_finite() && value.horizon > 0.0 && value.horizon <= max_horizon) {
            return Err(invalid(format!(
                "value.horizon must be a positive number of {unit}s, at most {max_horizon} {unit}s (100 years), \
                 found {}",
                value.horizon,
                unit = period.time_unit,
            )));
        }
        if !(0.0..1.0).contains(&value.annual_discount_rate) {
            return Err(invalid(format!(
                "value.annual_discount_rate must be in [0, 1) (0.1 means 10% a year), found {}",
                value.annual_discount_rate
            )));
        }
        let has_cost = matches!(&source, Source::Transactions(spec) if spec.cost.is_some());
        let margin = match (value.margin, has_cost) {
            (Some(_), true) => {
                return Err(invalid(
                    "value.margin and data.cost are both set: profit comes from the cost column when there \
                     is one, so remove one of them"
                        .into(),
                ));
            }
            (Some(margin), false) => MarginSource::Configured(parse_margin(margin).map_err(invalid)?),
            (None, true) => MarginSource::CostColumn,
            (None, false) => MarginSource::Configured(Decimal::ONE),
        };

        let (output_dir, primary) = match raw.output {
            Some(output) => (output.dir, output.primary),
            None => (PathBuf::from("out"), None),
        };
        let output_dir = join_lexically(base, &output_dir);
        let models = build_models(raw.models, base).map_err(invalid)?;
        if let Some(primary) = &primary {
            if !models.iter().any(|model| &model.name == primary) {
                let names: Vec<&str> = models.iter().map(|model| model.name.as_str()).collect();
                return Err(invalid(format!(
                    "output.primary {primary:?} names no model: use one of the [[models]] names ({})",
                    names.join(", ")
                )));
            }
        }

        let observation_end = match &source {
            Source::Summaries(_) => None,
            Source::Transactions(_) => period.observation_end.map(|d| d.0),
        };
        Ok(Config {
            path: path.to_path_buf(),
            source,
            unit: period.time_unit,
            calibration_end: period.calibration_end.map(|d| d.0),
            observation_end,
            horizon: value.horizon,
            annual_discount_rate: value.annual_discount_rate,
            margin,
            output_dir,
            models,
            primary,
        })
    }

    /// Per-unit discounting equivalent to the annual rate.
    pub fn discount(&self) -> Discount {
        Discount::from_annual(self.annual_discount_rate, self.unit)
    }
}

/// Validates the `[data]` section into the spec of its layout.
fn source_from(data: DataSection, base: &Path) -> Result<Source, String> {
    let format = match data.separator {
        Separator::Comma => Format::Delimited { delimiter: b',' },
        Separator::Tab => Format::Delimited { delimiter: b'\t' },
        Separator::Semicolon => Format::Delimited { delimiter: b';' },
        Separator::Pipe => Format::Delimited { delimiter: b'|' },
        Separator::Whitespace => Format::Whitespace,
    };
    let invalid_rows = match data.invalid_rows {
        InvalidRows::Stop => InvalidRowPolicy::Error,
        InvalidRows::Skip => InvalidRowPolicy::Skip,
    };
    let path = join_lexically(base, &data.path);

    let transaction_keys = [
        ("date", data.date.is_some()),
        ("amount", data.amount.is_some()),
        ("cost", data.cost.is_some()),
        ("date_format", data.date_format.is_some()),
        ("currency_symbol", data.currency_symbol.is_some()),
        ("thousands_separator", data.thousands_separator.is_some()),
        ("decimal_separator", data.decimal_separator.is_some()),
        ("customer_ids", data.customer_ids.is_some()),
    ];
    let summary_keys = [
        ("frequency", data.frequency.is_some()),
        ("recency", data.recency.is_some()),
        ("age", data.age.is_some()),
        ("count", data.count.is_some()),
        ("monetary_value", data.monetary_value.is_some()),
    ];
    let (misplaced, layout_name) = match data.layout {
        Layout::Transactions => (summary_keys.as_slice(), "transactions"),
        Layout::Summary => (transaction_keys.as_slice(), "summary"),
    };
    if let Some((key, _)) = misplaced.iter().find(|(_, set)| *set) {
        return Err(format!(
            "data.{key} does not apply to data.layout = \"{layout_name}\": remove it, or change data.layout"
        ));
    }

    let columns = [
        ("data.customer", &data.customer),
        ("data.date", &data.date),
        ("data.amount", &data.amount),
        ("data.cost", &data.cost),
        ("data.frequency", &data.frequency),
        ("data.recency", &data.recency),
        ("data.age", &data.age),
        ("data.count", &data.count),
        ("data.monetary_value", &data.monetary_value),
    ];
    for (key, column) in columns {
        if matches!(column, Some(ColumnSetting::Name(_))) && !data.header {
            return Err(format!(
                "{key} names a column by header, but data.header is false: give a 0-based index, \
                 or set data.header = true"
            ));
        }
    }

    let required = |key: &str, column: Option<ColumnSetting>| {
        column.map(|c| ColumnRef::from(&c)).ok_or_else(|| {
            format!("data.{key} is missing: give the column as a 0-based index or a header name")
        })
    };
    match data.layout {
        Layout::Transactions => {
            let date_format = data.date_format.unwrap_or_else(|| "%Y-%m-%d".to_string());
            if date_format.trim().is_empty() {
                return Err("data.date_format is empty: give a format such as \"%Y-%m-%d\"".into());
            }
            let amount_format = AmountFormat {
                currency_symbol: data.currency_symbol,
                thousands_separator: single_char("thousands_separator", data.thousands_separator)?,
                decimal_separator: single_char("decimal_separator", data.decimal_separator)?.unwrap_or('.'),
            };
            let customer_ids = match data.customer_ids {
                None | Some(CustomerIdsSetting::Exact) => CustomerIds::Exact,
                Some(CustomerIdsSetting::IgnoreCase) => CustomerIds::IgnoreCase,
                Some(CustomerIdsSetting::IgnoreCaseAndSpaces) => CustomerIds::IgnoreCaseAndSpaces,
            };
            Ok(Source::Transactions(SourceSpec {
                path,
                format,
                has_header: data.header,
                customer: required("customer", data.customer)?,
                date: required("date", data.date)?,
                amount: required("amount", data.amount)?,
                cost: data.cost.as_ref().map(Into::into),
                date_format,
                invalid_rows,
                amount_format,
                customer_ids,
            }))
        }
        Layout::Summary => Ok(Source::Summaries(SummarySpec {
            path,
            format,
            has_header: data.header,
            customer: data.customer.as_ref().map(Into::into),
            frequency: required("frequency", data.frequency)?,
            recency: required("recency", data.recency)?,
            age: required("age", data.age)?,
            count: data.count.as_ref().map(Into::into),
            monetary_value: data.monetary_value.as_ref().map(Into::into),
            invalid_rows,
        })),
    }
}

/// Reads a setting that must be exactly one character, such as `","`.
fn single_char(key: &str, text: Option<String>) -> Result<Option<char>, String> {
    let Some(text) = text else { return Ok(None) };
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Ok(Some(c)),
        _ => Err(format!("data.{key} must be one character, such as \",\" or \".\", found {text:?}")),
    }
}

/// Joins `relative` to `base`, so that messages show `/work/out/cdnow` rather
/// than `config/../out/cdnow`. An absolute `relative` is kept as it is.
///
/// `base` is canonicalised first, so it contains no symbolic link. Only the
/// leading `..` of `relative` are folded into it, so the result opens the
/// same file as the plain join. When `base` cannot be canonicalised (it does not
/// exist), the plain join is returned.
pub(crate) fn join_lexically(base: &Path, relative: &Path) -> PathBuf {
    use std::path::Component;

    let base = if base.as_os_str().is_empty() { Path::new(".") } else { base };
    let Ok(mut joined) = base.canonicalize() else {
        return base.join(relative);
    };
    let mut components = relative.components().peekable();
    while let Some(Component::ParentDir | Component::CurDir) = components.peek() {
        if components.next() == Some(Component::ParentDir) {
            joined.pop();
        }
    }
    joined.extend(components);
    joined
}

/// Converts the margin written as a TOML float into an exact decimal in (0, 1].
fn parse_margin(margin: f64) -> Result<Decimal, String> {
    // The shortest decimal text of an f64 is what the user wrote (0.3 prints as "0.3").
    let exact = Decimal::from_str(&margin.to_string()).ok().filter(|_| margin.is_finite());
    match exact {
        Some(value) if value > Decimal::ZERO && value <= Decimal::ONE => Ok(value),
        _ => Err(format!("value.margin must be a fraction in (0, 1] (0.3 means 30%), found {margin}")),
    }
}

/// Builds every `[[models]]` entry through the registry, or the plugin loader
/// for `kind = "plugin"`, checking names and kinds. `base` is the config's folder.
fn build_models(tables: Vec<toml::Table>, base: &Path) -> Result<Vec<ConfiguredModel>, String> {
    let mut models: Vec<ConfiguredModel> = Vec::with_capacity(tables.len());
    for (index, mut table) in tables.into_iter().enumerate() {
        let at = format!("models[{index}]");
        let name = take_string(&mut table, "name", &at)?;
        let kind = take_string(&mut table, "kind", &at)?;
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c)) {
            return Err(format!(
                "{at}.name {name:?} is invalid: use letters, digits, '_', '-' and '.', because the name \
                 becomes part of the column names of predictions.csv"
            ));
        }
        if models.iter().any(|m| m.name == name) {
            return Err(format!("{at}.name {name:?} is used twice: model names must be unique"));
        }
        if let Some(column) = clashing_column(&models, &name) {
            return Err(format!(
                "{at}.name {name:?} gives the predictions.csv column {column:?} that another model also \
                 gives: rename one of them"
            ));
        }
        let at_name = |message: String| format!("{at} ({name}): {message}");
        let (model, plugin) = if kind == plugin::KIND {
            let (model, info) = plugin::configure(table, base).map_err(at_name)?;
            (model, Some(info))
        } else {
            (registry::build(&kind, table).map_err(at_name)?, None)
        };
        models.push(ConfiguredModel { name, kind, model, plugin });
    }
    Ok(models)
}

/// Returns a predictions.csv column that `name` would share with one of `models`.
fn clashing_column(models: &[ConfiguredModel], name: &str) -> Option<String> {
    let used: Vec<String> =
        models.iter().flat_map(|model| crate::report::prediction_columns(&model.name)).collect();
    crate::report::prediction_columns(name).into_iter().find(|column| used.contains(column))
}

fn take_string(table: &mut toml::Table, key: &str, at: &str) -> Result<String, String> {
    match table.remove(key) {
        Some(toml::Value::String(text)) => Ok(text),
        Some(other) => Err(format!("{at}.{key} must be a string, found {}", other.type_str())),
        None => Err(format!("{at}.{key} is missing")),
    }
}

#[cfg(test)]
mod tests;
