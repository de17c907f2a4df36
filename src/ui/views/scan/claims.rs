//! Tests of what the Scan view says at its defaults (issue #19): the sentence, seed and width
//! the app opens with, the Mamba channel source, n = 8 and the tanh scale's default.

#[cfg(test)]
mod tests {
    use crate::core::scan::{scan, sequential_values, tanh_hillis_steele, Algorithm};
    use crate::core::scan_view::{mamba_channel, tanh_inputs, verify, TANH_A, TANH_SCALE};
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

    /// The demo's inputs as the text states them, built here: a_t = 0.9 at every step, and the
    /// channel's b_t times 2 / max |b_t|.
    fn demo_inputs(a: f32, b: &[f32]) -> (Vec<f32>, Vec<f32>) {
        let largest = b.iter().fold(0.0f32, |m, v| m.max(v.abs()));
        (
            vec![a; b.len()],
            b.iter().map(|v| v * 2.0 / largest).collect(),
        )
    }

    fn max_gap(exact: &[f64], pseudo: &[f64]) -> f64 {
        exact
            .iter()
            .zip(pseudo)
            .map(|(e, p)| (e - p).abs())
            .fold(0.0, f64::max)
    }

    /// "The tanh recurrence run through the Hillis–Steele pattern is off" — visibly at the
    /// defaults (more than 0.2, a tenth of the curve's range [−1, 1]), while the same pattern on
    /// the linear recurrence is off only by rounding; the demo's inputs are what the text says
    /// (a_t = 0.9 on every step, b_t rescaled to max |b_t| = 2); with the untrained channel's own
    /// b_t the failure would not show.
    #[test]
    fn claims_tanh_scan_fails_visibly_at_the_defaults() {
        let (_, b) = defaults();
        let (ta, tb) = demo_inputs(0.9, &b);
        let (shown_a, shown_b) = tanh_inputs(TANH_A, &b, TANH_SCALE);
        assert_eq!(shown_a, ta);
        for (s, h) in shown_b.iter().zip(&tb) {
            assert!((s - h).abs() < 1e-6, "{s} vs {h}");
        }
        let (exact, pseudo) = by_hand(&ta, &tb);
        let error = max_gap(&exact, &pseudo);
        assert!(error > 0.2, "by hand: off by only {error}");
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
        let (exact, pseudo) = by_hand(&ta, &b);
        let raw = max_gap(&exact, &pseudo);
        assert!(raw < 1e-3, "{raw}");
    }

    /// "The smaller a_t, the more of h_{t−1} each step forgets and the less the scan's wrong
    /// combines reach the output": at the default b_t, the error grows with a_t over 0.1 … 1,
    /// and at the scan's own a_t (their mean) it is below half the default's.
    #[test]
    fn claims_tanh_error_grows_with_a() {
        let (a, b) = defaults();
        let errors: Vec<f64> = (1..=10)
            .map(|k| {
                let (ta, tb) = demo_inputs(k as f32 / 10.0, &b);
                let (exact, pseudo) = by_hand(&ta, &tb);
                max_gap(&exact, &pseudo)
            })
            .collect();
        for w in errors.windows(2) {
            assert!(w[1] > w[0], "{errors:?}");
        }
        let mean = a.iter().sum::<f32>() / a.len() as f32;
        let (ta, tb) = demo_inputs(mean, &b);
        let (exact, pseudo) = by_hand(&ta, &tb);
        let own = max_gap(&exact, &pseudo);
        assert!(
            own < 0.5 * errors[8],
            "mean a {mean}: {own} vs {}",
            errors[8]
        );
    }

    /// The affine composition (a₁, b₁) ∘ (a₂, b₂) = (a₁a₂, a₂b₁ + b₂), in float64, written here.
    fn compose(e: (f64, f64), l: (f64, f64)) -> (f64, f64) {
        (e.0 * l.0, l.0 * e.1 + l.1)
    }

    /// Intro: "two consecutive maps compose into one, and composition is associative, so the
    /// prefixes can be combined in a tree": on the default inputs every triple associates, and
    /// every algorithm of the menu gives the sequential loop's h_t (float64 loop written here).
    #[test]
    fn intro_composition_is_associative_and_every_tree_gives_the_loop() {
        let (a, b) = defaults();
        let p: Vec<(f64, f64)> = a
            .iter()
            .zip(&b)
            .map(|(&a, &b)| (a.into(), b.into()))
            .collect();
        for w in p.windows(3) {
            let (l, r) = (
                compose(compose(w[0], w[1]), w[2]),
                compose(w[0], compose(w[1], w[2])),
            );
            assert!(
                (l.0 - r.0).abs() < 1e-12 && (l.1 - r.1).abs() < 1e-12,
                "{l:?} {r:?}"
            );
        }
        let mut h = 0.0f64;
        let want: Vec<f64> = p
            .iter()
            .map(|&(a, b)| {
                h = a * h + b;
                h
            })
            .collect();
        for alg in [
            Algorithm::Sequential,
            Algorithm::HillisSteele,
            Algorithm::Blelloch,
            Algorithm::Chunked { block: 4 },
        ] {
            let got = scan(alg, &a, &b, false).h;
            for (g, w) in got.iter().zip(&want) {
                assert!(
                    (f64::from(*g) - w).abs() <= 1e-6 * (1.0 + w.abs()),
                    "{alg:?}: {g} vs {w}"
                );
            }
        }
    }

    /// Intro: "the parallel scans need fewer levels (depth), far fewer as n grows, but not
    /// fewer combines (work)": at the default n = 8 and at n = 64, depth and work from the
    /// formulas written here (n − 1 for the loop; ⌈log₂ n⌉ and n·… for Hillis–Steele;
    /// 2·log₂ m and 2(m − 1) for Blelloch).
    #[test]
    fn intro_fewer_levels_not_fewer_combines() {
        for n in [8usize, 64] {
            let ones = vec![0.5f32; n];
            let seq = scan(Algorithm::Sequential, &ones, &ones, false);
            assert_eq!((seq.combines, seq.depth), (n - 1, n - 1));
            let log2 = (n as f64).log2().ceil() as usize;
            for (alg, depth) in [
                (Algorithm::HillisSteele, log2),
                (Algorithm::Blelloch, 2 * log2),
            ] {
                let run = scan(alg, &ones, &ones, false);
                assert_eq!(run.depth, depth, "{alg:?} at {n}");
                assert!(run.depth < n - 1, "{alg:?} at {n}: fewer levels");
                assert!(run.combines >= n - 1, "{alg:?} at {n}: not fewer combines");
                if n == 64 {
                    // "far fewer as n grows": 6 and 12 levels against 63, a fifth or less.
                    assert!(run.depth * 5 < n - 1, "{alg:?} at {n}: {}", run.depth);
                }
            }
        }
    }

    /// Source note: "channel c (its step Δ_t varies most, lo…hi), state s (A = …);
    /// a_t = exp(Δ_t·A) — a different decay for every token — and b_t = Δ_t·B_t·u_t", at the
    /// defaults, from the Mamba block's own trace.
    #[test]
    fn source_note_states_how_a_and_b_are_made() {
        use crate::core::models::mamba;
        let tokens = tokenize(EXAMPLE_TEXT);
        let x = embed(&tokens.tokens, DEFAULT_D_MODEL, DEFAULT_SEED);
        let ch = mamba_channel(x.view(), DEFAULT_SEED).expect("runs");
        let p = mamba::Params::init(&mamba::Config::default(), DEFAULT_D_MODEL, DEFAULT_SEED)
            .expect("init");
        let tr = mamba::run(&p, x.view()).expect("runs").trace;
        let spread = |d: usize| {
            let col = tr.delta.column(d);
            col.fold(f32::NEG_INFINITY, |m, &v| m.max(v))
                - col.fold(f32::INFINITY, |m, &v| m.min(v))
        };
        for d in 0..tr.delta.ncols() {
            assert!(spread(d) <= spread(ch.channel), "channel {d} varies more");
        }
        let a_cont = f64::from(tr.a[[ch.channel, ch.state]]);
        assert!(a_cont < 0.0);
        for t in 0..ch.a.len() {
            let delta = f64::from(tr.delta[[t, ch.channel]]);
            let a = (delta * a_cont).exp();
            assert!(
                (f64::from(ch.a[t]) - a).abs() < 1e-6,
                "a_{t}: {} vs {a}",
                ch.a[t]
            );
            let b = delta * f64::from(tr.b[[t, ch.state]]) * f64::from(tr.u[[t, ch.channel]]);
            assert!(
                (f64::from(ch.b[t]) - b).abs() <= 1e-6 * (1e-3 + b.abs()),
                "b_{t}"
            );
        }
        // A different decay for every token: no two a_t of the first 8 are equal.
        let a8 = &ch.a[..8];
        for i in 0..8 {
            for j in 0..i {
                assert!((a8[i] - a8[j]).abs() > 1e-7, "a_{i} = a_{j}");
            }
        }
    }

    /// Tanh section: "One step is right" — the first output of the scanned imitation equals the
    /// true recurrence's at the defaults; later ones differ.
    #[test]
    fn tanh_one_step_is_right() {
        let (_, b) = defaults();
        let (ta, tb) = tanh_inputs(TANH_A, &b, TANH_SCALE);
        let c = tanh_hillis_steele(&ta, &tb);
        let first = f64::from(tb[0]).tanh();
        assert!((f64::from(c.exact[0]) - first).abs() < 1e-6);
        assert!((f64::from(c.pseudo.h[0]) - first).abs() < 1e-6);
        assert!(c.abs_error[1..].iter().any(|&e| e > 0.05));
    }
}
