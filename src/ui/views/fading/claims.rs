//! Every sentence of the Fading view that states a fact about the computation, checked at the
//! view's defaults (example sentence, seed 42, d_model 8, every knob at its default) against an
//! independent formula written here. Listed in `docs/claims.md` under "Fading".

use ndarray::Array2;

use super::state::{DEMO_DELTA0, DEMO_MARKS, DEMO_STRENGTH, REFERENCE_DELTA0};
use crate::core::fading::{
    largest_singular_value, mamba_influence_with_delta, memory_from, rnn_gradients, row_curve,
    selective_delta, Gradients, MarkRole, Reach,
};
use crate::core::models::family::{Family, ModelConfig};
use crate::core::models::{cnn, linear_rnn, mamba, rnn, s4d};
use crate::core::tokens::{embed, tokenize};
use crate::ui::state::{DEFAULT_D_MODEL, DEFAULT_SEED, EXAMPLE_TEXT};

fn x() -> Array2<f32> {
    embed(
        &tokenize(EXAMPLE_TEXT).tokens,
        DEFAULT_D_MODEL,
        DEFAULT_SEED,
    )
}

/// Row i = last of the family's influence matrix at its default configuration, by distance.
fn default_curve(family: Family) -> Vec<f32> {
    let x = x();
    let p = ModelConfig::default_for(family)
        .init(DEFAULT_D_MODEL, DEFAULT_SEED)
        .expect("defaults are valid");
    let inf = p.influence(x.view()).expect("influence");
    row_curve(inf.view(), x.nrows() - 1)
}

/// Least-squares fit of ln f(k) = a + b·k over k ≥ 1: (slope b, R²). Written out here, apart
/// from the view's own helpers.
fn log_fit(curve: &[f32]) -> (f64, f64) {
    let pts: Vec<(f64, f64)> = curve
        .iter()
        .enumerate()
        .skip(1)
        .map(|(k, v)| (k as f64, f64::from(*v).ln()))
        .collect();
    let n = pts.len() as f64;
    let mx = pts.iter().map(|p| p.0).sum::<f64>() / n;
    let my = pts.iter().map(|p| p.1).sum::<f64>() / n;
    let sxy: f64 = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let sxx: f64 = pts.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let syy: f64 = pts.iter().map(|p| (p.1 - my).powi(2)).sum();
    (sxy / sxx, sxy * sxy / (sxx * syy))
}

#[test]
fn the_sentence_has_the_length_the_claims_assume() {
    // "The cat that the dog chased ran up the old tree , and the dog waited below ." = 18.
    assert_eq!(x().nrows(), 18);
}

/// Intro: "the CNN is exactly 0 beyond its receptive field"; CNN hint "receptive field 7
/// tokens: influence is exactly 0 from distance 7 on".
#[test]
fn cnn_is_exactly_zero_beyond_its_receptive_field() {
    let c = cnn::Config::default();
    let field = 1 + c.layers * (c.kernel - 1); // stacked causal convs, dilation 1
    assert_eq!(field, 7);
    let curve = default_curve(Family::Cnn);
    assert!(curve[field - 1] > 0.0);
    assert!(curve[field..].iter().all(|&v| v == 0.0), "{curve:?}");
    assert_eq!(crate::core::fading::cnn_cutoff(&c) + 1, field);
}

/// Intro: "attention shows no trend with distance".
#[test]
fn attention_shows_no_trend_with_distance() {
    let curve = default_curve(Family::Transformer);
    let (slope, _) = log_fit(&curve);
    // Less than a factor e^{0.05·16} ≈ 2.2 across the sentence, either way.
    assert!(slope.abs() < 0.05, "slope {slope}");
    let tail = &curve[1..];
    let (lo, hi) = tail
        .iter()
        .fold((f32::MAX, 0.0f32), |(a, b), &v| (a.min(v), b.max(v)));
    assert!(lo >= hi / 100.0, "min {lo} max {hi}");
    // And the read-out says so: never below 1/100 within the sentence.
    assert_eq!(memory_from(&curve, 1).hundredth, Reach::Beyond(17));
}

/// Intro: "the RNN falls geometrically (by a roughly constant factor per token)".
#[test]
fn rnn_falls_geometrically() {
    let curve = default_curve(Family::Rnn);
    let (slope, r2) = log_fit(&curve);
    assert!(slope.exp() < 0.8, "factor per token {}", slope.exp());
    assert!(r2 > 0.9, "R² {r2}");
}

/// Intro: "the linear recurrences fall at the rate their decay sets (r per token for the
/// linear RNN's state)".
#[test]
fn linear_rnn_state_falls_by_r_per_token() {
    let x = x();
    let c = linear_rnn::Config::default();
    let p = linear_rnn::Params::init(&c, DEFAULT_D_MODEL, DEFAULT_SEED).expect("valid");
    let state = linear_rnn::state_influence(&p, x.view()).expect("ok");
    let row = row_curve(state.view(), x.nrows() - 1);
    for (k, v) in row.iter().enumerate() {
        let want = f64::from(c.r).powi(k as i32);
        let got = f64::from(v / row[0]);
        assert!(
            (got - want).abs() <= 1e-4 * want,
            "k = {k}: {got} vs {want}"
        );
    }
}

/// Same sentence for S4D: far from the output its curve falls by e^{Δ·max Re A} per token,
/// the decay of its slowest mode.
#[test]
fn s4d_falls_at_its_slowest_decay() {
    let c = s4d::Config::default();
    let p = s4d::Params::init(&c, DEFAULT_D_MODEL, DEFAULT_SEED).expect("valid");
    let slowest = p.a.iter().map(|a| a.re).fold(f32::MIN, f32::max);
    let want = (c.delta * slowest).exp();
    let curve = default_curve(Family::S4d);
    let n = curve.len();
    let got = curve[n - 1] / curve[n - 2];
    assert!((got - want).abs() < 0.03 * want, "{got} vs {want}");
}

/// Memory table: "what reaches i from other positions — the farthest distance where the
/// influence is still ≥ ½ of its maximum over distances ≥ 1". Recomputed here by hand: the
/// last k ≥ 1 at or above half the maximum over k ≥ 1, for every family.
#[test]
fn memory_readouts_measure_other_positions() {
    for family in Family::ALL {
        let curve = default_curve(family);
        let max = curve[1..].iter().copied().fold(0.0f32, f32::max);
        let last = (1..curve.len())
            .rev()
            .find(|&k| curve[k] >= 0.5 * max)
            .unwrap();
        match memory_from(&curve, 1).half {
            Reach::Within(v) => assert_eq!(v.floor() as usize, last, "{family:?}"),
            Reach::Beyond(n) => assert_eq!(n, last, "{family:?}"),
            Reach::Undefined => panic!("{family:?}: no read-out"),
        }
    }
    // The transformer no longer "remembers ≈ 0.2 tokens" (its skip path at k = 0).
    let t = default_curve(Family::Transformer);
    assert!(matches!(memory_from(&t, 1).half, Reach::Within(v) if v > 5.0));
}

/// Mamba note: "at its reference initialisation … beyond distance 3 its influence is below
/// 1/100 of its maximum"; Δ between 0.001 and 0.1.
#[test]
fn mamba_at_reference_init_copies_through_its_conv() {
    let curve = default_curve(Family::Mamba);
    let k = mamba::Config::default().d_conv;
    assert_eq!(k, 4);
    let max = curve[1..].iter().copied().fold(0.0f32, f32::max);
    assert!(curve[1..k].contains(&max), "maximum inside the conv window");
    assert!(curve[k..].iter().all(|&v| v < max / 100.0), "{curve:?}");
    assert!(matches!(memory_from(&curve, 1).hundredth, Reach::Within(v) if v < k as f32));
    let p = mamba::Params::init(&mamba::Config::default(), DEFAULT_D_MODEL, DEFAULT_SEED)
        .expect("valid");
    for b in &p.dt_proj_bias {
        let dt = (1.0 + b.exp()).ln(); // softplus
        assert!((0.0009..=0.1001).contains(&dt), "Δ = {dt}");
    }
}

/// The selectivity demo's two curves at output `i = last` for `marks` and Δ₀.
fn demo_curves(marks: &[usize], delta0: f32) -> (Vec<f32>, Vec<f32>) {
    let x = x();
    let l = x.nrows();
    let marked: Vec<bool> = (0..l).map(|t| marks.contains(&t)).collect();
    let delta = selective_delta(&marked, delta0, DEMO_STRENGTH as f32, MarkRole::Write);
    let mp = mamba::Params::init(&mamba::Config::default(), DEFAULT_D_MODEL, DEFAULT_SEED)
        .expect("valid");
    let m =
        mamba_influence_with_delta(&mp, x.view(), ndarray::Array1::from(delta).view()).expect("ok");
    let sc = s4d::Config {
        delta: delta0,
        ..Default::default()
    };
    let sp = s4d::Params::init(&sc, DEFAULT_D_MODEL, DEFAULT_SEED).expect("valid");
    let s = s4d::influence(&sp, x.view()).expect("ok");
    (row_curve(m.view(), l - 1), row_curve(s.view(), l - 1))
}

/// Demo: "At Δ₀ = 1 (the start) the marked token outlives S4D's by orders of magnitude. At
/// Mamba's own initial scale … S4D keeps the token better"; caption "far above S4D's line".
#[test]
fn selectivity_demo_marked_token_outlives_s4d_at_the_default() {
    let l = x().nrows();
    let at = l - 1 - DEMO_MARKS[0];
    assert!(at >= 10, "the marked token is far: distance {at}");
    let (mamba, s4d) = demo_curves(&DEMO_MARKS, DEMO_DELTA0 as f32);
    assert!(mamba[at] > 100.0 * s4d[at], "{} vs {}", mamba[at], s4d[at]);
    let (mamba, s4d) = demo_curves(&DEMO_MARKS, REFERENCE_DELTA0 as f32);
    assert!(mamba[at] < s4d[at], "{} vs {}", mamba[at], s4d[at]);
}

/// Caption: "a marked token … stands out as a peak at its distance"; "the 3 tokens before a
/// marked one share its peak"; "a later large Δ erases what an earlier one wrote".
#[test]
fn selectivity_demo_peak_shared_by_the_conv_window_and_erased_later() {
    let l = x().nrows();
    let d0 = DEMO_DELTA0 as f32;
    // Token 8 marked: tokens 5, 6, 7 share its peak; tokens outside both conv windows
    // (the output's, distances 0..=3, and token 8's) stay below it.
    let (curve, _) = demo_curves(&[8], d0);
    let peak = curve[l - 1 - 8];
    let window: Vec<f32> = (5..8).map(|t| curve[l - 1 - t]).collect();
    assert!(
        window.iter().all(|&v| v > peak / 20.0),
        "{peak} vs {window:?}"
    );
    let outside = (0..5)
        .chain(9..l - 4)
        .map(|t| curve[l - 1 - t])
        .fold(0.0f32, f32::max);
    assert!(peak > 2.0 * outside, "{peak} vs {outside}");
    // Token 1 alone, then token 1 and a later token 8: the later write erases token 1.
    let (alone, _) = demo_curves(&[1], d0);
    let (both, _) = demo_curves(&[1, 8], d0);
    assert!(
        both[l - 2] < alone[l - 2] / 100.0,
        "{} vs {}",
        both[l - 2],
        alone[l - 2]
    );
}

/// RNN hint: the words follow σ_max(W) and ρ(W); σ_max is checked against √λ_max(WᵀW)
/// computed by another algorithm (the QR eigenvalues of `rnn::spectral_radius`).
#[test]
fn rnn_hint_states_sigma_max_truthfully() {
    let p =
        rnn::Params::init(&rnn::Config::default(), DEFAULT_D_MODEL, DEFAULT_SEED).expect("valid");
    let sigma = largest_singular_value(p.w.view());
    let gram = p.w.t().dot(&p.w);
    let want = rnn::spectral_radius(gram.view()).sqrt();
    assert!((sigma - want).abs() < 1e-4 * want, "{sigma} vs {want}");
    // At ρ = 0.9 a random W has σ_max > 1: vanishing is not guaranteed, the hint says so.
    assert!(sigma > 1.0);
    assert_eq!(rnn_gradients(sigma, 0.9), Gradients::NoGuarantee);
}

/// Vanishing demo legend: "below 1 the influence must vanish (|tanh′| ≤ 1)": with σ_max(W) < 1,
/// I[i, j] ≤ σ_max(V)·σ_max(W)^{i−j}·‖U‖_F (Pascanu et al. 2013), and ρ = 0.5 falls below
/// 1/100 of its distance-1 value across the sentence.
#[test]
fn rnn_with_sigma_below_one_vanishes_within_the_bound() {
    let x = x();
    let l = x.nrows();
    for rho in [0.5f32, 0.3] {
        let cfg = rnn::Config {
            spectral_radius: rho,
            ..Default::default()
        };
        let p = rnn::Params::init(&cfg, DEFAULT_D_MODEL, DEFAULT_SEED).expect("valid");
        let sigma = f64::from(largest_singular_value(p.w.view()));
        let curve = row_curve(rnn::influence(&p, x.view()).expect("ok").view(), l - 1);
        if rho == 0.5 {
            assert!(curve[l - 1] < curve[1] / 100.0);
        }
        if sigma >= 1.0 {
            continue;
        }
        let v_norm = f64::from(largest_singular_value(p.v.view()));
        let u_frob = p.u.iter().map(|v| f64::from(v * v)).sum::<f64>().sqrt();
        for (k, v) in curve.iter().enumerate() {
            let bound = v_norm * sigma.powi(k as i32) * u_frob;
            assert!(
                f64::from(*v) <= bound * (1.0 + 1e-4),
                "ρ {rho} k {k}: {v} > {bound}"
            );
        }
    }
}
