//! Learn charts: a training curve per model against the step (plotters on a canvas).
//! The data is prepared by the view; `draw` only draws it.

use crate::ui::theme::chart_palette;
use plotters::prelude::*;
use web_sys::HtmlCanvasElement;

use super::canvas::{backend_for, css, export_legend};

/// One model's curve.
#[derive(Debug, Clone, PartialEq)]
pub struct Curve {
    pub label: String,
    pub colour: (u8, u8, u8),
    /// (step, value) points, already smoothed by the view.
    pub points: Vec<(f32, f32)>,
}

/// Everything one chart draws.
#[derive(Debug, Clone, PartialEq)]
pub struct LearnChart {
    pub curves: Vec<Curve>,
    /// Last step on the x axis.
    pub x_max: f32,
    /// y axis range.
    pub y_range: (f32, f32),
    /// A dashed horizontal reference (e.g. chance level) with its label.
    pub reference: Option<(f32, String)>,
    /// y axis title (in the interface language).
    pub y_desc: String,
    /// x axis title (in the interface language).
    pub x_desc: String,
}

/// Draws `data` on `canvas`. Errors come back as text for the view to show.
pub fn draw(canvas: &HtmlCanvasElement, data: &LearnChart) -> Result<(), String> {
    let Some((backend, ratio)) = backend_for(canvas) else {
        return Ok(()); // not laid out yet
    };
    let px = |v: f64| (v * ratio).round() as u32;
    let err = |e: DrawingAreaErrorKind<_>| format!("chart: {e:?}");
    // The theme's colours (reading them also redraws the chart when the theme changes).
    let palette = chart_palette();
    // The curves are named by the results table below the chart; an exported card draws the key.
    let mut legend: Vec<(String, String)> = data
        .curves
        .iter()
        .map(|c| {
            let (r, g, b) = c.colour;
            (c.label.clone(), css(RGBColor(r, g, b)))
        })
        .collect();
    if let Some((_, label)) = &data.reference {
        legend.push((format!("{label} (- - -)"), css(palette.muted)));
    }
    export_legend(canvas, &legend);
    let root = backend.into_drawing_area();
    root.fill(&palette.background).map_err(err)?;
    let (lo, hi) = data.y_range;
    let font = ("sans-serif", px(13.0)).into_font().color(&palette.text);
    let mut chart = ChartBuilder::on(&root)
        .margin(px(10.0))
        .x_label_area_size(px(36.0))
        .y_label_area_size(px(52.0))
        .build_cartesian_2d(0f32..data.x_max.max(1.0), lo..hi)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(data.x_desc.as_str())
        .y_desc(data.y_desc.as_str())
        .label_style(font.clone())
        .axis_desc_style(font.clone())
        .x_labels(8)
        .y_labels(6)
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| format!("{v:.2}"))
        .axis_style(palette.axis)
        .light_line_style(palette.light_grid)
        .bold_line_style(palette.bold_grid)
        .draw()
        .map_err(err)?;
    if let Some((y, label)) = &data.reference {
        if *y > lo && *y < hi {
            let grey = palette.muted;
            chart
                .draw_series(DashedLineSeries::new(
                    [(0.0, *y), (data.x_max.max(1.0), *y)],
                    px(4.0),
                    px(4.0),
                    grey.stroke_width(px(1.0)),
                ))
                .map_err(err)?;
            chart
                .draw_series(std::iter::once(Text::new(
                    label.clone(),
                    (data.x_max.max(1.0) * 0.02, *y),
                    ("sans-serif", px(12.0)).into_font().color(&grey),
                )))
                .map_err(err)?;
        }
    }
    for curve in &data.curves {
        let (r, g, b) = curve.colour;
        let style = RGBColor(r, g, b).stroke_width(px(2.0));
        let points = curve
            .points
            .iter()
            .filter(|(_, v)| v.is_finite())
            .map(|&(x, v)| (x, v.clamp(lo, hi)));
        chart
            .draw_series(LineSeries::new(points, style))
            .map_err(err)?;
    }
    root.present().map_err(err)?;
    Ok(())
}
