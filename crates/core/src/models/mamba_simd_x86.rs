//! The selective scan's inner step with explicit AVX2 + FMA intrinsics (x86-64 only; chosen at
//! run time by `mamba::scan_core`). Rust never contracts `a * b + c` into a fused multiply-add
//! by itself, so the portable code pays two roundings and two instructions where FMA pays one;
//! written out here the step costs about a third fewer instructions.
//!
//! Same arithmetic as `mamba::step_row` and `mamba::exp_fast` (Cody–Waite reduction, Cephes
//! `expf` polynomial, 2^n as two exponent-field factors so results pass through the subnormals),
//! with each multiply-add fused.

use std::arch::x86_64::*;

use crate::fast_math::{LN2_HI, LN2_LO, ROUND_MAGIC};

/// Eight lanes of `exp_fast`: relative error ≤ 2e-7 on [−87, 88], subnormal results down to
/// ≈ −103.9, then 0; +inf from 89; NaN propagates.
#[inline]
#[target_feature(enable = "avx2,fma")]
pub(super) fn exp8(x: __m256) -> __m256 {
    // `max_ps`/`min_ps` return their second operand when either is NaN: NaN stays NaN.
    let xc = _mm256_min_ps(
        _mm256_set1_ps(89.0),
        _mm256_max_ps(_mm256_set1_ps(-104.0), x),
    );
    let magic = _mm256_set1_ps(ROUND_MAGIC);
    let k = _mm256_fmadd_ps(xc, _mm256_set1_ps(std::f32::consts::LOG2_E), magic);
    let nf = _mm256_sub_ps(k, magic);
    let r = _mm256_fnmadd_ps(nf, _mm256_set1_ps(LN2_HI), xc);
    let r = _mm256_fnmadd_ps(nf, _mm256_set1_ps(LN2_LO), r);
    let r2 = _mm256_mul_ps(r, r);
    let mut p = _mm256_set1_ps(1.987_569_2e-4);
    for coefficient in [
        1.398_199_9e-3,
        8.333_452e-3,
        4.166_579_6e-2,
        1.666_666_5e-1,
        0.5,
    ] {
        p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(coefficient));
    }
    let e_r = _mm256_add_ps(_mm256_fmadd_ps(p, r2, r), _mm256_set1_ps(1.0));
    let n = _mm256_sub_epi32(_mm256_castps_si256(k), _mm256_castps_si256(magic));
    let n1 = _mm256_srai_epi32::<1>(n);
    let n2 = _mm256_sub_epi32(n, n1);
    let bias = _mm256_set1_epi32(127);
    let s1 = _mm256_castsi256_ps(_mm256_slli_epi32::<23>(_mm256_add_epi32(n1, bias)));
    let s2 = _mm256_castsi256_ps(_mm256_slli_epi32::<23>(_mm256_add_epi32(n2, bias)));
    _mm256_mul_ps(_mm256_mul_ps(e_r, s1), s2)
}

/// One state row n over all channels d, eight channels at a time (the rest one by one):
/// Eqn (2a) h[d] = exp(Δ[d]·A[d,n]) h[d] + B[n] Δ[d] u[d];  Eqn (2b) y[d] += C[n] h[d].
#[inline]
#[target_feature(enable = "avx2,fma")]
pub(super) fn step_row_fma(
    h: &mut [f32],
    a: &[f32],
    dt: &[f32],
    du: &[f32],
    bn: f32,
    cn: f32,
    y: &mut [f32],
) {
    let len = h.len();
    let (a, dt, du, y) = (&a[..len], &dt[..len], &du[..len], &mut y[..len]);
    let (bv, cv) = (_mm256_set1_ps(bn), _mm256_set1_ps(cn));
    let whole = len - len % 8;
    for d in (0..whole).step_by(8) {
        // SAFETY: d + 8 ≤ whole ≤ len, the length of every slice (re-sliced to `len` above).
        unsafe {
            let x = _mm256_mul_ps(
                _mm256_loadu_ps(dt.as_ptr().add(d)),
                _mm256_loadu_ps(a.as_ptr().add(d)),
            );
            let input = _mm256_mul_ps(bv, _mm256_loadu_ps(du.as_ptr().add(d)));
            let hn = _mm256_fmadd_ps(exp8(x), _mm256_loadu_ps(h.as_ptr().add(d)), input);
            _mm256_storeu_ps(h.as_mut_ptr().add(d), hn);
            let yn = _mm256_fmadd_ps(cv, hn, _mm256_loadu_ps(y.as_ptr().add(d)));
            _mm256_storeu_ps(y.as_mut_ptr().add(d), yn);
        }
    }
    super::step_row(
        &mut h[whole..],
        &a[whole..],
        &dt[whole..],
        &du[whole..],
        bn,
        cn,
        &mut y[whole..],
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exp8_scalar(x: f32) -> f32 {
        let mut out = [0.0f32; 8];
        // SAFETY: the callers check AVX2 and FMA first; `out` holds eight floats.
        unsafe { _mm256_storeu_ps(out.as_mut_ptr(), exp8(_mm256_set1_ps(x))) };
        assert!(out.iter().all(|&v| v.to_bits() == out[0].to_bits()));
        out[0]
    }

    fn has_fma() -> bool {
        is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma")
    }

    #[test]
    fn exp8_matches_f64_exp_through_the_subnormals() {
        if !has_fma() {
            return;
        }
        let mut worst = 0.0f64;
        let steps = 500_000;
        for i in 0..=steps {
            let x = -87.0 + 175.0 * (i as f32) / (steps as f32); // [−87, 88]
            let want = f64::from(x).exp();
            worst = worst.max((f64::from(exp8_scalar(x)) - want).abs() / want);
        }
        assert!(worst <= 2e-7, "max relative error {worst}");
        for x in [-87.5f32, -90.0, -100.0, -103.0] {
            let v = exp8_scalar(x);
            assert!(
                (f64::from(v) - f64::from(x).exp()).abs() <= 1e-44,
                "exp8({x}) = {v}"
            );
        }
        for x in [-104.5f32, -1e30, f32::NEG_INFINITY] {
            assert_eq!(exp8_scalar(x), 0.0, "exp8({x})");
        }
        assert_eq!(exp8_scalar(89.0), f32::INFINITY);
        assert_eq!(exp8_scalar(f32::INFINITY), f32::INFINITY);
        assert!(exp8_scalar(f32::NAN).is_nan());
        assert_eq!(exp8_scalar(0.0), 1.0);
    }

    #[test]
    fn step_row_fma_matches_the_step_equations_in_f64() {
        if !has_fma() {
            return;
        }
        // 11 channels: one vector of eight plus a scalar tail of three.
        let len = 11;
        let a: Vec<f32> = (0..len).map(|d| -0.3 - 0.7 * d as f32).collect();
        let dt: Vec<f32> = (0..len).map(|d| 0.05 + 0.11 * d as f32).collect();
        let du: Vec<f32> = (0..len).map(|d| (d as f32 * 1.3).sin()).collect();
        let h0: Vec<f32> = (0..len).map(|d| (d as f32 * 0.7).cos()).collect();
        let y0: Vec<f32> = (0..len).map(|d| 0.1 * d as f32).collect();
        let (bn, cn) = (0.8f32, -1.7f32);
        let (mut h, mut y) = (h0.clone(), y0.clone());
        // SAFETY: AVX2 and FMA checked above.
        unsafe { step_row_fma(&mut h, &a, &dt, &du, bn, cn, &mut y) };
        for d in 0..len {
            let decay = (f64::from(dt[d]) * f64::from(a[d])).exp();
            let hn = decay * f64::from(h0[d]) + f64::from(bn) * f64::from(du[d]);
            let yn = f64::from(y0[d]) + f64::from(cn) * hn;
            assert!(
                (f64::from(h[d]) - hn).abs() <= 1e-6 * (1.0 + hn.abs()),
                "h[{d}]"
            );
            assert!(
                (f64::from(y[d]) - yn).abs() <= 1e-6 * (1.0 + yn.abs()),
                "y[{d}]"
            );
        }
    }
}
