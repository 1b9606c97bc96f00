//! The clock an execution reads and sleeps on ([`Settings::clock`]).
//!
//! Every time an execution reads (`$$.Execution.StartTime`,
//! `$$.State.EnteredTime`, history timestamps, JSONata `$now()` and
//! `$millis()`, the time left before a Wait's `Timestamp`) and every wait
//! (Wait states, retry intervals, a Task's `TimeoutSeconds` and
//! `HeartbeatSeconds`, the state machine's `TimeoutSeconds`) goes through
//! one [`Clock`]:
//!
//! * [`Clock::system`], the default: the system wall clock for "now" and
//!   `tokio::time` for sleeps, so a test under `tokio::time::pause()` runs
//!   Waits and retry delays instantly, as before;
//! * [`Clock::manual`], for tests (and later for a durable executor that
//!   replays an execution): "now" moves only when [`Clock::advance`] or
//!   [`Clock::set`] moves it, and a sleep ends when the manual time reaches
//!   its due time, never on its own.
//!
//! What is not on this clock on purpose: the scheduler pacing of
//! [`super::control`] (how long a thread runs states before yielding)
//! measures real CPU time.
//!
//! ```
//! use serde_json::json;
//! use sfn_runtime::{Clock, Settings};
//! use std::sync::Arc;
//! use std::time::{Duration, SystemTime};
//!
//! sfn_runtime::asl!(mod nap, r#"{
//!   "StartAt": "Nap",
//!   "States": {"Nap": {"Type": "Wait", "Seconds": 172800, "End": true}}
//! }"#);
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let clock = Clock::manual(SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000));
//! let settings = Settings { clock: clock.clone(), ..Settings::default() };
//! let machine = Arc::new(nap::StateMachine::from_resources(sfn_runtime::Resources::new()).with_settings(settings));
//! let handle = machine.start(json!({}));
//! clock.sleeping().await; // the Wait is asleep
//! clock.advance(Duration::from_secs(2 * 24 * 3600));
//! assert_eq!(handle.result().await.unwrap(), json!({}));
//! # }
//! ```
//!
//! [`Settings::clock`]: super::Settings::clock

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};
use std::time::{Duration, SystemTime};

use chrono::{DateTime, Utc};

/// Where an execution reads the time and sleeps (see the [module](self)
/// docs). Cloning is cheap: the system clock is a unit, a manual clock a
/// shared handle (clones see and move the same time).
#[derive(Clone, Default)]
pub struct Clock(Source);

#[derive(Clone, Default)]
enum Source {
    /// The system wall clock and tokio's timers.
    #[default]
    System,
    /// A time that tests move by hand.
    Manual(Arc<Manual>),
}

/// The time out of a [`Clock::timeout`]: the future did not finish in time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Elapsed;

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("deadline has elapsed")
    }
}

impl std::error::Error for Elapsed {}

impl Clock {
    /// The system clock: `SystemTime::now()` for the time, `tokio::time`
    /// for sleeps (so `tokio::time::pause()` applies). The default.
    pub fn system() -> Self {
        Clock(Source::System)
    }

    /// A manual clock that reads `start` until [`Clock::advance`] or
    /// [`Clock::set`] moves it.
    pub fn manual(start: SystemTime) -> Self {
        Clock(Source::Manual(Arc::new(Manual {
            state: Mutex::new(ManualState {
                now: start,
                next_id: 0,
                sleepers: BTreeMap::new(),
            }),
        })))
    }

    /// Whether this is a manual clock.
    #[inline]
    pub fn is_manual(&self) -> bool {
        matches!(self.0, Source::Manual(_))
    }

    /// The current time.
    #[inline]
    pub fn now(&self) -> SystemTime {
        match &self.0 {
            Source::System => SystemTime::now(),
            Source::Manual(manual) => manual.lock().now,
        }
    }

    /// The current time as a UTC date and time.
    pub fn now_utc(&self) -> DateTime<Utc> {
        DateTime::<Utc>::from(self.now())
    }

    /// Sleeps `duration`: on tokio's clock for the system clock, until the
    /// manual time has moved `duration` past the time of the call for a
    /// manual one.
    pub async fn sleep(&self, duration: Duration) {
        match &self.0 {
            Source::System => tokio::time::sleep(duration).await,
            Source::Manual(manual) => ManualSleep::new(manual, duration).await,
        }
    }

    /// Runs `future` for at most `duration` ([`Clock::sleep`]'s time):
    /// its output, or [`Elapsed`] when the time ran out first. With the
    /// system clock this is `tokio::time::timeout`.
    ///
    /// The future gives [`Elapsed`] when `duration` passed before `future`
    /// finished. It holds `future` once (an `async fn` would hold it
    /// twice: as its argument and inside the timer).
    pub fn timeout<F: Future>(&self, duration: Duration, future: F) -> Timeout<F> {
        match &self.0 {
            Source::System => Timeout {
                inner: TimeoutInner::System {
                    inner: tokio::time::timeout(duration, future),
                },
            },
            Source::Manual(manual) => Timeout {
                inner: TimeoutInner::Manual {
                    future,
                    timer: ManualSleep::new(manual, duration),
                },
            },
        }
    }

    /// Moves a manual clock `duration` forward and wakes the sleeps that
    /// are then due.
    ///
    /// # Panics
    ///
    /// On the system clock, which only the system moves.
    pub fn advance(&self, duration: Duration) {
        let manual = self.expect_manual("advance");
        let now = manual.lock().now;
        manual.set(
            now.checked_add(duration)
                .expect("the manual time overflowed"),
        );
    }

    /// Sets a manual clock to `time` (forward or back) and wakes the sleeps
    /// that are then due.
    ///
    /// # Panics
    ///
    /// On the system clock, which only the system moves.
    pub fn set(&self, time: SystemTime) {
        self.expect_manual("set").set(time);
    }

    /// How many sleeps wait on a manual clock (0 on the system clock).
    pub fn sleepers(&self) -> usize {
        match &self.0 {
            Source::System => 0,
            Source::Manual(manual) => manual.lock().sleepers.len(),
        }
    }

    /// When the earliest sleep on a manual clock is due (`None` on the
    /// system clock, with no sleeper, or when every sleeper sleeps for
    /// ever).
    pub fn next_due(&self) -> Option<SystemTime> {
        match &self.0 {
            Source::System => None,
            Source::Manual(manual) => manual.lock().sleepers.values().filter_map(|s| s.due).min(),
        }
    }

    /// Yields to the scheduler until at least one sleep waits on this
    /// manual clock: a test calls it before [`Clock::advance`] to know that
    /// the execution has reached its Wait, retry delay or timeout.
    ///
    /// # Panics
    ///
    /// On the system clock.
    pub async fn sleeping(&self) {
        self.expect_manual("sleeping");
        while self.sleepers() == 0 {
            tokio::task::yield_now().await;
        }
    }

    fn expect_manual(&self, what: &str) -> &Manual {
        match &self.0 {
            Source::Manual(manual) => manual,
            Source::System => panic!("Clock::{what}: the system clock is not manual"),
        }
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Source::System => f.write_str("Clock::System"),
            Source::Manual(manual) => f
                .debug_struct("Clock::Manual")
                .field("now", &manual.lock().now)
                .finish_non_exhaustive(),
        }
    }
}

impl PartialEq for Clock {
    /// Two clocks are equal when both are the system clock or both are
    /// the same manual clock.
    fn eq(&self, other: &Self) -> bool {
        match (&self.0, &other.0) {
            (Source::System, Source::System) => true,
            (Source::Manual(a), Source::Manual(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

/// A manual clock's shared state.
struct Manual {
    state: Mutex<ManualState>,
}

struct ManualState {
    now: SystemTime,
    next_id: u64,
    /// The pending sleeps, by id.
    sleepers: BTreeMap<u64, Sleeper>,
}

struct Sleeper {
    /// `None`: never (the due time does not fit a `SystemTime`).
    due: Option<SystemTime>,
    waker: Option<Waker>,
}

impl Manual {
    fn lock(&self) -> MutexGuard<'_, ManualState> {
        // A panic while holding the lock leaves the state consistent.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn set(&self, time: SystemTime) {
        let wakers: Vec<Waker> = {
            let mut state = self.lock();
            state.now = time;
            state
                .sleepers
                .values_mut()
                .filter(|s| s.due.is_some_and(|due| due <= time))
                .filter_map(|s| s.waker.take())
                .collect()
        };
        for waker in wakers {
            waker.wake();
        }
    }
}

pin_project_lite::pin_project! {
    /// The future of [`Clock::timeout`]: the output of the future it runs,
    /// or [`Elapsed`].
    pub struct Timeout<F> {
        #[pin]
        inner: TimeoutInner<F>,
    }
}

pin_project_lite::pin_project! {
    #[project = TimeoutProjection]
    enum TimeoutInner<F> {
        // On the system clock: tokio's timeout.
        System { #[pin] inner: tokio::time::Timeout<F> },
        // On a manual clock: the future, polled first, and the timer.
        Manual { #[pin] future: F, timer: ManualSleep },
    }
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project().inner.project() {
            TimeoutProjection::System { inner } => inner.poll(cx).map(|r| r.map_err(|_| Elapsed)),
            TimeoutProjection::Manual { future, timer } => {
                if let Poll::Ready(output) = future.poll(cx) {
                    return Poll::Ready(Ok(output));
                }
                Pin::new(timer).poll(cx).map(|()| Err(Elapsed))
            }
        }
    }
}

/// A sleep on a manual clock: registered from its creation (so that
/// [`Clock::sleepers`] counts it) until it ends or is dropped.
struct ManualSleep {
    clock: Arc<Manual>,
    id: u64,
    due: Option<SystemTime>,
}

impl ManualSleep {
    fn new(clock: &Arc<Manual>, duration: Duration) -> Self {
        let mut state = clock.lock();
        let due = state.now.checked_add(duration);
        let id = state.next_id;
        state.next_id += 1;
        state.sleepers.insert(id, Sleeper { due, waker: None });
        drop(state);
        ManualSleep {
            clock: Arc::clone(clock),
            id,
            due,
        }
    }
}

impl Future for ManualSleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.clock.lock();
        if self.due.is_some_and(|due| state.now >= due) {
            state.sleepers.remove(&self.id);
            return Poll::Ready(());
        }
        if let Some(sleeper) = state.sleepers.get_mut(&self.id) {
            sleeper.waker = Some(cx.waker().clone());
        }
        Poll::Pending
    }
}

impl Drop for ManualSleep {
    fn drop(&mut self) {
        self.clock.lock().sleepers.remove(&self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(secs: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
    }

    #[test]
    fn manual_now_moves_only_when_told() {
        let clock = Clock::manual(t(100));
        assert_eq!(clock.now(), t(100));
        clock.advance(Duration::from_secs(5));
        assert_eq!(clock.clone().now(), t(105));
        clock.set(t(7));
        assert_eq!(clock.now(), t(7));
        assert_eq!(clock, clock.clone());
        assert_ne!(clock, Clock::manual(t(7)));
        assert_eq!(Clock::default(), Clock::system());
        assert!(!Clock::system().is_manual());
        assert!(format!("{clock:?}").starts_with("Clock::Manual"));
    }

    #[tokio::test]
    async fn manual_sleeps_end_when_the_time_passes_their_due_time() {
        let clock = Clock::manual(t(0));
        let sleeper = {
            let clock = clock.clone();
            tokio::spawn(async move { clock.sleep(Duration::from_secs(10)).await })
        };
        clock.sleeping().await;
        assert_eq!(clock.next_due(), Some(t(10)));
        clock.advance(Duration::from_secs(9));
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        assert!(!sleeper.is_finished());
        clock.advance(Duration::from_secs(1));
        sleeper.await.unwrap();
        assert_eq!(clock.sleepers(), 0);
    }

    #[tokio::test]
    async fn manual_timeout() {
        let clock = Clock::manual(t(0));
        let quick = clock.timeout(Duration::from_secs(1), async { 5 }).await;
        assert_eq!(quick, Ok(5));
        let task = {
            let clock = clock.clone();
            tokio::spawn(async move {
                clock
                    .timeout(Duration::from_secs(3), std::future::pending::<()>())
                    .await
            })
        };
        clock.sleeping().await;
        clock.advance(Duration::from_secs(3));
        assert_eq!(task.await.unwrap(), Err(Elapsed));
        // A dropped sleep no longer counts.
        assert_eq!(clock.sleepers(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn the_system_clock_sleeps_on_tokio_time() {
        let start = tokio::time::Instant::now();
        Clock::system().sleep(Duration::from_secs(3600)).await;
        assert_eq!(start.elapsed(), Duration::from_secs(3600));
        let out = Clock::system()
            .timeout(Duration::from_secs(2), std::future::pending::<()>())
            .await;
        assert_eq!(out, Err(Elapsed));
        assert_eq!(Clock::system().sleepers(), 0);
        assert_eq!(Clock::system().next_due(), None);
    }
}
