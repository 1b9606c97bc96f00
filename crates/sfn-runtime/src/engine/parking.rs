//! Parking a durable execution: when every scope that runs is waiting on a
//! timer, the execution is committed with its earliest due time and
//! unloaded (see [`super::durable`]), wherever those timers are: the top
//! level, Parallel branches, Map iterations, at any depth.
//!
//! # How it is decided
//!
//! An execution is one future (branches and iterations are polled together
//! on its task, never spawned), so there is a moment when nothing in it can
//! move: the future has returned `Pending` and did not wake itself while
//! it was polled. At that moment each scope is waiting on something
//! outside: a Task handler, a commit, a timer, its branches or iterations.
//!
//! The run counts its **leaves**, the scopes alive without a live inner
//! scope (a scope that runs a Parallel or Map state has inner scopes until
//! the state ends), and its **sleepers**, the timers that may park (a Wait
//! or retry interval of at least [`PARK_AFTER`]). A leaf waits on at most
//! one thing, and a scope with inner scopes only on them; so when, at such
//! a moment, there are as many sleepers as leaves, the whole execution
//! waits for the earliest timer: it parks until then.
//!
//! Counting is conservative: a scope whose log outlives it (a clone kept
//! somewhere) counts as a leaf that does not sleep, which keeps the
//! execution in memory, never parks it while something runs.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, SystemTime};

use serde_json::Value;

use super::control::Control;
use super::durable::DurableRun;
use crate::error::StatesError;

/// How long a timer must have left to park its execution rather than
/// sleep in memory.
pub(crate) const PARK_AFTER: Duration = Duration::from_secs(1);

/// Whether a wait due at `due` has long enough left at `now` to count as a
/// sleeper (rather than a short wait that keeps its execution loaded).
pub(crate) fn long_enough(now: SystemTime, due: SystemTime) -> bool {
    due.duration_since(now).is_ok_and(|left| left >= PARK_AFTER)
}

/// The leaves and sleepers of one run (see the [module](self) docs).
#[derive(Default)]
pub(crate) struct Activity {
    counts: Mutex<Counts>,
    /// The execution's own timeout (`TimeoutSeconds` after its start): no
    /// park lasts past it.
    deadline: std::sync::OnceLock<SystemTime>,
}

#[derive(Default)]
struct Counts {
    leaves: usize,
    /// Due times of the timers that may park, by a number of their own.
    sleepers: HashMap<u64, SystemTime>,
    next_sleeper: u64,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Activity {
    /// A scope starts, inside the scope whose inner-scope count is
    /// `parent` (none for the top level).
    pub(crate) fn scope_started(&self, parent: Option<&AtomicUsize>) {
        let mut counts = lock(&self.counts);
        counts.leaves += 1;
        if let Some(parent) = parent
            && parent.fetch_add(1, Ordering::Relaxed) == 0
        {
            counts.leaves = counts.leaves.saturating_sub(1);
        }
    }

    /// A scope with `children` inner scopes ends, inside the scope whose
    /// count is `parent`.
    pub(crate) fn scope_ended(&self, children: &AtomicUsize, parent: Option<&AtomicUsize>) {
        let mut counts = lock(&self.counts);
        if children.load(Ordering::Relaxed) == 0 {
            counts.leaves = counts.leaves.saturating_sub(1);
        }
        if let Some(parent) = parent
            && parent.fetch_sub(1, Ordering::Relaxed) == 1
        {
            counts.leaves += 1;
        }
    }

    /// A timer due at `due` that may park: counted until the guard drops.
    pub(crate) fn sleeping(&self, due: SystemTime) -> Sleeping<'_> {
        let mut counts = lock(&self.counts);
        let id = counts.next_sleeper;
        counts.next_sleeper += 1;
        counts.sleepers.insert(id, due);
        Sleeping { activity: self, id }
    }

    /// `due`, or the execution's deadline when that comes first.
    pub(crate) fn bounded(&self, due: SystemTime) -> SystemTime {
        self.deadline
            .get()
            .map_or(due, |deadline| due.min(*deadline))
    }

    /// When every leaf sleeps: the earliest due time.
    fn park_due(&self) -> Option<SystemTime> {
        let counts = lock(&self.counts);
        if counts.leaves == 0 || counts.sleepers.len() != counts.leaves {
            return None;
        }
        counts.sleepers.values().min().copied()
    }
}

/// A timer counted as a sleeper (see [`Activity::sleeping`]).
pub(crate) struct Sleeping<'a> {
    activity: &'a Activity,
    id: u64,
}

impl Drop for Sleeping<'_> {
    fn drop(&mut self) {
        lock(&self.activity.counts).sleepers.remove(&self.id);
    }
}

/// A waker that notes it was woken, then wakes the task.
#[derive(Default)]
struct WakeFlag {
    woken: AtomicBool,
    task: Mutex<Option<Waker>>,
}

impl Wake for WakeFlag {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::Release);
        if let Some(task) = lock(&self.task).as_ref() {
            task.wake_by_ref();
        }
    }
}

/// Runs `top`, the execution's future, and parks the run when every leaf
/// sleeps (see the [module](self) docs): then `top` is dropped, and the
/// outcome is the run's unloading. `deadline` is the execution's own
/// timeout: a run never parks past it.
pub(crate) async fn drive<F>(
    run: &DurableRun,
    control: &Control,
    deadline: Option<SystemTime>,
    top: F,
) -> Result<Value, StatesError>
where
    F: Future<Output = Result<Value, StatesError>>,
{
    if !run.may_park() {
        return top.await;
    }
    if let Some(deadline) = deadline {
        let _ = run.activity().deadline.set(deadline);
    }
    let mut top = std::pin::pin!(top);
    let flag = Arc::new(WakeFlag::default());
    let waker = Waker::from(Arc::clone(&flag));
    let stopped = std::future::poll_fn(|cx| {
        {
            let mut task = lock(&flag.task);
            if !task.as_ref().is_some_and(|t| t.will_wake(cx.waker())) {
                *task = Some(cx.waker().clone());
            }
        }
        flag.woken.store(false, Ordering::Release);
        match top.as_mut().poll(&mut Context::from_waker(&waker)) {
            Poll::Ready(outcome) => Poll::Ready(Err(outcome)),
            Poll::Pending if flag.woken.load(Ordering::Acquire) => Poll::Pending,
            Poll::Pending => match run.activity().park_due() {
                Some(due) => Poll::Ready(Ok(due)),
                None => Poll::Pending,
            },
        }
    })
    .await;
    match stopped {
        Err(outcome) => outcome,
        Ok(due) => Err(run.park(control, due).await),
    }
}
