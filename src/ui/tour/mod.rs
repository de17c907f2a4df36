//! The tour: the story of the notes (CNN → transformer → RNN → linear RNN → scan → SSM →
//! Mamba's selection → training → cost), chapter by chapter, on the live views.
//!
//! - `chapters`: the table of chapters — a view and its link parameters (so a chapter is a
//!   link, exactly like a preset), the element to look at, narration and a suggestion (EN/ES).
//! - `live`: what the line is computed from, read from the views' own state (the controls as
//!   they are now and the results the figures draw).
//! - `notice`: the "notice this" line, its numbers computed by `core::tour` from those.
//! - `panel`: the panel (next / previous / chapter list / progress / exit) and the one-line
//!   offer shown on a first visit without link parameters.
//!
//! A chapter is opened the way a preset is applied: the view is set, the chapter's pairs are
//! handed to [`ViewRebuild::apply`] and the view is built again reading them as its opening
//! link. While the tour is open the link carries `tour=N`, so `?tour=N` opens chapter N (and a
//! link copied mid-tour, which also carries the view's own keys, reopens exactly what was on
//! screen). Leaving the tour keeps the view as it is.

pub mod chapters;
pub mod live;
pub mod notice;
mod panel;

use leptos::prelude::*;

use crate::ui::url_state::{parse_query, parse_whole, Parsed, UrlState};
use crate::ui::view_boundary::ViewRebuild;
use chapters::CHAPTERS;

/// Where "the offer was answered" is remembered on this device.
const OFFER_KEY: &str = "seqmix.tour-offer";

/// Whether the reader already started or declined the tour on this device.
fn offer_answered() -> bool {
    crate::ui::theme::storage()
        .and_then(|s| s.get_item(OFFER_KEY).ok().flatten())
        .is_some()
}
pub use panel::TourPanel;

/// Attribute the tour puts on the element a chapter points at (styled in `main.css`).
const HIGHLIGHT: &str = "data-tour-highlight";

/// The tour's state, above the views (it survives every view change).
#[derive(Clone, Copy)]
pub struct Tour {
    /// Whether the panel is open.
    pub active: RwSignal<bool>,
    /// Current chapter, 1-based (the `tour` link parameter).
    pub number: RwSignal<usize>,
    /// Whether the first-visit offer is shown.
    pub offer: RwSignal<bool>,
    /// The highlighted element should be scrolled into view once found.
    scroll: RwSignal<bool>,
    /// Owner of the `tour` link binding while the tour is open.
    binding: StoredValue<Option<Owner>>,
    /// The panel's owner (parent of the binding).
    owner: StoredValue<Option<Owner>>,
    rebuild: ViewRebuild,
    current: RwSignal<&'static str>,
    url: Option<UrlState>,
}

impl Tour {
    fn new(rebuild: ViewRebuild, current: RwSignal<&'static str>) -> Self {
        Tour {
            active: RwSignal::new(false),
            number: RwSignal::new(1),
            offer: RwSignal::new(false),
            scroll: RwSignal::new(false),
            binding: StoredValue::new(None),
            owner: StoredValue::new(Owner::current()),
            rebuild,
            current,
            url: use_context::<UrlState>(),
        }
    }

    /// The current chapter.
    pub fn chapter(&self) -> &'static chapters::Chapter {
        &CHAPTERS[self.number.get().clamp(1, CHAPTERS.len()) - 1]
    }

    /// Mirrors the chapter number in the link as `tour=N` (until [`Self::leave`]).
    fn bind(&self) {
        if self.binding.with_value(Option::is_some) {
            return;
        }
        let Some(url) = self.url else {
            return;
        };
        let owner = self
            .owner
            .with_value(|o| o.as_ref().map(Owner::child))
            .unwrap_or_default();
        let number = self.number;
        owner.with(|| {
            url.bind("tour", true, number, usize::to_string, |raw| {
                parse_whole(raw, 1, CHAPTERS.len() as u64).map(|v| v as usize)
            })
        });
        self.binding.set_value(Some(owner));
    }

    /// The reader started the tour from the offer or declined it: the offer goes, and is not
    /// made again on this device (`localStorage`, like the theme).
    pub fn answer_offer(&self) {
        self.offer.set(false);
        if let Some(storage) = crate::ui::theme::storage() {
            let _ = storage.set_item(OFFER_KEY, "answered");
        }
    }

    /// Opens chapter `number` (1-based, clamped): its view, rebuilt from its link parameters.
    pub fn go(&self, number: usize) {
        let number = number.clamp(1, CHAPTERS.len());
        self.number.set(number);
        self.active.set(true);
        self.offer.set(false);
        self.bind();
        let chapter = &CHAPTERS[number - 1];
        self.current.set(chapter.view);
        self.rebuild.apply(chapter.params);
        self.scroll.set(true);
    }

    /// The next chapter (none after the last).
    pub fn next(&self) {
        let n = self.number.get_untracked();
        if n < CHAPTERS.len() {
            self.go(n + 1);
        }
    }

    /// The previous chapter (none before the first).
    pub fn prev(&self) {
        let n = self.number.get_untracked();
        if n > 1 {
            self.go(n - 1);
        }
    }

    /// Closes the panel; the view stays as it is, to keep exploring.
    pub fn leave(&self) {
        self.active.set(false);
        if let Some(owner) = self.binding.try_update_value(Option::take).flatten() {
            owner.cleanup();
        }
        mark_highlight(None);
    }

    /// Reads the link the page was opened with: `tour=N` opens chapter N — with the chapter's
    /// parameters, unless the link carries the view's own settings (a link copied mid-tour),
    /// which then win; a link without any parameter gets the one-line offer.
    fn start_from_link(&self) {
        let search = web_sys::window()
            .and_then(|w| w.location().search().ok())
            .unwrap_or_default();
        let pairs = parse_query(&search);
        if pairs.is_empty() {
            self.offer.set(!offer_answered());
            return;
        }
        let Some((_, raw)) = pairs.iter().rev().find(|(k, _)| k == "tour") else {
            return;
        };
        let number = match parse_whole(raw, 1, CHAPTERS.len() as u64) {
            Parsed::Valid(n) | Parsed::Clamped(n, _) => n as usize,
            Parsed::Invalid(_) => return, // the binding below never runs: the link's notice says so
        };
        self.number.set(number);
        self.active.set(true);
        // Read `tour` now, while the opening link is still the one being read.
        self.bind();
        let chapter = &CHAPTERS[number - 1];
        let prefix = format!("{}.", chapter.view);
        let own_settings = pairs.iter().any(|(k, _)| k.starts_with(&prefix));
        if !own_settings {
            self.current.set(chapter.view);
            self.rebuild.apply(chapter.params);
        } else if !pairs.iter().any(|(k, _)| k == "view") {
            self.current.set(chapter.view);
        }
        self.scroll.set(true);
    }
}

/// Puts [`HIGHLIGHT`] on the first element matching `selector` (and takes it off every other
/// element). Returns the element, if found.
fn mark_highlight(selector: Option<&str>) -> Option<web_sys::Element> {
    use wasm_bindgen::JsCast;
    let document = web_sys::window().and_then(|w| w.document())?;
    if let Ok(marked) = document.query_selector_all(&format!("[{HIGHLIGHT}]")) {
        for i in 0..marked.length() {
            if let Some(el) = marked
                .item(i)
                .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
            {
                if selector.is_none_or(|s| !el.matches(s).unwrap_or(false)) {
                    let _ = el.remove_attribute(HIGHLIGHT);
                }
            }
        }
    }
    let el = selector.and_then(|s| document.query_selector(s).ok().flatten())?;
    if !el.has_attribute(HIGHLIGHT) {
        let _ = el.set_attribute(HIGHLIGHT, "");
    }
    Some(el)
}

/// Scrolls the page so that `el` lies in the part of the window the panel leaves free: centred
/// there when it fits, its top near the top of the window when it is taller.
fn scroll_into_free_part(el: &web_sys::Element) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let height = window
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or(0.0);
    let width = window
        .inner_width()
        .ok()
        .and_then(|w| w.as_f64())
        .unwrap_or(0.0);
    // Docked at the bottom (narrow screens), the panel takes the window's lower part.
    let panel_top = window
        .document()
        .and_then(|d| d.query_selector(".tour").ok().flatten())
        .map(|p| p.get_bounding_client_rect())
        .filter(|r| r.width() > 0.9 * width)
        .map_or(height, |r| r.top().min(height));
    let rect = el.get_bounding_client_rect();
    const MARGIN: f64 = 16.0;
    let free = panel_top - 2.0 * MARGIN;
    let target_top = if rect.height() <= free {
        MARGIN + (free - rect.height()) / 2.0
    } else {
        MARGIN
    };
    let by = rect.top() - target_top;
    if by.abs() > 1.0 {
        window.scroll_by_with_x_and_y(0.0, by);
    }
}

/// Keeps the current chapter's element highlighted while views re-render (a short poll: views
/// rebuild their figures at will and the tour may not edit them). After a chapter opens, its
/// element is scrolled into the free part of the window, and again while its size still
/// changes (a figure filling in) for a few ticks — never later, so the reader's own scrolling
/// wins.
fn keep_highlight(tour: Tour) {
    use std::cell::Cell;
    // (ticks left to follow the element, its height and its top in the document at the last
    // look). The document position moves only when the layout above it shifts (a fold, a
    // figure filling in), never when the reader scrolls, so following it never fights them.
    let follow = Cell::new((0u32, -1.0f64, f64::NAN));
    let tick = move || {
        let Some(active) = tour.active.try_get_untracked() else {
            return;
        };
        if !active {
            return;
        }
        if tour.scroll.get_untracked() {
            tour.scroll.set(false);
            follow.set((20, -1.0, f64::NAN));
        }
        let selector = tour.chapter_untracked().highlight;
        let Some(el) = mark_highlight(Some(selector)) else {
            return;
        };
        let (left, last_h, last_top) = follow.get();
        if left > 0 {
            let rect = el.get_bounding_client_rect();
            let scrolled = web_sys::window()
                .and_then(|w| w.scroll_y().ok())
                .unwrap_or(0.0);
            let (h, top) = (rect.height(), rect.top() + scrolled);
            let moved = last_top.is_nan() || (top - last_top).abs() > 1.0;
            if (h - last_h).abs() > 1.0 || moved {
                scroll_into_free_part(&el);
            }
            follow.set((left - 1, h, top));
        }
    };
    let _ = set_interval_with_handle(tick, std::time::Duration::from_millis(300));
}

/// `data-tour` on the root element while the panel is open: the page makes room for it
/// (`style/main.css`).
fn mark_root(open: bool) {
    if let Some(root) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = if open {
            root.set_attribute("data-tour", "")
        } else {
            root.remove_attribute("data-tour")
        };
    }
}

impl Tour {
    fn chapter_untracked(&self) -> &'static chapters::Chapter {
        &CHAPTERS[self.number.get_untracked().clamp(1, CHAPTERS.len()) - 1]
    }
}

/// → / ← change chapter and Esc leaves while the tour is open and focus is not in a text
/// field. Registered in the capture phase, so the view's own arrow shortcuts (the player's
/// step) do not also fire.
fn listen_to_keys(tour: Tour) {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let Some(window) = web_sys::window() else {
        return;
    };
    let handler =
        Closure::<dyn Fn(web_sys::KeyboardEvent)>::new(move |ev: web_sys::KeyboardEvent| {
            let active = tour.active.try_get_untracked().unwrap_or(false);
            if !active
                || crate::ui::widgets::player::typing_in_field(&ev)
                || ev.ctrl_key()
                || ev.meta_key()
                || ev.alt_key()
            {
                return;
            }
            match ev.key().as_str() {
                "ArrowRight" => {
                    ev.stop_immediate_propagation();
                    ev.prevent_default();
                    tour.next();
                }
                "ArrowLeft" => {
                    ev.stop_immediate_propagation();
                    ev.prevent_default();
                    tour.prev();
                }
                "Escape" => tour.leave(),
                _ => {}
            }
        });
    let _ = window.add_event_listener_with_callback_and_bool(
        "keydown",
        handler.as_ref().unchecked_ref(),
        true,
    );
    // The panel lives as long as the page.
    handler.forget();
}
