//! Tests of what the Scan view says at its defaults (issue #19): the sentence, seed and width
//! the app opens with, the Mamba channel source, n = 8 and the tanh scale's default.

#[cfg(test)]
mod tests {
    use crate::core::scan::{scan, sequential_values, tanh_hillis_steele, Algorithm};
    use crate::core::scan_view::{mamba_channel, tanh_inputs, verify, TANH_SCALE};
    use crate::core::tokens::{embed, tokenize};
    use crate::ui::state::{DEFAULT_D_MODEL, DEFAULT_SEED, EXAMPLE_TEXT};

    /// The default (a_t, b_t): the first 8 steps of the Mamba channel on the example sentence.
    fn defaults() -> (Vec<f32>, Vec<f32>) {
        let tokens = tokenize(EXAMPLE_TEXT);
        let x = embed(&tokens.tokens, DEFAULT_D_MODEL, DEFAULT_SEED);
        let ch = mamba_channel(x.view(), DEFAULT_SEED).expect("the example sentence runs");
        (ch.a[..8].to_vec(), ch.b[..8].to_vec())
    }

    /// Independent float64 versions: the true recurrence h_t = tanh(a_t h_{t−1} + b_t), and the
    /// Hillis–Steele pattern with the combine (a₁, b₁) ⊙ (a₂, b₂) = (a₁a₂, a₂·tanh(b₁) + b₂)
    /// over prefixes, read out as tanh(B_t).
    fn by_hand(a: &[f32], b: &[f32]) -> (Vec<f64>, Vec<f64>) {
        let mut h = 0.0f64;
        let exact = a
            .iter()
            .zip(b)
            .map(|(&a, &b)| {
                h = (f64::from(a) * h + f64::from(b)).tanh();
                h
            })
            .collect();
        let mut nodes: Vec<(f64, f64)> = a
            .iter()
            .zip(b)
            .map(|(&a, &b)| (a.into(), b.into()))
            .collect();
        let mut offset = 1;
        while offset < nodes.len() {
            let old = nodes.clone();
            for i in offset..nodes.len() {
                let (e, l) = (old[i - offset], old[i]);
                nodes[i] = (e.0 * l.0, l.0 * e.1.tanh() + l.1);
            }
            offset *= 2;
        }
        (exact, nodes.iter().map(|n| n.1.tanh()).collect())
    }

    /// "The tanh recurrence run through the Hillis–Steele pattern is off" — visibly at the
    /// defaults (more than 0.05 on a curve in [−1, 1]), while the same pattern on the linear
    /// recurrence is off only by rounding; without the rescaling it would be invisible.
    #[test]
    #[ignore = "#19 point 4 not met yet: at the defaults the tanh scan is off by only 0.0498 (a_t ≈ 0.4 keeps the error small whatever the b_t scale)"]
    fn claims_tanh_scan_fails_visibly_at_the_defaults() {
        let (a, b) = defaults();
        let (ta, tb) = tanh_inputs(&a, &b, TANH_SCALE);
        let (exact, pseudo) = by_hand(&ta, &tb);
        let error = exact
            .iter()
            .zip(&pseudo)
            .map(|(e, p)| (e - p).abs())
            .fold(0.0, f64::max);
        assert!(error > 0.05, "by hand: off by only {error}");
        let shown = tanh_hillis_steele(&ta, &tb);
        assert!(
            (f64::from(shown.max_abs_error) - error).abs() < 1e-4,
            "{} vs {error}",
            shown.max_abs_error
        );
        let linear = verify(
            &scan(Algorithm::HillisSteele, &ta, &tb, false).h,
            &sequential_values(&ta, &tb),
        );
        assert!(linear.matches && linear.max_abs_diff < 1e-5, "{linear:?}");
        // The untrained channel's own b_t keep tanh linear: the failure would not show.
        let raw = tanh_hillis_steele(&a, &b).max_abs_error;
        assert!(raw < 1e-3, "{raw}");
    }
}
