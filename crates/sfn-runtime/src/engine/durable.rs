//! Durable executions: how a run of an execution is written to its
//! [`Store`] and continued from there after a restart.
//!
//! # What is written, and when
//!
//! An execution is a tree of scopes: the top level, and inside a Parallel or
//! Map state one scope per branch or item (and one for the state itself,
//! which records `MapStateStarted` and the like). Each scope runs its states
//! one after the other; scopes run concurrently.
//!
//! * Before each state, a scope takes a **snapshot** of itself: the state
//!   it is about to enter, that state's raw input, the scope's own
//!   variables, its step count, and what it knows of the state before it
//!   (its `Entered` event id and type, for the `Exited` event still to
//!   come). The snapshot and every event recorded since the last commit,
//!   by any scope of the execution, are then **committed** in one
//!   transaction (group-committed with other executions' transitions, see
//!   [`crate::store`]). The state runs only once that commit is done.
//! * Every event a scope records also counts in the scope's row (`seq`),
//!   under the same lock as the event's place in the pending batch: a
//!   commit always holds exactly the rows that match its events.
//! * What must not be asked for twice goes into a **journal** committed with
//!   the same batches: a Task's outcome (by its idempotency key, so a
//!   result once committed is never asked for again), and the due time of
//!   every timer (a Wait, a retry interval), committed before the sleep
//!   starts, so a restart neither lengthens nor shortens it.
//!
//! # Continuing
//!
//! A claimed execution is loaded (scope rows, journal) and run again from
//! the top: each scope jumps to the state of its snapshot
//! ([`Execution::resume_at`]); the events it records again that the store
//! already holds (counted by `seq`) are not recorded a second time; Task
//! outcomes and timers come from the journal. A scope whose snapshot was
//! inside a Map or Parallel state runs that state again: finished items and
//! branches replay from their rows and journal without calling a handler or
//! recording an event, unfinished ones continue where they were. Task calls
//! whose outcome was not committed are made again: at least once, as on AWS
//! (the handler gets a stable [`TaskContext::idempotency_key`](crate::TaskContext::idempotency_key)).
//!
//! # Parking
//!
//! While a worker (`serve`) runs in the process, an execution whose every
//! running scope waits on a Wait or a retry interval **parks**
//! ([`super::parking`]): the earliest due time is committed with the lease
//! released, and the run ends: no task and no memory is held until the
//! worker claims it again when it is due. So does a task-token wait of the
//! top level.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use serde_json::{Map, Value, json};

use super::control::Ending;
use super::execution::Execution;
use super::parking::{self, Activity};
use crate::error::StatesError;
use crate::store::backend::{Commit, Committed, EndRecord, StoredEvent};
use crate::store::{Store, millis};

/// How often a task waiting on a token asks the store for an answer.
const ANSWER_POLL: Duration = Duration::from_millis(200);

/// The error name of a run that stops without ending its execution.
const UNLOADED: &str = "sfn.Unloaded";

/// One run of a durable execution in this process: what its scopes share.
pub(crate) struct DurableRun {
    store: Store,
    name: String,
    fence: i64,
    pending: Mutex<Pending>,
    /// One commit at a time: each takes everything recorded before it.
    commit_lock: tokio::sync::Mutex<()>,
    /// The scope rows the run was loaded with, by scope key.
    loaded: Mutex<HashMap<String, ScopeRow>>,
    /// Journal entries: loaded, and written by this run.
    journal: Mutex<HashMap<String, Value>>,
    /// Whether the execution may park (a worker runs in the process).
    may_park: bool,
    /// Its running scopes and timers, for parking.
    activity: Activity,
    /// Set once the run has parked or lost the store: nothing more is
    /// committed.
    unloaded: AtomicBool,
    /// The last event id committed.
    committed_id: AtomicU64,
    /// Answers to task tokens found in the store.
    answers: Mutex<HashMap<String, Value>>,
}

impl Drop for DurableRun {
    fn drop(&mut self) {
        self.store.remove_live(&self.name, self.fence);
    }
}

impl std::fmt::Debug for DurableRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DurableRun")
            .field("name", &self.name)
            .field("fence", &self.fence)
            .finish_non_exhaustive()
    }
}

/// What the next commit writes.
#[derive(Default)]
struct Pending {
    events: Vec<StoredEvent>,
    /// Scopes whose row changed, with their row's JSON text now.
    scopes: HashMap<String, String>,
    forget: Vec<String>,
    journal: Vec<(String, String)>,
    tokens: Vec<String>,
}

/// Where a scope is (see the [module](self) docs). Kept as JSON.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct ScopeRow {
    /// The state the scope runs (entered or about to be).
    state: Option<String>,
    /// Its raw input, JSON text.
    data: String,
    /// The scope's own variables.
    variables: Map<String, Value>,
    /// States entered before `state`.
    steps: u32,
    /// Events the scope had recorded before `state`.
    seq_at: u32,
    /// Events the scope has recorded.
    seq: u32,
    /// The state the scope was in at the snapshot: its `Entered` event (0:
    /// none), type and name, for its `Exited` event.
    prev_event: u64,
    prev_kind: String,
    prev_name: Option<String>,
    /// The last `Entered` event the scope recorded, and its time (ms).
    entered_event: u64,
    entered_time: Option<i64>,
    /// Whether the scope has ended with its output (a redrive does not run
    /// it again).
    done: bool,
}

impl ScopeState {
    /// The row as it is written: its `seq` never goes below what the store
    /// holds already (a scope resumed from its snapshot counts again from
    /// the snapshot's `seq_at`).
    fn row_json(&self) -> String {
        self.row.to_json(self.row.seq.max(self.skip))
    }
}

impl ScopeRow {
    fn to_json(&self, seq: u32) -> String {
        json!({
            "state": self.state,
            "data": self.data,
            "variables": self.variables,
            "steps": self.steps,
            "seq_at": self.seq_at,
            "seq": seq,
            "prev_event": self.prev_event,
            "prev_kind": self.prev_kind,
            "prev_name": self.prev_name,
            "entered_event": self.entered_event,
            "entered_time": self.entered_time,
            "done": self.done,
        })
        .to_string()
    }

    fn from_json(text: &str) -> Option<ScopeRow> {
        let v: Value = serde_json::from_str(text).ok()?;
        let int = |k: &str| v.get(k).and_then(Value::as_u64).unwrap_or(0);
        Some(ScopeRow {
            state: v.get("state").and_then(Value::as_str).map(str::to_owned),
            data: v
                .get("data")
                .and_then(Value::as_str)
                .unwrap_or("null")
                .to_owned(),
            variables: v
                .get("variables")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default(),
            steps: u32::try_from(int("steps")).ok()?,
            seq_at: u32::try_from(int("seq_at")).ok()?,
            seq: u32::try_from(int("seq")).ok()?,
            prev_event: int("prev_event"),
            prev_kind: v
                .get("prev_kind")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            prev_name: v
                .get("prev_name")
                .and_then(Value::as_str)
                .map(str::to_owned),
            entered_event: int("entered_event"),
            entered_time: v.get("entered_time").and_then(Value::as_i64),
            done: v.get("done").and_then(Value::as_bool).unwrap_or(false),
        })
    }
}

/// A scope's part in a durable run: kept in the scope's
/// [`Recorder`](super::Recorder).
pub(crate) struct ScopeLog {
    run: Arc<DurableRun>,
    key: String,
    state: Mutex<ScopeState>,
    /// The scope this one runs inside (none for the top level).
    parent: Option<Arc<ScopeLog>>,
    /// Its live inner scopes (changed under the run's [`Activity`] lock).
    children: AtomicUsize,
}

impl Drop for ScopeLog {
    fn drop(&mut self) {
        self.run
            .activity
            .scope_ended(&self.children, self.parent.as_ref().map(|p| &p.children));
    }
}

impl std::fmt::Debug for ScopeLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScopeLog")
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

struct ScopeState {
    row: ScopeRow,
    /// Events up to this `seq` are in the store already: not recorded again.
    skip: u32,
    /// The row loaded from the store, until the scope resumes from it.
    resume: Option<ScopeRow>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl DurableRun {
    /// A run of the execution `name` under the claim `fence`, continuing
    /// from `scopes` and `journal` (empty for a new execution).
    pub(crate) fn new(
        store: Store,
        name: String,
        fence: i64,
        last_event_id: u64,
        scopes: Vec<(String, String)>,
        journal: Vec<(String, String)>,
        may_park: bool,
    ) -> Result<Arc<DurableRun>, crate::store::StoreError> {
        let mut loaded = HashMap::new();
        for (key, text) in scopes {
            let row = ScopeRow::from_json(&text).ok_or_else(|| {
                crate::store::StoreError::Corrupt(format!("scope row `{key}` of `{name}`"))
            })?;
            loaded.insert(key, row);
        }
        let mut entries = HashMap::new();
        for (key, text) in journal {
            let value = serde_json::from_str(&text).map_err(|e| {
                crate::store::StoreError::Corrupt(format!("journal entry `{key}` of `{name}`: {e}"))
            })?;
            entries.insert(key, value);
        }
        store.add_live(&name, fence);
        Ok(Arc::new(DurableRun {
            answers: Mutex::default(),
            store,
            name,
            fence,
            pending: Mutex::new(Pending::default()),
            commit_lock: tokio::sync::Mutex::new(()),
            loaded: Mutex::new(loaded),
            journal: Mutex::new(entries),
            may_park,
            activity: Activity::default(),
            unloaded: AtomicBool::new(false),
            committed_id: AtomicU64::new(last_event_id),
        }))
    }

    /// Notes the answer to a task token (outcome JSON text) found in the
    /// store.
    pub(crate) fn answered(&self, token: String, outcome: &str) {
        if let Ok(value) = serde_json::from_str(outcome) {
            lock(&self.answers).insert(token, value);
        }
    }

    /// The answer to `token` found in the store, if any.
    pub(crate) fn answer(&self, token: &str) -> Option<Result<Value, StatesError>> {
        outcome_from_json(lock(&self.answers).get(token)?)
    }

    /// The execution's secret: from the journal, or made now and journaled.
    pub(crate) fn secret(&self) -> String {
        const KEY: &str = "execution/secret";
        // One lock order everywhere: pending, then journal.
        let mut pending = lock(&self.pending);
        let mut journal = lock(&self.journal);
        if let Some(Value::String(secret)) = journal.get(KEY) {
            return secret.clone();
        }
        let secret = uuid::Uuid::new_v4().simple().to_string();
        journal.insert(KEY.to_owned(), Value::String(secret.clone()));
        pending
            .journal
            .push((KEY.to_owned(), Value::String(secret.clone()).to_string()));
        secret
    }

    /// Waits until the store has an answer to `token` (sent from any
    /// process with [`Store::send_task_success`] and the like): looks at
    /// what the run was loaded with, then asks the store every
    /// [`ANSWER_POLL`].
    pub(crate) async fn wait_for_answer(&self, token: &str) -> Result<Value, StatesError> {
        loop {
            if let Some(answer) = self.answer(token) {
                return answer;
            }
            tokio::time::sleep(ANSWER_POLL).await;
            if let Ok(answers) = self.store.backend().answers(self.name.clone()).await {
                for (token, outcome) in answers {
                    self.answered(token, &outcome);
                }
            }
        }
    }

    /// The execution's name.
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// The store.
    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    /// The log of the scope `key`, inside the scope of `parent` (none for
    /// the top level), resuming from its loaded row if any.
    pub(crate) fn scope(
        self: &Arc<Self>,
        key: String,
        parent: Option<&Arc<ScopeLog>>,
    ) -> Arc<ScopeLog> {
        let resume = lock(&self.loaded).remove(&key);
        let skip = resume.as_ref().map_or(0, |row| row.seq);
        self.activity.scope_started(parent.map(|p| &p.children));
        Arc::new(ScopeLog {
            run: Arc::clone(self),
            key,
            state: Mutex::new(ScopeState {
                row: ScopeRow::default(),
                skip,
                resume,
            }),
            parent: parent.cloned(),
            children: AtomicUsize::new(0),
        })
    }

    /// Its running scopes and timers, for parking.
    pub(crate) fn activity(&self) -> &Activity {
        &self.activity
    }

    /// A journal entry.
    pub(crate) fn journaled(&self, key: &str) -> Option<Value> {
        lock(&self.journal).get(key).cloned()
    }

    /// Adds a journal entry to the next commit.
    pub(crate) fn journal(&self, key: String, value: Value) {
        let text = value.to_string();
        lock(&self.journal).insert(key.clone(), value);
        lock(&self.pending).journal.push((key, text));
    }

    /// Adds an event that belongs to no scope (the execution's end) to the
    /// next commit.
    pub(crate) fn push_event(
        &self,
        id: impl FnOnce() -> u64,
        event_type: &str,
        timestamp: SystemTime,
        details: impl FnOnce(u64) -> Value,
    ) {
        let mut pending = lock(&self.pending);
        let id = id();
        pending.events.push(StoredEvent {
            id: i64::try_from(id).unwrap_or(i64::MAX),
            timestamp: millis(timestamp),
            event_type: event_type.to_owned(),
            details: details(id).to_string(),
        });
    }

    /// Adds a task token the execution waits on to the next commit.
    pub(crate) fn token(&self, token: String) {
        lock(&self.pending).tokens.push(token);
    }

    /// Commits everything recorded so far.
    ///
    /// # Errors
    ///
    /// When the store fails or the lease is lost, the run is unloaded (see
    /// [`Ending::Unloaded`]); when a stop was asked for from outside, the
    /// execution is aborted. Either way the run's control ends, and this
    /// returns its error.
    pub(crate) async fn commit(&self, control: &super::Control) -> Result<(), StatesError> {
        self.commit_with(control, None, None).await
    }

    async fn commit_with(
        &self,
        control: &super::Control,
        park_until: Option<i64>,
        end: Option<EndRecord>,
    ) -> Result<(), StatesError> {
        if self.unloaded.load(Ordering::Acquire) {
            return Err(Ending::Unloaded.error());
        }
        let _one = self.commit_lock.lock().await;
        let commit = {
            let mut pending = lock(&self.pending);
            let taken = std::mem::take(&mut *pending);
            Commit {
                execution: self.name.clone(),
                fence: self.fence,
                lease_until: millis(control.clock().now()).saturating_add(
                    i64::try_from(self.store.lease().as_millis()).unwrap_or(i64::MAX),
                ),
                events: taken.events,
                scopes: taken.scopes.into_iter().collect(),
                forget: taken.forget,
                journal: taken.journal,
                tokens: taken.tokens,
                park_until,
                end,
            }
        };
        let last = commit.events.last().map(|e| e.id);
        match self.store.committer().commit(commit).await {
            Ok(Committed::Ok { stop }) => {
                if let Some(id) = last {
                    self.committed_id
                        .store(u64::try_from(id).unwrap_or(0), Ordering::Release);
                }
                match stop {
                    Some((error, cause)) => {
                        control.end(Ending::Aborted(StatesError {
                            error: error.into(),
                            cause,
                        }));
                        control.check()
                    }
                    None => Ok(()),
                }
            }
            Ok(Committed::LeaseLost) | Err(_) => {
                // Nothing of this run is written any more; the execution
                // continues from its last commit, here or elsewhere.
                self.unloaded.store(true, Ordering::Release);
                control.end(Ending::Unloaded);
                Err(Ending::Unloaded.error())
            }
        }
    }

    /// Commits the end of the execution with its last events.
    pub(crate) async fn finish(
        &self,
        control: &super::Control,
        now: SystemTime,
        outcome: &Result<Value, StatesError>,
    ) -> Result<(), StatesError> {
        let status = match (outcome, control.ending()) {
            (_, Some(Ending::Unloaded)) => return Err(Ending::Unloaded.error()),
            (Ok(_), _) => "SUCCEEDED",
            (Err(_), Some(Ending::TimedOut)) => "TIMED_OUT",
            (Err(_), Some(Ending::Aborted(_))) => "ABORTED",
            (Err(_), _) => "FAILED",
        };
        let end = EndRecord {
            status,
            output: outcome.as_ref().ok().map(Value::to_string),
            error: outcome.as_ref().err().map(|e| e.error.to_string()),
            cause: outcome.as_ref().err().and_then(|e| e.cause.clone()),
            stop_date: millis(now),
            forget_progress: outcome.is_ok(),
        };
        // Not `commit_with`'s unloaded check alone: an execution stopped
        // from outside still commits its end.
        self.commit_with(control, None, Some(end)).await
    }

    /// Whether the top-level scope may park (a worker runs in the process).
    pub(crate) fn may_park(&self) -> bool {
        self.may_park
    }

    /// Parks the execution until `due` (or its own timeout, when that comes
    /// first): commits it with its lease released and ends the run.
    pub(crate) async fn park(&self, control: &super::Control, due: SystemTime) -> StatesError {
        let due = self.activity.bounded(due);
        if let Err(error) = self.commit_with(control, Some(millis(due)), None).await {
            return error;
        }
        self.unloaded.store(true, Ordering::Release);
        control.end(Ending::Unloaded);
        self.store.notify_parked();
        Ending::Unloaded.error()
    }
}

impl ScopeLog {
    /// Records an event of this scope (see [`super::Recorder::record`]):
    /// `None` when the store holds it already, or when `id` gives none
    /// (the history limit). `journal` is written with the event, in the
    /// same commit.
    pub(crate) fn record(
        &self,
        id: impl FnOnce() -> Option<u64>,
        event_type: &str,
        timestamp: SystemTime,
        details: impl FnOnce(u64) -> Value,
        journal: Option<(String, Value)>,
    ) -> Option<u64> {
        let mut pending = lock(&self.run.pending);
        let mut state = lock(&self.state);
        state.row.seq += 1;
        if state.row.seq <= state.skip {
            return None;
        }
        let id = id()?;
        pending.events.push(StoredEvent {
            id: i64::try_from(id).unwrap_or(i64::MAX),
            timestamp: millis(timestamp),
            event_type: event_type.to_owned(),
            details: details(id).to_string(),
        });
        if event_type.ends_with("StateEntered") {
            state.row.entered_event = id;
            state.row.entered_time = Some(millis(timestamp));
        }
        pending.scopes.insert(self.key.clone(), state.row_json());
        if let Some((key, value)) = journal {
            pending.journal.push((key.clone(), value.to_string()));
            lock(&self.run.journal).insert(key, value);
        }
        Some(id)
    }

    /// The snapshot before the state `name` (see the [module](self) docs).
    fn snapshot(&self, exec: &Execution, name: &str, data: &Value) {
        let mut pending = lock(&self.run.pending);
        let mut state = lock(&self.state);
        let row = &mut state.row;
        row.state = Some(name.to_owned());
        row.data = data.to_string();
        row.variables = exec.variables.scopes().last().cloned().unwrap_or_default();
        row.steps = exec.steps();
        row.seq_at = row.seq;
        let (entered, kind) = exec.entered();
        let forget = (entered != 0)
            .then(|| {
                exec.context
                    .state_name()
                    .map(|prev| exec.state_prefix(prev))
            })
            .flatten();
        row.prev_event = entered;
        row.prev_kind = kind.to_owned();
        row.prev_name = exec.context.state_name().map(str::to_owned);
        pending.scopes.insert(self.key.clone(), state.row_json());
        // What ran inside the state the scope leaves is not needed again.
        if let Some(prefix) = forget {
            pending.forget.push(prefix);
        }
    }

    /// The loaded row to resume from, once.
    fn take_resume(&self) -> Option<ScopeRow> {
        let mut state = lock(&self.state);
        let row = state.resume.take()?;
        // A row without a snapshot (the scope had recorded events before
        // its first state): the scope starts from its start, counting on.
        row.state.as_ref()?;
        // Events are numbered again from the snapshot on.
        state.row = row.clone();
        state.row.seq = row.seq_at;
        Some(row)
    }

    /// Marks the scope ended with its output, in the next commit.
    pub(crate) fn mark_done(&self) {
        let mut pending = lock(&self.run.pending);
        let mut state = lock(&self.state);
        state.row.done = true;
        pending.scopes.insert(self.key.clone(), state.row_json());
    }

    /// The entered event id and time of the state being resumed, when its
    /// `Entered` event is in the store.
    pub(crate) fn entered_in_store(&self) -> Option<(u64, Option<i64>)> {
        let state = lock(&self.state);
        (state.row.seq <= state.skip && state.row.entered_event != 0)
            .then_some((state.row.entered_event, state.row.entered_time))
    }

    /// The run.
    pub(crate) fn run(&self) -> &Arc<DurableRun> {
        &self.run
    }
}

impl Execution {
    /// Where this scope resumes: the state of its snapshot, with that
    /// state's raw input, when the execution continues from a store; the
    /// scope's variables, step count and entered state are restored.
    /// Generated code asks it once, before the scope's first state.
    pub fn resume_at(&mut self) -> Option<(String, Value)> {
        let scope = self.recorder.scope_log()?.clone();
        let row = scope.take_resume()?;
        let name = row.state?;
        let data: Value = serde_json::from_str(&row.data).ok()?;
        if !row.variables.is_empty() {
            self.variables.replace_inner(row.variables);
        }
        self.restore_scope(
            row.steps,
            row.prev_event,
            &row.prev_kind,
            row.prev_name.as_deref(),
        );
        Some((name, data))
    }

    /// Before the state `name` with raw input `data`: a durable execution
    /// takes the scope's snapshot and commits it with everything recorded
    /// since the last commit; then the thread yields to the scheduler when
    /// it is time ([`Execution::pause`]). Generated code calls it when
    /// [`Execution::checkpoint`] says so.
    ///
    /// # Errors
    ///
    /// The execution's end (stopped, timed out, unloaded from this
    /// process).
    pub async fn transition(&self, name: &str, data: &Value) -> Result<(), StatesError> {
        if let Some(scope) = self.recorder.scope_log() {
            scope.snapshot(self, name, data);
            // Boxed: the commit's future is large, and a scope's own future
            // (which nests those of its branches and items) would carry it.
            Box::pin(scope.run.commit(self.control())).await?;
        }
        self.pause().await
    }

    /// Sleeps `duration` for the timer `kind` of the current state (a Wait,
    /// a retry interval): in a durable execution its due time is committed
    /// first and kept across restarts, and the execution parks when a
    /// worker runs in the process and every running scope sleeps
    /// ([`super::parking`]).
    ///
    /// # Errors
    ///
    /// The execution's end, or the run's unloading when it parks.
    pub async fn sleep(&self, kind: &str, duration: Duration) -> Result<(), StatesError> {
        let Some(scope) = self.recorder.scope_log() else {
            self.clock().sleep(duration).await;
            return Ok(());
        };
        // Boxed, as in `transition`.
        Box::pin(self.durable_sleep(scope, kind, duration)).await
    }

    async fn durable_sleep(
        &self,
        scope: &ScopeLog,
        kind: &str,
        duration: Duration,
    ) -> Result<(), StatesError> {
        let key = format!("{}/{kind}", self.state_path());
        let run = scope.run();
        let now = self.clock().now();
        let due = match run.journaled(&key).and_then(|v| v.as_i64()) {
            Some(due) => crate::store::from_millis(due),
            None => {
                let due = now
                    .checked_add(duration)
                    .unwrap_or(now + Duration::from_secs(100 * 365 * 86_400));
                run.journal(key, Value::from(millis(due)));
                run.commit(self.control()).await?;
                due
            }
        };
        let remaining = due.duration_since(now).unwrap_or_default();
        if remaining.is_zero() {
            return Ok(());
        }
        let _sleeping =
            (run.may_park && parking::long_enough(now, due)).then(|| run.activity.sleeping(due));
        self.clock().sleep(remaining).await;
        self.control().check()
    }

    /// The outcome of the task call at `key` committed by an earlier run.
    pub(crate) fn journaled_outcome(&self, key: &str) -> Option<Result<Value, StatesError>> {
        let run = self.recorder.scope_log()?.run();
        let entry = run.journaled(key)?;
        outcome_from_json(&entry)
    }
}

/// What a redrive writes (AWS's `RedriveExecution`): the scope rows to run
/// again and the journal keys to forget, from the rows and journal of a
/// failed execution.
///
/// A scope that ended with its output (a finished Map item or Parallel
/// branch) is left as it is: it replays from its row and journal without
/// running anything. Every other scope runs its state again from its
/// snapshot: its events from there on are recorded anew (the `Exited`
/// event of the state before it is in the history already), and the
/// failed task outcomes under it are forgotten, so that its tasks are
/// called again.
pub(crate) fn redrive_plan(
    scopes: &[(String, String)],
    journal: &[(String, String)],
) -> (Vec<(String, String)>, Vec<String>) {
    let mut done = Vec::new();
    let mut reset = Vec::new();
    for (key, text) in scopes {
        let Some(mut row) = ScopeRow::from_json(text) else {
            continue;
        };
        if row.done {
            done.push(key.clone());
            continue;
        }
        row.seq = if row.state.is_some() { row.seq_at } else { 0 };
        row.prev_event = 0;
        reset.push((key.clone(), row.to_json(row.seq)));
    }
    let under_done = |key: &str| {
        done.iter().any(|scope| {
            key.strip_prefix(scope.as_str())
                .is_some_and(|rest| rest.starts_with('/'))
        })
    };
    let forget = journal
        .iter()
        .filter(|(key, text)| {
            let failed = serde_json::from_str::<Value>(text)
                .ok()
                .is_some_and(|v| v.get("error").is_some());
            failed && !under_done(key)
        })
        .map(|(key, _)| key.clone())
        .collect();
    (reset, forget)
}

/// A task outcome as kept in the journal.
pub(crate) fn outcome_to_json(outcome: &Result<Value, StatesError>) -> Value {
    match outcome {
        Ok(value) => json!({ "ok": value }),
        Err(error) => json!({ "error": error.error, "cause": error.cause }),
    }
}

/// A task outcome from the journal.
pub(crate) fn outcome_from_json(entry: &Value) -> Option<Result<Value, StatesError>> {
    if let Some(value) = entry.get("ok") {
        return Some(Ok(value.clone()));
    }
    let error = entry.get("error")?.as_str()?.to_owned();
    let cause = entry
        .get("cause")
        .and_then(Value::as_str)
        .map(str::to_owned);
    Some(Err(StatesError {
        error: error.into(),
        cause,
    }))
}

/// The task token of a durable execution's callback attempt at
/// `state_path`: the same in every run of the attempt, unguessable without
/// the execution's secret (a random value in its journal).
pub(crate) fn task_token(run: &DurableRun, state_path: &str) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::new()
        .chain_update(run.secret().as_bytes())
        .chain_update([0])
        .chain_update(state_path.as_bytes())
        .finalize();
    hex::encode(digest)
}

/// The error of [`Ending::Unloaded`].
pub(crate) fn unloaded_error() -> StatesError {
    StatesError::new(UNLOADED, "the execution continues from its store")
}
