//! A model trained in the Learn view, handed to the Flow and Fading views to inspect: its
//! weights (and the same model's weights before training), the embedded input of one task
//! example, and the token names to label it with — plus the one "model source" both views
//! read, so either shows the trained model or the untrained one from its sliders the same way.

use leptos::prelude::*;
use ndarray::Array2;

use crate::core::learn::tasks::Task;
use crate::core::models::family::{Family, ModelConfig, ModelParams};
use crate::ui::i18n::{family_name, lang, show, tr, Lang, Tr};
use crate::ui::state::{EmbeddingMatrix, Shared, SharedInput};
use crate::ui::url_state::{url_state, Parsed};

/// The name of a task.
pub fn task_name(task: Task) -> Tr {
    match task {
        Task::DelayedCopy => tr("Delayed copy", "Copia con retardo"),
        Task::SelectiveCopy => tr("Selective copying", "Copia selectiva"),
        Task::AssociativeRecall => tr("Associative recall", "Recuperación asociativa"),
    }
}

/// The name of a task's adjustable size.
pub fn knob_label(task: Task) -> Tr {
    match task {
        Task::DelayedCopy => tr("gap k", "separación k"),
        Task::SelectiveCopy => tr("noise length", "longitud del relleno"),
        Task::AssociativeRecall => tr("pairs", "pares"),
    }
}

/// The unit after the task size: "pairs 4", not "pairs 4 tokens" (the recall knob counts pairs).
pub fn knob_unit(task: Task) -> Tr {
    match task {
        Task::AssociativeRecall => Tr::same(""),
        Task::DelayedCopy | Task::SelectiveCopy => tr("tokens", "tokens"),
    }
}

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
/// either language — and so a link can carry it: retraining the same family on the same task,
/// seed and step count reproduces the same weights (the training is deterministic).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrainedOrigin {
    pub family: Family,
    /// Adam steps taken.
    pub steps: usize,
    /// Steps the run was set to take (`steps` < `total` when it was opened mid-training).
    pub total: usize,
    pub task: Task,
    /// The task's size (gap, noise length or pairs).
    pub knob: usize,
    pub seed: u64,
    /// The Learn preset (`core::learn::presets`) that set the task and model sizes, if any.
    pub preset: Option<&'static str>,
}

/// Largest step count a link may ask to retrain.
pub const MAX_LINK_STEPS: usize = 5000;

impl TrainedOrigin {
    /// The link value: `<family>.<task>.<knob>.<seed>.<steps>of<total>`,
    /// e.g. `mamba.selective-copy.16.42.291of1000`; a preset's id replaces the task's.
    pub fn to_link(&self) -> String {
        format!(
            "{}.{}.{}.{}.{}of{}",
            self.family.id(),
            self.preset.unwrap_or(self.task.id()),
            self.knob,
            self.seed,
            self.steps,
            self.total
        )
    }

    /// Reads [`Self::to_link`]'s form; the reason in English when it cannot.
    pub fn from_link(raw: &str) -> Result<TrainedOrigin, &'static str> {
        let parts: Vec<&str> = raw.split('.').collect();
        let [family, task, knob, seed, steps] = parts[..] else {
            return Err("expected family.task.size.seed.StepsOfTotal");
        };
        let family = Family::ALL
            .into_iter()
            .find(|f| f.id() == family)
            .ok_or("unknown family")?;
        let preset = crate::core::learn::presets::preset(task);
        let task = match preset {
            Some(p) => p.task.task,
            None => Task::from_id(task).ok_or("unknown task")?,
        };
        let knob: usize = knob
            .parse()
            .map_err(|_| "the task size is not a whole number")?;
        let size_ok = match preset {
            Some(p) => p.task.knob == knob,
            None => task.clamp_knob(knob) == knob,
        };
        if !size_ok {
            return Err("the task size is out of range");
        }
        let seed: u64 = seed.parse().map_err(|_| "the seed is not a whole number")?;
        if seed >= 1 << 53 {
            return Err("the seed is above 2^53 - 1");
        }
        let (steps, total) = steps.split_once("of").ok_or("expected <steps>of<total>")?;
        let steps: usize = steps
            .parse()
            .map_err(|_| "the steps are not a whole number")?;
        let total: usize = total
            .parse()
            .map_err(|_| "the total is not a whole number")?;
        if steps == 0 || steps > total || total > MAX_LINK_STEPS {
            return Err("the steps must satisfy 1 ≤ steps ≤ total ≤ 5000");
        }
        Ok(TrainedOrigin {
            family,
            steps,
            total,
            task,
            knob,
            seed,
            preset: preset.map(|p| p.id),
        })
    }
}

impl TrainedOrigin {
    /// E.g. "Mamba trained 100 steps on delayed copy (gap k = 4, seed 42), input: one example
    /// of the task", in `lang`.
    pub fn describe(&self, lang: Lang) -> String {
        let family = family_name(self.family, lang);
        let task = task_name(self.task).get(lang).to_lowercase();
        let knob = knob_label(self.task).get(lang);
        let (steps, total, size, seed) = (self.steps, self.total, self.knob, self.seed);
        let of = match (steps < total, lang) {
            (false, _) => String::new(),
            (true, Lang::En) => format!(" of {total}"),
            (true, Lang::Es) => format!(" de {total}"),
        };
        match lang {
            Lang::En => format!(
                "{family} trained {steps}{of} steps on {task} ({knob} = {size}, seed {seed}), input: one example of the task"
            ),
            Lang::Es => format!(
                "{family} entrenado {steps}{of} pasos en {task} ({knob} = {size}, semilla {seed}); entrada: un ejemplo de la tarea"
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

/// Context: the trained model as the link carries it (what produced it), and the progress of
/// retraining it when a link asked for it. The Learn state retrains whenever `origin` names a
/// model other than the one open.
#[derive(Clone, Copy)]
pub struct TrainedLink {
    /// What produced the open (or requested) trained model; the `trained` link key.
    pub origin: RwSignal<Option<TrainedOrigin>>,
    /// Steps retrained so far for a link's `origin` (None: not retraining).
    pub retraining: RwSignal<Option<usize>>,
}

impl Default for TrainedLink {
    fn default() -> Self {
        TrainedLink {
            origin: RwSignal::new(None),
            retraining: RwSignal::new(None),
        }
    }
}

impl TrainedLink {
    /// Opens `model` in every view that shows trained models, and puts it in the link.
    pub fn open(&self, models: TrainedModels, model: TrainedModel) {
        let origin = model.origin;
        models.0.set(Some(model));
        self.origin.set(Some(origin));
    }
}

/// The trained-model context, with the origin a link names (`trained=…` in the address the
/// page was opened with, or a preset) put in it: the Learn state then retrains that model with
/// progress and opens it. A view calls this while it is built, before it mounts
/// [`TrainedBanner`] (whose key then consumes the link's value).
pub fn read_trained_link() -> TrainedLink {
    let link = use_context::<TrainedLink>().unwrap_or_default();
    if let Some(raw) = url_state().and_then(|u| u.initial("trained")) {
        if let Ok(origin) = TrainedOrigin::from_link(&raw) {
            if link.origin.get_untracked() != Some(origin) {
                link.origin.set(Some(origin));
            }
        }
    }
    link
}

/// Mirrors the trained model's origin under the global link key `trained` while it is mounted.
#[component]
fn TrainedLinkKey(link: TrainedLink) -> impl IntoView {
    if let Some(url) = url_state() {
        url.bind(
            "trained",
            true,
            link.origin,
            |o| o.map(|o| o.to_link()).unwrap_or_default(),
            |raw| match TrainedOrigin::from_link(raw) {
                Ok(o) => Parsed::Valid(Some(o)),
                Err(why) => Parsed::Invalid(why.to_string()),
            },
        );
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
    let link = read_trained_link();
    let retraining = move || {
        let done = link.retraining.get()?;
        let origin = link.origin.get()?;
        let lang = lang();
        let family = family_name(origin.family, lang);
        let total = origin.steps;
        Some(view! {
            <p class="trained-banner" data-testid=format!("{prefix}-trained-retraining") role="status">
                {match lang {
                    Lang::En => format!("Retraining {family} as the link says ({}): {done} / {total} steps…", origin.to_link()),
                    Lang::Es => format!("Reentrenando {family} como dice el enlace ({}): {done} / {total} pasos…", origin.to_link()),
                }}
                <progress max=total.to_string() value=done.to_string()></progress>
            </p>
        })
    };
    let banner = move || {
        trained.with(|t| t.as_ref().map(|t| t.origin)).map(|origin| {
            view! {
                <p class="trained-banner" data-testid=format!("{prefix}-trained-banner") role="status">
                    {move || {
                        let lang = lang();
                        let lead = lang.pick("Trained weights", "Pesos entrenados");
                        format!("{lead}: {}. {} ", origin.describe(lang), note.get(lang))
                    }}
                    <button data-testid=format!("{prefix}-trained-clear") on:click=move |_| {
                        trained.set(None);
                        link.origin.set(None);
                        link.retraining.set(None);
                    }>
                        {show(back)}
                    </button>
                </p>
            }
        })
    };
    view! {
        <Show when=move || link.origin.with(Option::is_some)>
            <TrainedLinkKey link=link />
        </Show>
        {retraining}
        {banner}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A trained model's link names what produced it and reads back to the same origin;
    /// malformed or out-of-range links are refused.
    #[test]
    fn trained_link_round_trip() {
        let o = TrainedOrigin {
            family: Family::LinearRnn,
            steps: 291,
            total: 1000,
            task: Task::SelectiveCopy,
            knob: 16,
            seed: 42,
            preset: None,
        };
        assert_eq!(o.to_link(), "linear-rnn.selective-copy.16.42.291of1000");
        assert_eq!(TrainedOrigin::from_link(&o.to_link()), Ok(o));
        // A preset's link carries the preset's own task size (80 noise positions today).
        let knob = crate::core::learn::presets::preset("selective-copying")
            .expect("the preset exists")
            .task
            .knob;
        let link = format!("mamba.selective-copying.{knob}.7.100of2000");
        let p = TrainedOrigin::from_link(&link).unwrap();
        assert_eq!(
            (p.preset, p.task, p.knob),
            (Some("selective-copying"), Task::SelectiveCopy, knob)
        );
        assert_eq!(p.to_link(), link);
        assert!(TrainedOrigin::from_link(&format!(
            "mamba.selective-copying.{}.7.100of2000",
            knob + 1
        ))
        .is_err());
        for bad in [
            "",
            "mamba.selective-copy.16.42",
            "mamba.selective-copy.99.42.10of10",
            "mamba.selective-copy.16.-5.10of10",
            "mamba.selective-copy.16.9007199254740992.10of10",
            "mamba.selective-copy.16.42.11of10",
            "mamba.selective-copy.16.42.0of10",
            "mamba.selective-copy.16.42.10of9999",
            "lstm.selective-copy.16.42.10of10",
        ] {
            assert!(TrainedOrigin::from_link(bad).is_err(), "{bad}");
        }
    }

    /// The banner says how many steps ran, and of how many when opened mid-training.
    #[test]
    fn banner_counts_the_steps_that_ran() {
        let mut o = TrainedOrigin::from_link("mamba.delayed-copy.4.42.291of1000").unwrap();
        assert!(o
            .describe(Lang::En)
            .starts_with("Mamba trained 291 of 1000 steps on delayed copy"));
        assert!(o
            .describe(Lang::Es)
            .starts_with("Mamba entrenado 291 de 1000 pasos en copia con retardo"));
        o.steps = 1000;
        assert!(o
            .describe(Lang::En)
            .starts_with("Mamba trained 1000 steps on"));
    }
}
