//! Handles of running executions: what `StateMachine::start` returns.
//!
//! An [`ExecutionHandle`] names an execution (its `$$.Execution.Name` and
//! `Id`), tells its [`ExecutionStatus`], waits for its result, and stops it.
//! The execution runs as its own tokio task, so many executions of one
//! state machine run concurrently on one runtime, and a handle may be
//! cloned and used from any task or thread.
//!
//! Status follows AWS's Standard workflows: `RUNNING` until the execution
//! ends; then `SUCCEEDED`, `FAILED` (an error no Catch handled),
//! `TIMED_OUT` (the state machine's own `TimeoutSeconds`; a Task's timeout
//! that is not caught fails the execution instead) or `ABORTED`
//! ([`ExecutionHandle::stop`]). Stopping drops the execution's future:
//! running task handlers, Parallel branches and Map iterations are
//! cancelled at their next await, and callback tokens are withdrawn.
//!
//! Stopping works whatever the workflow does: the execution yields to the
//! scheduler every so many states and notices a stop before each state it
//! enters, and a JSONata evaluation notices it every few thousand steps
//! (see [`crate::engine::control`]). Once `stop` has returned, the
//! execution enters no further state and calls no further handler (on a
//! multi-thread runtime, a step already under way on another worker, such
//! as the state being entered at that instant, still completes), and once
//! [`ExecutionHandle::result`] returns, nothing of it runs any more. The
//! one thing no async runtime can interrupt is a handler that blocks its
//! thread (see [`Resources`](crate::Resources)).

use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex};

use serde_json::Value;
use tokio::sync::watch;

use crate::engine::durable::DurableRun;
use crate::engine::{Ending, History, Logging, Recorder};
use crate::error::{StatesError, names};
use crate::store::{Store, StoreError};
use crate::task::ExecutionError;

/// Where an execution stands, as AWS's `DescribeExecution` reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExecutionStatus {
    /// Still running.
    Running,
    /// Ended with an output.
    Succeeded,
    /// Ended with an error that no Catch handled.
    Failed,
    /// The state machine's `TimeoutSeconds` passed.
    TimedOut,
    /// Stopped with [`ExecutionHandle::stop`].
    Aborted,
}

impl ExecutionStatus {
    /// AWS's name: `RUNNING`, `SUCCEEDED`, `FAILED`, `TIMED_OUT`, `ABORTED`.
    pub fn as_str(self) -> &'static str {
        match self {
            ExecutionStatus::Running => "RUNNING",
            ExecutionStatus::Succeeded => "SUCCEEDED",
            ExecutionStatus::Failed => "FAILED",
            ExecutionStatus::TimedOut => "TIMED_OUT",
            ExecutionStatus::Aborted => "ABORTED",
        }
    }
}

impl fmt::Display for ExecutionStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The outcome of an ended execution.
type Outcome = Result<Value, ExecutionError>;

/// What the handle and the execution's task share.
struct Shared {
    /// The execution's history events, and its control (what stops its
    /// work).
    recorder: Recorder,
    /// Set when the execution's task is gone: its future finished or was
    /// dropped.
    finished: watch::Sender<bool>,
    /// Where its end is logged when the handle ends it.
    logging: Logging,
    /// The execution's span.
    span: tracing::Span,
    /// The status, and the task to abort while it runs.
    state: Mutex<(ExecutionStatus, Option<tokio::task::AbortHandle>)>,
    /// The outcome, once the execution ended.
    outcome: watch::Sender<Option<Outcome>>,
    /// A durable execution's store, and its run in this process if any.
    durable: Option<(Store, Option<Arc<DurableRun>>)>,
}

impl Shared {
    /// The state of a running execution's handle.
    fn new(
        recorder: Recorder,
        (logging, span): (Logging, tracing::Span),
        durable: Option<(Store, Option<Arc<DurableRun>>)>,
    ) -> Arc<Shared> {
        Arc::new(Shared {
            recorder,
            finished: watch::channel(false).0,
            logging,
            span,
            state: Mutex::new((ExecutionStatus::Running, None)),
            outcome: watch::channel(None).0,
            durable,
        })
    }

    /// Ends the execution with `status` and `outcome`, unless it already
    /// ended; returns whether this call ended it.
    fn end(self: &Arc<Self>, status: ExecutionStatus, outcome: Outcome) -> bool {
        let mut state = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if state.0 != ExecutionStatus::Running {
            return false;
        }
        state.0 = status;
        if status == ExecutionStatus::Aborted {
            if let Err(error) = &outcome {
                // Seen at the execution's next checkpoint, by a running
                // JSONata evaluation, and by the observer; the abort drops
                // the future at its next await.
                self.recorder.control().end(Ending::Aborted(StatesError {
                    error: error.error.clone().into(),
                    cause: error.cause.clone(),
                }));
            }
            if let Some(task) = state.1.take() {
                task.abort();
            }
        }
        // An aborted execution's task is cancelled: it records nothing
        // more, so the handle records its end.
        if let (ExecutionStatus::Aborted, Err(error)) = (status, &outcome) {
            let cause = error.cause.as_deref().unwrap_or_default();
            crate::engine::observe::ended_by_handle(
                &self.logging,
                &self.span,
                "ExecutionAborted",
                &error.error,
                cause,
            );
            self.recorder.record_end(
                "ExecutionAborted",
                || serde_json::json!({"error": error.error, "cause": error.cause}),
            );
            // A durable execution is aborted once its store says so.
            if let Some((store, run)) = &self.durable {
                let (store, run) = (store.clone(), run.clone());
                let error = error.clone();
                let shared = Arc::clone(self);
                tokio::spawn(async move {
                    let control = shared.recorder.control();
                    let failed = StatesError {
                        error: error.error.clone().into(),
                        cause: error.cause.clone(),
                    };
                    let committed = match &run {
                        Some(run) => run
                            .finish(control, control.clock().now(), &Err(failed))
                            .await
                            .is_ok(),
                        None => false,
                    };
                    if !committed && let Some(run) = &run {
                        let cause = error.cause.as_deref().unwrap_or_default();
                        let _ = store.stop(run.name(), &error.error, cause).await;
                    }
                    store.notify_parked();
                    shared.outcome.send_replace(Some(Err(error)));
                });
                return true;
            }
        }
        self.outcome.send_replace(Some(outcome));
        true
    }
}

/// A running (or ended) execution: see the [module](self) docs.
///
/// ```
/// use serde_json::json;
/// use sfn_runtime::ExecutionStatus;
/// use std::sync::Arc;
///
/// sfn_runtime::asl!(mod slow, r#"{
///   "StartAt": "Nap",
///   "States": {"Nap": {"Type": "Wait", "Seconds": 3600, "End": true}}
/// }"#);
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let machine = Arc::new(slow::StateMachine::from_resources(sfn_runtime::Resources::new()));
///
/// let done = machine.start(json!({"n": 1}));
/// assert!(done.id().ends_with(done.name()));
/// assert_eq!(done.result().await, Ok(json!({"n": 1})));
/// assert_eq!(done.status(), ExecutionStatus::Succeeded);
///
/// let stopped = machine.start(json!({"n": 2}));
/// assert_eq!(stopped.status(), ExecutionStatus::Running);
/// assert!(stopped.stop("Operator.Stop", "no longer needed"));
/// assert_eq!(stopped.status(), ExecutionStatus::Aborted);
/// assert_eq!(stopped.result().await.unwrap_err().error, "Operator.Stop");
/// # }
/// ```
#[derive(Clone)]
pub struct ExecutionHandle {
    name: String,
    id: String,
    shared: Arc<Shared>,
}

impl ExecutionHandle {
    /// Runs `execution` as a new tokio task and returns its handle. Called
    /// by generated code (`StateMachine::start`), not by applications.
    /// `execution` is the whole execution, its `TimeoutSeconds` included
    /// (see [`Control::drive`](crate::engine::Control::drive)); `recorder`
    /// is its own, with its control.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime, as `tokio::spawn` does.
    #[doc(hidden)]
    pub fn spawn<F>(
        name: String,
        id: String,
        recorder: Recorder,
        (logging, span): (Logging, tracing::Span),
        execution: F,
    ) -> Self
    where
        F: Future<Output = Result<Value, StatesError>> + Send + 'static,
    {
        let shared = Shared::new(recorder, (logging, span), None);
        let ended = Arc::clone(&shared);
        // Marks the task gone however it goes: finished, or cancelled, even
        // before its first poll (a future never polled drops only what it
        // captured, so the guard is made here and moved in).
        let finished = Finished(Arc::clone(&shared));
        let task = tokio::spawn(async move {
            let _finished = finished;
            let outcome = execution.await;
            let status = match (&outcome, ended.recorder.control().ending()) {
                (Ok(_), _) => ExecutionStatus::Succeeded,
                (Err(_), Some(Ending::TimedOut)) => ExecutionStatus::TimedOut,
                (Err(_), Some(Ending::Aborted(_))) => ExecutionStatus::Aborted,
                (Err(_), _) => ExecutionStatus::Failed,
            };
            ended.end(status, outcome.map_err(ExecutionError::from));
        });
        {
            let mut state = shared.state.lock().unwrap_or_else(|p| p.into_inner());
            if state.0 == ExecutionStatus::Running {
                state.1 = Some(task.abort_handle());
            }
        }
        ExecutionHandle { name, id, shared }
    }

    /// A handle on the durable execution `name` of `store`: `local` is its
    /// run in this process, if it runs here (`run` its durable part). The
    /// outcome is the store's: the execution may park and be continued by
    /// a worker, here or in another process.
    pub(crate) fn spawn_durable<F>(
        name: String,
        id: String,
        recorder: Recorder,
        (logging, span): (Logging, tracing::Span),
        (store, run): (Store, Option<Arc<DurableRun>>),
        local: Option<F>,
    ) -> Self
    where
        F: Future<Output = ()> + Send + 'static,
    {
        let shared = Shared::new(recorder, (logging, span), Some((store.clone(), run)));
        let Some(local) = local else {
            // Nothing runs here: `result` asks the store.
            shared.finished.send_replace(true);
            return ExecutionHandle { name, id, shared };
        };
        let ended = Arc::clone(&shared);
        let finished = Finished(Arc::clone(&shared));
        let watched = name.clone();
        let task = tokio::spawn(async move {
            let _finished = finished;
            local.await;
            // Ended here: its outcome is known now. Parked or unloaded:
            // `result` waits for it in the store; nothing is held here.
            if let Ok(d) = store.describe(&watched).await
                && d.status != ExecutionStatus::Running
            {
                let (status, outcome) = described_outcome(d);
                ended.end(status, outcome);
            }
        });
        {
            let mut state = shared.state.lock().unwrap_or_else(|p| p.into_inner());
            if state.0 == ExecutionStatus::Running {
                state.1 = Some(task.abort_handle());
            }
        }
        ExecutionHandle { name, id, shared }
    }

    /// The execution's name, `$$.Execution.Name`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The execution's ARN, `$$.Execution.Id`.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The execution's history so far, when the state machine's settings
    /// keep it (`Settings::record_history`; see
    /// [`History`]).
    pub fn history(&self) -> Option<&History> {
        self.shared.recorder.history()
    }

    /// Where the execution stands now.
    pub fn status(&self) -> ExecutionStatus {
        self.shared
            .state
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .0
    }

    /// Waits for the execution to end and returns its output, or the error
    /// and cause of a failed, timed-out or stopped execution. Any number of
    /// callers may wait, before or after it ended.
    ///
    /// # Errors
    ///
    /// The execution's error, as [`ExecutionError`].
    pub async fn result(&self) -> Result<Value, ExecutionError> {
        if let Some((store, _)) = &self.shared.durable {
            // A durable execution: what runs here first, then the store.
            let mut finished = self.shared.finished.subscribe();
            let _ = finished.wait_for(|done| *done).await;
            if self.shared.outcome.borrow().is_none() {
                let (status, outcome) = wait_in_store(store, &self.name).await;
                self.shared.end(status, outcome);
            }
        }
        let mut outcome = self.shared.outcome.subscribe();
        let ended = match outcome.wait_for(Option::is_some).await {
            Ok(outcome) => outcome.clone().unwrap_or_else(unreachable_outcome),
            // The sender lives in `self.shared`: it cannot be dropped here.
            Err(_) => unreachable_outcome(),
        };
        // A stopped execution has its outcome at once; its work is over
        // when its task is gone.
        let mut finished = self.shared.finished.subscribe();
        let _ = finished.wait_for(|done| *done).await;
        ended
    }

    /// Stops a running execution: it ends `ABORTED` with `error` and
    /// `cause`, and its running handlers, branches and iterations are
    /// cancelled. Returns `false`, changing nothing, when it already ended.
    pub fn stop(&self, error: impl Into<String>, cause: impl Into<String>) -> bool {
        let cause: String = cause.into();
        let outcome = Err(ExecutionError {
            error: error.into(),
            cause: (!cause.is_empty()).then_some(cause),
        });
        self.shared.end(ExecutionStatus::Aborted, outcome)
    }
}

/// The status and outcome of an ended execution, from its description.
fn described_outcome(d: crate::store::ExecutionDescription) -> (ExecutionStatus, Outcome) {
    let outcome = match d.status {
        ExecutionStatus::Succeeded => Ok(d.output.unwrap_or(Value::Null)),
        _ => Err(ExecutionError {
            error: d.error.unwrap_or_default(),
            cause: d.cause,
        }),
    };
    (d.status, outcome)
}

/// Waits until the store says the execution `name` has ended: its status
/// and outcome. Looks again whenever an execution of the store parks or
/// ends in this process, and every half second (it may end in another).
async fn wait_in_store(store: &Store, name: &str) -> (ExecutionStatus, Outcome) {
    let mut changes = store.changes();
    loop {
        match store.describe(name).await {
            Ok(d) if d.status != ExecutionStatus::Running => return described_outcome(d),
            Ok(_) => {}
            Err(StoreError::ExecutionDoesNotExist(_)) => {
                return (
                    ExecutionStatus::Failed,
                    Err(ExecutionError {
                        error: "ExecutionDoesNotExist".to_owned(),
                        cause: Some(format!("no execution named `{name}` in the store")),
                    }),
                );
            }
            // The store is unreachable: look again later.
            Err(_) => {}
        }
        tokio::select! {
            _ = changes.changed() => {}
            () = tokio::time::sleep(std::time::Duration::from_millis(500)) => {}
        }
    }
}

/// Marks the execution's task gone when dropped (see
/// [`ExecutionHandle::result`]).
struct Finished(Arc<Shared>);

impl Drop for Finished {
    fn drop(&mut self) {
        self.0.finished.send_replace(true);
    }
}

/// What `result` reports if the outcome channel were ever closed without
/// an outcome (it cannot be: the handle owns the sender).
fn unreachable_outcome() -> Outcome {
    Err(ExecutionError {
        error: names::RUNTIME.to_owned(),
        cause: Some("the execution ended without an outcome".to_owned()),
    })
}

impl fmt::Debug for ExecutionHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExecutionHandle")
            .field("name", &self.name)
            .field("status", &self.status())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::Control;
    use serde_json::json;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    fn spawn<F>(timeout: Option<u64>, f: F) -> ExecutionHandle
    where
        F: Future<Output = Result<Value, StatesError>> + Send + 'static,
    {
        let observe = (Logging::default(), tracing::Span::none());
        let control = Control::new();
        let recorder = Recorder::new(None, None, control.clone());
        ExecutionHandle::spawn(
            "run-1".into(),
            "arn:run-1".into(),
            recorder,
            observe,
            async move { control.drive(timeout, f).await },
        )
    }

    #[tokio::test(start_paused = true)]
    async fn succeeded_and_failed() {
        let ok = spawn(None, async { Ok(json!({"done": true})) });
        assert_eq!(ok.name(), "run-1");
        assert_eq!(ok.id(), "arn:run-1");
        assert_eq!(ok.result().await, Ok(json!({"done": true})));
        assert_eq!(ok.status(), ExecutionStatus::Succeeded);
        // Waiting again gives the same outcome.
        assert_eq!(ok.clone().result().await, Ok(json!({"done": true})));
        assert!(
            !ok.stop("Late", "too late"),
            "an ended execution is not stopped"
        );
        assert_eq!(ok.status(), ExecutionStatus::Succeeded);

        let failed = spawn(None, async { Err(StatesError::new("Boom", "it broke")) });
        let err = failed.result().await.unwrap_err();
        assert_eq!(
            (err.error.as_str(), err.cause.as_deref()),
            ("Boom", Some("it broke"))
        );
        assert_eq!(failed.status(), ExecutionStatus::Failed);
    }

    #[tokio::test(start_paused = true)]
    async fn the_machine_timeout_is_timed_out() {
        let slow = spawn(Some(10), async {
            tokio::time::sleep(Duration::from_secs(60)).await;
            Ok(json!(1))
        });
        assert_eq!(slow.status(), ExecutionStatus::Running);
        let err = slow.result().await.unwrap_err();
        assert_eq!(err.error, "States.Timeout");
        assert_eq!(slow.status(), ExecutionStatus::TimedOut);
    }

    /// Sets its flag when dropped: tells that a future was cancelled.
    struct DropFlag(Arc<AtomicBool>);
    impl Drop for DropFlag {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn stop_aborts_and_cancels_the_running_work() {
        let cancelled = Arc::new(AtomicBool::new(false));
        let flag = DropFlag(Arc::clone(&cancelled));
        let running = spawn(None, async move {
            let _flag = flag;
            std::future::pending::<()>().await;
            Ok(json!(null))
        });
        tokio::time::sleep(Duration::from_secs(5)).await;
        assert_eq!(running.status(), ExecutionStatus::Running);
        assert!(running.stop("Operator.Stop", "maintenance"));
        assert_eq!(running.status(), ExecutionStatus::Aborted);
        let err = running.result().await.unwrap_err();
        assert_eq!(err.error, "Operator.Stop");
        assert_eq!(err.cause.as_deref(), Some("maintenance"));
        // The aborted task drops its future at the next poll of the runtime.
        tokio::task::yield_now().await;
        assert!(
            cancelled.load(Ordering::SeqCst),
            "the running work is cancelled"
        );
        assert!(!running.stop("Again", ""), "stopping twice changes nothing");
    }

    #[tokio::test(flavor = "current_thread")]
    async fn an_execution_stopped_before_it_ran_has_a_result() {
        // On a current-thread runtime the spawned task has not been polled
        // when `stop` aborts it.
        let never = spawn(None, async { Ok(json!("never")) });
        assert!(never.stop("Stopped", "at once"));
        let waited = tokio::time::timeout(Duration::from_secs(10), never.result()).await;
        assert_eq!(
            waited.expect("result returns").unwrap_err().error,
            "Stopped"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn many_executions_run_concurrently() {
        let handles: Vec<_> = (0..1000)
            .map(|i| {
                spawn(None, async move {
                    tokio::time::sleep(Duration::from_secs(60)).await;
                    Ok(json!(i))
                })
            })
            .collect();
        let start = tokio::time::Instant::now();
        for (i, h) in handles.iter().enumerate() {
            assert_eq!(h.result().await, Ok(json!(i)));
        }
        assert_eq!(start.elapsed().as_secs(), 60, "all waited at once");
    }

    #[test]
    fn status_names() {
        let all = [
            ExecutionStatus::Running,
            ExecutionStatus::Succeeded,
            ExecutionStatus::Failed,
            ExecutionStatus::TimedOut,
            ExecutionStatus::Aborted,
        ];
        let names: Vec<String> = all.iter().map(ToString::to_string).collect();
        assert_eq!(
            names,
            ["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"]
        );
    }
}
