//! Execution history: the events of an execution, with AWS's event type
//! names, ids and fields, and their JSON in the shape of AWS's
//! `GetExecutionHistory`.
//!
//! Every execution numbers its events (see
//! [`Execution::event_ids`](super::Execution::event_ids)); with
//! [`Settings::record_history`](super::Settings::record_history) it also
//! keeps them in a [`History`], which
//! [`ExecutionHandle::history`](crate::ExecutionHandle::history) reads
//! while the execution runs and after.
//!
//! # Events
//!
//! * `ExecutionStarted`, then `ExecutionSucceeded`, `ExecutionFailed`,
//!   `ExecutionAborted` or `ExecutionTimedOut`;
//! * `<Type>StateEntered` and `<Type>StateExited` for each state (`Pass`,
//!   `Task`, `Choice`, `Wait`, `Succeed`, `Fail`, `Parallel`, `Map`); a Fail
//!   state, or one whose error ends its scope, has no `Exited`;
//! * `TaskScheduled`, `TaskStarted`, then `TaskSucceeded`, `TaskFailed` or
//!   `TaskTimedOut` for each attempt of a Task (`TaskSubmitted` too for a
//!   callback);
//! * `MapStateStarted`, `MapIterationStarted` and `MapIterationSucceeded` or
//!   `MapIterationFailed` for each item, then `MapStateSucceeded` or
//!   `MapStateFailed`; `ParallelStateStarted`, then `ParallelStateSucceeded`
//!   or `ParallelStateFailed`.
//!
//! `previousEventId` is the id of the event recorded before it (AWS links
//! an event to the one that caused it; for a sequential execution that is
//! the same event). Inputs and outputs are JSON text, as AWS gives them.
//!
//! # Limit and cap
//!
//! AWS ends a Standard execution at 25,000 history events
//! ([`HISTORY_EVENT_LIMIT`](super::control::HISTORY_EVENT_LIMIT)): event 25,000 may only be
//! `ExecutionSucceeded`; any other event makes the execution fail with
//! `States.Runtime`, "The execution reached the maximum number of history
//! events (25000).", and `ExecutionFailed` is event 25,000. The events are
//! counted whether or not they are kept. An Express execution
//! ([`StateMachineType::Express`](super::StateMachineType)) has no such
//! limit; a kept [`History`] still holds at most
//! [`Settings::history_cap`](super::Settings::history_cap) events (25,000
//! by default): the later ones are counted ([`History::dropped`]) and not
//! kept, so that a long loop cannot use unbounded memory.

use std::borrow::Cow;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::control::{Control, Ending};
use super::durable::ScopeLog;
use crate::context::format_timestamp;
use crate::error::StatesError;

/// One event of an execution's history.
#[derive(Clone, Debug, PartialEq)]
pub struct HistoryEvent {
    /// The event's id: 1 for `ExecutionStarted`, then one more per event.
    pub id: u64,
    /// The id of the event before it (0 for the first).
    pub previous_event_id: u64,
    /// When it happened.
    pub timestamp: SystemTime,
    /// AWS's event type, e.g. `PassStateEntered`.
    pub event_type: Cow<'static, str>,
    /// The event's details, as AWS's `...EventDetails` object.
    pub details: Value,
}

impl HistoryEvent {
    /// The event as AWS's `GetExecutionHistory` gives it: `timestamp`,
    /// `type`, `id`, `previousEventId` and the details under
    /// `<camelCase type>EventDetails` (`stateEnteredEventDetails` for every
    /// `...StateEntered`, `stateExitedEventDetails` for every
    /// `...StateExited`).
    pub fn to_json(&self) -> Value {
        let mut out = Map::new();
        out.insert(
            "timestamp".into(),
            Value::String(format_timestamp(DateTime::<Utc>::from(self.timestamp))),
        );
        out.insert("type".into(), Value::String(self.event_type.to_string()));
        out.insert("id".into(), Value::from(self.id));
        out.insert(
            "previousEventId".into(),
            Value::from(self.previous_event_id),
        );
        if !self.details.is_null() {
            out.insert(details_key(&self.event_type), self.details.clone());
        }
        Value::Object(out)
    }
}

/// `stateEnteredEventDetails`, `taskScheduledEventDetails`, ...
fn details_key(event_type: &str) -> String {
    let base = if event_type.ends_with("StateEntered") {
        "StateEntered"
    } else if event_type.ends_with("StateExited") {
        "StateExited"
    } else {
        event_type
    };
    let mut key = String::with_capacity(base.len() + 12);
    let mut chars = base.chars();
    if let Some(first) = chars.next() {
        key.push(first.to_ascii_lowercase());
    }
    key.extend(chars);
    key.push_str("EventDetails");
    key
}

/// What a [`History`] holds.
#[derive(Debug, Default)]
struct Recorded {
    events: Vec<HistoryEvent>,
    cap: usize,
    dropped: u64,
}

/// The recorded events of one execution (a cheap handle: `Clone` shares
/// them).
///
/// ```
/// use serde_json::json;
/// use sfn_runtime::Settings;
/// use std::sync::Arc;
///
/// sfn_runtime::asl!(mod hello, r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#);
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let settings = Settings { record_history: true, ..Settings::default() };
/// let machine = Arc::new(hello::StateMachine::from_resources(sfn_runtime::Resources::new()).with_settings(settings));
/// let handle = machine.start(json!({"x": 1}));
/// handle.result().await.unwrap();
///
/// let history = handle.history().unwrap();
/// let types: Vec<_> = history.events().iter().map(|e| e.event_type.to_string()).collect();
/// assert_eq!(types, ["ExecutionStarted", "PassStateEntered", "PassStateExited", "ExecutionSucceeded"]);
/// let json = history.to_json();
/// assert_eq!(json["events"][1]["stateEnteredEventDetails"]["name"], "A");
/// assert_eq!(json["events"][1]["previousEventId"], 1);
/// # }
/// ```
#[derive(Clone, Debug, Default)]
pub struct History {
    recorded: Arc<Mutex<Recorded>>,
}

impl History {
    /// An empty history that keeps at most `cap` events.
    pub fn with_cap(cap: usize) -> Self {
        History {
            recorded: Arc::new(Mutex::new(Recorded {
                events: Vec::new(),
                cap,
                dropped: 0,
            })),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Recorded> {
        self.recorded.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Keeps `event`, unless the cap is reached.
    pub(crate) fn push(&self, event: HistoryEvent) {
        let mut recorded = self.lock();
        if recorded.events.len() < recorded.cap {
            recorded.events.push(event);
        } else {
            recorded.dropped += 1;
        }
    }

    /// The events so far, in the order they were recorded.
    pub fn events(&self) -> Vec<HistoryEvent> {
        self.lock().events.clone()
    }

    /// The id of the last event kept (0 if none).
    pub fn last_id(&self) -> u64 {
        self.lock().events.last().map_or(0, |e| e.id)
    }

    /// How many events were not kept because of the cap.
    pub fn dropped(&self) -> u64 {
        self.lock().dropped
    }

    /// The history as AWS's `GetExecutionHistory` returns it:
    /// `{"events": [...]}`.
    pub fn to_json(&self) -> Value {
        let events: Vec<Value> = self
            .lock()
            .events
            .iter()
            .map(HistoryEvent::to_json)
            .collect();
        json!({ "events": events })
    }
}

/// Gives out event ids and records events when a [`History`] is kept:
/// what an [`Execution`](super::Execution) and the futures it starts share.
///
/// A Standard execution's events are counted against
/// [`HISTORY_EVENT_LIMIT`](super::control::HISTORY_EVENT_LIMIT) whether or not they are kept: the event that
/// would pass it is not recorded and ends the execution instead (see
/// [`super::control`]).
#[derive(Clone, Debug)]
pub struct Recorder {
    shared: Arc<Shared>,
    history: Option<History>,
    /// The scope's part in a durable run (see [`super::durable`]).
    scope: Option<Arc<ScopeLog>>,
}

/// What the clones of a [`Recorder`] share (one allocation: a Map
/// iteration's execution clones it).
#[derive(Debug)]
struct Shared {
    ids: AtomicU64,
    /// The most events the execution may have ([`HISTORY_EVENT_LIMIT`](super::control::HISTORY_EVENT_LIMIT)
    /// for a Standard execution).
    limit: Option<u64>,
    /// Ended when the limit is reached; the execution's control.
    control: Control,
    /// Set by the first terminal event (`ExecutionSucceeded`, ...): no
    /// second one is recorded.
    closed: AtomicBool,
}

impl Recorder {
    /// A recorder whose last id given out is 1 (`ExecutionStarted`, which
    /// the caller records with [`Recorder::record_as`]); `limit` events at
    /// most, after which `control` ends the execution.
    pub(crate) fn new(history: Option<History>, limit: Option<u64>, control: Control) -> Self {
        Recorder {
            shared: Arc::new(Shared {
                ids: AtomicU64::new(1),
                limit,
                control,
                closed: AtomicBool::new(false),
            }),
            history,
            scope: None,
        }
    }

    /// This recorder for the scope `scope` of a durable run.
    pub(crate) fn with_scope(&self, scope: Option<Arc<ScopeLog>>) -> Recorder {
        Recorder {
            shared: Arc::clone(&self.shared),
            history: self.history.clone(),
            scope,
        }
    }

    /// The scope's part in a durable run, if the execution is durable.
    #[inline]
    pub(crate) fn scope_log(&self) -> Option<&Arc<ScopeLog>> {
        self.scope.as_ref()
    }

    /// Continues the numbering after `last_id` (a run resumed from a store).
    pub(crate) fn resume_ids(&self, last_id: u64) {
        self.shared.ids.store(last_id, Ordering::Relaxed);
    }

    /// The last id given out.
    pub fn last_id(&self) -> u64 {
        self.shared.ids.load(Ordering::Relaxed)
    }

    /// The history, when one is kept.
    pub fn history(&self) -> Option<&History> {
        self.history.as_ref()
    }

    /// The control of the execution whose events these are.
    pub fn control(&self) -> &Control {
        &self.shared.control
    }

    /// Records an event: gives it the next id and, when a history is kept,
    /// keeps it with the `details` made then (not made otherwise). Returns
    /// its id.
    ///
    /// An event that would reach the execution's limit is not recorded: it
    /// ends the execution with [`Ending::HistoryLimit`], whose
    /// `ExecutionFailed` takes the last id. Nor is an event after the one
    /// that ended the execution ([`Recorder::record_end`]).
    #[inline]
    pub fn record(
        &self,
        event_type: impl Into<Cow<'static, str>>,
        details: impl FnOnce() -> Value,
    ) -> u64 {
        if let Some(scope) = &self.scope {
            return self.record_durable(scope, event_type.into(), details, None);
        }
        let id = self.shared.ids.fetch_add(1, Ordering::Relaxed) + 1;
        if self.shared.limit.is_some_and(|limit| id >= limit) {
            self.limit_reached();
            return id;
        }
        self.record_as(id, event_type, details);
        id
    }

    /// [`Recorder::record`] in a durable run: the event goes to the next
    /// commit (with `journal`, a journal entry that must be written with
    /// it), unless the store holds it already (then 0 is returned).
    #[cold]
    #[inline(never)]
    pub(crate) fn record_durable(
        &self,
        scope: &ScopeLog,
        event_type: Cow<'static, str>,
        details: impl FnOnce() -> Value,
        journal: Option<(String, Value)>,
    ) -> u64 {
        if self.shared.closed.load(Ordering::Relaxed) {
            return 0;
        }
        let timestamp = self.control().clock().now();
        let shared = &self.shared;
        let mut over_limit = false;
        let history = self.history.as_ref();
        let recorded = scope.record(
            || {
                let id = shared.ids.fetch_add(1, Ordering::Relaxed) + 1;
                if shared.limit.is_some_and(|limit| id >= limit) {
                    over_limit = true;
                    return None;
                }
                Some(id)
            },
            &event_type,
            timestamp,
            |id| keep(history, id, timestamp, event_type.clone(), details()),
            journal,
        );
        if over_limit {
            self.limit_reached();
        }
        recorded.unwrap_or(0)
    }

    /// Ends the execution at its history limit (out of line: `record` is
    /// on the path of every state).
    #[cold]
    #[inline(never)]
    fn limit_reached(&self) {
        self.shared.control.end(Ending::HistoryLimit);
    }

    /// Records the event that ends the execution (`ExecutionSucceeded`,
    /// `ExecutionFailed`, `ExecutionAborted`, `ExecutionTimedOut`), once:
    /// a second call records nothing. It may take the limit's own id.
    pub fn record_end(&self, event_type: &'static str, details: impl FnOnce() -> Value) {
        if self.shared.closed.swap(true, Ordering::AcqRel) {
            return;
        }
        if let Some(scope) = &self.scope {
            let timestamp = self.control().clock().now();
            let shared = &self.shared;
            let history = self.history.as_ref();
            scope.run().push_event(
                || {
                    let id = shared.ids.fetch_add(1, Ordering::Relaxed) + 1;
                    shared.limit.map_or(id, |limit| id.min(limit))
                },
                event_type,
                timestamp,
                |id| keep(history, id, timestamp, event_type.into(), details()),
            );
            return;
        }
        let mut id = self.shared.ids.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(limit) = self.shared.limit {
            id = id.min(limit);
        }
        self.record_as(id, event_type, details);
    }

    /// Records `<prefix>Succeeded` or `<prefix>Failed` (with the error and
    /// cause) for `outcome`: `MapIteration`, `MapState`, `ParallelState`.
    pub fn record_outcome<T>(&self, prefix: &'static str, outcome: &Result<T, StatesError>) {
        let (succeeded, failed) = match prefix {
            "MapIteration" => ("MapIterationSucceeded", "MapIterationFailed"),
            "MapState" => ("MapStateSucceeded", "MapStateFailed"),
            _ => ("ParallelStateSucceeded", "ParallelStateFailed"),
        };
        match outcome {
            Ok(_) => {
                self.record(succeeded, || Value::Null);
            }
            Err(error) => {
                self.record(failed, || super::execution::error_details(error));
            }
        }
    }

    /// Keeps an event with a given id (when a history is kept), unless it
    /// comes after the end of the execution.
    #[inline]
    pub(crate) fn record_as(
        &self,
        id: u64,
        event_type: impl Into<Cow<'static, str>>,
        details: impl FnOnce() -> Value,
    ) {
        if let Some(history) = &self.history {
            let event_type = event_type.into();
            // Nothing follows the end of the execution (a stopped
            // execution's work may take a moment to notice).
            if self.shared.closed.load(Ordering::Relaxed) && !is_end(&event_type) {
                return;
            }
            history.push(HistoryEvent {
                id,
                previous_event_id: id.saturating_sub(1),
                timestamp: self.control().clock().now(),
                event_type,
                details: details(),
            });
        }
    }
}

/// Keeps an event of a durable run in the in-memory `history` too, when
/// one is kept; returns its details (for the store).
fn keep(
    history: Option<&History>,
    id: u64,
    timestamp: SystemTime,
    event_type: Cow<'static, str>,
    details: Value,
) -> Value {
    if let Some(history) = history {
        history.push(HistoryEvent {
            id,
            previous_event_id: id.saturating_sub(1),
            timestamp,
            event_type,
            details: details.clone(),
        });
    }
    details
}

/// Whether `event_type` ends an execution.
fn is_end(event_type: &str) -> bool {
    matches!(
        event_type,
        "ExecutionSucceeded" | "ExecutionFailed" | "ExecutionAborted" | "ExecutionTimedOut"
    )
}

/// `{"<field>": "<JSON text>", "<field>Details": {"truncated": false}}`,
/// AWS's way of giving an input or output in an event.
pub(crate) fn data(field: &str, value: &Value) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert(field.to_owned(), Value::String(value.to_string()));
    out.insert(format!("{field}Details"), json!({"truncated": false}));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn details_keys() {
        assert_eq!(details_key("PassStateEntered"), "stateEnteredEventDetails");
        assert_eq!(details_key("MapStateExited"), "stateExitedEventDetails");
        assert_eq!(details_key("TaskScheduled"), "taskScheduledEventDetails");
        assert_eq!(
            details_key("ExecutionStarted"),
            "executionStartedEventDetails"
        );
        assert_eq!(
            details_key("MapIterationStarted"),
            "mapIterationStartedEventDetails"
        );
    }

    #[test]
    fn ids_details_and_the_cap() {
        let history = History::with_cap(2);
        let recorder = Recorder::new(Some(history.clone()), None, Control::new());
        recorder.record_as(1, "ExecutionStarted", || json!({"input": "{}"}));
        let mut made = false;
        assert_eq!(
            recorder.record("PassStateEntered", || json!({"name": "A"})),
            2
        );
        assert_eq!(
            recorder.record("PassStateExited", || {
                made = true;
                json!({"name": "A"})
            }),
            3
        );
        assert!(made, "details are made when kept... or dropped by the cap");
        assert_eq!(history.events().len(), 2);
        assert_eq!(history.dropped(), 1);
        let doc = history.to_json();
        assert_eq!(doc["events"][1]["type"], json!("PassStateEntered"));
        assert_eq!(doc["events"][1]["id"], json!(2));
        assert_eq!(doc["events"][1]["previousEventId"], json!(1));
        assert_eq!(
            doc["events"][1]["stateEnteredEventDetails"],
            json!({"name": "A"})
        );
        assert!(
            doc["events"][0]["timestamp"]
                .as_str()
                .unwrap()
                .ends_with('Z')
        );

        let counting = Recorder::new(None, None, Control::new());
        let mut made = false;
        counting.record("PassStateEntered", || {
            made = true;
            Value::Null
        });
        assert!(!made, "without a history no details are made");
        assert_eq!(counting.last_id(), 2);
    }

    #[test]
    fn the_limit_ends_the_execution_and_its_last_event_takes_the_last_id() {
        let history = History::with_cap(100);
        let control = Control::new();
        let recorder = Recorder::new(Some(history.clone()), Some(5), control.clone());
        recorder.record_as(1, "ExecutionStarted", || Value::Null);
        for id in 2..=4 {
            assert_eq!(recorder.record("PassStateEntered", || Value::Null), id);
        }
        assert!(!control.is_ending(), "4 events of 5");
        // Event 5 may only be the end of the execution.
        recorder.record("PassStateExited", || Value::Null);
        assert_eq!(control.ending(), Some(&Ending::HistoryLimit));
        recorder.record("PassStateEntered", || Value::Null);
        recorder.record_end("ExecutionFailed", || json!({"error": "States.Runtime"}));
        recorder.record_end("ExecutionAborted", || Value::Null);
        let events = history.events();
        let ids: Vec<u64> = events.iter().map(|e| e.id).collect();
        assert_eq!(ids, [1, 2, 3, 4, 5]);
        assert_eq!(events[4].event_type, "ExecutionFailed");

        // At 4 events, the fifth may be ExecutionSucceeded.
        let control = Control::new();
        let recorder = Recorder::new(None, Some(5), control.clone());
        for _ in 2..=4 {
            recorder.record("PassStateEntered", || Value::Null);
        }
        recorder.record_end("ExecutionSucceeded", || Value::Null);
        assert!(!control.is_ending());
    }
}
