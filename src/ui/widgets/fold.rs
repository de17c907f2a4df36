//! Long introductions folded to one line on small screens (a projector's 720 px height, a
//! phone), so the view's first figure is on screen at load; a tap, a click, or Enter / Space
//! on the focused paragraph unfolds it ("more ▾" / "less ▴"). The paragraphs stay whole in the
//! page (the fold is CSS `line-clamp`), so a screen reader reads them in full.
//!
//! Which paragraphs fold is listed once here ([`FOLDABLE`]): each view's intro, and the long
//! captions Learn and Scan put above their first figure. A mutation observer on `<main>` marks
//! them as soon as a view is rendered (before the next paint), so nothing jumps after load.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::Element;

use super::tree_observer::{observe_subtree, tree_observer};
use crate::ui::i18n::{lang, lang_untracked, Lang};

/// Screens on which the paragraphs fold (style/main.css uses the same media query).
pub const FOLD_QUERY: &str = "(max-width: 640px), (max-height: 800px)";

/// The paragraphs that fold: the paragraph under each view's (and SSM panel's) title, and
/// the long captions above the first figure.
const FOLDABLE: &str = "main .view > h2 + p, main .view > p.intro, main .view > p.fading-intro, \
    main .ssm-panel > h3 + p, main .view > p.caption.expectation, \
    main [data-testid=view-learn] > p.caption, \
    main .scan-source-note, main .scan-operator";

fn labels(lang: Lang) -> (&'static str, &'static str) {
    (lang.pick("more ▾", "más ▾"), lang.pick("less ▴", "menos ▴"))
}

/// Whether the screen is one where paragraphs fold.
fn small_screen() -> bool {
    window()
        .match_media(FOLD_QUERY)
        .ok()
        .flatten()
        .is_some_and(|m| m.matches())
}

/// Marks the foldable paragraphs not yet marked.
fn mark(lang: Lang) {
    let Ok(list) = document().query_selector_all(FOLDABLE) else {
        return;
    };
    let small = small_screen();
    let (more, less) = labels(lang);
    for k in 0..list.length() {
        let Some(el) = list.item(k).and_then(|n| n.dyn_into::<Element>().ok()) else {
            continue;
        };
        if el.class_list().contains("fold") || !small {
            continue;
        }
        let _ = el.class_list().add_1("fold");
        for (name, value) in [
            ("tabindex", "0"),
            ("aria-expanded", "false"),
            ("data-more", more),
            ("data-less", less),
        ] {
            let _ = el.set_attribute(name, value);
        }
    }
}

/// Unfolds or folds the paragraph `target` is in, if it is a folded one.
fn toggle(target: Option<web_sys::EventTarget>) -> bool {
    let Some(el) = target
        .and_then(|t| t.dyn_into::<Element>().ok())
        .and_then(|e| e.closest(".fold").ok().flatten())
    else {
        return false;
    };
    let open = el.class_list().toggle("unfolded").unwrap_or(false);
    let _ = el.set_attribute("aria-expanded", if open { "true" } else { "false" });
    true
}

/// Watches `<main>` (call once, from the app shell, after it is mounted).
pub fn watch_folds(main: &web_sys::HtmlElement) {
    // One observer for the page's life.
    if let Some(observer) = tree_observer(move || mark(lang_untracked())) {
        observe_subtree(&observer, main, false);
    }
    mark(lang_untracked());
    // The labels follow the language.
    Effect::new(move |_| {
        let (more, less) = labels(lang());
        if let Ok(list) = document().query_selector_all(".fold") {
            for k in 0..list.length() {
                if let Some(el) = list.item(k).and_then(|n| n.dyn_into::<Element>().ok()) {
                    let _ = el.set_attribute("data-more", more);
                    let _ = el.set_attribute("data-less", less);
                }
            }
        }
    });
}

/// The click handler for `<main>`: a click on a folded paragraph unfolds it.
pub fn on_click(ev: web_sys::MouseEvent) {
    toggle(ev.target());
}

/// The key handler for `<main>`: Enter or Space on a focused folded paragraph unfolds it.
pub fn on_key(ev: web_sys::KeyboardEvent) {
    if matches!(ev.key().as_str(), "Enter" | " ")
        && ev
            .target()
            .and_then(|t| t.dyn_into::<Element>().ok())
            .is_some_and(|e| e.class_list().contains("fold"))
        && toggle(ev.target())
    {
        // The key belongs to the paragraph, not to the player's shortcuts.
        ev.prevent_default();
        ev.stop_propagation();
    }
}
