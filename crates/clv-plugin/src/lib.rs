//! What a clv model plugin depends on.
//!
//! A plugin is a `cdylib` crate that implements [`PluginModel`] (settings
//! into a model) and [`FittedPluginModel`] (a fitted model that predicts),
//! and exports them with [`export_plugin!`]. The author writes no `unsafe`:
//! the macro emits the one exported symbol, and the functions behind it
//! convert the C types of [`abi`] into safe views, catch every panic and
//! turn errors into messages the host can read.
//!
//! ```
//! use clv_plugin::{Customers, FittedPluginModel, PluginError, PluginModel, Prediction, Request};
//!
//! struct Constant { rate: f64 }
//!
//! impl PluginModel for Constant {
//!     const NAME: &'static str = "constant";
//!     const DESCRIPTION: &'static str = "every customer buys at one fixed rate";
//!     type Fitted = Constant;
//!
//!     fn from_settings(settings: &str) -> Result<Self, PluginError> {
//!         #[derive(serde::Deserialize)]
//!         #[serde(deny_unknown_fields)]
//!         struct Settings { rate: f64 }
//!         let settings: Settings = clv_plugin::parse_settings(settings)?;
//!         if !(settings.rate >= 0.0) {
//!             return Err(PluginError::invalid_setting("rate", "must be a non-negative number"));
//!         }
//!         Ok(Constant { rate: settings.rate })
//!     }
//!
//!     fn fit(&self, _customers: &Customers<'_>) -> Result<Constant, PluginError> {
//!         Ok(Constant { rate: self.rate })
//!     }
//! }
//!
//! impl FittedPluginModel for Constant {
//!     fn predict(&self, customers: &Customers<'_>, request: &Request) -> Result<Vec<Prediction>, PluginError> {
//!         let transactions = self.rate * request.horizon;
//!         Ok((0..customers.len()).map(|_| Prediction::new(transactions, 0.0)).collect())
//!     }
//! }
//!
//! clv_plugin::export_plugin!(Constant);
//! ```
//!
//! docs/plugins.md in the clv repository walks through a plugin from
//! `cargo new --lib` to the report, and describes the ABI.

pub mod abi;
mod model;
mod settings;
#[doc(hidden)]
pub mod shim;

pub use abi::{ABI_VERSION, Request};
pub use model::{Customers, FittedPluginModel, PluginError, PluginModel, Prediction};
pub use settings::parse_settings;

/// Builds the descriptor of `M`; [`export_plugin!`] calls it.
#[doc(hidden)]
pub const fn descriptor<M: PluginModel>() -> abi::PluginDescriptor {
    abi::PluginDescriptor {
        abi_version: ABI_VERSION,
        size: std::mem::size_of::<abi::PluginDescriptor>() as u32,
        name: abi::StrRef::new(M::NAME),
        description: abi::StrRef::new(M::DESCRIPTION),
        new_model: shim::new_model::<M>,
        free_model: shim::free_model::<M>,
        fit: shim::fit::<M>,
        free_fitted: shim::free_fitted::<M>,
        predict: shim::predict::<M>,
        parameter_count: shim::parameter_count::<M>,
        parameter: shim::parameter::<M>,
    }
}

/// Exports a [`PluginModel`] as the plugin of this library.
///
/// Use it once per `cdylib`, at the crate root: `clv_plugin::export_plugin!(MyModel);`.
/// It defines the `clv_plugin_entry` symbol that the host looks up.
#[macro_export]
macro_rules! export_plugin {
    ($model:ty) => {
        /// Entry symbol of the clv plugin ABI: returns the plugin's static descriptor.
        #[unsafe(no_mangle)]
        pub extern "C" fn clv_plugin_entry() -> *const $crate::abi::PluginDescriptor {
            static DESCRIPTOR: $crate::abi::PluginDescriptor = $crate::descriptor::<$model>();
            &DESCRIPTOR
        }
    };
}
