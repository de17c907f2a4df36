//! Train / Pause / Resume, the progress bar and the status line.

use leptos::prelude::*;

use super::state::{LearnState, Status};
use crate::core::learn::train::EVAL_EXAMPLES;
use crate::ui::i18n::{lang, t, tr, Lang};

/// The run buttons and progress.
#[component]
pub fn RunBar() -> impl IntoView {
    let state = expect_context::<LearnState>();
    let status = state.status;
    let progress = move || {
        let total = state.steps_total();
        if total == 0 {
            0.0
        } else {
            state.steps_done() as f64 / total as f64
        }
    };
    let line = move || {
        let (done, total) = (state.steps_done(), state.steps_total());
        match (status.get(), lang()) {
            (Status::Idle, lang) => lang.pick("Choose a task and families, then press Train.", "Elige una tarea y las familias, y pulsa Entrenar.").to_string(),
            (Status::Running, Lang::En) => format!("training… {done} / {total} steps"),
            (Status::Running, Lang::Es) => format!("entrenando… {done} / {total} pasos"),
            (Status::Paused, Lang::En) => format!("paused at {done} / {total} steps"),
            (Status::Paused, Lang::Es) => format!("en pausa en {done} / {total} pasos"),
            (Status::Done, Lang::En) => format!("done: {total} steps; held-out accuracy on {EVAL_EXAMPLES} new examples in the table"),
            (Status::Done, Lang::Es) => format!("terminado: {total} pasos; el acierto en {EVAL_EXAMPLES} ejemplos nuevos está en la tabla"),
        }
    };
    view! {
        <div class="learn-buttons">
            <button data-testid="learn-train" on:click=move |_| state.train()
                disabled=move || state.families.with(|f| f.is_empty())>
                {move || if status.get() == Status::Idle { tr("Train", "Entrenar").now() } else { tr("Train again (restart)", "Entrenar de nuevo (desde cero)").now() }}
            </button>
            <button data-testid="learn-pause" on:click=move |_| state.pause() disabled=move || status.get() != Status::Running>{t("Pause", "Pausar")}</button>
            <button data-testid="learn-resume" on:click=move |_| state.resume() disabled=move || status.get() != Status::Paused>{t("Resume", "Continuar")}</button>
            <progress data-testid="learn-progress" max="1" prop:value=progress
                data-steps=move || state.steps_done().to_string()
                data-status=move || format!("{:?}", status.get()).to_ascii_lowercase()></progress>
            <span class="learn-status" role="status">{line}</span>
        </div>
    }
}
