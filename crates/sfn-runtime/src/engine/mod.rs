//! The engine that generated code runs on: the parts of executing a state
//! machine that are the same for every workflow.
//!
//! Generated code owns the control flow (one `loop { match state { .. } }`
//! per scope) and the data flow (through [`crate::dataflow`]); it calls in
//! here for everything with an effect or a policy:
//!
//! * [`Execution`] ([`execution`]): the context object, the variables, the
//!   source of randomness and the [`Settings`] an execution carries from
//!   state to state, and its children for Parallel branches and Map items.
//! * [`History`] ([`history`]): the execution's events, AWS's
//!   `GetExecutionHistory`.
//! * [`Control`] ([`control`]): what ends an execution from outside its
//!   states (stop, `TimeoutSeconds`, the history limit), and the
//!   checkpoints where it yields to the scheduler and notices.
//! * [`with_retry`] and [`RetryPolicy`] ([`retry`]): AWS's `Retry`.
//! * [`find_catcher`] ([`catch`]): AWS's `Catch`.
//! * [`call_task`] ([`task_call`]): one call of a Task handler, with
//!   `TimeoutSeconds`, panics turned into `States.TaskFailed`.
//! * [`TaskCallback`] and [`call_task_with_token`] ([`callback`]):
//!   `.waitForTaskToken` and `HeartbeatSeconds`, answered through
//!   [`TaskTokens`].
//! * [`observe`]: `tracing` spans and AWS-style log levels.
//! * [`run_parallel`] ([`parallel`]): the branches of a Parallel state.
//! * [`run_map`] and [`Tolerance`] ([`map`]): the items of a Map state.
//! * [`wait_seconds`] and [`wait_until`] ([`wait`]): Wait states.
//! * [`expect_seconds`], [`expect_timestamp`] and their relatives
//!   ([`path_values`]): the checks AWS applies to the values that
//!   `SecondsPath`, `TimestampPath`, `TimeoutSecondsPath`,
//!   `MaxConcurrencyPath` and `ToleratedFailure*Path` select.
//!
//! Concurrency (Parallel, Map) runs on the current task: the futures are
//! polled together, never spawned, so they need not be `'static` and may
//! borrow the state machine. Time goes through the execution's [`Clock`]
//! ([`clock`], [`Settings::clock`]): by default the system clock and
//! `tokio::time`, so a test under `tokio::time::pause()` runs Waits, retry
//! delays and timeouts instantly; a [`Clock::manual`] moves only when the
//! test moves it.

pub mod callback;
pub mod catch;
pub mod clock;
pub mod control;
pub mod durable;
pub(crate) mod durable_tokens;
pub mod execution;
pub mod history;
pub mod map;
pub mod observe;
pub mod parallel;
pub(crate) mod parking;
pub mod path_values;
pub mod retry;
pub mod task_call;
pub mod wait;
pub mod worker;

#[cfg(test)]
mod generated_shape_tests;
#[cfg(test)]
mod test_support;

pub use callback::{TaskCallback, TaskTokenError, TaskTokens, call_task_with_token};
pub use catch::find_catcher;
pub use clock::{Clock, Elapsed};
pub use control::{Control, Ending, HISTORY_EVENT_LIMIT, Interrupt};
pub use execution::{Execution, Settings, StateMachineType, StateObserver};
pub use history::{History, HistoryEvent, Recorder};
pub use map::{Tolerance, run_map};
pub use observe::{LogLevel, Logging};
pub use parallel::{BranchFuture, run_parallel};
pub use path_values::{
    expect_seconds, expect_seconds_at, expect_timestamp, expect_timestamp_at,
    expect_tolerated_failure_percentage_at,
};
pub use retry::{RetryPolicy, with_retry};
pub use task_call::call_task;
pub use wait::{wait_seconds, wait_until};
