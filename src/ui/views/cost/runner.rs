//! The time-sliced measurement: a queue of (family, n) points, one batch of forward passes per
//! call of a background job of the page's scheduler (`ui::scheduler`), each batch sized to
//! ≈ 12 ms (one slice), so the page keeps drawing. It writes its
//! results into [`CostState`]'s signals (owned by the app shell), so it goes on, and its table
//! stays, while another view is open. The transformer's pass grows as n² and is run in slices
//! from the point where one pass would outlast a batch (`transformer::SlicedForward`: Q/K/V,
//! one head × 256 query rows, W_O + MLP); its time is the sum of its slices' times. The other
//! families' passes are one call: a point whose one pass is predicted to take longer than 50 ms
//! is not run, and the view says so.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use leptos::prelude::*;
use ndarray::Array2;

use super::state::{CostState, RunSignals, RunState};
use crate::core::cost::{forwards_per_batch, median, Measurement, D_MODEL, MEASURE_LENS};
use crate::core::error::CoreError;
use crate::core::models::family::{Family, ModelConfig, ModelParams};
use crate::core::models::transformer::SlicedForward;
use crate::core::rng::{normal_matrix, rng_for};
use crate::ui::i18n::{core_error_in, family_name, Lang};
use crate::ui::scheduler::{self, Priority, Step};
use crate::ui::widgets::format::display_number;

/// Batches timed per point; the point is their median.
pub const BATCHES: usize = 5;
/// Wall time one batch aims for (one slice of the scheduler).
const BATCH_TARGET_MS: f64 = scheduler::SLICE_MS;
/// A forward pass predicted longer than this is not run: it would freeze the page.
const BLOCK_LIMIT_MS: f64 = 50.0;
/// A point is skipped when its predicted pass is longer than this (the prediction from the
/// counted multiply-adds is rough, so it gets a margin over [`BLOCK_LIMIT_MS`]).
const PREDICTED_LIMIT_MS: f64 = 62.5;

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// The measurement in progress: a queue of (family, n) points, one batch per call.
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
                    note_error(ui, family, None, &e);
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
            // Once slicing started it goes on for the longer n (and a calibration pass that
            // ran long, e.g. on a busy machine, starts it instead of stopping the family).
            if self.slicing.pass.is_some()
                || self.slicing.sliced_from.is_some()
                || predicted.is_some_and(|ms| ms > BATCH_TARGET_MS)
            {
                self.slicing.sliced_from.get_or_insert(len);
                match self.slicing.run_for(transformer, x, BATCH_TARGET_MS) {
                    Ok(Some(pass_ms)) => self.record_batch(family, len, pass_ms, ui),
                    Ok(None) => {}
                    Err(e) => {
                        note_error(ui, family, Some(len), &e);
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
                note_error(ui, family, Some(len), &e);
                self.skip_rest_of(family);
                return Tick::Continue;
            }
            let single = now_ms() - start;
            if single > BLOCK_LIMIT_MS && matches!(params, ModelParams::Transformer(_)) {
                // The transformer's pass can be split across frames: measure this point (and
                // the longer ones) in slices rather than stop.
                self.slicing.sliced_from.get_or_insert(len);
                return Tick::Continue;
            }
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

/// Says in both languages why `family` (at `len`, or at all) was not measured.
fn note_error(ui: RunSignals, family: Family, len: Option<usize>, e: &CoreError) {
    let (name, es) = (family_name(family, Lang::En), family_name(family, Lang::Es));
    let (e_en, e_es) = (core_error_in(e, Lang::En), core_error_in(e, Lang::Es));
    let note = match len {
        Some(len) => (
            format!("{name} at n = {len}: {e_en}"),
            format!("{es} con n = {len}: {e_es}"),
        ),
        None => (
            format!("{name}: not run ({e_en})."),
            format!("{es}: no se ejecutó ({e_es})."),
        ),
    };
    ui.notes.update(|n| n.push(note));
}

/// Runs the measurement as a background job of the page's scheduler, one tick per call (a
/// batch is sized to about a slice, so about one batch per slice), until done or the
/// generation changes (cancel, a new run).
fn schedule(mut runner: Runner, live: Arc<AtomicU64>, ui: RunSignals) {
    scheduler::spawn("cost", Priority::Background, move |_| {
        if runner.generation != live.load(Ordering::Relaxed) {
            return Step::Done;
        }
        match runner.tick(ui) {
            Tick::Continue => Step::More,
            Tick::Finished => {
                ui.progress.update(|p| p.0 = p.1);
                ui.state.set(RunState::Done);
                Step::Done
            }
        }
    });
}

/// The lengths measured up to `n_max`.
pub fn lens(n_max: f64) -> Vec<usize> {
    MEASURE_LENS
        .iter()
        .copied()
        .filter(|&n| n as f64 <= n_max * 1.01)
        .collect()
}

/// Starts a measurement up to the state's largest n (cancelling one in progress).
pub fn start(s: CostState, seed: u64) {
    let ui = s.run;
    let live = s.live.get_value();
    let generation = live.fetch_add(1, Ordering::Relaxed) + 1;
    let lens = lens(s.n_max.get_untracked());
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
        seed,
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
    schedule(runner, live, ui);
}

/// Stops the measurement in progress (its points so far stay).
pub fn cancel(s: CostState) {
    s.live.get_value().fetch_add(1, Ordering::Relaxed);
    s.run.state.set(RunState::Cancelled);
}
