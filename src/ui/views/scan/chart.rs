//! Work and depth of every algorithm against n (the counted curves), and what they say.

use leptos::html::Canvas;
use leptos::prelude::*;

use super::state::ScanState;
use crate::core::scan_view::MAX_N;
use crate::ui::charts::scan::{draw, CostChartData};
use crate::ui::i18n::{lang, t, tr};

/// The work/depth chart section.
#[component]
pub fn WorkDepthChart() -> impl IntoView {
    let s = expect_context::<ScanState>();
    let chart_data = Memo::new(move |_| {
        let lang = lang();
        CostChartData {
            series: s.chart_series.get(),
            current_n: s.count(),
            titles: [
                lang.pick("work: combines (log)", "trabajo: combinaciones (log)")
                    .to_string(),
                lang.pick(
                    "depth: levels one after another (log)",
                    "profundidad: niveles uno tras otro (log)",
                )
                .to_string(),
            ],
        }
    });
    let canvas = NodeRef::<Canvas>::new();
    let chart_error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let Some(el) = canvas.get() else { return };
        chart_data.with(|data| {
            if let Err(e) = draw(&el, data) {
                chart_error.set(Some(format!(
                    "{} {e}",
                    tr(
                        "The chart could not be drawn:",
                        "No se pudo dibujar el gráfico:"
                    )
                    .now()
                )));
            }
        });
    });
    let series_json = move || {
        chart_data.with(|d| {
            let parts: Vec<String> = d
                .series
                .iter()
                .map(|s| {
                    let pts: Vec<String> = s
                        .points
                        .iter()
                        .filter(|p| p.0 <= MAX_N)
                        .map(|p| format!("[{},{},{}]", p.0, p.1, p.2))
                        .collect();
                    format!("\"{}\":[{}]", s.name, pts.join(","))
                })
                .collect();
            format!("{{{}}}", parts.join(","))
        })
    };
    view! {
        <h3>{t("Work and depth vs n", "Trabajo y profundidad frente a n")}</h3>
        <p class="scan-how">
            {t("How to read this: left, the number of combines (work); right, the levels that must run one after another (depth); both axes logarithmic, the grey line is your n.", "Cómo leerlo: a la izquierda, el número de combinaciones (trabajo); a la derecha, los niveles que deben ejecutarse uno tras otro (profundidad); ambos ejes logarítmicos; la línea gris es tu n.")}
        </p>
        <canvas node_ref=canvas class="scan-chart" data-testid="scan-cost-chart" data-series=series_json></canvas>
        <p class="notice">{move || chart_error.get()}</p>
        <p class="scan-caption" data-testid="scan-work-caption">
            {t("The notes' “n log n” is the work of the simple Hillis–Steele scan (Σ (n − 2^d) ≈ n·log₂ n combines). \
            Blelloch's work-efficient scan does O(n) work — 2(m − 1) combines with m = 2^⌈log₂ n⌉, padding included — \
            and both have O(log n) depth: ⌈log₂ n⌉ and 2·log₂ m levels, against n − 1 for the sequential loop, which does the least work of all. \
            The chunked scan has the shape of hardware-aware kernels such as Mamba's: a scan inside each chunk, then a carry across chunks. \
            Here each block is scanned step by step (all blocks at once); Mamba's CUDA kernel scans each chunk with a parallel block scan \
            (cub's BlockScan) and carries only a chunk's total into the next chunk.",
            "El «n log n» de los apuntes es el trabajo del scan sencillo de Hillis–Steele (Σ (n − 2^d) ≈ n·log₂ n combinaciones). \
            El scan de Blelloch, eficiente en trabajo, hace O(n) trabajo — 2(m − 1) combinaciones con m = 2^⌈log₂ n⌉, relleno incluido — \
            y ambos tienen profundidad O(log n): ⌈log₂ n⌉ y 2·log₂ m niveles, frente a n − 1 del bucle secuencial, que es el que menos trabajo hace. \
            El scan por bloques tiene la forma de los kernels adaptados al hardware, como el de Mamba: un scan dentro de cada bloque y luego un acarreo entre bloques. \
            Aquí cada bloque se recorre paso a paso (todos los bloques a la vez); el kernel CUDA de Mamba recorre cada bloque con un scan paralelo \
            (BlockScan de cub) y solo pasa al bloque siguiente, como acarreo, el total del bloque anterior.")}
        </p>
    }
}
