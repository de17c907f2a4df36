//! A model trained in the Learn view, handed to the Flow view to inspect: its weights, the
//! embedded input of one task example, and the token names to label it with.

use leptos::prelude::*;
use ndarray::Array2;

use crate::core::learn::tasks::Task;
use crate::core::models::family::{Family, ModelParams};
use crate::ui::i18n::{family_name, Lang};
use crate::ui::state::Shared;
use crate::ui::views::learn::{knob_label, task_name};

/// What the Flow view shows instead of the random model when set.
#[derive(Debug, Clone)]
pub struct TrainedFlow {
    /// The trained family block.
    pub params: Shared<ModelParams>,
    /// One task example, embedded by the trained embedding: `[L, d_model]`.
    pub x: Shared<Array2<f32>>,
    /// Token names of the example.
    pub tokens: Vec<String>,
    /// Which run these weights come from.
    pub origin: TrainedOrigin,
}

/// The training run a [`TrainedFlow`] comes from, kept as data so the banner can say it in
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
