//! The Flow view's diagram: which node feeds which at each animation step, built from the
//! models' real structure and traces.
//!
//! Nodes are (row, position): row 0 holds the tokens, the rows above hold what each step
//! computes (a CNN or transformer layer, the recurrent state, a scan level). Step k (1-based)
//! is the k-th set of computations that must run one after another:
//! CNN and transformer: one step per layer; a recurrence stepped in time: one step per token;
//! a linear recurrence by the Hillis–Steele scan: one step per level, ⌈log₂ L⌉ in all.
//!
//! A step is a row of the diagram, not a unit of depth: the Cost view counts depth in levels
//! of pairwise combines (`cost::depths`), where a layer that sums k taps or weighs n keys is
//! ⌈log₂ k⌉ or ⌈log₂ n⌉ levels. [`combine_depth`] gives that depth for what a diagram draws,
//! so Flow can state both.

use ndarray::Array3;

use super::cost;
use super::models::ceil_log2;
use super::models::family::ModelConfig;
use super::scan::{self, Algorithm};

/// How a linear recurrence is computed in the diagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FlowMode {
    /// One time step after another: L steps.
    Sequential,
    /// Hillis–Steele parallel scan: ⌈log₂ L⌉ steps.
    Scan,
}

/// One arrow: `from` feeds `to`, both as (row, position), with a weight in [0, 1] for drawing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FlowEdge {
    pub from: (usize, usize),
    pub to: (usize, usize),
    pub weight: f32,
}

/// What a row or a step of the diagram is (numbers are 1-based, as shown). Data only: the UI
/// words it in the reader's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FlowLabel {
    /// Row 0: the tokens.
    Tokens,
    /// The recurrent state's row.
    State,
    /// The row of layer `n`.
    Layer(usize),
    /// The row after scan level `n`.
    Level(usize),
    /// Step 0: nothing computed yet, only the tokens.
    Start,
    /// A convolution layer's step.
    ConvLayer { layer: usize, dilation: usize },
    /// An attention layer's step: every position at once.
    AttentionLayer(usize),
    /// A recurrence's step: it takes in token `n`.
    Token(usize),
    /// A scan level's step: each prefix combines with the one `offset` positions back.
    ScanLevel { level: usize, offset: usize },
}

/// What one animation step computes.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowStep {
    /// What the step is, e.g. layer 2 or token 5.
    pub label: FlowLabel,
    /// Every dependency computed at this step.
    pub edges: Vec<FlowEdge>,
}

/// The whole diagram of one model on one sequence.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowDiagram {
    /// Sequence length L (positions per row).
    pub len: usize,
    /// Row labels, bottom-up; row 0 is the tokens.
    pub rows: Vec<FlowLabel>,
    /// Steps in order; `steps.len()` is the number of sequential steps.
    pub steps: Vec<FlowStep>,
}

impl FlowDiagram {
    /// Which nodes carry information from token `source` after the first `upto` steps:
    /// `[rows][len]`. A node is reached when any edge into it comes from a reached node
    /// (residual and pass-through connections are edges too).
    pub fn reach(&self, source: usize, upto: usize) -> Vec<Vec<bool>> {
        let mut reached = vec![vec![false; self.len]; self.rows.len()];
        if source < self.len {
            reached[0][source] = true;
        }
        for step in self.steps.iter().take(upto) {
            // Edges of one step read only rows finished earlier, so one pass suffices for
            // layered diagrams; the chain reads its own row at the previous position, which
            // is finished because edges are listed in time order.
            for edge in &step.edges {
                if reached[edge.from.0][edge.from.1] {
                    reached[edge.to.0][edge.to.1] = true;
                }
            }
        }
        reached
    }

    /// Which nodes are computed after the first `upto` steps: `[rows][len]` (row 0 always).
    pub fn computed(&self, upto: usize) -> Vec<Vec<bool>> {
        let mut done = vec![vec![false; self.len]; self.rows.len()];
        done[0].iter_mut().for_each(|d| *d = true);
        for edge in self.steps.iter().take(upto).flat_map(|s| &s.edges) {
            done[edge.to.0][edge.to.1] = true;
        }
        done
    }

    /// The inputs that reach output position `target` of the top row after all steps.
    pub fn receptive_set(&self, target: usize) -> Vec<usize> {
        let top = self.rows.len() - 1;
        let all = self.steps.len();
        (0..self.len)
            .filter(|&j| {
                self.reach(j, all)[top]
                    .get(target)
                    .copied()
                    .unwrap_or(false)
            })
            .collect()
    }
}

/// A CNN: one row per layer; output t of layer ℓ reads positions t − m·dil_ℓ, m < kernel.
pub fn cnn_diagram(len: usize, kernel: usize, dilations: &[usize]) -> FlowDiagram {
    let mut rows = vec![FlowLabel::Tokens];
    let mut steps = Vec::with_capacity(dilations.len());
    for (layer, &dil) in dilations.iter().enumerate() {
        rows.push(FlowLabel::Layer(layer + 1));
        let mut edges = Vec::new();
        for t in 0..len {
            for m in 0..kernel {
                if let Some(src) = t.checked_sub(m * dil) {
                    edges.push(FlowEdge {
                        from: (layer, src),
                        to: (layer + 1, t),
                        weight: 1.0,
                    });
                }
            }
        }
        steps.push(FlowStep {
            label: FlowLabel::ConvLayer {
                layer: layer + 1,
                dilation: dil,
            },
            edges,
        });
    }
    FlowDiagram { len, rows, steps }
}

/// A transformer: one row per layer; query i reads every key j ≤ i with its attention weight
/// (head `head`, or the mean over heads when `None`). `attention[ℓ]` is `[heads, L, L]`.
pub fn transformer_diagram(attention: &[Array3<f32>], head: Option<usize>) -> FlowDiagram {
    let len = attention.first().map_or(0, |a| a.shape()[1]);
    let mut rows = vec![FlowLabel::Tokens];
    let mut steps = Vec::with_capacity(attention.len());
    for (layer, weights) in attention.iter().enumerate() {
        rows.push(FlowLabel::Layer(layer + 1));
        let heads = weights.shape()[0];
        let mut edges = Vec::with_capacity(len * (len + 1) / 2);
        for i in 0..len {
            for j in 0..=i {
                let weight = match head {
                    Some(h) if h < heads => weights[[h, i, j]],
                    _ => (0..heads).map(|h| weights[[h, i, j]]).sum::<f32>() / heads.max(1) as f32,
                };
                edges.push(FlowEdge {
                    from: (layer, j),
                    to: (layer + 1, i),
                    weight,
                });
            }
        }
        steps.push(FlowStep {
            label: FlowLabel::AttentionLayer(layer + 1),
            edges,
        });
    }
    FlowDiagram { len, rows, steps }
}

/// What one step of a model's diagram is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepUnit {
    /// A layer (CNN, transformer).
    Layer,
    /// A token (a recurrence stepped in time).
    Token,
    /// A level of the Hillis–Steele scan.
    ScanLevel,
}

/// What one step of the diagram of `config` in `mode` is (the mode only matters for the
/// linear recurrences; the tanh RNN is always stepped in time).
pub fn step_unit(config: &ModelConfig, mode: FlowMode) -> StepUnit {
    match config {
        ModelConfig::Cnn(_) | ModelConfig::Transformer(_) => StepUnit::Layer,
        ModelConfig::Rnn(_) => StepUnit::Token,
        _ => match mode {
            FlowMode::Sequential => StepUnit::Token,
            FlowMode::Scan => StepUnit::ScanLevel,
        },
    }
}

/// The depth of what the diagram of `config` on `len` tokens in `mode` computes, in the Cost
/// view's convention ([`cost::depths`]: levels of pairwise combines): CNN layers·⌈log₂ k⌉,
/// transformer layers·⌈log₂ L⌉, a recurrence stepped in time L, a scan ⌈log₂ L⌉, and Mamba's
/// width-k conv ⌈log₂ k⌉ more. The diagram steps the linear RNN and S4D in time whatever
/// their configured algorithm, so their sequential depth here is L.
pub fn combine_depth(config: &ModelConfig, len: usize, mode: FlowMode) -> u64 {
    let (sequential, parallel) = cost::depths(config, len);
    match (step_unit(config, mode), config) {
        (StepUnit::ScanLevel, _) => parallel,
        (StepUnit::Token, ModelConfig::LinearRnn(_) | ModelConfig::S4d(_)) => len.max(1) as u64,
        _ => sequential,
    }
}

/// A recurrence stepped in time: h_t reads x_t and h_{t−1}; one step per token.
pub fn chain_diagram(len: usize) -> FlowDiagram {
    let steps = (0..len)
        .map(|t| {
            let mut edges = vec![FlowEdge {
                from: (0, t),
                to: (1, t),
                weight: 1.0,
            }];
            if t > 0 {
                edges.push(FlowEdge {
                    from: (1, t - 1),
                    to: (1, t),
                    weight: 1.0,
                });
            }
            FlowStep {
                label: FlowLabel::Token(t + 1),
                edges,
            }
        })
        .collect();
    FlowDiagram {
        len,
        rows: vec![FlowLabel::Tokens, FlowLabel::State],
        steps,
    }
}

/// A linear recurrence by the Hillis–Steele scan, read from the scan's own trace: row s holds
/// the prefixes after level s; each combine is two edges, a node left alone passes through.
pub fn scan_diagram(len: usize) -> FlowDiagram {
    // The structure does not depend on the values: scan ones to get the trace.
    let ones = vec![1.0_f32; len];
    let run = scan::scan(Algorithm::HillisSteele, &ones, &ones, true);
    let mut rows = vec![FlowLabel::Tokens];
    let mut steps = Vec::with_capacity(run.trace.levels.len());
    for (index, level) in run.trace.levels.iter().enumerate() {
        let (below, above) = (index, index + 1);
        rows.push(FlowLabel::Level(above));
        let mut combined = vec![false; len];
        let mut edges = Vec::with_capacity(2 * len);
        for c in &level.combines {
            combined[c.dest] = true;
            edges.push(FlowEdge {
                from: (below, c.earlier.node),
                to: (above, c.dest),
                weight: 1.0,
            });
            edges.push(FlowEdge {
                from: (below, c.later.node),
                to: (above, c.dest),
                weight: 1.0,
            });
        }
        for (t, _) in combined.iter().enumerate().filter(|(_, done)| !**done) {
            edges.push(FlowEdge {
                from: (below, t),
                to: (above, t),
                weight: 0.3,
            });
        }
        let offset = 1usize << index;
        steps.push(FlowStep {
            label: FlowLabel::ScanLevel {
                level: above,
                offset,
            },
            edges,
        });
    }
    debug_assert_eq!(steps.len(), ceil_log2(len) as usize);
    FlowDiagram { len, rows, steps }
}

/// Weight of a conv edge (drawn lighter than the recurrence's own edges).
pub const CONV_EDGE_WEIGHT: f32 = 0.5;

/// Adds the direct edges of a causal depthwise conv of width `kernel` in front of a
/// recurrence (Mamba): wherever a step reads token s from row 0, it also reads tokens
/// s − 1, …, s − (kernel − 1), because the recurrence's input at s is the conv of those
/// tokens. Edges only: the steps (and their count) are unchanged.
pub fn with_conv_edges(mut diagram: FlowDiagram, kernel: usize) -> FlowDiagram {
    for step in &mut diagram.steps {
        let mut seen: std::collections::HashSet<((usize, usize), (usize, usize))> =
            step.edges.iter().map(|e| (e.from, e.to)).collect();
        let mut extra = Vec::new();
        for e in step.edges.iter().filter(|e| e.from.0 == 0) {
            for m in 1..kernel.max(1) {
                let Some(src) = e.from.1.checked_sub(m) else {
                    break;
                };
                if seen.insert(((0, src), e.to)) {
                    extra.push(FlowEdge {
                        from: (0, src),
                        to: e.to,
                        weight: CONV_EDGE_WEIGHT,
                    });
                }
            }
        }
        step.edges.extend(extra);
    }
    diagram
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array3;

    #[test]
    fn cnn_one_layer_kernel_three_reaches_the_last_three_tokens() {
        let d = cnn_diagram(10, 3, &[1]);
        assert_eq!(d.steps.len(), 1);
        assert_eq!(d.receptive_set(7), vec![5, 6, 7]);
        assert_eq!(d.receptive_set(0), vec![0]);
    }

    #[test]
    fn cnn_receptive_field_grows_with_layers_and_dilation() {
        // Three layers, kernel 3, dilations 1, 2, 4: RF = 1 + 2·(1 + 2 + 4) = 15.
        let d = cnn_diagram(40, 3, &[1, 2, 4]);
        let set = d.receptive_set(30);
        assert_eq!(set, (16..=30).collect::<Vec<_>>());
        // After one step only the first layer is reached from token 28: outputs 28..=30.
        let reach = d.reach(28, 1);
        assert_eq!(
            (0..40).filter(|&t| reach[1][t]).collect::<Vec<_>>(),
            vec![28, 29, 30]
        );
    }

    #[test]
    fn transformer_connects_every_earlier_position_in_one_step() {
        let (len, heads) = (6, 2);
        let mut attn = Array3::<f32>::zeros((heads, len, len));
        for h in 0..heads {
            for i in 0..len {
                for j in 0..=i {
                    attn[[h, i, j]] = 1.0 / (i + 1) as f32;
                }
            }
        }
        let d = transformer_diagram(&[attn], None);
        assert_eq!(d.steps.len(), 1);
        assert_eq!(d.steps[0].edges.len(), len * (len + 1) / 2);
        assert_eq!(d.receptive_set(5), (0..6).collect::<Vec<_>>());
        let reach = d.reach(0, 1);
        assert!(reach[1].iter().all(|&r| r));
    }

    #[test]
    fn chain_needs_one_step_per_token() {
        let d = chain_diagram(5);
        assert_eq!(d.steps.len(), 5);
        assert_eq!(d.receptive_set(4), vec![0, 1, 2, 3, 4]);
        // After 3 steps token 0 has reached states 0, 1, 2 only.
        let reach = d.reach(0, 3);
        assert_eq!(reach[1], vec![true, true, true, false, false]);
    }

    #[test]
    fn scan_needs_ceil_log2_steps_and_reaches_every_prefix() {
        for (len, levels) in [(1, 0), (2, 1), (5, 3), (8, 3), (13, 4), (64, 6)] {
            let d = scan_diagram(len);
            assert_eq!(d.steps.len(), levels, "L = {len}");
            for target in 0..len {
                assert_eq!(
                    d.receptive_set(target),
                    (0..=target).collect::<Vec<_>>(),
                    "L = {len}"
                );
            }
        }
    }

    #[test]
    fn scan_level_one_combines_neighbours() {
        let d = scan_diagram(4);
        let reach = d.reach(1, 1);
        // Level 1 combines (t−1, t): token 1 reaches positions 1 and 2 only.
        assert_eq!(reach[1], vec![false, true, true, false]);
    }

    #[test]
    fn conv_edges_reach_kernel_minus_one_tokens_back_and_keep_the_step_count() {
        // Chain with a width-4 conv: state t reads tokens t−3..t directly; the steps stay L.
        let d = with_conv_edges(chain_diagram(8), 4);
        assert_eq!(d.steps.len(), 8);
        let into = |t: usize| {
            let mut from: Vec<usize> = d.steps[t]
                .edges
                .iter()
                .filter(|e| e.from.0 == 0 && e.to == (1, t))
                .map(|e| e.from.1)
                .collect();
            from.sort_unstable();
            from
        };
        assert_eq!(into(0), vec![0]);
        assert_eq!(into(2), vec![0, 1, 2]);
        assert_eq!(into(6), vec![3, 4, 5, 6]);
        // Token 2 reaches state 5 at step 6 through the conv alone (no chain edge needed).
        assert!(d.reach(2, 6)[1][5]);
        // The scan keeps ⌈log₂ L⌉ levels.
        assert_eq!(with_conv_edges(scan_diagram(8), 4).steps.len(), 3);
    }

    /// Flow's steps and Cost's depth, from formulas written here: a layer of a CNN with kernel
    /// k is ⌈log₂ k⌉ levels, a transformer layer ⌈log₂ L⌉; a recurrence stepped in time L
    /// (Mamba ⌈log₂ 4⌉ = 2 more for its conv), a scan ⌈log₂ L⌉ = its diagram's step count.
    #[test]
    fn combine_depth_follows_the_cost_convention() {
        use crate::models::family::Family;
        let log2 = |n: usize| (n as f64).log2().ceil() as u64;
        for len in [1usize, 2, 5, 11, 16, 33] {
            for family in Family::ALL {
                let config = ModelConfig::default_for(family);
                for mode in [FlowMode::Sequential, FlowMode::Scan] {
                    let got = combine_depth(&config, len, mode);
                    let scanned = family.is_linear_recurrence() && mode == FlowMode::Scan;
                    let n = len as u64;
                    let want = match &config {
                        ModelConfig::Cnn(c) => c.layers as u64 * log2(c.kernel).max(1),
                        ModelConfig::Transformer(c) => c.layers as u64 * log2(len).max(1),
                        ModelConfig::Rnn(_) => n,
                        ModelConfig::Mamba(c) if scanned => log2(c.d_conv) + log2(len).max(1),
                        ModelConfig::Mamba(c) => log2(c.d_conv) + n,
                        _ if scanned => log2(len).max(1),
                        _ => n,
                    };
                    assert_eq!(got, want, "{family:?} {mode:?} L = {len}");
                    let unit = step_unit(&config, mode);
                    assert_eq!(unit == StepUnit::ScanLevel, scanned, "{family:?} {mode:?}");
                    if scanned && len > 1 && family != Family::Mamba {
                        assert_eq!(got, scan_diagram(len).steps.len() as u64);
                    }
                }
            }
        }
    }
}
