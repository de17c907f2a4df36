//! Where state-space models come from: discretization, HiPPO memory, diagonal structure.
//!
//! Pure f64 computations behind the SSM view, tested natively.
//!
//! **Discretization** of a diagonal continuous system `h′ = A h + B x`, `y = Σ f_n Re(C_n h_n)`
//! (S4: A. Gu, K. Goel, C. Ré, "Efficiently Modeling Long Sequences with Structured State
//! Spaces", ICLR 2022, §2; S4D: A. Gu, A. Gupta, K. Goel, C. Ré, "On the Parameterization and
//! Initialization of Diagonal State Space Models", NeurIPS 2022, §2–3). At step Δ, with the
//! sample `x_k = x(kΔ)` (the value at the left end of the step):
//!
//! ```text
//! ZOH       Ā = exp(ΔA),                 B̄ = (exp(ΔA) − 1)/A · B,   h_{k+1} = Ā h_k + B̄ x_k
//! bilinear  Ā = (1 − ΔA/2)⁻¹(1 + ΔA/2),  B̄ = (1 − ΔA/2)⁻¹ ΔB,        h_{k+1} = Ā h_k + B̄ (x_k + x_{k+1})/2
//! Euler     Ā = 1 + ΔA,                  B̄ = ΔB,                    h_{k+1} = Ā h_k + B̄ x_k
//! Mamba     Ā = exp(ΔA),                 B̄ = ΔB,                    h_{k+1} = Ā h_k + B̄ x_k
//! ```
//!
//! The bilinear (Tustin) rule is the trapezoidal rule: it averages the input at both ends of the
//! step (S4 feeds one sample per step; the average is what makes it second order for a smooth
//! input). "Mamba" is the mixed rule of `models::mamba` (zero-order hold for A, an Euler step for
//! B). The **exact** reference is exact for the signal it integrates: for piecewise-constant
//! signals (the sentence, each token held for one time unit; the unit step) it chains the exact
//! ZOH solution between every breakpoint and every grid time, for the sine it is the analytic
//! convolution integral. So ZOH is exact (to rounding) for a held signal whose breakpoints lie on
//! the grid, and first order otherwise; Euler is first order; bilinear second order on the sine.
//!
//! Stability: ZOH and bilinear map Re A < 0 into |Ā| < 1 for every Δ (A-stable); Euler's
//! |1 + ΔA| < 1 only while Δ < 2|Re A|/|A|² (Δ·|A| < 2 for real A).
//!
//! **HiPPO** (A. Gu, T. Dao, S. Ermon, A. Rudra, C. Ré, "HiPPO: Recurrent Memory with Optimal
//! Polynomial Projections", NeurIPS 2020, §2–3 and Appendix D): the state holds the coefficients
//! of the input history in a Legendre basis. LegS (scaled measure, uniform on [0, t]):
//! `c′ = (1/t) A c + (1/t) B f`, `A_nk = −√(2n+1)√(2k+1)` (n > k), `−(n+1)` (n = k), 0 (n < k),
//! `B_n = √(2n+1)`, history `f(x) ≈ Σ c_n √(2n+1) P_n(2x/t − 1)`. LegT (translated measure,
//! uniform on [t−θ, t]): `A_nk = −(1/θ)√(2n+1)√(2k+1)·(1 if k ≤ n, (−1)^{n−k} if k > n)`,
//! `B_n = √(2n+1)/θ`, history `f(x) ≈ Σ c_n √(2n+1) P_n(2(x−t)/θ + 1)`. Both are stepped once
//! per sample (unit step) with the bilinear/GBT(½) rule, as in the paper's LegS update.
//!
//! **Structure** (S4D §3): the kernel `K_k = f·Re Σ_n C_n B̄_n Ā_n^k` computed by running the
//! recurrence (k after k) and by the diagonal Vandermonde product `K = C·diag(B̄)·V`,
//! `V_{n,k} = Ā_n^k = exp(kΔA_n)` — every entry independent of the others.

use num_complex::Complex64;

use crate::error::{check_range, CoreError, CoreResult};
use crate::models::s4d;

/// `exp(z) − 1` without cancellation for small |z| (`expm1` on the real part).
fn expm1_c(z: Complex64) -> Complex64 {
    let half = (0.5 * z.im).sin();
    Complex64::new(
        z.re.exp_m1() * z.im.cos() - 2.0 * half * half,
        z.re.exp() * z.im.sin(),
    )
}

/// Exact ZOH coefficients over a span τ: `(exp(τa), (exp(τa) − 1)/a)` (`τ` when a = 0).
fn zoh_coefficients(a: Complex64, tau: f64) -> (Complex64, Complex64) {
    let a_bar = (a * tau).exp();
    if a.norm() == 0.0 {
        (a_bar, Complex64::new(tau, 0.0))
    } else {
        (a_bar, expm1_c(a * tau) / a)
    }
}

// ---------------------------------------------------------------------------------------------
// Discretization
// ---------------------------------------------------------------------------------------------

/// A diagonal single-input system: `h′ = A h + B x`, `y = Σ f_n Re(C_n h_n)` (f = 2 for a state
/// standing for a conjugate pair).
#[derive(Debug, Clone, PartialEq)]
pub struct DiagSystem {
    pub a: Vec<Complex64>,
    pub b: Vec<Complex64>,
    pub c: Vec<Complex64>,
    pub factor: Vec<f64>,
}

impl DiagSystem {
    /// Two real states, a slow (−0.5) and a fast (−3) decay.
    pub fn real_pair() -> Self {
        DiagSystem {
            a: vec![Complex64::new(-0.5, 0.0), Complex64::new(-3.0, 0.0)],
            b: vec![Complex64::new(1.0, 0.0); 2],
            c: vec![Complex64::new(1.0, 0.0); 2],
            factor: vec![1.0; 2],
        }
    }

    /// One lightly damped oscillation (a conjugate pair −0.4 ± 3i) plus a real decay −1.
    pub fn oscillating() -> Self {
        DiagSystem {
            a: vec![Complex64::new(-0.4, 3.0), Complex64::new(-1.0, 0.0)],
            b: vec![Complex64::new(1.0, 0.0); 2],
            c: vec![Complex64::new(1.0, 0.0), Complex64::new(0.5, 0.0)],
            factor: vec![2.0, 1.0],
        }
    }

    /// The readout of a state vector.
    pub fn output(&self, h: &[Complex64]) -> f64 {
        h.iter()
            .zip(&self.c)
            .zip(&self.factor)
            .map(|((h, c), f)| f * (c * h).re)
            .sum()
    }

    /// The largest step at which forward Euler is still stable for every state:
    /// `min_n 2|Re A_n|/|A_n|²` (∞ when no state decays).
    pub fn euler_threshold(&self) -> f64 {
        self.a
            .iter()
            .map(|a| euler_threshold(*a))
            .fold(f64::INFINITY, f64::min)
    }
}

/// Largest Δ with |1 + ΔA| ≤ 1 for one eigenvalue: `2|Re A|/|A|²` (0 when Re A ≥ 0, A ≠ 0).
pub fn euler_threshold(a: Complex64) -> f64 {
    if a.norm_sqr() == 0.0 {
        return f64::INFINITY;
    }
    (-2.0 * a.re / a.norm_sqr()).max(0.0)
}

/// An input signal on t ≥ 0.
#[derive(Debug, Clone, PartialEq)]
pub enum Signal {
    /// `values[i]` held on `[i·dwell, (i+1)·dwell)`, the last value held afterwards.
    Held { values: Vec<f64>, dwell: f64 },
    /// The unit step: 1 for t ≥ 0.
    Step,
    /// `sin(ω t)`.
    Sine { omega: f64 },
}

/// Relative slack so that a grid time landing on a breakpoint up to rounding picks the segment
/// that starts there.
const BREAK_SLACK: f64 = 1e-9;

impl Signal {
    /// x(t).
    pub fn value(&self, t: f64) -> f64 {
        match self {
            Signal::Held { values, dwell } => {
                let i = (t / dwell + BREAK_SLACK).floor().max(0.0) as usize;
                values
                    .get(i.min(values.len().saturating_sub(1)))
                    .copied()
                    .unwrap_or(0.0)
            }
            Signal::Step => 1.0,
            Signal::Sine { omega } => (omega * t).sin(),
        }
    }

    /// The next breakpoint after `t` (∞ when none).
    fn next_break(&self, t: f64) -> f64 {
        match self {
            Signal::Held { values, dwell } => {
                let i = (t / dwell + BREAK_SLACK).floor().max(0.0) + 1.0;
                if i as usize >= values.len() {
                    f64::INFINITY
                } else {
                    i * dwell
                }
            }
            _ => f64::INFINITY,
        }
    }
}

/// The exact output y at each of the (increasing, ≥ 0) `times`, from h(0) = 0.
///
/// Held and step inputs: the exact ZOH solution chained over every breakpoint and time
/// (exact for a piecewise-constant input). Sine: the analytic convolution integral
/// `h(t) = B/(2i)·[(e^{iωt} − e^{At})/(iω − A) − (e^{−iωt} − e^{At})/(−iω − A)]`.
pub fn exact_output(system: &DiagSystem, signal: &Signal, times: &[f64]) -> Vec<f64> {
    if let Signal::Sine { omega } = signal {
        let i = Complex64::i();
        return times
            .iter()
            .map(|&t| {
                let h: Vec<Complex64> = system
                    .a
                    .iter()
                    .zip(&system.b)
                    .map(|(&a, &b)| {
                        let eat = (a * t).exp();
                        let plus = ((i * omega * t).exp() - eat) / (i * omega - a);
                        let minus = ((-i * omega * t).exp() - eat) / (-i * omega - a);
                        b / (2.0 * i) * (plus - minus)
                    })
                    .collect();
                system.output(&h)
            })
            .collect();
    }
    let mut h = vec![Complex64::new(0.0, 0.0); system.a.len()];
    let mut now = 0.0;
    let mut out = Vec::with_capacity(times.len());
    for &t in times {
        while now < t {
            let end = signal.next_break(now).min(t);
            let (tau, x) = (end - now, signal.value(now));
            for ((h, &a), &b) in h.iter_mut().zip(&system.a).zip(&system.b) {
                let (a_bar, phi) = zoh_coefficients(a, tau);
                *h = a_bar * *h + phi * b * x;
            }
            now = end;
        }
        out.push(system.output(&h));
    }
    out
}

/// A discretization rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Zoh,
    Bilinear,
    Euler,
    /// ZOH for A, Euler for B (Mamba's selective scan).
    Mamba,
}

impl Method {
    pub const ALL: [Method; 4] = [Method::Zoh, Method::Bilinear, Method::Euler, Method::Mamba];

    /// Short name.
    pub fn name(self) -> &'static str {
        match self {
            Method::Zoh => "ZOH",
            Method::Bilinear => "bilinear",
            Method::Euler => "Euler",
            Method::Mamba => "Mamba (ZOH A, Euler B)",
        }
    }

    /// `(Ā, B̄)` of one state at step Δ.
    pub fn discretize(self, a: Complex64, b: Complex64, delta: f64) -> (Complex64, Complex64) {
        let one = Complex64::new(1.0, 0.0);
        match self {
            Method::Zoh => {
                let (a_bar, phi) = zoh_coefficients(a, delta);
                (a_bar, phi * b)
            }
            Method::Bilinear => {
                let inv = one / (one - a * (delta / 2.0));
                (inv * (one + a * (delta / 2.0)), inv * b * delta)
            }
            Method::Euler => (one + a * delta, b * delta),
            Method::Mamba => ((a * delta).exp(), b * delta),
        }
    }
}

/// The output of the discrete system on the grid `t_k = kΔ`, k = 0..=steps.
pub fn discrete_output(
    system: &DiagSystem,
    signal: &Signal,
    method: Method,
    delta: f64,
    steps: usize,
) -> Vec<f64> {
    let coefficients: Vec<(Complex64, Complex64)> = system
        .a
        .iter()
        .zip(&system.b)
        .map(|(&a, &b)| method.discretize(a, b, delta))
        .collect();
    let mut h = vec![Complex64::new(0.0, 0.0); system.a.len()];
    let mut out = Vec::with_capacity(steps + 1);
    out.push(0.0);
    let mut x_now = signal.value(0.0);
    for k in 0..steps {
        let x_next = signal.value((k + 1) as f64 * delta);
        let u = if method == Method::Bilinear {
            0.5 * (x_now + x_next)
        } else {
            x_now
        };
        for (h, (a_bar, b_bar)) in h.iter_mut().zip(&coefficients) {
            *h = a_bar * *h + b_bar * u;
        }
        out.push(system.output(&h));
        x_now = x_next;
    }
    out
}

/// Largest error `max_k |y_k − y(kΔ)|` of a method over `[0, horizon]` (∞ on overflow).
pub fn max_error(
    system: &DiagSystem,
    signal: &Signal,
    method: Method,
    delta: f64,
    horizon: f64,
) -> f64 {
    let steps = steps_for(delta, horizon);
    let times: Vec<f64> = (0..=steps).map(|k| k as f64 * delta).collect();
    let exact = exact_output(system, signal, &times);
    let discrete = discrete_output(system, signal, method, delta, steps);
    worst(&exact, &discrete)
}

fn worst(exact: &[f64], discrete: &[f64]) -> f64 {
    exact
        .iter()
        .zip(discrete)
        .map(|(e, d)| {
            let err = (e - d).abs();
            if err.is_finite() {
                err
            } else {
                f64::INFINITY
            }
        })
        .fold(0.0, f64::max)
}

/// Steps of size Δ covering `[0, horizon]` (at least 1, at most 200 000).
pub fn steps_for(delta: f64, horizon: f64) -> usize {
    ((horizon / delta - 1e-9).ceil().max(1.0) as usize).min(200_000)
}

/// One method's run at the current Δ.
#[derive(Debug, Clone, PartialEq)]
pub struct MethodRun {
    pub method: Method,
    /// Grid times and outputs (thinned to at most `MAX_POINTS` for drawing).
    pub t: Vec<f64>,
    pub y: Vec<f64>,
    /// Largest error on the full grid (∞ when the run overflowed).
    pub max_error: f64,
    /// Largest |Ā_n|: above 1 the discrete system is unstable.
    pub gain: f64,
}

/// Everything the discretization panel draws.
#[derive(Debug, Clone, PartialEq)]
pub struct DiscretizationRun {
    pub horizon: f64,
    pub delta: f64,
    /// The exact output on a fine grid.
    pub exact_t: Vec<f64>,
    pub exact_y: Vec<f64>,
    pub methods: Vec<MethodRun>,
    /// Largest stable Euler step.
    pub euler_threshold: f64,
}

/// Max error of every method across Δ: it does not depend on the Δ slider, so the view keeps
/// it while Δ moves (the sweep costs far more than one run).
#[derive(Debug, Clone, PartialEq)]
pub struct DeltaSweep {
    /// Δ values, log-spaced over `[DELTA_MIN, DELTA_MAX]`.
    pub delta: Vec<f64>,
    /// The max error of each method at each Δ (same order as `Method::ALL`).
    pub error: Vec<[f64; 4]>,
}

/// Points per drawn curve.
pub const MAX_POINTS: usize = 600;

/// Δ range of the slider and sweep.
pub const DELTA_MIN: f64 = 1e-3;
pub const DELTA_MAX: f64 = 10.0;

/// Runs every method at Δ.
pub fn discretization_run(
    system: &DiagSystem,
    signal: &Signal,
    delta: f64,
    horizon: f64,
) -> CoreResult<DiscretizationRun> {
    check_range("delta", delta, DELTA_MIN, DELTA_MAX)?;
    check_range("horizon", horizon, 0.1, 1000.0)?;
    let fine: Vec<f64> = (0..=MAX_POINTS)
        .map(|i| horizon * i as f64 / MAX_POINTS as f64)
        .collect();
    let exact_y = exact_output(system, signal, &fine);
    let steps = steps_for(delta, horizon);
    let grid: Vec<f64> = (0..=steps).map(|k| k as f64 * delta).collect();
    let exact_grid = exact_output(system, signal, &grid);
    let stride = steps / MAX_POINTS + 1;
    let methods = Method::ALL
        .iter()
        .map(|&method| {
            let y = discrete_output(system, signal, method, delta, steps);
            let gain = system
                .a
                .iter()
                .zip(&system.b)
                .map(|(&a, &b)| method.discretize(a, b, delta).0.norm())
                .fold(0.0, f64::max);
            MethodRun {
                method,
                max_error: worst(&exact_grid, &y),
                t: grid.iter().step_by(stride).copied().collect(),
                y: y.iter().step_by(stride).copied().collect(),
                gain,
            }
        })
        .collect();
    Ok(DiscretizationRun {
        horizon,
        delta,
        exact_t: fine,
        exact_y,
        methods,
        euler_threshold: system.euler_threshold(),
    })
}

/// The max error of every method at `points` log-spaced Δ over `[DELTA_MIN, DELTA_MAX]`.
pub fn delta_sweep(
    system: &DiagSystem,
    signal: &Signal,
    horizon: f64,
    points: usize,
) -> CoreResult<DeltaSweep> {
    check_range("horizon", horizon, 0.1, 1000.0)?;
    let count = points.max(2);
    let delta: Vec<f64> = (0..count)
        .map(|i| {
            let p = DELTA_MIN.log10()
                + (DELTA_MAX.log10() - DELTA_MIN.log10()) * i as f64 / (count - 1) as f64;
            10f64.powf(p)
        })
        .collect();
    let error = delta
        .iter()
        .map(|&d| Method::ALL.map(|m| max_error(system, signal, m, d, horizon)))
        .collect();
    Ok(DeltaSweep { delta, error })
}

// ---------------------------------------------------------------------------------------------
// HiPPO
// ---------------------------------------------------------------------------------------------

/// Which HiPPO measure.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Measure {
    /// Scaled Legendre: uniform weight on the whole history [0, t].
    LegS,
    /// Translated Legendre: uniform weight on the window [t − θ, t], θ in samples.
    LegT { theta: f64 },
}

/// HiPPO-LegS `(A, B)`, A row-major `[N·N]` (HiPPO paper, Eqn (LegS) / Theorem 2).
pub fn legs_matrices(n: usize) -> (Vec<f64>, Vec<f64>) {
    let r: Vec<f64> = (0..n).map(|i| ((2 * i + 1) as f64).sqrt()).collect();
    let mut a = vec![0.0; n * n];
    for i in 0..n {
        for k in 0..n {
            a[i * n + k] = match i.cmp(&k) {
                std::cmp::Ordering::Greater => -r[i] * r[k],
                std::cmp::Ordering::Equal => -((i + 1) as f64),
                std::cmp::Ordering::Less => 0.0,
            };
        }
    }
    (a, r)
}

/// HiPPO-LegT `(A, B)` for a window θ, A row-major `[N·N]` (HiPPO paper, Eqn (LegT) / Theorem 1).
pub fn legt_matrices(n: usize, theta: f64) -> (Vec<f64>, Vec<f64>) {
    let r: Vec<f64> = (0..n).map(|i| ((2 * i + 1) as f64).sqrt()).collect();
    let mut a = vec![0.0; n * n];
    for i in 0..n {
        for k in 0..n {
            let sign = if k <= i || (k - i) % 2 == 0 {
                1.0
            } else {
                -1.0
            };
            a[i * n + k] = -r[i] * r[k] * sign / theta;
        }
    }
    (a, r.iter().map(|v| v / theta).collect())
}

/// Solves `M X = R` for a dense `[n·n]` M and `[n·m]` R (Gaussian elimination, partial pivoting).
fn solve(mut m: Vec<f64>, mut r: Vec<f64>, n: usize, cols: usize) -> Vec<f64> {
    for p in 0..n {
        let pivot = (p..n)
            .max_by(|&i, &j| m[i * n + p].abs().total_cmp(&m[j * n + p].abs()))
            .unwrap_or(p);
        if pivot != p {
            for k in 0..n {
                m.swap(p * n + k, pivot * n + k);
            }
            for k in 0..cols {
                r.swap(p * cols + k, pivot * cols + k);
            }
        }
        let d = m[p * n + p];
        for i in p + 1..n {
            let f = m[i * n + p] / d;
            if f == 0.0 {
                continue;
            }
            for k in p..n {
                m[i * n + k] -= f * m[p * n + k];
            }
            for k in 0..cols {
                r[i * cols + k] -= f * r[p * cols + k];
            }
        }
    }
    for p in (0..n).rev() {
        let d = m[p * n + p];
        for k in 0..cols {
            let mut v = r[p * cols + k];
            for j in p + 1..n {
                v -= m[p * n + j] * r[j * cols + k];
            }
            r[p * cols + k] = v / d;
        }
    }
    r
}

/// Runs HiPPO over the samples `f_0..f_{M−1}` (one per unit of time) and returns every state,
/// `[M·N]` row-major: row `t−1` is the state after sample `t−1`, i.e. at time t.
///
/// Each sample is held for one unit of time. Bilinear (GBT ½, trapezoidal) updates.
/// LegS, from time t₀ to t₁ (time-varying, a lower-triangular solve each step):
/// `(I − (h/2)A/t₁) c' = (I + (h/2)A/t₀) c + (h/2)(1/t₀ + 1/t₁) B f`; over the first sample the
/// history is constant, so `c(1) = f_0·e_0` exactly (the ODE is singular at t = 0).
/// LegT (time-invariant): `c_t = Ā c_{t−1} + B̄ f_{t−1}`, `Ā = (I − A/2)⁻¹(I + A/2)`,
/// `B̄ = (I − A/2)⁻¹ B`.
pub fn hippo_states(measure: Measure, n: usize, signal: &[f64]) -> CoreResult<Vec<f64>> {
    check_range("state size N", n as f64, 1.0, 64.0)?;
    if signal.is_empty() {
        return Err(CoreError::EmptyInput);
    }
    if signal.iter().any(|v| !v.is_finite()) {
        return Err(CoreError::NonFinite { what: "signal" });
    }
    let mut states = Vec::with_capacity(signal.len() * n);
    let mut c = vec![0.0; n];
    let mut next = vec![0.0; n];
    match measure {
        Measure::LegS => {
            let (a, b) = legs_matrices(n);
            // Over the first sample the history is constant: c = f_0·e_0 exactly.
            c[0] = signal[0];
            states.extend_from_slice(&c);
            for (step, &f) in signal.iter().enumerate().skip(1) {
                let (t0, t1) = (step as f64, (step + 1) as f64);
                // While t is small next to N the unit step is coarse for the fastest modes
                // (eigenvalues −(n+1)/t): split it into ⌈N/t⌉ sub-steps (≈ N·ln M extra in all).
                let sub = ((n as f64 / t0).ceil() as usize).max(1);
                let h = (t1 - t0) / sub as f64;
                for s in 0..sub {
                    let ta = t0 + s as f64 * h;
                    let tb = ta + h;
                    // trapezoid: (I − (h/2)A/tb) c' = (I + (h/2)A/ta) c + (h/2)(1/ta + 1/tb) B f
                    for i in 0..n {
                        let mut v = c[i] + 0.5 * h * (1.0 / ta + 1.0 / tb) * b[i] * f;
                        for k in 0..=i {
                            v += 0.5 * h / ta * a[i * n + k] * c[k];
                        }
                        next[i] = v;
                    }
                    for i in 0..n {
                        let mut v = next[i];
                        for k in 0..i {
                            v += 0.5 * h / tb * a[i * n + k] * next[k];
                        }
                        next[i] = v / (1.0 - 0.5 * h / tb * a[i * n + i]);
                    }
                    c.copy_from_slice(&next);
                }
                states.extend_from_slice(&c);
            }
        }
        Measure::LegT { theta } => {
            check_range("window θ", theta, 1.0, 1e6)?;
            let (a, b) = legt_matrices(n, theta);
            let mut lhs = vec![0.0; n * n];
            let mut rhs = vec![0.0; n * (n + 1)];
            for i in 0..n {
                for k in 0..n {
                    let eye = if i == k { 1.0 } else { 0.0 };
                    lhs[i * n + k] = eye - a[i * n + k] / 2.0;
                    rhs[i * (n + 1) + k] = eye + a[i * n + k] / 2.0;
                }
                rhs[i * (n + 1) + n] = b[i];
            }
            let ab = solve(lhs, rhs, n, n + 1); // [Ā | B̄]
            for &f in signal {
                for i in 0..n {
                    let row = &ab[i * (n + 1)..(i + 1) * (n + 1)];
                    next[i] = row[..n].iter().zip(&c).map(|(x, y)| x * y).sum::<f64>() + row[n] * f;
                }
                std::mem::swap(&mut c, &mut next);
                states.extend_from_slice(&c);
            }
        }
    }
    Ok(states)
}

/// Legendre polynomials `P_0..P_{n−1}` at z (Bonnet's recurrence).
pub fn legendre(n: usize, z: f64) -> Vec<f64> {
    let mut p = Vec::with_capacity(n);
    for k in 0..n {
        let v = match k {
            0 => 1.0,
            1 => z,
            _ => {
                let kf = k as f64;
                ((2.0 * kf - 1.0) * z * p[k - 1] - (kf - 1.0) * p[k - 2]) / kf
            }
        };
        p.push(v);
    }
    p
}

/// A reconstruction of the history at time t: the sample positions shown, the true values
/// and the values rebuilt from the state alone.
#[derive(Debug, Clone, PartialEq)]
pub struct Reconstruction {
    pub x: Vec<f64>,
    pub truth: Vec<f64>,
    pub rebuilt: Vec<f64>,
    /// Root-mean-square of `rebuilt − truth`.
    pub rms_error: f64,
}

/// Rebuilds the history from the state at time `t` (1..=M samples seen) of `hippo_states`.
///
/// Sample j arrived over the step ending at time j + 1 and is placed at x = j + ½. LegS shows
/// [0, t]; LegT the window [t − θ, t] (the signal is 0 before time 0).
pub fn reconstruct(
    measure: Measure,
    n: usize,
    states: &[f64],
    signal: &[f64],
    t: usize,
) -> CoreResult<Reconstruction> {
    if t == 0 || t > signal.len() || states.len() < t * n {
        return Err(CoreError::TimeOutOfRange {
            t,
            len: signal.len(),
        });
    }
    let c = &states[(t - 1) * n..t * n];
    let tf = t as f64;
    let first = match measure {
        Measure::LegS => 0,
        Measure::LegT { theta } => (tf - theta).ceil() as i64,
    };
    let scale: Vec<f64> = (0..n).map(|k| ((2 * k + 1) as f64).sqrt()).collect();
    let (mut x, mut truth, mut rebuilt) = (Vec::new(), Vec::new(), Vec::new());
    for j in first..t as i64 {
        let pos = j as f64 + 0.5;
        let z = match measure {
            Measure::LegS => 2.0 * pos / tf - 1.0,
            Measure::LegT { theta } => 2.0 * (pos - tf) / theta + 1.0,
        };
        let p = legendre(n, z);
        let value: f64 = (0..n).map(|k| c[k] * scale[k] * p[k]).sum();
        x.push(pos);
        truth.push(if j < 0 { 0.0 } else { signal[j as usize] });
        rebuilt.push(value);
    }
    let count = x.len().max(1) as f64;
    let rms_error = (truth
        .iter()
        .zip(&rebuilt)
        .map(|(a, b)| (a - b) * (a - b))
        .sum::<f64>()
        / count)
        .sqrt();
    Ok(Reconstruction {
        x,
        truth,
        rebuilt,
        rms_error,
    })
}

/// Samples per token when a sentence becomes a 1-D signal.
pub const SAMPLES_PER_TOKEN: usize = 16;

/// A token sequence as a signal: `values[i]` at the centre of token i, linearly interpolated,
/// `SAMPLES_PER_TOKEN` samples per token.
pub fn interpolate_tokens(values: &[f64]) -> Vec<f64> {
    let s = SAMPLES_PER_TOKEN;
    (0..values.len() * s)
        .map(|j| {
            let pos = (j as f64 + 0.5) / s as f64 - 0.5; // in token units, centres at integers
            let i = pos.floor().max(0.0) as usize;
            let i = i.min(values.len() - 1);
            let next = (i + 1).min(values.len() - 1);
            let w = (pos - i as f64).clamp(0.0, 1.0);
            values[i] * (1.0 - w) + values[next] * w
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Structure: S4D kernel by recurrence and by Vandermonde product
// ---------------------------------------------------------------------------------------------

/// A diagonal SSM in stored form (Lin: one state per conjugate pair, factor 2).
#[derive(Debug, Clone, PartialEq)]
pub struct S4dSystem {
    pub a: Vec<Complex64>,
    pub b: Vec<Complex64>,
    pub c: Vec<Complex64>,
    pub factor: f64,
    pub delta: f64,
}

impl S4dSystem {
    /// The A, B, C of channel 0 of the S4D model (`models::s4d`) for this config and seed.
    pub fn from_model(config: &s4d::Config, seed: u64) -> CoreResult<Self> {
        let params = s4d::Params::init(config, 2, seed)?;
        let to64 = |v: &num_complex::Complex32| Complex64::new(f64::from(v.re), f64::from(v.im));
        Ok(S4dSystem {
            a: params.a.row(0).iter().map(to64).collect(),
            b: params.b.row(0).iter().map(to64).collect(),
            c: params.c.row(0).iter().map(to64).collect(),
            factor: match config.variant {
                s4d::Variant::Real => 1.0,
                s4d::Variant::Lin => 2.0,
            },
            delta: f64::from(config.delta),
        })
    }

    fn discretized(&self) -> Vec<(Complex64, Complex64)> {
        self.a
            .iter()
            .zip(&self.b)
            .map(|(&a, &b)| Method::Zoh.discretize(a, b, self.delta))
            .collect()
    }
}

/// The kernel by the recurrence: the impulse response, `h ← Ā h` one step after another
/// (`K_k = f·Re Σ_n C_n h_n`, `h_n = Ā_n^k B̄_n`). Sequential: step k needs step k − 1.
pub fn kernel_recurrence(system: &S4dSystem, len: usize) -> Vec<f64> {
    let ab = system.discretized();
    let mut h: Vec<Complex64> = ab.iter().map(|&(_, b_bar)| b_bar).collect();
    let mut kernel = Vec::with_capacity(len);
    for _ in 0..len {
        let y: f64 = h.iter().zip(&system.c).map(|(h, c)| (c * h).re).sum();
        kernel.push(system.factor * y);
        for (h, &(a_bar, _)) in h.iter_mut().zip(&ab) {
            *h *= a_bar;
        }
    }
    kernel
}

/// The kernel by the diagonal Vandermonde product `K = C·diag(B̄)·V`, `V_{n,k} = Ā_n^k`, each
/// entry from the closed form `exp(kΔA_n)`: no entry depends on another.
pub fn kernel_vandermonde(system: &S4dSystem, len: usize) -> Vec<f64> {
    let cb: Vec<Complex64> = system
        .discretized()
        .iter()
        .zip(&system.c)
        .map(|(&(_, b_bar), &c)| c * b_bar)
        .collect();
    (0..len)
        .map(|k| {
            let sum: f64 = system
                .a
                .iter()
                .zip(&cb)
                .map(|(&a, cb)| (cb * (a * (system.delta * k as f64)).exp()).re)
                .sum();
            system.factor * sum
        })
        .collect()
}

/// Operation counts of the two kernel computations for P stored states and length L.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KernelCost {
    /// Complex multiplications.
    pub multiplies: usize,
    /// Complex exponentials.
    pub exponentials: usize,
    /// Longest chain of dependent operations.
    pub depth: usize,
}

/// Recurrence: P·L multiplies by Ā (plus P·L by C), P exponentials, depth L (+ log2 P for the sum).
pub fn recurrence_cost(states: usize, len: usize) -> KernelCost {
    KernelCost {
        multiplies: 2 * states * len,
        exponentials: states,
        depth: len + crate::models::ceil_log2(states) as usize,
    }
}

/// Vandermonde: P·L exponentials and P·L multiplies by C·B̄, depth 1 + log2 P.
pub fn vandermonde_cost(states: usize, len: usize) -> KernelCost {
    KernelCost {
        multiplies: states * len + states,
        exponentials: states * len + states,
        depth: 2 + crate::models::ceil_log2(states) as usize,
    }
}

/// Eigenvalues of A (with conjugates) for N states: S4D-Lin `−½ ± iπn`, S4D-Real `−(n+1)`.
pub fn s4d_eigenvalues(variant: s4d::Variant, n: usize) -> Vec<Complex64> {
    match variant {
        s4d::Variant::Real => (0..n)
            .map(|k| Complex64::new(-((k + 1) as f64), 0.0))
            .collect(),
        s4d::Variant::Lin => (0..n / 2)
            .flat_map(|k| {
                let im = std::f64::consts::PI * k as f64;
                [Complex64::new(-0.5, im), Complex64::new(-0.5, -im)]
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;

    fn c(re: f64, im: f64) -> Complex64 {
        Complex64::new(re, im)
    }

    #[test]
    fn zoh_is_exact_for_constant_input_over_a_step() {
        // Closed form of h′ = a h + b x with constant x from h(0) = h0:
        // h(Δ) = −b x/a + (h0 + b x/a)·e^{aΔ}.
        for &(a, delta) in &[(-0.7f64, 0.3f64), (-3.0, 1.5), (-0.01, 10.0), (-5.0, 0.001)] {
            let (b, x, h0) = (1.3, 0.8, 0.25);
            let closed = -b * x / a + (h0 + b * x / a) * (a * delta).exp();
            let (a_bar, b_bar) = Method::Zoh.discretize(c(a, 0.0), c(b, 0.0), delta);
            let step = a_bar * h0 + b_bar * x;
            assert_abs_diff_eq!(step.re, closed, epsilon = 1e-5);
            assert_abs_diff_eq!(step.im, 0.0, epsilon = 1e-12);
        }
        // And for a complex eigenvalue, against the closed form with complex exponentials.
        let (a, b, x, delta) = (c(-0.4, 3.0), c(1.0, 0.0), 0.7, 0.2);
        let closed = -b * x / a + (b * x / a) * (a * delta).exp();
        let (a_bar, b_bar) = Method::Zoh.discretize(a, b, delta);
        assert_abs_diff_eq!((b_bar * x).re, closed.re, epsilon = 1e-5);
        assert_abs_diff_eq!((a_bar * 0.0 + b_bar * x).im, closed.im, epsilon = 1e-5);
    }

    #[test]
    fn zoh_is_exact_for_the_held_sentence_signal_on_the_grid() {
        // Breakpoints every 1.0 lie on the grid of Δ = 0.25: ZOH reproduces the exact solution.
        let signal = Signal::Held {
            values: vec![0.3, -1.2, 0.8, 2.0, -0.5],
            dwell: 1.0,
        };
        for system in [DiagSystem::real_pair(), DiagSystem::oscillating()] {
            let err = max_error(&system, &signal, Method::Zoh, 0.25, 5.0);
            assert!(err < 1e-12, "ZOH error {err}");
            // Euler and bilinear are not exact there.
            assert!(max_error(&system, &signal, Method::Euler, 0.25, 5.0) > 1e-3);
        }
    }

    #[test]
    fn sine_exact_solution_satisfies_the_ode() {
        // The analytic reference: check h′ = a h + b x by a central difference of y for a
        // one-state system (y = Re h).
        let system = DiagSystem {
            a: vec![c(-0.8, 0.0)],
            b: vec![c(1.0, 0.0)],
            c: vec![c(1.0, 0.0)],
            factor: vec![1.0],
        };
        let omega = 1.7;
        let signal = Signal::Sine { omega };
        let (t, e) = (2.3, 1e-5);
        let y = exact_output(&system, &signal, &[t - e, t, t + e]);
        let dy = (y[2] - y[0]) / (2.0 * e);
        assert_abs_diff_eq!(dy, -0.8 * y[1] + (omega * t).sin(), epsilon = 1e-6);
        assert_abs_diff_eq!(
            exact_output(&system, &signal, &[0.0])[0],
            0.0,
            epsilon = 1e-12
        );
    }

    /// Observed order of convergence between Δ and Δ/2: log2(e(Δ)/e(Δ/2)).
    fn order(system: &DiagSystem, signal: &Signal, method: Method, delta: f64) -> f64 {
        let e1 = max_error(system, signal, method, delta, 8.0);
        let e2 = max_error(system, signal, method, delta / 2.0, 8.0);
        (e1 / e2).log2()
    }

    #[test]
    fn methods_converge_with_their_order_on_a_smooth_input() {
        // Smooth input sin(1.5 t): bilinear (trapezoidal) is second order; ZOH with a held
        // left-end sample, Euler and the Mamba mix are first order.
        let signal = Signal::Sine { omega: 1.5 };
        for system in [DiagSystem::real_pair(), DiagSystem::oscillating()] {
            for &delta in &[0.01, 0.004] {
                let p = order(&system, &signal, Method::Bilinear, delta);
                assert!((p - 2.0).abs() < 0.15, "bilinear order {p}");
                for m in [Method::Zoh, Method::Euler, Method::Mamba] {
                    let p = order(&system, &signal, m, delta);
                    assert!((p - 1.0).abs() < 0.15, "{} order {p}", m.name());
                }
            }
            // and the errors themselves go to 0
            assert!(max_error(&system, &signal, Method::Bilinear, 1e-3, 8.0) < 1e-5);
            assert!(max_error(&system, &signal, Method::Zoh, 1e-3, 8.0) < 1e-2);
        }
    }

    #[test]
    fn zoh_is_first_order_when_breakpoints_miss_the_grid() {
        // Held input whose breakpoints (every 1.0) fall between grid points: a first-order
        // error from the breakpoints, halving with Δ (Δ = 0.3·2^-k never divides 1).
        let signal = Signal::Held {
            values: vec![0.3, -1.2, 0.8, 2.0, -0.5, 1.0, 0.0, 0.4],
            dwell: 1.0,
        };
        let system = DiagSystem::real_pair();
        let e1 = max_error(&system, &signal, Method::Zoh, 0.3 / 64.0 * 1.01, 8.0);
        let e2 = max_error(&system, &signal, Method::Zoh, 0.3 / 512.0 * 1.01, 8.0);
        assert!(e2 < e1 && e2 > 0.0);
        assert!(e1 < 0.1);
    }

    #[test]
    fn euler_becomes_unstable_past_two_over_abs_a() {
        let a = c(-4.0, 0.0);
        assert_abs_diff_eq!(euler_threshold(a), 0.5, epsilon = 1e-15);
        // Complex: |1 + ΔA| = 1 at Δ = 2|Re A|/|A|².
        let z = c(-0.4, 3.0);
        let d = euler_threshold(z);
        assert_abs_diff_eq!((c(1.0, 0.0) + z * d).norm(), 1.0, epsilon = 1e-12);
        let system = DiagSystem {
            a: vec![a],
            b: vec![c(1.0, 0.0)],
            c: vec![c(1.0, 0.0)],
            factor: vec![1.0],
        };
        let step = Signal::Step;
        let below = discrete_output(&system, &step, Method::Euler, 0.49, 2000);
        let above = discrete_output(&system, &step, Method::Euler, 0.51, 2000);
        assert!(below.iter().all(|y| y.abs() < 1.0));
        assert!(above.last().is_some_and(|y| y.abs() > 1e6));
        // ZOH and bilinear stay stable at any step.
        for m in [Method::Zoh, Method::Bilinear] {
            let y = discrete_output(&system, &step, m, 10.0, 200);
            assert!(y.iter().all(|y| y.abs() <= 0.5), "{}", m.name());
        }
    }

    #[test]
    fn discretization_run_reports_each_method() {
        let run = discretization_run(&DiagSystem::real_pair(), &Signal::Step, 1.0, 10.0).unwrap();
        assert_eq!(run.methods.len(), 4);
        let sweep = delta_sweep(&DiagSystem::real_pair(), &Signal::Step, 10.0, 9).unwrap();
        assert_eq!(sweep.error.len(), 9);
        assert_abs_diff_eq!(sweep.delta[0], DELTA_MIN, epsilon = 1e-12);
        assert_abs_diff_eq!(sweep.delta[8], DELTA_MAX, epsilon = 1e-9);
        // Euler at Δ = 1 > 2/3 is unstable for the fast state −3: |1 − 3| = 2.
        let euler = &run.methods[2];
        assert_abs_diff_eq!(euler.gain, 2.0, epsilon = 1e-12);
        assert!(run.methods[0].gain < 1.0 && run.methods[1].gain < 1.0);
        assert!(discretization_run(&DiagSystem::real_pair(), &Signal::Step, 0.0, 10.0).is_err());
    }

    fn smooth(m: usize) -> Vec<f64> {
        (0..m)
            .map(|j| {
                let x = j as f64 / m as f64;
                (2.0 * std::f64::consts::PI * 1.5 * x).sin() + 0.5 * (5.0 * x).cos() + x
            })
            .collect()
    }

    #[test]
    fn legs_matrices_match_the_closed_form() {
        let (a, b) = legs_matrices(3);
        let s = |v: f64| v.sqrt();
        let expected = [
            -1.0,
            0.0,
            0.0, //
            -s(3.0),
            -2.0,
            0.0, //
            -s(5.0),
            -s(15.0),
            -3.0,
        ];
        for (x, y) in a.iter().zip(expected) {
            assert_abs_diff_eq!(*x, y, epsilon = 1e-12);
        }
        assert_abs_diff_eq!(b[2], s(5.0), epsilon = 1e-12);
        let (a, _) = legt_matrices(3, 2.0);
        // row 0: k = 0 → −1·1/θ; k = 1 → (−1)^{−1}: +√3/θ; k = 2 → −√5/θ
        assert_abs_diff_eq!(a[0], -0.5, epsilon = 1e-12);
        assert_abs_diff_eq!(a[1], s(3.0) / 2.0, epsilon = 1e-12);
        assert_abs_diff_eq!(a[2], -s(5.0) / 2.0, epsilon = 1e-12);
        assert_abs_diff_eq!(a[3], -s(3.0) / 2.0, epsilon = 1e-12);
    }

    #[test]
    fn legendre_values() {
        let p = legendre(4, 0.5);
        assert_abs_diff_eq!(p[2], 0.5 * (3.0 * 0.25 - 1.0), epsilon = 1e-15);
        assert_abs_diff_eq!(p[3], 0.5 * (5.0 * 0.125 - 1.5), epsilon = 1e-15);
    }

    #[test]
    fn legs_reconstruction_improves_with_n_on_a_smooth_signal() {
        let signal = smooth(1000);
        let mut last = f64::INFINITY;
        let error = |n: usize| {
            let states = hippo_states(Measure::LegS, n, &signal).unwrap();
            reconstruct(Measure::LegS, n, &states, &signal, 1000)
                .unwrap()
                .rms_error
        };
        for n in [1, 2, 4, 8, 12, 16] {
            let e = error(n);
            assert!(e < last, "N = {n}: {e} ≥ {last}");
            last = e;
        }
        assert!(last < 1e-3, "N = 16 error {last}");
        // Beyond that the error sits at the discretization floor and does not blow up.
        for n in [32, 64] {
            assert!(error(n) < 1e-3, "N = {n}: {}", error(n));
        }
    }

    #[test]
    fn legt_reconstructs_its_window() {
        let signal = smooth(1000);
        let measure = Measure::LegT { theta: 200.0 };
        let n = 16;
        let states = hippo_states(measure, n, &signal).unwrap();
        let r = reconstruct(measure, n, &states, &signal, 900).unwrap();
        assert_eq!(r.x.len(), 200);
        assert!(r.rms_error < 0.05, "LegT error {}", r.rms_error);
        let coarse = hippo_states(measure, 2, &signal).unwrap();
        let r2 = reconstruct(measure, 2, &coarse, &signal, 900).unwrap();
        assert!(r2.rms_error > r.rms_error);
    }

    #[test]
    fn hippo_rejects_bad_input() {
        assert!(hippo_states(Measure::LegS, 0, &[1.0]).is_err());
        assert!(hippo_states(Measure::LegS, 4, &[]).is_err());
        assert!(hippo_states(Measure::LegS, 4, &[f64::NAN]).is_err());
        let states = hippo_states(Measure::LegS, 4, &[1.0, 2.0]).unwrap();
        assert!(reconstruct(Measure::LegS, 4, &states, &[1.0, 2.0], 3).is_err());
    }

    #[test]
    fn vandermonde_kernel_equals_recurrence_kernel() {
        for variant in [s4d::Variant::Real, s4d::Variant::Lin] {
            for &delta in &[0.001f32, 0.1, 1.0] {
                let config = s4d::Config {
                    variant,
                    states: 16,
                    delta,
                    form: s4d::Form::Recurrence,
                };
                let system = S4dSystem::from_model(&config, 7).unwrap();
                let rec = kernel_recurrence(&system, 64);
                let van = kernel_vandermonde(&system, 64);
                for (r, v) in rec.iter().zip(&van) {
                    assert_abs_diff_eq!(*r, *v, epsilon = 1e-10);
                }
                // and the model's own (f32) kernel agrees
                let params = s4d::Params::init(&config, 2, 7).unwrap();
                let model = s4d::kernel(&params, 64);
                for (k, v) in van.iter().enumerate() {
                    assert_abs_diff_eq!(f64::from(model[[k, 0]]), *v, epsilon = 1e-4);
                }
            }
        }
    }

    #[test]
    fn eigenvalues_of_the_two_initialisations() {
        let lin = s4d_eigenvalues(s4d::Variant::Lin, 4);
        assert_eq!(lin.len(), 4);
        assert_abs_diff_eq!(lin[2].im, std::f64::consts::PI, epsilon = 1e-15);
        assert!(lin.iter().all(|z| z.re == -0.5));
        let real = s4d_eigenvalues(s4d::Variant::Real, 3);
        assert_eq!(real, vec![c(-1.0, 0.0), c(-2.0, 0.0), c(-3.0, 0.0)]);
        assert_eq!(recurrence_cost(8, 64).depth, 67);
        assert_eq!(vandermonde_cost(8, 64).depth, 5);
    }

    #[test]
    fn interpolated_tokens_pass_through_token_values() {
        let s = interpolate_tokens(&[1.0, 3.0]);
        assert_eq!(s.len(), 2 * SAMPLES_PER_TOKEN);
        assert!(s.iter().all(|v| (1.0..=3.0).contains(v)));
        assert_abs_diff_eq!(s[0], 1.0, epsilon = 1e-12);
        assert_abs_diff_eq!(*s.last().unwrap(), 3.0, epsilon = 1e-12);
    }

    /// The SSM view's "K_k = f·Re Σ_n C_n B̄_n Ā_n^k, f = 2 for S4D-Lin" at the view's defaults
    /// (S4D-Lin, N = 16, Δ = 0.1, seed 42), with ZOH written here, B̄ = (e^{ΔA} − 1)/A·B,
    /// against the model's own kernel: f = 2 matches, f = 1 does not.
    #[test]
    fn claims_kernel_has_the_factor_two_for_conjugate_pairs() {
        let config = s4d::Config {
            variant: s4d::Variant::Lin,
            states: 16,
            delta: 0.1,
            form: s4d::Form::Recurrence,
        };
        let params = s4d::Params::init(&config, 2, 42).unwrap();
        let model = s4d::kernel(&params, 32);
        let c64 = |v: &num_complex::Complex32| Complex64::new(f64::from(v.re), f64::from(v.im));
        let (a, b, c): (Vec<_>, Vec<_>, Vec<_>) = (
            params.a.row(0).iter().map(c64).collect(),
            params.b.row(0).iter().map(c64).collect(),
            params.c.row(0).iter().map(c64).collect(),
        );
        let sum = |k: usize| -> f64 {
            (0..a.len())
                .map(|n| {
                    let b_bar = ((a[n] * 0.1).exp() - 1.0) / a[n] * b[n];
                    (c[n] * b_bar * (a[n] * 0.1 * k as f64).exp()).re
                })
                .sum()
        };
        let mut gap_without_factor = 0.0f64;
        for k in 0..32 {
            assert_abs_diff_eq!(f64::from(model[[k, 0]]), 2.0 * sum(k), epsilon = 1e-4);
            gap_without_factor = gap_without_factor.max((f64::from(model[[k, 0]]) - sum(k)).abs());
        }
        assert!(gap_without_factor > 1e-3, "{gap_without_factor}");
    }
}
