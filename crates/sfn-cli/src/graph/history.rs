//! `--history`: which states an execution went through, and how, read from
//! its history in the `GetExecutionHistory` JSON shape (what AWS returns,
//! and what `sfn_runtime`'s `History::to_json` writes):
//!
//! ```json
//! {"events": [
//!   {"id": 2, "previousEventId": 1, "type": "TaskStateEntered",
//!    "stateEnteredEventDetails": {"name": "Charge", "input": "{}"}},
//!   {"id": 5, "previousEventId": 4, "type": "TaskFailed",
//!    "taskFailedEventDetails": {"error": "Busy", "cause": "..."}},
//!   ...
//! ]}
//! ```
//!
//! Each state gets a [`Status`]:
//!
//! * exited as often as entered: [`Status::Succeeded`], or
//!   [`Status::Caught`] when its last task attempt failed (a Catch took
//!   it on);
//! * entered and not exited, and it failed itself (its last task attempt
//!   failed, it is a Fail state, or its Map or Parallel run failed):
//!   [`Status::Failed`];
//! * otherwise entered and not exited: when the execution failed or timed
//!   out and no such state explains it, the open states are where it failed
//!   ([`Status::Failed`]); open Map and Parallel states around a failure
//!   failed too; the others were cut short ([`Status::Cancelled`]), or are
//!   still running when the history has no end ([`Status::Running`]).
//!
//! A task's failure event (`TaskFailed`, `LambdaFunctionTimedOut`, ...) is
//! tied to its state by following `previousEventId` back to a
//! `TaskStateEntered` (AWS links them so); when the chain is broken, to the
//! last Task state entered and not yet exited.
//!
//! Written by hand: the format is a flat list of events read with
//! `serde_json`; no crate models it.

use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// How an execution went through a state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Status {
    /// Entered and left normally (green).
    Succeeded,
    /// Where the execution (or a branch or iteration) failed (red).
    Failed,
    /// Failed, and a Catch took the error (orange).
    Caught,
    /// Entered, not left, and the history has not ended (blue).
    Running,
    /// Entered, not left, and the execution ended elsewhere or was stopped
    /// (grey).
    Cancelled,
}

impl Status {
    /// Every status, in the order the formats list their classes.
    pub const ALL: [Status; 5] = [
        Status::Succeeded,
        Status::Failed,
        Status::Caught,
        Status::Running,
        Status::Cancelled,
    ];

    /// The class name used in Mermaid and in the DOT comments.
    pub fn class(self) -> &'static str {
        match self {
            Status::Succeeded => "succeeded",
            Status::Failed => "failed",
            Status::Caught => "caught",
            Status::Running => "running",
            Status::Cancelled => "cancelled",
        }
    }

    /// The fill colour.
    pub fn fill(self) -> &'static str {
        match self {
            Status::Succeeded => "#c8e6c9",
            Status::Failed => "#ffcdd2",
            Status::Caught => "#ffe0b2",
            Status::Running => "#bbdefb",
            Status::Cancelled => "#e0e0e0",
        }
    }

    /// The border colour.
    pub fn stroke(self) -> &'static str {
        match self {
            Status::Succeeded => "#2e7d32",
            Status::Failed => "#c62828",
            Status::Caught => "#ef6c00",
            Status::Running => "#1565c0",
            Status::Cancelled => "#757575",
        }
    }
}

/// How far back a failure event's `previousEventId` chain is followed.
const MAX_CHAIN: usize = 64;

/// What a history says about each state.
#[derive(Debug, Default)]
pub struct Visits {
    /// The status of each state entered, by name.
    statuses: BTreeMap<String, Status>,
}

/// What is known of one state while reading.
#[derive(Debug, Default)]
struct Track {
    /// `...StateEntered` events.
    entered: u64,
    /// `...StateExited` events.
    exited: u64,
    /// Its last task attempt (or Map/Parallel run) failed.
    failed: bool,
    /// The state type, from the event type (`Task`, `Fail`, `Map`, ...).
    kind: String,
}

/// How the execution ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum End {
    /// No `Execution...` end event.
    Open,
    /// `ExecutionSucceeded`.
    Succeeded,
    /// `ExecutionFailed` or `ExecutionTimedOut`.
    Failed,
    /// `ExecutionAborted`.
    Aborted,
}

/// One event, as far as it matters here.
#[derive(Debug)]
struct Event<'a> {
    /// `id`, when present.
    id: Option<u64>,
    /// `previousEventId`, when present.
    previous: Option<u64>,
    /// `type`.
    kind: &'a str,
    /// The state name of an entered or exited event.
    name: Option<&'a str>,
}

impl Visits {
    /// Reads a history: `{"events": [...]}` (or the bare array). Events are
    /// taken in `id` order when every event has one (a history fetched with
    /// `reverseOrder` reads the same), else in file order.
    pub fn parse(text: &str) -> Result<Visits, String> {
        let doc: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
        let list = match &doc {
            Value::Array(list) => list,
            Value::Object(map) => match map.get("events") {
                Some(Value::Array(list)) => list,
                _ => return Err(not_history("no `events` array")),
            },
            _ => return Err(not_history("not an object")),
        };
        let mut events = Vec::with_capacity(list.len());
        for (i, value) in list.iter().enumerate() {
            let Some(kind) = value.get("type").and_then(Value::as_str) else {
                return Err(not_history(&format!("event {i} has no `type` string")));
            };
            let details = if kind.ends_with("StateEntered") {
                value.get("stateEnteredEventDetails")
            } else if kind.ends_with("StateExited") {
                value.get("stateExitedEventDetails")
            } else {
                None
            };
            events.push(Event {
                id: value.get("id").and_then(Value::as_u64),
                previous: value.get("previousEventId").and_then(Value::as_u64),
                kind,
                name: details.and_then(|d| d.get("name")).and_then(Value::as_str),
            });
        }
        if events.iter().all(|e| e.id.is_some()) {
            events.sort_by_key(|e| e.id);
        }
        Ok(Visits::read(&events))
    }

    /// Works out the statuses from events in order.
    fn read(events: &[Event<'_>]) -> Visits {
        let by_id: HashMap<u64, usize> = events
            .iter()
            .enumerate()
            .filter_map(|(i, e)| e.id.map(|id| (id, i)))
            .collect();
        let mut tracks: BTreeMap<&str, Track> = BTreeMap::new();
        // States entered and not yet exited, in entry order (with repeats).
        let mut open: Vec<(&str, &str)> = Vec::new();
        let mut end = End::Open;
        for event in events {
            let kind = event.kind;
            if let Some(state_type) = kind.strip_suffix("StateEntered") {
                let Some(name) = event.name else { continue };
                let track = tracks.entry(name).or_default();
                track.entered += 1;
                track.kind = state_type.to_owned();
                // A new entry starts a new attempt.
                track.failed = false;
                open.push((name, state_type));
            } else if kind.ends_with("StateExited") {
                let Some(name) = event.name else { continue };
                tracks.entry(name).or_default().exited += 1;
                if let Some(at) = open.iter().rposition(|(n, _)| *n == name) {
                    open.remove(at);
                }
            } else if let Some(outcome) = task_outcome(kind) {
                let owner = chain_owner(events, &by_id, event, "TaskStateEntered")
                    .or_else(|| last_open(&open, "Task"));
                if let Some(track) = owner.and_then(|n| tracks.get_mut(n)) {
                    track.failed = !outcome;
                }
            } else if let Some(state_type) = run_failed(kind) {
                let entered = if state_type == "Map" {
                    "MapStateEntered"
                } else {
                    "ParallelStateEntered"
                };
                let owner = chain_owner(events, &by_id, event, entered)
                    .or_else(|| last_open(&open, state_type));
                if let Some(track) = owner.and_then(|n| tracks.get_mut(n)) {
                    track.failed = true;
                }
            } else {
                end = match kind {
                    "ExecutionSucceeded" => End::Succeeded,
                    "ExecutionFailed" | "ExecutionTimedOut" => End::Failed,
                    "ExecutionAborted" => End::Aborted,
                    _ => end,
                };
            }
        }
        let explained = tracks
            .values()
            .any(|t| t.entered > t.exited && (t.failed || t.kind == "Fail"));
        let statuses = tracks
            .into_iter()
            .filter(|(_, t)| t.entered > 0)
            .map(|(name, t)| {
                let status = if t.exited >= t.entered {
                    if t.failed {
                        Status::Caught
                    } else {
                        Status::Succeeded
                    }
                } else if t.failed || t.kind == "Fail" {
                    Status::Failed
                } else {
                    match end {
                        End::Open => Status::Running,
                        End::Aborted => Status::Cancelled,
                        End::Failed if !explained => Status::Failed,
                        End::Failed | End::Succeeded
                            if explained && matches!(t.kind.as_str(), "Map" | "Parallel") =>
                        {
                            Status::Failed
                        }
                        End::Failed | End::Succeeded => Status::Cancelled,
                    }
                };
                (name.to_owned(), status)
            })
            .collect();
        Visits { statuses }
    }

    /// The status of the state `name`, if the execution entered it.
    pub fn status(&self, name: &str) -> Option<Status> {
        self.statuses.get(name).copied()
    }

    /// The names of the states entered, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.statuses.keys().map(String::as_str)
    }
}

/// The message for a document that is JSON but not a history.
fn not_history(why: &str) -> String {
    format!(
        "not an execution history ({why}); expected GetExecutionHistory JSON: {{\"events\": [...]}}"
    )
}

/// For a task outcome event, whether it succeeded: `TaskSucceeded`,
/// `LambdaFunctionSucceeded`, `ActivitySucceeded` give `Some(true)`; their
/// `Failed`, `TimedOut`, `StartFailed`, `SubmitFailed`, `ScheduleFailed`
/// forms give `Some(false)`; other events `None`.
fn task_outcome(kind: &str) -> Option<bool> {
    let rest = ["Task", "LambdaFunction", "Activity"]
        .iter()
        .find_map(|prefix| kind.strip_prefix(prefix))?;
    match rest {
        "Succeeded" => Some(true),
        "Failed" | "TimedOut" | "StartFailed" | "SubmitFailed" | "ScheduleFailed" => Some(false),
        _ => None,
    }
}

/// For `MapStateFailed` / `ParallelStateFailed`, the state type.
fn run_failed(kind: &str) -> Option<&'static str> {
    match kind {
        "MapStateFailed" => Some("Map"),
        "ParallelStateFailed" => Some("Parallel"),
        _ => None,
    }
}

/// Follows `previousEventId` back from `event` (at most [`MAX_CHAIN`]
/// steps) to an event of type `entered`, and returns its state name.
fn chain_owner<'a>(
    events: &[Event<'a>],
    by_id: &HashMap<u64, usize>,
    event: &Event<'a>,
    entered: &str,
) -> Option<&'a str> {
    let mut previous = event.previous;
    for _ in 0..MAX_CHAIN {
        let at = *by_id.get(&previous?)?;
        let before = events.get(at)?;
        if before.kind == entered {
            return before.name;
        }
        previous = before.previous;
    }
    None
}

/// The last state of type `state_type` entered and not exited.
fn last_open<'a>(open: &[(&'a str, &str)], state_type: &str) -> Option<&'a str> {
    open.iter()
        .rev()
        .find(|(_, t)| *t == state_type)
        .map(|(n, _)| *n)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A history of `(type, name)` events, each linked to the one before.
    fn history(events: &[(&str, &str)]) -> String {
        let list: Vec<Value> = events
            .iter()
            .enumerate()
            .map(|(i, (kind, name))| {
                let mut event = serde_json::json!({
                    "id": i + 1,
                    "previousEventId": i,
                    "type": kind,
                });
                if kind.ends_with("StateEntered") {
                    event["stateEnteredEventDetails"] = serde_json::json!({"name": name});
                } else if kind.ends_with("StateExited") {
                    event["stateExitedEventDetails"] = serde_json::json!({"name": name});
                }
                event
            })
            .collect();
        serde_json::json!({ "events": list }).to_string()
    }

    fn statuses(events: &[(&str, &str)]) -> Vec<(String, Status)> {
        let visits = Visits::parse(&history(events)).expect("a history");
        visits
            .names()
            .map(|n| (n.to_owned(), visits.status(n).expect("named")))
            .collect()
    }

    fn owned(list: &[(&str, Status)]) -> Vec<(String, Status)> {
        list.iter().map(|(n, s)| ((*n).to_owned(), *s)).collect()
    }

    #[test]
    fn a_retried_task_that_then_succeeds_is_green() {
        let got = statuses(&[
            ("ExecutionStarted", ""),
            ("TaskStateEntered", "Charge"),
            ("TaskScheduled", ""),
            ("TaskStarted", ""),
            ("TaskFailed", ""),
            ("TaskScheduled", ""),
            ("TaskStarted", ""),
            ("TaskSucceeded", ""),
            ("TaskStateExited", "Charge"),
            ("SucceedStateEntered", "Done"),
            ("SucceedStateExited", "Done"),
            ("ExecutionSucceeded", ""),
        ]);
        assert_eq!(
            got,
            owned(&[("Charge", Status::Succeeded), ("Done", Status::Succeeded)])
        );
    }

    #[test]
    fn an_uncaught_task_failure_is_red_and_a_caught_one_orange() {
        let uncaught = statuses(&[
            ("ExecutionStarted", ""),
            ("PassStateEntered", "Prepare"),
            ("PassStateExited", "Prepare"),
            ("TaskStateEntered", "Charge"),
            ("TaskScheduled", ""),
            ("TaskStarted", ""),
            ("TaskFailed", ""),
            ("ExecutionFailed", ""),
        ]);
        assert_eq!(
            uncaught,
            owned(&[("Charge", Status::Failed), ("Prepare", Status::Succeeded)])
        );
        let caught = statuses(&[
            ("ExecutionStarted", ""),
            ("TaskStateEntered", "Charge"),
            ("TaskScheduled", ""),
            ("TaskStarted", ""),
            ("TaskFailed", ""),
            ("TaskStateExited", "Charge"),
            ("FailStateEntered", "Refund"),
            ("ExecutionFailed", ""),
        ]);
        assert_eq!(
            caught,
            owned(&[("Charge", Status::Caught), ("Refund", Status::Failed)])
        );
    }

    #[test]
    fn a_failure_in_a_branch_marks_the_parallel_and_cancels_the_sibling() {
        let got = statuses(&[
            ("ExecutionStarted", ""),
            ("ParallelStateEntered", "Both"),
            ("ParallelStateStarted", ""),
            ("TaskStateEntered", "Left"),
            ("TaskStateEntered", "Right"),
            ("TaskScheduled", ""),
            ("TaskStarted", ""),
            ("TaskFailed", ""),
            ("ParallelStateFailed", ""),
            ("ExecutionFailed", ""),
        ]);
        assert_eq!(
            got,
            owned(&[
                ("Both", Status::Failed),
                ("Left", Status::Cancelled),
                ("Right", Status::Failed),
            ])
        );
    }

    #[test]
    fn open_states_without_a_failure_are_running_or_cancelled() {
        let running = statuses(&[("ExecutionStarted", ""), ("WaitStateEntered", "Nap")]);
        assert_eq!(running, owned(&[("Nap", Status::Running)]));
        let aborted = statuses(&[
            ("ExecutionStarted", ""),
            ("WaitStateEntered", "Nap"),
            ("ExecutionAborted", ""),
        ]);
        assert_eq!(aborted, owned(&[("Nap", Status::Cancelled)]));
        let timed_out = statuses(&[
            ("ExecutionStarted", ""),
            ("WaitStateEntered", "Nap"),
            ("ExecutionTimedOut", ""),
        ]);
        assert_eq!(timed_out, owned(&[("Nap", Status::Failed)]));
    }

    #[test]
    fn events_are_read_in_id_order() {
        let text = r#"{"events": [
            {"id": 3, "previousEventId": 2, "type": "ExecutionSucceeded"},
            {"id": 2, "previousEventId": 1, "type": "PassStateExited", "stateExitedEventDetails": {"name": "P"}},
            {"id": 1, "previousEventId": 0, "type": "PassStateEntered", "stateEnteredEventDetails": {"name": "P"}}
        ]}"#;
        let visits = Visits::parse(text).unwrap();
        assert_eq!(visits.status("P"), Some(Status::Succeeded));
    }

    #[test]
    fn bad_documents_are_errors() {
        assert!(Visits::parse("{").unwrap_err().starts_with("not JSON"));
        assert!(
            Visits::parse("{}")
                .unwrap_err()
                .contains("no `events` array")
        );
        assert!(Visits::parse("3").unwrap_err().contains("not an object"));
        assert!(
            Visits::parse(r#"{"events": [{"id": 1}]}"#)
                .unwrap_err()
                .contains("event 0 has no `type`")
        );
        // An entered event without details is skipped, not an error.
        let visits = Visits::parse(r#"[{"type": "PassStateEntered"}]"#).unwrap();
        assert_eq!(visits.names().count(), 0);
    }
}
