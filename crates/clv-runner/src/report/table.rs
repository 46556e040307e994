//! Renders the side-by-side comparison for a terminal.

use comfy_table::{Cell, CellAlignment, Table, presets::UTF8_FULL_CONDENSED};

use super::Report;
use super::markdown::comparison_cells;

/// Renders the comparison table of every model.
pub fn render_table(report: &Report) -> String {
    let mut table = Table::new();
    table.load_preset(UTF8_FULL_CONDENSED);
    table.set_header(vec![
        "model",
        "kind",
        "status",
        "CLV total",
        "CLV mean",
        "CLV median",
        "CLV p90",
        "top 10%",
        "MAE",
        "RMSE",
        "pred. purch.",
        "actual purch.",
        "Spearman",
    ]);
    for model in &report.models {
        let cells = comparison_cells(model).into_iter().enumerate().map(|(index, text)| {
            let cell = Cell::new(text);
            if index >= 3 { cell.set_alignment(CellAlignment::Right) } else { cell }
        });
        table.add_row(cells);
    }
    table.to_string()
}
