//! Data preparation for the Scan view: where the `(a_t, b_t)` come from, parsing of edited
//! values, the picture of one scan level, verification against the sequential recurrence, and
//! the work/depth curves. Pure functions over [`crate::scan`], tested natively.
//!
//! Source of the sentence's coefficients: one real channel of a Mamba block run on the typed
//! sentence (Gu & Dao 2023, Eqn (2a)): `h_t = Ā_t h_{t−1} + Δ_t B_t u_t` with
//! `Ā_t = exp(Δ_t A)`. For channel `d` and state index `k`, that is the scalar recurrence
//! `h_t = a_t h_{t−1} + b_t` with `a_t = Ā_t[d, k]` and `b_t = Δ_t[d]·B_t[k]·u_t[d]`: real, and
//! `a_t` changes from token to token (selection), unlike a linear RNN whose `λ` is fixed.

use ndarray::ArrayView2;

use crate::decimal::parse_decimal;
use crate::error::{CoreError, CoreResult};
use crate::models::mamba;
use crate::rng::rng_for;
use crate::scan::{scan, Affine, Algorithm, CombineStep, Move, Phase, ScanRun, Span};

/// Largest n of the view.
pub const MAX_N: usize = 64;
/// Range an edited `a_t` is clamped to.
pub const A_LIMIT: f32 = 2.0;
/// Range an edited `b_t` is clamped to.
pub const B_LIMIT: f32 = 100.0;

/// The `(a_t, b_t)` of one Mamba channel on the sentence, and which channel it is.
#[derive(Debug, Clone, PartialEq)]
pub struct MambaChannel {
    pub a: Vec<f32>,
    pub b: Vec<f32>,
    /// Channel `d` of the `Di` inner channels.
    pub channel: usize,
    /// State index `k` of the `N` states.
    pub state: usize,
    /// The continuous `A[d, k]` (negative).
    pub a_continuous: f32,
    /// Smallest and largest `Δ_t` of the channel over the sentence.
    pub delta_range: (f32, f32),
}

/// Runs a default Mamba block (`Params::init(seed)`) on `x` (`[L, d_model]`) and takes the
/// channel whose `Δ_t` varies most over the sentence, at the last (fastest-decaying) state
/// index, where `a_t = exp(Δ_t A)` varies most from token to token.
pub fn mamba_channel(x: ArrayView2<f32>, seed: u64) -> CoreResult<MambaChannel> {
    let (l, d_model) = x.dim();
    if l == 0 {
        return Err(CoreError::EmptyInput);
    }
    let params = mamba::Params::init(&mamba::Config::default(), d_model, seed)?;
    let run = mamba::run(&params, x)?;
    let tr = &run.trace;
    let (_, di) = tr.delta.dim(); // [L, Di]
    let range = |d: usize| {
        let col = tr.delta.column(d);
        let lo = col.iter().copied().fold(f32::INFINITY, f32::min);
        let hi = col.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        (lo, hi)
    };
    let channel = (0..di)
        .max_by(|&p, &q| {
            let (rp, rq) = (range(p), range(q));
            (rp.1 - rp.0).total_cmp(&(rq.1 - rq.0))
        })
        .unwrap_or(0);
    let state = tr.a.ncols().saturating_sub(1); // [Di, N]
    let a: Vec<f32> = (0..l).map(|t| tr.a_bar[[t, channel, state]]).collect();
    // B̄_t u_t = Δ_t B_t u_t (Euler for B, as selective_scan_ref).
    let b: Vec<f32> = (0..l)
        .map(|t| tr.delta[[t, channel]] * tr.b[[t, state]] * tr.u[[t, channel]])
        .collect();
    Ok(MambaChannel {
        a,
        b,
        channel,
        state,
        a_continuous: tr.a[[channel, state]],
        delta_range: range(channel),
    })
}

/// `MAX_N` random `(a_t, b_t)` from `seed`: `a_t, b_t ~ U(−1, 1)`, rounded to 2 decimals so
/// the labels stay short.
pub fn random_inputs(seed: u64) -> (Vec<f32>, Vec<f32>) {
    use rand::Rng;
    let mut rng = rng_for(seed, "scan/random");
    let mut draw = || (rng.random_range(-1.0f32..1.0) * 100.0).round() / 100.0;
    let a: Vec<f32> = (0..MAX_N).map(|_| draw()).collect();
    let b: Vec<f32> = (0..MAX_N).map(|_| draw()).collect();
    (a, b)
}

/// An edited value: parsed (a Unicode minus is accepted) and clamped to `[−limit, limit]`.
/// `Ok((value, Some(note)))` when it was clamped; `Err(message)` when it is not a number.
pub fn parse_value(raw: &str, limit: f32) -> Result<(f32, Option<String>), String> {
    let text = raw.trim().replace('−', "-");
    match parse_decimal(&text).map(|v| v as f32) {
        Some(v) if v.is_finite() => {
            let c = v.clamp(-limit, limit);
            let note = (c != v).then(|| format!("{v} is outside [−{limit}, {limit}]: using {c}"));
            Ok((c, note))
        }
        _ => Err(format!(
            "“{}” is not a number: type a value between −{limit} and {limit}",
            raw.trim()
        )),
    }
}

/// How the scan's result compares with the sequential recurrence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Verification {
    /// `max_t |h_t − h_seq_t|` (NaN when a value is not finite).
    pub max_abs_diff: f32,
    /// Within `1e-4·(1 + max_t |h_seq_t|)` (float rounding of a different bracketing).
    pub matches: bool,
}

/// Compares `h` with `reference` (the sequential recurrence).
pub fn verify(h: &[f32], reference: &[f32]) -> Verification {
    if h.len() != reference.len() {
        return Verification {
            max_abs_diff: f32::NAN,
            matches: false,
        };
    }
    let mut diff = 0.0f32;
    let mut scale = 0.0f32;
    for (x, r) in h.iter().zip(reference) {
        let d = (x - r).abs();
        if !d.is_finite() {
            return Verification {
                max_abs_diff: f32::NAN,
                matches: false,
            };
        }
        diff = diff.max(d);
        scale = scale.max(r.abs());
    }
    Verification {
        max_abs_diff: diff,
        matches: diff <= 1e-4 * (1.0 + scale),
    }
}

/// One node as drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NodeView {
    pub value: Affine<f32>,
    pub span: Option<Span>,
    /// Written by the level shown (combine or move).
    pub changed: bool,
    /// Blelloch's identity padding (index ≥ n).
    pub padding: bool,
}

/// What to draw at a step: the nodes before and after level `step` (1-based), with the
/// combines and moves of that level. At step 0 only `before` (the inputs) is set.
#[derive(Debug, Clone, PartialEq)]
pub struct Picture {
    pub before: Vec<NodeView>,
    pub after: Vec<NodeView>,
    pub combines: Vec<CombineStep>,
    pub moves: Vec<Move>,
    pub phase: Option<Phase>,
}

/// The picture of `run` at `step` (clamped to the number of levels); `n` real nodes.
pub fn picture(run: &ScanRun<f32>, n: usize, step: usize) -> Picture {
    let tr = &run.trace;
    let step = step.min(tr.levels.len());
    let nodes = |values: &[Affine<f32>], spans: &[Option<Span>], changed: &[bool]| {
        values
            .iter()
            .zip(spans)
            .enumerate()
            .map(|(i, (&value, &span))| NodeView {
                value,
                span,
                changed: changed.get(i).copied().unwrap_or(false),
                padding: i >= n,
            })
            .collect::<Vec<_>>()
    };
    let (prev_values, prev_spans) = if step <= 1 {
        (&tr.initial, &tr.initial_spans)
    } else {
        let l = &tr.levels[step - 2];
        (&l.nodes, &l.spans)
    };
    let mut before = nodes(prev_values, prev_spans, &[]);
    if step == 0 {
        return Picture {
            before,
            after: Vec::new(),
            combines: Vec::new(),
            moves: Vec::new(),
            phase: None,
        };
    }
    let level = &tr.levels[step - 1];
    // Blelloch clears the root to the identity before its first down-sweep combine reads it:
    // show the cleared root in the "before" row, so every operand drawn is the one read.
    for m in &level.moves {
        if let (None, Some(node)) = (m.from, before.get_mut(m.to)) {
            node.value = Affine::identity();
            node.span = None;
            node.changed = true;
        }
    }
    let mut changed = vec![false; level.nodes.len()];
    for c in &level.combines {
        if let Some(slot) = changed.get_mut(c.dest) {
            *slot = true;
        }
    }
    for m in &level.moves {
        if let Some(slot) = changed.get_mut(m.to) {
            *slot = true;
        }
    }
    Picture {
        before,
        after: nodes(&level.nodes, &level.spans, &changed),
        combines: level.combines.clone(),
        moves: level.moves.clone(),
        phase: Some(level.phase),
    }
}

/// Combines in the first `step` levels.
pub fn combines_done(run: &ScanRun<f32>, step: usize) -> usize {
    run.trace
        .levels
        .iter()
        .take(step)
        .map(|l| l.combines.len())
        .sum()
}

/// Levels holding at least one combine among the first `step` levels.
pub fn depth_done(run: &ScanRun<f32>, step: usize) -> usize {
    run.trace
        .levels
        .iter()
        .take(step)
        .filter(|l| !l.combines.is_empty())
        .count()
}

/// `"[j..i]"`, `"∅"` for the identity, `"pad"` for Blelloch padding still untouched.
pub fn span_label(span: Option<Span>, padding: bool) -> String {
    match span {
        None => "∅".to_string(),
        Some(s) if padding && s.first >= s.last => "pad".to_string(),
        Some(s) => format!("[{}..{}]", s.first, s.last),
    }
}

/// A caption for a level.
pub fn phase_caption(phase: Phase) -> String {
    match phase {
        Phase::Sequential => "sequential: one combine, waiting for the previous one".to_string(),
        Phase::HillisSteele { offset } => {
            format!("Hillis–Steele, offset {offset}: every node i ≥ {offset} takes node i−{offset} ∘ node i")
        }
        Phase::UpSweep { stride } => {
            format!("Blelloch up-sweep, stride {stride}: pairs reduced into the right node")
        }
        Phase::DownSweep { stride } => format!(
            "Blelloch down-sweep, stride {stride}: left ← parent (dashed), right ← parent ∘ old left"
        ),
        Phase::Local { step } => {
            format!("chunked, local step {step}: every block extends its own prefix at once")
        }
        Phase::Carry { block } => format!(
            "chunked, carry into block {block}: every node of the block takes the end of block {} ∘ node",
            block - 1
        ),
    }
}

/// Work (combines) and depth (levels) of `algorithm` at each `n`, counted by running the core
/// scan without recording.
pub fn cost_curve(algorithm: Algorithm, ns: &[usize]) -> Vec<(usize, usize, usize)> {
    ns.iter()
        .map(|&n| {
            let ones = vec![1.0f32; n];
            let run = scan(algorithm, &ones, &ones, false);
            (n, run.combines, run.depth)
        })
        .collect()
}

/// The n of the work/depth chart: every n up to 64, then about 8 per octave up to 1024.
pub fn chart_ns() -> Vec<usize> {
    let mut ns: Vec<usize> = (2..=MAX_N).collect();
    let mut k = 49;
    loop {
        let n = 2f64.powf(f64::from(k) / 8.0).round() as usize;
        if n > 1024 {
            break;
        }
        if n > MAX_N {
            ns.push(n);
        }
        k += 1;
    }
    ns.dedup();
    ns
}

/// Default of the tanh counter-example's scale: `b_t` rescaled so that its largest magnitude is
/// this. tanh is close to linear below ≈ 0.3 (tanh x ≈ x − x³/3), so the untrained Mamba
/// channel's `b_t ≈ 1e-4` would hide the failure; at 2 tanh saturates (tanh 2 ≈ 0.96).
pub const TANH_SCALE: f32 = 2.0;

/// Default of the tanh counter-example's own `a_t` (one value for every step). With the
/// untrained Mamba channel's `a_t ≈ 0.4` each step forgets most of `h_{t−1}`, so the scan's
/// wrong combines barely reach the output (0.055 off at n = 8 on the example sentence); at 0.9
/// the history matters and the tree's answer is visibly wrong (0.23 off).
pub const TANH_A: f32 = 0.9;

/// Range of the tanh counter-example's `a_t` slider.
pub const TANH_A_RANGE: (f32, f32) = (0.0, 1.0);

/// The tanh counter-example's inputs: `a_t = a` at every step (clamped to [`TANH_A_RANGE`],
/// 0 when not finite), and `b_t` multiplied by one factor so that max |b_t| = `scale`
/// (unchanged when every `b_t` is 0 or `scale` is not positive).
pub fn tanh_inputs(a: f32, b: &[f32], scale: f32) -> (Vec<f32>, Vec<f32>) {
    let a = if a.is_finite() {
        a.clamp(TANH_A_RANGE.0, TANH_A_RANGE.1)
    } else {
        0.0
    };
    let largest = b.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    let factor = if largest > 0.0 && scale > 0.0 && largest.is_finite() {
        scale / largest
    } else {
        1.0
    };
    (vec![a; b.len()], b.iter().map(|v| v * factor).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::sequential_values;
    use crate::tokens::{embed, tokenize};

    #[test]
    fn mamba_channel_rebuilds_the_states() {
        let t = tokenize("the cat sat on the mat");
        let x = embed(&t.tokens, 8, 42);
        let ch = mamba_channel(x.view(), 42).expect("runs");
        assert_eq!(ch.a.len(), 6);
        // The channel's recurrence must reproduce the block's own states h_t[d, k].
        let params = mamba::Params::init(&mamba::Config::default(), 8, 42).expect("init");
        let run = mamba::run(&params, x.view()).expect("run");
        let h = sequential_values(&ch.a, &ch.b);
        for (t, v) in h.iter().enumerate() {
            let want = run.trace.states[[t, ch.channel, ch.state]];
            assert!(
                (v - want).abs() <= 1e-5 * (1.0 + want.abs()),
                "{v} vs {want}"
            );
        }
        assert!(ch.a.iter().all(|&a| a > 0.0 && a < 1.0));
        assert!(ch.a_continuous < 0.0);
        assert!(matches!(
            mamba_channel(x.slice(ndarray::s![0..0, ..]), 42),
            Err(CoreError::EmptyInput)
        ));
    }

    #[test]
    fn random_inputs_are_seeded_and_bounded() {
        let (a, b) = random_inputs(7);
        assert_eq!((a.len(), b.len()), (MAX_N, MAX_N));
        assert_eq!(random_inputs(7), (a.clone(), b.clone()));
        assert_ne!(random_inputs(8).0, a);
        assert!(a.iter().chain(&b).all(|v| v.abs() <= 1.0));
    }

    #[test]
    fn parse_value_clamps_and_explains() {
        assert_eq!(parse_value(" 0.5 ", 2.0), Ok((0.5, None)));
        assert_eq!(parse_value("−1.5", 2.0), Ok((-1.5, None)));
        let (v, note) = parse_value("7", 2.0).expect("number");
        assert_eq!(v, 2.0);
        assert!(note.expect("clamped").contains("outside"));
        assert!(parse_value("abc", 2.0).is_err());
        assert!(parse_value("", 2.0).is_err());
        assert!(parse_value("NaN", 2.0).is_err());
        assert!(parse_value("inf", 2.0).is_err());
    }

    #[test]
    fn verify_tolerance_and_non_finite() {
        assert!(verify(&[1.0, 2.0], &[1.0, 2.0]).matches);
        assert!(verify(&[1.0, 2.00001], &[1.0, 2.0]).matches);
        assert!(!verify(&[1.0, 2.1], &[1.0, 2.0]).matches);
        assert!(!verify(&[f32::NAN], &[1.0]).matches);
        assert!(!verify(&[1.0], &[1.0, 2.0]).matches);
        assert!(verify(&[], &[]).matches);
    }

    #[test]
    fn picture_steps_and_counts() {
        let a = [0.5f32; 5];
        let b = [1.0f32; 5];
        let run = scan(Algorithm::Blelloch, &a, &b, true);
        let p0 = picture(&run, 5, 0);
        assert_eq!(p0.before.len(), 8);
        assert!(p0.after.is_empty());
        assert!(p0.before[5].padding && !p0.before[4].padding);
        // Level 1 (up-sweep stride 2): nodes 1, 3, 5, 7 change.
        let p1 = picture(&run, 5, 1);
        let changed: Vec<usize> = (0..8).filter(|&i| p1.after[i].changed).collect();
        assert_eq!(changed, vec![1, 3, 5, 7]);
        assert_eq!(p1.before, p0.before);
        // The picture at k has as "before" the "after" of k − 1 (without the change marks).
        let p2 = picture(&run, 5, 2);
        for (x, y) in p2.before.iter().zip(&p1.after) {
            assert_eq!((x.value, x.span), (y.value, y.span));
        }
        assert_eq!(combines_done(&run, 0), 0);
        assert_eq!(combines_done(&run, 99), run.combines);
        assert_eq!(depth_done(&run, 99), run.depth);
        assert_eq!(
            picture(&run, 5, 99),
            picture(&run, 5, run.trace.levels.len())
        );
        // Level 4 = first down-sweep: the root shows cleared in the "before" row, and every
        // combine's operands are the "before" nodes it names.
        let p4 = picture(&run, 5, 4);
        assert_eq!(p4.before[7].span, None);
        assert_eq!(p4.before[7].value, Affine::identity());
        for k in 1..=run.trace.levels.len() {
            let p = picture(&run, 5, k);
            for c in &p.combines {
                assert_eq!(p.before[c.earlier.node].span, c.earlier.span, "level {k}");
                assert_eq!(p.before[c.later.node].span, c.later.span, "level {k}");
                let value = p.before[c.earlier.node]
                    .value
                    .then(p.before[c.later.node].value);
                assert_eq!(p.after[c.dest].value, value, "level {k}");
            }
        }
    }

    #[test]
    fn labels() {
        assert_eq!(
            span_label(Some(Span { first: 2, last: 5 }), false),
            "[2..5]"
        );
        assert_eq!(span_label(Some(Span { first: 6, last: 6 }), true), "pad");
        assert_eq!(span_label(None, false), "∅");
    }

    #[test]
    fn cost_curve_counts() {
        let ns = chart_ns();
        assert_eq!(ns[0], 2);
        assert_eq!(*ns.last().expect("some"), 1024);
        assert!(ns.windows(2).all(|w| w[0] < w[1]));
        let seq = cost_curve(Algorithm::Sequential, &[5, 64]);
        assert_eq!(seq, vec![(5, 4, 4), (64, 63, 63)]);
        // n = 64: Hillis–Steele Σ_{d<6} (64 − 2^d) = 384 − 63 = 321, depth 6.
        assert_eq!(
            cost_curve(Algorithm::HillisSteele, &[64]),
            vec![(64, 321, 6)]
        );
        // Blelloch n = 5 → m = 8: 14 combines, 6 levels.
        assert_eq!(cost_curve(Algorithm::Blelloch, &[5]), vec![(5, 14, 6)]);
    }

    /// Claims of the Scan view's caption, at the default n = 8 and at n = 64, against formulas
    /// written here: Hillis–Steele Σ_d (n − 2^d) combines (≈ n·log₂ n) in ⌈log₂ n⌉ levels;
    /// Blelloch 2(m − 1) combines (O(n)) in 2·log₂ m levels, m = 2^⌈log₂ n⌉; the sequential loop
    /// n − 1 combines in n − 1 levels, the least work of all.
    #[test]
    fn claims_work_and_depth_of_the_scans() {
        for n in [8usize, 64] {
            let log2 = (n as f64).log2().ceil() as usize;
            let m = 1usize << log2;
            let hs_work: usize = (0..log2).map(|d| n - (1 << d)).sum();
            let ones = vec![1.0f32; n];
            let count = |alg| {
                let run = scan(alg, &ones, &ones, false);
                (run.combines, run.depth)
            };
            assert_eq!(count(Algorithm::HillisSteele), (hs_work, log2));
            assert_eq!(count(Algorithm::Blelloch), (2 * (m - 1), 2 * log2));
            assert_eq!(count(Algorithm::Sequential), (n - 1, n - 1));
            // "n log n" work: within n·log₂ n and above n·(log₂ n − 1).
            assert!(
                hs_work <= n * log2 && hs_work > n * (log2 - 1),
                "{n}: {hs_work}"
            );
            // Blelloch's work is O(n): at most 2n; the loop does the least.
            assert!(2 * (m - 1) < 2 * n + 1 && n - 1 <= 2 * (m - 1).min(hs_work));
        }
        // The n = 8 numbers the caption's formulas give.
        assert_eq!(
            scan(Algorithm::HillisSteele, &[1.0; 8], &[1.0; 8], false).combines,
            17
        );
        assert_eq!(
            scan(Algorithm::Blelloch, &[1.0; 8], &[1.0; 8], false).combines,
            14
        );
    }

    #[test]
    fn tanh_inputs_hold_a_and_rescale_b() {
        let (a, b) = tanh_inputs(0.9, &[1e-4, -2e-4], 2.0);
        assert_eq!(a, vec![0.9, 0.9]);
        assert!(
            (b[0] - 1.0).abs() < 1e-6 && (b[1] + 2.0).abs() < 1e-6,
            "{b:?}"
        );
        assert_eq!(tanh_inputs(1.0, &[0.0], 2.0).1, vec![0.0]);
        // Bad values never panic: a is clamped to [0, 1], NaN gives 0.
        assert_eq!(tanh_inputs(3.0, &[1.0], 2.0).0, vec![1.0]);
        assert_eq!(tanh_inputs(f32::NAN, &[1.0], 2.0).0, vec![0.0]);
        assert!(tanh_inputs(0.5, &[], 2.0).0.is_empty());
    }
}
