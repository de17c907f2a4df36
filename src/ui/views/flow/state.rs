//! `FlowState`: every control, the player step, the selected token and every result of the
//! Flow view, owned by the app shell (`views::provide_view_states`), so a tab switch loses
//! nothing and a link is applied to the same signals the widgets show.
//!
//! Memo graph of one pane (`PaneModel`): knobs → config → params → run → diagram (with mode
//! and head); params + x + kind → influence (time-sliced job, stored here, not redone when
//! the view comes back with the same inputs). Memos are lazy: nothing is computed while the
//! view is hidden, except an influence job already under way.

use leptos::prelude::*;
use ndarray::Array2;

use super::model::diagram_of;
use crate::core::flow::{FlowDiagram, FlowMode};
use crate::core::models::family::{Family, ModelConfig, ModelParams, ModelRun};
use crate::core::models::{linear_rnn, rnn};
use crate::ui::i18n::{core_error, lang};
use crate::ui::influence::{self, InfluenceKind, InfluenceState};
use crate::ui::model_controls::ModelKnobs;
use crate::ui::state::{EmbeddingMatrix, Shared, SharedInput};
use crate::ui::trained::{ModelSource, TrainedModel, TrainedModels};
use crate::ui::widgets::heatmap::HeatScale;

/// Everything one pane shows and computes.
#[derive(Clone, Copy)]
pub struct PaneModel {
    pub knobs: ModelKnobs,
    pub mode: RwSignal<FlowMode>,
    /// Attention head drawn on the transformer's edges (`None`: mean of the heads).
    pub head: RwSignal<Option<usize>>,
    pub kind: RwSignal<InfluenceKind>,
    pub scale: RwSignal<HeatScale>,
    /// The transformer's real head count (0 for other families).
    pub heads: Memo<usize>,
    pub params: Memo<Result<Shared<ModelParams>, String>>,
    pub run: Memo<Result<Shared<ModelRun>, String>>,
    pub diagram: Memo<Option<Shared<FlowDiagram>>>,
    /// Per-position strength of the selected token in the state row (RNN, linear RNN).
    pub state_influence: Memo<Option<Shared<Array2<f32>>>>,
    pub influence: RwSignal<InfluenceState>,
    /// Token labels of the input (the sentence, or a trained model's task example).
    pub labels: Memo<Vec<String>>,
    /// Whether the pane shows a model trained in the Learn view.
    pub is_trained: Memo<bool>,
}

/// The inputs an influence matrix was computed from (to skip recomputing it).
type InfluenceKey = (Shared<ModelParams>, EmbeddingMatrix, InfluenceKind);

impl PaneModel {
    /// A pane showing `family`; computes its influence while `active`.
    pub fn new(
        family: Family,
        input: SharedInput,
        active: Signal<bool>,
        trained: Option<RwSignal<Option<TrainedModel>>>,
    ) -> Self {
        let knobs = ModelKnobs::new(family);
        // Learn view hook: a trained model replaces the random weights and the sentence.
        let source = ModelSource::new(input, trained);
        let (x_source, labels) = (source.x, source.labels);
        let is_trained = Memo::new(move |_| source.is_trained());
        Effect::new(move |_| {
            if let Some(t) = source.trained.get() {
                knobs.family.set(t.params.family());
            }
        });
        let mode = RwSignal::new(FlowMode::Sequential);
        let head = RwSignal::new(None);
        let kind = RwSignal::new(InfluenceKind::Full);
        let scale = RwSignal::new(HeatScale::OffDiagonal);
        let config = Memo::new(move |_| knobs.config(input.d_model.get()));
        let params = source.params(move || {
            let (d_model, seed) = (input.d_model.get(), input.seed.get());
            config
                .with(|c| c.init(d_model, seed))
                .map(Shared::new)
                .map_err(|e| core_error(&e))
        });
        let heads = Memo::new(move |_| match params.get() {
            Ok(p) => match &*p {
                ModelParams::Transformer(t) => t.config.heads,
                _ => 0,
            },
            Err(_) => config.with(|c| match c {
                ModelConfig::Transformer(t) => t.heads,
                _ => 0,
            }),
        });
        // Only real heads: a head beyond the count (a link, fewer heads now) falls back to
        // the mean, and the menu shows it.
        Effect::new(move |_| {
            let n = heads.get();
            if n > 0 && head.get_untracked().is_some_and(|h| h >= n) {
                head.set(None);
            }
        });
        let run = Memo::new(move |_| {
            let params = params.get()?;
            x_source.with(|x| {
                if x.0.nrows() == 0 {
                    return Err(lang()
                        .pick(
                            "Type a sentence to run the model.",
                            "Escribe una frase para ejecutar el modelo.",
                        )
                        .to_string());
                }
                params
                    .run(x.0.view())
                    .map(Shared::new)
                    .map_err(|e| core_error(&e))
            })
        });
        let diagram = Memo::new(move |_| {
            let run = run.get().ok()?;
            let params = params.get().ok()?;
            let head = head.get().filter(|&h| h < heads.get());
            Some(Shared::new(diagram_of(&run, &params, mode.get(), head)))
        });
        let state_influence = Memo::new(move |_| {
            let params = params.get().ok()?;
            x_source
                .with(|x| {
                    let x = x.0.view();
                    match &*params {
                        ModelParams::Rnn(p) => rnn::state_influence(p, x).ok(),
                        ModelParams::LinearRnn(p) => linear_rnn::state_influence(p, x).ok(),
                        _ => None,
                    }
                })
                .map(Shared::new)
        });
        let influence = RwSignal::new(InfluenceState::default());
        let generation = StoredValue::new(0u64);
        let computed_for = StoredValue::new(None::<InfluenceKey>);
        Effect::new(move |_| {
            let kind = kind.get();
            if !active.get() {
                return; // a hidden pane or view starts nothing (a job under way goes on)
            }
            let Ok(params) = params.get() else {
                computed_for.set_value(None);
                influence.set(InfluenceState::default());
                return;
            };
            let x = x_source.get();
            if x.0.nrows() == 0 {
                computed_for.set_value(None);
                influence.set(InfluenceState::default());
                return;
            }
            let key = (params.clone(), x.clone(), kind);
            if computed_for.with_value(|k| k.as_ref() == Some(&key)) {
                return; // this matrix is already here (or being filled in)
            }
            computed_for.set_value(Some(key));
            influence::start(params, Shared::new(x.0), kind, influence, generation);
        });
        PaneModel {
            knobs,
            mode,
            head,
            kind,
            scale,
            heads,
            params,
            run,
            diagram,
            state_influence,
            influence,
            labels,
            is_trained,
        }
    }

    /// What one step of the diagram is and the same computation's depth in the Cost view's
    /// convention (`None` without a diagram).
    pub fn depth(&self) -> Option<(crate::core::flow::StepUnit, u64)> {
        let len = self.diagram.with(|d| d.as_ref().map(|d| d.len))?;
        let mode = self.mode.get();
        self.params.with(|p| {
            p.as_ref()
                .ok()
                .map(|p| super::model::depth_of(p, len, mode))
        })
    }

    /// Sequential steps of the current diagram.
    pub fn total_steps(&self) -> usize {
        self.diagram
            .with(|d| d.as_ref().map_or(0, |d| d.steps.len()))
    }
}

/// The Flow view's state: both panes, the shared step and selection.
#[derive(Clone, Copy)]
pub struct FlowState {
    /// The left (or only) pane.
    pub a: PaneModel,
    /// The right pane, shown when `compare`.
    pub b: PaneModel,
    pub compare: RwSignal<bool>,
    /// The player's step (0 = only the tokens).
    pub step: RwSignal<usize>,
    /// Whether the player is playing (edges and states animate).
    pub playing: RwSignal<bool>,
    /// The followed token.
    pub selected: RwSignal<usize>,
    /// Whether the Flow view is on screen (panes start influence jobs only then).
    pub visible: RwSignal<bool>,
}

impl FlowState {
    /// The defaults: a CNN, and a transformer for comparison; needs `SharedInput` (and
    /// `TrainedModels`, if any) in context.
    pub fn new() -> Self {
        let input = expect_context::<SharedInput>();
        let trained = use_context::<TrainedModels>().map(|t| t.0);
        let visible = RwSignal::new(false);
        let compare = RwSignal::new(false);
        let a_active = Signal::derive(move || visible.get());
        let b_active = Signal::derive(move || visible.get() && compare.get());
        FlowState {
            a: PaneModel::new(Family::Cnn, input, a_active, trained),
            b: PaneModel::new(Family::Transformer, input, b_active, None),
            compare,
            step: RwSignal::new(0),
            playing: RwSignal::new(false),
            selected: RwSignal::new(0),
            visible,
        }
    }

    /// The longest step count of the panes shown.
    pub fn total_steps(&self) -> usize {
        let b = if self.compare.get() {
            self.b.total_steps()
        } else {
            0
        };
        self.a.total_steps().max(b)
    }
}

impl Default for FlowState {
    fn default() -> Self {
        Self::new()
    }
}
