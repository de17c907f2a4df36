//! Training: cross-entropy on the answer positions, Adam (Kingma & Ba 2015, Algorithm 1),
//! gradients clipped to global norm 1 (Pascanu et al. 2013), one fresh batch per step.
//!
//! A [`Training`] advances one part of a step per call ([`Training::work`]: the gradients of
//! `MICRO_BATCH` of the batch's examples, summed until the batch is complete, then one Adam
//! update — the same step as on the whole batch at once), so the UI can train in slices well
//! under a frame whatever the family; it records the loss and accuracy of every step's batch (each batch is new
//! data, so these are also held-out figures) and can evaluate on a separate held-out set.

use ndarray::{Array2, Axis};

use super::models::Trainable;
use super::tape::Tape;
use super::tasks::{batch_of, Batch, Task, TaskSpec, BATCH};
use crate::error::CoreResult;
use crate::models::family::{Family, ModelConfig};

/// Adam step size.
pub const LEARNING_RATE: f32 = 3e-3;
/// Adam β₁, β₂, ε (the paper's defaults).
const BETA1: f32 = 0.9;
const BETA2: f32 = 0.999;
const ADAM_EPS: f32 = 1e-8;
/// Global gradient-norm clip.
const CLIP_NORM: f32 = 1.0;
/// Default number of training steps per model.
pub const DEFAULT_STEPS: usize = 1000;
/// Examples per part of a step: the unit of work between two checks of the UI's time budget
/// (a whole step of the transformer or Mamba takes ≈ 15 ms in Chromium, a part a quarter).
pub const MICRO_BATCH: usize = 8;
/// Parts per step.
pub const PARTS: usize = BATCH / MICRO_BATCH;
/// Examples in the held-out evaluation (drawn from batches far beyond any training step).
pub const EVAL_EXAMPLES: usize = 256;
/// The evaluation runs in chunks of this many examples (a forward pass only: cheaper than one
/// part of a training step, so the UI can interleave it with frames).
pub const EVAL_CHUNK: usize = MICRO_BATCH;
/// Chunks of the evaluation.
pub const EVAL_CHUNKS: usize = EVAL_EXAMPLES / EVAL_CHUNK;
const EVAL_FIRST_STEP: u64 = 1 << 40;

/// What to train on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    pub task: Task,
    /// Gap k / body length / pairs (clamped to the task's range).
    pub knob: usize,
    pub seed: u64,
    pub steps: usize,
}

/// Loss and accuracy of one batch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    pub loss: f32,
    /// Fraction of answer positions whose most likely token is the target.
    pub accuracy: f32,
}

/// One model being trained.
#[derive(Debug, Clone)]
pub struct Training {
    pub settings: Settings,
    /// The task with its sizes (`TaskSpec::standard(settings.task, settings.knob)` unless a
    /// preset set larger ones).
    pub spec: TaskSpec,
    /// Adam step size (`LEARNING_RATE` unless a preset set another, the same for every family).
    pub lr: f32,
    pub model: Trainable,
    first_moment: Vec<Array2<f32>>,
    second_moment: Vec<Array2<f32>>,
    /// Per finished step.
    pub losses: Vec<f32>,
    pub accuracies: Vec<f32>,
    /// The step in progress: parts done so far.
    partial: Option<PartialStep>,
}

/// Sums over the parts of one step so far, each weighted by its answer count, so the finished
/// step has the mean over the whole batch's answers.
#[derive(Debug, Clone)]
struct PartialStep {
    /// Σ_parts answers · ∂(mean loss of the part)/∂leaf.
    grads: Vec<Array2<f32>>,
    loss_sum: f64,
    right: f64,
    answers: usize,
    parts: usize,
}

/// Loss, accuracy and gradients (per leaf) of `model` on `data`.
pub fn loss_and_gradients(model: &Trainable, data: &Batch) -> (Score, Vec<Array2<f32>>) {
    let mut tape = Tape::new();
    let (vars, logits) = model.logits(&mut tape, &data.tokens, data.batch);
    let accuracy = accuracy(tape.value(logits), &data.targets);
    let loss = tape.cross_entropy(logits, &data.targets);
    let loss_value = tape.value(loss)[[0, 0]];
    let grads = tape.backward(loss);
    let leaf_grads = vars
        .iter()
        .zip(&model.leaves)
        .map(|(&v, leaf)| {
            grads[v]
                .clone()
                .unwrap_or_else(|| Array2::zeros(leaf.raw_dim()))
        })
        .collect();
    (
        Score {
            loss: loss_value,
            accuracy,
        },
        leaf_grads,
    )
}

/// Loss and accuracy without gradients.
pub fn score(model: &Trainable, data: &Batch) -> Score {
    let mut tape = Tape::new();
    let (_, logits) = model.logits(&mut tape, &data.tokens, data.batch);
    let accuracy = accuracy(tape.value(logits), &data.targets);
    let loss = tape.cross_entropy(logits, &data.targets);
    Score {
        loss: tape.value(loss)[[0, 0]],
        accuracy,
    }
}

fn accuracy(logits: &Array2<f32>, targets: &[Option<usize>]) -> f32 {
    let (mut right, mut total) = (0usize, 0usize);
    for (row, target) in logits.axis_iter(Axis(0)).zip(targets) {
        if let Some(t) = *target {
            let best = row
                .iter()
                .enumerate()
                .fold((0, f32::NEG_INFINITY), |(bi, bv), (i, &v)| {
                    if v > bv {
                        (i, v)
                    } else {
                        (bi, bv)
                    }
                })
                .0;
            right += usize::from(best == t);
            total += 1;
        }
    }
    if total == 0 {
        0.0
    } else {
        right as f32 / total as f32
    }
}

impl Training {
    /// A fresh model of `family` for `settings` (weights from `settings.seed`).
    pub fn new(family: Family, settings: Settings) -> CoreResult<Training> {
        let model = Trainable::new(family, settings.task.vocab(), settings.seed)?;
        let spec = TaskSpec::standard(settings.task, settings.knob);
        Ok(Training::start(settings, spec, LEARNING_RATE, model))
    }

    /// A fresh model of `config`'s family, width `d_model`, trained on `spec` for `steps` steps
    /// of Adam with step size `lr` (weights and data from `seed`).
    pub fn custom(
        config: ModelConfig,
        d_model: usize,
        layers: usize,
        spec: TaskSpec,
        seed: u64,
        steps: usize,
        lr: f32,
    ) -> CoreResult<Training> {
        let model = Trainable::stacked(config, d_model, layers, spec.vocab(), seed)?;
        let settings = Settings {
            task: spec.task,
            knob: spec.knob,
            seed,
            steps,
        };
        Ok(Training::start(settings, spec, lr, model))
    }

    fn start(settings: Settings, spec: TaskSpec, lr: f32, model: Trainable) -> Training {
        let zeros: Vec<Array2<f32>> = model
            .leaves
            .iter()
            .map(|l| Array2::zeros(l.raw_dim()))
            .collect();
        Training {
            settings,
            spec,
            lr,
            model,
            first_moment: zeros.clone(),
            second_moment: zeros,
            losses: Vec::new(),
            accuracies: Vec::new(),
            partial: None,
        }
    }

    /// Steps finished.
    pub fn step_count(&self) -> usize {
        self.losses.len()
    }

    pub fn is_done(&self) -> bool {
        self.step_count() >= self.settings.steps
    }

    /// Runs up to `n` more steps; returns how many ran.
    pub fn advance(&mut self, n: usize) -> usize {
        let mut ran = 0;
        while ran < n && !self.is_done() {
            self.step();
            ran += 1;
        }
        ran
    }

    /// One Adam step on batch number `step_count()` (all its parts).
    pub fn step(&mut self) {
        while !self.work() {}
    }

    /// One part of the step on batch number `step_count()`: the gradients of `MICRO_BATCH` of
    /// its examples; after the last part, the Adam update. True when a step was finished.
    pub fn work(&mut self) -> bool {
        let s = self.settings;
        let step = self.step_count();
        let part = self.partial.as_ref().map_or(0, |p| p.parts);
        let first = (step * BATCH + part * MICRO_BATCH) as u64;
        let data = batch_of(&self.spec, s.seed, first, MICRO_BATCH);
        let answers = data.targets.iter().filter(|t| t.is_some()).count();
        let (score, grads) = loss_and_gradients(&self.model, &data);
        let weight = answers as f32;
        let sums = self.partial.get_or_insert_with(|| PartialStep {
            grads: grads.iter().map(|g| Array2::zeros(g.raw_dim())).collect(),
            loss_sum: 0.0,
            right: 0.0,
            answers: 0,
            parts: 0,
        });
        if answers > 0 {
            for (sum, g) in sums.grads.iter_mut().zip(&grads) {
                sum.scaled_add(weight, g);
            }
            sums.loss_sum += f64::from(score.loss) * answers as f64;
            sums.right += f64::from(score.accuracy) * answers as f64;
        }
        sums.answers += answers;
        sums.parts += 1;
        if sums.parts < PARTS {
            return false;
        }
        let Some(done) = self.partial.take() else {
            return false;
        };
        let n = done.answers.max(1);
        let score = Score {
            loss: (done.loss_sum / n as f64) as f32,
            accuracy: (done.right / n as f64) as f32,
        };
        let mut grads = done.grads;
        grads.iter_mut().for_each(|g| *g /= n as f32);
        self.update(step, grads);
        self.losses.push(score.loss);
        self.accuracies.push(score.accuracy);
        true
    }

    /// Adam on the batch gradients of step number `step`.
    fn update(&mut self, step: usize, mut grads: Vec<Array2<f32>>) {
        let norm = grads
            .iter()
            .map(|g| g.iter().map(|v| v * v).sum::<f32>())
            .sum::<f32>()
            .sqrt();
        if norm.is_finite() {
            if norm > CLIP_NORM {
                grads.iter_mut().for_each(|g| *g *= CLIP_NORM / norm);
            }
            let t = (step + 1) as i32;
            let (c1, c2) = (1.0 - BETA1.powi(t), 1.0 - BETA2.powi(t));
            let lr = self.lr;
            for (i, g) in grads.iter().enumerate() {
                if self.model.frozen[i] {
                    continue;
                }
                let m = &mut self.first_moment[i];
                let v = &mut self.second_moment[i];
                let w = &mut self.model.leaves[i];
                ndarray::Zip::from(w)
                    .and(m)
                    .and(v)
                    .and(g)
                    .for_each(|w, m, v, &g| {
                        *m = BETA1 * *m + (1.0 - BETA1) * g;
                        *v = BETA2 * *v + (1.0 - BETA2) * g * g;
                        *w -= lr * (*m / c1) / ((*v / c2).sqrt() + ADAM_EPS);
                    });
            }
            self.model.project();
        }
    }

    /// Loss and accuracy on `EVAL_EXAMPLES` held-out examples.
    pub fn evaluate(&self) -> Score {
        let mut total = EvalTally::default();
        for chunk in 0..EVAL_CHUNKS {
            total.add(self.evaluate_chunk(chunk));
        }
        total.score()
    }

    /// Chunk `chunk` (< `EVAL_CHUNKS`) of the held-out evaluation.
    pub fn evaluate_chunk(&self, chunk: usize) -> EvalTally {
        let s = self.settings;
        // Examples EVAL_FIRST_STEP·BATCH .. + EVAL_EXAMPLES, far beyond any training batch.
        let first = EVAL_FIRST_STEP * BATCH as u64 + (chunk * EVAL_CHUNK) as u64;
        let data = batch_of(&self.spec, s.seed, first, EVAL_CHUNK);
        let mut tape = Tape::new();
        let (_, logits) = self.model.logits(&mut tape, &data.tokens, data.batch);
        let acc = accuracy(tape.value(logits), &data.targets);
        let loss = tape.cross_entropy(logits, &data.targets);
        let answers = data.targets.iter().filter(|t| t.is_some()).count();
        EvalTally {
            loss_sum: f64::from(tape.value(loss)[[0, 0]]) * answers as f64,
            right: f64::from(acc) * answers as f64,
            answers,
            chunks: 1,
        }
    }
}

/// Sums over evaluation chunks.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct EvalTally {
    pub loss_sum: f64,
    pub right: f64,
    pub answers: usize,
    /// Chunks added.
    pub chunks: usize,
}

impl EvalTally {
    pub fn add(&mut self, other: EvalTally) {
        self.loss_sum += other.loss_sum;
        self.right += other.right;
        self.answers += other.answers;
        self.chunks += other.chunks;
    }

    /// Mean loss and accuracy per answer.
    pub fn score(&self) -> Score {
        let n = self.answers.max(1) as f64;
        Score {
            loss: (self.loss_sum / n) as f32,
            accuracy: (self.right / n) as f32,
        }
    }
}
