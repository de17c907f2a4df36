//! 3 · Structure: the S4D kernel by recurrence and by a Vandermonde product; the
//! eigenvalues of A.

use leptos::prelude::*;
use num_complex::Complex64;
use plotters::chart::SeriesLabelPosition;

use super::state::SsmState;
use super::{chart_effect, js, js_complex, js_list, shown};
use crate::core::models::s4d;
use crate::core::ssm::{self};
use crate::ui::charts::ssm::{padded_range, Marker, Plot, Series, BLUE, GREY, ORANGE};
use crate::ui::i18n::{core_error, lang, t, tr, Lang};
use crate::ui::state::SharedInput;
use crate::ui::url_state::strings;
use crate::ui::widgets::slider::Slider;

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
pub fn StructurePanel() -> impl IntoView {
    let input = expect_context::<SharedInput>();
    let SsmState {
        variant,
        states,
        kdelta,
        ..
    } = expect_context::<SsmState>();
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
                        <thead><tr><th>{t("kernel of length 64", "núcleo de longitud 64")}</th><th>{t("complex multiplies", "productos complejos")}</th><th>{t("complex exp", "exp complejas")}</th><th>{t("depth (levels)", "profundidad (niveles)")}</th></tr></thead>
                        <tbody>
                            <tr><td>{t("recurrence (Ā^k one step at a time)", "recurrencia (Ā^k paso a paso)")}</td><td>{r.multiplies}</td><td>{r.exponentials}</td><td>{r.depth}</td></tr>
                            <tr><td>{t("Vandermonde (Ā^k = exp(kΔA) directly)", "Vandermonde (Ā^k = exp(kΔA) directamente)")}</td><td>{v.multiplies}</td><td>{v.exponentials}</td><td>{v.depth}</td></tr>
                        </tbody>
                    </table>
                    <p class="ssm-note" data-testid="kernel-depth-note">
                        {t("Depth: the levels of operations that must run one after another when everything independent runs at once — each multiply or exponential of one entry is one level, and a sum of P terms ⌈log₂ P⌉ levels of pairwise additions (the Cost view's binary-combine accounting, applied to single operations). The recurrence needs L levels for Ā^k one power after another; the Vandermonde product needs 2.",
                        "Profundidad: los niveles de operaciones que deben ejecutarse uno tras otro cuando todo lo independiente se ejecuta a la vez — cada producto o exponencial de una entrada es un nivel, y una suma de P términos, ⌈log₂ P⌉ niveles de sumas por pares (la contabilidad de combinaciones por pares de la vista Coste, aplicada a operaciones sueltas). La recurrencia necesita L niveles para Ā^k, una potencia tras otra; el producto de Vandermonde, 2.")}
                    </p>
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
                {t("With a diagonal A, the S4D convolution kernel K_k = f·Re Σ_n C_n B̄_n Ā_n^k (f = 2 for S4D-Lin, which stores one state of each conjugate pair; f = 1 for S4D-Real) is a product f·Re(C·diag(B̄)·V) with the Vandermonde matrix \
                V_{n,k} = Ā_n^k: every entry can be computed at once, instead of one step after another. Both give the same kernel (A, B, C \
                from the S4D model of the other views, channel 0). The eigenvalues of A set what each state does: Re A how fast it fades \
                (the slopes in the Fading view), Im A how fast it oscillates.",
                "Con una A diagonal, el núcleo de convolución de S4D K_k = f·Re Σ_n C_n B̄_n Ā_n^k (f = 2 en S4D-Lin, que guarda un estado de cada par conjugado; f = 1 en S4D-Real) es un producto f·Re(C·diag(B̄)·V) con la matriz de Vandermonde \
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
