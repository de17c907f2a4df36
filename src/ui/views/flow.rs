//! Flow view: how each model moves information between positions.
//!
//! For now it shows the tokens of the sentence and their seeded embeddings.

use leptos::prelude::*;

use super::ViewEntry;
use crate::ui::state::{AppReady, SharedInput};
use crate::ui::widgets::heatmap::Heatmap;

/// Registry entry of the Flow view.
pub const ENTRY: ViewEntry = ViewEntry {
    id: "flow",
    title: "Flow",
    render: || view! { <FlowView/> }.into_any(),
};

/// Tokens and embeddings of the shared sentence.
#[component]
pub fn FlowView() -> impl IntoView {
    let input = expect_context::<SharedInput>();
    let ready = expect_context::<AppReady>();
    let rows = Memo::new(move |_| {
        input.embeddings.with(|e| {
            e.0.rows()
                .into_iter()
                .map(|r| r.to_vec())
                .collect::<Vec<_>>()
        })
    });
    let labels = Memo::new(move |_| input.tokens.with(|t| t.tokens.clone()));
    Effect::new(move |_| {
        rows.track();
        ready.0.set(true);
    });
    view! {
        <section class="view" data-testid="view-flow">
            <h2>"Flow"</h2>
            <p>"Each token gets a vector drawn from its text and the seed: the same word, the same vector."</p>
            <ol class="token-row" data-testid="token-row">
                {move || labels.get().into_iter().enumerate().map(|(i, t)| view! {
                    <li class="token" data-index=i>{t}</li>
                }).collect_view()}
            </ol>
            <Heatmap values=rows row_labels=labels test_id="embedding-heatmap" caption="Embeddings: one row per token, one column per dimension" />
        </section>
    }
}
