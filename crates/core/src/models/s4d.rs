//! S4D: diagonal state-space layer (A. Gu, A. Gupta, K. Goel, C. Ré, "On the parameterization
//! and initialization of diagonal state space models", NeurIPS 2022).
//!
//! Every channel `d` of `x: [L, D]` (D = d_model) runs its own single-input SSM with `P` diagonal
//! states (S4D-Real: `P = N` real states; S4D-Lin: `P = N/2` complex states standing for N/2
//! conjugate pairs, output `2·Re`), discretised by zero-order hold with step Δ:
//!
//! ```text
//! Eqn (ZOH)  Ā = exp(ΔA),  B̄ = (Ā − 1)/A · B        (B̄ = ΔB when A = 0)
//! Eqn (2a)   h_t = Ā h_{t−1} + B̄ x_t                 h_{−1} = 0, per channel, [P]
//! Eqn (2b)   s_t = f·Re(C h_t) + D x_t               f = 1 (Real) or 2 (Lin)
//! Eqn (3)    K_k = f·Re(Σ_n C_n Ā_n^k B̄_n),  s_t = Σ_{k ≤ t} K_k x_{t−k} + D x_t   (kernel form)
//! Eqn (out)  y_t = W_out GELU(s_t) + b_out            mixes the D channels, [L, D]
//! ```
//!
//! Initialisation (S4D paper, §4): S4D-Real `A_n = −(n+1)`; S4D-Lin `A_n = −½ + iπn`; `B = 1`;
//! C ~ N(0, 1) (Lin: real and imaginary parts N(0, ½)); D ~ N(0, 1). Δ is one value shared by all
//! channels, the config's slider (the paper draws it per channel log-uniformly in [1e-3, 1e-1];
//! the app keeps it on a slider so the user sees its effect). GELU is the tanh approximation.
//!
//! `Ā − 1` is computed without cancellation: with `ΔA = x + iy`,
//! `Ā − 1 = (expm1(x)·cos y − 2 sin²(y/2)) + i·eˣ sin y` — exact `expm1` for real A, and no
//! `1 − 1` cancellation for small Δ in the complex case.

use std::ops::Range;

use ndarray::{Array1, Array2, Array3, ArrayView1, ArrayView2, Axis, Zip};
use num_complex::Complex32;

use super::{ceil_log2, Cost};
use crate::error::{check_columns, check_range, check_sequence, CoreError, CoreResult};
use crate::rng::{normal_matrix, normal_vector, rng_for};

/// Which diagonal A.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Variant {
    /// Real A_n = −(n+1), N states.
    Real,
    /// Complex A_n = −½ + iπn, N/2 conjugate pairs (N must be even), output 2·Re.
    Lin,
}

/// How `forward` computes the SSM (same result up to rounding).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// Eqn (2): stepped in time, O(L·D·N).
    Recurrence,
    /// Eqn (3): causal convolution with the kernel, O(L²·D).
    Convolution,
}

/// Hyper-parameters (d_model is passed separately, range 2–32).
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Default Real.
    pub variant: Variant,
    /// States N per channel, range 2–64 (default 16; Lin: even).
    pub states: usize,
    /// Step Δ, range 1e-3 – 10 (default 0.1), shared by all channels.
    pub delta: f32,
    /// Default Recurrence.
    pub form: Form,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            variant: Variant::Real,
            states: 16,
            delta: 0.1,
            form: Form::Recurrence,
        }
    }
}

impl Config {
    /// Ranges: d_model 2–32, states 2–64 (even for Lin), Δ 1e-3 – 10.
    pub fn validate(&self, d_model: usize) -> CoreResult<()> {
        check_range("d_model", d_model as f64, 2.0, 32.0)?;
        check_range("states", self.states as f64, 2.0, 64.0)?;
        check_range("delta", f64::from(self.delta), 1e-3, 10.0)?;
        if self.variant == Variant::Lin && !self.states.is_multiple_of(2) {
            return Err(CoreError::OddStates {
                states: self.states,
            });
        }
        Ok(())
    }

    /// Stored states per channel P: N (Real) or N/2 (Lin).
    pub fn stored_states(&self) -> usize {
        match self.variant {
            Variant::Real => self.states,
            Variant::Lin => self.states / 2,
        }
    }

    /// Output factor f: 1 (Real) or 2 (Lin, conjugate pairs).
    fn factor(&self) -> f32 {
        match self.variant {
            Variant::Real => 1.0,
            Variant::Lin => 2.0,
        }
    }
}

/// Weights drawn from the seed.
#[derive(Debug, Clone)]
pub struct Params {
    pub config: Config,
    pub d_model: usize,
    /// Continuous A, B, C per channel and state, `[D, P]` (imaginary parts 0 for Real).
    pub a: Array2<Complex32>,
    pub b: Array2<Complex32>,
    pub c: Array2<Complex32>,
    /// Skip D, `[D]`.
    pub d_skip: Array1<f32>,
    /// Step Δ per channel, `[D]` (all equal to `config.delta`).
    pub delta: Array1<f32>,
    /// Output mixing: W_out `[D, D]` N(0, 1/D), b_out `[D]` 0.
    pub w_out: Array2<f32>,
    pub b_out: Array1<f32>,
}

impl Params {
    pub fn init(config: &Config, d_model: usize, seed: u64) -> CoreResult<Params> {
        config.validate(d_model)?;
        let (d, p) = (d_model, config.stored_states());
        let a = Array2::from_shape_fn((d, p), |(_, n)| match config.variant {
            Variant::Real => Complex32::new(-(n as f32 + 1.0), 0.0),
            Variant::Lin => Complex32::new(-0.5, std::f32::consts::PI * n as f32),
        });
        let b = Array2::from_elem((d, p), Complex32::new(1.0, 0.0));
        let c = match config.variant {
            Variant::Real => normal_matrix(&mut rng_for(seed, "s4d/c_re"), d, p, 1.0)
                .mapv(|v| Complex32::new(v, 0.0)),
            Variant::Lin => {
                let std = 0.5f32.sqrt();
                let re = normal_matrix(&mut rng_for(seed, "s4d/c_re"), d, p, std);
                let im = normal_matrix(&mut rng_for(seed, "s4d/c_im"), d, p, std);
                Zip::from(&re)
                    .and(&im)
                    .map_collect(|&r, &i| Complex32::new(r, i))
            }
        };
        let d_skip = normal_vector(&mut rng_for(seed, "s4d/d"), d, 1.0);
        let delta = Array1::from_elem(d, config.delta);
        let w_out = normal_matrix(
            &mut rng_for(seed, "s4d/w_out"),
            d,
            d,
            (d as f32).sqrt().recip(),
        );
        let b_out = Array1::zeros(d);
        Ok(Params {
            config: config.clone(),
            d_model,
            a,
            b,
            c,
            d_skip,
            delta,
            w_out,
            b_out,
        })
    }
}

/// Eqn (ZOH) for one complex state: `(Ā, B̄)`.
fn discretize(a: Complex32, b: Complex32, delta: f32) -> (Complex32, Complex32) {
    let (x, y) = (delta * a.re, delta * a.im);
    let ex = x.exp();
    let a_bar = Complex32::new(ex * y.cos(), ex * y.sin());
    if a.re == 0.0 && a.im == 0.0 {
        return (a_bar, b * delta);
    }
    let half = (0.5 * y).sin();
    let a_bar_m1 = Complex32::new(x.exp_m1() * y.cos() - 2.0 * half * half, ex * y.sin());
    (a_bar, a_bar_m1 / a * b)
}

/// Ā and B̄ of every channel and state, `[D, P]` each.
fn discretized(params: &Params) -> (Array2<Complex32>, Array2<Complex32>) {
    let mut a_bar = Array2::zeros(params.a.raw_dim());
    let mut b_bar = Array2::zeros(params.a.raw_dim());
    for ((d, n), &a) in params.a.indexed_iter() {
        let (ab, bb) = discretize(a, params.b[[d, n]], params.delta[d]);
        a_bar[[d, n]] = ab;
        b_bar[[d, n]] = bb;
    }
    (a_bar, b_bar)
}

/// Eqn (3) from discretised values: `K[k, d] = f·Re(Σ_n C Ā^k B̄)`, `[len, D]`.
fn kernel_from(
    c: &Array2<Complex32>,
    a_bar: &Array2<Complex32>,
    b_bar: &Array2<Complex32>,
    factor: f32,
    len: usize,
) -> Array2<f32> {
    let mut kernel = Array2::zeros((len, c.nrows()));
    let mut term: Array2<Complex32> = c * b_bar; // C Ā^k B̄ at k = 0
    for mut row in kernel.rows_mut() {
        Zip::from(&mut row)
            .and(term.rows())
            .for_each(|k: &mut f32, t| {
                *k = factor * t.iter().map(|v| v.re).sum::<f32>();
            });
        term *= a_bar;
    }
    kernel
}

/// The convolution kernel of the model, `[len, D]`.
pub fn kernel(params: &Params, len: usize) -> Array2<f32> {
    let (a_bar, b_bar) = discretized(params);
    kernel_from(&params.c, &a_bar, &b_bar, params.config.factor(), len)
}

/// Real S4D kernel: `K[k, d] = Σ_n C[d,n]·Ā^k·B̄[d,n]` with `Ā = exp(Δ_d A[d,n])`,
/// `B̄ = expm1(Δ_d A)/A · B` (`Δ_d·B` when A = 0). a, b, c: `[D, N]`, delta `[D]` → `[len, D]`.
///
/// Never panics: if a, b, c differ in shape or `delta.len() != D`, returns an empty `[0, 0]`
/// array. Non-finite or extreme values propagate into the result (inf/NaN), as do positive A.
pub fn s4d_kernel(
    a: ArrayView2<f32>,
    b: ArrayView2<f32>,
    c: ArrayView2<f32>,
    delta: ArrayView1<f32>,
    len: usize,
) -> Array2<f32> {
    if a.shape() != b.shape() || a.shape() != c.shape() || delta.len() != a.nrows() {
        return Array2::zeros((0, 0));
    }
    let mut kernel = Array2::zeros((len, a.nrows()));
    for (d, mut column) in kernel.columns_mut().into_iter().enumerate() {
        let dt = delta[d];
        for n in 0..a.ncols() {
            let a_dn = a[[d, n]];
            // Eqn (ZOH), real case.
            let a_bar = (dt * a_dn).exp();
            let b_bar = if a_dn == 0.0 {
                dt * b[[d, n]]
            } else {
                (dt * a_dn).exp_m1() / a_dn * b[[d, n]]
            };
            let mut term = c[[d, n]] * b_bar;
            for k in column.iter_mut() {
                *k += term;
                term *= a_bar;
            }
        }
    }
    kernel
}

/// What the UI animates.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    /// Re and Im of the states per step, `[L, D, P]` each (Im = 0 for Real).
    pub h_re: Array3<f32>,
    pub h_im: Array3<f32>,
    /// Convolution kernel, `[L, D]`.
    pub kernel: Array2<f32>,
    /// Δ per channel, `[D]`.
    pub delta: Array1<f32>,
    /// Ā per channel and state, `[D, P]` (Re, Im).
    pub a_bar_re: Array2<f32>,
    pub a_bar_im: Array2<f32>,
    /// SSM output before the output layer, s_t `[L, D]` (Eqn (2b)).
    pub ssm_out: Array2<f32>,
}

/// Forward pass plus trace.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub y: Array2<f32>,
    pub trace: Trace,
}

/// Scan coefficients of one (channel, state): `a_t = Ā`, `b_t = B̄·x_t[channel]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanCoefficients {
    pub a: Vec<Complex32>,
    pub b: Vec<Complex32>,
}

fn check_input(params: &Params, x: ArrayView2<f32>) -> CoreResult<()> {
    params.config.validate(params.d_model)?;
    check_sequence(x, params.d_model)
}

/// Eqn (2): s `[L, D]`, and the states `[L, D, P]` when `keep`.
fn ssm_recurrence(
    params: &Params,
    x: ArrayView2<f32>,
    keep: bool,
) -> (Array2<f32>, Option<Array3<Complex32>>) {
    let (len, dims) = x.dim();
    let p = params.a.ncols();
    let (a_bar, b_bar) = discretized(params);
    let factor = params.config.factor();
    let mut h = Array2::<Complex32>::zeros((dims, p));
    let mut s = Array2::zeros((len, dims));
    let mut states = keep.then(|| Array3::zeros((len, dims, p)));
    for t in 0..len {
        let x_t = x.row(t);
        // Eqn (2a): h ← Ā h + B̄ x_t (per channel).
        Zip::from(h.rows_mut())
            .and(a_bar.rows())
            .and(b_bar.rows())
            .and(&x_t)
            .for_each(|h, a, b, &xv| {
                Zip::from(h)
                    .and(a)
                    .and(b)
                    .for_each(|h, &a, &b| *h = a * *h + b * xv);
            });
        // Eqn (2b): s_t = f·Re(C h_t) + D x_t.
        Zip::from(s.row_mut(t))
            .and(h.rows())
            .and(params.c.rows())
            .and(&x_t)
            .and(&params.d_skip)
            .for_each(|s, h, c, &xv, &dk| {
                let re: f32 = h.iter().zip(c).map(|(h, c)| (c * h).re).sum();
                *s = factor * re + dk * xv;
            });
        if let Some(states) = states.as_mut() {
            states.index_axis_mut(Axis(0), t).assign(&h);
        }
    }
    (s, states)
}

/// Eqn (3): s_t = Σ_{k ≤ t} K_k x_{t−k} + D x_t, `[L, D]`.
fn ssm_convolution(params: &Params, x: ArrayView2<f32>, kernel: &Array2<f32>) -> Array2<f32> {
    let (len, _) = x.dim();
    let mut s = &x * &params.d_skip;
    for t in 0..len {
        for k in 0..=t {
            let mut row = s.row_mut(t);
            Zip::from(&mut row)
                .and(kernel.row(k))
                .and(x.row(t - k))
                .for_each(|s, &kv, &xv| *s += kv * xv);
        }
    }
    s
}

const GELU_C: f32 = 0.797_884_6; // √(2/π)
const GELU_K: f32 = 0.044_715;

fn gelu(u: f32) -> f32 {
    0.5 * u * (1.0 + (GELU_C * (u + GELU_K * u * u * u)).tanh())
}

fn gelu_prime(u: f32) -> f32 {
    let t = (GELU_C * (u + GELU_K * u * u * u)).tanh();
    0.5 * (1.0 + t) + 0.5 * u * (1.0 - t * t) * GELU_C * (1.0 + 3.0 * GELU_K * u * u)
}

/// Eqn (out): y = GELU(s) W_outᵀ + b_out, `[L, D]`.
fn output(params: &Params, s: &Array2<f32>) -> Array2<f32> {
    s.mapv(gelu).dot(&params.w_out.t()) + &params.b_out
}

fn ssm(params: &Params, x: ArrayView2<f32>) -> Array2<f32> {
    match params.config.form {
        Form::Recurrence => ssm_recurrence(params, x, false).0,
        Form::Convolution => ssm_convolution(params, x, &kernel(params, x.nrows())),
    }
}

/// Trace-free forward pass: x `[L, D]` → y `[L, D]`, in the config's form.
pub fn forward(params: &Params, x: ArrayView2<f32>) -> CoreResult<Array2<f32>> {
    check_input(params, x)?;
    Ok(output(params, &ssm(params, x)))
}

/// Forward pass (by the recurrence, whose states the trace needs) with the trace.
pub fn run(params: &Params, x: ArrayView2<f32>) -> CoreResult<Run> {
    check_input(params, x)?;
    let (s, states) = ssm_recurrence(params, x, true);
    let states = states.unwrap_or_default();
    let (a_bar, _) = discretized(params);
    let trace = Trace {
        h_re: states.mapv(|v| v.re),
        h_im: states.mapv(|v| v.im),
        kernel: kernel(params, x.nrows()),
        delta: params.delta.clone(),
        a_bar_re: a_bar.mapv(|v| v.re),
        a_bar_im: a_bar.mapv(|v| v.im),
        ssm_out: s.clone(),
    };
    Ok(Run {
        y: output(params, &s),
        trace,
    })
}

/// Exact influence: `∂y_i/∂x_j = W_out diag(GELU'(s_i) ⊙ κ_{i−j})` with `κ_0 = K_0 + D`,
/// `κ_k = K_k`, so `I[i, j] = sqrt(Σ_d ‖W_out[:, d]‖² (GELU'(s_i[d]) κ_{i−j}[d])²)` for j ≤ i,
/// else 0: `[L, inputs.len()]`.
pub fn influence_columns(
    params: &Params,
    x: ArrayView2<f32>,
    inputs: Range<usize>,
) -> CoreResult<Array2<f32>> {
    check_input(params, x)?;
    let len = x.nrows();
    check_columns(&inputs, len)?;
    let mut out = Array2::zeros((len, inputs.len()));
    if inputs.is_empty() {
        return Ok(out);
    }
    let mut kappa = kernel(params, len); // [L, D]
    kappa
        .row_mut(0)
        .zip_mut_with(&params.d_skip, |k, &d| *k += d);
    let slope = ssm_recurrence(params, x, false).0.mapv(gelu_prime); // [L, D]
    let col_norm2: Array1<f32> = params.w_out.map_axis(Axis(0), |c| c.dot(&c)); // [D]
    for i in inputs.start..len {
        for j in inputs.start..inputs.end.min(i + 1) {
            let sum: f32 = Zip::from(slope.row(i))
                .and(kappa.row(i - j))
                .and(&col_norm2)
                .fold(0.0, |acc, &g, &k, &w| acc + w * (g * k) * (g * k));
            out[[i, j - inputs.start]] = sum.sqrt();
        }
    }
    Ok(out)
}

/// Whole influence matrix `[L, L]`.
pub fn influence(params: &Params, x: ArrayView2<f32>) -> CoreResult<Array2<f32>> {
    influence_columns(params, x, 0..x.nrows())
}

/// Scan coefficients of (channel, state) for the input: `a_t = Ā`, `b_t = B̄·x_t[channel]`
/// (`state` indexes the P stored states).
pub fn scan_coefficients(
    params: &Params,
    x: ArrayView2<f32>,
    channel: usize,
    state: usize,
) -> CoreResult<ScanCoefficients> {
    check_input(params, x)?;
    let (dims, p) = params.a.dim();
    if channel >= dims {
        return Err(CoreError::OutOfRange {
            param: "channel",
            value: channel as f64,
            min: 0.0,
            max: dims as f64 - 1.0,
        });
    }
    if state >= p {
        return Err(CoreError::OutOfRange {
            param: "state",
            value: state as f64,
            min: 0.0,
            max: p as f64 - 1.0,
        });
    }
    let (a_bar, b_bar) = discretize(
        params.a[[channel, state]],
        params.b[[channel, state]],
        params.delta[channel],
    );
    let b = x.column(channel).iter().map(|&v| b_bar * v).collect();
    Ok(ScanCoefficients {
        a: vec![a_bar; x.nrows()],
        b,
    })
}

/// Per token (real multiply-adds): per stored state 3 (Real) or 8 (Lin: Ā h 4, B̄ x 2,
/// Re(C h) 2), D skip, output layer D². Convolution form: Σ_t (t+1)·D for the sum instead
/// of the recurrence (kernel building not counted).
pub fn cost(config: &Config, d_model: usize, len: usize) -> Cost {
    let (d, p, l) = (d_model as u64, config.stored_states() as u64, len as u64);
    let per_state = match config.variant {
        Variant::Real => 3,
        Variant::Lin => 8,
    };
    let mixing = match config.form {
        Form::Recurrence => l * d * p * per_state,
        Form::Convolution => d * l * (l + 1) / 2,
    };
    let floats = match config.variant {
        Variant::Real => d * p,
        Variant::Lin => 2 * d * p,
    };
    Cost {
        multiply_adds: mixing + l * (d + d * d),
        sequential_depth: match config.form {
            Form::Recurrence => l,
            Form::Convolution => 1,
        },
        parallel_depth: u64::from(ceil_log2(len)),
        memory_floats_per_token: floats,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;
    use num_complex::Complex64;
    use proptest::prelude::*;

    fn input(len: usize, d: usize, seed: u64) -> Array2<f32> {
        normal_matrix(&mut rng_for(seed, "test/x"), len, d, 1.0)
    }

    #[test]
    fn s4d_kernel_known_answer() {
        // N = 1, A = −1, B = C = 1, Δ = ln 2: Ā = e^{−ln 2} = 1/2, B̄ = (1/2 − 1)/(−1) = 1/2,
        // so K_k = C·Ā^k·B̄ = (1/2)^{k+1}.
        let k = s4d_kernel(
            array![[-1.0f32]].view(),
            array![[1.0f32]].view(),
            array![[1.0f32]].view(),
            array![std::f32::consts::LN_2].view(),
            6,
        );
        assert_eq!(k.dim(), (6, 1));
        for step in 0..6 {
            approx::assert_abs_diff_eq!(k[[step, 0]], 0.5f32.powi(step as i32 + 1), epsilon = 1e-6);
        }
        // Two states, two channels: A = [[−1, 0], [−2, −1]] (A = 0 → B̄ = Δ B), Δ = [ln 2, ln 2].
        // Channel 0: K = (1/2)^{k+1}·1 + 3·(ln 2)·1^k; channel 1: Ā = 1/4, B̄ = (3/4)/2 = 3/8.
        let ln2 = std::f32::consts::LN_2;
        let k = s4d_kernel(
            array![[-1.0f32, 0.0], [-2.0, -1.0]].view(),
            array![[1.0f32, 1.0], [1.0, 0.0]].view(),
            array![[1.0f32, 3.0], [1.0, 5.0]].view(),
            array![ln2, ln2].view(),
            4,
        );
        for step in 0..4 {
            let want0 = 0.5f32.powi(step as i32 + 1) + 3.0 * ln2;
            let want1 = 0.375 * 0.25f32.powi(step as i32);
            approx::assert_abs_diff_eq!(k[[step, 0]], want0, epsilon = 1e-6);
            approx::assert_abs_diff_eq!(k[[step, 1]], want1, epsilon = 1e-6);
        }
    }

    #[test]
    fn s4d_kernel_mismatched_shapes_give_empty() {
        let a = Array2::<f32>::zeros((2, 3));
        let b = Array2::<f32>::zeros((2, 2));
        let d = Array1::<f32>::ones(2);
        assert_eq!(
            s4d_kernel(a.view(), b.view(), a.view(), d.view(), 5).dim(),
            (0, 0)
        );
        let d3 = Array1::<f32>::ones(3);
        assert_eq!(
            s4d_kernel(a.view(), a.view(), a.view(), d3.view(), 5).dim(),
            (0, 0)
        );
        assert_eq!(
            s4d_kernel(a.view(), a.view(), a.view(), d.view(), 0).dim(),
            (0, 2)
        );
    }

    #[test]
    fn model_kernel_real_matches_pinned_kernel() {
        let p = Params::init(&Config::default(), 4, 5).expect("valid");
        let re = |m: &Array2<Complex32>| m.mapv(|v| v.re);
        let want = s4d_kernel(
            re(&p.a).view(),
            re(&p.b).view(),
            re(&p.c).view(),
            p.delta.view(),
            20,
        );
        let got = kernel(&p, 20);
        for (g, w) in got.iter().zip(&want) {
            approx::assert_abs_diff_eq!(*g, *w, epsilon = 1e-5);
        }
    }

    #[test]
    fn lin_kernel_matches_f64_formula() {
        // Independent f64: K_k = 2·Re(Σ_n C_n·Ā_n^k·B̄_n), Ā = exp(ΔA), B̄ = (Ā − 1)/A·B.
        for delta in [1e-3f32, 0.1, 2.0] {
            let config = Config {
                variant: Variant::Lin,
                states: 8,
                delta,
                ..Config::default()
            };
            let p = Params::init(&config, 3, 11).expect("valid");
            let got = kernel(&p, 12);
            for d in 0..3 {
                for k in 0..12 {
                    let mut sum = 0.0f64;
                    for n in 0..4 {
                        let c64 = |v: Complex32| Complex64::new(f64::from(v.re), f64::from(v.im));
                        let a = c64(p.a[[d, n]]);
                        let a_bar = (a * f64::from(delta)).exp();
                        let b_bar = (a_bar - 1.0) / a * c64(p.b[[d, n]]);
                        sum += (c64(p.c[[d, n]]) * a_bar.powu(k as u32) * b_bar).re;
                    }
                    let want = 2.0 * sum;
                    let g = f64::from(got[[k, d]]);
                    assert!(
                        (g - want).abs() <= 1e-5 * (1e-3 + want.abs()),
                        "Δ={delta} k={k}: {g} vs {want}"
                    );
                }
            }
        }
    }

    #[test]
    fn zoh_small_delta_is_accurate() {
        // B̄ = expm1(ΔA)/A for A = −1, Δ = 1e-3: 1 − e^{−0.001} = 9.995001666e-4 (f64).
        let (_, b_bar) = discretize(Complex32::new(-1.0, 0.0), Complex32::new(1.0, 0.0), 1e-3);
        let want = -(-1e-3f64).exp_m1();
        assert!((f64::from(b_bar.re) - want).abs() <= 1e-7 * want);
        // Complex A = −½ + iπ, Δ = 1e-3 against the f64 formula.
        let a = Complex64::new(-0.5, std::f64::consts::PI);
        let want = ((a * 1e-3).exp() - 1.0) / a;
        let (_, got) = discretize(
            Complex32::new(-0.5, std::f32::consts::PI),
            Complex32::new(1.0, 0.0),
            1e-3,
        );
        assert!(
            (Complex64::new(f64::from(got.re), f64::from(got.im)) - want).norm()
                <= 1e-6 * want.norm()
        );
    }

    #[test]
    fn scan_coefficients_rebuild_the_states() {
        let config = Config {
            variant: Variant::Lin,
            ..Config::default()
        };
        let p = Params::init(&config, 4, 9).expect("valid");
        let x = input(10, 4, 2);
        let r = run(&p, x.view()).expect("ok");
        let coeffs = scan_coefficients(&p, x.view(), 2, 3).expect("ok");
        let mut h = Complex32::new(0.0, 0.0);
        for t in 0..10 {
            h = coeffs.a[t] * h + coeffs.b[t];
            approx::assert_abs_diff_eq!(h.re, r.trace.h_re[[t, 2, 3]], epsilon = 1e-5);
            approx::assert_abs_diff_eq!(h.im, r.trace.h_im[[t, 2, 3]], epsilon = 1e-5);
        }
        assert!(scan_coefficients(&p, x.view(), 4, 0).is_err());
        assert!(scan_coefficients(&p, x.view(), 0, 8).is_err());
    }

    #[test]
    fn invalid_input_gives_typed_errors() {
        let p = Params::init(&Config::default(), 4, 1).expect("valid");
        assert_eq!(
            forward(&p, Array2::<f32>::zeros((0, 4)).view()),
            Err(CoreError::EmptyInput)
        );
        assert!(matches!(
            forward(&p, Array2::<f32>::zeros((2, 3)).view()),
            Err(CoreError::Shape { .. })
        ));
        let mut nan = Array2::<f32>::zeros((3, 4));
        nan[[0, 0]] = f32::INFINITY;
        assert!(matches!(
            run(&p, nan.view()),
            Err(CoreError::NonFinite { .. })
        ));
        let x = input(3, 4, 0);
        assert!(matches!(
            influence_columns(&p, x.view(), 0..4),
            Err(CoreError::Shape { .. })
        ));
        for bad in [
            Config {
                delta: 0.0,
                ..Config::default()
            },
            Config {
                delta: 11.0,
                ..Config::default()
            },
            Config {
                states: 1,
                ..Config::default()
            },
            Config {
                states: 65,
                ..Config::default()
            },
        ] {
            assert!(matches!(
                Params::init(&bad, 4, 0),
                Err(CoreError::OutOfRange { .. })
            ));
        }
        let odd = Config {
            variant: Variant::Lin,
            states: 7,
            ..Config::default()
        };
        assert!(matches!(
            Params::init(&odd, 4, 0),
            Err(CoreError::OddStates { states: 7 })
        ));
    }

    fn config_strategy() -> impl Strategy<Value = Config> {
        (any::<bool>(), 1usize..=4, -3.0f32..1.0, any::<bool>()).prop_map(
            |(lin, half, log_delta, conv)| Config {
                variant: if lin { Variant::Lin } else { Variant::Real },
                states: 2 * half,
                delta: 10f32.powf(log_delta),
                form: if conv {
                    Form::Convolution
                } else {
                    Form::Recurrence
                },
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn convolution_equals_recurrence(config in config_strategy(), d in 2usize..=5, len in 1usize..=40, seed in 0u64..1000) {
            let p = Params::init(&config, d, seed).expect("valid");
            let x = input(len, d, seed);
            let rec = ssm_recurrence(&p, x.view(), false).0;
            let conv = ssm_convolution(&p, x.view(), &kernel(&p, len));
            for (r, c) in rec.iter().zip(&conv) {
                prop_assert!((r - c).abs() <= 1e-4 * (1.0 + r.abs()), "{} vs {}", r, c);
            }
        }

        #[test]
        fn influence_matches_finite_differences(config in config_strategy(), d in 2usize..=4, len in 1usize..=8, seed in 0u64..1000) {
            let p = Params::init(&config, d, seed).expect("valid");
            let x = input(len, d, seed);
            let inf = influence(&p, x.view()).expect("ok");
            let eps = 1e-2f32;
            let mut fd = Array2::<f32>::zeros((len, len));
            for j in 0..len {
                for c in 0..d {
                    let (mut plus, mut minus) = (x.clone(), x.clone());
                    plus[[j, c]] += eps;
                    minus[[j, c]] -= eps;
                    let diff = (forward(&p, plus.view()).expect("ok") - forward(&p, minus.view()).expect("ok")) / (2.0 * eps);
                    for i in 0..len {
                        fd[[i, j]] += diff.row(i).iter().map(|v| v * v).sum::<f32>();
                    }
                }
            }
            for i in 0..len {
                for j in 0..len {
                    let want = fd[[i, j]].sqrt();
                    prop_assert!((inf[[i, j]] - want).abs() <= 2e-3 * (1.0 + want), "I[{},{}] = {} vs fd {}", i, j, inf[[i, j]], want);
                    if j > i {
                        prop_assert_eq!(inf[[i, j]], 0.0);
                    }
                }
            }
            if len >= 2 {
                let cols = influence_columns(&p, x.view(), 1..len).expect("ok");
                prop_assert_eq!(cols, inf.slice(ndarray::s![.., 1..]).to_owned());
            }
        }
    }
}
