//! 1 · Discretization: the continuous system against its ZOH, bilinear, Euler and Mamba
//! recurrences, and the error of each against the step Δ.

use leptos::prelude::*;
use plotters::chart::SeriesLabelPosition;

use super::state::SsmState;
use super::{chart_effect, first_dimension, js, js_complex, js_list, shown};
use crate::core::ssm::{self, DeltaSweep, DiagSystem, DiscretizationRun, Method, Signal};
use crate::ui::charts::ssm::{
    padded_range, Marker, Plot, Series, BLUE, EXACT, GREEN, GREY, PURPLE, RED,
};
use crate::ui::i18n::{core_error, lang, t, tr, Lang};
use crate::ui::state::SharedInput;
use crate::ui::url_state::strings;
use crate::ui::widgets::slider::Slider;

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

/// The memos of the panel, computed from its controls.
pub struct DiscretizationMemos {
    pub system: Memo<DiagSystem>,
    pub run: Memo<Result<DiscretizationRun, String>>,
    pub trajectory: Memo<Option<Plot>>,
    pub sweep: Memo<Option<Plot>>,
}

/// The system the "A" menu names (its link values: "real", "oscillating").
pub fn system_named(name: &str) -> DiagSystem {
    match name {
        "oscillating" => DiagSystem::oscillating(),
        _ => DiagSystem::real_pair(),
    }
}

/// Builds the panel's memos from its controls (in the state) and the sentence.
fn discretization_memos(
    input: SharedInput,
    source: RwSignal<String>,
    preset: RwSignal<String>,
    delta: RwSignal<f64>,
) -> DiscretizationMemos {
    let system = Memo::new(move |_| preset.with(|name| system_named(name)));
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
    DiscretizationMemos {
        system,
        run,
        trajectory,
        sweep,
    }
}

#[component]
pub fn DiscretizationPanel() -> impl IntoView {
    let input = expect_context::<SharedInput>();
    let SsmState {
        disc_source: source,
        disc_system: preset,
        delta,
        ..
    } = expect_context::<SsmState>();
    if let Some(url) = crate::ui::url_state::url_state() {
        url.bind_choice(
            "disc-source",
            source,
            strings(&["sentence", "step", "sine"]),
        );
        url.bind_choice("disc-system", preset, strings(&["real", "oscillating"]));
    }
    let DiscretizationMemos {
        system,
        run,
        trajectory,
        sweep,
    } = discretization_memos(input, source, preset, delta);
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
