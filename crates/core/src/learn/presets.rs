//! The Learn view's presets: task and model sizes chosen (by native experiment, README "Learn")
//! so that a published finding can show, under the same rules for every family.
//!
//! Fair rules, checked by the tests (`learn::tests::presets_*`):
//! - every family of a preset gets the same optimiser (Adam, `train` module), the same number
//!   of steps, the same batch and the same (constant) step size;
//! - their trained parameter counts are within 25 % of each other (largest ≤ 1.25 · smallest);
//! - the state of the time-invariant SSMs (S4D, linear RNN) is at least as large as Mamba's;
//! - at most two blocks ("layers") of a family; the transformer's one block already holds two
//!   attention layers.
//!
//! A preset is plain data: the UI lists [`presets`], and trains family `f` of preset `p` with
//! [`Preset::training`] (the same [`Training`] it runs in slices today).

use super::tasks::{Task, TaskSpec, BATCH, DATA_SYMBOLS, SELECTIVE_MARKED};
use super::train::Training;
use crate::error::CoreResult;
use crate::models::family::{Family, ModelConfig};
use crate::models::{cnn, linear_rnn, mamba, rnn, s4d, transformer};

/// One family's model in a preset.
#[derive(Debug, Clone, PartialEq)]
pub struct Sized {
    pub family: Family,
    pub config: ModelConfig,
    pub d_model: usize,
    /// Blocks stacked (1 or 2).
    pub layers: usize,
}

/// A named experiment: one task, six models, one training recipe.
#[derive(Debug, Clone, PartialEq)]
pub struct Preset {
    /// Named after the finding it reproduces, e.g. "selective-copying".
    pub id: &'static str,
    pub task: TaskSpec,
    /// One model per family, in `Family::ALL` order.
    pub models: [Sized; 6],
    pub steps: usize,
    /// Examples per step (the UI computes a step in parts of `MICRO_BATCH`; must be `BATCH`).
    pub batch: usize,
    /// Adam step size, constant over the run.
    pub lr: f32,
}

impl Preset {
    /// The model of `family`.
    pub fn model(&self, family: Family) -> &Sized {
        // `models` holds every family (checked by a test); fall back to the first.
        self.models
            .iter()
            .find(|m| m.family == family)
            .unwrap_or(&self.models[0])
    }

    /// A fresh training run of `family` on this preset, weights and data from `seed`.
    pub fn training(&self, family: Family, seed: u64) -> CoreResult<Training> {
        let m = self.model(family);
        Training::custom(
            m.config.clone(),
            m.d_model,
            m.layers,
            self.task,
            seed,
            self.steps,
            self.lr,
        )
    }
}

/// Numbers carried from one position to the next by one block of `config` at width `d_model`
/// (real numbers; a complex state counts twice), or None for families without a fixed state
/// (the CNN sees a window, attention the whole prefix).
pub fn state_size(config: &ModelConfig, d_model: usize) -> Option<usize> {
    match config {
        ModelConfig::Cnn(_) | ModelConfig::Transformer(_) => None,
        ModelConfig::Rnn(c) => Some(c.hidden),
        ModelConfig::LinearRnn(c) => Some(2 * c.states),
        ModelConfig::S4d(c) => Some(d_model * c.states),
        ModelConfig::Mamba(c) => Some(c.expand * d_model * c.d_state),
    }
}

impl Sized {
    /// State of the whole stack (every block's state), None without a fixed state.
    pub fn state_size(&self) -> Option<usize> {
        state_size(&self.config, self.d_model).map(|s| s * self.layers)
    }
}

const fn cnn(d_model: usize, layers: usize) -> Sized {
    Sized {
        family: Family::Cnn,
        config: ModelConfig::Cnn(cnn::Config {
            layers: 3,
            kernel: 3,
            dilation: cnn::Dilation::Exponential,
            activation: cnn::Activation::Gelu,
            residual: true,
        }),
        d_model,
        layers,
    }
}

const fn transformer(d_model: usize) -> Sized {
    Sized {
        family: Family::Transformer,
        config: ModelConfig::Transformer(transformer::Config {
            layers: 2,
            heads: 2,
            temperature: 1.0,
        }),
        d_model,
        layers: 1,
    }
}

const fn rnn(d_model: usize, hidden: usize, layers: usize) -> Sized {
    Sized {
        family: Family::Rnn,
        config: ModelConfig::Rnn(rnn::Config {
            hidden,
            spectral_radius: 0.9,
        }),
        d_model,
        layers,
    }
}

const fn linear_rnn(d_model: usize, states: usize, layers: usize) -> Sized {
    Sized {
        family: Family::LinearRnn,
        config: ModelConfig::LinearRnn(linear_rnn::Config {
            states,
            r: 0.9,
            theta: 0.3,
            spread: true,
            residual: true,
            by_scan: false,
        }),
        d_model,
        layers,
    }
}

const fn s4d(d_model: usize, states: usize, layers: usize) -> Sized {
    Sized {
        family: Family::S4d,
        config: ModelConfig::S4d(s4d::Config {
            variant: s4d::Variant::Real,
            states,
            delta: 0.1,
            form: s4d::Form::Recurrence,
        }),
        d_model,
        layers,
    }
}

const fn mamba(d_model: usize, d_state: usize, layers: usize) -> Sized {
    Sized {
        family: Family::Mamba,
        config: ModelConfig::Mamba(mamba::Config {
            expand: 2,
            d_state,
            dt_rank: None,
            d_conv: 4,
            delta_bias_shift: 0.0,
            selectivity: 1.0,
        }),
        d_model,
        layers,
    }
}

/// The two-block line-up, 4.1–4.8 k parameters each on recall, 4.5–5.7 k with the 34 tokens of
/// the copying presets (state per block: Mamba 2·16·2 = 64, the
/// linear RNN 2·32 = 64, S4D 24·28 = 672, the RNN 32).
const LINEUP: [Sized; 6] = [
    cnn(15, 2),
    transformer(12),
    rnn(16, 32, 2),
    linear_rnn(12, 32, 2),
    s4d(24, 28, 2),
    mamba(16, 2, 2),
];

/// Data symbols of the two copying presets (found by experiment, README "what was tried").
/// Selective copying: with 8 symbols the time-invariant models solve 50–75 % of the answers
/// with the count-and-identity features two blocks can build; an answer is one of `symbols`
/// values at one of 4 ranks, so the features they need grow with the alphabet, while Mamba,
/// which keeps only the marked tokens, stores 4 tokens whatever their alphabet. Copying: a
/// string of 32 tokens of 32 symbols is 160 bits, more than a fixed state of 128 numbers
/// holds at the precision these models learn; attention looks each token up.
pub const PRESET_SYMBOLS: usize = 32;

static PRESETS: [Preset; 3] = [
    Preset {
        id: "selective-copying",
        task: TaskSpec {
            task: Task::SelectiveCopy,
            knob: 80,
            marked: SELECTIVE_MARKED,
            symbols: PRESET_SYMBOLS,
        },
        models: LINEUP,
        steps: 2000,
        batch: BATCH,
        lr: 1e-2,
    },
    Preset {
        id: "copying",
        task: TaskSpec {
            task: Task::SelectiveCopy,
            knob: 32,
            marked: 32,
            symbols: PRESET_SYMBOLS,
        },
        models: LINEUP,
        steps: 2000,
        batch: BATCH,
        lr: 1e-2,
    },
    Preset {
        id: "associative-recall",
        task: TaskSpec {
            task: Task::AssociativeRecall,
            knob: 8,
            marked: SELECTIVE_MARKED,
            symbols: DATA_SYMBOLS,
        },
        models: LINEUP,
        steps: 2000,
        batch: BATCH,
        lr: 1e-2,
    },
];

/// Every preset, in the order the view lists them.
pub fn presets() -> &'static [Preset] {
    &PRESETS
}

/// The preset named `id`.
pub fn preset(id: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.id == id)
}
