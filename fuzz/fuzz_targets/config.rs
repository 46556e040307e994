//! Parses arbitrary text as a run config. Any input must give a config or
//! an error, never a panic.

#![no_main]

use std::path::Path;

use clv_runner::Config;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = Config::from_toml(text, Path::new("fuzz/config.toml"));
});
