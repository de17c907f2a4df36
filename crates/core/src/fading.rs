//! Fading: how strongly input j still moves output i as the distance k = i − j grows.
//!
//! Pure computations behind the Fading view, tested natively:
//!
//! ```text
//! curve      f(k) = I[i, i − k], k = 0..=i          one row of an influence matrix, by distance
//! reach      the farthest distance at which f(k) ≥ fraction · max f (½ and 1/100 in the view),
//!            refined by log-linear interpolation to the next sample; `memory_from(f, 1)` takes
//!            the maximum over distances k ≥ 1 only, so it measures what reaches output i from
//!            OTHER positions and leaves out k = 0 (the residual / D skip path of token i itself)
//! slope      least-squares slope of ln f(k) over k ≥ from: e^slope is the factor per token
//!            (a geometric curve c·ρ^k has slope ln ρ)
//! σ_max(W)   the largest singular value of the RNN's recurrent matrix: σ_max < 1 is the
//!            sufficient condition for vanishing gradients with tanh (|tanh'| ≤ 1; Pascanu,
//!            Mikolov & Bengio 2013, §3.1), since ‖∂h_i/∂h_j‖ ≤ σ_max^{i−j}
//! closed forms (beside the measured curves)
//!   linear RNN  g(k) = r^k · ‖Re(e^{iθk} C B)‖_F     (shared λ = r·e^{iθ}): the influence on
//!               the MLP's input z_i = Re(C h_i); the |λ|^k = r^k envelope times the rotation
//!               e^{iθk} mixing Re(CB) and Im(CB)
//!   S4D         ‖K_k‖₂, the Euclidean norm over channels of the convolution kernel (Eqn (3))
//!   CNN         the last distance with non-zero influence, receptive field − 1
//! selectivity  Δ_t = Δ₀·e^{±s}: the demo's displayed rule, and the exact Jacobian norms of the
//!              Mamba block run with that Δ (forward-mode, Δ held at the rule's values)
//! ```

use ndarray::{Array2, Array3, ArrayView1, ArrayView2};

use crate::error::{check_columns, CoreResult};
use crate::models::{cnn, linear_rnn, mamba, s4d};

/// One row of an influence matrix by distance: `f[k] = influence[i, i − k]`, k = 0..=i.
/// Empty when `i` is outside the matrix.
pub fn row_curve(influence: ArrayView2<f32>, i: usize) -> Vec<f32> {
    if i >= influence.nrows() || i >= influence.ncols() {
        return Vec::new();
    }
    (0..=i).map(|k| influence[[i, i - k]]).collect()
}

/// How far a curve reaches above a fraction of its maximum.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reach {
    /// Falls below the threshold at this (interpolated) distance.
    Within(f32),
    /// Still at or above the threshold at the farthest distance available (this one).
    Beyond(usize),
    /// No positive maximum, or non-finite values (overflow / NaN): no read-out.
    Undefined,
}

/// The farthest distance at which `curve` is still at or above `fraction` of its maximum,
/// refined to where it crosses the threshold on the way to the next sample: log-linear
/// interpolation when both samples are positive (exact for a geometric curve c·r^k, which
/// gives ln(fraction)/ln(r)), linear when the next sample is 0.
pub fn reach(curve: &[f32], fraction: f32) -> Reach {
    if curve.is_empty() || curve.iter().any(|v| !v.is_finite()) {
        return Reach::Undefined;
    }
    let max = curve.iter().copied().fold(0.0f32, f32::max);
    if max <= 0.0 {
        return Reach::Undefined;
    }
    let threshold = fraction * max;
    let Some(last) = curve.iter().rposition(|&v| v >= threshold) else {
        return Reach::Undefined;
    };
    if last + 1 == curve.len() {
        return Reach::Beyond(last);
    }
    let (above, below) = (f64::from(curve[last]), f64::from(curve[last + 1]));
    let thr = f64::from(threshold);
    let t = if below > 0.0 {
        (above / thr).ln() / (above / below).ln()
    } else {
        (above - thr) / (above - below)
    };
    Reach::Within((last as f64 + t.clamp(0.0, 1.0)) as f32)
}

/// The memory read-outs of one curve: where it falls below ½ and 1/100 of its maximum.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Memory {
    pub half: Reach,
    pub hundredth: Reach,
}

/// [`reach`] at ½ and at 1/100.
pub fn memory(curve: &[f32]) -> Memory {
    Memory {
        half: reach(curve, 0.5),
        hundredth: reach(curve, 0.01),
    }
}

/// [`memory`] over the distances `from..` only: the maximum is the largest value at k ≥ `from`
/// and the distances returned are distances in `curve` (shifted back by `from`). With
/// `from = 1` the read-out measures the mixing from other positions, not the skip path at k = 0.
pub fn memory_from(curve: &[f32], from: usize) -> Memory {
    let shift = |r: Reach| match r {
        Reach::Within(v) => Reach::Within(v + from as f32),
        Reach::Beyond(n) => Reach::Beyond(n + from),
        Reach::Undefined => Reach::Undefined,
    };
    let m = memory(curve.get(from..).unwrap_or(&[]));
    Memory {
        half: shift(m.half),
        hundredth: shift(m.hundredth),
    }
}

/// `curve / max(curve[from..])` (the whole curve, scaled by the maximum over k ≥ `from`), or
/// `None` when there is no positive maximum there or a value is not finite.
pub fn normalized_from(curve: &[f32], from: usize) -> Option<Vec<f32>> {
    if curve.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let max = curve
        .get(from..)
        .unwrap_or(&[])
        .iter()
        .copied()
        .fold(0.0f32, f32::max);
    (max > 0.0).then(|| curve.iter().map(|v| v / max).collect())
}

/// Least-squares slope of ln f(k) against k over the distances `from..` whose values are
/// positive and finite (`None` with fewer than two such points). `e^slope` is the mean factor
/// per token: ln ρ for a geometric curve c·ρ^k, about 0 for a curve without a trend.
pub fn log_slope(curve: &[f32], from: usize) -> Option<f64> {
    let points: Vec<(f64, f64)> = curve
        .iter()
        .enumerate()
        .skip(from)
        .filter(|(_, v)| v.is_finite() && **v > 0.0)
        .map(|(k, v)| (k as f64, f64::from(*v).ln()))
        .collect();
    if points.len() < 2 {
        return None;
    }
    let n = points.len() as f64;
    let (mx, my) = points
        .iter()
        .fold((0.0, 0.0), |(a, b), (x, y)| (a + x / n, b + y / n));
    let (sxy, sxx) = points.iter().fold((0.0, 0.0), |(sxy, sxx), (x, y)| {
        (sxy + (x - mx) * (y - my), sxx + (x - mx) * (x - mx))
    });
    Some(sxy / sxx)
}

/// The largest singular value σ_max(W) = ‖W‖₂ = √λ_max(WᵀW), by power iteration on WᵀW in f64
/// (WᵀW is symmetric positive semi-definite, so the iteration converges to its largest
/// eigenvalue from a start vector not orthogonal to its eigenvector). 0 for an empty matrix,
/// NaN when W holds a non-finite value.
pub fn largest_singular_value(w: ArrayView2<f32>) -> f32 {
    if w.iter().any(|v| !v.is_finite()) {
        return f32::NAN;
    }
    let w = w.mapv(f64::from);
    let gram = w.t().dot(&w); // [n, n]
    let n = gram.nrows();
    if n == 0 {
        return 0.0;
    }
    // A start vector with distinct entries: not orthogonal to the top eigenvector in practice.
    let mut v = ndarray::Array1::from_shape_fn(n, |k| 1.0 + 0.1 * k as f64);
    let mut lambda = 0.0;
    for _ in 0..500 {
        let next = gram.dot(&v);
        let norm = next.dot(&next).sqrt();
        if norm == 0.0 {
            return 0.0;
        }
        let new_lambda = next.dot(&v) / v.dot(&v);
        v = next / norm;
        if (new_lambda - lambda).abs() <= 1e-12 * new_lambda.abs() {
            lambda = new_lambda;
            break;
        }
        lambda = new_lambda;
    }
    lambda.max(0.0).sqrt() as f32
}

/// What an RNN's recurrent matrix says about its gradients (words in the UI).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gradients {
    /// σ_max(W) < 1: every step shrinks ∂h by at least σ_max (|tanh'| ≤ 1), so the influence
    /// must vanish geometrically.
    MustVanish,
    /// σ_max(W) ≥ 1 but ρ(W) ≤ 1: no guarantee either way; W^k itself does not grow.
    NoGuarantee,
    /// ρ(W) > 1: W^k grows, so σ_max > 1 and the necessary condition for exploding holds;
    /// tanh saturation can still tame it.
    MayExplode,
}

/// [`Gradients`] from σ_max(W) and the spectral radius ρ(W).
pub fn rnn_gradients(sigma_max: f32, rho: f32) -> Gradients {
    if sigma_max < 1.0 {
        Gradients::MustVanish
    } else if rho > 1.0 {
        Gradients::MayExplode
    } else {
        Gradients::NoGuarantee
    }
}

/// `curve / max(curve)`, or `None` when there is no positive maximum or a value is not finite.
pub fn normalized(curve: &[f32]) -> Option<Vec<f32>> {
    if curve.iter().any(|v| !v.is_finite()) {
        return None;
    }
    let max = curve.iter().copied().fold(0.0f32, f32::max);
    (max > 0.0).then(|| curve.iter().map(|v| v / max).collect())
}

/// What a log axis cannot show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Clipped {
    /// Values at or below the floor (including exact zeros and underflow).
    pub below_floor: usize,
    /// NaN or infinite values (overflow).
    pub non_finite: usize,
}

/// The drawable pieces of a curve on a log axis: runs of consecutive distances whose values
/// are finite and above `floor`, as `(k, f(k))` points; the rest is counted, never drawn.
pub fn log_segments(curve: &[f32], floor: f32) -> (Vec<Vec<(f32, f32)>>, Clipped) {
    let mut segments = Vec::new();
    let mut current: Vec<(f32, f32)> = Vec::new();
    let mut clipped = Clipped::default();
    for (k, &v) in curve.iter().enumerate() {
        if v.is_finite() && v > floor {
            current.push((k as f32, v));
            continue;
        }
        if v.is_finite() {
            clipped.below_floor += 1;
        } else {
            clipped.non_finite += 1;
        }
        if !current.is_empty() {
            segments.push(std::mem::take(&mut current));
        }
    }
    if !current.is_empty() {
        segments.push(current);
    }
    (segments, clipped)
}

/// `r^k · sqrt(cos²(θk)·a + sin²(θk)·b − 2·sin(θk)·cos(θk)·c)` for k = 0..len: the Frobenius
/// norm of `r^k (cos(θk)·P − sin(θk)·Q)` with `a = ‖P‖²`, `b = ‖Q‖²`, `c = ⟨P, Q⟩`.
pub fn rotating_envelope(r: f32, theta: f32, a: f32, b: f32, c: f32, len: usize) -> Vec<f32> {
    (0..len)
        .map(|k| {
            let (r, angle) = (f64::from(r), f64::from(theta) * k as f64);
            let (s, co) = angle.sin_cos();
            let sq = co * co * f64::from(a) + s * s * f64::from(b) - 2.0 * s * co * f64::from(c);
            (r.powi(k as i32) * sq.max(0.0).sqrt()) as f32
        })
        .collect()
}

/// Closed form of the linear RNN (all states sharing λ = r·e^{iθ}, `spread` off):
/// `g(k) = ‖Re(C λ^k B)‖_F = r^k ‖cos(θk)·Re(CB) − sin(θk)·Im(CB)‖_F`, k = 0..len — the exact
/// influence of x_{i−k} on the MLP input z_i (Eqn (1b)), before the output MLP.
pub fn linear_rnn_closed_form(params: &linear_rnn::Params, len: usize) -> Vec<f32> {
    let (b_re, b_im) = (params.b.mapv(|v| v.re), params.b.mapv(|v| v.im));
    let (c_re, c_im) = (params.c.mapv(|v| v.re), params.c.mapv(|v| v.im));
    // CB = (C_re + i C_im)(B_re + i B_im), [d, d].
    let p = c_re.dot(&b_re) - c_im.dot(&b_im);
    let q = c_re.dot(&b_im) + c_im.dot(&b_re);
    let a = p.iter().map(|v| v * v).sum();
    let b = q.iter().map(|v| v * v).sum();
    let c = p.iter().zip(&q).map(|(x, y)| x * y).sum();
    rotating_envelope(params.config.r, params.config.theta, a, b, c, len)
}

/// Euclidean norm of each row of a kernel `[len, D]`: `‖K_k‖₂` for k = 0..len.
pub fn kernel_norms(kernel: ArrayView2<f32>) -> Vec<f32> {
    kernel
        .rows()
        .into_iter()
        .map(|row| row.iter().map(|v| v * v).sum::<f32>().sqrt())
        .collect()
}

/// Closed form of S4D: `‖K_k‖₂` of [`s4d::kernel`], k = 0..len.
pub fn s4d_closed_form(params: &s4d::Params, len: usize) -> Vec<f32> {
    kernel_norms(s4d::kernel(params, len).view())
}

/// The CNN's cut-off: the farthest distance with non-zero influence, receptive field − 1.
pub fn cnn_cutoff(config: &cnn::Config) -> usize {
    cnn::receptive_field(config).saturating_sub(1)
}

/// `closed` scaled so that it meets `measured` at distance `at` (the same curve when either
/// is not positive and finite there).
pub fn scaled_to(closed: &[f32], measured: &[f32], at: usize) -> Vec<f32> {
    match (closed.get(at), measured.get(at)) {
        (Some(&c), Some(&m)) if c > 0.0 && m > 0.0 && c.is_finite() && m.is_finite() => {
            closed.iter().map(|v| v * (m / c)).collect()
        }
        _ => closed.to_vec(),
    }
}

/// What a marked token does in the selectivity demo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarkRole {
    /// Marked tokens are written into the state (large Δ: forget the past, take the token in);
    /// the others are passed over (small Δ: Ā ≈ 1, the state is held).
    Write,
    /// Marked tokens are passed over (small Δ), the others written (large Δ).
    Hold,
}

/// The demo's displayed rule: `Δ_t = Δ₀·e^{+s}` (large) or `Δ₀·e^{−s}` (small) per token,
/// chosen by `marked[t]` and `role`. s = 0 gives Δ₀ everywhere (no selection).
pub fn selective_delta(marked: &[bool], base: f32, strength: f32, role: MarkRole) -> Vec<f32> {
    let (large, small) = (base * strength.exp(), base * (-strength).exp());
    marked
        .iter()
        .map(|&m| match (role, m) {
            (MarkRole::Write, true) | (MarkRole::Hold, false) => large,
            _ => small,
        })
        .collect()
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

fn silu(x: f32) -> f32 {
    x * sigmoid(x)
}

fn silu_grad(x: f32) -> f32 {
    let s = sigmoid(x);
    s * (1.0 + x * (1.0 - s))
}

/// Exact influence `I[i, j] = ‖∂y_i/∂x_j‖_F` (`[L, L]`) of the Mamba block run by
/// [`mamba::run_with_delta_override`]: Δ_t is the given constant, so only the conv, B, C,
/// the gate and the residual depend on x. Forward mode from the run's trace, the d_model
/// tangents of input j batched (as in `mamba::influence_columns`, with dΔ = 0):
///
/// ```text
/// du_t = SiLU'(conv_t) ⊙ (w_conv[K−1−(t−j)] ⊙ W_in_x)            for 0 ≤ t − j < K, else 0
/// dB_t = du_t W_xB,  dC_t = du_t W_xC
/// dh_t = Ā_t ⊙ dh_{t−1} + Δ_t (dB_t u_t + B_t du_t)                Eqn (2a) differentiated
/// ds_t = dC_t · h_t + C_t · dh_t + D ⊙ du_t
/// dy_t = (ds_t ⊙ SiLU(z_t) + [t = j] s_t ⊙ SiLU'(z_t) ⊙ W_in_z) W_out + [t = j] I
/// ```
/// Errors: those of `run_with_delta_override` (shape, non-finite or negative Δ, bad input).
pub fn mamba_influence_with_delta(
    params: &mamba::Params,
    x: ArrayView2<f32>,
    delta: ArrayView1<f32>,
) -> CoreResult<Array2<f32>> {
    mamba_influence_with_delta_columns(params, x, delta, 0..x.nrows())
}

/// Columns `inputs` of [`mamba_influence_with_delta`], `[L, inputs.len()]` (column k is input
/// position `inputs.start + k`): the view computes the matrix in slices between frames.
/// Errors: those of the whole matrix, and a range outside `0..L`.
pub fn mamba_influence_with_delta_columns(
    params: &mamba::Params,
    x: ArrayView2<f32>,
    delta: ArrayView1<f32>,
    inputs: std::ops::Range<usize>,
) -> CoreResult<Array2<f32>> {
    check_columns(&inputs, x.nrows())?;
    // Only the states and gates are read: no hidden attention in the trace.
    let run = mamba::run_with_delta_override_traced(params, x, delta, false)?;
    let tr = &run.trace;
    let (l, dm) = (x.nrows(), params.d_model);
    let (di, n) = (tr.a.nrows(), tr.a.ncols());
    let nd = n * di;
    let k_conv = params.conv_weight.nrows();
    let silu_z = tr.z.mapv(silu);
    let silu_z_grad = tr.z.mapv(silu_grad);
    let conv_grad = tr.conv.mapv(silu_grad);
    // Flat n-major buffers [L, N, Di] so the inner loops run over contiguous channels.
    let to_nd = |a: &Array3<f32>| -> Vec<f32> {
        let mut v = vec![0.0f32; l * nd];
        for ((t, d, m), &x) in a.indexed_iter() {
            v[t * nd + m * di + d] = x;
        }
        v
    };
    let (a_bar, states) = (to_nd(&tr.a_bar), to_nd(&tr.states));
    let mut out = Array2::zeros((l, inputs.len()));
    let mut dh = vec![0.0f32; dm * nd]; // [T, N, Di]
    let mut ds = Array2::<f32>::zeros((dm, di)); // [T, Di]
    let first = inputs.start;
    for j in inputs {
        dh.fill(0.0);
        for t in j..l {
            let w = t - j;
            let a_t = &a_bar[t * nd..(t + 1) * nd];
            let (b_t, c_t) = (tr.b.row(t), tr.c.row(t));
            let (u_t, delta_t) = (tr.u.row(t), tr.delta.row(t));
            ds.fill(0.0);
            if w < k_conv {
                let tap = params.conv_weight.row(k_conv - 1 - w);
                let du = &params.in_proj_x * &(&tap * &conv_grad.row(t)); // [T, Di]
                let db = du.dot(&params.x_proj_b); // [T, N]
                let dc = du.dot(&params.x_proj_c); // [T, N]
                let h_t = &states[t * nd..(t + 1) * nd];
                for (tau, dh_tau) in dh.chunks_exact_mut(nd).enumerate() {
                    let du_r = du.row(tau);
                    let mut ds_r = ds.row_mut(tau);
                    for d in 0..di {
                        ds_r[d] = params.d_skip[d] * du_r[d];
                    }
                    for m in 0..n {
                        let (dbm, dcm, bm, cm) = (db[[tau, m]], dc[[tau, m]], b_t[m], c_t[m]);
                        let row = m * di..(m + 1) * di;
                        for ((d, h), (&a, &hv)) in dh_tau[row.clone()]
                            .iter_mut()
                            .enumerate()
                            .zip(a_t[row.clone()].iter().zip(&h_t[row]))
                        {
                            *h = a * *h + delta_t[d] * (dbm * u_t[d] + bm * du_r[d]);
                            ds_r[d] += dcm * hv + cm * *h;
                        }
                    }
                }
            } else {
                // After the conv window: dh_t = Ā_t ⊙ dh_{t−1}, ds_t = C_t · dh_t.
                for (tau, dh_tau) in dh.chunks_exact_mut(nd).enumerate() {
                    let mut ds_r = ds.row_mut(tau);
                    let Some(ds_s) = ds_r.as_slice_mut() else {
                        continue;
                    };
                    for ((hrow, arow), &cm) in dh_tau
                        .chunks_exact_mut(di)
                        .zip(a_t.chunks_exact(di))
                        .zip(c_t.iter())
                    {
                        for ((h, &a), s) in hrow.iter_mut().zip(arow).zip(ds_s.iter_mut()) {
                            *h *= a;
                            *s += cm * *h;
                        }
                    }
                }
            }
            let mut dg = &ds * &silu_z.row(t);
            if w == 0 {
                let coef = &tr.ssm_y.row(t) * &silu_z_grad.row(t);
                dg += &(&params.in_proj_z * &coef);
            }
            let mut dy = dg.dot(&params.out_proj); // [T, d_model]
            if w == 0 {
                dy.diag_mut().iter_mut().for_each(|v| *v += 1.0);
            }
            out[[t, j - first]] = dy.iter().map(|v| v * v).sum::<f32>().sqrt();
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{normal_matrix, rng_for};
    use approx::assert_abs_diff_eq;
    use ndarray::{array, Array1};
    use num_complex::Complex32;

    #[test]
    fn row_curve_reads_one_row_by_distance() {
        // I = [[1, 0, 0], [2, 3, 0], [4, 5, 6]]: row 2 by distance is I[2,2], I[2,1], I[2,0].
        let m = array![[1.0, 0.0, 0.0], [2.0, 3.0, 0.0], [4.0, 5.0, 6.0]];
        assert_eq!(row_curve(m.view(), 2), vec![6.0, 5.0, 4.0]);
        assert_eq!(row_curve(m.view(), 0), vec![1.0]);
        assert!(row_curve(m.view(), 3).is_empty());
    }

    #[test]
    fn reach_of_a_geometric_curve_is_the_log_ratio() {
        // f(k) = 0.8^k: ½ at ln 0.5 / ln 0.8 = 3.1063, 1/100 at ln 0.01 / ln 0.8 = 20.638.
        let curve: Vec<f32> = (0..40).map(|k| 0.8f32.powi(k)).collect();
        let Reach::Within(half) = reach(&curve, 0.5) else {
            panic!("expected a crossing");
        };
        assert_abs_diff_eq!(half, 3.1063, epsilon = 1e-3);
        let Reach::Within(hundredth) = reach(&curve, 0.01) else {
            panic!("expected a crossing");
        };
        assert_abs_diff_eq!(hundredth, 20.638, epsilon = 1e-3);
        // Scaling the curve does not move the read-outs.
        let scaled: Vec<f32> = curve.iter().map(|v| 7.0 * v).collect();
        assert_eq!(memory(&scaled), memory(&curve));
    }

    #[test]
    fn reach_by_hand_on_small_curves() {
        // [4, 2, 1]: ½·4 = 2 reached last at k = 1; next is 1: t = ln(2/2)/ln(2/1) = 0 -> 1.0.
        assert_eq!(reach(&[4.0, 2.0, 1.0], 0.5), Reach::Within(1.0));
        // [4, 4, 0]: threshold 2, last above k = 1, next 0: linear t = (4 − 2)/(4 − 0) = 0.5.
        assert_eq!(reach(&[4.0, 4.0, 0.0], 0.5), Reach::Within(1.5));
        // The farthest crossing counts, not the first: [4, 1, 3, 0.5] at ½ -> last ≥ 2 is k = 2,
        // next 0.5: t = ln(3/2)/ln(3/0.5) = 0.4055/1.7918 = 0.2263.
        let Reach::Within(v) = reach(&[4.0, 1.0, 3.0, 0.5], 0.5) else {
            panic!("expected a crossing");
        };
        assert_abs_diff_eq!(v, 2.2263, epsilon = 1e-4);
        // Never falling below: beyond the last distance.
        assert_eq!(reach(&[1.0, 0.9, 0.8], 0.5), Reach::Beyond(2));
        // Growing (exploding) curve: the maximum is at the far end.
        assert_eq!(reach(&[1.0, 2.0, 4.0], 0.5), Reach::Beyond(2));
        // No read-out for zeros, overflow or NaN.
        assert_eq!(reach(&[0.0, 0.0], 0.5), Reach::Undefined);
        assert_eq!(reach(&[1.0, f32::INFINITY], 0.5), Reach::Undefined);
        assert_eq!(reach(&[1.0, f32::NAN], 0.5), Reach::Undefined);
        assert_eq!(reach(&[], 0.5), Reach::Undefined);
    }

    #[test]
    fn normalized_and_log_segments() {
        assert_eq!(normalized(&[2.0, 4.0, 1.0]), Some(vec![0.5, 1.0, 0.25]));
        assert_eq!(normalized(&[0.0, 0.0]), None);
        assert_eq!(normalized(&[1.0, f32::INFINITY]), None);
        let (segs, clipped) =
            log_segments(&[1.0, 0.5, 0.0, f32::NAN, f32::INFINITY, 0.25, 1e-9], 1e-6);
        assert_eq!(segs, vec![vec![(0.0, 1.0), (1.0, 0.5)], vec![(5.0, 0.25)]]);
        assert_eq!(
            clipped,
            Clipped {
                below_floor: 2,
                non_finite: 2
            }
        );
    }

    #[test]
    fn rotating_envelope_by_hand() {
        // a = 1, b = c = 0: r^k |cos θk|. θ = π/2, r = 0.5: 1, 0, 0.25, 0, 0.0625.
        let g = rotating_envelope(0.5, std::f32::consts::FRAC_PI_2, 1.0, 0.0, 0.0, 5);
        for (v, want) in g.iter().zip([1.0, 0.0, 0.25, 0.0, 0.0625]) {
            assert_abs_diff_eq!(*v, want, epsilon = 1e-6);
        }
        // a = b, c = 0: no oscillation, r^k·√a.
        let g = rotating_envelope(0.9, 0.7, 4.0, 4.0, 0.0, 6);
        for (k, v) in g.iter().enumerate() {
            assert_abs_diff_eq!(*v, 2.0 * 0.9f32.powi(k as i32), epsilon = 1e-5);
        }
        // a = b = 1, c = 1 (Q = P): ‖(cos − sin)P‖ = |cos θk − sin θk|; θ = π/4, k = 1: 0.
        let g = rotating_envelope(1.0, std::f32::consts::FRAC_PI_4, 1.0, 1.0, 1.0, 2);
        assert_abs_diff_eq!(g[0], 1.0, epsilon = 1e-6);
        assert_abs_diff_eq!(g[1], 0.0, epsilon = 1e-3);
    }

    #[test]
    fn linear_rnn_closed_form_is_the_influence_before_the_mlp() {
        // Residual on and the MLP zeroed: y = z, so the measured influence equals g(k) exactly.
        let config = linear_rnn::Config {
            r: 0.85,
            theta: 0.6,
            residual: true,
            ..Default::default()
        };
        let mut p = linear_rnn::Params::init(&config, 4, 5).expect("valid");
        p.w1.fill(0.0);
        p.w2.fill(0.0);
        p.b1.fill(0.0);
        let x = normal_matrix(&mut rng_for(1, "test/x"), 12, 4, 1.0);
        let inf = linear_rnn::influence(&p, x.view()).expect("ok");
        let closed = linear_rnn_closed_form(&p, 12);
        let measured = row_curve(inf.view(), 11);
        for k in 0..12 {
            assert_abs_diff_eq!(measured[k], closed[k], epsilon = 1e-4 * (1.0 + closed[k]));
        }
        // With one real state λ = r, B = [1, 0], C = [1; 0]: CB = [[1, 0], [0, 0]] -> g = r^k.
        let mut q = linear_rnn::Params::init(
            &linear_rnn::Config {
                states: 1,
                r: 0.5,
                theta: 0.0,
                ..Default::default()
            },
            2,
            0,
        )
        .expect("valid");
        q.b = array![[Complex32::new(1.0, 0.0), Complex32::new(0.0, 0.0)]];
        q.c = array![[Complex32::new(1.0, 0.0)], [Complex32::new(0.0, 0.0)]];
        let g = linear_rnn_closed_form(&q, 4);
        for (v, want) in g.iter().zip([1.0, 0.5, 0.25, 0.125]) {
            assert_abs_diff_eq!(*v, want, epsilon = 1e-6);
        }
    }

    #[test]
    fn kernel_norms_and_s4d_closed_form() {
        assert_eq!(
            kernel_norms(array![[3.0, 4.0], [0.0, 0.0], [1.0, 0.0]].view()),
            vec![5.0, 0.0, 1.0]
        );
        // One channel, one state A = −1, B = C = 1, Δ = ln 2: Ā = ½, B̄ = (½ − 1)/(−1) = ½,
        // K_k = ½^{k+1}.
        let config = s4d::Config {
            states: 2,
            delta: std::f32::consts::LN_2,
            ..Default::default()
        };
        let mut p = s4d::Params::init(&config, 2, 0).expect("valid");
        p.c = ndarray::Array2::from_shape_vec(
            (2, 2),
            vec![
                Complex32::new(1.0, 0.0),
                Complex32::new(0.0, 0.0),
                Complex32::new(0.0, 0.0),
                Complex32::new(0.0, 0.0),
            ],
        )
        .expect("shape");
        let k = s4d_closed_form(&p, 4);
        for (v, want) in k.iter().zip([0.5, 0.25, 0.125, 0.0625]) {
            assert_abs_diff_eq!(*v, want, epsilon = 1e-6);
        }
    }

    #[test]
    fn cnn_cutoff_is_receptive_field_minus_one() {
        // 3 layers, kernel 3, dilation 1: RF = 1 + 3·2 = 7 -> distances 0..=6.
        assert_eq!(cnn_cutoff(&cnn::Config::default()), 6);
        // Kernel 2, dilations 1, 2, 4: RF = 1 + 1 + 2 + 4 = 8 -> 7.
        let exp = cnn::Config {
            kernel: 2,
            dilation: cnn::Dilation::Exponential,
            ..Default::default()
        };
        assert_eq!(cnn_cutoff(&exp), 7);
        // And the measured CNN influence is zero exactly beyond it, non-zero at it.
        let p = cnn::Params::init(&cnn::Config::default(), 4, 2).expect("valid");
        let x = normal_matrix(&mut rng_for(2, "test/x"), 12, 4, 1.0);
        let curve = row_curve(cnn::influence(&p, x.view()).expect("ok").view(), 11);
        assert!(curve[6] > 0.0);
        assert!(curve[7..].iter().all(|&v| v == 0.0));
    }

    #[test]
    fn scaled_to_meets_the_measured_curve() {
        assert_eq!(
            scaled_to(&[2.0, 1.0], &[8.0, 3.0], 0),
            vec![8.0, 4.0],
            "factor 8/2 = 4"
        );
        assert_eq!(scaled_to(&[0.0, 1.0], &[8.0, 3.0], 0), vec![0.0, 1.0]);
    }

    #[test]
    fn selective_delta_rule_by_hand() {
        let s = std::f32::consts::LN_10; // e^{±s} = 10, 0.1
        let d = selective_delta(&[true, false], 0.1, s, MarkRole::Write);
        assert_abs_diff_eq!(d[0], 1.0, epsilon = 1e-6);
        assert_abs_diff_eq!(d[1], 0.01, epsilon = 1e-7);
        let d = selective_delta(&[true, false], 0.1, s, MarkRole::Hold);
        assert_abs_diff_eq!(d[0], 0.01, epsilon = 1e-7);
        assert_abs_diff_eq!(d[1], 1.0, epsilon = 1e-6);
        assert_eq!(
            selective_delta(&[true, false], 0.1, 0.0, MarkRole::Write),
            vec![0.1, 0.1]
        );
    }

    fn small_mamba(seed: u64) -> mamba::Params {
        let config = mamba::Config {
            d_state: 4,
            ..Default::default()
        };
        mamba::Params::init(&config, 3, seed).expect("valid")
    }

    #[test]
    fn mamba_delta_influence_equals_the_core_when_delta_is_constant() {
        // selectivity 0 and one bias for every channel: the model's own Δ is softplus(0.3)
        // everywhere and does not depend on x, so the core's full Jacobian must agree.
        let mut p = small_mamba(4);
        p.config.selectivity = 0.0;
        p.dt_proj_bias.fill(0.3);
        let x = normal_matrix(&mut rng_for(3, "test/x"), 9, 3, 1.0);
        let delta = Array1::from_elem(9, (1.0f32 + 0.3f32.exp()).ln());
        let ours = mamba_influence_with_delta(&p, x.view(), delta.view()).expect("ok");
        let core = mamba::influence(&p, x.view()).expect("ok");
        for (a, b) in ours.iter().zip(core.iter()) {
            assert_abs_diff_eq!(*a, *b, epsilon = 1e-4 * (1.0 + b.abs()));
        }
    }

    #[test]
    fn mamba_delta_influence_columns_are_the_columns_of_the_whole_matrix() {
        let p = small_mamba(6);
        let x = normal_matrix(&mut rng_for(8, "test/x"), 8, 3, 1.0);
        let delta = Array1::from(vec![0.02, 1.5, 0.02, 0.4, 0.02, 2.5, 0.03, 0.7]);
        let whole = mamba_influence_with_delta(&p, x.view(), delta.view()).expect("ok");
        for range in [0..3, 3..4, 4..8, 5..5] {
            let part =
                mamba_influence_with_delta_columns(&p, x.view(), delta.view(), range.clone())
                    .expect("ok");
            assert_eq!(part.dim(), (8, range.len()));
            for (k, j) in range.enumerate() {
                assert_eq!(part.column(k), whole.column(j), "column {j}");
            }
        }
        assert!(mamba_influence_with_delta_columns(&p, x.view(), delta.view(), 6..9).is_err());
    }

    #[test]
    fn mamba_delta_influence_matches_finite_differences() {
        let p = small_mamba(8);
        let len = 7;
        let x = normal_matrix(&mut rng_for(5, "test/x"), len, 3, 1.0);
        let delta = Array1::from(vec![0.01, 2.0, 0.01, 0.5, 0.01, 3.0, 0.02]);
        let inf = mamba_influence_with_delta(&p, x.view(), delta.view()).expect("ok");
        let y = |x: &ndarray::Array2<f32>| {
            mamba::run_with_delta_override(&p, x.view(), delta.view())
                .expect("ok")
                .y
        };
        let eps = 1e-2f32;
        let mut fd = ndarray::Array2::<f32>::zeros((len, len));
        for j in 0..len {
            for c in 0..3 {
                let (mut plus, mut minus) = (x.clone(), x.clone());
                plus[[j, c]] += eps;
                minus[[j, c]] -= eps;
                let diff = (y(&plus) - y(&minus)) / (2.0 * eps);
                for i in 0..len {
                    fd[[i, j]] += diff.row(i).iter().map(|v| v * v).sum::<f32>();
                }
            }
        }
        for i in 0..len {
            for j in 0..len {
                let want = fd[[i, j]].sqrt();
                assert!(
                    (inf[[i, j]] - want).abs() <= 3e-3 * (1.0 + want),
                    "I[{i},{j}] = {} vs fd {want}",
                    inf[[i, j]]
                );
            }
        }
        // Errors are passed on: wrong Δ length.
        assert!(mamba_influence_with_delta(&p, x.view(), delta.slice(ndarray::s![..3])).is_err());
    }
    #[test]
    fn memory_from_one_leaves_out_the_skip_path() {
        // A spike at k = 0 (the skip path) and a geometric tail 0.8^k from k = 1 on.
        let mut curve: Vec<f32> = (0..40).map(|k| 0.8f32.powi(k)).collect();
        curve[0] = 100.0;
        // With k = 0 the maximum is the spike: the read-out falls below ½ right away.
        assert!(matches!(memory(&curve).half, Reach::Within(v) if v < 1.0));
        // Over k ≥ 1: max 0.8 at k = 1, ½ of it at 1 + ln ½ / ln 0.8 = 4.1063.
        let Reach::Within(half) = memory_from(&curve, 1).half else {
            panic!("expected a crossing");
        };
        assert_abs_diff_eq!(half, 1.0 + 0.5f32.ln() / 0.8f32.ln(), epsilon = 1e-3);
        assert_eq!(memory_from(&[1.0, 0.9, 0.8], 1).half, Reach::Beyond(2));
        assert_eq!(memory_from(&[1.0], 1).half, Reach::Undefined);
        assert_eq!(memory_from(&curve, 0), memory(&curve));
        assert_eq!(
            normalized_from(&[4.0, 2.0, 1.0], 1),
            Some(vec![2.0, 1.0, 0.5])
        );
        assert_eq!(normalized_from(&[4.0, 0.0], 1), None);
    }

    #[test]
    fn log_slope_of_geometric_and_flat_curves() {
        let curve: Vec<f32> = (0..20).map(|k| 3.0 * 0.7f32.powi(k)).collect();
        assert_abs_diff_eq!(log_slope(&curve, 1).unwrap(), 0.7f64.ln(), epsilon = 1e-5);
        assert_abs_diff_eq!(
            log_slope(&[2.0, 2.0, 2.0], 0).unwrap(),
            0.0,
            epsilon = 1e-12
        );
        // Zeros are left out; fewer than two points: none.
        assert_eq!(log_slope(&[1.0, 0.0, 0.0], 0), None);
    }

    #[test]
    fn largest_singular_value_by_hand() {
        // diag(3, −5): σ_max = 5.
        assert_abs_diff_eq!(
            largest_singular_value(array![[3.0, 0.0], [0.0, -5.0]].view()),
            5.0,
            epsilon = 1e-5
        );
        // [[1, 1], [0, 1]]: σ_max = golden ratio φ = (1 + √5)/2 although ρ = 1.
        let phi = (1.0 + 5f32.sqrt()) / 2.0;
        assert_abs_diff_eq!(
            largest_singular_value(array![[1.0, 1.0], [0.0, 1.0]].view()),
            phi,
            epsilon = 1e-5
        );
        // Rank one u vᵀ: σ_max = ‖u‖‖v‖ = 5 · √2.
        let w = array![[3.0, 3.0], [4.0, 4.0]];
        assert_abs_diff_eq!(
            largest_singular_value(w.view()),
            5.0 * 2f32.sqrt(),
            epsilon = 1e-4
        );
        assert!(largest_singular_value(array![[f32::NAN]].view()).is_nan());
    }

    #[test]
    fn rnn_gradient_regimes() {
        assert_eq!(rnn_gradients(0.8, 0.5), Gradients::MustVanish);
        assert_eq!(rnn_gradients(1.7, 0.9), Gradients::NoGuarantee);
        assert_eq!(rnn_gradients(2.5, 1.5), Gradients::MayExplode);
    }
}
