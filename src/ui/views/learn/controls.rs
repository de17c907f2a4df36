//! The controls: task and its size, steps, seed, families; and one example of the task.
//! Their values live in [`LearnState`], so they survive a tab switch; the link binding is
//! made when they mount (`learn.task`, `learn.learn-knob`, `learn.steps`, `learn.seed`,
//! `learn.families`).

use leptos::prelude::*;

use super::state::LearnState;
use super::words::task_description;
use crate::core::learn::presets::{preset, presets as presets_list};
use crate::core::learn::tasks::{example_of, Task, TaskSpec};
use crate::core::models::family::Family;
use crate::ui::i18n::{family_name, lang, show, t, tr, Lang, Tr};
use crate::ui::trained::{knob_label, knob_unit, task_name};
use crate::ui::url_state::{parse_whole, url_state};
use crate::ui::widgets::slider::Slider;

/// Step counts offered.
pub const STEP_CHOICES: [usize; 5] = [100, 250, 500, 1000, 2000];
/// Largest seed accepted (every integer up to it is exact in a JavaScript number).
pub const MAX_LEARN_SEED: u64 = (1u64 << 53) - 1;

/// Reads a typed seed: the seed, or None when it is not a whole number in 0..=2⁵³ − 1.
pub fn parse_seed(raw: &str) -> Option<u64> {
    raw.trim()
        .parse::<u64>()
        .ok()
        .filter(|&v| v <= MAX_LEARN_SEED)
}

/// Binds the controls to the link (when the view mounts).
fn bind_link(state: LearnState) {
    let Some(url) = url_state() else {
        return;
    };
    let from_link = url.initial("learn.task").is_some();
    url.bind_choice(
        "task",
        state.task,
        Task::ALL.into_iter().map(|t| (t, t.id())).collect(),
    );
    url.bind_families("families", state.families);
    let mut presets = vec![(None, "none")];
    presets.extend(presets_list().iter().map(|p| (Some(p.id), p.id)));
    url.bind_choice("preset", state.preset, presets);
    url.bind("seed", false, state.seed, u64::to_string, |raw| {
        parse_whole(raw, 0, MAX_LEARN_SEED)
    });
    if url.initial("learn.seed").is_some() {
        // A link, a preset or Reset set the seed: a typed seed's refusal no longer applies.
        state.seed_notice.set(None);
    }
    let step_names = ["100", "250", "500", "1000", "2000"];
    url.bind_choice(
        "steps",
        state.steps,
        STEP_CHOICES.into_iter().zip(step_names).collect(),
    );
    if from_link {
        // The knob's default follows the link's task (a link's own knob, read later, wins).
        state
            .knob
            .set(state.task.get_untracked().knob_range().2 as f64);
    }
}

/// A preset's name: the finding it reproduces.
pub fn preset_name(id: &str) -> Tr {
    match id {
        "selective-copying" => tr(
            "Selection beats time-invariance: selective copying (Gu & Dao 2023)",
            "La selección gana a la invariancia en el tiempo: copia selectiva (Gu y Dao 2023)",
        ),
        "copying" => tr(
            "Attention beats a fixed state: copying a string (Jelassi et al. 2024)",
            "La atención gana a un estado fijo: copiar una cadena (Jelassi et al. 2024)",
        ),
        "associative-recall" => tr(
            "Attention first: associative recall (Arora et al. 2023)",
            "La atención, primera: recuperación asociativa (Arora et al. 2023)",
        ),
        _ => tr("Preset", "Preajuste"),
    }
}

/// The preset menu: a preset sets the task, its sizes, the model sizes, the steps and the
/// step size (the same for every family).
#[component]
fn PresetSelect() -> impl IntoView {
    let state = expect_context::<LearnState>();
    let choose = move |id: String| {
        let chosen = preset(&id);
        state.preset.set(chosen.map(|p| p.id));
        if let Some(p) = chosen {
            state.task.set(p.task.task);
            state.knob.set(p.task.knob as f64);
            state.steps.set(p.steps);
        } else {
            // Back to "my settings": a preset's size (80 noise tokens) is beyond the slider's.
            let task = state.task.get_untracked();
            let knob = state.knob.get_untracked().round() as usize;
            state.knob.set(task.clamp_knob(knob) as f64);
        }
    };
    view! {
        <label class="learn-preset">{t("experiment ", "experimento ")}
            <select data-testid="learn-preset"
                prop:value=move || state.preset.get().unwrap_or("none")
                on:change:target=move |ev| choose(ev.target().value())>
                <option value="none">{t("my settings (below)", "mis ajustes (abajo)")}</option>
                {presets_list().iter().map(|p| view! { <option value=p.id>{show(preset_name(p.id))}</option> }).collect_view()}
            </select>
        </label>
        <p class="caption" data-testid="learn-preset-note">{move || state.preset.get().and_then(preset).map(|p| {
            let sizes = Family::ALL.iter().map(|&f| {
                let m = p.model(f);
                format!("{} d = {}, {} {}", family_name(f, lang()), m.d_model, m.layers, lang().pick("block(s)", "bloque(s)"))
            }).collect::<Vec<_>>().join(" · ");
            match lang() {
                Lang::En => format!("This experiment fixes the task (length {}, answers among {} values), the models ({sizes}), {} steps of Adam with step size {} for every family; the task, size and steps below are its own.", p.task.seq_len(), p.task.data_symbols(), p.steps, p.lr),
                Lang::Es => format!("Este experimento fija la tarea (longitud {}, respuestas entre {} valores), los modelos ({sizes}), {} pasos de Adam con paso {} para todas las familias; la tarea, el tamaño y los pasos de abajo son los suyos.", p.task.seq_len(), p.task.data_symbols(), p.steps, p.lr),
            }
        })}</p>
    }
}

/// Task, size, steps, seed and families.
#[component]
pub fn LearnControls() -> impl IntoView {
    let state = expect_context::<LearnState>();
    bind_link(state);
    let LearnState {
        task,
        knob,
        steps,
        seed,
        seed_notice,
        ..
    } = state;
    view! {
        <PresetSelect/>
        <div class="learn-controls">
            <label>{t("task ", "tarea ")}
                <select data-testid="learn-task"
                    prop:value=move || task.get().id()
                    on:change:target=move |ev| {
                        if let Some(t) = Task::from_id(&ev.target().value()) {
                            state.preset.set(None);
                            task.set(t);
                            knob.set(t.knob_range().2 as f64);
                        }
                    }>
                    {Task::ALL.into_iter().map(|t| view! { <option value=t.id()>{show(task_name(t))}</option> }).collect_view()}
                </select>
            </label>
            {move || {
                let current = task.get();
                let unit = knob_unit(current);
                if let Some(p) = state.preset.get().and_then(preset) {
                    // A preset's size is its own (it may lie beyond the slider's range).
                    return view! {
                        <p class="learn-fixed-size" data-testid="learn-knob-fixed">
                            {show(knob_label(current))}" "<strong>{p.task.knob}</strong>
                            {(!unit.is_empty()).then(|| format!(" {}", unit.now()))}
                            " — "{t("set by the experiment", "fijado por el experimento")}
                        </p>
                    }.into_any();
                }
                let (lo, hi, _) = current.knob_range();
                view! { <Slider label=knob_label(current) param="learn-knob" unit min=lo as f64 max=hi as f64 step=1.0 value=knob /> }.into_any()
            }}
            <label>{t("steps ", "pasos ")}
                <select data-testid="learn-steps"
                    prop:value=move || steps.get().to_string()
                    on:change:target=move |ev| {
                        if let Ok(n) = ev.target().value().parse::<usize>() {
                            steps.set(n.clamp(1, 5000));
                        }
                    }>
                    {STEP_CHOICES.into_iter().map(|n| view! { <option value=n.to_string()>{n.to_string()}</option> }).collect_view()}
                </select>
            </label>
            <label>{t("seed ", "semilla ")}
                <input type="number" min="0" step="1" data-testid="learn-seed"
                    prop:value=move || seed.get().to_string()
                    on:change:target=move |ev| {
                        let raw = ev.target().value();
                        match parse_seed(&raw) {
                            Some(v) => { seed.set(v); seed_notice.set(None); }
                            None => seed_notice.set(Some(raw)),
                        }
                    } />
            </label>
        </div>
        <p class="notice" role="status" data-testid="learn-seed-notice">{move || seed_notice.get().map(|raw| match lang() {
            Lang::En => format!("“{raw}” is not a seed: use a whole number from 0 to 2⁵³ − 1. The seed stays {}.", seed.get()),
            Lang::Es => format!("«{raw}» no es una semilla: usa un número entero de 0 a 2⁵³ − 1. La semilla sigue siendo {}.", seed.get()),
        })}</p>
        <LearnFamilies/>
        <p class="caption">{move || task_description(task.get()).now()}</p>
        <details class="learn-example-box">
            <summary>{t("An example of the task (seed, example 0)", "Un ejemplo de la tarea (semilla, ejemplo 0)")}</summary>
            <TaskExample/>
        </details>
    }
}

/// The family checkboxes.
#[component]
fn LearnFamilies() -> impl IntoView {
    let families = expect_context::<LearnState>().families;
    view! {
        <fieldset class="learn-families">
            <legend>{t("families", "familias")}</legend>
            {Family::ALL.into_iter().map(|f| view! {
                <label>
                    <input type="checkbox" data-testid=format!("learn-family-{}", f.id())
                        prop:checked=move || families.with(|fs| fs.contains(&f))
                        on:change:target=move |ev| {
                            let on = ev.target().checked();
                            families.update(|fs| {
                                fs.retain(|x| *x != f);
                                if on { fs.push(f); }
                            });
                        } />
                    {move || format!(" {}", family_name(f, lang()))}
                </label>
            }).collect_view()}
        </fieldset>
    }
}

/// Example 0 of the task under the seed: inputs and the answers scored.
#[component]
fn TaskExample() -> impl IntoView {
    let LearnState {
        task,
        knob,
        seed,
        preset: chosen,
        ..
    } = expect_context::<LearnState>();
    let example_line = move || {
        let shown = task.get();
        let k = shown.clamp_knob(knob.get().round().max(0.0) as usize);
        // A preset's own sizes (longer body, more symbols), else the controls'.
        let spec = chosen
            .get()
            .and_then(preset)
            .map(|p| p.task)
            .filter(|p| p.task == shown)
            .unwrap_or_else(|| TaskSpec::standard(shown, k));
        let e = example_of(&spec, seed.get(), 0);
        let inputs: Vec<String> = e.tokens.iter().map(|&tok| spec.token_name(tok)).collect();
        let answers: Vec<String> = e
            .targets
            .iter()
            .map(|a| a.map_or("·".to_string(), |tok| spec.token_name(tok)))
            .collect();
        let answers = if shown == Task::DelayedCopy {
            answers
                .iter()
                .map(|a| {
                    if a == "·" {
                        "–".to_string()
                    } else {
                        a.clone()
                    }
                })
                .collect::<Vec<_>>()
        } else {
            answers
                .iter()
                .zip(&e.targets)
                .map(|(a, tg)| {
                    if tg.is_some() {
                        a.clone()
                    } else {
                        "–".to_string()
                    }
                })
                .collect()
        };
        view! {
            <table class="learn-example" data-testid="learn-example">
                <tr><th>{t("input", "entrada")}</th>{inputs.into_iter().map(|s| view! { <td>{s}</td> }).collect_view()}</tr>
                <tr><th>{t("answer", "respuesta")}</th>{answers.into_iter().map(|s| view! { <td>{s}</td> }).collect_view()}</tr>
            </table>
        }
    };

    example_line
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Seeds typed as −5, 2⁵³ or a 23-digit number are refused; 0 and 2⁵³ − 1 are kept.
    #[test]
    fn bad_seeds_are_refused() {
        for bad in [
            "-5",
            "99999999999999999999999",
            "9007199254740992",
            "1.5",
            "",
            "abc",
        ] {
            assert_eq!(parse_seed(bad), None, "{bad}");
        }
        assert_eq!(parse_seed("0"), Some(0));
        assert_eq!(parse_seed(" 42 "), Some(42));
        assert_eq!(parse_seed("9007199254740991"), Some(9_007_199_254_740_991));
    }
}
