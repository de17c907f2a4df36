//! The Fading view's panel for a model trained in the Learn view: its fading curve (influence
//! ‖∂y_i/∂x_j‖ against the distance i − j, on the last token of one task example, an answer
//! position in all three tasks) next to the same model before training on the same input, so
//! the reader sees what training changed in how far back the model looks.
//!
//! The model and input come from the shared [`ModelSource`] (the same one the Flow view
//! reads). The curves are read from the reverse pass of the training tape
//! (`core::learn::influence`: the gradient code that trained the model; d_model backward
//! passes for one output row), while Flow computes the whole matrix in forward mode — the
//! Playwright test checks the two agree.

use leptos::prelude::*;

use super::common::{absolute_chart, clip_notice, f32_list, reach_text, ChartCanvas};
use crate::core::fading::memory_from;
use crate::core::learn::influence::influence_row;
use crate::core::models::family::ModelParams;
use crate::ui::charts::fading::Curve;
use crate::ui::i18n::{core_error, family_name, lang, t, tr, Lang};
use crate::ui::palette::family_rgb;
use crate::ui::state::SharedInput;
use crate::ui::trained::{read_trained_link, ModelSource, TrainedBanner, TrainedModels};

/// Colour of the before-training curve (neutral grey, readable on light and dark charts).
const BEFORE_COLOUR: (u8, u8, u8) = (128, 128, 128);

/// The two curves by distance, after and before training, or why they could not be computed.
type Rows = Result<(Vec<f32>, Vec<f32>), String>;

/// The panel: nothing while no trained model is open.
#[component]
pub fn TrainedFading() -> impl IntoView {
    let input = expect_context::<SharedInput>();
    let Some(TrainedModels(trained)) = use_context::<TrainedModels>() else {
        return None::<AnyView>.into_any();
    };
    // A link naming a trained model (`?view=fading&trained=…`): the panel opens at once and
    // shows the retraining's progress, then the retrained model.
    let link = read_trained_link();
    let source = ModelSource::new(input, Some(trained));
    let last = Memo::new(move |_| source.labels.with(|l| l.len().saturating_sub(1)));
    let curves = Memo::new(move |_| -> Rows {
        let i = last.get();
        let Some(model) = source.trained.get() else {
            return Ok(Default::default());
        };
        source.x.with(|x| {
            let row = |params: &ModelParams| {
                influence_row(&model.config, params, x.0.view(), i)
                    .map(|mut r| {
                        r.reverse(); // by distance i − j: [I[i, i], I[i, i−1], …]
                        r
                    })
                    .map_err(|e| core_error(&e))
            };
            Ok((row(&model.params)?, row(&model.initial)?))
        })
    });
    let complete = Memo::new(move |_| source.is_trained() && curves.with(Result::is_ok));
    let values = move || curves.get().unwrap_or_default();
    let chart = Memo::new(move |_| {
        let lang = lang();
        let i = last.get();
        let family = source
            .trained
            .with(|t| t.as_ref().map(|t| (t.origin.family, t.origin.steps)));
        let (trained_curve, initial_curve) = values();
        let mut lines = Vec::new();
        if let Some((family, steps)) = family {
            let name = family_name(family, lang);
            lines.push(Curve {
                label: match lang {
                    Lang::En => format!("{name} before training"),
                    Lang::Es => format!("{name} antes de entrenar"),
                },
                colour: BEFORE_COLOUR,
                values: initial_curve,
                dashed: true,
            });
            lines.push(Curve {
                label: match lang {
                    Lang::En => format!("{name} after {steps} steps"),
                    Lang::Es => format!("{name} tras {steps} pasos"),
                },
                colour: family_rgb(family),
                values: trained_curve,
                dashed: false,
            });
        }
        absolute_chart(lines, i, Vec::new(), lang)
    });
    let progress = move || {
        let lang = lang();
        match curves.get() {
            Err(e) => e,
            Ok((a, b)) => {
                let (a, b) = (
                    reach_text(memory_from(&a, 1).half),
                    reach_text(memory_from(&b, 1).half),
                );
                match lang {
                    Lang::En => format!("Influence from other positions still ≥ ½ of its maximum over distances ≥ 1 up to distance {a} after training, {b} before."),
                    Lang::Es => format!("Influencia desde otras posiciones aún ≥ ½ de su máximo en las distancias ≥ 1 hasta la distancia {a} tras entrenar, {b} antes."),
                }
            }
        }
    };
    let notice = move || chart.with(|c| clip_notice(&c.curves, c.y_range.0, 0, lang()));
    let output_line = move || {
        let i = last.get();
        let token = source
            .labels
            .with(|l| l.get(i).cloned().unwrap_or_default());
        match lang() {
            Lang::En => format!("Output i = {i} (“{token}”, the last token: an answer position)."),
            Lang::Es => {
                format!("Salida i = {i} («{token}», el último token: una posición de respuesta).")
            }
        }
    };
    view! {
        <Show when=move || source.is_trained() || link.origin.with(Option::is_some)>
            <section class="fading-demo fading-trained" data-testid="fading-trained">
                <h3>{t("The model trained in the Learn view", "El modelo entrenado en la vista Aprender")}</h3>
                <TrainedBanner trained=trained prefix="fading"
                    note=tr("The chart below is their fading curve on this example, next to the same model before training;", "El gráfico de abajo es su curva de desvanecimiento en este ejemplo, junto al mismo modelo antes de entrenar;")
                    back=tr("back to the untrained models", "volver a los modelos sin entrenar") />
                <Show when=move || source.is_trained()>
                <p>{output_line}</p>
                <ol class="fading-tokens trained-tokens" data-testid="fading-trained-tokens">
                    {move || source.labels.get().into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}
                </ol>
                <figure class="fading-figure" data-testid="fading-trained-chart"
                    data-complete=move || complete.get().to_string()
                    data-trained=move || f32_list(&values().0)
                    data-initial=move || f32_list(&values().1)
                >
                    <ChartCanvas data=chart test_id="fading-trained-canvas" label=tr("Influence against distance of the trained model and of the same model before training", "Influencia frente a la distancia del modelo entrenado y del mismo modelo antes de entrenar") />
                    <figcaption>{t("How to read this: the coloured line is the trained model, the dashed grey one the same model with its initial weights, both on this task example and in absolute influence ‖∂y_i/∂x_j‖ on the last output. A model that learned the task should look further back where the task needs it (the gap k, the marked tokens, the queried key's pair): compare the two lines. The sliders below do not change these weights.",
                    "Cómo leerlo: la línea de color es el modelo entrenado; la gris discontinua, el mismo modelo con sus pesos iniciales, ambos en este ejemplo de la tarea y en influencia absoluta ‖∂y_i/∂x_j‖ sobre la última salida. Un modelo que aprendió la tarea debería mirar más atrás donde la tarea lo necesita (el retardo k, los tokens marcados, el par de la clave consultada): compara las dos líneas. Los deslizadores de abajo no cambian estos pesos.")}</figcaption>
                </figure>
                <p class="fading-hint" role="status" data-testid="fading-trained-progress">{progress}</p>
                <p class="notice" role="status">{notice}</p>
                </Show>
            </section>
        </Show>
    }
    .into_any()
}
