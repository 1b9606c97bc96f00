//! One call of a Task handler.
//!
//! [`call_task`] builds the [`TaskContext`] from the execution (state name,
//! Resource, `$$`, `$$.State.RetryCount`, `$$.Task.Token`), calls the
//! handler and turns its outcome into the state's result or error:
//!
//! * `Ok(value)`: the task's raw result, passed on unchanged;
//! * `Err(TaskError { error, cause })`: the state's error with the same name
//!   and cause;
//! * no answer within `TimeoutSeconds`: `States.Timeout`, with an empty
//!   cause. That is what AWS hands to a Catch for a timed-out Task:
//!   `{"Error": "States.Timeout", "Cause": ""}` (conformance case
//!   `error_handling/test_invoke_timeout`); the handler's future is dropped;
//! * a panic in the handler: `States.TaskFailed`, with the panic message as
//!   cause. A panicking handler is a failed task, never a crashed execution.
//!   (The panic hook still runs, so the message is also printed.)

use std::any::Any;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::Duration;

use futures::FutureExt;
use serde_json::Value;

use super::execution::Execution;
use super::history::Recorder;
use crate::error::{StatesError, names};
use crate::task::{TaskContext, TaskError};

/// Calls a task handler once (see the [module](self) docs).
///
/// `fut_fn` receives the [`TaskContext`] and returns the handler's future,
/// e.g. `|ctx| self.tasks.validate_order(input, ctx)`. `timeout_seconds` is
/// the state's `TimeoutSeconds` (or the value `TimeoutSecondsPath`
/// selected); `None` waits for ever.
///
/// The returned future does not borrow `exec`, `state_name` or `resource`,
/// so a [`with_retry`](super::with_retry) attempt can return it directly:
/// `with_retry(exec, RETRY, |exec| call_task(exec, "S", "arn:...", None, |ctx| ...))`.
pub fn call_task<C, Fut>(
    exec: &Execution,
    state_name: &str,
    resource: &str,
    timeout_seconds: Option<u64>,
    fut_fn: C,
) -> impl Future<Output = Result<Value, StatesError>> + use<C, Fut>
where
    C: FnOnce(TaskContext) -> Fut,
    Fut: Future<Output = Result<Value, TaskError>> + Send,
{
    let ctx = task_context(exec, state_name, resource);
    // The handler runs inside the state's span.
    let span = exec.state_span.clone();
    // A durable execution: the outcome of this call, if an earlier run
    // committed it, is not asked for again.
    let (journal_key, journaled) = journal_lookup(exec, state_name, ctx.retry_count());
    // History: TaskScheduled, TaskStarted, and the outcome.
    let recorder = started_events(exec, resource, false).journaled_as(journal_key);
    // One value, not a handler and a journaled outcome side by side: the
    // call's future stays as small as it was before durable executions.
    let started = match journaled {
        Some(outcome) => Start::Journaled(outcome),
        None => match start_handler(exec, move || fut_fn(ctx)) {
            Ok(handler) => Start::Handler(handler),
            Err(error) => Start::Journaled(Err(error)),
        },
    };
    let clock = exec.clock().clone();
    let call = async move {
        let handler = match started {
            Start::Handler(handler) => handler,
            Start::Journaled(outcome) => return outcome,
        };
        let guarded =
            tracing::Instrument::instrument(AssertUnwindSafe(handler).catch_unwind(), span);
        let outcome = match timeout_seconds {
            Some(seconds) => match clock.timeout(Duration::from_secs(seconds), guarded).await {
                Ok(outcome) => outcome,
                Err(_elapsed) => return Err(timed_out()),
            },
            None => guarded.await,
        };
        match outcome {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => Err(error.into()),
            Err(panic) => Err(panicked(panic.as_ref())),
        }
    };
    async move {
        let outcome = call.await;
        ended_event(&recorder, &outcome);
        outcome
    }
}

/// How a task call starts: with its handler's future, or with the outcome
/// an earlier run committed (or the error that kept the handler from
/// being called).
enum Start<Fut> {
    Handler(Fut),
    Journaled(Result<Value, StatesError>),
}

/// The handler's future, made by `make`; not made once the execution is
/// ending (stopped, timed out, out of history events), so that no handler
/// is called after that. Making the future runs user code too (a handler
/// that is not an `async fn` may panic before returning its future): a
/// panic there is `States.TaskFailed`.
/// In a durable execution: the journal key of the task call of
/// `state_name` at retry `retry`, and its outcome when an earlier run
/// committed it.
pub(super) fn journal_lookup(
    exec: &Execution,
    state_name: &str,
    retry: u32,
) -> (Option<String>, Option<Result<Value, StatesError>>) {
    if exec.recorder.scope_log().is_none() {
        return (None, None);
    }
    let key = exec.call_site(retry).path(state_name);
    let journaled = exec.journaled_outcome(&key);
    (Some(key), journaled)
}

pub(super) fn start_handler<Fut>(
    exec: &Execution,
    make: impl FnOnce() -> Fut,
) -> Result<Fut, StatesError> {
    exec.control().check()?;
    std::panic::catch_unwind(AssertUnwindSafe(make)).map_err(|panic| panicked(panic.as_ref()))
}

/// What the handler of `state_name` sees: the context object, the
/// Resource, `$$.State.RetryCount` and any task token.
pub(super) fn task_context(exec: &Execution, state_name: &str, resource: &str) -> TaskContext {
    // Read from its field: `member("State")` would build (and format the
    // time of) the whole `$$.State` object, which the handler may never read.
    let retry_count = exec.context.retry_count().unwrap_or(0);
    TaskContext::new(state_name, resource, exec.context.clone(), retry_count)
        .with_state_machines(exec.settings.state_machines.clone())
        .with_clock(exec.clock().clone())
        .with_call_site(exec.call_site(retry_count))
}

/// The history events of one task call: AWS records a Lambda function
/// named by its own ARN (`arn:aws:lambda:...`) as `LambdaFunction...`
/// events, and every service integration (`arn:aws:states:::service:action`)
/// as `Task...` events with `resourceType` and `resource`.
#[derive(Clone, Debug)]
pub(super) struct TaskEvents {
    recorder: Recorder,
    /// In a durable execution, the journal key the outcome is kept under.
    journal_key: Option<String>,
    lambda: bool,
    resource_type: String,
    resource: String,
}

/// Records the start of a call of `resource` (`...Scheduled`, `...Started`,
/// and `TaskSubmitted` for a callback); returns what records its outcome.
pub(super) fn started_events(exec: &Execution, resource: &str, callback: bool) -> TaskEvents {
    let lambda = resource.starts_with("arn:aws:lambda:");
    let (resource_type, action) = match resource.strip_prefix("arn:aws:states:::") {
        Some(rest) => rest.split_once(':').unwrap_or((rest, "")),
        None => ("", resource),
    };
    let events = TaskEvents {
        recorder: exec.recorder.clone(),
        journal_key: None,
        lambda,
        resource_type: resource_type.to_owned(),
        resource: action.to_owned(),
    };
    let details = || events.details(None);
    if lambda {
        events.recorder.record(
            "LambdaFunctionScheduled",
            || serde_json::json!({"resource": resource}),
        );
        events
            .recorder
            .record("LambdaFunctionStarted", || Value::Null);
    } else {
        events.recorder.record("TaskScheduled", details);
        events.recorder.record("TaskStarted", details);
        if callback {
            events.recorder.record("TaskSubmitted", details);
        }
    }
    events
}

impl TaskEvents {
    /// These events, with the outcome journaled under `key` (a durable
    /// execution).
    pub(super) fn journaled_as(mut self, key: Option<String>) -> Self {
        self.journal_key = key;
        self
    }

    /// Records the outcome event, with its journal entry in a durable run.
    fn record_outcome(
        &self,
        event_type: &'static str,
        details: impl FnOnce() -> Value,
        outcome: &Result<Value, StatesError>,
    ) {
        match (&self.journal_key, self.recorder.scope_log()) {
            (Some(key), Some(scope)) => {
                let entry = super::durable::outcome_to_json(outcome);
                self.recorder.record_durable(
                    scope,
                    event_type.into(),
                    details,
                    Some((key.clone(), entry)),
                );
            }
            _ => {
                self.recorder.record(event_type, details);
            }
        }
    }
    /// `{"resourceType", "resource"}` and `extra`'s members.
    fn details(&self, extra: Option<Value>) -> Value {
        let mut details = serde_json::Map::new();
        if !self.lambda {
            details.insert(
                "resourceType".into(),
                Value::String(self.resource_type.clone()),
            );
            details.insert("resource".into(), Value::String(self.resource.clone()));
        }
        if let Some(Value::Object(extra)) = extra {
            details.extend(extra);
        }
        Value::Object(details)
    }
}

/// Records the outcome of a call: `...Succeeded`, `...TimedOut` or
/// `...Failed`.
pub(super) fn ended_event(events: &TaskEvents, outcome: &Result<Value, StatesError>) {
    let (succeeded, timed_out, failed) = if events.lambda {
        (
            "LambdaFunctionSucceeded",
            "LambdaFunctionTimedOut",
            "LambdaFunctionFailed",
        )
    } else {
        ("TaskSucceeded", "TaskTimedOut", "TaskFailed")
    };
    match outcome {
        Ok(output) => {
            events.record_outcome(
                succeeded,
                || events.details(Some(Value::Object(super::history::data("output", output)))),
                outcome,
            );
        }
        Err(error) => {
            let timeout = error.error == names::TIMEOUT || error.error == names::HEARTBEAT_TIMEOUT;
            let kind = if timeout { timed_out } else { failed };
            events.record_outcome(
                kind,
                || events.details(Some(super::execution::error_details(error))),
                outcome,
            );
        }
    }
}

/// `States.Timeout` with AWS's (empty) cause.
fn timed_out() -> StatesError {
    StatesError::new(names::TIMEOUT, "")
}

/// `States.TaskFailed` for a handler that panicked: the panic message as
/// cause when it is a string (as `panic!` makes it), else a fixed text.
pub(super) fn panicked(payload: &(dyn Any + Send)) -> StatesError {
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "The task handler panicked".to_owned());
    StatesError::new(names::TASK_FAILED, message)
}

#[cfg(test)]
mod tests {
    use super::super::retry::{RetryPolicy, with_retry};
    use super::super::test_support::execution;
    use super::*;
    use crate::task::Resources;
    use serde_json::json;
    use tokio::time::Instant;

    const ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:F";

    #[tokio::test]
    async fn result_and_task_error_pass_through() {
        let exec = execution();
        let out = call_task(&exec, "S", ARN, None, |_ctx| async { Ok(json!({"a": 1})) }).await;
        assert_eq!(out, Ok(json!({"a": 1})));
        let out = call_task(&exec, "S", ARN, None, |_ctx| async {
            Err(TaskError::new("Lambda.Unknown", "boom"))
        })
        .await;
        assert_eq!(out, Err(StatesError::new("Lambda.Unknown", "boom")));
        let out = call_task(&exec, "S", ARN, None, |_ctx| async {
            Err(TaskError::without_cause("MyError"))
        })
        .await;
        assert_eq!(out, Err(StatesError::without_cause("MyError")));
    }

    #[tokio::test]
    async fn handler_panic_is_task_failed() {
        let exec = execution();
        let out = call_task(&exec, "S", ARN, None, |_ctx| async {
            if true {
                panic!("handler exploded");
            }
            Ok(json!(null))
        })
        .await;
        assert_eq!(
            out,
            Err(StatesError::new("States.TaskFailed", "handler exploded"))
        );
        // A formatted message (a String payload).
        let n = 7;
        let out = call_task(&exec, "S", ARN, None, move |_ctx| async move {
            if n > 0 {
                panic!("item {n} is bad");
            }
            Ok(json!(null))
        })
        .await;
        assert_eq!(
            out,
            Err(StatesError::new("States.TaskFailed", "item 7 is bad"))
        );
    }

    #[tokio::test]
    async fn panic_before_the_future_is_task_failed() {
        let exec = execution();
        let out = call_task(&exec, "S", ARN, None, |_ctx| -> std::future::Ready<_> {
            std::panic::panic_any(42_u8)
        })
        .await;
        assert_eq!(
            out,
            Err(StatesError::new(
                "States.TaskFailed",
                "The task handler panicked"
            ))
        );
    }

    #[tokio::test(start_paused = true)]
    async fn timeout_is_states_timeout() {
        let exec = execution();
        let start = Instant::now();
        let out = call_task(&exec, "S", ARN, Some(5), |_ctx| async {
            std::future::pending::<()>().await;
            Ok(json!(null))
        })
        .await;
        assert_eq!(out, Err(StatesError::new("States.Timeout", "")));
        assert_eq!(start.elapsed(), Duration::from_secs(5));
        assert_eq!(
            out.unwrap_err().to_error_output(),
            json!({"Error": "States.Timeout", "Cause": ""})
        );
        // A handler that answers in time.
        let out = call_task(&exec, "S", ARN, Some(5), |_ctx| async {
            tokio::time::sleep(Duration::from_secs(4)).await;
            Ok(json!("in time"))
        })
        .await;
        assert_eq!(out, Ok(json!("in time")));
    }

    #[tokio::test]
    async fn task_context_fields() {
        let mut exec = execution();
        exec.enter("Ship");
        exec.context.set_retry_count(2);
        exec.context.set_task_token(Some("tok-9"));
        let out = call_task(&exec, "Ship", ARN, None, |ctx| async move {
            assert_eq!(ctx.context()["State"]["Name"], json!("Ship"));
            Ok(json!({
                "state": ctx.state_name(),
                "resource": ctx.resource(),
                "retry": ctx.retry_count(),
                "token": ctx.task_token(),
                "machine": ctx.context()["StateMachine"]["Name"],
            }))
        })
        .await;
        assert_eq!(
            out,
            Ok(json!({
                "state": "Ship",
                "resource": ARN,
                "retry": 2,
                "token": "tok-9",
                "machine": "Machine",
            }))
        );
    }

    #[tokio::test]
    async fn missing_resource_fails_the_task() {
        let exec = execution();
        let resources = Resources::new();
        let out = call_task(&exec, "S", ARN, None, |ctx| {
            resources.call(ARN, json!({}), ctx)
        })
        .await;
        let err = out.unwrap_err();
        assert_eq!(err.error, "States.TaskFailed");
        assert!(err.cause.unwrap().contains(ARN));
    }

    #[tokio::test(start_paused = true)]
    async fn with_retry_around_call_task_sees_retry_counts() {
        let mut exec = execution();
        exec.enter("Flaky");
        static RETRY: &[RetryPolicy] = &[RetryPolicy {
            error_equals: &["States.TaskFailed"],
            interval_seconds: 1,
            max_attempts: 3,
            backoff_rate: 2.0,
            max_delay_seconds: None,
            jitter_full: false,
        }];
        let input = json!({"n": 1});
        let out = with_retry(&mut exec, RETRY, |exec| {
            call_task(exec, "Flaky", ARN, Some(10), |ctx| {
                let input = input.clone();
                async move {
                    if ctx.retry_count() < 2 {
                        panic!("attempt {}", ctx.retry_count());
                    }
                    Ok(json!({"input": input, "retries": ctx.retry_count()}))
                }
            })
        })
        .await;
        assert_eq!(out, Ok(json!({"input": {"n": 1}, "retries": 2})));
    }
}
