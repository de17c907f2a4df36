//! Canvas set-up shared by every chart: size the backing store for `devicePixelRatio`
//! so lines and text stay sharp, and hand plotters a backend that measures text on the canvas.
//!
//! Why a wrapper: without a font crate, plotters measures each label (tick labels, legend
//! entries, axis descriptions) by appending a `<span>` to the page and reading its
//! `offsetHeight`, which forces a layout of the whole page per label — tens of forced layouts per
//! redraw, the largest cost of a chart update in the slider profiles (BENCHMARKS.md). The 2-D
//! context's `measureText` answers the same question without touching the page's layout.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind,
};
use plotters_canvas::CanvasBackend;
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement};

use crate::ui::theme::ChartPalette;
use leptos::prelude::{ArcTrigger, Notify, Track};

thread_local! {
    /// Every chart canvas drawn so far, with the trigger its drawing effect tracks (see
    /// [`redraw_on_resize`]), and the one observer watching their sizes.
    static WATCHED: std::cell::RefCell<Vec<(HtmlCanvasElement, ArcTrigger)>> = const { std::cell::RefCell::new(Vec::new()) };
    static OBSERVER: std::cell::OnceCell<Option<web_sys::ResizeObserver>> = const { std::cell::OnceCell::new() };
    /// The canvas of the backend made last: `draw_legend` writes its labels on it
    /// (`data-legend-drawn`), so an export can name what the drawn legend says.
    static DRAWING: std::cell::RefCell<Option<HtmlCanvasElement>> = const { std::cell::RefCell::new(None) };
}

/// Sets `name` on `el` only when it changes (a write restyles the element).
fn set_data(el: &HtmlCanvasElement, name: &str, value: Option<&str>) {
    if el.get_attribute(name).as_deref() != value {
        let _ = match value {
            Some(v) => el.set_attribute(name, v),
            None => el.remove_attribute(name),
        };
    }
}

/// The backing store size `canvas` needs: its CSS box times the device pixel ratio, and the ratio.
fn wanted_size(canvas: &HtmlCanvasElement) -> (u32, u32, f64) {
    let ratio = web_sys::window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .clamp(1.0, 4.0);
    let rect = canvas.get_bounding_client_rect();
    (
        (rect.width() * ratio).round() as u32,
        (rect.height() * ratio).round() as u32,
        ratio,
    )
}

/// Whether `canvas`'s bitmap no longer matches its box (it was drawn before the layout settled,
/// hidden, or the window changed).
fn stale(canvas: &HtmlCanvasElement) -> bool {
    let (width, height, _) = wanted_size(canvas);
    width > 0 && height > 0 && (canvas.width() != width || canvas.height() != height)
}

/// The observer that notifies a canvas's trigger when its box changes size and its bitmap no
/// longer fits it.
fn observer() -> Option<web_sys::ResizeObserver> {
    OBSERVER.with(|o| {
        o.get_or_init(|| {
            let on_resize = wasm_bindgen::closure::Closure::<dyn FnMut(js_sys::Array)>::new(
                |entries: js_sys::Array| {
                    for entry in entries.iter() {
                        let Ok(entry) = entry.dyn_into::<web_sys::ResizeObserverEntry>() else {
                            continue;
                        };
                        let Ok(canvas) = entry.target().dyn_into::<HtmlCanvasElement>() else {
                            continue;
                        };
                        if !stale(&canvas) {
                            continue;
                        }
                        let trigger = WATCHED.with(|w| {
                            w.borrow()
                                .iter()
                                .find(|(c, _)| *c == canvas)
                                .map(|(_, t)| t.clone())
                        });
                        if let Some(trigger) = trigger {
                            trigger.notify();
                        }
                    }
                },
            );
            let observer = web_sys::ResizeObserver::new(on_resize.as_ref().unchecked_ref()).ok();
            // One observer for the page's life.
            on_resize.forget();
            observer
        })
        .clone()
    })
}

/// Makes the effect that is drawing `canvas` run again when the canvas's box changes size —
/// the window is resized, a scroll bar or a late font changes the layout after the first draw,
/// a hidden chart is shown, present mode enlarges it — so the bitmap always matches the box
/// (plotters-canvas demos: "sized for devicePixelRatio and redrawn on resize").
fn redraw_on_resize(canvas: &HtmlCanvasElement) {
    let trigger = WATCHED.with(|w| {
        let mut w = w.borrow_mut();
        // Canvases no longer in the page are forgotten.
        let observer = observer();
        w.retain(|(c, _)| {
            let keep = c.is_connected();
            if let (false, Some(o)) = (keep, &observer) {
                o.unobserve(c);
            }
            keep
        });
        if let Some((_, t)) = w.iter().find(|(c, _)| c == canvas) {
            return t.clone();
        }
        let trigger = ArcTrigger::new();
        if let Some(o) = &observer {
            o.observe(canvas);
        }
        w.push((canvas.clone(), trigger.clone()));
        trigger
    });
    trigger.track();
}

/// A plotters backend on `canvas`, sized to its CSS box times the device pixel ratio.
/// Returns the backend and the ratio (multiply font sizes and line widths by it).
/// `None` when the canvas is not laid out (e.g. hidden) or has no 2-D context.
pub fn backend_for(canvas: &HtmlCanvasElement) -> Option<(ChartBackend, f64)> {
    // Called inside the chart's drawing effect: that effect now also follows the canvas's size.
    redraw_on_resize(canvas);
    let (width, height, ratio) = wanted_size(canvas);
    if width == 0 || height == 0 {
        return None;
    }
    // Resizing clears the canvas and may dirty the layout: only when the size changed (every
    // chart fills its background first).
    if canvas.width() != width {
        canvas.set_width(width);
    }
    if canvas.height() != height {
        canvas.set_height(height);
    }
    let context = canvas
        .get_context("2d")
        .ok()
        .flatten()?
        .dyn_into::<CanvasRenderingContext2d>()
        .ok()?;
    let inner = CanvasBackend::with_canvas_object(canvas.clone())?;
    // A chart that draws no legend this time has none to export.
    set_data(canvas, "data-legend-drawn", None);
    DRAWING.with(|d| *d.borrow_mut() = Some(canvas.clone()));
    Some((ChartBackend { inner, context }, ratio))
}

/// plotters' canvas backend, with text measured by the canvas (see the module comment).
pub struct ChartBackend {
    inner: CanvasBackend,
    context: CanvasRenderingContext2d,
}

type Failure = DrawingErrorKind<<CanvasBackend as DrawingBackend>::ErrorType>;

impl DrawingBackend for ChartBackend {
    type ErrorType = <CanvasBackend as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), Failure> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), Failure> {
        self.inner.present()
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Result<(), Failure> {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), Failure> {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), Failure> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), Failure> {
        self.inner.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), Failure> {
        self.inner.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), Failure> {
        self.inner.fill_polygon(vert, style)
    }

    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), Failure> {
        self.inner.draw_text(text, style, pos)
    }

    /// Width from `measureText` in the font `draw_text` uses; height = the font size (what
    /// plotters' span measurement gives for one line, up to rounding).
    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), Failure> {
        self.context.set_font(&format!(
            "{} {}px {}",
            style.style().as_str(),
            style.size(),
            style.family().as_str(),
        ));
        let width = self
            .context
            .measure_text(text)
            .map_or(0.0, |m| m.width())
            .max(0.0);
        Ok((width.ceil() as u32, style.size().max(0.0).ceil() as u32))
    }
}

/// Writes the legend of a chart whose key is not drawn in the canvas (it is HTML beside it, or
/// the colours are the families' own) as the figure's `data-export-legend`: `[[label, CSS
/// colour], …]`, so an exported card draws it (`widgets::export`).
pub fn export_legend(canvas: &HtmlCanvasElement, entries: &[(String, String)]) {
    let pairs: Vec<String> = entries
        .iter()
        .map(|(label, colour)| {
            crate::ui::widgets::format::strings_json(&[label.clone(), colour.clone()])
        })
        .collect();
    set_data(
        canvas,
        "data-export-legend",
        Some(&format!("[{}]", pairs.join(","))),
    );
}

/// The CSS form of a chart colour.
pub fn css(colour: RGBColor) -> String {
    format!("rgb({}, {}, {})", colour.0, colour.1, colour.2)
}

/// The sample drawn before a legend label.
#[derive(Clone, Copy)]
pub enum LegendMark {
    /// A short horizontal line (a series).
    Line,
    /// A filled dot (a dotted series).
    Dot,
    /// A short vertical line (a marker at one x).
    Tick,
}

/// One legend entry.
pub struct LegendEntry {
    pub label: String,
    pub colour: RGBColor,
    pub mark: LegendMark,
}

/// Draws a legend box in a corner of `area` (a chart's plotting area in pixels). It replaces
/// plotters' `configure_series_labels`, which measures each label through a page layout (see the
/// module comment); here the labels are measured by the canvas.
pub fn draw_legend(
    area: &DrawingArea<ChartBackend, Shift>,
    entries: &[LegendEntry],
    corner: &SeriesLabelPosition,
    font: &TextStyle,
    palette: &ChartPalette,
    ratio: f64,
) -> Result<(), String> {
    if entries.is_empty() {
        return Ok(());
    }
    let labels: Vec<String> = entries.iter().map(|e| e.label.clone()).collect();
    let json = crate::ui::widgets::format::strings_json(&labels);
    DRAWING.with(|d| {
        if let Some(canvas) = d.borrow().as_ref() {
            set_data(canvas, "data-legend-drawn", Some(&json));
        }
    });
    let px = |v: f64| (v * ratio).round() as i32;
    let err = |e: DrawingAreaErrorKind<<ChartBackend as DrawingBackend>::ErrorType>| e.to_string();
    let widest = entries
        .iter()
        .map(|e| {
            area.estimate_text_size(&e.label, font)
                .map_or(0, |(w, _)| w)
        })
        .max()
        .unwrap_or(0) as i32;
    let (pad, sample, row) = (px(6.0), px(20.0), px(17.0));
    let (box_w, box_h) = (
        pad * 3 + sample + widest,
        pad * 2 + row * entries.len() as i32,
    );
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    let (left, top) = match corner {
        SeriesLabelPosition::UpperLeft => (pad, pad),
        SeriesLabelPosition::LowerLeft => (pad, h - box_h - pad),
        SeriesLabelPosition::LowerRight => (w - box_w - pad, h - box_h - pad),
        _ => (w - box_w - pad, pad),
    };
    area.draw(&Rectangle::new(
        [(left, top), (left + box_w, top + box_h)],
        palette.background.mix(0.85).filled(),
    ))
    .map_err(err)?;
    area.draw(&Rectangle::new(
        [(left, top), (left + box_w, top + box_h)],
        palette.legend_border,
    ))
    .map_err(err)?;
    let text = font.pos(Pos::new(HPos::Left, VPos::Center));
    for (k, entry) in entries.iter().enumerate() {
        let y = top + pad + row * k as i32 + row / 2;
        let x = left + pad;
        let style = Color::stroke_width(&entry.colour, px(2.5).max(1) as u32);
        match entry.mark {
            LegendMark::Line => area.draw(&PathElement::new(vec![(x, y), (x + sample, y)], style)),
            LegendMark::Dot => area.draw(&Circle::new(
                (x + sample / 2, y),
                px(4.0).max(1),
                entry.colour.filled(),
            )),
            LegendMark::Tick => area.draw(&PathElement::new(
                vec![(x + sample / 2, y - px(6.0)), (x + sample / 2, y + px(6.0))],
                style,
            )),
        }
        .map_err(err)?;
        area.draw(&Text::new(
            entry.label.clone(),
            (x + sample + pad, y),
            text.clone(),
        ))
        .map_err(err)?;
    }
    Ok(())
}
