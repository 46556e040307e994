//! The model kinds a config can name, and how each is built from its settings.

use clv_core::{ClvModel, ModelError};
use clv_models::{bg_bb, bg_nbd, formula, gamma_gamma, historical, mbg_nbd, pareto_nbd};
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
    ModelKind {
        name: bg_nbd::KIND,
        description: bg_nbd::DESCRIPTION,
        build: |table| build_from(table, bg_nbd::BgNbdSettings::validate),
    },
    ModelKind {
        name: pareto_nbd::KIND,
        description: pareto_nbd::DESCRIPTION,
        build: |table| build_from(table, pareto_nbd::ParetoNbdSettings::validate),
    },
    ModelKind {
        name: mbg_nbd::KIND,
        description: mbg_nbd::DESCRIPTION,
        build: |table| build_from(table, mbg_nbd::MbgNbdSettings::validate),
    },
    ModelKind {
        name: bg_bb::KIND,
        description: bg_bb::DESCRIPTION,
        build: |table| build_from(table, bg_bb::BgBbSettings::validate),
    },
];

/// Spend models, which a transaction model names in its `spend` setting
/// rather than in a `[[models]]` table of their own: (name, description).
pub const SPEND_KINDS: &[(&str, &str)] = &[(gamma_gamma::KIND, gamma_gamma::DESCRIPTION)];

/// Names of the kinds, for error messages.
pub fn kind_names() -> Vec<&'static str> {
    KINDS.iter().map(|kind| kind.name).collect()
}

/// Builds a model of `kind` from the rest of its `[[models]]` table.
pub fn build(kind: &str, settings: toml::Table) -> Result<Box<dyn ClvModel>, String> {
    if SPEND_KINDS.iter().any(|(name, _)| *name == kind) {
        return Err(format!(
            "{kind:?} is a spend model, not a model of its own: set spend = {kind:?} in a transaction \
             model ({})",
            ["bg_nbd", "pareto_nbd", "mbg_nbd", "bg_bb"].join(", ")
        ));
    }
    let Some(entry) = KINDS.iter().find(|entry| entry.name == kind) else {
        return Err(format!(
            "unknown model kind {kind:?}: valid kinds are {} and {:?} for a plugin library",
            kind_names().join(", "),
            crate::plugin::KIND
        ));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_unique_and_described() {
        let mut names: Vec<&str> = kind_names();
        names.extend(SPEND_KINDS.iter().map(|(name, _)| *name));
        let count = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), count);
        for kind in KINDS {
            assert!(!kind.description.is_empty(), "{}", kind.name);
            assert!(!kind.description.contains('\n'), "{}", kind.name);
        }
    }

    #[test]
    fn every_kind_builds_from_empty_table() {
        for kind in KINDS {
            let model = build(kind.name, toml::Table::new()).unwrap();
            assert_eq!(model.kind(), kind.name);
        }
    }
}
