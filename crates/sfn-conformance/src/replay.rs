//! Task handlers that replay a case's recorded task results.
//!
//! The corpus keys results by Task state name, in invocation order. Inside a
//! Map or Parallel state AWS's order of concurrent calls may differ from
//! ours, so when the case recorded the inputs each call received, a call
//! takes the first unused result whose recorded input equals its own.
//!
//! A result recorded as `timed_out` never answers: the engine's own
//! `TimeoutSeconds` ends the call, as AWS's did. AWS's history records such
//! a timeout without a cause, yet hands a Catch `"Cause": ""`
//! (`error_handling/test_invoke_timeout`); the engine's timeout error has
//! that shape, a replayed error with no cause would not.

use serde_json::Value;
use sfn_runtime::{Resources, TaskContext, TaskError};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

#[derive(Debug, Default)]
struct Recorded {
    results: Vec<Value>,
    inputs: Vec<Option<Value>>,
    used: Vec<bool>,
}

/// Every `Resource` string of Task states in a definition (nested scopes included).
pub fn resources_of(definition: &Value) -> Vec<String> {
    let mut out = Vec::new();
    collect(definition, &mut out);
    out.sort();
    out.dedup();
    out
}

fn collect(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if m.get("Type").and_then(Value::as_str) == Some("Task") {
                match m.get("Resource") {
                    Some(Value::String(r)) => out.push(r.clone()),
                    Some(other) => out.push(other.to_string()),
                    None => {}
                }
            }
            m.values().for_each(|x| collect(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| collect(x, out)),
        _ => {}
    }
}

/// Handlers for every Task resource of the case's definition, replaying `task_results`.
pub fn resources(case: &Value) -> Resources {
    let mut table: HashMap<String, Recorded> = HashMap::new();
    if let Some(Value::Object(results)) = case.get("task_results") {
        for (state, list) in results {
            let results: Vec<Value> = list.as_array().cloned().unwrap_or_default();
            let recorded_inputs = case
                .get("task_inputs_recorded")
                .and_then(|t| t.get(state))
                .and_then(Value::as_array);
            let inputs = (0..results.len())
                .map(|i| recorded_inputs.and_then(|r| r.get(i)).cloned())
                .collect();
            let used = vec![false; results.len()];
            table.insert(
                state.clone(),
                Recorded {
                    results,
                    inputs,
                    used,
                },
            );
        }
    }
    let table = Arc::new(Mutex::new(table));
    let mut resources = Resources::new();
    for resource in resources_of(&case["definition"]) {
        let table = table.clone();
        resources = resources.handler(resource, move |input: Value, ctx: TaskContext| {
            let entry = take(&table, ctx.state_name(), &input);
            async move {
                match entry {
                    Answer::Now(result) => result,
                    Answer::Never => std::future::pending().await,
                }
            }
        });
    }
    resources
}

/// What a replayed call does.
enum Answer {
    /// Returns the recorded output or error.
    Now(Result<Value, TaskError>),
    /// AWS recorded a timeout: never answer, so that the state's
    /// `TimeoutSeconds` fires.
    Never,
}

fn take(table: &Mutex<HashMap<String, Recorded>>, state: &str, input: &Value) -> Answer {
    let mut table = table.lock().unwrap_or_else(|p| p.into_inner());
    let Some(rec) = table.get_mut(state) else {
        return Answer::Now(Err(TaskError::new(
            "Replay.NoRecordedResult",
            format!("the case records no result for Task state '{state}'"),
        )));
    };
    let by_input = (0..rec.results.len()).find(|&i| {
        !rec.used[i]
            && rec.inputs[i]
                .as_ref()
                .is_some_and(|r| crate::compare::same(r, input, &[]))
    });
    let Some(i) = by_input.or_else(|| rec.used.iter().position(|u| !u)) else {
        return Answer::Now(Err(TaskError::new(
            "Replay.NoRecordedResult",
            format!("all recorded results of Task state '{state}' are used"),
        )));
    };
    rec.used[i] = true;
    let entry = &rec.results[i];
    if let Some(output) = entry.get("output") {
        return Answer::Now(Ok(output.clone()));
    }
    if entry.get("timed_out") == Some(&Value::Bool(true)) {
        return Answer::Never;
    }
    let error = entry
        .get("error")
        .and_then(Value::as_str)
        .unwrap_or("States.TaskFailed")
        .to_string();
    let cause = match (entry.get("cause"), entry.get("cause_json")) {
        (Some(Value::String(c)), _) => Some(c.clone()),
        (_, Some(j)) => Some(j.to_string()),
        _ => None,
    };
    Answer::Now(Err(TaskError { error, cause }))
}
