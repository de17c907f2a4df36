//! Tests of what the SSM view says at its defaults (issue #19): the sentence, seed 42,
//! d_model 8, and each panel's own defaults (`SsmState`: real pair, Δ = 0.3; LegS, N = 8,
//! t = 100 %; S4D-Lin, 16 states, kernel of length 64). Listed in `docs/claims.md`, "## SSM".

use num_complex::Complex64;

use crate::core::ssm::{self, Measure};
use crate::core::tokens::{embed, tokenize};
use crate::ui::state::{DEFAULT_D_MODEL, DEFAULT_SEED, EXAMPLE_TEXT};

/// ⌈log₂ m⌉, written here.
fn log2(m: usize) -> usize {
    let mut d = 0;
    while (1usize << d) < m {
        d += 1;
    }
    d
}

/// Kernel table and its note: "each multiply or exponential of one entry is one level, a sum of
/// P terms ⌈log₂ P⌉ levels … The recurrence needs L levels for Ā^k one power after another; the
/// Vandermonde product needs 2": at the default 16 states of S4D-Lin (8 stored, one per
/// conjugate pair) and L = 64, 64 + 3 and 2 + 3 levels.
#[test]
fn kernel_table_depths_follow_the_note() {
    let stored = 16 / 2;
    let len = 64;
    assert_eq!(ssm::recurrence_cost(stored, len).depth, len + log2(stored));
    assert_eq!(ssm::vandermonde_cost(stored, len).depth, 2 + log2(stored));
    for p in [1usize, 2, 5, 32] {
        assert_eq!(ssm::recurrence_cost(p, len).depth, len + log2(p));
        assert_eq!(ssm::vandermonde_cost(p, len).depth, 2 + log2(p));
    }
}

/// Discretization note at the defaults (real pair −0.5 and −3, Δ = 0.3): "Euler is stable only
/// while Δ < 2|Re A|/|A|² … here Δ < 0.667 — the current Δ = 0.3 is below it: every rule is
/// stable": the gains |Ā| of ZOH (e^{ΔA}), bilinear ((1 + ΔA/2)/(1 − ΔA/2)) and Euler (1 + ΔA),
/// written here, are below 1 for both eigenvalues; at Δ = 0.7 Euler's is above 1.
#[test]
fn every_rule_is_stable_at_the_default_delta() {
    let system = ssm::DiagSystem::real_pair();
    let threshold = system.euler_threshold();
    assert!((threshold - 2.0 / 3.0).abs() < 1e-12, "{threshold}");
    for a in [-0.5f64, -3.0] {
        let d = 0.3;
        let gains = [
            (d * a).exp(),
            (1.0 + d * a / 2.0) / (1.0 - d * a / 2.0),
            1.0 + d * a,
        ];
        assert!(gains.iter().all(|g| g.abs() < 1.0), "{a}: {gains:?}");
    }
    assert!((1.0 + 0.7 * -3.0f64).abs() > 1.0);
    assert_eq!(
        system.a,
        vec![Complex64::new(-0.5, 0.0), Complex64::new(-3.0, 0.0)]
    );
}

/// HiPPO intro and caption: "Rebuild the history from the state alone and compare: a larger N
/// keeps more detail" — at the defaults (the sentence's first embedding dimension, LegS, the
/// whole signal), the RMS error of the rebuilt history falls from N = 1 to 2, 4, 8 (the
/// default) and 64 keeps less error than 8.
#[test]
fn hippo_larger_n_keeps_more_detail_at_the_defaults() {
    let signal = default_signal();
    let t = signal.len();
    let error = |n: usize| {
        let states = ssm::hippo_states(Measure::LegS, n, &signal).expect("states");
        ssm::reconstruct(Measure::LegS, n, &states, &signal, t)
            .expect("rebuilt")
            .rms_error
    };
    let errors: Vec<f64> = [1, 2, 4, 8].iter().map(|&n| error(n)).collect();
    for w in errors.windows(2) {
        assert!(w[1] < w[0], "{errors:?}");
    }
    assert!(error(64) < errors[3], "{} vs {}", error(64), errors[3]);
}

/// The sentence's first embedding dimension, interpolated as the HiPPO panel shows it.
fn default_signal() -> Vec<f64> {
    let x = embed(
        &tokenize(EXAMPLE_TEXT).tokens,
        DEFAULT_D_MODEL,
        DEFAULT_SEED,
    );
    let first: Vec<f64> = x.column(0).iter().map(|&v| f64::from(v)).collect();
    ssm::interpolate_tokens(&first)
}

/// Legendre polynomials P_0..P_{n−1} at z, from the explicit sums
/// P_k(z) = 2^{−k} Σ_m (−1)^m C(k, m) C(2k − 2m, k) z^{k − 2m} (not Bonnet's recurrence, which
/// the core uses).
fn legendre_by_sum(n: usize, z: f64) -> Vec<f64> {
    let choose = |a: usize, b: usize| -> f64 {
        (0..b).fold(1.0, |acc, i| acc * (a - i) as f64 / (i + 1) as f64)
    };
    (0..n)
        .map(|k| {
            let sum: f64 = (0..=k / 2)
                .map(|m| {
                    let sign = if m % 2 == 0 { 1.0 } else { -1.0 };
                    sign * choose(k, m) * choose(2 * k - 2 * m, k) * z.powi((k - 2 * m) as i32)
                })
                .sum();
            sum / 2f64.powi(k as i32)
        })
        .collect()
}

/// HiPPO intro: "HiPPO chooses A and B so that the N numbers of the state are, at every moment,
/// the coefficients of the input history in a basis of Legendre polynomials. LegS keeps the
/// whole history [0, t]" — at the defaults (the sentence, LegS, N = 8), at a quarter, half and
/// all of the signal, the state equals the projection c_k = (1/t)∫₀ᵗ f(s)·√(2k+1)·P_k(2s/t − 1) ds
/// of the history (each sample held for one unit of time), integrated here by the midpoint rule.
#[test]
fn hippo_state_is_the_legendre_coefficients_of_the_whole_history() {
    let signal = default_signal();
    let n = 8;
    let states = ssm::hippo_states(Measure::LegS, n, &signal).expect("states");
    let len = signal.len();
    for t in [len / 4, len / 2, len] {
        let tf = t as f64;
        let sub = 64;
        let mut projection = vec![0.0; n];
        for (j, &f) in signal.iter().take(t).enumerate() {
            for q in 0..sub {
                let s = j as f64 + (q as f64 + 0.5) / sub as f64;
                let p = legendre_by_sum(n, 2.0 * s / tf - 1.0);
                for k in 0..n {
                    projection[k] += f * ((2 * k + 1) as f64).sqrt() * p[k] / (sub as f64 * tf);
                }
            }
        }
        let state = &states[(t - 1) * n..t * n];
        let scale = projection.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        for k in 0..n {
            assert!(
                (state[k] - projection[k]).abs() < 0.02 * scale,
                "t = {t}, k = {k}: state {} vs projection {}",
                state[k],
                projection[k]
            );
        }
    }
}

/// HiPPO intro: LegS's "resolution fades as t grows": the N = 8 numbers cover [0, t], so one
/// held sample (a one-unit pulse in the middle of the history) is rebuilt as a bump whose width
/// at half its height grows with t (t = 20, 80, 320: roughly in proportion).
#[test]
fn legs_resolution_fades_as_t_grows() {
    let n = 8;
    let width = |t: usize| {
        let mut signal = vec![0.0; t];
        signal[t / 2] = 1.0;
        let states = ssm::hippo_states(Measure::LegS, n, &signal).expect("states");
        let r = ssm::reconstruct(Measure::LegS, n, &states, &signal, t).expect("rebuilt");
        let peak = r.rebuilt.iter().fold(f64::MIN, |m, &v| m.max(v));
        r.rebuilt.iter().filter(|&&v| v >= 0.5 * peak).count()
    };
    let widths = [width(20), width(80), width(320)];
    assert!(
        widths[0] < widths[1] && 2 * widths[1] < widths[2],
        "half-height widths {widths:?}"
    );
}

/// HiPPO intro: "LegT keeps a sliding window [t − θ, t]": at the default window θ = 8 tokens
/// (128 samples), a change of the input inside the window moves the state at t far more (over
/// 100×) than the same change two windows back, which LegT has let go. The sentence is shorter
/// than three windows, so the signal here is the sentence's first dimension repeated.
#[test]
fn legt_keeps_a_sliding_window() {
    let sentence = default_signal();
    let signal: Vec<f64> = sentence.iter().cycle().take(4 * 128).copied().collect();
    let theta = 8.0 * ssm::SAMPLES_PER_TOKEN as f64;
    let measure = Measure::LegT { theta };
    let n = 8;
    let t = signal.len();
    let base = ssm::hippo_states(measure, n, &signal).expect("states");
    let moved = |at: usize| {
        let mut s = signal.clone();
        s[at] += 1.0;
        let st = ssm::hippo_states(measure, n, &s).expect("states");
        (0..n)
            .map(|k| (st[(t - 1) * n + k] - base[(t - 1) * n + k]).powi(2))
            .sum::<f64>()
            .sqrt()
    };
    let window = theta as usize;
    let inside = moved(t - window / 2);
    let long_before = moved(t - 2 * window);
    assert!(
        long_before * 100.0 < inside,
        "inside the window {inside}, two windows back {long_before}"
    );
}

/// Structure intro: "Both give the same kernel (A, B, C from the S4D model of the other views,
/// channel 0)": at the panel's defaults (16 states, Δ = 0.1) and for both initialisations, the
/// panel's system holds channel 0 of the S4D model the other views build (width 8, seed 42), and
/// its kernel is that model's channel-0 kernel.
#[test]
fn structure_system_is_channel_zero_of_the_s4d_model() {
    use crate::core::models::s4d;
    for variant in [s4d::Variant::Lin, s4d::Variant::Real] {
        let config = s4d::Config {
            variant,
            states: 16,
            delta: 0.1,
            form: s4d::Form::Recurrence,
        };
        let system = ssm::S4dSystem::from_model(&config, DEFAULT_SEED).expect("system");
        let model = s4d::Params::init(&config, DEFAULT_D_MODEL, DEFAULT_SEED).expect("model");
        let widen = |v: &num_complex::Complex32| Complex64::new(f64::from(v.re), f64::from(v.im));
        let row = |m: &ndarray::Array2<num_complex::Complex32>| -> Vec<Complex64> {
            m.row(0).iter().map(widen).collect()
        };
        assert_eq!(system.a, row(&model.a), "{variant:?}: A");
        assert_eq!(system.b, row(&model.b), "{variant:?}: B");
        assert_eq!(system.c, row(&model.c), "{variant:?}: C");
        let panel = ssm::kernel_recurrence(&system, 64);
        let kernel = s4d::kernel(&model, 64);
        for (k, v) in panel.iter().enumerate() {
            let own = f64::from(kernel[[k, 0]]);
            assert!(
                (v - own).abs() < 1e-4 * (1.0 + own.abs()),
                "{variant:?}, k = {k}: panel {v}, model {own}"
            );
        }
    }
}
