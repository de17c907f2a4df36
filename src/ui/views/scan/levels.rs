//! The levels section: the operator's key, the player, the work and depth counters, the check
//! against the sequential loop, and the level diagram.

use leptos::prelude::*;

use super::diagram::LevelDiagram;
use super::state::{Kind, ScanState};
use crate::core::scan_view::{combines_done, depth_done};
use crate::ui::i18n::{lang, t, tr, Lang};
use crate::ui::widgets::format::display_number;
use crate::ui::widgets::player::Player;

/// Work done and depth reached up to the player's level.
#[component]
fn Counters() -> impl IntoView {
    let ScanState { step, run, .. } = expect_context::<ScanState>();
    move || {
        let s = step.get();
        let lang = lang();
        let (done, total, levels_done, depth) =
            run.with(|r| (combines_done(r, s), r.combines, depth_done(r, s), r.depth));
        view! {
            <span class="scan-counter" data-testid="scan-work" data-done=done data-total=total>
                {match lang {
                    Lang::En => format!("work: {done} / {total} combines"),
                    Lang::Es => format!("trabajo: {done} / {total} combinaciones"),
                }}
            </span>
            <span class="scan-counter" data-testid="scan-depth" data-done=levels_done data-total=depth>
                {match lang {
                    Lang::En => format!("depth: {levels_done} / {depth} levels"),
                    Lang::Es => format!("profundidad: {levels_done} / {depth} niveles"),
                }}
            </span>
        }
    }
}

/// Whether this scan's outputs match the sequential loop.
#[component]
fn Verified() -> impl IntoView {
    let ScanState { verification, .. } = expect_context::<ScanState>();
    move || {
        let v = verification.get();
        let diff = display_number(v.max_abs_diff);
        let text = match (v.matches, lang()) {
            (true, Lang::En) => {
                format!("✓ matches the sequential loop (max |difference| = {diff})")
            }
            (true, Lang::Es) => {
                format!("✓ coincide con el bucle secuencial (máx. |diferencia| = {diff})")
            }
            (false, Lang::En) => {
                format!("✗ differs from the sequential loop (max |difference| = {diff})")
            }
            (false, Lang::Es) => {
                format!("✗ difiere del bucle secuencial (máx. |diferencia| = {diff})")
            }
        };
        view! {
            <span class="scan-counter" class:scan-bad=!v.matches data-testid="scan-verified"
                data-match=v.matches.to_string() data-max-diff=v.max_abs_diff.to_string()>
                {text}
            </span>
        }
    }
}

/// The levels section.
#[component]
pub fn Levels() -> impl IntoView {
    let ScanState {
        step, run, kind, ..
    } = expect_context::<ScanState>();
    let total_levels = Signal::derive(move || run.with(|r| r.trace.levels.len()));
    view! {
    <p class="scan-operator">
        {t("Operator: (a₁, b₁) ∘ (a₂, b₂) = (a₁·a₂, a₂·b₁ + b₂) — the earlier map on the left. ", "Operador: (a₁, b₁) ∘ (a₂, b₂) = (a₁·a₂, a₂·b₁ + b₂) — la aplicación anterior a la izquierda. ")}
        <span class="scan-key-earlier">{t("━ earlier operand", "━ operando anterior")}</span>" "
        <span class="scan-key-later">{t("━ later operand", "━ operando posterior")}</span>" "
        <span class="scan-key-move">{t("┅ copy", "┅ copia")}</span>
        {t(". Node label: the steps [j..i] it has composed, then its (a, b); a node [0..i] holds h_i = b.", ". Etiqueta de un nodo: los pasos [j..i] que ha compuesto y luego su (a, b); un nodo [0..i] guarda h_i = b.")}
    </p>
        <Player step=step total=total_levels unit=tr("level", "nivel") />
        <div class="scan-counters">
            <Counters/>
            <Verified/>
        </div>
        <LevelDiagram/>
    <p class="scan-note">{move || (kind.get() == Kind::Blelloch).then_some(tr(
        "Blelloch pads to a power of two with the identity (1, 0) (dashed nodes; their combines are counted). \
         The down-sweep leaves exclusive prefixes: h_t is read from node t+1, the last one from the total saved before the root was cleared.",
        "Blelloch rellena hasta una potencia de dos con la identidad (1, 0) (nodos discontinuos; sus combinaciones se cuentan). \
         El barrido descendente deja prefijos exclusivos: h_t se lee del nodo t+1, y el último del total guardado antes de vaciar la raíz.",
    ).now())}</p>

    }
}
