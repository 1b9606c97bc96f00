//! Workflows compiled by `asl!` and run on the runtime: every state type,
//! Retry and Catch, variables, and the error of a failed execution. Time is
//! paused, so Waits and retry delays take no real time.

#![deny(warnings)]

use serde_json::{Value, json};
use sfn_runtime::{ExecutionError, Resources, TaskContext, TaskError};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

sfn_macros::asl!(
    /// A workflow with every state type.
    pub mod tour,
    {
        "Comment": "Every state type, in one workflow.",
        "StartAt": "Init",
        "States": {
            "Init": {
                "Type": "Pass",
                "Result": {"n": 3, "items": [1, 2, 3]},
                "ResultPath": "$.init",
                "Assign": {"label": "tour"},
                "Next": "Double"
            },
            "Double": {
                "Type": "Task",
                "Comment": "Doubles n.",
                "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Double",
                "Parameters": {"value.$": "$.init.n", "label.$": "$label"},
                "ResultSelector": {"doubled.$": "$.value"},
                "ResultPath": "$.task",
                "Retry": [{"ErrorEquals": ["Flaky"], "IntervalSeconds": 5, "MaxAttempts": 2}],
                "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error", "Next": "Failed"}],
                "Next": "Check"
            },
            "Check": {
                "Type": "Choice",
                "Choices": [
                    {
                        "And": [
                            {"Variable": "$.task.doubled", "NumericGreaterThan": 5},
                            {"Not": {"Variable": "$.task.doubled", "NumericEquals": 7}}
                        ],
                        "Next": "Pause"
                    }
                ],
                "Default": "Failed"
            },
            "Pause": {"Type": "Wait", "Seconds": 86400, "Next": "Fan"},
            "Fan": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "Constant", "States": {"Constant": {"Type": "Pass", "Result": "a", "End": true}}},
                    {"StartAt": "Echo", "States": {"Echo": {
                        "Type": "Task",
                        "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Echo",
                        "InputPath": "$.init.n",
                        "End": true
                    }}}
                ],
                "ResultPath": "$.fan",
                "Next": "Each"
            },
            "Each": {
                "Type": "Map",
                "ItemsPath": "$.init.items",
                "MaxConcurrency": 2,
                "ItemSelector": {"index.$": "$$.Map.Item.Index", "value.$": "$$.Map.Item.Value"},
                "ItemProcessor": {
                    "StartAt": "Square",
                    "States": {"Square": {
                        "Type": "Task",
                        "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Square",
                        "End": true
                    }}
                },
                "ResultPath": "$.squares",
                "Next": "Summary"
            },
            "Summary": {
                "Type": "Pass",
                "Parameters": {
                    "doubled.$": "$.task.doubled",
                    "fan.$": "$.fan",
                    "squares.$": "$.squares",
                    "label.$": "$label",
                    "text.$": "States.Format('{} items', States.ArrayLength($.squares))"
                },
                "Next": "Done"
            },
            "Done": {"Type": "Succeed"},
            "Failed": {"Type": "Fail", "Error": "TourFailed", "CausePath": "$.error.Cause"}
        }
    }
);

/// Typed handlers, counting calls; `Double` fails with `fail_with` first.
#[derive(Default)]
struct Handlers {
    calls: AtomicU32,
    fail_with: Option<(&'static str, u32)>,
}

impl tour::Tasks for Handlers {
    async fn double(&self, input: Value, ctx: TaskContext) -> Result<Value, TaskError> {
        assert_eq!(ctx.state_name(), "Double");
        let call = self.calls.fetch_add(1, Ordering::SeqCst);
        if let Some((error, times)) = self.fail_with
            && call < times
        {
            return Err(TaskError::new(error, format!("attempt {call}")));
        }
        assert_eq!(input["label"], json!("tour"));
        let n = input["value"].as_i64().unwrap_or_default();
        Ok(json!({"value": n * 2, "retries": ctx.retry_count()}))
    }

    async fn echo(&self, input: Value, _ctx: TaskContext) -> Result<Value, TaskError> {
        Ok(input)
    }

    async fn square(&self, input: Value, _ctx: TaskContext) -> Result<Value, TaskError> {
        let v = input["value"].as_i64().unwrap_or_default();
        Ok(json!({"index": input["index"], "square": v * v}))
    }
}

fn expected_output() -> Value {
    json!({
        "doubled": 6,
        "fan": ["a", 3],
        "squares": [
            {"index": 0, "square": 1},
            {"index": 1, "square": 4},
            {"index": 2, "square": 9}
        ],
        "label": "tour",
        "text": "3 items"
    })
}

#[tokio::test(start_paused = true)]
async fn every_state_type_runs() {
    let machine = tour::StateMachine::new(Handlers::default());
    let start = tokio::time::Instant::now();
    let output = machine.run(json!({"orderId": "42"})).await.unwrap();
    assert_eq!(output, expected_output());
    // The Wait of a day passed in paused time.
    assert!(start.elapsed() >= std::time::Duration::from_secs(86400));
}

#[tokio::test(start_paused = true)]
async fn retry_then_success() {
    let handlers = Handlers {
        fail_with: Some(("Flaky", 2)),
        ..Handlers::default()
    };
    let machine = tour::StateMachine::new(handlers);
    let output = machine.run(json!({})).await.unwrap();
    assert_eq!(output, expected_output());
    assert_eq!(machine.tasks().calls.load(Ordering::SeqCst), 3);
}

#[tokio::test(start_paused = true)]
async fn caught_error_goes_to_the_fail_state() {
    let handlers = Handlers {
        fail_with: Some(("Boom", 1)),
        ..Handlers::default()
    };
    let machine = tour::StateMachine::new(handlers);
    let error = machine.run(json!({})).await.unwrap_err();
    assert_eq!(
        error,
        ExecutionError {
            error: "TourFailed".into(),
            cause: Some("attempt 0".into()),
        }
    );
}

#[tokio::test(start_paused = true)]
async fn retries_exhausted_are_caught() {
    let handlers = Handlers {
        fail_with: Some(("Flaky", 10)),
        ..Handlers::default()
    };
    let machine = tour::StateMachine::new(handlers);
    let error = machine.run(json!({})).await.unwrap_err();
    assert_eq!(error.error, "TourFailed");
    assert_eq!(error.cause.as_deref(), Some("attempt 2"));
    assert_eq!(machine.tasks().calls.load(Ordering::SeqCst), 3);
}

#[tokio::test(start_paused = true)]
async fn resources_by_arn() {
    let squares = Arc::new(AtomicU32::new(0));
    let counter = Arc::clone(&squares);
    let resources = Resources::new()
        .handler(
            "arn:aws:lambda:us-east-1:123456789012:function:Double",
            |input: Value, _ctx: TaskContext| async move {
                Ok(json!({"value": input["value"].as_i64().unwrap_or_default() * 2}))
            },
        )
        .handler(
            "arn:aws:lambda:us-east-1:123456789012:function:Echo",
            |input: Value, _ctx: TaskContext| async move { Ok(input) },
        )
        .handler(
            "arn:aws:lambda:us-east-1:123456789012:function:Square",
            move |input: Value, _ctx: TaskContext| {
                counter.fetch_add(1, Ordering::SeqCst);
                async move {
                    let v = input["value"].as_i64().unwrap_or_default();
                    Ok(json!({"index": input["index"], "square": v * v}))
                }
            },
        );
    let machine = tour::StateMachine::from_resources(resources);
    let output = machine.run(json!({})).await.unwrap();
    assert_eq!(output, expected_output());
    assert_eq!(squares.load(Ordering::SeqCst), 3);
}

#[tokio::test(start_paused = true)]
async fn a_missing_resource_fails_the_task() {
    let machine = tour::StateMachine::from_resources(Resources::new());
    let error = machine.run(json!({})).await.unwrap_err();
    // Caught by States.ALL, then the Fail state reports the cause.
    assert_eq!(error.error, "TourFailed");
    assert!(
        error.cause.unwrap().contains("Double"),
        "names the resource"
    );
}

#[test]
fn states_are_plain_data() {
    assert_eq!(tour::State::ALL.len(), 9);
    assert_eq!(tour::State::Double.name(), "Double");
    assert_eq!(tour::State::from_name("Each"), Some(tour::State::Each));
    assert_eq!(tour::State::from_name("Nope"), None);
    assert_eq!(tour::FanBranch1::Echo.to_string(), "Echo");
    assert_eq!(tour::EachProcessor::ALL, [tour::EachProcessor::Square]);
    assert!(tour::DEFINITION.contains("\"StartAt\":\"Init\""));
    assert_eq!(tour::NAME, "tour");
}

fn assert_send<T: Send>(t: T) -> T {
    t
}

#[tokio::test(start_paused = true)]
async fn runs_on_a_spawned_task() {
    let machine = Arc::new(tour::StateMachine::new(Handlers::default()));
    let spawned = tokio::spawn(assert_send(async move { machine.run(json!({})).await }));
    assert_eq!(spawned.await.unwrap().unwrap(), expected_output());
}

#[tokio::test(start_paused = true)]
async fn settings_observe_the_states_entered() {
    let seen = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let log = Arc::clone(&seen);
    let settings = sfn_runtime::Settings {
        on_state_entered: Some(sfn_runtime::StateObserver::new(move |name| {
            log.lock().unwrap().push(name.to_owned());
        })),
        ..sfn_runtime::Settings::default()
    };
    let machine = tour::StateMachine::new(Handlers::default()).with_settings(settings);
    machine.run(json!({})).await.unwrap();
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen[..5], ["Init", "Double", "Check", "Pause", "Fan"]);
    assert_eq!(seen.iter().filter(|s| *s == "Square").count(), 3);
    assert_eq!(seen[seen.len() - 2..], ["Summary", "Done"]);
}

sfn_macros::asl!(pub mod slow, {
    "TimeoutSeconds": 10,
    "StartAt": "Sleep",
    "States": {
        "Sleep": {"Type": "Wait", "SecondsPath": "$.seconds", "Next": "Until"},
        "Until": {"Type": "Wait", "TimestampPath": "$.until", "End": true}
    }
});

#[tokio::test(start_paused = true)]
async fn the_execution_times_out() {
    let machine = slow::StateMachine::new(());
    let input = json!({"seconds": 5, "until": "2001-01-01T00:00:00Z"});
    assert_eq!(machine.run(input.clone()).await.unwrap(), input);
    let error = machine
        .run(json!({"seconds": 20, "until": "2001-01-01T00:00:00Z"}))
        .await
        .unwrap_err();
    assert_eq!(error.error, "States.Timeout");
    let error = machine.run(json!({"seconds": -1})).await.unwrap_err();
    assert_eq!(error.error, "States.Runtime");
    assert!(error.cause.unwrap().contains("negative"));
}

sfn_macros::asl!(pub mod choose, {
    "StartAt": "C",
    "States": {
        "C": {
            "Type": "Choice",
            "Choices": [
                {"Variable": "$.x", "StringMatches": "a*", "Next": "A"},
                {"Variable": "$.y", "IsPresent": false, "Next": "NoY"}
            ]
        },
        "A": {"Type": "Pass", "Result": "a", "End": true},
        "NoY": {"Type": "Fail", "Error": "NoY", "Cause": "y is missing"}
    }
});

#[tokio::test]
async fn choice_rules_and_their_errors() {
    let machine = choose::StateMachine::new(());
    assert_eq!(machine.run(json!({"x": "abc"})).await.unwrap(), json!("a"));
    let missing = machine.run(json!({})).await.unwrap_err();
    assert_eq!(missing.error, "States.Runtime");
    // The state raised it itself: AWS names the state and its entered
    // event (ExecutionStarted is #1, the Choice's ChoiceStateEntered #2).
    assert_eq!(
        missing.cause.as_deref(),
        Some(
            "An error occurred while executing the state 'C' (entered at the event id #2). \
             Invalid path '$.x': The choice state's condition path references an invalid value."
        )
    );
    let no_y = machine.run(json!({"x": "zzz"})).await.unwrap_err();
    assert_eq!(no_y.error, "NoY");
    let none = machine.run(json!({"x": "zzz", "y": 1})).await.unwrap_err();
    assert_eq!(none.error, "States.Runtime");
}

sfn_macros::asl!(pub mod jsonata, {
    "QueryLanguage": "JSONata",
    "StartAt": "A",
    "States": {"A": {"Type": "Pass", "Output": "{% $states.input.x %}", "End": true}}
});

#[tokio::test]
async fn a_jsonata_state_runs_and_fails_on_nothing() {
    let machine = jsonata::StateMachine::new(());
    assert_eq!(machine.run(json!({"x": 1})).await.unwrap(), json!(1));
    let error = machine.run(json!({})).await.unwrap_err();
    assert_eq!(error.error, "States.QueryEvaluationError");
}
