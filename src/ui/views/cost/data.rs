//! The Cost view's chart data and exports, computed from the tables and the measurements.

use wasm_bindgen::JsCast;

use crate::core::cost::{
    fitted_exponent, Measurement, Metric, TheoryRow, D_MODEL, FIT_MIN_LEN, MEASURE_LENS,
};
use crate::core::models::family::{Family, ModelConfig};
use crate::ui::charts::cost::{ChartData, Series};
use crate::ui::i18n::Lang;

use super::words::metric_label;

pub fn length_axis(lang: Lang) -> String {
    lang.pick("sequence length n", "longitud de la secuencia n")
        .to_string()
}

pub fn theory_chart(tables: &[(Family, Vec<TheoryRow>)], metric: Metric, lang: Lang) -> ChartData {
    ChartData {
        x_label: length_axis(lang),
        y_label: metric_label(metric, lang).into(),
        x_range: (16.0, 65536.0),
        series: tables
            .iter()
            .map(|(family, rows)| Series {
                family: *family,
                points: rows
                    .iter()
                    .map(|r| (r.len as f64, metric.of(&r.cost) as f64))
                    .collect(),
                guide: vec![],
                dots: false,
            })
            .collect(),
    }
}

pub fn measured_chart(results: &[Measurement], lang: Lang) -> ChartData {
    let series = Family::ALL
        .iter()
        .map(|&family| {
            let points: Vec<(f64, f64)> = results
                .iter()
                .filter(|m| m.family == family)
                .map(|m| (m.len as f64, m.median_ms))
                .collect();
            // Counted multiply-adds, scaled through the longest measured point.
            let guide = match points.last() {
                Some(&(n_last, t_last)) => {
                    let config = ModelConfig::default_for(family);
                    let at = |n: usize| config.cost(D_MODEL, n).multiply_adds as f64;
                    let scale = t_last / at(n_last as usize).max(1.0);
                    MEASURE_LENS
                        .iter()
                        .map(|&n| (n as f64, at(n) * scale))
                        .collect()
                }
                None => vec![],
            };
            Series {
                family,
                points,
                guide,
                dots: true,
            }
        })
        .collect();
    ChartData {
        x_label: length_axis(lang),
        y_label: lang
            .pick(
                "ms per forward pass (median)",
                "ms por pasada hacia delante (mediana)",
            )
            .into(),
        x_range: (64.0, 4096.0),
        series,
    }
}

pub fn points_json(results: &[Measurement]) -> String {
    let items: Vec<String> = results
        .iter()
        .map(|m| {
            format!(
                "{{\"model\":\"{}\",\"n\":{},\"ms\":{}}}",
                m.family.id(),
                m.len,
                if m.median_ms.is_finite() {
                    format!("{}", m.median_ms)
                } else {
                    "null".into()
                }
            )
        })
        .collect();
    format!("[{}]", items.join(","))
}

pub fn slopes_json(results: &[Measurement]) -> String {
    let items: Vec<String> = Family::ALL
        .iter()
        .map(|&f| {
            let slope = fitted_exponent(results, f, FIT_MIN_LEN)
                .map_or("null".to_string(), |s| format!("{s}"));
            format!("\"{}\":{slope}", f.id())
        })
        .collect();
    format!("{{{}}}", items.join(","))
}

/// Offers `text` as a file download through a Blob URL.
pub fn download_csv(text: &str) -> Result<(), String> {
    let err = |e: wasm_bindgen::JsValue| format!("{e:?}");
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(err)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(err)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let anchor: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(err)?
        .dyn_into()
        .map_err(|_| "not an anchor".to_string())?;
    anchor.set_href(&url);
    anchor.set_download("seqmix-cost.csv");
    anchor.click();
    leptos::leptos_dom::helpers::set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(10),
    );
    Ok(())
}
