//! The layout of an exported figure: one standalone SVG "card" with a title, the figure, axis
//! labels, token labels, a colour bar or a legend, and a caption with the configuration — so a
//! file put on a slide explains itself. Pure string building (no DOM): `export.rs` reads the
//! figure and its metadata from the page, this module lays them out, and the PNG export is the
//! same card rasterised.

use std::fmt::Write;

/// The figure itself, drawn at `(0, 0)` in a box of `width × height` (SVG markup: a nested
/// `<svg>` with its styles inlined, or an `<image>` of a canvas).
pub struct Body {
    pub markup: String,
    pub width: f64,
    pub height: f64,
}

/// A colour bar for a heat map: the scale from `low` to `high` (viridis, or red–blue when
/// `diverging`), `log` when the colours follow log10 of the value.
pub struct ColorBar {
    pub low: f32,
    pub high: f32,
    pub log: bool,
    pub diverging: bool,
    pub label: String,
}

/// Everything an exported figure shows besides the figure.
#[derive(Default)]
pub struct CardSpec {
    pub title: String,
    /// The configuration (model, knobs, seed, sentence), wrapped to the card's width.
    pub caption: String,
    pub x_label: Option<String>,
    pub y_label: Option<String>,
    /// Labels under the columns / beside the rows (per-token figures).
    pub x_tokens: Vec<String>,
    pub y_tokens: Vec<String>,
    /// (label, CSS colour) drawn as swatches under the figure.
    pub legend: Vec<(String, String)>,
    /// Legend labels already drawn inside the figure (a canvas chart's own legend): written in
    /// the file's `<desc>` so the text is searchable, not drawn twice.
    pub drawn_legend: Vec<String>,
    pub colorbar: Option<ColorBar>,
    /// Background, text and secondary text colours (the theme of the export).
    pub background: String,
    pub foreground: String,
    pub muted: String,
}

/// A composed card: the SVG text and its size in CSS pixels.
pub struct Card {
    pub svg: String,
    pub width: f64,
    pub height: f64,
}

const PAD: f64 = 16.0;
const TITLE_SIZE: f64 = 18.0;
const LABEL_SIZE: f64 = 13.0;
const CAPTION_SIZE: f64 = 12.0;

/// Rough width of `text` at `size` px in a sans-serif font (no text measurement outside a page).
fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * 0.58
}

/// `text` escaped for XML content and attribute values.
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if (c as u32) < 0x20 => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// `text` broken into lines of at most `width` px at `size` px (at spaces).
fn wrap(text: &str, width: f64, size: f64) -> Vec<String> {
    let per_line = ((width / (size * 0.58)) as usize).max(12);
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let line = lines.last_mut().expect("never empty");
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > per_line {
            lines.push(word.to_string());
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines.retain(|l| !l.is_empty());
    lines
}

/// Every `step`-th label is drawn when they would overlap (`room` px per label).
fn thinning(count: usize, room: f64, size: f64) -> usize {
    if count == 0 {
        return 1;
    }
    ((size * 1.2 / room).ceil() as usize).max(1)
}

/// The colour at position `t ∈ [0, 1]` of the heat-map scale (the same maps as `heatmap.rs`).
fn scale_css(t: f64, diverging: bool) -> String {
    let c = if diverging {
        colorous::RED_BLUE.eval_continuous(1.0 - t)
    } else {
        colorous::VIRIDIS.eval_continuous(t)
    };
    format!("rgb({},{},{})", c.r, c.g, c.b)
}

fn number(v: f32) -> String {
    super::format::display_number(v)
}

/// Lays out the card around `body`.
pub fn compose(spec: &CardSpec, body: &Body) -> Card {
    let longest = |labels: &[String]| {
        labels
            .iter()
            .map(|l| text_width(l, LABEL_SIZE))
            .fold(0.0, f64::max)
    };
    let y_label_w = if spec.y_label.is_some() { 22.0 } else { 0.0 };
    let y_tokens_w = if spec.y_tokens.is_empty() {
        0.0
    } else {
        longest(&spec.y_tokens).min(120.0) + 8.0
    };
    let left = PAD + y_label_w + y_tokens_w;
    // x tokens are written at 50°, so they take about 0.77 of their length in height.
    let x_tokens_h = if spec.x_tokens.is_empty() {
        0.0
    } else {
        longest(&spec.x_tokens).min(120.0) * 0.77 + 14.0
    };
    let x_label_h = if spec.x_label.is_some() { 24.0 } else { 0.0 };
    let bar_w = if spec.colorbar.is_some() { 90.0 } else { 0.0 };
    let width = (left + body.width + bar_w + PAD).max(480.0);
    let inner = width - 2.0 * PAD;
    let title = wrap(&spec.title, inner, TITLE_SIZE);
    let top = PAD + title.len() as f64 * (TITLE_SIZE * 1.3) + 8.0;

    let mut svg = String::new();
    let mut y = top + body.height + x_tokens_h + x_label_h;
    // Legend: swatches in rows.
    let mut legend = String::new();
    if !spec.legend.is_empty() {
        y += 10.0;
        let mut x = PAD;
        for (label, colour) in &spec.legend {
            let w = 30.0 + text_width(label, LABEL_SIZE) + 16.0;
            if x > PAD && x + w > width - PAD {
                x = PAD;
                y += 20.0;
            }
            let _ = write!(
                legend,
                r#"<rect x="{x:.1}" y="{:.1}" width="22" height="10" rx="2" fill="{}"/><text x="{:.1}" y="{:.1}" class="legend">{}</text>"#,
                y + 2.0,
                xml(colour),
                x + 28.0,
                y + 11.0,
                xml(label)
            );
            x += w;
        }
        y += 20.0;
    }
    let caption = wrap(&spec.caption, inner, CAPTION_SIZE);
    let caption_top = y + 8.0;
    let height = caption_top + caption.len() as f64 * CAPTION_SIZE * 1.4 + PAD;

    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0}" height="{height:.0}" viewBox="0 0 {width:.0} {height:.0}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif"><title>{}</title>"#,
        xml(&spec.title)
    );
    if !spec.drawn_legend.is_empty() {
        let _ = write!(
            svg,
            "<desc>Legend: {}</desc>",
            xml(&spec.drawn_legend.join("; "))
        );
    }
    // Colours as attributes on a group, not a <style> element: the page's CSP (style-src 'self')
    // also governs the card when it is rasterised from a blob: URL.
    let _ = write!(
        svg,
        r#"<rect width="100%" height="100%" fill="{}"/><g fill="{}" font-size="{LABEL_SIZE}">"#,
        xml(&spec.background),
        xml(&spec.foreground),
    );
    for (k, line) in title.iter().enumerate() {
        let _ = write!(
            svg,
            r#"<text x="{PAD}" y="{:.1}" font-size="{TITLE_SIZE}" font-weight="700" class="title">{}</text>"#,
            PAD + TITLE_SIZE + k as f64 * TITLE_SIZE * 1.3,
            xml(line)
        );
    }
    let _ = write!(
        svg,
        r#"<g transform="translate({left:.1},{top:.1})">{}</g>"#,
        body.markup
    );
    token_labels(&mut svg, spec, body, left, top);
    if let Some(label) = &spec.x_label {
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="{LABEL_SIZE}" class="axis">{}</text>"#,
            left + body.width / 2.0,
            top + body.height + x_tokens_h + 18.0,
            xml(label)
        );
    }
    if let Some(label) = &spec.y_label {
        let (cx, cy) = (PAD + 12.0, top + body.height / 2.0);
        let _ = write!(
            svg,
            r#"<text x="{cx:.1}" y="{cy:.1}" text-anchor="middle" font-size="{LABEL_SIZE}" transform="rotate(-90 {cx:.1} {cy:.1})" class="axis">{}</text>"#,
            xml(label)
        );
    }
    if let Some(bar) = &spec.colorbar {
        colour_bar(&mut svg, bar, left + body.width + 16.0, top, body.height);
    }
    svg.push_str(&legend);
    for (k, line) in caption.iter().enumerate() {
        let _ = write!(
            svg,
            r#"<text x="{PAD}" y="{:.1}" class="caption" fill="{}" font-size="{CAPTION_SIZE}">{}</text>"#,
            caption_top + CAPTION_SIZE + k as f64 * CAPTION_SIZE * 1.4,
            xml(&spec.muted),
            xml(line)
        );
    }
    svg.push_str("</g></svg>");
    Card { svg, width, height }
}

/// Token labels under the columns (at 50°) and beside the rows, thinned when they would overlap.
fn token_labels(svg: &mut String, spec: &CardSpec, body: &Body, left: f64, top: f64) {
    let n = spec.x_tokens.len();
    if n > 0 {
        let room = body.width / n as f64;
        let step = thinning(n, room, LABEL_SIZE);
        for (j, token) in spec.x_tokens.iter().enumerate().step_by(step) {
            let (x, y) = (left + (j as f64 + 0.5) * room, top + body.height + 8.0);
            let _ = write!(
                svg,
                r#"<text x="{x:.1}" y="{y:.1}" text-anchor="end" dominant-baseline="middle" transform="rotate(-50 {x:.1} {y:.1})" class="tick">{}</text>"#,
                xml(token)
            );
        }
    }
    let n = spec.y_tokens.len();
    if n > 0 {
        let room = body.height / n as f64;
        let step = thinning(n, room, LABEL_SIZE);
        for (i, token) in spec.y_tokens.iter().enumerate().step_by(step) {
            let _ = write!(
                svg,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="end" dominant-baseline="middle" class="tick">{}</text>"#,
                left - 6.0,
                top + (i as f64 + 0.5) * room,
                xml(token)
            );
        }
    }
}

/// A vertical colour bar at `(x, top)`, `height` tall, with its ends (and 0 when diverging)
/// labelled and the label above it.
fn colour_bar(svg: &mut String, bar: &ColorBar, x: f64, top: f64, height: f64) {
    let _ = write!(
        svg,
        r#"<defs><linearGradient id="colour-bar" x1="0" y1="1" x2="0" y2="0">"#
    );
    for k in 0..=10 {
        let t = f64::from(k) / 10.0;
        let _ = write!(
            svg,
            r#"<stop offset="{t:.1}" stop-color="{}"/>"#,
            scale_css(t, bar.diverging)
        );
    }
    // The label sits a full line above the bar, clear of the top tick (centred on the bar's top).
    let top = top + 26.0;
    let height = (height - 26.0).max(40.0);
    let _ = write!(
        svg,
        r#"</linearGradient></defs><text x="{x:.1}" y="{:.1}" class="tick">{}</text><rect x="{x:.1}" y="{top:.1}" width="14" height="{height:.1}" fill="url(#colour-bar)"/>"#,
        top - 12.0,
        xml(&bar.label)
    );
    let mut ticks = vec![(bar.high, 0.0), (bar.low, 1.0)];
    if bar.diverging {
        ticks.push((0.0, 0.5));
    } else if bar.log && bar.low > 0.0 && bar.high > bar.low {
        // The geometric mean sits halfway on a log scale.
        ticks.push(((bar.low * bar.high).sqrt(), 0.5));
    }
    for (value, at) in ticks {
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" dominant-baseline="middle" class="tick">{}</text>"#,
            x + 20.0,
            top + at * height,
            xml(&number(value))
        );
    }
    if bar.log {
        let _ = write!(
            svg,
            r#"<text x="{x:.1}" y="{:.1}" class="tick">log</text>"#,
            top + height + 16.0
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> CardSpec {
        CardSpec {
            title: "Influence of input j on output i".into(),
            caption: "Flow · transformer · seed 42 · “the cat sat”".into(),
            x_label: Some("input j".into()),
            y_label: Some("output i".into()),
            x_tokens: vec!["the".into(), "c<a>t".into(), "sat".into()],
            y_tokens: vec!["the".into(), "c<a>t".into(), "sat".into()],
            legend: vec![("RNN".into(), "rgb(0, 158, 115)".into())],
            colorbar: Some(ColorBar {
                low: 0.0,
                high: 2.5,
                log: false,
                diverging: false,
                label: "‖∂y/∂x‖".into(),
            }),
            background: "#fff".into(),
            foreground: "#000".into(),
            muted: "#555".into(),
            ..CardSpec::default()
        }
    }

    #[test]
    fn card_carries_title_labels_tokens_legend_colour_bar_and_caption() {
        let body = Body {
            markup: "<rect width=\"300\" height=\"300\"/>".into(),
            width: 300.0,
            height: 300.0,
        };
        let card = compose(&spec(), &body);
        for needle in [
            "<title>Influence of input j on output i</title>",
            ">input j<",
            ">output i<",
            ">c&lt;a&gt;t<",
            ">RNN<",
            "rgb(0, 158, 115)",
            "url(#colour-bar)",
            ">2.50<",
            "seed 42",
        ] {
            assert!(card.svg.contains(needle), "{needle} missing");
        }
        // The figure fits with the colour bar beside it.
        assert!(card.width >= 300.0 + 90.0 + 2.0 * PAD);
        assert!(card.height > 300.0);
    }

    #[test]
    fn long_captions_wrap_and_crowded_tokens_thin_out() {
        let lines = wrap(&"word ".repeat(100), 480.0, CAPTION_SIZE);
        assert!(lines.len() > 1);
        assert!(lines
            .iter()
            .all(|l| text_width(l, CAPTION_SIZE) <= 480.0 + 40.0));
        // 64 tokens on 320 px: 5 px each, a 13 px label needs every 4th.
        assert_eq!(thinning(64, 5.0, 13.0), 4);
        assert_eq!(thinning(8, 40.0, 13.0), 1);
    }
}
