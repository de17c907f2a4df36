//! "Reset to defaults" and the named presets of every view. A preset is a list of the view's
//! link parameters (`<view>.<param>`, see `ui::url_state`): applying it rebuilds the view as if
//! the page had been opened with those parameters, everything else at its default — so what a
//! preset shows is exactly what its link would show.

use leptos::prelude::*;

use crate::ui::i18n::{show, t, tr, Tr};
use crate::ui::state::CurrentView;
use crate::ui::view_boundary::ViewRebuild;

/// A named set of a view's link parameters.
pub struct Preset {
    /// Short id: `preset-<view>-<id>` is its button's test id.
    pub id: &'static str,
    pub name: Tr,
    pub params: &'static [(&'static str, &'static str)],
}

const FLOW: &[Preset] = &[
    Preset {
        id: "rnn-vs-transformer",
        name: tr("RNN vs transformer", "RNN frente a transformer"),
        params: &[
            ("flow.compare", "1"),
            ("flow.model", "rnn"),
            ("flow.model-b", "transformer"),
        ],
    },
    Preset {
        id: "linear-scan",
        name: tr(
            "linear RNN as a parallel scan",
            "RNN lineal como scan paralelo",
        ),
        params: &[("flow.model", "linear-rnn"), ("flow.mode", "scan")],
    },
    Preset {
        id: "mamba-hidden",
        name: tr("Mamba's hidden attention", "la atención oculta de Mamba"),
        params: &[("flow.model", "mamba"), ("flow.influence", "hidden")],
    },
];

const FADING: &[Preset] = &[
    Preset {
        id: "long-memory",
        name: tr("long memory (r = 0.99)", "memoria larga (r = 0.99)"),
        params: &[("fading.r", "0.99"), ("fading.theta", "0")],
    },
    Preset {
        id: "oscillating",
        name: tr("oscillating (θ = 1)", "oscilante (θ = 1)"),
        params: &[("fading.r", "0.9"), ("fading.theta", "1")],
    },
    Preset {
        id: "exploding",
        name: tr("exploding RNN (ρ = 1.5)", "RNN que explota (ρ = 1.5)"),
        params: &[("fading.radius", "1.5")],
    },
];

const SCAN: &[Preset] = &[
    Preset {
        id: "blelloch-16",
        name: tr("Blelloch, 16 steps", "Blelloch, 16 pasos"),
        params: &[("scan.algorithm", "blelloch"), ("scan.n", "16")],
    },
    Preset {
        id: "hillis-steele-random",
        name: tr(
            "Hillis–Steele, 8 random steps",
            "Hillis–Steele, 8 pasos aleatorios",
        ),
        params: &[
            ("scan.algorithm", "hillis-steele"),
            ("scan.source", "random"),
            ("scan.n", "8"),
        ],
    },
];

const COST: &[Preset] = &[
    Preset {
        id: "memory",
        name: tr("memory per generated token", "memoria por token generado"),
        params: &[("cost.metric", "memory")],
    },
    Preset {
        id: "depth",
        name: tr("sequential depth", "profundidad secuencial"),
        params: &[("cost.metric", "sequential-depth")],
    },
];

const SSM: &[Preset] = &[
    Preset {
        id: "oscillating",
        name: tr("oscillating system, Δ = 1.5", "sistema oscilante, Δ = 1.5"),
        params: &[("ssm.disc-system", "oscillating"), ("ssm.delta", "1.5")],
    },
    Preset {
        id: "few-states",
        name: tr("HiPPO with 4 states", "HiPPO con 4 estados"),
        params: &[("ssm.n", "4")],
    },
];

const LEARN: &[Preset] = &[
    Preset {
        id: "copy-gap-1",
        name: tr("delayed copy, gap 1", "copia con retardo, separación 1"),
        params: &[("learn.task", "delayed-copy"), ("learn.learn-knob", "1")],
    },
    Preset {
        id: "long-noise",
        name: tr(
            "selective copying, 32 noise tokens",
            "copia selectiva, 32 tokens de relleno",
        ),
        params: &[("learn.task", "selective-copy"), ("learn.learn-knob", "32")],
    },
    Preset {
        id: "recall-2",
        name: tr("recall with 2 pairs", "recuperación con 2 pares"),
        params: &[("learn.task", "recall"), ("learn.learn-knob", "2")],
    },
];

/// The presets of the view with this id (empty for an unknown id).
pub fn presets_of(view: &str) -> &'static [Preset] {
    match view {
        "flow" => FLOW,
        "fading" => FADING,
        "scan" => SCAN,
        "cost" => COST,
        "ssm" => SSM,
        "learn" => LEARN,
        _ => &[],
    }
}

/// The current view's "reset to defaults" button and its presets (above the view).
#[component]
pub fn ViewToolbar(rebuild: ViewRebuild) -> impl IntoView {
    let current = expect_context::<CurrentView>().0;
    move || {
        let view = current.get();
        view! {
            <div class="view-toolbar" role="group" aria-label=t("Presets", "Ajustes predefinidos")>
                <button data-testid=format!("view-reset-{view}") on:click=move |_| rebuild.reset()>
                    {t("reset this view to defaults", "volver a los valores por defecto")}
                </button>
                {presets_of(view).iter().map(|preset| {
                    let params = preset.params;
                    view! {
                        <button class="preset" data-testid=format!("preset-{view}-{}", preset.id)
                            on:click=move |_| rebuild.apply(params)>
                            {show(preset.name)}
                        </button>
                    }
                }).collect_view()}
            </div>
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::views::VIEWS;

    #[test]
    fn every_view_has_presets_whose_keys_belong_to_it() {
        for entry in VIEWS {
            let presets = presets_of(entry.id);
            assert!(
                presets.len() >= 2,
                "{} has {} presets",
                entry.id,
                presets.len()
            );
            for preset in presets {
                for (key, _) in preset.params {
                    assert!(
                        key.starts_with(&format!("{}.", entry.id)),
                        "{key} in a preset of {}",
                        entry.id
                    );
                }
            }
        }
    }
}
