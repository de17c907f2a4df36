//! Causal pre-LayerNorm transformer (Vaswani et al. 2017, "Attention Is All You Need"; pre-LN
//! placement as in GPT-2 / Xiong et al. 2020). Layer ℓ, on the residual stream h [L, d]:
//!
//! ```text
//! u   = LN₁(h)                       LN(h) = γ ⊙ (h − μ)/√(σ² + ε) + β, per position
//! Q, K, V = u W_Q, u W_K, u W_V      split into `heads` blocks of d_head = d/heads columns
//! A_h = softmax(Q_h K_hᵀ / (√d_head · τ) + causal mask)      Eqn (1) of §3.2.1, temperature τ
//! h  ← h + concat_h(A_h V_h) W_O                              §3.2.2 (multi-head)
//! h  ← h + GELU(LN₂(h) W₁ + b₁) W₂ + b₂                        §3.3, width 4·d
//! ```
//!
//! The input is x + PE with the sinusoidal encoding of §3.5:
//! PE(pos, 2i) = sin(pos / 10000^{2i/d}), PE(pos, 2i+1) = cos(pos / 10000^{2i/d}); it is a
//! constant, so ∂y/∂x is unaffected by it. There is no final LayerNorm: y is the residual
//! stream after the last layer. The softmax subtracts the row maximum; masked weights
//! (key after query) are exactly 0. GELU is the tanh approximation (as in GPT-2).
//!
//! Influence `I[i, j] = ‖∂y_i/∂x_j‖_F` is exact forward-mode differentiation: for input
//! position j the d tangents are seeded at j and propagated, by hand-derived LayerNorm,
//! softmax and GELU derivatives, over positions j..L only (causality: nothing before j moves).
//! The tangents are stored as a `[positions·d, d]` matrix (row p·d + τ = tangent τ at position
//! j + p) so each weight multiplication and each attention contraction is one matrix product.

use std::ops::Range;

use ndarray::linalg::general_mat_mul;
use ndarray::{
    s, Array1, Array2, Array3, Array4, ArrayView1, ArrayView2, ArrayView3, ArrayViewMut2, Axis, Zip,
};

use super::Cost;
use crate::error::{check_columns, check_range, check_sequence, CoreError, CoreResult, Mismatch};
use crate::fast_math::exp_fast;
use crate::rng::{normal_matrix, rng_for};

/// LayerNorm ε (PyTorch's default).
const LN_EPS: f32 = 1e-5;
/// √(2/π), the constant of the tanh approximation of GELU.
const SQRT_2_OVER_PI: f32 = 0.797_884_6;
/// The cubic coefficient of the tanh approximation of GELU.
const GELU_CUBIC: f32 = 0.044_715;
/// Query rows per block in the trace-free forward pass (bounds memory at long L).
const ROW_BLOCK: usize = 256;

/// Transformer hyper-parameters. Ranges: layers 1–4, heads 1–4 (dividing d_model),
/// temperature 0.05–10.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Number of blocks, 1–4 (default 2).
    pub layers: usize,
    /// Attention heads, 1–4 and a divisor of d_model (default 2).
    pub heads: usize,
    /// Softmax temperature τ, 0.05–10 (default 1): scores are divided by √d_head · τ.
    pub temperature: f32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            layers: 2,
            heads: 2,
            temperature: 1.0,
        }
    }
}

impl Config {
    /// Checks the ranges (and d_model ∈ 1..=32) and that heads divides d_model
    /// (`CoreError::HeadsDoNotDivide` otherwise).
    pub fn validate(&self, d_model: usize) -> CoreResult<()> {
        check_range("layers", self.layers as f64, 1.0, 4.0)?;
        check_range("heads", self.heads as f64, 1.0, 4.0)?;
        check_range("temperature", f64::from(self.temperature), 0.05, 10.0)?;
        check_range("d_model", d_model as f64, 1.0, 32.0)?;
        if !d_model.is_multiple_of(self.heads) {
            return Err(CoreError::HeadsDoNotDivide {
                heads: self.heads,
                d_model,
            });
        }
        Ok(())
    }

    /// d_head = d_model / heads.
    pub fn d_head(&self, d_model: usize) -> usize {
        d_model / self.heads
    }
}

/// Weights of one block.
#[derive(Debug, Clone)]
pub struct Layer {
    /// LN₁ gain γ and bias β `[d]` (initialised 1 and 0).
    pub ln1_gain: Array1<f32>,
    pub ln1_bias: Array1<f32>,
    /// Projections `[d, d]`, row-vector convention (q = u · W_Q); head h uses columns
    /// h·d_head..(h+1)·d_head of W_Q, W_K, W_V and rows of W_O.
    pub wq: Array2<f32>,
    pub wk: Array2<f32>,
    pub wv: Array2<f32>,
    pub wo: Array2<f32>,
    /// LN₂ gain and bias `[d]`.
    pub ln2_gain: Array1<f32>,
    pub ln2_bias: Array1<f32>,
    /// MLP `[d, 4d]`, `[4d]`, `[4d, d]`, `[d]`.
    pub w1: Array2<f32>,
    pub b1: Array1<f32>,
    pub w2: Array2<f32>,
    pub b2: Array1<f32>,
}

/// Transformer weights drawn from the seed.
#[derive(Debug, Clone)]
pub struct Params {
    pub config: Config,
    pub d_model: usize,
    pub layers: Vec<Layer>,
}

impl Params {
    /// Weights N(0, 1/fan_in); the two projections that write into the residual stream
    /// (W_O, W₂) further scaled by 1/√(2·layers) as in GPT-2; biases 0; LayerNorm gain 1,
    /// bias 0. Labels `transformer/layer{ℓ}/{wq,wk,wv,wo,w1,w2}`.
    pub fn init(config: &Config, d_model: usize, seed: u64) -> CoreResult<Params> {
        config.validate(d_model)?;
        let d = d_model;
        let residual_scale = 1.0 / ((2 * config.layers) as f32).sqrt();
        let layers = (0..config.layers)
            .map(|l| {
                let draw = |name: &str, rows: usize, cols: usize, scale: f32| {
                    let mut rng = rng_for(seed, &format!("transformer/layer{l}/{name}"));
                    normal_matrix(&mut rng, rows, cols, scale / (rows as f32).sqrt())
                };
                Layer {
                    ln1_gain: Array1::ones(d),
                    ln1_bias: Array1::zeros(d),
                    wq: draw("wq", d, d, 1.0),
                    wk: draw("wk", d, d, 1.0),
                    wv: draw("wv", d, d, 1.0),
                    wo: draw("wo", d, d, residual_scale),
                    ln2_gain: Array1::ones(d),
                    ln2_bias: Array1::zeros(d),
                    w1: draw("w1", d, 4 * d, 1.0),
                    b1: Array1::zeros(4 * d),
                    w2: draw("w2", 4 * d, d, residual_scale),
                    b2: Array1::zeros(d),
                }
            })
            .collect();
        Ok(Params {
            config: config.clone(),
            d_model,
            layers,
        })
    }
}

/// The step trace: one entry per layer.
#[derive(Debug, Clone)]
pub struct Trace {
    /// The sinusoidal encoding PE added to x, `[L, d]`.
    pub positional: Array2<f32>,
    /// `[layers + 1]` of `[L, d]`: entry 0 is x + PE, entry ℓ + 1 the stream after block ℓ.
    pub residual: Vec<Array2<f32>>,
    /// `[layers]` of `[L, d]`: the stream after block ℓ's attention, before its MLP.
    pub after_attention: Vec<Array2<f32>>,
    /// `[layers]` of `[heads, L, L]`: A[h, i, j] = weight of key j for query i (0 for j > i).
    pub attention: Vec<Array3<f32>>,
}

/// Output plus trace.
#[derive(Debug, Clone)]
pub struct Run {
    pub y: Array2<f32>,
    pub trace: Trace,
}

/// Sinusoidal positions (§3.5): PE[pos, 2i] = sin(pos/10000^{2i/d}), PE[pos, 2i+1] = cos(…).
pub fn positional_encoding(len: usize, d_model: usize) -> Array2<f32> {
    Array2::from_shape_fn((len, d_model), |(pos, c)| {
        let exponent = (2 * (c / 2)) as f64 / d_model as f64;
        let angle = pos as f64 / 10000f64.powf(exponent);
        (if c % 2 == 0 { angle.sin() } else { angle.cos() }) as f32
    })
}

fn check_input(params: &Params, x: ArrayView2<f32>) -> CoreResult<()> {
    params.config.validate(params.d_model)?;
    check_sequence(x, params.d_model)
}

fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + (SQRT_2_OVER_PI * (x + GELU_CUBIC * x * x * x)).tanh())
}

fn gelu_derivative(x: f32) -> f32 {
    let t = (SQRT_2_OVER_PI * (x + GELU_CUBIC * x * x * x)).tanh();
    0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * SQRT_2_OVER_PI * (1.0 + 3.0 * GELU_CUBIC * x * x)
}

/// LayerNorm per row: returns (u = γ ⊙ x̂ + β, x̂, 1/σ) with x̂ = (h − μ)/σ, σ = √(var + ε).
fn layer_norm(
    h: &Array2<f32>,
    gain: &Array1<f32>,
    bias: &Array1<f32>,
) -> (Array2<f32>, Array2<f32>, Array1<f32>) {
    let d = h.ncols() as f32;
    let mut xhat = h.clone();
    let mut inv_std = Array1::zeros(h.nrows());
    for (mut row, s) in xhat.rows_mut().into_iter().zip(inv_std.iter_mut()) {
        let mean = row.sum() / d;
        row -= mean;
        let var = row.dot(&row) / d;
        *s = 1.0 / (var + LN_EPS).sqrt();
        row *= *s;
    }
    let u = &xhat * gain + bias;
    (u, xhat, inv_std)
}

/// Causal softmax attention of one head for query rows `rows`: scores
/// S = Q_h K_hᵀ · scale over keys 0..rows.end, row max subtracted, masked entries exactly 0.
/// Returns (A [rows, rows.end], A V_h [rows, d_head]).
fn attend(
    q: ArrayView2<f32>,
    k: ArrayView2<f32>,
    v: ArrayView2<f32>,
    scale: f32,
    rows: Range<usize>,
) -> (Array2<f32>, Array2<f32>) {
    let end = rows.end;
    // Eqn (1): S = Q Kᵀ / (√d_head · τ)   [rows, end]
    let mut a = q
        .slice(s![rows.clone(), ..])
        .dot(&k.slice(s![..end, ..]).t())
        * scale;
    for (r, mut row) in a.rows_mut().into_iter().enumerate() {
        let i = rows.start + r;
        let (mut live, mut masked) = row.view_mut().split_at(Axis(0), i + 1);
        let max = live.fold(f32::NEG_INFINITY, |m, &v| m.max(v));
        // `exp_fast`: vectorises, and in wasm avoids a software libm call per score.
        live.mapv_inplace(|v| exp_fast(v - max));
        let sum = live.sum();
        live /= sum;
        masked.fill(0.0);
    }
    let o = a.dot(&v.slice(s![..end, ..]));
    (a, o)
}

/// Everything block ℓ computes that its tangent needs.
struct LayerCache {
    /// x̂ and 1/σ of LN₁ and LN₂: [L, d], [L].
    xhat1: Array2<f32>,
    inv_std1: Array1<f32>,
    xhat2: Array2<f32>,
    inv_std2: Array1<f32>,
    /// Q, K, V [L, d].
    q: Array2<f32>,
    k: Array2<f32>,
    v: Array2<f32>,
    /// Attention per head [heads, L, L] and its output concat_h(A_h V_h) [L, d].
    attn: Array3<f32>,
    attn_out: Array2<f32>,
    /// MLP pre-activation z = LN₂(h) W₁ + b₁ [L, 4d].
    z: Array2<f32>,
    /// Stream after attention and after the MLP [L, d].
    mid: Array2<f32>,
    out: Array2<f32>,
}

fn scale_of(params: &Params) -> f32 {
    let d_head = params.config.d_head(params.d_model) as f32;
    1.0 / (d_head.sqrt() * params.config.temperature)
}

/// Block ℓ with everything kept (full attention matrices).
fn layer_cached(params: &Params, layer: &Layer, h: &Array2<f32>) -> LayerCache {
    let (len, d) = h.dim();
    let heads = params.config.heads;
    let dh = params.config.d_head(d);
    let scale = scale_of(params);
    let (u, xhat1, inv_std1) = layer_norm(h, &layer.ln1_gain, &layer.ln1_bias);
    let (q, k, v) = (u.dot(&layer.wq), u.dot(&layer.wk), u.dot(&layer.wv));
    let mut attn = Array3::zeros((heads, len, len));
    let mut attn_out = Array2::zeros((len, d));
    for head in 0..heads {
        let cols = head * dh..(head + 1) * dh;
        let (a, o) = attend(
            q.slice(s![.., cols.clone()]),
            k.slice(s![.., cols.clone()]),
            v.slice(s![.., cols.clone()]),
            scale,
            0..len,
        );
        attn.index_axis_mut(Axis(0), head).assign(&a);
        attn_out.slice_mut(s![.., cols]).assign(&o);
    }
    let mid = h + &attn_out.dot(&layer.wo);
    let (u2, xhat2, inv_std2) = layer_norm(&mid, &layer.ln2_gain, &layer.ln2_bias);
    let z = u2.dot(&layer.w1) + &layer.b1;
    let out = &mid + &(z.mapv(gelu).dot(&layer.w2) + &layer.b2);
    LayerCache {
        xhat1,
        inv_std1,
        xhat2,
        inv_std2,
        q,
        k,
        v,
        attn,
        attn_out,
        z,
        mid,
        out,
    }
}

/// Block ℓ without keeping the [L, L] attention (query rows in blocks of `ROW_BLOCK`).
fn layer_light(params: &Params, layer: &Layer, h: &Array2<f32>) -> Array2<f32> {
    let (len, d) = h.dim();
    let (q, k, v) = project_qkv(layer, h);
    let mut attn_out = Array2::zeros((len, d));
    for head in 0..params.config.heads {
        for start in (0..len).step_by(ROW_BLOCK) {
            let rows = start..(start + ROW_BLOCK).min(len);
            attend_block(params, [&q, &k, &v], head, rows, &mut attn_out);
        }
    }
    finish_layer(layer, h, &attn_out)
}

/// Q, K, V = LN₁(h) W_Q, W_K, W_V  [L, d] each.
fn project_qkv(layer: &Layer, h: &Array2<f32>) -> (Array2<f32>, Array2<f32>, Array2<f32>) {
    let (u, _, _) = layer_norm(h, &layer.ln1_gain, &layer.ln1_bias);
    (u.dot(&layer.wq), u.dot(&layer.wk), u.dot(&layer.wv))
}

/// Head `head`'s attention output A_h V_h for query rows `rows`, written into those rows and
/// the head's columns of `attn_out` [L, d].
fn attend_block(
    params: &Params,
    [q, k, v]: [&Array2<f32>; 3],
    head: usize,
    rows: Range<usize>,
    attn_out: &mut Array2<f32>,
) {
    let dh = params.config.d_head(params.d_model);
    let cols = head * dh..(head + 1) * dh;
    let (_, o) = attend(
        q.slice(s![.., cols.clone()]),
        k.slice(s![.., cols.clone()]),
        v.slice(s![.., cols.clone()]),
        scale_of(params),
        rows.clone(),
    );
    attn_out.slice_mut(s![rows, cols]).assign(&o);
}

/// The rest of block ℓ once attention is done: h + attn_out W_O, then the MLP sub-block.
fn finish_layer(layer: &Layer, h: &Array2<f32>, attn_out: &Array2<f32>) -> Array2<f32> {
    let mid = h + &attn_out.dot(&layer.wo);
    let (u2, _, _) = layer_norm(&mid, &layer.ln2_gain, &layer.ln2_bias);
    let z = u2.dot(&layer.w1) + &layer.b1;
    &mid + &(z.mapv(gelu).dot(&layer.w2) + &layer.b2)
}

/// Trace-free forward pass: x [L, d_model] -> y [L, d_model].
pub fn forward(params: &Params, x: ArrayView2<f32>) -> CoreResult<Array2<f32>> {
    check_input(params, x)?;
    let mut h = &x + &positional_encoding(x.nrows(), params.d_model);
    for layer in &params.layers {
        h = layer_light(params, layer, &h);
    }
    Ok(h)
}

/// The trace-free [`forward`] pass cut into slices that can run one per animation frame, so a
/// long sequence never blocks the page for the whole pass. The slices of block ℓ are: Q, K, V
/// (LN₁ and three projections, O(L·d²)); then one per head and block of `ROW_BLOCK` query rows
/// (the scores of those rows against their keys, O(ROW_BLOCK·L·d_head) — the n² part); then
/// W_O and the MLP (O(L·d²)). Each slice calls the same functions as [`forward`] in the same
/// order, so the output is bit-identical to it.
#[derive(Debug, Clone)]
pub struct SlicedForward {
    /// The residual stream entering block `layer` [L, d] (the output once every block ran).
    h: Array2<f32>,
    layer: usize,
    /// Block `layer`'s attention in progress, or `None` before its Q, K, V are computed.
    attention: Option<AttentionInProgress>,
}

#[derive(Debug, Clone)]
struct AttentionInProgress {
    q: Array2<f32>,
    k: Array2<f32>,
    v: Array2<f32>,
    /// concat_h(A_h V_h) [L, d], filled block by block.
    attn_out: Array2<f32>,
    /// The next slice: head `head`, query rows from `row_start`.
    head: usize,
    row_start: usize,
}

impl SlicedForward {
    /// Checks the input as [`forward`] does and adds the positional encoding; no block runs yet.
    pub fn new(params: &Params, x: ArrayView2<f32>) -> CoreResult<SlicedForward> {
        check_input(params, x)?;
        Ok(SlicedForward {
            h: &x + &positional_encoding(x.nrows(), params.d_model),
            layer: 0,
            attention: None,
        })
    }

    /// Runs the next slice; `Ok(true)` once the pass is complete (then nothing more runs).
    /// `params` must be the ones given to [`SlicedForward::new`]: others of a different shape
    /// give `CoreError::Mismatch`.
    pub fn step(&mut self, params: &Params) -> CoreResult<bool> {
        params.config.validate(params.d_model)?;
        if params.d_model != self.h.ncols() {
            return Err(CoreError::Mismatch(Mismatch::SlicedPass));
        }
        let Some(layer) = params.layers.get(self.layer) else {
            return Ok(true);
        };
        let len = self.h.nrows();
        match self.attention.as_mut() {
            None => {
                let (q, k, v) = project_qkv(layer, &self.h);
                self.attention = Some(AttentionInProgress {
                    q,
                    k,
                    v,
                    attn_out: Array2::zeros(self.h.raw_dim()),
                    head: 0,
                    row_start: 0,
                });
            }
            Some(at) if at.head < params.config.heads && at.row_start < len => {
                let rows = at.row_start..(at.row_start + ROW_BLOCK).min(len);
                at.row_start = rows.end;
                attend_block(
                    params,
                    [&at.q, &at.k, &at.v],
                    at.head,
                    rows,
                    &mut at.attn_out,
                );
                if at.row_start >= len {
                    at.head += 1;
                    at.row_start = 0;
                }
            }
            Some(at) => {
                self.h = finish_layer(layer, &self.h, &at.attn_out);
                self.attention = None;
                self.layer += 1;
            }
        }
        Ok(self.is_done(params))
    }

    /// Whether every block has run.
    pub fn is_done(&self, params: &Params) -> bool {
        self.layer >= params.layers.len()
    }

    /// The output y [L, d_model] once [`SlicedForward::step`] returned `Ok(true)`, else `None`.
    pub fn output(&self, params: &Params) -> Option<&Array2<f32>> {
        self.is_done(params).then_some(&self.h)
    }

    /// How many slices a whole pass takes: per block, 1 + heads · ⌈L / ROW_BLOCK⌉ + 1.
    pub fn slices_per_pass(params: &Params, len: usize) -> usize {
        params.layers.len() * (2 + params.config.heads * len.div_ceil(ROW_BLOCK))
    }
}

fn run_cached(params: &Params, x: ArrayView2<f32>) -> (Array2<f32>, Vec<LayerCache>) {
    let positional = positional_encoding(x.nrows(), params.d_model);
    let mut h = &x + &positional;
    let mut caches = Vec::with_capacity(params.layers.len());
    for layer in &params.layers {
        let cache = layer_cached(params, layer, &h);
        h = cache.out.clone();
        caches.push(cache);
    }
    (positional, caches)
}

/// Forward pass with the per-layer trace.
pub fn run(params: &Params, x: ArrayView2<f32>) -> CoreResult<Run> {
    check_input(params, x)?;
    let (positional, caches) = run_cached(params, x);
    let mut residual = vec![&x + &positional];
    let mut after_attention = Vec::with_capacity(caches.len());
    let mut attention = Vec::with_capacity(caches.len());
    for cache in caches {
        residual.push(cache.out);
        after_attention.push(cache.mid);
        attention.push(cache.attn);
    }
    let y = residual[residual.len() - 1].clone();
    Ok(Run {
        y,
        trace: Trace {
            positional,
            residual,
            after_attention,
            attention,
        },
    })
}

/// LayerNorm tangent, per row (p, τ) at position p:
/// du = γ ⊙ (dh − mean(dh) − x̂_p · mean(x̂_p ⊙ dh)) / σ_p.   dh: [P·T, d].
fn layer_norm_tangent(
    dh: ArrayView2<f32>,
    xhat: ArrayView2<f32>,
    inv_std: ArrayView1<f32>,
    gain: &Array1<f32>,
    tangents: usize,
) -> Array2<f32> {
    let d = dh.ncols();
    let mut du = dh.to_owned();
    for (p, mut block) in du.exact_chunks_mut((tangents, d)).into_iter().enumerate() {
        let (xh, s) = (xhat.row(p), inv_std[p]);
        for mut row in block.rows_mut() {
            let mean = row.sum() / d as f32;
            let proj = row.dot(&xh) / d as f32;
            Zip::from(&mut row)
                .and(&xh)
                .and(gain)
                .for_each(|r, &x, &g| {
                    *r = g * s * (*r - mean - x * proj);
                });
        }
    }
    du
}

/// Reshapes a freshly built (hence contiguous, row-major) array.
fn reshaped<D: ndarray::Dimension, E: ndarray::IntoDimension>(
    a: ndarray::Array<f32, D>,
    shape: E,
) -> ndarray::Array<f32, E::Dim> {
    a.into_shape_with_order(shape)
        .expect("invariant: a fresh array is contiguous")
}

/// Attention tangent of one head for tangents seeded at position `j` (P = L − j positions,
/// T tangents each) whose inputs dq, dk, dv are non-zero only at the first `support`
/// positions (S = 1 in the first block, where only x_j moved; S = P after). With
/// S = scale·QKᵀ and A = softmax(S) (rows with the max subtracted, which cancels):
///   dS[i, k] = scale·(dq_i·k_k + q_i·dk_k),   dA[i, k] = A[i, k](dS[i, k] − Σ_k' A[i, k']dS[i, k'])
///   dO_i = Σ_k dA[i, k] v_k + Σ_k A[i, k] dv_k
///        = Σ_k W[i, k](v_k − o_i) + Σ_k A[i, k] dv_k,   W = A ⊙ dS,
/// with W split into the query path (rows i < j + S, all keys) and the key path (keys
/// j ≤ k < j + S, all rows). dq, dk, dv: [S·T, d_head]; adds dO into `d_out` [P·T, d_head].
fn attention_tangent(
    (j, tangents, support, scale): (usize, usize, usize, f32),
    (a, query_jac): (ArrayView2<f32>, ArrayView3<f32>),
    (q, v, o): (ArrayView2<f32>, ArrayView2<f32>, ArrayView2<f32>),
    (dq, dk, dv): (ArrayView2<f32>, ArrayView2<f32>, ArrayView2<f32>),
    mut d_out: ArrayViewMut2<f32>,
) {
    let len = a.nrows();
    let (positions, t, dh) = (len - j, tangents, q.ncols());
    let a_scaled = a.slice(s![j.., j..j + support]).mapv(|w| w * scale); // [P, S]

    // Query path, rows p < S: Σ_k A[i,k]·scale·(dq_i·k_k)(v_k − o_i) = dq_i · N_i with the
    // per-query matrix N_i = scale·(Σ_k A[i,k] k_k v_kᵀ − k̄_i o_iᵀ) precomputed once.
    for p in 0..support {
        let rows = p * t..(p + 1) * t;
        let mut target = d_out.slice_mut(s![rows.clone(), ..]);
        general_mat_mul(
            1.0,
            &dq.slice(s![rows, ..]),
            &query_jac.index_axis(Axis(0), j + p),
            1.0,
            &mut target,
        );
    }

    // Key path: W_k[(p, τ), k'] = A[j+p, j+k']·scale·(q_{j+p}·dk_{(k', τ)}), k' < S.
    let g = reshaped(dk.dot(&q.slice(s![j.., ..]).t()), (support, t, positions)); // [(k', τ), p]
    let g = g.permuted_axes([2, 1, 0]); // [P, T, S]
    let a_keys = a_scaled.insert_axis(Axis(1)); // [P, 1, S]
    let mut w_k = Array3::<f32>::zeros((positions, t, support));
    Zip::from(&mut w_k)
        .and(&g)
        .and_broadcast(&a_keys)
        .for_each(|w, &g, &a| *w = a * g);
    let w_k = reshaped(w_k, (positions * t, support));
    let w_sum = w_k.sum_axis(Axis(1));
    general_mat_mul(1.0, &w_k, &v.slice(s![j..j + support, ..]), 1.0, &mut d_out);

    // − (Σ_k W[i, k]) o_i
    for (r, mut row) in d_out.rows_mut().into_iter().enumerate() {
        row.scaled_add(-w_sum[r], &o.row(j + r / t));
    }

    // Value path: + Σ_k A[i, k] dv_k = A[j.., j..j+S] · dV, one product [P, S]·[S, T·d_head].
    let dv_by_pos = reshaped(dv.to_owned(), (support, t * dh));
    let through_v = a.slice(s![j.., j..j + support]).dot(&dv_by_pos);
    d_out += &reshaped(through_v, (positions * t, dh));
}

/// Tangent of one block for tangents seeded at position j: dh [P·T, d] -> [P·T, d], where
/// dh is non-zero only in its first `support` positions.
fn layer_tangent(
    params: &Params,
    (layer, cache, jac): (&Layer, &LayerCache, &LayerJacobians),
    (j, tangents, support): (usize, usize, usize),
    dh_in: Array2<f32>,
) -> Array2<f32> {
    let d = params.d_model;
    let dh = params.config.d_head(d);
    let scale = scale_of(params);
    let rows = support * tangents;
    let du = layer_norm_tangent(
        dh_in.slice(s![..rows, ..]),
        cache.xhat1.slice(s![j..j + support, ..]),
        cache.inv_std1.slice(s![j..j + support]),
        &layer.ln1_gain,
        tangents,
    );
    let (dq, dk, dv) = (du.dot(&layer.wq), du.dot(&layer.wk), du.dot(&layer.wv)); // [S·T, d]
    let mut d_attn = Array2::<f32>::zeros(dh_in.raw_dim());
    for head in 0..params.config.heads {
        let c = s![.., head * dh..(head + 1) * dh];
        attention_tangent(
            (j, tangents, support, scale),
            (
                cache.attn.index_axis(Axis(0), head),
                jac.query.index_axis(Axis(0), head),
            ),
            (cache.q.slice(c), cache.v.slice(c), cache.attn_out.slice(c)),
            (dq.slice(c), dk.slice(c), dv.slice(c)),
            d_attn.slice_mut(c),
        );
    }
    // h ← h + O W_O
    let mut d_mid = dh_in + d_attn.dot(&layer.wo);
    // h ← h + MLP(LN₂(h)): d h ← dh · (I + J_i) per position, J_i precomputed.
    let mut d_out = d_mid.clone();
    for (p, block) in d_mid
        .exact_chunks_mut((tangents, d))
        .into_iter()
        .enumerate()
    {
        let mut target = d_out.slice_mut(s![p * tangents..(p + 1) * tangents, ..]);
        general_mat_mul(
            1.0,
            &block,
            &jac.mlp.index_axis(Axis(0), j + p),
            1.0,
            &mut target,
        );
    }
    d_out
}

/// Per-position Jacobian blocks of one layer, shared by every influence column.
struct LayerJacobians {
    /// N_i per head: scale·(Σ_k A[i,k] k_k v_kᵀ − k̄_i o_iᵀ), k̄_i = Σ_k A[i,k] k_k.
    /// [heads, L, d_head, d_head]
    query: Array4<f32>,
    /// J_i = L_i W₁ diag(GELU'(z_i)) W₂ with L_i the LN₂ Jacobian
    /// L_i[a, c] = γ_c (δ_ac − 1/d − x̂_a x̂_c/d)/σ (row-vector convention).  [L, d, d]
    mlp: Array3<f32>,
}

fn layer_jacobians(params: &Params, layer: &Layer, cache: &LayerCache) -> LayerJacobians {
    let (len, d) = cache.q.dim();
    let heads = params.config.heads;
    let dh = params.config.d_head(d);
    let scale = scale_of(params);
    let mut query = Array4::zeros((heads, len, dh, dh));
    for head in 0..heads {
        let c = s![.., head * dh..(head + 1) * dh];
        let (k, v, o) = (cache.k.slice(c), cache.v.slice(c), cache.attn_out.slice(c));
        let a = cache.attn.index_axis(Axis(0), head);
        let k_bar = a.dot(&k); // [L, d_head]
        for i in 0..len {
            // Σ_k A[i,k] k_k v_kᵀ over the unmasked keys k ≤ i.
            let weighted_k = &k.slice(s![..=i, ..]) * &a.slice(s![i, ..=i]).insert_axis(Axis(1));
            let mut n = weighted_k.t().dot(&v.slice(s![..=i, ..]));
            let outer = k_bar
                .row(i)
                .insert_axis(Axis(1))
                .dot(&o.row(i).insert_axis(Axis(0)));
            n -= &outer;
            n *= scale;
            query.slice_mut(s![head, i, .., ..]).assign(&n);
        }
    }
    let mut mlp = Array3::zeros((len, d, d));
    let inv_d = 1.0 / d as f32;
    for i in 0..len {
        let (xh, sigma_inv) = (cache.xhat2.row(i), cache.inv_std2[i]);
        let ln_jac = Array2::from_shape_fn((d, d), |(a, c)| {
            let delta = if a == c { 1.0 } else { 0.0 };
            layer.ln2_gain[c] * sigma_inv * (delta - inv_d - xh[a] * xh[c] * inv_d)
        });
        let mut hidden = ln_jac.dot(&layer.w1); // [d, 4d]
        let slope = cache.z.row(i).mapv(gelu_derivative);
        hidden *= &slope;
        mlp.index_axis_mut(Axis(0), i)
            .assign(&hidden.dot(&layer.w2));
    }
    LayerJacobians { query, mlp }
}

/// Exact I[i, j] = ‖∂y_i/∂x_j‖_F for j in `inputs`: [L, inputs.len()].
pub fn influence_columns(
    params: &Params,
    x: ArrayView2<f32>,
    inputs: Range<usize>,
) -> CoreResult<Array2<f32>> {
    InfluencePlan::new(params, x)?.columns(params, x, inputs)
}

/// What every influence column needs, computed once: the forward pass's caches and each block's
/// Jacobian pieces (at L = 64 they cost about as much as 20 columns). The Flow view computes a
/// matrix in slices between frames; with a plan only the first slice pays for them.
pub struct InfluencePlan {
    caches: Vec<LayerCache>,
    jacobians: Vec<LayerJacobians>,
}

impl InfluencePlan {
    /// The plan for `params` on `x`. Errors: the input checks of `forward`.
    pub fn new(params: &Params, x: ArrayView2<f32>) -> CoreResult<Self> {
        check_input(params, x)?;
        let (_, caches) = run_cached(params, x);
        let jacobians = params
            .layers
            .iter()
            .zip(&caches)
            .map(|(l, c)| layer_jacobians(params, l, c))
            .collect();
        Ok(InfluencePlan { caches, jacobians })
    }

    /// Columns `inputs` of the influence `[L, inputs.len()]`, for the same `params` and `x` the
    /// plan was made from. Errors: a range outside `0..L`, a different input shape or depth.
    pub fn columns(
        &self,
        params: &Params,
        x: ArrayView2<f32>,
        inputs: Range<usize>,
    ) -> CoreResult<Array2<f32>> {
        check_input(params, x)?;
        let len = x.nrows();
        check_columns(&inputs, len)?;
        let planned = self.caches.first().map_or(0, |c| c.xhat1.nrows());
        if self.caches.len() != params.layers.len() || planned != len {
            return Err(CoreError::Mismatch(Mismatch::InfluencePlan));
        }
        let d = params.d_model;
        let mut out = Array2::zeros((len, inputs.len()));
        for (col, j) in inputs.enumerate() {
            // Row p·d + τ = ∂h[j + p]/∂x_j[τ]; seeded with the identity at p = 0.  [(L − j)·d, d]
            let mut tangent = Array2::<f32>::zeros(((len - j) * d, d));
            tangent.slice_mut(s![..d, ..]).diag_mut().fill(1.0);
            // Before the first attention only position j has moved (support 1).
            let mut support = 1;
            for ((layer, cache), jac) in params.layers.iter().zip(&self.caches).zip(&self.jacobians)
            {
                tangent = layer_tangent(params, (layer, cache, jac), (j, d, support), tangent);
                support = len - j;
            }
            for (p, block) in tangent.exact_chunks((d, d)).into_iter().enumerate() {
                out[[j + p, col]] = block.iter().map(|v| v * v).sum::<f32>().sqrt();
            }
        }
        Ok(out)
    }
}

/// Whole influence matrix [L, L].
pub fn influence(params: &Params, x: ArrayView2<f32>) -> CoreResult<Array2<f32>> {
    influence_columns(params, x, 0..x.nrows())
}

/// Costs per block: 4·L·d² (Q, K, V, O) + 8·L·d² (MLP) + L(L+1)·d (causal scores and
/// weighted sum, all heads); one parallel step per block; the KV cache holds 2·layers·d
/// numbers per past token, so 2·layers·d·len to generate the next token.
pub fn cost(config: &Config, d_model: usize, len: usize) -> Cost {
    let (layers, d, n) = (config.layers as u64, d_model as u64, len as u64);
    Cost {
        multiply_adds: layers * (12 * n * d * d + n * (n + 1) * d),
        sequential_depth: layers,
        parallel_depth: layers,
        memory_floats_per_token: 2 * layers * d * n,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn random_x(len: usize, d: usize, seed: u64) -> Array2<f32> {
        normal_matrix(&mut rng_for(seed, "test/x"), len, d, 1.0)
    }

    /// Independent f64 re-implementation of the forward pass, written as plain loops from
    /// the equations in the module doc.
    fn reference(p: &Params, x: &Array2<f64>) -> Array2<f64> {
        let (len, d) = x.dim();
        let dh = d / p.config.heads;
        let scale = 1.0 / ((dh as f64).sqrt() * f64::from(p.config.temperature));
        let f = |a: &Array2<f32>| a.mapv(f64::from);
        let g = |a: &Array1<f32>| a.mapv(f64::from);
        let ln = |h: &Array2<f64>, gain: &Array1<f32>, bias: &Array1<f32>| {
            let mut u = h.clone();
            for mut row in u.rows_mut() {
                let m = row.sum() / d as f64;
                let var = row.iter().map(|v| (v - m).powi(2)).sum::<f64>() / d as f64;
                row.mapv_inplace(|v| (v - m) / (var + 1e-5).sqrt());
            }
            u * &g(gain) + &g(bias)
        };
        let gelu = |v: f64| {
            0.5 * v
                * (1.0 + ((2.0 / std::f64::consts::PI).sqrt() * (v + 0.044715 * v.powi(3))).tanh())
        };
        let mut h = x.clone();
        for pos in 0..len {
            for c in 0..d {
                let angle = pos as f64 / 10000f64.powf((2 * (c / 2)) as f64 / d as f64);
                h[[pos, c]] += if c % 2 == 0 { angle.sin() } else { angle.cos() };
            }
        }
        for l in &p.layers {
            let u = ln(&h, &l.ln1_gain, &l.ln1_bias);
            let (q, k, v) = (u.dot(&f(&l.wq)), u.dot(&f(&l.wk)), u.dot(&f(&l.wv)));
            let mut o = Array2::<f64>::zeros((len, d));
            for head in 0..p.config.heads {
                for i in 0..len {
                    let scores: Vec<f64> = (0..=i)
                        .map(|kk| {
                            (0..dh)
                                .map(|c| q[[i, head * dh + c]] * k[[kk, head * dh + c]])
                                .sum::<f64>()
                                * scale
                        })
                        .collect();
                    let max = scores.iter().cloned().fold(f64::NEG_INFINITY, f64::max);
                    let e: Vec<f64> = scores.iter().map(|s| (s - max).exp()).collect();
                    let total: f64 = e.iter().sum();
                    for c in 0..dh {
                        o[[i, head * dh + c]] = (0..=i)
                            .map(|kk| e[kk] / total * v[[kk, head * dh + c]])
                            .sum();
                    }
                }
            }
            h = &h + &o.dot(&f(&l.wo));
            let z = ln(&h, &l.ln2_gain, &l.ln2_bias).dot(&f(&l.w1)) + &g(&l.b1);
            h = &h + &(z.mapv(gelu).dot(&f(&l.w2)) + &g(&l.b2));
        }
        h
    }

    /// Central finite differences of `reference` (f64, eps 1e-6), ‖·‖_F per block.
    fn fd_influence(p: &Params, x: &Array2<f32>) -> Array2<f32> {
        let x = x.mapv(f64::from);
        let (len, d) = x.dim();
        let eps = 1e-6;
        let mut out = Array2::<f64>::zeros((len, len));
        for j in 0..len {
            for c in 0..d {
                let (mut plus, mut minus) = (x.clone(), x.clone());
                plus[[j, c]] += eps;
                minus[[j, c]] -= eps;
                let diff = (reference(p, &plus) - reference(p, &minus)) / (2.0 * eps);
                for i in 0..len {
                    out[[i, j]] += diff.row(i).iter().map(|v| v * v).sum::<f64>();
                }
            }
        }
        out.mapv(|v| v.sqrt() as f32)
    }

    #[test]
    fn attention_rows_sum_to_one_and_mask_is_exact() {
        let cfg = Config {
            layers: 3,
            heads: 4,
            temperature: 0.05,
        };
        let p = Params::init(&cfg, 8, 3).unwrap();
        let x = random_x(12, 8, 1) * 3.0;
        let r = run(&p, x.view()).unwrap();
        assert_eq!(r.trace.attention.len(), 3);
        for a in &r.trace.attention {
            assert_eq!(a.dim(), (4, 12, 12));
            for head in a.outer_iter() {
                for (i, row) in head.rows().into_iter().enumerate() {
                    assert!((row.sum() - 1.0).abs() < 1e-5);
                    assert!(row.iter().skip(i + 1).all(|&v| v == 0.0));
                    assert!(row.iter().all(|&v| v >= 0.0));
                }
            }
        }
        assert_eq!(r.trace.residual.len(), 4);
        assert_eq!(r.y, forward(&p, x.view()).unwrap());
    }

    #[test]
    fn single_position_attends_to_itself() {
        // L = 1: the only unmasked score is (0, 0), so softmax gives exactly 1 and the head
        // output is v_0; with one layer y = h + v_0 W_O + MLP(h + v_0 W_O).
        let cfg = Config {
            layers: 1,
            heads: 1,
            temperature: 1.0,
        };
        let p = Params::init(&cfg, 4, 0).unwrap();
        let x = random_x(1, 4, 2);
        let r = run(&p, x.view()).unwrap();
        assert_eq!(r.trace.attention[0][[0, 0, 0]], 1.0);
    }

    #[test]
    fn positional_encoding_by_hand() {
        // d = 4: column pairs use 10000^0 = 1 and 10000^{2/4} = 100.
        // pos 1: [sin 1, cos 1, sin 0.01, cos 0.01]; pos 0: [0, 1, 0, 1].
        let pe = positional_encoding(2, 4);
        let want = [
            [0.0, 1.0, 0.0, 1.0],
            [1f32.sin(), 1f32.cos(), 0.01f32.sin(), 0.01f32.cos()],
        ];
        for i in 0..2 {
            for c in 0..4 {
                assert!((pe[[i, c]] - want[i][c]).abs() < 1e-6);
            }
        }
        // Odd d: the last column is a sine. d = 3, pos 1, column 2: sin(1/10000^{2/3}).
        let pe = positional_encoding(2, 3);
        assert!((pe[[1, 2]] - (1.0 / 10000f32.powf(2.0 / 3.0)).sin()).abs() < 1e-6);
    }

    #[test]
    fn two_positions_by_hand() {
        // One layer, one head, d = 2, MLP switched off (W₂ = 0), W_Q = W_K = W_V = W_O = I.
        // LN of a 2-vector (a, b): x̂ = (±1, ∓1)·|a−b|/√((a−b)² + 4ε) ≈ sign pattern.
        // With h_0 = x_0 + PE_0, h_1 = x_1 + PE_1: u_i = LN(h_i), score s = u_1·u_k/√2,
        // A[1] = softmax(s_0, s_1), y_1 = h_1 + A[1,0] u_0 + A[1,1] u_1.
        let cfg = Config {
            layers: 1,
            heads: 1,
            temperature: 1.0,
        };
        let mut p = Params::init(&cfg, 2, 0).unwrap();
        let eye = Array2::<f32>::eye(2);
        let l = &mut p.layers[0];
        (l.wq, l.wk, l.wv, l.wo) = (eye.clone(), eye.clone(), eye.clone(), eye);
        l.w2.fill(0.0);
        let x = ndarray::array![[0.5f32, -0.5], [-1.0, 2.0]];
        let pe = [[0.0f64, 1.0], [1f64.sin(), 1f64.cos()]];
        let h: Vec<[f64; 2]> = (0..2)
            .map(|i| {
                [
                    f64::from(x[[i, 0]]) + pe[i][0],
                    f64::from(x[[i, 1]]) + pe[i][1],
                ]
            })
            .collect();
        let ln = |v: [f64; 2]| {
            let m = (v[0] + v[1]) / 2.0;
            let var = ((v[0] - m).powi(2) + (v[1] - m).powi(2)) / 2.0;
            let s = (var + 1e-5).sqrt();
            [(v[0] - m) / s, (v[1] - m) / s]
        };
        let (u0, u1) = (ln(h[0]), ln(h[1]));
        let s0 = (u1[0] * u0[0] + u1[1] * u0[1]) / 2f64.sqrt();
        let s1 = (u1[0] * u1[0] + u1[1] * u1[1]) / 2f64.sqrt();
        let a10 = 1.0 / (1.0 + (s1 - s0).exp());
        let y = forward(&p, x.view()).unwrap();
        for c in 0..2 {
            let want1 = h[1][c] + a10 * u0[c] + (1.0 - a10) * u1[c];
            assert!((f64::from(y[[1, c]]) - want1).abs() < 1e-5, "{c}");
            let want0 = h[0][c] + u0[c];
            assert!((f64::from(y[[0, c]]) - want0).abs() < 1e-5);
        }
        let r = run(&p, x.view()).unwrap();
        assert!((f64::from(r.trace.attention[0][[0, 1, 0]]) - a10).abs() < 1e-6);
    }

    #[test]
    fn invalid_inputs_give_typed_errors() {
        assert!(matches!(
            Params::init(
                &Config {
                    heads: 3,
                    ..Config::default()
                },
                8,
                0
            ),
            Err(CoreError::HeadsDoNotDivide {
                heads: 3,
                d_model: 8
            })
        ));
        for cfg in [
            Config {
                temperature: 0.01,
                ..Config::default()
            },
            Config {
                temperature: 11.0,
                ..Config::default()
            },
            Config {
                temperature: f32::NAN,
                ..Config::default()
            },
            Config {
                heads: 0,
                ..Config::default()
            },
            Config {
                heads: 5,
                ..Config::default()
            },
            Config {
                layers: 0,
                ..Config::default()
            },
            Config {
                layers: 5,
                ..Config::default()
            },
        ] {
            assert!(matches!(
                Params::init(&cfg, 8, 0),
                Err(CoreError::OutOfRange { .. })
            ));
        }
        let p = Params::init(&Config::default(), 4, 0).unwrap();
        let empty = Array2::<f32>::zeros((0, 4));
        assert_eq!(forward(&p, empty.view()), Err(CoreError::EmptyInput));
        assert_eq!(
            influence(&p, empty.view()).unwrap_err(),
            CoreError::EmptyInput
        );
        let mut x = Array2::<f32>::zeros((2, 4));
        x[[0, 3]] = f32::NAN;
        assert_eq!(
            run(&p, x.view()).unwrap_err(),
            CoreError::NonFinite { what: "x" }
        );
        let ok = Array2::<f32>::zeros((2, 4));
        #[allow(clippy::reversed_empty_ranges)]
        let backwards = 2..1;
        assert!(matches!(
            influence_columns(&p, ok.view(), backwards),
            Err(CoreError::Shape { .. })
        ));
        let wide = Array2::<f32>::zeros((2, 5));
        assert!(matches!(
            forward(&p, wide.view()),
            Err(CoreError::Shape { .. })
        ));
    }

    #[test]
    fn sliced_forward_equals_one_shot_forward_exactly() {
        // L = 600: two whole row blocks and a partial one, per head and layer; d = 16, 2 heads.
        let p = Params::init(&Config::default(), 16, 3).unwrap();
        for len in [1, 5, 600] {
            let x = random_x(len, 16, 4);
            let mut sliced = SlicedForward::new(&p, x.view()).unwrap();
            let mut slices = 0;
            while !sliced.step(&p).unwrap() {
                slices += 1;
                assert!(sliced.output(&p).is_none());
            }
            slices += 1;
            // 2 layers × (Q,K,V + 2 heads × ⌈len / 256⌉ row blocks + W_O and MLP).
            assert_eq!(slices, 2 * (2 + 2 * len.div_ceil(256)), "len {len}");
            assert_eq!(slices, SlicedForward::slices_per_pass(&p, len));
            let y = sliced.output(&p).unwrap().clone();
            assert_eq!(y, forward(&p, x.view()).unwrap(), "len {len}");
            // A finished pass stays finished.
            assert!(sliced.step(&p).unwrap());
            assert_eq!(sliced.output(&p), Some(&y));
            // And it is the transformer of the equations (independent f64 loops).
            let want = reference(&p, &x.mapv(f64::from));
            let err = (&y.mapv(f64::from) - &want)
                .iter()
                .fold(0f64, |m, v| m.max(v.abs()));
            assert!(err < 1e-4, "len {len}: {err}");
        }
    }

    #[test]
    fn sliced_forward_rejects_params_of_another_width() {
        let p16 = Params::init(&Config::default(), 16, 3).unwrap();
        let p8 = Params::init(&Config::default(), 8, 3).unwrap();
        let mut sliced = SlicedForward::new(&p16, random_x(4, 16, 1).view()).unwrap();
        assert!(matches!(sliced.step(&p8), Err(CoreError::Mismatch(_))));
        assert!(SlicedForward::new(&p16, random_x(4, 8, 1).view()).is_err());
    }

    #[test]
    fn blocked_forward_matches_traced_run_at_long_length() {
        // L > ROW_BLOCK exercises the blocked attention of the trace-free forward pass.
        let p = Params::init(&Config::default(), 4, 8).unwrap();
        let x = random_x(300, 4, 9);
        let y = forward(&p, x.view()).unwrap();
        let r = run(&p, x.view()).unwrap();
        let err = (&y - &r.y).iter().fold(0f32, |m, v| m.max(v.abs()));
        assert!(err < 1e-5, "{err}");
    }

    #[test]
    fn columns_match_whole_and_cost() {
        let p = Params::init(&Config::default(), 4, 5).unwrap();
        let x = random_x(7, 4, 6);
        let whole = influence(&p, x.view()).unwrap();
        assert_eq!(
            influence_columns(&p, x.view(), 2..5).unwrap(),
            whole.slice(s![.., 2..5])
        );
        let c = cost(&Config::default(), 4, 7);
        assert_eq!(c.multiply_adds, 2 * (12 * 7 * 16 + 7 * 8 * 4));
        assert_eq!(c.memory_floats_per_token, 2 * 2 * 4 * 7);
    }

    #[test]
    fn one_plan_serves_every_column_range_and_matches_finite_differences() {
        let p = Params::init(&Config::default(), 4, 9).unwrap();
        let x = random_x(6, 4, 2);
        let plan = InfluencePlan::new(&p, x.view()).unwrap();
        let fd = fd_influence(&p, &x);
        // Reused across calls in any order, as the Flow view's slices do.
        for range in [3..6, 0..1, 1..3, 4..4] {
            let cols = plan.columns(&p, x.view(), range.clone()).unwrap();
            for (k, j) in range.enumerate() {
                for i in 0..6 {
                    let (ours, want) = (cols[[i, k]], fd[[i, j]]);
                    assert!(
                        (ours - want).abs() <= 2e-3 * (1.0 + want.abs()),
                        "I[{i},{j}] {ours} vs {want}"
                    );
                }
            }
        }
        // A plan for another sentence length is refused, not misread.
        let longer = random_x(7, 4, 2);
        assert!(plan.columns(&p, longer.view(), 0..1).is_err());
        assert!(plan.columns(&p, x.view(), 5..7).is_err());
    }

    fn heads_and_d() -> impl Strategy<Value = (usize, usize)> {
        (1usize..=4).prop_flat_map(|d| {
            let divisors: Vec<usize> = (1..=4).filter(|h| d % h == 0).collect();
            (proptest::sample::select(divisors), Just(d))
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(40))]

        #[test]
        fn influence_matches_finite_differences(
            len in 1usize..=6, (heads, d) in heads_and_d(), layers in 1usize..=2,
            temperature in 0.5f32..3.0, seed in 0u64..1000,
        ) {
            let p = Params::init(&Config { layers, heads, temperature }, d, seed).unwrap();
            let x = random_x(len, d, seed + 3);
            let exact = influence(&p, x.view()).unwrap();
            let y = forward(&p, x.view()).unwrap();
            let y_ref = reference(&p, &x.mapv(f64::from));
            for (a, b) in y.iter().zip(y_ref.iter()) {
                prop_assert!((f64::from(*a) - b).abs() < 1e-3 * (1.0 + b.abs()), "{} vs {}", a, b);
            }
            let fd = fd_influence(&p, &x);
            for ((i, j), &e) in exact.indexed_iter() {
                let f = fd[[i, j]];
                prop_assert!((e - f).abs() <= 1e-3 + 1e-2 * f.abs(), "({},{}) {} vs {}", i, j, e, f);
                if j > i {
                    prop_assert_eq!(e, 0.0);
                }
            }
        }

        #[test]
        fn random_configs_never_panic(
            len in 1usize..=10, d in 1usize..=8, heads in 0usize..=5, layers in 0usize..=5,
            temperature in 0.0f32..12.0, scale in -100.0f32..100.0,
        ) {
            match Params::init(&Config { layers, heads, temperature }, d, 1) {
                Err(e) => {
                    let typed = matches!(e, CoreError::OutOfRange { .. } | CoreError::HeadsDoNotDivide { .. });
                    prop_assert!(typed);
                }
                Ok(p) => {
                    let x = random_x(len, d, 2) * scale;
                    let inf = influence(&p, x.view()).unwrap();
                    prop_assert_eq!(inf.dim(), (len, len));
                }
            }
        }
    }
}
