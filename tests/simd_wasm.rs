//! The selective scan's wasm SIMD kernels (`core::models::mamba::simd_wasm`) in headless
//! Chromium, against f64 references written here: e^x, the scan step Eqn (2a)/(2b), softplus,
//! the SiLU gate, and a whole `selective_scan`.
//! Run with `cargo test --target wasm32-unknown-unknown --test simd_wasm`.
#![cfg(all(target_arch = "wasm32", target_feature = "simd128"))]

use core::arch::wasm32::*;

use ndarray::{Array1, Array2};
use seqmix::core::fast_math::exp_fast;
use seqmix::core::models::mamba::simd_wasm::{
    exp4, gate_in_place_simd128, softplus_in_place_simd128, step_row_simd128,
};
use seqmix::core::models::mamba::{selective_scan, SelectiveScanInput};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn lanes(v: v128) -> [f32; 4] {
    [
        f32x4_extract_lane::<0>(v),
        f32x4_extract_lane::<1>(v),
        f32x4_extract_lane::<2>(v),
        f32x4_extract_lane::<3>(v),
    ]
}

/// exp4 on four different arguments at once (so a lane mix-up shows).
fn exp4_of(xs: [f32; 4]) -> [f32; 4] {
    lanes(exp4(f32x4(xs[0], xs[1], xs[2], xs[3])))
}

fn softplus_f64(x: f64) -> f64 {
    if x > 20.0 {
        x
    } else {
        x.exp().ln_1p()
    }
}

fn silu_f64(x: f64) -> f64 {
    x / (1.0 + (-x).exp())
}

#[wasm_bindgen_test]
fn exp4_matches_f64_exp_through_the_subnormals() {
    let steps = 400_000;
    let mut worst = 0.0f64;
    for i in (0..=steps).step_by(4) {
        // [−87, 88], four consecutive grid points per call.
        let xs: [f32; 4] =
            std::array::from_fn(|k| -87.0 + 175.0 * ((i + k).min(steps) as f32) / steps as f32);
        for (x, got) in xs.iter().zip(exp4_of(xs)) {
            let want = f64::from(*x).exp();
            worst = worst.max((f64::from(got) - want).abs() / want);
            // The same operations as the scalar code, so the same bits.
            assert_eq!(got.to_bits(), exp_fast(*x).to_bits(), "exp4({x})");
        }
    }
    assert!(worst <= 2e-7, "max relative error {worst}");
    // Subnormal results: within one subnormal step (1.4e-45) of the true value.
    let xs = [-87.5f32, -90.0, -100.0, -103.0];
    for (x, got) in xs.iter().zip(exp4_of(xs)) {
        assert!(
            (f64::from(got) - f64::from(*x).exp()).abs() <= 1e-44,
            "exp4({x}) = {got}"
        );
    }
    assert_eq!(
        exp4_of([-104.5, -1e30, f32::NEG_INFINITY, -200.0]),
        [0.0; 4]
    );
    let special = exp4_of([89.0, f32::INFINITY, f32::NAN, 0.0]);
    assert_eq!(special[0], f32::INFINITY);
    assert_eq!(special[1], f32::INFINITY);
    assert!(special[2].is_nan());
    assert_eq!(special[3], 1.0);
}

#[wasm_bindgen_test]
fn step_row_simd128_matches_the_step_equations_in_f64() {
    // 11 channels: two vectors of four plus a scalar tail of three.
    let len = 11;
    let a: Vec<f32> = (0..len).map(|d| -0.3 - 0.7 * d as f32).collect();
    let dt: Vec<f32> = (0..len).map(|d| 0.05 + 0.11 * d as f32).collect();
    let du: Vec<f32> = (0..len).map(|d| (d as f32 * 1.3).sin()).collect();
    let h0: Vec<f32> = (0..len).map(|d| (d as f32 * 0.7).cos()).collect();
    let y0: Vec<f32> = (0..len).map(|d| 0.1 * d as f32).collect();
    let (bn, cn) = (0.8f32, -1.7f32);
    let (mut h, mut y) = (h0.clone(), y0.clone());
    step_row_simd128(&mut h, &a, &dt, &du, bn, cn, &mut y);
    for d in 0..len {
        // Eqn (2a): h = exp(Δ A) h + B Δ u;  Eqn (2b): y += C h.
        let decay = (f64::from(dt[d]) * f64::from(a[d])).exp();
        let hn = decay * f64::from(h0[d]) + f64::from(bn) * f64::from(du[d]);
        let yn = f64::from(y0[d]) + f64::from(cn) * hn;
        assert!(
            (f64::from(h[d]) - hn).abs() <= 1e-6 * (1.0 + hn.abs()),
            "h[{d}] = {} against {hn}",
            h[d]
        );
        assert!(
            (f64::from(y[d]) - yn).abs() <= 1e-6 * (1.0 + yn.abs()),
            "y[{d}] = {} against {yn}",
            y[d]
        );
    }
}

#[wasm_bindgen_test]
fn softplus_and_gate_match_f64() {
    // 4001 points: vectors plus a one-element tail.
    let xs: Vec<f32> = (0..=4000).map(|i| -40.0 + 0.017 * i as f32).collect();
    let mut sp = xs.clone();
    softplus_in_place_simd128(&mut sp);
    for (&x, &got) in xs.iter().zip(&sp) {
        let want = softplus_f64(f64::from(x));
        assert!(
            (f64::from(got) - want).abs() <= 1e-6 * (1e-30 + want.abs()),
            "softplus({x}) = {got} against {want}"
        );
    }
    let mut nan = vec![f32::NAN; 4];
    softplus_in_place_simd128(&mut nan);
    assert!(nan.iter().all(|v| v.is_nan()));

    let ys: Vec<f32> = xs.iter().map(|x| 0.5 + (x * 0.3).cos()).collect();
    let mut gated = ys.clone();
    gate_in_place_simd128(&mut gated, &xs);
    for ((&z, &y), &got) in xs.iter().zip(&ys).zip(&gated) {
        let want = f64::from(y) * silu_f64(f64::from(z));
        assert!(
            (f64::from(got) - want).abs() <= 1e-6 * (1e-30 + want.abs()),
            "y ⊙ SiLU({z}) = {got} against {want}"
        );
    }
}

#[wasm_bindgen_test]
fn selective_scan_matches_an_f64_reference() {
    // L = 7, D = 6 (one vector + a tail of two), N = 3; bias, softplus, D skip and gate.
    let (l, dim, n) = (7, 6, 3);
    let grid = |rows: usize, cols: usize, scale: f32, phase: f32| {
        Array2::from_shape_fn((rows, cols), |(i, j)| {
            scale * ((i * cols + j) as f32 * 0.37 + phase).sin()
        })
    };
    let u = grid(l, dim, 1.0, 0.1);
    let delta = grid(l, dim, 2.0, 0.7);
    let a = Array2::from_shape_fn((dim, n), |(d, k)| -0.2 - 0.5 * (d + k) as f32);
    let b = grid(l, n, 1.0, 1.3);
    let c = grid(l, n, 1.0, 2.1);
    let z = grid(l, dim, 1.5, 0.4);
    let skip = Array1::from_shape_fn(dim, |d| 0.5 + 0.1 * d as f32);
    let bias = Array1::from_shape_fn(dim, |d| -0.5 + 0.2 * d as f32);
    let out = selective_scan(&SelectiveScanInput {
        u: u.view(),
        delta: delta.view(),
        a: a.view(),
        b: b.view(),
        c: c.view(),
        d: Some(skip.view()),
        z: Some(z.view()),
        delta_bias: Some(bias.view()),
        delta_softplus: true,
    });
    let f = f64::from;
    let mut h = vec![vec![0.0f64; n]; dim];
    for t in 0..l {
        for d in 0..dim {
            let dt = softplus_f64(f(delta[[t, d]]) + f(bias[d]));
            let mut y = 0.0;
            for k in 0..n {
                h[d][k] = (dt * f(a[[d, k]])).exp() * h[d][k] + dt * f(b[[t, k]]) * f(u[[t, d]]);
                y += f(c[[t, k]]) * h[d][k];
            }
            let want = (y + f(skip[d]) * f(u[[t, d]])) * silu_f64(f(z[[t, d]]));
            let got = f(out.y[[t, d]]);
            assert!(
                (got - want).abs() <= 1e-5 * (1.0 + want.abs()),
                "y[{t}, {d}] = {got} against {want}"
            );
        }
    }
    for ((d, k), &got) in out.last_state.indexed_iter() {
        let want = h[d][k];
        assert!(
            (f(got) - want).abs() <= 1e-5 * (1.0 + want.abs()),
            "h[{d}, {k}] = {got} against {want}"
        );
    }
}
