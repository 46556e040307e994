//! Renders the diagnostics and segments sections of report.md.
