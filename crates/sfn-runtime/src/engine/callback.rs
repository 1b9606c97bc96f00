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
//! # Durable executions
//!
//! The task of an execution started with `start_named` on a state machine
//! that has a store can be answered, and sent heartbeats, from any process
//! of the store ([`Store::send_task_success`](crate::Store::send_task_success),
//! [`Store::send_task_heartbeat`](crate::Store::send_task_heartbeat), or the
//! [`TaskTokens`] of a state machine that has the store, which forwards a
//! token none of its tasks waits on). Its deadlines are kept across
//! restarts: `TimeoutSeconds` from the attempt's first call, and the
//! heartbeat deadline, `HeartbeatSeconds` after the latest of that call,
//! its last heartbeat through [`TaskTokens`] and its last heartbeat in the
//! store. A wait that runs in memory looks in the store every 200 ms, and
//! once more before it would fail with `States.HeartbeatTimeout`. With a
//! worker in the process, the wait (at any depth: a Parallel branch, a Map
//! iteration) counts as sleeping until the earlier of its deadlines, and
//! the execution parks when all its running scopes sleep (see
//! [`super::parking`]); a heartbeat does not wake it: when it wakes at
//! its heartbeat deadline and finds a newer heartbeat, it parks again until
//! the deadline that heartbeat gives (see [`call_task_with_token`]).
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
//! for the caller, as AWS's `TaskDoesNotExist` (unless a store is attached:
//! then the answer or heartbeat goes to the store, in the background). A
//! durable execution's token is derived from the execution's secret and
//! the attempt's state path instead: the same in every run of the attempt.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use futures::FutureExt;
use futures::future::BoxFuture;
use serde_json::Value;
use tokio::sync::{Notify, oneshot};

use super::durable_tokens::TokenNews;

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
    /// A token that no task of this process waits for goes, with a store
    /// attached ([`TaskTokens::attach_store`]), to the store in the
    /// background, as an answer does: the durable execution that waits on
    /// it sees it, whichever process runs it, or once it wakes if it is
    /// parked (see
    /// [`Store::send_task_heartbeat`](crate::Store::send_task_heartbeat),
    /// which waits for the store and reports an unknown token).
    ///
    /// # Errors
    ///
    /// [`TaskTokenError::TaskDoesNotExist`] when no task waits for `token`
    /// and no store is attached (or no tokio runtime runs).
    pub fn send_task_heartbeat(&self, token: &str) -> Result<(), TaskTokenError> {
        if let Some(w) = self.lock().get(token) {
            w.heartbeat.notify_one();
            return Ok(());
        }
        let (store, runtime) = self.store_and_runtime(token)?;
        let token = token.to_owned();
        runtime.spawn(async move {
            let _ = store.send_task_heartbeat(&token).await;
        });
        Ok(())
    }

    /// How many tasks wait for an answer now.
    pub fn waiting(&self) -> usize {
        self.lock().len()
    }

    /// Sends the answers and heartbeats of tokens that no task of this
    /// process waits for to `store`, where a durable execution of another
    /// process (or a parked one) finds them. `StateMachine::with_store` does it for the
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
        let (store, runtime) = self.store_and_runtime(token)?;
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

    /// The attached store, and the runtime to reach it from in the
    /// background: without either, no task waits for `token`.
    fn store_and_runtime(
        &self,
        token: &str,
    ) -> Result<(crate::store::Store, tokio::runtime::Handle), TaskTokenError> {
        let store = self.store.lock().unwrap_or_else(|p| p.into_inner()).clone();
        match (store, tokio::runtime::Handle::try_current()) {
            (Some(store), Ok(runtime)) => Ok((store, runtime)),
            _ => Err(TaskTokenError::TaskDoesNotExist(token.to_owned())),
        }
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

/// Far enough to be never: how long a parked token wait with neither
/// timeout nor heartbeat waits for its answer.
const NEVER: Duration = Duration::from_secs(100 * 365 * 86_400);

/// `now + NEVER`, or `now` itself if that does not fit a time.
fn far(now: SystemTime) -> SystemTime {
    now.checked_add(NEVER).unwrap_or(now)
}

/// What one turn of a token wait saw (see [`call_task_with_token`]).
enum Turn {
    /// A heartbeat through [`TaskTokens`] (this process).
    Beat,
    /// A heartbeat in the store, newer than the last one seen (ms).
    StoredBeat(i64),
    /// The heartbeat deadline came.
    Silence,
    /// The handler returned: the token is delivered.
    Delivered,
}

/// When `HeartbeatSeconds` run out: `heartbeat` after the later of `last`
/// (the start of the wait, or its last heartbeat through [`TaskTokens`])
/// and `stored` (its last heartbeat in the store, ms). `None` without
/// `HeartbeatSeconds`, or when the time does not fit (never).
fn heartbeat_deadline(
    heartbeat: Option<Duration>,
    last: SystemTime,
    stored: Option<i64>,
) -> Option<SystemTime> {
    let last = match stored {
        Some(ms) => last.max(crate::store::from_millis(ms)),
        None => last,
    };
    last.checked_add(heartbeat?)
}

/// A time kept in the durable run's journal under `key`: the one an
/// earlier run of the attempt wrote, or `first()`, journaled now.
fn journaled_time(
    run: &super::durable::DurableRun,
    key: String,
    first: impl FnOnce() -> SystemTime,
) -> SystemTime {
    match run.journaled(&key).and_then(|v| v.as_i64()) {
        Some(ms) => crate::store::from_millis(ms),
        None => {
            let time = first();
            run.journal(key, Value::from(crate::store::millis(time)));
            time
        }
    }
}

/// What the store says about a durable wait's token (never anything
/// without a store): its answer only, or (`heartbeats`) also a heartbeat
/// later than `seen` (ms).
fn watch_store(
    run: Option<&Arc<super::durable::DurableRun>>,
    token: &str,
    heartbeats: bool,
    seen: Option<i64>,
) -> BoxFuture<'static, TokenNews> {
    let Some(run) = run.cloned() else {
        return Box::pin(std::future::pending());
    };
    let token = token.to_owned();
    if heartbeats {
        Box::pin(async move { run.watch_token(&token, seen).await })
    } else {
        Box::pin(async move { TokenNews::Answer(run.wait_for_answer(&token).await) })
    }
}

/// The task's outcome from the answer sent through [`TaskTokens`].
fn registry_outcome(
    answer: Result<Result<Value, TaskError>, impl Sized>,
) -> Result<Value, StatesError> {
    match answer {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(error.into()),
        // The sender lives in the registry until answered or until the
        // callback is dropped, after the wait.
        Err(_) => Err(StatesError::runtime("the task token was withdrawn")),
    }
}

/// Calls a callback Task's handler with the token in its context, then
/// waits for the token's answer (see the [module](self) docs).
/// `timeout_seconds` and `heartbeat_seconds` are the state's
/// `TimeoutSeconds` and `HeartbeatSeconds` (or what their `*Path` selected).
///
/// A durable execution's wait (see [`crate::store`]) also takes its
/// answer and heartbeats from the store, sent from any process; its
/// `TimeoutSeconds` run from the first call of the attempt, and its
/// heartbeat deadline is the latest of that call, of the last heartbeat
/// through [`TaskTokens`] and of the last one in the store, plus
/// `HeartbeatSeconds`: a restart neither lengthens nor shortens either.
/// Once the handler has returned, in an execution that a worker serves in
/// the process, the wait sleeps until the earlier of the two deadlines
/// (until its answer without either), and the execution parks when every
/// running scope sleeps; when it wakes at its
/// heartbeat deadline and a heartbeat came meanwhile, it parks again until
/// the new one, else the task fails with `States.HeartbeatTimeout`.
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
    let heartbeat = heartbeat_seconds.map(Duration::from_secs);
    let now = exec.clock().now();
    // A durable attempt whose handler returned before a restart is not
    // called again: the token it handed out is the same, its answer and
    // heartbeats may be in the store. Its timeout and heartbeat deadline
    // come from the journal, and the execution may park while it waits.
    let mut timeout = timeout_seconds.map(Duration::from_secs);
    let mut timeout_due = None;
    // Where the heartbeat timer starts: the attempt's first call, or its
    // last heartbeat through `TaskTokens` (journaled when it parks).
    let mut last_beat = now;
    let mut beat_key = None;
    let mut submitted: Option<String> = None;
    let mut already_submitted = false;
    let mut may_park = false;
    if let (Some(run), Some(key)) = (&durable, &journal_key) {
        let marker = format!("{key}/submitted");
        already_submitted = run.journaled(&marker).is_some();
        submitted = Some(marker);
        if let Some(limit) = timeout {
            let deadline = journaled_time(run, format!("{key}/deadline"), || {
                now.checked_add(limit).unwrap_or_else(|| far(now))
            });
            timeout = Some(deadline.duration_since(now).unwrap_or_default());
            timeout_due = Some(deadline);
        }
        if heartbeat.is_some() {
            let key = format!("{key}/heartbeat");
            last_beat = journaled_time(run, key.clone(), || now);
            beat_key = Some(key);
        }
        may_park = run.may_park();
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
    let wait_clock = clock.clone();
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
        let Some(mut answer) = callback.answer.take() else {
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
        let token = callback.token.clone();
        // A durable wait with HeartbeatSeconds reads the store's last
        // heartbeat before it decides anything: woken at its heartbeat
        // deadline, it looks whether a heartbeat moved it.
        let mut stored_beat = None;
        if let (Some(run), Some(_)) = (&durable, heartbeat) {
            stored_beat = Box::pin(run.look_at_token(&token)).await;
        }
        let mut watch = watch_store(durable.as_ref(), &token, heartbeat.is_some(), stored_beat);
        // The heartbeat timer. In memory it restarts at each heartbeat; a
        // durable wait sleeps until its deadline on the clock.
        let sleep = |left: Option<Duration>| -> BoxFuture<'static, ()> {
            let clock = wait_clock.clone();
            match left {
                Some(left) => Box::pin(async move { clock.sleep(left).await }),
                None => Box::pin(std::future::pending()),
            }
        };
        let left = |deadline: Option<SystemTime>| {
            deadline.map(|d| d.duration_since(wait_clock.now()).unwrap_or_default())
        };
        let mut silence = if durable.is_some() {
            sleep(left(heartbeat_deadline(heartbeat, last_beat, stored_beat)))
        } else {
            sleep(heartbeat)
        };
        futures::pin_mut!(handler);
        // Once the handler has returned and nothing can happen before the
        // wait's due time, the wait counts as a sleeper of the run (see
        // `super::parking`): the execution parks when every scope sleeps.
        // From then on its answers and heartbeats come through the store
        // only, so that none is lost when it parks.
        let mut in_registry = true;
        let mut sleeping: Option<(super::parking::Sleeping<'_>, SystemTime)> = None;
        loop {
            let deadline = heartbeat_deadline(heartbeat, last_beat, stored_beat);
            let due = match (timeout_due, deadline) {
                (Some(a), Some(b)) => a.min(b),
                (a, b) => a.or(b).unwrap_or_else(|| far(wait_clock.now())),
            };
            if let Some(run) = durable.as_deref().filter(|_| may_park && handler_done)
                && sleeping.as_ref().is_none_or(|(_, at)| *at != due)
                && super::parking::long_enough(wait_clock.now(), due)
            {
                if in_registry {
                    // Out of this process's registry: a `TaskTokens`
                    // answer or heartbeat for it now goes to the store.
                    // One that came in the meantime is not lost.
                    callback.tokens.lock().remove(&token);
                    in_registry = false;
                    if let Ok(outcome) = answer.try_recv() {
                        return registry_outcome(Ok::<_, ()>(outcome));
                    }
                    if callback.heartbeat.notified().now_or_never().is_some() {
                        last_beat = last_beat.max(wait_clock.now());
                        continue;
                    }
                    if let Some(key) = &beat_key {
                        run.journal(key.clone(), Value::from(crate::store::millis(last_beat)));
                    }
                }
                sleeping = Some((run.activity().sleeping(due), due));
            }
            let turn = tokio::select! {
                biased;
                answer = &mut answer, if in_registry => return registry_outcome(answer),
                news = &mut watch => match news {
                    TokenNews::Answer(outcome) => return outcome,
                    TokenNews::Heartbeat(ms) => Turn::StoredBeat(ms),
                },
                outcome = &mut handler, if !handler_done => match outcome {
                    // The call delivered the token; the answer is the result.
                    Ok(Ok(_)) => Turn::Delivered,
                    Ok(Err(error)) => return Err(error.into()),
                    Err(panic) => return Err(super::task_call::panicked(panic.as_ref())),
                },
                () = callback.heartbeat.notified() => Turn::Beat,
                () = &mut silence => Turn::Silence,
            };
            match turn {
                Turn::Beat => {
                    last_beat = last_beat.max(wait_clock.now());
                    silence = sleep(heartbeat);
                }
                Turn::StoredBeat(ms) => {
                    stored_beat = Some(ms);
                    watch = watch_store(durable.as_ref(), &token, true, stored_beat);
                    silence = sleep(left(heartbeat_deadline(heartbeat, last_beat, stored_beat)));
                }
                Turn::Delivered => {
                    handler_done = true;
                    if let (Some(run), Some(key)) = (&durable, &submitted) {
                        run.journal(key.clone(), Value::Bool(true));
                    }
                }
                Turn::Silence => {
                    let Some(run) = &durable else {
                        return Err(StatesError::new(names::HEARTBEAT_TIMEOUT, ""));
                    };
                    // The store's poll may lag behind a heartbeat (or an
                    // answer) sent just before the deadline: one more look.
                    let beat = Box::pin(run.look_at_token(&token)).await;
                    if let Some(outcome) = run.answer(&token) {
                        return outcome;
                    }
                    if beat.is_some_and(|beat| stored_beat.is_none_or(|seen| beat > seen)) {
                        stored_beat = beat;
                        watch = watch_store(durable.as_ref(), &token, true, stored_beat);
                    }
                    let deadline = heartbeat_deadline(heartbeat, last_beat, stored_beat);
                    if deadline.is_none_or(|d| d <= wait_clock.now()) {
                        return Err(StatesError::new(names::HEARTBEAT_TIMEOUT, ""));
                    }
                    silence = sleep(left(deadline));
                }
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
