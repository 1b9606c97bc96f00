//! What ends an execution from outside its states, and the points where an
//! execution notices it.
//!
//! Three things end an execution whatever its states are doing:
//!
//! * [`ExecutionHandle::stop`](crate::ExecutionHandle::stop): `ABORTED`;
//! * the state machine's `TimeoutSeconds`: `TIMED_OUT` with
//!   `States.Timeout`;
//! * AWS's quota of 25,000 history events for a Standard execution (see
//!   [`HISTORY_EVENT_LIMIT`]): `FAILED` with `States.Runtime`.
//!
//! A [`Control`] is shared by an execution and everything it runs (Parallel
//! branches, Map iterations, task calls, JSONata evaluations). The first
//! [`Ending`] set on it wins; from then on every checkpoint fails, no Retry
//! or Catch applies, and the execution's outcome is the ending's.
//!
//! # Checkpoints
//!
//! Generated code calls [`Control::checkpoint`] before each state it
//! enters (the engine checks the control before each task attempt too). A
//! checkpoint fails once the execution is ending; otherwise, when its
//! thread has run for about a millisecond without yielding, it yields to
//! the scheduler, so timers fire, `stop` is seen, and other tasks run, even
//! in a loop of Pass and Choice states on a current-thread runtime. It costs
//! about a nanosecond otherwise.
//!
//! Why not tokio's cooperative budget
//! ([`tokio::task::coop::consume_budget`])? It yields every 128 units, and
//! each yield costs the scheduler a few microseconds (a look at the I/O and
//! timer drivers): a tight loop of states ran 25 % slower. Yielding by time
//! bounds the latency the same way for a fraction of the cost.
//!
//! The JSONata evaluator is synchronous; it asks an [`Interrupt`] every few
//! thousand steps whether to give up (the execution was stopped, or ran
//! past its deadline).
//!
//! Work that blocks its thread (a task handler calling
//! `std::thread::sleep`, a blocking read) cannot be interrupted by any of
//! this: see [`Resources`](crate::Resources).

use std::cell::Cell;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use serde_json::Value;

use super::clock::Clock;
use crate::error::{StatesError, names};
use crate::intrinsics::Entropy;

/// How many events the history of a Standard execution may hold (AWS's
/// hard quota). When an execution has 24,999 events, the next one must be
/// `ExecutionSucceeded`; any other event makes the execution fail instead,
/// with `ExecutionFailed` as event 25,000 (AWS's "Avoid reaching the
/// history quota" page).
pub const HISTORY_EVENT_LIMIT: u64 = 25_000;

/// The cause AWS gives when an execution reaches [`HISTORY_EVENT_LIMIT`]
/// (error `States.Runtime`).
pub const HISTORY_LIMIT_CAUSE: &str =
    "The execution reached the maximum number of history events (25000).";

/// Why an execution ends before its states end it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ending {
    /// [`ExecutionHandle::stop`](crate::ExecutionHandle::stop), with the
    /// error and cause it was given: the execution is `ABORTED`.
    Aborted(StatesError),
    /// The state machine's `TimeoutSeconds` passed: `TIMED_OUT`, with
    /// `States.Timeout`.
    TimedOut,
    /// The history reached [`HISTORY_EVENT_LIMIT`]: `FAILED`, with
    /// `States.Runtime` and [`HISTORY_LIMIT_CAUSE`].
    HistoryLimit,
    /// A durable execution stops running in this process without ending:
    /// it parked until a timer is due, lost its store or its lease. It
    /// stays `RUNNING` in its store and continues from its last commit
    /// (see [`super::durable`]).
    Unloaded,
}

impl Ending {
    /// The error the execution ends with.
    pub fn error(&self) -> StatesError {
        match self {
            Ending::Aborted(error) => error.clone(),
            Ending::TimedOut => StatesError::without_cause(names::TIMEOUT),
            Ending::HistoryLimit => StatesError::runtime(HISTORY_LIMIT_CAUSE),
            Ending::Unloaded => super::durable::unloaded_error(),
        }
    }
}

#[derive(Default)]
struct Inner {
    /// Set once `ending` is: the fast check of every checkpoint.
    ending_set: AtomicBool,
    ending: OnceLock<Ending>,
    /// When the execution's `TimeoutSeconds` runs out, once it runs.
    deadline: OnceLock<tokio::time::Instant>,
    /// When it started on the wall clock, and its `TimeoutSeconds`.
    wall: OnceLock<(std::time::Instant, Duration)>,
    /// The execution's clock (see [`super::clock`]).
    clock: Clock,
    /// The execution's randomness (`None`: the system's), for JSONata.
    entropy: Option<Arc<dyn Entropy + Send + Sync>>,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inner")
            .field("ending", &self.ending)
            .field("deadline", &self.deadline)
            .field("clock", &self.clock)
            .finish_non_exhaustive()
    }
}

/// How long a thread runs checkpoints without yielding to the scheduler at
/// most (give or take [`CLOCK_INTERVAL`] states).
const SLICE: Duration = Duration::from_millis(1);

/// How many checkpoints pass between two looks at the clock.
const CLOCK_INTERVAL: u32 = 64;

thread_local! {
    /// Checkpoints passed on this thread.
    static TICKS: Cell<u32> = const { Cell::new(0) };
    /// When this thread last yielded at a checkpoint (or began counting).
    static SINCE: Cell<Option<std::time::Instant>> = const { Cell::new(None) };
}

/// Whether the checkpoint about to pass should yield: every
/// [`CLOCK_INTERVAL`] checkpoints of this thread it reads the clock, and
/// says yes once [`SLICE`] has passed since the last yes.
#[inline]
fn time_to_yield() -> bool {
    let ticks = TICKS.with(|t| {
        let n = t.get().wrapping_add(1);
        t.set(n);
        n
    });
    if !ticks.is_multiple_of(CLOCK_INTERVAL) {
        return false;
    }
    slice_over()
}

/// The clock part of [`time_to_yield`], out of line.
#[cold]
#[inline(never)]
fn slice_over() -> bool {
    let now = std::time::Instant::now();
    SINCE.with(|since| match since.get() {
        Some(start) if now.duration_since(start) < SLICE => false,
        Some(_) => {
            since.set(Some(now));
            true
        }
        // The first look only starts the slice.
        None => {
            since.set(Some(now));
            false
        }
    })
}

/// What an execution and everything it runs share to be ended from
/// outside (see the [module](self) docs). Cloning is cheap.
#[derive(Clone, Debug, Default)]
pub struct Control(Arc<Inner>);

impl Control {
    /// A control for a new execution: nothing ends it yet.
    pub fn new() -> Self {
        Control::default()
    }

    /// A control for a new execution on `clock` whose randomness
    /// (JSONata's `$random()`, `$uuid()`, `$shuffle`) comes from `entropy`.
    pub fn for_execution(clock: Clock, entropy: Arc<dyn Entropy + Send + Sync>) -> Self {
        Control(Arc::new(Inner {
            clock,
            entropy: Some(entropy),
            ..Inner::default()
        }))
    }

    /// The execution's clock.
    #[inline]
    pub fn clock(&self) -> &Clock {
        &self.0.clock
    }

    /// The execution's randomness, if it is not the system's.
    pub fn entropy(&self) -> Option<&(dyn Entropy + Send + Sync)> {
        self.0.entropy.as_deref()
    }

    /// Ends the execution with `ending`, unless it is already ending;
    /// returns whether this call ended it.
    pub fn end(&self, ending: Ending) -> bool {
        let set = self.0.ending.set(ending).is_ok();
        self.0.ending_set.store(true, Ordering::Release);
        set
    }

    /// Why the execution is ending, once it is.
    #[inline]
    pub fn ending(&self) -> Option<&Ending> {
        if !self.0.ending_set.load(Ordering::Acquire) {
            return None;
        }
        self.0.ending.get()
    }

    /// Whether the execution is ending (no Retry or Catch applies then).
    #[inline]
    pub fn is_ending(&self) -> bool {
        self.0.ending_set.load(Ordering::Acquire)
    }

    /// `Err` with the ending's error once the execution is ending.
    ///
    /// # Errors
    ///
    /// The error of the [`Ending`].
    #[inline]
    pub fn check(&self) -> Result<(), StatesError> {
        match self.ending() {
            None => Ok(()),
            Some(ending) => Err(ending.error()),
        }
    }

    /// A point where the execution notices that it is ending, and learns
    /// whether to yield to the scheduler (see the [module](self) docs):
    /// `Ok(true)` once its thread has run checkpoints for about a
    /// millisecond without yielding (the clock is read every 64
    /// checkpoints to know); then the caller awaits [`Control::pause`].
    /// A checkpoint costs a thread-local counter and an atomic load: it is
    /// not a future, so that the generated loop awaits only when it yields.
    ///
    /// With a real clock the timer of [`Control::drive`] ends a timed-out
    /// execution; under `tokio::time::pause()` a loop that never waits never
    /// lets tokio's clock advance, and [`Control::pause`] ends it after its
    /// timeout in real time.
    ///
    /// # Errors
    ///
    /// The error of the [`Ending`], once the execution is ending.
    #[inline]
    pub fn checkpoint(&self) -> Result<bool, StatesError> {
        self.check()?;
        Ok(time_to_yield())
    }

    /// Yields to the scheduler, when [`Control::checkpoint`] said so; then
    /// compares the wall clock with the execution's `TimeoutSeconds` and
    /// checks again whether the execution is ending.
    ///
    /// # Errors
    ///
    /// The error of the [`Ending`], once the execution is ending.
    pub async fn pause(&self) -> Result<(), StatesError> {
        tokio::task::yield_now().await;
        if let Some((started, timeout)) = self.0.wall.get()
            && started.elapsed() >= *timeout
        {
            self.end(Ending::TimedOut);
        }
        self.check()
    }

    /// When the execution's `TimeoutSeconds` runs out, once
    /// [`Control::drive`] started it.
    pub fn deadline(&self) -> Option<tokio::time::Instant> {
        self.0.deadline.get().copied()
    }

    /// Runs `execution` (the future of the execution's top level) to its
    /// end under the execution's limits: it ends `TIMED_OUT` when
    /// `timeout_seconds` pass, and with the [`Ending`]'s error whenever
    /// one was set (stopped, timed out, history full), whatever the states
    /// returned.
    ///
    /// # Errors
    ///
    /// The execution's error.
    pub async fn drive<F>(
        &self,
        timeout_seconds: Option<u64>,
        execution: F,
    ) -> Result<Value, StatesError>
    where
        F: Future<Output = Result<Value, StatesError>>,
    {
        self.drive_for(timeout_seconds.map(Duration::from_secs), execution)
            .await
    }

    /// [`Control::drive`] with the time left as a duration (a durable
    /// execution continued after a restart has less than its
    /// `TimeoutSeconds` left).
    ///
    /// # Errors
    ///
    /// The execution's error.
    pub async fn drive_for<F>(
        &self,
        timeout: Option<Duration>,
        execution: F,
    ) -> Result<Value, StatesError>
    where
        F: Future<Output = Result<Value, StatesError>>,
    {
        let outcome = match timeout {
            None => execution.await,
            Some(timeout) => {
                let clock = self.clock();
                // On a manual clock the timeout is the manual time's alone:
                // no tokio deadline, no wall-clock fallback.
                let deadline = (!clock.is_manual()).then(|| {
                    let deadline = tokio::time::Instant::now() + timeout;
                    let _ = self.0.deadline.set(deadline);
                    let _ = self.0.wall.set((std::time::Instant::now(), timeout));
                    deadline
                });
                // The states first: an execution that ends at its deadline
                // succeeds, and a stopped one is not called timed out. The
                // timer is polled outside the cooperative budget: the
                // states have spent it when they yield, and a timer polled
                // within it would then never see its deadline.
                let timer = tokio::task::coop::unconstrained(async move {
                    match deadline {
                        Some(deadline) => tokio::time::sleep_until(deadline).await,
                        None => clock.sleep(timeout).await,
                    }
                });
                tokio::select! {
                    biased;
                    outcome = execution => outcome,
                    () = timer => {
                        self.end(Ending::TimedOut);
                        Err(Ending::TimedOut.error())
                    }
                }
            }
        };
        match self.ending() {
            Some(ending) => Err(ending.error()),
            None => outcome,
        }
    }

    /// An [`Interrupt`] for one synchronous evaluation that starts now.
    pub fn interrupt(&self) -> Interrupt {
        let remaining = self
            .deadline()
            .map(|d| d.saturating_duration_since(tokio::time::Instant::now()));
        Interrupt {
            control: self.clone(),
            budget: remaining.map(|remaining| (std::time::Instant::now(), remaining)),
        }
    }
}

/// Tells a long synchronous computation (a JSONata evaluation) when to
/// give up: when the execution is ending, or when the computation has run
/// longer than the time left before the execution's deadline, which then
/// ends the execution `TIMED_OUT`.
///
/// The time a computation takes is measured on the wall clock: under
/// `tokio::time::pause()` the tokio clock stands still while synchronous
/// code runs, so it could never pass the deadline. With a real clock both
/// measures agree.
#[derive(Clone, Debug)]
pub struct Interrupt {
    control: Control,
    /// With a deadline: when the computation started, and the time the
    /// execution had left then.
    budget: Option<(std::time::Instant, Duration)>,
}

impl Interrupt {
    /// The error to give up with, if the computation should stop now.
    pub fn check(&self) -> Option<StatesError> {
        if let Some(ending) = self.control.ending() {
            return Some(ending.error());
        }
        let (started, remaining) = self.budget?;
        if started.elapsed() < remaining {
            return None;
        }
        self.control.end(Ending::TimedOut);
        self.control.ending().map(Ending::error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_first_ending_wins() {
        let control = Control::new();
        assert!(control.check().is_ok());
        assert!(!control.is_ending());
        assert!(control.end(Ending::HistoryLimit));
        assert!(!control.end(Ending::TimedOut));
        assert_eq!(control.ending(), Some(&Ending::HistoryLimit));
        let error = control.check().unwrap_err();
        assert_eq!(error.error, "States.Runtime");
        assert_eq!(error.cause.as_deref(), Some(HISTORY_LIMIT_CAUSE));
        // Clones share it.
        assert!(control.clone().is_ending());
    }

    #[tokio::test(start_paused = true)]
    async fn drive_times_out_and_an_ending_replaces_the_outcome() {
        let control = Control::new();
        let outcome = control
            .drive(Some(5), async {
                tokio::time::sleep(Duration::from_secs(60)).await;
                Ok(json!(1))
            })
            .await;
        assert_eq!(outcome.unwrap_err().error, "States.Timeout");
        assert_eq!(control.ending(), Some(&Ending::TimedOut));

        let control = Control::new();
        let stopper = control.clone();
        let outcome = control
            .drive(None, async move {
                stopper.end(Ending::Aborted(StatesError::new("Stop", "by hand")));
                Ok(json!("ignored"))
            })
            .await;
        assert_eq!(outcome, Err(StatesError::new("Stop", "by hand")));

        // Ending exactly at the deadline is a success.
        let control = Control::new();
        let outcome = control
            .drive(Some(5), async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                Ok(json!("on time"))
            })
            .await;
        assert_eq!(outcome, Ok(json!("on time")));
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_loop_of_checkpoints_lets_timers_fire() {
        let control = Control::new();
        let inner = control.clone();
        let mut steps = 0_u64;
        let outcome = control
            .drive(Some(1), async {
                loop {
                    if inner.checkpoint()? {
                        inner.pause().await?;
                    }
                    steps += 1;
                }
            })
            .await;
        assert_eq!(outcome.unwrap_err().error, "States.Timeout");
        assert!(steps > 0);
    }

    #[tokio::test(start_paused = true)]
    async fn an_interrupt_gives_up_past_the_deadline_or_when_ending() {
        let control = Control::new();
        assert!(control.interrupt().check().is_none(), "no deadline");
        control.0.deadline.set(tokio::time::Instant::now()).unwrap();
        let interrupt = control.interrupt();
        assert_eq!(interrupt.check().unwrap().error, "States.Timeout");
        assert_eq!(control.ending(), Some(&Ending::TimedOut));

        let control = Control::new();
        let interrupt = control.interrupt();
        assert!(interrupt.check().is_none());
        control.end(Ending::Aborted(StatesError::without_cause("Stop")));
        assert_eq!(interrupt.check().unwrap().error, "Stop");
    }
}
