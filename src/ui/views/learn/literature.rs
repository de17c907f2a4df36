//! "Against the literature": the claims and the verdicts of the runs shown.

use leptos::prelude::*;

use super::state::{LearnState, Status};
use super::verdicts::verdicts;
use crate::ui::i18n::{lang, t};

/// The findings panel.
#[component]
pub fn Literature() -> impl IntoView {
    let state = expect_context::<LearnState>();
    let findings = move || {
        let settings = state.trained_on.get();
        let done = state.status.get() == Status::Done;
        let lang = lang();
        match settings {
            None => view! { <p>{lang.pick("Train some models to compare them with these findings.", "Entrena algunos modelos para compararlos con estos resultados.")}</p> }.into_any(),
            Some(s) => {
                // The copying preset is selective copying with every token marked: a copying task.
                let copying = state.session.with_value(|x| x.preset) == Some("copying");
                let task = if copying { crate::core::learn::tasks::Task::DelayedCopy } else { s.task };
                state.summaries.with(|runs| verdicts(task, s.knob, runs, done, lang))
            }
                .into_iter()
                .enumerate()
                .map(|(i, (claim, verdict))| view! {
                    <div class="finding">
                        <p class="claim">{claim}</p>
                        <p class="verdict" data-testid=format!("learn-verdict-{i}")>{verdict}</p>
                    </div>
                })
                .collect_view()
                .into_any(),
        }
    };
    view! {
        <section class="learn-literature" data-testid="learn-literature">
            <h3>{t("Against the literature", "Frente a la literatura")}</h3>
            {findings}
        </section>
    }
}
