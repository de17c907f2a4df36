//! The measurement in this browser: controls, progress, notes, the chart of the medians with
//! the counted guide lines, and the table of the medians.

use leptos::html::Canvas;
use leptos::prelude::*;

use super::data::{download_csv, measured_chart, points_json, slopes_json};
use super::runner::{self, BATCHES};
use super::state::{CostState, RunState};
use super::HeaderCells;
use crate::core::cost::{measurements_csv, D_MODEL};
use crate::core::models::family::Family;
use crate::ui::charts::cost::draw;
use crate::ui::i18n::{lang, t, tr, Lang};
use crate::ui::state::SharedInput;
use crate::ui::widgets::format::display_number;
use crate::ui::widgets::slider::Slider;

/// The run's buttons, progress and status line.
#[component]
fn RunControls() -> impl IntoView {
    let s = expect_context::<CostState>();
    let input = expect_context::<SharedInput>();
    let ui = s.run;
    let download = move |_| {
        let text = ui.results.with(|r| measurements_csv(r, D_MODEL));
        s.csv_notice.set(download_csv(&text).err().map(|e| {
            (
                format!("CSV not saved: {e}"),
                format!("No se guardó el CSV: {e}"),
            )
        }));
    };
    let running = move || ui.state.get() == RunState::Running;
    let has_results = move || ui.results.with(|r| !r.is_empty());
    let percent = move || {
        let (done, total) = ui.progress.get();
        if total == 0 {
            0.0
        } else {
            100.0 * done as f64 / total as f64
        }
    };
    let status = move || {
        let points = ui.results.with(|r| r.len());
        match (ui.state.get(), lang()) {
            (RunState::Idle, Lang::En) => "Not run yet.".to_string(),
            (RunState::Idle, Lang::Es) => "Aún no se ha ejecutado.".to_string(),
            (RunState::Running, Lang::En) => format!("Measuring… {:.0} %", percent()),
            (RunState::Running, Lang::Es) => format!("Midiendo… {:.0} %", percent()),
            (RunState::Done, Lang::En) => format!("Done: {points} points."),
            (RunState::Done, Lang::Es) => format!("Hecho: {points} puntos."),
            (RunState::Cancelled, Lang::En) => format!("Cancelled after {points} points."),
            (RunState::Cancelled, Lang::Es) => format!("Cancelado tras {points} puntos."),
        }
    };
    view! {
        <div class="cost-controls">
            <Slider label=tr("largest n", "n máximo") param="n-max" min=64.0 max=4096.0 step=std::f64::consts::LOG10_2 value=s.n_max log=true />
            <button data-testid="cost-run" on:click=move |_| runner::start(s, input.seed.get_untracked()) disabled=running>{t("Run measurement", "Medir")}</button>
            <button data-testid="cost-cancel" on:click=move |_| runner::cancel(s) disabled=move || !running()>{t("Cancel", "Cancelar")}</button>
            <button data-testid="cost-csv" on:click=download disabled=move || !has_results()>{t("Download CSV", "Descargar CSV")}</button>
        </div>
        <div class="cost-progress" data-testid="cost-progress" hidden=move || !running()>
            <progress max="100" value=move || format!("{:.0}", percent())></progress>
        </div>
        <p class="cost-status" role="status" data-testid="cost-status"
            data-state=move || ui.state.get().id()
            data-points=move || ui.results.with(|r| points_json(r))
            data-slopes=move || ui.results.with(|r| slopes_json(r))
        >{status}</p>
        <ul class="cost-notes" data-testid="cost-notes">
            {move || { let lang = lang(); ui.notes.get().into_iter().map(|(en, es)| view! { <li>{lang.pick(en, es)}</li> }).collect_view() }}
            {move || { let lang = lang(); ui.method_notes.get().into_iter().map(|(en, es)| view! { <li class="cost-note-method">{lang.pick(en, es)}</li> }).collect_view() }}
        </ul>
        <p class="notice" role="status">{move || s.csv_notice.get().map(|(en, es)| lang().pick(en, es))}</p>
    }
}

/// The table of the measured medians.
#[component]
fn MeasuredTable() -> impl IntoView {
    let s = expect_context::<CostState>();
    let rows = move || {
        let lens = runner::lens(s.n_max.get());
        s.run.results.with(|results| {
            lens.iter()
                .map(|&n| {
                    let cells = Family::ALL
                        .iter()
                        .map(|&f| {
                            let point = results.iter().find(|m| m.family == f && m.len == n);
                            let (text, value) = match point {
                                Some(m) => (display_number(m.median_ms as f32), m.median_ms.to_string()),
                                None => ("—".to_string(), String::new()),
                            };
                            view! { <td data-testid=format!("measured-{}-{n}", f.id()) data-value=value>{text}</td> }
                        })
                        .collect_view();
                    view! { <tr><th scope="row">{n}</th>{cells}</tr> }
                })
                .collect_view()
        })
    };
    view! {
        <details class="cost-table-wrap" open>
            <summary>{t("Table of the measured medians (ms per forward pass)", "Tabla de las medianas medidas (ms por pasada hacia delante)")}</summary>
            <table class="cost-table" data-testid="cost-measured-table">
                <thead><tr><th scope="col">"n"</th><HeaderCells/></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </details>
    }
}

/// The measured section (the exponents table sits between the chart and the medians).
#[component]
pub fn Measured(children: Children) -> impl IntoView {
    let s = expect_context::<CostState>();
    let measured_data = Memo::new(move |_| {
        let lang = lang();
        s.run.results.with(|r| measured_chart(r, lang))
    });
    let canvas = NodeRef::<Canvas>::new();
    let chart_error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let Some(canvas) = canvas.get() else {
            return;
        };
        measured_data.with(|d| {
            if let Err(e) = draw(&canvas, d) {
                chart_error.set(Some(format!(
                    "{} {e}",
                    tr("Measured chart not drawn:", "Gráfico medido no dibujado:").now()
                )));
            }
        });
    });
    view! {
        <h3>{t("Measured in this browser", "Medido en este navegador")}</h3>
        <p>
            {move || match lang() {
                Lang::En => format!("Runs each model's real forward pass (without the trace the other views animate) on seeded random inputs, \
                    n = 64, 128, …, each point the median of {BATCHES} batches, each batch timed as a whole. \
                    Batches run one at a time, each in a slice of about 12 ms between frames, so the page stays responsive, and the measurement goes on while another view is open."),
                Lang::Es => format!("Ejecuta la pasada hacia delante real de cada modelo (sin la traza que animan las otras vistas) sobre entradas aleatorias con semilla, \
                    n = 64, 128, …; cada punto es la mediana de {BATCHES} lotes, y cada lote se cronometra entero. \
                    Los lotes se ejecutan de uno en uno, cada uno en una porción de unos 12 ms entre fotogramas, para que la página siga respondiendo, y la medición sigue mientras se ve otra vista."),
            }}
        </p>
        <RunControls/>
        <p class="notice" role="status">{move || chart_error.get()}</p>
        <p class="cost-howto">{t("How to read this: dots are measured medians joined by solid lines; the dashed line of the same colour is the counted multiply-adds, scaled to pass through the longest measured point — where they run parallel, the time grows as counted.", "Cómo leerlo: los puntos son medianas medidas unidas por líneas continuas; la línea discontinua del mismo color son las multiplicaciones-sumas contadas, escaladas para pasar por el punto medido más largo — donde van en paralelo, el tiempo crece como se contó.")}</p>
        <canvas node_ref=canvas class="cost-chart" data-testid="cost-measured-chart"
            role="img" aria-label=t("Measured time per forward pass against sequence length, log-log", "Tiempo medido por pasada hacia delante frente a la longitud de la secuencia, log-log")></canvas>
        {children()}
        <MeasuredTable/>
    }
}
