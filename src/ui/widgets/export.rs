//! Export of the figures on screen: every canvas as PNG, every SVG diagram as a standalone SVG
//! (computed styles inlined, so it renders outside the page), and every heat map's matrix as
//! CSV. The panel lists what the current view shows when it is opened, so views need no code
//! of their own: a new chart is exportable as soon as it is on screen.

use crate::ui::i18n::{lang_untracked, t, Lang};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlCanvasElement};

/// Heat maps are drawn one pixel per cell; exports are scaled up to at least this width.
const MIN_PNG_WIDTH: u32 = 640;

/// SVG presentation properties copied from the page's computed style into the exported file.
const SVG_STYLE_PROPERTIES: &[&str] = &[
    "fill",
    "fill-opacity",
    "stroke",
    "stroke-width",
    "stroke-opacity",
    "stroke-dasharray",
    "opacity",
    "font-family",
    "font-size",
    "font-weight",
    "text-anchor",
    "dominant-baseline",
    "visibility",
    "display",
];

fn js_error(e: JsValue) -> String {
    e.as_string().unwrap_or_else(|| format!("{e:?}"))
}

/// Offers `href` (a data: or blob: URL) as a download named `filename`.
fn download_href(href: &str, filename: &str) -> Result<(), String> {
    let anchor: web_sys::HtmlAnchorElement = document()
        .create_element("a")
        .map_err(js_error)?
        .dyn_into()
        .map_err(|_| "cannot create a link".to_string())?;
    anchor.set_href(href);
    anchor.set_download(filename);
    anchor.click();
    Ok(())
}

/// Offers `text` as a file of type `mime` through a Blob URL (revoked after a while).
pub fn download_text(text: &str, mime: &str, filename: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob =
        web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(js_error)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(js_error)?;
    download_href(&url, filename)?;
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(10),
    );
    Ok(())
}

/// The canvas as a PNG; small canvases (heat maps) are scaled up by a whole factor without
/// smoothing, so every cell stays a sharp square.
pub fn canvas_png(canvas: &HtmlCanvasElement) -> Result<String, String> {
    let width = canvas.width();
    if width == 0 || canvas.height() == 0 {
        return Err("the figure is empty".to_string());
    }
    if width >= MIN_PNG_WIDTH {
        return canvas.to_data_url_with_type("image/png").map_err(js_error);
    }
    let factor = MIN_PNG_WIDTH.div_ceil(width);
    let big: HtmlCanvasElement = document()
        .create_element("canvas")
        .map_err(js_error)?
        .dyn_into()
        .map_err(|_| "cannot create a canvas".to_string())?;
    big.set_width(width * factor);
    big.set_height(canvas.height() * factor);
    let context: web_sys::CanvasRenderingContext2d = big
        .get_context("2d")
        .map_err(js_error)?
        .ok_or("no 2-D context")?
        .dyn_into()
        .map_err(|_| "no 2-D context".to_string())?;
    context.set_image_smoothing_enabled(false);
    context
        .draw_image_with_html_canvas_element_and_dw_and_dh(
            canvas,
            0.0,
            0.0,
            f64::from(big.width()),
            f64::from(big.height()),
        )
        .map_err(js_error)?;
    big.to_data_url_with_type("image/png").map_err(js_error)
}

/// A standalone SVG file of `svg`: a copy with every element's computed presentation style
/// inlined (the page's CSS does not travel with the file) and the XML namespace set.
pub fn standalone_svg(svg: &Element) -> Result<String, String> {
    let copy: Element = svg
        .clone_node_with_deep(true)
        .map_err(js_error)?
        .dyn_into()
        .map_err(|_| "cannot copy the diagram".to_string())?;
    let window = window();
    let inline = |from: &Element, to: &Element| -> Result<(), String> {
        let Some(style) = window.get_computed_style(from).map_err(js_error)? else {
            return Ok(());
        };
        let declarations: Vec<String> = SVG_STYLE_PROPERTIES
            .iter()
            .filter_map(|p| {
                let v = style.get_property_value(p).ok()?;
                (!v.is_empty()).then(|| format!("{p}: {v}"))
            })
            .collect();
        to.set_attribute("style", &declarations.join("; "))
            .map_err(js_error)
    };
    inline(svg, &copy)?;
    let originals = svg.query_selector_all("*").map_err(js_error)?;
    let copies = copy.query_selector_all("*").map_err(js_error)?;
    for k in 0..originals.length().min(copies.length()) {
        if let (Some(from), Some(to)) = (
            originals.item(k).and_then(|n| n.dyn_into::<Element>().ok()),
            copies.item(k).and_then(|n| n.dyn_into::<Element>().ok()),
        ) {
            inline(&from, &to)?;
        }
    }
    copy.set_attribute("xmlns", "http://www.w3.org/2000/svg")
        .map_err(js_error)?;
    // The on-screen size, so viewers that ignore the viewBox still show it at scale.
    let rect = svg.get_bounding_client_rect();
    copy.set_attribute("width", &format!("{:.0}", rect.width()))
        .map_err(js_error)?;
    copy.set_attribute("height", &format!("{:.0}", rect.height()))
        .map_err(js_error)?;
    // The page background, since the diagram's colours were chosen against it.
    let background = window
        .get_computed_style(&document().body().ok_or("no body")?.into())
        .ok()
        .flatten()
        .and_then(|s| s.get_property_value("background-color").ok())
        .unwrap_or_default();
    let mut text = web_sys::XmlSerializer::new()
        .map_err(js_error)?
        .serialize_to_string(&copy)
        .map_err(js_error)?;
    if !background.is_empty() {
        if let Some(end) = text.find('>') {
            let rect = format!(
                "<rect width=\"100%\" height=\"100%\" style=\"fill: {background}\"></rect>"
            );
            text.insert_str(end + 1, &rect);
        }
    }
    Ok(format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{text}\n"
    ))
}

/// A matrix as CSV: a header row of column labels, then one row per output with its label.
/// Numbers are written in full precision; overflow (non-finite) cells as `NaN`/`inf`.
pub fn matrix_csv(values: &[Vec<f32>], labels: &[String]) -> String {
    let columns = values.first().map_or(0, Vec::len);
    // Labels name the rows, and the columns too when the matrix is square (token × token).
    let square = columns == values.len();
    let cell = |k: usize, is_column: bool| {
        let text = match labels.get(k).filter(|_| square || !is_column) {
            Some(l) => format!("{k}: {l}"),
            None => k.to_string(),
        };
        format!("\"{}\"", text.replace('"', "\"\""))
    };
    let mut out = String::from("\"output \\ input\"");
    for j in 0..columns {
        out.push(',');
        out.push_str(&cell(j, true));
    }
    out.push('\n');
    for (i, row) in values.iter().enumerate() {
        out.push_str(&cell(i, false));
        for v in row {
            out.push_str(&format!(",{v}"));
        }
        out.push('\n');
    }
    out
}

/// One figure on screen that can be exported.
#[derive(Clone, Debug, PartialEq)]
struct Figure {
    /// `png`, `svg` or `csv`.
    format: &'static str,
    /// Its name in test ids and file names (its own `data-testid`, or a numbered name).
    name: String,
    /// What the button says.
    title: String,
}

/// The element's `data-testid`, or `fallback`.
fn name_of(el: &Element, fallback: String) -> String {
    el.get_attribute("data-testid")
        .filter(|n| !n.is_empty())
        .unwrap_or(fallback)
}

/// The figures inside `root`, in page order.
fn figures_in(root: &Element) -> Vec<Figure> {
    let mut out = Vec::new();
    let each = |selector: &str| -> Vec<Element> {
        root.query_selector_all(selector)
            .map(|list| {
                (0..list.length())
                    .filter_map(|k| list.item(k)?.dyn_into::<Element>().ok())
                    .collect()
            })
            .unwrap_or_default()
    };
    for (k, canvas) in each("canvas").iter().enumerate() {
        let parent_name = canvas
            .closest("[data-testid]")
            .ok()
            .flatten()
            .and_then(|p| p.get_attribute("data-testid"));
        let name = name_of(canvas, parent_name.unwrap_or_else(|| format!("chart-{k}")));
        let label = canvas.get_attribute("aria-label").unwrap_or_default();
        out.push(Figure {
            format: "png",
            title: describe("PNG", &name, &label),
            name,
        });
    }
    for (k, svg) in each("svg[role=img], svg[data-testid]").iter().enumerate() {
        let name = name_of(svg, format!("diagram-{k}"));
        let label = svg.get_attribute("aria-label").unwrap_or_default();
        out.push(Figure {
            format: "svg",
            title: describe("SVG", &name, &label),
            name,
        });
    }
    for heat in each("figure.heatmap[data-values]") {
        let name = name_of(&heat, "heatmap".to_string());
        out.push(Figure {
            format: "csv",
            title: lang_untracked().pick(
                format!("CSV · {name} (matrix values)"),
                format!("CSV · {name} (valores de la matriz)"),
            ),
            name,
        });
    }
    // A name used twice (e.g. two unnamed canvases in one figure) gets a number.
    let mut seen = std::collections::HashMap::<String, usize>::new();
    for f in &mut out {
        let count = seen.entry(format!("{}-{}", f.format, f.name)).or_default();
        *count += 1;
        if *count > 1 {
            f.name = format!("{}-{}", f.name, count);
        }
    }
    out
}

fn describe(format: &str, name: &str, label: &str) -> String {
    if label.is_empty() {
        format!("{format} · {name}")
    } else {
        format!("{format} · {label}")
    }
}

/// Finds the figure again when its button is pressed (the page may have changed since).
fn export(root: &Element, figure: &Figure) -> Result<(), String> {
    let found = |selector: &str| -> Option<Element> {
        let list = root.query_selector_all(selector).ok()?;
        let items: Vec<Element> = (0..list.length())
            .filter_map(|k| list.item(k)?.dyn_into::<Element>().ok())
            .collect();
        // Same naming as `figures_in`, so the k-th figure of a format is found by its name.
        let names: Vec<Figure> = figures_in(root)
            .into_iter()
            .filter(|f| f.format == figure.format)
            .collect();
        names
            .iter()
            .position(|f| f.name == figure.name)
            .and_then(|k| items.get(k).cloned())
    };
    let file = format!("seqmix-{}.{}", figure.name, figure.format);
    match figure.format {
        "png" => {
            let canvas: HtmlCanvasElement = found("canvas")
                .and_then(|c| c.dyn_into().ok())
                .ok_or("the chart is no longer on screen")?;
            download_href(&canvas_png(&canvas)?, &file)
        }
        "svg" => {
            let svg = found("svg[role=img], svg[data-testid]")
                .ok_or("the diagram is no longer on screen")?;
            download_text(&standalone_svg(&svg)?, "image/svg+xml", &file)
        }
        _ => {
            let heat = found("figure.heatmap[data-values]")
                .ok_or("the heat map is no longer on screen")?;
            let values = heat
                .get_attribute("data-values")
                .and_then(|json| parse_matrix(&json))
                .ok_or("the heat map has no values")?;
            let labels = heat
                .get_attribute("data-labels")
                .map(|json| parse_labels(&json))
                .unwrap_or_default();
            download_text(&matrix_csv(&values, &labels), "text/csv", &file)
        }
    }
}

/// Reads a JSON array of arrays of numbers (`null`, for a non-finite cell, becomes NaN).
fn parse_matrix(json: &str) -> Option<Vec<Vec<f32>>> {
    let rows = js_sys::JSON::parse(json).ok()?;
    let rows: js_sys::Array = rows.dyn_into().ok()?;
    rows.iter()
        .map(|row| {
            let row: js_sys::Array = row.dyn_into().ok()?;
            Some(
                row.iter()
                    .map(|v| v.as_f64().map_or(f32::NAN, |v| v as f32))
                    .collect(),
            )
        })
        .collect()
}

/// Reads a JSON array of strings.
fn parse_labels(json: &str) -> Vec<String> {
    js_sys::JSON::parse(json)
        .ok()
        .and_then(|v| v.dyn_into::<js_sys::Array>().ok())
        .map(|a| {
            a.iter()
                .map(|v| v.as_string().unwrap_or_default())
                .collect()
        })
        .unwrap_or_default()
}

/// "Export figures": lists, when opened, every figure of the view in `root_selector`, with a
/// button each (`export-<format>-<name>`).
#[component]
pub fn ExportPanel(
    /// CSS selector of the element whose figures are listed.
    root_selector: &'static str,
    /// The view shown: when it changes, the panel closes and forgets its list.
    #[prop(into)]
    view: Signal<&'static str>,
) -> impl IntoView {
    let figures = RwSignal::new(Vec::<Figure>::new());
    let details = NodeRef::<leptos::html::Details>::new();
    Effect::new(move |_| {
        view.track();
        figures.set(Vec::new());
        if let Some(el) = details.get_untracked() {
            let _ = el.remove_attribute("open");
        }
    });
    let notice = RwSignal::new(None::<String>);
    let root = move || document().query_selector(root_selector).ok().flatten();
    let rescan = move || {
        let found = root().map(|r| figures_in(&r)).unwrap_or_default();
        if figures.with_untracked(|f| *f != found) {
            figures.set(found);
        }
    };
    view! {
        <details class="export-panel" data-testid="export-panel" node_ref=details
            on:toggle=move |_| rescan()
            on:focusin=move |_| rescan()
            on:pointerenter=move |_| rescan()>
            <summary data-testid="export-open">{t("Export figures (PNG, SVG, CSV)", "Exportar figuras (PNG, SVG, CSV)")}</summary>
            <ul>
                // A plain list, rebuilt when the figures change (rare): smaller than a keyed <For>.
                {move || figures.get().into_iter().map(|figure| {
                    let id = format!("export-{}-{}", figure.format, figure.name);
                    let title = figure.title.clone();
                    view! {
                        <li><button data-testid=id on:click=move |_| {
                            let result = root().ok_or("nothing on screen".to_string())
                                .and_then(|r| export(&r, &figure));
                            notice.set(result.err().map(|e| match lang_untracked() {
                                Lang::En => format!("Export failed: {e}."),
                                Lang::Es => format!("La exportación falló: {e}."),
                            }));
                        }>{title}</button></li>
                    }
                }).collect_view()}
            </ul>
            <p class="notice" role="status">{move || notice.get()}</p>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_has_a_header_and_one_labelled_row_per_output() {
        let csv = matrix_csv(
            &[vec![1.0, 0.0], vec![0.25, 0.5]],
            &["a".to_string(), "b\"c".to_string()],
        );
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines[0], r#""output \ input","0: a","1: b""c""#);
        assert_eq!(lines[1], r#""0: a",1,0"#);
        assert_eq!(lines[2], r#""1: b""c",0.25,0.5"#);
    }
}
