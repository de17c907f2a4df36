//! Learn view: the six families trained live, in the browser, on three memory tasks, with
//! their loss and accuracy curves, a table of what they reached, what the literature says they
//! should reach (checked against these runs, not scripted), and what a trained Mamba and S4D
//! do on a selective-copying example, side by side.
//!
//! Table of contents:
//! - `state`: [`state::LearnState`], owned by the app (controls, runs, results);
//! - `runner`: training in slices between frames, opening a trained model, link retraining;
//! - `controls`: task, size, steps, seed, families, an example of the task;
//! - `run_bar`: Train / Pause / Resume and progress;
//! - `charts`: loss and accuracy curves;
//! - `table`: the runs and their "Open in Flow / Fading" buttons;
//! - `literature` and `verdicts`: the published claims and the runs' verdicts;
//! - `selection`: the trained Mamba and S4D side by side (Δ, hidden attention, fading);
//! - `words`: the task descriptions and expectations.

use leptos::prelude::*;

use super::ViewEntry;
use crate::core::learn::models::{learn_config, Trainable};
use crate::core::learn::presets::preset;
use crate::core::models::family::Family;
use crate::ui::i18n::{family_name, lang, t, tr, Lang};

pub mod charts;
pub mod controls;
pub mod literature;
pub mod run_bar;
pub mod runner;
pub mod selection;
pub mod state;
pub mod table;
pub mod verdicts;
pub mod words;

use charts::LearnCharts;
use controls::LearnControls;
use literature::Literature;
use run_bar::RunBar;
use selection::Selection;
use state::LearnState;
use table::ResultsTable;

/// Registry entry of the Learn view.
pub const ENTRY: ViewEntry = ViewEntry {
    id: "learn",
    title: tr("Learn", "Aprender"),
    render: || view! { <LearnView/> }.into_any(),
};

/// "Trained parameters: CNN 2 345 (d = 16) · …" for the chosen task, or for the chosen
/// preset's models (its sizes and vocabulary).
fn params_line(state: LearnState) -> String {
    let t = state.task.get();
    let chosen = state.preset.get().and_then(preset);
    let lang = lang();
    let families = Family::ALL
        .iter()
        .map(|&f| {
            let (n, d) = match chosen {
                Some(p) => (
                    p.training(f, 0)
                        .map(|r| r.model.parameter_count())
                        .unwrap_or(0),
                    p.model(f).d_model,
                ),
                None => (
                    Trainable::new(f, t.vocab(), 0)
                        .map(|m| m.parameter_count())
                        .unwrap_or(0),
                    learn_config(f).1,
                ),
            };
            format!("{} {} (d = {d})", family_name(f, lang), n)
        })
        .collect::<Vec<_>>()
        .join(" · ");
    match lang {
        Lang::En => format!("Trained parameters: {families}."),
        Lang::Es => format!("Parámetros entrenados: {families}."),
    }
}

/// The Learn view.
#[component]
pub fn LearnView() -> impl IntoView {
    let state = expect_context::<LearnState>();
    view! {
        <section class="view" data-testid="view-learn">
            <h2>{t("Learn: which families can remember?", "Aprender: ¿qué familias pueden recordar?")}</h2>
            <p class="intro">
                {t("Each family is trained here, in your browser, with Adam on cross-entropy at the answer positions: \
                a token embedding, the family's block (the same weights the other views run) and an output layer, \
                each with about 2–6 thousand parameters. Every step draws a fresh batch of 32 examples from the seed, \
                so the curves are also held-out figures. Nothing is scripted: the results are whatever these runs produce. \
                Training goes on while you look at other views.",
                "Cada familia se entrena aquí, en tu navegador, con Adam sobre la entropía cruzada en las posiciones de respuesta: \
                un embedding de tokens, el bloque de la familia (los mismos pesos que usan las otras vistas) y una capa de salida, \
                cada uno con unos 2–6 mil parámetros. Cada paso genera a partir de la semilla un lote nuevo de 32 ejemplos, \
                así que las curvas también miden ejemplos no vistos. Nada está preparado de antemano: los resultados son lo que den estas ejecuciones. \
                El entrenamiento sigue mientras miras otras vistas.")}
            </p>
            <LearnControls/>
            <p class="caption" data-testid="learn-params">{move || params_line(state)}</p>
            <RunBar/>
            <p class="caption expectation">{move || words::expectation(state.task.get()).now()}</p>
            <LearnCharts/>
            <ResultsTable/>
            <Literature/>
            <Selection/>
        </section>
    }
}
