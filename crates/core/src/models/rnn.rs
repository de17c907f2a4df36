//! Elman recurrent network (Elman 1990, "Finding Structure in Time"), one layer:
//!
//! ```text
//! a_t = W h_{t−1} + U x_t + b,   h_t = tanh(a_t),   h_{−1} = 0      (state update)
//! y_t = V h_t + c                                                    (readout)
//! ```
//!
//! W is drawn Gaussian and rescaled so that its spectral radius ρ(W) = max |λ_i(W)| equals the
//! configured value (0.1–2.0), as in echo-state networks (Jaeger 2001), so that vanishing
//! (ρ < 1) and exploding (ρ > 1) gradients are both reachable. ρ is computed from all
//! eigenvalues: Householder reduction to Hessenberg form, then the shifted QR algorithm in
//! complex arithmetic (Wilkinson shifts, Givens rotations; Golub & Van Loan, "Matrix
//! Computations", §7.4–7.5), in f64. Power iteration is not used because the dominant
//! eigenvalues of a real random matrix are often a complex pair, where it does not converge.
//!
//! Influence is exact forward-mode differentiation with all tangents batched: for input j the d
//! tangents start as dh_j = diag(1 − h_j²) U and follow
//! dh_t = diag(1 − h_t²) W dh_{t−1}, dy_t = V dh_t (t > j); the tangents of every column are
//! kept as the rows of one matrix so each time step is one matrix product. With ρ = 2 on a long
//! text the states saturate (tanh keeps them in [−1, 1]) while tangents may vanish or grow;
//! nothing panics, values may under- or overflow.

use std::ops::Range;

use ndarray::{s, Array1, Array2, ArrayView2, Axis};
use num_complex::Complex64;

use super::Cost;
use crate::error::{check_columns, check_range, check_sequence, CoreError, CoreResult};
use crate::rng::{normal_matrix, rng_for, uniform_vector};

/// RNN hyper-parameters. Ranges: hidden 2–32, spectral radius 0.1–2.0.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Hidden size H, 2–32 (default 16).
    pub hidden: usize,
    /// Spectral radius ρ(W), 0.1–2.0 (default 0.9).
    pub spectral_radius: f32,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            hidden: 16,
            spectral_radius: 0.9,
        }
    }
}

impl Config {
    /// Checks hidden ∈ 2..=32, spectral radius ∈ [0.1, 2.0], d_model ∈ 1..=32.
    pub fn validate(&self, d_model: usize) -> CoreResult<()> {
        check_range("hidden", self.hidden as f64, 2.0, 32.0)?;
        check_range("spectral_radius", f64::from(self.spectral_radius), 0.1, 2.0)?;
        check_range("d_model", d_model as f64, 1.0, 32.0)
    }
}

/// RNN weights drawn from the seed.
#[derive(Debug, Clone)]
pub struct Params {
    pub config: Config,
    pub d_model: usize,
    /// Recurrent weights `[H, H]`, spectral radius = `config.spectral_radius`.
    pub w: Array2<f32>,
    /// Input weights `[H, d_model]`.
    pub u: Array2<f32>,
    /// State bias `[H]`.
    pub b: Array1<f32>,
    /// Readout `[d_model, H]`.
    pub v: Array2<f32>,
    /// Readout bias `[d_model]`.
    pub c: Array1<f32>,
}

impl Params {
    /// W ~ N(0, 1/H) rescaled to the configured spectral radius; U ~ N(0, 1/d_model);
    /// V ~ N(0, 1/H); b, c uniform in ±1/√H (PyTorch's `nn.RNN` bias range).
    /// Labels `rnn/W`, `rnn/U`, `rnn/b`, `rnn/V`, `rnn/c`.
    pub fn init(config: &Config, d_model: usize, seed: u64) -> CoreResult<Params> {
        config.validate(d_model)?;
        let h = config.hidden;
        let std_h = 1.0 / (h as f32).sqrt();
        let raw = normal_matrix(&mut rng_for(seed, "rnn/W"), h, h, std_h);
        let rho = spectral_radius(raw.view());
        if !(rho.is_finite() && rho > 0.0) {
            return Err(CoreError::DegenerateWeights {
                spectral_radius: rho,
            });
        }
        let w = raw * (config.spectral_radius / rho);
        let u = normal_matrix(
            &mut rng_for(seed, "rnn/U"),
            h,
            d_model,
            1.0 / (d_model as f32).sqrt(),
        );
        let b = uniform_vector(&mut rng_for(seed, "rnn/b"), h, -std_h, std_h);
        let v = normal_matrix(&mut rng_for(seed, "rnn/V"), d_model, h, std_h);
        let c = uniform_vector(&mut rng_for(seed, "rnn/c"), d_model, -std_h, std_h);
        Ok(Params {
            config: config.clone(),
            d_model,
            w,
            u,
            b,
            v,
            c,
        })
    }
}

/// The step trace: one row per time step.
#[derive(Debug, Clone)]
pub struct Trace {
    /// h_t, `[L, H]`.
    pub hidden: Array2<f32>,
    /// a_t = W h_{t−1} + U x_t + b, `[L, H]`.
    pub pre_activations: Array2<f32>,
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

/// The recurrence: returns (h [L, H], a [L, H]).
fn recur(params: &Params, x: ArrayView2<f32>) -> (Array2<f32>, Array2<f32>) {
    let len = x.nrows();
    // U x_t + b for all t at once: [L, H].
    let mut pre = x.dot(&params.u.t());
    pre += &params.b;
    let mut hidden = Array2::<f32>::zeros(pre.raw_dim());
    let mut h = Array1::<f32>::zeros(params.config.hidden);
    for t in 0..len {
        // a_t = W h_{t−1} + U x_t + b
        let mut a = pre.row_mut(t);
        a += &params.w.dot(&h);
        // h_t = tanh(a_t)
        h = a.mapv(f32::tanh);
        hidden.row_mut(t).assign(&h);
    }
    (hidden, pre)
}

/// y_t = V h_t + c for all t: [L, d_model].
fn readout(params: &Params, hidden: &Array2<f32>) -> Array2<f32> {
    hidden.dot(&params.v.t()) + &params.c
}

/// Trace-free forward pass: x [L, d_model] -> y [L, d_model].
pub fn forward(params: &Params, x: ArrayView2<f32>) -> CoreResult<Array2<f32>> {
    check_input(params, x)?;
    let (hidden, _) = recur(params, x);
    Ok(readout(params, &hidden))
}

/// Forward pass with the per-step trace.
pub fn run(params: &Params, x: ArrayView2<f32>) -> CoreResult<Run> {
    check_input(params, x)?;
    let (hidden, pre_activations) = recur(params, x);
    let y = readout(params, &hidden);
    Ok(Run {
        y,
        trace: Trace {
            hidden,
            pre_activations,
        },
    })
}

/// Exact ‖∂y_i/∂x_j‖_F (and, if `state`, ‖∂h_i/∂x_j‖_F) for j in `inputs`: [L, inputs.len()].
fn tangent_norms(
    params: &Params,
    hidden: &Array2<f32>,
    inputs: Range<usize>,
    state: bool,
) -> Array2<f32> {
    let (len, hid) = hidden.dim();
    let d = params.d_model;
    let n = inputs.len();
    let mut out = Array2::<f32>::zeros((len, n));
    // Row (c·d + τ) is (∂h_t/∂x_{start+c}[τ])ᵀ: all tangents of all columns, [n·d, H].
    let mut tangents = Array2::<f32>::zeros((n * d, hid));
    let u_t = params.u.t(); // [d, H]: row τ = ∂a/∂x[τ]
    for t in inputs.start..len {
        let slope = hidden.row(t).mapv(|h| 1.0 - h * h); // tanh' = 1 − h_t²
                                                         // Columns seeded before t: dh_t = diag(1 − h_t²) W dh_{t−1} (rows: dh·Wᵀ).
        let before = t.min(inputs.end) - inputs.start;
        if before > 0 {
            let mut old = tangents.slice_mut(s![..before * d, ..]);
            let mut new = old.dot(&params.w.t());
            new *= &slope;
            old.assign(&new);
        }
        // Column seeded at t: dh_t = diag(1 − h_t²) U.
        if t < inputs.end {
            let mut seed = tangents.slice_mut(s![before * d..(before + 1) * d, ..]);
            seed.assign(&u_t);
            seed *= &slope;
        }
        let active = (t + 1).min(inputs.end) - inputs.start;
        let live = tangents.slice(s![..active * d, ..]);
        // dy_t = V dh_t (rows: dh·Vᵀ), or the state itself.
        let blocks = if state {
            live.to_owned()
        } else {
            live.dot(&params.v.t())
        };
        for (c, block) in blocks.axis_chunks_iter(Axis(0), d).enumerate() {
            out[[t, c]] = block.iter().map(|v| v * v).sum::<f32>().sqrt();
        }
    }
    out
}

/// Exact I[i, j] = ‖∂y_i/∂x_j‖_F for j in `inputs`: [L, inputs.len()].
pub fn influence_columns(
    params: &Params,
    x: ArrayView2<f32>,
    inputs: Range<usize>,
) -> CoreResult<Array2<f32>> {
    check_input(params, x)?;
    check_columns(&inputs, x.nrows())?;
    let (hidden, _) = recur(params, x);
    Ok(tangent_norms(params, &hidden, inputs, false))
}

/// Whole influence matrix [L, L].
pub fn influence(params: &Params, x: ArrayView2<f32>) -> CoreResult<Array2<f32>> {
    influence_columns(params, x, 0..x.nrows())
}

/// State influence S[i, j] = ‖∂h_i/∂x_j‖_F, [L, L] (the Flow view colours the chain by it).
pub fn state_influence(params: &Params, x: ArrayView2<f32>) -> CoreResult<Array2<f32>> {
    check_input(params, x)?;
    let (hidden, _) = recur(params, x);
    Ok(tangent_norms(params, &hidden, 0..x.nrows(), true))
}

/// Costs: L·(H² + 2·H·d) multiply-adds; L dependent steps whichever way it is computed
/// (the tanh makes a parallel scan impossible); H numbers of state per generated token.
pub fn cost(config: &Config, d_model: usize, len: usize) -> Cost {
    let (h, d, len) = (config.hidden as u64, d_model as u64, len as u64);
    Cost {
        multiply_adds: len * (h * h + 2 * h * d),
        sequential_depth: len,
        parallel_depth: len,
        memory_floats_per_token: h,
    }
}

/// Spectral radius max |λ_i| of a square matrix (0 for an empty or non-square one; NaN if it
/// contains non-finite values). All eigenvalues by Hessenberg + shifted complex QR, in f64.
pub fn spectral_radius(w: ArrayView2<f32>) -> f32 {
    if w.nrows() != w.ncols() {
        return 0.0;
    }
    if !w.iter().all(|v| v.is_finite()) {
        return f32::NAN;
    }
    eigenvalues(w.mapv(f64::from))
        .iter()
        .map(|z| z.norm())
        .fold(0.0, f64::max) as f32
}

/// Householder reduction to upper Hessenberg form: A ← P A P with P = I − 2vvᵀ/vᵀv acting on
/// rows/columns k+1.. (Golub & Van Loan Alg. 7.4.2). Similar to A, so same eigenvalues.
fn hessenberg(a: &mut Array2<f64>) {
    let n = a.nrows();
    for k in 0..n.saturating_sub(2) {
        let mut v = a.slice(s![k + 1.., k]).to_owned();
        let norm = v.dot(&v).sqrt();
        if norm == 0.0 {
            continue;
        }
        let alpha = if v[0] > 0.0 { -norm } else { norm };
        v[0] -= alpha;
        let vv = v.dot(&v);
        if vv == 0.0 {
            continue;
        }
        // Rows: A[k+1.., :] −= 2 v (vᵀ A[k+1.., :]) / vᵀv
        let proj = v.dot(&a.slice(s![k + 1.., ..])) * (2.0 / vv); // [n]
        for (i, &vi) in v.iter().enumerate() {
            a.row_mut(k + 1 + i).scaled_add(-vi, &proj);
        }
        // Columns: A[:, k+1..] −= 2 (A[:, k+1..] v) vᵀ / vᵀv
        let proj = a.slice(s![.., k + 1..]).dot(&v) * (2.0 / vv); // [n]
        for (l, &vl) in v.iter().enumerate() {
            a.column_mut(k + 1 + l).scaled_add(-vl, &proj);
        }
    }
}

/// All eigenvalues of a real square matrix: Hessenberg reduction, then the complex shifted QR
/// algorithm with Wilkinson shifts and deflation (G&VL §7.5). Never panics; if it fails to
/// converge within 100·n sweeps the remaining diagonal is returned as an approximation.
fn eigenvalues(mut a: Array2<f64>) -> Vec<Complex64> {
    let n = a.nrows();
    if n == 0 {
        return Vec::new();
    }
    hessenberg(&mut a);
    let mut h = a.mapv(|v| Complex64::new(v, 0.0));
    let mut eig = Vec::with_capacity(n);
    let mut hi = n - 1;
    let mut iter = 0usize;
    let mut budget = 100 * n;
    while hi > 0 {
        // Find the start l of the unreduced block ending at hi (deflate tiny sub-diagonals).
        let mut l = hi;
        while l > 0 {
            let sub = h[[l, l - 1]].norm();
            let scale = h[[l - 1, l - 1]].norm() + h[[l, l]].norm();
            if sub <= f64::EPSILON * scale || sub < f64::MIN_POSITIVE {
                h[[l, l - 1]] = Complex64::new(0.0, 0.0);
                break;
            }
            l -= 1;
        }
        if l == hi {
            eig.push(h[[hi, hi]]);
            hi -= 1;
            iter = 0;
            continue;
        }
        if budget == 0 {
            break;
        }
        budget -= 1;
        iter += 1;
        let mu = if iter % 11 == 10 {
            // Exceptional shift to break cycles.
            h[[hi, hi]] + h[[hi, hi - 1]].norm()
        } else {
            wilkinson_shift(
                h[[hi - 1, hi - 1]],
                h[[hi - 1, hi]],
                h[[hi, hi - 1]],
                h[[hi, hi]],
            )
        };
        qr_step(&mut h, l, hi, mu);
    }
    for k in (0..=hi).rev() {
        eig.push(h[[k, k]]);
    }
    eig
}

/// The eigenvalue of [[a, b], [c, d]] closer to d.
fn wilkinson_shift(a: Complex64, b: Complex64, c: Complex64, d: Complex64) -> Complex64 {
    let half = (a - d) * 0.5;
    let root = (half * half + b * c).sqrt();
    let mean = (a + d) * 0.5;
    let (mu1, mu2) = (mean + root, mean - root);
    if (mu1 - d).norm() <= (mu2 - d).norm() {
        mu1
    } else {
        mu2
    }
}

/// One shifted QR step on the Hessenberg block [l..=hi]: H − μI = QR, H ← RQ + μI, with Q a
/// product of Givens rotations G_k = [[c̄, s̄], [−s, c]] (c = x/r, s = y/r zero y below x).
fn qr_step(h: &mut Array2<Complex64>, l: usize, hi: usize, mu: Complex64) {
    for k in l..=hi {
        h[[k, k]] -= mu;
    }
    let mut rotations = Vec::with_capacity(hi - l);
    for k in l..hi {
        let (x, y) = (h[[k, k]], h[[k + 1, k]]);
        let r = (x.norm_sqr() + y.norm_sqr()).sqrt();
        let (c, s) = if r == 0.0 {
            (Complex64::new(1.0, 0.0), Complex64::new(0.0, 0.0))
        } else {
            (x / r, y / r)
        };
        for j in k..=hi {
            let (p, q) = (h[[k, j]], h[[k + 1, j]]);
            h[[k, j]] = c.conj() * p + s.conj() * q;
            h[[k + 1, j]] = -s * p + c * q;
        }
        rotations.push((c, s));
    }
    // R Q = R G_lᴴ G_{l+1}ᴴ …, with Gᴴ = [[c, −s̄], [s, c̄]].
    for (idx, &(c, s)) in rotations.iter().enumerate() {
        let k = l + idx;
        for i in l..=(k + 1).min(hi) {
            let (p, q) = (h[[i, k]], h[[i, k + 1]]);
            h[[i, k]] = p * c + q * s;
            h[[i, k + 1]] = -p * s.conj() + q * c.conj();
        }
    }
    for k in l..=hi {
        h[[k, k]] += mu;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;
    use proptest::prelude::*;

    fn random_x(len: usize, d: usize, seed: u64) -> Array2<f32> {
        normal_matrix(&mut rng_for(seed, "test/x"), len, d, 1.0)
    }

    /// Independent f64 re-implementation of the recurrence: returns (y [L, d], h [L, H]).
    fn reference(p: &Params, x: &Array2<f64>) -> (Array2<f64>, Array2<f64>) {
        let (w, u, b) = (
            p.w.mapv(f64::from),
            p.u.mapv(f64::from),
            p.b.mapv(f64::from),
        );
        let (v, c) = (p.v.mapv(f64::from), p.c.mapv(f64::from));
        let mut hs = Array2::<f64>::zeros((x.nrows(), w.nrows()));
        let mut h = Array1::<f64>::zeros(w.nrows());
        for (t, x_t) in x.rows().into_iter().enumerate() {
            h = (w.dot(&h) + u.dot(&x_t) + &b).mapv(f64::tanh);
            hs.row_mut(t).assign(&h);
        }
        (hs.dot(&v.t()) + &c, hs)
    }

    /// Central finite differences (f64, eps 1e-6) of a map x -> [L, k], ‖·‖_F per block.
    fn fd_norms(f: impl Fn(&Array2<f64>) -> Array2<f64>, x: &Array2<f32>) -> Array2<f32> {
        let x = x.mapv(f64::from);
        let (len, d) = x.dim();
        let eps = 1e-6;
        let mut out = Array2::<f64>::zeros((len, len));
        for j in 0..len {
            for c in 0..d {
                let (mut plus, mut minus) = (x.clone(), x.clone());
                plus[[j, c]] += eps;
                minus[[j, c]] -= eps;
                let diff = (f(&plus) - f(&minus)) / (2.0 * eps);
                for i in 0..len {
                    out[[i, j]] += diff.row(i).iter().map(|v| v * v).sum::<f64>();
                }
            }
        }
        out.mapv(|v| v.sqrt() as f32)
    }

    /// Q = I − 2vvᵀ/vᵀv for a fixed v: orthogonal and symmetric, so Q⁻¹ = Q.
    fn householder(n: usize) -> Array2<f64> {
        let v = Array1::from_shape_fn(n, |i| 1.0 + (i as f64 * 0.7).sin());
        let vv = v.dot(&v);
        let mut q = Array2::<f64>::eye(n);
        for i in 0..n {
            for j in 0..n {
                q[[i, j]] -= 2.0 * v[i] * v[j] / vv;
            }
        }
        q
    }

    #[test]
    fn eigenvalues_of_matrices_with_known_spectrum() {
        // Block upper-triangular T with diagonal blocks [[a, −b], [b, a]] (eigenvalues a ± ib)
        // and 1×1 blocks, arbitrary entries above the blocks (non-normal), then M = Q T Q with
        // an orthogonal Householder Q: the eigenvalues of M are those of the blocks.
        let blocks: [(f64, f64); 3] = [(0.3, 1.1), (-0.8, 0.2), (0.05, -0.5)];
        let reals = [0.9, -1.05];
        let n = 2 * blocks.len() + reals.len();
        let mut t = Array2::<f64>::zeros((n, n));
        for i in 0..n {
            for j in i + 1..n {
                t[[i, j]] = ((i * 7 + j * 3) as f64).cos();
            }
        }
        let mut want = Vec::new();
        for (k, &(a, b)) in blocks.iter().enumerate() {
            let i = 2 * k;
            t[[i, i]] = a;
            t[[i, i + 1]] = -b;
            t[[i + 1, i]] = b;
            t[[i + 1, i + 1]] = a;
            want.push(Complex64::new(a, b));
            want.push(Complex64::new(a, -b));
        }
        for (k, &r) in reals.iter().enumerate() {
            let i = 2 * blocks.len() + k;
            t[[i, i]] = r;
            want.push(Complex64::new(r, 0.0));
        }
        let q = householder(n);
        let m = q.dot(&t).dot(&q);
        let mut got = eigenvalues(m.clone());
        assert_eq!(got.len(), want.len());
        for w in &want {
            // Match each expected eigenvalue to its nearest computed one, then remove it.
            let (k, dist) = got.iter().map(|g| (g - w).norm()).enumerate().fold(
                (0, f64::INFINITY),
                |best, (k, e)| if e < best.1 { (k, e) } else { best },
            );
            assert!(dist < 1e-9, "{w} not found in {got:?}");
            got.swap_remove(k);
        }
        // Largest modulus: |0.3 ± 1.1i| = √(0.09 + 1.21) = √1.3 ≈ 1.1402 (a complex pair,
        // where power iteration oscillates).
        let rho = spectral_radius(m.mapv(|v| v as f32).view());
        assert!((rho - 1.3f32.sqrt()).abs() < 1e-4, "{rho}");
        // A rotation by 90°: eigenvalues ±i, radius 1; a Jordan block: radius 0.5.
        assert!((spectral_radius(array![[0.0f32, -1.0], [1.0, 0.0]].view()) - 1.0).abs() < 1e-6);
        let jordan = array![[0.5f32, 1.0, 0.0], [0.0, 0.5, 1.0], [0.0, 0.0, 0.5]];
        assert!((spectral_radius(jordan.view()) - 0.5).abs() < 1e-6);
    }

    #[test]
    fn init_rescales_to_requested_radius() {
        for (rho, seed) in [(0.1f32, 1u64), (0.9, 2), (1.5, 3), (2.0, 4)] {
            let cfg = Config {
                hidden: 16,
                spectral_radius: rho,
            };
            let p = Params::init(&cfg, 8, seed).unwrap();
            assert!((spectral_radius(p.w.view()) - rho).abs() < 1e-4 * rho);
            // Independent check by Gelfand's formula ρ = lim ‖W^k‖^{1/k} (k = 400, f64,
            // normalised each step): converges like C^{1/k}, so allow 3 %.
            let w = p.w.mapv(f64::from);
            let mut pw = Array2::<f64>::eye(16);
            let mut log_norm = 0.0;
            for _ in 0..400 {
                pw = pw.dot(&w);
                let norm = pw.iter().map(|v| v * v).sum::<f64>().sqrt();
                log_norm += norm.ln();
                pw /= norm;
            }
            let gelfand = (log_norm / 400.0).exp();
            assert!(
                (gelfand / f64::from(rho) - 1.0).abs() < 0.03,
                "{gelfand} vs {rho}"
            );
        }
    }

    fn hand_params() -> Params {
        // Two decoupled units (W diagonal) so each is a scalar recurrence; unit 1 is read out.
        let mut p = Params::init(
            &Config {
                hidden: 2,
                spectral_radius: 0.5,
            },
            1,
            0,
        )
        .unwrap();
        p.w = array![[0.5, 0.0], [0.0, 0.3]];
        p.u = array![[2.0], [1.0]];
        p.b = array![0.1, 0.0];
        p.v = array![[3.0, 0.0]];
        p.c = array![-1.0];
        p
    }

    #[test]
    fn scalar_recurrence_by_hand() {
        // Unit 0: h1 = tanh(2·x1 + 0.1), h2 = tanh(0.5·h1 + 2·x2 + 0.1); y = 3·h − 1.
        // x = [0.2, −0.4]:
        //   h1 = tanh(0.5) ≈ 0.462117,  h2 = tanh(0.5·0.462117 − 0.8 + 0.1) = tanh(−0.468942)
        // ∂y1/∂x1 = 3·2·(1 − h1²);  ∂y2/∂x2 = 3·2·(1 − h2²);  ∂y2/∂x1 = 3·(1 − h2²)·0.5·2·(1 − h1²).
        let p = hand_params();
        let x = array![[0.2f32], [-0.4]];
        let h1 = 0.5f64.tanh();
        let h2 = (0.5 * h1 - 0.8 + 0.1).tanh();
        let y = forward(&p, x.view()).unwrap();
        assert!((f64::from(y[[0, 0]]) - (3.0 * h1 - 1.0)).abs() < 1e-6);
        assert!((f64::from(y[[1, 0]]) - (3.0 * h2 - 1.0)).abs() < 1e-6);
        let inf = influence(&p, x.view()).unwrap();
        let want = [
            [6.0 * (1.0 - h1 * h1), 0.0],
            [
                3.0 * (1.0 - h2 * h2) * (1.0 - h1 * h1),
                6.0 * (1.0 - h2 * h2),
            ],
        ];
        for i in 0..2 {
            for j in 0..2 {
                assert!(
                    (f64::from(inf[[i, j]]) - want[i][j]).abs() < 1e-5,
                    "({i},{j})"
                );
            }
        }
        assert_eq!(inf[[0, 1]], 0.0);
        // State influence: unit 1 (u = 1, w = 0.3, b = 0) also moves: g1 = tanh(0.2), etc.
        let g1 = 0.2f64.tanh();
        let g2 = (0.3 * g1 - 0.4).tanh();
        let s = state_influence(&p, x.view()).unwrap();
        let s10 = ((1.0 - h2 * h2) * 0.5 * 2.0 * (1.0 - h1 * h1))
            .hypot((1.0 - g2 * g2) * 0.3 * (1.0 - g1 * g1));
        assert!((f64::from(s[[1, 0]]) - s10).abs() < 1e-5);
        let r = run(&p, x.view()).unwrap();
        assert!((f64::from(r.trace.hidden[[0, 1]]) - g1).abs() < 1e-6);
        assert!((f64::from(r.trace.pre_activations[[1, 0]]) - (0.5 * h1 - 0.7)).abs() < 1e-6);
    }

    #[test]
    fn invalid_inputs_give_typed_errors() {
        let p = Params::init(&Config::default(), 2, 0).unwrap();
        let empty = Array2::<f32>::zeros((0, 2));
        assert_eq!(forward(&p, empty.view()), Err(CoreError::EmptyInput));
        assert_eq!(
            state_influence(&p, empty.view()).unwrap_err(),
            CoreError::EmptyInput
        );
        let mut x = Array2::<f32>::zeros((3, 2));
        x[[2, 1]] = f32::INFINITY;
        assert_eq!(
            influence(&p, x.view()).unwrap_err(),
            CoreError::NonFinite { what: "x" }
        );
        let ok = Array2::<f32>::zeros((3, 2));
        assert!(matches!(
            influence_columns(&p, ok.view(), 0..4),
            Err(CoreError::Shape { .. })
        ));
        for cfg in [
            Config {
                spectral_radius: 0.05,
                ..Config::default()
            },
            Config {
                spectral_radius: 2.5,
                ..Config::default()
            },
            Config {
                spectral_radius: f32::NAN,
                ..Config::default()
            },
            Config {
                hidden: 1,
                ..Config::default()
            },
            Config {
                hidden: 33,
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
    fn radius_two_on_long_text_does_not_panic() {
        let cfg = Config {
            hidden: 32,
            spectral_radius: 2.0,
        };
        let p = Params::init(&cfg, 16, 9).unwrap();
        let x = random_x(1024, 16, 1) * 10.0;
        let y = forward(&p, x.view()).unwrap();
        assert!(y.iter().all(|v| v.is_finite()));
        let inf = influence_columns(&p, x.view(), 0..8).unwrap();
        assert_eq!(inf.dim(), (1024, 8));
    }

    #[test]
    fn columns_match_whole_and_cost() {
        let p = Params::init(&Config::default(), 4, 5).unwrap();
        let x = random_x(12, 4, 6);
        let whole = influence(&p, x.view()).unwrap();
        assert_eq!(
            influence_columns(&p, x.view(), 4..9).unwrap(),
            whole.slice(s![.., 4..9])
        );
        let c = cost(&Config::default(), 4, 12);
        assert_eq!(c.multiply_adds, 12 * (256 + 2 * 16 * 4));
        assert_eq!((c.sequential_depth, c.memory_floats_per_token), (12, 16));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(40))]

        #[test]
        fn influence_matches_finite_differences(
            len in 1usize..=6, d in 1usize..=4, hidden in 2usize..=6,
            rho in 0.1f32..2.0, seed in 0u64..1000,
        ) {
            let p = Params::init(&Config { hidden, spectral_radius: rho }, d, seed).unwrap();
            let x = random_x(len, d, seed + 7);
            let exact = influence(&p, x.view()).unwrap();
            let fd = fd_norms(|x| reference(&p, x).0, &x);
            let state = state_influence(&p, x.view()).unwrap();
            let fd_state = fd_norms(|x| reference(&p, x).1, &x);
            let (y_ref, _) = reference(&p, &x.mapv(f64::from));
            let y = forward(&p, x.view()).unwrap();
            for (a, b) in y.iter().zip(y_ref.iter()) {
                prop_assert!((f64::from(*a) - b).abs() < 1e-4);
            }
            for ((i, j), &e) in exact.indexed_iter() {
                let f = fd[[i, j]];
                prop_assert!((e - f).abs() <= 1e-4 + 1e-3 * f.abs(), "y ({},{}) {} vs {}", i, j, e, f);
                let (es, fs) = (state[[i, j]], fd_state[[i, j]]);
                prop_assert!((es - fs).abs() <= 1e-4 + 1e-3 * fs.abs(), "h ({},{}) {} vs {}", i, j, es, fs);
                if j > i {
                    prop_assert_eq!(e, 0.0);
                    prop_assert_eq!(es, 0.0);
                }
            }
        }
    }
}
