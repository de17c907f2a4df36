//! The scan tree: every level at once, one row per level (row 0 the inputs, row r what level r
//! wrote), the current level lit (its operands row "before", its results row "after", its
//! arrows drawn in full), the levels still to run faded, and the arithmetic of the node under
//! the pointer or with keyboard focus. Up to 12 elements a node shows its span and (a, b); above,
//! nodes shrink to small boxes so n = 64 fits the page, and the arithmetic is read on hover or
//! focus. Each step's results slide in from the row above (off with `prefers-reduced-motion`).

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::state::ScanState;
use super::text::{node_tip, scan_caption};
use crate::core::scan::Algorithm;
use crate::core::scan_view::{span_label, NodeView, Picture};
use crate::ui::i18n::{lang, tr, Lang};
use crate::ui::widgets::format::display_number;

/// Left margin for the row labels (user units).
const LEFT: f64 = 62.0;
/// Top margin.
const TOP: f64 = 8.0;

/// Sizes of the tree for `n` nodes per row and `rows` rows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Layout {
    pub pitch: f64,
    pub node_w: f64,
    pub node_h: f64,
    pub row_h: f64,
    /// Small boxes without text.
    pub compact: bool,
}

impl Layout {
    /// Full boxes up to 12 nodes; above, the row fits ≈ 1 150 units and rows shrink with depth.
    pub fn new(n: usize, rows: usize) -> Self {
        if n <= 12 {
            let row_h = if rows > 10 { 62.0 } else { 76.0 };
            Layout {
                pitch: 84.0,
                node_w: 74.0,
                node_h: 50.0,
                row_h,
                compact: false,
            }
        } else {
            let pitch = (1150.0 / n as f64).clamp(16.0, 40.0);
            let row_h = (520.0 / rows.max(1) as f64).clamp(12.0, 34.0);
            Layout {
                pitch,
                node_w: pitch - 3.0,
                node_h: (row_h * 0.55).max(7.0),
                row_h,
                compact: true,
            }
        }
    }

    /// Left edge of node `i`.
    pub fn x(&self, i: usize) -> f64 {
        LEFT + i as f64 * self.pitch + (self.pitch - self.node_w) / 2.0
    }

    /// Top edge of row `r`.
    pub fn y(&self, r: usize) -> f64 {
        TOP + r as f64 * self.row_h
    }

    /// Width and height of the whole picture.
    pub fn size(&self, n: usize, rows: usize) -> (f64, f64) {
        (
            LEFT + n.max(1) as f64 * self.pitch + 8.0,
            TOP + rows as f64 * self.row_h + 4.0,
        )
    }
}

/// The nodes of row `r` when step `step` is shown: the lit "before" row is the shown level's
/// operands (with Blelloch's cleared root), other rows what their level wrote.
fn row_nodes(tree: &[Picture], r: usize, step: usize) -> &[NodeView] {
    if step >= 1 && r + 1 == step {
        &tree[step].before
    } else if r == 0 {
        &tree[0].before
    } else {
        &tree[r].after
    }
}

/// The whole tree as one SVG string, parsed by the browser in one call (hundreds of elements
/// built one attribute call at a time cost a frame of their own when n changes). Text is
/// escaped; it holds numbers, span notation and "pad".
pub fn tree_markup(tree: &[Picture], step: usize, algorithm: Algorithm, lang: Lang) -> String {
    let Some(first) = tree.first() else {
        return String::new();
    };
    let (count, rows) = (first.before.len(), tree.len());
    let step = step.min(rows - 1);
    let lay = Layout::new(count, rows);
    let mut out = String::with_capacity(rows * count * 160 + 1024);
    write_backdrop(&mut out, &lay, count, rows, step, algorithm);
    write_arrows(&mut out, &lay, tree, step);
    for r in 0..rows {
        write_row(&mut out, &lay, tree, r, step, lang);
    }
    out
}

/// The lit level's band and the vertical lines between the chunked scan's blocks.
fn write_backdrop(
    out: &mut String,
    lay: &Layout,
    count: usize,
    rows: usize,
    step: usize,
    algorithm: Algorithm,
) {
    use std::fmt::Write;
    let (width, height) = lay.size(count, rows);
    if step >= 1 {
        let _ = write!(
            out,
            r#"<rect class="scan-lit-band" x="0" y="{}" width="{width}" height="{}"></rect>"#,
            lay.y(step - 1) - 3.0,
            2.0 * lay.row_h
        );
    }
    if let Algorithm::Chunked { block } = algorithm {
        if block > 0 && block < count {
            for k in 1..count.div_ceil(block) {
                let x = LEFT + (k * block) as f64 * lay.pitch;
                let _ = write!(
                    out,
                    r#"<line class="scan-block-edge" x1="{x}" y1="4" x2="{x}" y2="{}"></line>"#,
                    height - 4.0
                );
            }
        }
    }
}

/// Arrows of every level that has run: the lit one in full, the earlier ones faint.
fn write_arrows(out: &mut String, lay: &Layout, tree: &[Picture], step: usize) {
    use std::fmt::Write;
    for (level, p) in tree.iter().enumerate().take(step + 1).skip(1) {
        let lit = level == step;
        let (y1, y2) = (
            lay.y(level - 1) + lay.node_h,
            lay.y(level) - if lit { 3.0 } else { 0.0 },
        );
        let mut arrow = |from: usize, to: usize, shift: f64, class: &str| {
            let shift = if lay.compact {
                shift * lay.pitch / 60.0
            } else {
                shift
            };
            let (x1, x2) = (
                lay.x(from) + lay.node_w / 2.0 + shift * 0.6,
                lay.x(to) + lay.node_w / 2.0 + shift,
            );
            if lit {
                let _ = write!(
                    out,
                    r#"<line class="{class} scan-lit-arrow" x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}" marker-end="url(#scan-arrow)"></line>"#
                );
            } else {
                let _ = write!(
                    out,
                    r#"<line class="scan-arrow-faint" x1="{x1:.1}" y1="{y1:.1}" x2="{x2:.1}" y2="{y2:.1}"></line>"#
                );
            }
        };
        for c in &p.combines {
            arrow(c.earlier.node, c.dest, -9.0, "scan-arrow-earlier");
            arrow(c.later.node, c.dest, 9.0, "scan-arrow-later");
        }
        for m in &p.moves {
            if let Some(f) = m.from {
                arrow(f, m.to, 0.0, "scan-arrow-move");
            }
        }
    }
}

/// Row `r` of the tree: its label and its nodes (the two rows around the lit level take focus).
fn write_row(out: &mut String, lay: &Layout, tree: &[Picture], r: usize, step: usize, lang: Lang) {
    use std::fmt::Write;
    let y = lay.y(r);
    let label = if r == 0 {
        lang.pick("inputs", "entradas").to_string()
    } else {
        format!("{} {r}", lang.pick("level", "nivel"))
    };
    let _ = write!(
        out,
        r#"<text x="4" y="{:.1}" class="scan-row-label{}">{}</text>"#,
        y + lay.node_h * 0.5 + 4.0,
        if r == step { " scan-row-lit" } else { "" },
        escape(&label)
    );
    let (role, future) = match r {
        _ if step >= 1 && r + 1 == step => ("before", false),
        _ if step >= 1 && r == step => ("after", false),
        0 if step == 0 => ("before", false),
        _ => ("level", r > step),
    };
    for (i, nv) in row_nodes(tree, r, step).iter().enumerate() {
        write_node(
            out,
            lay,
            NodeSpot {
                i,
                r,
                y,
                role,
                future,
            },
            nv,
            lang,
        );
    }
}

/// Where a node is drawn and what its row is to the lit level.
struct NodeSpot {
    i: usize,
    r: usize,
    y: f64,
    role: &'static str,
    future: bool,
}

/// One node: a box with its span and (a, b), or a bare box in the compact layout.
fn write_node(out: &mut String, lay: &Layout, spot: NodeSpot, nv: &NodeView, lang: Lang) {
    use std::fmt::Write;
    let NodeSpot {
        i,
        r,
        y,
        role,
        future,
    } = spot;
    let range_attr = span_label(nv.span, nv.padding);
    let mut class = String::from("scan-node");
    if nv.changed && role == "after" {
        class.push_str(" scan-changed");
    }
    if nv.padding {
        class.push_str(" scan-pad");
    }
    if role == "after" && !nv.changed {
        class.push_str(" scan-same");
    }
    if future {
        class.push_str(" scan-future");
    }
    if role == "after" && nv.changed {
        class.push_str(" scan-arrive");
    }
    let focus = if role == "level" {
        ""
    } else {
        r#" tabindex="0""#
    };
    let (x, mid) = (lay.x(i), lay.x(i) + lay.node_w / 2.0);
    if lay.compact {
        // One element per node (n = 64 draws up to 64 × 13 of them).
        let _ = write!(
            out,
            r#"<rect class="{class}" data-i="{i}" data-row="{role}" data-level="{r}" data-range="{}"{focus} x="{x:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" rx="2"></rect>"#,
            escape(&range_attr),
            lay.node_w,
            lay.node_h,
        );
        return;
    }
    let _ = write!(
        out,
        r#"<g class="{class}" data-i="{i}" data-row="{role}" data-level="{r}" data-range="{}"{focus}><rect x="{x:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" rx="4"></rect>"#,
        escape(&range_attr),
        lay.node_w,
        lay.node_h,
    );
    if !future {
        // "pad" is the core's word for a padding node; the rest ([j..i], ∅) is notation.
        let range = if range_attr == "pad" {
            lang.pick("pad", "relleno").to_string()
        } else {
            range_attr.clone()
        };
        let _ = write!(
            out,
            r#"<text x="{mid:.1}" y="{:.1}" class="scan-range">{}</text><text x="{mid:.1}" y="{:.1}">a {}</text><text x="{mid:.1}" y="{:.1}">b {}</text>"#,
            y + 14.0,
            escape(&range),
            y + 29.0,
            escape(&display_number(nv.value.a)),
            y + 43.0,
            escape(&display_number(nv.value.b)),
        );
    }
    out.push_str("</g>");
}

/// `text` safe inside SVG markup, as text or an attribute value.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('"', "&quot;")
}

/// The node (tree row, index) an event happened on, if any.
fn node_of(target: Option<web_sys::EventTarget>) -> Option<(usize, usize)> {
    let el = target
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest(".scan-node").ok().flatten())?;
    let row = el.get_attribute("data-level")?.parse::<usize>().ok()?;
    let i = el.get_attribute("data-i")?.parse::<usize>().ok()?;
    Some((row, i))
}

/// The arithmetic of node `i` of tree row `row` at step `step`.
fn tip(tree: &[Picture], step: usize, row: usize, i: usize, lang: Lang) -> String {
    if row > step || row >= tree.len() {
        return match lang {
            Lang::En => format!("node {i} at level {row}: not computed yet"),
            Lang::Es => format!("nodo {i} en el nivel {row}: aún no calculado"),
        };
    }
    if row == 0 || (step >= 1 && row + 1 == step) {
        // An operand row: its node as read by the shown level (or the inputs).
        let p = if row == 0 && step != 1 {
            &tree[0]
        } else {
            &tree[row + 1]
        };
        return node_tip(p, false, i, lang);
    }
    node_tip(&tree[row], true, i, lang)
}

/// The key of the tree's colours for an exported card (`widgets::export`), as in `levels.rs`.
fn export_legend(lang: Lang) -> String {
    let pair = |label: &str, colour: &str| {
        crate::ui::widgets::format::strings_json(&[label.to_string(), colour.to_string()])
    };
    format!(
        "[{},{},{}]",
        pair(
            lang.pick("earlier operand", "operando anterior"),
            "var(--earlier)"
        ),
        pair(
            lang.pick("later operand", "operando posterior"),
            "var(--later)"
        ),
        pair(lang.pick("copy", "copia"), "var(--move)")
    )
}

/// The caption of the level shown, the tree, and the arithmetic of the hovered or focused node.
#[component]
pub fn LevelDiagram() -> impl IntoView {
    let s = expect_context::<ScanState>();
    let (shown, hover, algorithm, tree, step) = (s.shown, s.hover, s.algorithm, s.tree, s.step);
    // One listener for every node (event delegation), for the pointer and for keyboard focus.
    let on_hover = move |ev: leptos::ev::MouseEvent| {
        if let Some(node) = node_of(ev.target()) {
            hover.set(Some(node));
        }
    };
    let on_focus = move |ev: leptos::ev::FocusEvent| {
        if let Some(node) = node_of(ev.target()) {
            hover.set(Some(node));
        }
    };
    let hover_text = move || {
        hover.get().map_or_else(
            || {
                tr(
                    "Hover a node (or Tab to one of the lit rows) to see its arithmetic.",
                    "Pasa el puntero sobre un nodo (o llega con Tab a las filas iluminadas) para ver sus cuentas.",
                )
                .now()
                .to_string()
            },
            |(row, i)| tree.with(|t| tip(t, step.get(), row, i, lang())),
        )
    };
    let size = Memo::new(move |_| {
        tree.with(|t| {
            let count = t.first().map_or(0, |p| p.before.len());
            Layout::new(count, t.len()).size(count, t.len())
        })
    });
    view! {
        <p class="scan-phase" data-testid="scan-phase">{move || shown.with(|p| scan_caption(p, lang()))}</p>
        <div class="scan-svg-box">
            <svg data-testid="scan-svg" class="scan-tree" on:mouseover=on_hover on:focusin=on_focus
                data-export-legend=move || export_legend(lang())
                width=move || size.get().0 height=move || size.get().1
                viewBox=move || { let (w, h) = size.get(); format!("0 0 {w} {h}") }
                role="img" aria-label=move || lang().pick("The scan's tree of levels; the current level is lit", "El árbol de niveles del scan; el nivel actual está iluminado")>
                <defs>
                    <marker id="scan-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto-start-reverse">
                        <path d="M 0 0 L 10 5 L 0 10 z"></path>
                    </marker>
                </defs>
                <g inner_html=move || tree.with(|t| tree_markup(t, step.get(), algorithm.get(), lang()))></g>
            </svg>
        </div>
        <p class="scan-hover" data-testid="scan-hover" aria-live="polite">{hover_text}</p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::scan::scan;
    use crate::core::scan_view::picture;

    fn tree_of(alg: Algorithm, a: &[f32], b: &[f32]) -> Vec<Picture> {
        let run = scan(alg, a, b, true);
        (0..=run.trace.levels.len())
            .map(|s| picture(&run, a.len(), s))
            .collect()
    }

    /// Hillis–Steele on 4 steps at step 1 (the first level, stride 1): the whole tree has
    /// 3 rows of 4 nodes; the lit level draws 3 combines; nodes 1, 2, 3 change.
    #[test]
    fn the_first_hillis_steele_level_is_lit_in_the_whole_tree() {
        let (a, b) = ([0.5f32, 2.0, -1.0, 0.25], [1.0f32, -2.0, 3.0, 0.5]);
        let tree = tree_of(Algorithm::HillisSteele, &a, &b);
        assert_eq!(tree.len(), 3);
        let markup = tree_markup(&tree, 1, Algorithm::HillisSteele, Lang::En);
        assert_eq!(
            markup.matches("<g class=\"scan-node").count(),
            12,
            "{markup}"
        );
        assert_eq!(
            markup.matches("scan-arrow-earlier scan-lit-arrow").count(),
            3
        );
        assert_eq!(markup.matches("scan-arrow-later scan-lit-arrow").count(), 3);
        assert_eq!(markup.matches("scan-node scan-changed").count(), 3);
        // Level 2 has not run: its row is faded and carries no numbers.
        assert_eq!(markup.matches("scan-future").count(), 4);
        // After the level node 2 holds steps 1..2: a = a₁·a₂, b = a₂·b₁ + b₂ = −1·−2 + 3 = 5.
        assert!(
            markup.contains(r#"data-i="2" data-row="after" data-level="1" data-range="[1..2]""#),
            "{markup}"
        );
        assert!(markup.contains(">a -2.00</text>"), "{markup}");
        assert!(markup.contains(">b 5.00</text>"), "{markup}");
        // Node 0 keeps its input and is drawn faded as unchanged.
        assert!(markup.contains(
            r#"<g class="scan-node scan-same" data-i="0" data-row="after" data-level="1" data-range="[0..0]""#
        ));
        // At the last step the earlier level's arrows are faint, the last one's lit.
        let last = tree_markup(&tree, 2, Algorithm::HillisSteele, Lang::En);
        assert_eq!(last.matches("scan-arrow-faint").count(), 6);
        assert_eq!(last.matches("scan-lit-arrow").count(), 4);
    }

    #[test]
    fn n64_fits_a_page_width_and_chunk_edges_are_drawn() {
        let ones = vec![1.0f32; 64];
        let tree = tree_of(Algorithm::Blelloch, &ones, &ones);
        let lay = Layout::new(64, tree.len());
        let (w, h) = lay.size(64, tree.len());
        assert!(w <= 1240.0 && h <= 560.0, "{w} × {h}");
        let (a, b) = ([1.0f32; 5], [1.0f32; 5]);
        let tree = tree_of(Algorithm::Chunked { block: 2 }, &a, &b);
        let markup = tree_markup(&tree, 0, Algorithm::Chunked { block: 2 }, Lang::En);
        // Blocks [0, 1], [2, 3], [4]: edges before positions 2 and 4.
        assert_eq!(markup.matches("scan-block-edge").count(), 2);
        assert_eq!(escape(r#"<a & "b">"#), "&lt;a &amp; &quot;b&quot;>");
    }
}
