//! Work and depth of the scans vs n (log–log), one line per algorithm, two panels.

use plotters::prelude::*;
use web_sys::HtmlCanvasElement;

use super::canvas::{backend_for, draw_legend, LegendEntry, LegendMark};
use crate::ui::theme::chart_palette;

/// One algorithm's curve: `(n, combines, levels)` per n.
#[derive(Debug, Clone, PartialEq)]
pub struct CostSeries {
    pub name: String,
    /// CSS colour as RGB.
    pub color: (u8, u8, u8),
    pub points: Vec<(usize, usize, usize)>,
}

/// Everything the chart draws.
#[derive(Debug, Clone, PartialEq)]
pub struct CostChartData {
    pub series: Vec<CostSeries>,
    /// The n chosen in the view (a vertical marker).
    pub current_n: usize,
    /// Panel titles (work, depth) in the interface language.
    pub titles: [String; 2],
}

/// Draws the two panels (work left, depth right) on `canvas`.
pub fn draw(canvas: &HtmlCanvasElement, data: &CostChartData) -> Result<(), String> {
    let Some((backend, ratio)) = backend_for(canvas) else {
        return Ok(());
    };
    let palette = chart_palette();
    let root = backend.into_drawing_area();
    root.fill(&palette.background).map_err(|e| e.to_string())?;
    let panels = root.split_evenly((1, 2));
    let max_n = data
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .max()
        .unwrap_or(2)
        .max(2) as f64;
    let font = (12.0 * ratio) as u32;
    for (panel_index, panel) in panels.iter().enumerate() {
        let value = |p: &(usize, usize, usize)| if panel_index == 0 { p.1 } else { p.2 };
        let max_y = data
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(value))
            .max()
            .unwrap_or(1)
            .max(2) as f64;
        let mut chart = ChartBuilder::on(panel)
            .caption(
                data.titles[panel_index].as_str(),
                ("sans-serif", font + 1).into_font().color(&palette.text),
            )
            .margin((8.0 * ratio) as u32)
            .margin_right((22.0 * ratio) as u32)
            .x_label_area_size((28.0 * ratio) as u32)
            .y_label_area_size((44.0 * ratio) as u32)
            .build_cartesian_2d((2f64..max_n).log_scale(), (1f64..max_y * 1.3).log_scale())
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .x_desc("n")
            .label_style(("sans-serif", font).into_font().color(&palette.text))
            .axis_desc_style(("sans-serif", font).into_font().color(&palette.text))
            .axis_style(palette.axis)
            .light_line_style(palette.light_grid)
            .bold_line_style(palette.bold_grid)
            .x_label_formatter(&|v| format!("{}", v.round()))
            .y_label_formatter(&|v| format!("{}", v.round()))
            .draw()
            .map_err(|e| e.to_string())?;
        let current = data.current_n.max(2) as f64;
        chart
            .draw_series(LineSeries::new(
                [(current, 1.0), (current, max_y * 1.3)],
                ShapeStyle::from(&palette.muted).stroke_width(ratio as u32),
            ))
            .map_err(|e| e.to_string())?;
        let mut legend = Vec::new();
        for s in &data.series {
            let color = RGBColor(s.color.0, s.color.1, s.color.2);
            chart
                .draw_series(LineSeries::new(
                    s.points
                        .iter()
                        .filter(|p| value(p) > 0)
                        .map(|p| (p.0 as f64, value(p) as f64)),
                    ShapeStyle::from(&color).stroke_width((2.0 * ratio) as u32),
                ))
                .map_err(|e| e.to_string())?;
            legend.push(LegendEntry {
                label: s.name.clone(),
                colour: color,
                mark: LegendMark::Line,
            });
        }
        let area = chart.plotting_area().strip_coord_spec();
        let font = ("sans-serif", font).into_font().color(&palette.text);
        draw_legend(
            &area,
            &legend,
            &SeriesLabelPosition::UpperLeft,
            &font,
            &palette,
            ratio,
        )?;
    }
    root.present().map_err(|e| e.to_string())
}
