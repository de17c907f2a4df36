//! The Scan view's controls (n, source, algorithm, block size) and what the source is.

use leptos::prelude::*;

use super::state::{Edits, Kind, ScanState, Source};
use crate::core::scan_view::MAX_N;
use crate::ui::i18n::{lang, show, t, tr, Lang};
use crate::ui::widgets::slider::Slider;

/// The controls row.
#[component]
pub fn Controls() -> impl IntoView {
    let ScanState {
        n,
        block,
        source,
        kind,
        edits,
        edit_notice,
        hover,
        step,
        ..
    } = expect_context::<ScanState>();
    view! {
    <div class="scan-controls">
        <Slider label=tr("elements n", "elementos n") param="n" min=1.0 max=MAX_N as f64 step=1.0 value=n />
        <label class="scan-select">{t("source ", "origen ")}
            <select data-testid="scan-source"
                on:change:target=move |ev| {
                    let s = if ev.target().value() == "random" { Source::Random } else { Source::Mamba };
                    source.set(s);
                    edits.set(Edits::new());
                    edit_notice.set(None);
                    step.set(0);
                }>
                <option value="mamba" selected=move || source.get() == Source::Mamba>{t("Mamba channel on the sentence", "canal de Mamba sobre la frase")}</option>
                <option value="random" selected=move || source.get() == Source::Random>{t("random (seeded)", "aleatorio (con semilla)")}</option>
            </select>
        </label>
        <label class="scan-select">{t("algorithm ", "algoritmo ")}
            <select data-testid="scan-algorithm"
                on:change:target=move |ev| {
                    let v = ev.target().value();
                    if let Some(k) = Kind::ALL.iter().find(|k| k.1 == v) {
                        kind.set(k.0);
                        step.set(0);
                        hover.set(None);
                    }
                }>
                {Kind::ALL.iter().map(|&(k, id, title)| view! {
                    <option value=id selected=move || kind.get() == k>{show(title)}</option>
                }).collect_view()}
            </select>
        </label>
        <Show when=move || kind.get() == Kind::Chunked>
            <Slider label=tr("block size", "tamaño del bloque") param="block" unit=tr("steps", "pasos") min=1.0 max=MAX_N as f64 step=1.0 value=block />
        </Show>
    </div>
    }
}

/// What the inputs are, and why n or the source differ from what was asked.
#[component]
pub fn SourceNote() -> impl IntoView {
    let ScanState { base, inputs, .. } = expect_context::<ScanState>();
    view! {
    <p class="scan-source-note" data-testid="scan-source-note">{move || base.with(|b| b.description.clone())}</p>
    <p class="notice" role="status" data-testid="scan-cap-notice">{move || {
        let problem = base.with(|b| b.problem.clone());
        let cap = inputs.with(|i| i.capped).map(|(wanted, len)| match lang() {
            Lang::En => format!("The sentence has {len} tokens, so n is capped at {len} (asked for {wanted}); choose the random source for up to {MAX_N} elements."),
            Lang::Es => format!("La frase tiene {len} tokens, así que n se limita a {len} (se pidieron {wanted}); elige el origen aleatorio para tener hasta {MAX_N} elementos."),
        });
        match (problem, cap) {
            (Some(p), Some(c)) => Some(format!("{p} {c}")),
            (p, c) => p.or(c),
        }
    }}</p>
    }
}
