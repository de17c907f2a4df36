//! Cost view — lands with its own issue; until then an honest placeholder.

use leptos::prelude::*;

use super::ViewEntry;

/// Registry entry of the Cost view.
pub const ENTRY: ViewEntry = ViewEntry {
    id: "cost",
    title: "Cost",
    render: || view! { <CostView/> }.into_any(),
};

/// Placeholder until the Cost view is built.
#[component]
pub fn CostView() -> impl IntoView {
    view! {
        <section class="view" data-testid="view-cost">
            <h2>"Cost"</h2>
            <p class="coming-next">"Coming next: this view is being built."</p>
        </section>
    }
}
