//! Reading the histories of durable executions (`Store::history`'s JSON)
//! and comparing them: included by the tests that need it with
//! `#[path = "common/history.rs"] mod history;`, so that a test that does
//! not use it does not compile it.

use serde_json::Value;

/// The `(type, state name)` of each event, sorted: concurrent branches
/// and items interleave differently from run to run, and a run continued
/// after a crash records its events in another order.
pub type Events = Vec<(String, String)>;

/// The events of `history`, as [`Events`].
pub fn event_multiset(history: &Value) -> Events {
    let mut events: Events = history["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let kind = e["type"].as_str().unwrap().to_owned();
            let name = e["stateEnteredEventDetails"]["name"]
                .as_str()
                .or_else(|| e["stateExitedEventDetails"]["name"].as_str())
                .unwrap_or_default()
                .to_owned();
            (kind, name)
        })
        .collect();
    events.sort();
    events
}

/// Asserts that the event ids of `execution`'s `history` are 1..n, in
/// order: none twice, none missing.
#[track_caller]
pub fn assert_ids_contiguous(execution: &str, history: &Value) {
    let ids: Vec<u64> = history["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_u64().unwrap())
        .collect();
    let expected: Vec<u64> = (1..=ids.len() as u64).collect();
    assert_eq!(ids, expected, "{execution}: event ids are 1..n in order");
}

/// Asserts that `execution` recorded the same events as `expected` (as
/// multisets), naming those it has in excess and those it lacks.
#[track_caller]
pub fn assert_same_events(
    execution: &str,
    got: &[(String, String)],
    expected: &[(String, String)],
) {
    let extra = difference(got, expected);
    let missing = difference(expected, got);
    assert!(
        extra.is_empty() && missing.is_empty(),
        "{execution}: the same history events; extra {extra:?}, missing {missing:?}"
    );
}

/// The events of `a` that `b` does not have (as multisets).
fn difference(a: &[(String, String)], b: &[(String, String)]) -> Events {
    let mut rest = b.to_vec();
    let mut out = Vec::new();
    for event in a {
        match rest.iter().position(|e| e == event) {
            Some(i) => {
                rest.remove(i);
            }
            None => out.push(event.clone()),
        }
    }
    out
}
