//! The tour's panel (docked beside or below the page, `style/main.css`) and the first-visit
//! offer (one line above the view).

use leptos::prelude::*;

use super::chapters::CHAPTERS;
use super::live;
use super::notice::{notice, Part};
use super::{keep_highlight, listen_to_keys, mark_root, Tour};
use crate::ui::i18n::{lang, show, t};
use crate::ui::state::{CurrentView, SharedInput};
use crate::ui::view_boundary::ViewRebuild;

/// The tour: the offer on a first visit, the panel while a chapter is open (`data-testid="tour"`).
#[component]
pub fn TourPanel(
    /// The handle presets use to rebuild the current view from link parameters.
    rebuild: ViewRebuild,
) -> impl IntoView {
    let current = expect_context::<CurrentView>().0;
    let tour = Tour::new(rebuild, current);
    provide_context(tour);
    tour.start_from_link();
    keep_highlight(tour);
    listen_to_keys(tour);
    Effect::new(move |_| mark_root(tour.active.get()));
    view! {
        <Show when=move || tour.offer.get() && !tour.active.get()>
            <p class="tour-offer" data-testid="tour-offer">
                {t("New here? ", "¿Es tu primera vez? ")}
                // On a phone the offer stays one line: the description is for wider screens.
                <span class="wide-only">
                    {t("A guided tour tells the story from CNNs to Mamba on these live views, in ",
                       "Una visita guiada cuenta la historia de las CNN a Mamba sobre estas vistas en vivo, en ")}
                    {CHAPTERS.len()}
                    {t(" short chapters. ", " capítulos cortos. ")}
                </span>
                <button data-testid="tour-start" on:click=move |_| { tour.answer_offer(); tour.go(1) }>{t("Start the tour", "Empezar la visita")}</button>
                " "
                <button class="link-button" data-testid="tour-offer-dismiss" on:click=move |_| tour.answer_offer()>{t("no, thanks", "no, gracias")}</button>
            </p>
        </Show>
        <Show when=move || tour.active.get()>
            <ChapterCard tour/>
        </Show>
    }
}

/// The open chapter: title, progress, navigation, narration, the live notice and a suggestion.
#[component]
fn ChapterCard(tour: Tour) -> impl IntoView {
    let input = expect_context::<SharedInput>();
    let parts = Memo::new(move |_| {
        let chapter = tour.chapter();
        let n = input.embeddings.with(|e| e.0.nrows());
        notice(chapter, n, &live::read(chapter.id), lang())
    });
    let number = tour.number;
    let total = CHAPTERS.len();
    let chapter = move || tour.chapter();
    let (at_first, at_last) = (move || number.get() <= 1, move || number.get() >= total);
    view! {
        <aside class="tour" data-testid="tour" aria-label=t("Guided tour", "Visita guiada")>
            <div class="tour-head">
                <span class="tour-progress" data-testid="tour-progress">{move || format!("{} / {total}", number.get())}</span>
                <h2 data-testid="tour-chapter" data-chapter=move || chapter().id data-view=move || chapter().view>
                    {move || chapter().title.get(lang())}
                </h2>
                <div class="tour-nav">
                    <select data-testid="tour-list" aria-label=t("Chapters", "Capítulos")
                        prop:value=move || number.get().to_string()
                        on:change:target=move |ev| {
                            if let Ok(n) = ev.target().value().parse::<usize>() { tour.go(n); }
                        }>
                        {CHAPTERS.iter().enumerate().map(|(i, c)| view! {
                            <option value=(i + 1).to_string()>{move || format!("{}. {}", i + 1, c.title.get(lang()))}</option>
                        }).collect_view()}
                    </select>
                    <button data-testid="tour-prev" disabled=at_first on:click=move |_| tour.prev()
                        title=t("Previous chapter (←)", "Capítulo anterior (←)")>{t("← previous", "← anterior")}</button>
                    <button data-testid="tour-next" disabled=at_last on:click=move |_| tour.next()
                        title=t("Next chapter (→)", "Capítulo siguiente (→)")>{t("next →", "siguiente →")}</button>
                    <button data-testid="tour-exit" on:click=move |_| tour.leave()
                        title=t("Leave the tour and keep exploring this view (Esc)", "Salir de la visita y seguir explorando esta vista (Esc)")>{t("leave the tour", "salir de la visita")}</button>
                </div>
            </div>
            <p class="tour-narration" data-testid="tour-narration">{move || chapter().narration.get(lang())}</p>
            <p class="tour-notice" data-testid="tour-notice">
                <strong>{t("Notice: ", "Fíjate: ")}</strong>
                {move || parts.get().into_iter().map(|part| match part {
                    Part::Text(text) => text.into_any(),
                    Part::Number { key, value, shown } => view! {
                        <strong class="tour-number" data-testid="tour-number" data-key=key data-value=value.to_string()>{shown}</strong>
                    }.into_any(),
                }).collect_view()}
            </p>
            <p class="tour-try" data-testid="tour-try"><strong>{t("Try this: ", "Prueba: ")}</strong>{move || chapter().try_this.get(lang())}</p>
            <p class="tour-link muted">
                {t("This chapter as a link: ", "Este capítulo como enlace: ")}
                <a data-testid="tour-link" href=move || format!("?tour={}", number.get())>{move || format!("?tour={}", number.get())}</a>
                {move || show(crate::ui::i18n::tr(" · → / ← change chapter, Esc leaves", " · → / ← cambian de capítulo, Esc sale"))()}
            </p>
        </aside>
    }
}
