//! Errors of loading a plugin library and of calling into it.

use std::path::PathBuf;

/// Errors of a plugin: its library cannot be used, or a call into it failed.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum PluginError {
    #[error(
        "plugin library {} not found: build the plugin (cargo build --release in its crate) and check \
         `library` in the config, which is relative to the config file",
        path.display()
    )]
    NotFound { path: PathBuf },
    #[error(
        "plugin library {name:?} not found next to the clv executable (searched {}): build it in the clv \
         workspace with cargo build --release, or name the file with `library` instead",
        searched.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
    )]
    NotBuilt { name: String, searched: Vec<PathBuf> },
    #[error("cannot load plugin library {}: {message}", path.display())]
    Open { path: PathBuf, message: String },
    #[error(
        "plugin library {} has no `{symbol}` symbol: export the model with clv_plugin::export_plugin! \
         ({message})",
        path.display()
    )]
    MissingEntry { path: PathBuf, symbol: &'static str, message: String },
    #[error("plugin library {}: `{symbol}` returned a null descriptor", path.display())]
    NullDescriptor { path: PathBuf, symbol: &'static str },
    #[error(
        "plugin library {} uses plugin ABI version {found}, but this clv supports version {supported}: \
         rebuild the plugin against clv-plugin with ABI version {supported}",
        path.display()
    )]
    AbiMismatch { path: PathBuf, found: u32, supported: u32 },
    #[error(
        "plugin library {}: its descriptor is {found} bytes, smaller than the {expected} bytes of ABI \
         version {version}: the library is not a valid clv plugin",
        path.display()
    )]
    DescriptorTooSmall { path: PathBuf, found: u32, expected: usize, version: u32 },
    #[error("plugin library {}: its {field} is not UTF-8", path.display())]
    InvalidText { path: PathBuf, field: &'static str },
    #[error("plugin {plugin} ({}) {outcome} in {operation}: {message}", path.display())]
    Call { plugin: String, path: PathBuf, operation: &'static str, outcome: &'static str, message: String },
}

impl PluginError {
    /// ABI version the library declared, when the error is a version mismatch.
    pub fn abi_version(&self) -> Option<u32> {
        match self {
            PluginError::AbiMismatch { found, .. } => Some(*found),
            _ => None,
        }
    }
}
