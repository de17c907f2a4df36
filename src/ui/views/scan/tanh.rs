//! "Why not a tanh RNN?": the tanh recurrence pushed through the Hillis–Steele pattern as if
//! tanh steps composed like affine ones, against the true recurrence. The demo has its own
//! inputs, stated on screen: `a_t` one value for every step (its own slider, default
//! [`TANH_A`]), and the scan's `b_t` rescaled so that max |b_t| is the scale (default
//! [`TANH_SCALE`]), where tanh is clearly nonlinear and the history matters.

use leptos::prelude::*;

use super::json;
use super::state::ScanState;
use super::state::Source;
use crate::core::scan::TanhScanComparison;
use crate::core::scan_view::{TANH_A, TANH_A_RANGE, TANH_SCALE};
use crate::ui::i18n::{lang, t, tr, Lang};
use crate::ui::widgets::format::{display_number, strings_json};
use crate::ui::widgets::slider::Slider;

/// Figure size (user units).
const W: f64 = 560.0;
const H: f64 = 130.0;

/// The two curves as SVG polylines (true solid, scanned dashed), y in [−1, 1].
fn curves(c: &TanhScanComparison) -> (String, String) {
    let len = c.exact.len();
    let x_of = |t: usize| 34.0 + t as f64 * (W - 44.0) / (len.max(2) - 1) as f64;
    let y_of = |v: f32| (H - 16.0) / 2.0 - f64::from(v.clamp(-1.0, 1.0)) * ((H - 16.0) / 2.0 - 8.0);
    let line = |values: &[f32]| {
        values
            .iter()
            .enumerate()
            .map(|(t, &v)| format!("{:.1},{:.1}", x_of(t), y_of(v)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    (line(&c.exact), line(&c.pseudo.h))
}

/// A few values, formatted, then "…" when there are more.
fn listed(values: &[f32]) -> String {
    let mut parts: Vec<String> = values.iter().take(8).map(|v| display_number(*v)).collect();
    if values.len() > 8 {
        parts.push("…".to_string());
    }
    parts.join(", ")
}

/// The measured error, the inputs used and the figure.
#[component]
fn TanhFigure() -> impl IntoView {
    let s = expect_context::<ScanState>();
    move || {
        let lang = lang();
        let linear = s.tanh_linear.get();
        let (a, b) = s.tanh_inputs.get();
        s.tanh.with(|c| {
            let worst = c
                .abs_error
                .iter()
                .enumerate()
                .max_by(|x, y| x.1.total_cmp(y.1))
                .map_or(0, |(t, _)| t);
            let (exact_points, pseudo_points) = curves(c);
            let (tanh_err, linear_err) = (display_number(c.max_abs_error), display_number(linear.max_abs_diff));
            let measured = match lang {
                Lang::En => format!(
                    "Measured: the tanh recurrence run through the Hillis–Steele pattern is off by up to {tanh_err} (at t = {worst}); \
                     the same pattern on the linear recurrence is off by {linear_err} (float rounding)."
                ),
                Lang::Es => format!(
                    "Medido: la recurrencia con tanh calculada con el patrón de Hillis–Steele se desvía hasta {tanh_err} (en t = {worst}); \
                     el mismo patrón sobre la recurrencia lineal se desvía {linear_err} (redondeo de coma flotante)."
                ),
            };
            let hint = (c.max_abs_error < 1e-2).then_some(lang.pick(
                "Here the error is small: small values keep tanh almost linear, and a small a_t forgets h_{t−1} quickly; raise the scale or a_t to see the scan fail.",
                "Aquí el error es pequeño: con valores pequeños tanh es casi lineal, y con una a_t pequeña h_{t−1} se olvida enseguida; sube la escala o a_t para ver fallar el scan.",
            ));
            let a_shown = a.first().map_or_else(|| "–".to_string(), |v| display_number(*v));
            let a_line = match lang {
                Lang::En => format!("a_t = {a_shown} at every step"),
                Lang::Es => format!("a_t = {a_shown} en cada paso"),
            };
            view! {
                <p class="scan-tanh-inputs" data-testid="scan-tanh-inputs">
                    {a_line}<br/>{format!("b_t: {}", listed(&b))}
                </p>
                <p data-testid="scan-tanh" data-max-error=c.max_abs_error.to_string() data-a=json(&a) data-b=json(&b)
                    data-exact=json(&c.exact) data-pseudo=json(&c.pseudo.h)>{measured}</p>
                <p class="scan-hint">{hint}</p>
                <svg class="scan-tanh-svg" width=W height=H viewBox=format!("0 0 {W} {H}") role="img" data-export-name="scan-tanh"
                    data-export-legend=format!("[{},{}]",
                        strings_json(&[lang.pick("true tanh recurrence (solid)", "recurrencia tanh verdadera (continua)").to_string(), "var(--earlier)".to_string()]),
                        strings_json(&[lang.pick("scanned imitation (dashed)", "imitación por scan (discontinua)").to_string(), "var(--later)".to_string()]))
                    aria-label=lang.pick("True tanh recurrence (solid) and the scanned imitation (dashed) per step", "Recurrencia tanh verdadera (continua) y la imitación por scan (discontinua) en cada paso")>
                    <line x1="34" y1=(H - 16.0) / 2.0 x2=W - 10.0 y2=(H - 16.0) / 2.0 class="scan-axis"></line>
                    <text x="2" y="12" class="scan-row-label">"h +1"</text>
                    <text x="2" y=H - 22.0 class="scan-row-label">"−1"</text>
                    <text x=W / 2.0 y=H - 2.0 class="scan-row-label">{lang.pick("step t →", "paso t →")}</text>
                    <polyline points=exact_points class="scan-exact"></polyline>
                    <polyline points=pseudo_points class="scan-pseudo"></polyline>
                </svg>
            }
        })
    }
}

/// Where the demo's inputs come from, in words: its own a_t, and the table's b_t rescaled.
fn inputs_note(source: Source, mean_a: Option<f32>, lang: Lang) -> String {
    let own = mean_a.map_or_else(|| "–".to_string(), display_number);
    let origin = match (source, lang) {
        (Source::Mamba, Lang::En) => "the untrained Mamba channel",
        (Source::Mamba, Lang::Es) => "el canal de Mamba sin entrenar",
        (Source::Random, Lang::En) => "the random source",
        (Source::Random, Lang::Es) => "el origen aleatorio",
    };
    match lang {
        Lang::En => format!(
            "This demo's inputs: a_t is one value for every step, set by its own slider (default {TANH_A}), not the scan's a_t \
             (from {origin}, mean {own} here): the smaller a_t, the more of h_{{t−1}} each step forgets and the less the scan's wrong combines reach the output. \
             b_t are the scan's b_t (the table above, from {origin}) rescaled so that the largest |b_t| is the scale (default {TANH_SCALE}): \
             tanh is nearly linear for small inputs (tanh x ≈ x − x³/3), so at the size of an untrained Mamba channel's b_t the failure would not show."
        ),
        Lang::Es => format!(
            "Las entradas de esta demostración: a_t vale lo mismo en cada paso y la fija su propio control (por defecto {TANH_A}); no son los a_t del scan \
             (de {origin}, media {own} aquí): cuanto menor es a_t, más de h_{{t−1}} olvida cada paso y menos llegan a la salida las combinaciones erróneas del scan. \
             Los b_t son los del scan (la tabla de arriba, de {origin}) reescalados para que el mayor |b_t| sea la escala (por defecto {TANH_SCALE}): \
             tanh es casi lineal con entradas pequeñas (tanh x ≈ x − x³/3), así que con el tamaño de los b_t de un canal de Mamba sin entrenar el fallo no se vería."
        ),
    }
}

/// The tanh section.
#[component]
pub fn TanhSection() -> impl IntoView {
    let s = expect_context::<ScanState>();
    let note = move || {
        let mean_a = s
            .inputs
            .with(|i| (!i.a.is_empty()).then(|| i.a.iter().sum::<f32>() / i.a.len() as f32));
        inputs_note(s.source.get(), mean_a, lang())
    };
    view! {
        <h3>{t("Why not a tanh RNN?", "¿Por qué no una RNN con tanh?")}</h3>
        <p>
            {t("Take h_t = tanh(a_t·h_{t−1} + b_t) and run the same Hillis–Steele pattern as if tanh steps composed like affine ones \
            (each combine feeds the earlier node's tanh into the later pre-activation). One step is right, but a tanh of a tanh is not \
            another tanh step — the composition is not closed and the combine is not associative — so the tree order gives a different answer.",
            "Toma h_t = tanh(a_t·h_{t−1} + b_t) y aplica el mismo patrón de Hillis–Steele como si los pasos con tanh se compusieran como los afines \
            (cada combinación mete la tanh del nodo anterior en la preactivación del posterior). Un paso sale bien, pero una tanh de una tanh no es \
            otro paso con tanh — la composición no es cerrada y la combinación no es asociativa —, así que el orden en árbol da otro resultado.")}
        </p>
        <p data-testid="scan-tanh-note">{note}</p>
        <Slider label=tr("a_t (every step)", "a_t (en cada paso)") param="tanh-a" min=f64::from(TANH_A_RANGE.0) max=f64::from(TANH_A_RANGE.1) step=0.01 value=s.tanh_a />
        <Slider label=tr("scale: largest |b_t|", "escala: mayor |b_t|") param="tanh-scale" min=0.01 max=4.0 step=0.01 value=s.tanh_scale />
        <TanhFigure/>
        <p class="scan-how">{t("How to read this: solid, the true tanh recurrence h_t; dashed, what the scan pattern produces; one point per step t.", "Cómo leerlo: continua, la recurrencia tanh verdadera h_t; discontinua, lo que produce el patrón del scan; un punto por paso t.")}</p>
    }
}
