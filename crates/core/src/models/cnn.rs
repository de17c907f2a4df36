//! Causal dilated 1-D convolution stack, as in WaveNet (van den Oord et al. 2016,
//! "WaveNet: A Generative Model for Raw Audio", §2.1 causal and dilated convolutions).
//!
//! Layer ℓ (0-based) with kernel size k and dilation dil_ℓ computes, in the cross-correlation
//! convention with left zero padding (positions before 0 read as zero):
//!
//! ```text
//! z_ℓ[t] = Σ_{m=0..k−1} W_{ℓ,m} · h_ℓ[t − m·dil_ℓ] + b_ℓ          (conv)
//! h_{ℓ+1} = h_ℓ + act(z_ℓ)    with residual,   h_{ℓ+1} = act(z_ℓ)    without
//! ```
//!
//! with h_0 = x and y = h_layers. dil_ℓ = 1 ([`Dilation::Fixed`]) or 2^ℓ
//! ([`Dilation::Exponential`]). Output t depends only on inputs t − RF + 1 ..= t, where the
//! receptive field is RF = 1 + Σ_ℓ (k − 1)·dil_ℓ ([`receptive_field`]).
//!
//! GELU is the tanh approximation (Hendrycks & Gimpel 2016, eq. in §2, as used by GPT-2):
//! gelu(x) = ½x(1 + tanh(√(2/π)(x + 0.044715x³))); its derivative is taken of that formula.
//!
//! The influence `I[i, j] = ‖∂y_i/∂x_j‖_F` is exact forward-mode differentiation: the d
//! tangents seeded at position j are propagated as one `[positions·d, d]` matrix through the
//! band j ..= j + RF − 1 only, so entries outside the band are exactly 0. Inside the band an
//! entry can also be exactly 0 with ReLU (every path through a unit whose pre-activation is
//! negative has derivative 0); that is the true derivative, not an error.

use std::ops::Range;

use ndarray::linalg::general_mat_mul;
use ndarray::{s, Array1, Array2, Array3, ArrayView2, Axis};

use super::Cost;
use crate::error::{check_columns, check_range, check_sequence, CoreError, CoreResult, Mismatch};
use crate::rng::{rng_for, uniform_vector};

/// Point-wise non-linearity applied after each convolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Activation {
    /// max(0, x); derivative 0 for x ≤ 0 and 1 for x > 0.
    Relu,
    /// GELU, tanh approximation (see the module doc).
    Gelu,
    /// SiLU / swish: x·σ(x).
    Silu,
}

/// √(2/π), the constant of the tanh approximation of GELU.
const SQRT_2_OVER_PI: f32 = 0.797_884_6;
/// The cubic coefficient of the tanh approximation of GELU.
const GELU_CUBIC: f32 = 0.044_715;

impl Activation {
    /// act(x).
    pub fn value(self, x: f32) -> f32 {
        match self {
            Activation::Relu => x.max(0.0),
            Activation::Gelu => {
                let inner = SQRT_2_OVER_PI * (x + GELU_CUBIC * x * x * x);
                0.5 * x * (1.0 + inner.tanh())
            }
            Activation::Silu => x * sigmoid(x),
        }
    }

    /// act'(x), the exact derivative of [`Activation::value`] (ReLU: 0 at x = 0).
    pub fn derivative(self, x: f32) -> f32 {
        match self {
            Activation::Relu => {
                if x > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Activation::Gelu => {
                let inner = SQRT_2_OVER_PI * (x + GELU_CUBIC * x * x * x);
                let t = inner.tanh();
                let d_inner = SQRT_2_OVER_PI * (1.0 + 3.0 * GELU_CUBIC * x * x);
                0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * d_inner
            }
            Activation::Silu => {
                let sg = sigmoid(x);
                sg * (1.0 + x * (1.0 - sg))
            }
        }
    }
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// How the dilation grows with depth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dilation {
    /// Dilation 1 in every layer.
    Fixed,
    /// Dilation 2^ℓ in layer ℓ (0-based): 1, 2, 4, …
    Exponential,
}

/// CNN hyper-parameters. Ranges: layers 1–8, kernel 2–9.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Number of convolution layers, 1–8 (default 3).
    pub layers: usize,
    /// Kernel size k, 2–9 (default 3).
    pub kernel: usize,
    /// Dilation schedule (default [`Dilation::Fixed`]).
    pub dilation: Dilation,
    /// Non-linearity (default [`Activation::Gelu`]).
    pub activation: Activation,
    /// h ← h + act(conv(h)) when true (default), h ← act(conv(h)) otherwise.
    pub residual: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            layers: 3,
            kernel: 3,
            dilation: Dilation::Fixed,
            activation: Activation::Gelu,
            residual: true,
        }
    }
}

impl Config {
    /// Checks layers ∈ 1..=8, kernel ∈ 2..=9 and d_model ∈ 1..=32 (1 is allowed for
    /// hand-worked examples; the app offers 2–32).
    pub fn validate(&self, d_model: usize) -> CoreResult<()> {
        check_range("layers", self.layers as f64, 1.0, 8.0)?;
        check_range("kernel", self.kernel as f64, 2.0, 9.0)?;
        check_range("d_model", d_model as f64, 1.0, 32.0)
    }

    /// Dilation of layer ℓ (0-based).
    pub fn dilation_of(&self, layer: usize) -> usize {
        match self.dilation {
            Dilation::Fixed => 1,
            Dilation::Exponential => 1usize.checked_shl(layer as u32).unwrap_or(usize::MAX),
        }
    }
}

/// Receptive field after all layers: RF = 1 + Σ_ℓ (k − 1)·dil_ℓ.
pub fn receptive_field(config: &Config) -> usize {
    receptive_fields(config).last().copied().unwrap_or(1)
}

/// Receptive field after each layer: entry ℓ = 1 + Σ_{ℓ' ≤ ℓ} (k − 1)·dil_ℓ'  (`[layers]`).
pub fn receptive_fields(config: &Config) -> Vec<usize> {
    let mut rf: usize = 1;
    (0..config.layers)
        .map(|layer| {
            // Saturating: `cost` may be asked about an invalid config and must not panic.
            rf = rf.saturating_add(
                config
                    .kernel
                    .saturating_sub(1)
                    .saturating_mul(config.dilation_of(layer)),
            );
            rf
        })
        .collect()
}

/// Convolution weights drawn from the seed.
#[derive(Debug, Clone)]
pub struct Params {
    pub config: Config,
    pub d_model: usize,
    /// Per layer `[k, d_in, d_out]`: tap m maps h[t − m·dil] (row vector) to z[t] by `h · W_m`.
    pub weights: Vec<Array3<f32>>,
    /// Per layer `[d_model]`.
    pub biases: Vec<Array1<f32>>,
}

impl Params {
    /// PyTorch's `Conv1d` default initialisation: weights and biases uniform in
    /// ±1/√fan_in with fan_in = d_model·k. Labels `cnn/layer{ℓ}/weight`, `cnn/layer{ℓ}/bias`.
    pub fn init(config: &Config, d_model: usize, seed: u64) -> CoreResult<Params> {
        config.validate(d_model)?;
        let k = config.kernel;
        let bound = 1.0 / ((d_model * k) as f32).sqrt();
        let mut weights = Vec::with_capacity(config.layers);
        let mut biases = Vec::with_capacity(config.layers);
        for layer in 0..config.layers {
            let mut rng = rng_for(seed, &format!("cnn/layer{layer}/weight"));
            let flat = uniform_vector(&mut rng, k * d_model * d_model, -bound, bound);
            let w = flat
                .into_shape_with_order((k, d_model, d_model))
                .map_err(|_| CoreError::Mismatch(Mismatch::Weights))?; // unreachable: sizes match
            weights.push(w);
            let mut rng = rng_for(seed, &format!("cnn/layer{layer}/bias"));
            biases.push(uniform_vector(&mut rng, d_model, -bound, bound));
        }
        Ok(Params {
            config: config.clone(),
            d_model,
            weights,
            biases,
        })
    }
}

/// The step trace: one entry per layer.
#[derive(Debug, Clone)]
pub struct Trace {
    /// `[layers + 1]` of `[L, d_model]`: entry 0 is x, entry ℓ + 1 the output of layer ℓ.
    pub activations: Vec<Array2<f32>>,
    /// `[layers]` of `[L, d_model]`: z_ℓ = conv(h_ℓ), before the activation.
    pub pre_activations: Vec<Array2<f32>>,
    /// `[layers]`: dilation of each layer.
    pub dilations: Vec<usize>,
    /// `[layers]`: receptive field after each layer (the last is [`receptive_field`]).
    pub receptive_fields: Vec<usize>,
}

/// Output plus trace.
#[derive(Debug, Clone)]
pub struct Run {
    pub y: Array2<f32>,
    pub trace: Trace,
}

fn check_input(params: &Params, x: ArrayView2<f32>) -> CoreResult<()> {
    params.config.validate(params.d_model)?;
    check_sequence(x, params.d_model)
}

/// Conv: z[t] = Σ_m h[t − m·dil] · W_m + b  (left zero padding).  h: [L, d] -> z: [L, d].
fn conv(weight: &Array3<f32>, bias: &Array1<f32>, dil: usize, h: ArrayView2<f32>) -> Array2<f32> {
    let len = h.nrows();
    let mut z = Array2::zeros((len, bias.len()));
    z += bias;
    for (m, w_m) in weight.axis_iter(Axis(0)).enumerate() {
        let shift = m * dil;
        if shift >= len {
            break;
        }
        // z[shift..] += h[..len − shift] · W_m
        let mut target = z.slice_mut(s![shift.., ..]);
        general_mat_mul(1.0, &h.slice(s![..len - shift, ..]), &w_m, 1.0, &mut target);
    }
    z
}

/// Layer ℓ applied to h: returns (z_ℓ, h_{ℓ+1}).
fn layer(params: &Params, layer: usize, h: ArrayView2<f32>) -> (Array2<f32>, Array2<f32>) {
    let cfg = &params.config;
    let z = conv(
        &params.weights[layer],
        &params.biases[layer],
        cfg.dilation_of(layer),
        h,
    );
    let act = z.mapv(|v| cfg.activation.value(v));
    let next = if cfg.residual { &h + &act } else { act };
    (z, next)
}

/// Trace-free forward pass: x [L, d_model] -> y [L, d_model].
pub fn forward(params: &Params, x: ArrayView2<f32>) -> CoreResult<Array2<f32>> {
    check_input(params, x)?;
    let mut h = x.to_owned();
    for l in 0..params.config.layers {
        h = layer(params, l, h.view()).1;
    }
    Ok(h)
}

/// Forward pass with the per-layer trace.
pub fn run(params: &Params, x: ArrayView2<f32>) -> CoreResult<Run> {
    check_input(params, x)?;
    let cfg = &params.config;
    let mut activations = vec![x.to_owned()];
    let mut pre_activations = Vec::with_capacity(cfg.layers);
    for l in 0..cfg.layers {
        let (z, next) = layer(params, l, activations[l].view());
        pre_activations.push(z);
        activations.push(next);
    }
    let y = activations[cfg.layers].clone();
    let trace = Trace {
        activations,
        pre_activations,
        dilations: (0..cfg.layers).map(|l| cfg.dilation_of(l)).collect(),
        receptive_fields: receptive_fields(cfg),
    };
    Ok(Run { y, trace })
}

/// Tangent conv (no bias) on a window of `positions` positions, `tangents` tangents each:
/// dz[p] = Σ_m dh[p − m·dil] · W_m. Row p·tangents + τ holds tangent τ at position p.
/// dh, result: [positions·tangents, d].
fn conv_tangent(
    weight: &Array3<f32>,
    dil: usize,
    dh: &Array2<f32>,
    tangents: usize,
) -> Array2<f32> {
    let rows = dh.nrows();
    let mut dz = Array2::zeros(dh.raw_dim());
    for (m, w_m) in weight.axis_iter(Axis(0)).enumerate() {
        let shift = m * dil * tangents;
        if shift >= rows {
            break;
        }
        let mut target = dz.slice_mut(s![shift.., ..]);
        general_mat_mul(
            1.0,
            &dh.slice(s![..rows - shift, ..]),
            &w_m,
            1.0,
            &mut target,
        );
    }
    dz
}

/// Exact I[i, j] = ‖∂y_i/∂x_j‖_F for j in `inputs`: [L, inputs.len()].
pub fn influence_columns(
    params: &Params,
    x: ArrayView2<f32>,
    inputs: Range<usize>,
) -> CoreResult<Array2<f32>> {
    let traced = run(params, x)?;
    let len = x.nrows();
    check_columns(&inputs, len)?;
    let cfg = &params.config;
    let d = params.d_model;
    let rf = receptive_field(cfg);
    let mut out = Array2::zeros((len, inputs.len()));
    for (col, j) in inputs.enumerate() {
        // Band: only positions j ..= j + RF − 1 depend on x_j.
        let window = rf.min(len - j);
        // Tangents seeded at x_j: row p·d + τ = ∂h[j + p]/∂x_j[τ]  [window·d, d].
        let mut tangent = Array2::<f32>::zeros((window * d, d));
        tangent.slice_mut(s![..d, ..]).diag_mut().fill(1.0);
        for l in 0..cfg.layers {
            let mut dz = conv_tangent(&params.weights[l], cfg.dilation_of(l), &tangent, d);
            let z = traced.trace.pre_activations[l].slice(s![j..j + window, ..]);
            // Chain rule through the activation: d act(z) = act'(z) ⊙ dz, per position.
            for (mut block, z_p) in dz.exact_chunks_mut((d, d)).into_iter().zip(z.rows()) {
                let slope = z_p.mapv(|v| cfg.activation.derivative(v));
                block *= &slope;
            }
            if cfg.residual {
                tangent += &dz;
            } else {
                tangent = dz;
            }
        }
        for (p, block) in tangent.exact_chunks((d, d)).into_iter().enumerate() {
            out[[j + p, col]] = block.iter().map(|v| v * v).sum::<f32>().sqrt();
        }
    }
    Ok(out)
}

/// Whole influence matrix [L, L].
pub fn influence(params: &Params, x: ArrayView2<f32>) -> CoreResult<Array2<f32>> {
    influence_columns(params, x, 0..x.nrows())
}

/// Costs: layers·L·k·d² multiply-adds; one parallel step per layer; to generate a token a
/// streaming causal CNN keeps the last (k − 1)·dil_ℓ activations of each layer, i.e.
/// (RF − 1)·d_model numbers, independent of the context length.
pub fn cost(config: &Config, d_model: usize, len: usize) -> Cost {
    let (layers, k, d) = (config.layers as u64, config.kernel as u64, d_model as u64);
    Cost {
        multiply_adds: layers * len as u64 * k * d * d,
        sequential_depth: layers,
        parallel_depth: layers,
        memory_floats_per_token: (receptive_field(config) as u64 - 1) * d,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;
    use proptest::prelude::*;

    /// Element-wise |a − b| ≤ eps (ndarray's `approx` feature is not enabled).
    fn assert_close<D: ndarray::Dimension>(
        a: &ndarray::Array<f32, D>,
        b: &ndarray::Array<f32, D>,
        eps: f32,
    ) {
        assert_eq!(a.shape(), b.shape());
        for (u, v) in a.iter().zip(b.iter()) {
            assert!((u - v).abs() <= eps, "{a} vs {b}");
        }
    }

    fn random_x(len: usize, d: usize, seed: u64) -> Array2<f32> {
        crate::rng::normal_matrix(&mut rng_for(seed, "test/x"), len, d, 1.0)
    }

    /// Central finite differences of the forward pass, ‖·‖_F per block, in f32.
    fn fd_influence(params: &Params, x: &Array2<f32>, eps: f32) -> Array2<f32> {
        let (len, d) = x.dim();
        let mut out = Array2::<f32>::zeros((len, len));
        for j in 0..len {
            let mut sq = Array1::<f32>::zeros(len);
            for c in 0..d {
                let mut plus = x.clone();
                plus[[j, c]] += eps;
                let mut minus = x.clone();
                minus[[j, c]] -= eps;
                let diff = (forward(params, plus.view()).unwrap()
                    - forward(params, minus.view()).unwrap())
                    / (2.0 * eps);
                for i in 0..len {
                    sq[i] += diff.row(i).iter().map(|v| v * v).sum::<f32>();
                }
            }
            out.column_mut(j).assign(&sq.mapv(f32::sqrt));
        }
        out
    }

    #[test]
    fn receptive_field_by_hand() {
        // Fixed: 3 layers, k = 3: 1 + 3·2 = 7.
        assert_eq!(receptive_field(&Config::default()), 7);
        // Exponential, 4 layers, k = 2: 1 + 1·(1 + 2 + 4 + 8) = 16.
        let cfg = Config {
            layers: 4,
            kernel: 2,
            dilation: Dilation::Exponential,
            ..Config::default()
        };
        assert_eq!(receptive_field(&cfg), 16);
        assert_eq!(receptive_fields(&cfg), vec![2, 4, 8, 16]);
        // Exponential, 3 layers, k = 3: 1 + 2·(1 + 2 + 4) = 15.
        let cfg = Config {
            dilation: Dilation::Exponential,
            ..Config::default()
        };
        assert_eq!(receptive_field(&cfg), 15);
    }

    #[test]
    fn one_layer_kernel_two_by_hand() {
        // d = 1, k = 2, weights w0 = 2 (tap at t), w1 = −1 (tap at t − 1), bias 0.5, ReLU,
        // no residual. x = [1, 3, 1]:
        //   z = [2·1 + 0.5, 2·3 − 1 + 0.5, 2·1 − 3 + 0.5] = [2.5, 5.5, −0.5]
        //   y = relu(z) = [2.5, 5.5, 0]
        // Influence: ∂y_t/∂x_t = 2·[z_t > 0], ∂y_t/∂x_{t−1} = −1·[z_t > 0] -> |·|:
        //   I = [[2, 0, 0], [1, 2, 0], [0, 0, 0]] (row 2 is killed by ReLU at z = −0.5).
        let cfg = Config {
            layers: 1,
            kernel: 2,
            activation: Activation::Relu,
            residual: false,
            ..Config::default()
        };
        let mut params = Params::init(&cfg, 1, 0).unwrap();
        params.weights[0] = array![[[2.0]], [[-1.0]]];
        params.biases[0] = array![0.5];
        let x = array![[1.0], [3.0], [1.0]];
        let y = forward(&params, x.view()).unwrap();
        assert_close(&y, &array![[2.5], [5.5], [0.0]], 1e-6);
        let inf = influence(&params, x.view()).unwrap();
        let want = array![[2.0, 0.0, 0.0], [1.0, 2.0, 0.0], [0.0, 0.0, 0.0]];
        assert_close(&inf, &want, 1e-6);

        // With residual: y = x + relu(z) = [3.5, 8.5, 1]; ∂y_t/∂x_t = 1 + 2·[z_t > 0].
        params.config.residual = true;
        let y = forward(&params, x.view()).unwrap();
        assert_close(&y, &array![[3.5], [8.5], [1.0]], 1e-6);
        let inf = influence(&params, x.view()).unwrap();
        let want = array![[3.0, 0.0, 0.0], [1.0, 3.0, 0.0], [0.0, 0.0, 1.0]];
        assert_close(&inf, &want, 1e-6);
    }

    #[test]
    fn dilated_two_layers_by_hand() {
        // d = 1, k = 2, exponential dilation, identity-like check via SiLU-free weights:
        // use ReLU with positive inputs and positive weights so act = identity on the path.
        // Layer 0 (dil 1): z0[t] = x[t] + 2·x[t−1];  layer 1 (dil 2): z1[t] = h[t] + 3·h[t−2].
        // x = [1, 1, 1, 1]: h = [1, 3, 3, 3];  y = [1, 3, 3 + 3·1, 3 + 3·3] = [1, 3, 6, 12].
        let cfg = Config {
            layers: 2,
            kernel: 2,
            dilation: Dilation::Exponential,
            activation: Activation::Relu,
            residual: false,
        };
        let mut params = Params::init(&cfg, 1, 0).unwrap();
        params.weights[0] = array![[[1.0]], [[2.0]]];
        params.weights[1] = array![[[1.0]], [[3.0]]];
        params.biases = vec![array![0.0], array![0.0]];
        let x = array![[1.0], [1.0], [1.0], [1.0]];
        let y = forward(&params, x.view()).unwrap();
        assert_close(&y, &array![[1.0], [3.0], [6.0], [12.0]], 1e-6);
        // y[3] = x3 + 2x2 + 3(x1 + 2x0): derivatives [6, 3, 2, 1] w.r.t. x0..x3.
        let inf = influence(&params, x.view()).unwrap();
        assert_close(&inf.row(3).to_owned(), &array![6.0, 3.0, 2.0, 1.0], 1e-6);
        assert_eq!(receptive_field(&cfg), 4);
    }

    #[test]
    fn zero_outside_band_nonzero_inside() {
        for residual in [false, true] {
            for dilation in [Dilation::Fixed, Dilation::Exponential] {
                let cfg = Config {
                    dilation,
                    residual,
                    ..Config::default()
                };
                let params = Params::init(&cfg, 3, 11).unwrap();
                let x = random_x(24, 3, 5);
                let inf = influence(&params, x.view()).unwrap();
                let rf = receptive_field(&cfg);
                for i in 0..24 {
                    for j in 0..24 {
                        if j > i || i - j >= rf {
                            assert_eq!(inf[[i, j]], 0.0, "outside band at ({i}, {j})");
                        }
                    }
                }
                if dilation == Dilation::Fixed {
                    // Fixed dilation: every lag in the band is reached (GELU is never flat).
                    for i in 0usize..24 {
                        for j in i.saturating_sub(rf - 1)..=i {
                            assert!(inf[[i, j]] > 0.0, "inside band zero at ({i}, {j})");
                        }
                    }
                }
            }
        }
        // One layer, kernel 3, generic weights: band of width 3, all non-zero.
        let cfg = Config {
            layers: 1,
            residual: false,
            ..Config::default()
        };
        let params = Params::init(&cfg, 2, 3).unwrap();
        let inf = influence(&params, random_x(6, 2, 1).view()).unwrap();
        for i in 0..6 {
            for j in 0..6 {
                assert_eq!(inf[[i, j]] > 0.0, j <= i && i - j < 3, "({i}, {j})");
            }
        }
    }

    #[test]
    fn trace_shapes_and_columns_match_whole() {
        let cfg = Config {
            dilation: Dilation::Exponential,
            ..Config::default()
        };
        let params = Params::init(&cfg, 4, 2).unwrap();
        let x = random_x(10, 4, 3);
        let r = run(&params, x.view()).unwrap();
        assert_eq!(r.trace.activations.len(), 4);
        assert_eq!(r.trace.activations[0], x);
        assert_eq!(r.trace.dilations, vec![1, 2, 4]);
        assert_eq!(r.trace.receptive_fields, vec![3, 7, 15]);
        assert_eq!(r.y, forward(&params, x.view()).unwrap());
        let whole = influence(&params, x.view()).unwrap();
        let part = influence_columns(&params, x.view(), 3..7).unwrap();
        assert_eq!(part, whole.slice(s![.., 3..7]));
    }

    #[test]
    fn invalid_inputs_give_typed_errors() {
        let params = Params::init(&Config::default(), 2, 0).unwrap();
        let empty = Array2::<f32>::zeros((0, 2));
        assert_eq!(forward(&params, empty.view()), Err(CoreError::EmptyInput));
        assert_eq!(
            influence(&params, empty.view()).unwrap_err(),
            CoreError::EmptyInput
        );
        let mut x = Array2::<f32>::zeros((3, 2));
        x[[1, 0]] = f32::NAN;
        assert_eq!(
            forward(&params, x.view()),
            Err(CoreError::NonFinite { what: "x" })
        );
        let wide = Array2::<f32>::zeros((3, 3));
        assert!(matches!(
            forward(&params, wide.view()),
            Err(CoreError::Shape { .. })
        ));
        let ok = Array2::<f32>::zeros((3, 2));
        assert!(matches!(
            influence_columns(&params, ok.view(), 2..4),
            Err(CoreError::Shape { .. })
        ));
        for cfg in [
            Config {
                layers: 0,
                ..Config::default()
            },
            Config {
                layers: 9,
                ..Config::default()
            },
            Config {
                kernel: 1,
                ..Config::default()
            },
            Config {
                kernel: 10,
                ..Config::default()
            },
        ] {
            assert!(matches!(
                Params::init(&cfg, 2, 0),
                Err(CoreError::OutOfRange { .. })
            ));
        }
    }

    #[test]
    fn cost_counts() {
        let c = cost(&Config::default(), 16, 64);
        assert_eq!(c.multiply_adds, 3 * 64 * 3 * 16 * 16);
        assert_eq!(c.sequential_depth, 3);
        assert_eq!(c.memory_floats_per_token, 6 * 16);
    }

    fn activation() -> impl Strategy<Value = Activation> {
        prop_oneof![Just(Activation::Gelu), Just(Activation::Silu)]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(40))]

        #[test]
        fn influence_matches_finite_differences(
            len in 1usize..=6, d in 1usize..=4, layers in 1usize..=3, kernel in 2usize..=4,
            exp in any::<bool>(), residual in any::<bool>(), act in activation(),
            seed in 0u64..1000,
        ) {
            let dilation = if exp { Dilation::Exponential } else { Dilation::Fixed };
            let cfg = Config { layers, kernel, dilation, activation: act, residual };
            let params = Params::init(&cfg, d, seed).unwrap();
            let x = random_x(len, d, seed + 1);
            let exact = influence(&params, x.view()).unwrap();
            let fd = fd_influence(&params, &x, 1e-2);
            for ((i, j), &e) in exact.indexed_iter() {
                let f = fd[[i, j]];
                prop_assert!((e - f).abs() <= 2e-3 + 1e-2 * f.abs(), "({},{}): {} vs {}", i, j, e, f);
                if j > i {
                    prop_assert_eq!(e, 0.0);
                }
            }
        }

        #[test]
        fn random_configs_never_panic(
            len in 1usize..=20, d in 1usize..=5, layers in 0usize..=9, kernel in 1usize..=10,
            exp in any::<bool>(), scale in -30.0f32..30.0,
        ) {
            let dilation = if exp { Dilation::Exponential } else { Dilation::Fixed };
            let cfg = Config { layers, kernel, dilation, activation: Activation::Silu, residual: true };
            match Params::init(&cfg, d, 1) {
                Err(e) => {
                    let out_of_range = matches!(e, CoreError::OutOfRange { .. });
                    prop_assert!(out_of_range);
                }
                Ok(params) => {
                    let x = random_x(len, d, 2) * scale;
                    let inf = influence(&params, x.view()).unwrap();
                    prop_assert_eq!(inf.dim(), (len, len));
                }
            }
        }
    }
}
