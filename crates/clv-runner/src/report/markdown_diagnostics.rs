//! Renders the diagnostics and segments sections of report.md.

use std::fmt::Write;

use super::Report;
use super::diagnostics::{CustomerRowReport, DiagnosticsReport, FREQUENCY_LABELS};
use super::markdown::optional;

/// Models that did not fail, with their diagnostics.
fn diagnosed(report: &Report) -> Vec<(&str, &DiagnosticsReport)> {
    report.models.iter().filter_map(|m| m.diagnostics.as_ref().map(|d| (m.name.as_str(), d))).collect()
}

fn header(out: &mut String, first: &str, columns: &[&str]) {
    let _ = writeln!(out, "| {first} | {} |", columns.join(" | "));
    let _ = writeln!(out, "|---|{}", "---:|".repeat(columns.len()));
}

/// Renders the holdout accuracy, the binned diagnostics, the segments and the deciles.
pub(crate) fn render_diagnostics(out: &mut String, report: &Report) {
    render_accuracy(out, report);
    let models = diagnosed(report);
    let names: Vec<&str> = models.iter().map(|(name, _)| *name).collect();
    let Some(cohort) = &report.cohort else { return };

    if let Some(actual) = &cohort.holdout_actual_by_frequency {
        out.push_str(
            "\n## Calibration vs holdout\n\nMean holdout purchase days by calibration frequency (repeat \
             purchase days).\n\n",
        );
        let mut columns = vec!["customers", "actual"];
        columns.extend(&names);
        header(out, "frequency", &columns);
        for (bin, label) in FREQUENCY_LABELS.iter().enumerate() {
            let mut cells = vec![cohort.period_actual[bin].to_string(), optional(actual[bin])];
            for (_, diagnostics) in &models {
                let predicted = diagnostics.holdout_predicted_by_frequency.as_ref().and_then(|p| p[bin]);
                cells.push(optional(predicted));
            }
            let _ = writeln!(out, "| {label} | {} |", cells.join(" | "));
        }
    }

    out.push_str(
        "\n## Period transactions\n\nCustomers by calibration frequency, actual and model-expected.\n\n",
    );
    let period_models: Vec<_> = models.iter().filter(|(_, d)| d.period_expected.is_some()).collect();
    let mut columns = vec!["actual"];
    columns.extend(period_models.iter().map(|(name, _)| *name));
    header(out, "frequency", &columns);
    for (bin, label) in FREQUENCY_LABELS.iter().enumerate() {
        let mut cells = vec![cohort.period_actual[bin].to_string()];
        for (_, diagnostics) in &period_models {
            cells.push(optional(diagnostics.period_expected.as_ref().map(|p| p[bin])));
        }
        let _ = writeln!(out, "| {label} | {} |", cells.join(" | "));
    }

    render_tracking(out, report, &models);
    render_undefined(out, &models);
    render_segments(out, report, &models);
    render_deciles(out, &models);
}

fn render_accuracy(out: &mut String, report: &Report) {
    if !report.models.iter().any(|m| m.metrics.as_ref().is_some_and(|metrics| metrics.backtest.is_some())) {
        out.push_str("\n## Holdout accuracy\n\nThe run has no holdout period, so no model is backtested.\n");
        return;
    }
    out.push_str(
        "\n## Holdout accuracy\n\nPurchase days per customer: MSLE is the mean of (ln(1 + predicted) - \
         ln(1 + actual))^2 and bias is sum predicted / sum actual - 1. Ranking by predicted against \
         actual holdout revenue: normalised Gini and the share of actual revenue held by the top 10%.\n\n",
    );
    header(out, "model", &["MAE", "RMSE", "MSLE", "bias", "Spearman", "Gini", "top-decile capture"]);
    for model in &report.models {
        let Some(backtest) = model.metrics.as_ref().and_then(|m| m.backtest.as_ref()) else {
            let _ = writeln!(out, "| {} | - | - | - | - | - | - | - |", model.name);
            continue;
        };
        let _ = writeln!(
            out,
            "| {} | {:.4} | {:.4} | {} | {} | {} | {} | {} |",
            model.name,
            backtest.mae,
            backtest.rmse,
            optional(backtest.msle),
            optional(backtest.bias),
            optional(backtest.spearman_value),
            optional(backtest.gini_value),
            optional(backtest.top_decile_capture)
        );
    }
}

fn render_tracking(out: &mut String, report: &Report, models: &[(&str, &DiagnosticsReport)]) {
    let Some(cohort) = &report.cohort else { return };
    let unit = &report.data.time_unit;
    let _ = write!(
        out,
        "\n## Tracking\n\nRepeat purchase days of all customers over {} {unit}s from {}, the first {} \
         of them calibration periods. Each model's expectation sums E[X(t)] over the customers \
         from their own first purchase. A model without E[X(t)] has only the holdout, summed \
         from its predictions. report.json and report.html have every {unit}.\n\n",
        cohort.periods, cohort.tracking_start, cohort.calibration_periods
    );
    header(out, "series", &["calibration periods", "holdout periods", "all periods"]);
    let calibration = cohort.calibration_periods;
    let row = |out: &mut String, name: &str, values: &[f64]| {
        let before: f64 = values[..calibration].iter().sum();
        let after: f64 = values[calibration..].iter().sum();
        let _ = writeln!(out, "| {name} | {before:.1} | {after:.1} | {:.1} |", before + after);
    };
    match &cohort.tracking_actual {
        Some(actual) => row(out, "actual", &actual.iter().map(|v| *v as f64).collect::<Vec<_>>()),
        None => out.push_str("| actual | - | - | - |\n"),
    }
    for (name, diagnostics) in models {
        if let Some(expected) = &diagnostics.tracking_expected {
            row(out, name, expected);
        } else if let Some(holdout) = &diagnostics.tracking_holdout_expected {
            let _ = writeln!(out, "| {name} | - | {:.1} | - |", holdout.iter().sum::<f64>());
        }
    }
}

fn render_undefined(out: &mut String, models: &[(&str, &DiagnosticsReport)]) {
    let lines: Vec<String> = models
        .iter()
        .filter(|(_, d)| !d.undefined.is_empty())
        .map(|(name, d)| format!("- {name} does not define: {}.", d.undefined.join("; ")))
        .collect();
    if !lines.is_empty() {
        let _ = write!(out, "\n{}\n", lines.join("\n"));
    }
}

fn render_segments(out: &mut String, report: &Report, models: &[(&str, &DiagnosticsReport)]) {
    out.push_str("\n## Value segments\n\nCustomers, predicted CLV and share of the total, by tier of predicted CLV.\n\n");
    header(out, "model", &["top 1%", "next 9%", "next 40%", "bottom 50%"]);
    for (name, diagnostics) in models {
        let cells: Vec<String> = diagnostics
            .tiers
            .iter()
            .map(|tier| format!("{} / {} / {}", tier.customers, tier.total, optional(tier.share)))
            .collect();
        let _ = writeln!(out, "| {name} | {} |", cells.join(" | "));
    }

    let Some(segments) = &report.segments else {
        out.push_str("\nNo primary model: every model failed, or the configured one did.\n");
        return;
    };
    let _ = writeln!(out, "\n### Primary model: {}", segments.model);
    let grid = models
        .iter()
        .find(|(name, _)| *name == segments.model)
        .and_then(|(_, d)| d.value_alive_grid.as_ref());
    if let Some(grid) = grid {
        out.push_str("\nCustomers and predicted CLV by tier and P(alive): active >= 0.7, uncertain 0.3 to 0.7, lapsing < 0.3.\n\n");
        header(out, "tier", &["active", "uncertain", "lapsing"]);
        for row in grid.chunks(3) {
            let cells: Vec<String> =
                row.iter().map(|cell| format!("{} / {}", cell.customers, cell.total)).collect();
            let _ = writeln!(out, "| {} | {} |", row[0].tier, cells.join(" | "));
        }
    }
    if let Some(lapsing) = &segments.high_value_lapsing {
        let _ = writeln!(
            out,
            "\nHigh value, likely lapsing (top 10% by CLV, P(alive) < 0.3): {} customer{}, predicted CLV {}.",
            lapsing.count,
            if lapsing.count == 1 { "" } else { "s" },
            lapsing.total
        );
        if !lapsing.customers.is_empty() {
            out.push('\n');
            customer_table(out, &lapsing.customers);
        }
    }
    out.push_str("\n### Top customers\n\n");
    customer_table(out, &segments.top_customers);
}

fn customer_table(out: &mut String, customers: &[CustomerRowReport]) {
    out.push_str(
        "| customer | CLV | expected purchases | P(alive) | frequency | recency | T | revenue | tier |\n",
    );
    out.push_str("|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for c in customers {
        let _ = writeln!(
            out,
            "| {} | {} | {:.4} | {} | {} | {:.4} | {:.4} | {} | {} |",
            c.id.replace('|', "\\|"),
            c.clv,
            c.expected_transactions,
            optional(c.p_alive),
            c.frequency,
            c.recency,
            c.age,
            c.revenue,
            c.tier
        );
    }
}

fn render_deciles(out: &mut String, models: &[(&str, &DiagnosticsReport)]) {
    let with_deciles: Vec<_> =
        models.iter().filter_map(|(name, d)| d.deciles.as_ref().map(|x| (name, x))).collect();
    if with_deciles.is_empty() {
        return;
    }
    out.push_str("\n## Deciles\n\nCustomers ranked by predicted holdout revenue in ten groups, highest first: predicted / actual.\n\n");
    header(out, "model", &["decile", "revenue", "purchases"]);
    for (name, deciles) in with_deciles {
        for decile in deciles {
            let _ = writeln!(
                out,
                "| {name} | {} | {} / {} | {:.4} / {:.4} |",
                decile.decile,
                decile.predicted_revenue,
                decile.actual_revenue,
                decile.predicted_transactions,
                decile.actual_transactions
            );
        }
    }
}
