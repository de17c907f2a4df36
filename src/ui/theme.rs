//! Light and dark theme: the user's choice (light, dark or follow the system), the resolved
//! theme written to `<html data-theme>` (CSS variables in style/main.css follow it), and the
//! colours canvas charts draw with (a canvas cannot read CSS variables by itself).

use leptos::prelude::*;
use plotters::style::RGBColor;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// What the user chose in the theme picker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ThemeChoice {
    Light,
    Dark,
    System,
}

impl ThemeChoice {
    /// Value of the picker's `<option>`.
    pub fn id(self) -> &'static str {
        match self {
            ThemeChoice::Light => "light",
            ThemeChoice::Dark => "dark",
            ThemeChoice::System => "system",
        }
    }

    /// The choice with this picker value.
    pub fn from_id(id: &str) -> Option<ThemeChoice> {
        match id {
            "light" => Some(ThemeChoice::Light),
            "dark" => Some(ThemeChoice::Dark),
            "system" => Some(ThemeChoice::System),
            _ => None,
        }
    }
}

/// The theme state, provided by the app shell.
#[derive(Clone, Copy)]
pub struct Theme {
    pub choice: RwSignal<ThemeChoice>,
    /// Whether the system asks for dark (`prefers-color-scheme: dark`), kept up to date.
    pub system_dark: RwSignal<bool>,
}

const DARK_QUERY: &str = "(prefers-color-scheme: dark)";

/// Where the theme choice is remembered on this device (`localStorage`).
const STORAGE_KEY: &str = "seqmix.theme";

/// This page's `localStorage`, when the browser allows it (private modes may not).
pub(crate) fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

impl Theme {
    /// The choice remembered on this device (else follow the system); listens for the system
    /// switching while the page is open.
    pub fn new() -> Self {
        let system_dark = RwSignal::new(false);
        let query = web_sys::window().and_then(|w| w.match_media(DARK_QUERY).ok().flatten());
        if let Some(query) = query {
            system_dark.set(query.matches());
            let on_change = Closure::<dyn Fn(web_sys::MediaQueryListEvent)>::new(
                move |ev: web_sys::MediaQueryListEvent| {
                    system_dark.try_set(ev.matches());
                },
            );
            let _ = query
                .add_event_listener_with_callback("change", on_change.as_ref().unchecked_ref());
            // The listener lives as long as the page (one app per page).
            on_change.forget();
        }
        let remembered = storage()
            .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
            .and_then(|id| ThemeChoice::from_id(&id));
        Theme {
            choice: RwSignal::new(remembered.unwrap_or(ThemeChoice::System)),
            system_dark,
        }
    }

    /// Applies the reader's choice and remembers it on this device.
    pub fn choose(&self, choice: ThemeChoice) {
        self.choice.set(choice);
        if let Some(storage) = storage() {
            // Storage may be full or refused; the choice still holds for this visit.
            let _ = storage.set_item(STORAGE_KEY, choice.id());
        }
    }

    /// Whether the dark theme is in force (tracked).
    pub fn is_dark(&self) -> bool {
        match self.choice.get() {
            ThemeChoice::Light => false,
            ThemeChoice::Dark => true,
            ThemeChoice::System => self.system_dark.get(),
        }
    }
}

impl Default for Theme {
    fn default() -> Self {
        Self::new()
    }
}

/// Colours of a canvas chart's frame (series keep their own colour-blind-safe colours,
/// which read on both backgrounds).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ChartPalette {
    pub background: RGBColor,
    pub text: RGBColor,
    pub axis: RGBColor,
    pub light_grid: RGBColor,
    pub bold_grid: RGBColor,
    pub legend_border: RGBColor,
    /// Neutral lines and markers (guides, "exact" curves, triangles).
    pub neutral: RGBColor,
    /// A grey that reads on the background (reference lines, the "sequential" series).
    pub muted: RGBColor,
}

/// Light charts: the colours the charts always had.
pub const LIGHT_CHART: ChartPalette = ChartPalette {
    background: RGBColor(255, 255, 255),
    text: RGBColor(0, 0, 0),
    axis: RGBColor(0, 0, 0),
    light_grid: RGBColor(238, 238, 238),
    bold_grid: RGBColor(215, 215, 215),
    legend_border: RGBColor(200, 200, 200),
    neutral: RGBColor(20, 20, 20),
    muted: RGBColor(120, 120, 120),
};

/// Dark charts: the panel colour of the dark theme, light text, dim grid.
pub const DARK_CHART: ChartPalette = ChartPalette {
    background: RGBColor(30, 34, 40),
    text: RGBColor(230, 232, 235),
    axis: RGBColor(180, 186, 194),
    light_grid: RGBColor(44, 49, 57),
    bold_grid: RGBColor(66, 73, 83),
    legend_border: RGBColor(90, 98, 110),
    neutral: RGBColor(230, 232, 235),
    muted: RGBColor(160, 166, 174),
};

/// The palette of the theme in force (tracked, so a drawing effect redraws on a switch).
/// Light when no [`Theme`] is provided.
pub fn chart_palette() -> ChartPalette {
    if use_context::<Theme>().is_some_and(|t| t.is_dark()) {
        DARK_CHART
    } else {
        LIGHT_CHART
    }
}
