//! The app shell: header, shared sentence input, navigation from the view registry.

use leptos::prelude::*;

use crate::core::tokens::MAX_TOKENS;
use crate::ui::i18n::{lang, t, tr, Lang, Locale};
use crate::ui::state::{AppReady, CurrentView, SelectedToken, SharedInput, EXAMPLE_TEXT_ES};
use crate::ui::theme::{Theme, ThemeChoice};
use crate::ui::trained::TrainedModels;
use crate::ui::url_state::{parse_lang, parse_seed, parse_whole, Parsed, UrlState, MAX_SEED};
use crate::ui::view_boundary::{ViewBoundary, ViewRebuild};
use crate::ui::views::presets::ViewToolbar;
use crate::ui::views::{self, VIEWS};
use crate::ui::widgets::export::ExportPanel;
use crate::ui::widgets::present::PresentMode;
use crate::ui::widgets::shortcuts::ShortcutsHelp;

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

/// Mirrors the interface language in the URL (`lang=es`): read first, so that every notice
/// about the link is worded in the link's language.
fn bind_language(url: UrlState, locale: Locale) {
    url.bind("lang", true, locale.0, |l| l.code().to_string(), parse_lang);
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
                let why = match crate::ui::i18n::lang_untracked() {
                    Lang::En => format!("the text is cut to its first {MAX_URL_TEXT} characters"),
                    Lang::Es => {
                        format!("el texto se corta a sus primeros {MAX_URL_TEXT} caracteres")
                    }
                };
                Parsed::Clamped(kept.to_string(), why)
            } else {
                Parsed::Valid(raw.to_string())
            }
        },
    );
    url.bind("seed", true, input.seed, u64::to_string, parse_seed);
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
    provide_context(TrainedModels::new());
    provide_context(SelectedToken::new());
    views::provide_view_states();
    let current = RwSignal::new(VIEWS[0].id);
    provide_context(CurrentView(current));
    let rebuild = ViewRebuild::new();
    let locale = Locale(RwSignal::new(Lang::from_browser()));
    provide_context(locale);
    let theme = Theme::new();
    provide_context(theme);
    let url = UrlState::from_location();
    provide_context(url);
    // The link's language (else the browser's) before anything is worded.
    bind_language(url, locale);
    // A Spanish reader starts from a Spanish sentence (switching later keeps their text; a
    // link's own text, read just below, wins).
    if locale.0.get_untracked() == Lang::Es {
        input.text.set(EXAMPLE_TEXT_ES.to_string());
    }
    bind_globals(url, input, current);
    // Throttled: while values keep changing (typing, dragging, playing) the address bar is
    // rewritten every quarter second, and the last change is always written.
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
    // <html lang> and <html data-theme> follow the signals (CSS variables follow data-theme).
    Effect::new(move |_| {
        let (code, dark) = (locale.0.get().code(), theme.is_dark());
        if let Some(html) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = html.set_attribute("lang", code);
            let _ = html.set_attribute("data-theme", if dark { "dark" } else { "light" });
            let _ = html.set_attribute("style", &crate::ui::palette::css_variables());
        }
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            document.set_title(locale.0.get().pick(
                "seqmix — how sequence models mix information",
                "seqmix — cómo mezclan la información los modelos de secuencias",
            ));
        }
    });

    // Long intros fold to one line on a projector or a phone (widgets::fold).
    let main_ref = NodeRef::<leptos::html::Main>::new();
    Effect::new(move |watching: Option<bool>| {
        if watching == Some(true) {
            return true;
        }
        match main_ref.get() {
            Some(main) => {
                crate::ui::widgets::fold::watch_folds(&main);
                true
            }
            None => false,
        }
    });
    view! {
        <SkipLink/>
        <header class="app-header">
            <div class="brand">
                <h1>"seqmix"</h1>
                <p class="tagline">{t("How CNNs, transformers, RNNs and state-space models mix information — computed live in your browser.", "Cómo mezclan la información las CNN, los transformers, las RNN y los modelos de espacio de estados, calculado en vivo en tu navegador.")}</p>
            </div>
            <nav class="view-nav" aria-label=t("Views", "Vistas")>
            {VIEWS.iter().map(|entry| {
                let id = entry.id;
                view! {
                    <button
                        data-testid=format!("nav-{id}")
                        class:active=move || current.get() == id
                        aria-pressed=move || (current.get() == id).to_string()
                        on:click=move |_| current.set(id)
                    >{crate::ui::i18n::show(entry.title)}</button>
                }
            }).collect_view()}
            </nav>
            <div class="header-tools">
                <ExportPanel root_selector="main" view=current
                    view_title=Signal::derive(move || views::find(current.get()).map_or("", |v| v.title.get(lang())))/>
                <PresentMode/>
                <LanguageAndTheme/>
            </div>
        </header>
        <SentenceInput/>
        <UrlNotice/>
        // Before the view: the offer is a line above it (the panel itself is docked, fixed).
        <crate::ui::tour::TourPanel rebuild/>
        <main id="view" tabindex="-1" data-testid="view-main" node_ref=main_ref
            on:click=crate::ui::widgets::fold::on_click on:keydown=crate::ui::widgets::fold::on_key>
            <ViewToolbar rebuild/>
            <ViewBoundary current render=views::render rebuild/>
        </main>
        <ShortcutsHelp/>
        <Show when=move || ready.0.get()>
            <span data-testid="app-ready" class="visually-hidden">{t("ready", "listo")}</span>
        </Show>
    }
}

/// The sentence every view reads, the seed and the embedding width.
#[component]
fn SentenceInput() -> impl IntoView {
    let input = expect_context::<SharedInput>();
    let trained = use_context::<TrainedModels>();
    // The header note must not call the weights untrained while Flow shows trained ones.
    let trained_in_flow = move || trained.is_some_and(|t| t.0.with(Option::is_some));
    // The rejected text, if any (the notice is worded at render time, in the current language).
    let (seed_notice, set_seed_notice) = signal(None::<String>);
    let token_notice = move || {
        let lang = lang();
        input.tokens.with(|t| {
            if t.is_empty() {
                Some(lang.pick("No words yet: type a sentence to see the models run on it.", "Aún no hay palabras: escribe una frase para ver los modelos funcionar sobre ella.").to_string())
            } else if t.truncated() {
                Some(match lang {
                    Lang::En => format!("Showing the first {MAX_TOKENS} of {} tokens.", t.total),
                    Lang::Es => format!("Se muestran los primeros {MAX_TOKENS} de {} tokens.", t.total),
                })
            } else {
                None
            }
        })
    };
    // The box keeps what was typed, so it can be corrected; the seed in force (and the link)
    // stays the last valid one, and the notice says which.
    let seed_text = move || {
        seed_notice.get().map(|raw| {
            let seed = input.seed.get();
            match (lang(), raw.trim().is_empty()) {
                (Lang::En, false) => format!("“{raw}” is not a seed: use a whole number from 0 to {MAX_SEED}. The seed stays {seed}."),
                (Lang::Es, false) => format!("«{raw}» no es una semilla: usa un número entero de 0 a {MAX_SEED}. La semilla sigue siendo {seed}."),
                (Lang::En, true) => format!("That is not a seed: use a whole number from 0 to {MAX_SEED}. The seed stays {seed}."),
                (Lang::Es, true) => format!("Eso no es una semilla: usa un número entero de 0 a {MAX_SEED}. La semilla sigue siendo {seed}."),
            }
        })
    };
    view! {
        <section class="sentence" aria-label=t("Input sentence", "Frase de entrada")>
            <label for="text-input">{t("Sentence", "Frase")}</label>
            <textarea
                id="text-input"
                data-testid="text-input"
                rows="1"
                prop:value=move || input.text.get()
                on:input:target=move |ev| input.text.set(ev.target().value())
            ></textarea>
            <div class="sentence-meta">
                <span data-testid="token-count">{move || input.tokens.with(|t| format!("{} tokens", t.len()))}</span>
                <label>
                    {t("seed ", "semilla ")}
                    <input
                        type="number" min="0" max=MAX_SEED.to_string() step="1"
                        data-testid="seed-input"
                        aria-describedby="seed-notice"
                        aria-invalid=move || seed_notice.with(Option::is_some).to_string()
                        prop:value=move || input.seed.get().to_string()
                        on:change:target=move |ev| {
                            // A number box reports text it cannot read as a number as "".
                            let raw = ev.target().value();
                            match parse_seed(&raw) {
                                Parsed::Valid(seed) => { input.seed.set(seed); set_seed_notice.set(None); }
                                _ => set_seed_notice.set(Some(raw)),
                            }
                        }
                    />
                </label>
                <span class="untrained-note" data-testid="untrained-note">
                    {move || if trained_in_flow() {
                        tr("Flow shows weights trained in the Learn view; the other views use random weights from the seed (untrained).",
                            "Flujo muestra pesos entrenados en la vista Aprender; las otras vistas usan pesos aleatorios generados a partir de la semilla (sin entrenar).").now()
                    } else {
                        tr("All weights are random draws from the seed (untrained).",
                            "Todos los pesos son valores aleatorios generados a partir de la semilla (sin entrenar).").now()
                    }}
                </span>
            </div>
            <TokenRow/>
            <p class="notice" role="status" data-testid="text-notice">{token_notice}</p>
            <p class="notice" role="status" id="seed-notice" data-testid="seed-notice">{seed_text}</p>
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
                <button data-testid="url-notice-dismiss" on:click=move |_| url.notices.set(Vec::new())>{t("dismiss", "cerrar")}</button>
            </div>
        </Show>
    }
}

/// The language button and the theme picker, in the header.
#[component]
fn LanguageAndTheme() -> impl IntoView {
    let locale = expect_context::<Locale>();
    let theme = expect_context::<Theme>();
    view! {
        <div class="header-switches">
            // Names each language in itself, so a reader of either can find theirs.
            <button data-testid="lang-toggle" class="lang-toggle"
                lang=move || locale.0.get().other().code()
                aria-label=t("Cambiar a español", "Switch to English")
                on:click=move |_| locale.0.update(|l| *l = l.other())>
                {move || locale.0.get().pick("Español", "English")}
            </button>
            <label class="theme-picker">
                {t("Theme ", "Tema ")}
                <select data-testid="theme-toggle"
                    prop:value=move || theme.choice.get().id()
                    on:change:target=move |ev| {
                        if let Some(choice) = ThemeChoice::from_id(&ev.target().value()) {
                            theme.choose(choice);
                        }
                    }>
                    // Each option says whether it is chosen: the select's own value is set
                    // before its options exist, so a remembered choice would not show.
                    <option value="system" prop:selected=move || theme.choice.get() == ThemeChoice::System>{t("system", "del sistema")}</option>
                    <option value="light" prop:selected=move || theme.choice.get() == ThemeChoice::Light>{t("light", "claro")}</option>
                    <option value="dark" prop:selected=move || theme.choice.get() == ThemeChoice::Dark>{t("dark", "oscuro")}</option>
                </select>
            </label>
        </div>
    }
}

/// The first Tab stop of the page: moves the focus to the view (past the header, the sentence
/// and the navigation). Hidden until focused.
#[component]
fn SkipLink() -> impl IntoView {
    let to_view = move |ev: web_sys::MouseEvent| {
        ev.prevent_default();
        let main = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("view"));
        if let Some(main) =
            main.and_then(|m| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(m).ok())
        {
            let _ = main.focus();
            main.scroll_into_view();
        }
    };
    view! {
        <a class="skip-link" href="#view" data-testid="skip-link" on:click=to_view>
            {t("Skip to the view", "Saltar a la vista")}
        </a>
    }
}

/// The sentence's tokens, focusable: one Tab stop for the row, arrow keys (and Home / End)
/// move between tokens, Enter or space selects one ([`SelectedToken`]).
#[component]
fn TokenRow() -> impl IntoView {
    let input = expect_context::<SharedInput>();
    let selected = expect_context::<SelectedToken>();
    let row = NodeRef::<leptos::html::Ol>::new();
    // The token that holds the row's Tab stop (roving tabindex).
    let focus_at = RwSignal::new(None::<usize>);
    let count = move || input.tokens.with(|t| t.tokens.len());
    let tab_stop = move || {
        let n = count();
        focus_at
            .get()
            .unwrap_or_else(|| selected.get())
            .min(n.saturating_sub(1))
    };
    let focus = move |i: usize| {
        focus_at.set(Some(i));
        let item = row
            .get_untracked()
            .and_then(|r| {
                r.query_selector(&format!("li[data-index='{i}']"))
                    .ok()
                    .flatten()
            })
            .and_then(|el| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el).ok());
        if let Some(item) = item {
            let _ = item.focus();
        }
    };
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let n = count();
        if n == 0 || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
            return;
        }
        let here = tab_stop();
        let target = match ev.key().as_str() {
            "ArrowRight" | "ArrowDown" => Some((here + 1).min(n - 1)),
            "ArrowLeft" | "ArrowUp" => Some(here.saturating_sub(1)),
            "Home" => Some(0),
            "End" => Some(n - 1),
            "Enter" | " " => {
                selected.select(here);
                None
            }
            _ => return,
        };
        // The keys belong to the row, not to the player's shortcuts or the page's scrolling.
        ev.prevent_default();
        ev.stop_propagation();
        if let Some(i) = target {
            focus(i);
        }
    };
    view! {
        <ol class="token-row" data-testid="token-row" node_ref=row
            aria-label=t("tokens (arrow keys move, Enter selects)", "tokens (las flechas se mueven, Intro selecciona)")
            on:keydown=on_key>
            {move || input.tokens.with(|t| t.tokens.iter().enumerate().map(|(i, token)| view! {
                <li class="token" data-index=i
                    class:selected=move || selected.get() == i
                    aria-current=move || (selected.get() == i).then_some("true")
                    tabindex=move || if tab_stop() == i { "0" } else { "-1" }
                    on:focus=move |_| focus_at.set(Some(i))
                    on:click=move |_| { focus_at.set(Some(i)); selected.select(i); }
                >{token.clone()}</li>
            }).collect_view())}
        </ol>
    }
}
