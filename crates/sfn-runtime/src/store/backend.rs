//! What a storage engine does for a [`Store`](super::Store): the rows an
//! execution is kept in, and the few operations the engine needs on them.
//!
//! Everything here is plain data: the engine (`crate::engine::durable`)
//! decides what goes in a row, a backend only keeps it. JSON values are
//! kept as JSON text; times as milliseconds since the Unix epoch (UTC).
//!
//! # Tables (schema version 2)
//!
//! * `sfn_meta(key, value)`: `application = 'sfn'`, `schema_version = '2'`.
//!   Opening a database that has tables but no such rows fails with
//!   [`StoreError::NotAStore`]; a newer schema version with
//!   [`StoreError::NewerSchema`].
//! * `executions`: one row per execution, by `name` (unique in the store):
//!   `arn`, `machine`, `status` (`RUNNING`, `SUCCEEDED`, `FAILED`,
//!   `TIMED_OUT`, `ABORTED`), `input`, `output`, `error`, `cause`,
//!   `start_date`, `stop_date`, `redrive_count`, `redrive_date`,
//!   `last_event_id`, `wake_at` (when a parked execution is due, `NULL` when
//!   it can run now), `owner`, `lease_until`, `fence` (raised by every
//!   claim), `stop_error` and `stop_cause` (a stop asked for while a worker
//!   runs it).
//! * `events(execution, id, timestamp, type, details)`: the history, by
//!   `(execution, id)`.
//! * `scopes(execution, scope, snapshot)`: where each scope of a running
//!   execution is (opaque JSON text written by the engine).
//! * `journal(execution, key, value)`: results the engine must not ask for
//!   twice (task outcomes, timer due times), opaque JSON text.
//! * `tokens(token, execution, outcome, answered_at, heartbeat_at)`: task
//!   tokens an execution waits on, their answers, and the time of their
//!   last heartbeat (`heartbeat_at`, added by version 2).

use std::future::Future;
use std::pin::Pin;

use super::{ExecutionDescription, ListPage, ListQuery, StoreError};

/// A boxed future of a backend operation.
pub(crate) type BoxFut<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// A new execution, with its `ExecutionStarted` event (id 1).
#[derive(Clone, Debug)]
pub(crate) struct NewExecution {
    /// The execution's name, unique in the store.
    pub name: String,
    /// Its ARN (`$$.Execution.Id`).
    pub arn: String,
    /// The state machine's name.
    pub machine: String,
    /// The input, JSON text.
    pub input: String,
    /// When it started (ms).
    pub start_date: i64,
    /// `ExecutionStarted`.
    pub started: StoredEvent,
    /// The worker that runs it at once, and the lease it takes:
    /// `(owner, lease_until)`. `None` leaves it for [`Backend::claim`].
    pub owner: Option<(String, i64)>,
}

/// What [`Backend::create`] (or one item of [`Backend::create_batch`])
/// found.
#[derive(Clone, Debug)]
pub(crate) enum Created {
    /// The execution was created (and claimed when `owner` was given),
    /// with this fence.
    New {
        /// The fence of the claim (1 for a new execution).
        fence: i64,
    },
    /// An execution of that name already exists: nothing was written.
    Exists(Box<ExecutionDescription>),
}

/// One history event as it is kept.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct StoredEvent {
    /// Its id (1 for `ExecutionStarted`).
    pub id: i64,
    /// When it happened (ms).
    pub timestamp: i64,
    /// AWS's event type.
    pub event_type: String,
    /// The details object, JSON text (`null` when it has none).
    pub details: String,
}

/// How an execution ended, written with its last commit.
#[derive(Clone, Debug)]
pub(crate) struct EndRecord {
    /// `SUCCEEDED`, `FAILED`, `TIMED_OUT` or `ABORTED`.
    pub status: &'static str,
    /// The output, JSON text (a success).
    pub output: Option<String>,
    /// The error (a failure).
    pub error: Option<String>,
    /// The cause (a failure).
    pub cause: Option<String>,
    /// When it ended (ms).
    pub stop_date: i64,
    /// Whether to delete the execution's `scopes` and `journal` rows (a
    /// success: nothing can redrive it).
    pub forget_progress: bool,
}

/// What one transition of one execution writes, all or nothing.
#[derive(Clone, Debug, Default)]
pub(crate) struct Commit {
    /// The execution.
    pub execution: String,
    /// The fence of the worker's claim: when the row's fence differs (the
    /// lease was taken over), nothing is written and the result is
    /// [`Committed::LeaseLost`].
    pub fence: i64,
    /// New lease end (ms), written with the commit.
    pub lease_until: i64,
    /// New events, ids ascending and following `last_event_id`.
    pub events: Vec<StoredEvent>,
    /// Scope rows to write (insert or replace), JSON text.
    pub scopes: Vec<(String, String)>,
    /// Scope rows and journal entries to delete, by key prefix (byte
    /// prefix: a key `k` goes when `k` starts with the prefix), applied
    /// before `scopes` and `journal` are written.
    pub forget: Vec<String>,
    /// Journal entries to write (insert or replace), JSON text.
    pub journal: Vec<(String, String)>,
    /// Task tokens the execution now waits on.
    pub tokens: Vec<String>,
    /// Park the execution: release its lease (`owner` and `lease_until`
    /// to `NULL`) and set `wake_at` to this time (ms).
    pub park_until: Option<i64>,
    /// The execution ended: set its status and outcome, release its lease.
    pub end: Option<EndRecord>,
}

/// What happened to a [`Commit`].
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Committed {
    /// Written. `stop` is a stop asked for from outside
    /// (`stop_error`, `stop_cause`) that the worker must now carry out.
    Ok {
        /// `(error, cause)` of a pending stop.
        stop: Option<(String, Option<String>)>,
    },
    /// Nothing was written: another worker holds the execution now.
    LeaseLost,
}

/// Everything needed to continue an execution.
#[derive(Clone, Debug)]
pub(crate) struct Loaded {
    /// The execution's row.
    pub description: ExecutionDescription,
    /// The id of its last event.
    pub last_event_id: i64,
    /// Its scope rows: `(scope, snapshot)`.
    pub scopes: Vec<(String, String)>,
    /// Its journal: `(key, value)`.
    pub journal: Vec<(String, String)>,
    /// Answers to its task tokens: `(token, outcome JSON text)`.
    pub answers: Vec<(String, String)>,
    /// A stop asked for from outside: `(error, cause)`.
    pub stop: Option<(String, Option<String>)>,
}

/// An execution a worker now holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Claim {
    /// The execution's name.
    pub name: String,
    /// The fence of this claim: every commit of the worker carries it.
    pub fence: i64,
}

/// What answering a task token (or sending it a heartbeat) did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Answered {
    /// Stored; for an answer, the execution is woken if it was parked (a
    /// heartbeat wakes nothing).
    Delivered,
    /// No execution waits on that token (unknown, or its execution ended).
    Unknown,
    /// The token was answered before.
    Repeated,
}

/// A task token's row, as its waiting execution reads it
/// ([`Backend::token`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct TokenState {
    /// Its answer (outcome JSON text), once answered.
    pub outcome: Option<String>,
    /// When its last heartbeat was sent (ms), if one was.
    pub heartbeat_at: Option<i64>,
}

/// What stopping an execution from outside did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Stopped {
    /// It was parked or unowned: it is now `ABORTED`, with its
    /// `ExecutionAborted` event.
    Aborted,
    /// A worker runs it: the stop is recorded for that worker, which ends
    /// it at its next commit.
    Requested,
    /// It had already ended, or does not exist.
    NotRunning,
}

/// A storage engine for executions.
///
/// Every method is one transaction. [`Backend::commit`] writes a batch of
/// commits (of several executions) in one transaction, and
/// [`Backend::create_batch`] a batch of new executions:
/// that is what makes thousands of transitions (and starts) per second
/// possible. The store's writer task (group commit) writes the creates and
/// commits waiting at one moment together, with [`Backend::write_batch`].
pub(crate) trait Backend: Send + Sync + 'static {
    /// Creates an execution; when the name exists, writes nothing.
    #[cfg_attr(
        not(test),
        expect(
            dead_code,
            reason = "start_named creates through the store's writer task (create_batch)"
        )
    )]
    fn create(&self, new: NewExecution) -> BoxFut<'_, Created>;
    /// Creates executions, in one transaction; the results in the order of
    /// `news`. Each item as [`Backend::create`] would, all of it or
    /// nothing: an existing name gives [`Created::Exists`] and writes
    /// nothing for that item; a name that appears twice in `news` is
    /// created by its first item, and the later ones find it
    /// ([`Created::Exists`], with the first one's description), as if the
    /// items were created one after the other.
    fn create_batch(&self, news: Vec<NewExecution>) -> BoxFut<'_, Vec<Created>>;
    /// Writes each commit, all of one commit or nothing; the results in
    /// the order of `commits`.
    fn commit(&self, commits: Vec<Commit>) -> BoxFut<'_, Vec<Committed>>;
    /// [`Backend::create_batch`] then [`Backend::commit`], in one
    /// transaction (one disk flush for both): the results of each, in
    /// order. A commit never concerns an execution created in the same
    /// call (a run commits once its execution's creation has returned).
    fn write_batch(
        &self,
        news: Vec<NewExecution>,
        commits: Vec<Commit>,
    ) -> BoxFut<'_, (Vec<Created>, Vec<Committed>)>;
    /// Everything about a running execution (also an ended one, for
    /// redrive); `None` when there is no such execution.
    fn load(&self, name: String) -> BoxFut<'_, Option<Loaded>>;
    /// The execution's row.
    fn describe(&self, name: String) -> BoxFut<'_, Option<ExecutionDescription>>;
    /// Executions, newest first (by `start_date`, then name), filtered and
    /// paged.
    fn list(&self, query: ListQuery) -> BoxFut<'_, ListPage>;
    /// An execution's events, by id.
    fn history(&self, name: String) -> BoxFut<'_, Vec<StoredEvent>>;
    /// Claims up to `limit` `RUNNING` executions of `machine` that no live
    /// lease holds (`owner` is `NULL` or `lease_until < now`) and that are
    /// due (`wake_at` is `NULL` or `<= now`): sets `owner`,
    /// `lease_until = now + lease`, `wake_at = NULL` and raises `fence`.
    /// With PostgreSQL, `FOR UPDATE SKIP LOCKED`: two workers never claim
    /// the same execution.
    fn claim(
        &self,
        worker: String,
        machine: String,
        now: i64,
        lease: i64,
        limit: usize,
    ) -> BoxFut<'_, Vec<Claim>>;
    /// Extends the leases `worker` holds on `claims` to `until`; returns the
    /// names whose lease was lost (fence changed or owner changed).
    fn renew(&self, worker: String, claims: Vec<Claim>, until: i64) -> BoxFut<'_, Vec<String>>;
    /// Gives up the lease of a claim without other change (a worker that
    /// shuts down), so another worker can take it at once.
    fn release(&self, claim: Claim) -> BoxFut<'_, ()>;
    /// The earliest `wake_at` of the `RUNNING`, unowned executions of
    /// `machine` (when the worker must look again).
    fn next_wake(&self, machine: String) -> BoxFut<'_, Option<i64>>;
    /// Stops an execution from outside (AWS's `StopExecution`). When no
    /// live lease holds it, it ends now: status `ABORTED`, `stop_date`,
    /// `error`, `cause`, and an `ExecutionAborted` event made by `event`
    /// from the next id. Otherwise `stop_error`/`stop_cause` are set for
    /// its worker.
    fn stop(
        &self,
        name: String,
        error: String,
        cause: Option<String>,
        now: i64,
        event: StoredEvent,
    ) -> BoxFut<'_, Stopped>;
    /// Answers a task token (outcome JSON text) and wakes its execution
    /// (`wake_at = now` when it is parked).
    fn answer(&self, token: String, outcome: String, now: i64) -> BoxFut<'_, Answered>;
    /// The answered tokens of an execution: `(token, outcome)`.
    fn answers(&self, execution: String) -> BoxFut<'_, Vec<(String, String)>>;
    /// Records a heartbeat for a task token (AWS's `SendTaskHeartbeat`):
    /// its `heartbeat_at` becomes `now`, unless it holds a later time
    /// already (it never goes back). Wakes nothing: a parked execution
    /// reads the heartbeat when its deadline comes. [`Answered::Unknown`]
    /// when no `RUNNING` execution has the token, [`Answered::Repeated`]
    /// when it was answered already; both write nothing.
    fn heartbeat(&self, token: String, now: i64) -> BoxFut<'_, Answered>;
    /// The row of `execution`'s task token `token`: its answer and last
    /// heartbeat; `None` when the execution has no such token.
    fn token(&self, execution: String, token: String) -> BoxFut<'_, Option<TokenState>>;
    /// Redrive (AWS's `RedriveExecution`): a `FAILED`, `TIMED_OUT` or
    /// `ABORTED` execution becomes `RUNNING` again, unowned and due now,
    /// with `redrive_count + 1`, `redrive_date = now`, no stop date, output,
    /// error or cause, the `events` appended, the scope rows of `scopes`
    /// replaced and the journal entries under the prefixes of `forget`
    /// deleted. `false` when it is not in one of those states.
    fn redrive(
        &self,
        name: String,
        now: i64,
        events: Vec<StoredEvent>,
        scopes: Vec<(String, String)>,
        forget: Vec<String>,
    ) -> BoxFut<'_, bool>;
    /// Releases the leases on `machine`'s `RUNNING` executions held by any
    /// worker but `worker` (`owner` and `lease_until` to `NULL`): the
    /// SQLite worker that holds the store's lock file knows no other
    /// process runs them. Returns how many were released.
    fn release_leases(&self, machine: String, worker: String) -> BoxFut<'_, u64>;
}
