//! Every hyper-parameter of one model as a signal, the sliders that move them, presets and
//! "reset to defaults". The configuration is derived from the knobs, never stored twice.

use leptos::prelude::*;

use crate::core::models::family::{Family, ModelConfig};
use crate::core::models::{cnn, linear_rnn, mamba, rnn, s4d, transformer};
use crate::ui::i18n::{family_name, lang, show, t, tr, Tr};
use crate::ui::knobs;
use crate::ui::url_state::{url_state, with_scope};
use crate::ui::widgets::slider::KnobSlider;

/// The knobs of one model pane. Numbers are `f64` because the sliders speak `f64`.
#[derive(Clone, Copy)]
pub struct ModelKnobs {
    pub family: RwSignal<Family>,
    pub cnn_layers: RwSignal<f64>,
    pub cnn_kernel: RwSignal<f64>,
    pub cnn_dilated: RwSignal<bool>,
    pub cnn_residual: RwSignal<bool>,
    pub tf_layers: RwSignal<f64>,
    pub tf_heads: RwSignal<f64>,
    pub tf_temperature: RwSignal<f64>,
    pub rnn_hidden: RwSignal<f64>,
    pub rnn_radius: RwSignal<f64>,
    pub lin_states: RwSignal<f64>,
    pub lin_r: RwSignal<f64>,
    pub lin_theta: RwSignal<f64>,
    pub lin_spread: RwSignal<bool>,
    pub s4d_lin: RwSignal<bool>,
    pub s4d_states: RwSignal<f64>,
    pub s4d_delta: RwSignal<f64>,
    pub mamba_expand: RwSignal<f64>,
    pub mamba_state: RwSignal<f64>,
    pub mamba_conv: RwSignal<f64>,
    pub mamba_bias: RwSignal<f64>,
    pub mamba_selectivity: RwSignal<f64>,
}

/// Largest head count ≤ `wanted` that divides `d_model` (1 always does).
pub fn valid_heads(wanted: usize, d_model: usize) -> usize {
    (1..=wanted.max(1))
        .rev()
        .find(|&h| d_model.is_multiple_of(h))
        .unwrap_or(1)
}

impl ModelKnobs {
    /// Knobs at the defaults, showing `family`.
    pub fn new(family: Family) -> Self {
        let knobs = ModelKnobs {
            family: RwSignal::new(family),
            cnn_layers: RwSignal::new(0.0),
            cnn_kernel: RwSignal::new(0.0),
            cnn_dilated: RwSignal::new(false),
            cnn_residual: RwSignal::new(true),
            tf_layers: RwSignal::new(0.0),
            tf_heads: RwSignal::new(0.0),
            tf_temperature: RwSignal::new(0.0),
            rnn_hidden: RwSignal::new(0.0),
            rnn_radius: RwSignal::new(0.0),
            lin_states: RwSignal::new(0.0),
            lin_r: RwSignal::new(0.0),
            lin_theta: RwSignal::new(0.0),
            lin_spread: RwSignal::new(false),
            s4d_lin: RwSignal::new(false),
            s4d_states: RwSignal::new(0.0),
            s4d_delta: RwSignal::new(0.0),
            mamba_expand: RwSignal::new(0.0),
            mamba_state: RwSignal::new(0.0),
            mamba_conv: RwSignal::new(0.0),
            mamba_bias: RwSignal::new(0.0),
            mamba_selectivity: RwSignal::new(0.0),
        };
        for family in Family::ALL {
            knobs.load(&ModelConfig::default_for(family));
        }
        knobs
    }

    /// Sets the knobs of `config`'s family to its values (presets, reset).
    pub fn load(&self, config: &ModelConfig) {
        match config {
            ModelConfig::Cnn(c) => {
                self.cnn_layers.set(c.layers as f64);
                self.cnn_kernel.set(c.kernel as f64);
                self.cnn_dilated
                    .set(c.dilation == cnn::Dilation::Exponential);
                self.cnn_residual.set(c.residual);
            }
            ModelConfig::Transformer(c) => {
                self.tf_layers.set(c.layers as f64);
                self.tf_heads.set(c.heads as f64);
                self.tf_temperature.set(f64::from(c.temperature));
            }
            ModelConfig::Rnn(c) => {
                self.rnn_hidden.set(c.hidden as f64);
                self.rnn_radius.set(f64::from(c.spectral_radius));
            }
            ModelConfig::LinearRnn(c) => {
                self.lin_states.set(c.states as f64);
                self.lin_r.set(f64::from(c.r));
                self.lin_theta.set(f64::from(c.theta));
                self.lin_spread.set(c.spread);
            }
            ModelConfig::S4d(c) => {
                self.s4d_lin.set(c.variant == s4d::Variant::Lin);
                self.s4d_states.set(c.states as f64);
                self.s4d_delta.set(f64::from(c.delta));
            }
            ModelConfig::Mamba(c) => {
                self.mamba_expand.set(c.expand as f64);
                self.mamba_state.set(c.d_state as f64);
                self.mamba_conv.set(c.d_conv as f64);
                self.mamba_bias.set(f64::from(c.delta_bias_shift));
                self.mamba_selectivity.set(f64::from(c.selectivity));
            }
        }
    }

    /// The configuration the knobs describe for this width (tracks the knobs it reads).
    pub fn config(&self, d_model: usize) -> ModelConfig {
        match self.family.get() {
            Family::Cnn => ModelConfig::Cnn(cnn::Config {
                layers: knobs::cnn::LAYERS.count(self.cnn_layers.get()),
                kernel: knobs::cnn::KERNEL.count(self.cnn_kernel.get()),
                dilation: if self.cnn_dilated.get() {
                    cnn::Dilation::Exponential
                } else {
                    cnn::Dilation::Fixed
                },
                residual: self.cnn_residual.get(),
                ..Default::default()
            }),
            Family::Transformer => ModelConfig::Transformer(transformer::Config {
                layers: knobs::transformer::LAYERS.count(self.tf_layers.get()),
                heads: valid_heads(
                    knobs::transformer::HEADS.count(self.tf_heads.get()),
                    d_model,
                ),
                temperature: knobs::transformer::TEMPERATURE.clamp(self.tf_temperature.get())
                    as f32,
            }),
            Family::Rnn => ModelConfig::Rnn(rnn::Config {
                hidden: knobs::rnn::HIDDEN.count(self.rnn_hidden.get()),
                spectral_radius: knobs::rnn::RADIUS.clamp(self.rnn_radius.get()) as f32,
            }),
            Family::LinearRnn => ModelConfig::LinearRnn(linear_rnn::Config {
                states: knobs::linear_rnn::STATES.count(self.lin_states.get()),
                r: knobs::linear_rnn::R.clamp(self.lin_r.get()) as f32,
                theta: knobs::linear_rnn::THETA.clamp(self.lin_theta.get()) as f32,
                spread: self.lin_spread.get(),
                ..Default::default()
            }),
            Family::S4d => {
                let lin = self.s4d_lin.get();
                let states = knobs::s4d::STATES.count(self.s4d_states.get());
                ModelConfig::S4d(s4d::Config {
                    variant: if lin {
                        s4d::Variant::Lin
                    } else {
                        s4d::Variant::Real
                    },
                    // S4D-Lin needs conjugate pairs: an even state count.
                    states: if lin { states & !1 } else { states },
                    delta: knobs::s4d::DELTA.clamp(self.s4d_delta.get()) as f32,
                    ..Default::default()
                })
            }
            Family::Mamba => ModelConfig::Mamba(mamba::Config {
                expand: knobs::mamba::EXPAND.count(self.mamba_expand.get()),
                d_state: knobs::mamba::STATE.count(self.mamba_state.get()),
                d_conv: knobs::mamba::CONV.count(self.mamba_conv.get()),
                delta_bias_shift: knobs::mamba::DELTA_BIAS.clamp(self.mamba_bias.get()) as f32,
                selectivity: knobs::mamba::SELECTIVITY.clamp(self.mamba_selectivity.get()) as f32,
                ..Default::default()
            }),
        }
    }
}

/// Named presets of a family: (name, configuration).
pub fn presets(family: Family) -> Vec<(Tr, ModelConfig)> {
    match family {
        Family::Cnn => vec![
            (
                tr("shallow", "poco profunda"),
                ModelConfig::Cnn(cnn::Config {
                    layers: 1,
                    kernel: 3,
                    ..Default::default()
                }),
            ),
            (
                tr("deep", "profunda"),
                ModelConfig::Cnn(cnn::Config {
                    layers: 6,
                    kernel: 3,
                    ..Default::default()
                }),
            ),
            (
                tr("dilated", "dilatada"),
                ModelConfig::Cnn(cnn::Config {
                    layers: 4,
                    kernel: 2,
                    dilation: cnn::Dilation::Exponential,
                    ..Default::default()
                }),
            ),
        ],
        Family::Transformer => vec![
            (
                tr("sharp attention", "atención aguda"),
                ModelConfig::Transformer(transformer::Config {
                    temperature: 0.1,
                    ..Default::default()
                }),
            ),
            (
                tr("uniform attention", "atención uniforme"),
                ModelConfig::Transformer(transformer::Config {
                    temperature: 10.0,
                    ..Default::default()
                }),
            ),
        ],
        Family::Rnn => vec![
            (
                tr("short memory", "memoria corta"),
                ModelConfig::Rnn(rnn::Config {
                    spectral_radius: 0.3,
                    ..Default::default()
                }),
            ),
            (
                tr("long memory", "memoria larga"),
                ModelConfig::Rnn(rnn::Config {
                    spectral_radius: 1.0,
                    ..Default::default()
                }),
            ),
            (
                tr("exploding", "explosiva"),
                ModelConfig::Rnn(rnn::Config {
                    spectral_radius: 2.0,
                    ..Default::default()
                }),
            ),
        ],
        Family::LinearRnn => vec![
            (
                tr("short memory", "memoria corta"),
                ModelConfig::LinearRnn(linear_rnn::Config {
                    r: 0.5,
                    ..Default::default()
                }),
            ),
            (
                tr("long memory", "memoria larga"),
                ModelConfig::LinearRnn(linear_rnn::Config {
                    r: 0.99,
                    ..Default::default()
                }),
            ),
            (
                tr("oscillating", "oscilante"),
                ModelConfig::LinearRnn(linear_rnn::Config {
                    r: 0.95,
                    theta: 1.5,
                    ..Default::default()
                }),
            ),
            (
                tr("exploding", "explosiva"),
                ModelConfig::LinearRnn(linear_rnn::Config {
                    r: 1.05,
                    ..Default::default()
                }),
            ),
        ],
        Family::S4d => vec![
            (
                tr("short memory (Δ = 1)", "memoria corta (Δ = 1)"),
                ModelConfig::S4d(s4d::Config {
                    delta: 1.0,
                    ..Default::default()
                }),
            ),
            (
                tr("long memory (Δ = 0.01)", "memoria larga (Δ = 0.01)"),
                ModelConfig::S4d(s4d::Config {
                    delta: 0.01,
                    ..Default::default()
                }),
            ),
        ],
        Family::Mamba => vec![
            (
                tr("remember (small Δ)", "recordar (Δ pequeño)"),
                ModelConfig::Mamba(mamba::Config {
                    delta_bias_shift: -4.0,
                    ..Default::default()
                }),
            ),
            (
                tr("reset (large Δ)", "reiniciar (Δ grande)"),
                ModelConfig::Mamba(mamba::Config {
                    delta_bias_shift: 4.0,
                    ..Default::default()
                }),
            ),
        ],
    }
}

/// A labelled checkbox with `data-testid="toggle-<param>"`.
#[component]
pub fn Toggle(label: Tr, param: &'static str, value: RwSignal<bool>) -> impl IntoView {
    if let Some(url) = url_state() {
        url.bind_bool(param, value);
    }
    view! {
        <label class="toggle">
            <input type="checkbox" data-testid=format!("toggle-{param}")
                prop:checked=move || value.get()
                on:change:target=move |ev| value.set(ev.target().checked()) />
            {show(label)}
        </label>
    }
}

/// The sliders of the selected family, its presets and "reset to defaults".
#[component]
pub fn ModelControls(
    knobs: ModelKnobs,
    /// Suffix telling this pane's URL keys from another pane's ("-b" → keys `<view>.b.…`).
    #[prop(optional)]
    url_scope: &'static str,
) -> impl IntoView {
    let k = knobs;
    let pane = url_scope.trim_start_matches('-');
    let sliders = move || {
        let family = k.family.get();
        // URL keys `<view>.[<pane>.]<family>.<param>`: families share param names.
        with_scope(pane, || {
            with_scope(family.id(), || {
                match family {
        Family::Cnn => view! {
            <KnobSlider knob=knobs::cnn::LAYERS value=k.cnn_layers />
            <KnobSlider knob=knobs::cnn::KERNEL value=k.cnn_kernel />
            <Toggle label=tr("dilation 2^ℓ", "dilatación 2^ℓ") param="dilation" value=k.cnn_dilated />
            <Toggle label=tr("residual", "residual") param="residual" value=k.cnn_residual />
        }.into_any(),
        Family::Transformer => view! {
            <KnobSlider knob=knobs::transformer::LAYERS value=k.tf_layers />
            <KnobSlider knob=knobs::transformer::HEADS value=k.tf_heads />
            <KnobSlider knob=knobs::transformer::TEMPERATURE value=k.tf_temperature />
        }.into_any(),
        Family::Rnn => view! {
            <KnobSlider knob=knobs::rnn::HIDDEN value=k.rnn_hidden />
            <KnobSlider knob=knobs::rnn::RADIUS value=k.rnn_radius />
        }.into_any(),
        Family::LinearRnn => view! {
            <KnobSlider knob=knobs::linear_rnn::STATES value=k.lin_states />
            <KnobSlider knob=knobs::linear_rnn::R value=k.lin_r />
            <KnobSlider knob=knobs::linear_rnn::THETA value=k.lin_theta />
            <Toggle label=tr("spread r, θ across states", "repartir r, θ entre los estados") param="spread" value=k.lin_spread />
        }.into_any(),
        Family::S4d => view! {
            <Toggle label=tr("S4D-Lin (complex A) instead of S4D-Real", "S4D-Lin (A compleja) en lugar de S4D-Real") param="s4d-lin" value=k.s4d_lin />
            <KnobSlider knob=knobs::s4d::STATES value=k.s4d_states />
            <KnobSlider knob=knobs::s4d::DELTA value=k.s4d_delta />
        }.into_any(),
        Family::Mamba => view! {
            <KnobSlider knob=knobs::mamba::EXPAND value=k.mamba_expand />
            <KnobSlider knob=knobs::mamba::STATE value=k.mamba_state />
            <KnobSlider knob=knobs::mamba::CONV value=k.mamba_conv />
            <KnobSlider knob=knobs::mamba::DELTA_BIAS value=k.mamba_bias />
            <KnobSlider knob=knobs::mamba::SELECTIVITY value=k.mamba_selectivity />
        }.into_any(),
    }
            })
        })
    };
    let preset_buttons = move || {
        let family = k.family.get();
        presets(family)
            .into_iter()
            .map(|(name, config)| {
                view! { <button class="preset" on:click=move |_| k.load(&config)>{show(name)}</button> }
            })
            .collect_view()
    };
    view! {
        <div class="model-controls">
            {sliders}
            <div class="presets">
                {t("presets: ", "ajustes predefinidos: ")} {preset_buttons}
                <button class="preset" data-testid="reset-defaults"
                    on:click=move |_| k.load(&ModelConfig::default_for(k.family.get_untracked()))>
                    {t("reset to defaults", "restablecer valores por defecto")}
                </button>
            </div>
        </div>
    }
}

/// A family picker bound to `family`; `data-testid="<test_id>"`.
#[component]
pub fn FamilySelect(family: RwSignal<Family>, test_id: &'static str) -> impl IntoView {
    if let Some(url) = url_state() {
        // "model-select" → key `<view>.model`, "model-select-b" → `<view>.model-b`.
        let choices = Family::ALL.into_iter().map(|f| (f, f.id())).collect();
        url.bind_choice(&test_id.replace("-select", ""), family, choices);
    }
    view! {
        <select data-testid=test_id aria-label=t("model", "modelo")
            prop:value=move || family.get().id()
            on:change:target=move |ev| {
                if let Some(f) = Family::from_id(&ev.target().value()) { family.set(f) }
            }>
            {Family::ALL.into_iter().map(|f| view! { <option value=f.id()>{move || family_name(f, lang())}</option> }).collect_view()}
        </select>
    }
}
