//! The live numbers of the tour's "notice this" lines.
//!
//! Each chapter of the tour configures a view through link parameters and points at one
//! number the view's figure shows. The tour computes that number here, from the same core
//! functions the view draws from, with the view's current settings — never from a constant —
//! so the sentence stays true if a default changes. Two lines read the figure's own results
//! instead (the RNN's half-life on Fading's curve, the selectivity demo's ratio); for the
//! latter, [`selection_ratio`] is the native check of the claim. The UI words the numbers in
//! both languages.

use ndarray::ArrayView2;

use crate::cost::D_MODEL;
use crate::error::CoreResult;
use crate::fading::{mamba_influence_with_delta, selective_delta, MarkRole};
use crate::learn::tasks::{Task, DATA_SYMBOLS};
use crate::models::family::{Family, ModelConfig};
use crate::models::{cnn, mamba, s4d};
use crate::scan::{self, Algorithm};
use crate::ssm::{DiagSystem, Method};

/// How many tokens the last output of a CNN sees: its receptive field
/// `1 + Σ_ℓ (k − 1)·dil_ℓ` ([`cnn::receptive_field`]), capped at the sentence length `n`.
pub fn cnn_window(layers: usize, kernel: usize, dilated: bool, n: usize) -> usize {
    let config = cnn::Config {
        layers,
        kernel,
        dilation: if dilated {
            cnn::Dilation::Exponential
        } else {
            cnn::Dilation::Fixed
        },
        ..Default::default()
    };
    cnn::receptive_field(&config).min(n)
}

/// Attention scores one causal head computes in one layer over `n` tokens: query i scores
/// keys 0..=i, so `1 + 2 + … + n`.
pub fn causal_scores(n: usize) -> usize {
    n * (n + 1) / 2
}

/// Distance over which `c·r^k` halves: `ln ½ / ln r` (`None` unless 0 < r < 1).
pub fn halving_distance(r: f64) -> Option<f64> {
    (r > 0.0 && r < 1.0).then(|| 0.5f64.ln() / r.ln())
}

/// Sequential steps of the Flow view's RNN chain over `n` tokens (the diagram's steps).
pub fn chain_steps(n: usize) -> usize {
    crate::flow::chain_diagram(n).steps.len()
}

/// Combine operations (work) and levels (depth) of one scan algorithm over `n` steps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScanCounts {
    pub work: usize,
    pub depth: usize,
}

/// The counts of `algorithm` over `n` steps, from running the Scan view's own scan.
pub fn scan_counts(algorithm: Algorithm, n: usize) -> ScanCounts {
    let (a, b) = (vec![0.5f32; n], vec![1.0f32; n]);
    let run = scan::scan(algorithm, &a, &b, false);
    ScanCounts {
        work: run.combines,
        depth: run.depth,
    }
}

/// The discretization figure's stability numbers at step `delta` for the SSM view's default
/// system (two real decays): the largest |Ā| under zero-order hold and under Euler, and the
/// largest Δ at which Euler is still stable.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stability {
    pub zoh_gain: f64,
    pub euler_gain: f64,
    pub euler_threshold: f64,
}

/// [`Stability`] of `system` (the SSM view's chosen A) at `delta`.
pub fn discretization_stability(system: &DiagSystem, delta: f64) -> Stability {
    let gain = |method: Method| {
        system
            .a
            .iter()
            .zip(&system.b)
            .map(|(a, b)| method.discretize(*a, *b, delta).0.norm())
            .fold(0.0, f64::max)
    };
    Stability {
        zoh_gain: gain(Method::Zoh),
        euler_gain: gain(Method::Euler),
        euler_threshold: system.euler_threshold(),
    }
}

/// The Δ the selectivity demo gives a marked token and an unmarked one (role "write"):
/// `(Δ₀·e^{s}, Δ₀·e^{−s})`, from the demo's own rule.
pub fn selection_deltas(base: f32, strength: f32) -> (f32, f32) {
    let d = selective_delta(&[true, false], base, strength, MarkRole::Write);
    (d[0], d[1])
}

/// How many times more strongly the marked token (position `marked`) reaches the last output
/// through Mamba with the selectivity demo's Δ rule (marked: `Δ₀·e^{s}`, others `Δ₀·e^{−s}`,
/// role "write") than through S4D with `Δ₀` for every token — the two curves of the demo, read
/// at the marked token's distance. `None` when S4D's value there is 0 or not finite.
pub fn selection_ratio(
    x: ArrayView2<f32>,
    seed: u64,
    base: f32,
    strength: f32,
    marked: usize,
) -> CoreResult<Option<f64>> {
    let (len, d) = x.dim();
    if marked >= len {
        return Ok(None);
    }
    let marks: Vec<bool> = (0..len).map(|t| t == marked).collect();
    let delta = ndarray::Array1::from(selective_delta(&marks, base, strength, MarkRole::Write));
    let config = mamba::Config {
        delta_bias_shift: 0.0,
        selectivity: 1.0,
        ..Default::default()
    };
    let mamba =
        mamba_influence_with_delta(&mamba::Params::init(&config, d, seed)?, x, delta.view())?;
    let s4d = ModelConfig::S4d(s4d::Config {
        delta: base,
        ..Default::default()
    })
    .init(d, seed)?
    .influence(x)?;
    let last = len - 1;
    let (m, s) = (
        f64::from(mamba[[last, marked]]),
        f64::from(s4d[[last, marked]]),
    );
    Ok((s > 0.0 && s.is_finite() && m.is_finite()).then(|| m / s))
}

/// Fraction of the state `e^{Δ·a}` keeps over one step with decay rate `a < 0`.
pub fn kept_per_step(delta: f64, a: f64) -> f64 {
    (delta * a).exp()
}

/// Length of one Learn example and the chance accuracy (one of the data symbols).
pub fn learn_example(task: Task, knob: usize) -> (usize, f64) {
    (task.len(knob), 1.0 / DATA_SYMBOLS as f64)
}

/// Numbers kept to generate the next token after `n` tokens (the Cost view's memory metric),
/// for `family` at its defaults and the Cost view's width.
pub fn memory_per_token(family: Family, n: usize) -> u64 {
    ModelConfig::default_for(family)
        .cost(D_MODEL, n)
        .memory_floats_per_token
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_abs_diff_eq;

    #[test]
    fn cnn_window_is_layers_times_kernel_minus_one_plus_one() {
        for (layers, kernel) in [(1, 3), (3, 3), (4, 5), (8, 2)] {
            assert_eq!(
                cnn_window(layers, kernel, false, 64),
                layers * (kernel - 1) + 1
            );
        }
        // Dilated: (k − 1)(1 + 2 + … + 2^{L−1}) + 1 = (k − 1)(2^L − 1) + 1.
        assert_eq!(cnn_window(3, 3, true, 64), 2 * 7 + 1);
        assert_eq!(cnn_window(8, 5, false, 17), 17, "capped at the sentence");
    }

    #[test]
    fn causal_scores_count_the_lower_triangle() {
        for n in [1usize, 2, 17, 64] {
            let counted = (0..n).flat_map(|i| (0..=i).map(move |j| (i, j))).count();
            assert_eq!(causal_scores(n), counted);
        }
    }

    #[test]
    fn the_chain_takes_one_step_per_token() {
        for n in [1usize, 2, 17, 64] {
            assert_eq!(chain_steps(n), n);
        }
    }

    #[test]
    fn halving_distance_halves_a_geometric_curve() {
        let k = halving_distance(0.9).unwrap();
        assert_abs_diff_eq!(0.9f64.powf(k), 0.5, epsilon = 1e-12);
        assert_abs_diff_eq!(k, 6.578813478960585, epsilon = 1e-9);
        assert_eq!(halving_distance(1.0), None);
        assert_eq!(halving_distance(0.0), None);
    }

    #[test]
    fn scan_counts_match_the_textbook_formulas() {
        for n in [2usize, 5, 8, 16, 33] {
            let log = (n as f64).log2().ceil() as usize;
            let hs: usize = (0..log).map(|d| n - (1 << d)).sum();
            assert_eq!(
                scan_counts(Algorithm::HillisSteele, n),
                ScanCounts {
                    work: hs,
                    depth: log
                }
            );
            let m = 1usize << log;
            assert_eq!(
                scan_counts(Algorithm::Blelloch, n),
                ScanCounts {
                    work: 2 * (m - 1),
                    depth: 2 * log
                }
            );
            assert_eq!(
                scan_counts(Algorithm::Sequential, n),
                ScanCounts {
                    work: n - 1,
                    depth: n - 1
                }
            );
        }
        // The correction the tour makes: n log n is Hillis–Steele's work, Blelloch's is O(n).
        let n = 1024usize;
        assert_eq!(
            scan_counts(Algorithm::HillisSteele, n).work,
            n * 10 - (n - 1)
        );
        assert_eq!(scan_counts(Algorithm::Blelloch, n).work, 2 * (n - 1));
    }

    #[test]
    fn stability_of_the_real_pair() {
        // A = −0.5 and −3: ZOH |Ā| = e^{−0.5Δ}; Euler |1 − 3Δ| (the fast state) or 1 − 0.5Δ.
        let real = DiagSystem::real_pair();
        let s = discretization_stability(&real, 0.8);
        assert_abs_diff_eq!(s.zoh_gain, (-0.4f64).exp(), epsilon = 1e-12);
        assert_abs_diff_eq!(s.euler_gain, 1.4, epsilon = 1e-12);
        assert_abs_diff_eq!(s.euler_threshold, 2.0 / 3.0, epsilon = 1e-12);
        let s = discretization_stability(&real, 0.3);
        assert_abs_diff_eq!(s.euler_gain, 0.85, epsilon = 1e-12);
    }

    #[test]
    fn stability_of_the_oscillating_system() {
        // A = −0.4 ± 3i (one stored state) and −1: ZOH |Ā| = e^{Re(a)·Δ}, largest e^{−0.4Δ};
        // Euler |1 + Δa|, at Δ = 0.8 largest for the complex pole: √((1 − 0.32)² + 2.4²);
        // Euler is stable while |1 + Δa| < 1, i.e. Δ < −2·Re(a)/|a|² = 0.8/9.16 for it.
        let s = discretization_stability(&DiagSystem::oscillating(), 0.8);
        assert_abs_diff_eq!(s.zoh_gain, (-0.32f64).exp(), epsilon = 1e-12);
        assert_abs_diff_eq!(
            s.euler_gain,
            (0.68f64.powi(2) + 2.4f64.powi(2)).sqrt(),
            epsilon = 1e-12
        );
        assert_abs_diff_eq!(s.euler_threshold, 0.8 / 9.16, epsilon = 1e-12);
    }

    #[test]
    fn selection_deltas_follow_the_rule() {
        let (large, small) = selection_deltas(0.1, 3.0);
        assert_abs_diff_eq!(large, 0.1 * 3f32.exp(), epsilon = 1e-5);
        assert_abs_diff_eq!(small, 0.1 * (-3f32).exp(), epsilon = 1e-7);
        assert_abs_diff_eq!(
            kept_per_step(2.0, -1.0),
            0.1353352832366127,
            epsilon = 1e-12
        );
    }

    #[test]
    fn selection_keeps_the_marked_token_better_than_no_selection() {
        let x = ndarray::Array2::from_shape_fn((18, 8), |(t, c)| ((t * 7 + c * 3) as f32).sin());
        let with = selection_ratio(x.view(), 42, 1.0, 3.0, 1).unwrap().unwrap();
        let without = selection_ratio(x.view(), 42, 1.0, 0.0, 1).unwrap().unwrap();
        assert!(with > 10.0 * without, "{with} vs {without}");
        assert!(with > 1.0, "{with}");
    }

    #[test]
    fn learn_example_length_and_chance() {
        assert_eq!(learn_example(Task::SelectiveCopy, 16), (16 + 1 + 4, 0.125));
        assert_eq!(learn_example(Task::AssociativeRecall, 4).0, 9);
    }

    #[test]
    fn memory_per_token_grows_only_for_attention() {
        let t = |n| memory_per_token(Family::Transformer, n);
        // A KV cache: keys and values of every earlier token, so doubling n doubles it.
        assert_eq!(t(8192), 2 * t(4096));
        for f in [Family::Rnn, Family::LinearRnn, Family::S4d, Family::Mamba] {
            assert_eq!(memory_per_token(f, 64), memory_per_token(f, 4096), "{f:?}");
        }
        assert!(t(4096) > memory_per_token(Family::Mamba, 4096));
    }
}
