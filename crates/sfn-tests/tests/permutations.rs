//! The order of a workflow's states in `States` changes nothing: the same
//! workflow with its states in file order, reversed, and rotated by one
//! gives the same output or error and the same history (every event's type,
//! id and details, such as each state's input and output).
//!
//! Issue 13, item 4: facts about a scope were read from the arms written so
//! far, so a state placed before (in file order) the first state reading
//! its input recorded `null` as its input.

#![deny(warnings)]

use serde_json::{Value, json};
use sfn_runtime::{Resources, Settings, TaskContext, TaskError};
use std::sync::Arc;

/// `asl!` for a workflow whose states are `("Name": { ... })` groups.
macro_rules! workflow {
    ($module:ident, $start:tt, $(($($state:tt)*))*) => {
        sfn_runtime::asl!(pub mod $module, { "StartAt": $start, "States": { $($($state)*),* } });
    };
}

/// The states of `$module` in reverse order.
macro_rules! reversed {
    ($module:ident, $start:tt, [] [$($done:tt)*]) => {
        workflow!($module, $start, $($done)*);
    };
    ($module:ident, $start:tt, [$first:tt $($rest:tt)*] [$($done:tt)*]) => {
        reversed!($module, $start, [$($rest)*] [$first $($done)*]);
    };
}

/// A module `$family` with the workflow in three orders: `original`,
/// `reversed`, and `rotated` (the first state moved last).
macro_rules! orders {
    ($(#[$doc:meta])* $family:ident, $start:tt, [$first:tt $($rest:tt)*]) => {
        $(#[$doc])*
        mod $family {
            workflow!(original, $start, $first $($rest)*);
            reversed!(reversed, $start, [$first $($rest)*] []);
            workflow!(rotated, $start, $($rest)* $first);
        }
    };
}

orders!(
    /// Issue 13's example: the Fail state `A` comes before `B`, which
    /// starts, reads its input and moves on to `A`.
    fail_first,
    "B",
    [
        ("A": { "Type": "Fail", "Error": "X" })
        ("B": { "Type": "Pass", "Next": "A" })
    ]
);

orders!(
    /// No state reads its input: only the transition carries it.
    constant,
    "B",
    [
        ("A": { "Type": "Fail", "Error": "X", "Cause": "constant" })
        ("B": { "Type": "Pass", "Result": { "b": 1 }, "Next": "A" })
    ]
);

orders!(
    /// A single state that reads nothing: its input is the execution's.
    alone,
    "A",
    [("A": { "Type": "Fail", "Error": "X" })]
);

orders!(
    /// Every kind of state; `$$` in Parameters; a Catch; a Parallel whose
    /// branch holds issue 13's example, caught.
    mixed,
    "Prepare",
    [
        ("Done": { "Type": "Succeed", "OutputPath": "$.result" })
        ("Prepare": {
            "Type": "Pass",
            "Parameters": { "items.$": "$.items", "n.$": "$.n", "state.$": "$$.State.Name" },
            "Next": "Check"
        })
        ("Check": {
            "Type": "Choice",
            "Choices": [{ "Variable": "$.n", "NumericGreaterThan": 0, "Next": "Pause" }],
            "Default": "Skipped"
        })
        ("Skipped": { "Type": "Fail", "Error": "Test.Skipped", "CausePath": "$.state" })
        ("Pause": { "Type": "Wait", "Seconds": 1, "Next": "Call" })
        ("Call": {
            "Type": "Task",
            "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Work",
            "ResultPath": "$.called",
            "Catch": [{ "ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Skipped" }],
            "Next": "Both"
        })
        ("Both": {
            "Type": "Parallel",
            "Branches": [
                {
                    "StartAt": "B",
                    "States": {
                        "A": { "Type": "Fail", "Error": "Branch.Failed" },
                        "B": { "Type": "Pass", "Parameters": { "seen.$": "$.n" }, "Next": "A" }
                    }
                },
                { "StartAt": "R", "States": { "R": { "Type": "Pass", "Result": "r", "End": true } } }
            ],
            "ResultPath": "$.both",
            "Catch": [{ "ErrorEquals": ["Branch.Failed"], "ResultPath": "$.caught", "Next": "Each" }],
            "Next": "Each"
        })
        ("Each": {
            "Type": "Map",
            "ItemsPath": "$.items",
            "MaxConcurrency": 1,
            "ItemProcessor": {
                "StartAt": "Double",
                "States": {
                    "Tag": { "Type": "Pass", "Result": "t", "ResultPath": "$.tag", "End": true },
                    "Double": { "Type": "Pass", "Parameters": { "v.$": "States.MathAdd($, $)" }, "Next": "Tag" }
                }
            },
            "ResultPath": "$.result",
            "Next": "Done"
        })
    ]
);

/// What a run gives: the output or the error, and the history's events
/// (type, id, previous id, details).
type Run = (Result<Value, String>, Vec<(String, u64, u64, Value)>);

/// Runs `$module` (under `$family`) on `$input` with the history kept.
macro_rules! run {
    ($family:ident :: $module:ident, $input:expr) => {{
        let resources = Resources::new().handler(
            "arn:aws:lambda:us-east-1:123456789012:function:Work",
            |input: Value, _ctx: TaskContext| async move {
                if input["n"] == json!(1) {
                    return Err(TaskError::new("Work.Failed", "one"));
                }
                Ok(json!({ "worked": input["n"] }))
            },
        );
        let machine = Arc::new(
            $family::$module::StateMachine::from_resources(resources).with_settings(Settings {
                record_history: true,
                ..Settings::default()
            }),
        );
        let handle = machine.start($input);
        let result = handle
            .result()
            .await
            .map_err(|e| format!("{} / {:?}", e.error, e.cause));
        let events = handle
            .history()
            .expect("kept")
            .events()
            .iter()
            .map(|e| {
                (
                    e.event_type.to_string(),
                    e.id,
                    e.previous_event_id,
                    e.details.clone(),
                )
            })
            .collect::<Vec<_>>();
        (result, events)
    }};
}

/// The three orders of `$family` on `$input`, checked to agree; returns the
/// run of the original order.
macro_rules! same_in_every_order {
    ($family:ident, $input:expr) => {{
        let input: Value = $input;
        let original: Run = run!($family::original, input.clone());
        let reversed: Run = run!($family::reversed, input.clone());
        let rotated: Run = run!($family::rotated, input);
        assert_same(stringify!($family), "reversed", &original, &reversed);
        assert_same(stringify!($family), "rotated", &original, &rotated);
        original
    }};
}

fn assert_same(family: &str, order: &str, original: &Run, other: &Run) {
    assert_eq!(
        original.0, other.0,
        "{family}: the {order} order gives another result"
    );
    for (a, b) in original.1.iter().zip(&other.1) {
        assert_eq!(a, b, "{family}: the {order} order records another event");
    }
    assert_eq!(
        original.1.len(),
        other.1.len(),
        "{family}: the {order} order records another number of events"
    );
}

/// The details of the events of type `event_type`, in order.
fn details<'r>(run: &'r Run, event_type: &str) -> Vec<&'r Value> {
    run.1
        .iter()
        .filter(|e| e.0 == event_type)
        .map(|e| &e.3)
        .collect()
}

/// A history's `input` or `output` field (JSON text) as a value.
fn field(details: &Value, name: &str) -> Value {
    serde_json::from_str(details[name].as_str().expect("a JSON text")).unwrap()
}

#[tokio::test(start_paused = true)]
async fn a_state_before_the_first_reading_its_input() {
    let run = same_in_every_order!(fail_first, json!({ "x": 1 }));
    assert_eq!(run.0, Err("X / None".to_owned()));
    assert_eq!(
        field(details(&run, "PassStateExited")[0], "output"),
        json!({ "x": 1 })
    );
    assert_eq!(
        field(details(&run, "FailStateEntered")[0], "input"),
        json!({ "x": 1 })
    );
}

#[tokio::test(start_paused = true)]
async fn states_that_read_no_input() {
    let run = same_in_every_order!(constant, json!({ "x": 1 }));
    assert_eq!(run.0, Err("X / Some(\"constant\")".to_owned()));
    assert_eq!(
        field(details(&run, "PassStateEntered")[0], "input"),
        json!({ "x": 1 })
    );
    assert_eq!(
        field(details(&run, "FailStateEntered")[0], "input"),
        json!({ "b": 1 })
    );
    let run = same_in_every_order!(alone, json!({ "y": 2 }));
    assert_eq!(
        field(details(&run, "FailStateEntered")[0], "input"),
        json!({ "y": 2 })
    );
}

#[tokio::test(start_paused = true)]
async fn every_kind_of_state() {
    let run = same_in_every_order!(mixed, json!({ "items": [1, 2], "n": 3 }));
    assert_eq!(
        run.0,
        Ok(json!([{ "v": 2, "tag": "t" }, { "v": 4, "tag": "t" }]))
    );
    // The branch's Fail state records the input its Pass state gave it.
    let failed = details(&run, "FailStateEntered");
    assert_eq!(field(failed[0], "input"), json!({ "seen": 3 }));
    // The Choice's Default, then the Task's Catch: both go to `Skipped`.
    let skipped = Err("Test.Skipped / Some(\"Prepare\")".to_owned());
    let run = same_in_every_order!(mixed, json!({ "items": [], "n": 0 }));
    assert_eq!(run.0, skipped);
    let run = same_in_every_order!(mixed, json!({ "items": [1], "n": 1 }));
    assert_eq!(run.0, skipped);
    assert_eq!(details(&run, "LambdaFunctionFailed").len(), 1);
}
