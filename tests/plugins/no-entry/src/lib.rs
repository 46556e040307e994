//! A library that exports a function, but not the clv plugin entry symbol.

/// An exported function with another name.
#[unsafe(no_mangle)]
pub extern "C" fn clv_plugin_entry_misspelt() -> u32 {
    1
}
