//! The benchmark workloads, built from fixed seeds: the native benches (`benches/models.rs`)
//! and the browser bench exports (`bench_exports.rs`) time exactly the same computations, so
//! their ratio is the cost of running in the browser.

use ndarray::{Array1, Array2};

use super::cost::D_MODEL;
use super::models::mamba::SelectiveScanInput;
use super::rng::{normal_matrix, rng_for, uniform_vector};

/// The model input `x: [len, D_MODEL]` every forward and influence benchmark uses.
pub fn model_input(len: usize) -> Array2<f32> {
    normal_matrix(&mut rng_for(1, "bench/x"), len, D_MODEL, 1.0)
}

/// The issue's reference selective scan: L = 1024, D = N = 16, random negative A, with the
/// D skip, the z gate, a Δ bias and softplus — the full `selective_scan_ref` path.
pub struct ScanWorkload {
    u: Array2<f32>,
    delta: Array2<f32>,
    a: Array2<f32>,
    b: Array2<f32>,
    c: Array2<f32>,
    z: Array2<f32>,
    skip: Array1<f32>,
    bias: Array1<f32>,
}

impl ScanWorkload {
    /// L = 1024, D = N = 16.
    pub fn reference() -> Self {
        let (l, d, n) = (1024, 16, 16);
        let matrix = |label: &str, rows: usize, cols: usize, lo: f32, hi: f32| {
            let values = uniform_vector(&mut rng_for(2, label), rows * cols, lo, hi).to_vec();
            Array2::from_shape_vec((rows, cols), values)
                .unwrap_or_else(|_| Array2::zeros((rows, cols)))
        };
        ScanWorkload {
            u: matrix("scan/u", l, d, -1.0, 1.0),
            delta: matrix("scan/delta", l, d, -4.0, 0.0),
            a: matrix("scan/a", d, n, -20.0, -0.05),
            b: matrix("scan/b", l, n, -1.0, 1.0),
            c: matrix("scan/c", l, n, -1.0, 1.0),
            z: matrix("scan/z", l, d, -2.0, 2.0),
            skip: Array1::ones(d),
            bias: Array1::from_elem(d, -1.0),
        }
    }

    /// The scan's input, borrowing the workload.
    pub fn input(&self) -> SelectiveScanInput<'_> {
        SelectiveScanInput {
            u: self.u.view(),
            delta: self.delta.view(),
            a: self.a.view(),
            b: self.b.view(),
            c: self.c.view(),
            d: Some(self.skip.view()),
            z: Some(self.z.view()),
            delta_bias: Some(self.bias.view()),
            delta_softplus: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::mamba::selective_scan;

    #[test]
    fn reference_scan_has_the_issue_shape_and_runs() {
        let workload = ScanWorkload::reference();
        let out = selective_scan(&workload.input());
        assert_eq!(out.y.dim(), (1024, 16));
        assert_eq!(out.last_state.dim(), (16, 16));
        assert!(out.y.iter().all(|v| v.is_finite()));
        assert!(workload.a.iter().all(|&a| a < 0.0));
    }
}
