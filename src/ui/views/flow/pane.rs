//! One model pane: its header, knobs, figures and state inspector.

use leptos::prelude::*;

use super::figures::Figures;
use super::inspector::Inspector;
use super::pane_head::PaneHead;
use super::state::PaneModel;
use crate::ui::model_controls::ModelControls;

/// One model: controls, diagram, heat map and inspector.
#[component]
pub fn FlowPane(model: PaneModel, suffix: &'static str) -> impl IntoView {
    // With no tokens the figures say so themselves; other errors show here.
    let notice = move || {
        model
            .labels
            .with(|l| !l.is_empty())
            .then(|| model.run.get().err())
            .flatten()
    };
    view! {
        <div class="flow-pane" data-testid=format!("pane{suffix}")>
            <PaneHead model=model suffix=suffix />
            <Show when=move || !model.is_trained.get()>
                <ModelControls knobs=model.knobs url_scope=suffix />
            </Show>
            <p class="notice" role="status">{notice}</p>
            <Figures model=model suffix=suffix />
            <Inspector model=model suffix=suffix />
        </div>
    }
}
