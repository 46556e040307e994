//! A `[[models]]` entry of kind `plugin`: which library it names, and the
//! model built from it.

use std::path::Path;

use clv_core::ClvModel;

use super::error::PluginError;
use super::library::{self, LoadedPlugin};
use super::model::PluginModel;

/// The `kind` of a `[[models]]` entry that names a plugin library.
pub const KIND: &str = "plugin";

/// Outcome of loading a config's plugin entry, for `clv models --config`.
#[derive(Clone, Debug)]
pub struct PluginInfo {
    /// The library as the config names it: the resolved path, or the name when it was not found.
    pub library: String,
    /// Model name from the plugin's descriptor, once loaded.
    pub plugin_name: Option<String>,
    /// One line from the plugin's descriptor, once loaded.
    pub description: Option<String>,
    /// ABI version the library declares, when it could be read.
    pub abi_version: Option<u32>,
    /// `None` when the library loaded and accepted the settings, or the error.
    pub error: Option<PluginError>,
}

/// Builds the model of a plugin entry from the keys that remain after `name`
/// and `kind`: `library` (a path relative to `base`, the config's folder) or
/// `library_name`, and the plugin's own settings.
///
/// An `Err` is a config error (neither or both library keys, a wrong type).
/// A library that cannot be loaded, or settings it rejects, give a model
/// whose `fit` returns the reason, so that only this model fails.
pub fn configure(mut table: toml::Table, base: &Path) -> Result<(Box<dyn ClvModel>, PluginInfo), String> {
    let library = take_string(&mut table, "library")?;
    let library_name = take_string(&mut table, "library_name")?;
    let (shown, path) = match (library, library_name) {
        (Some(relative), None) => {
            let path = crate::config::join_lexically(base, Path::new(&relative));
            (path.display().to_string(), Ok(path))
        }
        (None, Some(name)) => match library::resolve_library_name(&name) {
            Ok(path) => (path.display().to_string(), Ok(path)),
            Err(error) => (name, Err(error)),
        },
        (Some(_), Some(_)) => {
            return Err(
                "library and library_name are both set: name the plugin library by one of them".into()
            );
        }
        (None, None) => {
            return Err(format!(
                "kind = \"{KIND}\" needs the plugin library: set library (a path relative to the config file) \
                 or library_name (a library built with clv, such as \"clv_model_nbd\")"
            ));
        }
    };

    let settings =
        toml::to_string(&table).map_err(|error| format!("cannot pass the settings on: {error}"))?;
    let plugin = path.and_then(|path| library::load(&path));
    let info = |plugin: Option<&LoadedPlugin>, error: Option<PluginError>| PluginInfo {
        library: shown.clone(),
        plugin_name: plugin.map(|p| p.name.clone()),
        description: plugin.map(|p| p.description.clone()),
        abi_version: plugin
            .map(|p| p.abi_version)
            .or_else(|| error.as_ref().and_then(PluginError::abi_version)),
        error,
    };
    let loaded = plugin.as_ref().ok().cloned();
    let model = PluginModel::new(plugin, &settings);
    let info = info(loaded.as_deref(), model.error().cloned());
    if let Some(error) = &info.error {
        log::info!("plugin model from {} cannot be used: {error}", info.library);
    }
    Ok((Box::new(model), info))
}

fn take_string(table: &mut toml::Table, key: &str) -> Result<Option<String>, String> {
    match table.remove(key) {
        Some(toml::Value::String(text)) => Ok(Some(text)),
        Some(other) => Err(format!("{key} must be a string, found {}", other.type_str())),
        None => Ok(None),
    }
}
