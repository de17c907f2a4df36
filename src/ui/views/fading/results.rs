//! The Fading view's computations, kept in [`super::state::FadingState`]: one influence job per
//! family, the selectivity demo's two jobs and the vanishing demo. Influence matrices are
//! computed in slices after the next frame (`ui::influence`, as in the Flow view), so a slider
//! never blocks a frame; until a new matrix is complete the charts keep the last one.
//!
//! A job remembers the inputs it was started with: when the view comes back (its effects run
//! again) with the same inputs, nothing is recomputed.

use leptos::prelude::*;
use ndarray::{Array1, Array2, ArrayView2};

use crate::core::fading::{
    linear_rnn_closed_form, mamba_influence_with_delta_columns, row_curve, s4d_closed_form,
    selective_delta, MarkRole,
};
use crate::core::models::family::{Family, ModelConfig, ModelParams};
use crate::core::models::{cnn, linear_rnn, mamba, rnn, s4d, transformer};
use crate::ui::i18n::core_error;
use crate::ui::influence::{self, InfluenceKind, InfluenceState};
use crate::ui::state::{Shared, SharedInput};

/// Every family's configuration, from the sliders.
#[derive(Clone, PartialEq)]
pub struct Configs {
    pub cnn: cnn::Config,
    pub transformer: transformer::Config,
    pub rnn: rnn::Config,
    pub linear: linear_rnn::Config,
    pub s4d: s4d::Config,
    pub mamba: mamba::Config,
}

/// Spectral radii of the vanishing/exploding demo.
pub const RADII: [f32; 3] = [0.5, 1.0, 1.5];

/// One family's computation on the whole sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelResult {
    /// I[i, j] = ‖∂y_i/∂x_j‖_F, `[L, L]`.
    pub influence: Array2<f32>,
    /// Closed form by distance k = 0..L (empty when the family has none as a curve).
    pub closed: Vec<f32>,
    /// Linear RNN only: ‖∂h_i/∂x_j‖ by distance (the matrix is Toeplitz).
    pub state_by_lag: Vec<f32>,
}

pub type Outcome = Result<ModelResult, String>;

/// Row i of one family, by distance.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub measured: Vec<f32>,
    pub closed: Vec<f32>,
    pub state: Vec<f32>,
}

/// A family's result from its weights and its finished influence matrix `[L, L]`: the closed
/// forms and state curve are cheap, so they are computed here, on the same input.
fn family_result(params: &ModelParams, influence: Array2<f32>, x: ArrayView2<f32>) -> Outcome {
    let len = x.nrows();
    let err = |e: crate::core::error::CoreError| core_error(&e);
    let (closed, state_by_lag) = match params {
        ModelParams::LinearRnn(p) => {
            let state = linear_rnn::state_influence(p, x).map_err(err)?;
            (
                linear_rnn_closed_form(p, len),
                row_curve(state.view(), len.saturating_sub(1)),
            )
        }
        ModelParams::S4d(p) => (s4d_closed_form(p, len), Vec::new()),
        _ => (Vec::new(), Vec::new()),
    };
    Ok(ModelResult {
        influence,
        closed,
        state_by_lag,
    })
}

/// An influence matrix computed in slices, with the key (inputs) it was last started for.
pub struct Job<K: Send + Sync + 'static> {
    pub out: RwSignal<InfluenceState>,
    generation: StoredValue<u64>,
    started: StoredValue<Option<K>>,
}

impl<K: Send + Sync + 'static> Clone for Job<K> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<K: Send + Sync + 'static> Copy for Job<K> {}

impl<K: PartialEq + Send + Sync + 'static> Job<K> {
    fn new() -> Self {
        Job {
            out: RwSignal::new(InfluenceState::default()),
            generation: StoredValue::new(0),
            started: StoredValue::new(None),
        }
    }

    /// Runs `start` (which starts the job writing into `out`) unless the last job was started
    /// with the same `key`; returns whether it ran.
    fn ensure(
        &self,
        key: K,
        start: impl FnOnce(RwSignal<InfluenceState>, StoredValue<u64>),
    ) -> bool {
        if self.started.with_value(|k| k.as_ref() == Some(&key)) {
            return false;
        }
        self.started.set_value(Some(key));
        start(self.out, self.generation);
        true
    }

    /// Shows `state` at once (an error, or nothing for an empty sentence), cancelling any job.
    fn settle(&self, state: InfluenceState) {
        self.started.set_value(None);
        self.generation.update_value(|g| *g = g.wrapping_add(1));
        self.out.set(state);
    }

    /// The finished matrix, or (while a new one is on its way) the last one if it still fits
    /// the sentence.
    fn matrix(&self, len: Memo<usize>) -> Memo<Option<Result<Array2<f32>, String>>> {
        let out = self.out;
        Memo::new(
            move |previous: Option<&Option<Result<Array2<f32>, String>>>| {
                out.with(InfluenceState::matrix).or_else(|| {
                    let len = len.get_untracked();
                    previous
                        .cloned()
                        .flatten()
                        .filter(|r| r.as_ref().map_or(true, |m| m.nrows() == len))
                })
            },
        )
    }
}

type FamilyKey = (Shared<ModelParams>, Array2<f32>);

/// One family: its weights, its influence job and its result.
#[derive(Clone, Copy)]
pub struct FamilyJob {
    pub family: Family,
    input: SharedInput,
    pub params: Memo<Result<Shared<ModelParams>, String>>,
    pub influence: RwSignal<InfluenceState>,
    job: Job<FamilyKey>,
    pub result: Memo<Option<Outcome>>,
}

impl FamilyJob {
    pub fn new(
        family: Family,
        input: SharedInput,
        configs: Memo<Configs>,
        len: Memo<usize>,
    ) -> Self {
        let cfg = Memo::new(move |_| {
            configs.with(|c| match family {
                Family::Cnn => ModelConfig::Cnn(c.cnn.clone()),
                Family::Transformer => ModelConfig::Transformer(c.transformer.clone()),
                Family::Rnn => ModelConfig::Rnn(c.rnn.clone()),
                Family::LinearRnn => ModelConfig::LinearRnn(c.linear.clone()),
                Family::S4d => ModelConfig::S4d(c.s4d.clone()),
                Family::Mamba => ModelConfig::Mamba(c.mamba.clone()),
            })
        });
        // The weights are drawn again only when their inputs change in value (another view
        // may set the shared width or seed to the value it already has).
        let inputs = Memo::new(move |_| (cfg.get(), input.d_model.get(), input.seed.get()));
        let params = Memo::new(move |_| {
            inputs
                .with(|(c, d, seed)| c.init(*d, *seed))
                .map(Shared::new)
                .map_err(|e| core_error(&e))
        });
        let job = Job::new();
        let matrix = job.matrix(len);
        let result = Memo::new(move |_| {
            let params = match params.get() {
                Ok(p) => p,
                Err(e) => return Some(Err(e)),
            };
            let m = matrix.get()?;
            Some(m.and_then(|m| {
                input
                    .embeddings
                    .with(|e| family_result(&params, m, e.0.view()))
            }))
        });
        FamilyJob {
            family,
            input,
            params,
            influence: job.out,
            job,
            result,
        }
    }

    /// Starts the influence job if its inputs changed (call inside an effect); returns
    /// whether a job started.
    pub fn ensure(&self) -> bool {
        let Ok(params) = self.params.get() else {
            return false;
        };
        let x = self.input.embeddings.with(|e| e.0.clone());
        if x.nrows() == 0 {
            self.job.settle(InfluenceState::default());
            return false;
        }
        self.job
            .ensure((params.clone(), x.clone()), |out, generation| {
                influence::start(params, Shared::new(x), InfluenceKind::Full, out, generation);
            })
    }
}

/// Row i of every family whose matrix is in.
pub fn rows(
    families: [FamilyJob; 6],
    selected: Memo<usize>,
) -> Memo<Vec<(Family, Result<Row, String>)>> {
    Memo::new(move |_| {
        let i = selected.get();
        families
            .iter()
            .filter_map(|job| {
                let row = job.result.with(|res| {
                    res.as_ref().map(|res| {
                        res.as_ref()
                            .map(|m| Row {
                                measured: row_curve(m.influence.view(), i),
                                closed: m.closed.iter().take(i + 1).copied().collect(),
                                state: m.state_by_lag.iter().take(i + 1).copied().collect(),
                            })
                            .map_err(Clone::clone)
                    })
                });
                row.map(|row| (job.family, row))
            })
            .collect()
    })
}

type MambaKey = (Shared<mamba::Params>, Array2<f32>, Vec<f32>);
type S4dKey = (Shared<ModelParams>, Array2<f32>);

/// The selectivity demo: Mamba run with the displayed Δ rule, against S4D with Δ = Δ₀ for
/// every token.
#[derive(Clone, Copy)]
pub struct DemoJob {
    input: SharedInput,
    /// `marked[t]` for every token of the sentence.
    pub marked: Memo<Vec<bool>>,
    /// Δ_t by the rule.
    pub delta: Memo<Vec<f32>>,
    mamba_params: Memo<Result<Shared<mamba::Params>, String>>,
    s4d_params: Memo<Result<Shared<ModelParams>, String>>,
    mamba_job: Job<MambaKey>,
    s4d_job: Job<S4dKey>,
    pub mamba: Memo<Option<Result<Array2<f32>, String>>>,
    pub s4d: Memo<Option<Result<Array2<f32>, String>>>,
}

impl DemoJob {
    pub fn new(
        input: SharedInput,
        configs: Memo<Configs>,
        len: Memo<usize>,
        marks: RwSignal<std::collections::BTreeSet<usize>>,
        delta0: RwSignal<f64>,
        strength: RwSignal<f64>,
        role: RwSignal<MarkRole>,
    ) -> Self {
        let marked = Memo::new(move |_| {
            let l = len.get();
            marks.with(|m| (0..l).map(|t| m.contains(&t)).collect::<Vec<bool>>())
        });
        let delta = Memo::new(move |_| {
            marked.with(|m| {
                selective_delta(m, delta0.get() as f32, strength.get() as f32, role.get())
            })
        });
        // Δ is overridden in the demo, so the Δ bias and selectivity sliders do not rerun it.
        // As for the families: weights drawn again only when their inputs change in value.
        let mamba_inputs = Memo::new(move |_| {
            let cfg = configs.with(|c| mamba::Config {
                delta_bias_shift: 0.0,
                selectivity: 1.0,
                ..c.mamba.clone()
            });
            (cfg, input.d_model.get(), input.seed.get())
        });
        let mamba_params = Memo::new(move |_| {
            mamba_inputs
                .with(|(cfg, d, seed)| mamba::Params::init(cfg, *d, *seed))
                .map(Shared::new)
                .map_err(|e| core_error(&e))
        });
        let s4d_inputs = Memo::new(move |_| {
            let delta = crate::ui::knobs::s4d::DELTA.clamp(delta0.get()) as f32;
            let cfg = configs.with(|c| s4d::Config {
                delta,
                ..c.s4d.clone()
            });
            (cfg, input.d_model.get(), input.seed.get())
        });
        let s4d_params = Memo::new(move |_| {
            s4d_inputs
                .with(|(cfg, d, seed)| ModelConfig::S4d(cfg.clone()).init(*d, *seed))
                .map(Shared::new)
                .map_err(|e| core_error(&e))
        });
        let (mamba_job, s4d_job) = (Job::new(), Job::new());
        DemoJob {
            input,
            marked,
            delta,
            mamba_params,
            s4d_params,
            mamba: mamba_job.matrix(len),
            s4d: s4d_job.matrix(len),
            mamba_job,
            s4d_job,
        }
    }

    /// Starts the demo's jobs whose inputs changed (call inside an effect); returns how many
    /// started.
    pub fn ensure(&self) -> u32 {
        let x = self.input.embeddings.with(|e| e.0.clone());
        let mut started = 0;
        match self.mamba_params.get() {
            Err(e) => self.mamba_job.settle(InfluenceState {
                error: Some(e),
                ..Default::default()
            }),
            Ok(params) => {
                let delta = self.delta.get();
                let key = (params.clone(), x.clone(), delta.clone());
                let x = x.clone();
                started += u32::from(self.mamba_job.ensure(key, move |out, generation| {
                    let len = x.nrows();
                    let delta = Array1::from(delta);
                    let columns: influence::Columns = Box::new(move |range| {
                        mamba_influence_with_delta_columns(&params, x.view(), delta.view(), range)
                    });
                    influence::start_columns(len, columns, out, generation);
                }));
            }
        }
        match self.s4d_params.get() {
            Err(e) => self.s4d_job.settle(InfluenceState {
                error: Some(e),
                ..Default::default()
            }),
            Ok(params) => {
                let key = (params.clone(), x.clone());
                started += u32::from(self.s4d_job.ensure(key, move |out, generation| {
                    influence::start(params, Shared::new(x), InfluenceKind::Full, out, generation);
                }));
            }
        }
        started
    }
}

/// The vanishing demo's result: per radius (ρ, σ_max(W), influence matrix).
pub type VanishResult = Result<Vec<(f32, f32, Array2<f32>)>, String>;

/// The same RNN weights rescaled to each of [`RADII`], on the shared sentence.
pub fn vanish(input: SharedInput) -> Memo<VanishResult> {
    // Computed again only when the width or seed change in value.
    let inputs = Memo::new(move |_| (input.d_model.get(), input.seed.get()));
    Memo::new(move |_| {
        let (d, seed) = inputs.get();
        input.embeddings.with(|e| {
            RADII
                .iter()
                .map(|&rho| {
                    let cfg = rnn::Config {
                        spectral_radius: rho,
                        ..Default::default()
                    };
                    rnn::Params::init(&cfg, d, seed)
                        .and_then(|p| {
                            let sigma = crate::core::fading::largest_singular_value(p.w.view());
                            rnn::influence(&p, e.0.view()).map(|m| (rho, sigma, m))
                        })
                        .map_err(|e| core_error(&e))
                })
                .collect()
        })
    })
}
