//! The model kinds a config can name, and how each is built from its settings.

use clv_core::{ClvModel, ModelError};
use clv_models::{formula, historical};
use serde::de::DeserializeOwned;

/// A model kind of the registry.
#[derive(Clone, Copy)]
pub struct ModelKind {
    /// Name used as `kind` in the config.
    pub name: &'static str,
    /// One line for `clv models`.
    pub description: &'static str,
    build: fn(toml::Table) -> Result<Box<dyn ClvModel>, String>,
}

/// Every built-in model kind, in the order `clv models` lists them.
pub const KINDS: &[ModelKind] = &[
    ModelKind {
        name: historical::KIND,
        description: historical::DESCRIPTION,
        build: |table| build_from(table, historical::HistoricalSettings::validate),
    },
    ModelKind {
        name: formula::KIND,
        description: formula::DESCRIPTION,
        build: |table| build_from(table, formula::FormulaSettings::validate),
    },
];

/// Names of the kinds, for error messages.
pub fn kind_names() -> Vec<&'static str> {
    KINDS.iter().map(|kind| kind.name).collect()
}

/// Builds a model of `kind` from the rest of its `[[models]]` table.
pub fn build(kind: &str, settings: toml::Table) -> Result<Box<dyn ClvModel>, String> {
    let Some(entry) = KINDS.iter().find(|entry| entry.name == kind) else {
        return Err(format!("unknown model kind {kind:?}: valid kinds are {}", kind_names().join(", ")));
    };
    (entry.build)(settings)
}

/// Deserializes settings of type `S` and validates them into a model.
fn build_from<S, M>(
    table: toml::Table,
    validate: impl FnOnce(S) -> Result<M, ModelError>,
) -> Result<Box<dyn ClvModel>, String>
where
    S: DeserializeOwned,
    M: ClvModel + 'static,
{
    let settings: S = toml::Value::Table(table).try_into().map_err(|error: toml::de::Error| {
        // The message names the key, but its position would point into a
        // re-serialised table, not into the config file.
        error.message().to_string()
    })?;
    let model = validate(settings).map_err(|error| error.to_string())?;
    Ok(Box::new(model))
}
