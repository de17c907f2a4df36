//! The six families made trainable: token embedding `[vocab, d]` → the family's block (the
//! same `Params` the other views run) → output head `[d, vocab]`.
//!
//! Each family's weights are flattened into tape leaves (`[rows, cols]` matrices laid out as
//! the block multiplies them, e.g. `Uᵀ` for the RNN) and rebuilt into the family's `Params`
//! afterwards, so a trained model is run by the existing `forward`, `run` and `influence`.
//! The tests check that the differentiable block equals the family's own `forward`.

use ndarray::{s, Array1, Array2, Array3, Axis};
use num_complex::Complex32;

use super::tape::{Tape, Unary, Var};
use crate::error::{CoreError, CoreResult, Mismatch};
use crate::models::family::{Family, ModelConfig, ModelParams};
use crate::models::{cnn, linear_rnn, mamba, rnn, s4d, transformer};
use crate::rng::{normal_matrix, rng_for};

/// The configuration and width trained for `family`, chosen so every model has ≈ 2–5 k
/// parameters with a 16-token vocabulary (the counts are shown in the view).
pub fn learn_config(family: Family) -> (ModelConfig, usize) {
    match family {
        // RF = 1 + 2·(1 + 2 + 4) = 15 positions.
        Family::Cnn => (
            ModelConfig::Cnn(cnn::Config {
                layers: 3,
                kernel: 3,
                dilation: cnn::Dilation::Exponential,
                activation: cnn::Activation::Gelu,
                residual: true,
            }),
            16,
        ),
        Family::Transformer => (
            ModelConfig::Transformer(transformer::Config {
                layers: 2,
                heads: 2,
                temperature: 1.0,
            }),
            12,
        ),
        Family::Rnn => (
            ModelConfig::Rnn(rnn::Config {
                hidden: 32,
                spectral_radius: 0.9,
            }),
            16,
        ),
        Family::LinearRnn => (
            ModelConfig::LinearRnn(linear_rnn::Config {
                states: 16,
                r: 0.9,
                theta: 0.3,
                spread: true,
                residual: true,
                by_scan: false,
            }),
            16,
        ),
        Family::S4d => (
            ModelConfig::S4d(s4d::Config {
                variant: s4d::Variant::Real,
                states: 16,
                delta: 0.1,
                form: s4d::Form::Recurrence,
            }),
            32,
        ),
        Family::Mamba => (
            ModelConfig::Mamba(mamba::Config {
                expand: 2,
                d_state: 8,
                dt_rank: None,
                d_conv: 4,
                delta_bias_shift: 0.0,
                selectivity: 1.0,
            }),
            16,
        ),
    }
}

/// The largest gap (distance from a position back to a token it can see, 0 = itself) of `layers`
/// stacked blocks of a CNN: each block's receptive field RF covers distances 0 … RF − 1, so the
/// stack sees back `layers · (RF − 1)` and no further. The Learn CNN (RF = 15) sees distances
/// 0–14: delayed copy with k ≥ 15 is out of its reach. None for the other families.
pub fn cnn_largest_gap(config: &ModelConfig, layers: usize) -> Option<usize> {
    match config {
        ModelConfig::Cnn(c) => Some(layers * (cnn::receptive_field(c) - 1)),
        _ => None,
    }
}

/// Leaves 0, 1, 2: embedding `[vocab, d]`, head weight `[d, vocab]`, head bias `[1, vocab]`.
pub const HEAD_LEAVES: usize = 3;

/// A trainable model: its leaves and which of them the optimiser may change.
#[derive(Debug, Clone)]
pub struct Trainable {
    pub family: Family,
    pub config: ModelConfig,
    pub d_model: usize,
    pub vocab: usize,
    /// Blocks of the family stacked (1 unless a preset asks for 2); block l's leaves are
    /// `leaves[HEAD_LEAVES + l·per_layer ..][..per_layer]`.
    pub layers: usize,
    /// Leaves per block.
    pub per_layer: usize,
    pub leaves: Vec<Array2<f32>>,
    /// Leaves kept fixed (S4D's B: only the product C·B matters for one input channel).
    pub frozen: Vec<bool>,
}

fn row(v: &Array1<f32>) -> Array2<f32> {
    v.clone().insert_axis(Axis(0))
}

fn unrow(m: &Array2<f32>) -> Array1<f32> {
    m.row(0).to_owned()
}

fn re(m: &Array2<Complex32>) -> Array2<f32> {
    m.mapv(|v| v.re)
}

fn im(m: &Array2<Complex32>) -> Array2<f32> {
    m.mapv(|v| v.im)
}

fn concat_cols(a: &Array2<f32>, b: &Array2<f32>) -> Array2<f32> {
    ndarray::concatenate(Axis(1), &[a.view(), b.view()]).unwrap_or_else(|_| a.clone())
}

fn concat_rows(a: &Array2<f32>, b: &Array2<f32>) -> Array2<f32> {
    ndarray::concatenate(Axis(0), &[a.view(), b.view()]).unwrap_or_else(|_| a.clone())
}

/// The family's weights as leaves (and their frozen flags).
pub fn family_leaves(params: &ModelParams) -> (Vec<Array2<f32>>, Vec<bool>) {
    let mut leaves = Vec::new();
    let mut frozen = Vec::new();
    let mut put = |m: Array2<f32>, fixed: bool| {
        leaves.push(m);
        frozen.push(fixed);
    };
    match params {
        ModelParams::Cnn(p) => {
            for (w, b) in p.weights.iter().zip(&p.biases) {
                for tap in w.axis_iter(Axis(0)) {
                    put(tap.to_owned(), false);
                }
                put(row(b), false);
            }
        }
        ModelParams::Transformer(p) => {
            for l in &p.layers {
                put(row(&l.ln1_gain), false);
                put(row(&l.ln1_bias), false);
                put(l.wq.clone(), false);
                put(l.wk.clone(), false);
                put(l.wv.clone(), false);
                put(l.wo.clone(), false);
                put(row(&l.ln2_gain), false);
                put(row(&l.ln2_bias), false);
                put(l.w1.clone(), false);
                put(row(&l.b1), false);
                put(l.w2.clone(), false);
                put(row(&l.b2), false);
            }
        }
        ModelParams::Rnn(p) => {
            put(p.u.t().to_owned(), false);
            put(row(&p.b), false);
            put(p.w.clone(), false);
            put(p.v.t().to_owned(), false);
            put(row(&p.c), false);
        }
        ModelParams::LinearRnn(p) => {
            // u = x [B_reᵀ | B_imᵀ];  z = [h_re | h_im] [C_reᵀ ; −C_imᵀ]
            put(
                concat_cols(&re(&p.b).t().to_owned(), &im(&p.b).t().to_owned()),
                false,
            );
            let lam_re = p.lambda.mapv(|v| v.re);
            let lam_im = p.lambda.mapv(|v| v.im);
            put(concat_cols(&row(&lam_re), &row(&lam_im)), false);
            put(
                concat_rows(&re(&p.c).t().to_owned(), &(-im(&p.c)).t().to_owned()),
                false,
            );
            put(p.w1.t().to_owned(), false);
            put(row(&p.b1), false);
            put(p.w2.t().to_owned(), false);
            put(row(&p.b2), false);
        }
        ModelParams::S4d(p) => {
            put(re(&p.a), false);
            put(re(&p.b), true);
            put(re(&p.c), false);
            put(row(&p.d_skip), false);
            put(row(&p.delta), false);
            put(p.w_out.t().to_owned(), false);
            put(row(&p.b_out), false);
        }
        ModelParams::Mamba(p) => {
            put(p.in_proj_x.clone(), false);
            put(p.in_proj_z.clone(), false);
            // reversed taps: tap k of the tape's conv multiplies xi[t − k]
            let k = p.conv_weight.nrows();
            put(p.conv_weight.slice(s![..;-1, ..]).to_owned(), false);
            let _ = k;
            put(row(&p.conv_bias), false);
            put(p.x_proj_dt.clone(), false);
            put(p.x_proj_b.clone(), false);
            put(p.x_proj_c.clone(), false);
            put(p.dt_proj_weight.clone(), false);
            put(row(&p.dt_proj_bias), false);
            put(p.a_log.clone(), false);
            put(row(&p.d_skip), false);
            put(p.out_proj.clone(), false);
        }
    }
    (leaves, frozen)
}

/// Rebuilds the family's `Params` from its leaves (the inverse of [`family_leaves`]).
pub fn params_from_leaves(
    config: &ModelConfig,
    d_model: usize,
    leaves: &[Array2<f32>],
) -> CoreResult<ModelParams> {
    let bad = || CoreError::Mismatch(Mismatch::Weights);
    let get = |i: usize| leaves.get(i).ok_or_else(bad);
    Ok(match config {
        ModelConfig::Cnn(c) => {
            let k = c.kernel;
            let mut weights = Vec::new();
            let mut biases = Vec::new();
            for l in 0..c.layers {
                let base = l * (k + 1);
                let mut w = Array3::zeros((k, d_model, d_model));
                for tap in 0..k {
                    w.index_axis_mut(Axis(0), tap).assign(get(base + tap)?);
                }
                weights.push(w);
                biases.push(unrow(get(base + k)?));
            }
            ModelParams::Cnn(cnn::Params {
                config: c.clone(),
                d_model,
                weights,
                biases,
            })
        }
        ModelConfig::Transformer(c) => {
            let mut layers = Vec::new();
            for l in 0..c.layers {
                let b = l * 12;
                layers.push(transformer::Layer {
                    ln1_gain: unrow(get(b)?),
                    ln1_bias: unrow(get(b + 1)?),
                    wq: get(b + 2)?.clone(),
                    wk: get(b + 3)?.clone(),
                    wv: get(b + 4)?.clone(),
                    wo: get(b + 5)?.clone(),
                    ln2_gain: unrow(get(b + 6)?),
                    ln2_bias: unrow(get(b + 7)?),
                    w1: get(b + 8)?.clone(),
                    b1: unrow(get(b + 9)?),
                    w2: get(b + 10)?.clone(),
                    b2: unrow(get(b + 11)?),
                });
            }
            ModelParams::Transformer(transformer::Params {
                config: c.clone(),
                d_model,
                layers,
            })
        }
        ModelConfig::Rnn(c) => ModelParams::Rnn(rnn::Params {
            config: c.clone(),
            d_model,
            u: get(0)?.t().to_owned(),
            b: unrow(get(1)?),
            w: get(2)?.clone(),
            v: get(3)?.t().to_owned(),
            c: unrow(get(4)?),
        }),
        ModelConfig::LinearRnn(c) => {
            let n = c.states;
            let wb = get(0)?;
            let lam = get(1)?;
            let wc = get(2)?;
            let complex = |r: Array2<f32>, i: Array2<f32>| {
                ndarray::Zip::from(&r)
                    .and(&i)
                    .map_collect(|&r, &i| Complex32::new(r, i))
            };
            let b = complex(
                wb.slice(s![.., ..n]).t().to_owned(),
                wb.slice(s![.., n..]).t().to_owned(),
            );
            let cm = complex(
                wc.slice(s![..n, ..]).t().to_owned(),
                -wc.slice(s![n.., ..]).t().to_owned(),
            );
            let lambda = Array1::from_shape_fn(n, |j| Complex32::new(lam[[0, j]], lam[[0, n + j]]));
            ModelParams::LinearRnn(linear_rnn::Params {
                config: c.clone(),
                d_model,
                lambda,
                b,
                c: cm,
                w1: get(3)?.t().to_owned(),
                b1: unrow(get(4)?),
                w2: get(5)?.t().to_owned(),
                b2: unrow(get(6)?),
            })
        }
        ModelConfig::S4d(c) => {
            let real = |m: &Array2<f32>| m.mapv(|v| Complex32::new(v, 0.0));
            ModelParams::S4d(s4d::Params {
                config: c.clone(),
                d_model,
                a: real(get(0)?),
                b: real(get(1)?),
                c: real(get(2)?),
                d_skip: unrow(get(3)?),
                delta: unrow(get(4)?),
                w_out: get(5)?.t().to_owned(),
                b_out: unrow(get(6)?),
            })
        }
        ModelConfig::Mamba(c) => ModelParams::Mamba(mamba::Params {
            config: c.clone(),
            d_model,
            in_proj_x: get(0)?.clone(),
            in_proj_z: get(1)?.clone(),
            conv_weight: get(2)?.slice(s![..;-1, ..]).to_owned(),
            conv_bias: unrow(get(3)?),
            x_proj_dt: get(4)?.clone(),
            x_proj_b: get(5)?.clone(),
            x_proj_c: get(6)?.clone(),
            dt_proj_weight: get(7)?.clone(),
            dt_proj_bias: unrow(get(8)?),
            a_log: get(9)?.clone(),
            d_skip: unrow(get(10)?),
            out_proj: get(11)?.clone(),
        }),
    })
}

/// Keeps the weights where the family is defined and stable after an optimiser step:
/// |λ| ≤ 0.999 (linear RNN), A ≤ −10⁻³ and Δ ∈ [10⁻³, 10] (S4D, its validated range).
pub fn project(config: &ModelConfig, leaves: &mut [Array2<f32>]) {
    match config {
        ModelConfig::LinearRnn(c) => {
            let n = c.states;
            if let Some(lam) = leaves.get_mut(1) {
                for j in 0..n {
                    let (r, i) = (lam[[0, j]], lam[[0, n + j]]);
                    let modulus = (r * r + i * i).sqrt();
                    if modulus > 0.999 {
                        let f = 0.999 / modulus;
                        lam[[0, j]] = r * f;
                        lam[[0, n + j]] = i * f;
                    }
                }
            }
        }
        ModelConfig::S4d(_) => {
            if let Some(a) = leaves.get_mut(0) {
                a.mapv_inplace(|v| v.min(-1e-3));
            }
            if let Some(delta) = leaves.get_mut(4) {
                delta.mapv_inplace(|v| v.clamp(1e-3, 10.0));
            }
        }
        _ => {}
    }
}

/// The family block on the tape: x `[L·batch, d]` (time-major) → y `[L·batch, d]`.
pub fn block(
    tape: &mut Tape,
    config: &ModelConfig,
    d_model: usize,
    w: &[Var],
    x: Var,
    batch: usize,
) -> Var {
    let rows = tape.value(x).nrows();
    let len = rows / batch.max(1);
    match config {
        ModelConfig::Cnn(c) => {
            let k = c.kernel;
            let act = match c.activation {
                cnn::Activation::Silu => Unary::Silu,
                _ => Unary::Gelu,
            };
            let mut h = x;
            for l in 0..c.layers {
                let base = l * (k + 1);
                let dil = c.dilation_of(l);
                // z[t] = Σ_m h[t − m·dil] W_m + b
                let mut z: Option<Var> = None;
                for m in 0..k {
                    let shift = m.saturating_mul(dil);
                    if shift >= len {
                        break;
                    }
                    let shifted = if shift == 0 {
                        h
                    } else {
                        tape.shift(h, shift, batch)
                    };
                    let term = tape.matmul(shifted, w[base + m]);
                    z = Some(match z {
                        Some(acc) => tape.add(acc, term),
                        None => term,
                    });
                }
                let z = z.unwrap_or(h);
                let z = tape.add_row(z, w[base + k]);
                let a = tape.unary(z, act);
                h = if c.residual { tape.add(h, a) } else { a };
            }
            h
        }
        ModelConfig::Transformer(c) => {
            let pe = transformer::positional_encoding(len, d_model);
            let mut pe_rows = Array2::zeros((rows, d_model));
            for t in 0..len {
                for b in 0..batch {
                    pe_rows.row_mut(t * batch + b).assign(&pe.row(t));
                }
            }
            let pe = tape.leaf(pe_rows);
            let mut h = tape.add(x, pe);
            let scale = 1.0 / ((c.d_head(d_model) as f32).sqrt() * c.temperature);
            for l in 0..c.layers {
                let p = &w[l * 12..(l + 1) * 12];
                let n1 = tape.normalize(h);
                let u = tape.mul_row(n1, p[0]);
                let u = tape.add_row(u, p[1]);
                let q = tape.matmul(u, p[2]);
                let k = tape.matmul(u, p[3]);
                let v = tape.matmul(u, p[4]);
                let att = tape.attention(q, k, v, c.heads, batch, scale);
                let proj = tape.matmul(att, p[5]);
                let mid = tape.add(h, proj);
                let n2 = tape.normalize(mid);
                let u2 = tape.mul_row(n2, p[6]);
                let u2 = tape.add_row(u2, p[7]);
                let z = tape.matmul(u2, p[8]);
                let z = tape.add_row(z, p[9]);
                let g = tape.unary(z, Unary::Gelu);
                let m = tape.matmul(g, p[10]);
                let m = tape.add_row(m, p[11]);
                h = tape.add(mid, m);
            }
            h
        }
        ModelConfig::Rnn(_) => {
            let pre = tape.matmul(x, w[0]);
            let pre = tape.add_row(pre, w[1]);
            let h = tape.tanh_rnn(pre, w[2], batch);
            let y = tape.matmul(h, w[3]);
            tape.add_row(y, w[4])
        }
        ModelConfig::LinearRnn(c) => {
            let u = tape.matmul(x, w[0]);
            let h = tape.complex_scan(u, w[1], batch);
            let z = tape.matmul(h, w[2]);
            let a = tape.matmul(z, w[3]);
            let a = tape.add_row(a, w[4]);
            let a = tape.unary(a, Unary::Gelu);
            let y = tape.matmul(a, w[5]);
            let y = tape.add_row(y, w[6]);
            if c.residual {
                tape.add(y, z)
            } else {
                y
            }
        }
        ModelConfig::S4d(_) => {
            let kernel = tape.s4d_kernel(w[0], w[1], w[2], w[4], len);
            let conv = tape.depthwise_conv(x, kernel, batch);
            let skip = tape.mul_row(x, w[3]);
            let s = tape.add(conv, skip);
            let g = tape.unary(s, Unary::Gelu);
            let y = tape.matmul(g, w[5]);
            tape.add_row(y, w[6])
        }
        ModelConfig::Mamba(c) => {
            let xi = tape.matmul(x, w[0]);
            let z = tape.matmul(x, w[1]);
            let conv = tape.depthwise_conv(xi, w[2], batch);
            let conv = tape.add_row(conv, w[3]);
            let u = tape.unary(conv, Unary::Silu);
            let bm = tape.matmul(u, w[5]);
            let cm = tape.matmul(u, w[6]);
            // Eqn (s_Δ): Δ = softplus(u W_xΔ (selectivity·W_Δ) + b_Δ + shift)
            let low = tape.matmul(u, w[4]);
            let dt_w = tape.scale(w[7], c.selectivity);
            let dt = tape.matmul(low, dt_w);
            let mut dt = tape.add_row(dt, w[8]);
            if c.delta_bias_shift != 0.0 {
                let di = tape.value(w[8]).ncols();
                let shift = tape.leaf(Array2::from_elem((1, di), c.delta_bias_shift));
                dt = tape.add_row(dt, shift);
            }
            let delta = tape.unary(dt, Unary::Softplus);
            let ys = tape.selective_scan(delta, u, w[9], bm, cm, batch);
            let skip = tape.mul_row(u, w[10]);
            let ssm = tape.add(ys, skip);
            let gate = tape.unary(z, Unary::Silu);
            let gated = tape.mul(ssm, gate);
            let out = tape.matmul(gated, w[11]);
            tape.add(x, out)
        }
    }
}

impl Trainable {
    /// A fresh model for `family` over `vocab` tokens: the family's own initialisation
    /// under `seed`, embedding N(0, 1), head N(0, 1/d) (labels `learn/embed`, `learn/head`).
    pub fn new(family: Family, vocab: usize, seed: u64) -> CoreResult<Trainable> {
        let (config, d_model) = learn_config(family);
        Trainable::with_config(config, d_model, vocab, seed)
    }

    /// A fresh model of `layers` stacked blocks of `config`'s family, width `d_model`. Block 0
    /// is initialised from `seed` as a one-block model, block l from `seed + l·1000003`. From
    /// the second block on, a family whose block has no path from its input to its output
    /// (RNN, linear RNN, S4D) gets one, `h ← h + block(h)`, as Mamba, the CNN and the
    /// transformer have inside their blocks.
    pub fn stacked(
        config: ModelConfig,
        d_model: usize,
        layers: usize,
        vocab: usize,
        seed: u64,
    ) -> CoreResult<Trainable> {
        let mut model = Trainable::with_config(config.clone(), d_model, vocab, seed)?;
        for l in 1..layers.max(1) {
            let params = config.init(d_model, seed.wrapping_add(l as u64 * 1_000_003))?;
            let (leaves, frozen) = family_leaves(&params);
            model.leaves.extend(leaves);
            model.frozen.extend(frozen);
            model.layers += 1;
        }
        Ok(model)
    }

    /// A fresh model of the family of `config` with width `d_model` (e.g. a preset's sizes).
    pub fn with_config(
        config: ModelConfig,
        d_model: usize,
        vocab: usize,
        seed: u64,
    ) -> CoreResult<Trainable> {
        let family = config.family();
        let params = config.init(d_model, seed)?;
        let (family_leaves, family_frozen) = family_leaves(&params);
        let embed = normal_matrix(&mut rng_for(seed, "learn/embed"), vocab, d_model, 1.0);
        let head = normal_matrix(
            &mut rng_for(seed, "learn/head"),
            d_model,
            vocab,
            1.0 / (d_model as f32).sqrt(),
        );
        let mut leaves = vec![embed, head, Array2::zeros((1, vocab))];
        let per_layer = family_leaves.len();
        leaves.extend(family_leaves);
        let mut frozen = vec![false; HEAD_LEAVES];
        frozen.extend(family_frozen);
        Ok(Trainable {
            family,
            config,
            d_model,
            vocab,
            layers: 1,
            per_layer,
            leaves,
            frozen,
        })
    }

    /// Number of trained parameters (frozen leaves not counted).
    pub fn parameter_count(&self) -> usize {
        self.leaves
            .iter()
            .zip(&self.frozen)
            .filter(|(_, &f)| !f)
            .map(|(l, _)| l.len())
            .sum()
    }

    /// Puts every leaf on the tape and builds the logits `[L·batch, vocab]`.
    pub fn logits(&self, tape: &mut Tape, tokens: &[usize], batch: usize) -> (Vec<Var>, Var) {
        let vars: Vec<Var> = self.leaves.iter().map(|l| tape.leaf(l.clone())).collect();
        let x = tape.gather(vars[0], tokens);
        let mut y = x;
        for l in 0..self.layers {
            let w = &vars[HEAD_LEAVES + l * self.per_layer..][..self.per_layer];
            let out = block(tape, &self.config, self.d_model, w, y, batch);
            let own_skip = matches!(
                self.config,
                ModelConfig::Mamba(_) | ModelConfig::Cnn(_) | ModelConfig::Transformer(_)
            );
            y = if l == 0 || own_skip {
                out
            } else {
                tape.add(y, out)
            };
        }
        let logits = tape.matmul(y, vars[1]);
        let logits = tape.add_row(logits, vars[2]);
        (vars, logits)
    }

    /// The family's weights as its `Params`, for the Flow and Fading views (of a stacked
    /// model, the first block: what it does to the embedded tokens).
    pub fn params(&self) -> CoreResult<ModelParams> {
        self.layer_params(0)
    }

    /// Block `l`'s weights as the family's `Params`.
    pub fn layer_params(&self, l: usize) -> CoreResult<ModelParams> {
        let start = HEAD_LEAVES + l * self.per_layer;
        let end = start + self.per_layer;
        let leaves = self.leaves.get(start..end).ok_or(CoreError::OutOfRange {
            param: "block",
            value: l as f64,
            min: 0.0,
            max: self.layers.saturating_sub(1) as f64,
        })?;
        params_from_leaves(&self.config, self.d_model, leaves)
    }

    /// Keeps every block's weights where the family is defined (see [`project`]).
    pub fn project(&mut self) {
        let per = self.per_layer.max(1);
        for chunk in self.leaves[HEAD_LEAVES..].chunks_mut(per) {
            project(&self.config, chunk);
        }
    }

    /// The embedded tokens `[L, d]`: the input the family block sees.
    pub fn embed(&self, tokens: &[usize]) -> Array2<f32> {
        let mut x = Array2::zeros((tokens.len(), self.d_model));
        for (mut r, &t) in x.rows_mut().into_iter().zip(tokens) {
            if t < self.vocab {
                r.assign(&self.leaves[0].row(t));
            }
        }
        x
    }
}
