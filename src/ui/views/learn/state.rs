//! The Learn view's state, owned by the app shell (`views::provide_view_states`): the
//! controls, the runs being trained and their results. Because it outlives the view, a run
//! keeps training (or stays paused where it was) while another view is open, and finished runs
//! and their trained models stay until the page is closed.

use leptos::prelude::*;

use crate::core::error::CoreError;
use crate::core::learn::tasks::Task;
use crate::core::learn::train::{EvalTally, Score, Settings, Training, DEFAULT_STEPS};
use crate::core::models::family::Family;
use crate::ui::trained::{TrainedLink, TrainedModels};

/// Default seed of the tasks and weights.
pub const DEFAULT_LEARN_SEED: u64 = 42;
/// Steps averaged for the "final loss" column.
pub const FINAL_WINDOW: usize = 50;

/// What the training loop is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Idle,
    Running,
    Paused,
    Done,
}

/// One model's progress as the page shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct RunSummary {
    pub family: Family,
    pub parameters: usize,
    pub losses: Vec<f32>,
    pub accuracies: Vec<f32>,
    /// Held-out loss and accuracy once training finished.
    pub eval: Option<Score>,
    /// Why the model could not be built (worded at render time, in the current language).
    pub error: Option<CoreError>,
}

impl RunSummary {
    pub fn of(run: &Training, eval: Option<Score>) -> Self {
        RunSummary {
            family: run.model.family,
            parameters: run.model.parameter_count(),
            losses: run.losses.clone(),
            accuracies: run.accuracies.clone(),
            eval,
            error: None,
        }
    }

    /// Mean of the last `FINAL_WINDOW` values.
    pub fn recent(values: &[f32]) -> Option<f32> {
        let tail = &values[values.len().saturating_sub(FINAL_WINDOW)..];
        (!tail.is_empty()).then(|| tail.iter().sum::<f32>() / tail.len() as f32)
    }

    /// Held-out accuracy when finished, else the mean of the last steps.
    pub fn accuracy(&self) -> Option<f32> {
        self.eval
            .map(|e| e.accuracy)
            .or_else(|| Self::recent(&self.accuracies))
    }
}

/// The models being trained (not reactive: the page reads [`RunSummary`] snapshots).
pub struct Session {
    pub settings: Settings,
    pub runs: Vec<Training>,
    /// Held-out evaluation so far, per run (computed in chunks after training).
    pub evals: Vec<EvalTally>,
    /// Bumped by every Train/Resume so a stale loop stops.
    pub generation: u64,
    /// When the page was last refreshed (`now_ms`).
    pub refreshed_at: f64,
    /// Every run stops (paused) at this step: a link's retraining of a model opened
    /// mid-training. None: run to `settings.steps`, then evaluate.
    pub stop_at: Option<usize>,
    /// The preset the runs follow, if any.
    pub preset: Option<&'static str>,
}

impl Session {
    fn empty() -> Self {
        Session {
            settings: Settings {
                task: Task::SelectiveCopy,
                knob: Task::SelectiveCopy.knob_range().2,
                seed: DEFAULT_LEARN_SEED,
                steps: DEFAULT_STEPS,
            },
            runs: Vec::new(),
            evals: Vec::new(),
            generation: 0,
            refreshed_at: 0.0,
            stop_at: None,
            preset: None,
        }
    }
}

/// Everything the Learn view shows and does, kept by the app.
#[derive(Clone, Copy)]
pub struct LearnState {
    // Controls.
    pub task: RwSignal<Task>,
    /// The task's size (gap k, noise length or pairs), as the slider holds it.
    pub knob: RwSignal<f64>,
    pub families: RwSignal<Vec<Family>>,
    pub seed: RwSignal<u64>,
    pub steps: RwSignal<usize>,
    /// A preset of issue #20 (`core::learn::presets`): its task, model sizes, steps and step
    /// size replace the controls' (None: the controls).
    pub preset: RwSignal<Option<&'static str>>,
    /// The text of a rejected seed (worded at render time).
    pub seed_notice: RwSignal<Option<String>>,
    // Runs.
    pub status: RwSignal<Status>,
    /// What the table and charts show (refreshed at most every `REFRESH_MS` while training).
    pub summaries: RwSignal<Vec<RunSummary>>,
    /// The settings of the runs shown (None before the first Train).
    pub trained_on: RwSignal<Option<Settings>>,
    pub session: StoredValue<Session>,
    /// The side-by-side of the trained Mamba and S4D is open (`learn.selection` in the link).
    pub selection: RwSignal<bool>,
    /// The trained model shown by Flow and Fading, and its link.
    pub trained: Option<TrainedModels>,
    pub link: Option<TrainedLink>,
}

impl Default for LearnState {
    fn default() -> Self {
        let state = LearnState {
            task: RwSignal::new(Task::SelectiveCopy),
            knob: RwSignal::new(Task::SelectiveCopy.knob_range().2 as f64),
            families: RwSignal::new(Family::ALL.to_vec()),
            seed: RwSignal::new(DEFAULT_LEARN_SEED),
            steps: RwSignal::new(DEFAULT_STEPS),
            preset: RwSignal::new(None),
            seed_notice: RwSignal::new(None),
            status: RwSignal::new(Status::Idle),
            summaries: RwSignal::new(Vec::new()),
            trained_on: RwSignal::new(None),
            session: StoredValue::new(Session::empty()),
            selection: RwSignal::new(false),
            trained: use_context::<TrainedModels>(),
            link: use_context::<TrainedLink>(),
        };
        state.retrain_links();
        state
    }
}

impl LearnState {
    /// Steps finished by every run together.
    pub fn steps_done(&self) -> usize {
        self.summaries
            .with(|s| s.iter().map(|r| r.losses.len()).sum::<usize>())
    }

    /// Steps the runs shown will take together.
    pub fn steps_total(&self) -> usize {
        let n = self
            .summaries
            .with(|s| s.iter().filter(|r| r.error.is_none()).count());
        let per_run = self.trained_on.with(|t| t.map_or(0, |t| t.steps));
        let stop = self.session.with_value(|s| s.stop_at);
        n * stop.map_or(per_run, |s| s.min(per_run))
    }

    /// The task size as trained: the slider's value, rounded and clamped to the task.
    pub fn knob_value(&self) -> usize {
        let task = self.task.get_untracked();
        task.clamp_knob(self.knob.get_untracked().round().max(0.0) as usize)
    }
}
