//! What a Task handler sees and returns, the handlers keyed by Resource
//! string, and the error of a failed execution.
//!
//! A handler receives the task's effective input (after `InputPath` and
//! `Parameters`) and a [`TaskContext`], and returns the task's raw result,
//! exactly what the service would return to Step Functions, or a
//! [`TaskError`]: an error name and a cause, as a Lambda function or a
//! service reports a failure. The engine turns a `TaskError` into the
//! state's error (`StatesError`), which then goes through `Retry` and `Catch`
//! like any other; when nothing catches it, the execution fails with an
//! [`ExecutionError`] carrying the same Error and Cause that AWS reports.
//!
//! [`Resources`] is the dynamic way to provide handlers: a map from the
//! Task's `Resource` string to a closure. A Task whose Resource has no
//! handler fails with `States.TaskFailed` and a Cause naming the Resource.
//!
//! # A handler must not block its thread
//!
//! Handlers run as futures on the async runtime (tokio). A handler that
//! blocks its thread instead of awaiting (`std::thread::sleep`, a busy
//! loop, blocking I/O such as `std::fs` or a synchronous HTTP client)
//! cannot be interrupted by tokio or by any other async runtime: a future
//! is only ever stopped at an `.await`. While it blocks, the Task's
//! `TimeoutSeconds`, a heartbeat timeout, [`ExecutionHandle::stop`] and
//! every other task of the same thread wait for it (on a `current_thread`
//! runtime, everything does).
//!
//! The fix is to give the thread back:
//!
//! - blocking calls go to tokio's blocking pool with
//!   [`tokio::task::spawn_blocking`], and the handler awaits the result. A
//!   timeout or a stop then ends the Task at once; the blocking call itself
//!   still runs to its end on its pool thread, where it harms nothing;
//! - CPU-bound work runs in chunks with [`tokio::task::yield_now`]
//!   awaited between them (or goes to `spawn_blocking` too, or to a
//!   thread pool such as rayon's, awaited through a channel).
//!
//! ```
//! use serde_json::{Value, json};
//! use sfn_runtime::{TaskContext, TaskError};
//!
//! sfn_runtime::asl!(mod report, r#"{
//!   "StartAt": "Load",
//!   "States": {
//!     "Load": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Load", "Next": "Total"},
//!     "Total": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Total", "TimeoutSeconds": 60, "End": true}
//!   }
//! }"#);
//!
//! struct Report;
//!
//! impl report::Tasks for Report {
//!     // Blocking I/O, or a blocking client library: on the blocking pool,
//!     // awaited.
//!     async fn load(&self, input: Value, _ctx: TaskContext) -> Result<Value, TaskError> {
//!         let n = input["n"].as_u64().unwrap_or(0);
//!         tokio::task::spawn_blocking(move || {
//!             std::thread::sleep(std::time::Duration::from_millis(10)); // the blocking call
//!             json!({"values": (1..=n).collect::<Vec<u64>>()})
//!         })
//!         .await
//!         .map_err(|e| TaskError::new("Load.Panicked", e.to_string()))
//!     }
//!
//!     // CPU work: in chunks, yielding between them, so that the timeout
//!     // (or a stop) can end it between two chunks.
//!     async fn total(&self, input: Value, _ctx: TaskContext) -> Result<Value, TaskError> {
//!         let values: Vec<u64> = serde_json::from_value(input["values"].clone())
//!             .map_err(|e| TaskError::new("Total.BadInput", e.to_string()))?;
//!         let mut total = 0;
//!         for chunk in values.chunks(1_000) {
//!             total += chunk.iter().sum::<u64>();
//!             tokio::task::yield_now().await;
//!         }
//!         Ok(json!({"total": total}))
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let out = report::StateMachine::new(Report).run(json!({"n": 10_000})).await.unwrap();
//! assert_eq!(out, json!({"total": 50_005_000}));
//! # }
//! ```
//!
//! [Retry and Catch](crate::guide::retry_and_catch#timeouts) shows
//! `TimeoutSeconds` ending such a loop, and [stopping](crate::guide::stopping)
//! what else ends an execution.
//!
//! [`ExecutionHandle::stop`]: crate::ExecutionHandle::stop

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use serde_json::Value;

use crate::engine::Clock;
use crate::error::{StatesError, names};
use crate::jsonpath::ContextObject;
use crate::nested::StateMachines;

/// What a Task handler sees besides its input: which state is running,
/// which Resource it names, how many times it was retried, and the whole
/// context object (`$$`).
///
/// A handler must await, never block its thread: `TimeoutSeconds`, a stop
/// or anything else can end it only at an `.await`. Blocking calls go to
/// `tokio::task::spawn_blocking`, long computations yield with
/// `tokio::task::yield_now` between chunks; see [the module
/// docs](crate::task#a-handler-must-not-block-its-thread).
///
/// ```
/// use serde_json::{Value, json};
/// use sfn_runtime::{TaskContext, TaskError};
///
/// sfn_runtime::asl!(mod hello, r#"{
///   "StartAt": "Greet",
///   "States": {"Greet": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Greet", "End": true}}
/// }"#);
///
/// struct Greeter;
///
/// impl hello::Tasks for Greeter {
///     async fn greet(&self, _input: Value, ctx: TaskContext) -> Result<Value, TaskError> {
///         Ok(json!({
///             "state": ctx.state_name(),
///             "resource": ctx.resource(),
///             "attempt": ctx.retry_count(),
///             "execution": ctx.context_member("Execution").map(|e| e["Name"].clone()),
///         }))
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let out = hello::StateMachine::new(Greeter).run(json!({})).await.unwrap();
/// assert_eq!(out["state"], "Greet");
/// assert_eq!(out["resource"], "arn:aws:lambda:us-east-1:123456789012:function:Greet");
/// assert_eq!(out["attempt"], 0);
/// assert!(out["execution"].is_string());
/// # }
/// ```
#[derive(Clone)]
pub struct TaskContext {
    state_name: String,
    resource: String,
    task_token: Option<String>,
    retry_count: u32,
    /// Shared, not copied: the engine's context shares `Execution.Input`.
    context: Arc<dyn ContextObject>,
    /// The workflows a `startExecution` Task may start.
    state_machines: StateMachines,
    /// The execution's clock.
    clock: Clock,
    /// Where the call sits (inline, not boxed: an allocation per call
    /// costs more than moving these bytes with the task future).
    site: Option<crate::engine::execution::CallSite>,
    /// The idempotency key, built from `site` on first request.
    key: std::sync::OnceLock<String>,
}

impl fmt::Debug for TaskContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskContext")
            .field("state_name", &self.state_name)
            .field("resource", &self.resource)
            .field("task_token", &self.task_token)
            .field("retry_count", &self.retry_count)
            .finish_non_exhaustive()
    }
}

impl TaskContext {
    /// The name of the Task state being run.
    pub fn state_name(&self) -> &str {
        &self.state_name
    }

    /// The Task state's `Resource` string, e.g.
    /// `arn:aws:lambda:us-east-1:123456789012:function:Echo`.
    pub fn resource(&self) -> &str {
        &self.resource
    }

    /// The task token (`$$.Task.Token`) when the state waits for one
    /// (`.waitForTaskToken`), else `None`.
    pub fn task_token(&self) -> Option<&str> {
        self.task_token.as_deref()
    }

    /// `$$.State.RetryCount`: 0 on the first attempt, then the number of
    /// retries so far.
    pub fn retry_count(&self) -> u32 {
        self.retry_count
    }

    /// The whole context object, `$$`, as the state sees it (built on each
    /// call: it copies `Execution.Input`; see [`TaskContext::context_member`]).
    pub fn context(&self) -> Value {
        self.context.to_value()
    }

    /// One top-level member of the context object (`Execution`,
    /// `StateMachine`, `State`, `Task`, `Map`), read in place.
    pub fn context_member(&self, key: &str) -> Option<&Value> {
        self.context.member(key)
    }

    /// Builds a context; the task token is read from `$$.Task.Token`.
    /// Called by the engine, not by applications.
    #[doc(hidden)]
    pub fn new(
        state_name: &str,
        resource: &str,
        context: impl ContextObject + 'static,
        retry_count: u32,
    ) -> Self {
        let task_token = context
            .member("Task")
            .and_then(|task| task.get("Token"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        TaskContext {
            state_name: state_name.to_owned(),
            resource: resource.to_owned(),
            task_token,
            retry_count,
            context: Arc::new(context),
            state_machines: StateMachines::default(),
            clock: Clock::system(),
            site: None,
            key: std::sync::OnceLock::new(),
        }
    }

    /// The same context with the workflows a `startExecution` Task may
    /// start. Called by the engine.
    #[doc(hidden)]
    pub fn with_state_machines(mut self, state_machines: StateMachines) -> Self {
        self.state_machines = state_machines;
        self
    }

    /// The workflows a `states:startExecution` Task may start (the
    /// state machine's `Settings::state_machines`).
    pub fn state_machines(&self) -> &StateMachines {
        &self.state_machines
    }

    /// The same context on the execution's clock. Called by the engine.
    #[doc(hidden)]
    pub fn with_clock(mut self, clock: Clock) -> Self {
        self.clock = clock;
        self
    }

    /// The execution's clock (`Settings::clock`): a handler that reads the
    /// time or sleeps through it follows a manual clock in tests.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// The same context at the call site `site` (for its idempotency key).
    pub(crate) fn with_call_site(mut self, site: crate::engine::execution::CallSite) -> Self {
        self.site = Some(site);
        self
    }

    /// A key that names this call of the handler, for a service that
    /// deduplicates requests (an `Idempotency-Key` header, a
    /// `ClientToken`): the same for the same call whenever it is made
    /// again (a resumed execution, a replay), different for every other
    /// call. It is the execution ARN (`$$.Execution.Id`), a `/` and the
    /// state's path ([`Execution::state_path`](crate::engine::Execution::state_path)):
    ///
    /// ```text
    /// <execution ARN>/{<Parallel or Map state>@<step>#<retry>/(branch <b>|item <i>)/}<Task state>@<step>#<retry>
    /// ```
    ///
    /// e.g. `arn:aws:states:us-east-1:123456789012:execution:Orders:order-42/PrepareShipment@2#0/branch 1/GenerateInvoice@1#0`.
    /// `step` counts the states entered in that scope (a loop entering the
    /// Task again gives it another step), `retry` is the retry count
    /// (`$$.State.RetryCount`), `b` a branch and `i` a Map item index,
    /// from 0. Nothing in it is random or read from a clock beyond the
    /// execution's name, so an execution started again under the same
    /// name (see `Settings::entropy`) gives its calls the same keys. Empty
    /// for a context the engine did not make.
    pub fn idempotency_key(&self) -> &str {
        // Built on first request: most handlers never ask.
        let Some(site) = &self.site else {
            return "";
        };
        self.key.get_or_init(|| {
            let execution = self
                .context
                .member("Execution")
                .and_then(|e| e.get("Id"))
                .and_then(Value::as_str)
                .unwrap_or_default();
            format!("{execution}/{}", site.path(&self.state_name))
        })
    }
}

/// The error a handler returns: an error name and a cause, as a Lambda
/// function or a service would report them (`Lambda.Unknown`,
/// `MyError`, ...).
///
/// An error that no `Retry` or `Catch` handles fails the execution with the
/// same name and cause:
///
/// ```
/// use serde_json::{Value, json};
/// use sfn_runtime::{TaskContext, TaskError};
///
/// sfn_runtime::asl!(mod hello, r#"{
///   "StartAt": "Greet",
///   "States": {"Greet": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Greet", "End": true}}
/// }"#);
///
/// struct Broken;
///
/// impl hello::Tasks for Broken {
///     async fn greet(&self, _input: Value, _ctx: TaskContext) -> Result<Value, TaskError> {
///         Err(TaskError::new("Greeter.Unavailable", "try again later"))
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let err = hello::StateMachine::new(Broken).run(json!({})).await.unwrap_err();
/// assert_eq!(err.error, "Greeter.Unavailable");
/// assert_eq!(err.cause.as_deref(), Some("try again later"));
/// assert_eq!(TaskError::without_cause("E").to_string(), "E");
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskError {
    /// The error name that `Retry` and `Catch` match with `ErrorEquals`.
    pub error: String,
    /// The human-readable cause, if any.
    pub cause: Option<String>,
}

impl TaskError {
    /// An error with a name and a cause.
    pub fn new(error: impl Into<String>, cause: impl Into<String>) -> Self {
        TaskError {
            error: error.into(),
            cause: Some(cause.into()),
        }
    }

    /// An error with a name and no cause.
    pub fn without_cause(error: impl Into<String>) -> Self {
        TaskError {
            error: error.into(),
            cause: None,
        }
    }
}

impl fmt::Display for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_error(f, &self.error, self.cause.as_deref())
    }
}

impl std::error::Error for TaskError {}

impl From<TaskError> for StatesError {
    /// The state's error: the same name and cause.
    fn from(e: TaskError) -> Self {
        StatesError {
            error: e.error.into(),
            cause: e.cause,
        }
    }
}

/// The error of a failed execution: the Error and Cause that AWS reports
/// (`DescribeExecution`, the `ExecutionFailed` event).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecutionError {
    /// The error name, e.g. `States.Runtime` or a task's `MyError`.
    ///
    /// Empty when AWS reports no error: a Fail state without `Error` or
    /// `ErrorPath` fails the execution with neither error nor cause
    /// (conformance cases `base/test_state_fail_empty`, and
    /// `scenarios/test_map_state_catch_empty_fail` for one inside a Map
    /// iteration, which fails the Map and then the execution the same way).
    pub error: String,
    /// The cause, if any.
    pub cause: Option<String>,
}

impl From<StatesError> for ExecutionError {
    /// The same name and cause, except that an empty cause becomes `None`.
    ///
    /// AWS reports a Task timeout to a Catch as
    /// `{"Error": "States.Timeout", "Cause": ""}` (conformance case
    /// `error_handling/test_invoke_timeout`), but an execution that fails
    /// with that same timeout has no cause at all
    /// (`timeouts/test_fixed_timeout_lambda`,
    /// `timeouts/test_fixed_timeout_service_lambda`).
    fn from(e: StatesError) -> Self {
        ExecutionError {
            error: e.error.into_owned(),
            cause: e.cause.filter(|c| !c.is_empty()),
        }
    }
}

impl fmt::Display for ExecutionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_error(f, &self.error, self.cause.as_deref())
    }
}

impl std::error::Error for ExecutionError {}

/// `error: cause`, or `error` alone.
fn write_error(f: &mut fmt::Formatter<'_>, error: &str, cause: Option<&str>) -> fmt::Result {
    match cause {
        Some(cause) => write!(f, "{error}: {cause}"),
        None => f.write_str(error),
    }
}

/// The future a handler in [`Resources`] returns.
type HandlerFuture = Pin<Box<dyn Future<Output = Result<Value, TaskError>> + Send + 'static>>;

/// A handler in [`Resources`], with its future boxed.
type Handler = Arc<dyn Fn(Value, TaskContext) -> HandlerFuture + Send + Sync>;

/// Task handlers keyed by the Task's `Resource` string.
///
/// Cheap to clone (the handlers are shared). Generated state machines accept
/// it in place of a typed `Tasks` implementation
/// (`StateMachine::from_resources`).
///
/// A handler's future must await, never block its thread
/// (`std::thread::sleep`, a busy loop, blocking I/O): no async runtime can
/// interrupt a blocked thread, so a `TimeoutSeconds` or a stop would wait
/// for it. Wrap blocking calls in `tokio::task::spawn_blocking(..).await`
/// and cut CPU work into chunks with `tokio::task::yield_now().await`
/// between them; see [the module
/// docs](crate::task#a-handler-must-not-block-its-thread) for an example.
///
/// ```
/// use sfn_runtime::{Resources, TaskContext, TaskError};
///
/// sfn_runtime::asl!(mod echo, r#"{
///   "StartAt": "Echo",
///   "States": {"Echo": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Echo", "End": true}}
/// }"#);
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let resources = Resources::new()
///     .handler("arn:aws:lambda:us-east-1:123456789012:function:Echo",
///              |input: serde_json::Value, _ctx: TaskContext| async move { Ok(input) })
///     .handler("arn:aws:lambda:us-east-1:123456789012:function:Fail",
///              |_input, _ctx| async move { Err(TaskError::new("MyError", "the cause")) });
///
/// let machine = echo::StateMachine::from_resources(resources);
/// assert_eq!(machine.run(serde_json::json!({"a": 1})).await.unwrap(), serde_json::json!({"a": 1}));
/// # }
/// ```
#[derive(Clone, Default)]
pub struct Resources {
    handlers: Arc<HashMap<String, Handler>>,
}

impl Resources {
    /// No handlers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) the handler for `resource`. Its future must not
    /// block its thread (see [`Resources`]).
    pub fn handler<F, Fut>(mut self, resource: impl Into<String>, f: F) -> Self
    where
        F: Fn(Value, TaskContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Value, TaskError>> + Send + 'static,
    {
        let handler: Handler = Arc::new(move |input, ctx| Box::pin(f(input, ctx)));
        Arc::make_mut(&mut self.handlers).insert(resource.into(), handler);
        self
    }

    /// Calls the handler for `resource`. A Resource without a handler fails
    /// with `States.TaskFailed` and a Cause naming the Resource.
    pub fn call(
        &self,
        resource: &str,
        input: Value,
        ctx: TaskContext,
    ) -> Pin<Box<dyn Future<Output = Result<Value, TaskError>> + Send + 'static>> {
        match self.handlers.get(resource) {
            Some(handler) => handler(input, ctx),
            // A nested state machine, started by the runtime itself.
            None if crate::nested::is_start_execution(resource) => {
                Box::pin(crate::nested::start_execution(resource, input, ctx))
            }
            None => {
                let error = missing_handler(resource);
                Box::pin(async move { Err(error) })
            }
        }
    }
}

/// The error of a Resource without a handler. The wording is ours: on AWS a
/// Resource always exists (or the state machine is rejected).
fn missing_handler(resource: &str) -> TaskError {
    TaskError::new(
        names::TASK_FAILED,
        format!("No handler is registered for the Resource '{resource}'"),
    )
}

impl fmt::Debug for Resources {
    /// Lists the Resource strings that have a handler, sorted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names: Vec<&str> = self.handlers.keys().map(String::as_str).collect();
        names.sort_unstable();
        f.debug_struct("Resources")
            .field("handlers", &names)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ECHO: &str = "arn:aws:lambda:us-east-1:123456789012:function:Echo";

    fn ctx() -> TaskContext {
        TaskContext::new("S", ECHO, json!({}), 0)
    }

    #[tokio::test]
    async fn resources_call_the_registered_handler() {
        let resources = Resources::new()
            .handler(ECHO, |input, ctx: TaskContext| async move {
                Ok(json!({"input": input, "state": ctx.state_name()}))
            })
            .handler("arn:fail", |_input, _ctx| async move {
                Err(TaskError::new("MyError", "the cause"))
            });
        let out = resources.call(ECHO, json!(1), ctx()).await.unwrap();
        assert_eq!(out, json!({"input": 1, "state": "S"}));
        let err = resources
            .call("arn:fail", json!(1), ctx())
            .await
            .unwrap_err();
        assert_eq!(err, TaskError::new("MyError", "the cause"));
    }

    #[tokio::test]
    async fn missing_handler_fails_with_task_failed_naming_the_resource() {
        let resources = Resources::new().handler(ECHO, |input, _ctx| async move { Ok(input) });
        let err = resources
            .call("arn:aws:states:::sqs:sendMessage", json!({}), ctx())
            .await
            .unwrap_err();
        assert_eq!(err.error, "States.TaskFailed");
        let cause = err.cause.unwrap();
        assert!(
            cause.contains("'arn:aws:states:::sqs:sendMessage'"),
            "{cause}"
        );
    }

    #[tokio::test]
    async fn a_later_handler_replaces_an_earlier_one_and_clones_share() {
        let first = Resources::new().handler(ECHO, |_i, _c| async move { Ok(json!(1)) });
        let second = first
            .clone()
            .handler(ECHO, |_i, _c| async move { Ok(json!(2)) });
        assert_eq!(first.call(ECHO, json!(null), ctx()).await, Ok(json!(1)));
        assert_eq!(second.call(ECHO, json!(null), ctx()).await, Ok(json!(2)));
    }

    #[test]
    fn resources_debug_lists_resource_names() {
        let resources = Resources::new()
            .handler("b", |i, _c| async move { Ok(i) })
            .handler("a", |i, _c| async move { Ok(i) });
        assert_eq!(
            format!("{resources:?}"),
            r#"Resources { handlers: ["a", "b"] }"#
        );
    }

    #[test]
    fn task_context_fields() {
        let doc = json!({
            "Execution": {"Id": "x"},
            "State": {"Name": "Ship", "RetryCount": 2},
            "Task": {"Token": "tok-1"}
        });
        let ctx = TaskContext::new("Ship", ECHO, doc.clone(), 2);
        assert_eq!(ctx.state_name(), "Ship");
        assert_eq!(ctx.resource(), ECHO);
        assert_eq!(ctx.retry_count(), 2);
        assert_eq!(ctx.task_token(), Some("tok-1"));
        assert_eq!(ctx.context(), doc);
        assert_eq!(ctx.context_member("State"), Some(&doc["State"]));
        let without = TaskContext::new("Ship", ECHO, json!({"State": {}}), 0);
        assert_eq!(without.task_token(), None);
    }

    #[test]
    fn task_error_constructors_and_display() {
        let e = TaskError::new("MyError", "the cause");
        assert_eq!(e.cause.as_deref(), Some("the cause"));
        assert_eq!(e.to_string(), "MyError: the cause");
        let e = TaskError::without_cause("MyError");
        assert_eq!(e.cause, None);
        assert_eq!(e.to_string(), "MyError");
        let states: StatesError = TaskError::new("Lambda.Unknown", "c").into();
        assert_eq!(states, StatesError::new("Lambda.Unknown", "c"));
    }

    #[test]
    fn execution_error_from_states_error() {
        let e = ExecutionError::from(StatesError::runtime("bad path"));
        assert_eq!(
            e,
            ExecutionError {
                error: "States.Runtime".into(),
                cause: Some("bad path".into())
            }
        );
        assert_eq!(e.to_string(), "States.Runtime: bad path");
        let e = ExecutionError::from(StatesError::without_cause("MyError"));
        assert_eq!(e.cause, None);
        assert_eq!(e.to_string(), "MyError");
        // A Fail state without Error: no error name (empty), no cause.
        let e = ExecutionError::from(StatesError {
            error: "".into(),
            cause: None,
        });
        assert_eq!(e.error, "");
        assert_eq!(e.cause, None);
        // A timeout's empty cause is reported as no cause.
        let e = ExecutionError::from(StatesError::new("States.Timeout", ""));
        assert_eq!(e.error, "States.Timeout");
        assert_eq!(e.cause, None);
    }
}
