//! Renders report.html: one self-contained page with inline SVG charts,
//! inline styles and no script, font or link to fetch.

use minijinja::{Environment, context};

use super::Report;
use super::html_charts::charts;

/// The page template; its `.html` name turns on HTML escaping of every value.
const TEMPLATE: &str = include_str!("report.html.j2");

/// Renders report.html from the report alone.
pub fn render_html(report: &Report) -> Result<String, minijinja::Error> {
    let mut environment = Environment::new();
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
