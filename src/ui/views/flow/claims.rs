//! Flow's claims as tests (issue #19): every sentence of the intro and the captions that
//! states a fact about the computation, computed at the defaults (the example sentence,
//! seed 42, d_model 8, each family's default configuration), with the expected value from
//! an independent formula. Listed in `docs/claims.md` under "## Flow".

use ndarray::Array2;

use super::model::diagram_of;
use crate::core::flow::{FlowDiagram, FlowMode};
use crate::core::models::family::{Family, ModelConfig, ModelParams, ModelRun};
use crate::core::models::mamba;
use crate::core::tokens::{embed, tokenize};
use crate::ui::state::{DEFAULT_D_MODEL, DEFAULT_SEED, EXAMPLE_TEXT};

/// The model input at the defaults: `[L, d_model]`.
fn default_x() -> Array2<f32> {
    embed(
        &tokenize(EXAMPLE_TEXT).tokens,
        DEFAULT_D_MODEL,
        DEFAULT_SEED,
    )
}

/// The family's default weights, run and diagram on the default input.
fn defaults(family: Family, mode: FlowMode) -> (ModelParams, ModelRun, FlowDiagram) {
    let x = default_x();
    let params = ModelConfig::default_for(family)
        .init(DEFAULT_D_MODEL, DEFAULT_SEED)
        .expect("defaults are valid");
    let run = params.run(x.view()).expect("runs");
    let diagram = diagram_of(&run, &params, mode, None);
    (params, run, diagram)
}

/// Tokens whose information has reached node (row, target) after `steps` steps.
fn window(d: &FlowDiagram, row: usize, target: usize, steps: usize) -> Vec<usize> {
    (0..d.len)
        .filter(|&j| d.reach(j, steps)[row][target])
        .collect()
}

#[test]
fn intro_a_cnn_widens_its_window_layer_by_layer() {
    let (_, _, d) = defaults(Family::Cnn, FlowMode::Sequential);
    let ModelConfig::Cnn(c) = ModelConfig::default_for(Family::Cnn) else {
        unreachable!()
    };
    let last = d.len - 1;
    assert!(
        last >= c.layers * (c.kernel - 1),
        "the sentence is long enough to see it"
    );
    for s in 1..=c.layers {
        // Layer s of kernel k (no dilation) sees 1 + s·(k − 1) tokens, ending at the output.
        let want: Vec<usize> = (last - s * (c.kernel - 1)..=last).collect();
        assert_eq!(window(&d, s, last, s), want, "layer {s}");
    }
}

#[test]
fn intro_a_transformer_links_every_earlier_token_in_one_step() {
    let (_, _, d) = defaults(Family::Transformer, FlowMode::Sequential);
    for i in 0..d.len {
        assert_eq!(
            window(&d, 1, i, 1),
            (0..=i).collect::<Vec<_>>(),
            "output {i}"
        );
    }
}

#[test]
fn intro_an_rnn_passes_its_state_one_token_at_a_time() {
    let (_, _, d) = defaults(Family::Rnn, FlowMode::Sequential);
    assert_eq!(d.steps.len(), d.len, "one step per token");
    for s in 0..=d.len {
        let computed = d.computed(s);
        let want: Vec<bool> = (0..d.len).map(|t| t < s).collect();
        assert_eq!(
            computed[1], want,
            "after {s} steps exactly states 0..{s} exist"
        );
    }
}

#[test]
fn intro_a_linear_recurrence_is_combined_by_a_parallel_scan_in_ceil_log2_l_steps() {
    for family in [Family::LinearRnn, Family::S4d, Family::Mamba] {
        let (_, _, d) = defaults(family, FlowMode::Scan);
        let want = (d.len as f64).log2().ceil() as usize;
        assert_eq!(d.steps.len(), want, "{family:?}");
        // After the last level, the last position holds the combination of every token.
        let top = d.rows.len() - 1;
        assert_eq!(
            window(&d, top, d.len - 1, want),
            (0..d.len).collect::<Vec<_>>()
        );
        let (_, _, seq) = defaults(family, FlowMode::Sequential);
        assert_eq!(seq.steps.len(), d.len, "{family:?} sequentially: L steps");
    }
}

#[test]
fn mamba_diagram_draws_the_conv_direct_edges() {
    // State t reads tokens t − 3..t directly through the width-4 conv (default d_conv = 4).
    let (params, _, d) = defaults(Family::Mamba, FlowMode::Sequential);
    let ModelParams::Mamba(p) = params else {
        unreachable!()
    };
    let k = p.config.d_conv;
    for t in 0..d.len {
        let mut direct: Vec<usize> = d.steps[t]
            .edges
            .iter()
            .filter(|e| e.from.0 == 0 && e.to == (1, t))
            .map(|e| e.from.1)
            .collect();
        direct.sort_unstable();
        assert_eq!(
            direct,
            ((t + 1).saturating_sub(k)..=t).collect::<Vec<_>>(),
            "state {t}"
        );
    }
}

/// Frobenius norm of the finite-difference Jacobian block ∂y_i/∂x_j, every (i, j).
fn finite_difference_influence(params: &ModelParams, x: &Array2<f32>) -> Array2<f64> {
    let (l, dm) = x.dim();
    let eps = 1e-2f32;
    let mut sq = Array2::<f64>::zeros((l, l));
    for j in 0..l {
        for b in 0..dm {
            let (mut plus, mut minus) = (x.clone(), x.clone());
            plus[[j, b]] += eps;
            minus[[j, b]] -= eps;
            let yp = params.forward(plus.view()).expect("runs");
            let ym = params.forward(minus.view()).expect("runs");
            for i in 0..l {
                for a in 0..yp.ncols() {
                    let g = f64::from(yp[[i, a]] - ym[[i, a]]) / (2.0 * f64::from(eps));
                    sq[[i, j]] += g * g;
                }
            }
        }
    }
    sq.mapv(f64::sqrt)
}

#[test]
fn heat_map_is_the_exact_influence_of_every_input_on_every_output() {
    let x = default_x();
    for family in Family::ALL {
        let (params, _, _) = defaults(family, FlowMode::Sequential);
        // The path the view uses: a plan, then columns.
        let plan = params.influence_plan(x.view()).expect("plan");
        let m = params
            .planned_influence_columns(&plan, x.view(), 0..x.nrows())
            .expect("columns");
        let fd = finite_difference_influence(&params, &x);
        let scale = fd.iter().copied().fold(0.0, f64::max);
        for ((i, j), &v) in m.indexed_iter() {
            let want = fd[[i, j]];
            assert!(
                (f64::from(v) - want).abs() <= 2e-2 * want + 2e-3 * scale,
                "{family:?} I[{i}][{j}] = {v}, finite differences {want}"
            );
            if j > i {
                assert_eq!(
                    v, 0.0,
                    "{family:?}: output {i} never depends on a later input {j}"
                );
            }
        }
    }
}

#[test]
fn hidden_attention_caption_is_alpha_as_published_without_d() {
    // α[d, i, j] = Σ_n C[i,n] · Π_{k=j+1..i} exp(Δ[k,d]·A[d,n]) · Δ[j,d]·B[j,n], in f64 from
    // the trace's Δ, A, B, C; H = norm over channels, no D term.
    let x = default_x();
    let (params, run, _) = defaults(Family::Mamba, FlowMode::Sequential);
    let (ModelParams::Mamba(p), ModelRun::Mamba(r)) = (&params, &run) else {
        unreachable!()
    };
    let h = mamba::hidden_influence(p, x.view()).expect("hidden");
    let tr = &r.trace;
    let (l, di) = tr.delta.dim();
    let n = tr.a.ncols();
    for i in 0..l {
        for j in 0..l {
            let mut sq = 0.0f64;
            for d in 0..di {
                let mut alpha = 0.0f64;
                if j <= i {
                    for s in 0..n {
                        let a = f64::from(tr.a[[d, s]]);
                        let decay: f64 = (j + 1..=i)
                            .map(|k| (f64::from(tr.delta[[k, d]]) * a).exp())
                            .product();
                        alpha += f64::from(tr.c[[i, s]])
                            * decay
                            * f64::from(tr.delta[[j, d]])
                            * f64::from(tr.b[[j, s]]);
                    }
                }
                sq += alpha * alpha;
            }
            let want = sq.sqrt();
            assert!(
                (f64::from(h[[i, j]]) - want).abs() <= 1e-3 * want + 1e-7,
                "H[{i}][{j}] = {}, α norm {want}",
                h[[i, j]]
            );
        }
    }
}

#[test]
fn inspector_caption_large_delta_overwrites_small_delta_keeps() {
    // Ā = exp(Δ·A) with A < 0: at every step, the channel with the largest Δ keeps less of
    // its state (smaller Ā, for every state index) than the channel with the smallest Δ.
    let (_, run, _) = defaults(Family::Mamba, FlowMode::Sequential);
    let ModelRun::Mamba(r) = run else {
        unreachable!()
    };
    let tr = &r.trace;
    for t in 0..tr.delta.nrows() {
        let row = tr.delta.row(t);
        let big = (0..row.len())
            .max_by(|&a, &b| row[a].total_cmp(&row[b]))
            .expect("channels");
        let small = (0..row.len())
            .min_by(|&a, &b| row[a].total_cmp(&row[b]))
            .expect("channels");
        for s in 0..tr.a.ncols() {
            // Where both channels share A[·, s] (S4D-Real initialisation: A = −(s + 1)).
            if tr.a[[big, s]] == tr.a[[small, s]] && row[big] > row[small] {
                let (kept_big, kept_small) = (tr.a_bar[[t, big, s]], tr.a_bar[[t, small, s]]);
                assert!(
                    kept_big < kept_small,
                    "t = {t}, state {s}: {kept_big} ≥ {kept_small}"
                );
            }
        }
    }
}

/// Steps line and its note: "{family} needs S sequential steps, one per layer / token / scan
/// level (D levels of pairwise combines in the Cost view's depth)", at the defaults, S and D
/// from formulas written here: a layer of a CNN with kernel k is ⌈log₂ k⌉ levels, an
/// attention layer ⌈log₂ L⌉; a recurrence stepped in time L, Mamba ⌈log₂ d_conv⌉ more; a
/// scan ⌈log₂ L⌉ steps and levels.
#[test]
fn steps_line_counts_diagram_rows_and_states_the_cost_depth() {
    use super::captions::steps_phrase;
    use super::model::depth_of;
    use crate::core::flow::StepUnit;
    use crate::ui::i18n::Lang;
    let log2 = |n: usize| (n as f64).log2().ceil() as u64;
    for family in Family::ALL {
        for mode in [FlowMode::Sequential, FlowMode::Scan] {
            let (params, _, d) = defaults(family, mode);
            let l = d.len;
            let scanned = family.is_linear_recurrence() && mode == FlowMode::Scan;
            let (steps, depth, unit) = match ModelConfig::default_for(family) {
                ModelConfig::Cnn(c) => {
                    (c.layers, c.layers as u64 * log2(c.kernel), StepUnit::Layer)
                }
                ModelConfig::Transformer(c) => {
                    (c.layers, c.layers as u64 * log2(l), StepUnit::Layer)
                }
                ModelConfig::Mamba(c) if scanned => (
                    log2(l) as usize,
                    log2(c.d_conv) + log2(l),
                    StepUnit::ScanLevel,
                ),
                ModelConfig::Mamba(c) => (l, log2(c.d_conv) + l as u64, StepUnit::Token),
                _ if scanned => (log2(l) as usize, log2(l), StepUnit::ScanLevel),
                _ => (l, l as u64, StepUnit::Token),
            };
            assert_eq!(d.steps.len(), steps, "{family:?} {mode:?}: steps");
            assert_eq!(
                depth_of(&params, l, mode),
                (unit, depth),
                "{family:?} {mode:?}"
            );
            let line = steps_phrase("M", d.steps.len(), unit, depth, Lang::En);
            let per = match unit {
                StepUnit::Layer => "layer",
                StepUnit::Token => "token",
                StepUnit::ScanLevel => "scan level",
            };
            assert!(
                line.contains(&format!(
                    "{steps} sequential steps, one per {per} ({depth} levels of pairwise combines"
                )),
                "{line}"
            );
        }
    }
}
