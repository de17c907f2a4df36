//! Cost view: what each model costs as the sequence grows — counted (multiply-adds, depth,
//! memory per generated token) and measured (the real trace-free forward pass timed in this
//! browser), with the fitted growth exponent next to the counted one over the same n.
//!
//! The state lives in [`state::CostState`] (owned by the app shell); the sections:
//! - [`theory`]: the counted quantities (chart, table, the one depth convention);
//! - [`measured`]: the measurement ([`runner`], time-sliced) and its chart and table;
//! - [`slopes`]: fitted against counted exponents;
//! - [`data`] and [`words`]: chart data, exports, and the words for the core's enums.

use leptos::prelude::*;

use super::ViewEntry;
use crate::core::models::family::Family;
use crate::ui::i18n::{family_name, lang, t, tr};
use crate::ui::palette::family_css;

pub mod data;
pub mod measured;
pub mod runner;
pub mod slopes;
pub mod state;
pub mod theory;
pub mod words;

use state::CostState;

/// Registry entry of the Cost view.
pub const ENTRY: ViewEntry = ViewEntry {
    id: "cost",
    title: tr("Cost", "Coste"),
    render: || view! { <CostView/> }.into_any(),
};

/// One header cell per family, with its colour.
#[component]
pub fn HeaderCells() -> impl IntoView {
    Family::ALL
        .iter()
        .map(|f| view! { <th scope="col"><span class="cost-swatch" style=format!("background:{}", family_css(*f))></span>{let f = *f; move || family_name(f, lang())}</th> })
        .collect_view()
}

/// Counted and measured cost of every model against the sequence length.
#[component]
pub fn CostView() -> impl IntoView {
    let s = expect_context::<CostState>();
    if let Some(url) = crate::ui::url_state::url_state() {
        url.bind_choice(
            "metric",
            s.metric,
            crate::core::cost::Metric::ALL
                .into_iter()
                .map(|m| (m, m.id()))
                .collect(),
        );
    }
    view! {
        <section class="view cost" data-testid="view-cost">
            <h2>{t("Cost: what each model pays as the sequence grows", "Coste: lo que paga cada modelo cuando crece la secuencia")}</h2>
            <p>
                {t("What each model costs as the sequence grows, at d_model = 16 with each model's default settings. \
                Look at the slopes: on log-log axes a cost growing like nᵖ is a straight line of slope p. \
                Attention's work grows as n² and its memory per generated token (the KV cache) grows with n; \
                every recurrence keeps a fixed state, so its memory per token stays flat.",
                "Lo que cuesta cada modelo cuando crece la secuencia, con d_model = 16 y los ajustes por defecto de cada modelo. \
                Fíjate en las pendientes: en ejes log-log, un coste que crece como nᵖ es una recta de pendiente p. \
                El trabajo de la atención crece como n² y su memoria por token generado (la caché KV) crece con n; \
                toda recurrencia guarda un estado de tamaño fijo, así que su memoria por token se mantiene plana.")}
            </p>
            <theory::Theory/>
            <measured::Measured>
                <slopes::Slopes/>
            </measured::Measured>
        </section>
    }
}
