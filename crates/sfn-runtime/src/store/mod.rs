//! Durable executions: where a Standard execution is kept so that it
//! survives a restart of the process that runs it.
//!
//! A [`Store`] is a cheap handle (`Clone` shares it) on one database:
//!
//! * [`Store::sqlite`]: a SQLite file, created on first use, embedded in the
//!   process. The default: nothing to run beside the application. One
//!   worker process at a time.
//! * [`Store::postgres`]: a PostgreSQL database that several worker
//!   processes share. Each running execution is leased by one worker; a
//!   worker that dies loses its leases when they run out and another takes
//!   over; a worker whose lease was taken can never commit again (every
//!   commit checks the lease's fence in the same transaction).
//!
//! Give a store to a state machine with `StateMachine::with_store` and start
//! executions by name with `start_named`; `serve` resumes the executions of
//! a store, fires their timers and delivers their task tokens. The store
//! itself answers AWS's read calls: [`Store::describe`]
//! (`DescribeExecution`), [`Store::list`] (`ListExecutions`),
//! [`Store::history`] (`GetExecutionHistory`), and its write calls from any
//! process: [`Store::stop`] (`StopExecution`),
//! [`Store::send_task_success`] and the like (`SendTaskSuccess`,
//! `SendTaskFailure`, `SendTaskHeartbeat`).
//!
//! # Crates
//!
//! Both engines are reached through `sqlx`: the Rust ecosystem's standard
//! async SQL toolkit, with a SQLite driver (SQLite compiled in, nothing to
//! install) and a PostgreSQL driver on tokio, so both backends share one
//! way of writing queries and one connection pool type. `rusqlite` plus
//! `tokio-postgres` would have meant two APIs, a blocking one among them.
//!
//! # Group commit
//!
//! Every transition of every execution is one commit (`backend::Commit`).
//! Commits go through one writer task per store, which takes all the
//! commits waiting at that moment and writes them in one transaction: with
//! 100 executions running, one disk flush makes 100 transitions durable.

pub(crate) mod backend;
#[cfg(test)]
mod backend_tests;
mod committer;
pub(crate) mod postgres;
mod schema;
pub(crate) mod sqlite;
mod sqlx_session;

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;

use crate::handle::ExecutionStatus;
use backend::Backend;
use committer::Committer;

/// What went wrong with a store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database could not be reached or answered with an error (a lost
    /// connection, a full disk, a locked file).
    #[error("the store's database failed: {0}")]
    Database(String),
    /// The file or database has tables but is not an sfn store.
    #[error("{0} is not an sfn store (it has tables, but not sfn's)")]
    NotAStore(String),
    /// The store was written by a newer sfn.
    #[error("the store has schema version {found}; this sfn knows versions up to {known}")]
    NewerSchema {
        /// The store's version.
        found: i64,
        /// The newest this build knows.
        known: i64,
    },
    /// A URL that names no store: not `sqlite:`, `postgres://` or
    /// `postgresql://`.
    #[error("`{0}` is not a store URL (use sqlite:PATH, a file path, or postgres://...)")]
    BadUrl(String),
    /// AWS's `ExecutionAlreadyExists`: the name is taken by an execution
    /// that has ended, or that runs with another input.
    #[error("ExecutionAlreadyExists: execution `{0}` already exists")]
    ExecutionAlreadyExists(String),
    /// AWS's `ExecutionDoesNotExist`.
    #[error("ExecutionDoesNotExist: no execution named `{0}`")]
    ExecutionDoesNotExist(String),
    /// AWS's `ExecutionNotRedrivable`: only a FAILED, TIMED_OUT or ABORTED
    /// execution can be redriven.
    #[error("ExecutionNotRedrivable: execution `{0}` is {1}")]
    ExecutionNotRedrivable(String, ExecutionStatus),
    /// AWS's `InvalidName`: an execution name must have 1 to 80
    /// characters, none of them whitespace, brackets, wildcards or
    /// special characters.
    #[error("InvalidName: `{0}` is not a valid execution name")]
    InvalidName(String),
    /// AWS's `TaskDoesNotExist`: no execution waits on that task token.
    #[error("TaskDoesNotExist: no execution waits on task token `{0}`")]
    TaskDoesNotExist(String),
    /// `start_named` or `serve` on a state machine that has no store.
    #[error("the state machine has no store (give it one with `with_store`)")]
    NoStore,
    /// Another worker took over the execution: this one must not go on.
    #[error("the lease on execution `{0}` was taken over by another worker")]
    LeaseLost(String),
    /// Stored data that does not parse (a damaged store).
    #[error("damaged store: {0}")]
    Corrupt(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        StoreError::Database(error.to_string())
    }
}

/// AWS's `DescribeExecution`, as public fields.
#[derive(Clone, Debug, PartialEq)]
pub struct ExecutionDescription {
    /// The execution's name.
    pub name: String,
    /// Its ARN.
    pub execution_arn: String,
    /// The name of its state machine.
    pub state_machine: String,
    /// `RUNNING`, `SUCCEEDED`, ...
    pub status: ExecutionStatus,
    /// Its input.
    pub input: Value,
    /// Its output, once it has succeeded.
    pub output: Option<Value>,
    /// Its error, once it has failed, timed out or been aborted.
    pub error: Option<String>,
    /// The cause of that error.
    pub cause: Option<String>,
    /// When it started.
    pub start_date: SystemTime,
    /// When it ended.
    pub stop_date: Option<SystemTime>,
    /// How many times it was redriven.
    pub redrive_count: u32,
    /// When it was last redriven.
    pub redrive_date: Option<SystemTime>,
}

/// Which executions [`Store::list`] returns (AWS's `ListExecutions`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListQuery {
    /// Only the executions of this state machine.
    pub state_machine: Option<String>,
    /// Only the executions with this status.
    pub status: Option<ExecutionStatus>,
    /// At most this many (100 when 0, as AWS's default page).
    pub max_results: usize,
    /// The `next_token` of the page before.
    pub next_token: Option<String>,
}

/// One page of [`Store::list`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ListPage {
    /// The executions, newest first.
    pub executions: Vec<ExecutionDescription>,
    /// Where the next page starts, when there is one.
    pub next_token: Option<String>,
}

/// A handle on a durable store (see the [module](self) docs).
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    backend: Arc<dyn Backend>,
    committer: Committer,
    /// This process's worker id: the `owner` of the executions it runs.
    worker: String,
    /// Bumped when an execution of this store parks or ends in this
    /// process: wakes the workers and handles that wait on it.
    changed: tokio::sync::watch::Sender<u64>,
    /// The durable runs of this process: execution name -> fence.
    live: std::sync::Mutex<std::collections::HashMap<String, i64>>,
    /// A SQLite store's file: one worker process at a time.
    sqlite_path: Option<std::path::PathBuf>,
    /// The state machines a worker (`serve`) runs for in this process.
    serving: std::sync::Mutex<std::collections::HashMap<String, usize>>,
    /// Shown in errors and `Debug`.
    url: String,
    /// How long a worker's claim on an execution lasts without renewal.
    lease: Duration,
    /// Where the store's own calls read the time (see [`Store::with_clock`]).
    clock: crate::Clock,
}

impl PartialEq for Store {
    /// Two handles are equal when they share one store.
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.inner.backend, &other.inner.backend)
    }
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("url", &self.inner.url)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating it on first use) the SQLite store at `path`.
    ///
    /// # Errors
    ///
    /// The file cannot be opened or created, is not an sfn store, or was
    /// written by a newer sfn.
    pub async fn sqlite(path: impl AsRef<std::path::Path>) -> Result<Store, StoreError> {
        let path = path.as_ref();
        let backend = sqlite::open(path).await?;
        let mut store = Store::with_backend(
            backend,
            format!("sqlite:{}", path.display()),
            Duration::from_secs(30),
        );
        if let Some(inner) = Arc::get_mut(&mut store.inner) {
            inner.sqlite_path = Some(path.to_owned());
        }
        Ok(store)
    }

    /// Connects to the PostgreSQL store at `url` (`postgres://...`),
    /// creating its tables on first use.
    ///
    /// # Errors
    ///
    /// The server cannot be reached, or the database is not an sfn store,
    /// or was written by a newer sfn.
    pub async fn postgres(url: &str) -> Result<Store, StoreError> {
        let backend = postgres::connect(url).await?;
        Ok(Store::with_backend(
            backend,
            redact(url),
            Duration::from_secs(30),
        ))
    }

    /// Opens a store by URL: `postgres://...` or `postgresql://...`, or
    /// `sqlite:PATH`, or a plain file path (SQLite).
    ///
    /// # Errors
    ///
    /// As [`Store::sqlite`] and [`Store::postgres`].
    pub async fn open(url: &str) -> Result<Store, StoreError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Store::postgres(url).await
        } else if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            Store::sqlite(path).await
        } else if url.contains("://") || url.is_empty() {
            Err(StoreError::BadUrl(url.to_owned()))
        } else {
            Store::sqlite(url).await
        }
    }

    fn with_backend(backend: Arc<dyn Backend>, url: String, lease: Duration) -> Store {
        let committer = Committer::new(Arc::clone(&backend));
        Store {
            inner: Arc::new(Inner {
                backend,
                committer,
                worker: format!("worker-{}-{}", std::process::id(), uuid::Uuid::new_v4()),
                changed: tokio::sync::watch::channel(0).0,
                live: std::sync::Mutex::default(),
                sqlite_path: None,
                serving: std::sync::Mutex::default(),
                url,
                lease,
                clock: crate::Clock::system(),
            }),
        }
    }

    /// The same store with another lease duration: how long a worker
    /// holds an execution without renewing its claim (30 s by default).
    /// A worker renews at a third of it; a dead worker's executions are
    /// taken over once it has passed.
    #[must_use]
    pub fn with_lease(self, lease: Duration) -> Store {
        self.derived(lease, self.inner.clock.clone())
    }

    /// The same store with another clock for the times its own calls
    /// write: a task token's answer (the wake-up of its parked
    /// execution), a heartbeat ([`Store::send_task_heartbeat`]), a stop, a
    /// redrive. The system clock by default. An execution compares these
    /// times with its own clock (`Settings::clock`): a test that runs its
    /// executions on [`Clock::manual`](crate::Clock::manual) gives the same
    /// clock to the store handles it answers through.
    #[must_use]
    pub fn with_clock(self, clock: crate::Clock) -> Store {
        let lease = self.inner.lease;
        self.derived(lease, clock)
    }

    /// A new handle on the same backend, committer, worker id, file and
    /// URL, with `lease` and `clock` (and its own change notifications,
    /// live executions and serving state, as [`Store::with_lease`] and
    /// [`Store::with_clock`] have always made them).
    fn derived(&self, lease: Duration, clock: crate::Clock) -> Store {
        Store {
            inner: Arc::new(Inner {
                backend: Arc::clone(&self.inner.backend),
                committer: self.inner.committer.clone(),
                worker: self.inner.worker.clone(),
                changed: tokio::sync::watch::channel(0).0,
                live: std::sync::Mutex::default(),
                sqlite_path: self.inner.sqlite_path.clone(),
                serving: std::sync::Mutex::default(),
                url: self.inner.url.clone(),
                lease,
                clock,
            }),
        }
    }

    /// Now, on the store's clock, in milliseconds.
    fn now(&self) -> i64 {
        millis(self.inner.clock.now())
    }

    pub(crate) fn backend(&self) -> &dyn Backend {
        &*self.inner.backend
    }

    pub(crate) fn committer(&self) -> &Committer {
        &self.inner.committer
    }

    pub(crate) fn lease(&self) -> Duration {
        self.inner.lease
    }

    /// The lease in milliseconds.
    pub(crate) fn lease_ms(&self) -> i64 {
        i64::try_from(self.inner.lease.as_millis()).unwrap_or(i64::MAX)
    }

    /// This process's worker id.
    pub(crate) fn worker(&self) -> &str {
        &self.inner.worker
    }

    /// Notes a durable run of this process (its lease is renewed by the
    /// process's worker).
    pub(crate) fn add_live(&self, name: &str, fence: i64) {
        self.live_lock().insert(name.to_owned(), fence);
    }

    /// Forgets a durable run of this process.
    pub(crate) fn remove_live(&self, name: &str, fence: i64) {
        let mut live = self.live_lock();
        if live.get(name) == Some(&fence) {
            live.remove(name);
        }
    }

    /// The claims of this process's durable runs.
    pub(crate) fn live_claims(&self) -> Vec<backend::Claim> {
        self.live_lock()
            .iter()
            .map(|(name, fence)| backend::Claim {
                name: name.clone(),
                fence: *fence,
            })
            .collect()
    }

    fn live_lock(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, i64>> {
        self.inner.live.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Makes this process the worker of a SQLite store: takes the lock file
    /// beside the database (`<file>.worker-lock`), held while the returned
    /// guard lives, and releases the leases a dead process left, so that
    /// its executions continue at once. Nothing for PostgreSQL, whose
    /// workers share the store.
    ///
    /// # Errors
    ///
    /// Another process serves the SQLite store, or the lock file cannot be
    /// made.
    pub(crate) async fn lock_for_worker(
        &self,
        machine: &str,
    ) -> Result<Option<std::fs::File>, StoreError> {
        let Some(path) = &self.inner.sqlite_path else {
            return Ok(None);
        };
        let mut lock_path = path.clone().into_os_string();
        lock_path.push(".worker-lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .map_err(|e| {
                StoreError::Database(format!(
                    "{}: {e}",
                    std::path::Path::new(&lock_path).display()
                ))
            })?;
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(StoreError::Database(format!(
                    "another process serves the SQLite store {}",
                    path.display()
                )));
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(StoreError::Database(format!("{}: {e}", path.display())));
            }
        }
        self.backend()
            .release_leases(machine.to_owned(), self.worker().to_owned())
            .await?;
        Ok(Some(file))
    }

    /// Tells the workers and handles of this process that an execution
    /// parked or ended.
    pub(crate) fn notify_parked(&self) {
        self.inner.changed.send_modify(|n| *n = n.wrapping_add(1));
    }

    /// A receiver of [`Store::notify_parked`]'s signal.
    pub(crate) fn changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.inner.changed.subscribe()
    }

    /// Whether a worker runs for `machine` in this process (then
    /// executions may park: the worker will continue them).
    pub(crate) fn is_serving(&self, machine: &str) -> bool {
        self.inner
            .serving
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(machine)
            .is_some_and(|n| *n > 0)
    }

    /// Counts a worker for `machine` until the guard is dropped.
    pub(crate) fn serving(&self, machine: &str) -> ServingGuard {
        *self
            .inner
            .serving
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(machine.to_owned())
            .or_default() += 1;
        ServingGuard {
            store: self.clone(),
            machine: machine.to_owned(),
        }
    }

    /// AWS's `StopExecution`, from any process: a parked execution is
    /// aborted at once; one that a worker runs is aborted by that worker
    /// at its next transition. Returns whether the execution was running.
    ///
    /// # Errors
    ///
    /// [`StoreError::ExecutionDoesNotExist`], or the database's error.
    pub async fn stop(&self, name: &str, error: &str, cause: &str) -> Result<bool, StoreError> {
        let now = self.now();
        let cause = (!cause.is_empty()).then(|| cause.to_owned());
        let mut details = serde_json::Map::new();
        details.insert("error".into(), Value::String(error.to_owned()));
        if let Some(cause) = &cause {
            details.insert("cause".into(), Value::String(cause.clone()));
        }
        let event = backend::StoredEvent {
            id: 0,
            timestamp: now,
            event_type: "ExecutionAborted".into(),
            details: Value::Object(details).to_string(),
        };
        let stopped = self
            .backend()
            .stop(name.to_owned(), error.to_owned(), cause, now, event)
            .await?;
        match stopped {
            backend::Stopped::Aborted => {
                self.notify_parked();
                Ok(true)
            }
            backend::Stopped::Requested => Ok(true),
            backend::Stopped::NotRunning => {
                if self.backend().describe(name.to_owned()).await?.is_none() {
                    return Err(StoreError::ExecutionDoesNotExist(name.to_owned()));
                }
                Ok(false)
            }
        }
    }

    /// AWS's `RedriveExecution`: a `FAILED`, `TIMED_OUT` or `ABORTED`
    /// execution runs again from where it failed: every scope that had not
    /// ended runs its state again (failed tasks are called again), while
    /// finished Map items and Parallel branches are not run again. The
    /// execution becomes `RUNNING` with `redrive_count` one more and an
    /// `ExecutionRedriven` event; a worker (`serve`) continues it.
    ///
    /// # Errors
    ///
    /// [`StoreError::ExecutionDoesNotExist`],
    /// [`StoreError::ExecutionNotRedrivable`], or the database's error.
    pub async fn redrive(&self, name: &str) -> Result<(), StoreError> {
        let loaded = self
            .backend()
            .load(name.to_owned())
            .await?
            .ok_or_else(|| StoreError::ExecutionDoesNotExist(name.to_owned()))?;
        let status = loaded.description.status;
        if !matches!(
            status,
            ExecutionStatus::Failed | ExecutionStatus::TimedOut | ExecutionStatus::Aborted
        ) {
            return Err(StoreError::ExecutionNotRedrivable(name.to_owned(), status));
        }
        let (scopes, forget) =
            crate::engine::durable::redrive_plan(&loaded.scopes, &loaded.journal);
        let now = self.now();
        let event = backend::StoredEvent {
            id: loaded.last_event_id + 1,
            timestamp: now,
            event_type: "ExecutionRedriven".into(),
            details: serde_json::json!({ "redriveCount": loaded.description.redrive_count + 1 })
                .to_string(),
        };
        if !self
            .backend()
            .redrive(name.to_owned(), now, vec![event], scopes, forget)
            .await?
        {
            return Err(StoreError::ExecutionNotRedrivable(name.to_owned(), status));
        }
        self.notify_parked();
        Ok(())
    }

    /// AWS's `SendTaskSuccess`, from any process: the execution waiting on
    /// `token` continues with `output` as the task's result.
    ///
    /// # Errors
    ///
    /// [`StoreError::TaskDoesNotExist`] when no execution waits on the
    /// token (or it was answered already), or the database's error.
    pub async fn send_task_success(&self, token: &str, output: Value) -> Result<(), StoreError> {
        self.answer(token, crate::engine::durable::outcome_to_json(&Ok(output)))
            .await
    }

    /// AWS's `SendTaskFailure`, from any process.
    ///
    /// # Errors
    ///
    /// As [`Store::send_task_success`].
    pub async fn send_task_failure(
        &self,
        token: &str,
        error: &str,
        cause: &str,
    ) -> Result<(), StoreError> {
        let failure = crate::StatesError {
            error: error.to_owned().into(),
            cause: (!cause.is_empty()).then(|| cause.to_owned()),
        };
        self.answer(
            token,
            crate::engine::durable::outcome_to_json(&Err(failure)),
        )
        .await
    }

    /// AWS's `SendTaskHeartbeat`, from any process: the task waiting on
    /// `token` counts its `HeartbeatSeconds` again from now (the store's
    /// clock, see [`Store::with_clock`]), whichever process runs its
    /// execution, or while it is parked.
    ///
    /// The heartbeat's time is written on the token's row; it does not
    /// wake a parked execution: one that waits with `HeartbeatSeconds`
    /// parks until the earlier of its `TimeoutSeconds` and its heartbeat
    /// deadline, and when it wakes there, it reads the newest heartbeat and
    /// parks again until the deadline that heartbeat gives. An execution
    /// running in a process sees the heartbeat within 200 ms, and before
    /// it would time out.
    ///
    /// # Errors
    ///
    /// [`StoreError::TaskDoesNotExist`] when no execution waits on the
    /// token: it was never issued, was answered already, or its execution
    /// ended. (AWS answers `TaskTimedOut` for the token of a task that
    /// timed out; the store does not tell that case apart.) Or the
    /// database's error.
    pub async fn send_task_heartbeat(&self, token: &str) -> Result<(), StoreError> {
        let now = self.now();
        match self.backend().heartbeat(token.to_owned(), now).await? {
            backend::Answered::Delivered => Ok(()),
            backend::Answered::Unknown | backend::Answered::Repeated => {
                Err(StoreError::TaskDoesNotExist(token.to_owned()))
            }
        }
    }

    async fn answer(&self, token: &str, outcome: Value) -> Result<(), StoreError> {
        let now = self.now();
        match self
            .backend()
            .answer(token.to_owned(), outcome.to_string(), now)
            .await?
        {
            backend::Answered::Delivered => {
                self.notify_parked();
                Ok(())
            }
            backend::Answered::Unknown | backend::Answered::Repeated => {
                Err(StoreError::TaskDoesNotExist(token.to_owned()))
            }
        }
    }

    /// AWS's `DescribeExecution`.
    ///
    /// # Errors
    ///
    /// [`StoreError::ExecutionDoesNotExist`], or the database's error.
    pub async fn describe(&self, name: &str) -> Result<ExecutionDescription, StoreError> {
        self.backend()
            .describe(name.to_owned())
            .await?
            .ok_or_else(|| StoreError::ExecutionDoesNotExist(name.to_owned()))
    }

    /// AWS's `ListExecutions`: newest first, filtered by state machine and
    /// status, a page at a time.
    ///
    /// # Errors
    ///
    /// The database's error, or a `next_token` this store did not give.
    pub async fn list(&self, query: ListQuery) -> Result<ListPage, StoreError> {
        self.backend().list(query).await
    }

    /// AWS's `GetExecutionHistory`: `{"events": [...]}`, the JSON that
    /// [`History::to_json`](crate::History::to_json) gives and `sfn graph
    /// --history` reads.
    ///
    /// # Errors
    ///
    /// [`StoreError::ExecutionDoesNotExist`], or the database's error.
    pub async fn history(&self, name: &str) -> Result<Value, StoreError> {
        if self.backend().describe(name.to_owned()).await?.is_none() {
            return Err(StoreError::ExecutionDoesNotExist(name.to_owned()));
        }
        let events = self.backend().history(name.to_owned()).await?;
        let events: Result<Vec<Value>, StoreError> = events.iter().map(event_json).collect();
        Ok(serde_json::json!({ "events": events? }))
    }
}

/// Counts a worker of a state machine in its process while it lives.
pub(crate) struct ServingGuard {
    store: Store,
    machine: String,
}

impl Drop for ServingGuard {
    fn drop(&mut self) {
        let mut serving = self
            .store
            .inner
            .serving
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if let Some(n) = serving.get_mut(&self.machine) {
            *n = n.saturating_sub(1);
        }
    }
}

/// One stored event as `GetExecutionHistory` gives it.
fn event_json(event: &backend::StoredEvent) -> Result<Value, StoreError> {
    let details: Value = serde_json::from_str(&event.details)
        .map_err(|e| StoreError::Corrupt(format!("event {}: {e}", event.id)))?;
    let history_event = crate::engine::HistoryEvent {
        id: u64::try_from(event.id).unwrap_or_default(),
        previous_event_id: u64::try_from(event.id - 1).unwrap_or_default(),
        timestamp: from_millis(event.timestamp),
        event_type: event.event_type.clone().into(),
        details,
    };
    Ok(history_event.to_json())
}

/// A time as milliseconds since the Unix epoch.
pub(crate) fn millis(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_millis()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_millis()).unwrap_or(i64::MAX),
    }
}

/// Milliseconds since the Unix epoch as a time.
pub(crate) fn from_millis(ms: i64) -> SystemTime {
    if ms >= 0 {
        UNIX_EPOCH + Duration::from_millis(ms.unsigned_abs())
    } else {
        UNIX_EPOCH - Duration::from_millis(ms.unsigned_abs())
    }
}

/// A URL without its password, for messages: `postgres://user:***@host/db`
/// (a URL without a password is returned as it is). Public for sfn's own
/// benchmarks, not part of the API.
#[doc(hidden)]
#[must_use]
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme + 3],
                    &userinfo[..colon],
                    &url[at..]
                ),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// The status named by its AWS string.
pub(crate) fn parse_status(s: &str) -> Result<ExecutionStatus, StoreError> {
    Ok(match s {
        "RUNNING" => ExecutionStatus::Running,
        "SUCCEEDED" => ExecutionStatus::Succeeded,
        "FAILED" => ExecutionStatus::Failed,
        "TIMED_OUT" => ExecutionStatus::TimedOut,
        "ABORTED" => ExecutionStatus::Aborted,
        other => return Err(StoreError::Corrupt(format!("unknown status `{other}`"))),
    })
}
