//! The vanishing/exploding demo: the same RNN weights rescaled to spectral radius 0.5, 1 and
//! 1.5, absolute influence on output i, with σ_max(W) of each in the legend.

use leptos::prelude::*;

use super::common::{absolute_chart, clip_notice, curves_json, ChartCanvas};
use super::state::FadingState;
use crate::core::fading::row_curve;
use crate::ui::charts::fading::{Curve, FadingChart};
use crate::ui::i18n::{lang, t, tr};
use crate::ui::widgets::format::display_number;

/// Okabe–Ito blue, bluish green and vermilion for ρ = 0.5, 1, 1.5.
pub const RADIUS_COLOURS: [(u8, u8, u8); 3] = [(0, 114, 178), (0, 158, 115), (213, 94, 0)];

fn chart(state: FadingState) -> Memo<FadingChart> {
    Memo::new(move |_| {
        let i = state.selected.get();
        let curves: Vec<Curve> = state.vanish.with(|r| {
            r.as_ref()
                .map(|ms| {
                    ms.iter()
                        .zip(RADIUS_COLOURS)
                        .map(|((rho, sigma, m), c)| Curve {
                            label: format!("RNN ρ = {rho} (σ_max = {})", display_number(*sigma)),
                            colour: c,
                            values: row_curve(m.view(), i),
                            dashed: false,
                        })
                        .collect()
                })
                .unwrap_or_default()
        });
        absolute_chart(curves, i, Vec::new(), lang())
    })
}

/// The demo section.
#[component]
pub fn VanishingDemo() -> impl IntoView {
    let state = expect_context::<FadingState>();
    let data = chart(state);
    let notice = move || {
        let mut parts = Vec::new();
        if let Err(e) = state.vanish.get() {
            parts.push(e);
        }
        parts.extend(data.with(|c| clip_notice(&c.curves, c.y_range.0, 0, lang())));
        (!parts.is_empty()).then(|| parts.join(" "))
    };
    view! {
        <section class="fading-demo" data-testid="vanishing-demo">
            <h3>{t("Vanishing and exploding: one RNN, three spectral radii", "Desvanecer y explotar: una RNN, tres radios espectrales")}</h3>
            <p>{t("The same RNN weights rescaled to spectral radius 0.5, 1.0 and 1.5, on the same sentence and output i. The influences are absolute (not normalised), so you can see them shrink or grow. The legend gives each W's largest singular value σ_max: below 1 the influence must vanish (|tanh′| ≤ 1); above 1 nothing is guaranteed either way.",
                "Los mismos pesos de la RNN reescalados a radio espectral 0.5, 1.0 y 1.5, sobre la misma frase y la misma salida i. Las influencias son absolutas (sin normalizar), así que se ve cómo encogen o crecen. La leyenda da el mayor valor singular σ_max de cada W: por debajo de 1 la influencia se desvanece sin remedio (|tanh′| ≤ 1); por encima de 1 no hay garantía en ningún sentido.")}</p>
            <figure class="fading-figure" data-testid="vanishing-chart" data-curves=move || data.with(curves_json)>
                <ChartCanvas data test_id="vanishing-canvas" label=tr("RNN influence against distance at three spectral radii", "Influencia de la RNN frente a la distancia con tres radios espectrales") />
                <figcaption>{t("How to read this: blue ρ = 0.5, green ρ = 1.0, vermilion ρ = 1.5; a line falling to the right means far tokens are forgotten (vanishing), rising means they are amplified (exploding). Zeros and overflow cannot be drawn on a log axis: they are clipped and listed below.",
                    "Cómo leerlo: azul ρ = 0.5, verde ρ = 1.0, bermellón ρ = 1.5; una línea que baja hacia la derecha significa que los tokens lejanos se olvidan (desvanecimiento); si sube, se amplifican (explosión). Los ceros y los desbordamientos no se pueden dibujar en un eje logarítmico: se recortan y se enumeran debajo.")}</figcaption>
            </figure>
            <p class="notice" role="status" data-testid="vanishing-notice">{notice}</p>
        </section>
    }
}
