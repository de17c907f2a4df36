//! The memory table: for each shown family, the farthest distance at which its influence on
//! output i is still ≥ ½ (and ≥ 1/100) of its maximum over distances ≥ 1 — what reaches i from
//! other positions, not the skip path of token i itself — and the note on Mamba's regime.

use leptos::prelude::*;

use super::common::reach_text;
use super::state::FadingState;
use crate::core::fading::{memory_from, Memory};
use crate::core::models::family::Family;
use crate::ui::i18n::{family_name, lang, t};
use crate::ui::palette::family_css;

/// One row per shown family.
#[component]
pub fn MemoryTable() -> impl IntoView {
    let state = expect_context::<FadingState>();
    let memories = Memo::new(move |_| {
        let from = state.from();
        state.rows.with(|rows| {
            rows.iter()
                .map(|(f, row)| {
                    (
                        *f,
                        row.as_ref().ok().map(|r| memory_from(&r.measured, from)),
                    )
                })
                .collect::<Vec<(Family, Option<Memory>)>>()
        })
    });
    let row = move |f: Family| {
        let get =
            move || memories.with(|m| m.iter().find(|(g, _)| *g == f).and_then(|(_, mem)| *mem));
        let half = move || get().map_or("—".to_string(), |m| reach_text(m.half));
        let hundredth = move || get().map_or("—".to_string(), |m| reach_text(m.hundredth));
        view! {
            <tr data-testid=format!("memory-row-{}", f.id())>
                <th scope="row">
                    <span class="fading-swatch" style=format!("--swatch: {}", family_css(f))></span>
                    {move || family_name(f, lang())}
                </th>
                <td>{t("remembers ≈ ", "recuerda ≈ ")} <span data-testid=format!("memory-{}-half", f.id())>{half}</span> " tokens"</td>
                <td><span data-testid=format!("memory-{}-hundredth", f.id())>{hundredth}</span> " tokens"</td>
            </tr>
        }
    };
    let rows = move || {
        let shown = state.shown.get();
        Family::ALL
            .into_iter()
            .filter(|f| shown.contains(f))
            .map(row)
            .collect_view()
    };
    let caption = move || {
        if state.own_token.get() {
            t("Memory read-out on output i, distance 0 included: the farthest distance where the influence is still ≥ ½ (and ≥ 1/100) of its maximum over all distances, the token itself and its skip path included; interpolated between tokens; “> n” means it never falls that low within the sentence.",
              "Lectura de memoria en la salida i, con la distancia 0: la mayor distancia a la que la influencia sigue siendo ≥ ½ (y ≥ 1/100) de su máximo sobre todas las distancias, incluidos el propio token y su camino residual; interpolada entre tokens; «> n» significa que no baja tanto dentro de la frase.")
        } else {
            t("Memory read-out on output i: what reaches i from other positions — the farthest distance where the influence is still ≥ ½ (and ≥ 1/100) of its maximum over distances ≥ 1 (distance 0, the token itself with its residual / D skip path, is left out); interpolated between tokens; “> n” means it never falls that low within the sentence.",
              "Lectura de memoria en la salida i: lo que llega a i desde otras posiciones — la mayor distancia a la que la influencia sigue siendo ≥ ½ (y ≥ 1/100) de su máximo en las distancias ≥ 1 (se omite la distancia 0, el propio token con su camino residual / D); interpolada entre tokens; «> n» significa que no baja tanto dentro de la frase.")
        }
    };
    view! {
        <table class="fading-memory" data-testid="memory-table">
            <caption>{caption}</caption>
            <thead><tr><th scope="col">{t("model", "modelo")}</th><th scope="col">{t("½ of max", "½ del máximo")}</th><th scope="col">{t("1/100 of max", "1/100 del máximo")}</th></tr></thead>
            <tbody>{rows}</tbody>
        </table>
        <MambaRegime/>
    }
}

/// Mamba at its reference initialisation mostly copies through its conv: said, with a way to
/// the selectivity demo where its memory shows.
#[component]
fn MambaRegime() -> impl IntoView {
    let state = expect_context::<FadingState>();
    let go = move |_| {
        state.demo_delta0.set(super::state::DEMO_DELTA0);
        if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| {
            d.query_selector("[data-testid=selectivity-demo]")
                .ok()
                .flatten()
        }) {
            el.scroll_into_view();
        }
    };
    view! {
        <p class="fading-hint" data-testid="fading-mamba-regime">
            {t("Mamba here is at its reference initialisation: Δ between 0.001 and 0.1, so a token is written with B̄ = Δ·B ≈ 0.01·B and it reaches later outputs mostly through the width-4 causal conv — beyond distance 3 its influence is below 1/100 of its maximum. Its memory shows when Δ is chosen per token: ",
               "Mamba está aquí en su inicialización de referencia: Δ entre 0.001 y 0.1, así que un token se escribe con B̄ = Δ·B ≈ 0.01·B y llega a las salidas posteriores sobre todo por la convolución causal de ancho 4 — más allá de la distancia 3 su influencia queda por debajo de 1/100 de su máximo. Su memoria aparece cuando Δ se elige token a token: ")}
            <button class="link-button" data-testid="fading-mamba-preset" on:click=go>
                {t("see the selectivity demo (Δ₀ = 1)", "ver la demostración de selectividad (Δ₀ = 1)")}
            </button>
        </p>
    }
}
