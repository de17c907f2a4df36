//! A model trained in the Learn view, handed to the Flow and Fading views to inspect: its
//! weights (and the same model's weights before training), the embedded input of one task
//! example, and the token names to label it with — plus the one "model source" both views
//! read, so either shows the trained model or the untrained one from its sliders the same way.

use leptos::prelude::*;
use ndarray::Array2;

use crate::core::learn::tasks::Task;
use crate::core::models::family::{Family, ModelConfig, ModelParams};
use crate::ui::i18n::{family_name, lang, show, Lang, Tr};
use crate::ui::state::{EmbeddingMatrix, Shared, SharedInput};
use crate::ui::views::learn::{knob_label, task_name};

/// What the Flow and Fading views show instead of the random models when set.
#[derive(Debug, Clone)]
pub struct TrainedModel {
    /// The configuration the block was built from (`learn_config`): the tape needs it to
    /// differentiate the block (`learn::influence`).
    pub config: ModelConfig,
    /// The trained family block.
    pub params: Shared<ModelParams>,
    /// The same block before training (the Learn view's initialisation under the same seed),
    /// so a view can show what training changed on the same input.
    pub initial: Shared<ModelParams>,
    /// One task example, embedded by the trained embedding: `[L, d_model]`.
    pub x: Shared<Array2<f32>>,
    /// Token names of the example.
    pub tokens: Vec<String>,
    /// Which run these weights come from.
    pub origin: TrainedOrigin,
}

/// The training run a [`TrainedModel`] comes from, kept as data so the banner can say it in
/// either language.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrainedOrigin {
    pub family: Family,
    /// Adam steps taken.
    pub steps: usize,
    pub task: Task,
    /// The task's size (gap, noise length or pairs).
    pub knob: usize,
    pub seed: u64,
}

impl TrainedOrigin {
    /// E.g. "Mamba trained 100 steps on delayed copy (gap k = 4, seed 42), input: one example
    /// of the task", in `lang`.
    pub fn describe(&self, lang: Lang) -> String {
        let family = family_name(self.family, lang);
        let task = task_name(self.task).get(lang).to_lowercase();
        let knob = knob_label(self.task).get(lang);
        let (steps, size, seed) = (self.steps, self.knob, self.seed);
        match lang {
            Lang::En => format!(
                "{family} trained {steps} steps on {task} ({knob} = {size}, seed {seed}), input: one example of the task"
            ),
            Lang::Es => format!(
                "{family} entrenado {steps} pasos en {task} ({knob} = {size}, semilla {seed}); entrada: un ejemplo de la tarea"
            ),
        }
    }
}

impl PartialEq for TrainedModel {
    fn eq(&self, other: &Self) -> bool {
        self.params == other.params && self.x == other.x
    }
}

/// Context: the trained model the Flow and Fading views should show (None: the random models).
#[derive(Clone, Copy)]
pub struct TrainedModels(pub RwSignal<Option<TrainedModel>>);

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

/// Where a view's model and input come from: the trained model and its task example when one
/// is open (`trained` is Some), else the untrained model built from the view's own sliders on
/// the shared sentence.
#[derive(Clone, Copy)]
pub struct ModelSource {
    /// The trained model, if one is open.
    pub trained: Memo<Option<TrainedModel>>,
    /// The model input `[L, d_model]`: the task example or the sentence's embeddings.
    pub x: Memo<EmbeddingMatrix>,
    /// Token labels of `x`.
    pub labels: Memo<Vec<String>>,
}

impl ModelSource {
    /// The source of a view (or pane) that follows `trained` (None: always untrained).
    pub fn new(input: SharedInput, trained: Option<RwSignal<Option<TrainedModel>>>) -> Self {
        let trained = Memo::new(move |_| trained.and_then(|t| t.get()));
        let x = Memo::new(move |_| match trained.get() {
            Some(t) => EmbeddingMatrix((*t.x).clone()),
            None => input.embeddings.get(),
        });
        let labels = Memo::new(move |_| match trained.get() {
            Some(t) => t.tokens,
            None => input.tokens.with(|t| t.tokens.clone()),
        });
        ModelSource { trained, x, labels }
    }

    /// Whether the trained model is shown (reactive).
    pub fn is_trained(&self) -> bool {
        self.trained.with(Option::is_some)
    }

    /// The weights: the trained block when one is open, else what `untrained` builds (it is
    /// only called, and only tracked, while no trained model is open).
    pub fn params(
        &self,
        untrained: impl Fn() -> Result<Shared<ModelParams>, String> + Send + Sync + 'static,
    ) -> Memo<Result<Shared<ModelParams>, String>> {
        let trained = self.trained;
        Memo::new(move |_| match trained.get() {
            Some(t) => Ok(t.params),
            None => untrained(),
        })
    }
}

/// The banner a view shows while it runs trained weights: where they come from, what the view
/// does with them (`note`), and a button back to the untrained models (it closes the trained
/// model for every view). Test ids `<prefix>-trained-banner`, `<prefix>-trained-clear`.
#[component]
pub fn TrainedBanner(
    /// The trained-model context.
    trained: RwSignal<Option<TrainedModel>>,
    /// What this view shows of the trained model, after "Trained weights: …".
    note: Tr,
    /// The label of the button back to the untrained models.
    back: Tr,
    /// Test id prefix (the view id).
    prefix: &'static str,
) -> impl IntoView {
    move || {
        trained.with(|t| t.as_ref().map(|t| t.origin)).map(|origin| {
            view! {
                <p class="trained-banner" data-testid=format!("{prefix}-trained-banner") role="status">
                    {move || {
                        let lang = lang();
                        let lead = lang.pick("Trained weights", "Pesos entrenados");
                        format!("{lead}: {}. {} ", origin.describe(lang), note.get(lang))
                    }}
                    <button data-testid=format!("{prefix}-trained-clear") on:click=move |_| trained.set(None)>
                        {show(back)}
                    </button>
                </p>
            }
        })
    }
}
