//! The app shell: header, shared sentence input, navigation from the view registry.

use leptos::prelude::*;

use crate::core::tokens::MAX_TOKENS;
use crate::ui::state::{AppReady, SharedInput};
use crate::ui::url_state::{parse_whole, Parsed, UrlState};
use crate::ui::view_boundary::ViewBoundary;
use crate::ui::views::{self, VIEWS};
use crate::ui::widgets::export::ExportPanel;
use crate::ui::widgets::shortcuts::ShortcutsHelp;

/// Largest seed accepted (fits a JavaScript number exactly).
const MAX_SEED: u64 = (1 << 53) - 1;

/// Longest sentence kept in a link (longer text is cut, with a notice when read): enough for
/// the 64 tokens that are run, short enough for any browser's address bar.
const MAX_URL_TEXT: usize = 8000;

/// `text` cut to its first `MAX_URL_TEXT` characters.
fn url_text(text: &str) -> &str {
    match text.char_indices().nth(MAX_URL_TEXT) {
        Some((cut, _)) => &text[..cut],
        None => text,
    }
}

/// Mirrors the view, the sentence, the seed and the embedding width in the URL.
fn bind_globals(url: UrlState, input: SharedInput, current: RwSignal<&'static str>) {
    let views: Vec<(&'static str, &'static str)> = VIEWS.iter().map(|v| (v.id, v.id)).collect();
    url.bind(
        "view",
        true,
        current,
        |id| id.to_string(),
        move |raw| crate::ui::url_state::parse_choice(raw, &views),
    );
    url.bind(
        "text",
        true,
        input.text,
        |text| url_text(text).to_string(),
        |raw| {
            let kept = url_text(raw);
            if kept.len() < raw.len() {
                let why = format!("the text is cut to its first {MAX_URL_TEXT} characters");
                Parsed::Clamped(kept.to_string(), why)
            } else {
                Parsed::Valid(raw.to_string())
            }
        },
    );
    url.bind("seed", true, input.seed, u64::to_string, |raw| {
        parse_whole(raw, 0, MAX_SEED)
    });
    url.bind(
        "d",
        true,
        input.d_model,
        usize::to_string,
        |raw| match parse_whole(raw, 2, 32) {
            Parsed::Valid(v) => Parsed::Valid(v as usize),
            Parsed::Clamped(v, why) => Parsed::Clamped(v as usize, why),
            Parsed::Invalid(why) => Parsed::Invalid(why),
        },
    );
}

/// The whole app.
#[component]
pub fn App() -> impl IntoView {
    let input = SharedInput::new();
    provide_context(input);
    let ready = AppReady(RwSignal::new(false));
    provide_context(ready);
    let current = RwSignal::new(VIEWS[0].id);
    let url = UrlState::from_location();
    provide_context(url);
    bind_globals(url, input, current);
    // Debounced: typing or dragging rewrites the address bar once it pauses.
    Effect::new(move |_| url.write_later());
    // Effects run after the first render, when every widget on screen has read its key.
    Effect::new(move |done: Option<()>| {
        if done.is_none() {
            url.finish_first_render();
            // Only the Flow view reports readiness itself; a link may open another view.
            if current.get_untracked() != VIEWS[0].id {
                ready.0.set(true);
            }
        }
    });

    view! {
        <header class="app-header">
            <h1>"seqmix"</h1>
            <p class="tagline">"How CNNs, transformers, RNNs and state-space models mix information — computed live in your browser."</p>
        </header>
        <SentenceInput/>
        <UrlNotice/>
        <nav class="view-nav" aria-label="Views">
            {VIEWS.iter().map(|entry| {
                let id = entry.id;
                view! {
                    <button
                        data-testid=format!("nav-{id}")
                        class:active=move || current.get() == id
                        aria-pressed=move || (current.get() == id).to_string()
                        on:click=move |_| current.set(id)
                    >{entry.title}</button>
                }
            }).collect_view()}
        </nav>
        <ExportPanel root_selector="main" view=current/>
        <main>
            <ViewBoundary current render=views::render/>
        </main>
        <ShortcutsHelp/>
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

/// What was wrong with the link the page was opened with, if anything.
#[component]
fn UrlNotice() -> impl IntoView {
    let url = expect_context::<UrlState>();
    view! {
        <Show when=move || url.notices.with(|n| !n.is_empty())>
            <div class="notice url-notice" role="status" data-testid="url-notice">
                <ul>{move || url.notices.get().into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
                <button data-testid="url-notice-dismiss" on:click=move |_| url.notices.set(Vec::new())>"dismiss"</button>
            </div>
        </Show>
    }
}
