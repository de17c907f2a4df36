//! Export of the figures on screen, each as a file that stands alone on a slide: a card with a
//! title, the figure, its axis / token labels, a colour bar or legend, and a caption with the
//! configuration (view, the view's link settings, seed, sentence) — as SVG, as PNG (the same card
//! rasterised at 2×), and a heat map's matrix as CSV. The panel lists what the current view shows
//! when it is opened, so a new chart is exportable as soon as it is on screen; a view only
//! annotates its figures (see [`HOOKS`]). File names carry the view, the figure and the settings.
//!
//! The export uses the current theme or, on request, the light one (for print).

use crate::core::decimal::parse_decimal;
use crate::ui::i18n::{lang_untracked, t, Lang};
use crate::ui::theme::{Theme, ThemeChoice};
use crate::ui::widgets::export_card::{compose, Body, CardSpec, ColorBar};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlCanvasElement};

/// The data attributes a figure (a `<canvas>` or `<svg>`, or any ancestor of it, e.g. its
/// `<figure>`) may carry for its export. All are optional; what is missing falls back as said.
pub const HOOKS: &[(&str, &str)] = &[
    ("data-export-title", "title (else the figure's aria-label, else its test id)"),
    ("data-export-caption", "what the figure shows, prepended to the configuration line"),
    ("data-export-x", "x-axis label, for figures that do not draw their own"),
    ("data-export-y", "y-axis label, for figures that do not draw their own"),
    ("data-export-legend", "JSON [[label, CSS colour], …] (else a canvas legend drawn by charts::canvas::draw_legend, else the <figcaption> text)"),
    ("data-export-tokens", "JSON [token, …] under the columns of a per-token figure (heat maps: data-labels)"),
    ("data-export-colorbar", "JSON {\"low\":n,\"high\":n,\"log\":bool,\"diverging\":bool,\"label\":s} (heat maps: from data-values)"),
    ("data-export-name", "the figure's part of the file name (else its test id)"),
];

/// Heat maps are drawn one pixel per cell; exports are scaled up to at least this width.
const MIN_PNG_WIDTH: u32 = 640;

/// Exported PNGs are rasterised at this multiple of the card's CSS size (sharp on a projector).
const PNG_SCALE: f64 = 2.0;
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

/// A copy of `svg` with every element's computed presentation style inlined (the page's CSS
/// does not travel with the file), sized `width × height` with a viewBox, serialized.
fn inlined_svg(svg: &Element, width: f64, height: f64) -> Result<String, String> {
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
    if !copy.has_attribute("viewBox") {
        copy.set_attribute("viewBox", &format!("0 0 {width:.0} {height:.0}"))
            .map_err(js_error)?;
    }
    for (name, value) in [("width", width), ("height", height)] {
        copy.set_attribute(name, &format!("{value:.0}"))
            .map_err(js_error)?;
    }
    copy.set_attribute("xmlns", "http://www.w3.org/2000/svg")
        .map_err(js_error)?;
    web_sys::XmlSerializer::new()
        .map_err(js_error)?
        .serialize_to_string(&copy)
        .map_err(js_error)
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

/// What a figure is drawn with.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Canvas,
    Svg,
}

/// One figure on screen that can be exported.
#[derive(Clone, Debug, PartialEq)]
struct Figure {
    kind: Kind,
    /// Its name in test ids and file names (its own `data-testid`, or a numbered name).
    name: String,
    /// What the panel says.
    title: String,
    /// Whether its heat map's matrix can be saved as CSV.
    csv: bool,
}

/// The element's `data-export-name`, else its `data-testid`, else `fallback`.
fn name_of(el: &Element, fallback: String) -> String {
    ["data-export-name", "data-testid"]
        .iter()
        .find_map(|a| el.get_attribute(a).filter(|n| !n.is_empty()))
        .unwrap_or(fallback)
}

/// The elements matching `selector` inside `root`, in page order.
fn each(root: &Element, selector: &str) -> Vec<Element> {
    root.query_selector_all(selector)
        .map(|list| {
            (0..list.length())
                .filter_map(|k| list.item(k)?.dyn_into::<Element>().ok())
                .collect()
        })
        .unwrap_or_default()
}

/// The visible figures inside `root` (canvases, then SVG diagrams), with their names.
fn figures_in(root: &Element) -> Vec<(Element, Figure)> {
    let mut out = Vec::new();
    // Laid out, and not inside a closed <details> of the view (Chromium lays out a closed
    // details' content when asked for its size, though it does not show it).
    let shown = |el: &Element| {
        let r = el.get_bounding_client_rect();
        let folded = el
            .closest("details:not([open])")
            .ok()
            .flatten()
            .is_some_and(|d| root.contains(Some(&d)));
        r.width() >= 1.0 && r.height() >= 1.0 && !folded
    };
    for (k, canvas) in each(root, "canvas").into_iter().enumerate() {
        let parent_name = canvas
            .closest("[data-testid]")
            .ok()
            .flatten()
            .and_then(|p| p.get_attribute("data-testid"));
        let heat = heat_map_of(&canvas);
        // A heat map is named by its figure (`influence-heatmap`), not by its cells' canvas.
        let name = match heat.as_ref().and_then(|h| h.get_attribute("data-testid")) {
            Some(figure) => figure,
            None => name_of(&canvas, parent_name.unwrap_or_else(|| format!("chart-{k}"))),
        };
        let csv = heat.is_some();
        out.push((canvas, (Kind::Canvas, name, csv)));
    }
    for (k, svg) in each(root, "svg[role=img], svg[data-testid]")
        .into_iter()
        .enumerate()
    {
        let name = name_of(&svg, format!("diagram-{k}"));
        out.push((svg, (Kind::Svg, name, false)));
    }
    // A name used twice (e.g. two unnamed canvases in one figure) gets a number.
    let mut seen = std::collections::HashMap::<String, usize>::new();
    let mut out: Vec<(Element, Figure)> = out
        .into_iter()
        .filter(|(el, _)| shown(el))
        .map(|(el, (kind, name, csv))| {
            let count = seen.entry(name.clone()).or_default();
            *count += 1;
            let name = if *count > 1 {
                format!("{name}-{count}")
            } else {
                name
            };
            let figure = Figure {
                kind,
                title: title_of(&el, &name),
                name,
                csv,
            };
            (el, figure)
        })
        .collect();
    out.sort_by(|a, b| before(&a.0, &b.0));
    out
}

/// Whether `b` comes after `a` in the page.
fn before(a: &Element, b: &Element) -> std::cmp::Ordering {
    if a == b {
        std::cmp::Ordering::Equal
    } else if a.compare_document_position(b) & web_sys::Node::DOCUMENT_POSITION_FOLLOWING != 0 {
        std::cmp::Ordering::Less
    } else {
        std::cmp::Ordering::Greater
    }
}

/// The figures of `root` as present mode shows them, in page order: each figure's `<figure>`
/// or `[data-present-block]` (e.g. the Flow diagram with its row labels), else the figure
/// itself, once, with its title.
pub fn figure_blocks(root: &Element) -> Vec<(Element, String)> {
    let mut out: Vec<(Element, String)> = Vec::new();
    for (el, figure) in figures_in(root) {
        let block = el
            .closest("figure, [data-present-block]")
            .ok()
            .flatten()
            .filter(|b| root.contains(Some(b)))
            .unwrap_or(el);
        if !out.iter().any(|(b, _)| *b == block) {
            out.push((block, figure.title));
        }
    }
    out
}

/// The heat-map `<figure>` a canvas belongs to, if any.
fn heat_map_of(el: &Element) -> Option<Element> {
    el.closest("figure.heatmap[data-values]").ok().flatten()
}

/// `data-export-<key>` of the figure or of its nearest ancestor that has it.
fn hook(el: &Element, key: &str) -> Option<String> {
    let attribute = format!("data-export-{key}");
    el.closest(&format!("[{attribute}]"))
        .ok()
        .flatten()?
        .get_attribute(&attribute)
        .filter(|v| !v.trim().is_empty())
}

fn title_of(el: &Element, name: &str) -> String {
    hook(el, "title")
        .or_else(|| el.get_attribute("aria-label").filter(|l| !l.is_empty()))
        .unwrap_or_else(|| name.to_string())
}

/// A JSON array of strings or of `[label, colour]` pairs.
fn parse_json(json: &str) -> Option<js_sys::Array> {
    js_sys::JSON::parse(json).ok()?.dyn_into().ok()
}

/// A legend colour as the file needs it: `var(--name)` is read from the page's theme.
fn resolved(colour: String) -> String {
    match colour
        .strip_prefix("var(")
        .and_then(|c| c.strip_suffix(')'))
        .zip(document().document_element())
    {
        Some((name, root)) => computed(&root, name.trim()),
        None => colour,
    }
}

fn legend_of(el: &Element) -> Vec<(String, String)> {
    hook(el, "legend")
        .and_then(|json| parse_json(&json))
        .map(|a| {
            a.iter()
                .filter_map(|pair| {
                    let pair: js_sys::Array = pair.dyn_into().ok()?;
                    Some((pair.get(0).as_string()?, resolved(pair.get(1).as_string()?)))
                })
                .collect()
        })
        .unwrap_or_default()
}

fn number_field(object: &JsValue, key: &str) -> Option<f32> {
    js_sys::Reflect::get(object, &JsValue::from_str(key))
        .ok()?
        .as_f64()
        .map(|v| v as f32)
}

/// The colour bar of a figure: its hook, else a heat map's range (signed data: diverging).
fn colour_bar_of(el: &Element, values: &[Vec<f32>]) -> Option<ColorBar> {
    let label = || lang_untracked().pick("value", "valor").to_string();
    if let Some(object) = hook(el, "colorbar").and_then(|j| js_sys::JSON::parse(&j).ok()) {
        let flag = |key: &str| {
            js_sys::Reflect::get(&object, &JsValue::from_str(key))
                .ok()
                .and_then(|v| v.as_bool())
                .unwrap_or(false)
        };
        return Some(ColorBar {
            low: number_field(&object, "low")?,
            high: number_field(&object, "high")?,
            log: flag("log"),
            diverging: flag("diverging"),
            label: js_sys::Reflect::get(&object, &JsValue::from_str("label"))
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_else(label),
        });
    }
    let finite = values.iter().flatten().copied().filter(|v| v.is_finite());
    let (low, high) = finite.fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), v| {
        (lo.min(v), hi.max(v))
    });
    if low > high {
        return None;
    }
    let diverging = low < 0.0;
    let m = low.abs().max(high.abs());
    Some(ColorBar {
        low: if diverging { -m } else { low.min(0.0) },
        high: if diverging { m } else { high },
        log: false,
        diverging,
        label: label(),
    })
}

/// A computed style property of `el`.
fn computed(el: &Element, property: &str) -> String {
    window()
        .get_computed_style(el)
        .ok()
        .flatten()
        .and_then(|s| s.get_property_value(property).ok())
        .map(|v| v.trim().to_string())
        .unwrap_or_default()
}

/// The link's settings of `view` (`view.scope.param=value` → `scope.param=value`), the seed and
/// the sentence, read from the page.
struct Settings {
    pairs: Vec<(String, String)>,
    seed: String,
    sentence: String,
}

fn settings(view: &str) -> Settings {
    let search = window().location().search().unwrap_or_default();
    let prefix = format!("{view}.");
    let query = search.trim_start_matches('?');
    let mut pairs = Vec::new();
    let mut seed = String::new();
    for (key, value) in form_urlencoded::parse(query.as_bytes()) {
        if let Some(param) = key.strip_prefix(&prefix) {
            pairs.push((param.to_string(), value.into_owned()));
        } else if key == "seed" {
            seed = value.into_owned();
        }
    }
    let value_of = |id: &str| {
        document()
            .query_selector(id)
            .ok()
            .flatten()
            .and_then(|el| js_sys::Reflect::get(&el, &JsValue::from_str("value")).ok())
            .and_then(|v| v.as_string())
            .unwrap_or_default()
    };
    if seed.is_empty() {
        seed = value_of("[data-testid=seed-input]");
    }
    Settings {
        pairs,
        seed,
        sentence: value_of("#text-input"),
    }
}

/// `text` cut to `max` characters with an ellipsis.
fn shorten(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// The one-line configuration: view, its settings, seed, sentence.
fn configuration(view_title: &str, s: &Settings) -> String {
    let mut parts = vec![format!("seqmix · {view_title}")];
    if !s.pairs.is_empty() {
        let knobs: Vec<String> = s.pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        parts.push(knobs.join(", "));
    }
    if !s.seed.is_empty() {
        parts.push(format!(
            "{} {}",
            lang_untracked().pick("seed", "semilla"),
            s.seed
        ));
    }
    if !s.sentence.trim().is_empty() {
        parts.push(format!("“{}”", shorten(&s.sentence, 48)));
    }
    parts.join(" · ")
}

/// Letters, digits and dots kept, every other run of characters one `-`.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || c == '.' {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// `seqmix-<view>-<figure>-<settings>-seed<seed>.<ext>`, at most about 120 characters.
fn file_name(view: &str, figure: &str, s: &Settings, ext: &str) -> String {
    let mut name = format!("seqmix-{}-{}", slug(view), slug(figure));
    // Words first ("transformer", "blelloch"), then the seed, then numbers ("layers3").
    let (mut words, mut numbers) = (Vec::new(), Vec::new());
    for (k, v) in &s.pairs {
        let key = k.rsplit('.').next().unwrap_or(k);
        if parse_decimal(v).is_some() {
            numbers.push(slug(&format!("{key}{v}")));
        } else {
            words.push(slug(v));
        }
    }
    if !s.seed.is_empty() {
        words.push(format!("seed{}", slug(&s.seed)));
    }
    let extra: Vec<String> = words
        .into_iter()
        .chain(numbers)
        .filter(|p| !p.is_empty())
        .collect();
    for part in extra {
        if name.len() + part.len() > 110 {
            break;
        }
        name.push('-');
        name.push_str(&part);
    }
    format!("{name}.{ext}")
}

/// The figure itself as card content, and its token labels and colour bar when it is a heat map.
fn body_of(el: &Element, kind: Kind, spec: &mut CardSpec) -> Result<Body, String> {
    let rect = el.get_bounding_client_rect();
    let (mut width, mut height) = (rect.width().max(1.0), rect.height().max(1.0));
    match kind {
        Kind::Svg => {
            // A sticky gutter of row labels beside the diagram (`data-export-gutter`) goes
            // into the file too, on the diagram's left.
            let gutter = el
                .previous_element_sibling()
                .filter(|g| g.has_attribute("data-export-gutter"));
            let mut markup = String::new();
            let mut left = 0.0;
            if let Some(g) = gutter {
                let r = g.get_bounding_client_rect();
                markup = inlined_svg(&g, r.width(), r.height())?;
                left = r.width();
                height = height.max(r.height());
            }
            markup.push_str(&format!(
                r#"<g transform="translate({left:.1},0)">{}</g>"#,
                inlined_svg(el, width, rect.height().max(1.0))?
            ));
            Ok(Body {
                markup,
                width: left + width,
                height,
            })
        }
        Kind::Canvas => {
            let canvas: HtmlCanvasElement = el
                .clone()
                .dyn_into()
                .map_err(|_| "not a canvas".to_string())?;
            let mut style = "";
            if let Some(heat) = heat_map_of(el) {
                let values = heat
                    .get_attribute("data-values")
                    .and_then(|json| parse_matrix(&json))
                    .unwrap_or_default();
                let tokens = heat
                    .get_attribute("data-labels")
                    .map(|json| parse_labels(&json))
                    .unwrap_or_default();
                let lang = lang_untracked();
                spec.x_label = spec
                    .x_label
                    .take()
                    .or(Some(lang.pick("input j", "entrada j").to_string()));
                spec.y_label = spec
                    .y_label
                    .take()
                    .or(Some(lang.pick("output i", "salida i").to_string()));
                if values.len() == tokens.len() {
                    spec.y_tokens = tokens.clone();
                }
                if values.first().map(Vec::len) == Some(tokens.len()) {
                    spec.x_tokens = tokens;
                }
                spec.colorbar = colour_bar_of(el, &values);
                // Square cells, at a readable size whatever the size on screen.
                let (rows, cols) = (canvas.height().max(1), canvas.width().max(1));
                width = width.clamp(360.0, 560.0);
                height = width * f64::from(rows) / f64::from(cols);
                style = r#" style="image-rendering: pixelated""#;
            }
            Ok(Body {
                markup: format!(
                    r#"<image width="{width:.1}" height="{height:.1}" preserveAspectRatio="none"{style} href="{}"/>"#,
                    canvas_png(&canvas)?
                ),
                width,
                height,
            })
        }
    }
}

/// The card of `el`: the figure with everything its hooks and the page say about it.
fn card_of(
    el: &Element,
    figure: &Figure,
    view_title: &str,
    s: &Settings,
) -> Result<String, String> {
    let root = document().document_element().ok_or("no page")?;
    let body_el: Element = document().body().ok_or("no body")?.into();
    let mut spec = CardSpec {
        title: figure.title.clone(),
        x_label: hook(el, "x"),
        y_label: hook(el, "y"),
        legend: legend_of(el),
        // The page's background is on <html> (the canvas), not on <body>.
        background: [&body_el, &root]
            .iter()
            .map(|el| computed(el, "background-color"))
            .find(|c| !c.is_empty() && c != "rgba(0, 0, 0, 0)" && c != "transparent")
            .unwrap_or_else(|| "#ffffff".to_string()),
        foreground: computed(&body_el, "color"),
        muted: computed(&root, "--muted"),
        ..CardSpec::default()
    };
    if let Some(tokens) = hook(el, "tokens").map(|j| parse_labels(&j)) {
        spec.x_tokens = tokens;
    }
    let body = body_of(el, figure.kind, &mut spec)?;
    if spec.legend.is_empty() {
        spec.drawn_legend = el
            .get_attribute("data-legend-drawn")
            .map(|j| parse_labels(&j))
            .unwrap_or_default();
    }
    // Nothing else says what the colours mean: the figure's own caption does, in words.
    let key = if spec.legend.is_empty() && spec.drawn_legend.is_empty() && spec.colorbar.is_none() {
        el.closest("figure")
            .ok()
            .flatten()
            .and_then(|f| f.query_selector("figcaption").ok().flatten())
            .and_then(|c| c.text_content())
            .map(|t| shorten(&t, 400))
    } else {
        None
    };
    let what = hook(el, "caption");
    spec.caption = [key, what, Some(configuration(view_title, s))]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" — ");
    Ok(compose(&spec, &body).svg)
}

/// Rasterises `svg` (a card of `width × height`) at [`PNG_SCALE`] and offers it as `file`;
/// a failure is written to `notice`.
///
/// The image is awaited with `decode()` in a task that owns it: an image kept alive only by its
/// own `onload` closure is garbage the browser may collect before it loads (the export then did
/// nothing, now and then, after many downloads), and a failed decode now says so.
fn download_png(svg: String, file: String, notice: RwSignal<Option<String>>) -> Result<(), String> {
    let parts = js_sys::Array::of1(&JsValue::from_str(&svg));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("image/svg+xml");
    let blob =
        web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(js_error)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(js_error)?;
    let image = web_sys::HtmlImageElement::new().map_err(js_error)?;
    image.set_src(&url);
    js_sys::futures::spawn_local(async move {
        let decoded = js_sys::futures::JsFuture::from(image.decode()).await;
        let _ = web_sys::Url::revoke_object_url(&url);
        let result = decoded
            .map_err(js_error)
            .and_then(|_| rasterise(&image, &file));
        if let Err(e) = result {
            notice.set(Some(failed(&e)));
        }
    });
    Ok(())
}

/// Draws the decoded `image` at [`PNG_SCALE`] on a new canvas and offers it as `file`.
fn rasterise(image: &web_sys::HtmlImageElement, file: &str) -> Result<(), String> {
    let canvas: HtmlCanvasElement = document()
        .create_element("canvas")
        .map_err(js_error)?
        .unchecked_into();
    let (w, h) = (
        f64::from(image.natural_width()) * PNG_SCALE,
        f64::from(image.natural_height()) * PNG_SCALE,
    );
    canvas.set_width(w as u32);
    canvas.set_height(h as u32);
    let context: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .map_err(js_error)?
        .ok_or("no 2-D context")?
        .unchecked_into();
    context
        .draw_image_with_html_image_element_and_dw_and_dh(image, 0.0, 0.0, w, h)
        .map_err(js_error)?;
    download_href(&canvas.to_data_url().map_err(js_error)?, file)
}

/// Whether the dark theme is in force, untracked.
fn dark_now(theme: &Theme) -> bool {
    match theme.choice.get_untracked() {
        ThemeChoice::Light => false,
        ThemeChoice::Dark => true,
        ThemeChoice::System => theme.system_dark.get_untracked(),
    }
}

fn failed(e: &str) -> String {
    match lang_untracked() {
        Lang::En => format!("Export failed: {e}."),
        Lang::Es => format!("La exportación falló: {e}."),
    }
}

/// Finds the figure again when its button is pressed (the page may have changed since) and
/// exports it as `format` (`png`, `svg` or `csv`).
fn export(
    root: &Element,
    (view, view_title): (&str, &str),
    figure: &Figure,
    format: &'static str,
    notice: RwSignal<Option<String>>,
) -> Result<(), String> {
    let (el, figure) = figures_in(root)
        .into_iter()
        .find(|(_, f)| f.name == figure.name)
        .ok_or("the figure is no longer on screen")?;
    let s = settings(view);
    let part = hook(&el, "name").unwrap_or_else(|| figure.name.clone());
    let file = file_name(view, &part, &s, format);
    let view_title = if view_title.is_empty() {
        view
    } else {
        view_title
    };
    match format {
        "svg" => {
            let card = card_of(&el, &figure, view_title, &s)?;
            download_text(
                &format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{card}\n"),
                "image/svg+xml",
                &file,
            )
        }
        "png" => download_png(card_of(&el, &figure, view_title, &s)?, file, notice),
        _ => {
            let heat = heat_map_of(&el).ok_or("the heat map is no longer on screen")?;
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
    parse_json(json)?
        .iter()
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
    parse_json(json)
        .map(|a| {
            a.iter()
                .map(|v| v.as_string().unwrap_or_default())
                .collect()
        })
        .unwrap_or_default()
}

/// "Export figures": lists, when opened, every figure of the view in `root_selector`, with a
/// button per format (`export-<format>-<name>`) and the choice of theme.
#[component]
pub fn ExportPanel(
    /// CSS selector of the element whose figures are listed.
    root_selector: &'static str,
    /// The view shown: when it changes, the panel closes and forgets its list.
    #[prop(into)]
    view: Signal<&'static str>,
    /// The shown view's title in the page's language, for the cards' captions.
    #[prop(into)]
    view_title: Signal<&'static str>,
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
    let print = RwSignal::new(false);
    let theme = use_context::<Theme>();
    let root = move || document().query_selector(root_selector).ok().flatten();
    let rescan = move || {
        let found: Vec<Figure> = root()
            .map(|r| figures_in(&r).into_iter().map(|(_, f)| f).collect())
            .unwrap_or_default();
        if figures.with_untracked(|f| *f != found) {
            figures.set(found);
        }
    };
    let run = move |figure: Figure, format: &'static str| {
        let go = move || {
            let result = root().ok_or("nothing on screen".to_string()).and_then(|r| {
                let titled = (view.get_untracked(), view_title.get_untracked());
                export(&r, titled, &figure, format, notice)
            });
            notice.set(result.err().map(|e| failed(&e)));
        };
        // Light for print: switch the page to light, let the charts redraw, export, switch back.
        match theme.filter(|t| print.get_untracked() && dark_now(t)) {
            Some(theme) => {
                let before = theme.choice.get_untracked();
                theme.choice.set(ThemeChoice::Light);
                set_timeout(
                    move || {
                        go();
                        theme.choice.set(before);
                    },
                    std::time::Duration::from_millis(150),
                );
            }
            None => go(),
        }
    };
    view! {
        <details class="export-panel" data-testid="export-panel" node_ref=details
            on:toggle=move |_| rescan()
            on:focusin=move |_| rescan()
            on:pointerenter=move |_| rescan()>
            <summary data-testid="export-open" title=t("PNG, SVG and CSV files of the figures on screen", "Archivos PNG, SVG y CSV de las figuras en pantalla")>{t("Export", "Exportar")}<span class="wide-only">{t(" figures", " figuras")}</span></summary>
            <div class="export-menu">
            <label class="export-theme">
                <input type="checkbox" data-testid="export-light" prop:checked=move || print.get()
                    on:change:target=move |ev| print.set(ev.target().checked())/>
                {t(" light background for print (else the current theme)", " fondo claro para imprimir (si no, el tema actual)")}
            </label>
            <ul>
                // A plain list, rebuilt when the figures change (rare): smaller than a keyed <For>.
                {move || figures.get().into_iter().map(|figure| {
                    let formats: &[&'static str] = if figure.csv { &["png", "svg", "csv"] } else { &["png", "svg"] };
                    let title = figure.title.clone();
                    view! {
                        <li><span class="export-title">{title}</span>
                        {formats.iter().map(|&format| {
                            let id = format!("export-{format}-{}", figure.name);
                            let figure = figure.clone();
                            view! { <button data-testid=id on:click=move |_| run(figure.clone(), format)>{format.to_ascii_uppercase()}</button> }
                        }).collect_view()}
                        </li>
                    }
                }).collect_view()}
            </ul>
            </div>
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
