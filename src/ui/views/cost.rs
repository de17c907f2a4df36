//! Cost view: what each model costs as the sequence grows — counted (multiply-adds, depth,
//! memory per generated token) and measured (the real trace-free forward pass timed in this
//! browser), with the fitted growth exponent next to the expected one.
//!
//! The measurement is time-sliced: one batch of forward passes per animation frame, each batch
//! sized to ≈ 12 ms, so the page keeps drawing. The transformer's pass grows as n² and is run
//! in slices from the point where one pass would outlast a batch (`transformer::SlicedForward`:
//! Q/K/V, one head × 256 query rows, W_O + MLP), as many slices per frame as fit in ≈ 12 ms;
//! its time is the sum of its slices' times. The other families' passes are one call: a point
//! whose one pass is predicted to take longer than 50 ms is not run, and the view says so.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use leptos::html::Canvas;
use leptos::leptos_dom::helpers::request_animation_frame;
use leptos::prelude::*;
use ndarray::Array2;
use wasm_bindgen::JsCast;

use super::ViewEntry;
use crate::core::cost::{
    expected_exponent, fitted_exponent, forwards_per_batch, measurements_csv, median, theory_table,
    Measurement, Metric, TheoryRow, D_MODEL, FIT_MIN_LEN, MEASURE_LENS, THEORY_LENS,
};
use crate::core::models::family::{Family, ModelConfig, ModelParams};
use crate::core::models::transformer::SlicedForward;
use crate::core::rng::{normal_matrix, rng_for};
use crate::ui::charts::cost::{draw, ChartData, Series};
use crate::ui::i18n::{core_error_in, family_name, lang, show, t, tr, Lang, Tr};
use crate::ui::palette::family_css;
use crate::ui::state::SharedInput;
use crate::ui::widgets::format::display_number;
use crate::ui::widgets::slider::Slider;

/// Registry entry of the Cost view.
pub const ENTRY: ViewEntry = ViewEntry {
    id: "cost",
    title: tr("Cost", "Coste"),
    render: || view! { <CostView/> }.into_any(),
};

/// Batches timed per point; the point is their median.
const BATCHES: usize = 5;
/// Wall time one batch aims for (one batch runs per frame).
const BATCH_TARGET_MS: f64 = 12.0;
/// A forward pass predicted longer than this is not run: it would freeze the page.
const BLOCK_LIMIT_MS: f64 = 50.0;
/// A point is skipped when its predicted pass is longer than this (the prediction from the
/// counted multiply-adds is rough, so it gets a margin over [`BLOCK_LIMIT_MS`]).
const PREDICTED_LIMIT_MS: f64 = 62.5;

/// How each family's forward pass computes the sequence mixing (the form that is timed).
fn form_timed(family: Family) -> Tr {
    match family {
        Family::Cnn => tr(
            "causal convolution, 3 layers × kernel 3",
            "convolución causal, 3 capas × núcleo 3",
        ),
        Family::Transformer => tr(
            "causal softmax attention, 2 layers, full n×n scores",
            "atención softmax causal, 2 capas, puntuaciones n×n completas",
        ),
        Family::Rnn => tr(
            "tanh recurrence, stepped in time",
            "recurrencia tanh, paso a paso en el tiempo",
        ),
        Family::LinearRnn => tr(
            "diagonal recurrence, stepped in time",
            "recurrencia diagonal, paso a paso en el tiempo",
        ),
        Family::S4d => tr(
            "recurrence (Eqn 2a); a direct convolution would be 2, FFT n log n",
            "recurrencia (ec. 2a); una convolución directa sería 2, con FFT n log n",
        ),
        Family::Mamba => tr(
            "selective scan, stepped in time",
            "scan selectivo, paso a paso en el tiempo",
        ),
    }
}

/// A counted quantity's name in `lang` (the core names it in English).
fn metric_label(metric: Metric, lang: Lang) -> &'static str {
    match metric {
        Metric::MultiplyAdds => lang.pick(
            metric.label(),
            "multiplicaciones-sumas por pasada hacia delante",
        ),
        Metric::SequentialDepth => lang.pick(
            metric.label(),
            "profundidad secuencial (pasos, tal como se calcula)",
        ),
        Metric::ParallelDepth => lang.pick(
            metric.label(),
            "profundidad paralela (pasos, con el mejor algoritmo paralelo)",
        ),
        Metric::Memory => lang.pick(
            metric.label(),
            "memoria por token generado (números en coma flotante)",
        ),
    }
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// What the run shows while and after it works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RunState {
    Idle,
    Running,
    Done,
    Cancelled,
}

impl RunState {
    fn id(self) -> &'static str {
        match self {
            RunState::Idle => "idle",
            RunState::Running => "running",
            RunState::Done => "done",
            RunState::Cancelled => "cancelled",
        }
    }
}

/// The signals the measurement writes.
#[derive(Clone, Copy)]
struct RunSignals {
    state: RwSignal<RunState>,
    /// (finished batches, total batches planned)
    progress: RwSignal<(usize, usize)>,
    results: RwSignal<Vec<Measurement>>,
    /// Warnings in (English, Spanish) — a model not run, an error: written by the runner,
    /// outside any reactive owner.
    notes: RwSignal<Vec<(String, String)>>,
    /// How a point was measured (the transformer's slices): information, not a warning.
    method_notes: RwSignal<Vec<(String, String)>>,
}

/// The measurement in progress: a queue of (family, n) points, one batch per frame.
struct Runner {
    generation: u64,
    seed: u64,
    jobs: Vec<(Family, usize)>,
    job: usize,
    params: Option<(Family, ModelParams)>,
    x: Option<Array2<f32>>,
    per_batch: usize,
    samples: Vec<f64>,
    /// Families with a point skipped: their longer points are skipped too.
    stopped: Vec<Family>,
    batches_done: usize,
    /// The transformer pass being run in slices, if any.
    slicing: PassInSlices,
}

/// One transformer forward pass run in slices across frames.
#[derive(Default)]
struct PassInSlices {
    pass: Option<SlicedForward>,
    /// Sum of the finished slices' times of `pass`, ms.
    pass_ms: f64,
    /// Longest single slice of the whole measurement, and how many slices ran.
    longest_slice_ms: f64,
    slices: usize,
    /// The shortest n run in slices.
    sliced_from: Option<usize>,
}

impl PassInSlices {
    /// Runs slices of a pass over `x` until `budget_ms` of this frame is used or the pass is
    /// complete; returns the pass's time (sum of its slices) when it completed.
    fn run_for(
        &mut self,
        params: &crate::core::models::transformer::Params,
        x: &Array2<f32>,
        budget_ms: f64,
    ) -> crate::core::error::CoreResult<Option<f64>> {
        let frame_start = now_ms();
        loop {
            let pass = match self.pass.as_mut() {
                Some(pass) => pass,
                None => {
                    self.pass_ms = 0.0;
                    self.pass.insert(SlicedForward::new(params, x.view())?)
                }
            };
            let start = now_ms();
            let done = pass.step(params);
            let slice_ms = now_ms() - start;
            self.pass_ms += slice_ms;
            self.longest_slice_ms = self.longest_slice_ms.max(slice_ms);
            self.slices += 1;
            if done? {
                self.pass = None;
                return Ok(Some(self.pass_ms));
            }
            // Stop when another slice like this one would overrun the frame's budget.
            if now_ms() - frame_start + slice_ms >= budget_ms {
                return Ok(None);
            }
        }
    }
}

/// Predicted time of one forward pass of the current job, from the family's last point
/// scaled by the counted multiply-adds.
fn predicted_ms(results: &[Measurement], family: Family, len: usize) -> Option<f64> {
    let last = results.iter().rev().find(|m| m.family == family)?;
    let config = ModelConfig::default_for(family);
    let ratio = config.cost(D_MODEL, len).multiply_adds as f64
        / config.cost(D_MODEL, last.len).multiply_adds.max(1) as f64;
    Some(last.median_ms * ratio)
}

enum Tick {
    Continue,
    Finished,
}

impl Runner {
    fn skip_rest_of(&mut self, family: Family) {
        self.stopped.push(family);
        self.advance();
    }

    fn advance(&mut self) {
        self.job += 1;
        self.x = None;
        self.samples.clear();
        self.per_batch = 0;
        self.slicing.pass = None;
    }

    /// Says which passes ran in slices and how long the longest slice blocked the page.
    fn note_slicing(&self, ui: RunSignals) {
        let Some(from) = self.slicing.sliced_from else {
            return;
        };
        let (name, es) = (
            family_name(Family::Transformer, Lang::En),
            family_name(Family::Transformer, Lang::Es),
        );
        let (slices, ms) = (
            self.slicing.slices,
            display_number(self.slicing.longest_slice_ms as f32),
        );
        ui.method_notes.update(|n| {
            n.push((
                format!(
                    "{name} from n = {from}: each forward pass ran in slices across frames (Q/K/V, \
                     one head × 256 query rows, W_O + MLP) — {slices} slices, the longest {ms} ms; \
                     a point's time is the sum of its slices' times."
                ),
                format!(
                    "{es} desde n = {from}: cada pasada hacia delante se ejecutó en porciones repartidas \
                     entre fotogramas (Q/K/V, una cabeza × 256 filas de consulta, W_O + MLP) — {slices} \
                     porciones, la más larga {ms} ms; el tiempo de un punto es la suma de sus porciones."
                ),
            ))
        });
    }

    /// Records one timed batch (or sliced pass) and, after [`BATCHES`], the point.
    fn record_batch(&mut self, family: Family, len: usize, ms_per_forward: f64, ui: RunSignals) {
        self.samples.push(ms_per_forward);
        self.batches_done += 1;
        ui.progress.update(|p| p.0 = self.batches_done);
        if self.samples.len() >= BATCHES {
            if let Some(median_ms) = median(&self.samples) {
                let point = Measurement {
                    family,
                    len,
                    median_ms,
                    batches: self.samples.len(),
                    forwards_per_batch: self.per_batch.max(1),
                };
                ui.results.update(|r| r.push(point));
            }
            self.advance();
        }
    }

    /// Does one slice of work (≤ one batch) and reports whether more is left.
    fn tick(&mut self, ui: RunSignals) -> Tick {
        let Some(&(family, len)) = self.jobs.get(self.job) else {
            self.note_slicing(ui);
            return Tick::Finished;
        };
        if self.stopped.contains(&family) {
            self.advance();
            return Tick::Continue;
        }
        if self.params.as_ref().map(|p| p.0) != Some(family) {
            match ModelConfig::default_for(family).init(D_MODEL, self.seed) {
                Ok(params) => self.params = Some((family, params)),
                Err(e) => {
                    let name = family_name(family, Lang::En);
                    let es = family_name(family, Lang::Es);
                    let (e_en, e_es) = (core_error_in(&e, Lang::En), core_error_in(&e, Lang::Es));
                    ui.notes.update(|n| {
                        n.push((
                            format!("{name}: not run ({e_en})."),
                            format!("{es}: no se ejecutó ({e_es})."),
                        ))
                    });
                    self.skip_rest_of(family);
                    return Tick::Continue;
                }
            }
        }
        let Some((_, params)) = self.params.as_ref() else {
            return Tick::Continue;
        };
        let x = self.x.get_or_insert_with(|| {
            normal_matrix(
                &mut rng_for(self.seed, &format!("cost/x/{len}")),
                len,
                D_MODEL,
                1.0,
            )
        });
        let predicted = ui.results.with_untracked(|r| predicted_ms(r, family, len));
        if let ModelParams::Transformer(transformer) = params {
            // Sliced from where one pass would outlast a batch: never one long block.
            if self.slicing.pass.is_some() || predicted.is_some_and(|ms| ms > BATCH_TARGET_MS) {
                self.slicing.sliced_from.get_or_insert(len);
                match self.slicing.run_for(transformer, x, BATCH_TARGET_MS) {
                    Ok(Some(pass_ms)) => self.record_batch(family, len, pass_ms, ui),
                    Ok(None) => {}
                    Err(e) => {
                        let (name, es) =
                            (family_name(family, Lang::En), family_name(family, Lang::Es));
                        let (e_en, e_es) =
                            (core_error_in(&e, Lang::En), core_error_in(&e, Lang::Es));
                        ui.notes.update(|n| {
                            n.push((
                                format!("{name} at n = {len}: {e_en}"),
                                format!("{es} con n = {len}: {e_es}"),
                            ))
                        });
                        self.skip_rest_of(family);
                    }
                }
                return Tick::Continue;
            }
        }
        if self.per_batch == 0 {
            // Calibration: predict, then run one pass to size the batches.
            if let Some(ms) = predicted.filter(|ms| *ms > PREDICTED_LIMIT_MS) {
                let (name, es) = (family_name(family, Lang::En), family_name(family, Lang::Es));
                let ms = display_number(ms as f32);
                ui.notes.update(|n| {
                    n.push((
                        format!(
                            "{name} at n = {len} and above: not run in the browser — one forward pass \
                             would take ≈ {ms} ms (> {BLOCK_LIMIT_MS} ms), freezing the page, and the \
                             core forward cannot be split across frames. Native timings: BENCHMARKS.md."
                        ),
                        format!(
                            "{es} con n = {len} o más: no se ejecuta en el navegador — una pasada hacia delante \
                             tardaría ≈ {ms} ms (> {BLOCK_LIMIT_MS} ms) y congelaría la página, y la pasada \
                             del núcleo no puede repartirse entre fotogramas. Tiempos nativos: BENCHMARKS.md."
                        ),
                    ))
                });
                self.skip_rest_of(family);
                return Tick::Continue;
            }
            let start = now_ms();
            if let Err(e) = params.forward(x.view()) {
                let (name, es) = (family_name(family, Lang::En), family_name(family, Lang::Es));
                let (e_en, e_es) = (core_error_in(&e, Lang::En), core_error_in(&e, Lang::Es));
                ui.notes.update(|n| {
                    n.push((
                        format!("{name} at n = {len}: {e_en}"),
                        format!("{es} con n = {len}: {e_es}"),
                    ))
                });
                self.skip_rest_of(family);
                return Tick::Continue;
            }
            let single = now_ms() - start;
            if single > BLOCK_LIMIT_MS {
                // Already run once: keep that single pass as the point, run nothing longer.
                ui.results.update(|r| {
                    r.push(Measurement {
                        family,
                        len,
                        median_ms: single,
                        batches: 1,
                        forwards_per_batch: 1,
                    })
                });
                let (name, es) = (family_name(family, Lang::En), family_name(family, Lang::Es));
                let ms = display_number(single as f32);
                ui.notes.update(|n| {
                    n.push((
                        format!(
                            "{name} at n = {len}: one forward pass took {ms} ms (> {BLOCK_LIMIT_MS} ms — the \
                             page froze that long once); this point is that single pass, longer n \
                             not run."
                        ),
                        format!(
                            "{es} con n = {len}: una pasada hacia delante tardó {ms} ms (> {BLOCK_LIMIT_MS} ms — la \
                             página se congeló ese tiempo una vez); este punto es esa única pasada y no se \
                             ejecutan n mayores."
                        ),
                    ))
                });
                self.skip_rest_of(family);
                return Tick::Continue;
            }
            self.per_batch = forwards_per_batch(single, BATCH_TARGET_MS, 4096);
            return Tick::Continue;
        }
        let start = now_ms();
        for _ in 0..self.per_batch {
            if params.forward(x.view()).is_err() {
                break;
            }
        }
        let elapsed = now_ms() - start;
        self.record_batch(family, len, elapsed / self.per_batch as f64, ui);
        Tick::Continue
    }
}

/// Runs one tick per animation frame until done or the generation changes (cancel, unmount).
fn schedule(runner: Arc<Mutex<Runner>>, live: Arc<AtomicU64>, ui: RunSignals) {
    request_animation_frame(move || {
        let finished = {
            let Ok(mut r) = runner.lock() else {
                return;
            };
            if r.generation != live.load(Ordering::Relaxed) {
                return;
            }
            matches!(r.tick(ui), Tick::Finished)
        };
        if finished {
            ui.progress.update(|p| p.0 = p.1);
            ui.state.set(RunState::Done);
        } else {
            schedule(runner, live, ui);
        }
    });
}

fn length_axis(lang: Lang) -> String {
    lang.pick("sequence length n", "longitud de la secuencia n")
        .to_string()
}

fn theory_chart(tables: &[(Family, Vec<TheoryRow>)], metric: Metric, lang: Lang) -> ChartData {
    ChartData {
        x_label: length_axis(lang),
        y_label: metric_label(metric, lang).into(),
        x_range: (16.0, 65536.0),
        series: tables
            .iter()
            .map(|(family, rows)| Series {
                family: *family,
                points: rows
                    .iter()
                    .map(|r| (r.len as f64, metric.of(&r.cost) as f64))
                    .collect(),
                guide: vec![],
                dots: false,
            })
            .collect(),
    }
}

fn measured_chart(results: &[Measurement], lang: Lang) -> ChartData {
    let series = Family::ALL
        .iter()
        .map(|&family| {
            let points: Vec<(f64, f64)> = results
                .iter()
                .filter(|m| m.family == family)
                .map(|m| (m.len as f64, m.median_ms))
                .collect();
            // Counted multiply-adds, scaled through the longest measured point.
            let guide = match points.last() {
                Some(&(n_last, t_last)) => {
                    let config = ModelConfig::default_for(family);
                    let at = |n: usize| config.cost(D_MODEL, n).multiply_adds as f64;
                    let scale = t_last / at(n_last as usize).max(1.0);
                    MEASURE_LENS
                        .iter()
                        .map(|&n| (n as f64, at(n) * scale))
                        .collect()
                }
                None => vec![],
            };
            Series {
                family,
                points,
                guide,
                dots: true,
            }
        })
        .collect();
    ChartData {
        x_label: length_axis(lang),
        y_label: lang
            .pick(
                "ms per forward pass (median)",
                "ms por pasada hacia delante (mediana)",
            )
            .into(),
        x_range: (64.0, 4096.0),
        series,
    }
}

fn points_json(results: &[Measurement]) -> String {
    let items: Vec<String> = results
        .iter()
        .map(|m| {
            format!(
                "{{\"model\":\"{}\",\"n\":{},\"ms\":{}}}",
                m.family.id(),
                m.len,
                if m.median_ms.is_finite() {
                    format!("{}", m.median_ms)
                } else {
                    "null".into()
                }
            )
        })
        .collect();
    format!("[{}]", items.join(","))
}

fn slopes_json(results: &[Measurement]) -> String {
    let items: Vec<String> = Family::ALL
        .iter()
        .map(|&f| {
            let slope = fitted_exponent(results, f, FIT_MIN_LEN)
                .map_or("null".to_string(), |s| format!("{s}"));
            format!("\"{}\":{slope}", f.id())
        })
        .collect();
    format!("{{{}}}", items.join(","))
}

/// Offers `text` as a file download through a Blob URL.
fn download_csv(text: &str) -> Result<(), String> {
    let err = |e: wasm_bindgen::JsValue| format!("{e:?}");
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).map_err(err)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(err)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let anchor: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(err)?
        .dyn_into()
        .map_err(|_| "not an anchor".to_string())?;
    anchor.set_href(&url);
    anchor.set_download("seqmix-cost.csv");
    anchor.click();
    leptos::leptos_dom::helpers::set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(10),
    );
    Ok(())
}

/// Counted and measured cost of every model against the sequence length.
#[component]
pub fn CostView() -> impl IntoView {
    let input = expect_context::<SharedInput>();
    let metric = RwSignal::new(Metric::MultiplyAdds);
    let n_max = RwSignal::new(4096.0);
    if let Some(url) = crate::ui::url_state::url_state() {
        url.bind_choice(
            "metric",
            metric,
            Metric::ALL.into_iter().map(|m| (m, m.id())).collect(),
        );
    }
    let tables: Arc<Vec<(Family, Vec<TheoryRow>)>> = Arc::new(
        Family::ALL
            .iter()
            .map(|&f| {
                (
                    f,
                    theory_table(&ModelConfig::default_for(f), D_MODEL, &THEORY_LENS),
                )
            })
            .collect(),
    );
    let theory_data = {
        let tables = Arc::clone(&tables);
        Memo::new(move |_| theory_chart(&tables, metric.get(), lang()))
    };
    let ui = RunSignals {
        state: RwSignal::new(RunState::Idle),
        progress: RwSignal::new((0, 0)),
        results: RwSignal::new(Vec::new()),
        notes: RwSignal::new(Vec::new()),
        method_notes: RwSignal::new(Vec::new()),
    };
    let measured_data = Memo::new(move |_| {
        let lang = lang();
        ui.results.with(|r| measured_chart(r, lang))
    });
    let live = Arc::new(AtomicU64::new(0));
    {
        let live = Arc::clone(&live);
        on_cleanup(move || {
            live.fetch_add(1, Ordering::Relaxed);
        });
    }

    let theory_canvas = NodeRef::<Canvas>::new();
    let measured_canvas = NodeRef::<Canvas>::new();
    let chart_error = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let Some(canvas) = theory_canvas.get() else {
            return;
        };
        theory_data.with(|d| {
            if let Err(e) = draw(&canvas, d) {
                chart_error.set(Some(format!(
                    "{} {e}",
                    tr("Theory chart not drawn:", "Gráfico teórico no dibujado:").now()
                )));
            }
        });
    });
    Effect::new(move |_| {
        let Some(canvas) = measured_canvas.get() else {
            return;
        };
        measured_data.with(|d| {
            if let Err(e) = draw(&canvas, d) {
                chart_error.set(Some(format!(
                    "{} {e}",
                    tr("Measured chart not drawn:", "Gráfico medido no dibujado:").now()
                )));
            }
        });
    });

    let lens = move || {
        let max = n_max.get();
        MEASURE_LENS
            .iter()
            .copied()
            .filter(|&n| n as f64 <= max * 1.01)
            .collect::<Vec<_>>()
    };
    let start = {
        let live = Arc::clone(&live);
        move |_| {
            let generation = live.fetch_add(1, Ordering::Relaxed) + 1;
            let lens = lens();
            let jobs: Vec<(Family, usize)> = Family::ALL
                .iter()
                .flat_map(|&f| lens.iter().map(move |&n| (f, n)))
                .collect();
            ui.results.set(Vec::new());
            ui.notes.set(Vec::new());
            ui.method_notes.set(Vec::new());
            ui.progress.set((0, jobs.len() * BATCHES));
            ui.state.set(RunState::Running);
            let runner = Runner {
                generation,
                seed: input.seed.get_untracked(),
                jobs,
                job: 0,
                params: None,
                x: None,
                per_batch: 0,
                samples: Vec::new(),
                stopped: Vec::new(),
                batches_done: 0,
                slicing: PassInSlices::default(),
            };
            schedule(Arc::new(Mutex::new(runner)), Arc::clone(&live), ui);
        }
    };
    let cancel = {
        let live = Arc::clone(&live);
        move |_| {
            live.fetch_add(1, Ordering::Relaxed);
            ui.state.set(RunState::Cancelled);
        }
    };
    let csv_notice = RwSignal::new(None::<(String, String)>);
    let download = move |_| {
        let text = ui.results.with(|r| measurements_csv(r, D_MODEL));
        csv_notice.set(download_csv(&text).err().map(|e| {
            (
                format!("CSV not saved: {e}"),
                format!("No se guardó el CSV: {e}"),
            )
        }));
    };
    let running = move || ui.state.get() == RunState::Running;
    let has_results = move || ui.results.with(|r| !r.is_empty());
    let percent = move || {
        let (done, total) = ui.progress.get();
        if total == 0 {
            0.0
        } else {
            100.0 * done as f64 / total as f64
        }
    };
    let status = move || {
        let points = ui.results.with(|r| r.len());
        match (ui.state.get(), lang()) {
            (RunState::Idle, Lang::En) => "Not run yet.".to_string(),
            (RunState::Idle, Lang::Es) => "Aún no se ha ejecutado.".to_string(),
            (RunState::Running, Lang::En) => format!("Measuring… {:.0} %", percent()),
            (RunState::Running, Lang::Es) => format!("Midiendo… {:.0} %", percent()),
            (RunState::Done, Lang::En) => format!("Done: {points} points."),
            (RunState::Done, Lang::Es) => format!("Hecho: {points} puntos."),
            (RunState::Cancelled, Lang::En) => format!("Cancelled after {points} points."),
            (RunState::Cancelled, Lang::Es) => format!("Cancelado tras {points} puntos."),
        }
    };

    let theory_rows = {
        let tables = Arc::clone(&tables);
        move || {
            let m = metric.get();
            THEORY_LENS
                .iter()
                .enumerate()
                .map(|(row, &n)| {
                    let cells = tables
                        .iter()
                        .map(|(f, rows)| {
                            let v = m.of(&rows[row].cost);
                            view! {
                                <td data-testid=format!("theory-{}-{n}", f.id()) data-value=v.to_string()>
                                    {if v < 100_000 { v.to_string() } else { display_number(v as f32) }}
                                </td>
                            }
                        })
                        .collect_view();
                    view! { <tr><th scope="row">{n}</th>{cells}</tr> }
                })
                .collect_view()
        }
    };
    let measured_rows = move || {
        let lens = lens();
        ui.results.with(|results| {
            lens.iter()
                .map(|&n| {
                    let cells = Family::ALL
                        .iter()
                        .map(|&f| {
                            let point = results.iter().find(|m| m.family == f && m.len == n);
                            let (text, value) = match point {
                                Some(m) => (display_number(m.median_ms as f32), m.median_ms.to_string()),
                                None => ("—".to_string(), String::new()),
                            };
                            view! { <td data-testid=format!("measured-{}-{n}", f.id()) data-value=value>{text}</td> }
                        })
                        .collect_view();
                    view! { <tr><th scope="row">{n}</th>{cells}</tr> }
                })
                .collect_view()
        })
    };
    let slope_rows = move || {
        ui.results.with(|results| {
            Family::ALL
                .iter()
                .map(|&f| {
                    let expected = expected_exponent(f);
                    let fitted = fitted_exponent(results, f, FIT_MIN_LEN);
                    let (text, value, verdict) = match fitted {
                        Some(p) => (
                            format!("{p:.2}"),
                            format!("{p}"),
                            if (p - expected).abs() <= 0.3 { tr("within ±0.3", "dentro de ±0.3") } else { tr("off by more than 0.3", "se aleja más de 0.3") },
                        ),
                        None => ("—".to_string(), String::new(), tr("needs two points with n ≥ 512", "necesita dos puntos con n ≥ 512")),
                    };
                    view! {
                        <tr>
                            <th scope="row"><span class="cost-swatch" style=format!("background:{}", family_css(f))></span>{move || family_name(f, lang())}</th>
                            <td>{show(form_timed(f))}</td>
                            <td>{format!("{expected:.0}")}</td>
                            <td data-testid=format!("cost-slope-{}", f.id()) data-value=value>{text}</td>
                            <td>{show(verdict)}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    let header_cells = || {
        Family::ALL
            .iter()
            .map(|f| view! { <th scope="col"><span class="cost-swatch" style=format!("background:{}", family_css(*f))></span>{let f = *f; move || family_name(f, lang())}</th> })
            .collect_view()
    };

    view! {
        <section class="view cost" data-testid="view-cost">
            <h2>{t("Cost: what each model pays as the sequence grows", "Coste: lo que paga cada modelo cuando crece la secuencia")}</h2>
            <p>
                {t("What each model costs as the sequence grows, at d_model = 16 with each model's default settings. \
                Look at the slopes: on log-log axes a cost growing like nᵖ is a straight line of slope p. \
                Attention's work grows as n² and its memory per generated token (the KV cache) grows with n; \
                every recurrence keeps a fixed state, so its memory per token stays flat.",
                "Lo que cuesta cada modelo cuando crece la secuencia, con d_model = 16 y los ajustes por defecto de cada modelo. \
                Fíjate en las pendientes: en ejes log-log, un coste que crece como nᵖ es una recta de pendiente p. \
                El trabajo de la atención crece como n² y su memoria por token generado (la caché KV) crece con n; \
                toda recurrencia guarda un estado de tamaño fijo, así que su memoria por token se mantiene plana.")}
            </p>

            <h3>{t("Counted (theory)", "Contado (teoría)")}</h3>
            <label class="cost-metric">
                {t("Quantity ", "Magnitud ")}
                <select
                    data-testid="cost-metric"
                    on:change:target=move |ev| {
                        let id = ev.target().value();
                        if let Some(m) = Metric::ALL.into_iter().find(|m| m.id() == id) {
                            metric.set(m);
                        }
                    }
                >
                    {Metric::ALL.iter().map(|m| view! {
                        <option value=m.id() selected=move || metric.get() == *m>{let m = *m; move || metric_label(m, lang())}</option>
                    }).collect_view()}
                </select>
            </label>
            <p class="cost-howto">{t("How to read this: one line per model, counted from its definition, n from 16 to 65 536 on a log scale; a steeper line grows faster.", "Cómo leerlo: una línea por modelo, contada a partir de su definición, n de 16 a 65 536 en escala logarítmica; cuanto más empinada la línea, más rápido crece.")}</p>
            <canvas node_ref=theory_canvas class="cost-chart" data-testid="cost-theory-chart"
                role="img" aria-label=t("Counted cost against sequence length, log-log", "Coste contado frente a la longitud de la secuencia, log-log")></canvas>
            <details class="cost-table-wrap" open>
                <summary>{t("Table of the counted values", "Tabla de los valores contados")}</summary>
                <table class="cost-table" data-testid="cost-theory-table">
                    <thead><tr><th scope="col">"n"</th>{header_cells()}</tr></thead>
                    <tbody>{theory_rows}</tbody>
                </table>
            </details>

            <h3>{t("Measured in this browser", "Medido en este navegador")}</h3>
            <p>
                {move || match lang() {
                    Lang::En => format!("Runs each model's real forward pass (without the trace the other views animate) on seeded random inputs, \
                        n = 64, 128, …, each point the median of {BATCHES} batches, each batch timed as a whole. \
                        One batch runs per frame so the page stays responsive."),
                    Lang::Es => format!("Ejecuta la pasada hacia delante real de cada modelo (sin la traza que animan las otras vistas) sobre entradas aleatorias con semilla, \
                        n = 64, 128, …; cada punto es la mediana de {BATCHES} lotes, y cada lote se cronometra entero. \
                        Se ejecuta un lote por fotograma para que la página siga respondiendo."),
                }}
            </p>
            <div class="cost-controls">
                <Slider label=tr("largest n", "n máximo") param="n-max" min=64.0 max=4096.0 step=std::f64::consts::LOG10_2 value=n_max log=true />
                <button data-testid="cost-run" on:click=start disabled=running>{t("Run measurement", "Medir")}</button>
                <button data-testid="cost-cancel" on:click=cancel disabled=move || !running()>{t("Cancel", "Cancelar")}</button>
                <button data-testid="cost-csv" on:click=download disabled=move || !has_results()>{t("Download CSV", "Descargar CSV")}</button>
            </div>
            <div class="cost-progress" data-testid="cost-progress" hidden=move || !running()>
                <progress max="100" value=move || format!("{:.0}", percent())></progress>
            </div>
            <p class="cost-status" role="status" data-testid="cost-status"
                data-state=move || ui.state.get().id()
                data-points=move || ui.results.with(|r| points_json(r))
                data-slopes=move || ui.results.with(|r| slopes_json(r))
            >{status}</p>
            <ul class="cost-notes" data-testid="cost-notes">
                {move || { let lang = lang(); ui.notes.get().into_iter().map(|(en, es)| view! { <li>{lang.pick(en, es)}</li> }).collect_view() }}
                {move || { let lang = lang(); ui.method_notes.get().into_iter().map(|(en, es)| view! { <li class="cost-note-method">{lang.pick(en, es)}</li> }).collect_view() }}
            </ul>
            <p class="notice" role="status">{move || csv_notice.get().map(|(en, es)| lang().pick(en, es))}</p>
            <p class="notice" role="status">{move || chart_error.get()}</p>
            <p class="cost-howto">{t("How to read this: dots are measured medians joined by solid lines; the dashed line of the same colour is the counted multiply-adds, scaled to pass through the longest measured point — where they run parallel, the time grows as counted.", "Cómo leerlo: los puntos son medianas medidas unidas por líneas continuas; la línea discontinua del mismo color son las multiplicaciones-sumas contadas, escaladas para pasar por el punto medido más largo — donde van en paralelo, el tiempo crece como se contó.")}</p>
            <canvas node_ref=measured_canvas class="cost-chart" data-testid="cost-measured-chart"
                role="img" aria-label=t("Measured time per forward pass against sequence length, log-log", "Tiempo medido por pasada hacia delante frente a la longitud de la secuencia, log-log")></canvas>
            <table class="cost-table" data-testid="cost-slopes">
                <thead><tr>
                    <th scope="col">{t("model", "modelo")}</th><th scope="col">{t("form timed", "forma cronometrada")}</th>
                    <th scope="col">{t("expected exponent", "exponente esperado")}</th><th scope="col">{t("fitted exponent (n ≥ 512)", "exponente ajustado (n ≥ 512)")}</th><th scope="col">""</th>
                </tr></thead>
                <tbody>{slope_rows}</tbody>
            </table>
            <p class="cost-caption">
                {t("The fitted exponent is the slope of the least-squares line through the measured points with n ≥ 512 on log-log axes: \
                1 means the time doubles when n doubles, 2 means it quadruples. \
                Attention's slope approaches 2 only once n is large: each layer also does about 12·n·d² multiply-adds of projections and MLP, \
                which grow as n, and attention's n²·d overtakes them only when n ≫ 12·d (≈ 200 here); below that, and with fixed per-call overheads, the slope is nearer 1. \
                The notes' “O(n log n)” for Mamba is the work of the Hillis–Steele parallel scan (log₂ n levels of up to n combines each); \
                the recurrence timed here does O(n) work in n sequential steps, and Blelloch's scan does O(n) work in O(log n) parallel steps.",
                "El exponente ajustado es la pendiente de la recta de mínimos cuadrados que pasa por los puntos medidos con n ≥ 512 en ejes log-log: \
                1 significa que el tiempo se duplica cuando n se duplica; 2, que se cuadruplica. \
                La pendiente de la atención solo se acerca a 2 cuando n es grande: cada capa hace además unas 12·n·d² multiplicaciones-sumas de proyecciones y MLP, \
                que crecen como n, y el n²·d de la atención solo las supera cuando n ≫ 12·d (≈ 200 aquí); por debajo, y con los costes fijos de cada llamada, la pendiente se acerca más a 1. \
                El «O(n log n)» de los apuntes para Mamba es el trabajo del scan paralelo de Hillis–Steele (log₂ n niveles de hasta n combinaciones cada uno); \
                la recurrencia cronometrada aquí hace O(n) trabajo en n pasos secuenciales, y el scan de Blelloch hace O(n) trabajo en O(log n) pasos paralelos.")}
            </p>
            <details class="cost-table-wrap" open>
                <summary>{t("Table of the measured medians (ms per forward pass)", "Tabla de las medianas medidas (ms por pasada hacia delante)")}</summary>
                <table class="cost-table" data-testid="cost-measured-table">
                    <thead><tr><th scope="col">"n"</th>{header_cells()}</tr></thead>
                    <tbody>{measured_rows}</tbody>
                </table>
            </details>
        </section>
    }
}
