//! A pane's figures: the flow diagram at the current step and the influence heat map, side
//! by side; a clear message instead when there are no tokens.

use leptos::prelude::*;

use super::captions::{heat_caption, EMPTY};
use super::state::{FlowState, PaneModel};
use crate::ui::i18n::{family_name, lang, show, t, tr};
use crate::ui::influence::InfluenceKind;
use crate::ui::url_state::url_state;
use crate::ui::widgets::flow_diagram::{DiagramFrame, FlowDiagramView};
use crate::ui::widgets::heatmap::{HeatScale, Heatmap};

/// The diagram frame of a pane at the shared step, for the selected token.
fn frame_of(model: PaneModel, state: FlowState) -> Memo<Option<DiagramFrame>> {
    Memo::new(move |_| {
        let diagram = model.diagram.get()?;
        let source = state.selected.get().min(diagram.len.saturating_sub(1));
        let strength = model.state_influence.with(|m| {
            m.as_ref().filter(|_| diagram.rows.len() == 2).map(|m| {
                let column: Vec<f32> = (0..m.nrows()).map(|i| m[[i, source]]).collect();
                let max = column
                    .iter()
                    .copied()
                    .filter(|v| v.is_finite())
                    .fold(0.0f32, f32::max);
                column
                    .iter()
                    .map(|v| if max > 0.0 { v / max } else { 0.0 })
                    .collect()
            })
        });
        Some(DiagramFrame::new(
            &diagram,
            state.step.get(),
            source,
            strength,
        ))
    })
}

/// The colour-scale menu of the heat map.
#[component]
fn ScaleSelect(model: PaneModel, suffix: &'static str) -> impl IntoView {
    let names = [
        (HeatScale::OffDiagonal, "off-diagonal"),
        (HeatScale::Linear, "linear"),
        (HeatScale::Log, "log"),
    ];
    if let Some(url) = url_state() {
        url.bind_choice(&format!("scale{suffix}"), model.scale, names.to_vec());
    }
    view! {
        <label>{t("colour scale ", "escala de color ")}
            <select data-testid=format!("heat-scale{suffix}")
                prop:value=move || names.iter().find(|(s, _)| *s == model.scale.get()).map_or("", |(_, n)| n)
                on:change:target=move |ev| {
                    let v = ev.target().value();
                    if let Some((s, _)) = names.iter().find(|(_, n)| *n == v) { model.scale.set(*s) }
                }>
                <option value="off-diagonal">{t("off-diagonal (diagonal in grey, own scale)", "fuera de la diagonal (diagonal en gris, escala propia)")}</option>
                <option value="linear">{t("linear, every cell", "lineal, todas las celdas")}</option>
                <option value="log">{t("logarithmic, every cell", "logarítmica, todas las celdas")}</option>
            </select>
        </label>
    }
}

/// Diagram and heat map of one pane.
#[component]
pub fn Figures(model: PaneModel, suffix: &'static str) -> impl IntoView {
    let state = expect_context::<FlowState>();
    let frame = frame_of(model, state);
    let heat_values = Signal::derive(move || model.influence.with(|s| s.values.clone()));
    let full = show(heat_caption(InfluenceKind::Full));
    let hidden = show(heat_caption(InfluenceKind::Hidden));
    let caption = Signal::derive(move || {
        match model.kind.get() {
            InfluenceKind::Hidden if model.knobs.family.get().id() == "mamba" => hidden(),
            _ => full(),
        }
        .to_string()
    });
    // The exported card's title: what the matrix is, for which model.
    let title = Signal::derive(move || {
        let family = model.knobs.family.get();
        let name = family_name(family, lang());
        match model.kind.get() {
            InfluenceKind::Hidden if family.id() == "mamba" => tr(
                "Mamba's hidden attention ‖α[:, i, j]‖",
                "Atención oculta de Mamba ‖α[:, i, j]‖",
            )
            .now()
            .to_string(),
            _ => format!(
                "{} ‖∂yᵢ/∂xⱼ‖ — {name}",
                tr(
                    "Influence of input j on output i",
                    "Influencia de la entrada j en la salida i"
                )
                .now()
            ),
        }
    });
    let selected = state.selected;
    let empty = move || model.labels.with(Vec::is_empty);
    let diagram_id = if suffix.is_empty() {
        "flow-diagram"
    } else {
        "flow-diagram-b"
    };
    let heat_id = if suffix.is_empty() {
        "influence-heatmap"
    } else {
        "influence-heatmap-b"
    };
    let empty_message = move || view! { <p class="flow-empty" data-testid=format!("flow-empty{suffix}")>{show(EMPTY)}</p> };
    view! {
        <p class="flow-step-label">{move || frame.with(|f| f.as_ref().map(|f| crate::ui::i18n::flow_label(f.label, lang())))}</p>
        <Show when=move || !empty() fallback=empty_message>
            <div class="flow-figures">
                {move || frame.get().map(|f| view! {
                    <FlowDiagramView frame=f tokens=model.labels selected=selected playing=state.playing test_id=diagram_id />
                })}
                <div class="flow-heat">
                    <Heatmap values=heat_values row_labels=model.labels token_columns=true
                        test_id=heat_id caption=caption title=title scale=model.scale
                        selected=Signal::from(selected)
                        on_select=Callback::new(move |(_, j)| selected.set(j)) />
                    <div class="heat-meta">
                        <ScaleSelect model=model suffix=suffix />
                        <span data-testid=format!("influence-progress{suffix}")
                            data-complete=move || model.influence.with(|s| s.complete().to_string())>
                            {move || { let lang = lang(); model.influence.with(|s| match &s.error {
                                Some(e) => e.clone(),
                                None if s.complete() => lang.pick("exact influence: complete", "influencia exacta: completa").to_string(),
                                None => format!("{} {} / {}", lang.pick("computing columns…", "calculando columnas…"), s.done, s.values.len()),
                            })}}
                        </span>
                    </div>
                </div>
            </div>
        </Show>
    }
}
