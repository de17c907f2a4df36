//! Cost view: what each model costs as the sequence grows — counted (multiply-adds, depth,
//! memory per generated token) and measured (the real trace-free forward pass timed in this
//! browser), with the fitted growth exponent next to the expected one.
//!
//! The measurement is time-sliced: one batch of forward passes per animation frame, each batch
//! sized to ≈ 12 ms, so the page keeps drawing. A single forward pass cannot be split (the core
//! `forward` is one call), so a point whose one pass is predicted to take longer than 50 ms is
//! not run, and the view says so.

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
use crate::core::rng::{normal_matrix, rng_for};
use crate::ui::charts::cost::{draw, series_css, ChartData, Series};
use crate::ui::state::SharedInput;
use crate::ui::widgets::format::display_number;
use crate::ui::widgets::slider::Slider;

/// Registry entry of the Cost view.
pub const ENTRY: ViewEntry = ViewEntry {
    id: "cost",
    title: "Cost",
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
fn form_timed(family: Family) -> &'static str {
    match family {
        Family::Cnn => "causal convolution, 3 layers × kernel 3",
        Family::Transformer => "causal softmax attention, 2 layers, full n×n scores",
        Family::Rnn => "tanh recurrence, stepped in time",
        Family::LinearRnn => "diagonal recurrence, stepped in time",
        Family::S4d => "recurrence (Eqn 2a); a direct convolution would be 2, FFT n log n",
        Family::Mamba => "selective scan, stepped in time",
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
    notes: RwSignal<Vec<String>>,
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
    }

    /// Does one slice of work (≤ one batch) and reports whether more is left.
    fn tick(&mut self, ui: RunSignals) -> Tick {
        let Some(&(family, len)) = self.jobs.get(self.job) else {
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
                    ui.notes
                        .update(|n| n.push(format!("{}: not run ({e}).", family.name())));
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
        if self.per_batch == 0 {
            // Calibration: predict, then run one pass to size the batches.
            let predicted = ui.results.with_untracked(|r| predicted_ms(r, family, len));
            if let Some(ms) = predicted.filter(|ms| *ms > PREDICTED_LIMIT_MS) {
                ui.notes.update(|n| {
                    n.push(format!(
                        "{} at n = {len} and above: not run in the browser — one forward pass \
                         would take ≈ {} ms (> {BLOCK_LIMIT_MS} ms), freezing the page, and the \
                         core forward cannot be split across frames. Native timings: BENCHMARKS.md.",
                        family.name(),
                        display_number(ms as f32)
                    ))
                });
                self.skip_rest_of(family);
                return Tick::Continue;
            }
            let start = now_ms();
            if let Err(e) = params.forward(x.view()) {
                ui.notes
                    .update(|n| n.push(format!("{} at n = {len}: {e}", family.name())));
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
                ui.notes.update(|n| {
                    n.push(format!(
                        "{} at n = {len}: one forward pass took {} ms (> {BLOCK_LIMIT_MS} ms — the \
                         page froze that long once); this point is that single pass, longer n \
                         not run.",
                        family.name(),
                        display_number(single as f32)
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
        self.samples.push(elapsed / self.per_batch as f64);
        self.batches_done += 1;
        ui.progress.update(|p| p.0 = self.batches_done);
        if self.samples.len() >= BATCHES {
            if let Some(median_ms) = median(&self.samples) {
                let point = Measurement {
                    family,
                    len,
                    median_ms,
                    batches: self.samples.len(),
                    forwards_per_batch: self.per_batch,
                };
                ui.results.update(|r| r.push(point));
            }
            self.advance();
        }
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

fn theory_chart(tables: &[(Family, Vec<TheoryRow>)], metric: Metric) -> ChartData {
    ChartData {
        x_label: "sequence length n".into(),
        y_label: metric.label().into(),
        x_range: (16.0, 65536.0),
        series: tables
            .iter()
            .enumerate()
            .map(|(i, (_, rows))| Series {
                colour: i,
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

fn measured_chart(results: &[Measurement]) -> ChartData {
    let series = Family::ALL
        .iter()
        .enumerate()
        .map(|(i, &family)| {
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
                colour: i,
                points,
                guide,
                dots: true,
            }
        })
        .collect();
    ChartData {
        x_label: "sequence length n".into(),
        y_label: "ms per forward pass (median)".into(),
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
        Memo::new(move |_| theory_chart(&tables, metric.get()))
    };
    let ui = RunSignals {
        state: RwSignal::new(RunState::Idle),
        progress: RwSignal::new((0, 0)),
        results: RwSignal::new(Vec::new()),
        notes: RwSignal::new(Vec::new()),
    };
    let measured_data = Memo::new(move |_| ui.results.with(|r| measured_chart(r)));
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
                chart_error.set(Some(format!("Theory chart not drawn: {e}")));
            }
        });
    });
    Effect::new(move |_| {
        let Some(canvas) = measured_canvas.get() else {
            return;
        };
        measured_data.with(|d| {
            if let Err(e) = draw(&canvas, d) {
                chart_error.set(Some(format!("Measured chart not drawn: {e}")));
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
    let csv_notice = RwSignal::new(None::<String>);
    let download = move |_| {
        let text = ui.results.with(|r| measurements_csv(r, D_MODEL));
        csv_notice.set(
            download_csv(&text)
                .err()
                .map(|e| format!("CSV not saved: {e}")),
        );
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
    let status = move || match ui.state.get() {
        RunState::Idle => "Not run yet.".to_string(),
        RunState::Running => format!("Measuring… {:.0} %", percent()),
        RunState::Done => format!("Done: {} points.", ui.results.with(|r| r.len())),
        RunState::Cancelled => format!("Cancelled after {} points.", ui.results.with(|r| r.len())),
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
                .enumerate()
                .map(|(i, &f)| {
                    let expected = expected_exponent(f);
                    let fitted = fitted_exponent(results, f, FIT_MIN_LEN);
                    let (text, value, verdict) = match fitted {
                        Some(p) => (
                            format!("{p:.2}"),
                            format!("{p}"),
                            if (p - expected).abs() <= 0.3 { "within ±0.3" } else { "off by more than 0.3" },
                        ),
                        None => ("—".to_string(), String::new(), "needs two points with n ≥ 512"),
                    };
                    view! {
                        <tr>
                            <th scope="row"><span class="cost-swatch" style=format!("background:{}", series_css(i))></span>{f.name()}</th>
                            <td>{form_timed(f)}</td>
                            <td>{format!("{expected:.0}")}</td>
                            <td data-testid=format!("cost-slope-{}", f.id()) data-value=value>{text}</td>
                            <td>{verdict}</td>
                        </tr>
                    }
                })
                .collect_view()
        })
    };
    let header_cells = || {
        Family::ALL
            .iter()
            .enumerate()
            .map(|(i, f)| view! { <th scope="col"><span class="cost-swatch" style=format!("background:{}", series_css(i))></span>{f.name()}</th> })
            .collect_view()
    };

    view! {
        <section class="view cost" data-testid="view-cost">
            <h2>"Cost"</h2>
            <p>
                "What each model costs as the sequence grows, at d_model = 16 with each model's default settings. "
                "Look at the slopes: on log-log axes a cost growing like nᵖ is a straight line of slope p. "
                "Attention's work grows as n² and its memory per generated token (the KV cache) grows with n; "
                "every recurrence keeps a fixed state, so its memory per token stays flat."
            </p>

            <h3>"Counted (theory)"</h3>
            <label class="cost-metric">
                "Quantity "
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
                        <option value=m.id() selected=move || metric.get() == *m>{m.label()}</option>
                    }).collect_view()}
                </select>
            </label>
            <p class="cost-howto">"How to read this: one line per model, counted from its definition, n from 16 to 65 536 on a log scale; a steeper line grows faster."</p>
            <canvas node_ref=theory_canvas class="cost-chart" data-testid="cost-theory-chart"
                role="img" aria-label="Counted cost against sequence length, log-log"></canvas>
            <details class="cost-table-wrap" open>
                <summary>"Table of the counted values"</summary>
                <table class="cost-table" data-testid="cost-theory-table">
                    <thead><tr><th scope="col">"n"</th>{header_cells()}</tr></thead>
                    <tbody>{theory_rows}</tbody>
                </table>
            </details>

            <h3>"Measured in this browser"</h3>
            <p>
                "Runs each model's real forward pass (without the trace the other views animate) on seeded random inputs, "
                "n = 64, 128, …, each point the median of " {BATCHES} " batches, each batch timed as a whole. "
                "One batch runs per frame so the page stays responsive."
            </p>
            <div class="cost-controls">
                <Slider label="largest n" param="n-max" min=64.0 max=4096.0 step=std::f64::consts::LOG10_2 value=n_max log=true />
                <button data-testid="cost-run" on:click=start disabled=running>"Run measurement"</button>
                <button data-testid="cost-cancel" on:click=cancel disabled=move || !running()>"Cancel"</button>
                <button data-testid="cost-csv" on:click=download disabled=move || !has_results()>"Download CSV"</button>
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
                {move || ui.notes.get().into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}
            </ul>
            <p class="notice" role="status">{move || csv_notice.get()}</p>
            <p class="notice" role="status">{move || chart_error.get()}</p>
            <p class="cost-howto">"How to read this: dots are measured medians joined by solid lines; the dashed line of the same colour is the counted multiply-adds, scaled to pass through the longest measured point — where they run parallel, the time grows as counted."</p>
            <canvas node_ref=measured_canvas class="cost-chart" data-testid="cost-measured-chart"
                role="img" aria-label="Measured time per forward pass against sequence length, log-log"></canvas>
            <table class="cost-table" data-testid="cost-slopes">
                <thead><tr>
                    <th scope="col">"model"</th><th scope="col">"form timed"</th>
                    <th scope="col">"expected exponent"</th><th scope="col">"fitted exponent (n ≥ 512)"</th><th scope="col">""</th>
                </tr></thead>
                <tbody>{slope_rows}</tbody>
            </table>
            <p class="cost-caption">
                "The fitted exponent is the slope of the least-squares line through the measured points with n ≥ 512 on log-log axes: "
                "1 means the time doubles when n doubles, 2 means it quadruples. "
                "Attention's slope approaches 2 only once n is large: each layer also does about 12·n·d² multiply-adds of projections and MLP, "
                "which grow as n, and attention's n²·d overtakes them only when n ≫ 12·d (≈ 200 here); below that, and with fixed per-call overheads, the slope is nearer 1. "
                "The notes' “O(n log n)” for Mamba is the work of the Hillis–Steele parallel scan (log₂ n levels of up to n combines each); "
                "the recurrence timed here does O(n) work in n sequential steps, and Blelloch's scan does O(n) work in O(log n) parallel steps."
            </p>
            <details class="cost-table-wrap" open>
                <summary>"Table of the measured medians (ms per forward pass)"</summary>
                <table class="cost-table" data-testid="cost-measured-table">
                    <thead><tr><th scope="col">"n"</th>{header_cells()}</tr></thead>
                    <tbody>{measured_rows}</tbody>
                </table>
            </details>
        </section>
    }
}
