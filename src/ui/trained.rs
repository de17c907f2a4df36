//! A model trained in the Learn view, handed to the Flow view to inspect: its weights, the
//! embedded input of one task example, and the token names to label it with.

use leptos::prelude::*;
use ndarray::Array2;

use crate::core::models::family::ModelParams;
use crate::ui::state::Shared;

/// What the Flow view shows instead of the random model when set.
#[derive(Debug, Clone)]
pub struct TrainedFlow {
    /// The trained family block.
    pub params: Shared<ModelParams>,
    /// One task example, embedded by the trained embedding: `[L, d_model]`.
    pub x: Shared<Array2<f32>>,
    /// Token names of the example.
    pub tokens: Vec<String>,
    /// Says which run these weights come from, e.g. "Mamba trained 1000 steps on …".
    pub description: String,
}

impl PartialEq for TrainedFlow {
    fn eq(&self, other: &Self) -> bool {
        self.params == other.params && self.x == other.x
    }
}

/// Context: the trained model the Flow view should show (None: the random models).
#[derive(Clone, Copy)]
pub struct TrainedModels(pub RwSignal<Option<TrainedFlow>>);

impl TrainedModels {
    pub fn new() -> Self {
        TrainedModels(RwSignal::new(None))
    }
}

impl Default for TrainedModels {
    fn default() -> Self {
        Self::new()
    }
}

/// Switches to the view `id` by pressing its navigation button (the shell owns navigation).
pub fn open_view(id: &str) {
    use wasm_bindgen::JsCast;
    let button = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| {
            d.query_selector(&format!("[data-testid=\"nav-{id}\"]"))
                .ok()
                .flatten()
        })
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(button) = button {
        button.click();
    }
}
