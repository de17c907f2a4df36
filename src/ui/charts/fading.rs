//! Fading charts: curves against the distance i − j on a log y axis (plotters on a canvas).
//!
//! The data is prepared by the view ([`FadingChart`]); `draw` only draws it. Values that a
//! log axis cannot show (0, underflow below the floor, overflow, NaN) are left out of the
//! lines — [`crate::core::fading::log_segments`] splits a curve around them — and the view
//! says so in words.
//!
//! The x axis carries whole distances only (ticks at integers, every 1, 2, 5, 10… tokens), and a
//! legend beside the plot names each curve in its family's colour (`ui::palette`): the legend
//! sits in its own column, so it never covers a curve.

use plotters::coord::combinators::IntoLogRange;
use plotters::prelude::*;
use web_sys::HtmlCanvasElement;

use super::canvas::{backend_for, draw_legend, LegendEntry, LegendMark};
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
    /// Smallest distance on the x axis (1 when distance 0, the token itself, is left out).
    pub x_min: usize,
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

/// Whole-number tick positions from `lo` to `hi`: every 1, 2, 5, 10, 20… so that at most
/// about 12 ticks are drawn (a short sentence never repeats a label: "0 0 1 2 2 3").
pub fn integer_ticks(lo: usize, hi: usize) -> Vec<usize> {
    let span = hi.saturating_sub(lo).max(1);
    let step = [1, 2, 5]
        .iter()
        .flat_map(|m| (0..6).map(move |e| m * 10usize.pow(e)))
        .filter(|s| span / s <= 11)
        .min()
        .unwrap_or(1);
    let first = lo.div_ceil(step) * step;
    (first..=hi).step_by(step).collect()
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
    // Distances are whole numbers: an integer axis has integer ticks only.
    let x_min = data.x_min as i32;
    let x_max = data.x_max.max(data.x_min + 1) as i32;
    let font = ("sans-serif", px(13.0)).into_font().color(&palette.text);
    // The legend gets its own column on the right, as wide as its longest label.
    let widest = data
        .curves
        .iter()
        .map(|c| {
            root.estimate_text_size(&c.label, &font)
                .map_or(0, |(w, _)| w)
        })
        .max()
        .unwrap_or(0);
    let legend_w = if data.curves.is_empty() {
        0
    } else {
        widest + px(44.0)
    };
    let (width, _) = root.dim_in_pixel();
    let (plot_area, legend_area) = root.split_horizontally(width.saturating_sub(legend_w));
    let ticks = integer_ticks(data.x_min, x_max as usize).len();
    let mut chart = ChartBuilder::on(&plot_area)
        .margin(px(10.0))
        .x_label_area_size(px(36.0))
        .y_label_area_size(px(64.0))
        .build_cartesian_2d(x_min..x_max, (lo..hi).log_scale())
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc(data.x_desc.as_str())
        .y_desc(data.y_desc.as_str())
        .label_style(font.clone())
        .axis_desc_style(font.clone())
        .x_labels(ticks)
        .y_labels(8)
        .y_label_formatter(&|v| format!("{v:.0e}"))
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
                    [(x_min, g), (x_max, g)],
                    px(2.0),
                    px(4.0),
                    grey.stroke_width(thin),
                ))
                .map_err(err)?;
        }
    }
    for &(x, colour) in &data.cutoffs {
        let x = x.round() as i32;
        if x >= x_min && x <= x_max {
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
        let tail = curve.values.get(data.x_min..).unwrap_or(&[]);
        let (segments, _) = log_segments(tail, lo);
        let style = rgb(curve.colour).stroke_width(px(if curve.dashed { 2.0 } else { 2.5 }));
        for seg in segments {
            let points: Vec<(i32, f32)> = seg
                .into_iter()
                .map(|(k, v)| (k as i32 + x_min, v.min(hi)))
                .collect();
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
    for &k in data.marks.iter().filter(|&&k| k >= data.x_min) {
        let (x, y) = (k as i32, lo);
        chart
            .draw_series(std::iter::once(TriangleMarker::new(
                (x, y),
                px(7.0),
                palette.neutral.filled(),
            )))
            .map_err(err)?;
    }
    let legend: Vec<LegendEntry> = data
        .curves
        .iter()
        .map(|c| LegendEntry {
            label: c.label.clone(),
            colour: rgb(c.colour),
            mark: LegendMark::Line,
        })
        .collect();
    draw_legend(
        &legend_area,
        &legend,
        &SeriesLabelPosition::UpperLeft,
        &font,
        &palette,
        ratio,
    )?;
    root.present().map_err(err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::integer_ticks;

    #[test]
    fn ticks_are_whole_and_distinct() {
        assert_eq!(integer_ticks(0, 3), vec![0, 1, 2, 3]);
        assert_eq!(integer_ticks(1, 5), vec![1, 2, 3, 4, 5]);
        assert_eq!(integer_ticks(0, 17), vec![0, 2, 4, 6, 8, 10, 12, 14, 16]);
        assert_eq!(
            integer_ticks(1, 63),
            (1..=6).map(|k| k * 10).collect::<Vec<_>>()
        );
        assert_eq!(integer_ticks(0, 0), vec![0]);
    }
}
