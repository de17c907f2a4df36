//! The counted costs: the quantity selector, the log-log chart, the table, and the one
//! convention of depth every family is counted with.

use leptos::html::Canvas;
use leptos::prelude::*;

use super::data::theory_chart;
use super::state::CostState;
use super::words::metric_label;
use super::HeaderCells;
use crate::core::cost::{Metric, THEORY_LENS};
use crate::ui::charts::cost::draw;
use crate::ui::i18n::{lang, t, tr};
use crate::ui::widgets::format::display_number;

/// The table of the counted values of the chosen quantity.
#[component]
fn TheoryTable() -> impl IntoView {
    let s = expect_context::<CostState>();
    let rows = move || {
        let m = s.metric.get();
        let tables = s.tables.get_value();
        THEORY_LENS
            .iter()
            .enumerate()
            .map(|(row, &n)| {
                let cells = tables
                    .iter()
                    .map(|(f, rows)| {
                        let v = m.of(&rows[row].cost);
                        view! {
                            <td data-testid=format!("theory-{}-{n}", f.id()) data-value=v.to_string()>
                                {if v < 100_000 { v.to_string() } else { display_number(v as f32) }}
                            </td>
                        }
                    })
                    .collect_view();
                view! { <tr><th scope="row">{n}</th>{cells}</tr> }
            })
            .collect_view()
    };
    view! {
        <details class="cost-table-wrap" open>
            <summary>{t("Table of the counted values", "Tabla de los valores contados")}</summary>
            <table class="cost-table" data-testid="cost-theory-table">
                <thead><tr><th scope="col">"n"</th><HeaderCells/></tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </details>
    }
}

/// The counted section.
#[component]
pub fn Theory() -> impl IntoView {
    let s = expect_context::<CostState>();
    let metric = s.metric;
    let theory_data = Memo::new(move |_| {
        s.tables
            .with_value(|tables| theory_chart(tables, metric.get(), lang()))
    });
    let canvas = NodeRef::<Canvas>::new();
    let chart_error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let Some(canvas) = canvas.get() else {
            return;
        };
        theory_data.with(|d| {
            if let Err(e) = draw(&canvas, d) {
                chart_error.set(Some(format!(
                    "{} {e}",
                    tr("Theory chart not drawn:", "Gráfico teórico no dibujado:").now()
                )));
            }
        });
    });
    view! {
        <h3>{t("Counted (theory)", "Contado (teoría)")}</h3>
        <label class="cost-metric">
            {t("Quantity ", "Magnitud ")}
            <select
                data-testid="cost-metric"
                on:change:target=move |ev| {
                    let id = ev.target().value();
                    if let Some(m) = Metric::ALL.into_iter().find(|m| m.id() == id) {
                        metric.set(m);
                    }
                }
            >
                {Metric::ALL.iter().map(|m| view! {
                    <option value=m.id() selected=move || metric.get() == *m>{let m = *m; move || metric_label(m, lang())}</option>
                }).collect_view()}
            </select>
        </label>
        <p class="cost-howto">{t("How to read this: one line per model, counted from its definition, n from 16 to 65 536 on a log scale; a steeper line grows faster.", "Cómo leerlo: una línea por modelo, contada a partir de su definición, n de 16 a 65 536 en escala logarítmica; cuanto más empinada la línea, más rápido crece.")}</p>
        <canvas node_ref=canvas class="cost-chart" data-testid="cost-theory-chart"
            role="img" aria-label=t("Counted cost against sequence length, log-log", "Coste contado frente a la longitud de la secuencia, log-log")></canvas>
        <p class="notice" role="status">{move || chart_error.get()}</p>
        <p class="cost-caption" data-testid="cost-depth-convention">
            {t("Depth, one convention for every model: the levels that must run one after another when everything independent runs at once, \
            where combining m positions (a sum, a maximum, a scan) takes ⌈log₂ m⌉ levels of pairwise combines, at least one per layer; \
            work inside one position (projections, MLP, gates) is not counted. So a CNN layer with kernel k takes ⌈log₂ k⌉ levels; \
            an attention layer ⌈log₂ n⌉ (its softmax and weighted sum run over up to n keys); a linear recurrence by a parallel scan ⌈log₂ n⌉, \
            but n when stepped in time (Mamba adds ⌈log₂ k⌉ for its width-k convolution); a tanh RNN n whatever the algorithm. \
            Flow's steps are rows of its diagram (a layer, a token, a scan level); its steps line gives this depth beside them. Sequential depth is the computation as this app runs it; \
            parallel depth, with the best parallel algorithm.",
            "Profundidad, un mismo criterio para todos los modelos: los niveles que deben ejecutarse uno tras otro cuando todo lo independiente se ejecuta a la vez, \
            y combinar m posiciones (una suma, un máximo, un scan) cuesta ⌈log₂ m⌉ niveles de combinaciones por pares, al menos uno por capa; \
            el trabajo dentro de una posición (proyecciones, MLP, puertas) no se cuenta. Así, una capa de CNN con núcleo k necesita ⌈log₂ k⌉ niveles; \
            una capa de atención, ⌈log₂ n⌉ (su softmax y su suma ponderada recorren hasta n claves); una recurrencia lineal con un scan paralelo, ⌈log₂ n⌉, \
            pero n si se avanza paso a paso en el tiempo (Mamba suma ⌈log₂ k⌉ por su convolución de ancho k); una RNN con tanh, n con cualquier algoritmo. \
            Los pasos de la vista Flujo son filas de su diagrama (una capa, un token, un nivel del scan); su línea de pasos da esta profundidad a su lado. La profundidad secuencial es el cálculo tal como lo ejecuta esta aplicación; \
            la paralela, con el mejor algoritmo paralelo.")}
        </p>
        <TheoryTable/>
    }
}
