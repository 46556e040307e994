//! Renders report.html: one self-contained page with inline SVG charts,
//! inline styles and no script, font or link to fetch.

use minijinja::{Environment, Value, context};

use super::Report;
use super::html_charts::charts;

/// The page template; its `.html` name turns on HTML escaping of every value.
const TEMPLATE: &str = include_str!("report.html.j2");

/// Renders report.html from the report alone.
pub fn render_html(report: &Report) -> Result<String, minijinja::Error> {
    let mut environment = Environment::new();
    environment.add_filter("fixed", fixed);
    environment.add_template("report.html", TEMPLATE)?;
    let template = environment.get_template("report.html")?;
    let has_deciles =
        report.models.iter().any(|m| m.diagnostics.as_ref().is_some_and(|d| d.deciles.is_some()));
    template.render(context! {
        report => report,
        charts => charts(report),
        has_deciles => has_deciles,
    })
}

/// Formats a real number with 4 decimal places, the report's rounding, and
/// leaves integers and text as they are. The shown text parses back to the
/// report.json value.
fn fixed(value: Value) -> String {
    if value.is_integer() {
        return value.to_string();
    }
    match f64::try_from(value.clone()) {
        Ok(number) => format!("{number:.4}"),
        Err(_) => value.to_string(),
    }
}
