//! Charts of the SSM view: one line/dot plot routine shared by the five SSM charts
//! (trajectories, error vs Δ, HiPPO history, kernels, eigenvalues). The data is computed in
//! `core::ssm` and shaped by the view; this file only draws.

use plotters::prelude::*;
use web_sys::HtmlCanvasElement;

use super::canvas::{backend_for, draw_legend, LegendEntry, LegendMark};
use crate::ui::theme::chart_palette;

/// One curve (or set of dots) of a plot.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub label: String,
    pub colour: RGBColor,
    pub points: Vec<(f64, f64)>,
    /// Draw dots instead of a line.
    pub dots: bool,
    /// Line width (or dot radius) in CSS pixels.
    pub width: f64,
}

/// A vertical marker line at x.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    pub x: f64,
    pub colour: RGBColor,
    pub label: String,
}

/// Everything one chart draws.
#[derive(Debug, Clone, PartialEq)]
pub struct Plot {
    pub x_label: String,
    pub y_label: String,
    pub x: (f64, f64),
    pub y: (f64, f64),
    pub series: Vec<Series>,
    pub markers: Vec<Marker>,
    /// Corner of the legend (pick the one the data leaves empty).
    pub legend: SeriesLabelPosition,
}

/// Colours shared by the SSM charts (colour-blind friendly Okabe–Ito palette).
pub const EXACT: RGBColor = RGBColor(0, 0, 0);
pub const BLUE: RGBColor = RGBColor(0, 114, 178);
pub const GREEN: RGBColor = RGBColor(0, 158, 115);
pub const RED: RGBColor = RGBColor(213, 94, 0);
pub const PURPLE: RGBColor = RGBColor(204, 121, 167);
pub const ORANGE: RGBColor = RGBColor(230, 159, 0);
pub const GREY: RGBColor = RGBColor(120, 120, 120);
pub const LIGHT: RGBColor = RGBColor(200, 200, 200);

/// The pieces of `points` between non-finite values, with y clamped into `[lo, hi]`.
fn finite_runs(points: &[(f64, f64)], lo: f64, hi: f64) -> Vec<Vec<(f64, f64)>> {
    let mut runs = vec![Vec::new()];
    for &(x, y) in points {
        if x.is_finite() && y.is_finite() {
            if let Some(run) = runs.last_mut() {
                run.push((x, y.clamp(lo, hi)));
            }
        } else if runs.last().is_some_and(|r| !r.is_empty()) {
            runs.push(Vec::new());
        }
    }
    runs.retain(|r| !r.is_empty());
    runs
}

/// Draws `plot` on `canvas` (nothing when the canvas is not laid out).
pub fn draw(canvas: &HtmlCanvasElement, plot: &Plot) -> Result<(), String> {
    let Some((backend, ratio)) = backend_for(canvas) else {
        return Ok(());
    };
    let err = |e: &dyn std::fmt::Display| e.to_string();
    let palette = chart_palette();
    // The "exact" black and the light "future" grey are defined for a white page; the dark
    // theme swaps them for colours that read on its background.
    let themed = |c: RGBColor| match c {
        EXACT => palette.neutral,
        LIGHT => palette.bold_grid,
        GREY => palette.muted,
        other => other,
    };
    let root = backend.into_drawing_area();
    root.fill(&palette.background).map_err(|e| err(&e))?;
    let font = ("sans-serif", 12.0 * ratio)
        .into_font()
        .color(&palette.text);
    let px = |v: f64| (v * ratio).round() as u32;
    let (x0, x1) = plot.x;
    let (y0, y1) = plot.y;
    // The legend gets its own strip beside the plot (below it on a narrow canvas), so it never
    // covers a curve.
    let labels: Vec<&str> = plot
        .markers
        .iter()
        .filter(|m| m.x.is_finite() && m.x >= x0 && m.x <= x1)
        .map(|m| m.label.as_str())
        .chain(
            plot.series
                .iter()
                .filter(|s| !s.label.is_empty())
                .map(|s| s.label.as_str()),
        )
        .collect();
    let widest = labels
        .iter()
        .map(|l| root.estimate_text_size(l, &font).map_or(0, |(w, _)| w))
        .max()
        .unwrap_or(0);
    let (w, h) = root.dim_in_pixel();
    let legend_w = if labels.is_empty() {
        0
    } else {
        widest + px(56.0)
    };
    let legend_h = px(12.0 + 17.0 * labels.len() as f64 + 4.0);
    let (plot_area, legend_area) = if legend_w == 0 {
        (root.clone(), None)
    } else if legend_w * 3 <= w {
        let (a, b) = root.split_horizontally(w - legend_w);
        (a, Some(b))
    } else {
        let (a, b) = root.split_vertically(h.saturating_sub(legend_h));
        (a, Some(b))
    };
    let mut chart = ChartBuilder::on(&plot_area)
        .margin(px(8.0))
        .x_label_area_size(px(34.0))
        .y_label_area_size(px(52.0))
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(|e| err(&e))?;
    chart
        .configure_mesh()
        .x_desc(plot.x_label.as_str())
        .y_desc(plot.y_label.as_str())
        .label_style(font.clone())
        .axis_desc_style(font.clone())
        .axis_style(palette.axis)
        .light_line_style(palette.light_grid)
        .bold_line_style(palette.bold_grid)
        .x_labels(7)
        .y_labels(6)
        .draw()
        .map_err(|e| err(&e))?;
    let mut legend = Vec::new();
    for marker in &plot.markers {
        if marker.x.is_finite() && marker.x >= x0 && marker.x <= x1 {
            let colour = themed(marker.colour);
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(marker.x, y0), (marker.x, y1)],
                    colour.stroke_width(px(1.5)),
                )))
                .map_err(|e| err(&e))?;
            legend.push(LegendEntry {
                label: marker.label.clone(),
                colour,
                mark: LegendMark::Tick,
            });
        }
    }
    for series in &plot.series {
        let colour = themed(series.colour);
        let width = px(series.width).max(1);
        let mut labelled = false;
        for run in finite_runs(&series.points, y0, y1) {
            if series.dots {
                chart.draw_series(
                    run.into_iter()
                        .filter(|&(x, _)| x >= x0 && x <= x1)
                        .map(|p| Circle::new(p, width, colour.filled())),
                )
            } else {
                chart.draw_series(LineSeries::new(run, colour.stroke_width(width)))
            }
            .map_err(|e| err(&e))?;
            if !labelled && !series.label.is_empty() {
                labelled = true;
                legend.push(LegendEntry {
                    label: series.label.clone(),
                    colour,
                    mark: if series.dots {
                        LegendMark::Dot
                    } else {
                        LegendMark::Line
                    },
                });
            }
        }
    }
    if let Some(area) = legend_area {
        draw_legend(
            &area,
            &legend,
            &SeriesLabelPosition::UpperLeft,
            &font,
            &palette,
            ratio,
        )?;
    }
    root.present().map_err(|e| err(&e))
}

/// A y range covering the finite values of `values` with a 5 % margin (never empty).
pub fn padded_range(values: impl IntoIterator<Item = f64>) -> (f64, f64) {
    let (lo, hi) = values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(v), hi.max(v))
        });
    if lo > hi {
        return (-1.0, 1.0);
    }
    let pad = ((hi - lo) * 0.05).max(1e-6);
    (lo - pad, hi + pad)
}
