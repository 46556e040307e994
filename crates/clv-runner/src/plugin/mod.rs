//! Models loaded from plugin libraries through the C ABI of `clv-plugin`.
//!
//! A `[[models]]` entry with `kind = "plugin"` names a library, by path
//! (`library`, relative to the config file) or by name (`library_name`,
//! looked up next to the running executable). [`configure`] loads it, checks
//! the ABI version before reading anything else from it, and passes the
//! remaining keys of the entry to the plugin as TOML text.
//!
//! Every failure of a plugin, from a missing file to a panic or an invalid
//! prediction, fails that model only: [`PluginModel`] then returns the
//! reason from `fit` or `predict`, and the run records it in the report.
//!
//! Plugins run in the clv process as trusted code. The loader cannot protect
//! the process from a plugin that corrupts memory, aborts or never returns.
//! Each loaded library stays loaded until the process exits, so no code is
//! unloaded while a model or fitted model from it is alive.

mod columns;
mod configure;
mod error;
mod library;
mod model;
mod validate;

pub use configure::{KIND, PluginInfo, configure};
pub use error::PluginError;
pub use library::{LoadedPlugin, load, resolve_library_name};
pub use model::{PluginFitted, PluginModel};
