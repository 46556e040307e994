//! Integration tests of reading transaction logs from files.

mod common;
mod delimited;
mod open_errors;
mod rejections;
mod whitespace;
