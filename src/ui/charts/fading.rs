//! Fading charts: curves against the distance i − j on a log y axis (plotters on a canvas).
//!
//! The data is prepared by the view ([`FadingChart`]); `draw` only draws it. Values that a
//! log axis cannot show (0, underflow below the floor, overflow, NaN) are left out of the
//! lines — [`crate::core::fading::log_segments`] splits a curve around them — and the view
//! says so in words.

use plotters::coord::combinators::IntoLogRange;
use plotters::prelude::*;
use web_sys::HtmlCanvasElement;

use super::canvas::backend_for;
use crate::core::fading::log_segments;
use crate::ui::theme::chart_palette;

/// One curve of a chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    /// Shown in the accessible table and the `data-drawn` list.
    pub label: String,
    /// Colour as (r, g, b).
    pub colour: (u8, u8, u8),
    /// `values[k]` at distance k.
    pub values: Vec<f32>,
    /// Drawn dashed (closed forms).
    pub dashed: bool,
}

/// Everything one chart draws.
#[derive(Debug, Clone, PartialEq)]
pub struct FadingChart {
    pub curves: Vec<Curve>,
    /// Largest distance on the x axis.
    pub x_max: usize,
    /// y axis range (log scale), both positive.
    pub y_range: (f32, f32),
    /// Horizontal dotted guides (e.g. ½ and 1/100 of the maximum).
    pub guides: Vec<f32>,
    /// Vertical dashed lines at a distance, with a colour (e.g. the CNN's cut-off).
    pub cutoffs: Vec<(f32, (u8, u8, u8))>,
    /// Distances marked with a triangle on the x axis (the demo's marked tokens).
    pub marks: Vec<usize>,
    /// y axis title.
    pub y_desc: String,
    /// x axis title (in the interface language).
    pub x_desc: String,
}

fn rgb((r, g, b): (u8, u8, u8)) -> RGBColor {
    RGBColor(r, g, b)
}

/// Draws `data` on `canvas`. Errors come back as text for the view to show.
pub fn draw(canvas: &HtmlCanvasElement, data: &FadingChart) -> Result<(), String> {
    let Some((backend, ratio)) = backend_for(canvas) else {
        return Ok(()); // not laid out yet: nothing to draw
    };
    let px = |v: f64| (v * ratio).round() as u32;
    let err = |e: DrawingAreaErrorKind<_>| format!("chart: {e:?}");
    let palette = chart_palette();
    let root = backend.into_drawing_area();
    root.fill(&palette.background).map_err(err)?;
    let (lo, hi) = data.y_range;
    let x_max = data.x_max.max(1) as f32;
    let font = ("sans-serif", px(13.0)).into_font().color(&palette.text);
    let mut chart = ChartBuilder::on(&root)
        .margin(px(10.0))
        .x_label_area_size(px(36.0))
        .y_label_area_size(px(64.0))
        .build_cartesian_2d(0f32..x_max, (lo..hi).log_scale())
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(data.x_desc.as_str())
        .y_desc(data.y_desc.as_str())
        .label_style(font.clone())
        .axis_desc_style(font)
        .x_labels(12)
        .y_labels(8)
        .y_label_formatter(&|v| format!("{v:.0e}"))
        .x_label_formatter(&|v| format!("{v:.0}"))
        .axis_style(palette.axis)
        .light_line_style(palette.light_grid)
        .bold_line_style(palette.bold_grid)
        .draw()
        .map_err(err)?;
    let thin = px(1.0);
    let grey = palette.muted;
    for &g in &data.guides {
        if g > lo && g < hi {
            chart
                .draw_series(DashedLineSeries::new(
                    [(0.0, g), (x_max, g)],
                    px(2.0),
                    px(4.0),
                    grey.stroke_width(thin),
                ))
                .map_err(err)?;
        }
    }
    for &(x, colour) in &data.cutoffs {
        if x <= x_max {
            chart
                .draw_series(DashedLineSeries::new(
                    [(x, lo), (x, hi)],
                    px(6.0),
                    px(4.0),
                    rgb(colour).stroke_width(px(2.0)),
                ))
                .map_err(err)?;
        }
    }
    for curve in &data.curves {
        let (segments, _) = log_segments(&curve.values, lo);
        let style = rgb(curve.colour).stroke_width(px(if curve.dashed { 2.0 } else { 2.5 }));
        for seg in segments {
            let points: Vec<(f32, f32)> = seg.into_iter().map(|(k, v)| (k, v.min(hi))).collect();
            if curve.dashed {
                chart
                    .draw_series(DashedLineSeries::new(points, px(7.0), px(5.0), style))
                    .map_err(err)?;
            } else if points.len() == 1 {
                chart
                    .draw_series(
                        points
                            .iter()
                            .map(|&p| Circle::new(p, px(3.0), style.filled())),
                    )
                    .map_err(err)?;
            } else {
                chart
                    .draw_series(LineSeries::new(points, style))
                    .map_err(err)?;
            }
        }
    }
    for &k in &data.marks {
        let (x, y) = (k as f32, lo);
        chart
            .draw_series(std::iter::once(TriangleMarker::new(
                (x, y),
                px(7.0),
                palette.neutral.filled(),
            )))
            .map_err(err)?;
    }
    root.present().map_err(err)?;
    Ok(())
}
