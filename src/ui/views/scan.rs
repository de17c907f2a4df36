//! Scan view: the linear recurrence `h_t = a_t·h_{t−1} + b_t` computed sequentially, by
//! Hillis–Steele, by Blelloch and by a chunked scan, one level per step, with the work and
//! depth counted and the result checked against the sequential loop.
//!
//! The data comes from `core::scan` (the trace) and `core::scan_view` (inputs, picture,
//! verification); this file only draws it.

use leptos::html::Canvas;
use leptos::prelude::*;

use super::ViewEntry;
use crate::core::scan::{scan, sequential_values, tanh_hillis_steele, Affine, Algorithm};
use crate::core::scan_view::{
    chart_ns, combines_done, cost_curve, depth_done, mamba_channel, parse_value, phase_caption,
    picture, random_inputs, span_label, verify, NodeView, Picture, A_LIMIT, B_LIMIT, MAX_N,
};
use crate::ui::charts::scan::{draw, CostChartData, CostSeries};
use crate::ui::state::SharedInput;
use crate::ui::widgets::format::display_number;
use crate::ui::widgets::player::Player;
use crate::ui::widgets::slider::Slider;

/// Registry entry of the Scan view.
pub const ENTRY: ViewEntry = ViewEntry {
    id: "scan",
    title: "Scan",
    render: || view! { <ScanView/> }.into_any(),
};

/// Where the `(a_t, b_t)` come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    Mamba,
    Random,
}

/// The algorithm chosen in the selector (the chunked block size is a separate slider).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Sequential,
    HillisSteele,
    Blelloch,
    Chunked,
}

impl Kind {
    const ALL: [(Kind, &'static str, &'static str); 4] = [
        (
            Kind::Sequential,
            "sequential",
            "sequential (one combine per level)",
        ),
        (Kind::HillisSteele, "hillis-steele", "Hillis–Steele"),
        (
            Kind::Blelloch,
            "blelloch",
            "Blelloch (up-sweep, down-sweep)",
        ),
        (Kind::Chunked, "chunked", "chunked (block scans + carry)"),
    ];

    fn id(self) -> &'static str {
        Self::ALL.iter().find(|k| k.0 == self).map_or("", |k| k.1)
    }

    fn algorithm(self, block: usize) -> Algorithm {
        match self {
            Kind::Sequential => Algorithm::Sequential,
            Kind::HillisSteele => Algorithm::HillisSteele,
            Kind::Blelloch => Algorithm::Blelloch,
            Kind::Chunked => Algorithm::Chunked { block },
        }
    }
}

/// The 64 candidate inputs of the current source, and what they are.
#[derive(Debug, Clone, PartialEq)]
struct Base {
    a: Vec<f32>,
    b: Vec<f32>,
    tokens: Vec<String>,
    description: String,
    /// Why the source could not be used as asked (then the random values are shown).
    problem: Option<String>,
}

/// The inputs actually scanned.
#[derive(Debug, Clone, PartialEq)]
struct Inputs {
    a: Vec<f32>,
    b: Vec<f32>,
    /// n was capped at the sentence length (requested n, tokens).
    capped: Option<(usize, usize)>,
}

/// Per-index overrides of a_t and b_t typed by the user.
#[derive(Debug, Clone, PartialEq, Default)]
struct Edits {
    a: Vec<Option<f32>>,
    b: Vec<Option<f32>>,
}

impl Edits {
    fn new() -> Self {
        Edits {
            a: vec![None; MAX_N],
            b: vec![None; MAX_N],
        }
    }
}

/// Node geometry of the SVG (user units).
const PITCH: f64 = 84.0;
const NODE_W: f64 = 74.0;
const NODE_H: f64 = 50.0;
const ROW_BEFORE: f64 = 28.0;
const ROW_AFTER: f64 = 150.0;
const SVG_H: f64 = 212.0;

fn json(values: &[f32]) -> String {
    let cells: Vec<String> = values
        .iter()
        .map(|v| {
            if v.is_finite() {
                format!("{v}")
            } else {
                "null".to_string()
            }
        })
        .collect();
    format!("[{}]", cells.join(","))
}

/// A factor inside a product: negative numbers in parentheses.
fn factor(v: f32) -> String {
    if v < 0.0 {
        format!("({})", display_number(v))
    } else {
        display_number(v)
    }
}

fn pair_text(p: Affine<f32>) -> String {
    format!("({}, {})", display_number(p.a), display_number(p.b))
}

/// The arithmetic of node `i` of the "before" row or of the "after" row (`after`).
fn node_tip(p: &Picture, after: bool, i: usize) -> String {
    let row = if after { &p.after } else { &p.before };
    let Some(nv) = row.get(i) else {
        return String::new();
    };
    if !after {
        return format!(
            "node {i}: {} = {}{}",
            span_label(nv.span, nv.padding),
            pair_text(nv.value),
            match nv.span {
                Some(s) if s.first == 0 && !nv.padding => format!(
                    " — a prefix from step 0, so h_{} = b = {}",
                    s.last,
                    display_number(nv.value.b)
                ),
                None => " — the identity (1, 0): do nothing".to_string(),
                _ => String::new(),
            }
        );
    }
    let operand = |node: usize| p.before.get(node).map_or(Affine::identity(), |v| v.value);
    if let Some(c) = p.combines.iter().find(|c| c.dest == i) {
        let (e, l) = (operand(c.earlier.node), operand(c.later.node));
        return format!(
            "node {i} ← {} ∘ {} = {} ∘ {} = ({}·{}, {}·{} + {}) = {}",
            span_label(c.earlier.span, false),
            span_label(c.later.span, false),
            pair_text(e),
            pair_text(l),
            factor(e.a),
            factor(l.a),
            factor(l.a),
            factor(e.b),
            display_number(l.b),
            pair_text(nv.value),
        );
    }
    match p.moves.iter().find(|m| m.to == i) {
        Some(m) => match m.from {
            Some(f) => format!(
                "node {i} ← copy of node {f} = {} (no arithmetic)",
                pair_text(nv.value)
            ),
            None => format!("node {i} ← the identity (1, 0): the root is cleared"),
        },
        None => format!("node {i}: unchanged at this level, {}", pair_text(nv.value)),
    }
}

/// The Scan view.
#[component]
pub fn ScanView() -> impl IntoView {
    let input = expect_context::<SharedInput>();
    let n = RwSignal::new(8.0f64);
    let block = RwSignal::new(4.0f64);
    let source = RwSignal::new(Source::Mamba);
    let kind = RwSignal::new(Kind::HillisSteele);
    let edits = RwSignal::new(Edits::new());
    let edit_notice = RwSignal::new(None::<String>);
    let hover = RwSignal::new(None::<(bool, usize)>);
    let step = RwSignal::new(0usize);
    if let Some(url) = crate::ui::url_state::url_state() {
        url.bind_choice(
            "source",
            source,
            vec![(Source::Mamba, "mamba"), (Source::Random, "random")],
        );
        url.bind_choice(
            "algorithm",
            kind,
            Kind::ALL.iter().map(|&(k, id, _)| (k, id)).collect(),
        );
    }

    let base = Memo::new(move |_| {
        let seed = input.seed.get();
        let random = |problem: Option<String>| {
            let (a, b) = random_inputs(seed);
            Base {
                a,
                b,
                tokens: Vec::new(),
                description: format!(
                    "Random a_t, b_t ~ U(−1, 1) from seed {seed} (rounded to 2 decimals)."
                ),
                problem,
            }
        };
        match source.get() {
            Source::Random => random(None),
            Source::Mamba => {
                let tokens = input.tokens.with(|t| t.tokens.clone());
                let channel = input.embeddings.with(|e| mamba_channel(e.0.view(), seed));
                match channel {
                    Ok(ch) => Base {
                        description: format!(
                            "One real channel of a Mamba block (seed {seed}, untrained) run on the sentence: \
                             channel {} (its step Δ_t varies most, {}…{}), state {} (A = {}). \
                             a_t = exp(Δ_t·A) — a different decay for every token — and b_t = Δ_t·B_t·u_t.",
                            ch.channel,
                            display_number(ch.delta_range.0),
                            display_number(ch.delta_range.1),
                            ch.state,
                            display_number(ch.a_continuous),
                        ),
                        a: ch.a,
                        b: ch.b,
                        tokens,
                        problem: None,
                    },
                    Err(e) => random(Some(format!(
                        "The Mamba block cannot run on this sentence ({e}); showing random values instead."
                    ))),
                }
            }
        }
    });

    let inputs = Memo::new(move |_| {
        let wanted = (n.get().round() as usize).clamp(1, MAX_N);
        edits.with(|ed| {
            base.with(|b| {
                let len = wanted.min(b.a.len()).min(b.b.len());
                let pick = |values: &[f32], over: &[Option<f32>]| -> Vec<f32> {
                    (0..len)
                        .map(|t| over.get(t).copied().flatten().unwrap_or(values[t]))
                        .collect()
                };
                Inputs {
                    a: pick(&b.a, &ed.a),
                    b: pick(&b.b, &ed.b),
                    capped: (len < wanted).then_some((wanted, len)),
                }
            })
        })
    });
    let algorithm = Memo::new(move |_| kind.get().algorithm(block.get().round().max(1.0) as usize));
    let run = Memo::new(move |_| {
        let alg = algorithm.get();
        inputs.with(|i| scan(alg, &i.a, &i.b, true))
    });
    let reference = Memo::new(move |_| inputs.with(|i| sequential_values(&i.a, &i.b)));
    let verification = Memo::new(move |_| run.with(|r| reference.with(|s| verify(&r.h, s))));
    let tanh = Memo::new(move |_| inputs.with(|i| tanh_hillis_steele(&i.a, &i.b)));
    let hs_linear = Memo::new(move |_| {
        let h = inputs.with(|i| scan(Algorithm::HillisSteele, &i.a, &i.b, false).h);
        reference.with(|s| verify(&h, s))
    });
    let total_levels = Signal::derive(move || run.with(|r| r.trace.levels.len()));
    let shown = Memo::new(move |_| {
        let s = step.get();
        let count = inputs.with(|i| i.a.len());
        run.with(|r| picture(r, count, s))
    });

    let chart_data = Memo::new(move |_| {
        let b = block.get().round().max(1.0) as usize;
        let ns = chart_ns();
        let series = [
            ("sequential", (90, 90, 90), Algorithm::Sequential),
            ("Hillis–Steele", (214, 96, 0), Algorithm::HillisSteele),
            ("Blelloch", (43, 108, 176), Algorithm::Blelloch),
            ("chunked", (46, 140, 70), Algorithm::Chunked { block: b }),
        ]
        .into_iter()
        .map(|(name, color, alg)| CostSeries {
            name: if name == "chunked" {
                format!("chunked, block {b}")
            } else {
                name.to_string()
            },
            color,
            points: cost_curve(alg, &ns),
        })
        .collect();
        CostChartData {
            series,
            current_n: inputs.with(|i| i.a.len()),
        }
    });
    let canvas = NodeRef::<Canvas>::new();
    let chart_error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let Some(el) = canvas.get() else { return };
        chart_data.with(|data| {
            if let Err(e) = draw(&el, data) {
                chart_error.set(Some(format!("The chart could not be drawn: {e}")));
            }
        });
    });

    let set_edit = move |t: usize, is_b: bool, raw: String| {
        let limit = if is_b { B_LIMIT } else { A_LIMIT };
        let name = if is_b { "b" } else { "a" };
        match parse_value(&raw, limit) {
            Ok((v, note)) => {
                edits.update(|ed| {
                    let slot = if is_b { &mut ed.b } else { &mut ed.a };
                    if let Some(s) = slot.get_mut(t) {
                        *s = Some(v);
                    }
                });
                edit_notice.set(note.map(|n| format!("{name}_{t}: {n}.")));
            }
            Err(message) => edit_notice.set(Some(format!(
                "{name}_{t}: {message}; keeping the previous value."
            ))),
        }
    };

    let counters = move || {
        let s = step.get();
        let (done, total, levels_done, depth) =
            run.with(|r| (combines_done(r, s), r.combines, depth_done(r, s), r.depth));
        view! {
            <span class="scan-counter" data-testid="scan-work" data-done=done data-total=total>
                {format!("work: {done} / {total} combines")}
            </span>
            <span class="scan-counter" data-testid="scan-depth" data-done=levels_done data-total=depth>
                {format!("depth: {levels_done} / {depth} levels")}
            </span>
        }
    };

    let verified = move || {
        let v = verification.get();
        let text = if v.matches {
            format!(
                "✓ matches the sequential loop (max |difference| = {})",
                display_number(v.max_abs_diff)
            )
        } else {
            format!(
                "✗ differs from the sequential loop (max |difference| = {})",
                display_number(v.max_abs_diff)
            )
        };
        view! {
            <span class="scan-counter" class:scan-bad=!v.matches data-testid="scan-verified"
                data-match=v.matches.to_string() data-max-diff=v.max_abs_diff.to_string()>
                {text}
            </span>
        }
    };

    // Keep the first node written at this level in sight when the row is wider than the box.
    let svg_box = NodeRef::<leptos::html::Div>::new();
    Effect::new(move |_| {
        let first = shown.with(|p| p.after.iter().position(|v| v.changed));
        let Some(el) = svg_box.get() else { return };
        if let Some(i) = first {
            let x = (4.0 + i as f64 * PITCH) as i32;
            let (left, width) = (el.scroll_left(), el.client_width());
            if x < left || x + PITCH as i32 > left + width {
                el.set_scroll_left((x - 40).max(0));
            }
        }
    });

    // One listener for every node (event delegation): the hovered node's row and index.
    let on_hover = move |ev: leptos::ev::MouseEvent| {
        use wasm_bindgen::JsCast;
        let node = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.closest(".scan-node").ok().flatten());
        if let Some(el) = node {
            let after = el.get_attribute("data-row").as_deref() == Some("after");
            if let Some(i) = el
                .get_attribute("data-i")
                .and_then(|v| v.parse::<usize>().ok())
            {
                hover.set(Some((after, i)));
            }
        }
    };
    let hover_text = move || {
        hover.get().map_or_else(
            || "Hover a node to see its arithmetic.".to_string(),
            |(after, i)| shown.with(|p| node_tip(p, after, i)),
        )
    };

    let svg = move || {
        shown.with(|p| {
            let count = p.before.len().max(1);
            let width = count as f64 * PITCH + 8.0;
            let x_of = |i: usize| 4.0 + i as f64 * PITCH + (PITCH - NODE_W) / 2.0;
            let node = |i: usize, nv: &NodeView, y: f64, row: &'static str| {
                let x = x_of(i);
                let class = format!(
                    "scan-node{}{}{}",
                    if nv.changed { " scan-changed" } else { "" },
                    if nv.padding { " scan-pad" } else { "" },
                    if row == "after" && !nv.changed { " scan-same" } else { "" },
                );
                let range = span_label(nv.span, nv.padding);
                let range_attr = range.clone();
                view! {
                    <g class=class data-i=i data-row=row data-range=range_attr>
                        <rect x=x y=y width=NODE_W height=NODE_H rx="4"></rect>
                        <text x=x + NODE_W / 2.0 y=y + 14.0 class="scan-range">{range}</text>
                        <text x=x + NODE_W / 2.0 y=y + 29.0>{format!("a {}", display_number(nv.value.a))}</text>
                        <text x=x + NODE_W / 2.0 y=y + 43.0>{format!("b {}", display_number(nv.value.b))}</text>
                    </g>
                }
            };
            let before: Vec<_> = p
                .before
                .iter()
                .enumerate()
                .map(|(i, nv)| node(i, nv, ROW_BEFORE, "before"))
                .collect();
            let after: Vec<_> = p
                .after
                .iter()
                .enumerate()
                .map(|(i, nv)| node(i, nv, ROW_AFTER, "after"))
                .collect();
            let arrow = |from: usize, to: usize, shift: f64, class: &'static str| {
                let x1 = x_of(from) + NODE_W / 2.0 + shift * 0.6;
                let x2 = x_of(to) + NODE_W / 2.0 + shift;
                let y1 = ROW_BEFORE + NODE_H;
                let y2 = ROW_AFTER - 3.0;
                view! {
                    <line class=class x1=x1 y1=y1 x2=x2 y2=y2 marker-end="url(#scan-arrow)"></line>
                }
            };
            let mut arrows = Vec::new();
            for c in &p.combines {
                arrows.push(arrow(c.earlier.node, c.dest, -9.0, "scan-arrow-earlier"));
                arrows.push(arrow(c.later.node, c.dest, 9.0, "scan-arrow-later"));
            }
            for m in &p.moves {
                if let Some(f) = m.from {
                    arrows.push(arrow(f, m.to, 0.0, "scan-arrow-move"));
                }
            }
            let mut caption = p.phase.map_or_else(
                || "the inputs (a_t, b_t): press ▶| to run the first level".to_string(),
                phase_caption,
            );
            if p.moves.iter().any(|m| m.from.is_none()) {
                caption.push_str(" — first the root is cleared to the identity (1, 0)");
            }
            let separators: Vec<_> = match algorithm.get() {
                Algorithm::Chunked { block } if block < count => (1..count.div_ceil(block))
                    .map(|k| {
                        let x = 4.0 + (k * block) as f64 * PITCH;
                        view! { <line class="scan-block-edge" x1=x y1="4" x2=x y2=SVG_H - 4.0></line> }
                    })
                    .collect(),
                _ => Vec::new(),
            };
            let after_label = if p.after.is_empty() { "" } else { "after" };
            view! {
                <p class="scan-phase" data-testid="scan-phase">{caption}</p>
                <div class="scan-svg-box" node_ref=svg_box>
                    <svg data-testid="scan-svg" on:mouseover=on_hover width=width height=SVG_H viewBox=format!("0 0 {width} {SVG_H}")
                        role="img" aria-label="Nodes of the scan before and after the current level">
                        <defs>
                            <marker id="scan-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
                                <path d="M 0 0 L 10 5 L 0 10 z"></path>
                            </marker>
                        </defs>
                        <text x="4" y="20" class="scan-row-label">"before"</text>
                        <text x="4" y=ROW_AFTER - 8.0 class="scan-row-label">{after_label}</text>
                        {separators}
                        {arrows}
                        {before}
                        {after}
                    </svg>
                </div>
            }
        })
    };

    let table = move || {
        inputs.with(|inp| {
            let h = run.with(|r| r.h.clone());
            let tokens = base.with(|b| b.tokens.clone());
            let seq = reference.get();
            inp.a
                .iter()
                .zip(&inp.b)
                .enumerate()
                .map(|(t, (&a, &b))| {
                    let token = tokens.get(t).cloned().unwrap_or_default();
                    let field = move |is_b: bool, v: f32| {
                        let name = if is_b { "b" } else { "a" };
                        view! {
                            <input type="text" inputmode="decimal" class="scan-num"
                                data-testid=format!("scan-input-{name}-{t}")
                                aria-label=format!("{name}_{t}")
                                prop:value=format!("{v}")
                                on:change:target=move |ev| set_edit(t, is_b, ev.target().value())
                            />
                        }
                    };
                    view! {
                        <tr>
                            <td>{t}</td>
                            <td class="scan-token">{token}</td>
                            <td>{field(false, a)}</td>
                            <td>{field(true, b)}</td>
                            <td>{seq.get(t).map(|v| display_number(*v)).unwrap_or_default()}</td>
                            <td data-testid=format!("scan-h-{t}")>{h.get(t).map(|v| display_number(*v)).unwrap_or_default()}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };

    let tanh_panel = move || {
        tanh.with(|c| {
            let linear = hs_linear.get();
            let worst = c
                .abs_error
                .iter()
                .enumerate()
                .max_by(|x, y| x.1.total_cmp(y.1))
                .map_or(0, |(t, _)| t);
            let len = c.exact.len();
            let (w, h) = (560.0, 110.0);
            let x_of = |t: usize| 30.0 + t as f64 * (w - 40.0) / (len.max(2) - 1) as f64;
            let y_of = |v: f32| h / 2.0 - f64::from(v.clamp(-1.0, 1.0)) * (h / 2.0 - 8.0);
            let line = |values: &[f32]| {
                values
                    .iter()
                    .enumerate()
                    .map(|(t, &v)| format!("{:.1},{:.1}", x_of(t), y_of(v)))
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            let exact_points = line(&c.exact);
            let pseudo_points = line(&c.pseudo.h);
            let hint = (c.max_abs_error < 1e-4).then_some(
                "Here the error is tiny because the values are small, where tanh is almost linear; \
                 choose Random inputs or type larger a_t, b_t to see the scan fail.",
            );
            view! {
                <p data-testid="scan-tanh" data-max-error=c.max_abs_error.to_string()
                    data-exact=json(&c.exact) data-pseudo=json(&c.pseudo.h)>
                    {format!(
                        "Measured: the tanh recurrence run through the Hillis–Steele pattern is off by up to {} (at t = {worst}); \
                         the same pattern on the linear recurrence is off by {} (float rounding).",
                        display_number(c.max_abs_error),
                        display_number(linear.max_abs_diff),
                    )}
                </p>
                <p class="scan-hint">{hint}</p>
                <svg class="scan-tanh-svg" width=w height=h viewBox=format!("0 0 {w} {h}") role="img"
                    aria-label="True tanh recurrence (solid) and the scanned imitation (dashed) per step">
                    <line x1="30" y1=h / 2.0 x2=w - 10.0 y2=h / 2.0 class="scan-axis"></line>
                    <text x="2" y="12" class="scan-row-label">"+1"</text>
                    <text x="2" y=h - 2.0 class="scan-row-label">"−1"</text>
                    <polyline points=exact_points class="scan-exact"></polyline>
                    <polyline points=pseudo_points class="scan-pseudo"></polyline>
                </svg>
            }
        })
    };

    view! {
        <section class="view scan-view" data-testid="view-scan"
            data-n=move || inputs.with(|i| i.a.len())
            data-algorithm=move || kind.get().id()
            data-a=move || inputs.with(|i| json(&i.a))
            data-b=move || inputs.with(|i| json(&i.b))
            data-h=move || run.with(|r| json(&r.h))
        >
            <h2>"Scan: a linear recurrence in O(log n) parallel steps"</h2>
            <p>
                "Each step h_t = a_t·h_{t−1} + b_t is the affine map (a_t, b_t). Two consecutive maps compose into one, "
                "and composition is associative, so the prefixes can be combined in a tree instead of a chain. "
                "Step through the levels: every arrow pair is one combine, and every combine of a level could run at the same time. "
                "Watch the counters: the parallel scans need far fewer levels (depth) but not fewer combines (work)."
            </p>
            <div class="scan-controls">
                <Slider label="elements n" param="n" min=1.0 max=MAX_N as f64 step=1.0 value=n />
                <label class="scan-select">"source "
                    <select data-testid="scan-source"
                        on:change:target=move |ev| {
                            let s = if ev.target().value() == "random" { Source::Random } else { Source::Mamba };
                            source.set(s);
                            edits.set(Edits::new());
                            edit_notice.set(None);
                            step.set(0);
                        }>
                        <option value="mamba" selected=move || source.get() == Source::Mamba>"Mamba channel on the sentence"</option>
                        <option value="random" selected=move || source.get() == Source::Random>"random (seeded)"</option>
                    </select>
                </label>
                <label class="scan-select">"algorithm "
                    <select data-testid="scan-algorithm"
                        on:change:target=move |ev| {
                            let v = ev.target().value();
                            if let Some(k) = Kind::ALL.iter().find(|k| k.1 == v) {
                                kind.set(k.0);
                                step.set(0);
                                hover.set(None);
                            }
                        }>
                        {Kind::ALL.iter().map(|&(k, id, title)| view! {
                            <option value=id selected=move || kind.get() == k>{title}</option>
                        }).collect_view()}
                    </select>
                </label>
                <Show when=move || kind.get() == Kind::Chunked>
                    <Slider label="block size" param="block" unit="steps" min=1.0 max=MAX_N as f64 step=1.0 value=block />
                </Show>
            </div>
            <p class="scan-source-note" data-testid="scan-source-note">{move || base.with(|b| b.description.clone())}</p>
            <p class="notice" role="status" data-testid="scan-cap-notice">{move || {
                let problem = base.with(|b| b.problem.clone());
                let cap = inputs.with(|i| i.capped).map(|(wanted, len)| format!(
                    "The sentence has {len} tokens, so n is capped at {len} (asked for {wanted}); choose the random source for up to {MAX_N} elements."
                ));
                match (problem, cap) {
                    (Some(p), Some(c)) => Some(format!("{p} {c}")),
                    (p, c) => p.or(c),
                }
            }}</p>
            <p class="scan-operator">
                "Operator: (a₁, b₁) ∘ (a₂, b₂) = (a₁·a₂, a₂·b₁ + b₂) — the earlier map on the left. "
                <span class="scan-key-earlier">"━ earlier operand"</span>" "
                <span class="scan-key-later">"━ later operand"</span>" "
                <span class="scan-key-move">"┅ copy"</span>
                ". Node label: the steps [j..i] it has composed, then its (a, b); a node [0..i] holds h_i = b."
            </p>
            <Player step=step total=total_levels unit="level" />
            <div class="scan-counters">
                {counters}
                {verified}
            </div>
            {svg}
            <p class="scan-hover" data-testid="scan-hover" aria-live="polite">{hover_text}</p>
            <p class="scan-note">{move || (kind.get() == Kind::Blelloch).then_some(
                "Blelloch pads to a power of two with the identity (1, 0) (dashed nodes; their combines are counted). \
                 The down-sweep leaves exclusive prefixes: h_t is read from node t+1, the last one from the total saved before the root was cleared."
            )}</p>

            <details class="scan-inputs" open>
                <summary>"Inputs a_t, b_t (editable) and outputs h_t"</summary>
                <p class="notice" role="status" data-testid="scan-edit-notice">{move || edit_notice.get()}</p>
                <button data-testid="scan-reset-edits" on:click=move |_| { edits.set(Edits::new()); edit_notice.set(None); }>"undo my edits"</button>
                <div class="scan-table-box">
                    <table class="scan-table">
                        <thead><tr><th>"t"</th><th>"token"</th><th>"a_t"</th><th>"b_t"</th><th>"h_t sequential"</th><th>"h_t this scan"</th></tr></thead>
                        <tbody>{table}</tbody>
                    </table>
                </div>
            </details>

            <h3>"Work and depth vs n"</h3>
            <p class="scan-how">
                "How to read this: left, the number of combines (work); right, the levels that must run one after another (depth); both axes logarithmic, the grey line is your n."
            </p>
            <canvas node_ref=canvas class="scan-chart" data-testid="scan-cost-chart"
                data-series=move || chart_data.with(|d| {
                    let parts: Vec<String> = d.series.iter().map(|s| {
                        let pts: Vec<String> = s.points.iter().filter(|p| p.0 <= MAX_N)
                            .map(|p| format!("[{},{},{}]", p.0, p.1, p.2)).collect();
                        format!("\"{}\":[{}]", s.name, pts.join(","))
                    }).collect();
                    format!("{{{}}}", parts.join(","))
                })
            ></canvas>
            <p class="notice">{move || chart_error.get()}</p>
            <p class="scan-caption">
                "The notes' “n log n” is the work of the simple Hillis–Steele scan (Σ (n − 2^d) ≈ n·log₂ n combines). "
                "Blelloch's work-efficient scan does O(n) work — 2(m − 1) combines with m = 2^⌈log₂ n⌉, padding included — "
                "and both have O(log n) depth: ⌈log₂ n⌉ and 2·log₂ m levels, against n − 1 for the sequential loop, which does the least work of all. "
                "The chunked scan, like hardware-aware kernels such as Mamba's, runs short sequential scans inside blocks and passes a carry between them."
            </p>

            <h3>"Why not a tanh RNN?"</h3>
            <p>
                "Take h_t = tanh(a_t·h_{t−1} + b_t) and run the same Hillis–Steele pattern as if tanh steps composed like affine ones "
                "(each combine feeds the earlier node's tanh into the later pre-activation). One step is right, but a tanh of a tanh is not "
                "another tanh step — the composition is not closed and the combine is not associative — so the tree order gives a different answer."
            </p>
            {tanh_panel}
            <p class="scan-how">"How to read this: solid, the true tanh recurrence h_t; dashed, what the scan pattern produces; one point per step t."</p>
        </section>
    }
}
