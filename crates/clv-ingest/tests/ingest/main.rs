//! Integration tests of reading transaction logs and summary files.

mod common;
mod delimited;
mod fast_reader;
mod open_errors;
mod random_logs;
mod rejections;
mod summaries;
mod unclosed_quotes;
mod values;
mod whitespace;
