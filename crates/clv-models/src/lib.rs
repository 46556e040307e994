//! Built-in CLV models of the clv toolkit.
//!
//! | kind         | model                  | predicts from                                        |
//! |--------------|------------------------|------------------------------------------------------|
//! | `historical` | [`Historical`]         | each customer's own past repeat rate and revenue     |
//! | `formula`    | [`Formula`]            | the textbook `T x AOV x AGM x ALT` of the population |
//!
//! Each model goes through three types. Its settings type (for example
//! [`FormulaSettings`]) deserializes from the model's config table, without
//! the `name` and `kind` keys, and rejects unknown keys. `validate` checks the
//! ranges and returns the model, which implements [`clv_core::ClvModel`].
//! Fitting returns a boxed [`clv_core::FittedModel`] that predicts.
//!
//! Each model module exposes `KIND`, its registry name, and `DESCRIPTION`,
//! one line for the model listing. [`KINDS`] lists both for every built-in model.

pub mod bg_bb;
pub mod bg_nbd;
pub mod btyd;
pub mod fit;
pub mod formula;
pub mod gamma_gamma;
pub mod historical;
pub mod mbg_nbd;
pub mod pareto_nbd;
pub mod special;

mod money;
mod request;

#[cfg(test)]
mod test_support;

pub use formula::{FittedFormula, Formula, FormulaSettings, Lifetime, LifetimeEstimate};
pub use historical::{FittedHistorical, Historical, HistoricalSettings};

/// `(kind, description)` of every built-in model, in the order of the model listing.
pub const KINDS: &[(&str, &str)] =
    &[(historical::KIND, historical::DESCRIPTION), (formula::KIND, formula::DESCRIPTION)];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_unique_and_described() {
        assert_eq!(KINDS.len(), 2);
        assert_ne!(KINDS[0].0, KINDS[1].0);
        for (kind, description) in KINDS {
            assert!(!description.is_empty(), "{kind}");
            assert!(!description.contains('\n'), "{kind}");
        }
    }

    #[test]
    fn kinds_match_models() {
        let historical = HistoricalSettings::default().validate().unwrap();
        let formula = FormulaSettings::default().validate().unwrap();
        assert_eq!(clv_core::ClvModel::kind(&historical), KINDS[0].0);
        assert_eq!(clv_core::ClvModel::kind(&formula), KINDS[1].0);
    }
}
