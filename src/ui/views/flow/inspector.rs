//! The state inspector: the vector a pane's model holds after the current step, as bars.

use leptos::prelude::*;

use super::model::inspected;
use super::state::{FlowState, PaneModel};
use crate::ui::i18n::lang;
use crate::ui::widgets::format::display_number;

/// Bars of the inspected vector at the selected position, with what it is.
#[component]
pub fn Inspector(model: PaneModel, suffix: &'static str) -> impl IntoView {
    let state = expect_context::<FlowState>();
    move || {
        let run = model.run.get().ok()?;
        let diagram = model.diagram.get()?;
        let (caption, values) = inspected(
            &run,
            &diagram,
            state.step.get(),
            state.selected.get(),
            lang(),
        );
        let max = values
            .iter()
            .copied()
            .filter(|v| v.is_finite())
            .fold(0.0f32, |m, v| m.max(v.abs()))
            .max(1e-12);
        Some(view! {
            <div class="inspector" data-testid=format!("state-inspector{suffix}")>
                <p>{caption}</p>
                <div class="bars">
                    {values.into_iter().enumerate().map(|(k, v)| {
                        let h = if v.is_finite() { (v.abs() / max * 100.0).clamp(0.0, 100.0) } else { 100.0 };
                        view! {
                            <div class="bar" title=format!("{k}: {}", display_number(v))>
                                <div class="bar-fill" class:negative=v < 0.0 style=format!("height: {h:.1}%")></div>
                                <span>{display_number(v)}</span>
                            </div>
                        }
                    }).collect_view()}
                </div>
            </div>
        })
    }
}
