//! The table of inputs a_t, b_t (editable) and outputs h_t, one keyed row per step.

use leptos::prelude::*;

use super::state::ScanState;
use crate::core::scan_view::{parse_value, A_LIMIT, B_LIMIT};
use crate::ui::i18n::{lang, t};
use crate::ui::widgets::format::display_number;

/// Step-table rows added together with a change of n; the rest follow after the next frame.
const ROWS_AT_ONCE: usize = 16;

/// Applies a typed value of a_t (`is_b` false) or b_t at step `t`, with a notice when it was
/// clamped or not a number.
fn set_edit(s: ScanState, t: usize, is_b: bool, raw: String) {
    let (edits, edit_notice) = (s.edits, s.edit_notice);
    let limit = if is_b { B_LIMIT } else { A_LIMIT };
    let name = if is_b { "b" } else { "a" };
    match parse_value(&raw, limit) {
        Ok((v, note)) => {
            edits.update(|ed| {
                let slot = if is_b { &mut ed.b } else { &mut ed.a };
                if let Some(s) = slot.get_mut(t) {
                    *s = Some(v);
                }
            });
            // The core words the note in English; the Spanish is worded here from the
            // same numbers (what was typed, the limit, the value used).
            edit_notice.set(note.map(|n| {
                let typed = raw.trim().replace('−', "-");
                (
                    format!("{name}_{t}: {n}."),
                    format!("{name}_{t}: {typed} está fuera de [−{limit}, {limit}]: se usa {v}."),
                )
            }));
        }
        Err(message) => {
            let typed = raw.trim();
            edit_notice.set(Some((
                format!("{name}_{t}: {message}; keeping the previous value."),
                format!(
                    "{name}_{t}: «{typed}» no es un número: escribe un valor entre −{limit} y {limit}; se mantiene el valor anterior."
                ),
            )))
        }
    }
}

/// One row: step, token, the two editable inputs and the two outputs.
fn row(s: ScanState, t: usize) -> impl IntoView {
    let field = move |is_b: bool| {
        let name = if is_b { "b" } else { "a" };
        // Shown rounded (3 significant digits); the link and the scan keep the exact value.
        let value = move || {
            s.inputs.with(|i| {
                let v = if is_b { i.b.get(t) } else { i.a.get(t) };
                v.map(|v| display_number(*v)).unwrap_or_default()
            })
        };
        let exact = move || {
            s.inputs.with(|i| {
                let v = if is_b { i.b.get(t) } else { i.a.get(t) };
                v.map(|v| format!("{v}")).unwrap_or_default()
            })
        };
        view! {
            <input type="text" inputmode="decimal" class="scan-num"
                data-testid=format!("scan-input-{name}-{t}")
                data-value=exact
                aria-label=format!("{name}_{t}")
                prop:value=value
                on:change:target=move |ev| set_edit(s, t, is_b, ev.target().value())
            />
        }
    };
    let token = move || {
        s.base
            .with(|b| b.tokens.get(t).cloned().unwrap_or_default())
    };
    let sequential = move || {
        s.reference
            .with(|r| r.get(t).map(|v| display_number(*v)).unwrap_or_default())
    };
    let scanned = move || {
        s.run
            .with(|r| r.h.get(t).map(|v| display_number(*v)).unwrap_or_default())
    };
    view! {
        <tr>
            <td>{t}</td>
            <td class="scan-token">{token}</td>
            <td>{field(false)}</td>
            <td>{field(true)}</td>
            <td>{sequential}</td>
            <td data-testid=format!("scan-h-{t}")>{scanned}</td>
        </tr>
    }
}

/// The inputs table, folded in a `<details>`.
#[component]
pub fn InputsTable() -> impl IntoView {
    let s = expect_context::<ScanState>();
    let (edits, edit_notice) = (s.edits, s.edit_notice);
    // One keyed row per step t: changing n adds or removes rows, the others update in place.
    let row_count = Memo::new(move |_| s.count());
    // New rows beyond the first few (two text inputs each: 31 of them cost more than a frame)
    // are added in the first task after the frame that shows the slider's change; they sit
    // below the table's fold anyway.
    let rows_shown = RwSignal::new(row_count.get_untracked());
    Effect::new(move |_| {
        let wanted = row_count.get();
        let now = rows_shown.get_untracked();
        if wanted <= now.max(ROWS_AT_ONCE) {
            rows_shown.set(wanted);
        } else {
            rows_shown.set(now.max(ROWS_AT_ONCE));
            crate::ui::influence::after_next_frame(move || {
                // Unless n changed again meanwhile (or the view is gone).
                if row_count.try_get_untracked() == Some(wanted) {
                    rows_shown.try_set(wanted);
                }
            });
        }
    });
    view! {
        <details class="scan-inputs" open>
            <summary>{t("Inputs a_t, b_t (editable) and outputs h_t", "Entradas a_t, b_t (editables) y salidas h_t")}</summary>
            <p class="notice" role="status" data-testid="scan-edit-notice">{move || edit_notice.get().map(|(en, es)| lang().pick(en, es))}</p>
            <button data-testid="scan-reset-edits" on:click=move |_| { edits.set(super::state::Edits::new()); edit_notice.set(None); }>{t("undo my edits", "deshacer mis cambios")}</button>
            <div class="scan-table-box">
                <table class="scan-table">
                    <thead><tr><th>"t"</th><th>"token"</th><th>"a_t"</th><th>"b_t"</th><th>{t("h_t sequential", "h_t secuencial")}</th><th>{t("h_t this scan", "h_t con este scan")}</th></tr></thead>
                    <tbody>
                        <For each=move || 0..rows_shown.get() key=|t| *t let:t>
                            {row(s, t)}
                        </For>
                    </tbody>
                </table>
            </div>
        </details>
    }
}
