//! Built-in CLV models of the clv toolkit.
//!
//! | kind          | model                  | predicts from                                         |
//! |---------------|------------------------|-------------------------------------------------------|
//! | `historical`  | [`Historical`]         | each customer's own past repeat rate and revenue      |
//! | `formula`     | [`Formula`]            | the textbook `T x AOV x AGM x ALT` of the population  |
//! | `bg_nbd`      | [`bg_nbd::BgNbd`]      | BG/NBD purchase and dropout process (Fader, Hardie & Lee 2005) |
//! | `pareto_nbd`  | [`pareto_nbd::ParetoNbd`] | Pareto/NBD process (Schmittlein, Morrison & Colombo 1987) |
//! | `mbg_nbd`     | [`mbg_nbd::MbgNbd`]    | MBG/NBD process (Batislam, Denizel & Filiztekin 2007) |
//! | `bg_bb`       | [`bg_bb::BgBb`]        | BG/BB process over discrete opportunities (Fader, Hardie & Shang 2010) |
//! | `gamma_gamma` | [`gamma_gamma::FittedGammaGamma`] | spend per purchase day, used by the four processes (Fader & Hardie 2013) |
//!
//! Each model goes through three types. Its settings type (for example
//! [`FormulaSettings`]) deserializes from the model's config table, without
//! the `name` and `kind` keys, and rejects unknown keys. `validate` checks the
//! ranges and returns the model, which implements [`clv_core::ClvModel`].
//! Fitting returns a boxed [`clv_core::FittedModel`] that predicts.
//!
//! Each model module exposes `KIND`, its registry name, and `DESCRIPTION`,
//! one line for the model listing; the runner's registry lists them all.

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
