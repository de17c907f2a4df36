//! Scan view: the linear recurrence `h_t = a_t·h_{t−1} + b_t` computed sequentially, by
//! Hillis–Steele, by Blelloch and by a chunked scan, one level per step, with the work and
//! depth counted and the result checked against the sequential loop.
//!
//! The data comes from `core::scan` (the trace) and `core::scan_view` (inputs, picture,
//! verification); the state lives in [`state::ScanState`] (owned by the app shell), and each
//! section is one file:
//! - [`controls`]: n, source, algorithm, block size; what the inputs are;
//! - [`levels`]: the player, the work/depth counters, the check, the level [`diagram`]
//!   (its words in [`text`]);
//! - [`table`]: the inputs (editable, [`edits`]) and outputs;
//! - [`chart`]: work and depth against n;
//! - [`tanh`]: why a tanh RNN cannot be scanned.

use leptos::prelude::*;

use super::ViewEntry;
use crate::ui::i18n::{t, tr};

pub mod chart;
#[cfg(test)]
mod claims;
pub mod controls;
pub mod diagram;
pub mod edits;
pub mod levels;
pub mod state;
pub mod table;
pub mod tanh;
pub mod text;

use state::{Edits, Kind, ScanState, Source};

/// Registry entry of the Scan view.
pub const ENTRY: ViewEntry = ViewEntry {
    id: "scan",
    title: tr("Scan", "Scan paralelo"),
    render: || view! { <ScanView/> }.into_any(),
};

/// Values as a JSON array (`null` for non-finite ones), for test attributes.
pub(crate) use crate::ui::widgets::format::json_list as json;

/// Mirrors the controls that are not sliders in the link (sliders bind themselves).
fn bind_link(s: ScanState) {
    if let Some(url) = crate::ui::url_state::url_state() {
        url.bind_choice(
            "source",
            s.source,
            vec![(Source::Mamba, "mamba"), (Source::Random, "random")],
        );
        url.bind_choice(
            "algorithm",
            s.kind,
            Kind::ALL.iter().map(|&(k, id, _)| (k, id)).collect(),
        );
        url.bind("edits", false, s.edits, Edits::to_url, Edits::from_url);
    }
}

/// The Scan view.
#[component]
pub fn ScanView() -> impl IntoView {
    let s = expect_context::<ScanState>();
    bind_link(s);
    let ScanState {
        inputs, kind, run, ..
    } = s;
    view! {
        <section class="view scan-view" data-testid="view-scan"
            data-n=move || inputs.with(|i| i.a.len())
            data-algorithm=move || kind.get().id()
            data-a=move || inputs.with(|i| json(&i.a))
            data-b=move || inputs.with(|i| json(&i.b))
            data-h=move || run.with(|r| json(&r.h))
        >
            <h2>{t("Scan: a linear recurrence in O(log n) parallel steps", "Scan: una recurrencia lineal en O(log n) pasos paralelos")}</h2>
            <p>
                {t("Each step h_t = a_t·h_{t−1} + b_t is the affine map (a_t, b_t). Two consecutive maps compose into one, \
                and composition is associative, so the prefixes can be combined in a tree instead of a chain. \
                Step through the levels: every arrow pair is one combine, and every combine of a level could run at the same time. \
                Watch the counters: the parallel scans need fewer levels (depth), far fewer as n grows, but not fewer combines (work).",
                "Cada paso h_t = a_t·h_{t−1} + b_t es la aplicación afín (a_t, b_t). Dos aplicaciones consecutivas se componen en una sola, \
                y la composición es asociativa, así que los prefijos pueden combinarse en un árbol en lugar de en una cadena. \
                Avanza nivel a nivel: cada par de flechas es una combinación, y todas las combinaciones de un nivel podrían ejecutarse a la vez. \
                Mira los contadores: los scans paralelos necesitan menos niveles (profundidad), muchos menos a medida que crece n, pero no menos combinaciones (trabajo).")}
            </p>
            <controls::Controls/>
            <controls::SourceNote/>
            <levels::Levels/>
            <table::InputsTable/>
            <chart::WorkDepthChart/>
            <tanh::TanhSection/>
        </section>
    }
}
