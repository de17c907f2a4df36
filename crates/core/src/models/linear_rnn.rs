//! Linear RNN: a diagonal complex linear recurrence followed by a per-position MLP, in the style
//! of the LRU (A. Orvieto et al., "Resurrecting recurrent neural networks for long sequences",
//! ICML 2023, Eqn (1) with a diagonal complex Λ).
//!
//! ```text
//! Eqn (1a)  h_t = λ ⊙ h_{t−1} + B x_t          λ_n = r_n·e^{iθ_n}, h ∈ ℂ^N, h_{−1} = 0
//! Eqn (1b)  z_t = Re(C h_t)                      B ∈ ℂ^{N×d}, C ∈ ℂ^{d×N}
//! Eqn (1c)  y_t = W₂ GELU(W₁ z_t + b₁) + b₂ (+ z_t when `residual`)   hidden width 2·d
//! ```
//!
//! GELU is the tanh approximation `GELU(u) = ½u(1 + tanh(√(2/π)(u + 0.044715u³)))`
//! (Hendrycks & Gimpel 2016), so its derivative has a closed form.
//!
//! Because (1a) is linear, it runs either sequentially or through the parallel scans of
//! [`crate::scan`] (one complex scan per state, `a_t = λ_n`, `b_t = (B x_t)_n`), with the
//! same result. The influence is exact and in closed form:
//! `∂y_i/∂x_j = J_MLP(z_i) · Re(C diag(λ^{i−j}) B)` for `j ≤ i` and 0 otherwise.

use std::ops::Range;

use ndarray::{s, Array1, Array2, ArrayView2, Axis, Zip};
use num_complex::Complex32;

use super::{ceil_log2, Cost};
use crate::error::{check_columns, check_range, check_sequence, CoreError, CoreResult};
use crate::rng::{normal_matrix, normal_vector, rng_for, uniform_vector};
use crate::scan::{scan, Algorithm};

/// Hyper-parameters (d_model is passed separately, range 2–32).
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Complex states N, range 1–32 (default 16).
    pub states: usize,
    /// Decay |λ|, range 0–1.05 (default 0.9; above 1 the state grows).
    pub r: f32,
    /// Rotation arg λ in radians, range 0–π (default 0.3).
    pub theta: f32,
    /// Per-state λ drawn around (r, θ): `r_n = clamp(r + U(−0.1, 0.1), 0, 1.05)`,
    /// `θ_n = clamp(θ + U(−0.3, 0.3), 0, π)` (seeded). Default false: all states share (r, θ).
    pub spread: bool,
    /// Add `z_t` to the MLP output (Eqn (1c)). Default false.
    pub residual: bool,
    /// Compute Eqn (1a) with the Blelloch scan instead of stepping in time. Default false.
    pub by_scan: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            states: 16,
            r: 0.9,
            theta: 0.3,
            spread: false,
            residual: false,
            by_scan: false,
        }
    }
}

impl Config {
    /// Ranges: d_model 2–32, states 1–32, r 0–1.05, θ 0–π.
    pub fn validate(&self, d_model: usize) -> CoreResult<()> {
        check_range("d_model", d_model as f64, 2.0, 32.0)?;
        check_range("states", self.states as f64, 1.0, 32.0)?;
        check_range("r", f64::from(self.r), 0.0, 1.05)?;
        check_range(
            "theta",
            f64::from(self.theta),
            0.0,
            f64::from(std::f32::consts::PI),
        )
    }

    /// MLP hidden width.
    pub fn hidden(d_model: usize) -> usize {
        2 * d_model
    }
}

/// Weights drawn from the seed.
#[derive(Debug, Clone)]
pub struct Params {
    pub config: Config,
    pub d_model: usize,
    /// λ per state, `[N]`.
    pub lambda: Array1<Complex32>,
    /// Input map B, `[N, d]`: real and imaginary parts each N(0, 1/(2d)).
    pub b: Array2<Complex32>,
    /// Read-out C, `[d, N]`: real and imaginary parts each N(0, 1/N).
    pub c: Array2<Complex32>,
    /// MLP: W₁ `[2d, d]` N(0, 1/d), b₁ `[2d]` N(0, 0.1²), W₂ `[d, 2d]` N(0, 1/(2d)), b₂ `[d]` 0.
    pub w1: Array2<f32>,
    pub b1: Array1<f32>,
    pub w2: Array2<f32>,
    pub b2: Array1<f32>,
}

fn complex_matrix(re: Array2<f32>, im: Array2<f32>) -> Array2<Complex32> {
    Zip::from(&re)
        .and(&im)
        .map_collect(|&re, &im| Complex32::new(re, im))
}

impl Params {
    pub fn init(config: &Config, d_model: usize, seed: u64) -> CoreResult<Params> {
        config.validate(d_model)?;
        let (n, d, hidden) = (config.states, d_model, Config::hidden(d_model));
        let (mut radius, mut angle) = (vec![config.r; n], vec![config.theta; n]);
        if config.spread {
            let dr = uniform_vector(&mut rng_for(seed, "linear_rnn/lambda_r"), n, -0.1, 0.1);
            let dt = uniform_vector(&mut rng_for(seed, "linear_rnn/lambda_theta"), n, -0.3, 0.3);
            let pi = std::f32::consts::PI;
            radius
                .iter_mut()
                .zip(&dr)
                .for_each(|(r, dr)| *r = (*r + dr).clamp(0.0, 1.05));
            angle
                .iter_mut()
                .zip(&dt)
                .for_each(|(t, dt)| *t = (*t + dt).clamp(0.0, pi));
        }
        let lambda = radius
            .iter()
            .zip(&angle)
            .map(|(&r, &t)| Complex32::from_polar(r, t))
            .collect();
        let b_std = (2.0 * d as f32).sqrt().recip();
        let c_std = (n as f32).sqrt().recip();
        let b = complex_matrix(
            normal_matrix(&mut rng_for(seed, "linear_rnn/b_re"), n, d, b_std),
            normal_matrix(&mut rng_for(seed, "linear_rnn/b_im"), n, d, b_std),
        );
        let c = complex_matrix(
            normal_matrix(&mut rng_for(seed, "linear_rnn/c_re"), d, n, c_std),
            normal_matrix(&mut rng_for(seed, "linear_rnn/c_im"), d, n, c_std),
        );
        let w1 = normal_matrix(
            &mut rng_for(seed, "linear_rnn/w1"),
            hidden,
            d,
            (d as f32).sqrt().recip(),
        );
        let b1 = normal_vector(&mut rng_for(seed, "linear_rnn/b1"), hidden, 0.1);
        let w2 = normal_matrix(
            &mut rng_for(seed, "linear_rnn/w2"),
            d,
            hidden,
            (hidden as f32).sqrt().recip(),
        );
        let b2 = Array1::zeros(d);
        Ok(Params {
            config: config.clone(),
            d_model,
            lambda,
            b,
            c,
            w1,
            b1,
            w2,
            b2,
        })
    }

    fn states(&self) -> usize {
        self.lambda.len()
    }
}

/// What the UI animates, per time step.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    /// Re and Im of h_t, `[L, N]` each (Eqn (1a)).
    pub h_re: Array2<f32>,
    pub h_im: Array2<f32>,
    /// Re and Im of λ per state, `[N]` each.
    pub lambda_re: Array1<f32>,
    pub lambda_im: Array1<f32>,
    /// z_t = Re(C h_t), the MLP input, `[L, d]` (Eqn (1b)).
    pub pre_mlp: Array2<f32>,
}

/// Forward pass plus trace.
#[derive(Debug, Clone, PartialEq)]
pub struct Run {
    pub y: Array2<f32>,
    pub trace: Trace,
}

/// The scan coefficients of one state channel: `h_t = a_t·h_{t−1} + b_t`.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanCoefficients {
    /// `a_t = λ_n` for every t, `[L]`.
    pub a: Vec<Complex32>,
    /// `b_t = (B x_t)_n`, `[L]`.
    pub b: Vec<Complex32>,
}

fn check_input(params: &Params, x: ArrayView2<f32>) -> CoreResult<()> {
    params.config.validate(params.d_model)?;
    check_sequence(x, params.d_model)
}

/// `u_t = B x_t` for all t, `[L, N]` complex.
fn drive(params: &Params, x: ArrayView2<f32>) -> Array2<Complex32> {
    let b_re = params.b.mapv(|v| v.re);
    let b_im = params.b.mapv(|v| v.im);
    complex_matrix(x.dot(&b_re.t()), x.dot(&b_im.t()))
}

/// Eqn (1a) stepped in time: `h_t = λ ⊙ h_{t−1} + u_t`, `[L, N]`.
fn states_sequential(lambda: &Array1<Complex32>, u: &Array2<Complex32>) -> Array2<Complex32> {
    let mut h = u.clone();
    for t in 1..h.nrows() {
        let (prev, mut rest) = h.view_mut().split_at(Axis(0), t);
        let prev = prev.row(t - 1);
        Zip::from(rest.row_mut(0))
            .and(&prev)
            .and(lambda)
            .for_each(|h, &p, &l| *h += l * p);
    }
    h
}

/// Eqn (1a) by one Blelloch scan per state, `[L, N]`.
fn states_by_scan(lambda: &Array1<Complex32>, u: &Array2<Complex32>) -> Array2<Complex32> {
    let mut h = Array2::zeros(u.raw_dim());
    for (n, &l) in lambda.iter().enumerate() {
        let a = vec![l; u.nrows()];
        let b = u.column(n).to_vec();
        let run = scan(Algorithm::Blelloch, &a, &b, false);
        h.column_mut(n)
            .iter_mut()
            .zip(run.h)
            .for_each(|(dst, v)| *dst = v);
    }
    h
}

/// Eqn (1b): z_t = Re(C h_t) = Re(h) Re(C)ᵀ − Im(h) Im(C)ᵀ, `[L, d]`.
fn readout(params: &Params, h_re: &Array2<f32>, h_im: &Array2<f32>) -> Array2<f32> {
    let c_re = params.c.mapv(|v| v.re);
    let c_im = params.c.mapv(|v| v.im);
    h_re.dot(&c_re.t()) - h_im.dot(&c_im.t())
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

/// MLP pre-activation `W₁ z_t + b₁`, `[L, 2d]`.
fn mlp_pre(params: &Params, z: &Array2<f32>) -> Array2<f32> {
    z.dot(&params.w1.t()) + &params.b1
}

/// Eqn (1c), `[L, d]`.
fn mlp(params: &Params, z: &Array2<f32>) -> Array2<f32> {
    let act = mlp_pre(params, z).mapv(gelu);
    let mut y = act.dot(&params.w2.t()) + &params.b2;
    if params.config.residual {
        y += z;
    }
    y
}

/// h (`[L, N]` complex) and z (`[L, d]`) for a checked input.
fn core(params: &Params, x: ArrayView2<f32>) -> (Array2<Complex32>, Array2<f32>) {
    let u = drive(params, x);
    let h = if params.config.by_scan {
        states_by_scan(&params.lambda, &u)
    } else {
        states_sequential(&params.lambda, &u)
    };
    let z = readout(params, &h.mapv(|v| v.re), &h.mapv(|v| v.im));
    (h, z)
}

/// Trace-free forward pass: x `[L, d]` → y `[L, d]`.
pub fn forward(params: &Params, x: ArrayView2<f32>) -> CoreResult<Array2<f32>> {
    check_input(params, x)?;
    let (_, z) = core(params, x);
    Ok(mlp(params, &z))
}

/// Forward pass with the per-step trace.
pub fn run(params: &Params, x: ArrayView2<f32>) -> CoreResult<Run> {
    check_input(params, x)?;
    let (h, z) = core(params, x);
    let y = mlp(params, &z);
    let trace = Trace {
        h_re: h.mapv(|v| v.re),
        h_im: h.mapv(|v| v.im),
        lambda_re: params.lambda.mapv(|v| v.re),
        lambda_im: params.lambda.mapv(|v| v.im),
        pre_mlp: z,
    };
    Ok(Run { y, trace })
}

/// The same forward pass with Eqn (1a) computed by the Blelloch scan, whatever `by_scan` says.
pub fn run_by_scan(params: &Params, x: ArrayView2<f32>) -> CoreResult<Run> {
    let mut p = params.clone();
    p.config.by_scan = true;
    run(&p, x)
}

/// `M_k = Re(C diag(λ^k) B)` for k = 0..count, laid side by side: `[d, count·d]`.
fn transfer_blocks(params: &Params, count: usize) -> Array2<f32> {
    let d = params.d_model;
    let (b_re, b_im) = (params.b.mapv(|v| v.re), params.b.mapv(|v| v.im));
    let (c_re, c_im) = (params.c.mapv(|v| v.re), params.c.mapv(|v| v.im));
    let mut blocks = Array2::zeros((d, count * d));
    let mut power = Array1::from_elem(params.states(), Complex32::new(1.0, 0.0)); // λ^k
    for k in 0..count {
        // G = diag(λ^k) B: Re G = Re p·Re B − Im p·Im B, Im G = Re p·Im B + Im p·Re B.
        let p_re = power.mapv(|v| v.re).insert_axis(Axis(1));
        let p_im = power.mapv(|v| v.im).insert_axis(Axis(1));
        let g_re = &b_re * &p_re - &b_im * &p_im;
        let g_im = &b_im * &p_re + &b_re * &p_im;
        let m = c_re.dot(&g_re) - c_im.dot(&g_im);
        blocks.slice_mut(s![.., k * d..(k + 1) * d]).assign(&m);
        power.zip_mut_with(&params.lambda, |p, &l| *p *= l);
    }
    blocks
}

/// Jacobian of Eqn (1c) at z_t: `J = W₂ diag(GELU'(W₁ z + b₁)) W₁ (+ I)`, `[d, d]`.
fn mlp_jacobian(params: &Params, pre: ndarray::ArrayView1<f32>) -> Array2<f32> {
    let slope = pre.mapv(gelu_prime).insert_axis(Axis(0)); // [1, 2d]
    let mut j = (&params.w2 * &slope).dot(&params.w1);
    if params.config.residual {
        j.diag_mut().iter_mut().for_each(|v| *v += 1.0);
    }
    j
}

/// Exact influence `I[i, j] = ‖J_MLP(i) · Re(C diag(λ^{i−j}) B)‖_F` for j in `inputs`
/// (0 for j > i): `[L, inputs.len()]`.
pub fn influence_columns(
    params: &Params,
    x: ArrayView2<f32>,
    inputs: Range<usize>,
) -> CoreResult<Array2<f32>> {
    check_input(params, x)?;
    let (len, d) = (x.nrows(), params.d_model);
    check_columns(&inputs, len)?;
    let mut out = Array2::zeros((len, inputs.len()));
    if inputs.is_empty() {
        return Ok(out);
    }
    let (_, z) = core(params, x);
    let pre = mlp_pre(params, &z); // [L, 2d]
    let blocks = transfer_blocks(params, len - inputs.start); // lags 0..L−j₀
    for i in inputs.start..len {
        let j_last = (inputs.end - 1).min(i);
        // Lags k = i − j for j = j_last down to inputs.start: contiguous blocks.
        let (k_lo, k_hi) = (i - j_last, i - inputs.start);
        let jac = mlp_jacobian(params, pre.row(i));
        let prod = jac.dot(&blocks.slice(s![.., k_lo * d..(k_hi + 1) * d])); // [d, (k_hi−k_lo+1)d]
        for k in k_lo..=k_hi {
            let block = prod.slice(s![.., (k - k_lo) * d..(k - k_lo + 1) * d]);
            out[[i, i - k - inputs.start]] = block.iter().map(|v| v * v).sum::<f32>().sqrt();
        }
    }
    Ok(out)
}

/// Whole influence matrix `[L, L]`.
pub fn influence(params: &Params, x: ArrayView2<f32>) -> CoreResult<Array2<f32>> {
    influence_columns(params, x, 0..x.nrows())
}

/// State influence `I[i, j] = ‖∂h_i/∂x_j‖_F = ‖diag(λ^{i−j}) B‖_F
/// = sqrt(Σ_n |λ_n|^{2(i−j)} ‖B_n‖²)` for j ≤ i, else 0: `[L, L]` (independent of x's values;
/// x is checked for shape). The Fading view's curve.
pub fn state_influence(params: &Params, x: ArrayView2<f32>) -> CoreResult<Array2<f32>> {
    check_input(params, x)?;
    let len = x.nrows();
    let row_norms: Vec<f32> = params
        .b
        .rows()
        .into_iter()
        .map(|r| r.iter().map(|v| v.norm_sqr()).sum())
        .collect();
    let moduli: Vec<f32> = params.lambda.iter().map(|l| l.norm_sqr()).collect(); // |λ_n|²
                                                                                 // by_lag[k] = sqrt(Σ_n |λ_n|^{2k} ‖B_n‖²)
    let mut weights = row_norms.clone();
    let mut by_lag = Vec::with_capacity(len);
    for _ in 0..len {
        by_lag.push(weights.iter().sum::<f32>().sqrt());
        weights.iter_mut().zip(&moduli).for_each(|(w, m)| *w *= m);
    }
    Ok(Array2::from_shape_fn((len, len), |(i, j)| {
        if j <= i {
            by_lag[i - j]
        } else {
            0.0
        }
    }))
}

/// Scan coefficients of state `state` for the input: `a_t = λ_n`, `b_t = (B x_t)_n`.
pub fn scan_coefficients(
    params: &Params,
    x: ArrayView2<f32>,
    state: usize,
) -> CoreResult<ScanCoefficients> {
    check_input(params, x)?;
    let n = params.states();
    if state >= n {
        return Err(CoreError::OutOfRange {
            param: "state",
            value: state as f64,
            min: 0.0,
            max: n as f64 - 1.0,
        });
    }
    let u = drive(params, x);
    Ok(ScanCoefficients {
        a: vec![params.lambda[state]; x.nrows()],
        b: u.column(state).to_vec(),
    })
}

/// Counted per token (real multiply-adds): B x 2Nd, λ ⊙ h 4N, Re(C h) 2Nd, MLP 4d².
pub fn cost(config: &Config, d_model: usize, len: usize) -> Cost {
    let (n, d, l) = (config.states as u64, d_model as u64, len as u64);
    Cost {
        multiply_adds: l * (4 * n * d + 4 * n + 4 * d * d),
        sequential_depth: l,
        parallel_depth: u64::from(ceil_log2(len)),
        memory_floats_per_token: 2 * n,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn input(len: usize, d: usize, seed: u64) -> Array2<f32> {
        normal_matrix(&mut rng_for(seed, "test/x"), len, d, 1.0)
    }

    /// Hand-set parameters: N = 1, d = 2, B = [1, 0], C = [1; 0], MLP zero, residual on,
    /// so y_t = (Re h_t, 0) with h_t = λ h_{t−1} + x_t[0].
    fn identity_params(lambda: Complex32) -> Params {
        let config = Config {
            states: 1,
            residual: true,
            ..Config::default()
        };
        let mut p = Params::init(&config, 2, 0).expect("valid");
        p.lambda = Array1::from_elem(1, lambda);
        p.b = Array2::from_shape_vec(
            (1, 2),
            vec![Complex32::new(1.0, 0.0), Complex32::new(0.0, 0.0)],
        )
        .expect("shape");
        p.c = Array2::from_shape_vec(
            (2, 1),
            vec![Complex32::new(1.0, 0.0), Complex32::new(0.0, 0.0)],
        )
        .expect("shape");
        p.w1.fill(0.0);
        p.b1.fill(0.0);
        p.w2.fill(0.0);
        p
    }

    #[test]
    fn known_answer_real_and_rotating_decay() {
        // λ = 0.5, x_0 = (1, 0), later x = 0: h = 1, 0.5, 0.25 -> y[:, 0] = 1, 0.5, 0.25.
        let x = ndarray::array![[1.0, 0.0], [0.0, 0.0], [0.0, 0.0]];
        let y = forward(&identity_params(Complex32::new(0.5, 0.0)), x.view()).expect("ok");
        let want = [1.0, 0.5, 0.25];
        for t in 0..3 {
            approx::assert_abs_diff_eq!(y[[t, 0]], want[t], epsilon = 1e-6);
            approx::assert_abs_diff_eq!(y[[t, 1]], 0.0, epsilon = 1e-6);
        }
        // λ = i (r = 1, θ = π/2): h_t = i^t -> Re = 1, 0, −1, 0.
        let x = ndarray::array![[1.0, 0.0], [0.0, 0.0], [0.0, 0.0], [0.0, 0.0]];
        let y = forward(&identity_params(Complex32::new(0.0, 1.0)), x.view()).expect("ok");
        for (t, want) in [1.0, 0.0, -1.0, 0.0].iter().enumerate() {
            approx::assert_abs_diff_eq!(y[[t, 0]], *want, epsilon = 1e-6);
        }
        // Same λ = i with C = [i; 0]: y_t[0] = Re(i·i^t) = −Im(i^t) = 0, −1, 0, 1
        // (a conjugated λ would give 0, 1, 0, −1).
        let mut p = identity_params(Complex32::new(0.0, 1.0));
        p.c[[0, 0]] = Complex32::new(0.0, 1.0);
        let y = forward(&p, x.view()).expect("ok");
        for (t, want) in [0.0, -1.0, 0.0, 1.0].iter().enumerate() {
            approx::assert_abs_diff_eq!(y[[t, 0]], *want, epsilon = 1e-6);
        }
    }

    #[test]
    fn known_answer_mlp_gelu() {
        // z_0 = (2, 0) (λ irrelevant at t = 0). W₁ row 0 = (1, 0) -> pre_0 = 2 + b₁ = 2;
        // W₂[0, 0] = 1 -> y_0[0] = GELU(2) + z = 0.5·2·(1 + tanh(√(2/π)(2 + 0.044715·8))) + 2.
        let mut p = identity_params(Complex32::new(0.5, 0.0));
        p.w1[[0, 0]] = 1.0;
        p.w2[[0, 0]] = 1.0;
        let x = ndarray::array![[2.0, 0.0]];
        let y = forward(&p, x.view()).expect("ok");
        let gelu2 = (2.0f64 / std::f64::consts::PI).sqrt() * (2.0 + 0.044715 * 8.0);
        let want = 0.5 * 2.0 * (1.0 + gelu2.tanh()) + 2.0;
        approx::assert_abs_diff_eq!(f64::from(y[[0, 0]]), want, epsilon = 1e-5);
    }

    #[test]
    fn state_influence_is_r_to_the_k_for_zero_theta() {
        let config = Config {
            r: 0.8,
            theta: 0.0,
            ..Config::default()
        };
        let p = Params::init(&config, 4, 3).expect("valid");
        let x = input(10, 4, 1);
        let s = state_influence(&p, x.view()).expect("ok");
        for i in 0..10 {
            for j in 0..10 {
                let want = if j <= i {
                    0.8f32.powi((i - j) as i32)
                } else {
                    0.0
                };
                approx::assert_abs_diff_eq!(s[[i, j]] / s[[0, 0]], want, epsilon = 1e-5);
            }
        }
    }

    #[test]
    fn scan_coefficients_rebuild_the_states() {
        let p = Params::init(&Config::default(), 4, 9).expect("valid");
        let x = input(12, 4, 2);
        let r = run(&p, x.view()).expect("ok");
        let coeffs = scan_coefficients(&p, x.view(), 5).expect("ok");
        let mut h = Complex32::new(0.0, 0.0);
        for t in 0..12 {
            h = coeffs.a[t] * h + coeffs.b[t];
            approx::assert_abs_diff_eq!(h.re, r.trace.h_re[[t, 5]], epsilon = 1e-5);
            approx::assert_abs_diff_eq!(h.im, r.trace.h_im[[t, 5]], epsilon = 1e-5);
        }
        assert!(scan_coefficients(&p, x.view(), 16).is_err());
    }

    #[test]
    fn invalid_input_gives_typed_errors() {
        let p = Params::init(&Config::default(), 4, 1).expect("valid");
        let empty = Array2::<f32>::zeros((0, 4));
        assert_eq!(forward(&p, empty.view()), Err(CoreError::EmptyInput));
        let wrong = Array2::<f32>::zeros((3, 5));
        assert!(matches!(
            forward(&p, wrong.view()),
            Err(CoreError::Shape { .. })
        ));
        let mut nan = Array2::<f32>::zeros((3, 4));
        nan[[1, 2]] = f32::NAN;
        assert!(matches!(
            influence(&p, nan.view()),
            Err(CoreError::NonFinite { .. })
        ));
        let x = input(3, 4, 0);
        assert!(matches!(
            influence_columns(&p, x.view(), 2..4),
            Err(CoreError::Shape { .. })
        ));
        for bad in [
            Config {
                r: 1.2,
                ..Config::default()
            },
            Config {
                r: f32::NAN,
                ..Config::default()
            },
            Config {
                theta: 3.5,
                ..Config::default()
            },
            Config {
                states: 0,
                ..Config::default()
            },
            Config {
                states: 33,
                ..Config::default()
            },
        ] {
            assert!(matches!(
                Params::init(&bad, 4, 0),
                Err(CoreError::OutOfRange { .. })
            ));
        }
        assert!(Params::init(&Config::default(), 1, 0).is_err());
    }

    fn config_strategy() -> impl Strategy<Value = Config> {
        (
            1usize..=4,
            0.0f32..=1.05,
            0.0f32..=std::f32::consts::PI,
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(|(states, r, theta, spread, residual, by_scan)| Config {
                states,
                r,
                theta,
                spread,
                residual,
                by_scan,
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn scan_equals_sequential(config in config_strategy(), d in 2usize..=6, len in 1usize..=40, seed in 0u64..1000) {
            let p = Params::init(&config, d, seed).expect("valid");
            let x = input(len, d, seed);
            let mut seq = p.clone();
            seq.config.by_scan = false;
            let a = run(&seq, x.view()).expect("ok");
            let b = run_by_scan(&p, x.view()).expect("ok");
            for (u, v) in a.trace.h_re.iter().chain(a.y.iter()).zip(b.trace.h_re.iter().chain(b.y.iter())) {
                prop_assert!((u - v).abs() <= 1e-5 * (1.0 + u.abs()), "{} vs {}", u, v);
            }
        }

        #[test]
        fn influence_matches_finite_differences(config in config_strategy(), d in 2usize..=4, len in 1usize..=8, seed in 0u64..1000) {
            let p = Params::init(&config, d, seed).expect("valid");
            let x = input(len, d, seed);
            let inf = influence(&p, x.view()).expect("ok");
            let eps = 1e-2f32;
            // fd[i][j] accumulates Σ_c ‖(y(x + eps e_jc) − y(x − eps e_jc))_i / 2eps‖².
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
            // Column slices agree with the whole matrix.
            if len >= 2 {
                let cols = influence_columns(&p, x.view(), 1..len).expect("ok");
                prop_assert_eq!(cols, inf.slice(s![.., 1..]).to_owned());
            }
        }
    }

    #[test]
    fn overflow_is_allowed_but_no_panic() {
        let config = Config {
            r: 1.05,
            theta: 0.0,
            ..Config::default()
        };
        let p = Params::init(&config, 4, 0).expect("valid");
        let x = Array2::from_elem((4096, 4), 1.0f32);
        assert!(forward(&p, x.view()).is_ok());
        assert!(influence_columns(&p, x.view(), 4090..4096).is_ok());
    }
}
