//! `clv models`: the built-in model kinds, and the plugins a config names.

use std::path::Path;
use std::process::ExitCode;

use clv_runner::plugin::{self, PluginInfo};
use clv_runner::registry::{KINDS, SPEND_KINDS};

const PLUGIN_DESCRIPTION: &str = "Plugin: a model from a library that the config names (see docs/plugins.md)";

/// Prints the kinds, then the plugin entries of `config` if given; exits
/// with [`crate::EXIT_MODEL_FAILED`] when a plugin cannot be used.
pub fn list(config: Option<&Path>) -> anyhow::Result<ExitCode> {
    // The config is read first, so that an invalid one prints only its error.
    let loaded = config.map(|path| crate::load_config(path).map(|config| (path, config))).transpose()?;

    let mut kinds: Vec<(&str, &str)> = KINDS.iter().map(|kind| (kind.name, kind.description)).collect();
    kinds.extend(SPEND_KINDS.iter().copied());
    kinds.push((plugin::KIND, PLUGIN_DESCRIPTION));
    let width = kinds.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
    for (name, description) in &kinds {
        println!("{name:width$}  {description}");
    }

    let Some((path, config)) = loaded else {
        return Ok(ExitCode::SUCCESS);
    };
    let plugins: Vec<(&str, &PluginInfo)> =
        config.models.iter().filter_map(|m| m.plugin.as_ref().map(|info| (m.name.as_str(), info))).collect();
    println!();
    if plugins.is_empty() {
        println!("{} names no plugin model.", path.display());
        return Ok(ExitCode::SUCCESS);
    }
    println!("Plugin models of {}:", path.display());
    let width = plugins.iter().map(|(name, _)| name.len()).max().unwrap_or(0);
    let indent = " ".repeat(width + 2);
    for (name, info) in &plugins {
        let status = if info.error.is_none() { "loaded" } else { "failed" };
        let version = info.abi_version.map_or("unknown".to_string(), |v| v.to_string());
        println!("{name:width$}  {status}  ABI version {version}  {}", info.library);
        match (&info.error, &info.plugin_name, &info.description) {
            (Some(error), _, _) => println!("{indent}{error}"),
            (None, Some(plugin), Some(description)) => println!("{indent}{plugin}: {description}"),
            (None, _, _) => {}
        }
    }
    let failed = plugins.iter().any(|(_, info)| info.error.is_some());
    Ok(if failed { ExitCode::from(crate::EXIT_MODEL_FAILED) } else { ExitCode::SUCCESS })
}
