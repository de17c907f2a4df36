//! Fading view — lands with its own issue; until then an honest placeholder.

use leptos::prelude::*;

use super::ViewEntry;

/// Registry entry of the Fading view.
pub const ENTRY: ViewEntry = ViewEntry {
    id: "fading",
    title: "Fading",
    render: || view! { <FadingView/> }.into_any(),
};

/// Placeholder until the Fading view is built.
#[component]
pub fn FadingView() -> impl IntoView {
    view! {
        <section class="view" data-testid="view-fading">
            <h2>"Fading"</h2>
            <p class="coming-next">"Coming next: this view is being built."</p>
        </section>
    }
}
