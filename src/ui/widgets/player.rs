//! The animation player: play/pause, step, back, reset and speed, with keyboard shortcuts
//! (space, ←, →). Animation frames only move the step index; views draw the stored trace at it.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use leptos::ev;
use leptos::prelude::*;

use crate::core::decimal::parse_decimal;
use crate::ui::i18n::{t, tr, Tr};

/// Whether the user asked the system for less motion.
pub fn prefers_reduced_motion() -> bool {
    web_sys::window()
        .and_then(|w| {
            w.match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|m| m.matches())
}

/// Whether a key event comes from a text field, where space and arrows belong to the field,
/// or from inside an element marked `data-own-keys` (a figure whose arrow keys move a cursor).
pub fn typing_in_field(event: &web_sys::KeyboardEvent) -> bool {
    use wasm_bindgen::JsCast;
    event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|el| {
            matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                || el.closest("[data-own-keys]").ok().flatten().is_some()
        })
}

/// Player controls over `step` in `0..=total`.
#[component]
pub fn Player(
    /// Current step (0 = nothing computed yet).
    step: RwSignal<usize>,
    /// Last step.
    #[prop(into)]
    total: Signal<usize>,
    /// Label of the step counter, e.g. "step" or "level".
    #[prop(default = tr("step", "paso"))]
    unit: Tr,
    /// Whether it plays (a view that animates between steps, or keeps the state, passes its own).
    #[prop(optional)]
    playing: Option<RwSignal<bool>>,
    /// Largest step a link may ask for, when the link's other settings (e.g. the model) can
    /// change the trace after the step is read; the step is then clamped to the trace's last
    /// step once the whole link is applied. Default: the last step of the trace shown now.
    #[prop(optional)]
    link_max: Option<usize>,
) -> impl IntoView {
    let playing = playing.unwrap_or_else(|| RwSignal::new(false));
    // Mirrored in the URL as `<view>.step`.
    if let Some(url) = crate::ui::url_state::url_state() {
        url.bind_index(
            "step",
            step,
            link_max.unwrap_or_else(|| total.get_untracked()),
        );
    }
    let speed: RwSignal<f64> = RwSignal::new(if prefers_reduced_motion() { 1.0 } else { 4.0 });
    // `try_` accessors: a timer tick that lands after the view is gone does nothing.
    let forward = move || {
        let (Some(last), Some(current)) = (total.try_get_untracked(), step.try_get_untracked())
        else {
            return;
        };
        if current < last {
            step.try_update(|s| *s += 1);
        } else {
            playing.try_set(false);
        }
    };
    let back = move || {
        step.try_update(|s| *s = s.saturating_sub(1));
    };
    // Keep the step inside the range when the trace gets shorter.
    Effect::new(move |_| {
        let last = total.get();
        if step.get_untracked() > last {
            step.set(last);
        }
    });
    // One interval while playing, restarted when the speed changes, cleared with the view.
    let interval = Arc::new(Mutex::new(None::<IntervalHandle>));
    let stop = {
        let interval = Arc::clone(&interval);
        move || {
            if let Some(handle) = interval.lock().ok().and_then(|mut h| h.take()) {
                handle.clear();
            }
        }
    };
    on_cleanup(stop.clone());
    // The view may keep `playing` (its state outlives this widget): stop with the widget.
    on_cleanup(move || {
        playing.try_set(false);
    });
    Effect::new(move |_| {
        stop();
        if !playing.get() {
            return;
        }
        if step.get_untracked() >= total.get_untracked() {
            step.set(0);
        }
        let period = Duration::from_secs_f64(1.0 / speed.get().clamp(0.25, 30.0));
        if let (Ok(handle), Ok(mut slot)) =
            (set_interval_with_handle(forward, period), interval.lock())
        {
            *slot = Some(handle);
        }
    });
    let keys = window_event_listener(ev::keydown, move |event| {
        if typing_in_field(&event) || event.ctrl_key() || event.meta_key() || event.alt_key() {
            return;
        }
        match event.key().as_str() {
            " " => {
                event.prevent_default();
                playing.update(|p| *p = !*p);
            }
            "ArrowRight" => forward(),
            "ArrowLeft" => back(),
            _ => {}
        }
    });
    on_cleanup(move || keys.remove());
    view! {
        <div class="player" role="group" aria-label=t("Animation player", "Reproductor de la animación")>
            <button data-testid="player-reset" title=t("Reset to step 0", "Volver al paso 0") on:click=move |_| { playing.set(false); step.set(0); }>{t("reset", "reiniciar")}</button>
            <button data-testid="player-back" title=t("Step back (←)", "Paso atrás (←)") on:click=move |_| back()>"◀"</button>
            <button data-testid="player-play" title=t("Play / pause (space)", "Reproducir / pausar (espacio)")
                aria-pressed=move || playing.get().to_string()
                on:click=move |_| playing.update(|p| *p = !*p)>
                {move || if playing.get() { tr("⏸ pause", "⏸ pausa").now() } else { tr("▶ play", "▶ reproducir").now() }}
            </button>
            <button data-testid="player-step" title=t("Step forward (→)", "Paso adelante (→)") on:click=move |_| forward()>"▶|"</button>
            <span class="step-counter" data-testid="step-counter" aria-live="polite">
                {move || format!("{} {} / {}", unit.now(), step.get(), total.get())}
            </span>
            <label class="speed">
                {t("speed ", "velocidad ")}
                <input type="range" min="0.5" max="20" step="0.5" data-testid="slider-speed"
                    prop:value=move || speed.get().to_string()
                    aria-valuetext=move || format!("{} {}", speed.get(), tr("steps per second", "pasos por segundo").now())
                    on:input:target=move |ev| {
                        if let Some(v) = parse_decimal(&ev.target().value()) { speed.set(v.clamp(0.5, 20.0)) }
                    }
                />
                {move || format!(" {}/s", speed.get())}
            </label>
        </div>
    }
}
