//! Present mode, for a projector: one figure of the current view at a time, centred and
//! enlarged over the page (and the browser's full screen when it allows it), with large type.
//! PageDown / ↓ and PageUp / ↑ (a presentation clicker sends these) move between figures;
//! ← → and Space keep stepping and playing the view's animation (the player's own keys);
//! Escape leaves. `p` (or the header button) enters.
//!
//! The figure stays the live element of the view — it is lifted out of the flow with a class
//! (`present-current`, style/main.css) and scaled with CSS `zoom`, so stepping redraws it as usual.
//! A view that redraws a figure (Flow's diagram at each step: the renderer writes the element's
//! `class` afresh, or puts a new element in its place) would drop the lift and leave the screen
//! blank: while presenting, a `MutationObserver` on `<main>` lifts the figure at the same
//! position again whenever the lifted one has lost its class or left the page.

use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::{closure::Closure, JsCast, JsValue};
use web_sys::Element;

use super::export::figure_blocks;
use super::player::typing_in_field;
use super::tree_observer::{observe_subtree, tree_observer};
use crate::ui::i18n::{lang, t, Lang};

/// Room kept for the bar at the top and a margin, in CSS pixels.
const BAR: f64 = 64.0;

/// Smallest scale: a figure taller than the window is shrunk to fit it, down to this.
const MIN_ZOOM: f64 = 0.3;

/// Largest enlargement (a small chart is not blown up past readability).
const MAX_ZOOM: f64 = 3.0;

fn root() -> Option<Element> {
    document().query_selector("main").ok().flatten()
}

/// Puts `block` back as it was: its class and its own `style` attribute.
fn release(block: &Element, style: Option<String>) {
    let _ = block.class_list().remove_1("present-current");
    let _ = match style {
        Some(style) => block.set_attribute("style", &style),
        None => block.remove_attribute("style"),
    };
}

/// The inline style of an HTML or SVG element.
fn style_of(el: &Element) -> Option<web_sys::CssStyleDeclaration> {
    el.dyn_ref::<web_sys::HtmlElement>()
        .map(|e| e.style())
        .or_else(|| el.dyn_ref::<web_sys::SvgElement>().map(|e| e.style()))
}

/// Lifts `block` over the page, enlarged to fill the window; returns its `style` attribute
/// from before. A `<figure>` keeps the width it had in the page (so its inside lays out as it
/// did) and is scaled with `zoom`; a lone diagram or canvas is given its enlarged size (Chromium
/// does not paint an `<svg>` root under `zoom`; the viewBox / the bitmap scale with the box).
fn lift(block: &Element) -> Option<String> {
    let before = block.get_attribute("style");
    let style = style_of(block)?;
    let rect = block.get_bounding_client_rect();
    let window = window();
    let size = |v: Result<JsValue, JsValue>| v.ok().and_then(|v| v.as_f64()).unwrap_or(0.0);
    let (w, h) = (size(window.inner_width()), size(window.inner_height()));
    let px = |v: f64| format!("{v:.1}px");
    // An HTML block (a `<figure>`, the Flow diagram's box) is zoomed; a lone canvas or svg is resized.
    let figure = block.is_instance_of::<web_sys::HtmlElement>() && block.tag_name() != "CANVAS";
    let _ = style.set_property("width", &px(rect.width()));
    if !figure {
        let _ = style.set_property("height", &px(rect.height()));
    }
    let _ = block.class_list().add_1("present-current");
    // The lifted block may lay out taller than in the page (e.g. a wider caption): measured again.
    let lifted = block.get_bounding_client_rect();
    if lifted.width() > 0.0 && lifted.height() > 0.0 {
        let zoom = ((w - 48.0) / lifted.width())
            .min((h - 2.0 * BAR) / lifted.height())
            .clamp(MIN_ZOOM, MAX_ZOOM);
        if figure {
            let _ = style.set_property("zoom", &format!("{zoom:.3}"));
        } else {
            let _ = style.set_property("width", &px(rect.width() * zoom));
            let _ = style.set_property("height", &px(rect.height() * zoom));
        }
    }
    before
}

/// Asks for the browser's full screen; a refusal (no user gesture, a headless browser) is
/// caught, so it never reaches the console.
fn full_screen(on: bool) {
    let document = document();
    let call = |target: &JsValue, method: &str| {
        let function = js_sys::Reflect::get(target, &JsValue::from_str(method)).ok()?;
        let function: js_sys::Function = function.dyn_into().ok()?;
        let promise: js_sys::Promise = function.call0(target).ok()?.dyn_into().ok()?;
        let ignore = Closure::<dyn FnMut(JsValue)>::new(|_: JsValue| {});
        let _ = promise.catch(&ignore);
        // Once per entry or exit of present mode: a few bytes, kept for the page's life.
        ignore.forget();
        Some(())
    };
    if on {
        if let Some(html) = document.document_element() {
            call(&html, "requestFullscreen");
        }
    } else if document.fullscreen_element().is_some() {
        call(&document, "exitFullscreen");
    }
}

/// The header button and, while presenting, the bar and the backdrop
/// (`data-testid`: `present-open`, `present-bar`, `present-position`, `present-next`,
/// `present-prev`, `present-exit`).
#[component]
pub fn PresentMode() -> impl IntoView {
    // The figure shown (index among the view's figures), or None when not presenting.
    let at = RwSignal::new(None::<usize>);
    let count = RwSignal::new(0usize);
    let title = RwSignal::new(String::new());
    // The lifted block and its `style` attribute from before.
    let lifted = StoredValue::new_local(None::<(Element, Option<String>)>);
    let show = move |k: usize| {
        let blocks = root().map(|r| figure_blocks(&r)).unwrap_or_default();
        if let Some((old, style)) = lifted.get_value() {
            release(&old, style);
        }
        lifted.set_value(None);
        count.set(blocks.len());
        let Some((block, name)) = blocks.get(k.min(blocks.len().saturating_sub(1))) else {
            title.set(String::new());
            at.set(Some(0));
            return;
        };
        let style = lift(block);
        lifted.set_value(Some((block.clone(), style)));
        title.set(name.clone());
        at.set(Some(k.min(blocks.len() - 1)));
    };
    // The lifted figure was redrawn (its class rewritten, or a new element): lift it again.
    // (Present mode mounts once, in the header: one observer for the page's life.)
    let redrawn = tree_observer(move || {
        let dropped = lifted.with_value(|l| {
            l.as_ref().is_some_and(|(b, _)| {
                !b.is_connected() || !b.class_list().contains("present-current")
            })
        });
        if let (true, Some(k)) = (dropped, at.get_untracked()) {
            show(k);
        }
    });
    let redrawn = StoredValue::new_local(redrawn);
    let open = move || {
        if at.get_untracked().is_none() {
            if let Some(html) = document().document_element() {
                let _ = html.class_list().add_1("presenting");
            }
            full_screen(true);
            show(0);
            if let Some(main) = root() {
                redrawn.with_value(|o| o.as_ref().map(|o| observe_subtree(o, &main, true)));
            }
        }
    };
    let close = move || {
        redrawn.with_value(|o| o.as_ref().map(|o| o.disconnect()));
        if let Some((old, style)) = lifted.get_value() {
            release(&old, style);
        }
        lifted.set_value(None);
        at.set(None);
        if let Some(html) = document().document_element() {
            let _ = html.class_list().remove_1("presenting");
        }
        full_screen(false);
    };
    let step = move |by: isize| {
        if let Some(k) = at.get_untracked() {
            let last = count.get_untracked().saturating_sub(1) as isize;
            show((k as isize + by).clamp(0, last) as usize);
        }
    };
    let keys = window_event_listener(ev::keydown, move |event| {
        if typing_in_field(&event) || event.ctrl_key() || event.meta_key() || event.alt_key() {
            return;
        }
        let presenting = at.get_untracked().is_some();
        let handled = match event.key().as_str() {
            "p" | "P" if !presenting => {
                open();
                true
            }
            "PageDown" | "ArrowDown" if presenting => {
                step(1);
                true
            }
            "PageUp" | "ArrowUp" if presenting => {
                step(-1);
                true
            }
            "Home" if presenting => {
                show(0);
                true
            }
            "End" if presenting => {
                show(usize::MAX);
                true
            }
            "Escape" if presenting => {
                close();
                true
            }
            _ => false,
        };
        if handled {
            event.prevent_default();
        }
    });
    on_cleanup(move || keys.remove());
    let position = move || {
        at.get().map_or(String::new(), |k| match lang() {
            Lang::En => format!("Figure {} / {}", k + 1, count.get()),
            Lang::Es => format!("Figura {} / {}", k + 1, count.get()),
        })
    };
    view! {
        <button class="present-open" data-testid="present-open" aria-keyshortcuts="p"
            on:click=move |_| open()>{t("Present (p)", "Presentar (p)")}</button>
        <Show when=move || at.get().is_some()>
            <div class="present-backdrop"></div>
            <div class="present-bar" data-testid="present-bar" role="toolbar"
                aria-label=t("Present mode", "Modo presentación")>
                <button data-testid="present-prev" on:click=move |_| step(-1)>{t("◀ previous", "◀ anterior")}</button>
                <strong data-testid="present-position" aria-live="polite">{position}</strong>
                <button data-testid="present-next" on:click=move |_| step(1)>{t("next ▶", "siguiente ▶")}</button>
                <span class="present-title">{move || title.get()}</span>
                <span class="present-keys">{t("PageDown/↓ next · PageUp/↑ previous · ←/→/Space animation · Esc leaves", "AvPág/↓ siguiente · RePág/↑ anterior · ←/→/Espacio animación · Esc sale")}</span>
                <button data-testid="present-exit" on:click=move |_| close()>{t("Leave (Esc)", "Salir (Esc)")}</button>
            </div>
        </Show>
    }
}
