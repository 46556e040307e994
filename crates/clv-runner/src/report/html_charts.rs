//! The charts of report.html, drawn from the [`Report`] alone so that
//! `clv report` can redraw them without refitting.

use serde::Serialize;

use super::Report;
use super::charts::{ACTUAL, Axes, Bars, Line, PALETTE, bar_chart, heat_map, line_chart};
use super::diagnostics::{DiagnosticsReport, FREQUENCY_LABELS};

/// One chart: its SVG, its legend and the models it cannot show.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct ChartView {
    pub svg: String,
    pub legend: Vec<LegendItem>,
    /// Models that the chart does not show, each with the reason.
    pub undefined: Vec<String>,
}

/// An entry of a chart's legend.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct LegendItem {
    pub name: String,
    pub color: String,
    pub dashed: bool,
}

/// A chart drawn once per model.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct ModelChart {
    pub model: String,
    pub svg: String,
}

/// Every chart of the page; a chart is `None` when no model defines it.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Charts {
    pub tracking: Option<ChartView>,
    pub tracking_cumulative: Option<ChartView>,
    pub calibration: Option<ChartView>,
    pub period: Option<ChartView>,
    pub lorenz: Option<ChartView>,
    pub clv_histograms: Vec<ModelChart>,
    pub p_alive: Vec<ModelChart>,
}

/// A model that did not fail, with its colour.
struct Drawn<'a> {
    name: &'a str,
    color: &'static str,
    diagnostics: &'a DiagnosticsReport,
}

fn drawn(report: &Report) -> Vec<Drawn<'_>> {
    report
        .models
        .iter()
        .enumerate()
        .filter_map(|(index, model)| {
            let diagnostics = model.diagnostics.as_ref()?;
            Some(Drawn { name: &model.name, color: PALETTE[index % PALETTE.len()], diagnostics })
        })
        .collect()
}

fn legend_of(lines: &[Line]) -> Vec<LegendItem> {
    lines
        .iter()
        .map(|l| LegendItem { name: l.name.clone(), color: l.color.clone(), dashed: l.dashed })
        .collect()
}

/// Lists the models for which `has` is false, each with `reason`, then the failed models.
fn missing(
    report: &Report,
    models: &[Drawn<'_>],
    has: impl Fn(&DiagnosticsReport) -> bool,
    reason: &str,
) -> Vec<String> {
    let mut names: Vec<String> =
        models.iter().filter(|m| !has(m.diagnostics)).map(|m| format!("{}: {reason}", m.name)).collect();
    names.extend(
        report
            .models
            .iter()
            .filter(|m| m.diagnostics.is_none())
            .map(|m| format!("{}: the model failed", m.name)),
    );
    names
}

fn frequency_ticks() -> Vec<(f64, String)> {
    FREQUENCY_LABELS.iter().enumerate().map(|(i, label)| (i as f64, label.to_string())).collect()
}

/// Points of a series with gaps, skipping the missing values.
fn points(values: &[Option<f64>]) -> Vec<(f64, f64)> {
    values.iter().enumerate().filter_map(|(i, v)| v.map(|v| (i as f64, v))).collect()
}

fn cumulative(values: &[f64]) -> Vec<f64> {
    values
        .iter()
        .scan(0.0, |total, v| {
            *total += v;
            Some(*total)
        })
        .collect()
}

/// Builds every chart of the report.
pub(crate) fn charts(report: &Report) -> Charts {
    let models = drawn(report);
    Charts {
        tracking: tracking(report, &models, false),
        tracking_cumulative: tracking(report, &models, true),
        calibration: calibration(report, &models),
        period: period(report, &models),
        lorenz: lorenz(report, &models),
        clv_histograms: clv_histograms(&models),
        p_alive: p_alive(report, &models),
    }
}

fn tracking(report: &Report, models: &[Drawn<'_>], cumulate: bool) -> Option<ChartView> {
    let cohort = report.cohort.as_ref()?;
    let series = |values: Vec<f64>| {
        let values = if cumulate { cumulative(&values) } else { values };
        values.into_iter().enumerate().map(|(i, v)| (i as f64, v)).collect::<Vec<_>>()
    };

    let mut lines = Vec::new();
    if let Some(actual) = &cohort.tracking_actual {
        let values = actual.iter().map(|v| *v as f64).collect();
        lines.push(Line {
            name: "actual".into(),
            color: ACTUAL.into(),
            dashed: false,
            points: series(values),
        });
    }
    for model in models {
        if let Some(expected) = &model.diagnostics.tracking_expected {
            lines.push(Line {
                name: model.name.into(),
                color: model.color.into(),
                dashed: true,
                points: series(expected.clone()),
            });
        } else if let Some(points) = holdout_points(cohort, model.diagnostics, cumulate) {
            lines.push(Line {
                name: format!("{} (holdout)", model.name),
                color: model.color.into(),
                dashed: true,
                points,
            });
        }
    }
    if lines.is_empty() {
        return None;
    }

    let mut undefined = missing(
        report,
        models,
        |d| d.tracking_expected.is_some() || d.tracking_holdout_expected.is_some(),
        "no E[X(t)] of a new customer",
    );
    undefined.extend(
        models
            .iter()
            .filter(|m| {
                m.diagnostics.tracking_expected.is_none() && m.diagnostics.tracking_holdout_expected.is_some()
            })
            .map(|m| format!("{} before the calibration end: no E[X(t)] of a new customer", m.name)),
    );
    if cohort.tracking_actual.is_none() {
        undefined.insert(0, "actual: a summary file has no purchase dates".to_string());
    }

    let unit = &report.data.time_unit;
    let spec = Axes {
        x_title: format!("{unit}s since {}", cohort.tracking_start),
        y_title: if cumulate {
            "cumulative repeat purchases".to_string()
        } else {
            format!("repeat purchases per {unit}")
        },
        marker: (cohort.calibration_periods < cohort.periods)
            .then(|| (cohort.calibration_periods as f64 - 0.5, "calibration end".to_string())),
        ..Axes::default()
    };
    let title = if cumulate { "Cumulative repeat purchases" } else { "Repeat purchases per period" };
    Some(ChartView { svg: line_chart(title, &lines, &spec), legend: legend_of(&lines), undefined })
}

/// Points of a model's holdout-only tracking line. The cumulative line
/// starts from the actual cumulative count at the calibration end, so it
/// needs the actual series.
fn holdout_points(
    cohort: &super::diagnostics::CohortReport,
    diagnostics: &DiagnosticsReport,
    cumulate: bool,
) -> Option<Vec<(f64, f64)>> {
    let values = diagnostics.tracking_holdout_expected.as_ref()?;
    let first = cohort.calibration_periods;
    if !cumulate {
        return Some(values.iter().enumerate().map(|(i, v)| ((first + i) as f64, *v)).collect());
    }
    let actual = cohort.tracking_actual.as_ref()?;
    let start: f64 = actual[..first].iter().map(|v| *v as f64).sum();
    let mut points = vec![((first - 1) as f64, start)];
    points.extend(cumulative(values).into_iter().enumerate().map(|(i, v)| ((first + i) as f64, start + v)));
    Some(points)
}

fn calibration(report: &Report, models: &[Drawn<'_>]) -> Option<ChartView> {
    let actual = report.cohort.as_ref()?.holdout_actual_by_frequency.as_ref()?;
    let mut lines =
        vec![Line { name: "actual".into(), color: ACTUAL.into(), dashed: false, points: points(actual) }];
    for model in models {
        if let Some(predicted) = &model.diagnostics.holdout_predicted_by_frequency {
            lines.push(Line {
                name: model.name.into(),
                color: model.color.into(),
                dashed: true,
                points: points(predicted),
            });
        }
    }
    let spec = Axes {
        x_title: "purchases in the calibration period (repeat purchase days)".into(),
        y_title: "mean purchases in the holdout".into(),
        x_ticks: frequency_ticks(),
        ..Axes::default()
    };
    let undefined =
        missing(report, models, |d| d.holdout_predicted_by_frequency.is_some(), "no holdout prediction");
    Some(ChartView {
        svg: line_chart("Calibration vs holdout", &lines, &spec),
        legend: legend_of(&lines),
        undefined,
    })
}

fn period(report: &Report, models: &[Drawn<'_>]) -> Option<ChartView> {
    let cohort = report.cohort.as_ref()?;
    let mut bars = vec![Bars {
        name: "actual".into(),
        color: ACTUAL.into(),
        values: cohort.period_actual.iter().map(|v| Some(*v as f64)).collect(),
    }];
    for model in models {
        if let Some(expected) = &model.diagnostics.period_expected {
            bars.push(Bars {
                name: model.name.into(),
                color: model.color.into(),
                values: expected.iter().map(|v| Some(*v)).collect(),
            });
        }
    }
    if bars.len() == 1 {
        return None;
    }
    let categories: Vec<String> = FREQUENCY_LABELS.iter().map(|l| l.to_string()).collect();
    let spec = Axes {
        x_title: "repeat purchase days in the calibration period".into(),
        y_title: "customers".into(),
        ..Axes::default()
    };
    let legend = bars
        .iter()
        .map(|b| LegendItem { name: b.name.clone(), color: b.color.clone(), dashed: false })
        .collect();
    let undefined =
        missing(report, models, |d| d.period_expected.is_some(), "no P(X(t) = x) of a new customer");
    Some(ChartView { svg: bar_chart("Period transactions", &categories, &bars, &spec), legend, undefined })
}

fn lorenz(report: &Report, models: &[Drawn<'_>]) -> Option<ChartView> {
    let first = models.iter().find_map(|m| m.diagnostics.lorenz.as_ref())?;
    let curve = |values: &[f64]| {
        let n = values.len() as f64;
        std::iter::once((0.0, 0.0))
            .chain(values.iter().enumerate().map(|(i, v)| ((i + 1) as f64 / n, *v)))
            .collect()
    };
    let mut lines = vec![
        Line {
            name: "perfect ranking".into(),
            color: ACTUAL.into(),
            dashed: true,
            points: curve(&first.perfect),
        },
        Line {
            name: "random ranking".into(),
            color: "#aaaaaa".into(),
            dashed: true,
            points: vec![(0.0, 0.0), (1.0, 1.0)],
        },
    ];
    for model in models {
        if let Some(lorenz) = &model.diagnostics.lorenz {
            lines.push(Line {
                name: model.name.into(),
                color: model.color.into(),
                dashed: false,
                points: curve(&lorenz.points),
            });
        }
    }
    let y_title = if first.of == "holdout_revenue" {
        "share of actual holdout revenue"
    } else {
        "share of predicted CLV"
    };
    let spec = Axes {
        x_title: "share of customers, ranked by the model's prediction".into(),
        y_title: y_title.into(),
        y_max: Some(1.0),
        ..Axes::default()
    };
    let undefined = missing(report, models, |d| d.lorenz.is_some(), "no positive value to rank");
    Some(ChartView { svg: line_chart("Lorenz curves", &lines, &spec), legend: legend_of(&lines), undefined })
}

fn clv_histograms(models: &[Drawn<'_>]) -> Vec<ModelChart> {
    models
        .iter()
        .filter_map(|model| {
            let histogram = model.diagnostics.clv_histogram.as_ref()?;
            let categories: Vec<String> =
                histogram.edges.iter().take(histogram.counts.len()).map(|e| format!("{e:.0}")).collect();
            let bars = [Bars {
                name: model.name.into(),
                color: model.color.into(),
                values: histogram.counts.iter().map(|c| Some(*c as f64)).collect(),
            }];
            let spec = Axes {
                x_title: "predicted CLV (lower edge of the bin)".into(),
                y_title: "customers".into(),
                ..Axes::default()
            };
            Some(ModelChart {
                model: model.name.into(),
                svg: bar_chart(&format!("CLV distribution: {}", model.name), &categories, &bars, &spec),
            })
        })
        .collect()
}

fn p_alive(report: &Report, models: &[Drawn<'_>]) -> Vec<ModelChart> {
    let Some(cohort) = report.cohort.as_ref() else { return Vec::new() };
    let rows: Vec<String> = FREQUENCY_LABELS.iter().map(|l| l.to_string()).collect();
    let columns: Vec<String> = cohort
        .recency_edges
        .iter()
        .take(cohort.recency_edges.len().saturating_sub(1))
        .map(|e| format!("{e:.0}"))
        .collect();
    let spec = Axes {
        x_title: format!("recency ({}s, lower edge)", report.data.time_unit),
        y_title: "frequency".into(),
        ..Axes::default()
    };
    models
        .iter()
        .filter_map(|model| {
            let grid = model.diagnostics.p_alive_grid.as_ref()?;
            Some(ModelChart {
                model: model.name.into(),
                svg: heat_map(&format!("P(alive): {}", model.name), &rows, &columns, grid, &spec),
            })
        })
        .collect()
}
