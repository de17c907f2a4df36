//! Log-log charts of the Cost view: counted cost against n (one line per model), and measured
//! time per forward pass against n (dots joined by lines, with each model's counted
//! multiply-adds drawn dashed through its longest measured point, so the slopes compare).

use plotters::coord::ranged1d::ValueFormatter;
use plotters::prelude::*;
use web_sys::HtmlCanvasElement;

use super::canvas::{backend_for, export_legend};
use crate::core::models::family::Family;
use crate::ui::i18n::family_name;
use crate::ui::palette::{family_css, family_rgb};
use crate::ui::theme::chart_palette;

/// Colour of a family's series, from the app's one palette.
fn series_colour(family: Family) -> RGBColor {
    let (r, g, b) = family_rgb(family);
    RGBColor(r, g, b)
}

/// One line of a chart: its family (which gives its colour) and `(n, value)` points (non-positive values are
/// skipped, a log axis cannot show them).
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub family: Family,
    pub points: Vec<(f64, f64)>,
    /// Dashed guide lines drawn with the series (theory shape through a measured point).
    pub guide: Vec<(f64, f64)>,
    /// Draw a dot at each point.
    pub dots: bool,
}

/// Everything one chart draws.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartData {
    pub x_label: String,
    pub y_label: String,
    pub x_range: (f64, f64),
    pub series: Vec<Series>,
}

fn label_number(v: f64) -> String {
    if v >= 1e4 || (v > 0.0 && v < 1e-2) {
        let exp = v.log10().round() as i32;
        if (v / 10f64.powi(exp) - 1.0).abs() < 1e-6 {
            return format!("1e{exp}");
        }
        format!("{v:.0e}")
    } else if v >= 1.0 {
        format!("{v:.0}")
    } else {
        format!("{v:.2}")
    }
}

fn y_range(data: &ChartData) -> (f64, f64) {
    let values = data
        .series
        .iter()
        .flat_map(|s| s.points.iter().chain(s.guide.iter()))
        .map(|p| p.1)
        .filter(|v| v.is_finite() && *v > 0.0);
    let (lo, hi) = values.fold((f64::INFINITY, 0.0f64), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if !lo.is_finite() || hi <= 0.0 {
        return (0.01, 1.0);
    }
    let lo = 10f64.powf(lo.log10().floor());
    let hi = 10f64.powf(hi.log10().ceil());
    if hi <= lo {
        (lo, lo * 10.0)
    } else {
        (lo, hi)
    }
}

/// Draws `data` on `canvas`, log-log. Does nothing when the canvas is not laid out.
pub fn draw(canvas: &HtmlCanvasElement, data: &ChartData) -> Result<(), String> {
    let Some((backend, ratio)) = backend_for(canvas) else {
        return Ok(());
    };
    let palette = chart_palette();
    // The key is the table beside the chart; an exported card draws it.
    let lang = crate::ui::i18n::lang_untracked();
    let legend: Vec<(String, String)> = data
        .series
        .iter()
        .map(|s| {
            (
                family_name(s.family, lang).to_string(),
                family_css(s.family),
            )
        })
        .collect();
    export_legend(canvas, &legend);
    let root = backend.into_drawing_area();
    root.fill(&palette.background).map_err(|e| e.to_string())?;
    let font = |size: f64| {
        ("sans-serif", size * ratio)
            .into_font()
            .color(&palette.text)
    };
    let (y_lo, y_hi) = y_range(data);
    let x_axis = (data.x_range.0..data.x_range.1).log_scale().base(2.0);
    let y_axis = (y_lo..y_hi).log_scale();
    let mut chart = ChartBuilder::on(&root)
        .margin((10.0 * ratio) as i32)
        .margin_right((28.0 * ratio) as i32)
        .x_label_area_size((38.0 * ratio) as i32)
        .y_label_area_size((62.0 * ratio) as i32)
        .build_cartesian_2d(x_axis, y_axis)
        .map_err(|e| e.to_string())?;
    mesh(&mut chart, data, ratio, font(12.0))?;
    for s in &data.series {
        let colour = series_colour(s.family);
        let keep = |p: &&(f64, f64)| p.1.is_finite() && p.1 > 0.0;
        let guide: Vec<(f64, f64)> = s.guide.iter().filter(keep).copied().collect();
        if guide.len() >= 2 {
            chart
                .draw_series(DashedLineSeries::new(
                    guide,
                    (5.0 * ratio) as i32,
                    (4.0 * ratio) as i32,
                    colour.mix(0.55).stroke_width(ratio.round() as u32),
                ))
                .map_err(|e| e.to_string())?;
        }
        let points: Vec<(f64, f64)> = s.points.iter().filter(keep).copied().collect();
        chart
            .draw_series(LineSeries::new(
                points.iter().copied(),
                colour.stroke_width((2.0 * ratio).round() as u32),
            ))
            .map_err(|e| e.to_string())?;
        if s.dots {
            chart
                .draw_series(
                    points
                        .iter()
                        .map(|&p| Circle::new(p, (3.5 * ratio) as i32, colour.filled())),
                )
                .map_err(|e| e.to_string())?;
        }
    }
    root.present().map_err(|e| e.to_string())
}

fn mesh<X, Y>(
    chart: &mut ChartContext<'_, super::canvas::ChartBackend, Cartesian2d<X, Y>>,
    data: &ChartData,
    ratio: f64,
    font: TextStyle<'_>,
) -> Result<(), String>
where
    X: Ranged<ValueType = f64> + ValueFormatter<f64>,
    Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    chart
        .configure_mesh()
        .x_desc(data.x_label.as_str())
        .y_desc(data.y_label.as_str())
        .x_label_formatter(&|v| format!("{v:.0}"))
        .y_label_formatter(&|v| label_number(*v))
        .label_style(font.clone())
        .axis_desc_style(font)
        .axis_style(chart_palette().axis)
        .light_line_style(chart_palette().light_grid)
        .bold_line_style(chart_palette().bold_grid.stroke_width(ratio.round() as u32))
        .draw()
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_short() {
        assert_eq!(label_number(64.0), "64");
        assert_eq!(label_number(65536.0), "7e4");
        assert_eq!(label_number(0.001), "1e-3");
        assert_eq!(label_number(1e6), "1e6");
        assert_eq!(label_number(0.5), "0.50");
    }

    #[test]
    fn y_range_covers_decades_and_survives_empty_data() {
        let mut data = ChartData {
            x_label: String::new(),
            y_label: String::new(),
            x_range: (16.0, 65536.0),
            series: vec![],
        };
        assert_eq!(y_range(&data), (0.01, 1.0));
        data.series.push(Series {
            family: Family::Cnn,
            points: vec![(16.0, 3.0), (32.0, 0.0), (64.0, 250.0)],
            guide: vec![],
            dots: false,
        });
        assert_eq!(y_range(&data), (1.0, 1000.0));
    }
}
