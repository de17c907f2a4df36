//! SSM view — placeholder.

use leptos::prelude::*;

use super::ViewEntry;

/// Registry entry of the SSM view.
pub const ENTRY: ViewEntry = ViewEntry {
    id: "ssm",
    title: "SSM",
    render: || view! { <SsmView/> }.into_any(),
};

/// Placeholder.
#[component]
pub fn SsmView() -> impl IntoView {
    view! { <section class="view" data-testid="view-ssm"><h2>"SSM"</h2></section> }
}
