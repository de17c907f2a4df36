//! The keyboard-shortcut list: `?` opens it, Escape (or its button) closes it and gives the
//! focus back to where it was.

use leptos::ev;
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::player::typing_in_field;
use crate::ui::i18n::{t, tr, Tr};

/// Every shortcut of the app: (keys, what they do).
pub const SHORTCUTS: &[(Tr, Tr)] = &[
    (
        tr("Tab / Shift+Tab", "Tab / Mayús+Tab"),
        tr("move between controls", "pasar de un control a otro"),
    ),
    (
        tr("← → on a slider", "← → sobre un deslizador"),
        tr("change its value", "cambiar su valor"),
    ),
    (
        tr("Space", "Espacio"),
        tr(
            "play / pause the animation",
            "reproducir / pausar la animación",
        ),
    ),
    (Tr::same("→"), tr("one step forward", "un paso adelante")),
    (Tr::same("←"), tr("one step back", "un paso atrás")),
    (Tr::same("?"), tr("show this list", "mostrar esta lista")),
    (
        tr("Escape", "Esc"),
        tr("close this list", "cerrar esta lista"),
    ),
];

/// A footer button and the dialog listing [`SHORTCUTS`] (`data-testid="shortcuts-help"`).
#[component]
pub fn ShortcutsHelp() -> impl IntoView {
    let open = RwSignal::new(false);
    let close_button = NodeRef::<html::Button>::new();
    // The element that had the focus before the dialog opened.
    let previous = StoredValue::new_local(None::<web_sys::HtmlElement>);
    let show = move || {
        if open.get_untracked() {
            return;
        }
        let active = document()
            .active_element()
            .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        previous.set_value(active);
        open.set(true);
    };
    let hide = move || {
        if !open.get_untracked() {
            return;
        }
        open.set(false);
        if let Some(el) = previous.get_value() {
            let _ = el.focus();
        }
    };
    // Focus the close button once the dialog is in the page.
    Effect::new(move |_| {
        if open.get() {
            if let Some(button) = close_button.get() {
                let _ = button.focus();
            }
        }
    });
    let keys = window_event_listener(ev::keydown, move |event| match event.key().as_str() {
        "?" if !typing_in_field(&event) => {
            event.prevent_default();
            show();
        }
        "Escape" if open.get_untracked() => {
            event.prevent_default();
            hide();
        }
        _ => {}
    });
    on_cleanup(move || keys.remove());
    view! {
        <footer class="app-footer">
            <button data-testid="shortcuts-button" aria-haspopup="dialog" on:click=move |_| show()>
                {t("Keyboard shortcuts (?)", "Atajos de teclado (?)")}
            </button>
        </footer>
        <Show when=move || open.get()>
            <div class="dialog-backdrop" on:click=move |_| hide()></div>
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="shortcuts-title"
                data-testid="shortcuts-help">
                <h2 id="shortcuts-title">{t("Keyboard shortcuts", "Atajos de teclado")}</h2>
                <table>
                    <tbody>
                        {SHORTCUTS.iter().map(|(keys, what)| view! {
                            <tr><th scope="row"><kbd>{crate::ui::i18n::show(*keys)}</kbd></th><td>{crate::ui::i18n::show(*what)}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <button node_ref=close_button data-testid="shortcuts-close" on:click=move |_| hide()>{t("Close (Escape)", "Cerrar (Esc)")}</button>
            </div>
        </Show>
    }
}
