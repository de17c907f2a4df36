//! 2 · HiPPO memory: the input history rebuilt from the N numbers of the state alone.

use leptos::prelude::*;
use plotters::chart::SeriesLabelPosition;

use super::state::SsmState;
use super::{chart_effect, first_dimension, js, js_list, shown};
use crate::core::rng::{normal_vector, rng_for};
use crate::core::ssm::{self, Measure, Reconstruction, SAMPLES_PER_TOKEN};
use crate::ui::charts::ssm::{
    padded_range, Marker, Plot, Series, BLUE, EXACT, GREY, LIGHT, ORANGE, RED,
};
use crate::ui::i18n::{core_error, lang, t, tr, Lang, Tr};
use crate::ui::state::SharedInput;
use crate::ui::url_state::strings;
use crate::ui::widgets::player::Player;
use crate::ui::widgets::slider::Slider;

/// Sizes N of the "error against N" curve.
const N_SWEEP: [usize; 7] = [1, 2, 4, 8, 16, 32, 64];

fn hippo_measure(kind: &str, window_tokens: f64) -> Measure {
    if kind == "legt" {
        Measure::LegT {
            theta: window_tokens * SAMPLES_PER_TOKEN as f64,
        }
    } else {
        Measure::LegS
    }
}

/// The sample count seen at `percent` % of a signal of `len` samples (at least 1).
fn time_for(percent: usize, len: usize) -> usize {
    ((percent.clamp(1, 100) * len) as f64 / 100.0)
        .round()
        .clamp(1.0, len.max(1) as f64) as usize
}

fn hippo_plot(signal: &[f64], r: &Reconstruction, t: usize, measure: Measure, lang: Lang) -> Plot {
    let per = SAMPLES_PER_TOKEN as f64;
    let all = signal
        .iter()
        .enumerate()
        .map(|(j, &v)| ((j as f64 + 0.5) / per, v))
        .collect::<Vec<_>>();
    let (lo, hi) = padded_range(signal.iter().chain(&r.rebuilt).copied());
    let mut markers = vec![Marker {
        x: t as f64 / per,
        colour: GREY,
        label: lang.pick("now (t)", "ahora (t)").into(),
    }];
    if let Measure::LegT { theta } = measure {
        markers.push(Marker {
            x: (t as f64 - theta) / per,
            colour: ORANGE,
            label: lang
                .pick("window start t − θ", "inicio de la ventana t − θ")
                .into(),
        });
    }
    let x_min = r.x.first().map_or(0.0, |x| (x - 0.5) / per).min(0.0);
    Plot {
        x_label: lang.pick("time (tokens)", "tiempo (tokens)").into(),
        y_label: lang.pick("signal", "señal").into(),
        x: (x_min, signal.len() as f64 / per),
        y: (lo.min(-0.1), hi.max(0.1)),
        series: vec![
            Series {
                label: lang
                    .pick("signal (future greyed)", "señal (futuro en gris)")
                    .into(),
                colour: LIGHT,
                points: all,
                dots: false,
                width: 1.5,
            },
            Series {
                label: lang.pick("true history", "historia real").into(),
                colour: EXACT,
                points: r
                    .x
                    .iter()
                    .map(|x| x / per)
                    .zip(r.truth.iter().copied())
                    .collect(),
                dots: false,
                width: 2.0,
            },
            Series {
                label: lang
                    .pick("rebuilt from the state", "reconstruida desde el estado")
                    .into(),
                colour: BLUE,
                points: r
                    .x
                    .iter()
                    .map(|x| x / per)
                    .zip(r.rebuilt.iter().copied())
                    .collect(),
                dots: false,
                width: 2.0,
            },
            Series {
                label: "error".into(), // the same word in Spanish
                colour: RED,
                points: r
                    .x
                    .iter()
                    .map(|x| x / per)
                    .zip(r.rebuilt.iter().zip(&r.truth).map(|(a, b)| a - b))
                    .collect(),
                dots: false,
                width: 1.0,
            },
        ],
        markers,
        legend: SeriesLabelPosition::UpperRight,
    }
}

fn n_sweep_plot(errors: &[(usize, f64)], current: usize, lang: Lang) -> Plot {
    let points: Vec<(f64, f64)> = errors
        .iter()
        .map(|&(n, e)| ((n as f64).log2(), e.max(1e-12).log10()))
        .collect();
    let (lo, hi) = padded_range(points.iter().map(|p| p.1));
    Plot {
        x_label: lang
            .pick("log2 N (state size)", "log2 N (tamaño del estado)")
            .into(),
        y_label: lang.pick("log10 RMS error", "log10 error RMS").into(),
        x: (-0.2, 6.2),
        y: (lo.min(-1.0), hi.max(0.0)),
        series: vec![
            Series {
                label: String::new(),
                colour: BLUE,
                points: points.clone(),
                dots: false,
                width: 2.0,
            },
            Series {
                label: lang.pick("error at time t", "error en el tiempo t").into(),
                colour: BLUE,
                points,
                dots: true,
                width: 4.0,
            },
        ],
        markers: vec![Marker {
            x: (current as f64).log2(),
            colour: GREY,
            label: lang.pick("current N", "N actual").into(),
        }],
        legend: SeriesLabelPosition::UpperRight,
    }
}

/// The memos of the panel, computed from its controls.
pub struct HippoMemos {
    pub signal: Memo<Vec<f64>>,
    pub size: Memo<usize>,
    pub time: Memo<usize>,
    pub recon: Memo<Result<Reconstruction, String>>,
    pub sweep: Memo<Vec<(usize, f64)>>,
    pub plot: Memo<Option<Plot>>,
    pub n_plot: Memo<Option<Plot>>,
}

/// Builds the panel's memos from its controls (in the state) and the sentence.
fn hippo_memos(
    input: SharedInput,
    source: RwSignal<String>,
    kind: RwSignal<String>,
    n: RwSignal<f64>,
    window: RwSignal<f64>,
    step: RwSignal<usize>,
) -> HippoMemos {
    let signal = Memo::new(move |_| match source.get().as_str() {
        "walk" => {
            let len = input.tokens.with(|t| t.len().max(4)) * SAMPLES_PER_TOKEN;
            let steps = normal_vector(&mut rng_for(input.seed.get(), "ssm/walk"), len, 0.25);
            let mut sum = 0.0;
            steps
                .iter()
                .map(|&s| {
                    sum += f64::from(s);
                    sum
                })
                .collect()
        }
        "smooth" => (0..320)
            .map(|j| {
                let x = j as f64 / 320.0;
                (2.0 * std::f64::consts::PI * 1.5 * x).sin() + 0.5 * (5.0 * x).cos()
            })
            .collect(),
        _ => {
            let values = first_dimension(&input);
            if values.is_empty() {
                Vec::new()
            } else {
                ssm::interpolate_tokens(&values)
            }
        }
    });
    let size = Memo::new(move |_| (n.get().round() as usize).clamp(1, 64));
    let measure = Memo::new(move |_| hippo_measure(&kind.get(), window.get()));
    let states = Memo::new(move |_| {
        let (m, size) = (measure.get(), size.get());
        signal
            .with(|s| ssm::hippo_states(m, size, s))
            .map_err(|e| core_error(&e))
    });
    let time = Memo::new(move |_| signal.with(|s| time_for(step.get(), s.len())));
    let recon = Memo::new(move |_| {
        let (m, size, t) = (measure.get(), size.get(), time.get());
        states.with(|states| {
            let states = states.as_ref().map_err(Clone::clone)?;
            signal
                .with(|s| ssm::reconstruct(m, size, states, s, t))
                .map_err(|e| core_error(&e))
        })
    });
    // States for every N of the sweep (recomputed only when the signal or measure changes).
    let sweep_states = Memo::new(move |_| {
        let m = measure.get();
        signal.with(|s| {
            N_SWEEP
                .iter()
                .map(|&size| ssm::hippo_states(m, size, s).ok())
                .collect::<Vec<_>>()
        })
    });
    let sweep = Memo::new(move |_| {
        let (m, t) = (measure.get(), time.get());
        sweep_states.with(|all| {
            signal.with(|s| {
                N_SWEEP
                    .iter()
                    .zip(all)
                    .filter_map(|(&size, states)| {
                        let states = states.as_ref()?;
                        ssm::reconstruct(m, size, states, s, t)
                            .ok()
                            .map(|r| (size, r.rms_error))
                    })
                    .collect::<Vec<_>>()
            })
        })
    });
    let plot = Memo::new(move |_| {
        let (t, m, lang) = (time.get(), measure.get(), lang());
        recon.with(|r| {
            let r = r.as_ref().ok()?;
            Some(signal.with(|s| hippo_plot(s, r, t, m, lang)))
        })
    });
    let n_plot = Memo::new(move |_| {
        let (current, lang) = (size.get(), lang());
        sweep.with(|e| (!e.is_empty()).then(|| n_sweep_plot(e, current, lang)))
    });
    HippoMemos {
        signal,
        size,
        time,
        recon,
        sweep,
        plot,
        n_plot,
    }
}

#[component]
pub fn HippoPanel() -> impl IntoView {
    let input = expect_context::<SharedInput>();
    let SsmState {
        hippo_source: source,
        hippo_measure: kind,
        hippo_n: n,
        window,
        hippo_step: step,
        ..
    } = expect_context::<SsmState>();
    if let Some(url) = crate::ui::url_state::url_state() {
        url.bind_choice(
            "hippo-source",
            source,
            strings(&["sentence", "walk", "smooth"]),
        );
        url.bind_choice("hippo-measure", kind, strings(&["legs", "legt"]));
    }
    let HippoMemos {
        signal,
        size,
        time,
        recon,
        sweep,
        plot,
        n_plot,
    } = hippo_memos(input, source, kind, n, window, step);
    let (canvas_a, canvas_b) = (NodeRef::new(), NodeRef::new());
    chart_effect(canvas_a, plot);
    chart_effect(canvas_b, n_plot);
    let data = move || {
        recon.with(|r| match r {
            Ok(r) => format!(
                r#"{{"measure":"{}","n":{},"t":{},"samples":{},"per_token":{},"count":{},"x_first":{},"x_last":{},"rms_error":{},"rebuilt_head":{}}}"#,
                kind.get(),
                size.get(),
                time.get(),
                signal.with(Vec::len),
                SAMPLES_PER_TOKEN,
                r.x.len(),
                js(r.x.first().copied().unwrap_or(f64::NAN)),
                js(r.x.last().copied().unwrap_or(f64::NAN)),
                js(r.rms_error),
                js_list(r.rebuilt.iter().take(8).copied()),
            ),
            Err(_) => "null".to_string(),
        })
    };
    let sweep_data = move || {
        sweep.with(|e| {
            let items: Vec<String> = e
                .iter()
                .map(|(n, err)| format!("[{n},{}]", js(*err)))
                .collect();
            format!("[{}]", items.join(","))
        })
    };
    let readout = move || {
        let lang = lang();
        recon.with(|r| match r {
            Ok(r) => {
                let t = shown(time.get() as f64 / SAMPLES_PER_TOKEN as f64);
                let (n, rms) = (size.get(), shown(r.rms_error));
                match lang {
                    Lang::En => format!(
                        "time t = {t} tokens, N = {n} numbers of state: RMS error of the rebuilt history {rms}"
                    ),
                    Lang::Es => format!(
                        "tiempo t = {t} tokens, N = {n} números de estado: error RMS de la historia reconstruida {rms}"
                    ),
                }
            }
            Err(why) => why.clone(),
        })
    };
    let total = leptos::prelude::Signal::derive(|| 100usize);
    view! {
        <section class="ssm-panel" data-testid="panel-hippo">
            <h3>{t("2 · HiPPO: the state as a compressed memory of the past", "2 · HiPPO: el estado como memoria comprimida del pasado")}</h3>
            <p>
                {t("HiPPO chooses A and B so that the N numbers of the state are, at every moment, the coefficients of the input history \
                in a basis of Legendre polynomials. LegS keeps the whole history [0, t] (its resolution fades as t grows); \
                LegT keeps a sliding window [t − θ, t]. Rebuild the history from the state alone and compare: a larger N keeps more detail.",
                "HiPPO elige A y B para que los N números del estado sean, en cada momento, los coeficientes de la historia de la entrada \
                en una base de polinomios de Legendre. LegS guarda toda la historia [0, t] (su resolución se difumina a medida que crece t); \
                LegT guarda una ventana deslizante [t − θ, t]. Reconstruye la historia solo a partir del estado y compara: un N mayor conserva más detalle.")}
            </p>
            <div class="ssm-controls">
                <label>{t("signal ", "señal ")}
                    <select data-testid="select-hippo-source" prop:value=move || source.get()
                        on:change=move |ev| source.set(event_target_value(&ev))>
                        <option value="sentence">{t("sentence (1st embedding dimension, interpolated)", "frase (1.ª dimensión del embedding, interpolada)")}</option>
                        <option value="walk">{t("random walk (seeded)", "paseo aleatorio (con semilla)")}</option>
                        <option value="smooth">{t("smooth (two sines)", "suave (dos senos)")}</option>
                    </select>
                </label>
                <label>{t("measure ", "medida ")}
                    <select data-testid="select-hippo-measure" prop:value=move || kind.get()
                        on:change=move |ev| kind.set(event_target_value(&ev))>
                        <option value="legs">{t("LegS (whole history)", "LegS (toda la historia)")}</option>
                        <option value="legt">{t("LegT (sliding window θ)", "LegT (ventana deslizante θ)")}</option>
                    </select>
                </label>
                <Slider label=tr("state size N", "tamaño del estado N") param="n" min=1.0 max=64.0 step=1.0 value=n />
                <Slider label=tr("window θ (LegT)", "ventana θ (LegT)") param="window" unit=Tr::same("tokens") min=1.0 max=32.0 step=1.0 value=window />
                <div class="slider">
                    <label for="slider-t">{t("time t", "tiempo t")}</label>
                    <input type="range" id="slider-t" data-testid="slider-t" min="1" max="100" step="1"
                        prop:value=move || step.get().max(1).to_string()
                        aria-valuetext=move || format!("{} % {}", step.get().max(1), tr("of the signal", "de la señal").now())
                        on:input=move |ev| {
                            if let Ok(v) = event_target_value(&ev).parse::<usize>() {
                                step.set(v.clamp(1, 100));
                            }
                        } />
                    <output class="slider-value">{move || format!("{} %", step.get().max(1))}</output>
                </div>
                <Player step=step total=total unit=Tr::same("t %") />
            </div>
            <div class="ssm-charts">
                <figure data-testid="chart-hippo" data-chart=data>
                    <canvas node_ref=canvas_a class="ssm-canvas" role="img" aria-label=t("True history and the history rebuilt from the state", "Historia real y la historia reconstruida desde el estado")></canvas>
                    <figcaption>{t("How to read this: black (white in the dark theme) is what really happened up to now (grey: still to come), blue is what the N state numbers alone say happened, red is their difference.", "Cómo leerlo: en negro (blanco en el tema oscuro), lo que ha pasado de verdad hasta ahora (en gris: lo que aún está por venir); en azul, lo que pasó según los N números del estado por sí solos; en rojo, su diferencia.")}</figcaption>
                </figure>
                <figure data-testid="chart-hippo-n" data-chart=sweep_data>
                    <canvas node_ref=canvas_b class="ssm-canvas" role="img" aria-label=t("Rebuild error against the state size", "Error de reconstrucción frente al tamaño del estado")></canvas>
                    <figcaption>{t("How to read this: the RMS error of the rebuilt history at time t for N = 1, 2, 4 … 64 (log scales): more state, better memory — until the signal's own roughness or the discretization limits it.", "Cómo leerlo: el error RMS de la historia reconstruida en el tiempo t para N = 1, 2, 4 … 64 (escalas logarítmicas): más estado, mejor memoria — hasta que lo limitan la propia rugosidad de la señal o la discretización.")}</figcaption>
                </figure>
            </div>
            <p class="ssm-note" data-testid="hippo-readout">{readout}</p>
        </section>
    }
}
