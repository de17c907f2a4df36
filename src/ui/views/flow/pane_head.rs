//! A pane's header: the model, and the choices that depend on it (how a linear recurrence
//! is computed, which attention head draws the edges, which Mamba influence is shown).

use leptos::prelude::*;

use super::state::PaneModel;
use crate::core::flow::FlowMode;
use crate::core::models::family::Family;
use crate::ui::i18n::{t, tr};
use crate::ui::influence::InfluenceKind;
use crate::ui::knobs;
use crate::ui::model_controls::FamilySelect;
use crate::ui::url_state::url_state;

/// Binds the pane's choices to the link (keys `flow.mode`, `flow.head`, `flow.influence`, with
/// `-b` for the second pane).
fn bind_choices(model: PaneModel, suffix: &str) {
    let Some(url) = url_state() else {
        return;
    };
    url.bind_choice(
        &format!("mode{suffix}"),
        model.mode,
        vec![
            (FlowMode::Sequential, "sequential"),
            (FlowMode::Scan, "scan"),
        ],
    );
    // Every head the knob allows; a head beyond the model's count falls back to the mean.
    const NAMES: [&str; 8] = ["0", "1", "2", "3", "4", "5", "6", "7"];
    let most = knobs::transformer::HEADS.count(1e9).min(NAMES.len());
    let heads = std::iter::once((None, "mean"))
        .chain((0..most).map(|h| (Some(h), NAMES[h])))
        .collect();
    url.bind_choice(&format!("head{suffix}"), model.head, heads);
    url.bind_choice(
        &format!("influence{suffix}"),
        model.kind,
        vec![
            (InfluenceKind::Full, "full"),
            (InfluenceKind::Hidden, "hidden"),
        ],
    );
}

/// The model picker and its dependent choices.
#[component]
pub fn PaneHead(model: PaneModel, suffix: &'static str) -> impl IntoView {
    let family = model.knobs.family;
    let select_id = if suffix.is_empty() {
        "model-select"
    } else {
        "model-select-b"
    };
    let head_options = move || {
        (0..model.heads.get())
            .map(|h| view! { <option value=h.to_string()>{move || format!("{} {}", tr("head", "cabeza").now(), h + 1)}</option> })
            .collect_view()
    };
    let view = view! {
        <div class="pane-head">
            <FamilySelect family=family test_id=select_id />
            <Show when=move || family.get().is_linear_recurrence()>
                <label>{t("computed ", "calculado ")}
                    <select data-testid=format!("mode-select{suffix}")
                        on:change:target=move |ev| model.mode.set(if ev.target().value() == "scan" { FlowMode::Scan } else { FlowMode::Sequential })
                        prop:value=move || if model.mode.get() == FlowMode::Scan { "scan" } else { "sequential" }>
                        <option value="sequential">{t("sequentially (L steps)", "en secuencia (L pasos)")}</option>
                        <option value="scan">{t("by parallel scan (⌈log₂ L⌉ steps)", "con scan paralelo (⌈log₂ L⌉ pasos)")}</option>
                    </select>
                </label>
            </Show>
            <Show when=move || family.get() == Family::Transformer>
                <label>{t("edges ", "aristas ")}
                    <select data-testid=format!("head-select{suffix}")
                        prop:value=move || { model.heads.track(); model.head.get().map_or("mean".to_string(), |h| h.to_string()) }
                        on:change:target=move |ev| model.head.set(ev.target().value().parse::<usize>().ok())>
                        <option value="mean">{t("mean of heads", "media de las cabezas")}</option>
                        {head_options}
                    </select>
                </label>
            </Show>
            <Show when=move || family.get() == Family::Mamba>
                <label>{t("influence ", "influencia ")}
                    <select data-testid=format!("influence-kind{suffix}")
                        prop:value=move || if model.kind.get() == InfluenceKind::Hidden { "hidden" } else { "full" }
                        on:change:target=move |ev| model.kind.set(if ev.target().value() == "hidden" { InfluenceKind::Hidden } else { InfluenceKind::Full })>
                        <option value="full">{t("full Jacobian ‖∂yᵢ/∂xⱼ‖ (through conv, Δ, B, C, gate)", "jacobiano completo ‖∂yᵢ/∂xⱼ‖ (a través de conv, Δ, B, C, compuerta)")}</option>
                        <option value="hidden">{t("hidden attention α (Δ, B, C frozen, no D)", "atención oculta α (Δ, B, C fijos, sin D)")}</option>
                    </select>
                </label>
            </Show>
        </div>
    };
    // After the family select: a link's model is applied before the choices that depend on it.
    bind_choices(model, suffix);
    view
}
