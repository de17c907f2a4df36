//! Each view sits in its own error boundary: if something inside it fails — a `Result::Err`
//! rendered in its tree, or a fault reported from an effect such as a chart that could not be
//! drawn — the view is replaced by a message saying what failed and a button that rebuilds it,
//! while the header, the sentence and the other views keep working.
//!
//! Expected conditions (empty text, overflow, invalid combinations) are not faults: the core
//! returns typed errors and the views show them as notices next to the controls that caused
//! them. The boundary is for what should not happen; the panic hook (`ui::panic`) is the last
//! line below it.

use leptos::prelude::*;

use crate::ui::url_state::UrlState;

use crate::ui::i18n::t;

/// Something inside a view failed; the text says what, in words.
#[derive(Debug, Clone, PartialEq)]
pub struct ViewFault(pub String);

impl std::fmt::Display for ViewFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ViewFault {}

/// Faults reported by effects inside the current view (effects cannot return an `Err` into
/// the view tree, so they report here and the boundary renders the failure).
#[derive(Clone, Copy)]
struct ViewFaults(RwSignal<Vec<String>>);

/// Reports a fault to the enclosing [`ViewBoundary`]: the view is replaced by the error
/// message until the user rebuilds it. Outside a boundary the fault goes to the console.
pub fn report_fault(message: impl Into<String>) {
    let message = message.into();
    match use_context::<ViewFaults>() {
        Some(faults) => faults.0.update(|list| {
            if !list.contains(&message) {
                list.push(message);
            }
        }),
        None => leptos::logging::error!("{message}"),
    }
}

/// Rebuilds the current view: from its defaults ("reset"), or from a named preset — the
/// preset's `<view>.<param>` pairs are read by the rebuilt widgets exactly as if the page had
/// been opened with them in its link (`ui::url_state`), so a preset is a shareable link.
#[derive(Clone, Copy)]
pub struct ViewRebuild {
    generation: RwSignal<u32>,
    /// Parameters the next build reads, if a preset is being applied.
    pending: StoredValue<Option<Vec<(String, String)>>>,
}

impl ViewRebuild {
    /// A fresh handle (provided by the app shell).
    pub fn new() -> Self {
        ViewRebuild {
            generation: RwSignal::new(0),
            pending: StoredValue::new(None),
        }
    }

    /// Builds the current view again from its defaults.
    pub fn reset(&self) {
        self.apply(&[]);
    }

    /// Builds the current view again with `params` (its other settings at their defaults).
    pub fn apply(&self, params: &[(&str, &str)]) {
        let pairs = params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        self.pending.set_value(Some(pairs));
        self.generation.update(|g| *g += 1);
    }
}

impl Default for ViewRebuild {
    fn default() -> Self {
        Self::new()
    }
}

/// Shows the view `current` names inside an error boundary. Switching views, or the
/// "Rebuild this view" button, builds the view afresh and clears what was reported.
#[component]
pub fn ViewBoundary(
    /// Id of the view to show (`view-error-<id>` is the fallback's test id).
    #[prop(into)]
    current: Signal<&'static str>,
    /// Builds the view with this id.
    render: fn(&str) -> Option<AnyView>,
    /// Reset and presets (the error fallback's "Rebuild" uses it too).
    #[prop(optional)]
    rebuild: Option<ViewRebuild>,
) -> impl IntoView {
    let faults = ViewFaults(RwSignal::new(Vec::new()));
    provide_context(faults);
    let rebuild = rebuild.unwrap_or_default();
    let generation = rebuild.generation;
    let reported = move || {
        faults.0.with(|list| match list.as_slice() {
            [] => Ok(()),
            list => Err(ViewFault(list.join("; "))),
        })
    };
    let fallback = move |errors: ArcRwSignal<leptos::error::Errors>| {
        view! {
            <div class="view-error" role="alert" data-testid=move || format!("view-error-{}", current.get())>
                <p><strong>{t("This view stopped because something inside it failed:", "Esta vista se detuvo porque algo dentro de ella falló:")}</strong></p>
                <ul>
                    {move || errors.with(|errors| errors.iter()
                        .map(|(_, error)| view! { <li>{error.to_string()}</li> })
                        .collect_view())}
                </ul>
                <p>{t("The rest of seqmix still works. Rebuilding starts this view again from its defaults.", "El resto de seqmix sigue funcionando. Reconstruirla vuelve a empezar esta vista con sus valores por defecto.")}</p>
                <button
                    data-testid="view-error-rebuild"
                    on:click=move |_| rebuild.reset()
                >{t("Rebuild this view", "Reconstruir esta vista")}</button>
            </div>
        }
    };
    view! {
        <ErrorBoundary fallback>
            {move || {
                generation.track();
                let id = current.get();
                if !faults.0.with_untracked(Vec::is_empty) {
                    faults.0.set(Vec::new());
                }
                let url = use_context::<UrlState>();
                let preset = rebuild.pending.try_update_value(Option::take).flatten();
                // The view's state lives above it, so the rebuild reads every key's default too.
                if let (Some(url), Some(pairs)) = (url, preset.as_ref()) {
                    url.replace_initial(url.defaults_with(id, pairs.clone()));
                }
                let built = render(id);
                // Effects run once the view is on the page, when every widget of it (also those
                // inside its reactive blocks) has read the preset; later builds start clean.
                if let (Some(url), Some(_)) = (url, preset) {
                    Effect::new(move |_| url.replace_initial(Vec::new()));
                }
                built
            }}
            {reported}
        </ErrorBoundary>
    }
}
