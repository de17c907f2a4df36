//! One handle over the six families, so views and benchmarks can treat them alike.

use std::ops::Range;

use ndarray::{Array2, ArrayView2};

use super::{cnn, linear_rnn, mamba, rnn, s4d, transformer, Cost};
use crate::error::{CoreError, CoreResult, Mismatch};

/// A model family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Family {
    Cnn,
    Transformer,
    Rnn,
    LinearRnn,
    S4d,
    Mamba,
}

impl Family {
    /// Every family, in the order the app lists them.
    pub const ALL: [Family; 6] = [
        Family::Cnn,
        Family::Transformer,
        Family::Rnn,
        Family::LinearRnn,
        Family::S4d,
        Family::Mamba,
    ];

    /// Short id used in test ids and URLs.
    pub fn id(self) -> &'static str {
        match self {
            Family::Cnn => "cnn",
            Family::Transformer => "transformer",
            Family::Rnn => "rnn",
            Family::LinearRnn => "linear-rnn",
            Family::S4d => "s4d",
            Family::Mamba => "mamba",
        }
    }

    /// Name shown to people.
    pub fn name(self) -> &'static str {
        match self {
            Family::Cnn => "CNN",
            Family::Transformer => "Transformer",
            Family::Rnn => "RNN",
            Family::LinearRnn => "Linear RNN",
            Family::S4d => "S4D",
            Family::Mamba => "Mamba",
        }
    }

    /// The family with this id.
    pub fn from_id(id: &str) -> Option<Family> {
        Family::ALL.into_iter().find(|f| f.id() == id)
    }

    /// Whether the family is a linear recurrence, computable by a parallel scan.
    pub fn is_linear_recurrence(self) -> bool {
        matches!(self, Family::LinearRnn | Family::S4d | Family::Mamba)
    }
}

/// The hyper-parameters of one model of any family.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelConfig {
    Cnn(cnn::Config),
    Transformer(transformer::Config),
    Rnn(rnn::Config),
    LinearRnn(linear_rnn::Config),
    S4d(s4d::Config),
    Mamba(mamba::Config),
}

/// The weights of one model of any family.
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)] // one value per model shown, never in bulk
pub enum ModelParams {
    Cnn(cnn::Params),
    Transformer(transformer::Params),
    Rnn(rnn::Params),
    LinearRnn(linear_rnn::Params),
    S4d(s4d::Params),
    Mamba(mamba::Params),
}

/// Calls `$body` with `$m` bound to the family module and `$v` to the variant's payload.
macro_rules! each_family {
    ($value:expr, $kind:ident, |$m:ident, $v:ident| $body:expr) => {
        match $value {
            $kind::Cnn($v) => {
                use cnn as $m;
                $body
            }
            $kind::Transformer($v) => {
                use transformer as $m;
                $body
            }
            $kind::Rnn($v) => {
                use rnn as $m;
                $body
            }
            $kind::LinearRnn($v) => {
                use linear_rnn as $m;
                $body
            }
            $kind::S4d($v) => {
                use s4d as $m;
                $body
            }
            $kind::Mamba($v) => {
                use mamba as $m;
                $body
            }
        }
    };
}

impl ModelConfig {
    /// The app's default configuration of `family`.
    pub fn default_for(family: Family) -> ModelConfig {
        match family {
            Family::Cnn => ModelConfig::Cnn(Default::default()),
            Family::Transformer => ModelConfig::Transformer(Default::default()),
            Family::Rnn => ModelConfig::Rnn(Default::default()),
            Family::LinearRnn => ModelConfig::LinearRnn(Default::default()),
            Family::S4d => ModelConfig::S4d(Default::default()),
            Family::Mamba => ModelConfig::Mamba(Default::default()),
        }
    }

    /// The family of this configuration.
    pub fn family(&self) -> Family {
        match self {
            ModelConfig::Cnn(_) => Family::Cnn,
            ModelConfig::Transformer(_) => Family::Transformer,
            ModelConfig::Rnn(_) => Family::Rnn,
            ModelConfig::LinearRnn(_) => Family::LinearRnn,
            ModelConfig::S4d(_) => Family::S4d,
            ModelConfig::Mamba(_) => Family::Mamba,
        }
    }

    /// Range checks of the configuration for this width.
    pub fn validate(&self, d_model: usize) -> CoreResult<()> {
        match self {
            ModelConfig::Cnn(c) => c.validate(d_model),
            ModelConfig::Transformer(c) => c.validate(d_model),
            ModelConfig::Rnn(c) => c.validate(d_model),
            ModelConfig::LinearRnn(c) => c.validate(d_model),
            ModelConfig::S4d(c) => c.validate(d_model),
            ModelConfig::Mamba(c) => c.validate(d_model),
        }
    }

    /// Counted cost of a forward pass over `len` tokens.
    pub fn cost(&self, d_model: usize, len: usize) -> Cost {
        each_family!(self, ModelConfig, |m, c| m::cost(c, d_model, len))
    }

    /// Draws the weights from `seed`.
    pub fn init(&self, d_model: usize, seed: u64) -> CoreResult<ModelParams> {
        Ok(match self {
            ModelConfig::Cnn(c) => ModelParams::Cnn(cnn::Params::init(c, d_model, seed)?),
            ModelConfig::Transformer(c) => {
                ModelParams::Transformer(transformer::Params::init(c, d_model, seed)?)
            }
            ModelConfig::Rnn(c) => ModelParams::Rnn(rnn::Params::init(c, d_model, seed)?),
            ModelConfig::LinearRnn(c) => {
                ModelParams::LinearRnn(linear_rnn::Params::init(c, d_model, seed)?)
            }
            ModelConfig::S4d(c) => ModelParams::S4d(s4d::Params::init(c, d_model, seed)?),
            ModelConfig::Mamba(c) => ModelParams::Mamba(mamba::Params::init(c, d_model, seed)?),
        })
    }
}

impl ModelParams {
    /// Trace-free forward pass `[L, d_model] -> [L, d_model]`.
    pub fn forward(&self, x: ArrayView2<f32>) -> CoreResult<Array2<f32>> {
        each_family!(self, ModelParams, |m, p| m::forward(p, x))
    }

    /// Exact influence columns `inputs` of I[i, j] = ‖∂y_i/∂x_j‖_F: `[L, inputs.len()]`.
    pub fn influence_columns(
        &self,
        x: ArrayView2<f32>,
        inputs: Range<usize>,
    ) -> CoreResult<Array2<f32>> {
        each_family!(self, ModelParams, |m, p| m::influence_columns(p, x, inputs))
    }

    /// What every column of the influence on `x` shares, computed once: the forward pass and
    /// layer Jacobians for attention, the forward values and derivative factors for Mamba;
    /// nothing for the other families, whose columns need only a cheap forward pass.
    pub fn influence_plan(&self, x: ArrayView2<f32>) -> CoreResult<InfluencePlan> {
        Ok(match self {
            ModelParams::Transformer(p) => {
                InfluencePlan::Transformer(transformer::InfluencePlan::new(p, x)?)
            }
            ModelParams::Mamba(p) => InfluencePlan::Mamba(mamba::InfluencePlan::new(p, x)?),
            _ => InfluencePlan::None,
        })
    }

    /// Influence columns `inputs` (as [`Self::influence_columns`]) read from `plan`, which must
    /// come from [`Self::influence_plan`] with these weights and this `x`. Errors: as
    /// `influence_columns`, or a plan of another family or shape.
    pub fn planned_influence_columns(
        &self,
        plan: &InfluencePlan,
        x: ArrayView2<f32>,
        inputs: Range<usize>,
    ) -> CoreResult<Array2<f32>> {
        match (self, plan) {
            (ModelParams::Transformer(p), InfluencePlan::Transformer(plan)) => {
                plan.columns(p, x, inputs)
            }
            (ModelParams::Mamba(p), InfluencePlan::Mamba(plan)) => plan.columns(p, x, inputs),
            (ModelParams::Transformer(_) | ModelParams::Mamba(_), _) => {
                Err(CoreError::Mismatch(Mismatch::InfluencePlan))
            }
            (_, _) => self.influence_columns(x, inputs),
        }
    }

    /// The whole influence matrix `[L, L]`.
    pub fn influence(&self, x: ArrayView2<f32>) -> CoreResult<Array2<f32>> {
        each_family!(self, ModelParams, |m, p| m::influence(p, x))
    }

    /// The family of these weights.
    pub fn family(&self) -> Family {
        match self {
            ModelParams::Cnn(_) => Family::Cnn,
            ModelParams::Transformer(_) => Family::Transformer,
            ModelParams::Rnn(_) => Family::Rnn,
            ModelParams::LinearRnn(_) => Family::LinearRnn,
            ModelParams::S4d(_) => Family::S4d,
            ModelParams::Mamba(_) => Family::Mamba,
        }
    }
}

/// See [`ModelParams::influence_plan`].
#[allow(clippy::large_enum_variant)] // one plan per influence job
pub enum InfluencePlan {
    Transformer(transformer::InfluencePlan),
    Mamba(mamba::InfluencePlan),
    /// The family's columns are computed directly.
    None,
}

/// A forward pass with its step trace, of any family.
#[derive(Debug, Clone)]
#[allow(clippy::large_enum_variant)] // one value per model shown, never in bulk
pub enum ModelRun {
    Cnn(cnn::Run),
    Transformer(transformer::Run),
    Rnn(rnn::Run),
    LinearRnn(linear_rnn::Run),
    S4d(s4d::Run),
    Mamba(mamba::Run),
}

impl ModelParams {
    /// Forward pass with the trace the Flow view animates.
    pub fn run(&self, x: ArrayView2<f32>) -> CoreResult<ModelRun> {
        Ok(match self {
            ModelParams::Cnn(p) => ModelRun::Cnn(cnn::run(p, x)?),
            ModelParams::Transformer(p) => ModelRun::Transformer(transformer::run(p, x)?),
            ModelParams::Rnn(p) => ModelRun::Rnn(rnn::run(p, x)?),
            ModelParams::LinearRnn(p) => ModelRun::LinearRnn(linear_rnn::run(p, x)?),
            ModelParams::S4d(p) => ModelRun::S4d(s4d::run(p, x)?),
            ModelParams::Mamba(p) => ModelRun::Mamba(mamba::run(p, x)?),
        })
    }
}

impl ModelRun {
    /// The outputs `[L, d_model]`.
    pub fn outputs(&self) -> &Array2<f32> {
        match self {
            ModelRun::Cnn(r) => &r.y,
            ModelRun::Transformer(r) => &r.y,
            ModelRun::Rnn(r) => &r.y,
            ModelRun::LinearRnn(r) => &r.y,
            ModelRun::S4d(r) => &r.y,
            ModelRun::Mamba(r) => &r.y,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{rng_for, uniform_vector};

    /// A plan serves column ranges in any order and gives the family's own influence matrix;
    /// a plan of another family is refused.
    #[test]
    fn planned_columns_assemble_the_influence_of_every_family() {
        let (len, d) = (7, 4);
        let x = uniform_vector(&mut rng_for(5, "x"), len * d, -1.0, 1.0)
            .into_shape_with_order((len, d))
            .unwrap();
        let mut plans = Vec::new();
        for family in Family::ALL {
            let params = ModelConfig::default_for(family).init(d, 3).unwrap();
            let whole = params.influence(x.view()).unwrap();
            let plan = params.influence_plan(x.view()).unwrap();
            let mut pieces = Array2::<f32>::zeros((len, len));
            for range in [4..7, 0..2, 2..4] {
                let cols = params
                    .planned_influence_columns(&plan, x.view(), range.clone())
                    .unwrap();
                for (k, j) in range.enumerate() {
                    pieces.column_mut(j).assign(&cols.column(k));
                }
            }
            for ((i, j), &want) in whole.indexed_iter() {
                let got = pieces[[i, j]];
                assert!(
                    (got - want).abs() <= 1e-5 * (1.0 + want.abs()),
                    "{family:?} I[{i},{j}] {got} vs {want}"
                );
            }
            plans.push((params, plan));
        }
        let transformer = &plans[1];
        let mamba = &plans[5];
        assert!(mamba
            .0
            .planned_influence_columns(&transformer.1, x.view(), 0..1)
            .is_err());
        assert!(transformer
            .0
            .planned_influence_columns(&mamba.1, x.view(), 0..1)
            .is_err());
    }
}
