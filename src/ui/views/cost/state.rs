//! The Cost view's state, owned by the app shell: the chosen quantity, the largest n, and the
//! measurement (its progress, points and notes), which keeps running while another view is
//! open and stays until the next run.

use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use leptos::prelude::*;

use crate::core::cost::{theory_table, Measurement, Metric, TheoryRow, D_MODEL, THEORY_LENS};
use crate::core::models::family::{Family, ModelConfig};

/// The counted tables of every family at the defaults (computed once).
pub type Tables = Arc<Vec<(Family, Vec<TheoryRow>)>>;

/// What the run shows while and after it works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunState {
    Idle,
    Running,
    Done,
    Cancelled,
}

impl RunState {
    pub fn id(self) -> &'static str {
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
pub struct RunSignals {
    pub state: RwSignal<RunState>,
    /// (finished batches, total batches planned)
    pub progress: RwSignal<(usize, usize)>,
    pub results: RwSignal<Vec<Measurement>>,
    /// Warnings in (English, Spanish) — a model not run, an error: written by the runner,
    /// outside any reactive owner.
    pub notes: RwSignal<Vec<(String, String)>>,
    /// How a point was measured (the transformer's slices): information, not a warning.
    pub method_notes: RwSignal<Vec<(String, String)>>,
}

/// Everything the Cost view shows, kept while another view is open.
#[derive(Clone, Copy)]
pub struct CostState {
    /// The counted quantity charted.
    pub metric: RwSignal<Metric>,
    /// Largest n measured (slider, log scale).
    pub n_max: RwSignal<f64>,
    /// The measurement's signals.
    pub run: RunSignals,
    /// The measurement's generation: bumping it stops the run in progress.
    pub live: StoredValue<Arc<AtomicU64>>,
    /// Notice about the CSV download, in (English, Spanish).
    pub csv_notice: RwSignal<Option<(String, String)>>,
    pub tables: StoredValue<Tables>,
}

impl Default for CostState {
    fn default() -> Self {
        CostState {
            metric: RwSignal::new(Metric::MultiplyAdds),
            n_max: RwSignal::new(4096.0),
            run: RunSignals {
                state: RwSignal::new(RunState::Idle),
                progress: RwSignal::new((0, 0)),
                results: RwSignal::new(Vec::new()),
                notes: RwSignal::new(Vec::new()),
                method_notes: RwSignal::new(Vec::new()),
            },
            live: StoredValue::new(Arc::new(AtomicU64::new(0))),
            csv_notice: RwSignal::new(None),
            tables: StoredValue::new(Arc::new(
                Family::ALL
                    .iter()
                    .map(|&f| {
                        (
                            f,
                            theory_table(&ModelConfig::default_for(f), D_MODEL, &THEORY_LENS),
                        )
                    })
                    .collect(),
            )),
        }
    }
}
