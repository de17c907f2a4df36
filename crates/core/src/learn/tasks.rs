//! The three memory tasks of the Learn view, generated from a seed.
//!
//! Every example is a token sequence with a target at some positions ("answer positions");
//! the loss and the accuracy count only those. Sizes are fixed here and documented in the
//! README so the outcome is a property of the families, not of tuning:
//!
//! | task | vocabulary | length | answers per sequence | slider |
//! | --- | --- | --- | --- | --- |
//! | delayed copy | 8 symbols | 24 | L − k (every position t ≥ k) | gap k, 1–16 |
//! | selective copying | 8 symbols + noise + marker = 10 | body + 1 + 4 | 4 | body length 8–32 |
//! | associative recall | 8 keys + 8 values = 16 | 2·pairs + 1 | 1 | pairs 2–8 |
//!
//! A [`TaskSpec`] carries the sizes of one run: [`TaskSpec::standard`] is the table above, a
//! preset (`learn::presets`) may set a longer body or more marked tokens.
//!
//! Selective copying follows Gu & Dao 2023 ("Mamba", §3.1 and Fig. 2): 4 data tokens at random
//! positions of a body of noise tokens; after a marker, the model must output them in order at
//! 4 answer positions (the inputs there are the marker again). Associative recall follows
//! Ba et al. 2016 / Zoology (Arora et al. 2023): distinct keys each followed by a value, then
//! one of the keys again; the answer is its value.

use rand::seq::index::sample;
use rand::Rng;

use crate::rng::rng_for;

/// Which task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Task {
    DelayedCopy,
    SelectiveCopy,
    AssociativeRecall,
}

/// Symbols copied in delayed and selective copying.
pub const DATA_SYMBOLS: usize = 8;
/// Length of a delayed-copy sequence.
pub const DELAYED_COPY_LEN: usize = 24;
/// Marked tokens in selective copying.
pub const SELECTIVE_MARKED: usize = 4;
/// Keys (and values) of associative recall.
pub const RECALL_KEYS: usize = 8;
/// Sequences per training batch.
pub const BATCH: usize = 32;

impl Task {
    pub const ALL: [Task; 3] = [
        Task::DelayedCopy,
        Task::SelectiveCopy,
        Task::AssociativeRecall,
    ];

    /// Id used in test ids.
    pub fn id(self) -> &'static str {
        match self {
            Task::DelayedCopy => "delayed-copy",
            Task::SelectiveCopy => "selective-copy",
            Task::AssociativeRecall => "recall",
        }
    }

    pub fn from_id(id: &str) -> Option<Task> {
        Task::ALL.into_iter().find(|t| t.id() == id)
    }

    /// Number of distinct tokens.
    pub fn vocab(self) -> usize {
        match self {
            Task::DelayedCopy => DATA_SYMBOLS,
            Task::SelectiveCopy => DATA_SYMBOLS + 2,
            Task::AssociativeRecall => 2 * RECALL_KEYS,
        }
    }

    /// Range and default of the task's size knob (gap k, body length, pairs).
    pub fn knob_range(self) -> (usize, usize, usize) {
        match self {
            Task::DelayedCopy => (1, 16, 4),
            Task::SelectiveCopy => (8, 32, 16),
            Task::AssociativeRecall => (2, 8, 4),
        }
    }

    /// The knob clamped into its range.
    pub fn clamp_knob(self, knob: usize) -> usize {
        let (lo, hi, _) = self.knob_range();
        knob.clamp(lo, hi)
    }

    /// Sequence length for this knob.
    pub fn len(self, knob: usize) -> usize {
        let knob = self.clamp_knob(knob);
        match self {
            Task::DelayedCopy => DELAYED_COPY_LEN,
            Task::SelectiveCopy => knob + 1 + SELECTIVE_MARKED,
            Task::AssociativeRecall => 2 * knob + 1,
        }
    }

    /// Name of a token for display.
    pub fn token_name(self, token: usize) -> String {
        const LETTERS: &[u8] = b"abcdefgh";
        match self {
            Task::DelayedCopy => format!("{}", token),
            Task::SelectiveCopy => match token {
                t if t < DATA_SYMBOLS => format!("{}", t),
                t if t == DATA_SYMBOLS => "·".to_string(),
                _ => "▶".to_string(),
            },
            Task::AssociativeRecall => {
                if token < RECALL_KEYS {
                    (LETTERS[token % LETTERS.len()] as char).to_string()
                } else {
                    format!("{}", token - RECALL_KEYS)
                }
            }
        }
    }
}

/// One example: tokens and, per position, the target (None: not scored).
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub tokens: Vec<usize>,
    pub targets: Vec<Option<usize>>,
}

/// A task with its sizes: the fixed sizes above plus the knob, or the larger sizes of a preset
/// (`learn::presets`). Selective copying with `marked == knob` is copying a string: every body
/// token is marked, so the answer is the whole string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TaskSpec {
    pub task: Task,
    /// Gap k / body length / pairs (not clamped: a preset may go beyond the slider's range).
    pub knob: usize,
    /// Marked tokens of selective copying (ignored by the other tasks).
    pub marked: usize,
    /// Data symbols of selective copying (`DATA_SYMBOLS` unless a preset sets more; ignored
    /// by the other tasks). The noise token is `symbols`, the marker `symbols + 1`.
    pub symbols: usize,
}

impl TaskSpec {
    /// The fixed sizes with the knob clamped into the slider's range.
    pub fn standard(task: Task, knob: usize) -> TaskSpec {
        TaskSpec {
            task,
            knob: task.clamp_knob(knob),
            marked: SELECTIVE_MARKED,
            symbols: DATA_SYMBOLS,
        }
    }

    /// Number of distinct tokens.
    pub fn vocab(&self) -> usize {
        match self.task {
            Task::SelectiveCopy => self.data_symbols() + 2,
            _ => self.task.vocab(),
        }
    }

    /// Values an answer takes: the data symbols of selective copying (at least 2), 8 otherwise.
    pub fn data_symbols(&self) -> usize {
        match self.task {
            Task::SelectiveCopy => self.symbols.max(2),
            _ => DATA_SYMBOLS,
        }
    }

    /// The noise token of selective copying (its marker is the next one).
    pub fn noise_token(&self) -> usize {
        self.data_symbols()
    }

    /// Name of a token for display (the data symbols of selective copying as numbers, noise
    /// `·`, marker `▶`).
    pub fn token_name(&self, token: usize) -> String {
        match self.task {
            Task::SelectiveCopy => match token {
                t if t < self.noise_token() => format!("{}", t),
                t if t == self.noise_token() => "·".to_string(),
                _ => "▶".to_string(),
            },
            task => task.token_name(token),
        }
    }

    /// Sequence length.
    pub fn seq_len(&self) -> usize {
        match self.task {
            Task::DelayedCopy => DELAYED_COPY_LEN.max(self.knob + 1),
            Task::SelectiveCopy => self.knob + 1 + self.marked,
            Task::AssociativeRecall => 2 * self.knob + 1,
        }
    }

    /// Answer positions per sequence.
    pub fn answers(&self) -> usize {
        match self.task {
            Task::DelayedCopy => self.seq_len() - self.knob,
            Task::SelectiveCopy => self.marked,
            Task::AssociativeRecall => 1,
        }
    }

    /// The sizes forced into what the generator can make: at least one marked token and no
    /// more than the body holds; at least one pair and no more than the keys.
    fn valid(mut self) -> TaskSpec {
        self.knob = self.knob.max(1);
        self.marked = self.marked.clamp(1, self.knob);
        if self.task == Task::AssociativeRecall {
            self.knob = self.knob.min(RECALL_KEYS);
        }
        self
    }
}

/// Example number `index` of `task` under `seed` (each index its own RNG stream, so a batch
/// is reproducible whatever was drawn before).
pub fn example(task: Task, knob: usize, seed: u64, index: u64) -> Example {
    example_of(&TaskSpec::standard(task, knob), seed, index)
}

/// Example number `index` of the task `spec` under `seed`.
pub fn example_of(spec: &TaskSpec, seed: u64, index: u64) -> Example {
    let spec = spec.valid();
    let (task, knob) = (spec.task, spec.knob);
    let mut rng = rng_for(seed ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15), task.id());
    match task {
        Task::DelayedCopy => {
            let len = spec.seq_len();
            let tokens: Vec<usize> = (0..len)
                .map(|_| rng.random_range(0..DATA_SYMBOLS))
                .collect();
            // y_t = x_{t−k}
            let targets = (0..len)
                .map(|t| t.checked_sub(knob).map(|src| tokens[src]))
                .collect();
            Example { tokens, targets }
        }
        Task::SelectiveCopy => {
            let noise = spec.noise_token();
            let marker = noise + 1;
            let mut positions = sample(&mut rng, knob, spec.marked).into_vec();
            positions.sort_unstable();
            let mut tokens = vec![noise; knob];
            let data: Vec<usize> = (0..spec.marked)
                .map(|_| rng.random_range(0..noise))
                .collect();
            for (&p, &v) in positions.iter().zip(&data) {
                tokens[p] = v;
            }
            let mut targets = vec![None; knob + 1];
            tokens.push(marker);
            for &v in &data {
                tokens.push(marker);
                targets.push(Some(v));
            }
            Example { tokens, targets }
        }
        Task::AssociativeRecall => {
            let keys = sample(&mut rng, RECALL_KEYS, knob).into_vec();
            let mut tokens = Vec::with_capacity(2 * knob + 1);
            let mut values = Vec::with_capacity(knob);
            for &k in &keys {
                let v = rng.random_range(0..RECALL_KEYS);
                tokens.push(k);
                tokens.push(RECALL_KEYS + v);
                values.push(RECALL_KEYS + v);
            }
            let pick = rng.random_range(0..knob);
            tokens.push(keys[pick]);
            let mut targets = vec![None; 2 * knob];
            targets.push(Some(values[pick]));
            Example { tokens, targets }
        }
    }
}

/// A batch in time-major layout: row t·batch + b is position t of example b.
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    pub len: usize,
    pub batch: usize,
    pub tokens: Vec<usize>,
    pub targets: Vec<Option<usize>>,
}

/// Batch number `step` (examples step·size .. step·size + size).
pub fn batch(task: Task, knob: usize, seed: u64, step: u64, size: usize) -> Batch {
    batch_from(task, knob, seed, step * size as u64, size)
}

/// The batch of examples `first .. first + size` (a part of a larger batch, so a step can be
/// computed in parts on exactly the examples of its whole batch).
pub fn batch_from(task: Task, knob: usize, seed: u64, first: u64, size: usize) -> Batch {
    batch_of(&TaskSpec::standard(task, knob), seed, first, size)
}

/// The batch of examples `first .. first + size` of the task `spec`.
pub fn batch_of(spec: &TaskSpec, seed: u64, first: u64, size: usize) -> Batch {
    let examples: Vec<Example> = (0..size as u64)
        .map(|i| example_of(spec, seed, first + i))
        .collect();
    let len = examples.first().map_or(0, |e| e.tokens.len());
    let mut tokens = Vec::with_capacity(len * size);
    let mut targets = Vec::with_capacity(len * size);
    for t in 0..len {
        for e in &examples {
            tokens.push(e.tokens[t]);
            targets.push(e.targets[t]);
        }
    }
    Batch {
        len,
        batch: size,
        tokens,
        targets,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delayed_copy_targets_are_the_token_k_steps_back() {
        for k in [1, 3, 16] {
            let e = example(Task::DelayedCopy, k, 5, 0);
            assert_eq!(e.tokens.len(), 24);
            for t in 0..24 {
                if t < k {
                    assert_eq!(e.targets[t], None);
                } else {
                    assert_eq!(e.targets[t], Some(e.tokens[t - k]));
                }
            }
        }
    }

    #[test]
    fn selective_copy_answers_are_the_marked_tokens_in_order() {
        for body in [8, 16, 32] {
            let e = example(Task::SelectiveCopy, body, 9, 3);
            assert_eq!(e.tokens.len(), body + 1 + SELECTIVE_MARKED);
            let data: Vec<usize> = e.tokens[..body]
                .iter()
                .copied()
                .filter(|&t| t < DATA_SYMBOLS)
                .collect();
            assert_eq!(data.len(), SELECTIVE_MARKED);
            let answers: Vec<usize> = e.targets.iter().flatten().copied().collect();
            assert_eq!(answers, data);
            // answers only at the last 4 positions, whose inputs are the marker
            for t in 0..e.tokens.len() {
                assert_eq!(e.targets[t].is_some(), t > body);
                if t >= body {
                    assert_eq!(e.tokens[t], DATA_SYMBOLS + 1);
                }
            }
        }
    }

    #[test]
    fn recall_answer_is_the_value_after_the_queried_key() {
        for pairs in [2, 4, 8] {
            let e = example(Task::AssociativeRecall, pairs, 11, 7);
            let len = 2 * pairs + 1;
            assert_eq!(e.tokens.len(), len);
            let query = e.tokens[len - 1];
            let mut keys: Vec<usize> = (0..pairs).map(|i| e.tokens[2 * i]).collect();
            let at = keys
                .iter()
                .position(|&k| k == query)
                .expect("query is a key");
            assert_eq!(e.targets[len - 1], Some(e.tokens[2 * at + 1]));
            assert!(e.targets[..len - 1].iter().all(Option::is_none));
            keys.sort_unstable();
            keys.dedup();
            assert_eq!(keys.len(), pairs, "keys are distinct");
            assert!(e
                .tokens
                .iter()
                .all(|&t| t < Task::AssociativeRecall.vocab()));
        }
    }

    #[test]
    fn batch_is_time_major_and_reproducible() {
        let b = batch(Task::DelayedCopy, 2, 1, 3, 4);
        let e1 = example(Task::DelayedCopy, 2, 1, 3 * 4 + 1);
        for t in 0..24 {
            assert_eq!(b.tokens[t * 4 + 1], e1.tokens[t]);
        }
        assert_eq!(b, batch(Task::DelayedCopy, 2, 1, 3, 4));
        assert_ne!(b, batch(Task::DelayedCopy, 2, 1, 4, 4));
    }

    #[test]
    fn copying_is_selective_copying_with_every_token_marked() {
        let spec = TaskSpec {
            task: Task::SelectiveCopy,
            knob: 20,
            marked: 20,
            symbols: DATA_SYMBOLS,
        };
        let e = example_of(&spec, 4, 2);
        assert_eq!(e.tokens.len(), 20 + 1 + 20);
        assert_eq!(spec.seq_len(), e.tokens.len());
        let answers: Vec<usize> = e.targets.iter().flatten().copied().collect();
        assert_eq!(
            answers,
            e.tokens[..20].to_vec(),
            "the answer is the whole string"
        );
        assert!(e.tokens[..20].iter().all(|&t| t < DATA_SYMBOLS));
    }

    /// A spec with 32 data symbols: the noise token is 32, the marker 33, the vocabulary 34,
    /// and the marked tokens (the answers) take every value 0..32 and no other.
    #[test]
    fn symbols_set_the_alphabet_of_selective_copying() {
        let spec = TaskSpec {
            task: Task::SelectiveCopy,
            knob: 64,
            marked: 4,
            symbols: 32,
        };
        assert_eq!(spec.vocab(), 32 + 2);
        assert_eq!(spec.data_symbols(), 32);
        let mut seen = [false; 32];
        for i in 0..200 {
            let e = example_of(&spec, 6, i);
            assert_eq!(e.tokens.len(), 64 + 1 + 4);
            let body = &e.tokens[..64];
            let data: Vec<usize> = body.iter().copied().filter(|&t| t != 32).collect();
            assert_eq!(data.len(), 4, "4 marked tokens among noise (32)");
            assert!(e.tokens[64..].iter().all(|&t| t == 33), "the marker is 33");
            let answers: Vec<usize> = e.targets.iter().flatten().copied().collect();
            assert_eq!(answers, data);
            for a in answers {
                assert!(a < 32);
                seen[a] = true;
            }
        }
        assert!(seen.iter().all(|&s| s), "every symbol 0..32 is drawn");
        assert_eq!(spec.token_name(31), "31");
        assert_eq!(spec.token_name(32), "·");
        assert_eq!(spec.token_name(33), "▶");
    }

    #[test]
    fn standard_spec_gives_the_old_examples() {
        let spec = TaskSpec::standard(Task::SelectiveCopy, 99);
        assert_eq!(spec.knob, 32, "clamped to the slider's range");
        assert_eq!(
            example_of(&spec, 3, 1),
            example(Task::SelectiveCopy, 32, 3, 1)
        );
        for task in Task::ALL {
            let k = task.knob_range().2;
            assert_eq!(TaskSpec::standard(task, k).seq_len(), task.len(k));
        }
    }
}
