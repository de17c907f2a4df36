//! One scheduler for the page's long work — exact influence matrices, Learn's training runs,
//! Cost's measurement — in slices that never block a frame.
//!
//! A job is a closure called again and again, each call doing a bounded piece of work (a few
//! milliseconds at most) and saying whether more remains ([`Step`]). The scheduler runs *slices*:
//! a slice starts in its own browser task (the first one after the next frame is drawn), calls
//! jobs while another call is expected to fit in [`SLICE_MS`], then gives the main thread back so
//! the page can draw and take input. Between slices the browser renders when a frame is due.
//! The next slice is queued with a message to the page's own `MessageChannel`, not with
//! `setTimeout(0)`: a chain of zero timeouts is clamped to ≥ 4 ms after five nestings (HTML
//! timers), which left a quarter of the time idle.
//!
//! - Jobs take turns (round robin); [`Priority::Interactive`] work (what the reader is waiting
//!   to see, such as a heat map filling in) runs before [`Priority::Background`] work (training,
//!   measuring) whenever both are pending.
//! - The queue belongs to the page (one app per page), not to a view: a job keeps running while
//!   another view is open, as long as what it writes to exists. A job whose output is gone (a
//!   `try_set` that fails, a newer request that took over) returns [`Step::Done`].
//! - A call receives a [`Budget`] to size its work (`remaining_ms`); the scheduler predicts the
//!   next call's length from the last one, or from the job's own estimate
//!   ([`Step::MoreTaking`]).
//!
//! The queue itself ([`Queue`], [`run_slice`]) is plain Rust with an injected clock and is tested
//! natively; [`spawn`] / [`cancel`] wire it to the browser's timers.
//!
//! ```ignore
//! let id = scheduler::spawn("learn", Priority::Background, move |budget| {
//!     while budget.remaining_ms() > 1.0 { /* one unit of work */ }
//!     if finished { Step::Done } else { Step::More }
//! });
//! scheduler::cancel(id); // e.g. on "pause"
//! ```

use std::cell::{Cell, RefCell};
use std::time::Duration;

use leptos::leptos_dom::helpers::{request_animation_frame, set_timeout};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// Length of one slice, in milliseconds: under one 16.7 ms frame, leaving the rest of the frame
/// to the page's own drawing.
pub const SLICE_MS: f64 = 12.0;

/// What a job says after one call.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Step {
    /// More to do; the next call should take about as long as this one.
    More,
    /// More to do; the next call should take about this many milliseconds (e.g. a job that
    /// doubles its block of work).
    MoreTaking(f64),
    /// More to do, but end this slice now: the job just published results and the page should
    /// redraw before more work runs.
    Yield,
    /// Finished, or no longer wanted: the job is dropped.
    Done,
}

/// Which jobs go first when several are pending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Priority {
    /// The reader is waiting for it (a figure filling in): runs before background work.
    Interactive,
    /// Long work that reports progress (training, measuring).
    Background,
}

/// A job's handle, to cancel it or ask whether it still runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct JobId(u64);

/// The time a call may use.
pub struct Budget<'a> {
    clock: &'a dyn Fn() -> f64,
    slice_start: f64,
    limit_ms: f64,
}

impl Budget<'_> {
    /// Milliseconds left in this slice (negative once it has overrun).
    pub fn remaining_ms(&self) -> f64 {
        self.limit_ms - ((self.clock)() - self.slice_start)
    }

    /// The clock the scheduler reads (milliseconds since page load in the browser).
    pub fn now_ms(&self) -> f64 {
        (self.clock)()
    }
}

/// A job's body.
pub type Work = Box<dyn FnMut(&Budget) -> Step>;

struct Entry {
    id: JobId,
    name: &'static str,
    priority: Priority,
    work: Work,
    /// Expected length of the next call, ms (0 before the first call).
    estimate_ms: f64,
}

/// The pending jobs, in the order they take turns.
#[derive(Default)]
pub struct Queue {
    next_id: u64,
    entries: Vec<Entry>,
    /// The job being called right now (taken out of `entries` during its call), and whether
    /// it was cancelled meanwhile.
    running: Option<(JobId, bool)>,
    /// Slices run so far.
    slices: u64,
}

impl Queue {
    /// Adds a job at the end of the turn order.
    pub fn spawn(&mut self, name: &'static str, priority: Priority, work: Work) -> JobId {
        self.next_id += 1;
        let id = JobId(self.next_id);
        self.entries.push(Entry {
            id,
            name,
            priority,
            work,
            estimate_ms: 0.0,
        });
        id
    }

    /// Drops the job (after its current call, if it is running); `false` if it was not pending.
    pub fn cancel(&mut self, id: JobId) -> bool {
        if let Some((running, cancelled)) = self.running.as_mut() {
            if *running == id {
                *cancelled = true;
                return true;
            }
        }
        let before = self.entries.len();
        self.entries.retain(|e| e.id != id);
        self.entries.len() != before
    }

    /// Whether the job is pending or running.
    pub fn is_active(&self, id: JobId) -> bool {
        self.running == Some((id, false)) || self.entries.iter().any(|e| e.id == id)
    }

    /// Names of the pending jobs, in turn order (for tests and diagnostics).
    pub fn names(&self) -> Vec<&'static str> {
        self.entries.iter().map(|e| e.name).collect()
    }

    /// Whether no job is pending.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Slices run so far.
    pub fn slices(&self) -> u64 {
        self.slices
    }

    /// Index of the job whose turn it is: the first one of the most urgent priority.
    fn next(&self) -> Option<usize> {
        let urgent = self.entries.iter().map(|e| e.priority).min()?;
        self.entries.iter().position(|e| e.priority == urgent)
    }
}

/// Runs one slice of the jobs in `queue`: calls jobs in turn while the next call is expected
/// to end within `limit_ms` of the slice's start (the first call always runs). Jobs may spawn
/// or cancel jobs while they run. Returns whether jobs remain.
pub fn run_slice(queue: &RefCell<Queue>, clock: &dyn Fn() -> f64, limit_ms: f64) -> bool {
    let slice_start = clock();
    queue.borrow_mut().slices += 1;
    let mut calls = 0;
    loop {
        let mut entry = {
            let mut q = queue.borrow_mut();
            let Some(i) = q.next() else {
                break;
            };
            let fits = clock() - slice_start + q.entries[i].estimate_ms < limit_ms;
            if calls > 0 && !fits {
                break;
            }
            let entry = q.entries.remove(i);
            q.running = Some((entry.id, false));
            entry
        };
        calls += 1;
        let budget = Budget {
            clock,
            slice_start,
            limit_ms,
        };
        let began = clock();
        let step = (entry.work)(&budget);
        let took = clock() - began;
        let mut q = queue.borrow_mut();
        let cancelled = q.running.take().is_some_and(|(_, c)| c);
        if cancelled || step == Step::Done {
            continue;
        }
        entry.estimate_ms = match step {
            Step::MoreTaking(ms) if ms.is_finite() => ms.max(0.0),
            _ => took,
        };
        q.entries.push(entry);
        if step == Step::Yield {
            break;
        }
    }
    !queue.borrow().is_empty()
}

thread_local! {
    /// The page's queue (one app per page; wasm runs on one thread).
    static QUEUE: RefCell<Queue> = RefCell::new(Queue::default());
    /// Whether a slice is already scheduled.
    static SCHEDULED: Cell<bool> = const { Cell::new(false) };
    /// The channel whose messages start slices (created at the first slice): the sending port,
    /// and the receiving port with its handler (kept alive here).
    static CHANNEL: RefCell<Option<Channel>> = const { RefCell::new(None) };
}

struct Channel {
    send: web_sys::MessagePort,
    _receive: web_sys::MessagePort,
    _on_message: Closure<dyn FnMut()>,
}

/// Queues [`tick`] as a new task, at once (a message to the page's own channel; a zero timeout
/// if the browser has no `MessageChannel`).
fn queue_tick() {
    let posted = CHANNEL.with(|c| {
        let mut c = c.borrow_mut();
        if c.is_none() {
            let channel = web_sys::MessageChannel::new().ok()?;
            let on_message = Closure::<dyn FnMut()>::new(tick);
            let receive = channel.port1();
            receive.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            *c = Some(Channel {
                send: channel.port2(),
                _receive: receive,
                _on_message: on_message,
            });
        }
        c.as_ref()?.send.post_message(&JsValue::NULL).ok()
    });
    if posted.is_none() {
        set_timeout(tick, Duration::ZERO);
    }
}

/// Milliseconds since page load (`performance.now()`).
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Runs `f` in the first task after the next frame is drawn (`requestAnimationFrame`, then a
/// zero timeout): whatever changed together with the request (a slider, the diagram) reaches
/// the screen before heavy work takes the main thread. A page that draws no frames (hidden:
/// no animation frames at all) runs `f` after [`NO_FRAME_MS`] instead, so work never waits for
/// a frame that does not come.
pub fn after_next_frame(f: impl FnOnce() + 'static) {
    let once = std::rc::Rc::new(Cell::new(Some(f)));
    let on_frame = std::rc::Rc::clone(&once);
    request_animation_frame(move || {
        set_timeout(
            move || {
                if let Some(f) = on_frame.take() {
                    f();
                }
            },
            Duration::ZERO,
        )
    });
    set_timeout(
        move || {
            if let Some(f) = once.take() {
                f();
            }
        },
        Duration::from_millis(NO_FRAME_MS),
    );
}

/// How long [`after_next_frame`] waits for a frame before running its work anyway, ms.
pub const NO_FRAME_MS: u64 = 250;

/// Adds a job to the page's scheduler; its first call runs after the next frame (or in the
/// next slice, if slices are already running).
pub fn spawn(
    name: &'static str,
    priority: Priority,
    work: impl FnMut(&Budget) -> Step + 'static,
) -> JobId {
    let id = QUEUE.with(|q| q.borrow_mut().spawn(name, priority, Box::new(work)));
    if !SCHEDULED.with(|s| s.replace(true)) {
        after_next_frame(tick);
    }
    id
}

/// Drops a job of the page's scheduler (after its current call, if it is running).
pub fn cancel(id: JobId) -> bool {
    QUEUE.with(|q| q.borrow_mut().cancel(id))
}

/// Whether a job of the page's scheduler is pending or running.
pub fn is_active(id: JobId) -> bool {
    QUEUE.with(|q| q.borrow().is_active(id))
}

/// Names of the page's pending jobs, in turn order.
pub fn pending() -> Vec<&'static str> {
    QUEUE.with(|q| q.borrow().names())
}

/// One slice, then the next one in a task of its own while jobs remain.
fn tick() {
    let more = QUEUE.with(|q| run_slice(q, &now_ms, SLICE_MS));
    if more {
        queue_tick();
    } else {
        SCHEDULED.with(|s| s.set(false));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;

    /// A clock the jobs move forward by the time their work "takes".
    fn fake_clock() -> (Rc<Cell<f64>>, impl Fn() -> f64) {
        let time = Rc::new(Cell::new(0.0));
        let read = Rc::clone(&time);
        (time, move || read.get())
    }

    /// A job that takes `ms` per call for `calls` calls, logging its name at each call.
    fn job(
        name: &'static str,
        ms: f64,
        calls: usize,
        time: &Rc<Cell<f64>>,
        log: &Rc<RefCell<Vec<&'static str>>>,
    ) -> Work {
        let (time, log) = (Rc::clone(time), Rc::clone(log));
        let mut left = calls;
        Box::new(move |_| {
            time.set(time.get() + ms);
            log.borrow_mut().push(name);
            left -= 1;
            if left == 0 {
                Step::Done
            } else {
                Step::More
            }
        })
    }

    #[test]
    fn a_slice_stops_before_the_call_that_would_overrun_it() {
        let (time, clock) = fake_clock();
        let log = Rc::new(RefCell::new(Vec::new()));
        let queue = RefCell::new(Queue::default());
        queue
            .borrow_mut()
            .spawn("a", Priority::Background, job("a", 5.0, 10, &time, &log));
        // Calls of 5 ms in a 12 ms slice: 0 → 5 → 10; a third would end at 15 > 12.
        assert!(run_slice(&queue, &clock, 12.0));
        assert_eq!(log.borrow().len(), 2);
        assert_eq!(time.get(), 10.0);
    }

    #[test]
    fn the_first_call_of_a_slice_always_runs_so_work_progresses() {
        let (time, clock) = fake_clock();
        let log = Rc::new(RefCell::new(Vec::new()));
        let queue = RefCell::new(Queue::default());
        queue.borrow_mut().spawn(
            "slow",
            Priority::Background,
            job("slow", 30.0, 3, &time, &log),
        );
        let mut slices = 0;
        while run_slice(&queue, &clock, 12.0) {
            slices += 1;
        }
        assert_eq!((slices + 1, log.borrow().len()), (3, 3));
    }

    #[test]
    fn jobs_take_turns_and_interactive_work_goes_first() {
        let (time, clock) = fake_clock();
        let log = Rc::new(RefCell::new(Vec::new()));
        let queue = RefCell::new(Queue::default());
        {
            let mut q = queue.borrow_mut();
            q.spawn(
                "learn",
                Priority::Background,
                job("learn", 1.0, 3, &time, &log),
            );
            q.spawn(
                "cost",
                Priority::Background,
                job("cost", 1.0, 3, &time, &log),
            );
            q.spawn(
                "heat",
                Priority::Interactive,
                job("heat", 1.0, 2, &time, &log),
            );
        }
        while run_slice(&queue, &clock, 100.0) {}
        assert_eq!(
            *log.borrow(),
            ["heat", "heat", "learn", "cost", "learn", "cost", "learn", "cost"]
        );
    }

    #[test]
    fn a_job_s_own_estimate_decides_whether_its_next_call_fits() {
        let (time, clock) = fake_clock();
        let queue = RefCell::new(Queue::default());
        let calls = Rc::new(Cell::new(0));
        let (t, c) = (Rc::clone(&time), Rc::clone(&calls));
        queue.borrow_mut().spawn(
            "doubling",
            Priority::Interactive,
            Box::new(move |_| {
                t.set(t.get() + 2.0);
                c.set(c.get() + 1);
                Step::MoreTaking(11.0) // the next call will be much longer
            }),
        );
        run_slice(&queue, &clock, 12.0);
        assert_eq!(calls.get(), 1, "2 ms used + 11 ms expected > 12 ms");
    }

    #[test]
    fn yield_ends_the_slice_and_the_budget_tells_the_time_left() {
        let (time, clock) = fake_clock();
        let queue = RefCell::new(Queue::default());
        let seen = Rc::new(RefCell::new(Vec::new()));
        let (t, s) = (Rc::clone(&time), Rc::clone(&seen));
        queue.borrow_mut().spawn(
            "refresh",
            Priority::Background,
            Box::new(move |budget| {
                s.borrow_mut().push(budget.remaining_ms());
                t.set(t.get() + 3.0);
                Step::Yield
            }),
        );
        time.set(1.0); // the slice starts at 1 ms
        assert!(run_slice(&queue, &clock, 12.0));
        assert!(run_slice(&queue, &clock, 12.0));
        assert_eq!(
            *seen.borrow(),
            [12.0, 12.0],
            "one call per slice, full budget each"
        );
    }

    #[test]
    fn cancelled_jobs_stop_even_while_running_and_jobs_may_spawn_jobs() {
        let (time, clock) = fake_clock();
        let log = Rc::new(RefCell::new(Vec::new()));
        let queue = Rc::new(RefCell::new(Queue::default()));
        let (q2, t2, l2) = (Rc::clone(&queue), Rc::clone(&time), Rc::clone(&log));
        let me = Rc::new(Cell::new(None::<JobId>));
        let me2 = Rc::clone(&me);
        let id = queue.borrow_mut().spawn(
            "parent",
            Priority::Background,
            Box::new(move |_| {
                l2.borrow_mut().push("parent");
                // Spawns a child, then cancels itself: both from inside its own call.
                let child = job("child", 1.0, 1, &t2, &l2);
                q2.borrow_mut().spawn("child", Priority::Background, child);
                if let Some(id) = me2.get() {
                    q2.borrow_mut().cancel(id);
                }
                Step::More
            }),
        );
        me.set(Some(id));
        assert!(queue.borrow().is_active(id));
        while run_slice(&queue, &clock, 12.0) {}
        assert_eq!(*log.borrow(), ["parent", "child"]);
        assert!(!queue.borrow().is_active(id));
        let other =
            queue
                .borrow_mut()
                .spawn("x", Priority::Background, job("x", 1.0, 5, &time, &log));
        assert!(queue.borrow_mut().cancel(other));
        assert!(!queue.borrow_mut().cancel(other));
        assert!(queue.borrow().is_empty());
    }
}
