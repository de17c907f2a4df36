//! The main chart: every shown family's influence on output i against the distance, scaled by
//! its maximum over distances ≥ 1 (or ≥ 0 with the "own token" toggle), with the closed forms
//! dashed, the ½ and 1/100 guides and the CNN's cut-off; the output slider and toggles above.

use leptos::prelude::*;

use super::common::{clip_notice, distance_axis, f32_list, normalized_range, ChartCanvas};
use super::state::FadingState;
use crate::core::fading::{cnn_cutoff, normalized_from, scaled_to};
use crate::core::models::family::Family;
use crate::ui::charts::fading::{Curve, FadingChart};
use crate::ui::i18n::{family_name, lang, t, tr, Lang};
use crate::ui::palette::{family_css, family_rgb};
use crate::ui::widgets::format::display_number;

/// The chart's data, from the state's rows (cheap: no model runs here).
fn chart(state: FadingState) -> Memo<FadingChart> {
    Memo::new(move |_| {
        let visible = state.shown.get();
        let closed_on = state.show_closed.get();
        let from = state.from();
        let lang = lang();
        let mut curves = Vec::new();
        state.rows.with(|rows| {
            for (f, row) in rows {
                let Ok(row) = row else { continue };
                if !visible.contains(f) {
                    continue;
                }
                let Some(measured) = normalized_from(&row.measured, from) else {
                    continue;
                };
                let max = row
                    .measured
                    .get(from..)
                    .unwrap_or(&[])
                    .iter()
                    .copied()
                    .fold(0.0f32, f32::max);
                if closed_on && !row.closed.is_empty() {
                    // Meet the measured curve at distance 1 (distance 0 adds skip paths).
                    let at = usize::from(row.measured.len() > 1);
                    let closed = scaled_to(&row.closed, &row.measured, at);
                    curves.push(Curve {
                        label: match lang {
                            Lang::En => format!("{} closed form", family_name(*f, lang)),
                            Lang::Es => format!("{} forma cerrada", family_name(*f, lang)),
                        },
                        colour: family_rgb(*f),
                        values: closed.iter().map(|v| v / max).collect(),
                        dashed: true,
                    });
                }
                curves.push(Curve {
                    label: family_name(*f, lang).to_string(),
                    colour: family_rgb(*f),
                    values: measured,
                    dashed: false,
                });
            }
        });
        let cutoff = state.configs.with(|c| cnn_cutoff(&c.cnn));
        let cutoffs = if closed_on && visible.contains(&Family::Cnn) {
            vec![(cutoff as f32, family_rgb(Family::Cnn))]
        } else {
            Vec::new()
        };
        FadingChart {
            y_range: normalized_range(&curves, from),
            curves,
            x_min: from,
            x_max: state.selected.get(),
            guides: vec![0.5, 0.01],
            cutoffs,
            marks: Vec::new(),
            y_desc: if from == 0 {
                lang.pick("influence / its maximum", "influencia / su máximo")
            } else {
                lang.pick(
                    "influence / its maximum at k ≥ 1",
                    "influencia / su máximo en k ≥ 1",
                )
            }
            .to_string(),
            x_desc: distance_axis(lang),
        }
    })
}

/// JSON of one number list per family, picked from the state's rows.
fn rows_json(state: FadingState, pick: fn(&super::results::Row) -> &Vec<f32>) -> String {
    state.rows.with(|rows| {
        let parts: Vec<String> = rows
            .iter()
            .filter_map(|(f, row)| row.as_ref().ok().map(|row| (f, pick(row))))
            .filter(|(_, v)| !v.is_empty())
            .map(|(f, v)| format!("\"{}\":{}", f.id(), f32_list(v)))
            .collect();
        format!("{{{}}}", parts.join(","))
    })
}

/// One checkbox per family, in its palette colour.
#[component]
fn FamilyToggles() -> impl IntoView {
    let state = expect_context::<FadingState>();
    Family::ALL
        .into_iter()
        .map(|f| {
            let on = move || state.shown.with(|s| s.contains(&f));
            view! {
                <label class="fading-toggle" style=format!("--swatch: {}", family_css(f))>
                    <input type="checkbox" data-testid=format!("toggle-{}", f.id()) prop:checked=on
                        on:change:target=move |ev| {
                            let checked = ev.target().checked();
                            state.shown.update(|s| {
                                s.retain(|g| *g != f);
                                if checked {
                                    s.push(f);
                                }
                            });
                        }
                    />
                    <span class="fading-swatch"></span>
                    {move || family_name(f, lang())}
                </label>
            }
        })
        .collect_view()
}

/// The output position slider and the curve toggles.
#[component]
pub fn ChartControls() -> impl IntoView {
    let state = expect_context::<FadingState>();
    let token_label = move |i: usize| {
        state
            .input
            .tokens
            .with(|t| t.tokens.get(i).cloned().unwrap_or_default())
    };
    view! {
        <div class="fading-controls">
            <label class="fading-output">
                {t("Output position i ", "Posición de salida i ")}
                <input type="range" data-testid="slider-output" min="0"
                    max=move || state.len.get().saturating_sub(1).to_string() step="1"
                    prop:value=move || state.selected.get().to_string()
                    on:input:target=move |ev| {
                        if let Ok(v) = ev.target().value().parse::<usize>() {
                            let last = state.len.get_untracked().saturating_sub(1);
                            state.pinned.set((v < last).then_some(v));
                        }
                    }
                />
                <output data-testid="output-position">{move || {
                    let i = state.selected.get();
                    format!("i = {i} (“{}”)", token_label(i))
                }}</output>
            </label>
            <div class="fading-toggles" role="group" aria-label=t("Curves shown", "Curvas mostradas")>
                <FamilyToggles/>
                <label class="fading-toggle">
                    <input type="checkbox" data-testid="toggle-closed"
                        prop:checked=move || state.show_closed.get()
                        on:change:target=move |ev| state.show_closed.set(ev.target().checked())
                    />
                    {t("closed forms (dashed)", "formas cerradas (discontinuas)")}
                </label>
                <label class="fading-toggle">
                    <input type="checkbox" data-testid="toggle-own"
                        prop:checked=move || state.own_token.get()
                        on:change:target=move |ev| state.own_token.set(ev.target().checked())
                    />
                    {t("include distance 0 (the token itself: residual / D skip path)", "incluir la distancia 0 (el propio token: camino residual / D)")}
                </label>
            </div>
        </div>
    }
}

/// The chart, its caption, the clipping notice and the "computing" line.
#[component]
pub fn MainChart() -> impl IntoView {
    let state = expect_context::<FadingState>();
    let data = chart(state);
    let notice = move || data.with(|c| clip_notice(&c.curves, c.y_range.0, c.x_min, lang()));
    let computing = Memo::new(move |_| state.computing());
    let computing_text = move || {
        computing.with(|families| {
            (!families.is_empty()).then(|| {
                let names: Vec<&str> = families.iter().map(|&f| family_name(f, lang())).collect();
                match lang() {
                    Lang::En => format!("Computing the influence of {} …", names.join(", ")),
                    Lang::Es => format!("Calculando la influencia de {} …", names.join(", ")),
                }
            })
        })
    };
    let closed_json = move || {
        let cutoff = state.configs.with(|c| cnn_cutoff(&c.cnn));
        let json = rows_json(state, |r| &r.closed);
        let inner = json.trim_start_matches('{').trim_end_matches('}');
        let sep = if inner.is_empty() { "" } else { "," };
        format!("{{{inner}{sep}\"cnn-cutoff\":{cutoff}}}")
    };
    let state_json = move || {
        state.rows.with(|rows| {
            rows.iter()
                .find(|(f, _)| *f == Family::LinearRnn)
                .and_then(|(_, row)| row.as_ref().ok().map(|row| f32_list(&row.state)))
                .unwrap_or_else(|| "[]".to_string())
        })
    };
    view! {
        <figure class="fading-figure" data-testid="fading-chart"
            data-i=move || state.selected.get().to_string()
            data-from=move || state.from().to_string()
            data-curves=move || rows_json(state, |r| &r.measured)
            data-closed=closed_json
            data-state-curve=state_json
            aria-busy=move || (!computing.with(Vec::is_empty)).to_string()
            data-computing=move || computing.with(Vec::len).to_string()
        >
            <ChartCanvas data test_id="fading-canvas" label=tr("Influence against distance, one curve per model, log scale", "Influencia frente a la distancia, una curva por modelo, escala logarítmica") />
            <figcaption>{t("How to read this: a line that falls to the right means a token's influence fades as it gets farther from the output (the intro says which families fade); a drop by one grid decade is a factor 10. Distance 0 is the token itself, which also reaches its output through the residual or D skip path: it is left out (each curve is scaled by its maximum over distances ≥ 1) unless you tick it above. Dotted guides at ½ and 1/100 of that maximum give the read-outs below. Dashed: closed forms — linear RNN r^k·‖Re(e^{iθk}CB)‖ (its |λ|^k decay with the θ rotation, the influence on the MLP's input), S4D ‖K_k‖ (kernel norm), CNN receptive-field cut-off (vertical) — each scaled to meet its measured curve at distance 1.",
                "Cómo leerlo: una línea que baja hacia la derecha indica que la influencia de un token se apaga a medida que se aleja de la salida (la introducción dice qué familias se apagan); bajar una década de la cuadrícula es un factor 10. La distancia 0 es el propio token, que además llega a su salida por el camino residual o D: se omite (cada curva se escala por su máximo en las distancias ≥ 1) salvo que la marques arriba. Las guías punteadas en ½ y 1/100 de ese máximo dan las lecturas de la tabla de abajo. Discontinuas: formas cerradas — RNN lineal r^k·‖Re(e^{iθk}CB)‖ (su decaimiento |λ|^k con la rotación θ, la influencia sobre la entrada del MLP), S4D ‖K_k‖ (norma del núcleo), corte del campo receptivo de la CNN (vertical) — cada una escalada para coincidir con su curva medida a distancia 1.")}
            </figcaption>
        </figure>
        <p class="notice" role="status" data-testid="fading-clip-notice">{notice}</p>
        <p class="muted" role="status" data-testid="fading-computing">{computing_text}</p>
        <CurveTable data />
    }
}

/// The drawn curves as a table (for screen readers and exact values).
#[component]
fn CurveTable(data: Memo<FadingChart>) -> impl IntoView {
    let head = move || {
        data.with(|c| {
            (c.x_min..=c.x_max)
                .map(|k| view! { <th scope="col">{k}</th> })
                .collect_view()
        })
    };
    let rows = move || {
        data.with(|c| {
            c.curves
                .iter()
                .map(|curve| {
                    let cells = curve
                        .values
                        .iter()
                        .skip(c.x_min)
                        .map(|v| view! { <td>{display_number(*v)}</td> })
                        .collect_view();
                    view! { <tr><th scope="row">{curve.label.clone()}</th>{cells}</tr> }
                })
                .collect_view()
        })
    };
    view! {
        <details class="fading-table">
            <summary>{t("Curve values (table)", "Valores de las curvas (tabla)")}</summary>
            <table data-testid="curve-table">
                <thead><tr><th scope="col">{t("curve \\ distance", "curva \\ distancia")}</th>{head}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </details>
    }
}
