//! Everything the Fading view shows, owned by the app shell (`views::provide_view_states`), so a
//! tab switch keeps every control and every computed curve.
//!
//! Memo graph (models never rerun when only the toggles or the output position change):
//! sliders → `configs` → one [`FamilyJob`] per family (params memo → influence matrix computed in
//! slices, stored here → result memo with the closed forms) → `rows` (row i by distance, cheap)
//! → the sections' chart memos. The demos have their own jobs ([`super::results`]).

use std::collections::BTreeSet;

use leptos::prelude::*;

use super::results::{self, Configs, DemoJob, FamilyJob, Row, VanishResult};
use crate::core::fading::MarkRole;
use crate::core::models::family::Family;
use crate::core::models::{cnn, linear_rnn, mamba, rnn, s4d, transformer};
use crate::ui::knobs;
use crate::ui::state::SharedInput;

/// The selectivity demo's own Δ₀ at start: at Δ₀ = 1 the marked token (distance 16 on the
/// example sentence) reaches the last output ~10⁴× more strongly through Mamba with the Δ
/// rule than through S4D with Δ = Δ₀ for every token (at S4D's Δ = 0.1 it is the other way
/// round: Mamba's B̄ = Δ·B is then tiny). Checked by `claims::selectivity_demo_*`.
pub const DEMO_DELTA0: f64 = 1.0;
/// The demo's selection strength s at start: Δ = Δ₀·e^{±s}.
pub const DEMO_STRENGTH: f64 = 3.0;
/// The demo's marked tokens at start.
pub const DEMO_MARKS: [usize; 1] = [1];
/// Δ₀ of the "reference regime" preset: Mamba's own initial Δ lies in [0.001, 0.1].
pub const REFERENCE_DELTA0: f64 = 0.05;

/// The Fading view's controls and results.
#[derive(Clone, Copy)]
pub struct FadingState {
    pub input: SharedInput,
    // ---- model knobs (rendered from `ui::knobs`) ----
    pub r: RwSignal<f64>,
    pub theta: RwSignal<f64>,
    pub s4d_delta: RwSignal<f64>,
    pub radius: RwSignal<f64>,
    pub layers: RwSignal<f64>,
    pub kernel: RwSignal<f64>,
    pub dilated: RwSignal<bool>,
    pub temperature: RwSignal<f64>,
    pub delta_bias: RwSignal<f64>,
    pub selectivity: RwSignal<f64>,
    // ---- main chart ----
    /// The chosen output position; `None` follows the last token.
    pub pinned: RwSignal<Option<usize>>,
    /// Families drawn in the main chart and listed in the memory table.
    pub shown: RwSignal<Vec<Family>>,
    /// Closed forms drawn (dashed).
    pub show_closed: RwSignal<bool>,
    /// Distance 0 included in the curves and read-outs (the skip path of token i itself).
    /// Off by default: the read-outs measure what reaches i from other positions.
    pub own_token: RwSignal<bool>,
    // ---- selectivity demo ----
    pub demo_delta0: RwSignal<f64>,
    pub strength: RwSignal<f64>,
    pub role: RwSignal<MarkRole>,
    pub marks: RwSignal<BTreeSet<usize>>,
    // ---- computed ----
    pub configs: Memo<Configs>,
    /// Tokens in the sentence.
    pub len: Memo<usize>,
    /// The output position i shown (the pinned one, or the last token).
    pub selected: Memo<usize>,
    pub families: [FamilyJob; 6],
    /// Row i of every family whose matrix is in, by distance.
    pub rows: Memo<Vec<(Family, Result<Row, String>)>>,
    pub demo: DemoJob,
    pub vanish: Memo<VanishResult>,
    /// Influence jobs started so far (shown as `data-jobs`: a test sees that coming back to
    /// the view with the same inputs starts none).
    pub jobs_started: RwSignal<u32>,
}

impl Default for FadingState {
    fn default() -> Self {
        Self::new(expect_context::<SharedInput>())
    }
}

impl FadingState {
    /// The state at its defaults, on the shared sentence.
    pub fn new(input: SharedInput) -> Self {
        let r = RwSignal::new(f64::from(linear_rnn::Config::default().r));
        let theta = RwSignal::new(f64::from(linear_rnn::Config::default().theta));
        let s4d_delta = RwSignal::new(f64::from(s4d::Config::default().delta));
        let radius = RwSignal::new(f64::from(rnn::Config::default().spectral_radius));
        let layers = RwSignal::new(cnn::Config::default().layers as f64);
        let kernel = RwSignal::new(cnn::Config::default().kernel as f64);
        let dilated = RwSignal::new(false);
        let temperature = RwSignal::new(f64::from(transformer::Config::default().temperature));
        let delta_bias = RwSignal::new(f64::from(mamba::Config::default().delta_bias_shift));
        let selectivity = RwSignal::new(f64::from(mamba::Config::default().selectivity));
        let configs = Memo::new(move |_| Configs {
            cnn: cnn::Config {
                layers: knobs::cnn::LAYERS.count(layers.get()),
                kernel: knobs::cnn::KERNEL.count(kernel.get()),
                dilation: if dilated.get() {
                    cnn::Dilation::Exponential
                } else {
                    cnn::Dilation::Fixed
                },
                ..Default::default()
            },
            transformer: transformer::Config {
                temperature: knobs::transformer::TEMPERATURE.clamp(temperature.get()) as f32,
                ..Default::default()
            },
            rnn: rnn::Config {
                spectral_radius: knobs::rnn::RADIUS.clamp(radius.get()) as f32,
                ..Default::default()
            },
            linear: linear_rnn::Config {
                r: knobs::linear_rnn::R.clamp(r.get()) as f32,
                theta: knobs::linear_rnn::THETA.clamp(theta.get()) as f32,
                ..Default::default()
            },
            s4d: s4d::Config {
                delta: knobs::s4d::DELTA.clamp(s4d_delta.get()) as f32,
                ..Default::default()
            },
            mamba: mamba::Config {
                delta_bias_shift: knobs::mamba::DELTA_BIAS.clamp(delta_bias.get()) as f32,
                selectivity: knobs::mamba::SELECTIVITY.clamp(selectivity.get()) as f32,
                ..Default::default()
            },
        });
        let len = Memo::new(move |_| input.embeddings.with(|e| e.0.nrows()));
        let pinned = RwSignal::new(None::<usize>);
        let selected = Memo::new(move |_| {
            let last = len.get().saturating_sub(1);
            pinned.get().map_or(last, |i| i.min(last))
        });
        let families = Family::ALL.map(|f| FamilyJob::new(f, input, configs, len));
        let rows = results::rows(families, selected);
        let demo_delta0 = RwSignal::new(DEMO_DELTA0);
        let strength = RwSignal::new(DEMO_STRENGTH);
        let role = RwSignal::new(MarkRole::Write);
        let marks = RwSignal::new(BTreeSet::from(DEMO_MARKS));
        let demo = DemoJob::new(input, configs, len, marks, demo_delta0, strength, role);
        let vanish = results::vanish(input);
        FadingState {
            input,
            r,
            theta,
            s4d_delta,
            radius,
            layers,
            kernel,
            dilated,
            temperature,
            delta_bias,
            selectivity,
            pinned,
            shown: RwSignal::new(Family::ALL.to_vec()),
            show_closed: RwSignal::new(true),
            own_token: RwSignal::new(false),
            demo_delta0,
            strength,
            role,
            marks,
            configs,
            len,
            selected,
            families,
            rows,
            demo,
            vanish,
            jobs_started: RwSignal::new(0),
        }
    }

    /// The first distance the curves and read-outs use: 1 (other positions only) or 0.
    pub fn from(&self) -> usize {
        usize::from(!self.own_token.get())
    }

    /// Families whose newest influence matrix is still being computed.
    pub fn computing(&self) -> Vec<Family> {
        self.families
            .iter()
            .filter(|job| job.influence.with(|s| s.error.is_none() && !s.complete()))
            .map(|job| job.family)
            .collect()
    }
}
