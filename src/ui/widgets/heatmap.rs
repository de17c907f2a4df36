//! A matrix drawn as coloured cells on a canvas, with a legend, a hover read-out and an
//! optional click callback. The values also sit in `data-values` (JSON) for tests and tools.
//!
//! Colours come from `colorous` (viridis: perceptually uniform and colour-blind safe for
//! non-negative data; red–blue diverging for signed data).

use leptos::html::Canvas;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::format::{display_number, matrix_json, strings_json};
use crate::ui::i18n::{lang, show, Lang, Tr};

/// Colour of a non-finite value (magenta): it is never drawn as if it were a number.
const NON_FINITE_RGB: [u8; 3] = [255, 0, 255];

/// The RGB colour at position `t ∈ [0, 1]` of the scale.
fn scale_rgb(t: f32, diverging: bool) -> [u8; 3] {
    let t = f64::from(t.clamp(0.0, 1.0));
    let c = if diverging {
        colorous::RED_BLUE.eval_continuous(1.0 - t)
    } else {
        colorous::VIRIDIS.eval_continuous(t)
    };
    [c.r, c.g, c.b]
}

/// Where `value` falls on the scale `[low, high]`, linear or log10 (log: values ≤ 0 at 0).
pub fn scale_position(value: f32, low: f32, high: f32, log: bool) -> f32 {
    if log {
        let floor = (high * 1e-6).max(f32::MIN_POSITIVE);
        let (lo, hi) = (low.max(floor).log10(), high.max(floor).log10());
        if hi > lo {
            (value.max(floor).log10() - lo) / (hi - lo)
        } else {
            1.0
        }
    } else if high > low {
        (value - low) / (high - low)
    } else {
        0.5
    }
}

/// The range of the finite values; symmetric about 0 when `diverging`.
fn value_range(rows: &[Vec<f32>], diverging: bool) -> (f32, f32) {
    let finite = rows.iter().flatten().copied().filter(|v| v.is_finite());
    let (low, high) = finite.fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if low > high {
        (0.0, 1.0)
    } else if diverging {
        let m = low.abs().max(high.abs()).max(f32::MIN_POSITIVE);
        (-m, m)
    } else {
        (low.min(0.0), high)
    }
}

/// Draws the cells, one canvas pixel per cell (CSS scales it up, pixelated), in a single
/// `putImageData` call so a 64 × 64 matrix costs one round trip to the browser, not 4096.
fn draw(canvas: &web_sys::HtmlCanvasElement, rows: &[Vec<f32>], diverging: bool, log: bool) {
    let cols = rows.first().map_or(0, Vec::len);
    if cols == 0 || rows.is_empty() {
        canvas.set_width(1);
        canvas.set_height(1);
        return;
    }
    canvas.set_width(cols as u32);
    canvas.set_height(rows.len() as u32);
    let Some(ctx) = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
    else {
        return;
    };
    let (low, high) = value_range(rows, diverging);
    let mut rgba = Vec::with_capacity(rows.len() * cols * 4);
    for row in rows {
        for j in 0..cols {
            let v = row.get(j).copied().unwrap_or(f32::NAN);
            let [r, g, b] = if v.is_finite() {
                scale_rgb(scale_position(v, low, high, log && !diverging), diverging)
            } else {
                NON_FINITE_RGB
            };
            rgba.extend_from_slice(&[r, g, b, 255]);
        }
    }
    if let Ok(image) = web_sys::ImageData::new_with_u8_clamped_array_and_sh(
        wasm_bindgen::Clamped(&rgba),
        cols as u32,
        rows.len() as u32,
    ) {
        let _ = ctx.put_image_data(&image, 0.0, 0.0);
    }
}

/// A heat map of `values` (rows × columns), rows labelled by `row_labels`.
#[component]
pub fn Heatmap(
    /// The matrix, one `Vec` per row.
    #[prop(into)]
    values: Signal<Vec<Vec<f32>>>,
    /// One label per row and column (tokens).
    #[prop(into)]
    row_labels: Signal<Vec<String>>,
    /// `data-testid` of the figure.
    test_id: &'static str,
    /// One-line caption saying how to read it.
    caption: Tr,
    /// Signed data: diverging colour scale centred on 0.
    #[prop(optional)]
    diverging: bool,
    /// Log colour scale (non-negative data only).
    #[prop(optional, into)]
    log: Signal<bool>,
    /// Called with (row, column) when a cell is clicked.
    #[prop(optional)]
    on_select: Option<Callback<(usize, usize)>>,
) -> impl IntoView {
    let canvas_ref = NodeRef::<Canvas>::new();
    let (hovered, set_hovered) = signal(None::<(usize, usize)>);
    let range = Memo::new(move |_| values.with(|v| value_range(v, diverging)));
    Effect::new(move |_| {
        let log = log.get();
        if let Some(canvas) = canvas_ref.get() {
            values.with(|rows| draw(&canvas, rows, diverging, log));
        }
    });
    let cell_at = move |ev: &web_sys::MouseEvent| -> Option<(usize, usize)> {
        let canvas = canvas_ref.get()?;
        let rect = canvas.get_bounding_client_rect();
        let (rows, cols) = values.with(|v| (v.len(), v.first().map_or(0, Vec::len)));
        if rect.width() <= 0.0 || rect.height() <= 0.0 {
            return None;
        }
        let j = ((f64::from(ev.client_x()) - rect.left()) / rect.width() * cols as f64).floor();
        let i = ((f64::from(ev.client_y()) - rect.top()) / rect.height() * rows as f64).floor();
        (i >= 0.0 && j >= 0.0 && (i as usize) < rows && (j as usize) < cols)
            .then_some((i as usize, j as usize))
    };
    let readout = move || {
        hovered.get().and_then(|(i, j)| {
            let value = values.with(|v| v.get(i).and_then(|r| r.get(j)).copied())?;
            let label = |k: usize| row_labels.with(|l| l.get(k).cloned().unwrap_or_default());
            let (a, b, v) = (label(i), label(j), display_number(value));
            Some(match lang() {
                Lang::En => format!("output {i} “{a}” ← input {j} “{b}”: {v}"),
                Lang::Es => format!("salida {i} «{a}» ← entrada {j} «{b}»: {v}"),
            })
        })
    };
    // Text alternative for screen readers: size and where the largest value sits.
    let summary = move || {
        values.with(|rows| {
            let cols = rows.first().map_or(0, Vec::len);
            let largest = rows
                .iter()
                .enumerate()
                .flat_map(|(i, r)| r.iter().enumerate().map(move |(j, v)| (i, j, *v)))
                .filter(|(_, _, v)| v.is_finite())
                .max_by(|a, b| a.2.abs().total_cmp(&b.2.abs()));
            let label = |k: usize| row_labels.with(|l| l.get(k).cloned().unwrap_or_default());
            let overflow = rows.iter().flatten().filter(|v| !v.is_finite()).count();
            let spanish = lang() == Lang::Es;
            let mut text = if spanish {
                format!("{} filas × {cols} columnas.", rows.len())
            } else {
                format!("{} rows × {cols} columns.", rows.len())
            };
            if let Some((i, j, v)) = largest {
                let (v, name) = (display_number(v), label(i));
                text.push_str(&if spanish {
                    format!(" Mayor magnitud {v} en la fila {i} «{name}», columna {j}.")
                } else {
                    format!(" Largest magnitude {v} at row {i} “{name}”, column {j}.")
                });
            }
            if overflow > 0 {
                text.push_str(&if spanish {
                    format!(" {overflow} celdas desbordan.")
                } else {
                    format!(" {overflow} cells overflow.")
                });
            }
            text
        })
    };
    let summary_id = format!("{test_id}-summary");
    view! {
        <figure class="heatmap" data-testid=test_id data-values=move || values.with(|v| matrix_json(v))
            data-labels=move || row_labels.with(|l| strings_json(l))>
            <p class="visually-hidden" id=summary_id.clone()>{summary}</p>
            <canvas
                node_ref=canvas_ref
                role="img"
                aria-describedby=summary_id
                aria-label=show(caption)
                on:mousemove=move |ev| set_hovered.set(cell_at(&ev))
                on:mouseleave=move |_| set_hovered.set(None)
                on:click=move |ev| {
                    if let (Some(cb), Some(cell)) = (on_select, cell_at(&ev)) {
                        cb.run(cell);
                    }
                }
            ></canvas>
            <figcaption>
                {show(caption)}
                <span class="legend">
                    {move || {
                        let (lo, hi) = range.get();
                        let (lo, hi) = (display_number(lo), display_number(hi));
                        match (lang(), diverging) {
                            (Lang::En, false) => format!(" · colour from {lo} (dark) to {hi} (bright); magenta = overflow/NaN"),
                            (Lang::Es, false) => format!(" · color de {lo} (oscuro) a {hi} (claro); magenta = desbordamiento/NaN"),
                            (Lang::En, true) => format!(" · colour from {lo} (blue) through 0 (white) to {hi} (red); magenta = overflow/NaN"),
                            (Lang::Es, true) => format!(" · color de {lo} (azul) a {hi} (rojo), pasando por 0 (blanco); magenta = desbordamiento/NaN"),
                        }
                    }}
                </span>
                <output class="readout">{move || readout().unwrap_or_default()}</output>
            </figcaption>
        </figure>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_scale_puts_decades_evenly() {
        // 1e-2, 1e-1, 1 on a log scale from 1e-2 to 1: positions 0, 1/2, 1.
        let p = |v| scale_position(v, 1e-2, 1.0, true);
        assert!((p(1e-2) - 0.0).abs() < 1e-6);
        assert!((p(1e-1) - 0.5).abs() < 1e-6);
        assert!((p(1.0) - 1.0).abs() < 1e-6);
        assert!((scale_position(0.25, 0.0, 1.0, false) - 0.25).abs() < 1e-6);
    }
}
