//! The loss and accuracy curves: the data each chart draws (from the state's run summaries)
//! and the canvas that draws it (`charts::learn::draw`).
//!
//! The loss axis ignores the first `WARM_UP` steps when choosing its top: a fresh model's
//! first losses (up to ≈ 5 nats) would otherwise squash every later curve at the bottom. It
//! runs from 0 to the larger of 1.15 × chance (ln 8, or ln of a preset's answer count) and the
//! largest loss after the warm-up;
//! earlier, higher values are drawn clipped at the top. The caption says so.

use leptos::prelude::*;
use leptos::tachys::html::element::Canvas;

use super::state::LearnState;
use crate::core::learn::tasks::DATA_SYMBOLS;
use crate::ui::charts::learn::{draw, Curve, LearnChart};
use crate::ui::i18n::{family_name, lang, show, t, tr, Tr};
use crate::ui::palette::family_rgb;

/// Points drawn per curve (steps are averaged in buckets: this also smooths the curve).
const CURVE_POINTS: usize = 200;
/// Possible answers of every task at the controls' sizes (8 symbols, 8 values): chance
/// accuracy is 1/8. A preset may use more symbols (`TaskSpec::data_symbols`).
pub const ANSWERS: usize = DATA_SYMBOLS;
/// Steps left out when choosing the loss axis' top.
pub const WARM_UP: usize = 10;

/// Averages `values` into at most `CURVE_POINTS` buckets: (centre step, mean).
pub fn bucketed(values: &[f32]) -> Vec<(f32, f32)> {
    let size = values.len().div_ceil(CURVE_POINTS).max(1);
    values
        .chunks(size)
        .enumerate()
        .map(|(i, c)| {
            let x = (i * size) as f32 + c.len() as f32 / 2.0;
            (x, c.iter().sum::<f32>() / c.len() as f32)
        })
        .collect()
}

/// The loss axis' top: the larger of 1.15 × ln(`answers`) and the largest finite loss after
/// the first `WARM_UP` steps of any run.
pub fn loss_axis_top<'a>(runs: impl IntoIterator<Item = &'a [f32]>, answers: usize) -> f32 {
    runs.into_iter()
        .flat_map(|losses| losses.iter().skip(WARM_UP))
        .copied()
        .filter(|v| v.is_finite())
        .fold(1.15 * (answers.max(1) as f32).ln(), f32::max)
}

/// The data of the loss chart (`accuracy` false) or the accuracy chart.
pub fn chart_memo(state: LearnState, accuracy: bool) -> Memo<LearnChart> {
    Memo::new(move |_| {
        let lang = lang();
        let x_max = state.trained_on.with(|t| t.map_or(100, |t| t.steps)) as f32;
        let (curves, top, answers) = state.summaries.with(|s| {
            let curves: Vec<Curve> = s
                .iter()
                .filter(|r| !r.losses.is_empty())
                .map(|r| Curve {
                    label: family_name(r.family, lang).to_string(),
                    colour: family_rgb(r.family),
                    points: bucketed(if accuracy { &r.accuracies } else { &r.losses }),
                })
                .collect();
            // The runs' own answer count (a preset may have more symbols than the controls).
            let answers = state
                .session
                .with_value(|x| x.runs.first().map_or(ANSWERS, |r| r.spec.data_symbols()));
            (
                curves,
                loss_axis_top(s.iter().map(|r| r.losses.as_slice()), answers),
                answers,
            )
        });
        let x_desc = lang
            .pick("training step", "paso de entrenamiento")
            .to_string();
        if accuracy {
            LearnChart {
                curves,
                x_max,
                y_range: (0.0, 1.0),
                reference: Some((
                    1.0 / answers.max(1) as f32,
                    format!("{} (1/{answers})", lang.pick("chance", "azar")),
                )),
                y_desc: lang
                    .pick("accuracy on answers", "acierto en las respuestas")
                    .to_string(),
                x_desc,
            }
        } else {
            LearnChart {
                curves,
                x_max,
                y_range: (0.0, top),
                reference: Some((
                    (answers.max(1) as f32).ln(),
                    format!("{} (ln {answers})", lang.pick("chance", "azar")),
                )),
                y_desc: lang
                    .pick("cross-entropy (nats)", "entropía cruzada (nats)")
                    .to_string(),
                x_desc,
            }
        }
    })
}

/// One chart canvas redrawn by one effect.
#[component]
fn LearnCanvas(data: Memo<LearnChart>, test_id: &'static str, label: Tr) -> impl IntoView {
    let node = NodeRef::<Canvas>::new();
    let (error, set_error) = signal(None::<String>);
    Effect::new(move |_| {
        let Some(canvas) = node.get() else {
            return;
        };
        let result = data.with(|d| draw(&canvas, d));
        set_error.set(result.err());
    });
    view! {
        <canvas node_ref=node class="learn-canvas" data-testid=test_id role="img" aria-label=show(label)
            data-curves=move || data.with(|d| d.curves.len().to_string())
            data-points=move || data.with(|d| d.curves.iter().map(|c| c.points.len()).sum::<usize>().to_string())
            data-y-max=move || data.with(|d| d.y_range.1.to_string())
        ></canvas>
        <p class="notice" role="status">{move || error.get()}</p>
    }
}

/// The two charts: loss and accuracy against the step.
#[component]
pub fn LearnCharts() -> impl IntoView {
    let state = expect_context::<LearnState>();
    let loss_chart = chart_memo(state, false);
    let accuracy_chart = chart_memo(state, true);
    view! {
        <div class="learn-charts">
            <figure>
                <LearnCanvas data=loss_chart test_id="learn-loss-chart" label=tr("Training loss per model against the step", "Pérdida de entrenamiento de cada modelo según el paso") />
                <figcaption>{t("Loss per model (means over buckets of steps). The dashed line is guessing among the 8 possible answers. The axis' top leaves out the first 10 steps (their higher losses are cut at the top).",
                    "Pérdida de cada modelo (medias sobre grupos de pasos). La línea discontinua es adivinar al azar entre las 8 respuestas posibles. El tope del eje no tiene en cuenta los 10 primeros pasos (sus pérdidas, más altas, se cortan arriba).")}</figcaption>
            </figure>
            <figure>
                <LearnCanvas data=accuracy_chart test_id="learn-accuracy-chart" label=tr("Accuracy on the answers per model against the step", "Acierto en las respuestas de cada modelo según el paso") />
                <figcaption>{t("Accuracy at the answer positions of each step's fresh batch.", "Acierto en las posiciones de respuesta del lote nuevo de cada paso.")}</figcaption>
            </figure>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A first loss of 5 nats does not stretch the axis: the top is 1.15 · ln 8 ≈ 2.391.
    #[test]
    fn loss_axis_ignores_the_first_steps() {
        let mut losses = vec![5.0, 4.0, 3.5];
        losses.extend(std::iter::repeat_n(1.0, 20));
        let top = loss_axis_top([losses.as_slice()], 8);
        assert!((top - 1.15 * 8f32.ln()).abs() < 1e-6, "top {top}");
        // A later loss above that is kept in view.
        losses.push(3.0);
        assert_eq!(loss_axis_top([losses.as_slice()], 8), 3.0);
        // With 32 answers (the selective-copying preset) chance is ln 32 ≈ 3.466 nats.
        assert!((loss_axis_top([losses.as_slice()], 32) - 1.15 * 32f32.ln()).abs() < 1e-6);
    }
}
