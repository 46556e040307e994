//! Renders the report as Markdown.

use std::fmt::Write;

use super::{ModelReport, Report};

/// Formats an optional number with 4 decimal places, or a dash when there is none.
pub(crate) fn optional(value: Option<f64>) -> String {
    value.map_or_else(|| "-".to_string(), fixed4)
}

/// Escapes text from the data for a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\r', '\n'], " ")
}

fn fixed4(value: f64) -> String {
    format!("{value:.4}")
}

fn fixed1(value: f64) -> String {
    format!("{value:.1}")
}

/// Renders report.md.
pub fn render_markdown(report: &Report) -> String {
    let mut out = String::new();
    let data = &report.data;
    let rows = &data.rows;
    let customers = &data.customers;

    out.push_str("# CLV report\n\n## Data\n\n| | |\n|---|---|\n");
    let mut line = |label: &str, value: String| {
        let _ = writeln!(out, "| {label} | {value} |");
    };
    line("source", data.source.clone());
    super::accounting::write_lines(rows, customers, &mut line);
    line("first purchase date", data.first_date.clone());
    line("last purchase date", data.last_date.clone());
    line("calibration end", data.calibration_end.clone());
    line("observation end", data.observation_end.clone());
    line("time unit", data.time_unit.clone());
    line(&format!("holdout length ({}s)", data.time_unit), data.holdout_length.to_string());
    line("repeat purchases in calibration", data.calibration_repeat_purchases.to_string());
    line("purchases in holdout", data.holdout_purchases.to_string());
    line("calibration revenue", data.calibration_revenue.clone());

    if !data.first_rejections.is_empty() {
        out.push_str("\n### First rejected rows\n\n| line | column | value | reason |\n|---|---|---|---|\n");
        for row in &data.first_rejections {
            let value =
                if row.value.is_empty() { "(empty)".to_string() } else { format!("`{}`", cell(&row.value)) };
            let _ = writeln!(out, "| {} | {} | {value} | {} |", row.line, cell(&row.column), row.reason);
        }
    }

    let settings = &report.settings;
    let _ = write!(
        out,
        "\n## Settings\n\n| | |\n|---|---|\n| horizon ({unit}s) | {} |\n| annual discount rate | {} |\n\
         | discount rate per {unit} | {} |\n| gross margin | {} ({}) |\n",
        settings.horizon,
        settings.annual_discount_rate,
        settings.discount_rate_per_unit,
        settings.margin,
        if settings.margin_source == "cost_column" { "from the cost column" } else { "from the config" },
        unit = settings.time_unit,
    );

    out.push_str(
        "\n## Comparison\n\nCLV is the discounted margin expected over the horizon. The backtest compares \
         predicted and actual purchase days in the holdout period.\n\n\
         | model | kind | status | CLV total | CLV mean | CLV median | CLV p90 | top 10% share \
         | holdout MAE | holdout RMSE | predicted purchases | actual purchases | Spearman (value) |\n\
         |---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for model in &report.models {
        let _ = writeln!(out, "| {} |", comparison_cells(model).join(" | "));
    }
    if report.models.iter().any(|model| model.status == "not_converged") {
        out.push_str(
            "\nStatus not_converged: the fit did not meet its convergence criterion, or an estimate ran \
             to a limit (more than 10,000 times from its starting value, where the data cannot identify \
             it). Its numbers are shown but are not a reliable optimum.\n",
        );
    }

    super::markdown_diagnostics::render_diagnostics(&mut out, report);

    out.push_str("\n## Models\n");
    for model in &report.models {
        render_model(&mut out, model);
    }
    out
}

/// Cells of a model's row in the comparison table, shared with the terminal table.
pub(crate) fn comparison_cells(model: &ModelReport) -> Vec<String> {
    let mut cells = vec![model.name.clone(), model.kind.clone(), model.status.clone()];
    match &model.metrics {
        Some(metrics) => {
            let clv = &metrics.clv;
            cells.extend([
                clv.total.clone(),
                clv.mean.clone(),
                clv.median.clone(),
                clv.p90.clone(),
                optional(clv.top_decile_share),
            ]);
            match &metrics.backtest {
                Some(backtest) => cells.extend([
                    fixed4(backtest.mae),
                    fixed4(backtest.rmse),
                    fixed1(backtest.predicted_transactions),
                    fixed1(backtest.actual_transactions),
                    optional(backtest.spearman_value),
                ]),
                None => cells.extend(std::iter::repeat_n("-".to_string(), 5)),
            }
        }
        None => cells.extend(std::iter::repeat_n("-".to_string(), 10)),
    }
    cells
}

fn render_model(out: &mut String, model: &ModelReport) {
    let _ = writeln!(out, "\n### {} ({})\n", model.name, model.kind);
    if let Some(error) = &model.error {
        let _ = writeln!(out, "Failed: {error}");
        return;
    }
    if let Some(population) = model.metrics.as_ref().and_then(|m| m.population_clv.as_ref()) {
        let _ = writeln!(out, "CLV of the average customer: {population}\n");
    }
    if model.params.is_empty() {
        out.push_str("No estimated parameters.\n");
    } else {
        out.push_str("| parameter | value | std. error |\n|---|---:|---:|\n");
        for param in &model.params {
            let _ =
                writeln!(out, "| {} | {} | {} |", param.name, fixed4(param.value), optional(param.std_error));
        }
    }
    for (label, fit) in [("Fit", &model.fit), ("Spend fit", &model.spend_fit)] {
        if let Some(fit) = fit {
            let _ = writeln!(
                out,
                "\n{label}: log-likelihood {:.4}, AIC {:.4}, BIC {:.4}, {} iterations, converged: {}.",
                fit.log_likelihood, fit.aic, fit.bic, fit.iterations, fit.converged
            );
        }
    }
}
