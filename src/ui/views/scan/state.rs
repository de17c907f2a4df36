//! The Scan view's state, owned by the app shell (`views::provide_view_states`): every control,
//! the player level, the hovered node, the user's edits, and the memos computed from them. A tab
//! switch unmounts the view's components but keeps this struct, so coming back shows the same
//! algorithm, level and inputs.
//!
//! Memo graph: `base` (source, sentence, seed, language) → `inputs` (n, edits) → `run`
//! (algorithm) → `shown` (step); `reference` (the sequential loop) → `verification`;
//! `tanh_inputs` (inputs' b_t, tanh a_t, tanh scale) → `tanh`, `tanh_linear`; `chart_series` (block, language).

use leptos::prelude::*;

use crate::core::scan::{
    scan, sequential_values, tanh_hillis_steele, Algorithm, ScanRun, TanhScanComparison,
};
use crate::core::scan_view::{
    chart_ns, cost_curve, mamba_channel, picture, random_inputs, tanh_inputs, verify, Picture,
    Verification, MAX_N, TANH_A, TANH_SCALE,
};
use crate::ui::charts::scan::CostSeries;
use crate::ui::i18n::{core_error, lang, Lang, Tr};
use crate::ui::state::SharedInput;
use crate::ui::theme::chart_palette;
use crate::ui::widgets::format::display_number;

pub use super::edits::Edits;

/// Where the `(a_t, b_t)` come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Mamba,
    Random,
}

/// The algorithm chosen in the selector (the chunked block size is a separate slider).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sequential,
    HillisSteele,
    Blelloch,
    Chunked,
}

impl Kind {
    /// Every choice: value, link id, title.
    pub const ALL: [(Kind, &'static str, Tr); 4] = [
        (
            Kind::Sequential,
            "sequential",
            crate::ui::i18n::tr(
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
            crate::ui::i18n::tr(
                "Blelloch (up-sweep, down-sweep)",
                "Blelloch (barrido ascendente y descendente)",
            ),
        ),
        (
            Kind::Chunked,
            "chunked",
            crate::ui::i18n::tr(
                "chunked (block scans + carry)",
                "por bloques (scans en bloques + acarreo)",
            ),
        ),
    ];

    /// The link id.
    pub fn id(self) -> &'static str {
        Self::ALL.iter().find(|k| k.0 == self).map_or("", |k| k.1)
    }

    /// The core's algorithm, with the chunked scan's block size.
    pub fn algorithm(self, block: usize) -> Algorithm {
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
pub struct Base {
    pub a: Vec<f32>,
    pub b: Vec<f32>,
    pub tokens: Vec<String>,
    pub description: String,
    /// Why the source could not be used as asked (then the random values are shown).
    pub problem: Option<String>,
}

/// The inputs actually scanned.
#[derive(Debug, Clone, PartialEq)]
pub struct Inputs {
    pub a: Vec<f32>,
    pub b: Vec<f32>,
    /// n was capped at the sentence length (requested n, tokens).
    pub capped: Option<(usize, usize)>,
}

/// Everything the Scan view shows, kept while another view is open.
#[derive(Clone, Copy)]
pub struct ScanState {
    /// Elements scanned (slider).
    pub n: RwSignal<f64>,
    /// Block size of the chunked scan (slider).
    pub block: RwSignal<f64>,
    pub source: RwSignal<Source>,
    pub kind: RwSignal<Kind>,
    /// Values typed over the source's.
    pub edits: RwSignal<Edits>,
    /// Notice about the last edit, in (English, Spanish).
    pub edit_notice: RwSignal<Option<(String, String)>>,
    /// The node whose arithmetic is shown: (row of the tree, index); row 0 holds the inputs,
    /// row r what level r wrote.
    pub hover: RwSignal<Option<(usize, usize)>>,
    /// The player's level.
    pub step: RwSignal<usize>,
    /// The tanh counter-example's scale: `b_t` rescaled so that max |b_t| is this.
    pub tanh_scale: RwSignal<f64>,
    /// The tanh counter-example's own `a_t`, one value for every step.
    pub tanh_a: RwSignal<f64>,
    pub base: Memo<Base>,
    pub inputs: Memo<Inputs>,
    pub algorithm: Memo<Algorithm>,
    pub run: Memo<ScanRun<f32>>,
    pub reference: Memo<Vec<f32>>,
    pub verification: Memo<Verification>,
    /// The inputs of the tanh counter-example: `a_t = tanh_a`, the scanned `b_t` rescaled.
    pub tanh_inputs: Memo<(Vec<f32>, Vec<f32>)>,
    pub tanh: Memo<TanhScanComparison>,
    /// Hillis–Steele on the linear recurrence of the same inputs, against the loop.
    pub tanh_linear: Memo<Verification>,
    pub shown: Memo<Picture>,
    /// The picture of every step 0..=levels (the whole tree; `shown` is one of them).
    pub tree: Memo<Vec<Picture>>,
    pub chart_series: Memo<Vec<CostSeries>>,
}

impl Default for ScanState {
    fn default() -> Self {
        Self::new()
    }
}

impl ScanState {
    /// Creates the state with the defaults; needs [`SharedInput`] in context.
    pub fn new() -> Self {
        let input = expect_context::<SharedInput>();
        let n = RwSignal::new(8.0f64);
        let block = RwSignal::new(4.0f64);
        let source = RwSignal::new(Source::Mamba);
        let kind = RwSignal::new(Kind::HillisSteele);
        let edits = RwSignal::new(Edits::new());
        let step = RwSignal::new(0usize);
        let tanh_scale = RwSignal::new(f64::from(TANH_SCALE));
        let tanh_a = RwSignal::new(f64::from(TANH_A));
        let base = Memo::new(move |_| base_inputs(input, source.get(), lang()));
        let inputs = Memo::new(move |_| {
            let wanted = (n.get().round() as usize).clamp(1, MAX_N);
            edits.with(|ed| base.with(|b| pick_inputs(b, ed, wanted)))
        });
        let algorithm =
            Memo::new(move |_| kind.get().algorithm(block.get().round().max(1.0) as usize));
        let run = Memo::new(move |_| {
            let alg = algorithm.get();
            inputs.with(|i| scan(alg, &i.a, &i.b, true))
        });
        let reference = Memo::new(move |_| inputs.with(|i| sequential_values(&i.a, &i.b)));
        let verification = Memo::new(move |_| run.with(|r| reference.with(|s| verify(&r.h, s))));
        let tanh_in = Memo::new(move |_| {
            let (a, scale) = (tanh_a.get() as f32, tanh_scale.get() as f32);
            inputs.with(|i| tanh_inputs(a, &i.b, scale))
        });
        let tanh = Memo::new(move |_| tanh_in.with(|(a, b)| tanh_hillis_steele(a, b)));
        let tanh_linear = Memo::new(move |_| {
            tanh_in.with(|(a, b)| {
                let h = scan(Algorithm::HillisSteele, a, b, false).h;
                verify(&h, &sequential_values(a, b))
            })
        });
        let shown = Memo::new(move |_| {
            let s = step.get();
            let count = inputs.with(|i| i.a.len());
            run.with(|r| picture(r, count, s))
        });
        let tree = Memo::new(move |_| {
            let count = inputs.with(|i| i.a.len());
            run.with(|r| {
                (0..=r.trace.levels.len())
                    .map(|s| picture(r, count, s))
                    .collect::<Vec<_>>()
            })
        });
        let chart_series =
            Memo::new(move |_| series(block.get().round().max(1.0) as usize, lang()));
        ScanState {
            n,
            block,
            source,
            kind,
            edits,
            edit_notice: RwSignal::new(None),
            hover: RwSignal::new(None),
            step,
            tanh_scale,
            tanh_a,
            base,
            inputs,
            algorithm,
            run,
            reference,
            verification,
            tanh_inputs: tanh_in,
            tanh,
            tanh_linear,
            shown,
            tree,
            chart_series,
        }
    }

    /// n as scanned (after the cap at the sentence length).
    pub fn count(&self) -> usize {
        self.inputs.with(|i| i.a.len())
    }
}

/// The inputs the edits leave, capped at `wanted` elements.
fn pick_inputs(b: &Base, ed: &Edits, wanted: usize) -> Inputs {
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
}

/// The source's 64 candidate inputs, worded in `lang` (a language switch reruns this small
/// memo; `inputs` compares equal and stops the update there).
fn base_inputs(input: SharedInput, source: Source, lang: Lang) -> Base {
    let seed = input.seed.get();
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
    if source == Source::Random {
        return random(None);
    }
    let tokens = input.tokens.with(|t| t.tokens.clone());
    match input.embeddings.with(|e| mamba_channel(e.0.view(), seed)) {
        Ok(ch) => {
            let (channel, state) = (ch.channel, ch.state);
            let low = display_number(ch.delta_range.0);
            let high = display_number(ch.delta_range.1);
            let a = display_number(ch.a_continuous);
            Base {
                description: match lang {
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
                },
                a: ch.a,
                b: ch.b,
                tokens,
                problem: None,
            }
        }
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

/// The measured work/depth curves: ~100 scans per algorithm, depending on the block size and
/// the language only, so the n slider just moves the chart's "current n" marker.
fn series(block: usize, lang: Lang) -> Vec<CostSeries> {
    let ns = chart_ns();
    let muted = chart_palette().muted;
    [
        (
            "sequential",
            (muted.0, muted.1, muted.2),
            Algorithm::Sequential,
        ),
        ("Hillis–Steele", (214, 96, 0), Algorithm::HillisSteele),
        ("Blelloch", (43, 108, 176), Algorithm::Blelloch),
        ("chunked", (46, 140, 70), Algorithm::Chunked { block }),
    ]
    .into_iter()
    .map(|(name, color, alg)| CostSeries {
        name: match (name, lang) {
            ("chunked", Lang::En) => format!("chunked, block {block}"),
            ("chunked", Lang::Es) => format!("por bloques, bloque {block}"),
            ("sequential", Lang::Es) => "secuencial".to_string(),
            _ => name.to_string(),
        },
        color,
        points: cost_curve(alg, &ns),
    })
    .collect()
}
