//! The results table: one row per run, with its held-out accuracy and buttons that open the
//! model as trained so far in the Flow or Fading view (training goes on meanwhile).

use leptos::prelude::*;

use super::state::{LearnState, RunSummary};
use crate::core::learn::train::EVAL_EXAMPLES;
use crate::ui::i18n::{core_error_in, family_name, lang, t, Lang};
use crate::ui::palette::family_rgb;
use crate::ui::state::CurrentView;

/// `v` as a percentage or a number, "not finite", or "–" when there is none.
fn format_value(v: Option<f32>, pct: bool, lang: Lang) -> String {
    match v {
        Some(v) if v.is_finite() && pct => format!("{:.0}%", v * 100.0),
        Some(v) if v.is_finite() => format!("{v:.3}"),
        Some(_) => lang.pick("not finite", "no finito").to_string(),
        None => "–".to_string(),
    }
}

/// One run's row.
fn row(
    state: LearnState,
    r: RunSummary,
    current: Option<CurrentView>,
    lang: Lang,
) -> impl IntoView {
    let family = r.family;
    let can_open = !r.losses.is_empty();
    let (c_r, c_g, c_b) = family_rgb(family);
    let eval = match (&r.error, r.eval) {
        (Some(e), _) => core_error_in(e, lang),
        (None, Some(e)) => match lang {
            Lang::En => format!("{:.0}% (loss {:.3})", e.accuracy * 100.0, e.loss),
            Lang::Es => format!("{:.0}% (pérdida {:.3})", e.accuracy * 100.0, e.loss),
        },
        (None, None) => lang.pick("after training", "al terminar").to_string(),
    };
    view! {
        <tr data-testid=format!("learn-row-{}", family.id())>
            <td><span class="swatch" style=format!("background: rgb({c_r},{c_g},{c_b})")></span>{family_name(family, lang)}</td>
            <td>{r.parameters.to_string()}</td>
            <td>{r.losses.len().to_string()}</td>
            <td>{format_value(RunSummary::recent(&r.losses), false, lang)}</td>
            <td>{format_value(RunSummary::recent(&r.accuracies), true, lang)}</td>
            <td data-testid=format!("learn-eval-{}", family.id())>{eval}</td>
            <td class="learn-open">
                <button data-testid=format!("learn-open-flow-{}", family.id()) disabled=!can_open
                    on:click=move |_| state.open_in(family, "flow", current)>{lang.pick("Open in Flow", "Abrir en Flujo")}</button>
                <button data-testid=format!("learn-open-fading-{}", family.id()) disabled=!can_open
                    on:click=move |_| state.open_in(family, "fading", current)>{lang.pick("Open in Fading", "Abrir en Desvanecimiento")}</button>
            </td>
        </tr>
    }
}

/// The table of runs.
#[component]
pub fn ResultsTable() -> impl IntoView {
    let state = expect_context::<LearnState>();
    let current = use_context::<CurrentView>();
    let rows = move || {
        let lang = lang();
        state
            .summaries
            .get()
            .into_iter()
            .map(|r| row(state, r, current, lang))
            .collect_view()
    };
    view! {
        <table class="learn-table" data-testid="learn-table">
            <thead><tr>
                <th>{t("model", "modelo")}</th><th>{t("parameters", "parámetros")}</th><th>{t("steps", "pasos")}</th>
                <th>{t("loss (last 50 steps)", "pérdida (últimos 50 pasos)")}</th>
                <th>{t("accuracy (last 50 steps)", "acierto (últimos 50 pasos)")}</th>
                <th>{move || match lang() {
                    Lang::En => format!("held-out accuracy ({EVAL_EXAMPLES} examples)"),
                    Lang::Es => format!("acierto en ejemplos nuevos ({EVAL_EXAMPLES} ejemplos)"),
                }}</th><th></th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
