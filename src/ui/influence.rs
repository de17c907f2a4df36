//! Exact influence matrices computed off the frame path: a block of columns at a time, as an
//! interactive job of the page's scheduler (`ui::scheduler`), the heat map filling in as columns
//! finish. A newer request cancels stale work.

use std::cell::{Cell, RefCell};
use std::ops::Range;

use leptos::prelude::*;
use ndarray::Array2;

use crate::core::error::CoreResult;
use crate::core::models::family::{InfluencePlan, ModelParams};
use crate::core::models::mamba;
use crate::ui::scheduler::{self, Budget, Priority, Step};
use crate::ui::state::Shared;

pub use crate::ui::scheduler::{after_next_frame, now_ms};

/// Longest single call to the core before it is split into smaller blocks. Large calls matter
/// because a call of the families without an influence plan (CNN, RNN, linear RNN, S4D, the
/// Fading demo's columns) repeats the forward pass its tangents need; attention and Mamba pay
/// theirs once, in the job's first call.
const MAX_CALL_MS: f64 = 12.0;

/// Which influence to compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InfluenceKind {
    /// I[i, j] = ‖∂y_i/∂x_j‖_F, the full Jacobian.
    Full,
    /// Mamba only: the hidden attention (Δ, B, C held fixed).
    Hidden,
}

/// The matrix as far as it is computed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct InfluenceState {
    /// `[L][L]`, columns `0..done` filled, the rest 0.
    pub values: Vec<Vec<f32>>,
    /// Columns finished.
    pub done: usize,
    /// Why it could not be computed.
    pub error: Option<String>,
}

impl InfluenceState {
    /// Whether every column is in.
    pub fn complete(&self) -> bool {
        self.error.is_none() && self.done == self.values.len()
    }

    /// The finished `[L, L]` matrix or the error; `None` while columns are still missing.
    pub fn matrix(&self) -> Option<Result<Array2<f32>, String>> {
        if let Some(e) = &self.error {
            return Some(Err(e.clone()));
        }
        if !self.complete() || self.values.is_empty() {
            return None;
        }
        let len = self.values.len();
        let flat = self.values.iter().flatten().copied().collect();
        Some(Array2::from_shape_vec((len, len), flat).map_err(|e| e.to_string()))
    }
}

/// Columns `range` of an `[L, L]` influence matrix, as `[L, range.len()]`.
pub type Columns = Box<dyn Fn(Range<usize>) -> CoreResult<Array2<f32>>>;

struct Job {
    len: usize,
    columns: Columns,
    out: RwSignal<InfluenceState>,
    generation: StoredValue<u64>,
    mine: u64,
    values: RefCell<Vec<Vec<f32>>>,
    /// Columns computed per call (adapted to the model's speed).
    block: Cell<BlockSizer>,
    /// Duration of the last call, ms (predicts whether another call fits in the slice).
    last_call: Cell<f64>,
    /// Language of an error message (the slices run outside any reactive owner).
    lang: crate::ui::i18n::Lang,
}

/// Starts computing the influence of `params` on `x` into `out`, cancelling earlier jobs
/// that share `generation`.
pub fn start(
    params: Shared<ModelParams>,
    x: Shared<Array2<f32>>,
    kind: InfluenceKind,
    out: RwSignal<InfluenceState>,
    generation: StoredValue<u64>,
) {
    let len = x.nrows();
    if let (InfluenceKind::Hidden, ModelParams::Mamba(p)) = (kind, &*params) {
        generation.update_value(|g| *g = g.wrapping_add(1));
        let state = match mamba::hidden_influence(p, x.view()) {
            Ok(m) => InfluenceState {
                done: len,
                values: rows_of(&m),
                error: None,
            },
            Err(e) => InfluenceState {
                error: Some(crate::ui::i18n::core_error(&e)),
                ..Default::default()
            },
        };
        out.set(state);
        return;
    }
    // What every column shares (attention's forward pass and layer Jacobians, Mamba's forward
    // values) is computed once per job, in its first call, not once per call.
    let plan = RefCell::new(None::<InfluencePlan>);
    let columns: Columns = Box::new(move |range| {
        let mut slot = plan.borrow_mut();
        let made = match slot.take() {
            Some(made) => made,
            None => params.influence_plan(x.view())?,
        };
        let columns = params.planned_influence_columns(&made, x.view(), range);
        *slot = Some(made);
        columns
    });
    start_columns(len, columns, out, generation);
}

/// Starts computing the `[len, len]` matrix whose columns `columns` returns into `out`, in
/// the scheduler's slices from the next frame on, cancelling earlier jobs that share
/// `generation`.
pub fn start_columns(
    len: usize,
    columns: Columns,
    out: RwSignal<InfluenceState>,
    generation: StoredValue<u64>,
) {
    let mine = generation.get_value().wrapping_add(1);
    generation.set_value(mine);
    let values = RefCell::new(vec![vec![0.0; len]; len]);
    out.set(InfluenceState {
        values: values.borrow().clone(),
        done: 0,
        error: None,
    });
    let job = Job {
        len,
        columns,
        out,
        generation,
        mine,
        values,
        block: Cell::new(BlockSizer::default()),
        last_call: Cell::new(0.0),
        lang: crate::ui::i18n::lang_untracked(),
    };
    // Joins the queue only after the next frame, so the change that asked for it is drawn
    // first even while other jobs keep the scheduler's slices running.
    after_next_frame(move || {
        let mut column = 0;
        scheduler::spawn("influence", Priority::Interactive, move |budget| {
            slice(&job, &mut column, budget)
        });
    });
}

/// Columns per call, chosen so that a call takes about `MAX_CALL_MS`. A call costs a set-up
/// (the forward pass its tangents need, where the family has no plan) plus a cost per column; two calls of different sizes separate the two, so the first call is followed
/// by one of twice its size. The block at most quadruples or halves per call (timings are noisy).
#[derive(Debug, Clone, Copy)]
struct BlockSizer {
    block: usize,
    /// The last call with a block size other than `block`: (columns, ms).
    other: Option<(usize, f64)>,
}

impl Default for BlockSizer {
    fn default() -> Self {
        BlockSizer {
            block: 1,
            other: None,
        }
    }
}

impl BlockSizer {
    /// Records a call of `block` columns that took `took` ms; returns the next block.
    fn record(&mut self, block: usize, took: f64) -> usize {
        let next = if took > MAX_CALL_MS {
            (block / 2).max(1)
        } else if let Some((before, before_took)) = self.other.filter(|&(b, _)| b != block) {
            let per_column = ((took - before_took) / (block as f64 - before as f64)).max(1e-3);
            let setup = (took - per_column * block as f64).max(0.0);
            let fits = ((MAX_CALL_MS - setup) / per_column).floor().max(1.0) as usize;
            fits.clamp((block / 2).max(1), block * 4)
        } else {
            block * 2
        };
        if next != block {
            self.other = Some((block, took));
        }
        self.block = next;
        next
    }
}

fn rows_of(m: &Array2<f32>) -> Vec<Vec<f32>> {
    m.rows().into_iter().map(|r| r.to_vec()).collect()
}

/// One turn of the job: calls into the core while another call is expected to fit in the
/// scheduler's budget, then publishes the columns so far.
fn slice(job: &Job, column: &mut usize, budget: &Budget) -> Step {
    if job.generation.try_get_value() != Some(job.mine) {
        return Step::Done; // stale: a newer request took over, or the view is gone
    }
    let len = job.len;
    let mut calls = 0;
    while *column < len && (calls == 0 || job.last_call.get() < budget.remaining_ms()) {
        calls += 1;
        // Columns per call: batching amortises a call's set-up; the block adapts to keep one
        // call well inside a slice.
        let mut sizer = job.block.get();
        let block = sizer.block.clamp(1, len - *column);
        let began = now_ms();
        match (job.columns)(*column..*column + block) {
            Ok(cols) => {
                let mut values = job.values.borrow_mut();
                for (i, row) in values.iter_mut().enumerate() {
                    for k in 0..block {
                        row[*column + k] = cols[[i, k]];
                    }
                }
            }
            Err(e) => {
                let _ = job.out.try_set(InfluenceState {
                    error: Some(crate::ui::i18n::core_error_in(&e, job.lang)),
                    ..Default::default()
                });
                return Step::Done;
            }
        }
        *column += block;
        let took = now_ms() - began;
        let next = sizer.record(block, took);
        job.block.set(sizer);
        // The next call's expected duration, scaled to its block.
        job.last_call.set(took * next as f64 / block as f64);
    }
    let published = job.out.try_set(InfluenceState {
        values: job.values.borrow().clone(),
        done: *column,
        error: None,
    });
    if *column < len && published.is_none() {
        // The next turn starts with a call as long as the last (the block it will use).
        Step::MoreTaking(job.last_call.get())
    } else {
        Step::Done
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A model whose call costs `setup + per_column · block` ms, driven by `next_block`.
    fn blocks_for(setup: f64, per_column: f64, calls: usize) -> Vec<usize> {
        let mut sizer = BlockSizer::default();
        (0..calls)
            .map(|_| {
                let block = sizer.block;
                sizer.record(block, setup + per_column * block as f64)
            })
            .collect()
    }

    #[test]
    fn a_costly_set_up_gets_large_blocks_within_the_call_budget() {
        // Attention-like: 6 ms set-up, 0.3 ms per column → (12 − 6) / 0.3 = 20 columns (12 ms).
        let blocks = blocks_for(6.0, 0.3, 8);
        assert_eq!(*blocks.last().expect("calls"), 20, "{blocks:?}");
    }

    #[test]
    fn a_cheap_model_grows_and_a_slow_one_shrinks_to_one_column() {
        let cheap = blocks_for(0.1, 0.05, 10);
        assert_eq!(*cheap.last().expect("calls"), 238, "{cheap:?}"); // (12 − 0.1) / 0.05
        let slow = blocks_for(0.0, 20.0, 3);
        assert_eq!(slow, vec![1, 1, 1]);
    }
}
