//! Timing entry points for the browser benchmark (`end2end/bench/browser-bench.mjs`), compiled
//! only with the `bench-exports` feature, never into the site people load. They time the same
//! workloads as the native criterion benches (`core::workloads`), so browser / native is the
//! price of WebAssembly in this browser. Each returns milliseconds per call: one warm-up call,
//! then `calls` calls timed as one batch (`performance.now()` is coarse).

use std::hint::black_box;

use wasm_bindgen::prelude::*;

use crate::core::cost::D_MODEL;
use crate::core::models::family::{Family, ModelConfig, ModelParams};
use crate::core::models::mamba::selective_scan;
use crate::core::workloads::{model_input, ScanWorkload};

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(f64::NAN, |p| p.now())
}

/// Milliseconds per call of `work`, or NaN when no clock is available.
fn per_call(calls: u32, mut work: impl FnMut()) -> f64 {
    let calls = calls.max(1);
    work();
    let start = now_ms();
    for _ in 0..calls {
        work();
    }
    (now_ms() - start) / f64::from(calls)
}

/// The family's default parameters at d_model = 16, as the native benches build them.
fn default_params(family: &str) -> Option<ModelParams> {
    let family = Family::from_id(family)?;
    ModelConfig::default_for(family).init(D_MODEL, 7).ok()
}

/// `selective_scan` at L = 1024, D = N = 16 with skip, gate, Δ bias and softplus.
#[wasm_bindgen]
pub fn bench_selective_scan(calls: u32) -> f64 {
    let workload = ScanWorkload::reference();
    let input = workload.input();
    per_call(calls, || {
        black_box(selective_scan(black_box(&input)));
    })
}

/// One forward pass of `family` (its id, e.g. "mamba") at length `len`; NaN for an unknown id.
#[wasm_bindgen]
pub fn bench_forward(family: &str, len: usize, calls: u32) -> f64 {
    let Some(params) = default_params(family) else {
        return f64::NAN;
    };
    let x = model_input(len);
    per_call(calls, || {
        let _ = black_box(params.forward(black_box(x.view())));
    })
}

/// The exact influence matrix of `family` at length `len`, in one call; NaN for an unknown id.
#[wasm_bindgen]
pub fn bench_influence(family: &str, len: usize, calls: u32) -> f64 {
    let Some(params) = default_params(family) else {
        return f64::NAN;
    };
    let x = model_input(len);
    per_call(calls, || {
        let _ = black_box(params.influence(black_box(x.view())));
    })
}
