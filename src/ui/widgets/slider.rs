//! A labelled range slider with its unit and current value, keyboard accessible.

use leptos::prelude::*;

use super::format::display_number;
use crate::core::decimal::parse_decimal;
use crate::ui::i18n::{show, Tr};
use crate::ui::knobs::Knob;
use crate::ui::url_state::{format_number, parse_number, url_state};

/// A slider for one knob of a family's knob table (`ui::knobs`): the same knob looks and
/// behaves the same in every view.
#[component]
pub fn KnobSlider(
    /// The knob, from `ui::knobs`.
    knob: Knob,
    /// The value the slider reads and writes.
    value: RwSignal<f64>,
) -> impl IntoView {
    view! {
        <Slider label=knob.label param=knob.key unit=knob.unit min=knob.min max=knob.max
            step=knob.step log=knob.log value />
    }
}

/// A slider bound to `value`, clamped to `[min, max]`; `data-testid="slider-<param>"`.
///
/// With `log`, the thumb moves along log10 of the value (for quantities spanning decades,
/// such as Δ); `min` must then be positive.
#[component]
pub fn Slider(
    /// Text label shown before the slider.
    label: Tr,
    /// Id used in `data-testid="slider-<param>"` and URLs.
    param: &'static str,
    /// Unit shown after the value ("" for none).
    #[prop(default = Tr::same(""))]
    unit: Tr,
    /// Smallest value.
    min: f64,
    /// Largest value.
    max: f64,
    /// Step between values (on the log10 scale when `log`).
    step: f64,
    /// The value the slider reads and writes.
    value: RwSignal<f64>,
    /// Log scale.
    #[prop(optional)]
    log: bool,
) -> impl IntoView {
    let to_position = move |v: f64| {
        if log {
            v.max(f64::MIN_POSITIVE).log10()
        } else {
            v
        }
    };
    let from_position = move |p: f64| if log { 10f64.powf(p) } else { p };
    let (low, high) = (to_position(min), to_position(max));
    // Mirrored in the URL as `<view>.<scope>.<param>`, rounded to the slider's step (a link
    // carries 0.9, never 0.8999999761581421); whole-number sliders round to whole numbers.
    let spec = Knob {
        key: param,
        label,
        unit,
        min,
        max,
        step,
        log,
    };
    if let Some(url) = url_state() {
        url.bind(
            param,
            false,
            value,
            move |v| format_number(spec.rounded(*v)),
            move |raw| parse_number(raw, min, max, spec.whole()),
        );
    }
    let id = format!("slider-{param}");
    let shown = move || {
        let v = value.get();
        // Whole-number sliders (layers, kernel…) show whole numbers.
        let text = if step >= 1.0 && !log {
            format!("{}", v.round())
        } else {
            display_number(v as f32)
        };
        if unit.is_empty() {
            text
        } else {
            format!("{text} {}", unit.now())
        }
    };
    view! {
        <div class="slider">
            <label for=id.clone()>{show(label)}</label>
            <input
                type="range"
                id=id.clone()
                data-testid=id
                min=low
                max=high
                step=step
                prop:value=move || to_position(value.get()).to_string()
                aria-valuetext=shown
                on:input:target=move |ev| {
                    if let Some(p) = parse_decimal(&ev.target().value()) {
                        // The value in force is the one a link carries (rounded as in the
                        // URL), so a reloaded link draws exactly the same figures.
                        value.set(spec.rounded(from_position(p.clamp(low, high)).clamp(min, max)));
                    }
                }
            />
            <output class="slider-value">{shown}</output>
        </div>
    }
}
