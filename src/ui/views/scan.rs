//! Scan view — lands with its own issue; until then an honest placeholder.

use leptos::prelude::*;

use super::ViewEntry;

/// Registry entry of the Scan view.
pub const ENTRY: ViewEntry = ViewEntry {
    id: "scan",
    title: "Scan",
    render: || view! { <ScanView/> }.into_any(),
};

/// Placeholder until the Scan view is built.
#[component]
pub fn ScanView() -> impl IntoView {
    view! {
        <section class="view" data-testid="view-scan">
            <h2>"Scan"</h2>
            <p class="coming-next">"Coming next: this view is being built."</p>
        </section>
    }
}
