//! Callback tasks: `.waitForTaskToken`, and `HeartbeatSeconds`.
//!
//! A Task whose Resource ends in `.waitForTaskToken` hands a task token to
//! its handler (`$$.Task.Token`, also [`TaskContext::task_token`]) and then
//! waits until someone answers for that token through a [`TaskTokens`]
//! handle: [`TaskTokens::send_task_success`] gives the task's result,
//! [`TaskTokens::send_task_failure`] its error, and
//! [`TaskTokens::send_task_heartbeat`] says the work is still going. The
//! handler's own result is not the task's: as with AWS's Lambda or SQS
//! integration, the call only delivers the token. A handler that fails (or
//! panics) fails the task at once.
//!
//! # Timeouts
//!
//! * `TimeoutSeconds`: no answer in time is `States.Timeout`, as for any
//!   Task.
//! * `HeartbeatSeconds`: no heartbeat (nor answer) within that many seconds
//!   of the start or of the last heartbeat is `States.HeartbeatTimeout`. AWS
//!   applies heartbeats to the tasks that receive a token (callbacks and
//!   activities); a request-response call has none to send, so there the
//!   field has no effect.
//!
//! Both errors go through `Retry` and `Catch`; each attempt gets a new
//! token, and the token of an attempt that ended is no longer accepted.
//!
//! # Tokens
//!
//! A token is 48 hex digits, a version 4 UUID and a count of the tokens
//! issued in the process (AWS's tokens are opaque strings too). It is
//! registered in the [`TaskTokens`] of the execution's
//! [`Settings`](super::Settings) when the attempt starts
//! (so that `Parameters` can pass `$$.Task.Token` on) and removed when the
//! attempt ends, however it ends (the registration is dropped with the
//! attempt's future). A token that is not registered, because it was never
//! issued or its task already ended, is [`TaskTokenError::TaskDoesNotExist`]
//! for the caller, as AWS's `TaskDoesNotExist`.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::FutureExt;
use serde_json::Value;
use tokio::sync::{Notify, oneshot};

use super::execution::Execution;
use crate::error::{StatesError, names};
use crate::task::{TaskContext, TaskError};

/// Where answers for task tokens are sent: a cheap handle (`Clone` shares
/// it) that any task or thread may hold. A state machine's executions find
/// it in their [`Settings`](super::Settings) (`Settings::task_tokens`).
///
/// ```
/// use serde_json::{Value, json};
/// use sfn_runtime::{Settings, TaskContext, TaskError, TaskTokens};
///
/// sfn_runtime::asl!(mod callback, r#"{
///   "StartAt": "Ask",
///   "States": {"Ask": {
///     "Type": "Task",
///     "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
///     "Parameters": {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q", "MessageBody.$": "$$.Task.Token"},
///     "End": true
///   }}
/// }"#);
///
/// /// Answers at once, as a queue consumer would later.
/// struct Queue(TaskTokens);
///
/// impl callback::Tasks for Queue {
///     async fn ask(&self, input: Value, ctx: TaskContext) -> Result<Value, TaskError> {
///         let token = ctx.task_token().unwrap_or_default();
///         assert_eq!(input["MessageBody"], token);
///         self.0
///             .send_task_success(token, json!({"answer": 42}))
///             .map_err(|e| TaskError::new("Queue.Error", e.to_string()))?;
///         Ok(json!({"MessageId": "m-1"})) // not the task's result
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let tokens = TaskTokens::new();
/// let settings = Settings { task_tokens: tokens.clone(), ..Settings::default() };
/// let machine = callback::StateMachine::new(Queue(tokens.clone())).with_settings(settings);
/// assert_eq!(machine.run(json!({})).await.unwrap(), json!({"answer": 42}));
/// assert_eq!(tokens.waiting(), 0);
/// assert!(tokens.send_task_heartbeat("no-such-token").is_err());
/// # }
/// ```
#[derive(Clone, Default)]
pub struct TaskTokens {
    waiting: Arc<Mutex<HashMap<String, Waiting>>>,
    /// The durable store of the state machines that use these tokens (see
    /// [`TaskTokens::attach_store`]).
    store: Arc<Mutex<Option<crate::store::Store>>>,
}

/// A task waiting for its token's answer.
struct Waiting {
    answer: oneshot::Sender<Result<Value, TaskError>>,
    heartbeat: Arc<Notify>,
}

/// Why an answer for a task token was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TaskTokenError {
    /// No task waits for this token: it was never issued, or its task
    /// already ended (answered, timed out, stopped). AWS: `TaskDoesNotExist`.
    TaskDoesNotExist(String),
}

impl fmt::Display for TaskTokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TaskTokenError::TaskDoesNotExist(token) => {
                write!(
                    f,
                    "TaskDoesNotExist: no task waits for the task token {token:?}"
                )
            }
        }
    }
}

impl std::error::Error for TaskTokenError {}

impl TaskTokens {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Completes the task waiting for `token` with `output` as its result.
    ///
    /// # Errors
    ///
    /// [`TaskTokenError::TaskDoesNotExist`] when no task waits for `token`.
    pub fn send_task_success(&self, token: &str, output: Value) -> Result<(), TaskTokenError> {
        self.answer(token, Ok(output))
    }

    /// Fails the task waiting for `token` with `error` and `cause`, which
    /// the state's `Retry` and `Catch` then see.
    ///
    /// # Errors
    ///
    /// [`TaskTokenError::TaskDoesNotExist`] when no task waits for `token`.
    pub fn send_task_failure(
        &self,
        token: &str,
        error: impl Into<String>,
        cause: impl Into<String>,
    ) -> Result<(), TaskTokenError> {
        self.answer(token, Err(TaskError::new(error, cause)))
    }

    /// Tells the task waiting for `token` that its work goes on: its
    /// `HeartbeatSeconds` start again.
    ///
    /// # Errors
    ///
    /// [`TaskTokenError::TaskDoesNotExist`] when no task waits for `token`.
    pub fn send_task_heartbeat(&self, token: &str) -> Result<(), TaskTokenError> {
        let waiting = self.lock();
        match waiting.get(token) {
            Some(w) => {
                w.heartbeat.notify_one();
                Ok(())
            }
            None => Err(TaskTokenError::TaskDoesNotExist(token.to_owned())),
        }
    }

    /// How many tasks wait for an answer now.
    pub fn waiting(&self) -> usize {
        self.lock().len()
    }

    /// Sends the answers of tokens that no task of this process waits for
    /// to `store`, where a durable execution of another process (or a
    /// parked one) finds them. `StateMachine::with_store` does it for the
    /// tokens of its settings.
    pub fn attach_store(&self, store: crate::store::Store) {
        *self.store.lock().unwrap_or_else(|p| p.into_inner()) = Some(store);
    }

    fn answer(&self, token: &str, outcome: Result<Value, TaskError>) -> Result<(), TaskTokenError> {
        let waiting = self.lock().remove(token);
        match waiting {
            // The receiver is gone only if the task ended in the meantime.
            Some(w) => w
                .answer
                .send(outcome)
                .map_err(|_| TaskTokenError::TaskDoesNotExist(token.to_owned())),
            None => self.answer_in_store(token, outcome),
        }
    }

    /// A token of no task of this process: with a store attached, the
    /// answer is written there in the background (this call cannot wait
    /// for it: [`Store::send_task_success`](crate::Store::send_task_success)
    /// does, and reports an unknown token).
    fn answer_in_store(
        &self,
        token: &str,
        outcome: Result<Value, TaskError>,
    ) -> Result<(), TaskTokenError> {
        let store = self.store.lock().unwrap_or_else(|p| p.into_inner()).clone();
        let (Some(store), Ok(runtime)) = (store, tokio::runtime::Handle::try_current()) else {
            return Err(TaskTokenError::TaskDoesNotExist(token.to_owned()));
        };
        let token = token.to_owned();
        runtime.spawn(async move {
            let _ = match outcome {
                Ok(output) => store.send_task_success(&token, output).await,
                Err(error) => {
                    let cause = error.cause.unwrap_or_default();
                    store.send_task_failure(&token, &error.error, &cause).await
                }
            };
        });
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Waiting>> {
        // A panic while the lock is held cannot leave the map inconsistent.
        self.waiting.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl fmt::Debug for TaskTokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskTokens")
            .field("waiting", &self.waiting())
            .finish()
    }
}

impl PartialEq for TaskTokens {
    /// Two handles are equal when they share one registry.
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.waiting, &other.waiting)
    }
}

/// The token of one attempt of a callback Task, registered and set as
/// `$$.Task.Token` by [`TaskCallback::begin`]; its registration ends when
/// it is dropped.
#[derive(Debug)]
pub struct TaskCallback {
    token: String,
    tokens: TaskTokens,
    answer: Option<oneshot::Receiver<Result<Value, TaskError>>>,
    heartbeat: Arc<Notify>,
}

impl TaskCallback {
    /// Issues a token for the attempt about to run, registers it and sets
    /// `$$.Task.Token` in `exec`'s context.
    pub fn begin(exec: &mut Execution) -> Self {
        // The counter makes tokens unique in the process whatever the
        // entropy (tests fix it); the UUID makes them hard to guess.
        static ISSUED: AtomicU64 = AtomicU64::new(0);
        let token = match exec.recorder.scope_log() {
            // A durable execution's token is the same in every run of the
            // attempt (a handler called again after a restart sends the
            // same one), and the store knows which execution waits on it.
            Some(log) => {
                let token = super::durable::task_token(log.run(), &exec.state_path());
                log.run().token(token.clone());
                token
            }
            None => format!(
                "{}{:016x}",
                exec.entropy.uuid_v4().simple(),
                ISSUED.fetch_add(1, Ordering::Relaxed)
            ),
        };
        let (sender, receiver) = oneshot::channel();
        let heartbeat = Arc::new(Notify::new());
        let tokens = exec.settings.task_tokens.clone();
        tokens.lock().insert(
            token.clone(),
            Waiting {
                answer: sender,
                heartbeat: Arc::clone(&heartbeat),
            },
        );
        exec.context.set_task_token(Some(&token));
        TaskCallback {
            token,
            tokens,
            answer: Some(receiver),
            heartbeat,
        }
    }

    /// The token.
    pub fn token(&self) -> &str {
        &self.token
    }
}

impl Drop for TaskCallback {
    fn drop(&mut self) {
        self.tokens.lock().remove(&self.token);
    }
}

/// Calls a callback Task's handler with the token in its context, then
/// waits for the token's answer (see the [module](self) docs).
/// `timeout_seconds` and `heartbeat_seconds` are the state's
/// `TimeoutSeconds` and `HeartbeatSeconds` (or what their `*Path` selected).
pub fn call_task_with_token<C, Fut>(
    exec: &Execution,
    state_name: &str,
    resource: &str,
    timeout_seconds: Option<u64>,
    heartbeat_seconds: Option<u64>,
    mut callback: TaskCallback,
    fut_fn: C,
) -> impl Future<Output = Result<Value, StatesError>> + use<C, Fut>
where
    C: FnOnce(TaskContext) -> Fut,
    Fut: Future<Output = Result<Value, TaskError>> + Send,
{
    let ctx = super::task_call::task_context(exec, state_name, resource);
    // The handler runs inside the state's span.
    let span = exec.state_span.clone();
    // A durable execution: an outcome committed by an earlier run is not
    // waited for again; an answer may come through the store.
    let (journal_key, journaled) =
        super::task_call::journal_lookup(exec, state_name, ctx.retry_count());
    let durable = exec.recorder.scope_log().map(|log| Arc::clone(log.run()));
    // A durable attempt whose handler returned before a restart is not
    // called again: the token it handed out is the same, its answer may be
    // in the store. Its timeout runs from the first call, and the top
    // level parks while it waits (not with HeartbeatSeconds, whose
    // heartbeats reach only the running process).
    let mut timeout = timeout_seconds.map(Duration::from_secs);
    let mut submitted: Option<String> = None;
    let mut already_submitted = false;
    let mut park = None;
    if let (Some(run), Some(key)) = (&durable, &journal_key) {
        let marker = format!("{key}/submitted");
        already_submitted = run.journaled(&marker).is_some();
        submitted = Some(marker);
        if let Some(limit) = timeout {
            let deadline_key = format!("{key}/deadline");
            let now = exec.clock().now();
            let deadline = match run.journaled(&deadline_key).and_then(|v| v.as_i64()) {
                Some(ms) => crate::store::from_millis(ms),
                None => {
                    let deadline = now + limit;
                    run.journal(deadline_key, Value::from(crate::store::millis(deadline)));
                    deadline
                }
            };
            timeout = Some(deadline.duration_since(now).unwrap_or_default());
        }
        if run.may_park() && exec.is_top_level() && heartbeat_seconds.is_none() {
            let due =
                exec.clock().now() + timeout.unwrap_or(Duration::from_secs(100 * 365 * 86_400));
            park = Some(due);
        }
    }
    // History: TaskScheduled, TaskStarted, TaskSubmitted, and the outcome.
    let recorder = super::task_call::started_events(exec, resource, true).journaled_as(journal_key);
    let started = match journaled {
        Some(_) => None,
        None if already_submitted => Some(None),
        None => Some(Some(super::task_call::start_handler(exec, move || {
            fut_fn(ctx)
        }))),
    };
    let clock = exec.clock().clone();
    let heartbeat_clock = clock.clone();
    let control = exec.control().clone();
    let waited = async move {
        let Some(started) = started else {
            return journaled.unwrap_or_else(|| Err(StatesError::runtime("no outcome")));
        };
        // The store knows the token before the handler hands it out.
        if let Some(run) = &durable {
            Box::pin(run.commit(&control)).await?;
        }
        let handler = match started {
            Some(handler) => Some(handler?),
            None => None,
        };
        let Some(answer) = callback.answer.take() else {
            return Err(StatesError::runtime("the task token was already used"));
        };
        let mut handler_done = handler.is_none();
        let handler = async move {
            match handler {
                Some(handler) => {
                    tracing::Instrument::instrument(AssertUnwindSafe(handler).catch_unwind(), span)
                        .await
                }
                None => std::future::pending().await,
            }
        }
        .fuse();
        let answer = answer.fuse();
        let token = callback.token.clone();
        let parking = durable.clone().zip(park);
        let marker = durable.clone().zip(submitted);
        let stored = async move {
            match durable {
                Some(run) => Box::pin(run.wait_for_answer(&token)).await,
                None => std::future::pending().await,
            }
        }
        .fuse();
        futures::pin_mut!(handler, answer, stored);
        loop {
            let beat = callback.heartbeat.notified();
            let silence = async {
                match heartbeat_seconds {
                    Some(s) => heartbeat_clock.sleep(Duration::from_secs(s)).await,
                    None => std::future::pending().await,
                }
            };
            let park_now = async {
                match &parking {
                    Some((run, due)) if handler_done => Box::pin(run.park(&control, *due)).await,
                    _ => std::future::pending().await,
                }
            };
            tokio::select! {
                biased;
                answer = &mut answer => {
                    return match answer {
                        Ok(Ok(value)) => Ok(value),
                        Ok(Err(error)) => Err(error.into()),
                        // The sender lives in the registry until answered
                        // or until `callback` is dropped, after this.
                        Err(_) => Err(StatesError::runtime("the task token was withdrawn")),
                    };
                }
                outcome = &mut stored => return outcome,
                outcome = &mut handler, if !handler_done => match outcome {
                    // The call delivered the token; the answer is the result.
                    Ok(Ok(_)) => {
                        handler_done = true;
                        if let Some((run, key)) = &marker {
                            run.journal(key.clone(), Value::Bool(true));
                        }
                    }
                    Ok(Err(error)) => return Err(error.into()),
                    Err(panic) => return Err(super::task_call::panicked(panic.as_ref())),
                },
                () = beat => {}
                () = silence => return Err(StatesError::new(names::HEARTBEAT_TIMEOUT, "")),
                // No answer yet: the execution waits in the store.
                unloaded = park_now => return Err(unloaded),
            }
        }
    };
    async move {
        let outcome = match timeout {
            Some(limit) => match clock.timeout(limit, waited).await {
                Ok(outcome) => outcome,
                Err(_elapsed) => Err(StatesError::new(names::TIMEOUT, "")),
            },
            None => waited.await,
        };
        super::task_call::ended_event(&recorder, &outcome);
        outcome
    }
}

#[cfg(test)]
mod tests {
    use super::super::retry::{RetryPolicy, with_retry};
    use super::super::test_support::execution;
    use super::*;
    use serde_json::json;
    use tokio::time::Instant;

    const ARN: &str = "arn:aws:states:::sqs:sendMessage.waitForTaskToken";

    /// A handler that answers for its token from another task after `delay`.
    fn approve_after(
        tokens: &TaskTokens,
        delay: u64,
        output: Value,
    ) -> impl FnOnce(TaskContext) -> futures::future::Ready<Result<Value, TaskError>> {
        let tokens = tokens.clone();
        move |ctx| {
            let token = ctx
                .task_token()
                .expect("a callback task has a token")
                .to_owned();
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_secs(delay)).await;
                tokens.send_task_success(&token, output).unwrap();
            });
            futures::future::ready(Ok(json!({"MessageId": "ignored"})))
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_answer_is_the_result_not_the_handler_output() {
        let mut exec = execution();
        let tokens = exec.settings.task_tokens.clone();
        let callback = TaskCallback::begin(&mut exec);
        let token = callback.token().to_owned();
        assert_eq!(token.len(), 48);
        assert_eq!(exec.context.member("Task"), Some(&json!({"Token": token})));
        let start = Instant::now();
        let out = call_task_with_token(
            &exec,
            "Approve",
            ARN,
            None,
            None,
            callback,
            approve_after(&tokens, 3600, json!({"approved": true})),
        )
        .await;
        assert_eq!(out, Ok(json!({"approved": true})));
        assert_eq!(start.elapsed().as_secs(), 3600);
        // The token is used up.
        assert_eq!(tokens.waiting(), 0);
        assert_eq!(
            tokens.send_task_success(&token, json!(1)),
            Err(TaskTokenError::TaskDoesNotExist(token.clone()))
        );
    }

    #[tokio::test(start_paused = true)]
    async fn failure_and_unknown_tokens() {
        let mut exec = execution();
        let tokens = exec.settings.task_tokens.clone();
        assert!(matches!(
            tokens.send_task_heartbeat("nope"),
            Err(TaskTokenError::TaskDoesNotExist(_))
        ));
        let callback = TaskCallback::begin(&mut exec);
        let t = tokens.clone();
        let out = call_task_with_token(&exec, "S", ARN, None, None, callback, move |ctx| {
            let token = ctx.task_token().unwrap().to_owned();
            t.send_task_failure(&token, "Rejected", "no budget")
                .unwrap();
            async { Ok(json!(null)) }
        })
        .await;
        assert_eq!(out, Err(StatesError::new("Rejected", "no budget")));
    }

    #[tokio::test(start_paused = true)]
    async fn handler_error_fails_at_once() {
        let mut exec = execution();
        let callback = TaskCallback::begin(&mut exec);
        let out = call_task_with_token(&exec, "S", ARN, Some(60), None, callback, |_ctx| async {
            Err(TaskError::new("SQS.QueueDoesNotExist", "no queue"))
        })
        .await;
        assert_eq!(
            out,
            Err(StatesError::new("SQS.QueueDoesNotExist", "no queue"))
        );
        assert_eq!(exec.settings.task_tokens.waiting(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn heartbeats_keep_the_task_alive_then_silence_times_it_out() {
        let mut exec = execution();
        let tokens = exec.settings.task_tokens.clone();
        let callback = TaskCallback::begin(&mut exec);
        let start = Instant::now();
        let t = tokens.clone();
        let out = call_task_with_token(&exec, "S", ARN, None, Some(10), callback, move |ctx| {
            let token = ctx.task_token().unwrap().to_owned();
            // Three heartbeats 8 s apart, then nothing.
            tokio::spawn(async move {
                for _ in 0..3 {
                    tokio::time::sleep(Duration::from_secs(8)).await;
                    t.send_task_heartbeat(&token).unwrap();
                }
            });
            async { Ok(json!(null)) }
        })
        .await;
        assert_eq!(out, Err(StatesError::new("States.HeartbeatTimeout", "")));
        assert_eq!(
            start.elapsed().as_secs(),
            34,
            "last heartbeat at 24 s, + 10 s"
        );
        assert_eq!(tokens.waiting(), 0, "the token ends with its task");
    }

    #[tokio::test(start_paused = true)]
    async fn timeout_seconds_bounds_the_wait() {
        let mut exec = execution();
        let callback = TaskCallback::begin(&mut exec);
        let start = Instant::now();
        let out = call_task_with_token(&exec, "S", ARN, Some(30), None, callback, |_ctx| async {
            Ok(json!(null))
        })
        .await;
        assert_eq!(out, Err(StatesError::new("States.Timeout", "")));
        assert_eq!(start.elapsed().as_secs(), 30);
        assert_eq!(exec.settings.task_tokens.waiting(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn a_heartbeat_timeout_is_retried_with_a_new_token() {
        let mut exec = execution();
        let tokens = exec.settings.task_tokens.clone();
        let seen = Arc::new(Mutex::new(Vec::<String>::new()));
        let retry = [RetryPolicy {
            error_equals: &["States.HeartbeatTimeout"],
            interval_seconds: 1,
            max_attempts: 1,
            backoff_rate: 1.0,
            max_delay_seconds: None,
            jitter_full: false,
        }];
        let out = with_retry(&mut exec, &retry, |exec| {
            let callback = TaskCallback::begin(exec);
            let (seen, tokens) = (Arc::clone(&seen), tokens.clone());
            call_task_with_token(exec, "S", ARN, None, Some(5), callback, move |ctx| {
                let token = ctx.task_token().unwrap().to_owned();
                let mut seen = seen.lock().unwrap();
                seen.push(token.clone());
                // The second attempt is answered.
                if seen.len() == 2 {
                    tokens.send_task_success(&token, json!("done")).unwrap();
                }
                async { Ok(json!(null)) }
            })
        })
        .await;
        assert_eq!(out, Ok(json!("done")));
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 2);
        assert_ne!(seen[0], seen[1]);
    }
}
