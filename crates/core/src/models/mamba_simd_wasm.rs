//! The selective scan's inner step with explicit WebAssembly SIMD (`core::arch::wasm32`, f32x4;
//! compiled when the wasm32 target has `simd128`, which `.cargo/config.toml` turns on). The
//! release site is built at `opt-level = "z"`, where LLVM's loop vectoriser is off, so the
//! portable `mamba::step_row` runs one lane at a time in the browser; written out here it runs
//! four.
//!
//! Same arithmetic as `fast_math::exp_fast` and `mamba::step_row`, operation for operation (wasm
//! has no fused multiply-add outside relaxed SIMD, whose rounding varies by CPU), so the results
//! are bit-identical to the portable code. Public only so that the browser test
//! (`tests/simd_wasm.rs`) can check it against f64.

use core::arch::wasm32::*;

use crate::fast_math::{exp_fast, LN2_HI, LN2_LO, ROUND_MAGIC};

/// The constants of [`exp4`], as vectors.
///
/// Why a struct: LLVM turns every splat of a constant into a `v128.const` at its use, inside
/// the loop (thirteen per exp), and V8 appears to build each one anew per iteration.
/// [`ExpConstants::opaque`] hides them from LLVM once per call, so they are ordinary values
/// that can stay in registers across the loop: in Chromium this took the reference scan
/// (L = 1024, D = N = 16) from ≈ 2.0 to ≈ 1.1 ms on the same (loaded) machine.
#[derive(Clone, Copy)]
pub struct ExpConstants {
    lo: v128,
    hi: v128,
    log2_e: v128,
    magic: v128,
    ln2_hi: v128,
    ln2_lo: v128,
    /// Cephes `expf` polynomial, highest degree first.
    poly: [v128; 6],
    one: v128,
    exponent_bias: v128,
}

impl ExpConstants {
    /// The constants as LLVM sees them (folded into the code).
    #[inline(always)]
    pub fn folded() -> Self {
        ExpConstants {
            lo: f32x4_splat(-104.0),
            hi: f32x4_splat(89.0),
            log2_e: f32x4_splat(std::f32::consts::LOG2_E),
            magic: f32x4_splat(ROUND_MAGIC),
            ln2_hi: f32x4_splat(LN2_HI),
            ln2_lo: f32x4_splat(LN2_LO),
            poly: [
                f32x4_splat(1.987_569_2e-4),
                f32x4_splat(1.398_199_9e-3),
                f32x4_splat(8.333_452e-3),
                f32x4_splat(4.166_579_6e-2),
                f32x4_splat(1.666_666_5e-1),
                f32x4_splat(0.5),
            ],
            one: f32x4_splat(1.0),
            exponent_bias: i32x4_splat(127),
        }
    }

    /// The same values, opaque to LLVM (see the type's doc): for the hot loops.
    #[inline(always)]
    pub fn opaque() -> Self {
        std::hint::black_box(Self::folded())
    }
}

/// Four lanes of `exp_fast`: relative error ≤ 2e-7 on [−87, 88], subnormal results down to
/// ≈ −103.9, then 0; +inf from 89; NaN propagates.
#[inline(always)]
pub fn exp4(x: v128) -> v128 {
    exp4_with(x, &ExpConstants::folded())
}

/// [`exp4`] with its constants passed in.
///
/// Cody–Waite: x = n ln 2 + r, e^r by the Cephes `expf` polynomial, 2^n as the two exponent-field
/// factors 2^⌊n/2⌋ · 2^(n−⌊n/2⌋) so that results pass through the subnormals.
#[inline(always)]
pub fn exp4_with(x: v128, c: &ExpConstants) -> v128 {
    // pmax(x, lo) = (x < lo ? lo : x), pmin(x, hi) = (hi < x ? hi : x): one instruction each
    // (the IEEE `f32x4.min`/`max` take several on x86), and a NaN x compares false: stays NaN.
    let xc = f32x4_pmin(f32x4_pmax(x, c.lo), c.hi);
    let k = f32x4_add(f32x4_mul(xc, c.log2_e), c.magic);
    let nf = f32x4_sub(k, c.magic);
    let r = f32x4_sub(xc, f32x4_mul(nf, c.ln2_hi));
    let r = f32x4_sub(r, f32x4_mul(nf, c.ln2_lo));
    let r2 = f32x4_mul(r, r);
    // Horner, written out: at opt-level "z" LLVM does not unroll a loop over the coefficients.
    let horner = |p: v128, coefficient: v128| f32x4_add(f32x4_mul(p, r), coefficient);
    let p = horner(c.poly[0], c.poly[1]);
    let p = horner(p, c.poly[2]);
    let p = horner(p, c.poly[3]);
    let p = horner(p, c.poly[4]);
    let p = horner(p, c.poly[5]);
    let e_r = f32x4_add(f32x4_add(f32x4_mul(p, r2), r), c.one);
    // k's bit pattern minus the magic's is n (k = magic + n exactly, |n| < 2^22).
    let n = i32x4_sub(k, c.magic);
    let n1 = i32x4_shr(n, 1);
    let n2 = i32x4_sub(n, n1);
    let s1 = i32x4_shl(i32x4_add(n1, c.exponent_bias), 23);
    let s2 = i32x4_shl(i32x4_add(n2, c.exponent_bias), 23);
    f32x4_mul(f32x4_mul(e_r, s1), s2)
}

/// One state row n over all channels d, four channels at a time (the rest one by one):
/// Eqn (2a) h[d] = exp(Δ[d]·A[d,n]) h[d] + B[n] Δ[d] u[d];  Eqn (2b) y[d] += C[n] h[d].
/// `a`, `dt`, `du`, `y` must hold at least `h.len()` values (panics otherwise).
pub fn step_row_simd128(
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
    // SAFETY: every slice holds `len` values (re-sliced just above).
    unsafe {
        step_row_raw(
            len,
            h.as_mut_ptr(),
            a.as_ptr(),
            dt.as_ptr(),
            du.as_ptr(),
            bn,
            cn,
            y.as_mut_ptr(),
            &ExpConstants::folded(),
        )
    };
}

/// The whole recurrence of `mamba::scan_core` (same buffers and layout: `delta`, `u` [L, D];
/// `a_nd` [N, D]; `b`, `c` [L, N]; `y` [L, D]; `h` [N, D]; `states` [L, N, D]). The buffer
/// lengths are checked once here rather than per row: at opt-level "z" every slice index is a
/// call, and with D = 16 a row is only four vector steps. Does nothing when a buffer is short.
#[allow(clippy::too_many_arguments)]
pub(super) fn scan_simd128(
    (l, dim, n): (usize, usize, usize),
    delta: &[f32],
    u: &[f32],
    a_nd: &[f32],
    b: &[f32],
    c: &[f32],
    y: &mut [f32],
    h: &mut [f32],
    mut states: Option<&mut [f32]>,
) {
    let (ld, nd, ln) = (l * dim, n * dim, l * n);
    let fits = delta.len() >= ld
        && u.len() >= ld
        && y.len() >= ld
        && a_nd.len() >= nd
        && h.len() >= nd
        && b.len() >= ln
        && c.len() >= ln
        && states.as_deref().is_none_or(|s| s.len() >= l * nd);
    if !fits || dim == 0 || n == 0 {
        return;
    }
    let constants = ExpConstants::opaque();
    let mut du = vec![0.0f32; dim]; // [D] Δ_t ⊙ u_t
    for t in 0..l {
        let (dt, ut) = (&delta[t * dim..(t + 1) * dim], &u[t * dim..(t + 1) * dim]);
        for ((o, &dv), &uv) in du.iter_mut().zip(dt).zip(ut) {
            *o = dv * uv;
        }
        let yt = &mut y[t * dim..(t + 1) * dim];
        yt.fill(0.0);
        let (bt, ct) = (&b[t * n..(t + 1) * n], &c[t * n..(t + 1) * n]);
        for k in 0..n {
            // SAFETY: rows k·D .. (k+1)·D of `h` and `a_nd` lie within n·D (checked above);
            // `dt`, `du`, `yt` hold D values.
            unsafe {
                step_row_raw(
                    dim,
                    h.as_mut_ptr().add(k * dim),
                    a_nd.as_ptr().add(k * dim),
                    dt.as_ptr(),
                    du.as_ptr(),
                    bt[k],
                    ct[k],
                    yt.as_mut_ptr(),
                    &constants,
                )
            };
        }
        if let Some(s) = states.as_deref_mut() {
            s[t * nd..(t + 1) * nd].copy_from_slice(&h[..nd]);
        }
    }
}

/// [`step_row_simd128`] on raw pointers.
///
/// # Safety
/// `h`, `a`, `dt`, `du`, `y` each point to `len` valid floats; `h` and `y` do not overlap the
/// others.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
unsafe fn step_row_raw(
    len: usize,
    h: *mut f32,
    a: *const f32,
    dt: *const f32,
    du: *const f32,
    bn: f32,
    cn: f32,
    y: *mut f32,
    constants: &ExpConstants,
) {
    let (bv, cv) = (f32x4_splat(bn), f32x4_splat(cn));
    let whole = len - len % 4;
    let mut d = 0;
    while d < whole {
        // SAFETY: d + 4 ≤ len (the caller's bound); wasm loads and stores need no alignment.
        unsafe {
            let x = f32x4_mul(v128_load(dt.add(d).cast()), v128_load(a.add(d).cast()));
            let abar_h = f32x4_mul(exp4_with(x, constants), v128_load(h.add(d).cast()));
            let hn = f32x4_add(abar_h, f32x4_mul(bv, v128_load(du.add(d).cast())));
            v128_store(h.add(d).cast(), hn);
            let yn = f32x4_add(v128_load(y.add(d).cast()), f32x4_mul(cv, hn));
            v128_store(y.add(d).cast(), yn);
        }
        d += 4;
    }
    while d < len {
        // SAFETY: d < len (the caller's bound). The scalar step of `mamba::step_row`.
        unsafe {
            let abar = exp_fast(*dt.add(d) * *a.add(d));
            let hn = abar * *h.add(d) + bn * *du.add(d);
            *h.add(d) = hn;
            *y.add(d) += cn * hn;
        }
        d += 1;
    }
}

/// softplus over a slice, four at a time: the branch-free `mamba::softplus_fast` (x above 20,
/// else max(x, 0) + log1p(e^{−|x|}) by the atanh series), same operations in the same order.
pub fn softplus_in_place_simd128(v: &mut [f32]) {
    let whole = v.len() - v.len() % 4;
    let (zero, two) = (f32x4_splat(0.0), f32x4_splat(2.0));
    let constants = ExpConstants::opaque();
    for i in (0..whole).step_by(4) {
        // SAFETY: i + 4 ≤ whole ≤ v.len().
        unsafe {
            let x = load(v, i);
            let e = exp4_with(f32x4_neg(f32x4_abs(x)), &constants);
            let s = f32x4_div(e, f32x4_add(two, e));
            let s2 = f32x4_mul(s, s);
            let horner = |p: v128, c: f32| f32x4_add(f32x4_mul(p, s2), f32x4_splat(c));
            let series = horner(f32x4_splat(1.0 / 13.0), 1.0 / 11.0);
            let series = horner(series, 1.0 / 9.0);
            let series = horner(series, 1.0 / 7.0);
            let series = horner(series, 1.0 / 5.0);
            let series = horner(series, 1.0 / 3.0);
            let series = horner(series, 1.0);
            let log1p_e = f32x4_mul(f32x4_mul(two, s), series);
            // pmax(0, x) = (0 < x ? x : 0), the scalar `if x > 0.0 { x } else { 0.0 }`.
            let sp = f32x4_add(f32x4_pmax(zero, x), log1p_e);
            let out = v128_bitselect(x, sp, f32x4_gt(x, f32x4_splat(20.0)));
            v128_store(v.as_mut_ptr().add(i).cast(), out);
        }
    }
    for x in &mut v[whole..] {
        *x = super::softplus_fast(*x);
    }
}

/// y ⊙= SiLU(z) = z / (1 + e^{−z}) (as z · (1 / (1 + e^{−z})), like `mamba::silu_fast`), four
/// at a time.
pub fn gate_in_place_simd128(y: &mut [f32], z: &[f32]) {
    let len = y.len().min(z.len());
    let (y, z) = (&mut y[..len], &z[..len]);
    let whole = len - len % 4;
    let one = f32x4_splat(1.0);
    let constants = ExpConstants::opaque();
    for i in (0..whole).step_by(4) {
        // SAFETY: i + 4 ≤ whole ≤ len, the length of both slices.
        unsafe {
            let zv = load(z, i);
            let sigmoid = f32x4_div(one, f32x4_add(one, exp4_with(f32x4_neg(zv), &constants)));
            let out = f32x4_mul(load(y, i), f32x4_mul(zv, sigmoid));
            v128_store(y.as_mut_ptr().add(i).cast(), out);
        }
    }
    for (yv, &zv) in y[whole..].iter_mut().zip(&z[whole..]) {
        *yv *= super::silu_fast(zv);
    }
}

/// Four floats from `s[i..i + 4]`.
///
/// # Safety
/// `i + 4 ≤ s.len()`.
#[inline(always)]
unsafe fn load(s: &[f32], i: usize) -> v128 {
    // SAFETY: the caller guarantees i + 4 ≤ s.len(); wasm loads need no alignment.
    unsafe { v128_load(s.as_ptr().add(i).cast()) }
}
