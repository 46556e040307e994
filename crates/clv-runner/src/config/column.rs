//! A column of the source chosen by 0-based index or by header name.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

/// A column as written in the config: an integer index or a header name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ColumnSetting {
    Index(usize),
    Name(String),
}

impl From<&ColumnSetting> for clv_ingest::ColumnRef {
    fn from(setting: &ColumnSetting) -> Self {
        match setting {
            ColumnSetting::Index(index) => clv_ingest::ColumnRef::Index(*index),
            ColumnSetting::Name(name) => clv_ingest::ColumnRef::Name(name.clone()),
        }
    }
}

impl<'de> Deserialize<'de> for ColumnSetting {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ColumnVisitor)
    }
}

struct ColumnVisitor;

impl Visitor<'_> for ColumnVisitor {
    type Value = ColumnSetting;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a 0-based column index (0, 1, ...) or a header name (\"date\")")
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
        usize::try_from(value)
            .map(ColumnSetting::Index)
            .map_err(|_| E::custom(format!("invalid column index {value}: indexes start at 0")))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
        usize::try_from(value)
            .map(ColumnSetting::Index)
            .map_err(|_| E::custom(format!("invalid column index {value}: too large")))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        if value.trim().is_empty() {
            return Err(E::custom("invalid column name \"\": give a header name or a 0-based index"));
        }
        Ok(ColumnSetting::Name(value.to_string()))
    }
}
