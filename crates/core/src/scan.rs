//! Scans of the first-order linear recurrence `h_t = a_t·h_{t−1} + b_t` (with `h_{−1} = 0`):
//! sequential, Hillis–Steele, Blelloch and chunked, each with a level-by-level trace.
//!
//! Each step is the affine map `h ↦ a·h + b`, written as the pair `(a, b)`. Composing two steps,
//! the earlier one first, is again affine:
//!
//! ```text
//! (a₁, b₁) ∘ (a₂, b₂) = (a₁·a₂, a₂·b₁ + b₂)          // earlier element on the left
//! ```
//!
//! This operator is associative with identity `(1, 0)`, so the inclusive prefix
//! `P_t = (a_0,b_0) ∘ … ∘ (a_t,b_t)` can be computed in any bracketing, and `h_t` is the `b`
//! component of `P_t` (the prefix map applied to `h_{−1} = 0`). References:
//! W. D. Hillis, G. L. Steele, "Data parallel algorithms" (CACM 1986);
//! G. E. Blelloch, "Prefix sums and their applications" (CMU-CS-90-190, 1990), §1.3 (up-sweep /
//! down-sweep) and §4 (first-order recurrences); E. Martin, C. Cundy, "Parallelizing linear
//! recurrent neural nets over sequence length" (ICLR 2018).
//!
//! Work (combines) and depth (levels that must run one after another), for `n` elements:
//!
//! | algorithm | combines | depth |
//! | --- | --- | --- |
//! | sequential | `n − 1` | `n − 1` |
//! | Hillis–Steele | `Σ_{d : 2^d < n} (n − 2^d)` | `⌈log₂ n⌉` |
//! | Blelloch | `2(m − 1)`, `m = 2^⌈log₂ n⌉` (padding with `(1, 0)` included) | `2·log₂ m` |
//! | chunked, block `B` | `(n − c) + (n − min(B, n))`, `c = ⌈n / B⌉` blocks | `(min(B, n) − 1) + (c − 1)` |
//!
//! (All are 0 for `n ≤ 1`.) A "level" is a set of combines that read only values finished in
//! earlier levels, so they could all run at once; `depth` counts the levels that hold at least one
//! combine. Every algorithm reads its operands in place in an order that makes the in-place update
//! equal to the "all at once" reading of the level, and the trace records the node values after
//! each level.
//!
//! Mismatched lengths of `a` and `b` never panic: the scan runs over the first
//! `min(a.len(), b.len())` elements (the longer slice's tail is ignored).

use num_complex::{Complex32, Complex64};
use std::fmt::Debug;
use std::ops::{Add, Mul};

/// An element of a scan: a ring with `0` and `1` (real or complex numbers).
pub trait ScanElement: Copy + Debug + PartialEq + Add<Output = Self> + Mul<Output = Self> {
    /// The additive identity.
    fn zero() -> Self;
    /// The multiplicative identity.
    fn one() -> Self;
}

impl ScanElement for f32 {
    fn zero() -> Self {
        0.0
    }
    fn one() -> Self {
        1.0
    }
}

impl ScanElement for f64 {
    fn zero() -> Self {
        0.0
    }
    fn one() -> Self {
        1.0
    }
}

impl ScanElement for Complex32 {
    fn zero() -> Self {
        Complex32::new(0.0, 0.0)
    }
    fn one() -> Self {
        Complex32::new(1.0, 0.0)
    }
}

impl ScanElement for Complex64 {
    fn zero() -> Self {
        Complex64::new(0.0, 0.0)
    }
    fn one() -> Self {
        Complex64::new(1.0, 0.0)
    }
}

/// One step `h ↦ a·h + b` of the recurrence, or a composition of consecutive steps.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Affine<T> {
    pub a: T,
    pub b: T,
}

impl<T: ScanElement> Affine<T> {
    pub fn new(a: T, b: T) -> Self {
        Affine { a, b }
    }

    /// The identity map `(1, 0)` (Blelloch's padding and the empty prefix).
    pub fn identity() -> Self {
        Affine {
            a: T::one(),
            b: T::zero(),
        }
    }

    /// `self ∘ later = (a₁·a₂, a₂·b₁ + b₂)`: first `self`, then `later`.
    pub fn then(self, later: Self) -> Self {
        Affine {
            a: self.a * later.a,
            b: later.a * self.b + later.b,
        }
    }
}

/// The time steps `first..=last` whose composition a node holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub first: usize,
    pub last: usize,
}

/// Joins the spans of two adjacent operands (`None` = the identity, an empty span).
fn join(earlier: Option<Span>, later: Option<Span>) -> Option<Span> {
    match (earlier, later) {
        (None, s) | (s, None) => s,
        (Some(e), Some(l)) => Some(Span {
            first: e.first,
            last: l.last,
        }),
    }
}

/// One operand of a combine: the node it was read from and the steps it covered then.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operand {
    pub node: usize,
    pub span: Option<Span>,
}

/// One combine `nodes[dest] ← earlier ∘ later`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CombineStep {
    pub earlier: Operand,
    pub later: Operand,
    pub dest: usize,
    /// Steps covered by the result (`None` only if both operands were the identity).
    pub result: Option<Span>,
}

/// A copy without arithmetic: `nodes[to] ← nodes[from]`, or `← (1, 0)` when `from` is `None`
/// (Blelloch's down-sweep: the root clear and the left-child copies).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Move {
    pub from: Option<usize>,
    pub to: usize,
}

/// Which part of an algorithm a level belongs to (for the UI's captions).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// One step of the sequential scan.
    Sequential,
    /// One Hillis–Steele level with offset `2^d`.
    HillisSteele { offset: usize },
    /// Blelloch up-sweep (reduce) level `d`: pairs at stride `2^{d+1}`.
    UpSweep { stride: usize },
    /// Blelloch down-sweep level: pairs at stride `stride`.
    DownSweep { stride: usize },
    /// Chunked scan: step `k` of the block-local sequential scans (all blocks at once).
    Local { step: usize },
    /// Chunked scan: block `block` takes the carry from the end of the previous block.
    Carry { block: usize },
}

/// One level of a scan: what was combined or moved, and every node after the level.
#[derive(Debug, Clone, PartialEq)]
pub struct Level<T> {
    pub phase: Phase,
    pub combines: Vec<CombineStep>,
    pub moves: Vec<Move>,
    /// `(a, b)` of every node after this level (Blelloch: the `m` padded nodes).
    pub nodes: Vec<Affine<T>>,
    /// Steps covered by every node after this level (`None` = identity / empty prefix).
    pub spans: Vec<Option<Span>>,
}

/// Everything the UI needs to animate a scan level by level.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanTrace<T> {
    /// Nodes before the first level: `(a_t, b_t)`, and for Blelloch the identity padding
    /// at indices `n..m` (their spans are the padded indices themselves).
    pub initial: Vec<Affine<T>>,
    pub initial_spans: Vec<Option<Span>>,
    /// One entry per level; empty when the scan ran without recording.
    pub levels: Vec<Level<T>>,
}

impl<T> Default for ScanTrace<T> {
    fn default() -> Self {
        ScanTrace {
            initial: Vec::new(),
            initial_spans: Vec::new(),
            levels: Vec::new(),
        }
    }
}

/// Result of a scan: `h_t` for every `t`, the work, the depth and the trace.
#[derive(Debug, Clone, PartialEq)]
pub struct ScanRun<T = f32> {
    pub h: Vec<T>,
    /// Combine operations performed (padding included for Blelloch).
    pub combines: usize,
    /// Levels containing at least one combine.
    pub depth: usize,
    pub trace: ScanTrace<T>,
}

/// The four algorithms of the Scan view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    Sequential,
    HillisSteele,
    Blelloch,
    /// Block-local sequential scans then a carry pass; a block of 0 is treated as 1.
    Chunked {
        block: usize,
    },
}

/// Runs the combines of an algorithm in place, counting them and (optionally) recording levels.
struct Machine<T, F> {
    nodes: Vec<Affine<T>>,
    spans: Vec<Option<Span>>,
    op: F,
    record: bool,
    combines: usize,
    depth: usize,
    trace: ScanTrace<T>,
    /// The level being run: phase, logged combines and moves, combine count at its start.
    level: Option<(Phase, Vec<CombineStep>, Vec<Move>, usize)>,
}

impl<T: ScanElement, F: Fn(Affine<T>, Affine<T>) -> Affine<T>> Machine<T, F> {
    fn new(nodes: Vec<Affine<T>>, op: F, record: bool) -> Self {
        let spans: Vec<Option<Span>> = (0..nodes.len())
            .map(|i| Some(Span { first: i, last: i }))
            .collect();
        let trace = if record {
            ScanTrace {
                initial: nodes.clone(),
                initial_spans: spans.clone(),
                levels: Vec::new(),
            }
        } else {
            ScanTrace::default()
        };
        Machine {
            nodes,
            spans,
            op,
            record,
            combines: 0,
            depth: 0,
            trace,
            level: None,
        }
    }

    fn begin(&mut self, phase: Phase) {
        self.level = Some((phase, Vec::new(), Vec::new(), self.combines));
    }

    /// `nodes[dest] ← nodes[earlier] ∘ nodes[later]`.
    fn combine(&mut self, earlier: usize, later: usize, dest: usize) {
        let value = (self.op)(self.nodes[earlier], self.nodes[later]);
        let result = join(self.spans[earlier], self.spans[later]);
        self.log_combine(earlier, later, dest, result);
        self.nodes[dest] = value;
        self.spans[dest] = result;
    }

    /// Blelloch's down-sweep pair: `left ← right` (move), `right ← right ∘ left` (combine),
    /// both reading the values from before this pair.
    fn swap_combine(&mut self, left: usize, right: usize) {
        let value = (self.op)(self.nodes[right], self.nodes[left]);
        let result = join(self.spans[right], self.spans[left]);
        self.log_combine(right, left, right, result);
        self.log_move(Some(right), left);
        self.nodes[left] = self.nodes[right];
        self.spans[left] = self.spans[right];
        self.nodes[right] = value;
        self.spans[right] = result;
    }

    /// `nodes[to] ← (1, 0)`.
    fn clear(&mut self, to: usize) {
        self.log_move(None, to);
        self.nodes[to] = Affine::identity();
        self.spans[to] = None;
    }

    fn log_combine(&mut self, earlier: usize, later: usize, dest: usize, result: Option<Span>) {
        self.combines += 1;
        if let (true, Some((_, combines, _, _))) = (self.record, self.level.as_mut()) {
            combines.push(CombineStep {
                earlier: Operand {
                    node: earlier,
                    span: self.spans[earlier],
                },
                later: Operand {
                    node: later,
                    span: self.spans[later],
                },
                dest,
                result,
            });
        }
    }

    fn log_move(&mut self, from: Option<usize>, to: usize) {
        if let (true, Some((_, _, moves, _))) = (self.record, self.level.as_mut()) {
            moves.push(Move { from, to });
        }
    }

    fn end(&mut self) {
        if let Some((phase, combines, moves, start)) = self.level.take() {
            if self.combines > start {
                self.depth += 1;
            }
            if self.record {
                self.trace.levels.push(Level {
                    phase,
                    combines,
                    moves,
                    nodes: self.nodes.clone(),
                    spans: self.spans.clone(),
                });
            }
        }
    }

    fn finish(self, h: Vec<T>) -> ScanRun<T> {
        ScanRun {
            h,
            combines: self.combines,
            depth: self.depth,
            trace: self.trace,
        }
    }
}

/// The `(a_t, b_t)` pairs of the first `min(a.len(), b.len())` steps.
fn pairs<T: ScanElement>(a: &[T], b: &[T]) -> Vec<Affine<T>> {
    a.iter().zip(b).map(|(&a, &b)| Affine::new(a, b)).collect()
}

fn b_parts<T: ScanElement>(nodes: &[Affine<T>]) -> Vec<T> {
    nodes.iter().map(|p| p.b).collect()
}

/// Sequential scan, one combine per level: `P_t = P_{t−1} ∘ (a_t, b_t)`.
/// Recording keeps a snapshot of all `n` nodes per level, O(n²): meant for the UI's n ≤ 64.
fn run_sequential<T, F>(nodes: Vec<Affine<T>>, op: F, record: bool) -> Machine<T, F>
where
    T: ScanElement,
    F: Fn(Affine<T>, Affine<T>) -> Affine<T>,
{
    let n = nodes.len();
    let mut m = Machine::new(nodes, op, record);
    for t in 1..n {
        m.begin(Phase::Sequential);
        m.combine(t - 1, t, t);
        m.end();
    }
    m
}

/// Hillis–Steele inclusive scan: at offset `2^d`, every node `i ≥ 2^d` becomes
/// `node[i − 2^d] ∘ node[i]`, reading values from before the level (done from the top down so
/// the in-place update reads unmodified lower nodes).
fn run_hillis_steele<T, F>(nodes: Vec<Affine<T>>, op: F, record: bool) -> Machine<T, F>
where
    T: ScanElement,
    F: Fn(Affine<T>, Affine<T>) -> Affine<T>,
{
    let n = nodes.len();
    let mut m = Machine::new(nodes, op, record);
    let mut offset = 1;
    while offset < n {
        m.begin(Phase::HillisSteele { offset });
        for i in (offset..n).rev() {
            m.combine(i - offset, i, i);
        }
        m.end();
        offset *= 2;
    }
    m
}

/// Blelloch scan over `m = 2^⌈log₂ n⌉` nodes padded with `(1, 0)`: up-sweep (reduce) builds the
/// block totals, the root is cleared, the down-sweep turns them into exclusive prefixes, and the
/// inclusive prefix is read by shifting: `P_t = E_{t+1}` for `t + 1 < m`, `P_{m−1}` = the total
/// saved before the clear. Returns the machine and the inclusive prefixes of the first `n` nodes.
fn run_blelloch<T, F>(nodes: Vec<Affine<T>>, op: F, record: bool) -> (Machine<T, F>, Vec<Affine<T>>)
where
    T: ScanElement,
    F: Fn(Affine<T>, Affine<T>) -> Affine<T>,
{
    let n = nodes.len();
    if n == 0 {
        return (Machine::new(nodes, op, record), Vec::new());
    }
    let size = n.next_power_of_two();
    let mut padded = nodes;
    padded.resize(size, Affine::identity());
    let mut m = Machine::new(padded, op, record);

    // Up-sweep: at stride s = 2^{d+1}, node k+s−1 ← node k+s/2−1 ∘ node k+s−1.
    let mut stride = 2;
    while stride <= size {
        m.begin(Phase::UpSweep { stride });
        for k in (0..size).step_by(stride) {
            m.combine(k + stride / 2 - 1, k + stride - 1, k + stride - 1);
        }
        m.end();
        stride *= 2;
    }
    let total = m.nodes[size - 1];

    // Down-sweep: clear the root, then at each stride left ← parent, right ← parent ∘ left.
    let mut stride = size;
    let mut first = true;
    while stride >= 2 {
        m.begin(Phase::DownSweep { stride });
        if first {
            m.clear(size - 1);
            first = false;
        }
        for k in (0..size).step_by(stride) {
            m.swap_combine(k + stride / 2 - 1, k + stride - 1);
        }
        m.end();
        stride /= 2;
    }

    // Shift the exclusive prefixes left by one: no extra combines.
    let inclusive = (0..n)
        .map(|t| if t + 1 < size { m.nodes[t + 1] } else { total })
        .collect();
    (m, inclusive)
}

/// Chunked scan with blocks of `block` steps: first every block runs its own sequential scan
/// (all blocks at once, `min(block, n) − 1` levels, `n − c` combines for `c = ⌈n/block⌉`
/// blocks); then the carry pass goes block by block: every node of block `j ≥ 1` becomes
/// `node[last of block j−1] ∘ node` (already final), all nodes of a block at once
/// (`c − 1` levels, `n − min(block, n)` combines).
fn run_chunked<T, F>(nodes: Vec<Affine<T>>, block: usize, op: F, record: bool) -> Machine<T, F>
where
    T: ScanElement,
    F: Fn(Affine<T>, Affine<T>) -> Affine<T>,
{
    let n = nodes.len();
    let block = block.max(1);
    let mut m = Machine::new(nodes, op, record);
    for step in 1..block.min(n) {
        m.begin(Phase::Local { step });
        for start in (0..n).step_by(block) {
            if start + step < n {
                m.combine(start + step - 1, start + step, start + step);
            }
        }
        m.end();
    }
    for (index, start) in (0..n).step_by(block).enumerate().skip(1) {
        m.begin(Phase::Carry { block: index });
        for i in start..(start + block).min(n) {
            m.combine(start - 1, i, i);
        }
        m.end();
    }
    m
}

/// Runs `algorithm` over `(a_t, b_t)` (first `min(a.len(), b.len())` steps) with the affine
/// operator. `record = false` skips the trace (for timing); counts are always filled in.
pub fn scan<T: ScanElement>(algorithm: Algorithm, a: &[T], b: &[T], record: bool) -> ScanRun<T> {
    scan_with(algorithm, pairs(a, b), Affine::then, record)
}

/// Runs `algorithm` with any combine `op` (not necessarily associative) on `nodes`;
/// `h_t` is the `b` component of node `t`'s final value.
fn scan_with<T, F>(algorithm: Algorithm, nodes: Vec<Affine<T>>, op: F, record: bool) -> ScanRun<T>
where
    T: ScanElement,
    F: Fn(Affine<T>, Affine<T>) -> Affine<T>,
{
    match algorithm {
        Algorithm::Sequential => {
            let m = run_sequential(nodes, op, record);
            let h = b_parts(&m.nodes);
            m.finish(h)
        }
        Algorithm::HillisSteele => {
            let m = run_hillis_steele(nodes, op, record);
            let h = b_parts(&m.nodes);
            m.finish(h)
        }
        Algorithm::Blelloch => {
            let (m, inclusive) = run_blelloch(nodes, op, record);
            m.finish(b_parts(&inclusive))
        }
        Algorithm::Chunked { block } => {
            let m = run_chunked(nodes, block, op, record);
            let h = b_parts(&m.nodes);
            m.finish(h)
        }
    }
}

/// Plain sequential recurrence `h_t = a_t·h_{t−1} + b_t`, `h_{−1} = 0`, without a trace.
pub fn sequential_values<T: ScanElement>(a: &[T], b: &[T]) -> Vec<T> {
    let mut h = T::zero();
    a.iter()
        .zip(b)
        .map(|(&a, &b)| {
            h = a * h + b;
            h
        })
        .collect()
}

/// Sequential recurrence on f32 (first `min(a.len(), b.len())` steps; empty in, empty out).
pub fn sequential(a: &[f32], b: &[f32]) -> Vec<f32> {
    sequential_values(a, b)
}

/// The sequential scan with its trace (n − 1 levels of one combine each).
pub fn sequential_run(a: &[f32], b: &[f32]) -> ScanRun {
    scan(Algorithm::Sequential, a, b, true)
}

/// Inclusive Hillis–Steele scan with trace.
pub fn hillis_steele(a: &[f32], b: &[f32]) -> ScanRun {
    scan(Algorithm::HillisSteele, a, b, true)
}

/// Work-efficient Blelloch scan with trace (trace nodes are the `m` padded nodes).
pub fn blelloch(a: &[f32], b: &[f32]) -> ScanRun {
    scan(Algorithm::Blelloch, a, b, true)
}

/// Chunked scan with blocks of `block` steps (0 is treated as 1), with trace.
pub fn chunked(a: &[f32], b: &[f32], block: usize) -> ScanRun {
    scan(Algorithm::Chunked { block }, a, b, true)
}

/// The non-linear recurrence `h_t = tanh(a_t·h_{t−1} + b_t)` computed exactly (sequentially)
/// and by the Hillis–Steele pattern "as if it composed".
#[derive(Debug, Clone, PartialEq)]
pub struct TanhScanComparison {
    /// True recurrence, `h_{−1} = 0`.
    pub exact: Vec<f32>,
    /// The Hillis–Steele pattern with the pseudo-combine (see [`tanh_hillis_steele`]);
    /// its `h` is the read-out `tanh(B_t)` and its trace holds the raw `(A, B)` nodes.
    pub pseudo: ScanRun,
    /// `|pseudo.h[t] − exact[t]|` per step.
    pub abs_error: Vec<f32>,
    /// Largest entry of `abs_error` (0 when empty).
    pub max_abs_error: f32,
}

/// The pseudo-combine of [`tanh_hillis_steele`]:
/// `(A₁, B₁) ⊙ (A₂, B₂) = (A₁·A₂, A₂·tanh(B₁) + B₂)`.
fn tanh_pseudo_combine(earlier: Affine<f32>, later: Affine<f32>) -> Affine<f32> {
    Affine {
        a: earlier.a * later.a,
        b: later.a * earlier.b.tanh() + later.b,
    }
}

/// Applies the Hillis–Steele pattern to `h_t = tanh(a_t·h_{t−1} + b_t)` as if tanh steps
/// composed like affine ones, and measures the error against the true recurrence.
///
/// Precisely: node `t` starts as `(A, B) = (a_t, b_t)`, where `B` is a *pre-activation* and the
/// node's read-out is `h = tanh(B)`. A combine is
/// `(A₁, B₁) ⊙ (A₂, B₂) = (A₁·A₂, A₂·tanh(B₁) + B₂)`: it feeds the earlier node's read-out into
/// the later step's pre-activation, which is exact for one step (so a sequential left fold with
/// ⊙ reproduces the true recurrence exactly), but ⊙ is not associative, so the tree order of
/// Hillis–Steele gives `h_t = tanh(B_t)` that differs from the truth once `t ≥ 2`
/// (e.g. `h_2 = tanh(a_2·tanh(b_1) + a_1a_2·tanh(b_0) + b_2)` instead of
/// `tanh(a_2·tanh(a_1·tanh(b_0) + b_1) + b_2)`). Uses the first `min(a.len(), b.len())` steps.
pub fn tanh_hillis_steele(a: &[f32], b: &[f32]) -> TanhScanComparison {
    let mut h = 0.0_f32;
    let exact: Vec<f32> = a
        .iter()
        .zip(b)
        .map(|(&a, &b)| {
            h = (a * h + b).tanh();
            h
        })
        .collect();
    let mut pseudo = scan_with(
        Algorithm::HillisSteele,
        pairs(a, b),
        tanh_pseudo_combine,
        true,
    );
    pseudo.h.iter_mut().for_each(|v| *v = v.tanh());
    let abs_error: Vec<f32> = pseudo
        .h
        .iter()
        .zip(&exact)
        .map(|(p, e)| (p - e).abs())
        .collect();
    let max_abs_error = abs_error.iter().copied().fold(0.0, f32::max);
    TanhScanComparison {
        exact,
        pseudo,
        abs_error,
        max_abs_error,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Independent count formulas, written from the issue text.
    fn log2_ceil(n: usize) -> usize {
        let mut d = 0;
        while (1usize << d) < n {
            d += 1;
        }
        d
    }

    fn hs_expected(n: usize) -> (usize, usize) {
        let mut work = 0;
        let mut d = 0;
        while (1usize << d) < n {
            work += n - (1 << d);
            d += 1;
        }
        (work, log2_ceil(n))
    }

    fn blelloch_expected(n: usize) -> (usize, usize) {
        if n == 0 {
            return (0, 0);
        }
        let m = 1usize << log2_ceil(n);
        (2 * (m - 1), 2 * log2_ceil(m))
    }

    fn chunked_expected(n: usize, block: usize) -> (usize, usize) {
        if n == 0 {
            return (0, 0);
        }
        let blocks = n.div_ceil(block);
        let first = block.min(n);
        ((n - blocks) + (n - first), (first - 1) + (blocks - 1))
    }

    fn close_f32(x: f32, y: f32) -> bool {
        (x - y).abs() <= 1e-5 * (1.0 + x.abs().max(y.abs()))
    }

    fn close_c32(x: Complex32, y: Complex32) -> bool {
        (x - y).norm() <= 1e-5 * (1.0 + x.norm().max(y.norm()))
    }

    fn algorithms() -> [Algorithm; 5] {
        [
            Algorithm::HillisSteele,
            Algorithm::Blelloch,
            Algorithm::Chunked { block: 1 },
            Algorithm::Chunked { block: 3 },
            Algorithm::Chunked { block: 8 },
        ]
    }

    proptest! {
        #[test]
        fn every_scan_equals_sequential_f32(
            ab in prop::collection::vec((-1.1f32..1.1, -2.0f32..2.0), 0..=70)
        ) {
            let (a, b): (Vec<f32>, Vec<f32>) = ab.into_iter().unzip();
            // Independent reference: the recurrence itself.
            let mut h = 0.0f32;
            let want: Vec<f32> = a.iter().zip(&b).map(|(a, b)| { h = a * h + b; h }).collect();
            prop_assert_eq!(sequential(&a, &b), want.clone());
            for alg in algorithms() {
                let run = scan(alg, &a, &b, false);
                prop_assert_eq!(run.h.len(), want.len());
                for (g, w) in run.h.iter().zip(&want) {
                    prop_assert!(close_f32(*g, *w), "{:?}: {} vs {}", alg, g, w);
                }
            }
            let hs = hillis_steele(&a, &b);
            let bl = blelloch(&a, &b);
            for ((h, l), w) in hs.h.iter().zip(&bl.h).zip(&want) {
                prop_assert!(close_f32(*h, *w));
                prop_assert!(close_f32(*l, *w));
            }
        }

        #[test]
        fn every_scan_equals_sequential_complex(
            ab in prop::collection::vec((0.0f32..1.05, 0.0f32..3.2, -2.0f32..2.0, -2.0f32..2.0), 0..=70)
        ) {
            let a: Vec<Complex32> = ab.iter().map(|&(r, th, _, _)| Complex32::from_polar(r, th)).collect();
            let b: Vec<Complex32> = ab.iter().map(|&(_, _, re, im)| Complex32::new(re, im)).collect();
            let mut h = Complex32::new(0.0, 0.0);
            let want: Vec<Complex32> = a.iter().zip(&b).map(|(a, b)| { h = a * h + b; h }).collect();
            for alg in algorithms() {
                let run = scan(alg, &a, &b, true);
                prop_assert_eq!(run.h.len(), want.len());
                for (g, w) in run.h.iter().zip(&want) {
                    prop_assert!(close_c32(*g, *w), "{:?}: {} vs {}", alg, g, w);
                }
            }
        }

        #[test]
        fn counts_match_formulas(n in 0usize..=70, block in 1usize..10) {
            let a = vec![0.5f32; n];
            let b = vec![1.0f32; n];
            let hs = hillis_steele(&a, &b);
            prop_assert_eq!((hs.combines, hs.depth), hs_expected(n));
            prop_assert_eq!(hs.trace.levels.len(), hs_expected(n).1);
            let bl = blelloch(&a, &b);
            prop_assert_eq!((bl.combines, bl.depth), blelloch_expected(n));
            let sq = sequential_run(&a, &b);
            prop_assert_eq!((sq.combines, sq.depth), (n.saturating_sub(1), n.saturating_sub(1)));
            let ch = chunked(&a, &b, block);
            prop_assert_eq!((ch.combines, ch.depth), chunked_expected(n, block));
            // The combines recorded in the trace add up to the count.
            for run in [&hs, &bl, &sq, &ch] {
                let logged: usize = run.trace.levels.iter().map(|l| l.combines.len()).sum();
                prop_assert_eq!(logged, run.combines);
            }
        }
    }

    #[test]
    fn known_counts_by_hand() {
        // n = 5: Hillis–Steele offsets 1, 2, 4 -> (5−1)+(5−2)+(5−4) = 8 combines, 3 levels.
        // Blelloch m = 8: 2·7 = 14 combines, 2·3 = 6 levels.
        let a = [1.0f32; 5];
        let b = [1.0f32; 5];
        let hs = hillis_steele(&a, &b);
        assert_eq!((hs.combines, hs.depth), (8, 3));
        let bl = blelloch(&a, &b);
        assert_eq!((bl.combines, bl.depth), (14, 6));
        // a = 1, b = 1: h_t = t + 1.
        assert_eq!(hs.h, vec![1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(bl.h, vec![1.0, 2.0, 3.0, 4.0, 5.0]);
    }

    #[test]
    fn trace_spans_cover_prefixes() {
        let a = [0.5f32; 6];
        let b = [1.0f32; 6];
        for run in [
            hillis_steele(&a, &b),
            sequential_run(&a, &b),
            chunked(&a, &b, 4),
        ] {
            let last = run.trace.levels.last().expect("levels");
            for (t, span) in last.spans.iter().enumerate() {
                assert_eq!(*span, Some(Span { first: 0, last: t }));
            }
        }
        // Hillis–Steele level 0 (offset 1): node 3 ← node 2 ∘ node 3, covering [2..3].
        let hs = hillis_steele(&a, &b);
        let step = hs.trace.levels[0]
            .combines
            .iter()
            .find(|c| c.dest == 3)
            .expect("dest 3");
        assert_eq!(step.earlier.node, 2);
        assert_eq!(step.result, Some(Span { first: 2, last: 3 }));
        // Blelloch after the down-sweep: node t holds the exclusive prefix [0..t−1].
        let bl = blelloch(&a, &b);
        let last = bl.trace.levels.last().expect("levels");
        assert_eq!(last.spans[0], None);
        for t in 1..8 {
            assert_eq!(
                last.spans[t],
                Some(Span {
                    first: 0,
                    last: t - 1
                })
            );
        }
    }

    #[test]
    fn empty_single_and_mismatched_inputs() {
        for run in [
            hillis_steele(&[], &[]),
            blelloch(&[], &[]),
            chunked(&[], &[], 0),
        ] {
            assert!(run.h.is_empty());
            assert_eq!((run.combines, run.depth), (0, 0));
        }
        assert!(sequential(&[], &[]).is_empty());
        for run in [hillis_steele(&[3.0], &[2.0]), blelloch(&[3.0], &[2.0])] {
            assert_eq!(run.h, vec![2.0]);
            assert_eq!((run.combines, run.depth), (0, 0));
        }
        // The shorter slice wins: 2 steps, h = [1, 0.5·1 + 1].
        assert_eq!(sequential(&[0.5, 0.5, 0.5], &[1.0, 1.0]), vec![1.0, 1.5]);
        assert_eq!(blelloch(&[0.5, 0.5], &[1.0, 1.0, 7.0]).h, vec![1.0, 1.5]);
    }

    #[test]
    fn tanh_pattern_exact_for_two_steps_then_errs() {
        let a = [0.9f32, 1.5, -1.2, 0.7];
        let b = [0.8f32, -0.3, 0.5, 0.2];
        let cmp = tanh_hillis_steele(&a, &b);
        // By hand: h0 = tanh(0.8), h1 = tanh(1.5·h0 − 0.3), h2 = tanh(−1.2·h1 + 0.5).
        let h0 = 0.8f32.tanh();
        let h1 = (1.5 * h0 - 0.3f32).tanh();
        let h2 = (-1.2 * h1 + 0.5f32).tanh();
        assert!(close_f32(cmp.exact[2], h2));
        assert!(close_f32(cmp.pseudo.h[0], h0));
        assert!(close_f32(cmp.pseudo.h[1], h1));
        // Tree order: h2 ≈ tanh(a2·tanh(b1) + a1·a2·tanh(b0) + b2).
        let pseudo2 = (-1.2 * (-0.3f32).tanh() + 1.5 * -1.2 * 0.8f32.tanh() + 0.5).tanh();
        assert!(close_f32(cmp.pseudo.h[2], pseudo2));
        assert!(cmp.max_abs_error > 1e-3);
    }
}
