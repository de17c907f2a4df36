//! Fading view: how strongly a token still moves a later output as the distance grows, per
//! model — and how a selective SSM chooses, token by token, what to keep.
//!
//! Memo graph (models never rerun when only the toggles or the output position change):
//! sliders → one config memo per family → one result memo per family (whole influence
//! matrix + closed form by lag) → `rows` (row i by distance, cheap) → chart memos → one
//! drawing `Effect` per canvas. The demos have their own result memos.

use std::collections::BTreeSet;

use leptos::html::Canvas;
use leptos::prelude::*;
use ndarray::{Array1, Array2, ArrayView2};

use super::fading_trained::TrainedFading;
use super::ViewEntry;
use crate::core::fading::{
    cnn_cutoff, linear_rnn_closed_form, log_segments, mamba_influence_with_delta_columns, memory,
    normalized, row_curve, s4d_closed_form, scaled_to, selective_delta, Clipped, MarkRole, Memory,
    Reach,
};
use crate::core::models::family::{Family, ModelConfig, ModelParams};
use crate::core::models::{cnn, linear_rnn, mamba, rnn, s4d, transformer};
use crate::core::tokens::MAX_TOKENS;
use crate::ui::charts::fading::{draw, Curve, FadingChart};
use crate::ui::i18n::{core_error, family_name, lang, show, t, tr, Lang, Tr};
use crate::ui::influence::{self, InfluenceKind, InfluenceState};
use crate::ui::knobs;
use crate::ui::palette::{family_css, family_rgb};
use crate::ui::state::{Shared, SharedInput};
use crate::ui::url_state::{index_list, parse_index_list, parse_whole, url_state, Parsed};
use crate::ui::widgets::format::display_number;
use crate::ui::widgets::slider::{KnobSlider, Slider};

/// Registry entry of the Fading view.
pub const ENTRY: ViewEntry = ViewEntry {
    id: "fading",
    title: tr("Fading", "Desvanecimiento"),
    render: || view! { <FadingView/> }.into_any(),
};

/// Lowest value drawn on the normalised log axis.
const MIN_FLOOR: f32 = 1e-8;
/// Spectral radii of the vanishing/exploding demo.
const RADII: [f32; 3] = [0.5, 1.0, 1.5];
const RADIUS_COLOURS: [(u8, u8, u8); 3] = [(0, 114, 178), (0, 158, 115), (213, 94, 0)];

/// One family's computation on the whole sentence.
#[derive(Debug, Clone, PartialEq)]
struct ModelResult {
    /// I[i, j] = ‖∂y_i/∂x_j‖_F, `[L, L]`.
    influence: Array2<f32>,
    /// Closed form by distance k = 0..L (empty when the family has none as a curve).
    closed: Vec<f32>,
    /// Linear RNN only: ‖∂h_i/∂x_j‖ by distance (the matrix is Toeplitz).
    state_by_lag: Vec<f32>,
}

type Outcome = Result<ModelResult, String>;

/// A family's result from its weights and its finished influence matrix `[L, L]`: the closed
/// forms and state curve are cheap, so they are computed here, on the same input.
fn family_result(params: &ModelParams, influence: Array2<f32>, x: ArrayView2<f32>) -> Outcome {
    let len = x.nrows();
    let err = |e: crate::core::error::CoreError| core_error(&e);
    let (closed, state_by_lag) = match params {
        ModelParams::LinearRnn(p) => {
            let state = linear_rnn::state_influence(p, x).map_err(err)?;
            (
                linear_rnn_closed_form(p, len),
                row_curve(state.view(), len.saturating_sub(1)),
            )
        }
        ModelParams::S4d(p) => (s4d_closed_form(p, len), Vec::new()),
        _ => (Vec::new(), Vec::new()),
    };
    Ok(ModelResult {
        influence,
        closed,
        state_by_lag,
    })
}

/// Every family's configuration (each field its own memo in the view).
#[derive(Clone, PartialEq)]
struct Configs {
    cnn: cnn::Config,
    transformer: transformer::Config,
    rnn: rnn::Config,
    linear: linear_rnn::Config,
    s4d: s4d::Config,
    mamba: mamba::Config,
}

/// Row i of one family, by distance.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    measured: Vec<f32>,
    closed: Vec<f32>,
    state: Vec<f32>,
}

pub(super) fn f32_list(values: &[f32]) -> String {
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

pub(super) fn reach_text(r: Reach) -> String {
    match r {
        Reach::Within(v) => format!("{v:.1}"),
        Reach::Beyond(n) => format!("> {n}"),
        Reach::Undefined => "—".to_string(),
    }
}

/// The y range of normalised curves: from the smallest positive value (a decade below,
/// at least `MIN_FLOOR`) to 2.
fn normalized_range(curves: &[Curve]) -> (f32, f32) {
    let min = curves
        .iter()
        .flat_map(|c| c.values.iter())
        .copied()
        .filter(|v| v.is_finite() && *v > 0.0)
        .fold(1.0f32, f32::min);
    let floor = 10f32.powf(min.log10().floor()).max(MIN_FLOOR);
    (floor.min(0.1), 2.0)
}

/// The y range of absolute curves: whole decades around the positive finite values
/// (at most 30 decades below the top).
fn absolute_range(curves: &[Curve]) -> (f32, f32) {
    let finite = curves
        .iter()
        .flat_map(|c| c.values.iter())
        .copied()
        .filter(|v| v.is_finite() && *v > 0.0);
    let (lo, hi) = finite.fold((f32::INFINITY, 0.0f32), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if hi > 0.0 {
        let top = 10f32.powf(hi.log10().ceil());
        let bottom = 10f32.powf(lo.log10().floor()).max(top * 1e-30);
        (bottom.min(top / 10.0), top)
    } else {
        (1e-6, 1.0)
    }
}

/// Words for the values a log axis had to leave out.
pub(super) fn clip_notice(curves: &[Curve], floor: f32, lang: Lang) -> Option<String> {
    let parts: Vec<String> = curves
        .iter()
        .filter_map(|c| {
            let (
                _,
                Clipped {
                    below_floor,
                    non_finite,
                },
            ) = log_segments(&c.values, floor);
            let mut what = Vec::new();
            if below_floor > 0 {
                let floor = display_number(floor);
                what.push(match lang {
                    Lang::En => format!("{below_floor} at or below {floor} (zero or underflow)"),
                    Lang::Es => format!(
                        "{below_floor} iguales o menores que {floor} (cero o subdesbordamiento)"
                    ),
                });
            }
            if non_finite > 0 {
                what.push(match lang {
                    Lang::En => format!("{non_finite} overflow/NaN"),
                    Lang::Es => format!("{non_finite} desbordamiento/NaN"),
                });
            }
            (!what.is_empty()).then(|| format!("{}: {}", c.label, what.join(", ")))
        })
        .collect();
    (!parts.is_empty()).then(|| {
        let parts = parts.join("; ");
        match lang {
            Lang::En => format!(
                "Not drawn (a log axis cannot show them; the lines are clipped there): {parts}."
            ),
            Lang::Es => format!(
                "No dibujados (un eje logarítmico no puede mostrarlos; las líneas se cortan ahí): {parts}."
            ),
        }
    })
}

/// Title of the x axis of every fading chart.
fn distance_axis(lang: Lang) -> String {
    lang.pick("distance i − j (tokens)", "distancia i − j (tokens)")
        .to_string()
}

/// A chart of absolute influence ‖∂y_i/∂x_j‖ against distance, without guides or cut-offs
/// (the selectivity and vanishing demos, a trained model's curve); `marks` get triangles.
pub(super) fn absolute_chart(
    curves: Vec<Curve>,
    x_max: usize,
    marks: Vec<usize>,
    lang: Lang,
) -> FadingChart {
    FadingChart {
        y_range: absolute_range(&curves),
        curves,
        x_max,
        guides: Vec::new(),
        cutoffs: Vec::new(),
        marks,
        y_desc: lang
            .pick("influence ‖∂y_i/∂x_j‖", "influencia ‖∂y_i/∂x_j‖")
            .to_string(),
        x_desc: distance_axis(lang),
    }
}

/// One canvas redrawn by one effect from one memo.
#[component]
pub(super) fn ChartCanvas(
    /// The chart data.
    data: Memo<FadingChart>,
    /// `data-testid` of the canvas.
    test_id: &'static str,
    /// Accessible label.
    label: Tr,
) -> impl IntoView {
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
        <canvas
            node_ref=node
            class="fading-canvas"
            data-testid=test_id
            role="img"
            aria-label=show(label)
            data-drawn=move || data.with(|d| {
                let labels: Vec<String> = d.curves.iter().map(|c| format!("\"{}\"", c.label)).collect();
                format!("[{}]", labels.join(","))
            })
        ></canvas>
        <p class="notice" role="status">{move || error.get()}</p>
    }
}

/// The Fading view.
#[component]
pub fn FadingView() -> impl IntoView {
    let input = expect_context::<SharedInput>();

    // ---- sliders --------------------------------------------------------------------------
    let r = RwSignal::new(f64::from(linear_rnn::Config::default().r));
    let theta = RwSignal::new(f64::from(linear_rnn::Config::default().theta));
    let s4d_delta = RwSignal::new(f64::from(s4d::Config::default().delta));
    let radius = RwSignal::new(f64::from(rnn::Config::default().spectral_radius));
    let layers = RwSignal::new(cnn::Config::default().layers as f64);
    let kernel = RwSignal::new(cnn::Config::default().kernel as f64);
    let dilated = RwSignal::new(false);
    let temperature = RwSignal::new(f64::from(transformer::Config::default().temperature));
    let delta_bias = RwSignal::new(0.0f64);
    let selectivity = RwSignal::new(1.0f64);
    let strength = RwSignal::new(3.0f64);
    let role = RwSignal::new(MarkRole::Write);
    let marks = RwSignal::new(BTreeSet::from([1usize]));
    let pinned = RwSignal::new(None::<usize>);
    let shown = RwSignal::new(Family::ALL.to_vec());
    let show_closed = RwSignal::new(true);
    if let Some(url) = url_state() {
        url.bind_bool("dilation", dilated);
        url.bind_bool("closed", show_closed);
        url.bind_choice(
            "role",
            role,
            vec![(MarkRole::Write, "write"), (MarkRole::Hold, "hold")],
        );
        url.bind(
            "output",
            false,
            pinned,
            |p| p.map_or("last".to_string(), |i| i.to_string()),
            |raw| {
                if raw == "last" {
                    return Parsed::Valid(None);
                }
                match parse_whole(raw, 0, MAX_TOKENS as u64 - 1) {
                    Parsed::Valid(v) => Parsed::Valid(Some(v as usize)),
                    Parsed::Clamped(v, why) => Parsed::Clamped(Some(v as usize), why),
                    Parsed::Invalid(why) => Parsed::Invalid(why),
                }
            },
        );
        url.bind(
            "marks",
            false,
            marks,
            |m| index_list(m.iter().copied()),
            |raw| parse_index_list(raw, MAX_TOKENS).map(|v| v.into_iter().collect()),
        );
        url.bind_families("shown", shown);
    }

    // ---- configs (memos: a slider that does not change a config reruns nothing) ------------
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

    // One result per family, keyed on its own config only. The influence matrix is computed in
    // slices after the next frame (`ui::influence`, as in the Flow view), so a slider never
    // blocks a frame on it; until the new matrix is complete the chart keeps the last one.
    let results: Vec<_> = Family::ALL
        .into_iter()
        .map(|family| {
            let cfg = Memo::new(move |_| {
                configs.with(|c| match family {
                    Family::Cnn => ModelConfig::Cnn(c.cnn.clone()),
                    Family::Transformer => ModelConfig::Transformer(c.transformer.clone()),
                    Family::Rnn => ModelConfig::Rnn(c.rnn.clone()),
                    Family::LinearRnn => ModelConfig::LinearRnn(c.linear.clone()),
                    Family::S4d => ModelConfig::S4d(c.s4d.clone()),
                    Family::Mamba => ModelConfig::Mamba(c.mamba.clone()),
                })
            });
            let params = Memo::new(move |_| {
                let (d, seed) = (input.d_model.get(), input.seed.get());
                cfg.with(|c| c.init(d, seed))
                    .map(Shared::new)
                    .map_err(|e| core_error(&e))
            });
            let influence = RwSignal::new(InfluenceState::default());
            let generation = StoredValue::new(0u64);
            Effect::new(move |_| {
                let Ok(params) = params.get() else {
                    return;
                };
                let x = input.embeddings.with(|e| Shared::new(e.0.clone()));
                if x.nrows() == 0 {
                    generation.update_value(|g| *g = g.wrapping_add(1));
                    influence.set(InfluenceState::default());
                    return;
                }
                influence::start(params, x, InfluenceKind::Full, influence, generation);
            });
            let memo = Memo::new(move |previous: Option<&Option<Outcome>>| {
                let params = match params.get() {
                    Ok(p) => p,
                    Err(e) => return Some(Err(e)),
                };
                let current = influence.with(InfluenceState::matrix).map(|matrix| {
                    let matrix = matrix?;
                    input
                        .embeddings
                        .with(|e| family_result(&params, matrix, e.0.view()))
                });
                // While a new matrix is on its way, keep the last one if it fits the sentence.
                current.or_else(|| {
                    let len = len.get_untracked();
                    previous
                        .cloned()
                        .flatten()
                        .filter(|r| r.as_ref().map_or(true, |m| m.influence.nrows() == len))
                })
            });
            (family, memo, influence)
        })
        .collect();
    // Families whose newest influence matrix is still being computed (shown as "computing").
    let computing = {
        let jobs: Vec<_> = results.iter().map(|&(f, _, job)| (f, job)).collect();
        Memo::new(move |_| {
            jobs.iter()
                .filter(|(_, job)| job.with(|s| s.error.is_none() && !s.complete()))
                .map(|&(f, _)| f)
                .collect::<Vec<Family>>()
        })
    };
    let results: Vec<(Family, Memo<Option<Outcome>>)> =
        results.into_iter().map(|(f, memo, _)| (f, memo)).collect();
    let results = StoredValue::new(results);

    // ---- selected output i (default: the last token) -----------------------------------------
    let selected = Memo::new(move |_| {
        let last = len.get().saturating_sub(1);
        pinned.get().map_or(last, |i| i.min(last))
    });

    let rows = Memo::new(move |_| {
        let i = selected.get();
        results.with_value(|rs| {
            // A family whose first matrix is still being computed has no row yet.
            rs.iter()
                .filter_map(|(f, memo)| {
                    let row = memo.with(|res| {
                        res.as_ref().map(|res| {
                            res.as_ref()
                                .map(|m| Row {
                                    measured: row_curve(m.influence.view(), i),
                                    closed: m.closed.iter().take(i + 1).copied().collect(),
                                    state: m.state_by_lag.iter().take(i + 1).copied().collect(),
                                })
                                .map_err(Clone::clone)
                        })
                    });
                    row.map(|row| (*f, row))
                })
                .collect::<Vec<_>>()
        })
    });
    let cutoff = Memo::new(move |_| configs.with(|c| cnn_cutoff(&c.cnn)));

    // ---- main chart ----------------------------------------------------------------------
    let main_chart = Memo::new(move |_| {
        let visible = shown.get();
        let closed_on = show_closed.get();
        let i = selected.get();
        let lang = lang();
        let mut curves = Vec::new();
        rows.with(|rows| {
            for (f, row) in rows {
                let Ok(row) = row else { continue };
                if !visible.contains(f) {
                    continue;
                }
                let Some(measured) = normalized(&row.measured) else {
                    continue;
                };
                if closed_on && !row.closed.is_empty() {
                    // Meet the measured curve at distance 1 (distance 0 adds skip paths).
                    let at = usize::from(row.measured.len() > 1);
                    let closed = scaled_to(&row.closed, &row.measured, at);
                    let max = row.measured.iter().copied().fold(0.0f32, f32::max);
                    curves.push(Curve {
                        label: match lang {
                            Lang::En => format!("{} closed form", family_name(*f, lang)),
                            Lang::Es => format!("{} forma cerrada", family_name(*f, lang)),
                        },
                        colour: family_rgb(*f),
                        values: closed.iter().map(|v| v / max).collect(),
                        dashed: true,
                    });
                }
                curves.push(Curve {
                    label: family_name(*f, lang).to_string(),
                    colour: family_rgb(*f),
                    values: measured,
                    dashed: false,
                });
            }
        });
        let cutoffs = if closed_on && visible.contains(&Family::Cnn) {
            vec![(cutoff.get() as f32, family_rgb(Family::Cnn))]
        } else {
            Vec::new()
        };
        FadingChart {
            y_range: normalized_range(&curves),
            curves,
            x_max: i,
            guides: vec![0.5, 0.01],
            cutoffs,
            marks: Vec::new(),
            y_desc: lang
                .pick("influence / its maximum", "influencia / su máximo")
                .to_string(),
            x_desc: distance_axis(lang),
        }
    });
    let main_notice = move || main_chart.with(|c| clip_notice(&c.curves, c.y_range.0, lang()));
    let curves_json = move || {
        rows.with(|rows| {
            let parts: Vec<String> = rows
                .iter()
                .filter_map(|(f, row)| {
                    row.as_ref()
                        .ok()
                        .map(|row| format!("\"{}\":{}", f.id(), f32_list(&row.measured)))
                })
                .collect();
            format!("{{{}}}", parts.join(","))
        })
    };
    let closed_json = move || {
        rows.with(|rows| {
            let mut parts: Vec<String> = rows
                .iter()
                .filter_map(|(f, row)| {
                    row.as_ref()
                        .ok()
                        .filter(|row| !row.closed.is_empty())
                        .map(|row| format!("\"{}\":{}", f.id(), f32_list(&row.closed)))
                })
                .collect();
            parts.push(format!("\"cnn-cutoff\":{}", cutoff.get()));
            format!("{{{}}}", parts.join(","))
        })
    };
    let state_json = move || {
        rows.with(|rows| {
            rows.iter()
                .find(|(f, _)| *f == Family::LinearRnn)
                .and_then(|(_, row)| row.as_ref().ok().map(|row| f32_list(&row.state)))
                .unwrap_or_else(|| "[]".to_string())
        })
    };
    let errors = move || {
        rows.with(|rows| {
            let e: Vec<String> = rows
                .iter()
                .filter_map(|(f, row)| {
                    row.as_ref()
                        .err()
                        .map(|e| format!("{}: {e}", family_name(*f, lang())))
                })
                .collect();
            (!e.is_empty()).then(|| e.join(" · "))
        })
    };
    let memories = Memo::new(move |_| {
        rows.with(|rows| {
            rows.iter()
                .map(|(f, row)| (*f, row.as_ref().ok().map(|r| memory(&r.measured))))
                .collect::<Vec<(Family, Option<Memory>)>>()
        })
    });
    let token_label = move |i: usize| {
        input
            .tokens
            .with(|t| t.tokens.get(i).cloned().unwrap_or_default())
    };

    // ---- selectivity demo ----------------------------------------------------------------
    let marked = Memo::new(move |_| {
        let l = len.get();
        marks.with(|m| (0..l).map(|t| m.contains(&t)).collect::<Vec<bool>>())
    });
    let demo_delta = Memo::new(move |_| {
        marked
            .with(|m| selective_delta(m, s4d_delta.get() as f32, strength.get() as f32, role.get()))
    });
    // Δ is overridden in the demo, so the Δ bias and selectivity sliders do not rerun it.
    let mamba_cfg = Memo::new(move |_| {
        configs.with(|c| mamba::Config {
            delta_bias_shift: 0.0,
            selectivity: 1.0,
            ..c.mamba.clone()
        })
    });
    // The demo's influence matrix, computed in slices after the next frame like the curves
    // above; the chart keeps the last matrix until the new one is complete.
    let demo_job = RwSignal::new(InfluenceState::default());
    let demo_generation = StoredValue::new(0u64);
    Effect::new(move |_| {
        let (d, seed) = (input.d_model.get(), input.seed.get());
        let params = match mamba_cfg.with(|c| mamba::Params::init(c, d, seed)) {
            Ok(p) => p,
            Err(e) => {
                demo_generation.update_value(|g| *g = g.wrapping_add(1));
                demo_job.set(InfluenceState {
                    error: Some(core_error(&e)),
                    ..Default::default()
                });
                return;
            }
        };
        let x = input.embeddings.with(|e| e.0.clone());
        let delta = demo_delta.with(|d| Array1::from(d.clone()));
        let len = x.nrows();
        let columns: influence::Columns = Box::new(move |range| {
            mamba_influence_with_delta_columns(&params, x.view(), delta.view(), range)
        });
        influence::start_columns(len, columns, demo_job, demo_generation);
    });
    let demo_result = Memo::new(
        move |previous: Option<&Option<Result<Array2<f32>, String>>>| {
            demo_job.with(InfluenceState::matrix).or_else(|| {
                let len = len.get_untracked();
                previous
                    .cloned()
                    .flatten()
                    .filter(|r| r.as_ref().map_or(true, |m| m.nrows() == len))
            })
        },
    );
    let demo_chart = Memo::new(move |_| {
        let i = selected.get();
        let lang = lang();
        let mut curves = Vec::new();
        let s4d_row = rows.with(|rows| {
            rows.iter()
                .find(|(f, _)| *f == Family::S4d)
                .and_then(|(_, r)| r.as_ref().ok().map(|r| r.measured.clone()))
        });
        if let Some(values) = s4d_row {
            curves.push(Curve {
                label: lang
                    .pick(
                        "S4D (same Δ for every token)",
                        "S4D (el mismo Δ para todos los tokens)",
                    )
                    .to_string(),
                colour: family_rgb(Family::S4d),
                values,
                dashed: false,
            });
        }
        if let Some(values) = demo_result.with(|r| {
            r.as_ref()
                .and_then(|r| r.as_ref().ok())
                .map(|m| row_curve(m.view(), i))
        }) {
            curves.push(Curve {
                label: lang
                    .pick("Mamba with the Δ rule", "Mamba con la regla de Δ")
                    .to_string(),
                colour: family_rgb(Family::Mamba),
                values,
                dashed: false,
            });
        }
        let marks_at = marked.with(|m| {
            (0..=i)
                .filter(|&t| m.get(t).copied().unwrap_or(false))
                .map(|t| i - t)
                .collect()
        });
        absolute_chart(curves, i, marks_at, lang)
    });
    let demo_notice = move || {
        let mut parts = Vec::new();
        if let Some(Err(e)) = demo_result.get() {
            parts.push(e);
        }
        if let Some(n) = demo_chart.with(|c| clip_notice(&c.curves, c.y_range.0, lang())) {
            parts.push(n);
        }
        (!parts.is_empty()).then(|| parts.join(" "))
    };

    // ---- vanishing / exploding demo ------------------------------------------------------
    let vanish_result = Memo::new(move |_| {
        let (d, seed) = (input.d_model.get(), input.seed.get());
        input.embeddings.with(|e| {
            RADII
                .iter()
                .map(|&rho| {
                    let cfg = rnn::Config {
                        spectral_radius: rho,
                        ..Default::default()
                    };
                    rnn::Params::init(&cfg, d, seed)
                        .and_then(|p| rnn::influence(&p, e.0.view()))
                        .map_err(|e| core_error(&e))
                })
                .collect::<Result<Vec<_>, String>>()
        })
    });
    let vanish_chart = Memo::new(move |_| {
        let i = selected.get();
        let lang = lang();
        let curves: Vec<Curve> = vanish_result.with(|r| {
            r.as_ref()
                .map(|ms| {
                    ms.iter()
                        .zip(RADII)
                        .zip(RADIUS_COLOURS)
                        .map(|((m, rho), c)| Curve {
                            label: format!("RNN ρ = {rho}"),
                            colour: c,
                            values: row_curve(m.view(), i),
                            dashed: false,
                        })
                        .collect()
                })
                .unwrap_or_default()
        });
        absolute_chart(curves, i, Vec::new(), lang)
    });
    let vanish_notice = move || {
        let mut parts = Vec::new();
        if let Err(e) = vanish_result.get() {
            parts.push(e);
        }
        if let Some(n) = vanish_chart.with(|c| clip_notice(&c.curves, c.y_range.0, lang())) {
            parts.push(n);
        }
        (!parts.is_empty()).then(|| parts.join(" "))
    };
    let vanish_json = move || {
        vanish_chart.with(|c| {
            let parts: Vec<String> = c
                .curves
                .iter()
                .map(|c| format!("\"{}\":{}", c.label, f32_list(&c.values)))
                .collect();
            format!("{{{}}}", parts.join(","))
        })
    };

    // ---- view ----------------------------------------------------------------------------
    let toggles = Family::ALL
        .into_iter()
        .map(|f| {
            let on = move || shown.with(|s| s.contains(&f));
            view! {
                <label class="fading-toggle" style=format!("--swatch: {}", family_css(f))>
                    <input
                        type="checkbox"
                        data-testid=format!("toggle-{}", f.id())
                        prop:checked=on
                        on:change:target=move |ev| {
                            let checked = ev.target().checked();
                            shown.update(|s| {
                                s.retain(|g| *g != f);
                                if checked {
                                    s.push(f);
                                }
                            });
                        }
                    />
                    <span class="fading-swatch"></span>
                    {move || family_name(f, lang())}
                </label>
            }
        })
        .collect_view();

    let memory_rows = Family::ALL
        .into_iter()
        .map(|f| {
            let get = move || {
                memories.with(|m| {
                    m.iter()
                        .find(|(g, _)| *g == f)
                        .and_then(|(_, mem)| *mem)
                })
            };
            let half = move || get().map_or("—".to_string(), |m| reach_text(m.half));
            let hundredth = move || get().map_or("—".to_string(), |m| reach_text(m.hundredth));
            view! {
                <tr>
                    <th scope="row">
                        <span class="fading-swatch" style=format!("--swatch: {}", family_css(f))></span>
                        {move || family_name(f, lang())}
                    </th>
                    <td>{t("remembers ≈ ", "recuerda ≈ ")} <span data-testid=format!("memory-{}-half", f.id())>{half}</span> " tokens"</td>
                    <td><span data-testid=format!("memory-{}-hundredth", f.id())>{hundredth}</span> " tokens"</td>
                </tr>
            }
        })
        .collect_view();

    let table_rows = move || {
        main_chart.with(|c| {
            c.curves
                .iter()
                .map(|curve| {
                    let cells = curve
                        .values
                        .iter()
                        .map(|v| view! { <td>{display_number(*v)}</td> })
                        .collect_view();
                    view! { <tr><th scope="row">{curve.label.clone()}</th>{cells}</tr> }
                })
                .collect_view()
        })
    };
    let table_head = move || {
        (0..=selected.get())
            .map(|k| view! { <th scope="col">{k}</th> })
            .collect_view()
    };

    let token_buttons = move || {
        let tokens = input.tokens.with(|t| t.tokens.clone());
        let deltas = demo_delta.get();
        tokens
            .into_iter()
            .enumerate()
            .map(|(t, word)| {
                let dt = deltas.get(t).copied().unwrap_or(0.0);
                // Bar height on a log scale from 1e-4 to 1e3.
                let h = ((dt.max(1e-4).log10() + 4.0) / 7.0 * 100.0).clamp(2.0, 100.0);
                let is_marked = move || marks.with(|m| m.contains(&t));
                view! {
                    <li class="fading-token">
                        <span class="fading-bar-wrap" title=format!("Δ = {}", display_number(dt))>
                            <span class="fading-bar" style=format!("height: {h:.1}%")></span>
                        </span>
                        <span class="fading-dt">{display_number(dt)}</span>
                        <button
                            data-testid=format!("keep-token-{t}")
                            class:marked=is_marked
                            aria-pressed=move || is_marked().to_string()
                            on:click=move |_| marks.update(|m| {
                                if !m.remove(&t) {
                                    m.insert(t);
                                }
                            })
                        >{word}</button>
                    </li>
                }
            })
            .collect_view()
    };
    let rule_text = move || {
        let base = s4d_delta.get();
        let s = strength.get();
        let (large, small) = (base * s.exp(), base * (-s).exp());
        let (marked_dt, other_dt) = match role.get() {
            MarkRole::Write => (large, small),
            MarkRole::Hold => (small, large),
        };
        let (base, s) = (display_number(base as f32), display_number(s as f32));
        let (marked, other) = (
            display_number(marked_dt as f32),
            display_number(other_dt as f32),
        );
        match lang() {
            Lang::En => format!(
                "Rule: Δ_t = Δ₀·e^{{±s}} with Δ₀ = {base} (the S4D Δ slider) and s = {s}: marked tokens Δ = {marked}, the others Δ = {other}. Every channel uses Δ_t; conv, B, C, gate and weights are the model's own."
            ),
            Lang::Es => format!(
                "Regla: Δ_t = Δ₀·e^{{±s}} con Δ₀ = {base} (el control Δ de S4D) y s = {s}: tokens marcados Δ = {marked}, los demás Δ = {other}. Todos los canales usan Δ_t; la convolución, B, C, la compuerta y los pesos son los del propio modelo."
            ),
        }
    };

    view! {
        <section class="view fading" data-testid="view-fading">
            <h2>{t("Fading: how context fades with distance", "Desvanecimiento: cómo se apaga el contexto con la distancia")}</h2>
            <p class="fading-intro">
                {t("How strongly does a token still move a later output? Each curve is one model's influence ‖∂y_i/∂x_j‖ (the same measure as the Flow view) on the selected output i, against the distance i − j, on a log scale. \
                A CNN stops dead at its receptive field, attention does not fade with distance at all, an RNN fades (or blows up) geometrically, and the linear recurrences fade at the rate their decay sets. \
                Below, Mamba chooses per token what to keep, and an RNN vanishes or explodes with its spectral radius.",
                "¿Con qué fuerza sigue moviendo un token una salida posterior? Cada curva es la influencia ‖∂y_i/∂x_j‖ de un modelo (la misma medida que en la vista Flujo) sobre la salida elegida i, frente a la distancia i − j, en escala logarítmica. \
                Una CNN se corta en seco al final de su campo receptivo, la atención no se desvanece con la distancia, una RNN se apaga (o explota) geométricamente y las recurrencias lineales se apagan al ritmo que fija su decaimiento. \
                Más abajo, Mamba elige token a token qué conservar, y una RNN se desvanece o explota según su radio espectral.")}
            </p>
            <p class="notice" role="status" data-testid="fading-errors">{errors}</p>
            <TrainedFading/>

            <div class="fading-controls">
                <label class="fading-output">
                    {t("Output position i ", "Posición de salida i ")}
                    <input
                        type="range"
                        data-testid="slider-output"
                        min="0"
                        max=move || len.get().saturating_sub(1).to_string()
                        step="1"
                        prop:value=move || selected.get().to_string()
                        on:input:target=move |ev| {
                            if let Ok(v) = ev.target().value().parse::<usize>() {
                                let last = len.get_untracked().saturating_sub(1);
                                pinned.set((v < last).then_some(v));
                            }
                        }
                    />
                    <output data-testid="output-position">{move || {
                        let i = selected.get();
                        format!("i = {i} (“{}”)", token_label(i))
                    }}</output>
                </label>
                <div class="fading-toggles" role="group" aria-label=t("Curves shown", "Curvas mostradas")>
                    {toggles}
                    <label class="fading-toggle">
                        <input type="checkbox" data-testid="toggle-closed"
                            prop:checked=move || show_closed.get()
                            on:change:target=move |ev| show_closed.set(ev.target().checked())
                        />
                        {t("closed forms (dashed)", "formas cerradas (discontinuas)")}
                    </label>
                </div>
            </div>

            <figure
                class="fading-figure"
                data-testid="fading-chart"
                data-i=move || selected.get().to_string()
                data-curves=curves_json
                data-closed=closed_json
                data-state-curve=state_json
                aria-busy=move || (!computing.with(Vec::is_empty)).to_string()
                data-computing=move || computing.with(Vec::len).to_string()
            >
                <ChartCanvas data=main_chart test_id="fading-canvas" label=tr("Influence against distance, one curve per model, log scale", "Influencia frente a la distancia, una curva por modelo, escala logarítmica") />
                <figcaption>
                    {t("How to read this: each line falls as the token gets farther from the output; a drop by one grid decade is a factor 10. Dotted guides at ½ and 1/100 of the maximum give the read-outs below. Dashed: closed forms — linear RNN r^k·‖Re(e^{iθk}CB)‖ (its |λ|^k decay with the θ rotation, the influence on the MLP's input), S4D ‖K_k‖ (kernel norm), CNN receptive-field cut-off (vertical) — each scaled to meet its measured curve at distance 1.",
                    "Cómo leerlo: cada línea baja a medida que el token se aleja de la salida; bajar una década de la cuadrícula es un factor 10. Las guías punteadas en ½ y 1/100 del máximo dan las lecturas de la tabla de abajo. Discontinuas: formas cerradas — RNN lineal r^k·‖Re(e^{iθk}CB)‖ (su decaimiento |λ|^k con la rotación θ, la influencia sobre la entrada del MLP), S4D ‖K_k‖ (norma del núcleo), corte del campo receptivo de la CNN (vertical) — cada una escalada para coincidir con su curva medida a distancia 1.")}
                </figcaption>
            </figure>
            <p class="notice" role="status" data-testid="fading-clip-notice">{main_notice}</p>
            <p class="muted" role="status" data-testid="fading-computing">{move || computing.with(|families| {
                (!families.is_empty()).then(|| {
                    let names: Vec<&str> = families.iter().map(|&f| family_name(f, lang())).collect();
                    match lang() {
                        Lang::En => format!("Computing the influence of {} …", names.join(", ")),
                        Lang::Es => format!("Calculando la influencia de {} …", names.join(", ")),
                    }
                })
            })}</p>

            <table class="fading-memory" data-testid="memory-table">
                <caption>{t("Memory read-out on output i: the farthest distance where the influence is still ≥ ½ (and ≥ 1/100) of its maximum, interpolated between tokens; “> n” means it never falls that low within the sentence.", "Lectura de memoria en la salida i: la mayor distancia a la que la influencia sigue siendo ≥ ½ (y ≥ 1/100) de su máximo, interpolada entre tokens; «> n» significa que no baja tanto dentro de la frase.")}</caption>
                <thead><tr><th scope="col">{t("model", "modelo")}</th><th scope="col">{t("½ of max", "½ del máximo")}</th><th scope="col">{t("1/100 of max", "1/100 del máximo")}</th></tr></thead>
                <tbody>{memory_rows}</tbody>
            </table>

            <div class="fading-sliders">
                <fieldset>
                    <legend>{t("Linear RNN", "RNN lineal")}</legend>
                    <KnobSlider knob=knobs::linear_rnn::R value=r />
                    <KnobSlider knob=knobs::linear_rnn::THETA value=theta />
                </fieldset>
                <fieldset>
                    <legend>"S4D"</legend>
                    <KnobSlider knob=knobs::s4d::DELTA value=s4d_delta />
                </fieldset>
                <fieldset>
                    <legend>"RNN"</legend>
                    <KnobSlider knob=knobs::rnn::RADIUS value=radius />
                    <p class="fading-hint">{move || if radius.get() < 1.0 { tr("ρ < 1: gradients vanish with distance.", "ρ < 1: los gradientes se desvanecen con la distancia.").now() } else if radius.get() > 1.0 { tr("ρ > 1: gradients may explode (tanh saturation can still tame them).", "ρ > 1: los gradientes pueden explotar (la saturación de tanh aún puede contenerlos).").now() } else { tr("ρ = 1: the edge between vanishing and exploding.", "ρ = 1: la frontera entre desvanecerse y explotar.").now() }}</p>
                </fieldset>
                <fieldset>
                    <legend>"CNN"</legend>
                    <KnobSlider knob=knobs::cnn::LAYERS value=layers />
                    <KnobSlider knob=knobs::cnn::KERNEL value=kernel />
                    <label class="fading-toggle">
                        <input type="checkbox" data-testid="toggle-dilation"
                            prop:checked=move || dilated.get()
                            on:change:target=move |ev| dilated.set(ev.target().checked())
                        />
                        {t("dilation 2^ℓ", "dilatación 2^ℓ")}
                    </label>
                    <p class="fading-hint">{move || { let n = cutoff.get() + 1; match lang() {
                        Lang::En => format!("receptive field {n} tokens: influence is exactly 0 from distance {n} on."),
                        Lang::Es => format!("campo receptivo de {n} tokens: la influencia es exactamente 0 a partir de la distancia {n}."),
                    }}}</p>
                </fieldset>
                <fieldset>
                    <legend>"Transformer"</legend>
                    <KnobSlider knob=knobs::transformer::TEMPERATURE value=temperature />
                </fieldset>
                <fieldset>
                    <legend>"Mamba"</legend>
                    <KnobSlider knob=knobs::mamba::DELTA_BIAS value=delta_bias />
                    <KnobSlider knob=knobs::mamba::SELECTIVITY value=selectivity />
                </fieldset>
            </div>

            <details class="fading-table">
                <summary>{t("Curve values (table)", "Valores de las curvas (tabla)")}</summary>
                <table data-testid="curve-table">
                    <thead><tr><th scope="col">{t("curve \\ distance", "curva \\ distancia")}</th>{table_head}</tr></thead>
                    <tbody>{table_rows}</tbody>
                </table>
            </details>

            <section class="fading-demo" data-testid="selectivity-demo">
                <h3>{t("Selectivity: Mamba chooses per token", "Selectividad: Mamba elige token a token")}</h3>
                <p>
                    {t("Random weights do not know which token matters, so here the choice is made by you and by a displayed rule: click tokens to mark them. A large Δ_t makes the state forget the past and take token t in; a small Δ_t (Ā = e^{Δ_t A} ≈ 1) holds the state and lets the token pass. The Mamba block then computes honestly with these Δ_t, and its fading curve is drawn against S4D's, which uses one Δ for every token.",
                    "Unos pesos aleatorios no saben qué token importa, así que aquí eliges tú, con una regla que se muestra: haz clic en los tokens para marcarlos. Un Δ_t grande hace que el estado olvide el pasado y absorba el token t; un Δ_t pequeño (Ā = e^{Δ_t A} ≈ 1) conserva el estado y deja pasar el token. El bloque Mamba calcula de verdad con estos Δ_t, y su curva de desvanecimiento se dibuja junto a la de S4D, que usa un mismo Δ para todos los tokens.")}
                </p>
                <div class="fading-role" role="radiogroup" aria-label=t("What a marked token does", "Qué hace un token marcado")>
                    <label>
                        <input type="radio" name="fading-role" data-testid="role-write"
                            prop:checked=move || role.get() == MarkRole::Write
                            on:change=move |_| role.set(MarkRole::Write)
                        />
                        {t("marked tokens are written to memory (large Δ), the rest passed over (small Δ)", "los tokens marcados se escriben en la memoria (Δ grande), los demás se saltan (Δ pequeño)")}
                    </label>
                    <label>
                        <input type="radio" name="fading-role" data-testid="role-hold"
                            prop:checked=move || role.get() == MarkRole::Hold
                            on:change=move |_| role.set(MarkRole::Hold)
                        />
                        {t("marked tokens hold the memory (small Δ), the rest overwrite it (large Δ)", "los tokens marcados conservan la memoria (Δ pequeño), los demás la sobrescriben (Δ grande)")}
                    </label>
                </div>
                <Slider label=tr("selection strength s", "fuerza de la selección s") param="keep-strength" min=0.0 max=5.0 step=0.1 value=strength />
                <p class="fading-rule" data-testid="delta-rule">{rule_text}</p>
                <ol class="fading-tokens" data-testid="delta-bars"
                    data-delta=move || demo_delta.with(|d| f32_list(d))
                >{token_buttons}</ol>
                <figure class="fading-figure" data-testid="selectivity-chart"
                    data-curves=move || demo_chart.with(|c| {
                        let parts: Vec<String> = c.curves.iter().map(|c| format!("\"{}\":{}", c.label, f32_list(&c.values))).collect();
                        format!("{{{}}}", parts.join(","))
                    })
                >
                    <ChartCanvas data=demo_chart test_id="selectivity-canvas" label=tr("Mamba with the Δ rule against S4D, influence against distance", "Mamba con la regla de Δ frente a S4D, influencia frente a la distancia") />
                    <figcaption>{t("How to read this: pink is Mamba with the Δ rule, orange S4D with one Δ for all tokens, in absolute influence on output i (the spike at distance 0 is the residual path); triangles on the x axis mark the distances of the marked tokens. A marked token written with a large Δ stands out as a peak; a stretch of small Δ holds the state, so the pink line stays flat across it. The 3 tokens before a marked one share its peak (Mamba's causal conv of width 4 mixes them into u_t), and a later large Δ erases what an earlier one wrote.",
                    "Cómo leerlo: en rosa, Mamba con la regla de Δ; en naranja, S4D con un mismo Δ para todos los tokens; en influencia absoluta sobre la salida i (el pico a distancia 0 es el camino residual). Los triángulos sobre el eje x marcan las distancias de los tokens marcados. Un token marcado escrito con un Δ grande destaca como un pico; un tramo de Δ pequeños conserva el estado, así que la línea rosa se mantiene plana a lo largo de él. Los 3 tokens anteriores a uno marcado comparten su pico (la convolución causal de Mamba, de ancho 4, los mezcla en u_t), y un Δ grande posterior borra lo que escribió uno anterior.")}</figcaption>
                </figure>
                <p class="notice" role="status">{demo_notice}</p>
            </section>

            <section class="fading-demo" data-testid="vanishing-demo">
                <h3>{t("Vanishing and exploding: one RNN, three spectral radii", "Desvanecer y explotar: una RNN, tres radios espectrales")}</h3>
                <p>{t("The same RNN weights rescaled to spectral radius 0.5, 1.0 and 1.5, on the same sentence and output i. The influences are absolute (not normalised), so you can see them shrink or grow.", "Los mismos pesos de la RNN reescalados a radio espectral 0.5, 1.0 y 1.5, sobre la misma frase y la misma salida i. Las influencias son absolutas (sin normalizar), así que se ve cómo encogen o crecen.")}</p>
                <figure class="fading-figure" data-testid="vanishing-chart" data-curves=vanish_json>
                    <ChartCanvas data=vanish_chart test_id="vanishing-canvas" label=tr("RNN influence against distance at three spectral radii", "Influencia de la RNN frente a la distancia con tres radios espectrales") />
                    <figcaption>{t("How to read this: blue ρ = 0.5, green ρ = 1.0, red ρ = 1.5; a line falling to the right means far tokens are forgotten (vanishing), rising means they are amplified (exploding). Zeros and overflow cannot be drawn on a log axis: they are clipped and listed below.", "Cómo leerlo: azul ρ = 0.5, verde ρ = 1.0, rojo ρ = 1.5; una línea que baja hacia la derecha significa que los tokens lejanos se olvidan (desvanecimiento); si sube, se amplifican (explosión). Los ceros y los desbordamientos no se pueden dibujar en un eje logarítmico: se recortan y se enumeran debajo.")}</figcaption>
                </figure>
                <p class="notice" role="status" data-testid="vanishing-notice">{vanish_notice}</p>
            </section>
        </section>
    }
}
