//! Training in slices, owned by the app: the runs of [`LearnState`] advance as one background
//! job of the page's scheduler (`ui::scheduler`, which also runs the influence matrices and
//! Cost's measurement), a quarter of an Adam step at a time (`Training::work`), the model that
//! is furthest behind first, so all curves grow together and no task blocks the page for long.
//! A unit of work runs while another like the last one fits in the slice's budget; the page is
//! refreshed at most every `REFRESH_MS`, at the end of a slice. Pause stops after the current
//! quarter step (Resume finishes that step). The job reads only the state, never the view, so
//! it goes on while another view is open.
//!
//! A trained model opened in Flow or Fading is a snapshot of its run at the step reached; its
//! [`TrainedOrigin`] (family, task, size, seed, steps) is the `trained` link key, and a page
//! opened with that key retrains the same run to the same step here (training is
//! deterministic: the same seed draws the same weights and batches) and opens the result.

use leptos::prelude::*;

use super::state::{LearnState, RunSummary, Session, Status};
use crate::core::learn::models::Trainable;
use crate::core::learn::presets::preset;
use crate::core::learn::tasks::example_of;
use crate::core::learn::train::{EvalTally, Score, Settings, Training, EVAL_CHUNKS};
use crate::core::models::family::Family;
use crate::ui::scheduler::{self, Budget, Priority, Step};
use crate::ui::state::{CurrentView, Shared};
use crate::ui::trained::{TrainedModel, TrainedOrigin};

/// The page (charts, table) is refreshed at most this often while training, in milliseconds.
const REFRESH_MS: f64 = 100.0;
/// Index of the task example a trained model is shown on (far beyond any training batch).
pub const SHOWN_EXAMPLE: u64 = 1 << 41;

/// What the page shows of `session` now.
fn snapshot(session: &Session) -> Vec<RunSummary> {
    session
        .runs
        .iter()
        .zip(&session.evals)
        .map(|(r, e)| RunSummary::of(r, finished(e)))
        .collect()
}

/// The finished evaluation, if complete.
fn finished(tally: &EvalTally) -> Option<Score> {
    (tally.chunks >= EVAL_CHUNKS).then(|| tally.score())
}

/// One part of an Adam step of the model that is furthest behind (it finishes its step before
/// another model starts one), or else one chunk of a finished model's held-out evaluation;
/// false when everything is done (or every run reached `stop_at`).
fn work_one(session: &mut Session) -> bool {
    let stop = session.stop_at.unwrap_or(usize::MAX);
    let next = session
        .runs
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.is_done() && r.step_count() < stop)
        .min_by_key(|(_, r)| r.step_count())
        .map(|(i, _)| i);
    if let Some(i) = next {
        session.runs[i].work();
        return true;
    }
    if session.stop_at.is_some() {
        return false;
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

/// What one call of the training job did: the last unit's length, and whether work remains.
struct Worked {
    more: bool,
    unit_ms: f64,
}

/// Units of work (quarter steps, evaluation chunks) while another one like the last is expected
/// to fit in the scheduler's budget; at least one.
fn work_for(session: &mut Session, budget: &Budget) -> Worked {
    loop {
        let began = budget.now_ms();
        let more = work_one(session);
        let unit_ms = budget.now_ms() - began;
        if !more || budget.remaining_ms() < unit_ms {
            return Worked { more, unit_ms };
        }
    }
}

/// One call of the training job of generation `mine`: trains for the budget, refreshes the
/// page at most every [`REFRESH_MS`] (then ends the slice so the page draws), and at the end
/// shows the result, marks the runs paused (a link's stopping point) or done and delivers a
/// link's model.
fn train_call(state: LearnState, mine: u64, budget: &Budget) -> Step {
    let session = state.session;
    if session.try_with_value(|s| s.generation) != Some(mine)
        || state.status.try_get_untracked() != Some(Status::Running)
    {
        return Step::Done;
    }
    let Some(worked) = session.try_update_value(|s| work_for(s, budget)) else {
        return Step::Done;
    };
    if !worked.more {
        state.refresh();
        let stopped = session.with_value(|s| s.stop_at.is_some());
        state.status.set(if stopped {
            Status::Paused
        } else {
            Status::Done
        });
        state.deliver_link();
        return Step::Done;
    }
    let now = budget.now_ms();
    if session.with_value(|s| now - s.refreshed_at >= REFRESH_MS) {
        session.update_value(|s| s.refreshed_at = now);
        state.refresh();
        return Step::Yield;
    }
    Step::MoreTaking(worked.unit_ms)
}

impl LearnState {
    /// Copies the session into the page's snapshot (and the link's retraining progress).
    fn refresh(&self) {
        let shown = self.session.with_value(snapshot);
        if let Some(link) = self.link {
            if link.retraining.get_untracked().is_some() {
                let done = shown.iter().map(|r| r.losses.len()).max().unwrap_or(0);
                link.retraining.set(Some(done));
            }
        }
        self.summaries.set(shown);
    }

    /// Trains in the page's scheduler (`ui::scheduler`, background priority) until done,
    /// paused or replaced: a job of an older generation stops at its next call.
    fn start_loop(&self) {
        let mine = self.session.with_value(|s| s.generation) + 1;
        self.session.update_value(|s| s.generation = mine);
        self.status.set(Status::Running);
        let state = *self;
        scheduler::spawn("learn", Priority::Background, move |budget| {
            train_call(state, mine, budget)
        });
    }

    /// Starts fresh runs of `families` on `settings` (replacing any), stopping at `stop_at`;
    /// with `preset_id`, the preset's task, sizes, steps and step size instead.
    pub fn start(
        &self,
        settings: Settings,
        preset_id: Option<&'static str>,
        families: &[Family],
        stop_at: Option<usize>,
    ) {
        let chosen = preset_id.and_then(preset);
        let settings = match chosen {
            Some(p) => Settings {
                task: p.task.task,
                knob: p.task.knob,
                seed: settings.seed,
                steps: p.steps,
            },
            None => settings,
        };
        let mut runs = Vec::new();
        let mut failed = Vec::new();
        for &f in Family::ALL.iter().filter(|f| families.contains(f)) {
            let run = match chosen {
                Some(p) => p.training(f, settings.seed),
                None => Training::new(f, settings),
            };
            match run {
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
        self.session.update_value(|s| {
            s.settings = settings;
            s.evals = vec![EvalTally::default(); count];
            s.runs = runs;
            s.stop_at = stop_at;
            s.preset = chosen.map(|p| p.id);
            // A loop still scheduled for the old runs stops at its next slice.
            s.generation += 1;
        });
        let mut shown = self.session.with_value(snapshot);
        shown.extend(failed);
        self.summaries.set(shown);
        self.trained_on.set(Some(settings));
        if count > 0 {
            self.start_loop();
        } else {
            self.status.set(Status::Idle);
        }
    }

    /// Train (again): the chosen families on the controls' settings.
    pub fn train(&self) {
        let settings = Settings {
            task: self.task.get_untracked(),
            knob: self.knob_value(),
            seed: self.seed.get_untracked(),
            steps: self.steps.get_untracked(),
        };
        let families = self.families.get_untracked();
        self.start(settings, self.preset.get_untracked(), &families, None);
    }

    pub fn pause(&self) {
        if self.status.get_untracked() == Status::Running {
            self.status.set(Status::Paused);
            // The step in flight has finished (one thread): show exactly where it stopped.
            self.summaries.set(self.session.with_value(snapshot));
        }
    }

    /// Resume: on to the runs' full step count (past a link's stopping point too).
    pub fn resume(&self) {
        if self.status.get_untracked() == Status::Paused {
            self.session.update_value(|s| s.stop_at = None);
            self.start_loop();
        }
    }

    /// The model of `family` as trained so far, on one example of its task.
    pub fn trained_model(&self, family: Family) -> Option<TrainedModel> {
        self.session.with_value(|s| {
            let run = s.runs.iter().find(|r| r.model.family == family)?;
            let settings = s.settings;
            let params = run.model.params().ok()?;
            // The same model before training: training initialises it from this seed.
            let m = &run.model;
            let initial = Trainable::stacked(
                m.config.clone(),
                m.d_model,
                m.layers,
                m.vocab,
                settings.seed,
            )
            .and_then(|m| m.params())
            .ok()?;
            let e = example_of(&run.spec, settings.seed, SHOWN_EXAMPLE);
            Some(TrainedModel {
                config: run.model.config.clone(),
                params: Shared::new(params),
                initial: Shared::new(initial),
                x: Shared::new(run.model.embed(&e.tokens)),
                tokens: e.tokens.iter().map(|&t| run.spec.token_name(t)).collect(),
                origin: TrainedOrigin {
                    family,
                    steps: run.step_count(),
                    total: settings.steps,
                    task: settings.task,
                    knob: settings.knob,
                    seed: settings.seed,
                    preset: s.preset,
                },
            })
        })
    }

    /// Hands the model of `family` (as trained so far; training goes on) to the Flow or
    /// Fading view (`view_id`) and goes there (`current`: the app's current view).
    pub fn open_in(&self, family: Family, view_id: &'static str, current: Option<CurrentView>) {
        let (Some(trained), Some(link)) = (self.trained, self.link) else {
            return;
        };
        if let Some(model) = self.trained_model(family).filter(|m| m.origin.steps > 0) {
            link.open(trained, model);
            if let Some(current) = current {
                current.0.set(view_id);
            }
        }
    }

    /// When the link names a trained model that is not the one open, retrain it (one run, to
    /// the link's step) with progress; `deliver_link` opens it when it gets there.
    pub(super) fn retrain_links(&self) {
        let (Some(trained), Some(link)) = (self.trained, self.link) else {
            return;
        };
        let state = *self;
        Effect::new(move |_| {
            let Some(origin) = link.origin.get() else {
                return;
            };
            let open = trained.0.with_untracked(|t| t.as_ref().map(|t| t.origin));
            if open == Some(origin) {
                return;
            }
            let settings = Settings {
                task: origin.task,
                knob: origin.knob,
                seed: origin.seed,
                steps: origin.total,
            };
            // The controls say what is being trained.
            state.task.set(origin.task);
            state.knob.set(origin.knob as f64);
            state.seed.set(origin.seed);
            state.steps.set(origin.total);
            state.preset.set(origin.preset);
            state.families.set(vec![origin.family]);
            link.retraining.set(Some(0));
            trained.0.set(None);
            let stop = (origin.steps < origin.total).then_some(origin.steps);
            state.start(settings, origin.preset, &[origin.family], stop);
        });
    }

    /// Opens the run a link asked for once it reached the link's step.
    fn deliver_link(&self) {
        let (Some(trained), Some(link)) = (self.trained, self.link) else {
            return;
        };
        let Some(wanted) = link.origin.get_untracked() else {
            return;
        };
        if link.retraining.get_untracked().is_none() {
            return;
        }
        if let Some(model) = self.trained_model(wanted.family) {
            if model.origin == wanted {
                link.retraining.set(None);
                trained.0.set(Some(model));
            }
        }
    }
}
