//! Learn view: the six families trained live, in the browser, on three memory tasks, with
//! their loss and accuracy curves, a table of what they reached, and what the literature
//! says they should reach (checked against these runs, not scripted).
//!
//! Training runs in slices of about `SLICE_MS` between frames (`set_timeout(0)`), a quarter
//! of an Adam step at a time (`Training::work`), the model that is furthest behind first, so
//! all curves grow together and no task blocks the page for long; the page refresh runs in a
//! slice of its own. Pause stops after the current quarter step (Resume finishes that step).

use std::time::Duration;

use leptos::prelude::*;

use leptos::tachys::html::element::Canvas;

use super::ViewEntry;
use crate::core::learn::models::{learn_config, Trainable};
use crate::core::learn::tasks::{example, Task, DATA_SYMBOLS};
use crate::core::learn::train::{
    EvalTally, Score, Settings, Training, DEFAULT_STEPS, EVAL_CHUNKS, EVAL_EXAMPLES,
};
use crate::core::models::family::Family;
use crate::ui::charts::learn::{draw, Curve, LearnChart};
use crate::ui::i18n::{core_error_in, family_name, lang, show, t, tr, Lang, Tr};
use crate::ui::influence::now_ms;
use crate::ui::palette::family_rgb;
use crate::ui::state::{CurrentView, Shared};
use crate::ui::trained::{TrainedModel, TrainedModels, TrainedOrigin};
use crate::ui::widgets::slider::Slider;

/// Registry entry of the Learn view.
pub const ENTRY: ViewEntry = ViewEntry {
    id: "learn",
    title: tr("Learn", "Aprender"),
    render: || view! { <LearnView/> }.into_any(),
};

/// Training time per slice before yielding to the browser, in milliseconds. A slice stops
/// before a unit of work (a quarter of a step, or an evaluation chunk) that would cross it,
/// judging by the previous unit, and always runs at least one.
const SLICE_MS: f64 = 10.0;
/// The page (charts, table) is refreshed at most this often while training, in milliseconds.
const REFRESH_MS: f64 = 100.0;
/// Points drawn per curve (steps are averaged in buckets: this also smooths the curve).
const CURVE_POINTS: usize = 200;
/// Steps averaged for the "final loss" column.
const FINAL_WINDOW: usize = 50;
/// Possible answers of every task (8 symbols, 8 values): chance accuracy is 1/8.
const ANSWERS: usize = DATA_SYMBOLS;
/// Default seed of the tasks and weights.
const DEFAULT_LEARN_SEED: u64 = 42;
/// Step counts offered.
const STEP_CHOICES: [usize; 5] = [100, 250, 500, 1000, 2000];

/// The name of a task.
pub fn task_name(task: Task) -> Tr {
    match task {
        Task::DelayedCopy => tr("Delayed copy", "Copia con retardo"),
        Task::SelectiveCopy => tr("Selective copying", "Copia selectiva"),
        Task::AssociativeRecall => tr("Associative recall", "Recuperación asociativa"),
    }
}

fn task_description(task: Task) -> Tr {
    match task {
        Task::DelayedCopy => tr("Output, at every position, the token seen k steps earlier (8 symbols, length 24). The model must keep the last k tokens in memory.",
            "En cada posición, hay que dar el token visto k pasos antes (8 símbolos, longitud 24). El modelo debe guardar en memoria los últimos k tokens."),
        Task::SelectiveCopy => tr("Four tokens are scattered among noise tokens (·); after the marker (▶) the model must reproduce them in order (Gu & Dao 2023). Which tokens to keep depends on the content, not on the position.",
            "Cuatro tokens están repartidos entre tokens de relleno (·); tras la marca (▶) el modelo debe reproducirlos en orden (Gu y Dao 2023). Qué tokens hay que guardar depende del contenido, no de la posición."),
        Task::AssociativeRecall => tr("Pairs key–value (“c 5 a 2 …”), then one key again: answer its value. The model must store every pair and look one up by content.",
            "Pares clave–valor («c 5 a 2 …») y luego otra vez una de las claves: hay que responder su valor. El modelo debe guardar cada par y buscar uno por su contenido."),
    }
}

/// The name of a task's adjustable size.
pub fn knob_label(task: Task) -> Tr {
    match task {
        Task::DelayedCopy => tr("gap k", "separación k"),
        Task::SelectiveCopy => tr("noise length", "longitud del relleno"),
        Task::AssociativeRecall => tr("pairs", "pares"),
    }
}

fn expectation(task: Task) -> Tr {
    match task {
        Task::DelayedCopy => tr("Expected: every family manages a gap of 1–2. As k grows, the CNN fails once k exceeds its receptive field (15 tokens), and fixed-state models must squeeze k tokens into their state; attention can look back exactly k positions. Try k = 1, then k = 12.",
            "Lo esperado: todas las familias resuelven una separación de 1–2. Al crecer k, la CNN falla en cuanto k supera su campo receptivo (15 tokens), y los modelos de estado fijo deben meter k tokens en su estado; la atención puede mirar exactamente k posiciones atrás. Prueba k = 1 y luego k = 12."),
        Task::SelectiveCopy => tr("Expected (Gu & Dao 2023, Table 1): models whose mixing does not depend on the input — the CNN, S4D and the linear RNN, all time-invariant — struggle, because where the marked tokens sit varies; Mamba's input-dependent Δ can choose to keep them, and attention can look them up. Check whether these small runs show it.",
            "Lo esperado (Gu y Dao 2023, tabla 1): los modelos cuya mezcla no depende de la entrada — la CNN, S4D y la RNN lineal, todos invariantes en el tiempo — tienen dificultades, porque la posición de los tokens marcados cambia; el Δ de Mamba, que depende de la entrada, puede elegir guardarlos, y la atención puede buscarlos. Comprueba si estas pequeñas ejecuciones lo muestran."),
        Task::AssociativeRecall => tr("Expected (Jelassi et al. 2024; Arora et al. 2023): attention retrieves by content and solves recall easily at scale; fixed-state recurrences must store every pair and degrade as pairs grow. At this tiny budget every family may need many steps — compare, and try 2 pairs.",
            "Lo esperado (Jelassi et al. 2024; Arora et al. 2023): la atención recupera por contenido y, a gran escala, resuelve la recuperación con facilidad; las recurrencias de estado fijo deben guardar cada par y empeoran a medida que crecen los pares. Con un presupuesto tan pequeño, todas las familias pueden necesitar muchos pasos: compáralas y prueba con 2 pares."),
    }
}

/// What the training loop is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Idle,
    Running,
    Paused,
    Done,
}

/// One model's progress as the page shows it.
#[derive(Debug, Clone, PartialEq)]
struct RunSummary {
    family: Family,
    parameters: usize,
    losses: Vec<f32>,
    accuracies: Vec<f32>,
    /// Held-out loss and accuracy once training finished.
    eval: Option<Score>,
    /// Why the model could not be built (worded at render time, in the current language).
    error: Option<crate::core::error::CoreError>,
}

impl RunSummary {
    fn of(run: &Training, eval: Option<Score>) -> Self {
        RunSummary {
            family: run.model.family,
            parameters: run.model.parameter_count(),
            losses: run.losses.clone(),
            accuracies: run.accuracies.clone(),
            eval,
            error: None,
        }
    }

    fn recent(values: &[f32]) -> Option<f32> {
        let tail = &values[values.len().saturating_sub(FINAL_WINDOW)..];
        (!tail.is_empty()).then(|| tail.iter().sum::<f32>() / tail.len() as f32)
    }

    /// Held-out accuracy when finished, else the mean of the last steps.
    fn accuracy(&self) -> Option<f32> {
        self.eval
            .map(|e| e.accuracy)
            .or_else(|| Self::recent(&self.accuracies))
    }
}

/// The models being trained (not reactive: the page reads [`RunSummary`] snapshots).
struct Session {
    settings: Settings,
    runs: Vec<Training>,
    /// Held-out evaluation so far, per run (computed in chunks after training).
    evals: Vec<EvalTally>,
    /// Bumped by every Train/Resume so a stale loop stops.
    generation: u64,
    /// When the page was last refreshed (`now_ms`).
    refreshed_at: f64,
}

/// What the page shows of `session` now.
fn snapshot(session: &Session) -> Vec<RunSummary> {
    session
        .runs
        .iter()
        .zip(&session.evals)
        .map(|(r, e)| RunSummary::of(r, finished(e)))
        .collect()
}

/// Averages `values` into at most `CURVE_POINTS` buckets: (centre step, mean).
fn bucketed(values: &[f32]) -> Vec<(f32, f32)> {
    let size = values.len().div_ceil(CURVE_POINTS).max(1);
    values
        .chunks(size)
        .enumerate()
        .map(|(i, c)| {
            let x = (i * size) as f32 + c.len() as f32 / 2.0;
            (x, c.iter().sum::<f32>() / c.len() as f32)
        })
        .collect()
}

/// The literature's claims, checked against the finished runs, in `lang`.
fn verdicts(
    task: Task,
    knob: usize,
    runs: &[RunSummary],
    done: bool,
    lang: Lang,
) -> Vec<(String, String)> {
    let acc = |f: Family| {
        runs.iter()
            .find(|r| r.family == f)
            .and_then(|r| r.accuracy())
    };
    let pct = |v: f32| format!("{:.0}%", v * 100.0);
    let name = |f: Family| family_name(f, lang);
    let best_of = |families: &[Family]| {
        families
            .iter()
            .filter_map(|&f| acc(f).map(|a| (f, a)))
            .reduce(|a, b| if b.1 > a.1 { b } else { a })
    };
    let training = lang
        .pick(
            "Training… the verdict appears when the runs finish.",
            "Entrenando… el veredicto aparece cuando terminen las ejecuciones.",
        )
        .to_string();
    let mut out = Vec::new();
    // Gu & Dao 2023: selection (input-dependent Δ, B, C) solves selective copying; LTI SSMs do not.
    let mamba_claim = lang.pick(
        "Gu & Dao (2023), “Mamba”: on selective copying, input-dependent selection (Mamba) solves the task where time-invariant SSMs (S4, and other LTI models) fail.",
        "Gu y Dao (2023), «Mamba»: en la copia selectiva, la selección dependiente de la entrada (Mamba) resuelve la tarea donde fallan los SSM invariantes en el tiempo (S4 y otros modelos LTI).",
    ).to_string();
    let best_lti = best_of(&[Family::S4d, Family::LinearRnn]);
    let mamba_verdict = match (task, acc(Family::Mamba), best_lti) {
        (Task::SelectiveCopy, Some(m_raw), Some((best_f, best_raw))) if done => {
            let (m, best_name, best) = (pct(m_raw), name(best_f), pct(best_raw));
            if m_raw >= best_raw + 0.15 {
                match lang {
                    Lang::En => format!("These runs agree: Mamba reached {m} held-out accuracy, the best time-invariant model ({best_name}) {best}."),
                    Lang::Es => format!("Estas ejecuciones lo confirman: Mamba alcanzó un {m} de acierto en ejemplos nuevos; el mejor modelo invariante en el tiempo ({best_name}), un {best}."),
                }
            } else if best_raw >= m_raw - 0.05 {
                match lang {
                    Lang::En => format!("These runs do not show it: Mamba reached {m}, the time-invariant {best_name} {best}. At this tiny budget (≈ 3 k parameters, {knob} noise tokens) the gap the paper reports did not appear — try more steps or a longer noise stretch."),
                    Lang::Es => format!("Estas ejecuciones no lo muestran: Mamba alcanzó un {m}; {best_name}, invariante en el tiempo, un {best}. Con un presupuesto tan pequeño (≈ 3 mil parámetros, {knob} tokens de relleno) no apareció la diferencia que describe el artículo: prueba con más pasos o con un relleno más largo."),
                }
            } else {
                match lang {
                    Lang::En => format!("Inconclusive: Mamba {m} vs {best_name} {best} — a difference too small to call."),
                    Lang::Es => format!("No concluyente: Mamba {m} frente a {best_name} {best}, una diferencia demasiado pequeña para decidir."),
                }
            }
        }
        (Task::SelectiveCopy, Some(_), Some(_)) => training.clone(),
        _ => lang.pick(
            "Not tested by these runs: train Mamba and S4D (or the linear RNN) on selective copying.",
            "Estas ejecuciones no lo ponen a prueba: entrena Mamba y S4D (o la RNN lineal) en la copia selectiva.",
        ).to_string(),
    };
    out.push((mamba_claim, mamba_verdict));
    // Jelassi et al. 2024: transformers copy and retrieve far better than fixed-size-state models.
    let jelassi_claim = lang.pick(
        "Jelassi et al. (2024), “Repeat After Me”: transformers copy long strings and retrieve from context far better than models with a fixed-size state (RNNs, SSMs).",
        "Jelassi et al. (2024), «Repeat After Me»: los transformers copian cadenas largas y recuperan información del contexto mucho mejor que los modelos con un estado de tamaño fijo (RNN, SSM).",
    ).to_string();
    let best_fixed = best_of(&[Family::Rnn, Family::LinearRnn, Family::S4d, Family::Mamba]);
    let jelassi_verdict = match (task, acc(Family::Transformer), best_fixed) {
        (Task::DelayedCopy | Task::AssociativeRecall, Some(t_raw), Some((best_f, best_raw))) if done => {
            let (t, best_name, best) = (pct(t_raw), name(best_f), pct(best_raw));
            if t_raw >= best_raw + 0.15 {
                match lang {
                    Lang::En => format!("These runs agree: the transformer reached {t}, the best fixed-state model ({best_name}) {best}."),
                    Lang::Es => format!("Estas ejecuciones lo confirman: el transformer alcanzó un {t}; el mejor modelo de estado fijo ({best_name}), un {best}."),
                }
            } else if best_raw >= t_raw - 0.05 {
                match lang {
                    Lang::En => format!("These runs do not show it: the transformer reached {t}, {best_name} {best}. The paper's gap grows with the length to copy; at this size (gap/pairs = {knob}) the fixed states are large enough — try a longer gap or more pairs."),
                    Lang::Es => format!("Estas ejecuciones no lo muestran: el transformer alcanzó un {t}; {best_name}, un {best}. La diferencia del artículo crece con la longitud que hay que copiar; con este tamaño (separación/pares = {knob}) los estados fijos bastan: prueba con una separación mayor o con más pares."),
                }
            } else {
                match lang {
                    Lang::En => format!("Inconclusive: transformer {t} vs {best_name} {best}."),
                    Lang::Es => format!("No concluyente: transformer {t} frente a {best_name} {best}."),
                }
            }
        }
        (Task::DelayedCopy | Task::AssociativeRecall, Some(_), Some(_)) => training,
        _ => lang.pick(
            "Not tested by these runs: train the transformer and at least one recurrent model on delayed copy or associative recall.",
            "Estas ejecuciones no lo ponen a prueba: entrena el transformer y al menos un modelo recurrente en la copia con retardo o en la recuperación asociativa.",
        ).to_string(),
    };
    out.push((jelassi_claim, jelassi_verdict));
    out
}

/// One part of an Adam step of the model that is furthest behind (it finishes its step before
/// another model starts one), or else one chunk of a finished model's held-out evaluation;
/// false when everything is done.
fn work_one(session: &mut Session) -> bool {
    let next = session
        .runs
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.is_done())
        .min_by_key(|(_, r)| r.step_count())
        .map(|(i, _)| i);
    if let Some(i) = next {
        session.runs[i].work();
        return true;
    }
    let pending = session.evals.iter().position(|e| e.chunks < EVAL_CHUNKS);
    match pending {
        Some(i) => {
            let chunk = session.evals[i].chunks;
            let tally = session.runs[i].evaluate_chunk(chunk);
            session.evals[i].add(tally);
            true
        }
        None => false,
    }
}

/// The finished evaluation, if complete.
fn finished(tally: &EvalTally) -> Option<Score> {
    (tally.chunks >= EVAL_CHUNKS).then(|| tally.score())
}

/// Runs one slice and schedules the next while `generation` is current and running. The page
/// refresh (table, charts) gets a slice of its own, so a frame never waits for training and
/// redrawing together.
fn slice(
    session: StoredValue<Session>,
    mine: u64,
    status: RwSignal<Status>,
    summaries: RwSignal<Vec<RunSummary>>,
) {
    if session.try_with_value(|s| s.generation) != Some(mine)
        || status.try_get_untracked() != Some(Status::Running)
    {
        return;
    }
    let next = move || {
        set_timeout(
            move || slice(session, mine, status, summaries),
            Duration::ZERO,
        )
    };
    let start = now_ms();
    let refresh_due = session.with_value(|s| start - s.refreshed_at >= REFRESH_MS);
    if refresh_due {
        session.update_value(|s| s.refreshed_at = start);
        let _ = summaries.try_set(session.with_value(snapshot));
        next();
        return;
    }
    let mut more = true;
    let mut last_unit = 0.0;
    session.update_value(|s| {
        while more && now_ms() - start + last_unit < SLICE_MS {
            let began = now_ms();
            more = work_one(s);
            last_unit = now_ms() - began;
        }
    });
    if more {
        next();
    } else {
        let _ = summaries.try_set(session.with_value(snapshot));
        let _ = status.try_set(Status::Done);
    }
}

/// One chart canvas redrawn by one effect.
#[component]
fn LearnCanvas(data: Memo<LearnChart>, test_id: &'static str, label: Tr) -> impl IntoView {
    let node = NodeRef::<Canvas>::new();
    let (error, set_error) = signal(None::<String>);
    Effect::new(move |_| {
        let Some(canvas) = node.get() else {
            return;
        };
        let result = data.with(|d| draw(&canvas, d));
        set_error.set(result.err());
    });
    view! {
        <canvas node_ref=node class="learn-canvas" data-testid=test_id role="img" aria-label=show(label)
            data-curves=move || data.with(|d| d.curves.len().to_string())
            data-points=move || data.with(|d| d.curves.iter().map(|c| c.points.len()).sum::<usize>().to_string())
        ></canvas>
        <p class="notice" role="status">{move || error.get()}</p>
    }
}

/// The Learn view.
#[component]
pub fn LearnView() -> impl IntoView {
    let trained = use_context::<TrainedModels>();
    let task = RwSignal::new(Task::SelectiveCopy);
    let knob = RwSignal::new(Task::SelectiveCopy.knob_range().2 as f64);
    let families = RwSignal::new(Family::ALL.to_vec());
    let seed = RwSignal::new(DEFAULT_LEARN_SEED);
    let steps = RwSignal::new(DEFAULT_STEPS);
    if let Some(url) = crate::ui::url_state::url_state() {
        url.bind_choice(
            "task",
            task,
            Task::ALL.into_iter().map(|t| (t, t.id())).collect(),
        );
        url.bind_families("families", families);
        url.bind("seed", false, seed, u64::to_string, |raw| {
            crate::ui::url_state::parse_whole(raw, 0, (1u64 << 53) - 1)
        });
        let step_names = ["100", "250", "500", "1000", "2000"];
        url.bind_choice(
            "steps",
            steps,
            STEP_CHOICES.into_iter().zip(step_names).collect(),
        );
        // The knob's default follows the task (a link's own knob, read later, wins).
        knob.set(task.get_untracked().knob_range().2 as f64);
    }
    let (seed_notice, set_seed_notice) = signal(None::<String>);
    let status = RwSignal::new(Status::Idle);
    let summaries = RwSignal::new(Vec::<RunSummary>::new());
    let trained_on = RwSignal::new(None::<Settings>);
    let session = StoredValue::new(Session {
        settings: Settings {
            task: Task::SelectiveCopy,
            knob: 16,
            seed: DEFAULT_LEARN_SEED,
            steps: DEFAULT_STEPS,
        },
        runs: Vec::new(),
        evals: Vec::new(),
        generation: 0,
        refreshed_at: 0.0,
    });

    let start_loop = move || {
        let mine = session.with_value(|s| s.generation) + 1;
        session.update_value(|s| s.generation = mine);
        status.set(Status::Running);
        set_timeout(
            move || slice(session, mine, status, summaries),
            Duration::ZERO,
        );
    };
    let train = move |_| {
        let t = task.get_untracked();
        let settings = Settings {
            task: t,
            knob: t.clamp_knob(knob.get_untracked().round().max(0.0) as usize),
            seed: seed.get_untracked(),
            steps: steps.get_untracked(),
        };
        let chosen: Vec<Family> = Family::ALL
            .into_iter()
            .filter(|f| families.with_untracked(|fs| fs.contains(f)))
            .collect();
        let mut runs = Vec::new();
        let mut failed = Vec::new();
        for f in chosen {
            match Training::new(f, settings) {
                Ok(r) => runs.push(r),
                Err(e) => failed.push(RunSummary {
                    family: f,
                    parameters: 0,
                    losses: Vec::new(),
                    accuracies: Vec::new(),
                    eval: None,
                    error: Some(e),
                }),
            }
        }
        let count = runs.len();
        session.update_value(|s| {
            s.settings = settings;
            s.evals = vec![EvalTally::default(); count];
            s.runs = runs;
        });
        let mut shown = session.with_value(snapshot);
        shown.extend(failed);
        summaries.set(shown);
        trained_on.set(Some(settings));
        if count > 0 {
            start_loop();
        } else {
            status.set(Status::Idle);
        }
    };
    let pause = move |_| {
        if status.get_untracked() == Status::Running {
            status.set(Status::Paused);
            // The step in flight has finished (one thread): show exactly where it stopped.
            summaries.set(session.with_value(snapshot));
        }
    };
    let resume = move |_| {
        if status.get_untracked() == Status::Paused {
            start_loop();
        }
    };

    let steps_done = move || summaries.with(|s| s.iter().map(|r| r.losses.len()).sum::<usize>());
    let steps_total = move || {
        let n = summaries.with(|s| s.iter().filter(|r| r.error.is_none()).count());
        n * trained_on.with(|t| t.map_or(0, |t| t.steps))
    };
    let progress = move || {
        let total = steps_total();
        if total == 0 {
            0.0
        } else {
            steps_done() as f64 / total as f64
        }
    };

    let chart = move |accuracy: bool| {
        Memo::new(move |_| {
            let lang = lang();
            let x_max = trained_on.with(|t| t.map_or(100, |t| t.steps)) as f32;
            let chance_loss = (ANSWERS as f32).ln();
            let curves: Vec<Curve> = summaries.with(|s| {
                s.iter()
                    .filter(|r| !r.losses.is_empty())
                    .map(|r| Curve {
                        label: family_name(r.family, lang).to_string(),
                        colour: family_rgb(r.family),
                        points: bucketed(if accuracy { &r.accuracies } else { &r.losses }),
                    })
                    .collect()
            });
            if accuracy {
                LearnChart {
                    curves,
                    x_max,
                    y_range: (0.0, 1.0),
                    reference: Some((
                        1.0 / ANSWERS as f32,
                        lang.pick("chance (1/8)", "azar (1/8)").to_string(),
                    )),
                    y_desc: lang
                        .pick("accuracy on answers", "acierto en las respuestas")
                        .to_string(),
                    x_desc: lang
                        .pick("training step", "paso de entrenamiento")
                        .to_string(),
                }
            } else {
                let top = curves
                    .iter()
                    .flat_map(|c| c.points.iter().map(|p| p.1))
                    .filter(|v| v.is_finite())
                    .fold(chance_loss * 1.2, f32::max);
                LearnChart {
                    curves,
                    x_max,
                    y_range: (0.0, top),
                    reference: Some((
                        chance_loss,
                        lang.pick("chance (ln 8)", "azar (ln 8)").to_string(),
                    )),
                    y_desc: lang
                        .pick("cross-entropy (nats)", "entropía cruzada (nats)")
                        .to_string(),
                    x_desc: lang
                        .pick("training step", "paso de entrenamiento")
                        .to_string(),
                }
            }
        })
    };
    let loss_chart = chart(false);
    let accuracy_chart = chart(true);

    let example_line = move || {
        let shown = task.get();
        let k = shown.clamp_knob(knob.get().round().max(0.0) as usize);
        let e = example(shown, k, seed.get(), 0);
        let inputs: Vec<String> = e.tokens.iter().map(|&tok| shown.token_name(tok)).collect();
        let answers: Vec<String> = e
            .targets
            .iter()
            .map(|a| a.map_or("·".to_string(), |tok| shown.token_name(tok)))
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

    let current_view = use_context::<CurrentView>();
    // Hands a trained model to the Flow or Fading view (`view_id`) and goes there.
    let open_in = move |family: Family, view_id: &'static str| {
        let Some(trained) = trained else {
            return;
        };
        let found = session.with_value(|s| {
            let run = s.runs.iter().find(|r| r.model.family == family)?;
            let settings = s.settings;
            let params = run.model.params().ok()?;
            // The same model before training: `Training::new` initialises it from this seed.
            let initial = Trainable::new(family, settings.task.vocab(), settings.seed)
                .and_then(|m| m.params())
                .ok()?;
            let e = example(settings.task, settings.knob, settings.seed, 1 << 41);
            Some(TrainedModel {
                config: run.model.config.clone(),
                params: Shared::new(params),
                initial: Shared::new(initial),
                x: Shared::new(run.model.embed(&e.tokens)),
                tokens: e
                    .tokens
                    .iter()
                    .map(|&t| settings.task.token_name(t))
                    .collect(),
                origin: TrainedOrigin {
                    family,
                    steps: run.step_count(),
                    task: settings.task,
                    knob: settings.knob,
                    seed: settings.seed,
                },
            })
        });
        if let Some(model) = found {
            trained.0.set(Some(model));
            if let Some(current) = current_view {
                current.0.set(view_id);
            }
        }
    };

    let table = move || {
        let runs = summaries.get();
        let can_open = status.get() != Status::Running;
        let lang = lang();
        runs.into_iter()
            .map(|r| {
                let family = r.family;
                let last_loss = RunSummary::recent(&r.losses);
                let fmt = |v: Option<f32>, pct: bool| match v {
                    Some(v) if v.is_finite() && pct => format!("{:.0}%", v * 100.0),
                    Some(v) if v.is_finite() => format!("{v:.3}"),
                    Some(_) => lang.pick("not finite", "no finito").to_string(),
                    None => "–".to_string(),
                };
                let (c_r, c_g, c_b) = family_rgb(family);
                view! {
                    <tr data-testid=format!("learn-row-{}", family.id())>
                        <td><span class="swatch" style=format!("background: rgb({c_r},{c_g},{c_b})")></span>{family_name(family, lang)}</td>
                        <td>{r.parameters.to_string()}</td>
                        <td>{r.losses.len().to_string()}</td>
                        <td>{fmt(last_loss, false)}</td>
                        <td>{fmt(RunSummary::recent(&r.accuracies), true)}</td>
                        <td data-testid=format!("learn-eval-{}", family.id())>{match (&r.error, r.eval) {
                            (Some(e), _) => core_error_in(e, lang),
                            (None, Some(e)) => match lang {
                                Lang::En => format!("{:.0}% (loss {:.3})", e.accuracy * 100.0, e.loss),
                                Lang::Es => format!("{:.0}% (pérdida {:.3})", e.accuracy * 100.0, e.loss),
                            },
                            (None, None) => lang.pick("after training", "al terminar").to_string(),
                        }}</td>
                        <td class="learn-open"><button data-testid=format!("learn-open-flow-{}", family.id())
                            disabled=!can_open || r.losses.is_empty()
                            on:click=move |_| open_in(family, "flow")>{lang.pick("Open in Flow", "Abrir en Flujo")}</button>
                            <button data-testid=format!("learn-open-fading-{}", family.id())
                            disabled=!can_open || r.losses.is_empty()
                            on:click=move |_| open_in(family, "fading")>{lang.pick("Open in Fading", "Abrir en Desvanecimiento")}</button></td>
                    </tr>
                }
            })
            .collect_view()
    };

    let literature = move || {
        let settings = trained_on.get();
        let runs = summaries.get();
        let done = status.get() == Status::Done;
        let lang = lang();
        match settings {
            None => view! { <p>{lang.pick("Train some models to compare them with these findings.", "Entrena algunos modelos para compararlos con estos resultados.")}</p> }.into_any(),
            Some(s) => verdicts(s.task, s.knob, &runs, done, lang)
                .into_iter()
                .enumerate()
                .map(|(i, (claim, verdict))| view! {
                    <div class="finding">
                        <p class="claim">{claim}</p>
                        <p class="verdict" data-testid=format!("learn-verdict-{i}")>{verdict}</p>
                    </div>
                })
                .collect_view()
                .into_any(),
        }
    };

    let params_line = move || {
        let t = task.get();
        let lang = lang();
        Family::ALL
            .iter()
            .map(|&f| {
                let n = Trainable::new(f, t.vocab(), 0)
                    .map(|m| m.parameter_count())
                    .unwrap_or(0);
                let (_, d) = learn_config(f);
                format!("{} {} (d = {d})", family_name(f, lang), n)
            })
            .collect::<Vec<_>>()
            .join(" · ")
    };

    view! {
        <section class="view" data-testid="view-learn">
            <h2>{t("Learn: which families can remember?", "Aprender: ¿qué familias pueden recordar?")}</h2>
            <p class="intro">
                {t("Each family is trained here, in your browser, with Adam on cross-entropy at the answer positions: \
                a token embedding, the family's block (the same weights the other views run) and an output layer, \
                each with about 2–5 thousand parameters. Every step draws a fresh batch of 32 examples from the seed, \
                so the curves are also held-out figures. Nothing is scripted: the results are whatever these runs produce.",
                "Cada familia se entrena aquí, en tu navegador, con Adam sobre la entropía cruzada en las posiciones de respuesta: \
                un embedding de tokens, el bloque de la familia (los mismos pesos que usan las otras vistas) y una capa de salida, \
                cada uno con unos 2–5 mil parámetros. Cada paso genera a partir de la semilla un lote nuevo de 32 ejemplos, \
                así que las curvas también miden ejemplos no vistos. Nada está preparado de antemano: los resultados son lo que den estas ejecuciones.")}
            </p>
            <div class="learn-controls">
                <label>{t("task ", "tarea ")}
                    <select data-testid="learn-task"
                        prop:value=move || task.get().id()
                        on:change:target=move |ev| {
                            if let Some(t) = Task::from_id(&ev.target().value()) {
                                task.set(t);
                                knob.set(t.knob_range().2 as f64);
                            }
                        }>
                        {Task::ALL.into_iter().map(|t| view! { <option value=t.id()>{show(task_name(t))}</option> }).collect_view()}
                    </select>
                </label>
                {move || {
                    let t = task.get();
                    let (lo, hi, _) = t.knob_range();
                    view! { <Slider label=knob_label(t) param="learn-knob" unit=tr("tokens", "tokens") min=lo as f64 max=hi as f64 step=1.0 value=knob /> }
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
                            match raw.trim().parse::<u64>() {
                                Ok(v) if v < (1u64 << 53) => { seed.set(v); set_seed_notice.set(None); }
                                _ => set_seed_notice.set(Some(raw)),
                            }
                        } />
                </label>
            </div>
            <p class="notice" role="status">{move || seed_notice.get().map(|raw| match lang() {
                Lang::En => format!("“{raw}” is not a seed: use a whole number from 0 to 2⁵³ − 1."),
                Lang::Es => format!("«{raw}» no es una semilla: usa un número entero de 0 a 2⁵³ − 1."),
            })}</p>
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
            <p class="caption">{move || task_description(task.get()).now()}</p>
            <details class="learn-example-box">
                <summary>{t("An example of the task (seed, example 0)", "Un ejemplo de la tarea (semilla, ejemplo 0)")}</summary>
                {example_line}
            </details>
            <p class="caption" data-testid="learn-params">{move || match lang() {
                Lang::En => format!("Trained parameters: {}.", params_line()),
                Lang::Es => format!("Parámetros entrenados: {}.", params_line()),
            }}</p>
            <div class="learn-buttons">
                <button data-testid="learn-train" on:click=train
                    disabled=move || families.with(|f| f.is_empty())>
                    {move || if status.get() == Status::Idle { tr("Train", "Entrenar").now() } else { tr("Train again (restart)", "Entrenar de nuevo (desde cero)").now() }}
                </button>
                <button data-testid="learn-pause" on:click=pause disabled=move || status.get() != Status::Running>{t("Pause", "Pausar")}</button>
                <button data-testid="learn-resume" on:click=resume disabled=move || status.get() != Status::Paused>{t("Resume", "Continuar")}</button>
                <progress data-testid="learn-progress" max="1" prop:value=progress
                    data-steps=move || steps_done().to_string()
                    data-status=move || format!("{:?}", status.get()).to_lowercase()></progress>
                <span class="learn-status" role="status">{move || {
                    let (done, total) = (steps_done(), steps_total());
                    match (status.get(), lang()) {
                        (Status::Idle, lang) => lang.pick("Choose a task and families, then press Train.", "Elige una tarea y las familias, y pulsa Entrenar.").to_string(),
                        (Status::Running, Lang::En) => format!("training… {done} / {total} steps"),
                        (Status::Running, Lang::Es) => format!("entrenando… {done} / {total} pasos"),
                        (Status::Paused, Lang::En) => format!("paused at {done} / {total} steps"),
                        (Status::Paused, Lang::Es) => format!("en pausa en {done} / {total} pasos"),
                        (Status::Done, Lang::En) => format!("done: {total} steps; held-out accuracy on {EVAL_EXAMPLES} new examples in the table"),
                        (Status::Done, Lang::Es) => format!("terminado: {total} pasos; el acierto en {EVAL_EXAMPLES} ejemplos nuevos está en la tabla"),
                    }
                }}</span>
            </div>
            <p class="caption expectation">{move || expectation(task.get()).now()}</p>
            <div class="learn-charts">
                <figure>
                    <LearnCanvas data=loss_chart test_id="learn-loss-chart" label=tr("Training loss per model against the step", "Pérdida de entrenamiento de cada modelo según el paso") />
                    <figcaption>{t("Loss per model (means over buckets of steps). The dashed line is guessing among the 8 possible answers.", "Pérdida de cada modelo (medias sobre grupos de pasos). La línea discontinua es adivinar al azar entre las 8 respuestas posibles.")}</figcaption>
                </figure>
                <figure>
                    <LearnCanvas data=accuracy_chart test_id="learn-accuracy-chart" label=tr("Accuracy on the answers per model against the step", "Acierto en las respuestas de cada modelo según el paso") />
                    <figcaption>{t("Accuracy at the answer positions of each step's fresh batch.", "Acierto en las posiciones de respuesta del lote nuevo de cada paso.")}</figcaption>
                </figure>
            </div>
            <table class="learn-table" data-testid="learn-table">
                <thead><tr>
                    <th>{t("model", "modelo")}</th><th>{t("parameters", "parámetros")}</th><th>{t("steps", "pasos")}</th>
                    <th>{t("loss (last 50 steps)", "pérdida (últimos 50 pasos)")}</th>
                    <th>{t("accuracy (last 50 steps)", "acierto (últimos 50 pasos)")}</th>
                    <th>{move || match lang() {
                        Lang::En => format!("held-out accuracy ({EVAL_EXAMPLES} examples)"),
                        Lang::Es => format!("acierto en ejemplos nuevos ({EVAL_EXAMPLES} ejemplos)"),
                    }}</th><th></th>
                </tr></thead>
                <tbody>{table}</tbody>
            </table>
            <section class="learn-literature" data-testid="learn-literature">
                <h3>{t("Against the literature", "Frente a la literatura")}</h3>
                {literature}
            </section>
        </section>
    }
}
