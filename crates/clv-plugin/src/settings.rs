//! Settings text from the host into a plugin's own settings type.

use serde::de::DeserializeOwned;

use crate::model::PluginError;

/// Parses the settings TOML text that [`PluginModel::from_settings`](crate::PluginModel::from_settings)
/// receives into `T`. Derive `serde::Deserialize` on `T` with
/// `#[serde(deny_unknown_fields)]` so that a misspelt key is an error.
///
/// The error names the key when TOML points at one: an unknown key, a key of
/// the wrong type, or a required key that is missing.
pub fn parse_settings<T: DeserializeOwned>(text: &str) -> Result<T, PluginError> {
    toml::from_str(text).map_err(|error| {
        let message = error.message().trim_end().to_string();
        match error.span().and_then(|span| key_at(text, span.start)) {
            Some(key) if !message.contains(&format!("`{key}`")) => PluginError::invalid_setting(key, message),
            _ => PluginError::new(format!("invalid settings: {message}")),
        }
    })
}

/// Returns the key of the `key = value` line that contains byte `offset`.
fn key_at(text: &str, offset: usize) -> Option<String> {
    let start = text[..offset.min(text.len())].rfind('\n').map_or(0, |newline| newline + 1);
    let line = text[start..].lines().next()?;
    let (key, _) = line.split_once('=')?;
    let key = key.trim().trim_matches('"');
    (!key.is_empty()).then(|| key.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Settings {
        #[serde(default)]
        tail: f64,
        #[serde(default)]
        weeks: u32,
    }

    #[test]
    fn wrong_type_names_the_key() {
        let error = parse_settings::<Settings>("weeks = 3\ntail = \"long\"\n").unwrap_err();
        assert_eq!(error.key(), Some("tail"), "{error}");
        assert!(error.to_string().contains("expected f64"), "{error}");
    }

    #[test]
    fn unknown_key_is_named() {
        let error = parse_settings::<Settings>("tial = 1.0\n").unwrap_err();
        assert!(error.to_string().contains("`tial`"), "{error}");
    }

    #[test]
    fn empty_text_gives_defaults() {
        let settings = parse_settings::<Settings>("").unwrap();
        assert_eq!(settings.weeks, 0);
    }
}
