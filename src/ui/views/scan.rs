//! Scan view: the linear recurrence `h_t = a_t·h_{t−1} + b_t` computed sequentially, by
//! Hillis–Steele, by Blelloch and by a chunked scan, one level per step, with the work and
//! depth counted and the result checked against the sequential loop.
//!
//! The data comes from `core::scan` (the trace) and `core::scan_view` (inputs, picture,
//! verification); this file only draws it.

use leptos::html::Canvas;
use leptos::prelude::*;

use super::ViewEntry;
use crate::core::scan::{scan, sequential_values, tanh_hillis_steele, Affine, Algorithm, Phase};
use crate::core::scan_view::{
    chart_ns, combines_done, cost_curve, depth_done, mamba_channel, parse_value, phase_caption,
    picture, random_inputs, span_label, verify, Picture, A_LIMIT, B_LIMIT, MAX_N,
};
use crate::ui::charts::scan::{draw, CostChartData, CostSeries};
use crate::ui::i18n::{core_error, lang, lang_untracked, show, t, tr, Lang, Tr};
use crate::ui::state::SharedInput;
use crate::ui::theme::chart_palette;
use crate::ui::url_state::Parsed;
use crate::ui::widgets::format::display_number;
use crate::ui::widgets::player::Player;
use crate::ui::widgets::slider::Slider;

/// Registry entry of the Scan view.
pub const ENTRY: ViewEntry = ViewEntry {
    id: "scan",
    title: tr("Scan", "Scan paralelo"),
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
    const ALL: [(Kind, &'static str, Tr); 4] = [
        (
            Kind::Sequential,
            "sequential",
            tr(
                "sequential (one combine per level)",
                "secuencial (una combinación por nivel)",
            ),
        ),
        (
            Kind::HillisSteele,
            "hillis-steele",
            Tr::same("Hillis–Steele"),
        ),
        (
            Kind::Blelloch,
            "blelloch",
            tr(
                "Blelloch (up-sweep, down-sweep)",
                "Blelloch (barrido ascendente y descendente)",
            ),
        ),
        (
            Kind::Chunked,
            "chunked",
            tr(
                "chunked (block scans + carry)",
                "por bloques (scans en bloques + arrastre)",
            ),
        ),
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

impl Edits {
    /// The edited values only, as `a3=0.5,b7=-1.25` (the link form).
    fn to_url(&self) -> String {
        let named = |name: &'static str, values: &[Option<f32>]| {
            values
                .iter()
                .enumerate()
                .filter_map(move |(t, v)| v.map(|v| format!("{name}{t}={v}")))
                .collect::<Vec<_>>()
        };
        let mut parts = named("a", &self.a);
        parts.extend(named("b", &self.b));
        parts.join(",")
    }

    /// Reads [`Edits::to_url`]'s form: positions past `MAX_N` are invalid, values beyond the
    /// limits are clamped exactly as typed ones are (`parse_value`).
    fn from_url(raw: &str) -> Parsed<Edits> {
        let mut edits = Edits::new();
        let mut clamped = Vec::new();
        for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let invalid = || {
                Parsed::Invalid(
                    lang_untracked()
                        .pick(
                            format!("“{part}” is not an edit like a3=0.5"),
                            format!("«{part}» no es un cambio como a3=0.5"),
                        )
                        .to_string(),
                )
            };
            let Some((slot, value)) = part.split_once('=') else {
                return invalid();
            };
            let (is_b, position) = match slot.split_at_checked(1) {
                Some(("a", t)) => (false, t),
                Some(("b", t)) => (true, t),
                _ => return invalid(),
            };
            let Some(t) = position.parse::<usize>().ok().filter(|&t| t < MAX_N) else {
                return invalid();
            };
            let Ok((v, note)) = parse_value(value, if is_b { B_LIMIT } else { A_LIMIT }) else {
                return invalid();
            };
            if note.is_some() {
                clamped.push(format!("{slot} → {v}"));
            }
            if is_b {
                edits.b[t] = Some(v);
            } else {
                edits.a[t] = Some(v);
            }
        }
        if clamped.is_empty() {
            Parsed::Valid(edits)
        } else {
            let list = clamped.join(", ");
            let why = lang_untracked().pick(
                format!("values outside the limits were clamped: {list}"),
                format!("los valores fuera de los límites se recortaron: {list}"),
            );
            Parsed::Clamped(edits, why)
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
/// Step-table rows added together with a change of n; the rest follow after the next frame.
const ROWS_AT_ONCE: usize = 16;

/// Left edge of node `i`'s box in the level diagram.
fn x_of(i: usize) -> f64 {
    4.0 + i as f64 * PITCH + (PITCH - NODE_W) / 2.0
}

/// The sentence above the level diagram: what the level shown does.
fn scan_caption(p: &Picture, lang: Lang) -> String {
    let mut caption = p.phase.map_or_else(
        || {
            lang.pick(
                "the inputs (a_t, b_t): press ▶| to run the first level",
                "las entradas (a_t, b_t): pulsa ▶| para ejecutar el primer nivel",
            )
            .to_string()
        },
        |phase| phase_text(phase, lang),
    );
    if p.moves.iter().any(|m| m.from.is_none()) {
        caption.push_str(lang.pick(
            " — first the root is cleared to the identity (1, 0)",
            " — primero se vacía la raíz con la identidad (1, 0)",
        ));
    }
    caption
}

/// The level diagram's nodes, arrows and block edges as one SVG string, parsed by the browser
/// in one call (hundreds of elements built one attribute call at a time cost a frame of their
/// own when n changes). Text is escaped; it holds numbers, span notation and "pad".
fn diagram_markup(p: &Picture, algorithm: Algorithm, lang: Lang) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity((p.before.len() + p.after.len()) * 400);
    // Vertical lines between the chunked scan's blocks.
    if let Algorithm::Chunked { block } = algorithm {
        let count = p.before.len();
        if block > 0 && block < count {
            for k in 1..count.div_ceil(block) {
                let x = 4.0 + (k * block) as f64 * PITCH;
                let _ = write!(
                    out,
                    r#"<line class="scan-block-edge" x1="{x}" y1="4" x2="{x}" y2="{}"></line>"#,
                    SVG_H - 4.0
                );
            }
        }
    }
    // Arrows of the level shown: two per combine (earlier and later operand), one per move.
    let mut arrow = |from: usize, to: usize, shift: f64, class: &str| {
        let _ = write!(
            out,
            r#"<line class="{class}" x1="{}" y1="{}" x2="{}" y2="{}" marker-end="url(#scan-arrow)"></line>"#,
            x_of(from) + NODE_W / 2.0 + shift * 0.6,
            ROW_BEFORE + NODE_H,
            x_of(to) + NODE_W / 2.0 + shift,
            ROW_AFTER - 3.0
        );
    };
    for c in &p.combines {
        arrow(c.earlier.node, c.dest, -9.0, "scan-arrow-earlier");
        arrow(c.later.node, c.dest, 9.0, "scan-arrow-later");
    }
    for m in &p.moves {
        if let Some(f) = m.from {
            arrow(f, m.to, 0.0, "scan-arrow-move");
        }
    }
    for (row, nodes, y) in [
        ("before", &p.before, ROW_BEFORE),
        ("after", &p.after, ROW_AFTER),
    ] {
        for (i, nv) in nodes.iter().enumerate() {
            let range_attr = span_label(nv.span, nv.padding);
            // "pad" is the core's word for a padding node; the rest ([j..i], ∅) is notation.
            let range = if range_attr == "pad" {
                lang.pick("pad", "relleno").to_string()
            } else {
                range_attr.clone()
            };
            let (x, mid) = (x_of(i), x_of(i) + NODE_W / 2.0);
            let _ = write!(
                out,
                r#"<g class="scan-node{}{}{}" data-i="{i}" data-row="{row}" data-range="{}"><rect x="{x}" y="{y}" width="{NODE_W}" height="{NODE_H}" rx="4"></rect><text x="{mid}" y="{}" class="scan-range">{}</text><text x="{mid}" y="{}">a {}</text><text x="{mid}" y="{}">b {}</text></g>"#,
                if nv.changed { " scan-changed" } else { "" },
                if nv.padding { " scan-pad" } else { "" },
                if row == "after" && !nv.changed {
                    " scan-same"
                } else {
                    ""
                },
                escape(&range_attr),
                y + 14.0,
                escape(&range),
                y + 29.0,
                escape(&display_number(nv.value.a)),
                y + 43.0,
                escape(&display_number(nv.value.b)),
            );
        }
    }
    out
}

/// `text` safe inside SVG markup, as text or an attribute value.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;")
}

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

/// A scan level's caption in `lang` (the core words it in English; the same cases here).
fn phase_text(phase: Phase, lang: Lang) -> String {
    match lang {
        Lang::En => phase_caption(phase),
        Lang::Es => match phase {
            Phase::Sequential => {
                "secuencial: una combinación, esperando a la anterior".to_string()
            }
            Phase::HillisSteele { offset } => format!(
                "Hillis–Steele, desplazamiento {offset}: cada nodo i ≥ {offset} toma nodo i−{offset} ∘ nodo i"
            ),
            Phase::UpSweep { stride } => format!(
                "Blelloch, barrido ascendente, paso {stride}: los pares se reducen en el nodo derecho"
            ),
            Phase::DownSweep { stride } => format!(
                "Blelloch, barrido descendente, paso {stride}: izquierdo ← padre (discontinua), derecho ← padre ∘ izquierdo anterior"
            ),
            Phase::Local { step } => format!(
                "por bloques, paso local {step}: cada bloque extiende a la vez su propio prefijo"
            ),
            Phase::Carry { block } => format!(
                "por bloques, arrastre al bloque {block}: cada nodo del bloque toma el final del bloque {} ∘ nodo",
                block - 1
            ),
        },
    }
}

/// The arithmetic of node `i` of the "before" row or of the "after" row (`after`).
fn node_tip(p: &Picture, after: bool, i: usize, lang: Lang) -> String {
    let row = if after { &p.after } else { &p.before };
    let Some(nv) = row.get(i) else {
        return String::new();
    };
    if !after {
        let (span, pair) = (span_label(nv.span, nv.padding), pair_text(nv.value));
        let tail = match nv.span {
            Some(s) if s.first == 0 && !nv.padding => {
                let (last, b) = (s.last, display_number(nv.value.b));
                match lang {
                    Lang::En => format!(" — a prefix from step 0, so h_{last} = b = {b}"),
                    Lang::Es => {
                        format!(" — un prefijo desde el paso 0, así que h_{last} = b = {b}")
                    }
                }
            }
            None => lang
                .pick(
                    " — the identity (1, 0): do nothing",
                    " — la identidad (1, 0): no hace nada",
                )
                .to_string(),
            _ => String::new(),
        };
        return format!("{} {i}: {span} = {pair}{tail}", lang.pick("node", "nodo"));
    }
    let operand = |node: usize| p.before.get(node).map_or(Affine::identity(), |v| v.value);
    if let Some(c) = p.combines.iter().find(|c| c.dest == i) {
        let (e, l) = (operand(c.earlier.node), operand(c.later.node));
        return format!(
            "{} {i} ← {} ∘ {} = {} ∘ {} = ({}·{}, {}·{} + {}) = {}",
            lang.pick("node", "nodo"),
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
            Some(f) => {
                let pair = pair_text(nv.value);
                match lang {
                    Lang::En => format!("node {i} ← copy of node {f} = {pair} (no arithmetic)"),
                    Lang::Es => format!("nodo {i} ← copia del nodo {f} = {pair} (sin aritmética)"),
                }
            }
            None => match lang {
                Lang::En => format!("node {i} ← the identity (1, 0): the root is cleared"),
                Lang::Es => format!("nodo {i} ← la identidad (1, 0): se vacía la raíz"),
            },
        },
        None => {
            let pair = pair_text(nv.value);
            match lang {
                Lang::En => format!("node {i}: unchanged at this level, {pair}"),
                Lang::Es => format!("nodo {i}: sin cambios en este nivel, {pair}"),
            }
        }
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
    // Notices made in event handlers keep both languages; the view shows the current one.
    let edit_notice = RwSignal::new(None::<(String, String)>);
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
        url.bind("edits", false, edits, Edits::to_url, Edits::from_url);
    }

    // The descriptions are worded here, so a language switch reruns this memo (one small
    // Mamba channel); the inputs memo below compares equal and stops the update there.
    let base = Memo::new(move |_| {
        let seed = input.seed.get();
        let lang = lang();
        let random = |problem: Option<String>| {
            let (a, b) = random_inputs(seed);
            Base {
                a,
                b,
                tokens: Vec::new(),
                description: match lang {
                    Lang::En => format!(
                        "Random a_t, b_t ~ U(−1, 1) from seed {seed} (rounded to 2 decimals)."
                    ),
                    Lang::Es => format!(
                        "a_t, b_t aleatorios ~ U(−1, 1) a partir de la semilla {seed} (redondeados a 2 decimales)."
                    ),
                },
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
                        description: {
                            let (channel, state) = (ch.channel, ch.state);
                            let low = display_number(ch.delta_range.0);
                            let high = display_number(ch.delta_range.1);
                            let a = display_number(ch.a_continuous);
                            match lang {
                                Lang::En => format!(
                                    "One real channel of a Mamba block (seed {seed}, untrained) run on the sentence: \
                                     channel {channel} (its step Δ_t varies most, {low}…{high}), state {state} (A = {a}). \
                                     a_t = exp(Δ_t·A) — a different decay for every token — and b_t = Δ_t·B_t·u_t."
                                ),
                                Lang::Es => format!(
                                    "Un canal real de un bloque Mamba (semilla {seed}, sin entrenar) ejecutado sobre la frase: \
                                     el canal {channel} (donde más varía su paso Δ_t, {low}…{high}), estado {state} (A = {a}). \
                                     a_t = exp(Δ_t·A) — un decaimiento distinto para cada token — y b_t = Δ_t·B_t·u_t."
                                ),
                            }
                        },
                        a: ch.a,
                        b: ch.b,
                        tokens,
                        problem: None,
                    },
                    Err(e) => {
                        let e = core_error(&e);
                        random(Some(match lang {
                            Lang::En => format!(
                                "The Mamba block cannot run on this sentence ({e}); showing random values instead."
                            ),
                            Lang::Es => format!(
                                "El bloque Mamba no puede ejecutarse sobre esta frase ({e}); se muestran valores aleatorios en su lugar."
                            ),
                        }))
                    }
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

    // The measured curves run ~100 scans per algorithm: they depend on the block size and the
    // language only, so moving the n slider just moves the chart's "current n" marker.
    let chart_series = Memo::new(move |_| {
        let b = block.get().round().max(1.0) as usize;
        let ns = chart_ns();
        let lang = lang();
        let muted = chart_palette().muted;
        [
            (
                "sequential",
                (muted.0, muted.1, muted.2),
                Algorithm::Sequential,
            ),
            ("Hillis–Steele", (214, 96, 0), Algorithm::HillisSteele),
            ("Blelloch", (43, 108, 176), Algorithm::Blelloch),
            ("chunked", (46, 140, 70), Algorithm::Chunked { block: b }),
        ]
        .into_iter()
        .map(|(name, color, alg)| CostSeries {
            name: match (name, lang) {
                ("chunked", Lang::En) => format!("chunked, block {b}"),
                ("chunked", Lang::Es) => format!("por bloques, bloque {b}"),
                ("sequential", Lang::Es) => "secuencial".to_string(),
                _ => name.to_string(),
            },
            color,
            points: cost_curve(alg, &ns),
        })
        .collect::<Vec<_>>()
    });
    let chart_data = Memo::new(move |_| {
        let lang = lang();
        CostChartData {
            series: chart_series.get(),
            current_n: inputs.with(|i| i.a.len()),
            titles: [
                lang.pick("work: combines (log)", "trabajo: combinaciones (log)")
                    .to_string(),
                lang.pick(
                    "depth: levels one after another (log)",
                    "profundidad: niveles uno tras otro (log)",
                )
                .to_string(),
            ],
        }
    });
    let canvas = NodeRef::<Canvas>::new();
    let chart_error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let Some(el) = canvas.get() else { return };
        chart_data.with(|data| {
            if let Err(e) = draw(&el, data) {
                chart_error.set(Some(format!(
                    "{} {e}",
                    tr(
                        "The chart could not be drawn:",
                        "No se pudo dibujar el gráfico:"
                    )
                    .now()
                )));
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
                // The core words the note in English; the Spanish is worded here from the
                // same numbers (what was typed, the limit, the value used).
                edit_notice.set(note.map(|n| {
                    let typed = raw.trim().replace('−', "-");
                    (
                        format!("{name}_{t}: {n}."),
                        format!(
                            "{name}_{t}: {typed} está fuera de [−{limit}, {limit}]: se usa {v}."
                        ),
                    )
                }));
            }
            Err(message) => {
                let typed = raw.trim();
                edit_notice.set(Some((
                    format!("{name}_{t}: {message}; keeping the previous value."),
                    format!(
                        "{name}_{t}: «{typed}» no es un número: escribe un valor entre −{limit} y {limit}; se mantiene el valor anterior."
                    ),
                )))
            }
        }
    };

    let counters = move || {
        let s = step.get();
        let lang = lang();
        let (done, total, levels_done, depth) =
            run.with(|r| (combines_done(r, s), r.combines, depth_done(r, s), r.depth));
        view! {
            <span class="scan-counter" data-testid="scan-work" data-done=done data-total=total>
                {match lang {
                    Lang::En => format!("work: {done} / {total} combines"),
                    Lang::Es => format!("trabajo: {done} / {total} combinaciones"),
                }}
            </span>
            <span class="scan-counter" data-testid="scan-depth" data-done=levels_done data-total=depth>
                {match lang {
                    Lang::En => format!("depth: {levels_done} / {depth} levels"),
                    Lang::Es => format!("profundidad: {levels_done} / {depth} niveles"),
                }}
            </span>
        }
    };

    let verified = move || {
        let v = verification.get();
        let diff = display_number(v.max_abs_diff);
        let text = match (v.matches, lang()) {
            (true, Lang::En) => {
                format!("✓ matches the sequential loop (max |difference| = {diff})")
            }
            (true, Lang::Es) => {
                format!("✓ coincide con el bucle secuencial (máx. |diferencia| = {diff})")
            }
            (false, Lang::En) => {
                format!("✗ differs from the sequential loop (max |difference| = {diff})")
            }
            (false, Lang::Es) => {
                format!("✗ difiere del bucle secuencial (máx. |diferencia| = {diff})")
            }
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
            || {
                tr(
                    "Hover a node to see its arithmetic.",
                    "Pasa el puntero sobre un nodo para ver sus cuentas.",
                )
                .now()
                .to_string()
            },
            |(after, i)| shown.with(|p| node_tip(p, after, i, lang())),
        )
    };

    let before_count = Memo::new(move |_| shown.with(|p| p.before.len()));
    let after_count = Memo::new(move |_| shown.with(|p| p.after.len()));

    let svg = move || {
        let lang = lang();
        let width = move || before_count.get().max(1) as f64 * PITCH + 8.0;
        let after_label = move || {
            if after_count.get() == 0 {
                ""
            } else {
                lang.pick("after", "después")
            }
        };
        view! {
            <p class="scan-phase" data-testid="scan-phase">{move || shown.with(|p| scan_caption(p, lang))}</p>
            <div class="scan-svg-box" node_ref=svg_box>
                <svg data-testid="scan-svg" on:mouseover=on_hover width=width height=SVG_H viewBox=move || format!("0 0 {} {SVG_H}", width())
                    role="img" aria-label=lang.pick("Nodes of the scan before and after the current level", "Nodos del scan antes y después del nivel actual")>
                    <defs>
                        <marker id="scan-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
                            <path d="M 0 0 L 10 5 L 0 10 z"></path>
                        </marker>
                    </defs>
                    <text x="4" y="20" class="scan-row-label">{lang.pick("before", "antes")}</text>
                    <text x="4" y=ROW_AFTER - 8.0 class="scan-row-label">{after_label}</text>
                    <g inner_html=move || shown.with(|p| diagram_markup(p, algorithm.get(), lang))></g>
                </svg>
            </div>
        }
    };

    // One keyed row per step t: changing n adds or removes rows, the others update in place
    // (rebuilding every row with its two inputs was the largest part of a slider change).
    let row_count = Memo::new(move |_| inputs.with(|i| i.a.len()));
    // New rows beyond the first few (two text inputs each: 31 of them cost more than a frame)
    // are added in the first task after the frame that shows the slider's change; they sit
    // below the table's fold anyway.
    let rows_shown = RwSignal::new(row_count.get_untracked());
    Effect::new(move |_| {
        let wanted = row_count.get();
        let now = rows_shown.get_untracked();
        if wanted <= now.max(ROWS_AT_ONCE) {
            rows_shown.set(wanted);
        } else {
            rows_shown.set(now.max(ROWS_AT_ONCE));
            crate::ui::influence::after_next_frame(move || {
                // Unless n changed again meanwhile (or the view is gone).
                if row_count.try_get_untracked() == Some(wanted) {
                    rows_shown.try_set(wanted);
                }
            });
        }
    });
    let table = move || {
        view! {
            <For each=move || 0..rows_shown.get() key=|t| *t let:t>
                {
                    let field = move |is_b: bool| {
                        let name = if is_b { "b" } else { "a" };
                        let value = move || {
                            inputs.with(|i| {
                                let v = if is_b { i.b.get(t) } else { i.a.get(t) };
                                v.map(|v| format!("{v}")).unwrap_or_default()
                            })
                        };
                        view! {
                            <input type="text" inputmode="decimal" class="scan-num"
                                data-testid=format!("scan-input-{name}-{t}")
                                aria-label=format!("{name}_{t}")
                                prop:value=value
                                on:change:target=move |ev| set_edit(t, is_b, ev.target().value())
                            />
                        }
                    };
                    let token = move || base.with(|b| b.tokens.get(t).cloned().unwrap_or_default());
                    let sequential = move || {
                        reference.with(|s| s.get(t).map(|v| display_number(*v)).unwrap_or_default())
                    };
                    let scanned = move || {
                        run.with(|r| r.h.get(t).map(|v| display_number(*v)).unwrap_or_default())
                    };
                    view! {
                        <tr>
                            <td>{t}</td>
                            <td class="scan-token">{token}</td>
                            <td>{field(false)}</td>
                            <td>{field(true)}</td>
                            <td>{sequential}</td>
                            <td data-testid=format!("scan-h-{t}")>{scanned}</td>
                        </tr>
                    }
                }
            </For>
        }
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
            let lang = lang();
            let hint = (c.max_abs_error < 1e-4).then_some(lang.pick(
                "Here the error is tiny because the values are small, where tanh is almost linear; \
                 choose Random inputs or type larger a_t, b_t to see the scan fail.",
                "Aquí el error es minúsculo porque los valores son pequeños, donde tanh es casi lineal; \
                 elige entradas aleatorias o escribe a_t, b_t más grandes para ver fallar el scan.",
            ));
            view! {
                <p data-testid="scan-tanh" data-max-error=c.max_abs_error.to_string()
                    data-exact=json(&c.exact) data-pseudo=json(&c.pseudo.h)>
                    {{
                        let (tanh_err, linear_err) = (display_number(c.max_abs_error), display_number(linear.max_abs_diff));
                        match lang {
                            Lang::En => format!(
                                "Measured: the tanh recurrence run through the Hillis–Steele pattern is off by up to {tanh_err} (at t = {worst}); \
                                 the same pattern on the linear recurrence is off by {linear_err} (float rounding)."
                            ),
                            Lang::Es => format!(
                                "Medido: la recurrencia con tanh calculada con el patrón de Hillis–Steele se desvía hasta {tanh_err} (en t = {worst}); \
                                 el mismo patrón sobre la recurrencia lineal se desvía {linear_err} (redondeo de coma flotante)."
                            ),
                        }
                    }}
                </p>
                <p class="scan-hint">{hint}</p>
                <svg class="scan-tanh-svg" width=w height=h viewBox=format!("0 0 {w} {h}") role="img"
                    aria-label=lang.pick("True tanh recurrence (solid) and the scanned imitation (dashed) per step", "Recurrencia tanh verdadera (continua) y la imitación por scan (discontinua) en cada paso")>
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
            <h2>{t("Scan: a linear recurrence in O(log n) parallel steps", "Scan: una recurrencia lineal en O(log n) pasos paralelos")}</h2>
            <p>
                {t("Each step h_t = a_t·h_{t−1} + b_t is the affine map (a_t, b_t). Two consecutive maps compose into one, \
                and composition is associative, so the prefixes can be combined in a tree instead of a chain. \
                Step through the levels: every arrow pair is one combine, and every combine of a level could run at the same time. \
                Watch the counters: the parallel scans need far fewer levels (depth) but not fewer combines (work).",
                "Cada paso h_t = a_t·h_{t−1} + b_t es la aplicación afín (a_t, b_t). Dos aplicaciones consecutivas se componen en una sola, \
                y la composición es asociativa, así que los prefijos pueden combinarse en un árbol en lugar de en una cadena. \
                Avanza nivel a nivel: cada par de flechas es una combinación, y todas las combinaciones de un nivel podrían ejecutarse a la vez. \
                Mira los contadores: los scans paralelos necesitan muchos menos niveles (profundidad), pero no menos combinaciones (trabajo).")}
            </p>
            <div class="scan-controls">
                <Slider label=tr("elements n", "elementos n") param="n" min=1.0 max=MAX_N as f64 step=1.0 value=n />
                <label class="scan-select">{t("source ", "origen ")}
                    <select data-testid="scan-source"
                        on:change:target=move |ev| {
                            let s = if ev.target().value() == "random" { Source::Random } else { Source::Mamba };
                            source.set(s);
                            edits.set(Edits::new());
                            edit_notice.set(None);
                            step.set(0);
                        }>
                        <option value="mamba" selected=move || source.get() == Source::Mamba>{t("Mamba channel on the sentence", "canal de Mamba sobre la frase")}</option>
                        <option value="random" selected=move || source.get() == Source::Random>{t("random (seeded)", "aleatorio (con semilla)")}</option>
                    </select>
                </label>
                <label class="scan-select">{t("algorithm ", "algoritmo ")}
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
                            <option value=id selected=move || kind.get() == k>{show(title)}</option>
                        }).collect_view()}
                    </select>
                </label>
                <Show when=move || kind.get() == Kind::Chunked>
                    <Slider label=tr("block size", "tamaño del bloque") param="block" unit=tr("steps", "pasos") min=1.0 max=MAX_N as f64 step=1.0 value=block />
                </Show>
            </div>
            <p class="scan-source-note" data-testid="scan-source-note">{move || base.with(|b| b.description.clone())}</p>
            <p class="notice" role="status" data-testid="scan-cap-notice">{move || {
                let problem = base.with(|b| b.problem.clone());
                let cap = inputs.with(|i| i.capped).map(|(wanted, len)| match lang() {
                    Lang::En => format!("The sentence has {len} tokens, so n is capped at {len} (asked for {wanted}); choose the random source for up to {MAX_N} elements."),
                    Lang::Es => format!("La frase tiene {len} tokens, así que n se limita a {len} (se pidieron {wanted}); elige el origen aleatorio para tener hasta {MAX_N} elementos."),
                });
                match (problem, cap) {
                    (Some(p), Some(c)) => Some(format!("{p} {c}")),
                    (p, c) => p.or(c),
                }
            }}</p>
            <p class="scan-operator">
                {t("Operator: (a₁, b₁) ∘ (a₂, b₂) = (a₁·a₂, a₂·b₁ + b₂) — the earlier map on the left. ", "Operador: (a₁, b₁) ∘ (a₂, b₂) = (a₁·a₂, a₂·b₁ + b₂) — la aplicación anterior a la izquierda. ")}
                <span class="scan-key-earlier">{t("━ earlier operand", "━ operando anterior")}</span>" "
                <span class="scan-key-later">{t("━ later operand", "━ operando posterior")}</span>" "
                <span class="scan-key-move">{t("┅ copy", "┅ copia")}</span>
                {t(". Node label: the steps [j..i] it has composed, then its (a, b); a node [0..i] holds h_i = b.", ". Etiqueta de un nodo: los pasos [j..i] que ha compuesto y luego su (a, b); un nodo [0..i] guarda h_i = b.")}
            </p>
            <Player step=step total=total_levels unit=tr("level", "nivel") />
            <div class="scan-counters">
                {counters}
                {verified}
            </div>
            {svg}
            <p class="scan-hover" data-testid="scan-hover" aria-live="polite">{hover_text}</p>
            <p class="scan-note">{move || (kind.get() == Kind::Blelloch).then_some(tr(
                "Blelloch pads to a power of two with the identity (1, 0) (dashed nodes; their combines are counted). \
                 The down-sweep leaves exclusive prefixes: h_t is read from node t+1, the last one from the total saved before the root was cleared.",
                "Blelloch rellena hasta una potencia de dos con la identidad (1, 0) (nodos discontinuos; sus combinaciones se cuentan). \
                 El barrido descendente deja prefijos exclusivos: h_t se lee del nodo t+1, y el último del total guardado antes de vaciar la raíz.",
            ).now())}</p>

            <details class="scan-inputs" open>
                <summary>{t("Inputs a_t, b_t (editable) and outputs h_t", "Entradas a_t, b_t (editables) y salidas h_t")}</summary>
                <p class="notice" role="status" data-testid="scan-edit-notice">{move || edit_notice.get().map(|(en, es)| lang().pick(en, es))}</p>
                <button data-testid="scan-reset-edits" on:click=move |_| { edits.set(Edits::new()); edit_notice.set(None); }>{t("undo my edits", "deshacer mis cambios")}</button>
                <div class="scan-table-box">
                    <table class="scan-table">
                        <thead><tr><th>"t"</th><th>"token"</th><th>"a_t"</th><th>"b_t"</th><th>{t("h_t sequential", "h_t secuencial")}</th><th>{t("h_t this scan", "h_t con este scan")}</th></tr></thead>
                        <tbody>{table}</tbody>
                    </table>
                </div>
            </details>

            <h3>{t("Work and depth vs n", "Trabajo y profundidad frente a n")}</h3>
            <p class="scan-how">
                {t("How to read this: left, the number of combines (work); right, the levels that must run one after another (depth); both axes logarithmic, the grey line is your n.", "Cómo leerlo: a la izquierda, el número de combinaciones (trabajo); a la derecha, los niveles que deben ejecutarse uno tras otro (profundidad); ambos ejes logarítmicos; la línea gris es tu n.")}
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
                {t("The notes' “n log n” is the work of the simple Hillis–Steele scan (Σ (n − 2^d) ≈ n·log₂ n combines). \
                Blelloch's work-efficient scan does O(n) work — 2(m − 1) combines with m = 2^⌈log₂ n⌉, padding included — \
                and both have O(log n) depth: ⌈log₂ n⌉ and 2·log₂ m levels, against n − 1 for the sequential loop, which does the least work of all. \
                The chunked scan, like hardware-aware kernels such as Mamba's, runs short sequential scans inside blocks and passes a carry between them.",
                "El «n log n» de los apuntes es el trabajo del scan sencillo de Hillis–Steele (Σ (n − 2^d) ≈ n·log₂ n combinaciones). \
                El scan de Blelloch, eficiente en trabajo, hace O(n) trabajo — 2(m − 1) combinaciones con m = 2^⌈log₂ n⌉, relleno incluido — \
                y ambos tienen profundidad O(log n): ⌈log₂ n⌉ y 2·log₂ m niveles, frente a n − 1 del bucle secuencial, que es el que menos trabajo hace. \
                El scan por bloques, como los kernels adaptados al hardware (el de Mamba, por ejemplo), ejecuta scans secuenciales cortos dentro de cada bloque y pasa un arrastre de un bloque al siguiente.")}
            </p>

            <h3>{t("Why not a tanh RNN?", "¿Por qué no una RNN con tanh?")}</h3>
            <p>
                {t("Take h_t = tanh(a_t·h_{t−1} + b_t) and run the same Hillis–Steele pattern as if tanh steps composed like affine ones \
                (each combine feeds the earlier node's tanh into the later pre-activation). One step is right, but a tanh of a tanh is not \
                another tanh step — the composition is not closed and the combine is not associative — so the tree order gives a different answer.",
                "Toma h_t = tanh(a_t·h_{t−1} + b_t) y aplica el mismo patrón de Hillis–Steele como si los pasos con tanh se compusieran como los afines \
                (cada combinación mete la tanh del nodo anterior en la preactivación del posterior). Un paso sale bien, pero una tanh de una tanh no es \
                otro paso con tanh — la composición no es cerrada y la combinación no es asociativa —, así que el orden en árbol da otro resultado.")}
            </p>
            {tanh_panel}
            <p class="scan-how">{t("How to read this: solid, the true tanh recurrence h_t; dashed, what the scan pattern produces; one point per step t.", "Cómo leerlo: continua, la recurrencia tanh verdadera h_t; discontinua, lo que produce el patrón del scan; un punto por paso t.")}</p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hillis–Steele on 4 steps, first level (stride 1): nodes 1, 2, 3 each combine their left
    /// neighbour (earlier) with themselves (later), node 0 is copied.
    #[test]
    fn the_first_hillis_steele_level_draws_three_combines_and_eight_nodes() {
        let (a, b) = ([0.5f32, 2.0, -1.0, 0.25], [1.0f32, -2.0, 3.0, 0.5]);
        let run = scan(Algorithm::HillisSteele, &a, &b, true);
        let markup = diagram_markup(&picture(&run, 4, 1), Algorithm::HillisSteele, Lang::En);
        assert_eq!(
            markup.matches("<g class=\"scan-node").count(),
            8,
            "{markup}"
        );
        assert_eq!(markup.matches("class=\"scan-arrow-earlier\"").count(), 3);
        assert_eq!(markup.matches("class=\"scan-arrow-later\"").count(), 3);
        assert_eq!(markup.matches("scan-node scan-changed").count(), 3);
        // After the level node 2 holds steps 1..2: a = a₁·a₂, b = a₂·b₁ + b₂ = −1·−2 + 3 = 5.
        assert!(
            markup.contains(r#"data-i="2" data-row="after" data-range="[1..2]""#),
            "{markup}"
        );
        assert!(markup.contains(">a -2.00</text>"), "{markup}"); // 3 significant digits
        assert!(markup.contains(">b 5.00</text>"), "{markup}");
        // Node 0 keeps its input and is drawn faded as unchanged.
        assert!(
            markup.contains(
                r#"<g class="scan-node scan-same" data-i="0" data-row="after" data-range="[0..0]""#
            ),
            "{markup}"
        );
    }

    #[test]
    fn chunk_edges_and_escaped_text() {
        let (a, b) = ([1.0f32; 5], [1.0f32; 5]);
        let run = scan(Algorithm::Chunked { block: 2 }, &a, &b, true);
        let markup = diagram_markup(
            &picture(&run, 5, 0),
            Algorithm::Chunked { block: 2 },
            Lang::En,
        );
        // Blocks [0, 1], [2, 3], [4]: edges before positions 2 and 4.
        assert_eq!(markup.matches("scan-block-edge").count(), 2);
        assert_eq!(escape(r#"<a & "b">"#), "&lt;a &amp; &quot;b&quot;>");
    }
}
