//! SSM view: where state-space models come from — discretization of a continuous system,
//! HiPPO memory (the history rebuilt from the state alone), and diagonal structure
//! (the S4D kernel by recurrence and by a Vandermonde product; the eigenvalues of A).
//!
//! All numbers come from `core::ssm` (f64), memoized on their inputs; the charts only draw.

use leptos::prelude::*;
use num_complex::Complex64;
use plotters::chart::SeriesLabelPosition;
use web_sys::HtmlCanvasElement;

use super::ViewEntry;
use crate::core::models::s4d;
use crate::core::rng::{normal_vector, rng_for};
use crate::core::ssm::{
    self, DeltaSweep, DiagSystem, DiscretizationRun, Measure, Method, Reconstruction, Signal,
    SAMPLES_PER_TOKEN,
};
use crate::ui::charts::ssm::{
    draw, padded_range, Marker, Plot, Series, BLUE, EXACT, GREEN, GREY, LIGHT, ORANGE, PURPLE, RED,
};
use crate::ui::i18n::{core_error, lang, t, tr, Lang, Tr};
use crate::ui::state::SharedInput;
use crate::ui::url_state::strings;
use crate::ui::view_boundary::report_fault;
use crate::ui::widgets::format::display_number;
use crate::ui::widgets::player::Player;
use crate::ui::widgets::slider::Slider;

/// Registry entry of the SSM view.
pub const ENTRY: ViewEntry = ViewEntry {
    id: "ssm",
    title: Tr::same("SSM"),
    render: || view! { <SsmView/> }.into_any(),
};

/// A number for a JSON data attribute (`null` when not finite).
fn js(v: f64) -> String {
    if v.is_finite() {
        format!("{v}")
    } else {
        "null".to_string()
    }
}

fn js_list(values: impl IntoIterator<Item = f64>) -> String {
    let items: Vec<String> = values.into_iter().map(js).collect();
    format!("[{}]", items.join(","))
}

fn js_complex(values: &[Complex64]) -> String {
    let items: Vec<String> = values
        .iter()
        .map(|z| format!("[{},{}]", js(z.re), js(z.im)))
        .collect();
    format!("[{}]", items.join(","))
}

fn shown(v: f64) -> String {
    display_number(v as f32)
}

/// Redraws `canvas` whenever `plot` changes.
fn chart_effect(canvas: NodeRef<leptos::html::Canvas>, plot: Memo<Option<Plot>>) {
    Effect::new(move |_| {
        let Some(element) = canvas.get() else {
            return;
        };
        let element: &HtmlCanvasElement = &element;
        plot.with(|plot| {
            if let Some(plot) = plot {
                if let Err(why) = draw(element, plot) {
                    report_fault(format!("An SSM chart could not be drawn: {why}"));
                }
            }
        });
    });
}

/// The first embedding dimension of every token (the sentence as a 1-D signal).
fn first_dimension(input: &SharedInput) -> Vec<f64> {
    input.embeddings.with(|e| {
        if e.0.ncols() == 0 {
            Vec::new()
        } else {
            e.0.column(0).iter().map(|&v| f64::from(v)).collect()
        }
    })
}

/// The whole SSM view: three panels.
#[component]
pub fn SsmView() -> impl IntoView {
    view! {
        <section class="view ssm" data-testid="view-ssm">
            <h2>{t("SSM: where state-space models come from", "SSM: de dónde vienen los modelos de espacio de estados")}</h2>
            <p>
                {t("An S4 or Mamba layer starts as a continuous system h′(t) = A h(t) + B x(t). \
                Below: how it becomes a recurrence (discretization, and what goes wrong with a crude rule), \
                why its state is a memory of the whole past (HiPPO: the history rebuilt from the state alone), \
                and why a diagonal A makes it cheap (the convolution kernel in closed form).",
                "Una capa S4 o Mamba parte de un sistema continuo h′(t) = A h(t) + B x(t). \
                Abajo: cómo se convierte en una recurrencia (la discretización, y qué falla con una regla tosca), \
                por qué su estado es una memoria de todo el pasado (HiPPO: la historia reconstruida solo a partir del estado) \
                y por qué una A diagonal lo abarata (el núcleo de la convolución en forma cerrada).")}
            </p>
            <DiscretizationPanel/>
            <HippoPanel/>
            <StructurePanel/>
        </section>
    }
}

// ---------------------------------------------------------------------------------------------
// Discretization
// ---------------------------------------------------------------------------------------------

const METHOD_COLOURS: [plotters::style::RGBColor; 4] = [BLUE, GREEN, RED, PURPLE];

/// A discretization rule's name in `lang` (`Method::name` stays the data id).
fn method_name(method: Method, lang: Lang) -> &'static str {
    match method {
        Method::Zoh => "ZOH",
        Method::Bilinear => lang.pick("bilinear", "bilineal"),
        Method::Euler => "Euler",
        Method::Mamba => lang.pick("Mamba (ZOH A, Euler B)", "Mamba (ZOH para A, Euler para B)"),
    }
}

fn discretization_plot(run: &DiscretizationRun, lang: Lang) -> Plot {
    let (lo, hi) = padded_range(run.exact_y.iter().copied());
    let span = (hi - lo).max(1e-3);
    let y = (lo - 0.4 * span, hi + 0.4 * span);
    let mut series = vec![Series {
        label: lang.pick("exact", "exacta").into(),
        colour: EXACT,
        points: run
            .exact_t
            .iter()
            .copied()
            .zip(run.exact_y.iter().copied())
            .collect(),
        dots: false,
        width: 2.5,
    }];
    for (m, colour) in run.methods.iter().zip(METHOD_COLOURS) {
        let points: Vec<(f64, f64)> = m.t.iter().copied().zip(m.y.iter().copied()).collect();
        let dots = points.len() <= 80;
        series.push(Series {
            label: method_name(m.method, lang).into(),
            colour,
            points,
            dots,
            width: if dots { 3.0 } else { 1.5 },
        });
    }
    Plot {
        x_label: lang.pick("time t", "tiempo t").into(),
        y_label: lang.pick("output y(t)", "salida y(t)").into(),
        x: (0.0, run.horizon),
        y,
        series,
        markers: Vec::new(),
        legend: SeriesLabelPosition::UpperRight,
    }
}

/// The Δ sweep with markers at the current Δ and at the largest stable Euler step.
fn sweep_plot(sweep: &DeltaSweep, delta: f64, euler_threshold: f64, lang: Lang) -> Plot {
    let xs: Vec<f64> = sweep.delta.iter().map(|d| d.log10()).collect();
    let floor = sweep
        .error
        .iter()
        .flatten()
        .map(|e| e.max(1e-16).log10())
        .fold(0.0, f64::min)
        .floor()
        - 0.5;
    let series = Method::ALL
        .iter()
        .enumerate()
        .map(|(i, m)| Series {
            label: method_name(*m, lang).into(),
            colour: METHOD_COLOURS[i],
            points: xs
                .iter()
                .zip(&sweep.error)
                .map(|(&x, e)| (x, e[i].max(1e-16).log10().min(3.0)))
                .collect(),
            dots: false,
            width: 2.0,
        })
        .collect();
    Plot {
        x_label: "log10 Δ".into(),
        y_label: lang.pick("log10 max error", "log10 error máximo").into(),
        x: (ssm::DELTA_MIN.log10(), ssm::DELTA_MAX.log10()),
        y: (floor, 3.0),
        series,
        markers: vec![
            Marker {
                x: delta.log10(),
                colour: GREY,
                label: lang.pick("current Δ", "Δ actual").into(),
            },
            Marker {
                x: euler_threshold.log10(),
                colour: RED,
                label: lang
                    .pick("Euler unstable beyond", "Euler inestable más allá")
                    .into(),
            },
        ],
        legend: SeriesLabelPosition::LowerRight,
    }
}

fn discretization_json(run: &DiscretizationRun, system: &DiagSystem) -> String {
    let methods: Vec<String> = run
        .methods
        .iter()
        .map(|m| {
            format!(
                r#"{{"name":"{}","max_error":{},"gain":{},"t":{},"y":{}}}"#,
                m.method.name(),
                js(m.max_error),
                js(m.gain),
                js_list(m.t.iter().take(40).copied()),
                js_list(m.y.iter().take(40).copied()),
            )
        })
        .collect();
    format!(
        r#"{{"delta":{},"horizon":{},"euler_threshold":{},"a":{},"exact_y":{},"methods":[{}]}}"#,
        js(run.delta),
        js(run.horizon),
        js(run.euler_threshold),
        js_complex(&system.a),
        js_list(run.exact_y.iter().step_by(20).copied()),
        methods.join(",")
    )
}

#[component]
fn DiscretizationPanel() -> impl IntoView {
    let input = expect_context::<SharedInput>();
    let source = RwSignal::new("sentence".to_string());
    let preset = RwSignal::new("real".to_string());
    let delta = RwSignal::new(0.3);
    if let Some(url) = crate::ui::url_state::url_state() {
        url.bind_choice(
            "disc-source",
            source,
            strings(&["sentence", "step", "sine"]),
        );
        url.bind_choice("disc-system", preset, strings(&["real", "oscillating"]));
    }
    let system = Memo::new(move |_| match preset.get().as_str() {
        "oscillating" => DiagSystem::oscillating(),
        _ => DiagSystem::real_pair(),
    });
    // The input signal and horizon: shared by the run at Δ and the sweep over Δ.
    let signal = Memo::new(move |_| {
        Ok(match source.get().as_str() {
            "step" => (Signal::Step, 12.0),
            "sine" => (Signal::Sine { omega: 1.5 }, 12.0),
            _ => {
                let values = first_dimension(&input);
                if values.is_empty() {
                    return Err(lang()
                        .pick(
                            "the sentence is empty: type at least one word",
                            "la frase está vacía: escribe al menos una palabra",
                        )
                        .to_string());
                }
                let horizon = values.len().max(2) as f64;
                (Signal::Held { values, dwell: 1.0 }, horizon)
            }
        })
    });
    let run = Memo::new(move |_| {
        let delta = delta.get();
        signal.with(|s| {
            let (signal, horizon) = s.as_ref().map_err(Clone::clone)?;
            system
                .with(|s| ssm::discretization_run(s, signal, delta, *horizon))
                .map_err(|e| core_error(&e))
        })
    });
    // The sweep does not depend on Δ: moving the Δ slider reruns only `run`.
    let delta_sweep = Memo::new(move |_| {
        signal.with(|s| {
            let (signal, horizon) = s.as_ref().map_err(Clone::clone)?;
            system
                .with(|s| ssm::delta_sweep(s, signal, *horizon, 31))
                .map_err(|e| core_error(&e))
        })
    });
    let trajectory = Memo::new(move |_| {
        let lang = lang();
        run.with(|r| r.as_ref().ok().map(|r| discretization_plot(r, lang)))
    });
    let sweep = Memo::new(move |_| {
        let lang = lang();
        let threshold = system.with(DiagSystem::euler_threshold);
        let delta = delta.get();
        delta_sweep.with(|r| {
            r.as_ref()
                .ok()
                .map(|r| sweep_plot(r, delta, threshold, lang))
        })
    });
    let (canvas_a, canvas_b) = (NodeRef::new(), NodeRef::new());
    chart_effect(canvas_a, trajectory);
    chart_effect(canvas_b, sweep);
    let data = move || {
        run.with(|r| match r {
            Ok(run) => system.with(|s| discretization_json(run, s)),
            Err(_) => "null".to_string(),
        })
    };
    let rows = move || {
        let lang = lang();
        run.with(|r| {
            r.as_ref()
                .map(|run| {
                    run.methods
                        .iter()
                        .map(|m| {
                            let stable = m.gain < 1.0 + 1e-12;
                            view! {
                                <tr data-method=m.method.name()>
                                    <td>{method_name(m.method, lang)}</td>
                                    <td>{shown(m.gain)}</td>
                                    <td>{shown(m.max_error)}</td>
                                    <td class:ssm-unstable=!stable>{match (stable, lang) {
                                        (true, Lang::En) => "stable",
                                        (true, Lang::Es) => "estable",
                                        (false, Lang::En) => "unstable: |Ā| > 1",
                                        (false, Lang::Es) => "inestable: |Ā| > 1",
                                    }}</td>
                                </tr>
                            }
                        })
                        .collect_view()
                })
                .ok()
        })
    };
    let threshold_note = move || {
        let lang = lang();
        run.with(|r| {
            r.as_ref().ok().map(|run| {
                let (limit, delta) = (shown(run.euler_threshold), shown(run.delta));
                let beyond = run.delta > run.euler_threshold;
                match lang {
                    Lang::En => format!(
                        "Euler is stable only while Δ < 2|Re A|/|A|² for every eigenvalue (Δ·|A| < 2 for real A): here Δ < {limit} — the current Δ = {delta} is {}.",
                        if beyond { "beyond it: Euler's trajectory oscillates and grows" } else { "below it: every rule is stable" }
                    ),
                    Lang::Es => format!(
                        "Euler solo es estable mientras Δ < 2|Re A|/|A|² para todo autovalor (Δ·|A| < 2 para A real): aquí Δ < {limit} — el Δ actual = {delta} está {}.",
                        if beyond { "por encima: la trayectoria de Euler oscila y crece" } else { "por debajo: todas las reglas son estables" }
                    ),
                }
            })
        })
    };
    let error = move || run.with(|r| r.as_ref().err().cloned());
    view! {
        <section class="ssm-panel" data-testid="panel-discretization">
            <h3>{t("1 · Discretization: from h′ = A h + B x to h_k = Ā h_{k−1} + B̄ x_k", "1 · Discretización: de h′ = A h + B x a h_k = Ā h_{k−1} + B̄ x_k")}</h3>
            <p>
                {t("A diagonal system with two states is driven by an input and sampled every Δ. Zero-order hold (ZOH) holds the input \
                constant over the step and integrates exactly; bilinear (Tustin) is the trapezoidal rule; forward Euler takes one \
                straight step. Mamba uses ZOH for A (Ā = exp(ΔA)) but an Euler-like step for B (B̄ = ΔB). \
                The \"sentence\" input holds the first embedding value of each token for one time unit; the exact curve is exact for each input \
                (chained exact solutions between the breakpoints of a held input; the analytic integral for the sine).",
                "Un sistema diagonal con dos estados recibe una entrada y se muestrea cada Δ. El retenedor de orden cero (ZOH) mantiene la entrada \
                constante durante el paso e integra de forma exacta; la bilineal (Tustin) es la regla del trapecio; Euler explícito da un solo \
                paso en línea recta. Mamba usa ZOH para A (Ā = exp(ΔA)) pero un paso de tipo Euler para B (B̄ = ΔB). \
                La entrada «frase» mantiene el primer valor del embedding de cada token durante una unidad de tiempo; la curva exacta es exacta para cada entrada \
                (soluciones exactas encadenadas entre los saltos de una entrada retenida; la integral analítica para el seno).")}
            </p>
            <div class="ssm-controls">
                <label>{t("input ", "entrada ")}
                    <select data-testid="select-disc-source" prop:value=move || source.get()
                        on:change=move |ev| source.set(event_target_value(&ev))>
                        <option value="sentence">{t("sentence (held per token)", "frase (retenida en cada token)")}</option>
                        <option value="step">{t("unit step", "escalón unitario")}</option>
                        <option value="sine">{t("sine sin(1.5 t) (smooth)", "seno sin(1.5 t) (suave)")}</option>
                    </select>
                </label>
                <label>"A "
                    <select data-testid="select-disc-system" prop:value=move || preset.get()
                        on:change=move |ev| preset.set(event_target_value(&ev))>
                        <option value="real">{t("real: −0.5 and −3", "real: −0.5 y −3")}</option>
                        <option value="oscillating">{t("oscillating: −0.4 ± 3i and −1", "oscilante: −0.4 ± 3i y −1")}</option>
                    </select>
                </label>
                <Slider label=tr("step Δ", "paso Δ") param="delta" min=ssm::DELTA_MIN max=ssm::DELTA_MAX step=0.05 value=delta log=true />
            </div>
            <p class="notice" role="status">{error}</p>
            <div class="ssm-charts">
                <figure data-testid="chart-discretization" data-chart=data>
                    <canvas node_ref=canvas_a class="ssm-canvas" role="img" aria-label=t("Exact output and the discrete trajectories", "Salida exacta y las trayectorias discretas")></canvas>
                    <figcaption>{t("How to read this: the black curve (white in the dark theme) is the exact output; each colour is a discrete rule sampled every Δ — the gap between them is the discretization error.", "Cómo leerlo: la curva negra (blanca en el tema oscuro) es la salida exacta; cada color es una regla discreta muestreada cada Δ — la distancia entre ellas es el error de discretización.")}</figcaption>
                </figure>
                <figure data-testid="chart-sweep">
                    <canvas node_ref=canvas_b class="ssm-canvas" role="img" aria-label=t("Largest error of each rule against the step size", "Mayor error de cada regla frente al tamaño del paso")></canvas>
                    <figcaption>{t("How to read this: largest error over the run against Δ, both on log scales; the slope is the order (1 for Euler, 2 for bilinear on a smooth input); ZOH drops to rounding when a held input changes only on the grid.", "Cómo leerlo: el mayor error de la ejecución frente a Δ, ambos en escala logarítmica; la pendiente es el orden (1 para Euler, 2 para la bilineal con una entrada suave); ZOH baja hasta el redondeo cuando una entrada retenida solo cambia en la rejilla.")}</figcaption>
                </figure>
            </div>
            <table class="ssm-table" data-testid="disc-table">
                <thead><tr><th>{t("rule", "regla")}</th><th>{t("largest |Ā|", "mayor |Ā|")}</th><th>{t("largest error", "mayor error")}</th><th>{t("stability", "estabilidad")}</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
            <p class="ssm-note" data-testid="euler-note">{threshold_note}</p>
        </section>
    }
}

// ---------------------------------------------------------------------------------------------
// HiPPO
// ---------------------------------------------------------------------------------------------

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

#[component]
fn HippoPanel() -> impl IntoView {
    let input = expect_context::<SharedInput>();
    let source = RwSignal::new("sentence".to_string());
    let kind = RwSignal::new("legs".to_string());
    let n = RwSignal::new(8.0f64);
    let window = RwSignal::new(8.0);
    let step = RwSignal::new(100usize);
    if let Some(url) = crate::ui::url_state::url_state() {
        url.bind_choice(
            "hippo-source",
            source,
            strings(&["sentence", "walk", "smooth"]),
        );
        url.bind_choice("hippo-measure", kind, strings(&["legs", "legt"]));
    }
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
                    <figcaption>{t("How to read this: black (white in the dark theme) is what really happened up to now (grey: still to come), blue is what the N state numbers alone say happened, red is their difference.", "Cómo leerlo: en negro (blanco en el tema oscuro), lo que ha pasado de verdad hasta ahora (en gris: lo que aún está por venir); en azul, lo que dicen que pasó los N números del estado por sí solos; en rojo, su diferencia.")}</figcaption>
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

// ---------------------------------------------------------------------------------------------
// Structure
// ---------------------------------------------------------------------------------------------

/// Kernel length of the structure panel (the longest sentence).
const KERNEL_LEN: usize = 64;

#[derive(Debug, Clone, PartialEq)]
struct StructureData {
    recurrence: Vec<f64>,
    vandermonde: Vec<f64>,
    max_diff: f64,
    lin: Vec<Complex64>,
    real: Vec<Complex64>,
    stored: usize,
}

fn kernel_plot(d: &StructureData, lang: Lang) -> Plot {
    let (lo, hi) = padded_range(d.recurrence.iter().chain(&d.vandermonde).copied());
    let pts = |v: &[f64]| v.iter().enumerate().map(|(k, &y)| (k as f64, y)).collect();
    Plot {
        x_label: lang.pick("lag k", "retardo k").into(),
        y_label: lang.pick("kernel K_k", "núcleo K_k").into(),
        x: (-0.5, KERNEL_LEN as f64 - 0.5),
        y: (lo, hi),
        series: vec![
            Series {
                label: lang.pick("recurrence", "recurrencia").into(),
                colour: BLUE,
                points: pts(&d.recurrence),
                dots: false,
                width: 2.0,
            },
            Series {
                label: "Vandermonde".into(),
                colour: ORANGE,
                points: pts(&d.vandermonde),
                dots: true,
                width: 3.0,
            },
        ],
        markers: Vec::new(),
        legend: SeriesLabelPosition::LowerRight,
    }
}

fn eigen_plot(d: &StructureData, lang: Lang) -> Plot {
    let pts = |v: &[Complex64]| v.iter().map(|z| (z.re, z.im)).collect::<Vec<_>>();
    let x_lo = d.real.iter().map(|z| z.re).fold(-1.0, f64::min) - 1.0;
    let y_hi = d.lin.iter().map(|z| z.im.abs()).fold(1.0, f64::max) + 1.0;
    Plot {
        x_label: lang
            .pick("Re A (decay rate)", "Re A (tasa de decaimiento)")
            .into(),
        y_label: lang.pick("Im A (frequency)", "Im A (frecuencia)").into(),
        x: (x_lo, 1.0),
        y: (-y_hi, y_hi),
        series: vec![
            Series {
                label: "S4D-Lin −½ + iπn".into(),
                colour: BLUE,
                points: pts(&d.lin),
                dots: true,
                width: 3.0,
            },
            Series {
                label: "S4D-Real −(n+1)".into(),
                colour: ORANGE,
                points: pts(&d.real),
                dots: true,
                width: 3.0,
            },
        ],
        markers: vec![Marker {
            x: 0.0,
            colour: GREY,
            label: lang
                .pick("Re A = 0 (no decay)", "Re A = 0 (sin decaimiento)")
                .into(),
        }],
        legend: SeriesLabelPosition::UpperLeft,
    }
}

#[component]
fn StructurePanel() -> impl IntoView {
    let input = expect_context::<SharedInput>();
    let variant = RwSignal::new("lin".to_string());
    let states = RwSignal::new(16.0f64);
    let kdelta = RwSignal::new(0.1);
    if let Some(url) = crate::ui::url_state::url_state() {
        url.bind_choice("s4d-variant", variant, strings(&["lin", "real"]));
    }
    let size = Memo::new(move |_| ((states.get() / 2.0).round() as usize * 2).clamp(2, 64));
    let data = Memo::new(move |_| {
        let variant = if variant.get() == "real" {
            s4d::Variant::Real
        } else {
            s4d::Variant::Lin
        };
        let config = s4d::Config {
            variant,
            states: size.get(),
            delta: kdelta.get() as f32,
            form: s4d::Form::Recurrence,
        };
        let system =
            ssm::S4dSystem::from_model(&config, input.seed.get()).map_err(|e| core_error(&e))?;
        let recurrence = ssm::kernel_recurrence(&system, KERNEL_LEN);
        let vandermonde = ssm::kernel_vandermonde(&system, KERNEL_LEN);
        let max_diff = recurrence
            .iter()
            .zip(&vandermonde)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f64::max);
        Ok::<_, String>(StructureData {
            recurrence,
            vandermonde,
            max_diff,
            lin: ssm::s4d_eigenvalues(s4d::Variant::Lin, size.get()),
            real: ssm::s4d_eigenvalues(s4d::Variant::Real, size.get()),
            stored: system.a.len(),
        })
    });
    let k_plot = Memo::new(move |_| {
        let lang = lang();
        data.with(|d| d.as_ref().ok().map(|d| kernel_plot(d, lang)))
    });
    let e_plot = Memo::new(move |_| {
        let lang = lang();
        data.with(|d| d.as_ref().ok().map(|d| eigen_plot(d, lang)))
    });
    let (canvas_a, canvas_b) = (NodeRef::new(), NodeRef::new());
    chart_effect(canvas_a, k_plot);
    chart_effect(canvas_b, e_plot);
    let kernel_data = move || {
        data.with(|d| match d {
            Ok(d) => format!(
                r#"{{"variant":"{}","states":{},"delta":{},"recurrence":{},"vandermonde":{},"max_diff":{}}}"#,
                variant.get(),
                size.get(),
                js(kdelta.get()),
                js_list(d.recurrence.iter().copied()),
                js_list(d.vandermonde.iter().copied()),
                js(d.max_diff)
            ),
            Err(_) => "null".to_string(),
        })
    };
    let eigen_data = move || {
        data.with(|d| match d {
            Ok(d) => format!(
                r#"{{"lin":{},"real":{}}}"#,
                js_complex(&d.lin),
                js_complex(&d.real)
            ),
            Err(_) => "null".to_string(),
        })
    };
    let costs = move || {
        data.with(|d| {
            d.as_ref().ok().map(|d| {
                let (r, v) = (
                    ssm::recurrence_cost(d.stored, KERNEL_LEN),
                    ssm::vandermonde_cost(d.stored, KERNEL_LEN),
                );
                view! {
                    <table class="ssm-table" data-testid="kernel-cost">
                        <thead><tr><th>{t("kernel of length 64", "núcleo de longitud 64")}</th><th>{t("complex multiplies", "productos complejos")}</th><th>{t("complex exp", "exp complejas")}</th><th>{t("sequential depth", "profundidad secuencial")}</th></tr></thead>
                        <tbody>
                            <tr><td>{t("recurrence (Ā^k one step at a time)", "recurrencia (Ā^k paso a paso)")}</td><td>{r.multiplies}</td><td>{r.exponentials}</td><td>{r.depth}</td></tr>
                            <tr><td>{t("Vandermonde (Ā^k = exp(kΔA) directly)", "Vandermonde (Ā^k = exp(kΔA) directamente)")}</td><td>{v.multiplies}</td><td>{v.exponentials}</td><td>{v.depth}</td></tr>
                        </tbody>
                    </table>
                    <p class="ssm-note" data-testid="kernel-diff">
                        {let (stored, diff) = (d.stored, shown(d.max_diff)); move || match lang() {
                            Lang::En => format!("{stored} stored states; largest difference between the two kernels: {diff} (rounding)."),
                            Lang::Es => format!("{stored} estados guardados; mayor diferencia entre los dos núcleos: {diff} (redondeo)."),
                        }}
                    </p>
                }
            })
        })
    };
    let error = move || data.with(|d| d.as_ref().err().cloned());
    view! {
        <section class="ssm-panel" data-testid="panel-structure">
            <h3>{t("3 · Structure: a diagonal A gives the kernel in closed form", "3 · Estructura: una A diagonal da el núcleo en forma cerrada")}</h3>
            <p>
                {t("With a diagonal A, the S4D convolution kernel K_k = Re Σ_n C_n B̄_n Ā_n^k is a product C·diag(B̄)·V with the Vandermonde matrix \
                V_{n,k} = Ā_n^k: every entry can be computed at once, instead of one step after another. Both give the same kernel (A, B, C \
                from the S4D model of the other views, channel 0). The eigenvalues of A set what each state does: Re A how fast it fades \
                (the slopes in the Fading view), Im A how fast it oscillates.",
                "Con una A diagonal, el núcleo de convolución de S4D K_k = Re Σ_n C_n B̄_n Ā_n^k es un producto C·diag(B̄)·V con la matriz de Vandermonde \
                V_{n,k} = Ā_n^k: todas las entradas pueden calcularse a la vez, en lugar de un paso tras otro. Ambos dan el mismo núcleo (A, B, C \
                del modelo S4D de las otras vistas, canal 0). Los autovalores de A fijan lo que hace cada estado: Re A, lo rápido que se apaga \
                (las pendientes de la vista Desvanecimiento); Im A, lo rápido que oscila.")}
            </p>
            <div class="ssm-controls">
                <label>{t("initialisation ", "inicialización ")}
                    <select data-testid="select-s4d-variant" prop:value=move || variant.get()
                        on:change=move |ev| variant.set(event_target_value(&ev))>
                        <option value="lin">{t("S4D-Lin (complex)", "S4D-Lin (compleja)")}</option>
                        <option value="real">"S4D-Real"</option>
                    </select>
                </label>
                <Slider label=tr("states N", "estados N") param="states" min=2.0 max=64.0 step=2.0 value=states />
                <Slider label=tr("step Δ (kernel)", "paso Δ (núcleo)") param="kdelta" min=ssm::DELTA_MIN max=ssm::DELTA_MAX step=0.05 value=kdelta log=true />
            </div>
            <p class="notice" role="status">{error}</p>
            <div class="ssm-charts">
                <figure data-testid="chart-kernel" data-chart=kernel_data>
                    <canvas node_ref=canvas_a class="ssm-canvas" role="img" aria-label=t("S4D kernel by recurrence and by Vandermonde product", "Núcleo de S4D por recurrencia y por producto de Vandermonde")></canvas>
                    <figcaption>{t("How to read this: the weight the layer gives to the input k steps back; the line (recurrence) and the dots (Vandermonde) coincide.", "Cómo leerlo: el peso que da la capa a la entrada de hace k pasos; la línea (recurrencia) y los puntos (Vandermonde) coinciden.")}</figcaption>
                </figure>
                <figure data-testid="chart-eigen" data-chart=eigen_data>
                    <canvas node_ref=canvas_b class="ssm-canvas" role="img" aria-label=t("Eigenvalues of A in the complex plane", "Autovalores de A en el plano complejo")></canvas>
                    <figcaption>{t("How to read this: each dot is one eigenvalue of A (with its conjugate); further left = forgets faster, further from the axis = oscillates faster. S4D-Lin spreads frequencies, S4D-Real spreads decay rates.", "Cómo leerlo: cada punto es un autovalor de A (con su conjugado); más a la izquierda = olvida más rápido, más lejos del eje = oscila más rápido. S4D-Lin reparte frecuencias; S4D-Real reparte tasas de decaimiento.")}</figcaption>
                </figure>
            </div>
            {costs}
        </section>
    }
}
