//! The selectivity demo: Mamba with a displayed Δ rule (marked tokens written with a large Δ,
//! the others passed over with a small one) against S4D with the same Δ₀ for every token. Its
//! own Δ₀ slider starts at 1, where the claim shows; a button shows Mamba's reference regime.

use leptos::prelude::*;

use super::common::{absolute_chart, clip_notice, curves_json, f32_list, ChartCanvas};
use super::state::{FadingState, DEMO_DELTA0, REFERENCE_DELTA0};
use crate::core::fading::{row_curve, MarkRole};
use crate::core::models::family::Family;
use crate::ui::charts::fading::{Curve, FadingChart};
use crate::ui::i18n::{lang, t, tr, Lang};
use crate::ui::knobs;
use crate::ui::palette::family_rgb;
use crate::ui::widgets::format::display_number;
use crate::ui::widgets::slider::Slider;

/// The demo chart: S4D at Δ₀ and Mamba with the rule, absolute, marks as triangles.
fn chart(state: FadingState) -> Memo<FadingChart> {
    let demo = state.demo;
    Memo::new(move |_| {
        let i = state.selected.get();
        let lang = lang();
        let row = |m: &Option<Result<ndarray::Array2<f32>, String>>| {
            m.as_ref()
                .and_then(|r| r.as_ref().ok())
                .map(|m| row_curve(m.view(), i))
        };
        let mut curves = Vec::new();
        if let Some(values) = demo.s4d.with(row) {
            curves.push(Curve {
                label: lang
                    .pick(
                        "S4D (Δ = Δ₀ for every token)",
                        "S4D (Δ = Δ₀ para todos los tokens)",
                    )
                    .to_string(),
                colour: family_rgb(Family::S4d),
                values,
                dashed: false,
            });
        }
        if let Some(values) = demo.mamba.with(row) {
            curves.push(Curve {
                label: lang
                    .pick("Mamba with the Δ rule", "Mamba con la regla de Δ")
                    .to_string(),
                colour: family_rgb(Family::Mamba),
                values,
                dashed: false,
            });
        }
        let marks = demo.marked.with(|m| {
            (0..=i)
                .filter(|&t| m.get(t).copied().unwrap_or(false))
                .map(|t| i - t)
                .collect()
        });
        absolute_chart(curves, i, marks, lang)
    })
}

/// The rule in words, with its numbers.
fn rule_text(state: FadingState) -> String {
    let base = state.demo_delta0.get();
    let s = state.strength.get();
    let (large, small) = (base * s.exp(), base * (-s).exp());
    let (marked_dt, other_dt) = match state.role.get() {
        MarkRole::Write => (large, small),
        MarkRole::Hold => (small, large),
    };
    let (base, s) = (display_number(base as f32), display_number(s as f32));
    let (marked, other) = (
        display_number(marked_dt as f32),
        display_number(other_dt as f32),
    );
    match lang() {
        Lang::En => format!("Rule: Δ_t = Δ₀·e^{{±s}} with Δ₀ = {base} and s = {s}: marked tokens Δ = {marked}, the others Δ = {other}. Every channel uses Δ_t; conv, B, C, gate and weights are the model's own. S4D uses Δ = Δ₀ for every token."),
        Lang::Es => format!("Regla: Δ_t = Δ₀·e^{{±s}} con Δ₀ = {base} y s = {s}: tokens marcados Δ = {marked}, los demás Δ = {other}. Todos los canales usan Δ_t; la convolución, B, C, la compuerta y los pesos son los del propio modelo. S4D usa Δ = Δ₀ para todos los tokens."),
    }
}

/// One button per token with its Δ bar: click to mark.
#[component]
fn TokenBars() -> impl IntoView {
    let state = expect_context::<FadingState>();
    let buttons = move || {
        let tokens = state.input.tokens.with(|t| t.tokens.clone());
        let deltas = state.demo.delta.get();
        tokens.into_iter().enumerate().map(|(t, word)| {
            let dt = deltas.get(t).copied().unwrap_or(0.0);
            // Bar height on a log scale from 1e-4 to 1e3.
            let h = ((dt.max(1e-4).log10() + 4.0) / 7.0 * 100.0).clamp(2.0, 100.0);
            let is_marked = move || state.marks.with(|m| m.contains(&t));
            view! {
                <li class="fading-token">
                    <span class="fading-bar-wrap" title=format!("Δ = {}", display_number(dt))>
                        <span class="fading-bar" style=format!("height: {h:.1}%")></span>
                    </span>
                    <span class="fading-dt">{display_number(dt)}</span>
                    <button data-testid=format!("keep-token-{t}") class:marked=is_marked
                        aria-pressed=move || is_marked().to_string()
                        on:click=move |_| state.marks.update(|m| { if !m.remove(&t) { m.insert(t); } })
                    >{word}</button>
                </li>
            }
        }).collect_view()
    };
    view! {
        <ol class="fading-tokens" data-testid="delta-bars"
            data-delta=move || state.demo.delta.with(|d| f32_list(d))
        >{buttons}</ol>
    }
}

/// The demo section.
#[component]
pub fn SelectivityDemo() -> impl IntoView {
    let state = expect_context::<FadingState>();
    let data = chart(state);
    let notice = move || {
        let mut parts = Vec::new();
        for m in [state.demo.mamba, state.demo.s4d] {
            if let Some(Err(e)) = m.get() {
                parts.push(e);
            }
        }
        parts.extend(data.with(|c| clip_notice(&c.curves, c.y_range.0, 0, lang())));
        (!parts.is_empty()).then(|| parts.join(" "))
    };
    let role_radio = move |role: MarkRole, id: &'static str, words| {
        view! {
            <label>
                <input type="radio" name="fading-role" data-testid=id
                    prop:checked=move || state.role.get() == role
                    on:change=move |_| state.role.set(role) />
                {words}
            </label>
        }
    };
    let delta = knobs::s4d::DELTA;
    view! {
        <section class="fading-demo" data-testid="selectivity-demo">
            <h3>{t("Selectivity: Mamba chooses per token", "Selectividad: Mamba elige token a token")}</h3>
            <p>{t("Random weights do not know which token matters, so here the choice is made by you and by a displayed rule: click tokens to mark them. A large Δ_t makes the state forget the past and take token t in (B̄ = Δ_t·B is large); a small Δ_t (Ā = e^{Δ_t A} ≈ 1, B̄ ≈ 0) holds the state and lets the token pass. The Mamba block then computes honestly with these Δ_t, and its fading curve is drawn against S4D's, which uses Δ₀ for every token.",
                "Unos pesos aleatorios no saben qué token importa, así que aquí eliges tú, con una regla que se muestra: haz clic en los tokens para marcarlos. Un Δ_t grande hace que el estado olvide el pasado y absorba el token t (B̄ = Δ_t·B es grande); un Δ_t pequeño (Ā = e^{Δ_t A} ≈ 1, B̄ ≈ 0) conserva el estado y deja pasar el token. El bloque Mamba calcula de verdad con estos Δ_t, y su curva de desvanecimiento se dibuja junto a la de S4D, que usa Δ₀ para todos los tokens.")}</p>
            <div class="fading-role" role="radiogroup" aria-label=t("What a marked token does", "Qué hace un token marcado")>
                {role_radio(MarkRole::Write, "role-write", t("marked tokens are written to memory (large Δ), the rest passed over (small Δ)", "los tokens marcados se escriben en la memoria (Δ grande), los demás se saltan (Δ pequeño)"))}
                {role_radio(MarkRole::Hold, "role-hold", t("marked tokens hold the memory (small Δ), the rest overwrite it (large Δ)", "los tokens marcados conservan la memoria (Δ pequeño), los demás la sobrescriben (Δ grande)"))}
            </div>
            <Slider label=tr("base step Δ₀", "paso base Δ₀") param="demo-delta" min=delta.min max=delta.max step=delta.step log=true value=state.demo_delta0 />
            <Slider label=tr("selection strength s", "fuerza de la selección s") param="keep-strength" min=0.0 max=5.0 step=0.1 value=state.strength />
            <p class="fading-hint" data-testid="demo-regime">
                {t("At Δ₀ = 1 (the start) the marked token outlives S4D's by orders of magnitude. At Mamba's own initial scale (Δ between 0.001 and 0.1) every B̄ = Δ·B is small and S4D keeps the token better: the win needs Δ chosen per token at a scale near 1. ",
                   "Con Δ₀ = 1 (el valor inicial) el token marcado perdura órdenes de magnitud más que en S4D. A la escala inicial del propio Mamba (Δ entre 0.001 y 0.1) todo B̄ = Δ·B es pequeño y S4D conserva mejor el token: la ventaja pide elegir Δ token a token a una escala cercana a 1. ")}
                <button class="link-button" data-testid="demo-preset-selective" on:click=move |_| state.demo_delta0.set(DEMO_DELTA0)>{t("Δ₀ = 1", "Δ₀ = 1")}</button>
                " · "
                <button class="link-button" data-testid="demo-preset-reference" on:click=move |_| state.demo_delta0.set(REFERENCE_DELTA0)>{t("Δ₀ = 0.05 (reference scale)", "Δ₀ = 0.05 (escala de referencia)")}</button>
            </p>
            <p class="fading-rule" data-testid="delta-rule">{move || rule_text(state)}</p>
            <TokenBars/>
            <figure class="fading-figure" data-testid="selectivity-chart" data-curves=move || data.with(curves_json)>
                <ChartCanvas data test_id="selectivity-canvas" label=tr("Mamba with the Δ rule against S4D, influence against distance", "Mamba con la regla de Δ frente a S4D, influencia frente a la distancia") />
                <figcaption>{t("How to read this: absolute influence on output i (the spike at distance 0 is the token itself with its skip path); triangles on the x axis mark the distances of the marked tokens. A token passed over with a small Δ is barely written (B̄ = Δ·B), so Mamba's line stays low there; a marked token written with a large Δ and then held across the small-Δ stretch (Ā ≈ 1) stands out as a peak at its distance, far above S4D's line. The 3 tokens before a marked one share its peak (Mamba's causal conv of width 4 mixes them into u_t), and a later large Δ erases what an earlier one wrote.",
                    "Cómo leerlo: influencia absoluta sobre la salida i (el pico a distancia 0 es el propio token con su camino residual); los triángulos sobre el eje x marcan las distancias de los tokens marcados. Un token que se salta con un Δ pequeño apenas se escribe (B̄ = Δ·B), así que la línea de Mamba queda baja ahí; un token marcado, escrito con un Δ grande y conservado luego a lo largo del tramo de Δ pequeño (Ā ≈ 1), destaca como un pico a su distancia, muy por encima de la línea de S4D. Los 3 tokens anteriores a uno marcado comparten su pico (la convolución causal de Mamba, de ancho 4, los mezcla en u_t), y un Δ grande posterior borra lo que escribió uno anterior.")}</figcaption>
            </figure>
            <p class="notice" role="status">{notice}</p>
        </section>
    }
}
