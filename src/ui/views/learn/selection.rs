//! What the trained Mamba learned, shown: the trained Mamba and S4D side by side on one
//! selective-copying example — their per-token step Δ, their hidden attention and their fading.
//!
//! - Δ per token: Mamba's Δ_t = softplus(W_Δ x_t + b_Δ) (mean over channels, from
//!   `mamba::run`'s trace); S4D's Δ is one number per channel whatever the token (its mean).
//! - Hidden attention (Ali, Zimerman & Wolf 2024), without the D skip:
//!   α[d, i, j] = C_i · (∏_{k=j+1..i} Ā_k) · B̄_j per channel, shown as its norm over channels
//!   ‖α[:, i, j]‖. Mamba's comes from `mamba::run`'s trace (`hidden_attention`); S4D's is its
//!   convolution kernel, α[d, i, j] = K[i − j, d] (`s4d::kernel`), the same for every i.
//! - Fading: row L − 1 of the influence ‖∂y_{L−1}/∂x_j‖ of the whole block, by distance
//!   (`learn::influence::influence_row`, the training tape's reverse pass).
//!
//! Open with one click after training on selective copying, or from a link with
//! `learn.selection=1` (which trains Mamba and S4D on the link's settings if nothing is trained).

use leptos::prelude::*;
use ndarray::{Array2, Array3};

use super::state::{LearnState, Status};
use crate::core::learn::influence::influence_row;
use crate::core::learn::tasks::{example_of, Task};
use crate::core::learn::train::Settings;
use crate::core::models::family::{Family, ModelParams};
use crate::core::models::{mamba, s4d};
use crate::ui::i18n::{family_name, lang, t, tr, Lang};
use crate::ui::palette::family_css;
use crate::ui::trained::TrainedModel;
use crate::ui::url_state::url_state;
use crate::ui::widgets::heatmap::{HeatScale, Heatmap};

use super::runner::SHOWN_EXAMPLE;

/// The two families compared.
const PAIR: [Family; 2] = [Family::Mamba, Family::S4d];

/// What one trained model does on the example.
#[derive(Debug, Clone, PartialEq)]
pub struct SelectionData {
    pub family: Family,
    pub steps: usize,
    /// Mean Δ over channels, per token `[L]`.
    pub delta: Vec<f32>,
    /// ‖α[:, i, j]‖ without D, `[L][L]`.
    pub attention: Vec<Vec<f32>>,
    /// Influence of token L − 1 − k on the last output, k = 0..L−1.
    pub fading: Vec<f32>,
}

/// ‖α[:, i, j]‖ over channels of a `[D, L, L]` hidden attention.
pub fn channel_norm(alpha: &Array3<f32>) -> Vec<Vec<f32>> {
    let (_, l, _) = alpha.dim();
    (0..l)
        .map(|i| {
            (0..l)
                .map(|j| {
                    alpha
                        .slice(ndarray::s![.., i, j])
                        .iter()
                        .map(|v| v * v)
                        .sum::<f32>()
                        .sqrt()
                })
                .collect()
        })
        .collect()
}

/// S4D's hidden attention from its kernel `[L, D]`: α[i, j] = ‖K[i − j, :]‖ for j ≤ i.
pub fn toeplitz_norm(kernel: &Array2<f32>) -> Vec<Vec<f32>> {
    let l = kernel.nrows();
    (0..l)
        .map(|i| {
            (0..l)
                .map(|j| {
                    if j > i {
                        0.0
                    } else {
                        kernel.row(i - j).iter().map(|v| v * v).sum::<f32>().sqrt()
                    }
                })
                .collect()
        })
        .collect()
}

/// Δ, hidden attention and fading of `model` on its example (None for other families).
pub fn selection_data(model: &TrainedModel) -> Option<SelectionData> {
    let x = model.x.view();
    let l = x.nrows();
    let (delta, attention) = match &*model.params {
        ModelParams::Mamba(p) => {
            let run = mamba::run(p, x).ok()?;
            let delta = run
                .trace
                .delta
                .rows()
                .into_iter()
                .map(|r| r.mean().unwrap_or(0.0))
                .collect();
            (delta, channel_norm(&run.trace.hidden_attention))
        }
        ModelParams::S4d(p) => {
            let mean = p.delta.mean().unwrap_or(0.0);
            (vec![mean; l], toeplitz_norm(&s4d::kernel(p, l)))
        }
        _ => return None,
    };
    let mut fading = influence_row(&model.config, &model.params, x, l - 1).ok()?;
    fading.reverse();
    Some(SelectionData {
        family: model.origin.family,
        steps: model.origin.steps,
        delta,
        attention,
        fading,
    })
}

/// Mean Δ on the marked tokens over mean Δ on the noise tokens of selective copying (data
/// symbols are the tokens below `noise`, the noise token is `noise`).
pub fn marked_over_noise(tokens: &[usize], delta: &[f32], noise: usize) -> Option<f32> {
    let mean = |pick: &dyn Fn(usize) -> bool| {
        let v: Vec<f32> = tokens
            .iter()
            .zip(delta)
            .filter(|(t, _)| pick(**t))
            .map(|(_, d)| *d)
            .collect();
        (!v.is_empty()).then(|| v.iter().sum::<f32>() / v.len() as f32)
    };
    Some(mean(&|t| t < noise)? / mean(&|t| t == noise)?)
}

/// Δ per token as bars (marked tokens outlined).
fn delta_bars(
    data: &SelectionData,
    tokens: &[usize],
    labels: &[String],
    noise: usize,
) -> impl IntoView {
    let l = data.delta.len().max(1);
    let top = data.delta.iter().copied().fold(1e-6f32, f32::max);
    let (w, h) = (16.0 * l as f32, 80.0);
    let colour = family_css(data.family);
    let bars = data.delta.iter().enumerate().map(|(i, &d)| {
        let bh = (d / top).clamp(0.0, 1.0) * (h - 16.0);
        let marked = tokens.get(i).is_some_and(|&t| t < noise);
        view! {
            <rect x=(i as f32 * 16.0 + 2.0).to_string() y=(h - 14.0 - bh).to_string() width="12" height=bh.to_string()
                fill=colour.clone() stroke=if marked { "currentColor" } else { "none" } stroke-width="1.5"></rect>
            <text x=(i as f32 * 16.0 + 8.0).to_string() y=(h - 2.0).to_string() text-anchor="middle" font-size="10" fill="currentColor">{labels.get(i).cloned().unwrap_or_default()}</text>
        }
    }).collect_view();
    view! {
        <svg class="selection-delta" viewBox=format!("0 0 {w} {h}") role="img"
            data-testid=format!("selection-delta-{}", data.family.id())
            data-values=serde_like(&data.delta)>{bars}</svg>
    }
}

/// Fading by distance on a log scale.
fn fading_line(data: &SelectionData) -> impl IntoView {
    let (w, h) = (240.0f32, 90.0f32);
    let positive: Vec<f32> = data.fading.iter().map(|v| v.max(1e-12)).collect();
    // Six decades below the largest value, lower values drawn at the bottom.
    let hi = positive.iter().copied().fold(1e-12f32, f32::max).log10();
    let lo = hi - 6.0;
    let n = positive.len().max(2) - 1;
    let points: String = positive
        .iter()
        .enumerate()
        .map(|(k, v)| {
            let x = k as f32 / n as f32 * (w - 10.0) + 5.0;
            let y = 5.0 + ((hi - v.log10()) / (hi - lo)).clamp(0.0, 1.0) * (h - 10.0);
            format!("{x:.1},{y:.1} ")
        })
        .collect();
    view! {
        // Stretched to its box (the box is wider than 240:90), the stroke kept at 2 px.
        <svg class="selection-fading" viewBox=format!("0 0 {w} {h}") role="img" preserveAspectRatio="none"
            data-testid=format!("selection-fading-{}", data.family.id()) data-values=serde_like(&data.fading)>
            <polyline points=points fill="none" stroke=family_css(data.family) stroke-width="2"
                vector-effect="non-scaling-stroke"></polyline>
        </svg>
    }
}

/// A JSON list of numbers for tests.
fn serde_like(values: &[f32]) -> String {
    let inner: Vec<String> = values
        .iter()
        .map(|v| {
            if v.is_finite() {
                format!("{v}")
            } else {
                "null".into()
            }
        })
        .collect();
    format!("[{}]", inner.join(","))
}

/// One model's column.
fn column(
    data: SelectionData,
    tokens: Vec<usize>,
    labels: Vec<String>,
    noise: usize,
    lang: Lang,
) -> impl IntoView {
    let family = data.family;
    let ratio = marked_over_noise(&tokens, &data.delta, noise);
    let ratio_line = match (ratio, lang) {
        (Some(r), Lang::En) => format!("Δ on the marked tokens ÷ Δ on noise: {r:.2} (this run)."),
        (Some(r), Lang::Es) => {
            format!("Δ en los tokens marcados ÷ Δ en el relleno: {r:.2} (esta ejecución).")
        }
        (None, _) => String::new(),
    };
    let attention = data.attention.clone();
    view! {
        <div class="selection-column" data-testid=format!("selection-{}", family.id())>
            <h4>{match lang {
                Lang::En => format!("{} trained {} steps", family_name(family, lang), data.steps),
                Lang::Es => format!("{} entrenado {} pasos", family_name(family, lang), data.steps),
            }}</h4>
            <p class="caption">{lang.pick("Step Δ per token (outlined: the marked tokens)", "Paso Δ por token (con borde: los tokens marcados)")}</p>
            {delta_bars(&data, &tokens, &labels, noise)}
            <p class="caption" data-testid=format!("selection-ratio-{}", family.id())>{ratio_line}</p>
            <Heatmap values=Signal::stored(attention) row_labels=Signal::stored(labels.clone())
                test_id=if family == Family::Mamba { "selection-attention-mamba" } else { "selection-attention-s4d" }
                caption=Signal::derive(move || tr("Hidden attention ‖α[:, i, j]‖ without the D skip: Δ, B, C held at this input (log colour scale).",
                    "Atención oculta ‖α[:, i, j]‖ sin el salto D: Δ, B, C fijos en esta entrada (escala de color logarítmica).").now())
                scale=HeatScale::Log />
            <p class="caption">{lang.pick("Fading: influence of the token k back on the last output (log scale over six decades, k = 0 at the left).", "Desvanecimiento: influencia del token k posiciones atrás sobre la última salida (escala logarítmica de seis décadas, k = 0 a la izquierda).")}</p>
            {fading_line(&data)}
        </div>
    }
}

/// Whether the runs shown include a trained Mamba and S4D on selective copying.
fn pair_trained(state: LearnState) -> bool {
    let on_task = state
        .trained_on
        .with(|s| s.is_some_and(|s| s.task == Task::SelectiveCopy));
    on_task
        && PAIR.iter().all(|f| {
            state
                .summaries
                .with(|s| s.iter().any(|r| r.family == *f && !r.losses.is_empty()))
        })
}

/// A link asked for the comparison and nothing is trained: train the pair on the link's settings.
fn train_for_link(state: LearnState) {
    if !state.selection.get_untracked() || state.trained_on.get_untracked().is_some() {
        return;
    }
    let settings = Settings {
        task: Task::SelectiveCopy,
        knob: Task::SelectiveCopy.clamp_knob(state.knob_value()),
        seed: state.seed.get_untracked(),
        steps: state.steps.get_untracked(),
    };
    state.task.set(Task::SelectiveCopy);
    state.families.set(PAIR.to_vec());
    state.start(settings, state.preset.get_untracked(), &PAIR, None);
}

/// The section: a button, then the two columns.
#[component]
pub fn Selection() -> impl IntoView {
    let state = expect_context::<LearnState>();
    if let Some(url) = url_state() {
        url.bind_bool("selection", state.selection);
    }
    train_for_link(state);
    // Recomputed when training stops (Done or Paused), not on every refresh while it runs.
    let settled = Memo::new(move |_| {
        let status = state.status.get();
        (status != Status::Running).then(|| state.steps_done())
    });
    let data = Memo::new(move |_| {
        settled.get()?;
        if !state.selection.get() || !pair_trained(state) {
            return None;
        }
        let models: Vec<TrainedModel> = PAIR
            .iter()
            .filter_map(|&f| state.trained_model(f))
            .collect();
        let spec = state
            .session
            .with_value(|s| s.runs.first().map(|r| r.spec))?;
        let e = example_of(&spec, models.first()?.origin.seed, SHOWN_EXAMPLE);
        let columns: Vec<SelectionData> = models.iter().filter_map(selection_data).collect();
        Some((
            e.tokens,
            models[0].tokens.clone(),
            columns,
            spec.noise_token(),
        ))
    });
    let body = move || {
        let lang = lang();
        data.get().map(|(tokens, labels, columns, noise)| {
            columns
                .into_iter()
                .map(|c| column(c, tokens.clone(), labels.clone(), noise, lang))
                .collect_view()
        })
    };
    let waiting = move || {
        (state.selection.get() && data.with(Option::is_none)).then(|| {
            lang().pick(
                "The comparison appears when Mamba and S4D have trained on selective copying (it waits while training runs).",
                "La comparación aparece cuando Mamba y S4D se han entrenado en la copia selectiva (espera mientras se entrena).",
            )
        })
    };
    view! {
        <section class="learn-selection" data-testid="learn-selection">
            <h3>{t("What the trained Mamba learned, shown", "Lo que aprendió Mamba, a la vista")}</h3>
            <p class="caption">{t("On one selective-copying example: Mamba's step Δ depends on the token (a large Δ takes the token in, a small one keeps the state), S4D's does not. Their hidden attention shows which earlier tokens reach each output through the state; their fading, how much of each token is left at the end.",
                "Sobre un ejemplo de copia selectiva: el paso Δ de Mamba depende del token (un Δ grande lo incorpora, uno pequeño conserva el estado); el de S4D, no. Su atención oculta muestra qué tokens anteriores llegan a cada salida a través del estado; su desvanecimiento, cuánto queda de cada token al final.")}</p>
            <button data-testid="learn-open-selection" disabled=move || !pair_trained(state)
                on:click=move |_| state.selection.set(true)>
                {t("Show the trained Mamba and S4D side by side", "Mostrar Mamba y S4D entrenados, uno junto al otro")}
            </button>
            <p class="notice" role="status">{waiting}</p>
            <div class="selection-pair">{body}</div>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::learn::models::Trainable;

    /// The hidden attention shown for Mamba is α without D: each entry equals the product
    /// formula C_i · ∏_{k=j+1..i} exp(Δ_k A) · Δ_j B_j summed over the state, recomputed here
    /// from the trace's Δ, A, B, C, then normed over channels.
    #[test]
    fn mamba_hidden_attention_is_alpha_without_d() {
        let m = Trainable::new(Family::Mamba, Task::SelectiveCopy.vocab(), 7).unwrap();
        let e = crate::core::learn::tasks::example(Task::SelectiveCopy, 8, 7, 3);
        let x = m.embed(&e.tokens);
        let ModelParams::Mamba(p) = m.params().unwrap() else {
            panic!()
        };
        let run = mamba::run(&p, x.view()).unwrap();
        let shown = channel_norm(&run.trace.hidden_attention);
        let tr = &run.trace;
        let (l, di) = tr.delta.dim();
        let n = tr.a.ncols();
        // Index loops: the test writes α's defining sum (Ali et al. 2024) term by term.
        #[allow(clippy::needless_range_loop)]
        for i in 0..l {
            for j in 0..=i {
                let mut sq = 0.0f64;
                for d in 0..di {
                    let mut a = 0.0f64;
                    for s in 0..n {
                        let decay: f64 = (j + 1..=i)
                            .map(|k| (f64::from(tr.delta[[k, d]]) * f64::from(tr.a[[d, s]])).exp())
                            .product();
                        a += f64::from(tr.c[[i, s]])
                            * decay
                            * f64::from(tr.delta[[j, d]])
                            * f64::from(tr.b[[j, s]]);
                    }
                    sq += a * a;
                }
                let want = sq.sqrt() as f32;
                assert!(
                    (shown[i][j] - want).abs() <= 1e-4 * want.max(1e-3),
                    "({i},{j}) {} vs {want}",
                    shown[i][j]
                );
            }
        }
    }

    /// S4D's hidden attention is Toeplitz: entry (i, j) depends on i − j only, and is the
    /// channel norm of C B̄ Ā^{i−j} (real S4D: Σ_n C·B̄·Āᵏ) recomputed from the parameters.
    #[test]
    fn s4d_hidden_attention_is_its_kernel() {
        let m = Trainable::new(Family::S4d, Task::SelectiveCopy.vocab(), 7).unwrap();
        let ModelParams::S4d(p) = m.params().unwrap() else {
            panic!()
        };
        let l = 6;
        let shown = toeplitz_norm(&s4d::kernel(&p, l));
        for k in 0..l {
            let mut sq = 0.0f64;
            for d in 0..p.a.nrows() {
                let dt = f64::from(p.delta[d]);
                let mut v = 0.0f64;
                for s in 0..p.a.ncols() {
                    let a = f64::from(p.a[[d, s]].re);
                    let b_bar = (dt * a).exp_m1() / a * f64::from(p.b[[d, s]].re);
                    v += f64::from(p.c[[d, s]].re) * b_bar * (dt * a * k as f64).exp();
                }
                sq += v * v;
            }
            let want = sq.sqrt() as f32;
            assert!(
                (shown[l - 1][l - 1 - k] - want).abs() <= 1e-4 * want.max(1e-3),
                "k={k}"
            );
            assert_eq!(shown[k][0], shown[l - 1][l - 1 - k]);
        }
    }

    /// Ratio of the mean Δ on marked tokens (< 8) to the mean on noise (8).
    #[test]
    fn marked_over_noise_means() {
        let tokens = [8, 3, 8, 5, 9];
        let delta = [1.0, 4.0, 3.0, 2.0, 100.0];
        assert_eq!(marked_over_noise(&tokens, &delta, 8), Some(3.0 / 2.0));
        // With 32 data symbols (the preset), 8 is a marked token and 32 the noise.
        let tokens = [32, 8, 32, 5, 33];
        assert_eq!(marked_over_noise(&tokens, &delta, 32), Some(3.0 / 2.0));
    }
}
