//! Flow view: how each model moves information between positions.
//!
//! The diagram is drawn from the model's real structure and trace (`core::flow`); the heat
//! map is the exact influence I[i, j] = ‖∂y_i/∂x_j‖_F, filled in progressively. Two models
//! can run side by side on the same sentence and the same step counter.
//!
//! Table of contents: `state.rs` (`FlowState`, owned by the app shell: both panes' knobs,
//! mode, head, influence kind and results, the step, the selected token), `model.rs` (diagram
//! and inspector data of a run), `pane.rs` (one model) made of `pane_head.rs`, `figures.rs`
//! (diagram + heat map) and `inspector.rs`; `captions.rs` (the words that state facts) and
//! `claims.rs` (their tests).

use leptos::prelude::*;

use super::ViewEntry;
use crate::core::tokens::MAX_TOKENS;
use crate::ui::i18n::{family_name, lang, show, t, tr, Lang};
use crate::ui::state::{AppReady, SelectedToken, SharedInput};
use crate::ui::trained::{TrainedBanner, TrainedModels};
use crate::ui::url_state::url_state;
use crate::ui::widgets::heatmap::Heatmap;
use crate::ui::widgets::player::Player;
use crate::ui::widgets::slider::Slider;

mod captions;
#[cfg(test)]
mod claims;
mod figures;
mod inspector;
mod model;
mod pane;
mod pane_head;
pub mod state;

use pane::FlowPane;
use state::FlowState;

/// Registry entry of the Flow view.
pub const ENTRY: ViewEntry = ViewEntry {
    id: "flow",
    title: tr("Flow", "Flujo"),
    render: || view! { <FlowView/> }.into_any(),
};

/// "For L = 11: CNN needs 3 sequential steps, one per layer (6 levels …); …".
fn steps_line(state: FlowState) -> String {
    let len = state.a.labels.with(Vec::len);
    let lang = lang();
    let describe = |m: &state::PaneModel| {
        let name = family_name(m.knobs.family.get(), lang);
        let steps = m.total_steps();
        match m.depth() {
            Some((unit, depth)) => captions::steps_phrase(name, steps, unit, depth, lang),
            None => match lang {
                Lang::En => format!("{name} needs {steps} sequential steps"),
                Lang::Es => format!("{name} necesita {steps} pasos secuenciales"),
            },
        }
    };
    let mut line = match lang {
        Lang::En => format!("For L = {len}: {}", describe(&state.a)),
        Lang::Es => format!("Para L = {len}: {}", describe(&state.a)),
    };
    if state.compare.get() {
        line.push_str(&format!("; {}", describe(&state.b)));
    }
    line + "."
}

/// The token embeddings (the models' input), folded.
#[component]
fn Embeddings() -> impl IntoView {
    let input = expect_context::<SharedInput>();
    let rows = Signal::derive(move || {
        input.embeddings.with(|e| {
            e.0.rows()
                .into_iter()
                .map(|r| r.to_vec())
                .collect::<Vec<_>>()
        })
    });
    let labels = Signal::derive(move || input.tokens.with(|t| t.tokens.clone()));
    let caption = show(tr("How to read this: one row per token, one column per dimension; the same word always gets the same vector.", "Cómo leerlo: una fila por token, una columna por dimensión; la misma palabra recibe siempre el mismo vector."));
    view! {
        <details class="embeddings">
            <summary>{t("Token embeddings (the model inputs x)", "Embeddings de los tokens (las entradas x del modelo)")}</summary>
            <Heatmap values=rows row_labels=labels test_id="embedding-heatmap" diverging=true
                caption=Signal::derive(move || caption().to_string()) />
        </details>
    }
}

/// The Flow view: one model, or two side by side, on the shared sentence.
#[component]
pub fn FlowView() -> impl IntoView {
    let state = expect_context::<FlowState>();
    let input = expect_context::<SharedInput>();
    let ready = expect_context::<AppReady>();
    let trained = use_context::<TrainedModels>().map(|t| t.0);
    state.visible.set(true);
    // The sentence's token row selects Flow's followed token while Flow is on screen.
    expect_context::<SelectedToken>().claim(state.selected);
    on_cleanup(move || {
        state.visible.try_set(false);
    });
    let d_model = RwSignal::new(input.d_model.get_untracked() as f64);
    Effect::new(move |_| {
        let width = d_model.get().round().clamp(2.0, 32.0) as usize;
        input.d_model.set(width);
    });
    Effect::new(move |_| {
        if state.a.diagram.with(Option::is_some) {
            ready.0.set(true);
        }
    });
    if let Some(url) = url_state() {
        url.bind_bool("compare", state.compare);
        url.bind_index("token", state.selected, MAX_TOKENS - 1);
    }
    let total = Signal::derive(move || state.total_steps());
    view! {
        <section class="view" data-testid="view-flow">
            <h2>{t("Flow: who sees whom, and after how many steps", "Flujo: quién ve a quién, y tras cuántos pasos")}</h2>
            <p class="intro">{show(captions::INTRO)}</p>
            <div class="flow-global">
                <Slider label=tr("embedding width d_model", "ancho del embedding d_model") param="d-model" min=2.0 max=32.0 step=1.0 value=d_model />
                <label class="toggle"><input type="checkbox" data-testid="toggle-compare" prop:checked=move || state.compare.get()
                    on:change:target=move |ev| state.compare.set(ev.target().checked()) />{t(" compare two models", " comparar dos modelos")}</label>
            </div>
            {trained.map(|trained| view! {
                <TrainedBanner trained=trained prefix="flow"
                    note=tr("Flow runs them on the tokens shown (the first model when comparing two);", "Flujo los aplica a los tokens mostrados (el primer modelo si se comparan dos);")
                    back=tr("back to random weights and the sentence", "volver a los pesos aleatorios y a la frase") />
            })}
            <Player step=state.step total=total playing=state.playing link_max=MAX_TOKENS />
            <p class="steps-line" data-testid="steps-line">{move || steps_line(state)}</p>
            <div class="flow-panes" class:compare=move || state.compare.get()>
                <FlowPane model=state.a suffix="" />
                <Show when=move || state.compare.get()>
                    <FlowPane model=state.b suffix="-b" />
                </Show>
            </div>
            // Below the figures: it explains the steps line, and the diagram comes first.
            <p class="flow-steps-note" data-testid="steps-note">{show(captions::STEPS_NOTE)}</p>
            <Embeddings />
        </section>
    }
}
