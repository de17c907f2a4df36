//! The app shell: header, shared sentence input, navigation from the view registry.

use leptos::prelude::*;

use crate::core::tokens::MAX_TOKENS;
use crate::ui::state::{AppReady, SharedInput};
use crate::ui::views::{self, VIEWS};

/// Largest seed accepted (fits a JavaScript number exactly).
const MAX_SEED: u64 = (1 << 53) - 1;

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let input = SharedInput::new();
    provide_context(input);
    let ready = AppReady(RwSignal::new(false));
    provide_context(ready);
    provide_context(crate::ui::trained::TrainedModels::new());
    let (current, set_current) = signal(VIEWS[0].id);

    view! {
        <header class="app-header">
            <h1>"seqmix"</h1>
            <p class="tagline">"How CNNs, transformers, RNNs and state-space models mix information — computed live in your browser."</p>
        </header>
        <SentenceInput/>
        <nav class="view-nav" aria-label="Views">
            {VIEWS.iter().map(|entry| {
                let id = entry.id;
                view! {
                    <button
                        data-testid=format!("nav-{id}")
                        class:active=move || current.get() == id
                        aria-pressed=move || (current.get() == id).to_string()
                        on:click=move |_| set_current.set(id)
                    >{entry.title}</button>
                }
            }).collect_view()}
        </nav>
        <main>
            {move || views::find(current.get()).map(|entry| (entry.render)())}
        </main>
        <Show when=move || ready.0.get()>
            <span data-testid="app-ready" class="visually-hidden">"ready"</span>
        </Show>
    }
}

/// The sentence every view reads, the seed and the embedding width.
#[component]
fn SentenceInput() -> impl IntoView {
    let input = expect_context::<SharedInput>();
    let (seed_notice, set_seed_notice) = signal(None::<String>);
    let token_notice = move || {
        input.tokens.with(|t| {
            if t.is_empty() {
                Some("No words yet: type a sentence to see the models run on it.".to_string())
            } else if t.truncated() {
                Some(format!(
                    "Showing the first {MAX_TOKENS} of {} tokens.",
                    t.total
                ))
            } else {
                None
            }
        })
    };
    view! {
        <section class="sentence" aria-label="Input sentence">
            <label for="text-input">"Sentence"</label>
            <textarea
                id="text-input"
                data-testid="text-input"
                rows="2"
                prop:value=move || input.text.get()
                on:input:target=move |ev| input.text.set(ev.target().value())
            ></textarea>
            <div class="sentence-meta">
                <span data-testid="token-count">{move || input.tokens.with(|t| format!("{} tokens", t.len()))}</span>
                <label>
                    "seed "
                    <input
                        type="number" min="0" max=MAX_SEED.to_string() step="1"
                        data-testid="seed-input"
                        prop:value=move || input.seed.get().to_string()
                        on:change:target=move |ev| {
                            let raw = ev.target().value();
                            match raw.trim().parse::<u64>() {
                                Ok(seed) if seed <= MAX_SEED => { input.seed.set(seed); set_seed_notice.set(None); }
                                _ => set_seed_notice.set(Some(format!("“{raw}” is not a seed: use a whole number from 0 to {MAX_SEED}."))),
                            }
                        }
                    />
                </label>
                <span class="untrained-note" data-testid="untrained-note">
                    "All weights are random draws from the seed (untrained)."
                </span>
            </div>
            <ol class="token-row" data-testid="token-row" aria-label="tokens">
                {move || input.tokens.with(|t| t.tokens.iter().enumerate().map(|(i, token)| view! {
                    <li class="token" data-index=i>{token.clone()}</li>
                }).collect_view())}
            </ol>
            <p class="notice" role="status" data-testid="text-notice">{token_notice}</p>
            <p class="notice" role="status">{move || seed_notice.get()}</p>
        </section>
    }
}
