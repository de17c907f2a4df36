//! A matrix drawn as coloured cells on a canvas, with a legend, a hover read-out and an
//! optional click callback. The values also sit in `data-values` (JSON) for tests and tools.
//!
//! Colours come from `colorous` (viridis: perceptually uniform and colour-blind safe for
//! non-negative data; red–blue diverging for signed data).

use leptos::html::Canvas;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::format::{display_number, matrix_json, strings_json};
use super::grid_keys::{move_cursor, selects, Rows};
use crate::ui::i18n::{lang, Lang};

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

/// How values map to colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HeatScale {
    /// Linear over every value.
    #[default]
    Linear,
    /// log₁₀ over every value (six decades; values ≤ 0 at the bottom).
    Log,
    /// Linear over the off-diagonal cells (i ≠ j) only; the diagonal drawn in grey on its own
    /// linear scale from 0 to its largest value. For square matrices whose diagonal (a skip
    /// path) would otherwise take the whole range.
    OffDiagonal,
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

/// The range of the finite values of the cells `keep(i, j)` accepts; symmetric about 0 when
/// `diverging`, else from min(0, low).
fn range_where(
    rows: &[Vec<f32>],
    diverging: bool,
    keep: impl Fn(usize, usize) -> bool,
) -> (f32, f32) {
    let finite = rows.iter().enumerate().flat_map(|(i, r)| {
        r.iter()
            .enumerate()
            .filter(|&(j, v)| keep(i, j) && v.is_finite())
            .map(|(_, v)| *v)
            .collect::<Vec<_>>()
    });
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

/// The colour range of a scale: every cell, or the off-diagonal cells only.
pub fn value_range(rows: &[Vec<f32>], diverging: bool, scale: HeatScale) -> (f32, f32) {
    match scale {
        HeatScale::OffDiagonal if !diverging => range_where(rows, false, |i, j| i != j),
        _ => range_where(rows, diverging, |_, _| true),
    }
}

/// The range of the diagonal, [0, max] (for the grey scale of `OffDiagonal`).
pub fn diagonal_range(rows: &[Vec<f32>]) -> (f32, f32) {
    range_where(rows, false, |i, j| i == j)
}

/// The RGB colour of cell (i, j) with value `v`.
fn cell_rgb(
    v: f32,
    (i, j): (usize, usize),
    ranges: &Ranges,
    diverging: bool,
    scale: HeatScale,
) -> [u8; 3] {
    if !v.is_finite() {
        return NON_FINITE_RGB;
    }
    match scale {
        HeatScale::OffDiagonal if !diverging && i == j => {
            let (lo, hi) = ranges.diagonal;
            let g = (40.0 + 200.0 * scale_position(v, lo, hi, false).clamp(0.0, 1.0)) as u8;
            [g, g, g]
        }
        _ => {
            let (lo, hi) = ranges.colour;
            scale_rgb(
                scale_position(v, lo, hi, scale == HeatScale::Log && !diverging),
                diverging,
            )
        }
    }
}

/// The colour range and the diagonal's own range.
struct Ranges {
    colour: (f32, f32),
    diagonal: (f32, f32),
}

/// Draws the cells, one canvas pixel per cell (CSS scales it up, pixelated), in a single
/// `putImageData` call so a 64 × 64 matrix costs one round trip to the browser, not 4096.
fn draw(canvas: &web_sys::HtmlCanvasElement, rows: &[Vec<f32>], diverging: bool, scale: HeatScale) {
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
    let ranges = Ranges {
        colour: value_range(rows, diverging, scale),
        diagonal: diagonal_range(rows),
    };
    let mut rgba = Vec::with_capacity(rows.len() * cols * 4);
    for (i, row) in rows.iter().enumerate() {
        for j in 0..cols {
            let v = row.get(j).copied().unwrap_or(f32::NAN);
            let [r, g, b] = cell_rgb(v, (i, j), &ranges, diverging, scale);
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

/// CSS pixels per cell for a matrix whose larger side is `n`: large cells for a few tokens,
/// at least 10 px (the labels stay readable) for 64; wider figures scroll.
pub fn cell_px(n: usize) -> f64 {
    (440.0 / n.max(1) as f64).clamp(10.0, 30.0).floor()
}

/// The legend words of a scale.
fn legend(
    lo: f32,
    hi: f32,
    diag: (f32, f32),
    diverging: bool,
    scale: HeatScale,
    lang: Lang,
) -> String {
    let (lo, hi, dhi) = (
        display_number(lo),
        display_number(hi),
        display_number(diag.1),
    );
    match (lang, diverging, scale) {
        (Lang::En, true, _) => format!(" · colour from {lo} (blue) through 0 (white) to {hi} (red); magenta = overflow/NaN"),
        (Lang::Es, true, _) => format!(" · color de {lo} (azul) a {hi} (rojo), pasando por 0 (blanco); magenta = desbordamiento/NaN"),
        (Lang::En, false, HeatScale::OffDiagonal) => format!(" · colour: the off-diagonal cells (i ≠ j), linear from {lo} (dark) to {hi} (bright); the diagonal i = j in grey on its own scale, 0 to {dhi}; magenta = overflow/NaN"),
        (Lang::Es, false, HeatScale::OffDiagonal) => format!(" · color: las celdas fuera de la diagonal (i ≠ j), lineal de {lo} (oscuro) a {hi} (claro); la diagonal i = j en gris con su propia escala, de 0 a {dhi}; magenta = desbordamiento/NaN"),
        (Lang::En, false, HeatScale::Log) => format!(" · colour: log₁₀, every cell, up to {hi} (bright), six decades; magenta = overflow/NaN"),
        (Lang::Es, false, HeatScale::Log) => format!(" · color: log₁₀, todas las celdas, hasta {hi} (claro), seis décadas; magenta = desbordamiento/NaN"),
        (Lang::En, false, HeatScale::Linear) => format!(" · colour: linear, every cell, from {lo} (dark) to {hi} (bright); magenta = overflow/NaN"),
        (Lang::Es, false, HeatScale::Linear) => format!(" · color: lineal, todas las celdas, de {lo} (oscuro) a {hi} (claro); magenta = desbordamiento/NaN"),
    }
}

/// A label cut to `max` characters (with "…").
fn short(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_string()
    } else {
        label.chars().take(max - 1).chain(['…']).collect()
    }
}

/// The cell (row, column) under the mouse on the cells' canvas of a `rows × cols` matrix.
fn cell_under(
    canvas: &web_sys::HtmlCanvasElement,
    ev: &web_sys::MouseEvent,
    (rows, cols): (usize, usize),
) -> Option<(usize, usize)> {
    let rect = canvas.get_bounding_client_rect();
    if rect.width() <= 0.0 || rect.height() <= 0.0 {
        return None;
    }
    let j = ((f64::from(ev.client_x()) - rect.left()) / rect.width() * cols as f64).floor();
    let i = ((f64::from(ev.client_y()) - rect.top()) / rect.height() * rows as f64).floor();
    (i >= 0.0 && j >= 0.0 && (i as usize) < rows && (j as usize) < cols)
        .then_some((i as usize, j as usize))
}

/// What the read-out says of cell (i, j) holding `value`, rows labelled `row` and columns `col`.
fn cell_words(
    (i, j): (usize, usize),
    value: f32,
    row: &str,
    col: &str,
    token_columns: bool,
    lang: Lang,
) -> String {
    let v = display_number(value);
    match (lang, token_columns) {
        (Lang::En, true) => format!("output {i} “{row}” ← input {j} “{col}”: {v}"),
        (Lang::Es, true) => format!("salida {i} «{row}» ← entrada {j} «{col}»: {v}"),
        (Lang::En, false) => format!("row {i} “{row}”, column {j}: {v}"),
        (Lang::Es, false) => format!("fila {i} «{row}», columna {j}: {v}"),
    }
}

/// The screen-reader summary: the size, where the largest magnitude sits, how many cells overflow.
fn summary_text(rows: &[Vec<f32>], labels: &[String], lang: Lang) -> String {
    let cols = rows.first().map_or(0, Vec::len);
    let largest = rows
        .iter()
        .enumerate()
        .flat_map(|(i, r)| r.iter().enumerate().map(move |(j, v)| (i, j, *v)))
        .filter(|(_, _, v)| v.is_finite())
        .max_by(|a, b| a.2.abs().total_cmp(&b.2.abs()));
    let overflow = rows.iter().flatten().filter(|v| !v.is_finite()).count();
    let spanish = lang == Lang::Es;
    let mut text = if spanish {
        format!("{} filas × {cols} columnas.", rows.len())
    } else {
        format!("{} rows × {cols} columns.", rows.len())
    };
    if let Some((i, j, v)) = largest {
        let (v, name) = (
            display_number(v),
            labels.get(i).cloned().unwrap_or_default(),
        );
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
}

/// The labels along one side of the cells — rows, or the columns of a token × token matrix
/// (written vertically) — the selected one marked.
#[component]
fn AxisLabels(
    labels: Signal<Vec<String>>,
    cell: Memo<f64>,
    selected: Option<Signal<usize>>,
    columns: bool,
) -> impl IntoView {
    let (class, size) = if columns {
        ("heat-col-label", "width")
    } else {
        ("heat-row-label", "height")
    };
    move || {
        let c = cell.get();
        labels.with(|l| {
            l.iter()
                .enumerate()
                .map(|(k, text)| view! {
                    <span class=class style=format!("{size}: {c}px; line-height: {c}px") title=text.clone()
                        class:selected=move || selected.is_some_and(|s| s.get() == k)>
                        <span>{short(text, 10)}</span>
                    </span>
                })
                .collect_view()
        })
    }
}

/// A heat map of `values` (rows × columns), rows labelled by `row_labels`; with
/// `token_columns` the columns carry the same labels (a token × token matrix).
/// Keyboard: the cells take focus, arrow keys move a cursor, Enter selects its column.
#[component]
pub fn Heatmap(
    /// The matrix, one `Vec` per row.
    #[prop(into)]
    values: Signal<Vec<Vec<f32>>>,
    /// One label per row (and per column with `token_columns`).
    #[prop(into)]
    row_labels: Signal<Vec<String>>,
    /// Columns are the same tokens as the rows (labelled, selectable).
    #[prop(optional)]
    token_columns: bool,
    /// `data-testid` of the figure.
    test_id: &'static str,
    /// One-line caption saying how to read it.
    #[prop(into)]
    caption: Signal<String>,
    /// Signed data: diverging colour scale centred on 0.
    #[prop(optional)]
    diverging: bool,
    /// How values map to colours (non-negative data).
    #[prop(optional, into)]
    scale: Signal<HeatScale>,
    /// The selected column, highlighted.
    #[prop(optional, into)]
    selected: Option<Signal<usize>>,
    /// Called with (row, column) when a cell is clicked or chosen with Enter.
    #[prop(optional)]
    on_select: Option<Callback<(usize, usize)>>,
    /// A short title for the exported card (else the export falls back to the caption).
    #[prop(optional, into)]
    title: Option<Signal<String>>,
) -> impl IntoView {
    let canvas_ref = NodeRef::<Canvas>::new();
    let (hovered, set_hovered) = signal(None::<(usize, usize)>);
    let cursor = RwSignal::new(None::<(usize, usize)>);
    let dims = Memo::new(move |_| values.with(|v| (v.len(), v.first().map_or(0, Vec::len))));
    let range = Memo::new(move |_| {
        let scale = scale.get();
        values.with(|v| (value_range(v, diverging, scale), diagonal_range(v)))
    });
    Effect::new(move |_| {
        let scale = scale.get();
        if let Some(canvas) = canvas_ref.get() {
            values.with(|rows| draw(&canvas, rows, diverging, scale));
        }
    });
    let cell = Memo::new(move |_| {
        let (rows, cols) = dims.get();
        cell_px(rows.max(cols))
    });
    let cell_at =
        move |ev: &web_sys::MouseEvent| cell_under(&canvas_ref.get()?, ev, dims.get_untracked());
    let label = move |k: usize| row_labels.with(|l| l.get(k).cloned().unwrap_or_default());
    let words = move |(i, j): (usize, usize)| {
        let value = values.with(|v| v.get(i).and_then(|r| r.get(j)).copied())?;
        Some(cell_words(
            (i, j),
            value,
            &label(i),
            &label(j),
            token_columns,
            lang(),
        ))
    };
    let readout = move || cursor.get().or(hovered.get()).and_then(words);
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let (rows, cols) = dims.get_untracked();
        if rows == 0 || cols == 0 {
            return;
        }
        let start = selected.map_or(0, |s| s.get_untracked());
        let (i, j) = cursor
            .get_untracked()
            .unwrap_or((start.min(rows - 1), start.min(cols - 1)));
        let Some(next) = move_cursor(&ev.key(), (i, j), (rows, cols), Rows::Down) else {
            return;
        };
        if selects(&ev.key()) {
            if let Some(cb) = on_select {
                cb.run(next);
            }
        }
        ev.prevent_default();
        cursor.set(Some(next));
    };
    // Text alternative for screen readers: size and where the largest value sits.
    let summary = move || values.with(|rows| row_labels.with(|l| summary_text(rows, l, lang())));
    let summary_id = format!("{test_id}-summary");
    let column_mark = move || {
        let j = selected?.get();
        let (_, cols) = dims.get();
        (j < cols).then(|| {
            let c = cell.get();
            view! { <div class="heat-column-mark" data-testid=format!("{test_id}-selected") data-col=j
                style=format!("left: {}px; width: {c}px", j as f64 * c)></div> }
        })
    };
    let cursor_mark = move || {
        let (i, j) = cursor.get()?;
        let c = cell.get();
        Some(
            view! { <div class="heat-cursor" style=format!("left: {}px; top: {}px; width: {c}px; height: {c}px", j as f64 * c, i as f64 * c)></div> },
        )
    };
    view! {
        <figure class="heatmap" class:token-columns=token_columns data-testid=test_id data-values=move || values.with(|v| matrix_json(v))
            data-labels=move || row_labels.with(|l| strings_json(l))
            data-export-title=move || title.map(|t| t.get())>
            <p class="visually-hidden" id=summary_id.clone()>{summary}</p>
            <div class="heat-scroll" data-own-keys="">
                <div class="heat-grid">
                    <div class="heat-corner"></div>
                    <div class="heat-col-labels">{token_columns.then(|| view! { <AxisLabels labels=row_labels cell=cell selected=selected columns=true /> })}</div>
                    <div class="heat-row-labels"><AxisLabels labels=row_labels cell=cell selected=selected.filter(|_| token_columns) columns=false /></div>
                    <div class="heat-cells" style=move || { let (rows, cols) = dims.get(); let c = cell.get(); format!("width: {}px; height: {}px", cols as f64 * c, rows as f64 * c) }>
                        <canvas
                            node_ref=canvas_ref
                            role="img"
                            tabindex="0"
                            data-testid=format!("{test_id}-cells")
                            aria-describedby=summary_id
                            aria-label=move || caption.get()
                            on:mousemove=move |ev| set_hovered.set(cell_at(&ev))
                            on:mouseleave=move |_| set_hovered.set(None)
                            on:keydown=on_key
                            on:blur=move |_| cursor.set(None)
                            on:click=move |ev| {
                                if let (Some(cb), Some(cell)) = (on_select, cell_at(&ev)) {
                                    cb.run(cell);
                                }
                            }
                        ></canvas>
                        {column_mark}
                        {cursor_mark}
                    </div>
                </div>
            </div>
            <figcaption>
                {move || caption.get()}
                <span class="legend" data-testid=format!("{test_id}-legend")>
                    {move || {
                        let ((lo, hi), diag) = range.get();
                        legend(lo, hi, diag, diverging, scale.get(), lang())
                    }}
                </span>
                <output class="readout" aria-live="polite">{move || readout().unwrap_or_default()}</output>
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

    #[test]
    fn off_diagonal_scale_spans_the_off_diagonal_cells_only() {
        // A residual-like matrix: diagonal 10, below it 0.1 and 0.3. Linear: the largest
        // off-diagonal cell sits at 0.03 of the range; off-diagonal: at the top (1).
        let m = vec![
            vec![10.0, 0.0, 0.0],
            vec![0.1, 10.0, 0.0],
            vec![0.3, 0.2, 10.0],
        ];
        let (lo, hi) = value_range(&m, false, HeatScale::Linear);
        assert!((scale_position(0.3, lo, hi, false) - 0.03).abs() < 1e-6);
        let (lo, hi) = value_range(&m, false, HeatScale::OffDiagonal);
        assert_eq!((lo, hi), (0.0, 0.3));
        assert!((scale_position(0.3, lo, hi, false) - 1.0).abs() < 1e-6);
        assert_eq!(diagonal_range(&m), (0.0, 10.0));
        // The diagonal is grey (r = g = b); off-diagonal cells are viridis colours.
        let ranges = Ranges {
            colour: (lo, hi),
            diagonal: diagonal_range(&m),
        };
        let [r, g, b] = cell_rgb(10.0, (1, 1), &ranges, false, HeatScale::OffDiagonal);
        assert!(r == g && g == b, "{r} {g} {b}");
        let top = cell_rgb(0.3, (2, 0), &ranges, false, HeatScale::OffDiagonal);
        assert_eq!(top, scale_rgb(1.0, false));
    }

    #[test]
    fn cells_stay_readable_from_2_to_64_tokens() {
        assert_eq!(cell_px(2), 30.0);
        assert_eq!(cell_px(16), 27.0);
        assert_eq!(cell_px(64), 10.0);
    }
}
