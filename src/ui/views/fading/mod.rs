//! Fading view: how strongly a token still moves a later output as the distance grows, per
//! model — and how a selective SSM chooses, token by token, what to keep.
//!
//! Table of contents (each section reads [`state::FadingState`] from context; the app shell
//! owns it, so a tab switch keeps every control and every computed curve):
//! - [`Intro`] — what the curves are and what each family does (claims: `claims.rs`);
//! - [`trained::TrainedFading`] — the model trained in the Learn view, if one is open;
//! - [`main_chart`] — output position, family toggles, the chart and its table;
//! - [`memory::MemoryTable`] — the ½ and 1/100 read-outs from other positions;
//! - [`sliders::ModelSliders`] — every family's knobs;
//! - [`selectivity::SelectivityDemo`] — Mamba with a Δ rule against S4D;
//! - [`vanishing::VanishingDemo`] — one RNN at three spectral radii.

use leptos::prelude::*;

use super::ViewEntry;
use crate::core::fading::MarkRole;
use crate::core::tokens::MAX_TOKENS;
use crate::ui::i18n::{t, tr};
use crate::ui::url_state::{index_list, parse_index_list, parse_whole, url_state, Parsed};

#[cfg(test)]
mod claims;
mod common;
mod main_chart;
mod memory;
mod results;
mod selectivity;
mod sliders;
pub mod state;
mod trained;
mod vanishing;

use state::FadingState;

/// Registry entry of the Fading view.
pub const ENTRY: ViewEntry = ViewEntry {
    id: "fading",
    title: tr("Fading", "Desvanecimiento"),
    render: || view! { <FadingView/> }.into_any(),
};

/// Mirrors the view's non-slider controls in the link (sliders bind themselves).
fn bind_url(state: FadingState) {
    let Some(url) = url_state() else {
        return;
    };
    url.bind_bool("dilation", state.dilated);
    url.bind_bool("closed", state.show_closed);
    url.bind_bool("own", state.own_token);
    url.bind_choice(
        "role",
        state.role,
        vec![(MarkRole::Write, "write"), (MarkRole::Hold, "hold")],
    );
    url.bind(
        "output",
        false,
        state.pinned,
        |p| p.map_or("last".to_string(), |i| i.to_string()),
        |raw| {
            if raw == "last" {
                return Parsed::Valid(None);
            }
            match parse_whole(raw, 0, MAX_TOKENS as u64 - 1) {
                Parsed::Valid(v) => Parsed::Valid(Some(v as usize)),
                Parsed::Clamped(v, why) => Parsed::Clamped(Some(v as usize), why),
                Parsed::Invalid(why) => Parsed::Invalid(why),
            }
        },
    );
    url.bind(
        "marks",
        false,
        state.marks,
        |m| index_list(m.iter().copied()),
        |raw| parse_index_list(raw, MAX_TOKENS).map(|v| v.into_iter().collect()),
    );
    url.bind_families("shown", state.shown);
}

/// The view's opening: what the curves are and the per-family claims (each checked in
/// `claims.rs` at the defaults).
#[component]
fn Intro() -> impl IntoView {
    view! {
        <h2>{t("Fading: how context fades with distance", "Desvanecimiento: cómo se apaga el contexto con la distancia")}</h2>
        <p class="fading-intro">
            {t("How strongly does a token still move a later output? Each curve is one model's influence ‖∂y_i/∂x_j‖ (the same measure as the Flow view) on the selected output i, against the distance i − j, on a log scale, from distance 1 on: what reaches i from other positions. \
            At the defaults, the CNN is exactly 0 beyond its receptive field, attention shows no trend with distance, the RNN falls geometrically (by a roughly constant factor per token), and the linear recurrences fall at the rate their decay sets (r per token for the linear RNN's state). \
            Below, Mamba chooses per token what to keep, and an RNN vanishes or explodes with its recurrent matrix.",
            "¿Con qué fuerza sigue moviendo un token una salida posterior? Cada curva es la influencia ‖∂y_i/∂x_j‖ de un modelo (la misma medida que en la vista Flujo) sobre la salida elegida i, frente a la distancia i − j, en escala logarítmica, desde la distancia 1: lo que llega a i desde otras posiciones. \
            Con los valores por defecto, la CNN vale exactamente 0 más allá de su campo receptivo, la atención no muestra tendencia con la distancia, la RNN cae geométricamente (por un factor casi constante en cada token) y las recurrencias lineales caen al ritmo que fija su decaimiento (r por token en el estado de la RNN lineal). \
            Más abajo, Mamba elige token a token qué conservar, y una RNN se desvanece o explota según su matriz recurrente.")}
        </p>
    }
}

/// The Fading view: the sections in reading order.
#[component]
pub fn FadingView() -> impl IntoView {
    let state = expect_context::<FadingState>();
    bind_url(state);
    // The jobs start only for inputs they have not seen: coming back to the view recomputes
    // nothing (`results::Job::ensure`).
    let count = move |n: u32| {
        if n > 0 {
            state.jobs_started.update(|c| *c += n);
        }
    };
    for job in state.families {
        Effect::new(move |_| count(u32::from(job.ensure())));
    }
    Effect::new(move |_| count(state.demo.ensure()));
    let errors = move || {
        state.rows.with(|rows| {
            let e: Vec<String> = rows
                .iter()
                .filter_map(|(f, row)| {
                    row.as_ref().err().map(|e| {
                        format!(
                            "{}: {e}",
                            crate::ui::i18n::family_name(*f, crate::ui::i18n::lang())
                        )
                    })
                })
                .collect();
            (!e.is_empty()).then(|| e.join(" · "))
        })
    };
    view! {
        <section class="view fading" data-testid="view-fading"
            data-jobs=move || state.jobs_started.get().to_string()>
            <Intro/>
            <p class="notice" role="status" data-testid="fading-errors">{errors}</p>
            <trained::TrainedFading/>
            <main_chart::ChartControls/>
            <main_chart::MainChart/>
            <memory::MemoryTable/>
            <sliders::ModelSliders/>
            <selectivity::SelectivityDemo/>
            <vanishing::VanishingDemo/>
        </section>
    }
}
