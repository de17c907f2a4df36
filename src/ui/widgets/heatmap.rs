//! A matrix drawn as an SVG grid of coloured cells, with a legend and a hover read-out.
//!
//! Colours come from `colorous` (viridis: perceptually uniform and colour-blind safe for
//! non-negative data; red–blue diverging for signed data).

use leptos::prelude::*;

use super::format::{display_number, matrix_json};

/// Size of one cell in SVG units.
const CELL: f64 = 10.0;

/// The CSS colour of `value` in `[low, high]` on the chosen scale.
pub fn cell_colour(value: f32, low: f32, high: f32, diverging: bool) -> String {
    if !value.is_finite() {
        return "#ff00ff".to_string();
    }
    let t = if high > low {
        ((value - low) / (high - low)).clamp(0.0, 1.0)
    } else {
        0.5
    };
    let colour = if diverging {
        colorous::RED_BLUE.eval_continuous(f64::from(1.0 - t))
    } else {
        colorous::VIRIDIS.eval_continuous(f64::from(t))
    };
    format!("#{colour:x}")
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

/// A heat map of `values` (rows × columns), rows labelled by `row_labels`.
#[component]
pub fn Heatmap(
    /// The matrix, one `Vec` per row.
    #[prop(into)]
    values: Signal<Vec<Vec<f32>>>,
    /// One label per row (tokens).
    #[prop(into)]
    row_labels: Signal<Vec<String>>,
    /// `data-testid` of the figure.
    test_id: &'static str,
    /// One-line caption saying how to read it.
    caption: &'static str,
    /// Signed data: diverging colour scale centred on 0.
    #[prop(optional)]
    diverging: bool,
) -> impl IntoView {
    let (hovered, set_hovered) = signal(None::<(usize, usize)>);
    let range = Memo::new(move |_| values.with(|v| value_range(v, diverging)));
    let cells = move || {
        let (low, high) = range.get();
        values.with(|rows| {
            rows.iter()
                .enumerate()
                .flat_map(|(i, row)| {
                    row.iter().enumerate().map(move |(j, &v)| {
                        let fill = cell_colour(v, low, high, diverging);
                        view! {
                            <rect x=j as f64 * CELL y=i as f64 * CELL width=CELL height=CELL fill=fill
                                on:mouseenter=move |_| set_hovered.set(Some((i, j))) />
                        }
                    })
                })
                .collect_view()
        })
    };
    let size = move || values.with(|v| (v.first().map_or(0, Vec::len), v.len()));
    let readout = move || {
        hovered.get().and_then(|(i, j)| {
            let value = values.with(|v| v.get(i).and_then(|r| r.get(j)).copied())?;
            let label = row_labels.with(|l| l.get(i).cloned().unwrap_or_default());
            Some(format!(
                "row {i} ({label}), column {j}: {}",
                display_number(value)
            ))
        })
    };
    view! {
        <figure class="heatmap" data-testid=test_id data-values=move || values.with(|v| matrix_json(v))>
            <svg
                viewBox=move || { let (c, r) = size(); format!("0 0 {} {}", c as f64 * CELL, r as f64 * CELL) }
                role="img" aria-label=caption
                on:mouseleave=move |_| set_hovered.set(None)
            >
                {cells}
            </svg>
            <figcaption>
                {caption}
                <span class="legend">
                    {move || { let (lo, hi) = range.get(); format!(" · scale {} to {}", display_number(lo), display_number(hi)) }}
                </span>
                <output class="readout">{move || readout().unwrap_or_default()}</output>
            </figcaption>
        </figure>
    }
}
