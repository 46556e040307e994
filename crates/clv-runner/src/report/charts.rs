//! Inline SVG charts for report.html.
//!
//! The charts are written by hand rather than with a plotting crate, because
//! each is only a few SVG paths and text elements. The text uses the
//! reader's own sans-serif font, so the file embeds no font, script or
//! style sheet and opens with no network. Legends are HTML next to the SVG, so long model names never
//! overlap the plot.

use std::fmt::Write;

/// Colours of the series, one per model in config order (Tableau 10).
pub const PALETTE: [&str; 10] = [
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f",
    "#bab0ac",
];

/// Colour of the actual data.
pub const ACTUAL: &str = "#222222";

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 300.0;
const LEFT: f64 = 64.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 44.0;

/// A line of a line chart.
#[derive(Clone, Debug)]
pub struct Line {
    pub name: String,
    pub color: String,
    pub dashed: bool,
    pub points: Vec<(f64, f64)>,
}

/// A series of a grouped bar chart: one value per category, `None` for no bar.
#[derive(Clone, Debug)]
pub struct Bars {
    pub name: String,
    pub color: String,
    pub values: Vec<Option<f64>>,
}

/// Axis titles and the optional labelled vertical marker of a chart.
#[derive(Clone, Debug, Default)]
pub struct Axes {
    pub x_title: String,
    pub y_title: String,
    /// Tick labels at given x positions; automatic ticks when empty.
    pub x_ticks: Vec<(f64, String)>,
    /// A vertical line at this x with a label, such as the calibration end.
    pub marker: Option<(f64, String)>,
    /// Upper end of the y axis when fixed, such as 1 for shares.
    pub y_max: Option<f64>,
}

/// Escapes text for SVG and HTML.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Returns a step of 1, 2 or 5 times a power of ten giving about `count` ticks over `[0, max]`.
fn nice_step(max: f64, count: f64) -> f64 {
    let raw = (max / count).max(f64::MIN_POSITIVE);
    let power = 10f64.powf(raw.log10().floor());
    let fraction = raw / power;
    let nice = if fraction <= 1.0 {
        1.0
    } else if fraction <= 2.0 {
        2.0
    } else if fraction <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * power
}

/// Formats a tick value without needless decimals.
fn tick_label(value: f64, step: f64) -> String {
    let decimals = if step >= 1.0 { 0 } else { (-step.log10().floor()) as usize };
    let text = format!("{value:.decimals$}");
    if value.abs() >= 10_000.0 { format!("{:.0}k", value / 1000.0) } else { text }
}

/// Plot area mapping from data to pixels.
struct Frame {
    x_min: f64,
    x_max: f64,
    y_max: f64,
}

impl Frame {
    fn x(&self, x: f64) -> f64 {
        let span = (self.x_max - self.x_min).max(f64::MIN_POSITIVE);
        LEFT + (x - self.x_min) / span * (WIDTH - LEFT - RIGHT)
    }

    fn y(&self, y: f64) -> f64 {
        HEIGHT - BOTTOM - y / self.y_max * (HEIGHT - TOP - BOTTOM)
    }
}

fn open_svg(out: &mut String, title: &str) {
    let _ = write!(
        out,
        r#"<svg viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" font-family="sans-serif" font-size="11"><title>{}</title>"#,
        escape(title)
    );
}

/// Draws the y grid, both axes, the y ticks and the axis titles; returns the frame.
fn axes(out: &mut String, frame: &Frame, axes: &Axes, y_step: f64) {
    let bottom = HEIGHT - BOTTOM;
    let mut y = 0.0;
    while y <= frame.y_max + y_step * 1e-9 {
        let py = frame.y(y);
        let _ = write!(
            out,
            r##"<line x1="{LEFT}" y1="{py:.1}" x2="{:.1}" y2="{py:.1}" stroke="#e5e5e5"/><text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"##,
            WIDTH - RIGHT,
            LEFT - 6.0,
            py + 4.0,
            tick_label(y, y_step)
        );
        y += y_step;
    }
    let _ = write!(
        out,
        r##"<line x1="{LEFT}" y1="{bottom}" x2="{:.1}" y2="{bottom}" stroke="#888"/><line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{bottom}" stroke="#888"/>"##,
        WIDTH - RIGHT
    );
    let _ = write!(
        out,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text><text transform="translate(14 {:.1}) rotate(-90)" text-anchor="middle">{}</text>"#,
        LEFT + (WIDTH - LEFT - RIGHT) / 2.0,
        HEIGHT - 6.0,
        escape(&axes.x_title),
        TOP + (HEIGHT - TOP - BOTTOM) / 2.0,
        escape(&axes.y_title)
    );
}

fn x_tick(out: &mut String, px: f64, label: &str) {
    let bottom = HEIGHT - BOTTOM;
    let _ = write!(
        out,
        r##"<line x1="{px:.1}" y1="{bottom}" x2="{px:.1}" y2="{:.1}" stroke="#888"/><text x="{px:.1}" y="{:.1}" text-anchor="middle">{}</text>"##,
        bottom + 4.0,
        bottom + 16.0,
        escape(label)
    );
}

fn y_range(max: f64, fixed: Option<f64>) -> (f64, f64) {
    let max = fixed.unwrap_or(max).max(f64::MIN_POSITIVE);
    let step = nice_step(max, 5.0);
    let top = if fixed.is_some() { max } else { (max / step).ceil() * step };
    (top.max(step), step)
}

/// Renders a line chart of `lines` over shared axes.
pub fn line_chart(title: &str, lines: &[Line], spec: &Axes) -> String {
    let all = || lines.iter().flat_map(|line| line.points.iter());
    let x_min = all().map(|p| p.0).fold(f64::INFINITY, f64::min);
    let x_max = all().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
    let y_data = all().map(|p| p.1).fold(0.0, f64::max);
    let (x_min, x_max) = if x_min.is_finite() { (x_min, x_max.max(x_min + 1.0)) } else { (0.0, 1.0) };
    let (y_max, y_step) = y_range(y_data, spec.y_max);
    let frame = Frame { x_min, x_max, y_max };

    let mut out = String::new();
    open_svg(&mut out, title);
    axes(&mut out, &frame, spec, y_step);
    if spec.x_ticks.is_empty() {
        let step = nice_step(x_max - x_min, 8.0);
        let mut x = (x_min / step).ceil() * step;
        while x <= x_max + step * 1e-9 {
            x_tick(&mut out, frame.x(x), &tick_label(x, step));
            x += step;
        }
    } else {
        for (x, label) in &spec.x_ticks {
            x_tick(&mut out, frame.x(*x), label);
        }
    }
    if let Some((x, label)) = &spec.marker {
        let px = frame.x(*x);
        let _ = write!(
            out,
            r##"<line x1="{px:.1}" y1="{TOP}" x2="{px:.1}" y2="{:.1}" stroke="#999" stroke-dasharray="3 3"/><text x="{:.1}" y="{:.1}" fill="#555">{}</text>"##,
            HEIGHT - BOTTOM,
            px + 4.0,
            TOP + 10.0,
            escape(label)
        );
    }
    for line in lines {
        let mut path = String::new();
        for (index, (x, y)) in line.points.iter().enumerate() {
            let _ =
                write!(path, "{}{:.1} {:.1}", if index == 0 { "M" } else { " L" }, frame.x(*x), frame.y(*y));
        }
        let dash = if line.dashed { r#" stroke-dasharray="6 4""# } else { "" };
        let _ = write!(
            out,
            r#"<path d="{path}" fill="none" stroke="{}" stroke-width="2"{dash}><title>{}</title></path>"#,
            line.color,
            escape(&line.name)
        );
    }
    out.push_str("</svg>");
    out
}

/// Renders a grouped bar chart: one group per category, one bar per series.
pub fn bar_chart(title: &str, categories: &[String], series: &[Bars], spec: &Axes) -> String {
    let y_data = series.iter().flat_map(|s| s.values.iter().flatten()).fold(0.0, |a: f64, b| a.max(*b));
    let (y_max, y_step) = y_range(y_data, spec.y_max);
    let groups = categories.len().max(1) as f64;
    let frame = Frame { x_min: 0.0, x_max: groups, y_max };

    let mut out = String::new();
    open_svg(&mut out, title);
    axes(&mut out, &frame, spec, y_step);
    let group_width = (WIDTH - LEFT - RIGHT) / groups;
    let bar_width = group_width * 0.8 / series.len().max(1) as f64;
    // Label at most about 12 categories, so labels never overlap.
    let label_every = categories.len().div_ceil(12).max(1);
    for (index, category) in categories.iter().enumerate() {
        if index % label_every == 0 {
            x_tick(&mut out, frame.x(index as f64 + 0.5), category);
        }
        for (s, bars) in series.iter().enumerate() {
            let Some(Some(value)) = bars.values.get(index) else { continue };
            let x = frame.x(index as f64) + group_width * 0.1 + s as f64 * bar_width;
            let y = frame.y(*value);
            let _ = write!(
                out,
                r#"<rect x="{x:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" fill="{}"><title>{}: {}</title></rect>"#,
                bar_width.max(0.5),
                (HEIGHT - BOTTOM - y).max(0.0),
                bars.color,
                escape(&bars.name),
                value
            );
        }
    }
    out.push_str("</svg>");
    out
}

/// Renders a heat map of values in [0, 1]: `values[row][column]`, row 0 at
/// the bottom, `None` cells left blank.
pub fn heat_map(
    title: &str,
    rows: &[String],
    columns: &[String],
    values: &[Vec<Option<f64>>],
    spec: &Axes,
) -> String {
    let width = 320.0;
    let height = 240.0;
    let (left, bottom, top, right) = (44.0, 40.0, 8.0, 8.0);
    let cell_w = (width - left - right) / columns.len().max(1) as f64;
    let cell_h = (height - top - bottom) / rows.len().max(1) as f64;

    let mut out = format!(
        r#"<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" font-family="sans-serif" font-size="10"><title>{}</title>"#,
        escape(title)
    );
    for (r, row) in values.iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            let x = left + c as f64 * cell_w;
            let y = height - bottom - (r + 1) as f64 * cell_h;
            let (fill, tip) = match value {
                Some(v) => (blue_scale(*v), format!("{v:.2}")),
                None => ("#ffffff".to_string(), "no customers".to_string()),
            };
            let _ = write!(
                out,
                r##"<rect x="{x:.1}" y="{y:.1}" width="{cell_w:.1}" height="{cell_h:.1}" fill="{fill}" stroke="#fff"><title>{tip}</title></rect>"##
            );
        }
    }
    for (r, label) in rows.iter().enumerate() {
        let y = height - bottom - (r as f64 + 0.5) * cell_h + 3.0;
        let _ = write!(
            out,
            r#"<text x="{:.1}" y="{y:.1}" text-anchor="end">{}</text>"#,
            left - 4.0,
            escape(label)
        );
    }
    for (c, label) in columns.iter().enumerate().filter(|(c, _)| c % 2 == 0) {
        let x = left + (c as f64 + 0.5) * cell_w;
        let _ = write!(
            out,
            r#"<text x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            height - bottom + 12.0,
            escape(label)
        );
    }
    let _ = write!(
        out,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text><text transform="translate(10 {:.1}) rotate(-90)" text-anchor="middle">{}</text></svg>"#,
        left + (width - left - right) / 2.0,
        height - 6.0,
        escape(&spec.x_title),
        top + (height - top - bottom) / 2.0,
        escape(&spec.y_title)
    );
    out
}

/// Returns a colour from white (0) to dark blue (1).
pub fn blue_scale(value: f64) -> String {
    let v = value.clamp(0.0, 1.0);
    let channel = |from: f64, to: f64| (from + (to - from) * v).round() as u8;
    format!("#{:02x}{:02x}{:02x}", channel(247.0, 8.0), channel(251.0, 48.0), channel(255.0, 107.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(10.0, 5.0), 2.0);
        assert_eq!(nice_step(1.0, 5.0), 0.2);
        assert_eq!(nice_step(730.0, 5.0), 200.0);
    }

    #[test]
    fn line_chart_has_one_path_per_line() {
        let lines = vec![
            Line {
                name: "a".into(),
                color: ACTUAL.into(),
                dashed: false,
                points: vec![(0.0, 1.0), (1.0, 2.0)],
            },
            Line {
                name: "b<".into(),
                color: PALETTE[0].into(),
                dashed: true,
                points: vec![(0.0, 0.5), (1.0, 3.0)],
            },
        ];
        let svg = line_chart("t", &lines, &Axes::default());
        assert_eq!(svg.matches("<path ").count(), 2);
        assert!(svg.contains("<title>b&lt;</title>"));
        assert!(svg.starts_with("<svg"));
        assert!(svg.ends_with("</svg>"));
    }

    #[test]
    fn blue_scale_ends() {
        assert_eq!(blue_scale(0.0), "#f7fbff");
        assert_eq!(blue_scale(1.0), "#08306b");
    }
}
