//! Pieces every Fading section uses: the canvas component, number lists for data attributes,
//! read-out words, y ranges and the clipping notice.

use leptos::html::Canvas;
use leptos::prelude::*;

use crate::core::fading::{log_segments, Clipped, Reach};
use crate::ui::charts::fading::{draw, Curve, FadingChart};
use crate::ui::i18n::{show, Lang, Tr};
use crate::ui::widgets::format::display_number;

/// Lowest value drawn on the normalised log axis.
const MIN_FLOOR: f32 = 1e-8;

/// `[v0,v1,…]` with `null` for non-finite values (a data attribute tests read).
pub use crate::ui::widgets::format::json_list as f32_list;

/// `{"label":[…],…}` of a chart's curves.
pub fn curves_json(chart: &FadingChart) -> String {
    let parts: Vec<String> = chart
        .curves
        .iter()
        .map(|c| format!("\"{}\":{}", c.label, f32_list(&c.values)))
        .collect();
    format!("{{{}}}", parts.join(","))
}

/// A read-out as shown: "3.1", "> 17" or "—".
pub fn reach_text(r: Reach) -> String {
    match r {
        Reach::Within(v) => format!("{v:.1}"),
        Reach::Beyond(n) => format!("> {n}"),
        Reach::Undefined => "—".to_string(),
    }
}

/// Positive finite values of the curves from distance `from` on.
fn drawn_values(curves: &[Curve], from: usize) -> impl Iterator<Item = f32> + '_ {
    curves
        .iter()
        .flat_map(move |c| c.values.iter().skip(from))
        .copied()
        .filter(|v| v.is_finite() && *v > 0.0)
}

/// The y range of normalised curves: from the smallest positive value (a decade below,
/// at least `MIN_FLOOR`) to 2, or to the largest value when distance 0 is drawn above it.
pub fn normalized_range(curves: &[Curve], from: usize) -> (f32, f32) {
    let min = drawn_values(curves, from).fold(1.0f32, f32::min);
    let max = drawn_values(curves, from).fold(1.0f32, f32::max);
    let floor = 10f32.powf(min.log10().floor()).max(MIN_FLOOR);
    let top = if max > 2.0 {
        10f32.powf(max.log10().ceil())
    } else {
        2.0
    };
    (floor.min(0.1), top)
}

/// The y range of absolute curves: whole decades around the positive finite values
/// (at most 30 decades below the top).
pub fn absolute_range(curves: &[Curve]) -> (f32, f32) {
    let (lo, hi) = drawn_values(curves, 0).fold((f32::INFINITY, 0.0f32), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if hi > 0.0 {
        let top = 10f32.powf(hi.log10().ceil());
        let bottom = 10f32.powf(lo.log10().floor()).max(top * 1e-30);
        (bottom.min(top / 10.0), top)
    } else {
        (1e-6, 1.0)
    }
}

/// Words for the values a log axis had to leave out (distances `from..` only).
pub fn clip_notice(curves: &[Curve], floor: f32, from: usize, lang: Lang) -> Option<String> {
    let parts: Vec<String> = curves
        .iter()
        .filter_map(|c| {
            let tail = c.values.get(from..).unwrap_or(&[]);
            let (
                _,
                Clipped {
                    below_floor,
                    non_finite,
                },
            ) = log_segments(tail, floor);
            let mut what = Vec::new();
            if below_floor > 0 {
                let floor = display_number(floor);
                what.push(match lang {
                    Lang::En => format!("{below_floor} at or below {floor} (zero or underflow)"),
                    Lang::Es => format!(
                        "{below_floor} iguales o menores que {floor} (cero o subdesbordamiento)"
                    ),
                });
            }
            if non_finite > 0 {
                what.push(match lang {
                    Lang::En => format!("{non_finite} overflow/NaN"),
                    Lang::Es => format!("{non_finite} desbordamiento/NaN"),
                });
            }
            (!what.is_empty()).then(|| format!("{}: {}", c.label, what.join(", ")))
        })
        .collect();
    (!parts.is_empty()).then(|| {
        let parts = parts.join("; ");
        match lang {
            Lang::En => format!(
                "Not drawn (a log axis cannot show them; the lines are clipped there): {parts}."
            ),
            Lang::Es => format!(
                "No dibujados (un eje logarítmico no puede mostrarlos; las líneas se cortan ahí): {parts}."
            ),
        }
    })
}

/// Title of the x axis of every fading chart.
pub fn distance_axis(lang: Lang) -> String {
    lang.pick("distance i − j (tokens)", "distancia i − j (tokens)")
        .to_string()
}

/// A chart of absolute influence ‖∂y_i/∂x_j‖ against distance, without guides or cut-offs
/// (the selectivity and vanishing demos, a trained model's curve); `marks` get triangles.
pub fn absolute_chart(
    curves: Vec<Curve>,
    x_max: usize,
    marks: Vec<usize>,
    lang: Lang,
) -> FadingChart {
    FadingChart {
        y_range: absolute_range(&curves),
        curves,
        x_min: 0,
        x_max,
        guides: Vec::new(),
        cutoffs: Vec::new(),
        marks,
        y_desc: lang
            .pick("influence ‖∂y_i/∂x_j‖", "influencia ‖∂y_i/∂x_j‖")
            .to_string(),
        x_desc: distance_axis(lang),
    }
}

/// One canvas redrawn by one effect from one memo.
#[component]
pub fn ChartCanvas(
    /// The chart data.
    data: Memo<FadingChart>,
    /// `data-testid` of the canvas.
    test_id: &'static str,
    /// Accessible label.
    label: Tr,
) -> impl IntoView {
    let node = NodeRef::<Canvas>::new();
    let (error, set_error) = signal(None::<String>);
    Effect::new(move |_| {
        let Some(canvas) = node.get() else {
            return;
        };
        let result = data.with(|d| draw(&canvas, d));
        set_error.set(result.err());
    });
    view! {
        <canvas
            node_ref=node
            class="fading-canvas"
            data-testid=test_id
            role="img"
            aria-label=show(label)
            data-drawn=move || data.with(|d| {
                let labels: Vec<String> = d.curves.iter().map(|c| format!("\"{}\"", c.label)).collect();
                format!("[{}]", labels.join(","))
            })
        ></canvas>
        <p class="notice" role="status">{move || error.get()}</p>
    }
}
