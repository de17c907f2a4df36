//! The Flow diagram as SVG: tokens along the bottom, one row per layer / state / scan level,
//! the edges of the current step drawn, nodes coloured by whether the selected token's
//! information has reached them.

use leptos::prelude::*;

use crate::core::flow::{FlowDiagram, FlowEdge, FlowLabel};
use crate::ui::i18n::{flow_label, lang, Lang};
use crate::ui::widgets::grid_keys::{move_cursor, selects, Rows};

/// Horizontal distance between positions, vertical distance between rows (SVG units).
const DX: f64 = 30.0;
const DY: f64 = 56.0;
/// CSS pixels per SVG unit: the diagram keeps one size from 2 to 64 tokens and scrolls
/// sideways when it is wider than its box (the row labels stay in a sticky gutter).
pub const PX_PER_UNIT: f64 = 1.25;
/// Width of the row-label gutter (SVG units).
const GUTTER: f64 = 58.0;
/// Edges kept per target node when a step has dense edges (attention): the strongest ones.
pub const TOP_EDGES_PER_NODE: usize = 4;

/// Everything the diagram draws at one step.
#[derive(Clone, PartialEq)]
pub struct DiagramFrame {
    /// Positions per row and row labels.
    pub len: usize,
    pub rows: Vec<FlowLabel>,
    /// Edges of the current step: ((row, pos), (row, pos), weight in [0, 1]).
    pub edges: Vec<FlowEdge>,
    /// `[rows][len]`: computed so far.
    pub computed: Vec<Vec<bool>>,
    /// `[rows][len]`: computed at this step (not before): these fill in when playing.
    pub fresh: Vec<Vec<bool>>,
    /// `[rows][len]`: reached by the selected token.
    pub reached: Vec<Vec<bool>>,
    /// Optional strength in [0, 1] per state node (row 1), e.g. the selected token's influence.
    pub strength: Option<Vec<f32>>,
    /// Label of the current step.
    pub label: FlowLabel,
}

impl DiagramFrame {
    /// The frame of `diagram` after `step` steps, for the token `source`.
    pub fn new(
        diagram: &FlowDiagram,
        step: usize,
        source: usize,
        strength: Option<Vec<f32>>,
    ) -> Self {
        let step = step.min(diagram.steps.len());
        let mut edges: Vec<_> = Vec::new();
        if step > 0 {
            let current = &diagram.steps[step - 1].edges;
            // Keep the strongest few edges into each node so dense attention stays readable
            // and fast; the reach colouring still uses every edge.
            let mut by_target: std::collections::BTreeMap<(usize, usize), Vec<_>> =
                Default::default();
            for e in current {
                by_target.entry(e.to).or_default().push(e);
            }
            for (_, mut list) in by_target {
                list.sort_by(|a, b| b.weight.total_cmp(&a.weight));
                edges.extend(list.into_iter().take(TOP_EDGES_PER_NODE).copied());
            }
        }
        let computed = diagram.computed(step);
        let before = diagram.computed(step.saturating_sub(1));
        let fresh = computed
            .iter()
            .zip(&before)
            .map(|(now, then)| now.iter().zip(then).map(|(a, b)| *a && !*b).collect())
            .collect();
        DiagramFrame {
            len: diagram.len,
            rows: diagram.rows.clone(),
            edges,
            fresh,
            computed,
            reached: diagram.reach(source, step),
            strength,
            label: if step == 0 {
                FlowLabel::Start
            } else {
                diagram.steps[step - 1].label
            },
        }
    }
}

/// The edges of `f` as SVG `<path>` elements.
fn edges_markup(f: &DiagramFrame) -> String {
    use std::fmt::Write;
    let rows = f.rows.len();
    let mut out = String::with_capacity(f.edges.len() * 110);
    for &FlowEdge {
        from: (r0, p0),
        to: (r1, p1),
        weight: w,
    } in &f.edges
    {
        let (x0, y0, x1, y1) = (x_of(p0), y_of(r0, rows), x_of(p1), y_of(r1, rows));
        let w = if w.is_finite() {
            w.clamp(0.0, 1.0)
        } else {
            0.0
        };
        let _ = write!(
            out,
            r#"<path class="flow-edge" pathLength="1" d="M{x0},{y0} "#
        );
        // A same-row edge (the recurrent chain) bends upward so it stays visible.
        let _ = if r0 == r1 {
            write!(out, "Q{},{} ", (x0 + x1) / 2.0, y0 - 18.0)
        } else {
            write!(out, "L")
        };
        let _ = write!(
            out,
            r#"{x1},{y1}" stroke-opacity="{:.3}" stroke-width="{:.2}"></path>"#,
            0.15 + 0.85 * w,
            0.6 + 2.4 * w
        );
    }
    out
}

/// The nodes of `f` as SVG `<circle>` elements, one per (row, position), with `data-row`,
/// `data-pos` and `data-reached` for the click handler and tests.
fn nodes_markup(f: &DiagramFrame) -> String {
    use std::fmt::Write;
    let rows = f.rows.len();
    let mut out = String::with_capacity(rows * f.len * 110);
    for r in 0..rows {
        for p in 0..f.len {
            let at = |grid: &[Vec<bool>]| grid.get(r).and_then(|row| row.get(p)) == Some(&true);
            let (computed, reached) = (at(&f.computed), at(&f.reached));
            let class = match (computed, reached, at(&f.fresh)) {
                (false, _, _) => "flow-node pending",
                (true, true, true) => "flow-node reached fresh",
                (true, true, false) => "flow-node reached",
                (true, false, true) => "flow-node fresh",
                (true, false, false) => "flow-node",
            };
            let _ = write!(
                out,
                r#"<circle class="{class}" cx="{}" cy="{}" r="6""#,
                x_of(p),
                y_of(r, rows)
            );
            let strength = (r == 1)
                .then(|| f.strength.as_ref().and_then(|s| s.get(p).copied()))
                .flatten()
                .filter(|s| s.is_finite());
            if let Some(s) = strength {
                let _ = write!(
                    out,
                    r#" fill-opacity="{:.3}""#,
                    0.15 + 0.85 * s.clamp(0.0, 1.0)
                );
            }
            let _ = write!(
                out,
                r#" data-row="{r}" data-pos="{p}" data-reached="{reached}"></circle>"#
            );
        }
    }
    out
}

fn x_of(pos: usize) -> f64 {
    DX * (pos as f64 + 0.5)
}

fn y_of(row: usize, rows: usize) -> f64 {
    DY * ((rows - 1 - row) as f64) + 18.0
}

/// What the keyboard cursor is on, in words (row label, position, token, reached or not).
fn cursor_words(f: &DiagramFrame, tokens: &[String], (r, p): (usize, usize), lang: Lang) -> String {
    let row = f
        .rows
        .get(r)
        .map(|l| flow_label(*l, lang))
        .unwrap_or_default();
    let token = tokens.get(p).cloned().unwrap_or_default();
    let reached = f.reached.get(r).and_then(|row| row.get(p)) == Some(&true);
    match (lang, reached) {
        (Lang::En, true) => format!("{row}, position {p} “{token}”: reached by the selected token. Enter selects token {p}."),
        (Lang::En, false) => format!("{row}, position {p} “{token}”: not reached. Enter selects token {p}."),
        (Lang::Es, true) => format!("{row}, posición {p} «{token}»: alcanzada por el token elegido. Intro elige el token {p}."),
        (Lang::Es, false) => format!("{row}, posición {p} «{token}»: no alcanzada. Intro elige el token {p}."),
    }
}

/// The title of an exported diagram card.
fn export_title(label: FlowLabel, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "Information flow between positions: {}",
            flow_label(label, Lang::En)
        ),
        Lang::Es => format!(
            "Flujo de información entre posiciones: {}",
            flow_label(label, Lang::Es)
        ),
    }
}

/// The key of an exported diagram card's colours, as JSON pairs [words, colour].
fn export_legend(lang: Lang) -> String {
    let entries = [
        (
            lang.pick(
                "reached by the selected token",
                "alcanzado por el token elegido",
            ),
            "#e07b00",
        ),
        (lang.pick("computed", "calculado"), "#8a96a3"),
        (
            lang.pick("not computed yet", "aún sin calcular"),
            "var(--border)",
        ),
        (
            lang.pick(
                "this step's edges (darker: larger weight)",
                "aristas de este paso (más oscuras: más peso)",
            ),
            "var(--accent)",
        ),
    ];
    let pairs: Vec<String> = entries
        .iter()
        .map(|(l, c)| crate::ui::widgets::format::strings_json(&[l.to_string(), c.to_string()]))
        .collect();
    format!("[{}]", pairs.join(","))
}

/// The diagram at one frame; clicking a token node selects it. Keyboard: the diagram takes
/// focus, arrow keys move a cursor over the nodes, Enter (or space) selects the cursor's token.
#[component]
pub fn FlowDiagramView(
    /// What to draw.
    #[prop(into)]
    frame: Signal<DiagramFrame>,
    /// Token texts (bottom labels).
    #[prop(into)]
    tokens: Signal<Vec<String>>,
    /// The selected token; clicks on the bottom row set it.
    selected: RwSignal<usize>,
    /// While true, the current step's edges draw themselves and its nodes fill in (CSS, off
    /// under `prefers-reduced-motion`).
    #[prop(into)]
    playing: Signal<bool>,
    /// `data-testid` of the svg.
    test_id: &'static str,
) -> impl IntoView {
    // Edges and nodes are written as one SVG string each and parsed by the browser: hundreds
    // of elements built one attribute call at a time took a frame of their own at L = 64.
    // The strings hold only numbers and fixed class names (no user text).
    let edges = move || frame.with(edges_markup);
    let nodes = move || frame.with(nodes_markup);
    let cursor = RwSignal::new(None::<(usize, usize)>);
    let labels = move || {
        frame.with(|f| {
            let rows = f.rows.len();
            f.rows
                .iter()
                .enumerate()
                .map(|(r, label)| view! { <text class="flow-row-label" x=GUTTER - 6.0 y=y_of(r, rows) + 3.0 text-anchor="end">{flow_label(*label, lang())}</text> })
                .collect_view()
        })
    };
    let token_labels = move || {
        let rows = frame.with(|f| f.rows.len());
        tokens.with(|t| {
            t.iter()
                .enumerate()
                .map(|(p, text)| {
                    let short: String = text.chars().take(6).collect();
                    let y = y_of(0, rows) + 18.0;
                    view! {
                        <text class="flow-token" class:selected=move || selected.get() == p
                            x=x_of(p) y=y transform=format!("rotate(35 {} {y})", x_of(p))
                            data-row="token" data-pos=p>{short}</text>
                    }
                })
                .collect_view()
        })
    };
    let size = move || {
        frame.with(|f| {
            (
                DX * f.len.max(1) as f64,
                DY * (f.rows.len().max(1) - 1) as f64 + 70.0,
            )
        })
    };
    // Clicking a token node (row 0) or a token label selects that token.
    let on_click = move |ev: web_sys::MouseEvent| {
        let Some(target) = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
        else {
            return;
        };
        let row = target.get_attribute("data-row");
        if !matches!(row.as_deref(), Some("0" | "token")) {
            return;
        }
        if let Some(p) = target
            .get_attribute("data-pos")
            .and_then(|p| p.parse::<usize>().ok())
        {
            selected.set(p);
            cursor.set(Some((0, p)));
        }
    };
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let (rows, len) = frame.with(|f| (f.rows.len(), f.len));
        if rows == 0 || len == 0 {
            return;
        }
        let (r, p) = cursor
            .get_untracked()
            .unwrap_or((0, selected.get_untracked()));
        let (r, p) = (r.min(rows - 1), p.min(len - 1));
        let Some(next) = move_cursor(&ev.key(), (r, p), (rows, len), Rows::Up) else {
            return;
        };
        if selects(&ev.key()) {
            selected.set(p);
        }
        ev.prevent_default();
        cursor.set(Some(next));
    };
    let cursor_ring = move || {
        let (r, p) = cursor.get()?;
        let rows = frame.with(|f| f.rows.len());
        (r < rows).then(
            || view! { <circle class="flow-cursor" cx=x_of(p) cy=y_of(r, rows) r="10"></circle> },
        )
    };
    let said = move || {
        let c = cursor.get()?;
        Some(frame.with(|f| tokens.with(|t| cursor_words(f, t, c, lang()))))
    };
    // What an exported card says (widgets::export): the title and the key of the colours.
    let export_title = move || frame.with(|f| export_title(f.label, lang()));
    let export_legend = move || export_legend(lang());
    view! {
        <div class="flow-diagram-box" data-present-block="">
            <div class="flow-scroll" data-own-keys="">
                <svg class="flow-gutter" aria-hidden="true" data-export-gutter=""
                    viewBox=move || { let (_, h) = size(); format!("0 0 {GUTTER} {h}") }
                    width=GUTTER * PX_PER_UNIT
                    height=move || size().1 * PX_PER_UNIT>
                    {labels}
                </svg>
                <svg class="flow-diagram" data-testid=test_id role="img" tabindex="0"
                    data-export-title=export_title data-export-legend=export_legend
                    class:playing=move || playing.get()
                    on:click=on_click on:keydown=on_key
                    on:blur=move |_| cursor.set(None)
                    aria-label=move || frame.with(|f| match lang() {
                        Lang::En => format!("Flow diagram: {}. Arrow keys move between nodes, Enter selects a token.", flow_label(f.label, Lang::En)),
                        Lang::Es => format!("Diagrama de flujo: {}. Las flechas mueven entre nodos, Intro elige un token.", flow_label(f.label, Lang::Es)),
                    })
                    viewBox=move || { let (w, h) = size(); format!("0 0 {w} {h}") }
                    width=move || size().0 * PX_PER_UNIT
                    height=move || size().1 * PX_PER_UNIT>
                    <g class="flow-edges" inner_html=edges></g>
                    // No listener per node: one click handler on the <svg> reads data-pos.
                    <g class="flow-nodes" inner_html=nodes></g>
                    {cursor_ring}
                    {token_labels}
                </svg>
            </div>
            <p class="flow-cursor-said" aria-live="polite">{said}</p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame() -> DiagramFrame {
        DiagramFrame {
            len: 3,
            rows: vec![FlowLabel::Tokens, FlowLabel::Layer(1)],
            edges: vec![
                FlowEdge {
                    from: (0, 0),
                    to: (1, 2),
                    weight: 1.0,
                },
                FlowEdge {
                    from: (1, 0),
                    to: (1, 1),
                    weight: f32::NAN,
                },
            ],
            computed: vec![vec![true; 3], vec![true, true, false]],
            fresh: vec![vec![false; 3], vec![false, true, false]],
            reached: vec![vec![true, false, false], vec![true, false, false]],
            strength: Some(vec![0.0, 1.0, f32::INFINITY]),
            label: FlowLabel::Start,
        }
    }

    #[test]
    fn one_circle_per_node_with_its_state() {
        let markup = nodes_markup(&frame());
        assert_eq!(markup.matches("<circle ").count(), 6);
        // Row 1 is drawn above row 0: y = 56·(rows − 1 − row) + 18.
        assert!(markup.contains(r#"<circle class="flow-node reached" cx="15" cy="74" r="6" data-row="0" data-pos="0" data-reached="true">"#), "{markup}");
        assert!(markup.contains(r#"<circle class="flow-node pending" cx="75" cy="18" r="6" data-row="1" data-pos="2" data-reached="false">"#), "{markup}");
        // Strength s → opacity 0.15 + 0.85·s on row 1 only; a non-finite strength draws none.
        assert!(
            markup.contains(r#"cx="15" cy="18" r="6" fill-opacity="0.150""#),
            "{markup}"
        );
        assert!(
            markup.contains(r#"cx="45" cy="18" r="6" fill-opacity="1.000""#),
            "{markup}"
        );
        assert_eq!(markup.matches("fill-opacity").count(), 2);
    }

    #[test]
    fn edges_are_lines_between_rows_and_arcs_within_a_row() {
        let markup = edges_markup(&frame());
        assert_eq!(markup.matches("<path ").count(), 2);
        assert!(
            markup.contains(
                r#"pathLength="1" d="M15,74 L75,18" stroke-opacity="1.000" stroke-width="3.00""#
            ),
            "{markup}"
        );
        // Same row: a quadratic bend 18 units above; a NaN weight is drawn as the weakest.
        assert!(
            markup.contains(r#"pathLength="1" d="M15,18 Q30,0 45,18" stroke-opacity="0.150" stroke-width="0.60""#),
            "{markup}"
        );
    }
}
