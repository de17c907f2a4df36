//! e^x for the hot loops (Mamba's discretization Ā = exp(ΔA), attention's softmax): the
//! standard library's `exp` is a scalar libm call that never vectorises and, in WebAssembly,
//! runs in software; this branch-free version inlines and vectorises (SSE2/AVX2, wasm SIMD).

/// 1.5 · 2^23: adding it rounds an f32 of magnitude < 2^22 to the nearest integer.
pub(crate) const ROUND_MAGIC: f32 = 12_582_912.0;
/// Cody–Waite split of ln 2 (Cephes): LN2_HI has 9 significant bits so n·LN2_HI is exact.
pub(crate) const LN2_HI: f32 = 0.693_359_4;
pub(crate) const LN2_LO: f32 = -2.121_944_4e-4;

/// Branch-free e^x in f32 (relative error ≤ 2e-7 against `f32::exp` on [−87, 88]).
///
/// Cody–Waite: x = n ln 2 + r with |r| ≤ ln2/2, e^r by the Cephes `expf` minimax polynomial,
/// 2^n applied as two exponent-field factors 2^⌊n/2⌋ · 2^(n−⌊n/2⌋) so that results go through
/// the subnormals and underflow to 0 below ≈ −103.9 and overflow to +inf above ≈ 88.72.
/// Arguments are clamped to [−104, 89] first (so no garbage exponent); NaN propagates.
#[inline(always)]
pub fn exp_fast(x: f32) -> f32 {
    let xc = x.clamp(-104.0, 89.0); // NaN stays NaN
    let k = xc * std::f32::consts::LOG2_E + ROUND_MAGIC;
    let nf = k - ROUND_MAGIC;
    let r = (xc - nf * LN2_HI) - nf * LN2_LO;
    let r2 = r * r;
    let p = ((((1.987_569_2e-4 * r + 1.398_199_9e-3) * r + 8.333_452e-3) * r + 4.166_579_6e-2) * r
        + 1.666_666_5e-1)
        * r
        + 0.5;
    let e_r = (p * r2 + r) + 1.0;
    let n = (k.to_bits() as i32).wrapping_sub(ROUND_MAGIC.to_bits() as i32);
    let n1 = n >> 1;
    let n2 = n - n1;
    let s1 = f32::from_bits(((n1 + 127) as u32) << 23);
    let s2 = f32::from_bits(((n2 + 127) as u32) << 23);
    e_r * s1 * s2
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_fast_matches_std_exp() {
        let mut worst = 0.0f64;
        let steps = 2_000_000;
        for i in 0..=steps {
            let x = -87.0 + 175.0 * (i as f32) / (steps as f32); // [−87, 88]
            let want = x.exp();
            let rel = (f64::from(exp_fast(x)) - f64::from(want)).abs() / f64::from(want);
            worst = worst.max(rel);
        }
        assert!(worst <= 2e-7, "max relative error {worst}");
        // Below −87: tiny or 0, never negative or garbage; overflow to +inf; NaN propagates.
        for x in [-87.5f32, -90.0, -100.0, -103.0] {
            let v = exp_fast(x);
            assert!((0.0..=1.2e-38).contains(&v), "exp_fast({x}) = {v}");
            assert!(
                (f64::from(v) - f64::from(x).exp()).abs() <= 1e-44,
                "exp_fast({x}) = {v}"
            );
        }
        for x in [-104.5f32, -200.0, -1e30, f32::NEG_INFINITY] {
            assert_eq!(exp_fast(x), 0.0, "exp_fast({x})");
        }
        assert_eq!(exp_fast(89.0), f32::INFINITY);
        assert_eq!(exp_fast(f32::INFINITY), f32::INFINITY);
        assert!(exp_fast(f32::NAN).is_nan());
        assert_eq!(exp_fast(0.0), 1.0);
    }
}
