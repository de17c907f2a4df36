//! The growth exponents: fitted to the measured times and counted from the multiply-adds, over
//! the same window of n, and what they mean.

use leptos::prelude::*;

use super::state::CostState;
use super::words::form_timed;
use crate::core::cost::{counted_exponent, fitted_exponent, D_MODEL, FIT_MIN_LEN, MEASURE_LENS};
use crate::core::models::family::Family;
use crate::ui::i18n::{family_name, lang, show, t, tr, Lang};
use crate::ui::palette::family_css;

/// Largest gap between the fitted and the counted exponent read as "as counted".
const TOLERANCE: f64 = 0.3;

/// One family's row.
fn slope_row(s: CostState, f: Family) -> impl IntoView {
    let counted = counted_exponent(f, &MEASURE_LENS, FIT_MIN_LEN).unwrap_or(f64::NAN);
    let cells = move || {
        s.run.results.with(|results| {
            let fitted = fitted_exponent(results, f, FIT_MIN_LEN);
            match fitted {
                Some(p) => (
                    format!("{p:.2}"),
                    format!("{p}"),
                    if (p - counted).abs() <= TOLERANCE {
                        tr(
                            "within ±0.3 of the counted slope",
                            "a menos de 0.3 de la pendiente contada",
                        )
                    } else {
                        tr(
                            "off the counted slope by more than 0.3",
                            "se aleja más de 0.3 de la pendiente contada",
                        )
                    },
                ),
                None => (
                    "—".to_string(),
                    String::new(),
                    tr(
                        "needs two points with n ≥ 512",
                        "necesita dos puntos con n ≥ 512",
                    ),
                ),
            }
        })
    };
    view! {
        <tr>
            <th scope="row"><span class="cost-swatch" style=format!("background:{}", family_css(f))></span>{move || family_name(f, lang())}</th>
            <td>{show(form_timed(f))}</td>
            <td data-testid=format!("cost-counted-{}", f.id()) data-value=counted.to_string()>{format!("{counted:.2}")}</td>
            <td data-testid=format!("cost-slope-{}", f.id()) data-value=move || cells().1>{move || cells().0}</td>
            <td>{move || show(cells().2)}</td>
        </tr>
    }
}

/// The exponents table and its caption.
#[component]
pub fn Slopes() -> impl IntoView {
    let s = expect_context::<CostState>();
    let attention =
        counted_exponent(Family::Transformer, &MEASURE_LENS, FIT_MIN_LEN).unwrap_or(f64::NAN);
    let balance = 12 * D_MODEL;
    view! {
        <table class="cost-table" data-testid="cost-slopes">
            <thead><tr>
                <th scope="col">{t("model", "modelo")}</th><th scope="col">{t("form timed", "forma cronometrada")}</th>
                <th scope="col">{t("counted slope (n ≥ 512)", "pendiente contada (n ≥ 512)")}</th><th scope="col">{t("fitted exponent (n ≥ 512)", "exponente ajustado (n ≥ 512)")}</th><th scope="col">""</th>
            </tr></thead>
            <tbody>{Family::ALL.iter().map(|&f| slope_row(s, f)).collect_view()}</tbody>
        </table>
        <p class="cost-caption" data-testid="cost-slope-caption">
            {move || match lang() {
                Lang::En => format!("The fitted exponent is the slope of the least-squares line through the measured points with n ≥ 512 on log-log axes: \
                    1 means the time doubles when n doubles, 2 means it quadruples. It is compared with the slope of the counted multiply-adds over the same n, not with the asymptote: \
                    each attention layer does n(n+1)·d multiply-adds of scores and weighted sums and 12·n·d² of projections and MLP; the two are equal at n ≈ 12·d = {balance} \
                    and attention's part dominates only well above that, so over n = 512…4096 the counted slope is {attention:.2}, not 2; \
                    fixed per-call overheads pull the measured slope lower still. \
                    The notes' “O(n log n)” for Mamba is the work of the Hillis–Steele parallel scan (log₂ n levels of up to n combines each); \
                    the recurrence timed here does O(n) work in n sequential steps, and Blelloch's scan does O(n) work in O(log n) parallel steps."),
                Lang::Es => format!("El exponente ajustado es la pendiente de la recta de mínimos cuadrados que pasa por los puntos medidos con n ≥ 512 en ejes log-log: \
                    1 significa que el tiempo se duplica cuando n se duplica; 2, que se cuadruplica. Se compara con la pendiente de las multiplicaciones-sumas contadas en los mismos n, no con la asíntota: \
                    cada capa de atención hace n(n+1)·d multiplicaciones-sumas de puntuaciones y sumas ponderadas y 12·n·d² de proyecciones y MLP; ambas son iguales en n ≈ 12·d = {balance} \
                    y la parte de la atención solo domina muy por encima, así que en n = 512…4096 la pendiente contada es {attention:.2}, no 2; \
                    los costes fijos de cada llamada bajan aún más la pendiente medida. \
                    El «O(n log n)» de los apuntes para Mamba es el trabajo del scan paralelo de Hillis–Steele (log₂ n niveles de hasta n combinaciones cada uno); \
                    la recurrencia cronometrada aquí hace O(n) trabajo en n pasos secuenciales, y el scan de Blelloch hace O(n) trabajo en O(log n) pasos paralelos."),
            }}
        </p>
    }
}
